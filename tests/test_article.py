"""The built article: its sections, figures and numbers, read back from the page.

The figures' numbers are parsed from their data attributes and compared with
a fresh run of the NumPy reference model, so a figure that drifts from the
model the demo runs fails here. The browser tests load the page in headless
Chromium at a phone's width, in both color schemes, and as print.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

from figures import attention, embeddings
from model.inspect import load_model
from model.reference import WEB_DIR

SECTION_IDS = [
    "live-demo",
    "positional-encoding",
    "token-embeddings",
    "scaled-dot-product-attention",
    "pipeline",
    "multi-head-attention",
    "encoder-decoder",
    "next-steps",
]

# Figures that must appear, by the section that contains them.
FIGURES_BY_SECTION = {
    "positional-encoding": [
        "figure-pe-heatmap",
        "figure-pe-sine-curves",
        "figure-pe-sin-cos-pair",
        "figure-pe-relative-shift",
    ],
    "token-embeddings": ["figure-embedding-lookup", "figure-embedding-pca"],
    "scaled-dot-product-attention": ["figure-attention-worked-example"],
    "encoder-decoder": ["figure-encoder-stack"],
}

VOID_TAGS = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}


@dataclass
class Node:
    """One element of the parsed page."""

    tag: str
    attrs: dict[str, str]
    children: list["Node"] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    parent: "Node | None" = None

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Node"]:
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and all(node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> "Node":
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def text(self) -> str:
        return "".join(part for node in self.iter() for part in node.texts).strip()

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def in_demo(self) -> bool:
        """Whether this node lies inside the live demo, whose markup is its own."""
        node = self.parent
        while node is not None:
            if node.attrs.get("id") == "demo":
                return True
            node = node.parent
        return False


class TreeBuilder(HTMLParser):
    """Build a Node tree from HTML, closing void and self-closed elements."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.texts.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    return builder.root


@pytest.fixture(scope="module")
def html(built_site: Path) -> str:
    return (built_site / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html: str) -> Node:
    return parse(html)


@pytest.fixture(scope="module")
def model():
    return load_model(WEB_DIR)


def numbers(text: str) -> list[float]:
    return [float(value) for value in text.split()]


def test_title_and_subtitle(page):
    header = page.find("header", **{"class": "site-header"})

    assert header.find("h1").text() == "Understanding Transformer Attention"
    subtitle = header.find("p").text()
    assert "Attention Is All You Need" in subtitle
    assert "TensorFlow.js" in subtitle


def test_sections_in_order(page):
    sections = [node for node in page.find("main").children if node.tag == "section"]

    assert [section.attrs["id"] for section in sections] == SECTION_IDS
    contents = page.find("nav").find_all("a")
    assert [link.attrs["href"] for link in contents] == [f"#{i}" for i in SECTION_IDS]


def test_demo_is_in_first_section(page):
    first = page.find("section", id=SECTION_IDS[0])

    assert first.find_all("div", id="demo")


def test_closing_call_to_action(page):
    closing = page.find("section", id="next-steps")

    assert closing.find("h2").text().startswith("Ready to See the Implementation")
    assert "model/reference.py" in closing.text()


def test_closing_links_to_walkthrough(page, built_site):
    closing = page.find("section", id="next-steps")
    links = {link.attrs.get("href"): link.text() for link in closing.find_all("a")}

    assert links.get("walkthrough.html") == "Code walkthrough \u2192"
    assert (built_site / "walkthrough.html").is_file()
    walkthrough = parse((built_site / "walkthrough.html").read_text(encoding="utf-8"))
    back = [link.attrs["href"] for link in walkthrough.find_all("a")]
    assert "index.html" in back


@pytest.mark.parametrize("section_id", sorted(FIGURES_BY_SECTION))
def test_figures_in_their_sections(page, section_id):
    section = page.find("section", id=section_id)

    found = [figure.attrs["id"] for figure in section.find_all("figure")]

    assert found == FIGURES_BY_SECTION[section_id]


