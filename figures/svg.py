"""The rendered-figure type and the SVG primitives every figure is drawn with.

The SVG is a string built here with rounded coordinates, so the same inputs
always give the same bytes. Colors that must change in dark mode carry a class
that the stylesheet maps to a CSS custom property. The presentation attribute
beside the class is the light-mode fallback. Text and axes use `currentColor`.
"""

import base64
import math
import struct
import zlib
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup, escape

# ColorBrewer RdBu (11 classes), reversed so -1 is blue, 0 white and 1 red.
# ColorBrewer lists this scheme as safe for color-blind readers.
DIVERGING_STOPS = (
    "#053061",
    "#2166ac",
    "#4393c3",
    "#92c5de",
    "#d1e5f0",
    "#f7f7f7",
    "#fddbc7",
    "#f4a582",
    "#d6604d",
    "#b2182b",
    "#67001f",
)

# Categorical colors, mostly from Okabe and Ito's palette. The stylesheet
# swaps in lighter variants for dark mode through the `series-N` classes.
SERIES_COLORS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8f6a00", "#555555")

MINUS = "\u2212"


@dataclass(frozen=True)
class Figure:
    """A rendered figure: its body (inline SVG or HTML) and caption, trusted HTML."""

    name: str
    figure_id: str
    body: Markup
    caption: Markup


