"""Tests of the build-time SVG figures in figures.py."""

import math
import re
from html.parser import HTMLParser

import numpy as np
import pytest

import figures
from model.positional_encoding import positional_encoding


class SvgElements(HTMLParser):
    """Collect every start tag of an SVG string as (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, dict(attrs)))


def parse_svg(svg: str) -> list[tuple[str, dict[str, str]]]:
    parser = SvgElements()
    parser.feed(svg)
    return parser.elements


def test_pe_first_values():
    table = positional_encoding(2, 8)

    assert table[1, 0] == pytest.approx(math.sin(1.0), abs=1e-12)
    assert table[0, 1] == 1.0
    assert table[0, 0] == 0.0


def test_pe_position_one_for_d8():
    expected = [0.841471, 0.540302, 0.099833, 0.995004, 0.0099998, 0.99995, 0.001]
    expected.append(0.9999995)

    row = positional_encoding(2, 8)[1]

    assert row == pytest.approx(expected, abs=1e-6)


def test_figures_use_model_d_model():
    from model import transformer

    defaults = {
        field.name: field.default
        for field in transformer.ModelConfig.__dataclass_fields__.values()
    }

    assert figures.D_MODEL == defaults["d_model"]


def test_heatmap_values_come_from_pe():
    figure = figures.render_figure("pe-heatmap", "figure-test")
    cells = [attrs for tag, attrs in parse_svg(figure.svg) if "data-value" in attrs]
    table = positional_encoding(32, figures.D_MODEL)

    assert len(cells) == table.size
    values = np.array([float(cell["data-value"]) for cell in cells])
    np.testing.assert_allclose(values.reshape(table.shape), table, atol=1e-6)
    for index in (0, 1, 33, 500, table.size - 1):
        assert cells[index]["fill"] == figures.diverging_color(values[index])


def test_heatmap_cells_laid_out_by_row():
    figure = figures.render_figure("pe-heatmap", "figure-test")
    cells = [attrs for tag, attrs in parse_svg(figure.svg) if "data-value" in attrs]

    first, second, next_row = cells[0], cells[1], cells[figures.D_MODEL]

    assert float(second["x"]) > float(first["x"])
    assert second["y"] == first["y"]
    assert next_row["x"] == first["x"]
    assert float(next_row["y"]) > float(first["y"])


def test_heatmap_axis_labels():
    figure = figures.render_figure("pe-heatmap", "figure-test")

    assert ">position</text>" in figure.svg
    assert ">dimension</text>" in figure.svg


@pytest.mark.parametrize(
    ("value", "color"),
    [(-1.0, "#053061"), (0.0, "#f7f7f7"), (1.0, "#67001f"), (5.0, "#67001f")],
)
def test_diverging_color_stops(value, color):
    assert figures.diverging_color(value) == color


@pytest.mark.parametrize("offset", [1, 3, 7, 20])
def test_shift_matrix_moves_pe_by_offset(offset):
    table = positional_encoding(40 + offset, figures.D_MODEL)
    matrix = figures.shift_matrix(offset, figures.D_MODEL)

    shifted = table[:40] @ matrix.T

    np.testing.assert_allclose(shifted, table[offset:], rtol=0, atol=1e-9)


def test_shift_matrix_is_block_diagonal():
    matrix = figures.shift_matrix(3, figures.D_MODEL)
    mask = np.kron(np.eye(figures.D_MODEL // 2), np.ones((2, 2))).astype(bool)

    assert np.all(matrix[~mask] == 0)
    np.testing.assert_allclose(matrix @ matrix.T, np.eye(figures.D_MODEL), atol=1e-12)


def test_shift_matrix_rejects_odd_width():
    with pytest.raises(ValueError, match="even d_model"):
        figures.shift_matrix(1, 7)


def test_shift_caption_reports_small_error():
    figure = figures.render_figure("pe-relative-shift", "figure-test")
    match = re.search(
        r"at most ([\d.]+) \u00d7 10<sup>\u2212(\d+)</sup>", figure.caption
    )

    assert match is not None, figure.caption
    error = float(match.group(1)) * 10 ** -int(match.group(2))
    assert error < 1e-9


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_figure_has_text_alternative(name):
    figure = figures.render_figure(name, f"figure-{name}")
    elements = parse_svg(figure.svg)
    svg_attrs = elements[0][1]
    ids = {attrs.get("id") for tag, attrs in elements}

    assert elements[0][0] == "svg"
    assert svg_attrs["role"] == "img"
    for label_id in svg_attrs["aria-labelledby"].split():
        assert label_id in ids
    assert re.search(r"<title id=[^>]*>[^<]{10,}</title>", figure.svg)
    assert re.search(r"<desc id=[^>]*>[^<]{40,}</desc>", figure.svg)
    assert len(figure.caption) > 40


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_figure_is_deterministic(name):
    first = figures.render_figure(name, "figure-x")
    second = figures.render_figure(name, "figure-x")

    assert first.svg == second.svg
    assert first.caption == second.caption


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_figure_svg_is_csp_safe(name):
    svg = figures.render_figure(name, "figure-x").svg

    assert "style=" not in svg
    assert "<script" not in svg
    assert not re.search(r"\son[a-z]+=", svg)


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_figure_coordinates_rounded(name):
    svg = figures.render_figure(name, "figure-x").svg
    numbers = re.findall(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|width|height)="([^"]+)"', svg)
    numbers += re.findall(r"-?\d+\.\d+", " ".join(re.findall(r'points="([^"]+)"', svg)))

    assert numbers
    for number in numbers:
        assert re.fullmatch(r"-?\d+(\.\d{1,2})?", number), number


def test_unknown_figure_raises_key_error():
    with pytest.raises(KeyError):
        figures.render_figure("no-such-figure", "figure-x")


def test_shift_rings_land_on_shifted_dots():
    figure = figures.render_figure("pe-relative-shift", "figure-test")
    circles = [attrs for tag, attrs in parse_svg(figure.svg) if tag == "circle"]
    dots = [(c["cx"], c["cy"]) for c in circles if c.get("class") == "series-1"]
    rings = [(c["cx"], c["cy"]) for c in circles if c.get("class") == "series-2"]
    # The last dot and ring belong to the legend.
    dots, rings = dots[:-1], rings[:-1]
    offset = 3

    assert ">dimensions 2 and 3</text>" in figure.svg
    assert len(dots) == 9
    assert rings == dots[offset:]
    assert len(set(dots)) == len(dots)