def test_every_figure_has_caption_and_alternative(page):
    figures = [figure for figure in page.find_all("figure") if not figure.in_demo()]

    assert len(figures) >= sum(len(ids) for ids in FIGURES_BY_SECTION.values())
    ids = {node.attrs["id"] for node in page.iter() if "id" in node.attrs}
    for figure in figures:
        name = figure.attrs["id"]
        assert len(figure.find("figcaption").text()) > 40, name
        svgs = figure.find_all("svg")
        tables = figure.find_all("table")
        assert svgs or tables, name
        for svg in svgs:
            assert svg.attrs["role"] == "img", name
            label_ids = svg.attrs["aria-labelledby"].split()
            assert len(label_ids) == 2, name
            for label_id in label_ids:
                assert label_id in ids, name
                assert len(page.find(id=label_id).text()) > 10, name
        for table in tables:
            assert table.find("caption").text(), name
            assert table.find_all("th", scope="row"), name
            assert table.find_all("th", scope="col"), name


def test_embedding_lookup_row_equals_weights(page, model):
    svg = page.find("figure", id="figure-embedding-lookup").find("svg")
    token = svg.attrs["data-token"]
    token_id = int(svg.attrs["data-token-id"])
    bars = [node for node in svg.iter() if "data-dimension" in node.attrs]

    assert token == embeddings.LOOKUP_WORD
    assert model.tokenizer.encode(token).ids == [token_id]
    assert [int(bar.attrs["data-dimension"]) for bar in bars] == list(
        range(model.config["d_model"])
    )
    row = np.array([float(bar.attrs["data-value"]) for bar in bars])
    expected = model.embedding_matrix()[token_id]
    np.testing.assert_array_equal(row, expected)


def test_embedding_lookup_names_matrix_shape(page, model):
    figure = page.find("figure", id="figure-embedding-lookup")
    vocab_size, d_model = model.embedding_matrix().shape

    assert f"[{vocab_size} \u00d7 {d_model}]" in figure.find("figcaption").text()
    assert f"{vocab_size} rows \u00d7 {d_model} columns" in figure.find("svg").text()


def test_pca_labels_are_chosen_words(page):
    svg = page.find("figure", id="figure-embedding-pca").find("svg")
    points = svg.find_all("g", **{"class": "pca-point"})
    chosen = [word for words in embeddings.PCA_WORDS.values() for word in words]
    groups = [group for group, words in embeddings.PCA_WORDS.items() for _ in words]

    assert [point.attrs["data-word"] for point in points] == chosen
    assert [point.find("text").text() for point in points] == chosen
    assert [point.attrs["data-group"] for point in points] == groups


def test_pca_explained_variance_is_a_share(page):
    figure = page.find("figure", id="figure-embedding-pca")
    first, second = numbers(figure.find("svg").attrs["data-explained-variance"])

    assert 0 < second <= first < 1
    assert first + second < 1
    caption = figure.find("figcaption").text()
    assert f"explain {first + second:.0%} of the variance" in caption


def test_pca_coordinates_match_covariance_eigenvectors(page, model):
    svg = page.find("figure", id="figure-embedding-pca").find("svg")
    points = svg.find_all("g", **{"class": "pca-point"})
    ids = [model.tokenizer.encode(p.attrs["data-word"]).ids[0] for p in points]
    vectors = model.embedding_matrix()[ids]
    centered = vectors - vectors.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(centered.T @ centered)
    order = np.argsort(eigenvalues)[::-1]
    expected = centered @ eigenvectors[:, order[:2]]
    coordinates = np.array(
        [[float(p.attrs["data-x"]), float(p.attrs["data-y"])] for p in points]
    )

    # Principal components are defined up to their sign.
    for column in range(2):
        sign = np.sign(coordinates[:, column] @ expected[:, column])
        np.testing.assert_allclose(
            coordinates[:, column], sign * expected[:, column], atol=1e-9
        )
    explained = numbers(svg.attrs["data-explained-variance"])
    np.testing.assert_allclose(
        explained, eigenvalues[order[:2]] / eigenvalues.sum(), rtol=1e-9
    )


