"""Tests of the build-time figures in figures/, drawn from the exported model."""

import base64
import math
import re
import struct
import zlib
from html.parser import HTMLParser

import numpy as np
import pytest

import figures
from figures import embeddings, svg
from model.inspect import load_model
from model.positional_encoding import positional_encoding
from model.reference import WEB_DIR

# The worked example is HTML tables; every other figure is one SVG.
SVG_FIGURES = sorted(set(figures.FIGURES) - {"attention-worked-example"})


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


@pytest.fixture(scope="module")
def model():
    return load_model(WEB_DIR)


@pytest.fixture(scope="module")
def d_model(model):
    return model.config["d_model"]


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


def decode_png(data: bytes) -> np.ndarray:
    """Decode an 8-bit RGB PNG without filters, the kind `png_bytes` writes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks[kind] = chunks.get(kind, b"") + body
        offset += 12 + length
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color_type) == (8, 2)
    raw = zlib.decompress(chunks[b"IDAT"])
    rows = [raw[i * (1 + 3 * width) : (i + 1) * (1 + 3 * width)] for i in range(height)]
    assert all(row[0] == 0 for row in rows)
    pixels = np.frombuffer(b"".join(row[1:] for row in rows), dtype=np.uint8)
    return pixels.reshape(height, width, 3)


def heatmap_image_attrs(model) -> dict[str, str]:
    figure = figures.render_figure("pe-heatmap", "figure-test", model)
    images = [attrs for tag, attrs in parse_svg(figure.body) if tag == "image"]
    assert len(images) == 1
    return images[0]


def test_heatmap_pixels_come_from_pe(model, d_model):
    href = heatmap_image_attrs(model)["href"]
    prefix = "data:image/png;base64,"
    assert href.startswith(prefix)
    pixels = decode_png(base64.b64decode(href[len(prefix) :]))
    table = positional_encoding(32, d_model)

    assert pixels.shape == (*table.shape, 3)
    for position, dimension in ((0, 0), (0, 1), (1, 0), (15, 12), (31, d_model - 1)):
        color = "#" + bytes(pixels[position, dimension]).hex()
        assert color == figures.diverging_color(table[position, dimension])


def test_heatmap_image_covers_grid(model, d_model):
    attrs = heatmap_image_attrs(model)

    assert float(attrs["width"]) == pytest.approx(d_model * 9.0)
    assert float(attrs["height"]) == pytest.approx(32 * 9.0)
    assert attrs["preserveaspectratio"] == "none"  # the parser lowercases names
    assert attrs["class"] == "pixelated"


def test_png_bytes_rejects_float_pixels():
    with pytest.raises(ValueError, match="uint8"):
        svg.png_bytes(np.zeros((2, 2, 3)))


def test_heatmap_axis_labels(model):
    figure = figures.render_figure("pe-heatmap", "figure-test", model)

    assert ">position</text>" in figure.body
    assert ">dimension</text>" in figure.body


@pytest.mark.parametrize(
    ("value", "color"),
    [(-1.0, "#053061"), (0.0, "#f7f7f7"), (1.0, "#67001f"), (5.0, "#67001f")],
)
def test_diverging_color_stops(value, color):
    assert figures.diverging_color(value) == color


@pytest.mark.parametrize("offset", [1, 3, 7, 20])
def test_shift_matrix_moves_pe_by_offset(offset, d_model):
    table = positional_encoding(40 + offset, d_model)
    matrix = figures.shift_matrix(offset, d_model)

    shifted = table[:40] @ matrix.T

    np.testing.assert_allclose(shifted, table[offset:], rtol=0, atol=1e-9)


def test_shift_matrix_is_block_diagonal(d_model):
    matrix = figures.shift_matrix(3, d_model)
    mask = np.kron(np.eye(d_model // 2), np.ones((2, 2))).astype(bool)

    assert np.all(matrix[~mask] == 0)
    np.testing.assert_allclose(matrix @ matrix.T, np.eye(d_model), atol=1e-12)


def test_shift_matrix_rejects_odd_width():
    with pytest.raises(ValueError, match="even d_model"):
        figures.shift_matrix(1, 7)


def test_shift_caption_reports_small_error(model):
    figure = figures.render_figure("pe-relative-shift", "figure-test", model)
    match = re.search(
        r"at most ([\d.]+) \u00d7 10<sup>\u2212(\d+)</sup>", figure.caption
    )

    assert match is not None, figure.caption
    error = float(match.group(1)) * 10 ** -int(match.group(2))
    assert error < 1e-9


@pytest.mark.parametrize("name", SVG_FIGURES)
def test_figure_has_text_alternative(name, model):
    figure = figures.render_figure(name, f"figure-{name}", model)
    elements = parse_svg(figure.body)
    svg_attrs = elements[0][1]
    ids = {attrs.get("id") for tag, attrs in elements}

    assert elements[0][0] == "svg"
    assert svg_attrs["role"] == "img"
    for label_id in svg_attrs["aria-labelledby"].split():
        assert label_id in ids
    assert re.search(r"<title id=[^>]*>[^<]{10,}</title>", figure.body)
    assert re.search(r"<desc id=[^>]*>[^<]{40,}</desc>", figure.body)
    assert len(figure.caption) > 40


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_figure_is_deterministic(name, model):
    first = figures.render_figure(name, "figure-x", model)
    second = figures.render_figure(name, "figure-x", model)

    assert first.body == second.body
    assert first.caption == second.caption


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_figure_is_csp_safe(name, model):
    body = figures.render_figure(name, "figure-x", model).body

    assert "style=" not in body
    assert "<script" not in body
    assert not re.search(r"\son[a-z]+=", body)


@pytest.mark.parametrize("name", SVG_FIGURES)
def test_figure_coordinates_rounded(name, model):
    svg = figures.render_figure(name, "figure-x", model).body
    numbers = re.findall(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|width|height)="([^"]+)"', svg)
    numbers += re.findall(r"-?\d+\.\d+", " ".join(re.findall(r'points="([^"]+)"', svg)))

    assert numbers
    for number in numbers:
        assert re.fullmatch(r"-?\d+(\.\d{1,2})?", number), number


def test_unknown_figure_raises_key_error(model):
    with pytest.raises(KeyError):
        figures.render_figure("no-such-figure", "figure-x", model)


def test_shift_rings_land_on_shifted_dots(model):
    figure = figures.render_figure("pe-relative-shift", "figure-test", model)
    circles = [attrs for tag, attrs in parse_svg(figure.body) if tag == "circle"]
    dots = [(c["cx"], c["cy"]) for c in circles if c.get("class") == "series-1"]
    rings = [(c["cx"], c["cy"]) for c in circles if c.get("class") == "series-2"]
    # The last dot and ring belong to the legend.
    dots, rings = dots[:-1], rings[:-1]
    offset = 3

    assert ">dimensions 2 and 3</text>" in figure.body
    assert len(dots) == 9
    assert rings == dots[offset:]
    assert len(set(dots)) == len(dots)


def test_principal_components_match_covariance():
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(30, 6)) * np.array([3.0, 2.0, 1.0, 0.5, 0.2, 0.1])
    centered = vectors - vectors.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(centered, rowvar=False))
    order = np.argsort(eigenvalues)[::-1]
    expected = centered @ eigenvectors[:, order[:2]]

    coordinates, explained = embeddings.principal_components(vectors)

    for column in range(2):
        sign = np.sign(coordinates[:, column] @ expected[:, column])
        np.testing.assert_allclose(
            coordinates[:, column], sign * expected[:, column], atol=1e-9
        )
    np.testing.assert_allclose(
        explained, eigenvalues[order[:2]] / eigenvalues.sum(), rtol=1e-9
    )


def test_principal_components_sign_follows_data():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(12, 5))

    coordinates, _ = embeddings.principal_components(vectors)
    flipped, _ = embeddings.principal_components(-vectors)

    np.testing.assert_allclose(flipped, -coordinates, atol=1e-9)


def test_same_group_neighbors_counts():
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [0.8, 0.3]])
    groups = ["a", "a", "b", "b", "b"]

    # The last vector, in group b, lies nearest to a vector of group a.
    assert embeddings.same_group_neighbors(vectors, groups) == 4


def test_token_id_rejects_unknown_word(model):
    with pytest.raises(ValueError, match="figures/embeddings.py: the word 'qzxv'"):
        embeddings.token_id(model, "qzxv")


def test_chosen_word_outside_corpus_fails(model, monkeypatch):
    words = dict(embeddings.PCA_WORDS)
    words["animals"] = ("cat", "unicorn")
    monkeypatch.setattr(embeddings, "PCA_WORDS", words)

    with pytest.raises(ValueError, match=r"'unicorn' of group 'animals' is not in"):
        embeddings.chosen_words(model)


def test_pca_words_come_from_corpus(model):
    words, groups, ids = embeddings.chosen_words(model)

    assert len(words) == len(set(words)) >= 24
    assert groups[0] == "animals"
    assert len(ids) == len(words)
    for word, token in zip(words, ids, strict=True):
        assert model.tokenizer.vocab[token] == word


def test_place_labels_avoid_each_other():
    points = [(60.0 + 70 * (i % 4), 60.0 + 28 * (i // 4)) for i in range(12)]
    labels = [f"word{i}" for i in range(12)]

    placements = embeddings.place_labels(points, labels, (0, 0, 400, 300), 11.0)

    boxes = label_boxes(placements, labels, 11.0)
    for index, box in enumerate(boxes):
        for other in boxes[index + 1 :]:
            assert embeddings.overlap(box, other) == 0


def label_boxes(placements, labels, font_size):
    return [
        embeddings.label_box(p.x, p.baseline, p.anchor, label, font_size)
        for p, label in zip(placements, labels, strict=True)
    ]


def test_pca_labels_nearest_their_points(model):
    # The plot's clusters are tight: each label must still be nearer its own
    # marker than any other, or a reader pairs it with the wrong word.
    figure = figures.render_figure("embedding-pca", "figure-test", model)
    groups = re.findall(r'<g class="pca-point"(.*?)</g>', figure.body, re.S)
    points, placements, labels, leaders = [], [], [], []
    for group in groups:
        circle = re.search(r'cx="([^"]+)" cy="([^"]+)"', group)
        if circle:
            point = (float(circle[1]), float(circle[2]))
        else:
            corners = re.search(r'points="([^"]+)"', group)[1].split()
            xy = np.array([[float(v) for v in c.split(",")] for c in corners])
            point = tuple((xy.min(axis=0) + xy.max(axis=0)) / 2)
        label = re.search(r"<text ([^>]*)>([^<]+)</text>", group)
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', label[1]))
        points.append(point)
        labels.append(label[2])
        leader = re.search(r'<line [^>]*x2="([^"]+)" y2="([^"]+)"', group)
        leaders.append(None if leader is None else (float(leader[1]), float(leader[2])))
        placements.append(
            embeddings.LabelPlacement(
                float(attrs["x"]), float(attrs["y"]), attrs["text-anchor"], None
            )
        )

    boxes = label_boxes(placements, labels, 11.0)
    assert len(boxes) > 20
    for index, box in enumerate(boxes):
        own = points[index]
        others = [point for other, point in enumerate(points) if other != index]
        if leaders[index] is None:
            for point in others:
                assert embeddings.distance_to_box(*point, box) >= (
                    embeddings.distance_to_box(*own, box)
                ), labels[index]
        else:
            assert embeddings.distance_to_box(*leaders[index], box) < 0.01
            # Markers that overlap this one are crossed by any leader.
            apart = [
                (x, y)
                for x, y in others
                if embeddings.distance_to_box(*own, (x - 5, y - 5, x + 5, y + 5)) > 3
            ]
            for x, y in apart:
                assert not embeddings.segment_crosses_box(
                    own, leaders[index], (x - 4, y - 4, x + 4, y + 4)
                ), labels[index]


def test_place_labels_lead_far_labels():
    # A 3 x 3 grid 10 px apart: the middle label must move away, with a leader.
    points = [(200.0 + 10 * (i % 3), 150.0 + 10 * (i // 3)) for i in range(9)]
    labels = ["cat", "woman", "dog", "boy", "king", "fox", "bear", "girl", "cow"]

    placements = embeddings.place_labels(points, labels, (0, 0, 400, 300), 11.0)

    boxes = label_boxes(placements, labels, 11.0)
    leaders = [
        (placement.leader_to, box)
        for placement, box in zip(placements, boxes, strict=True)
        if placement.leader_to is not None
    ]
    assert leaders
    for end, box in leaders:
        assert embeddings.distance_to_box(*end, box) == pytest.approx(0)


@pytest.mark.parametrize(
    ("span", "step"),
    [(0.5, 0.1), (1.9, 0.25), (3.5, 0.5), (7.0, 1.0), (40.0, 5.0), (100.0, 20.0)],
)
def test_tick_step_gives_few_ticks(span, step):
    assert embeddings.tick_step(span) == step


def test_arrow_head_ends_at_last_point():
    markup = svg.arrow([(10.0, 10.0), (10.0, 50.0)], head=6.0)
    elements = parse_svg(markup)

    assert [tag for tag, _ in elements] == ["polyline", "polygon"]
    assert elements[0][1]["points"] == "10,10 10,44"
    assert elements[1][1]["points"].startswith("10,50 ")


def test_fmt_number_uses_minus_sign():
    assert svg.fmt_number(-1.234) == "\u22121.23"
    assert svg.fmt_number(-0.001) == "0.00"
    assert svg.fmt_number(2.0, 1) == "2.0"


def test_worked_example_rejects_unknown_words(model, monkeypatch):
    from figures import attention

    monkeypatch.setattr(attention, "WORKED_SENTENCE", "the qzxv sat")

    with pytest.raises(ValueError, match="figures/attention.py: WORKED_SENTENCE"):
        attention.attention_worked_example("figure-x", model)


def test_choose_head_prefers_clear_but_soft_peaks():
    from figures import attention

    one_hot = np.eye(3)
    uniform = np.full((3, 3), 1 / 3)
    soft = np.array([[0.7, 0.2, 0.1], [0.1, 0.7, 0.2], [0.2, 0.1, 0.7]])

    assert attention.choose_head(np.stack([one_hot, uniform, soft])) == 2
    assert attention.choose_head(np.stack([soft, soft])) == 0


def test_worked_dot_product_redoes_by_hand(model):
    body = figures.render_figure("attention-worked-example", "figure-x", model).body
    first_step = re.search(r'<ol class="worked-steps"><li>(.*?)</li>', body)[1]
    first_step = first_step.replace("\u2212", "-")
    terms = re.findall(r"\((-?[\d.]+)\)\((-?[\d.]+)\)", first_step)
    printed = float(re.search(r"= (-?[\d.]+)$", first_step)[1])

    config = model.config
    assert len(terms) == config["d_model"] // config["num_heads"]
    by_hand = sum(float(q) * float(k) for q, k in terms)
    assert by_hand == pytest.approx(printed, abs=0.01)


def test_worked_example_tables_have_headers(model):
    body = figures.render_figure("attention-worked-example", "figure-x", model).body
    tables = re.findall(r"<table .*?</table>", body)

    assert len(tables) == 7
    for table in tables:
        assert re.search(r"<caption>.+?</caption>", table)
        assert table.count('<th scope="row">') == 3
        assert '<th scope="col">' in table


def test_worked_example_counts_dimensions_from_zero(model):
    body = figures.render_figure("attention-worked-example", "figure-x", model).body
    query = re.search(r'<table class="matrix" data-name="query".*?</table>', body)[0]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', query)

    assert headers[:2] == ["0", "1"]


def test_encoder_stack_names_its_parts(model):
    body = figures.render_figure("encoder-stack", "figure-x", model).body
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", body)
    config = model.config

    assert texts.count("Add &amp; Norm") == 2
    assert "Multi-head attention" in texts
    assert "Feed-forward" in texts
    assert "Token embedding" in texts
    assert "Positional" in texts
    assert texts.count("residual") == 2
    assert "N\u00d7" in texts
    assert f"N = {config['num_layers']}" in texts
    heads = config["num_heads"]
    assert f"{heads} heads, d_k = {config['d_model'] // heads}" in texts


def test_shift_figure_has_color_scale(model):
    body = figures.render_figure("pe-relative-shift", "figure-x", model).body
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", body)

    assert "color:" in texts
    assert {"\u22121.0", "0.0", "1.0"} <= set(texts)
