"""A diagram of the encoder stack, labelled with the loaded model's sizes.

The layout is drawn by hand. Only the labels (number of layers, heads, widths)
come from the model's config, so the diagram always names the model the demo
runs. Blocks are filled through `block-*` classes that the stylesheet maps to
light and dark colors, and the `fill` attribute is the light-mode fallback.
"""

import math

from markupsafe import Markup

from model.reference import ReferenceModel

from .svg import Figure, arrow, element, fmt, line, svg_root, text

# Light-mode fills of the blocks, each paired with its stylesheet class.
BLOCK_FILLS = {
    "block-embedding": "#fbd9d3",
    "block-attention": "#fde3bf",
    "block-norm": "#f6f0b4",
    "block-feed-forward": "#cfe6f7",
}

CENTER_X = 250.0  # the main path runs up this vertical line
BOX_LEFT, BOX_WIDTH = 170.0, 160.0
RESIDUAL_X = 138.0  # the residual paths run up this vertical line


def block(css_class: str, top: float, height: float, label: str, detail: str) -> str:
    """Return a filled box on the main path with a label and an optional detail line."""
    parts = [
        element(
            "rect",
            {
                "class": css_class,
                "x": BOX_LEFT,
                "y": float(top),
                "width": BOX_WIDTH,
                "height": float(height),
                "rx": "5",
                "fill": BLOCK_FILLS[css_class],
                "stroke": "currentColor",
            },
        )
    ]
    if detail:
        parts.append(text(CENTER_X, top + height / 2 - 2, label, text_anchor="middle"))
        parts.append(
            text(
                CENTER_X,
                top + height / 2 + 12,
                detail,
                text_anchor="middle",
                font_size="10.5",
            )
        )
    else:
        parts.append(text(CENTER_X, top + height / 2 + 4, label, text_anchor="middle"))
    return "".join(parts)


def residual(from_y: float, to_y: float) -> str:
    """Return the residual path: left from the main line, up, and into Add & Norm."""
    return arrow(
        [
            (CENTER_X, from_y),
            (RESIDUAL_X, from_y),
            (RESIDUAL_X, to_y),
            (BOX_LEFT, to_y),
        ],
        stroke_width="1.25",
    )


def sine_glyph(center_x: float, center_y: float, radius: float) -> str:
    """Return a circle with one period of a sine wave inside: positional encoding."""
    samples = 24
    points = []
    for index in range(samples + 1):
        fraction = index / samples
        x = center_x - radius * 0.7 + fraction * radius * 1.4
        y = center_y - math.sin(fraction * 2 * math.pi) * radius * 0.45
        points.append(f"{fmt(x)},{fmt(y)}")
    return element(
        "circle",
        {
            "cx": center_x,
            "cy": center_y,
            "r": radius,
            "fill": "none",
            "stroke": "currentColor",
        },
    ) + element(
        "polyline",
        {"points": " ".join(points), "fill": "none", "stroke": "currentColor"},
    )