def worked_example(page: Node) -> tuple[Node, dict[str, np.ndarray], list[str]]:
    """Return the worked example's container, its tables' values and row labels."""
    container = page.find("div", **{"class": "worked-example"})
    tables = {}
    labels = []
    for table in container.find_all("table"):
        rows = table.find("tbody").find_all("tr")
        labels = [row.find("th").text() for row in rows]
        tables[table.attrs["data-name"]] = np.array(
            [
                [float(td.attrs["data-value"]) for td in row.find_all("td")]
                for row in rows
            ]
        )
    return container, tables, labels


def test_worked_example_matches_reference(page, model):
    container, tables, labels = worked_example(page)
    encoding = model.tokenizer.encode(container.attrs["data-sentence"])
    steps = model.forward(encoding.ids)
    layer = int(container.attrs["data-layer"])
    head = int(container.attrs["data-head"])

    assert container.attrs["data-sentence"] == attention.WORKED_SENTENCE
    assert layer == attention.WORKED_LAYER
    assert head == attention.choose_head(steps["attention_weights"][layer])
    assert labels == encoding.tokens
    assert sorted(tables) == sorted(
        [
            "query",
            "key",
            "value",
            "scores",
            "scaled_scores",
            "attention_weights",
            "head_outputs",
        ]
    )
    d_k = model.config["d_model"] // model.config["num_heads"]
    for name, values in tables.items():
        expected = steps[name][layer, head]
        assert values.shape == expected.shape, name
        np.testing.assert_allclose(values, expected, rtol=1e-7, atol=1e-12)
    assert tables["query"].shape[1] == d_k


def test_worked_example_softmax_rows_sum_to_one(page, model):
    _, tables, _ = worked_example(page)
    weights = tables["attention_weights"]
    scaled = tables["scaled_scores"]

    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-7)
    exponentials = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    softmax = exponentials / exponentials.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(weights, softmax, atol=1e-7)
    d_k = tables["query"].shape[1]
    np.testing.assert_allclose(scaled, tables["scores"] / np.sqrt(d_k), rtol=1e-7)


def test_worked_example_shows_rounded_values(page):
    container = page.find("div", **{"class": "worked-example"})

    for cell in container.find_all("td"):
        if "data-value" not in cell.attrs:
            continue
        displayed = float(cell.text().replace("\u2212", "-"))
        assert displayed == pytest.approx(float(cell.attrs["data-value"]), abs=0.005)


def test_encoder_stack_uses_config(page, model):
    svg = page.find("figure", id="figure-encoder-stack").find("svg")
    labels = [node.text() for node in svg.find_all("text")]
    config = model.config

    assert f"N = {config['num_layers']}" in labels
    assert (
        f"{config['d_model']} \u2192 {config['d_ff']} \u2192 {config['d_model']}, ReLU"
        in labels
    )
    assert labels.count("Add & Norm") == 2


def test_math_fully_typeset(html, page):
    main = page.find("main")
    text = main.text()

    assert "$" not in text
    assert "\\" not in text
    assert "{{" not in html
    for node in main.find_all("math"):
        assert node.attrs["display"] in ("inline", "block")
    assert len(main.find_all("math")) > 50


def test_headings_have_anchor_links(page):
    headings = [
        node
        for node in page.find("main").iter()
        if node.tag in ("h2", "h3", "h4") and not node.in_demo()
    ]

    assert len(headings) > 20
    for heading in headings:
        heading_id = heading.attrs.get("id") or heading.parent.attrs["id"]
        anchors = heading.find_all("a", **{"class": "heading-anchor"})
        assert len(anchors) == 1, heading.text()
        assert anchors[0].attrs["href"] == f"#{heading_id}"


