"""Figures of the trained token embeddings: one row looked up, many projected.

Both figures read the [vocab_size x d_model] embedding matrix of the exported
model (the product of its token table and embedding projection) and turn
words into ids with the model's own tokenizer, so they show exactly what the
demo model adds up for a word.
"""

import math
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup, escape

from model import corpus
from model.reference import ReferenceModel

from .svg import (
    MINUS,
    SERIES_COLORS,
    Figure,
    arrow,
    data_number,
    element,
    fmt,
    fmt_label,
    fmt_number,
    heatmap_cells,
    horizontal_legend,
    line,
    svg_root,
    text,
)

SOURCE = "figures/embeddings.py"

# The word whose embedding row the lookup figure draws.
LOOKUP_WORD = "cat"
LOOKUP_NEIGHBORS = 2  # rows drawn above and below the looked-up row

# Words for the projection, six of each kind. Each must come from the
# model/corpus.py list that `corpus_groups` gives for its group, so the figure
# shows only words the model saw in training.
PCA_WORDS = {
    "animals": ("cat", "dog", "horse", "cow", "fox", "bear"),
    "people": ("man", "woman", "boy", "girl", "king", "queen"),
    "places": ("park", "school", "garden", "kitchen", "village", "forest"),
    "objects": ("book", "ball", "apple", "cup", "hat", "chair"),
    "adjectives": ("red", "blue", "green", "heavy", "soft", "cold"),
    "verbs": ("sat", "slept", "stood", "waited", "chased", "gave"),
}
# One marker shape per group, so the groups differ in more than color.
PCA_SHAPES = ("circle", "square", "triangle", "diamond", "triangle-down", "plus")


def corpus_groups() -> dict[str, tuple[str, list[str]]]:
    """Return, per group of PCA_WORDS, the corpus list it draws from and its words."""
    nouns = corpus.ANIMATE_NOUNS
    verbs = corpus.RESTING_VERBS + corpus.CHASING_VERBS + corpus.GIVING_VERBS
    return {
        "animals": ("ANIMATE_NOUNS['it']", nouns["it"]),
        "people": ("ANIMATE_NOUNS['he'] and ['she']", nouns["he"] + nouns["she"]),
        "places": ("PLACES", corpus.PLACES),
        "objects": ("OBJECTS", corpus.OBJECTS),
        "adjectives": ("OBJECT_ADJECTIVES", corpus.OBJECT_ADJECTIVES),
        "verbs": ("RESTING_VERBS, CHASING_VERBS and GIVING_VERBS", verbs),
    }


def token_id(model: ReferenceModel, word: str) -> int:
    """Return the vocabulary id of a word that the tokenizer keeps as one token.

    Raises ValueError when the word splits into several tokens or is unknown,
    because a figure would then show the [UNK] row under the word's name.
    """
    encoding = model.tokenizer.encode(word)
    if len(encoding.ids) != 1 or encoding.unknown[0]:
        raise ValueError(
            f"{SOURCE}: the word {word!r} is not one known token of the model's "
            f"vocabulary (tokens {encoding.tokens}, unknown {encoding.unknown}); "
            "choose a word from the vocabulary in model/web/tokenizer.json"
        )
    return encoding.ids[0]


def box(x: float, y: float, width: float, height: float) -> str:
    """Return an unfilled rectangle with rounded corners in the text color."""
    return element(
        "rect",
        {
            "x": float(x),
            "y": float(y),
            "width": float(width),
            "height": float(height),
            "rx": "4",
            "fill": "none",
            "stroke": "currentColor",
        },
    )


def vertical_label(x: float, y: float, label: str) -> str:
    """Return an axis label rotated to read upward, centered on (x, y)."""
    return text(
        x, y, label, text_anchor="middle", transform=f"rotate(-90 {fmt(x)} {fmt(y)})"
    )