def fmt(value: float) -> str:
    """Format a coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_label(value: float) -> str:
    """Format a tick label, using a true minus sign for negative numbers."""
    text = f"{value:g}"
    return text.replace("-", MINUS)


def fmt_number(value: float, decimals: int = 2) -> str:
    """Format a number for reading, with a true minus sign and no "-0.00"."""
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", MINUS)


def data_number(value: float) -> str:
    """Format a number for a data attribute: the shortest text that round-trips."""
    return repr(float(value))


def element(name: str, attributes: dict[str, object], content: str = "") -> str:
    """Return one SVG element with escaped attribute values and raw content.

    Attributes keep their insertion order so the output is deterministic.
    Elements without content are written self-closing, which HTML allows for
    foreign elements such as SVG.
    """
    parts = [name]
    for key, value in attributes.items():
        if isinstance(value, float):
            value = fmt(value)
        parts.append(f'{key}="{escape(str(value))}"')
    opening = " ".join(parts)
    if not content:
        return f"<{opening}/>"
    return f"<{opening}>{content}</{name}>"


def text(x: float, y: float, label: str, **attributes: object) -> str:
    """Return an SVG `<text>` element in the current text color."""
    attrs = {"x": float(x), "y": float(y), "fill": "currentColor"}
    attrs.update({key.replace("_", "-"): value for key, value in attributes.items()})
    return element("text", attrs, str(escape(label)))


def line(x1: float, y1: float, x2: float, y2: float, **attributes: object) -> str:
    """Return an SVG `<line>` element stroked in the current text color."""
    attrs = {
        "x1": float(x1),
        "y1": float(y1),
        "x2": float(x2),
        "y2": float(y2),
        "stroke": "currentColor",
    }
    attrs.update({key.replace("_", "-"): value for key, value in attributes.items()})
    return element("line", attrs)


def arrow(
    points: list[tuple[float, float]], head: float = 6.0, **attributes: object
) -> str:
    """Return a polyline through `points` with a filled arrowhead at the last one.

    The head is a triangle drawn as its own polygon, so it needs no `<marker>`
    and follows the current text color like the line.
    """
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    # The line stops at the base of the head, so its end does not poke out.
    base_x, base_y = x1 - ux * head, y1 - uy * head
    shaft = [*points[:-1], (base_x, base_y)]
    corners = [
        (x1, y1),
        (base_x - uy * head / 2, base_y + ux * head / 2),
        (base_x + uy * head / 2, base_y - ux * head / 2),
    ]
    attrs = {
        "points": " ".join(f"{fmt(x)},{fmt(y)}" for x, y in shaft),
        "fill": "none",
        "stroke": "currentColor",
    }
    attrs.update({key.replace("_", "-"): value for key, value in attributes.items()})
    head_points = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in corners)
    return element("polyline", attrs) + element(
        "polygon", {"points": head_points, "fill": "currentColor"}
    )


def svg_root(
    figure_id: str,
    width: float,
    height: float,
    title: str,
    description: str,
    body: str,
    data: dict[str, str] | None = None,
) -> Markup:
    """Wrap `body` in an `<svg role="img">` labelled by its title and description.

    `data` adds `data-*` attributes to the root, for values that tests and
    scripts read back.
    """
    title_id = f"{figure_id}-title"
    desc_id = f"{figure_id}-desc"
    attrs = {
        "class": "figure-svg",
        "viewBox": f"0 0 {fmt(width)} {fmt(height)}",
        "width": fmt(width),
        "height": fmt(height),
        "role": "img",
        "aria-labelledby": f"{title_id} {desc_id}",
        "font-size": "12",
    }
    for key, value in (data or {}).items():
        attrs[f"data-{key}"] = value
    content = (
        element("title", {"id": title_id}, str(escape(title)))
        + element("desc", {"id": desc_id}, str(escape(description)))
        + body
    )
    return Markup(element("svg", attrs, content))


def diverging_color(value: float) -> str:
    """Map a value in [-1, 1] to a hex color on the blue-white-red scale."""
    clipped = min(1.0, max(-1.0, float(value)))
    position = (clipped + 1.0) / 2.0 * (len(DIVERGING_STOPS) - 1)
    lower = min(int(math.floor(position)), len(DIVERGING_STOPS) - 2)
    fraction = position - lower

    low = DIVERGING_STOPS[lower]
    high = DIVERGING_STOPS[lower + 1]
    channels = []
    for start in (1, 3, 5):
        a = int(low[start : start + 2], 16)
        b = int(high[start : start + 2], 16)
        channels.append(round(a + (b - a) * fraction))
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def heatmap_cells(
    values: np.ndarray,
    left: float,
    top: float,
    cell_width: float,
    cell_height: float,
    scale: float = 1.0,
) -> str:
    """Return one `<rect>` per value, row by row, each with a `data-value`.

    Colors map [-scale, scale] onto the diverging scale.
    """
    cells = []
    rows, columns = values.shape
    for row in range(rows):
        for column in range(columns):
            value = float(values[row, column])
            cells.append(
                element(
                    "rect",
                    {
                        "x": left + column * cell_width,
                        "y": top + row * cell_height,
                        "width": cell_width,
                        "height": cell_height,
                        "fill": diverging_color(value / scale),
                        "data-value": f"{value:.6f}",
                    },
                )
            )
    return "".join(cells)


def png_bytes(pixels: np.ndarray) -> bytes:
    """Encode a (height, width, 3) uint8 array as an 8-bit RGB PNG file."""
    height, width, channels = pixels.shape
    if channels != 3 or pixels.dtype != np.uint8:
        raise ValueError(
            "invalid pixels: expected (height, width, 3) uint8, "
            f"got {pixels.shape} {pixels.dtype}"
        )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    # Each scanline starts with filter type 0 (none).
    scanlines = b"".join(b"\x00" + row.tobytes() for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines, 9))
        + chunk(b"IEND", b"")
    )


def heatmap_image(
    values: np.ndarray,
    left: float,
    top: float,
    cell_width: float,
    cell_height: float,
    scale: float = 1.0,
) -> str:
    """Return an SVG `<image>` of the values, one pixel per value, as a PNG.

    Colors are those of `heatmap_cells`. For a large table this is a fraction
    of the size of one `<rect>` per value; the pixels are scaled up unblurred.
    """
    rows, columns = values.shape
    pixels = np.zeros((rows, columns, 3), dtype=np.uint8)
    for row in range(rows):
        for column in range(columns):
            color = diverging_color(float(values[row, column]) / scale)
            pixels[row, column] = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    encoded = base64.b64encode(png_bytes(pixels)).decode("ascii")
    return element(
        "image",
        {
            "x": left,
            "y": top,
            "width": columns * cell_width,
            "height": rows * cell_height,
            "preserveAspectRatio": "none",
            "class": "pixelated",
            "href": f"data:image/png;base64,{encoded}",
        },
    )


def diverging_legend(left: float, top: float, height: float) -> str:
    """Return a vertical color bar for [-1, 1] with ticks at 1, 0 and -1."""
    steps = 40
    step_height = height / steps
    parts = []
    for step in range(steps):
        value = 1.0 - 2.0 * (step + 0.5) / steps
        parts.append(
            element(
                "rect",
                {
                    "x": float(left),
                    "y": top + step * step_height,
                    "width": 12.0,
                    "height": step_height,
                    "fill": diverging_color(value),
                },
            )
        )
    parts.append(
        element(
            "rect",
            {
                "x": float(left),
                "y": float(top),
                "width": 12.0,
                "height": float(height),
                "fill": "none",
                "stroke": "currentColor",
                "stroke-width": "0.5",
            },
        )
    )
    for value, label in ((1.0, "1"), (0.0, "0"), (-1.0, f"{MINUS}1")):
        y = top + (1.0 - value) / 2.0 * height
        parts.append(line(left + 12, y, left + 16, y))
        parts.append(text(left + 19, y + 4, label))
    return "".join(parts)


def horizontal_legend(left: float, top: float, width: float, limit: float) -> str:
    """Return a horizontal color bar for [-limit, limit], ticked at both ends and 0."""
    steps = 40
    step_width = width / steps
    parts = []
    for step in range(steps):
        value = -1.0 + 2.0 * (step + 0.5) / steps
        parts.append(
            element(
                "rect",
                {
                    "x": left + step * step_width,
                    "y": float(top),
                    "width": step_width,
                    "height": 8.0,
                    "fill": diverging_color(value),
                },
            )
        )
    parts.append(
        element(
            "rect",
            {
                "x": float(left),
                "y": float(top),
                "width": float(width),
                "height": 8.0,
                "fill": "none",
                "stroke": "currentColor",
                "stroke-width": "0.5",
            },
        )
    )
    for fraction, value in ((0.0, -limit), (0.5, 0.0), (1.0, limit)):
        x = left + fraction * width
        parts.append(line(x, top + 8, x, top + 12))
        parts.append(text(x, top + 24, fmt_number(value, 1), text_anchor="middle"))
    return "".join(parts)
