"""Build-time figures of the article, drawn from the exported model.

Each figure is a function `(figure_id, model) -> Figure`, where `model` is the
`ReferenceModel` loaded from model/web/, the same weights the browser runs.
Nothing the model computes or stores is written into this package, so a
retrained model redraws every figure on the next build. Figures are inline
SVG (or, for matrices of numbers, HTML tables) with a title and a text
description, and the same inputs always give the same bytes.
"""

from collections.abc import Callable

from model.reference import ReferenceModel

from .attention import attention_worked_example
from .embeddings import embedding_lookup, embedding_pca
from .encoder import encoder_stack
from .positional import (
    pe_heatmap,
    pe_relative_shift,
    pe_sin_cos_pair,
    pe_sine_curves,
    shift_error,
    shift_matrix,
)
from .svg import Figure, diverging_color

__all__ = [
    "FIGURES",
    "Figure",
    "diverging_color",
    "render_figure",
    "shift_error",
    "shift_matrix",
]

FIGURES: dict[str, Callable[[str, ReferenceModel], Figure]] = {
    "attention-worked-example": attention_worked_example,
    "embedding-lookup": embedding_lookup,
    "embedding-pca": embedding_pca,
    "encoder-stack": encoder_stack,
    "pe-heatmap": pe_heatmap,
    "pe-relative-shift": pe_relative_shift,
    "pe-sin-cos-pair": pe_sin_cos_pair,
    "pe-sine-curves": pe_sine_curves,
}


def render_figure(name: str, figure_id: str, model: ReferenceModel) -> Figure:
    """Render the figure registered as `name`, with ids prefixed by `figure_id`.

    Raises KeyError for a name that is not in FIGURES.
    """
    return FIGURES[name](figure_id, model)