def test_links_resolve(page, built_site):
    ids = {node.attrs["id"] for node in page.iter() if "id" in node.attrs}
    links = [node.attrs["href"] for node in page.find_all("a") if "href" in node.attrs]

    assert links
    for href in links:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https"):
            assert parts.scheme == "https", href
            continue
        if parts.path:
            assert (built_site / parts.path).is_file(), href
        if parts.fragment:
            assert parts.fragment in ids, href


def test_no_inline_styles_or_scripts(html, page):
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    scripts = page.find_all("script")
    assert [script.attrs.get("src") for script in scripts] == ["assets/app.js"]
    for script in scripts:
        assert not script.text()


# Browser checks: layout at a phone's width, dark mode and print.

READ_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  const text = "main p, main li, h1, h2, h3, figcaption";
  for (const node of document.querySelectorAll(text)) {
    const box = node.getBoundingClientRect();
    if (box.right > width + 0.5 || box.left < -0.5) {
      wide.push(node.textContent.slice(0, 60));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_narrow_screen_has_no_sideways_scroll(browser, site_url, color_scheme):
    context = browser.new_context(
        viewport={"width": 360, "height": 800},
        color_scheme=color_scheme,
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto(site_url)

    layout = page.evaluate(READ_OVERFLOW)

    assert layout["width"] == 360
    assert layout["scrollWidth"] <= 360
    assert layout["wide"] == []
    context.close()


def test_contents_line_up_with_text(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url)

    lefts = page.evaluate(
        """() => [".site-header", ".toc", "main"]
          .map((selector) => document.querySelector(selector))
          .map((element) => element.getBoundingClientRect().left)"""
    )
    assert max(lefts) - min(lefts) < 1, lefts
    context.close()


def test_page_reads_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)

    for section_id in SECTION_IDS:
        assert page.locator(f"#{section_id}").is_visible()
    for figure_ids in FIGURES_BY_SECTION.values():
        for figure_id in figure_ids:
            box = page.locator(f"#{figure_id}").bounding_box()
            assert box["width"] > 300, figure_id
            assert box["height"] > 100, figure_id
    # Without the script, an edited sentence would not match the matrices.
    assert page.locator("#sentence").get_attribute("readonly") is not None
    context.close()


def test_dark_scheme_recolors_page_and_figures(browser, site_url):
    colors = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, java_script_enabled=False)
        page = context.new_page()
        page.goto(site_url)
        colors[scheme] = page.evaluate(
            """() => ({
              background: getComputedStyle(document.body).backgroundColor,
              block: getComputedStyle(
                document.querySelector("#figure-encoder-stack .block-attention")).fill,
              label: getComputedStyle(
                document.querySelector("#figure-embedding-pca text")).fill,
            })"""
        )
        context.close()

    for key in ("background", "block", "label"):
        assert colors["light"][key] != colors["dark"][key], key


def test_print_hides_controls(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    page.emulate_media(media="print")

    for selector in (".demo-controls", ".heading-anchor", ".skip-link", "#sentence"):
        displays = page.eval_on_selector_all(
            selector, "(nodes) => nodes.map((node) => getComputedStyle(node).display)"
        )
        assert displays, selector
        assert set(displays) == {"none"}, selector
    assert page.locator("#figure-encoder-stack").is_visible()
    context.close()


def test_print_is_light_in_dark_scheme(browser, site_url):
    context = browser.new_context(color_scheme="dark", java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    page.emulate_media(media="print")

    colors = page.evaluate(
        """() => ({
          body: getComputedStyle(document.body).backgroundColor,
          demo: getComputedStyle(document.querySelector(".demo")).backgroundColor,
          block: getComputedStyle(
            document.querySelector("#figure-encoder-stack .block-attention")).fill,
          cell: getComputedStyle(
            document.querySelector(".worked-example td:not([class])")).backgroundColor,
        })"""
    )

    assert colors["body"] == "rgb(255, 255, 255)"
    assert colors["demo"] == "rgb(241, 242, 245)"
    assert colors["block"] == "rgb(253, 227, 191)"
    assert colors["cell"] == "rgb(241, 242, 245)"
    context.close()