def embedding_lookup(figure_id: str, model: ReferenceModel) -> Figure:
    """Draw a token id selecting its row of the embedding matrix, and that row."""
    matrix = model.embedding_matrix()
    vocab_size, d_model = matrix.shape
    selected = token_id(model, LOOKUP_WORD)
    row = matrix[selected]
    vocab = model.tokenizer.vocab

    # Rows drawn: the first, a window around the selected row, and the last.
    window = range(
        max(0, selected - LOOKUP_NEIGHBORS),
        min(vocab_size, selected + LOOKUP_NEIGHBORS + 1),
    )
    drawn_rows = sorted({0, *window, vocab_size - 1})
    limit = math.ceil(float(np.max(np.abs(matrix[drawn_rows]))) * 10) / 10

    cell = 10.0  # width of one dimension's column
    row_height = 13.0
    left = 72.0
    grid_width = d_model * cell
    label_x = left + grid_width + 6
    row_labels = {row_id: f"{row_id} {vocab[row_id]}" for row_id in drawn_rows}
    # About 6.5 px per character at font size 11, so the longest label fits.
    width = label_x + max(len(label) for label in row_labels.values()) * 6.5 + 8
    gap = 16.0  # height of the vertical ellipsis between rows that are not adjacent

    parts = []
    # The token and its id, with an arrow down the left margin to the row.
    parts.append(box(4, 4, 60, 24))
    parts.append(text(34, 20, f"\u201c{LOOKUP_WORD}\u201d", text_anchor="middle"))
    parts.append(arrow([(34, 28), (34, 46)], head=5))
    parts.append(text(42, 41, "tokenizer", font_size="10"))
    parts.append(box(4, 46, 60, 24))
    parts.append(text(34, 62, f"id {selected}", text_anchor="middle"))
    # Left-aligned with the grid, so the arrow down the margin stays clear.
    parts.append(
        text(
            left,
            90,
            f"embedding matrix: {vocab_size} rows \u00d7 {d_model} columns",
        )
    )

    top = 100.0
    y = top
    selected_y = top
    previous = None
    for row_id in drawn_rows:
        if previous is not None and row_id != previous + 1:
            parts.append(
                text(left + grid_width / 2, y + 12, "\u22ee", text_anchor="middle")
            )
            y += gap
        values = matrix[row_id : row_id + 1]
        parts.append(heatmap_cells(values, left, y, cell, row_height, scale=limit))
        parts.append(
            text(label_x, y + row_height - 2.5, row_labels[row_id], font_size="11")
        )
        if row_id == selected:
            selected_y = y
        y += row_height
        previous = row_id
    grid_bottom = y

    # The outline of the selected row: a wide stroke in the page's background
    # color under a narrower one in the text color, visible against any cell
    # color in light and dark mode.
    outline = {
        "x": left - 2,
        "y": selected_y - 2,
        "width": grid_width + 4,
        "height": row_height + 4,
        "fill": "none",
    }
    parts.append(
        element(
            "rect",
            {**outline, "class": "figure-halo", "stroke": "#fff", "stroke-width": "5"},
        )
    )
    parts.append(
        element("rect", {**outline, "stroke": "currentColor", "stroke-width": "2"})
    )
    # Elbow arrow from the id box down and into the selected row.
    middle_y = selected_y + row_height / 2
    parts.append(arrow([(34, 70), (34, middle_y), (left - 3, middle_y)], head=5))

    legend_top = grid_bottom + 10
    parts.append(
        text(left, legend_top + 8, "color:", font_size="10", text_anchor="end")
    )
    parts.append(horizontal_legend(left + 6, legend_top, 120, limit))

    # Bar chart of the selected row, one bar under each column of the grid.
    chart_top = legend_top + 62
    chart_height = 120.0
    middle = chart_top + chart_height / 2
    parts.append(
        text(
            left + grid_width / 2,
            chart_top - 12,
            f"row {selected}, the embedding of \u201c{LOOKUP_WORD}\u201d",
            text_anchor="middle",
        )
    )
    parts.append(line(left, middle, left + grid_width, middle, stroke_width="0.5"))
    parts.append(line(left, chart_top, left, chart_top + chart_height))
    for value in (limit, limit / 2, 0.0, -limit / 2, -limit):
        tick_y = middle - value / limit * chart_height / 2
        parts.append(line(left - 4, tick_y, left, tick_y))
        parts.append(
            text(left - 7, tick_y + 4, fmt_label(round(value, 2)), text_anchor="end")
        )
    for dimension, value in enumerate(row):
        bar_height = abs(float(value)) / limit * chart_height / 2
        bar_top = middle - bar_height if value > 0 else middle
        parts.append(
            element(
                "rect",
                {
                    "class": "series-1",
                    "x": left + dimension * cell + 1,
                    "y": bar_top,
                    "width": cell - 2,
                    "height": bar_height,
                    "fill": SERIES_COLORS[0],
                    "data-dimension": str(dimension),
                    "data-value": data_number(value),
                },
            )
        )
    axis_y = chart_top + chart_height + 4
    for dimension in range(0, d_model, 8):
        x = left + (dimension + 0.5) * cell
        parts.append(line(x, axis_y, x, axis_y + 4))
        parts.append(text(x, axis_y + 16, str(dimension), text_anchor="middle"))
    parts.append(
        text(left + grid_width / 2, axis_y + 32, "dimension", text_anchor="middle")
    )
    parts.append(vertical_label(16, middle, "value"))
    height = axis_y + 40

    drawn_rows_text = ", ".join(str(row_id) for row_id in drawn_rows)
    values_text = ", ".join(fmt_number(float(value), 2) for value in row)
    title = f"Looking up the embedding of \u201c{LOOKUP_WORD}\u201d"
    description = (
        f"The tokenizer maps the word {LOOKUP_WORD} to id {selected}, and the id "
        f"selects row {selected} of the {vocab_size} by {d_model} embedding matrix. "
        f"Rows {drawn_rows_text} are drawn as colored cells from blue for "
        f"{MINUS}{limit:g} through white for 0 to red for {limit:g}, with row "
        f"{selected} outlined. A bar chart below plots its {d_model} values, "
        f"dimension 0 to {d_model - 1}: {values_text}."
    )
    svg = svg_root(
        figure_id,
        width,
        height,
        title,
        description,
        "".join(parts),
        data={"token": LOOKUP_WORD, "token-id": str(selected)},
    )
    caption = Markup(
        f"The token id is a row number. \u201c{escape(LOOKUP_WORD)}\u201d has id "
        f"{selected}, so its embedding is row {selected} of the trained "
        f"[{vocab_size} \u00d7 {d_model}] matrix: {d_model} learned numbers, "
        "drawn as colored cells in the matrix and as bars below it."
    )
    return Figure("embedding-lookup", figure_id, svg, caption)