def encoder_stack(figure_id: str, model: ReferenceModel) -> Figure:
    """Draw inputs, one encoder layer with its residual paths, and N x repetition."""
    config = model.config
    d_model, num_heads = config["d_model"], config["num_heads"]
    num_layers, d_ff = config["num_layers"], config["d_ff"]
    vocab_size = config["vocab_size"]
    d_k = d_model // num_heads

    parts = []
    # Top: the encoder's output.
    parts.append(
        text(
            CENTER_X,
            16,
            "encoder output: one vector per token",
            text_anchor="middle",
        )
    )

    # The repeated layer, drawn as one frame with N x beside it.
    frame_top, frame_bottom = 56.0, 416.0
    parts.append(
        element(
            "rect",
            {
                "x": 112.0,
                "y": frame_top,
                "width": 238.0,
                "height": frame_bottom - frame_top,
                "rx": "10",
                "fill": "none",
                "stroke": "currentColor",
                "stroke-dasharray": "6 4",
            },
        )
    )
    parts.append(text(88, 230, "N\u00d7", text_anchor="end", font_size="22"))
    parts.append(
        text(88, 250, f"N = {num_layers}", text_anchor="end", font_size="10.5")
    )
    parts.append(text(120, frame_top + 16, "encoder layer", font_size="10.5"))

    # Inside one layer, from the top down.
    parts.append(block("block-norm", 76, 30, "Add & Norm", ""))
    parts.append(
        block(
            "block-feed-forward",
            136,
            50,
            "Feed-forward",
            f"{d_model} \u2192 {d_ff} \u2192 {d_model}, ReLU",
        )
    )
    parts.append(block("block-norm", 236, 30, "Add & Norm", ""))
    parts.append(
        block(
            "block-attention",
            296,
            50,
            "Multi-head attention",
            f"{num_heads} heads, d_k = {d_k}",
        )
    )
    # Main path arrows between the blocks.
    parts.append(arrow([(CENTER_X, 76), (CENTER_X, 28)]))
    parts.append(arrow([(CENTER_X, 136), (CENTER_X, 106)]))
    parts.append(arrow([(CENTER_X, 236), (CENTER_X, 186)]))
    parts.append(arrow([(CENTER_X, 296), (CENTER_X, 266)]))
    # The layer input splits into query, key and value.
    split_y = 376.0
    parts.append(line(CENTER_X, 440, CENTER_X, split_y))
    for offset, letter in ((-50, "Q"), (0, "K"), (50, "V")):
        x = CENTER_X + offset
        parts.append(arrow([(CENTER_X, split_y), (x, split_y - 6), (x, 346)]))
        parts.append(text(x + 5, 362, letter, font_size="10.5"))
    # Residual paths around each sublayer.
    parts.append(residual(392, 251))
    parts.append(residual(206, 91))
    parts.append(
        text(
            RESIDUAL_X - 6,
            170,
            "residual",
            text_anchor="middle",
            font_size="10.5",
            transform=f"rotate(-90 {fmt(RESIDUAL_X - 6)} 170)",
        )
    )
    parts.append(
        text(
            RESIDUAL_X - 6,
            330,
            "residual",
            text_anchor="middle",
            font_size="10.5",
            transform=f"rotate(-90 {fmt(RESIDUAL_X - 6)} 330)",
        )
    )

    # Inputs: token embedding plus positional encoding.
    sum_y = 452.0
    parts.append(
        element(
            "circle",
            {
                "cx": CENTER_X,
                "cy": sum_y,
                "r": 11.0,
                "fill": "none",
                "stroke": "currentColor",
            },
        )
    )
    parts.append(line(CENTER_X - 7, sum_y, CENTER_X + 7, sum_y))
    parts.append(line(CENTER_X, sum_y - 7, CENTER_X, sum_y + 7))
    parts.append(line(CENTER_X, sum_y - 11, CENTER_X, 440))
    parts.append(sine_glyph(96, sum_y, 15))
    parts.append(arrow([(111, sum_y), (CENTER_X - 11, sum_y)]))
    parts.append(text(96, sum_y + 30, "Positional", text_anchor="middle"))
    parts.append(text(96, sum_y + 44, "encoding", text_anchor="middle"))
    parts.append(
        block(
            "block-embedding",
            496,
            50,
            "Token embedding",
            f"{vocab_size} \u00d7 {d_model} lookup",
        )
    )
    parts.append(arrow([(CENTER_X, 496), (CENTER_X, sum_y + 11)]))
    parts.append(arrow([(CENTER_X, 584), (CENTER_X, 546)]))
    parts.append(text(CENTER_X + 8, 580, "input token ids", font_size="10.5"))
    width, height = 380.0, 592.0

    title = "The encoder stack"
    description = (
        "A flow diagram read from bottom to top. Input token ids go into a "
        f"token embedding lookup ({vocab_size} by {d_model}); a positional "
        "encoding is added to the result. The sum enters a dashed frame marked "
        f"N times, with N = {num_layers}: one encoder layer. In it, the input "
        "splits into query, key and value for multi-head attention "
        f"({num_heads} heads of width {d_k}). A residual path carries the input "
        "around the attention block to an Add & Norm block, which adds the two "
        "and normalizes. Then a feed-forward network "
        f"({d_model} to {d_ff} to {d_model} with ReLU) follows, with a second "
        "residual path around it to a second Add & Norm. The frame's output, one "
        f"vector of {d_model} numbers per token, is the encoder output."
    )
    svg = svg_root(figure_id, width, height, title, description, "".join(parts))
    caption = Markup(
        "The encoder of the demo model, read from the bottom up. Each token's "
        "embedding plus its positional encoding enters a stack of "
        f"N = {num_layers} identical layers. In each layer, multi-head "
        "self-attention and then a position-wise feed-forward network each "
        "add their result to their own input, carried around them on a "
        "residual path, and layer normalization follows each sum (Add &amp; "
        "Norm)."
    )
    return Figure("encoder-stack", figure_id, svg, caption)
