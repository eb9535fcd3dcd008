"""Build-time SVG figures of the sinusoidal positional encoding.

Every figure draws values from `model.positional_encoding.positional_encoding`,
the table the model itself adds to its embeddings, at the loaded model's
d_model, so the reader sees the exact table the demo model uses.
"""

import math

import numpy as np
from markupsafe import Markup

from model.positional_encoding import positional_encoding, shift_rotations
from model.reference import ReferenceModel

from .svg import (
    MINUS,
    SERIES_COLORS,
    Figure,
    diverging_color,
    diverging_legend,
    element,
    fmt,
    fmt_label,
    heatmap_cells,
    heatmap_image,
    horizontal_legend,
    line,
    svg_root,
    text,
)


def pe_heatmap(figure_id: str, model: ReferenceModel) -> Figure:
    """Draw the positional-encoding table as a positions-by-dimensions heatmap."""
    d_model = model.config["d_model"]
    positions = 32
    table = positional_encoding(positions, d_model)

    cell = 9.0
    left, top = 52.0, 12.0
    grid_width = d_model * cell
    grid_height = positions * cell
    legend_left = left + grid_width + 16
    width = legend_left + 40
    height = top + grid_height + 44

    parts = [heatmap_image(table, left, top, cell, cell)]
    for dimension in range(0, d_model, 8):
        x = left + (dimension + 0.5) * cell
        parts.append(line(x, top + grid_height, x, top + grid_height + 4))
        parts.append(
            text(x, top + grid_height + 16, str(dimension), text_anchor="middle")
        )
    for position in range(0, positions, 8):
        y = top + (position + 0.5) * cell
        parts.append(line(left - 4, y, left, y))
        parts.append(text(left - 7, y + 4, str(position), text_anchor="end"))
    parts.append(
        text(left + grid_width / 2, height - 6, "dimension", text_anchor="middle")
    )
    label_y = top + grid_height / 2
    parts.append(
        text(
            14,
            label_y,
            "position",
            text_anchor="middle",
            transform=f"rotate(-90 14 {fmt(label_y)})",
        )
    )
    parts.append(diverging_legend(legend_left, top, grid_height))

    title = "Heatmap of the positional-encoding table"
    description = (
        f"Rows are positions 0 to {positions - 1}, columns are dimensions 0 to "
        f"{d_model - 1}, colors run from blue for {MINUS}1 through white for 0 to "
        "red for 1. The leftmost columns flip between blue and red every few "
        "rows. Further right the colors change more and more slowly, and the "
        "rightmost columns are almost constant: white (0) in the even, sine "
        "columns and red (1) in the odd, cosine columns."
    )
    svg = svg_root(figure_id, width, height, title, description, "".join(parts))
    caption = Markup(
        "The positional encoding of the demo model: one row per position, one "
        f"column per dimension ({positions} positions, d<sub>model</sub> = "
        f"{d_model}). Even columns hold sines, odd columns cosines. Their "
        "frequency falls from left to right, so the first columns change from "
        "row to row while the last ones barely move."
    )
    return Figure("pe-heatmap", figure_id, svg, caption)


def angle_per_position(table: np.ndarray, pair: int) -> float:
    """Return the angle, in radians, that dimension pair `pair` turns per position.

    PE(1, 2i) = sin(w) and PE(1, 2i+1) = cos(w), so w is read off the table
    itself instead of repeating the encoding's formula.
    """
    return float(math.atan2(table[1, 2 * pair], table[1, 2 * pair + 1]))


def curve_path(
    xs: list[float], ys: list[float], css_class: str, color: str, dashed: bool
) -> str:
    """Return a polyline through the points, in a series color."""
    points = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in zip(xs, ys, strict=True))
    attrs: dict[str, object] = {
        "class": css_class,
        "points": points,
        "fill": "none",
        "stroke": color,
        "stroke-width": "1.5",
    }
    if dashed:
        attrs["stroke-dasharray"] = "5 3"
    return element("polyline", attrs)