@dataclass(frozen=True)
class Projection:
    """Embeddings of chosen words projected onto their first two principal axes."""

    words: list[str]
    groups: list[str]
    coordinates: np.ndarray  # (words, 2): principal components 1 and 2
    explained_variance_ratio: np.ndarray  # (2,): share of the total variance
    same_group_neighbors: int  # words whose nearest neighbor is in their group


def chosen_words(model: ReferenceModel) -> tuple[list[str], list[str], list[int]]:
    """Return the words of PCA_WORDS with their groups and ids, checked.

    Raises ValueError naming the word and the corpus list when a word is not
    one the grammar writes, or not a single known token of the vocabulary.
    """
    sources = corpus_groups()
    words, groups, ids = [], [], []
    for group, group_words in PCA_WORDS.items():
        list_name, corpus_list = sources[group]
        for word in group_words:
            if word not in corpus_list:
                raise ValueError(
                    f"{SOURCE}: the word {word!r} of group {group!r} is not in "
                    f"model/corpus.py's {list_name}; choose one that is"
                )
            words.append(word)
            groups.append(group)
            ids.append(token_id(model, word))
    return words, groups, ids


def principal_components(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project row vectors onto their first two principal components.

    Returns the (rows, 2) coordinates and the share of the total variance that
    each of the two components explains. The components come from the SVD of
    the centered matrix. An SVD fixes each one only up to its sign, so each is
    flipped to make its largest loading positive, which keeps the picture's
    orientation a function of the data alone.
    """
    centered = vectors - vectors.mean(axis=0)
    _, singular_values, components = np.linalg.svd(centered, full_matrices=False)
    components = components[:2]
    largest = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(2), largest])
    components = components * signs[:, np.newaxis]
    variance = singular_values**2
    return centered @ components.T, variance[:2] / variance.sum()


def same_group_neighbors(vectors: np.ndarray, groups: list[str]) -> int:
    """Count the rows whose nearest other row (by cosine) shares their group."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = np.argmax(similarity, axis=1)
    return sum(groups[i] == groups[j] for i, j in enumerate(nearest))


def project_chosen_words(model: ReferenceModel) -> Projection:
    """Look up the embeddings of PCA_WORDS and project them to two dimensions."""
    words, groups, ids = chosen_words(model)
    vectors = model.embedding_matrix()[ids]
    coordinates, explained = principal_components(vectors)
    return Projection(
        words, groups, coordinates, explained, same_group_neighbors(vectors, groups)
    )


def marker(shape: str, x: float, y: float, css_class: str, color: str) -> str:
    """Return one filled marker of the given shape, about 9 px across."""
    if shape == "circle":
        return element(
            "circle",
            {"class": css_class, "cx": x, "cy": y, "r": 4.0, "fill": color},
        )
    outlines = {
        "square": [(-3.6, -3.6), (3.6, -3.6), (3.6, 3.6), (-3.6, 3.6)],
        "triangle": [(0, -5), (4.6, 3.4), (-4.6, 3.4)],
        "diamond": [(0, -5), (5, 0), (0, 5), (-5, 0)],
        "triangle-down": [(0, 5), (4.6, -3.4), (-4.6, -3.4)],
        "plus": [
            (-1.6, -5),
            (1.6, -5),
            (1.6, -1.6),
            (5, -1.6),
            (5, 1.6),
            (1.6, 1.6),
            (1.6, 5),
            (-1.6, 5),
            (-1.6, 1.6),
            (-5, 1.6),
            (-5, -1.6),
            (-1.6, -1.6),
        ],
    }
    points = " ".join(f"{fmt(x + dx)},{fmt(y + dy)}" for dx, dy in outlines[shape])
    return element("polygon", {"class": css_class, "points": points, "fill": color})


def tick_step(span: float) -> float:
    """Return a tick spacing that gives at most eight ticks over span.

    The spacing is 1, 2, 2.5, 5 or 10 times a power of ten.
    """
    magnitude = 10.0 ** math.floor(math.log10(span / 8))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        step = round(factor * magnitude, 12)
        if span / step <= 8:
            return step
    raise AssertionError("unreachable: factor 10 always gives at most eight ticks")


Box = tuple[float, float, float, float]  # left, top, right, bottom


def overlap(a: Box, b: Box) -> float:
    """Return the area shared by two boxes."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, width) * max(0.0, height)


def distance_to_box(x: float, y: float, box: Box) -> float:
    """Return the distance from a point to the nearest point of a box."""
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return math.hypot(dx, dy)


def nearest_point(x: float, y: float, box: Box) -> tuple[float, float]:
    """Return the point of a box nearest to (x, y)."""
    return min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])


def segment_crosses_box(
    start: tuple[float, float], end: tuple[float, float], box: Box
) -> bool:
    """Tell whether the segment passes through the box, by sampling 25 points."""
    for step in range(25):
        t = step / 24
        x = start[0] + (end[0] - start[0]) * t
        y = start[1] + (end[1] - start[1]) * t
        if box[0] < x < box[2] and box[1] < y < box[3]:
            return True
    return False


# Label spots: eight directions around the marker, at four distances (px
# between the marker's center and the label's nearest edge). A label beyond
# the first distance gets a leader line to its marker.
LABEL_DIRECTIONS = (
    (1, 0),
    (-1, 0),
    (0, -1),
    (0, 1),
    (1, -1),
    (1, 1),
    (-1, -1),
    (-1, 1),
)
LABEL_GAPS = (7.0, 16.0, 26.0, 38.0)


@dataclass(frozen=True)
class LabelPlacement:
    """The spot chosen for a point's label: text position, anchor, leader."""

    x: float
    baseline: float
    anchor: str  # SVG text-anchor: start, middle or end
    leader_to: tuple[float, float] | None  # the label edge's nearest point


def label_box(x: float, baseline: float, anchor: str, label: str, font_size: float):
    """Return the estimated box of a label's text, from its length in characters."""
    width = len(label) * font_size * 0.58
    start = x + {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
    return (
        start,
        baseline - font_size * 0.8,
        start + width,
        baseline + font_size * 0.2,
    )


def place_labels(
    points: list[tuple[float, float]],
    labels: list[str],
    bounds: Box,
    font_size: float,
) -> list[LabelPlacement]:
    """Choose, for each point in order, where its label goes.

    A spot is acceptable when the label stays inside `bounds`, overlaps no
    label already placed and no marker, and cannot be paired with the wrong
    point. Next to its marker, that means no other marker is nearer to the
    label. Further away, it means the leader line from its marker crosses no
    other marker. The first acceptable spot, nearest first, wins, and
    otherwise the spot with the least overlap. Text widths are estimates (see
    `label_box`), so overlaps are avoided approximately, not exactly.
    """
    marker_boxes = [(x - 5, y - 5, x + 5, y + 5) for x, y in points]
    placed: list[Box] = []
    result = []
    for index, ((x, y), label) in enumerate(zip(points, labels, strict=True)):
        other_points = [point for other, point in enumerate(points) if other != index]
        # A marker that overlaps this one is crossed by any leader.
        apart_boxes = [
            box
            for other, box in enumerate(marker_boxes)
            if other != index and distance_to_box(x, y, box) > 3
        ]
        best, best_cost = None, math.inf
        for gap in LABEL_GAPS:
            for dx, dy in LABEL_DIRECTIONS:
                anchor = {1: "start", 0: "middle", -1: "end"}[dx]
                label_x = x + dx * gap
                if dy == 0:
                    baseline = y + font_size * 0.3
                elif dy < 0:
                    baseline = y - gap - font_size * 0.2
                else:
                    baseline = y + gap + font_size * 0.8
                rect = label_box(label_x, baseline, anchor, label, font_size)
                cost = sum(overlap(rect, other) for other in placed + marker_boxes)
                if gap == LABEL_GAPS[0]:
                    own = distance_to_box(x, y, rect)
                    if any(distance_to_box(*p, rect) < own for p in other_points):
                        cost += 1e4
                else:
                    leader = ((x, y), nearest_point(x, y, rect))
                    if any(segment_crosses_box(*leader, box) for box in apart_boxes):
                        cost += 1e4
                inside = (
                    rect[0] >= bounds[0]
                    and rect[1] >= bounds[1]
                    and rect[2] <= bounds[2]
                    and rect[3] <= bounds[3]
                )
                if not inside:
                    cost += 1e6
                if cost < best_cost:
                    best, best_cost = (label_x, baseline, anchor, rect, gap), cost
                if cost == 0:
                    break
            if best_cost == 0:
                break
        label_x, baseline, anchor, rect, gap = best
        placed.append(rect)
        leader_to = nearest_point(x, y, rect) if gap > LABEL_GAPS[0] else None
        result.append(LabelPlacement(label_x, baseline, anchor, leader_to))
    return result


def embedding_pca(figure_id: str, model: ReferenceModel) -> Figure:
    """Draw the chosen words' embeddings on their first two principal components."""
    projection = project_chosen_words(model)
    d_model = model.config["d_model"]
    group_names = list(PCA_WORDS)
    xs, ys = projection.coordinates[:, 0], projection.coordinates[:, 1]

    # Equal scales on both axes, so distances on the page are comparable.
    pad = 0.08 * max(np.ptp(xs), np.ptp(ys))
    x_min, x_max = float(xs.min() - pad), float(xs.max() + pad)
    y_min, y_max = float(ys.min() - pad), float(ys.max() + pad)
    scale = min(440 / (x_max - x_min), 400 / (y_max - y_min))
    left, top = 56.0, 10.0
    plot_width = (x_max - x_min) * scale
    plot_height = (y_max - y_min) * scale

    def to_x(value: float) -> float:
        return left + (value - x_min) * scale

    def to_y(value: float) -> float:
        return top + (y_max - value) * scale

    parts = [
        element(
            "rect",
            {
                "x": left,
                "y": top,
                "width": plot_width,
                "height": plot_height,
                "fill": "none",
                "stroke": "currentColor",
                "stroke-width": "0.75",
            },
        )
    ]
    step = tick_step(max(x_max - x_min, y_max - y_min))
    bottom = top + plot_height
    for tick in np.arange(math.ceil(x_min / step), math.floor(x_max / step) + 1):
        value = float(tick * step)
        x = to_x(value)
        parts.append(line(x, top, x, bottom, stroke_width="0.5", stroke_opacity="0.2"))
        parts.append(line(x, bottom, x, bottom + 4))
        parts.append(text(x, bottom + 16, fmt_label(value), text_anchor="middle"))
    for tick in np.arange(math.ceil(y_min / step), math.floor(y_max / step) + 1):
        value = float(tick * step)
        y = to_y(value)
        parts.append(
            line(
                left, y, left + plot_width, y, stroke_width="0.5", stroke_opacity="0.2"
            )
        )
        parts.append(line(left - 4, y, left, y))
        parts.append(text(left - 7, y + 4, fmt_label(value), text_anchor="end"))

    first, second = projection.explained_variance_ratio
    parts.append(
        text(
            left + plot_width / 2,
            bottom + 34,
            f"principal component 1 ({first:.1%} of variance)",
            text_anchor="middle",
        )
    )
    parts.append(
        vertical_label(
            16, top + plot_height / 2, f"principal component 2 ({second:.1%})"
        )
    )

    points = [(to_x(float(x)), to_y(float(y))) for x, y in zip(xs, ys, strict=True)]
    font_size = 11.0
    placements = place_labels(
        points, projection.words, (left, top, left + plot_width, bottom), font_size
    )
    for index, word in enumerate(projection.words):
        group = projection.groups[index]
        series = group_names.index(group)
        x, y = points[index]
        placement = placements[index]
        content = marker(
            PCA_SHAPES[series], x, y, f"series-{series + 1}", SERIES_COLORS[series]
        ) + text(
            placement.x,
            placement.baseline,
            word,
            text_anchor=placement.anchor,
            font_size=fmt(font_size),
        )
        if placement.leader_to is not None:
            # From the marker's edge, 6 px from its center, to the label.
            end_x, end_y = placement.leader_to
            length = math.hypot(end_x - x, end_y - y)
            start_x = x + (end_x - x) * 6 / length
            start_y = y + (end_y - y) * 6 / length
            content += line(
                start_x,
                start_y,
                end_x,
                end_y,
                stroke_width="0.75",
                stroke_opacity="0.6",
            )
        parts.append(
            element(
                "g",
                {
                    "class": "pca-point",
                    "data-word": word,
                    "data-group": group,
                    "data-x": data_number(xs[index]),
                    "data-y": data_number(ys[index]),
                },
                content,
            )
        )

    legend_top = bottom + 54
    column_width = plot_width / 3
    for series, group in enumerate(group_names):
        x = left + (series % 3) * column_width + 6
        y = legend_top + (series // 3) * 18
        parts.append(
            marker(
                PCA_SHAPES[series], x, y, f"series-{series + 1}", SERIES_COLORS[series]
            )
        )
        parts.append(text(x + 10, y + 4, group))
    width = left + plot_width + 16
    height = legend_top + 30

    count = len(projection.words)
    groups_text = "; ".join(
        f"{group}: {', '.join(PCA_WORDS[group])}" for group in group_names
    )
    title = "Trained embeddings of words projected onto two principal components"
    description = (
        f"A scatter plot of {count} words, one point each, labelled with the word "
        f"and marked by group with its own color and shape. The horizontal axis is "
        f"principal component 1, which explains {first:.1%} of the variance, the "
        f"vertical axis principal component 2, which explains {second:.1%}. "
        f"Groups: {groups_text}."
    )
    svg = svg_root(
        figure_id,
        width,
        height,
        title,
        description,
        "".join(parts),
        data={
            "explained-variance": " ".join(
                data_number(ratio) for ratio in projection.explained_variance_ratio
            )
        },
    )
    caption = Markup(
        f"The trained embeddings of {count} words from the training grammar, "
        f"projected from {d_model} dimensions onto the two directions along "
        "which they vary most (principal component analysis, computed with "
        "NumPy from the SVD of the centered matrix). Together the two "
        f"components explain {first + second:.0%} of the variance, so the "
        "picture is only a shadow of the full vectors. In all "
        f"{d_model} dimensions, {projection.same_group_neighbors} of the {count} "
        "words have as nearest neighbor (by cosine similarity) a word of their "
        "own group."
    )
    return Figure("embedding-pca", figure_id, svg, caption)
