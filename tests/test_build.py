"""Tests of build.py: the page it writes, its failures and its reproducibility.

Builds run from content folders under tmp_path and write under tmp_path, so
the repository's site/ is never touched. Most builds pass --skip-js and use
content without `[[demo]]`, so they need neither js/main.js nor the model.
"""

import json
import logging
import math
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import build
from model.inspect import load_model
from model.reference import WEB_DIR

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"

SECTION_A = """\
---
title: Alpha & <Omega>
id: alpha
---
Inline $x_i^2 + \\alpha_{t}$ and `code $y_j$` and a \\$5 price.

The model is {{ d_model }} wide, so $d_{\\text{model}} = {{d_model}}$.

$$
\\mathrm{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V
$$

### First part

[[figure pe-heatmap]]
"""

SECTION_B = """\
---
title: Beta
id: beta
---
### First part

Text under a heading with the same name as one in alpha.

[[figure pe-sin-cos-pair]]
"""


class PageOutline(HTMLParser):
    """Record ids, headings, figures and their captions and text alternatives."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.section_ids: list[str] = []
        self.figures: list[dict] = []
        self.headings: list[dict] = []
        self.links: list[str] = []
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.titles: dict[str, str] = {}
        self._open_heading: dict | None = None
        self._text_target: str | None = None
        self._in_figure = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "section":
            self.section_ids.append(attributes.get("id"))
        elif tag == "figure":
            self.figures.append({"id": attributes.get("id"), "caption": False})
            self._in_figure = True
        elif tag == "figcaption" and self.figures:
            self.figures[-1]["caption"] = True
        elif tag == "svg" and self.figures:
            self.figures[-1]["svg"] = attributes
        elif tag in ("table", "caption") and self._in_figure:
            key = f"{tag}s"
            self.figures[-1][key] = self.figures[-1].get(key, 0) + 1
        elif tag in ("title", "desc") and "id" in attributes:
            self._text_target = attributes["id"]
            self.titles[self._text_target] = ""
        elif tag in ("h2", "h3", "h4"):
            self._open_heading = {
                "tag": tag,
                "id": attributes.get("id"),
                "anchor": None,
            }
            self.headings.append(self._open_heading)
        elif tag == "a":
            self.links.append(attributes.get("href", ""))
            if self._open_heading is not None and "heading-anchor" in attributes.get(
                "class", ""
            ):
                self._open_heading["anchor"] = attributes
        elif tag == "script":
            self.scripts.append(attributes.get("src", ""))
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href", ""))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._in_figure = False
        elif tag in ("h2", "h3", "h4"):
            self._open_heading = None
        elif tag in ("title", "desc"):
            self._text_target = None

    def handle_data(self, data: str) -> None:
        if self._text_target is not None:
            self.titles[self._text_target] += data


def outline(html: str) -> PageOutline:
    parser = PageOutline()
    parser.feed(html)
    return parser


def write_content(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def run_build(content: Path, out: Path, *extra: str) -> int:
    return build.main(
        ["--content", str(content), "--out", str(out), "--skip-js", *extra]
    )


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def sample_content(tmp_path: Path) -> Path:
    return write_content(
        tmp_path / "content", {"01-alpha.md": SECTION_A, "02-beta.md": SECTION_B}
    )


@pytest.fixture
def article_content(tmp_path: Path) -> Path:
    """A copy of the real article with the `[[demo]]` paragraph removed, and
    its walkthrough."""
    folder = tmp_path / "article"
    folder.mkdir()
    for path in sorted(CONTENT.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        (folder / path.name).write_text(text.replace("[[demo]]", ""), encoding="utf-8")
    shutil.copytree(CONTENT / "walkthrough", folder / "walkthrough")
    return folder


@pytest.fixture
def built_sample(sample_content: Path, tmp_path: Path) -> str:
    out = tmp_path / "site"
    assert run_build(sample_content, out) == 0
    return (out / "index.html").read_text(encoding="utf-8")


def test_sections_rendered_in_order(sample_content, tmp_path):
    out = tmp_path / "site"

    status = run_build(sample_content, out)

    assert status == 0
    page = outline((out / "index.html").read_text(encoding="utf-8"))
    assert page.section_ids == ["alpha", "beta"]
    assert [link for link in page.links if link in ("#alpha", "#beta")][:2] == [
        "#alpha",
        "#beta",
    ]


def test_article_sections_in_file_order(article_content, tmp_path):
    out = tmp_path / "site"
    expected = [
        build.parse_front_matter(path, path.read_text(encoding="utf-8")).section_id
        for path in sorted(article_content.glob("*.md"))
    ]

    status = run_build(article_content, out)

    assert status == 0
    page = outline((out / "index.html").read_text(encoding="utf-8"))
    assert page.section_ids == expected
    assert expected[0] == "live-demo"


def test_site_files_written(built_sample, tmp_path):
    out = tmp_path / "site"

    assert (out / ".nojekyll").read_bytes() == b""
    assert "Page not found" in (out / "404.html").read_text(encoding="utf-8")
    style = (out / "assets" / "style.css").read_bytes()
    assert style == (REPO / "site_templates" / "style.css").read_bytes()
    assert not list(tmp_path.glob(".site-*"))


def test_page_uses_relative_urls(built_sample, tmp_path):
    page = outline(built_sample)

    assert page.stylesheets == ["assets/style.css"]
    for url in page.links + page.stylesheets + page.scripts:
        assert not url.startswith(("/", "http:", "https:")), url


def test_page_has_csp_and_metadata(built_sample):
    assert built_sample.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "script-src 'self'" in built_sample
    assert '<meta name="viewport"' in built_sample
    assert '<meta name="description"' in built_sample
    assert "<h1>Understanding Transformer Attention</h1>" in built_sample


def test_title_is_escaped(built_sample):
    assert "Alpha &amp; &lt;Omega&gt;" in built_sample
    assert "<Omega>" not in built_sample


def test_headings_have_ids_and_anchors(built_sample):
    page = outline(built_sample)
    content_headings = [h for h in page.headings if h["tag"] == "h3"]

    assert [h["id"] for h in content_headings] == [
        "alpha-first-part",
        "beta-first-part",
    ]
    for heading in content_headings:
        anchor = heading["anchor"]
        assert anchor is not None
        assert anchor["href"] == f"#{heading['id']}"
        assert anchor["aria-label"].startswith("Link to section: ")
    section_headings = [h for h in page.headings if h["anchor"] and h["tag"] == "h2"]
    assert [h["anchor"]["href"] for h in section_headings] == ["#alpha", "#beta"]


def test_ids_unique_on_page(built_sample):
    ids = outline(built_sample).ids

    assert len(ids) == len(set(ids))


def test_figures_have_caption_and_alternative(built_sample):
    page = outline(built_sample)

    assert [figure["id"] for figure in page.figures] == [
        "figure-pe-heatmap",
        "figure-pe-sin-cos-pair",
    ]
    for figure in page.figures:
        assert figure["caption"], figure["id"]
        svg = figure["svg"]
        assert svg["role"] == "img"
        for label_id in svg["aria-labelledby"].split():
            assert page.titles[label_id].strip(), label_id


def test_article_figures_have_captions(article_content, tmp_path):
    out = tmp_path / "site"

    assert run_build(article_content, out) == 0
    page = outline((out / "index.html").read_text(encoding="utf-8"))

    assert "figure-pe-heatmap" in [figure["id"] for figure in page.figures]
    for figure in page.figures:
        assert figure["caption"], figure["id"]
        if "svg" in figure:
            assert figure["svg"]["role"] == "img"
        else:
            assert figure.get("tables", 0) > 0, figure["id"]
            assert figure.get("captions") == figure["tables"], figure["id"]


def test_math_keeps_underscores_and_backslashes(built_sample):
    inline = re.search(r'<math [^>]*display="inline">.*?</math>', built_sample)

    assert inline is not None
    assert "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>" in inline.group(0)
    assert "<msub><mi>&#x003B1;</mi><mrow><mi>t</mi></mrow></msub>" in inline.group(0)
    assert "<em>" not in inline.group(0)
    assert "\\alpha" not in built_sample


def test_display_math_becomes_block_mathml(built_sample):
    block = re.search(
        r'<div class="math-display"><math [^>]*display="block">(.*?)</math></div>',
        built_sample,
    )

    assert block is not None
    assert "<mfrac>" in block.group(1)
    assert "<msqrt>" in block.group(1)


def test_values_replaced_in_text_and_math(built_sample):
    model = load_model(WEB_DIR)
    d_model = model.config["d_model"]

    assert f"The model is {d_model} wide" in built_sample
    assert f"<mn>{d_model}</mn>" in built_sample
    assert "{{" not in built_sample


def test_model_values_follow_config():
    model = load_model(WEB_DIR)
    values = build.model_values(model)
    config = model.config

    assert values["d_model"] == str(config["d_model"])
    assert values["num_heads"] == str(config["num_heads"])
    assert values["d_k"] == str(config["d_model"] // config["num_heads"])
    assert values["vocab_size"] == str(model.tokenizer.vocab_size)
    d_k = config["d_model"] // config["num_heads"]
    assert float(values["sqrt_d_k"]) == pytest.approx(d_k**0.5, abs=0.005)
    ratio = 10000 ** (2 / config["d_model"])
    assert float(values["pe_frequency_ratio"]) == pytest.approx(ratio, abs=0.005)
    longest = 2 * math.pi * 10000 ** ((config["d_model"] - 2) / config["d_model"])
    wavelength = float(values["pe_longest_wavelength"].replace(",", ""))
    assert wavelength == pytest.approx(longest, rel=0.05)


@pytest.mark.parametrize(
    ("rate", "text"), [(1.0, "100%"), (0.99968, "99.9%"), (0.5, "50%"), (0.0, "0%")]
)
def test_percent_floor_never_rounds_up(rate, text):
    assert build.percent_floor(rate) == text


def test_behavior_values_quote_measurements(tmp_path):
    path = tmp_path / "behavior.json"
    head = {"layer": 2, "head": 3, "rate": 0.875}
    behavior = {
        "sentences": 1200,
        "best_previous_token_head": {"layer": 1, "head": 4, "rate": 0.5},
        "best_pronoun_head": head,
    }
    path.write_text(json.dumps(behavior), encoding="utf-8")

    values = build.behavior_values(path)

    assert values["behavior_sentences"] == "1,200"
    assert values["previous_token_head"] == "head 4 of layer 1"
    assert values["pronoun_head"] == "head 3 of layer 2"
    assert values["pronoun_rate"] == "87.5%"


def test_behavior_values_missing_file(tmp_path):
    with pytest.raises(build.BuildError, match="file not found; re-export"):
        build.behavior_values(tmp_path / "behavior.json")


def test_behavior_values_missing_entry(tmp_path):
    path = tmp_path / "behavior.json"
    path.write_text('{"sentences": 10, "best_pronoun_head": {}}', encoding="utf-8")

    with pytest.raises(build.BuildError, match="missing or invalid entry"):
        build.behavior_values(path)


def test_dollar_in_code_and_escape_stays_text(built_sample):
    assert "<code>code $y_j$</code>" in built_sample
    assert "a $5 price" in built_sample


def test_two_builds_identical(sample_content, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"

    assert run_build(sample_content, first) == 0
    assert run_build(sample_content, second) == 0

    assert tree_bytes(first) == tree_bytes(second)


def test_rebuild_replaces_output(sample_content, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.txt").write_text("from an older build")

    assert run_build(sample_content, out) == 0

    assert not (out / "stale.txt").exists()
    assert (out / "index.html").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "site"]


BROKEN_INPUTS = {
    "unknown-key": (
        "02-beta.md",
        SECTION_B.replace("id: beta", "id: beta\nauthor: someone"),
        "02-beta.md:4: unknown front matter key 'author'",
    ),
    "missing-title": (
        "02-beta.md",
        SECTION_B.replace("title: Beta\n", ""),
        "02-beta.md:3: missing front matter key 'title'",
    ),
    "invalid-id": (
        "02-beta.md",
        SECTION_B.replace("id: beta", "id: Beta Section"),
        "02-beta.md:3: invalid id 'Beta Section'",
    ),
    "duplicate-id": (
        "02-beta.md",
        SECTION_B.replace("id: beta", "id: alpha"),
        "02-beta.md: id 'alpha' is already used by 01-alpha.md",
    ),
    "no-front-matter": (
        "02-beta.md",
        "Just text.\n",
        "02-beta.md:1: missing front matter",
    ),
    "unclosed-front-matter": (
        "02-beta.md",
        "---\ntitle: Beta\nid: beta\n",
        "02-beta.md:1: front matter is never closed",
    ),
    "non-utf8": (
        "02-beta.md",
        SECTION_B.encode("utf-8").replace(b"Text under", b"Caf\xe9 under"),
        "02-beta.md:7: file is not valid UTF-8",
    ),
    "unknown-figure": (
        "02-beta.md",
        SECTION_B.replace("pe-sin-cos-pair", "pe-spiral"),
        "02-beta.md:9: unknown figure name 'pe-spiral'; known figures: "
        "attention-worked-example, embedding-lookup,",
    ),
    "unknown-directive": (
        "02-beta.md",
        SECTION_B.replace("[[figure pe-sin-cos-pair]]", "[[chart pe-heatmap]]"),
        "02-beta.md:9: unknown directive [[chart pe-heatmap]]",
    ),
    "invalid-inline-math": (
        "02-beta.md",
        SECTION_B.replace("Text under", "Text $\\frac{1}{$ under"),
        "02-beta.md:7: invalid math $\\frac{1}{$",
    ),
    "unknown-latex-command": (
        "02-beta.md",
        SECTION_B.replace("Text under", "Text $\\sofmax(x)$ under"),
        "02-beta.md:7: invalid math $\\sofmax(x)$: unknown LaTeX command \\sofmax",
    ),
    "invalid-display-math": (
        "02-beta.md",
        SECTION_B.replace("### First part", "$$\nx^{2\n$$"),
        "02-beta.md:5: invalid math $$x^{2$$: unbalanced braces",
    ),
    "top-level-heading": (
        "02-beta.md",
        SECTION_B.replace("### First part", "## First part"),
        "02-beta.md:5: heading 'First part' is level 2",
    ),
    "unknown-value": (
        "02-beta.md",
        SECTION_B.replace("Text under", "Text {{ d_modle }} under"),
        "02-beta.md:7: unknown value {{ d_modle }}; known values: "
        "behavior_sentences, d_embedding, d_ff, d_k, d_model,",
    ),
    "demo-without-sentence": (
        "02-beta.md",
        SECTION_B.replace("[[figure pe-sin-cos-pair]]", "[[demo]]"),
        "02-beta.md:9: [[demo]] needs a 'demo_sentence' key",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_INPUTS))
def test_broken_input_fails_cleanly(case, sample_content, tmp_path, caplog):
    name, text, expected = BROKEN_INPUTS[case]
    out = tmp_path / "site"
    assert run_build(sample_content, out) == 0
    before = tree_bytes(out)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    (sample_content / name).write_bytes(data)

    with caplog.at_level(logging.ERROR, logger="build"):
        status = run_build(sample_content, out)

    assert status == 1
    errors = [
        record.getMessage() for record in caplog.records if record.levelname == "ERROR"
    ]
    assert len(errors) == 1
    assert expected in errors[0]
    assert "\n" not in errors[0]
    assert tree_bytes(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "site"]


def test_empty_content_folder_fails(tmp_path, caplog):
    empty = tmp_path / "empty"
    empty.mkdir()

    with caplog.at_level(logging.ERROR, logger="build"):
        status = run_build(empty, tmp_path / "site")

    assert status == 1
    assert "no .md files found" in caplog.text
    assert not (tmp_path / "site").exists()


def test_missing_esbuild_names_npm_ci(sample_content, tmp_path, monkeypatch):
    entry = tmp_path / "main.js"
    entry.write_text("export const answer = 42;\n")
    monkeypatch.setattr(build, "JS_ENTRY", entry)
    monkeypatch.setattr(build, "ESBUILD", tmp_path / "no-such-esbuild")

    with pytest.raises(build.BuildError, match="npm ci"):
        build.build(sample_content, tmp_path / "site")

    assert not (tmp_path / "site").exists()


def test_esbuild_bundles_entry(sample_content, tmp_path, monkeypatch):
    entry = tmp_path / "js" / "main.js"
    entry.parent.mkdir()
    entry.write_text("const answer = 6 * 7;\ndocument.title = String(answer);\n")
    monkeypatch.setattr(build, "JS_ENTRY", entry)

    build.build(sample_content, tmp_path / "site")

    bundle = (tmp_path / "site" / "assets" / "app.js").read_text()
    assert "42" in bundle
    html = (tmp_path / "site" / "index.html").read_text()
    assert '<script type="module" src="assets/app.js"></script>' in html


DEMO_FORMAT_SCRIPT = """
import { heatLevel, attentionValue, percent } from "./js/format.js";
const values = JSON.parse(process.argv[1]);
const rows = values.map((v) => [heatLevel(v), attentionValue(v), percent(v)]);
console.log(JSON.stringify(rows));
"""


def test_demo_filters_match_js_format():
    """The build-time matrices must print what js/format.js prints live."""
    values = [0.0, 1.0, 0.5, 0.0625, 0.999999, 1e-7, 1.2345678e-9, 0.125, 0.3333333333]
    values += [0.004999999, 0.005, 0.015, 0.0000123456789, 0.9375, 0.93749999]

    result = subprocess.run(
        ["node", "--input-type=module", "-e", DEMO_FORMAT_SCRIPT, json.dumps(values)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )

    expected = json.loads(result.stdout)
    for value, (level, text, percentage) in zip(values, expected, strict=True):
        assert build.demo_format.heat_level(value) == level, value
        assert build.demo_format.attention_value(value) == text, value
        assert build.demo_format.percent(value) == percentage, value


def test_full_article_with_demo(tmp_path):
    """The real content, demo included, builds twice to the same bytes."""
    first, second = tmp_path / "first", tmp_path / "second"
    arguments = ["--content", str(CONTENT)]

    assert build.main([*arguments, "--out", str(first)]) == 0
    assert build.main([*arguments, "--out", str(second)]) == 0

    assert tree_bytes(first) == tree_bytes(second)
    html = (first / "index.html").read_text(encoding="utf-8")
    assert 'class="attention-matrix"' in html
    assert html.index('id="demo"') < html.index('id="positional-encoding"')
    model_files = sorted(path.name for path in (REPO / "model" / "web").iterdir())
    assert sorted(path.name for path in (first / "model").iterdir()) == model_files
    walkthrough = (first / "walkthrough.html").read_text(encoding="utf-8")
    assert 'class="code-listing"' in walkthrough
    assert (first / "assets" / "code.css").is_file()


def test_broken_article_keeps_site(article_content, tmp_path, caplog):
    out = tmp_path / "site"
    assert run_build(article_content, out) == 0
    before = tree_bytes(out)
    target = article_content / "04-scaled-dot-product-attention.md"
    text = target.read_text(encoding="utf-8")
    # Break the second display formula: the error must name its block's line,
    # not the first `$$` of the file.
    formula = "\\mathrm{Var}(q \\cdot k) = \\sum"
    assert text.count(formula) == 1
    formula_line = text.count("\n", 0, text.index(formula)) + 1
    target.write_text(
        text.replace(formula, formula.replace(") =", "} =")), encoding="utf-8"
    )

    with caplog.at_level(logging.ERROR, logger="build"):
        status = run_build(article_content, out)

    assert status == 1
    expected = f"04-scaled-dot-product-attention.md:{formula_line - 1}: invalid math"
    assert expected in caplog.text
    assert "unbalanced braces" in caplog.text
    assert tree_bytes(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["article", "site"]