def curve_markers(
    xs: list[float], ys: list[float], css_class: str, color: str, hollow: bool
) -> str:
    """Return a small circle at each sample, filled or hollow."""
    markers = []
    for x, y in zip(xs, ys, strict=True):
        attrs: dict[str, object] = {"class": css_class, "cx": x, "cy": y, "r": 2.0}
        if hollow:
            attrs.update({"fill": "none", "stroke": color, "stroke-width": "1"})
        else:
            attrs.update({"fill": color})
        markers.append(element("circle", attrs))
    return "".join(markers)


def pe_sine_curves(figure_id: str, model: ReferenceModel) -> Figure:
    """Draw the sine dimensions 0, 4, 8 and 12 over positions, one panel each."""
    d_model = model.config["d_model"]
    positions = 64
    dimensions = (0, 4, 8, 12)
    table = positional_encoding(positions, d_model)

    left, right, top = 52.0, 12.0, 8.0
    plot_width = 480.0
    panel_height = 56.0
    panel_gap = 26.0
    width = left + plot_width + right
    x_step = plot_width / (positions - 1)

    parts = []
    for index, dimension in enumerate(dimensions):
        panel_top = top + index * (panel_height + panel_gap) + 16
        middle = panel_top + panel_height / 2
        wavelength = 2 * math.pi / angle_per_position(table, dimension // 2)
        parts.append(
            text(
                left,
                panel_top - 6,
                f"dimension {dimension}: one cycle every {wavelength:.1f} positions",
            )
        )
        parts.append(line(left, middle, left + plot_width, middle, stroke_width="0.5"))
        for value in (1.0, 0.0, -1.0):
            y = middle - value * panel_height / 2
            parts.append(line(left - 4, y, left, y))
            parts.append(text(left - 7, y + 4, fmt_label(value), text_anchor="end"))
        parts.append(line(left, panel_top, left, panel_top + panel_height))

        xs = [left + position * x_step for position in range(positions)]
        ys = [middle - float(v) * panel_height / 2 for v in table[:, dimension]]
        css_class = f"series-{index + 1}"
        color = SERIES_COLORS[index]
        parts.append(curve_path(xs, ys, css_class, color, dashed=False))
        parts.append(curve_markers(xs, ys, css_class, color, hollow=False))

    axis_y = top + len(dimensions) * (panel_height + panel_gap) + 4
    parts.append(line(left, axis_y, left + plot_width, axis_y))
    for position in range(0, positions, 8):
        x = left + position * x_step
        parts.append(line(x, axis_y, x, axis_y + 4))
        parts.append(text(x, axis_y + 16, str(position), text_anchor="middle"))
    parts.append(
        text(left + plot_width / 2, axis_y + 34, "position", text_anchor="middle")
    )
    height = axis_y + 42

    cycles = [
        positions * angle_per_position(table, dimension // 2) / (2 * math.pi)
        for dimension in dimensions
    ]
    cycle_counts = ", ".join(
        f"dimension {dimension} {count:.1f}"
        for dimension, count in zip(dimensions, cycles, strict=True)
    )
    stretch = cycles[0] / cycles[1]
    title = "Sine dimensions of the positional encoding over positions"
    description = (
        f"Four panels plot PE(position, dimension) for positions 0 to "
        f"{positions - 1} at dimensions {', '.join(map(str, dimensions))}, each "
        f"between {MINUS}1 and 1. Over these {positions} positions the number of "
        f"cycles is: {cycle_counts}."
    )
    svg = svg_root(figure_id, width, height, title, description, "".join(parts))
    caption = Markup(
        "Four sine dimensions of the demo model's encoding. Dots mark the "
        "integer positions, the only places where the encoding is defined; "
        "the lines only join them. Each step of four dimensions stretches the "
        f"wavelength {stretch:.1f} times."
    )
    return Figure("pe-sine-curves", figure_id, svg, caption)


def pe_sin_cos_pair(figure_id: str, model: ReferenceModel) -> Figure:
    """Draw dimensions 4 (sine) and 5 (cosine) to show their quarter-cycle shift."""
    d_model = model.config["d_model"]
    positions = 41
    pair = 2
    table = positional_encoding(positions, d_model)
    wavelength = 2 * math.pi / angle_per_position(table, pair)
    quarter = wavelength / 4

    left, right, top = 52.0, 12.0, 34.0
    plot_width, plot_height = 480.0, 150.0
    width = left + plot_width + right
    x_step = plot_width / (positions - 1)
    middle = top + plot_height / 2

    def x_at(position: float) -> float:
        return left + position * x_step

    def y_at(value: float) -> float:
        return middle - value * plot_height / 2

    parts = [line(left, middle, left + plot_width, middle, stroke_width="0.5")]
    for value in (1.0, 0.0, -1.0):
        parts.append(line(left - 4, y_at(value), left, y_at(value)))
        parts.append(
            text(left - 7, y_at(value) + 4, fmt_label(value), text_anchor="end")
        )
    parts.append(line(left, top, left, top + plot_height))

    # Guides from the cosine's peak at position 0 to the sine's first peak.
    for position in (0.0, quarter):
        parts.append(
            line(
                x_at(position),
                top - 4,
                x_at(position),
                top + plot_height,
                stroke_width="0.75",
                stroke_dasharray="2 3",
            )
        )
    parts.append(line(x_at(0), top - 4, x_at(quarter), top - 4, stroke_width="0.75"))
    parts.append(
        text(
            x_at(quarter) + 6,
            top - 1,
            f"quarter cycle = 90\u00b0 = {quarter:.1f} positions",
        )
    )

    xs = [x_at(position) for position in range(positions)]
    sine = [y_at(float(v)) for v in table[:, 2 * pair]]
    cosine = [y_at(float(v)) for v in table[:, 2 * pair + 1]]
    parts.append(curve_path(xs, sine, "series-1", SERIES_COLORS[0], dashed=False))
    parts.append(curve_markers(xs, sine, "series-1", SERIES_COLORS[0], hollow=False))
    parts.append(curve_path(xs, cosine, "series-2", SERIES_COLORS[1], dashed=True))
    parts.append(curve_markers(xs, cosine, "series-2", SERIES_COLORS[1], hollow=True))

    axis_y = top + plot_height + 8
    parts.append(line(left, axis_y, left + plot_width, axis_y))
    for position in range(0, positions, 5):
        parts.append(line(x_at(position), axis_y, x_at(position), axis_y + 4))
        parts.append(
            text(x_at(position), axis_y + 16, str(position), text_anchor="middle")
        )
    parts.append(
        text(left + plot_width / 2, axis_y + 34, "position", text_anchor="middle")
    )

    legend_y = axis_y + 54
    parts.append(
        curve_path(
            [left, left + 24], [legend_y, legend_y], "series-1", SERIES_COLORS[0], False
        )
    )
    parts.append(text(left + 30, legend_y + 4, f"dimension {2 * pair}: sine"))
    parts.append(
        curve_path(
            [left + 200, left + 224],
            [legend_y, legend_y],
            "series-2",
            SERIES_COLORS[1],
            True,
        )
    )
    parts.append(text(left + 230, legend_y + 4, f"dimension {2 * pair + 1}: cosine"))
    height = legend_y + 12

    title = "Sine and cosine of one frequency in the positional encoding"
    description = (
        f"Dimension {2 * pair} (sine, solid line with filled dots) and dimension "
        f"{2 * pair + 1} (cosine, dashed line with hollow dots) over positions "
        f"0 to {positions - 1}. Both repeat every {wavelength:.1f} positions. "
        f"The cosine peaks at position 0 and the sine {quarter:.1f} positions "
        "later, a quarter of a cycle."
    )
    svg = svg_root(figure_id, width, height, title, description, "".join(parts))
    caption = Markup(
        f"Dimensions {2 * pair} and {2 * pair + 1} share one frequency. The "
        "cosine is the sine shifted by a quarter cycle (90\u00b0): wherever one "
        "is flat at a peak, the other is crossing zero at its steepest."
    )
    return Figure("pe-sin-cos-pair", figure_id, svg, caption)


def shift_matrix(offset: int, d_model: int) -> np.ndarray:
    """Return M_k, the block-diagonal rotation with M_k @ PE(pos) = PE(pos + k).

    The blocks come from `shift_rotations`, the same ones the explorer
    draws; this places them on the diagonal. An odd d_model leaves a last sine
    dimension without a cosine partner, which a rotation cannot shift, so it is
    rejected.
    """
    if d_model % 2:
        raise ValueError(f"expected an even d_model, got {d_model}")

    matrix = np.zeros((d_model, d_model), dtype=np.float64)
    for pair, block in enumerate(shift_rotations(offset, d_model)):
        span = slice(2 * pair, 2 * pair + 2)
        matrix[span, span] = block
    return matrix


def shift_error(offset: int, positions: int, d_model: int) -> float:
    """Return max |M_k PE(pos) - PE(pos + k)| over pos in [0, positions)."""
    table = positional_encoding(positions + offset, d_model)
    shifted = table[:positions] @ shift_matrix(offset, d_model).T
    return float(np.max(np.abs(shifted - table[offset:])))


def subscript(number: int) -> str:
    """Write a non-negative integer with Unicode subscript digits."""
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def scientific_html(value: float) -> str:
    """Format a small positive number as HTML, e.g. '4.4 × 10<sup>−16</sup>'."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} \u00d7 10<sup>{fmt_label(int(exponent))}</sup>"


def pe_relative_shift(figure_id: str, model: ReferenceModel) -> Figure:
    """Draw M_k and show on a unit circle that it moves PE(pos) onto PE(pos + k)."""
    d_model = model.config["d_model"]
    offset = 3
    checked_positions = 61
    pair = 1
    table = positional_encoding(16, d_model)
    matrix = shift_matrix(offset, d_model)
    error = shift_error(offset, checked_positions, d_model)
    if error >= 1e-9:
        raise ValueError(
            f"M_{offset} PE(pos) differs from PE(pos + {offset}) by {error:.3g}, "
            "above the 1e-9 tolerance"
        )

    # Left panel: the matrix itself.
    cell = 6.0
    left, top = 52.0, 30.0
    grid = d_model * cell
    name = f"M{subscript(offset)}"
    parts = [
        text(left + grid / 2, 16, f"{name}: rotation blocks", text_anchor="middle")
    ]
    # One background rectangle represents all the zeros outside the blocks.
    parts.append(
        element(
            "rect",
            {
                "x": left,
                "y": top,
                "width": grid,
                "height": grid,
                "fill": diverging_color(0.0),
                "stroke": "currentColor",
                "stroke-width": "0.5",
            },
        )
    )
    for first in range(0, d_model, 2):
        block = matrix[first : first + 2, first : first + 2]
        corner = first * cell
        parts.append(heatmap_cells(block, left + corner, top + corner, cell, cell))
    for dimension in range(0, d_model, 8):
        x = left + (dimension + 0.5) * cell
        parts.append(text(x, top + grid + 14, str(dimension), text_anchor="middle"))
        parts.append(
            text(
                left - 6,
                top + (dimension + 0.5) * cell + 4,
                str(dimension),
                text_anchor="end",
            )
        )
    parts.append(
        text(left + grid / 2, top + grid + 30, "input dimension", text_anchor="middle")
    )
    # The color scale of the entries, under the axis title.
    scale_top = top + grid + 42
    parts.append(
        text(left - 6, scale_top + 8, "color:", font_size="10", text_anchor="end")
    )
    parts.append(horizontal_legend(left, scale_top, 120, 1.0))
    label_y = top + grid / 2
    parts.append(
        text(
            14,
            label_y,
            "output dimension",
            text_anchor="middle",
            transform=f"rotate(-90 14 {fmt(label_y)})",
        )
    )

    # Right panel: dimensions (2, 3) of PE(pos) as points (cos, sin) on a circle.
    radius = 90.0
    center_x = left + grid + 70 + radius
    center_y = top + grid / 2 + 12
    parts.append(
        text(
            center_x,
            16,
            f"dimensions {2 * pair} and {2 * pair + 1}",
            text_anchor="middle",
        )
    )
    parts.append(
        element(
            "circle",
            {
                "cx": center_x,
                "cy": center_y,
                "r": radius,
                "fill": "none",
                "stroke": "currentColor",
                "stroke-width": "0.5",
                "stroke-dasharray": "2 3",
            },
        )
    )

    def circle_point(vector: np.ndarray) -> tuple[float, float]:
        sine = float(vector[2 * pair])
        cosine = float(vector[2 * pair + 1])
        return center_x + radius * cosine, center_y - radius * sine

    shown = 9
    for position in range(shown):
        x, y = circle_point(table[position])
        parts.append(
            element(
                "circle",
                {
                    "class": "series-1",
                    "cx": x,
                    "cy": y,
                    "r": 3.0,
                    "fill": SERIES_COLORS[0],
                },
            )
        )
        label_x = center_x + (x - center_x) * 1.18
        label_y = center_y + (y - center_y) * 1.18 + 4
        parts.append(text(label_x, label_y, str(position), text_anchor="middle"))
    for position in range(shown - offset):
        x, y = circle_point(matrix @ table[position])
        parts.append(
            element(
                "circle",
                {
                    "class": "series-2",
                    "cx": x,
                    "cy": y,
                    "r": 6.0,
                    "fill": "none",
                    "stroke": SERIES_COLORS[1],
                    "stroke-width": "1.5",
                },
            )
        )

    legend_y = top + grid + 52
    legend_x = center_x - radius - 20
    parts.append(
        element(
            "circle",
            {
                "class": "series-1",
                "cx": legend_x,
                "cy": legend_y,
                "r": 3.0,
                "fill": SERIES_COLORS[0],
            },
        )
    )
    parts.append(text(legend_x + 10, legend_y + 4, "PE(pos), labelled with pos"))
    parts.append(
        element(
            "circle",
            {
                "class": "series-2",
                "cx": legend_x,
                "cy": legend_y + 18,
                "r": 6.0,
                "fill": "none",
                "stroke": SERIES_COLORS[1],
                "stroke-width": "1.5",
            },
        )
    )
    parts.append(
        text(
            legend_x + 10,
            legend_y + 22,
            f"{name} PE(pos) for pos 0 to {shown - offset - 1}",
        )
    )
    width = center_x + radius + 30
    height = max(legend_y + 32, scale_top + 32)

    title = f"The shift matrix {name} and its effect on the encoding"
    description = (
        f"Left: a {d_model} by {d_model} heatmap of {name}, zero everywhere "
        "except 2 by 2 blocks on the diagonal, with colors from blue for "
        f"{MINUS}1 through white for 0 to red for 1. Right: dimensions "
        f"{2 * pair} and {2 * pair + 1} of PE(pos) for positions 0 to {shown - 1}, "
        f"drawn as dots on a circle. Rings mark {name} applied to PE(0) to "
        f"PE({shown - offset - 1}), and each ring "
        f"sits on the dot {offset} positions further on."
    )
    svg = svg_root(figure_id, width, height, title, description, "".join(parts))
    caption = Markup(
        f"Moving {offset} positions ahead is one fixed matrix, M<sub>{offset}</sub>, "
        "whose 2\u00d72 blocks rotate each sine\u2013cosine pair by its own angle. "
        f"Over positions 0 to {checked_positions - 1} and all {d_model} "
        f"dimensions, M<sub>{offset}</sub>\u00b7PE(pos) differs from "
        f"PE(pos + {offset}) by at most {scientific_html(error)}."
    )
    return Figure("pe-relative-shift", figure_id, svg, caption)
