"""A worked example of scaled dot-product attention with the model's own numbers.

The figure follows one head of the first layer through a short sentence:
queries, keys and values, the scores, the scaled scores, the softmax weights
and the output, each as a small labelled matrix. The numbers come from
`ReferenceModel.forward`, the NumPy twin of the browser's model, and are
rounded only for display. Matrices of numbers read better as HTML tables than
as SVG: screen readers announce their rows and columns, and the text wraps
and zooms like the rest of the page.
"""

import math

import numpy as np
from markupsafe import Markup, escape

import demo_format
from model.reference import ReferenceModel

from .svg import Figure, fmt_number

SOURCE = "figures/attention.py"

WORKED_SENTENCE = "the cat sat"
WORKED_LAYER = 0  # layer 1 as the article counts
# The example shows the head of WORKED_LAYER whose rows' largest weights
# average closest to this value. Such a head has clear preferences but makes
# no all-or-nothing choice, so every step of the softmax shows in the numbers.
TARGET_PEAK_WEIGHT = 0.7


def choose_head(attention_weights: np.ndarray) -> int:
    """Return the index of the head whose peak weights come nearest the target.

    `attention_weights` is one layer's (heads, n, n) array. Each head's peak
    is the mean over rows of the row's largest weight, and ties go to the
    lower index.
    """
    peaks = attention_weights.max(axis=-1).mean(axis=-1)  # (heads,)
    return int(np.argmin(np.abs(peaks - TARGET_PEAK_WEIGHT)))


def matrix_table(
    name: str,
    caption: str,
    values: np.ndarray,
    row_labels: list[str],
    column_labels: list[str],
    column_header: str,
    heat: bool = False,
) -> str:
    """Return an HTML table of `values`, rounded to two decimals for reading.

    Each cell's `data-value` contains the value with 8 significant digits, the
    format the live demo's matrices use. `caption` is trusted HTML. With
    `heat`, cells get the demo's `heat-N` color classes, for values in [0, 1].
    """
    head = "".join(f'<th scope="col">{escape(label)}</th>' for label in column_labels)
    rows = []
    for label, row in zip(row_labels, values, strict=True):
        cells = []
        for value in row:
            number = float(value)
            css_class = (
                f' class="heat-{demo_format.heat_level(number)}"' if heat else ""
            )
            cells.append(
                f'<td{css_class} data-value="{demo_format.attention_value(number)}">'
                f"{fmt_number(number, 2)}</td>"
            )
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{"".join(cells)}</tr>')
    return (
        f'<table class="matrix" data-name="{escape(name)}">'
        f"<caption>{caption}</caption>"
        f'<thead><tr><td class="matrix-corner">{escape(column_header)}</td>'
        f"{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def attention_worked_example(figure_id: str, model: ReferenceModel) -> Figure:
    """Lay out every step of one attention head for WORKED_SENTENCE as tables."""
    encoding = model.tokenizer.encode(WORKED_SENTENCE)
    if any(encoding.unknown):
        raise ValueError(
            f"{SOURCE}: WORKED_SENTENCE {WORKED_SENTENCE!r} has tokens the model "
            f"does not know ({encoding.tokens}, unknown {encoding.unknown}); "
            "choose words from model/web/tokenizer.json"
        )
    tokens = encoding.tokens
    steps = model.forward(encoding.ids)
    layer = WORKED_LAYER
    head = choose_head(steps["attention_weights"][layer])
    query = steps["query"][layer, head]
    key = steps["key"][layer, head]
    value = steps["value"][layer, head]
    scores = steps["scores"][layer, head]
    scaled_scores = steps["scaled_scores"][layer, head]
    weights = steps["attention_weights"][layer, head]
    output = steps["head_outputs"][layer, head]
    n, d_k = query.shape
    # Counted from 0, as in the step-through and the formulas (dimension 2i).
    dimensions = [str(index) for index in range(d_k)]
    sqrt_d_k = math.sqrt(d_k)

    def projection_table(name: str, letter: str, role: str, values) -> str:
        caption = (
            f"<var>{letter}</var> = <var>X</var><var>W</var><sup>{letter}</sup> + "
            f"<var>b</var><sup>{letter}</sup>, {role} ({n} \u00d7 {d_k})"
        )
        return matrix_table(name, caption, values, tokens, dimensions, "dim.")

    def score_table(name: str, caption: str, values, heat: bool = False) -> str:
        return matrix_table(
            name, caption, values, tokens, tokens, "key \u2192", heat=heat
        )

    inputs = "".join(
        [
            projection_table("query", "Q", "queries", query),
            projection_table("key", "K", "keys", key),
            projection_table("value", "V", "values", value),
        ]
    )
    score_tables = "".join(
        [
            score_table(
                "scores",
                "<var>Q</var><var>K</var><sup>\u22a4</sup>, scores",
                scores,
            ),
            score_table(
                "scaled_scores",
                f"divided by \u221a{d_k} \u2248 {sqrt_d_k:.2f}",
                scaled_scores,
            ),
            score_table(
                "attention_weights",
                "softmax of each row, weights",
                weights,
                heat=True,
            ),
        ]
    )
    output_table = matrix_table(
        "head_outputs",
        f"weights \u00d7 <var>V</var>, the head's output ({n} \u00d7 {d_k})",
        output,
        tokens,
        dimensions,
        "dim.",
    )

    # One entry of each step, written out so the reader can redo it by hand.
    first, second = tokens[0], tokens[1]
    terms = " + ".join(
        f"({fmt_number(q, 3)})({fmt_number(k, 3)})"
        for q, k in zip(query[1], key[0], strict=True)
    )
    exponentials = " + ".join(
        f"e<sup>{fmt_number(score, 2)}</sup>" for score in scaled_scores[0]
    )
    mix = " + ".join(
        f"{fmt_number(weight, 2)}\u00a0<var>v</var><sub>{escape(token)}</sub>"
        for weight, token in zip(weights[0], tokens, strict=True)
    )
    worked_steps = (
        '<ol class="worked-steps">'
        f"<li>Score of query \u201c{escape(second)}\u201d against key "
        f"\u201c{escape(first)}\u201d: "
        f"<var>q</var><sub>{escape(second)}</sub> \u00b7 "
        f"<var>k</var><sub>{escape(first)}</sub> = {terms} = "
        f"{fmt_number(scores[1, 0], 2)}</li>"
        f"<li>Scaled: {fmt_number(scores[1, 0], 2)} / {sqrt_d_k:.2f} = "
        f"{fmt_number(scaled_scores[1, 0], 2)}</li>"
        f"<li>Weight of \u201c{escape(first)}\u201d in the row of "
        f"\u201c{escape(first)}\u201d: e<sup>{fmt_number(scaled_scores[0, 0], 2)}"
        f"</sup> / ({exponentials}) = {fmt_number(weights[0, 0], 2)}</li>"
        f"<li>Output of \u201c{escape(first)}\u201d: {mix}</li>"
        "</ol>"
    )

    body = Markup(
        f'<div class="worked-example" data-sentence="{escape(WORKED_SENTENCE)}" '
        f'data-layer="{layer}" data-head="{head}">'
        f'<div class="matrix-row">{inputs}</div>'
        f'<div class="matrix-row">{score_tables}</div>'
        f'<div class="matrix-row">{output_table}</div>'
        f"{worked_steps}</div>"
    )
    caption = Markup(
        f"Attention by hand: head {head + 1} of layer {layer + 1} of the demo "
        f"model on \u201c{escape(WORKED_SENTENCE)}\u201d. Each row belongs to one "
        "token. The rows of a score table are queries and its columns keys; "
        "each row of weights sums to 1. The tables round values to two "
        "decimals, the dot product below to three. Every step was computed "
        "from the unrounded numbers, so redoing a step with the printed numbers "
        "can differ in the last digit."
    )
    return Figure("attention-worked-example", figure_id, body, caption)
