"""The code walkthrough: its references, its listings and the page they make.

The listings of the built page are read back and compared with the source
files as they are now. Where each symbol starts and ends is found a second
way, independent of the build's parsers: `inspect` for Python, and for
JavaScript the declaration line found by pattern and its braces counted
over Pygments tokens. Broken references are built from temporary content
and must fail the build with the step's file and line, leaving the previous
site as it was.
"""

import importlib
import inspect
import logging
import re
import shutil
import textwrap
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pygments.lexers import JavascriptLexer
from pygments.styles import get_style_by_name
from pygments.token import Generic, Punctuation, Whitespace

import build
import walkthrough
from walkthrough.highlight import DARK_STYLE, LIGHT_STYLE
from walkthrough.symbols import SymbolError, javascript_symbols, python_symbols

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"

STEP_IDS = [
    "tokenizer",
    "positional-encoding",
    "embedding",
    "attention",
    "encoder-layer",
    "training",
    "export",
    "reference",
    "browser",
]

# References that the walkthrough must quote, by the step that quotes them.
REQUIRED_REFERENCES = {
    "tokenizer": [
        "model/tokenizer.py::Tokenizer.encode",
        "js/tokenizer.js::Tokenizer.encode",
    ],
    "positional-encoding": ["model/positional_encoding.py::positional_encoding"],
    "embedding": ["model/transformer.py::Embedding"],
    "attention": ["model/transformer.py::SelfAttention.call"],
    "training": ["model/train.py::train"],
    "export": ["model/export.py::serving_archive", "model/export.py::export"],
    "reference": [
        "model/reference.py::ReferenceModel.forward",
        "model/reference.py::ReferenceModel._self_attention",
    ],
    "browser": [
        "js/model.js::loadAttentionModel",
        "js/model.js::runModel",
        "js/heatmap.js::drawAttentionMatrix",
    ],
}


# Reading the built page back.


@dataclass
class Listing:
    """One quoted symbol as the page shows it."""

    attrs: dict[str, str]
    step: str
    caption: str = ""
    numbers: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return f"{self.attrs['data-path']}::{self.attrs['data-symbol']}"


class WalkthroughPage(HTMLParser):
    """Collect the steps, the listings and their lines, links and ids."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[str] = []
        self.listings: list[Listing] = []
        self.links: list[str] = []
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.ids: list[str] = []
        self.toc_links: list[str] = []
        self._in_toc = False
        self._stack: list[str] = []
        self._target: str | None = None
        self._target_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "nav" and "toc" in classes:
            self._in_toc = True
        elif tag == "section":
            self.steps.append(attributes.get("id", ""))
        elif tag == "figure" and "code-listing" in classes:
            self.listings.append(Listing(attributes, self.steps[-1]))
        elif tag == "a":
            self.links.append(attributes.get("href", ""))
            if self._in_toc:
                self.toc_links.append(attributes.get("href", ""))
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])
        elif tag == "script":
            self.scripts.append(attributes.get("src", ""))

        if tag == "span" and self._target is not None:
            self._target_depth += 1
        elif tag == "span" and "code-number" in classes:
            self._begin("number")
        elif tag == "span" and "code-text" in classes:
            self._begin("text")
            self.listings[-1].lines.append("")
        elif tag == "figcaption" and self.listings:
            self._begin("caption")

    def _begin(self, target: str) -> None:
        self._target = target
        self._target_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_toc = False
        if self._target is not None and tag in ("span", "figcaption"):
            self._target_depth -= 1
            if self._target_depth == 0:
                self._target = None

    def handle_data(self, data: str) -> None:
        if self._target == "number":
            self.listings[-1].numbers.append(data)
        elif self._target == "text":
            self.listings[-1].lines[-1] += data
        elif self._target == "caption":
            self.listings[-1].caption += data


def read_page(html: str) -> WalkthroughPage:
    parser = WalkthroughPage()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def html(built_site: Path) -> str:
    return (built_site / "walkthrough.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html: str) -> WalkthroughPage:
    return read_page(html)


# Finding each symbol a second way.


def python_span(path: str, symbol: str) -> tuple[int, int]:
    """Return the first and last line of a Python symbol, found by `inspect`."""
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    target = module
    for name in symbol.split("."):
        target = inspect.unwrap(getattr(target, name))
    lines, first = inspect.getsourcelines(target)
    return first, first + len(lines) - 1


def javascript_span(path: str, symbol: str) -> tuple[int, int]:
    """Return the first and last line of a JS function, class or method.

    The declaration's line is found by pattern, and its end by counting
    brackets over Pygments' tokens, which skip strings, comments and regular
    expressions.
    """
    source = (REPO / path).read_text(encoding="utf-8")
    lines = source.split("\n")
    *owners, name = symbol.split(".")
    first_line = 1
    if owners:
        first_line, _ = javascript_span(path, ".".join(owners))
        pattern = (
            rf"\s+(static\s+)?(async\s+)?(get\s+|set\s+)?\*?{re.escape(name)}\s*\("
        )
    else:
        pattern = (
            r"(export\s+)?(default\s+)?(async\s+)?"
            rf"(function\*?|class)\s+{re.escape(name)}\b"
        )
    start = next(
        index
        for index in range(first_line - 1, len(lines))
        if re.match(pattern, lines[index])
    )

    offset = sum(len(line) + 1 for line in lines[:start])
    depth = 0
    lexer = JavascriptLexer(stripnl=False)
    for position, token, value in lexer.get_tokens_unprocessed(source[offset:]):
        if token not in Punctuation:
            continue
        depth += value.count("(") + value.count("[") + value.count("{")
        depth -= value.count(")") + value.count("]")
        if "}" in value:
            depth -= value.count("}")
            if depth == 0:
                end = source.count("\n", 0, offset + position) + 1
                return start + 1, end
    raise AssertionError(f"no closing brace for {symbol} in {path}")


def source_span(reference: str) -> tuple[int, int]:
    path, symbol = reference.split("::")
    if path.endswith(".py"):
        return python_span(path, symbol)
    return javascript_span(path, symbol)


# The built page.


def test_steps_in_order_with_contents(page):
    assert page.steps == STEP_IDS
    assert page.toc_links == [f"#{step}" for step in STEP_IDS]


def test_required_symbols_quoted(page):
    for step, references in REQUIRED_REFERENCES.items():
        quoted = [
            listing.reference for listing in page.listings if listing.step == step
        ]
        for reference in references:
            assert reference in quoted, (step, reference)


def test_tokenizers_side_by_side(html):
    pair = re.search(
        r'<div class="code-pair">(.*?)</div>\s*</figure>\s*</div>', html, re.S
    )

    assert pair is not None
    paths = re.findall(r'data-path="([^"]+)"', pair.group(1))
    assert paths == ["model/tokenizer.py", "js/tokenizer.js"]


def test_listings_equal_current_source(page):
    assert len(page.listings) >= 14
    for listing in page.listings:
        path = REPO / listing.attrs["data-path"]
        file_lines = path.read_text(encoding="utf-8").split("\n")
        first = int(listing.attrs["data-first-line"])
        last = int(listing.attrs["data-last-line"])
        expected = textwrap.dedent("\n".join(file_lines[first - 1 : last]))

        displayed_text = "".join(unescape(line) for line in listing.lines)

        assert displayed_text == expected + "\n", listing.reference


def test_line_numbers_match_source(page):
    for listing in page.listings:
        first = int(listing.attrs["data-first-line"])
        last = int(listing.attrs["data-last-line"])

        assert listing.numbers == [str(n) for n in range(first, last + 1)]
        assert len(listing.lines) == last - first + 1, listing.reference
        assert f"lines {first}\u2013{last}" in listing.caption, listing.reference


def test_listings_span_whole_symbol(page):
    for listing in page.listings:
        first = int(listing.attrs["data-first-line"])
        last = int(listing.attrs["data-last-line"])

        assert (first, last) == source_span(listing.reference), listing.reference


def test_captions_name_file_and_symbol(page):
    for listing in page.listings:
        caption = listing.caption
        is_python = listing.attrs["data-path"].endswith(".py")
        language = "Python" if is_python else "JavaScript"

        assert caption.startswith(language), caption
        assert listing.attrs["data-path"] in caption
        assert listing.attrs["data-symbol"] in caption


def test_page_links_back_to_article(page, built_site):
    assert "index.html" in page.links
    assert "index.html#next-steps" in page.links
    assert (built_site / "index.html").is_file()


def test_step_prose_links_resolve(page, built_site):
    article = read_page((built_site / "index.html").read_text(encoding="utf-8"))

    anchors = [link for link in page.links if link.startswith("index.html#")]
    assert len(anchors) >= 9
    for link in anchors:
        assert link.split("#", 1)[1] in article.ids, link


def test_ids_unique(page):
    assert len(page.ids) == len(set(page.ids))


def test_headings_have_anchors(html):
    for step in STEP_IDS:
        assert f'<a class="heading-anchor" href="#{step}"' in html, step


def test_code_stylesheet_and_no_script(page, html, built_site):
    assert page.stylesheets == ["assets/style.css", "assets/code.css"]
    assert page.scripts == []
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    css = (built_site / "assets" / "code.css").read_text(encoding="utf-8")
    assert css.startswith(
        (REPO / "site_templates" / "code.css").read_text(encoding="utf-8")
    )
    assert ".highlight .k {" in css


def test_code_stylesheet_separates_schemes():
    css = walkthrough.code_stylesheet("")
    light, dark = css.split("@media screen and (prefers-color-scheme: dark)")

    assert "@media print, (prefers-color-scheme: light)" in light
    assert "#f8f8f8" in light
    assert "#0d1117" in dark
    assert "#0d1117" not in light
    # Only rules scoped to the listings: Pygments' global `pre` rule is left out.
    for line in css.splitlines():
        if "{" in line and not line.startswith("@media"):
            assert line.strip().startswith(".highlight"), line


def relative_luminance(color: str) -> float:
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(channel * 2 for channel in color)
    channels = [int(color[index : index + 2], 16) / 255 for index in (0, 2, 4)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("style_name", [LIGHT_STYLE, DARK_STYLE])
def test_syntax_colors_have_contrast(style_name):
    style = get_style_by_name(style_name)
    background = style.background_color
    low = []
    for token, definition in style:
        # Whitespace tokens show no glyphs, and Generic tokens are for diffs and
        # console sessions, which the Python and JavaScript lexers never emit.
        if token in Whitespace or token in Generic or not definition["color"]:
            continue
        colors = sorted(
            [
                relative_luminance(definition["color"]),
                relative_luminance(definition["bgcolor"] or background),
            ]
        )
        ratio = (colors[1] + 0.05) / (colors[0] + 0.05)
        if ratio < 4.5:
            low.append(f"{token}: {ratio:.2f}")
    assert low == []


# Symbols and references, without a build.


PYTHON_SOURCE = """\
import functools

LIMIT = 3


@functools.cache
@staticmethod
def cached(x):
    local = 1
    return x + local


class Model:
    size: int = 2

    @property
    def width(self):
        return 1

    def forward(self):
        def inner():
            return 0

        return inner()
"""

JAVASCRIPT_SOURCE = """\
import { format } from "./format.js";

export const LIMIT = 3;
const a = 1,
  b = 2;

/** Doubles. */
export async function double(x) {
  return `${x * 2}`;
}

export class Model {
  #ids;

  constructor() {
    this.#ids = new Map();
  }

  static fromJSON(obj) {
    return new Model(obj);
  }

  #privateStep() {
    return /}/.test("}");
  }
}
"""


def spans(symbols) -> dict[str, tuple[int, int]]:
    return {span.name: (span.first_line, span.last_line) for span in symbols}


def test_python_symbols_start_at_first_decorator():
    table = spans(python_symbols(PYTHON_SOURCE, "example.py"))

    assert table == {
        "LIMIT": (3, 3),
        "cached": (6, 10),
        "Model": (13, 24),
        "Model.size": (14, 14),
        "Model.width": (16, 18),
        "Model.forward": (20, 24),
        "Model.forward.inner": (21, 22),
    }


def test_javascript_symbols_include_export_and_members():
    table = spans(javascript_symbols(JAVASCRIPT_SOURCE, "example.js"))

    assert table == {
        "LIMIT": (3, 3),
        "a": (4, 4),
        "b": (5, 5),
        "double": (8, 10),
        "Model": (12, 26),
        "Model.#ids": (13, 13),
        "Model.constructor": (15, 17),
        "Model.fromJSON": (19, 21),
        "Model.#privateStep": (23, 25),
    }


def test_javascript_syntax_error_names_line():
    with pytest.raises(SymbolError, match=r"example\.js .*line 2"):
        javascript_symbols("const a = 1;\nconst = 2;\n", "example.js")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("model/reference.py", "expected PATH::SYMBOL"),
        ("model/reference.py::", "expected PATH::SYMBOL"),
        ("../build.py::main", "no '..'"),
        ("/etc/passwd.py::x", "relative to the project root"),
        ("model/web/model.json::x", "only .js and .py files"),
    ],
)
def test_invalid_references_rejected(text, message):
    with pytest.raises(walkthrough.QuoteError, match=re.escape(message)):
        walkthrough.parse_reference(text)


@pytest.fixture
def source_root(tmp_path: Path) -> Path:
    root = tmp_path / "source"
    root.mkdir()
    (root / "example.py").write_text(PYTHON_SOURCE, encoding="utf-8")
    (root / "example.js").write_text(JAVASCRIPT_SOURCE, encoding="utf-8")
    return root


def test_quote_returns_file_lines(source_root):
    quoter = walkthrough.SourceQuoter(source_root)

    quote = quoter.quote(walkthrough.parse_reference("example.py::Model.forward"))

    assert quote.first_line == 20
    assert quote.last_line == 24
    assert quote.lines == tuple(PYTHON_SOURCE.split("\n")[19:24])
    assert quote.text.startswith("def forward(self):\n    def inner():")


def test_highlighted_lines_keep_text(source_root):
    quoter = walkthrough.SourceQuoter(source_root)
    quote = quoter.quote(walkthrough.parse_reference("example.js::Model"))

    lines = walkthrough.highlight_lines(quote)

    assert len(lines) == len(quote.lines)
    text = "".join(unescape(re.sub(r"<[^>]+>", "", line)) + "\n" for line in lines)
    assert text == quote.text
    assert 'class="k' in lines[0]
    assert "style=" not in "".join(lines)


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("missing.py::f", "file missing.py not found"),
        ("example.py::cache", "did you mean cached?"),
        ("example.py::Model.foward", "did you mean Model.forward?"),
        (
            "example.py::Model.backward",
            "Model contains Model.size, Model.width, Model.forward.",
        ),
        ("example.py::limit", "the file contains LIMIT, cached, Model."),
        (
            "example.py::Other.forward",
            "'Other' is not defined there either. Did you mean Model.forward?",
        ),
        ("example.js::Model.privateStep", "did you mean Model.#privateStep?"),
    ],
)
def test_broken_reference_names_fix(source_root, reference, message):
    quoter = walkthrough.SourceQuoter(source_root)

    with pytest.raises(walkthrough.QuoteError) as raised:
        quoter.quote(walkthrough.parse_reference(reference))

    assert message in str(raised.value)
    assert reference in str(raised.value)


def test_duplicate_symbol_is_ambiguous(source_root):
    (source_root / "twice.py").write_text(
        "def f():\n    pass\n\n\ndef f():\n    pass\n"
    )
    quoter = walkthrough.SourceQuoter(source_root)

    with pytest.raises(
        walkthrough.QuoteError, match=r"defines 'f' 2 times \(lines 1, 5\)"
    ):
        quoter.quote(walkthrough.parse_reference("twice.py::f"))


# Builds with broken steps.


ARTICLE_SECTION = """\
---
title: Alpha
id: alpha
---
See the [code walkthrough](walkthrough.html).
"""

STEP = """\
---
title: Positions
id: positions
---
The table of positions.

[[code model/positional_encoding.py::positional_encoding]]

And the layer that adds it.

[[code model/transformer.py::Embedding.call]]
"""

BROWSER_STEP = """\
---
title: Browser
id: browser
---
Drawing a matrix.

[[code js/heatmap.js::drawAttentionMatrix]]
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    (folder / "walkthrough").mkdir(parents=True)
    (folder / "01-alpha.md").write_text(ARTICLE_SECTION, encoding="utf-8")
    (folder / "walkthrough" / "01-positions.md").write_text(STEP, encoding="utf-8")
    (folder / "walkthrough" / "02-browser.md").write_text(
        BROWSER_STEP, encoding="utf-8"
    )
    return folder


def run_build(content: Path, out: Path) -> int:
    return build.main(["--content", str(content), "--out", str(out), "--skip-js"])


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_walkthrough_built_from_steps(content, tmp_path):
    out = tmp_path / "site"

    assert run_build(content, out) == 0

    page = read_page((out / "walkthrough.html").read_text(encoding="utf-8"))
    assert page.steps == ["positions", "browser"]
    assert [listing.reference for listing in page.listings] == [
        "model/positional_encoding.py::positional_encoding",
        "model/transformer.py::Embedding.call",
        "js/heatmap.js::drawAttentionMatrix",
    ]
    assert (out / "assets" / "code.css").is_file()


def test_no_walkthrough_folder_no_page(content, tmp_path):
    shutil.rmtree(content / "walkthrough")
    out = tmp_path / "site"

    assert run_build(content, out) == 0

    assert not (out / "walkthrough.html").exists()
    assert not (out / "assets" / "code.css").exists()
    assert (out / "index.html").exists()


BROKEN_STEPS = {
    "missing-file": (
        "01-positions.md",
        STEP.replace("model/positional_encoding.py", "model/positions.py"),
        "walkthrough/01-positions.md:7: code reference "
        "model/positions.py::positional_encoding is broken: file model/positions.py "
        "not found",
    ),
    "missing-python-symbol": (
        "01-positions.md",
        STEP.replace("::positional_encoding", "::sinusoid_table"),
        "walkthrough/01-positions.md:7: code reference "
        "model/positional_encoding.py::sinusoid_table is broken: "
        "model/positional_encoding.py has no function, class, method or variable "
        "'sinusoid_table'",
    ),
    "missing-method": (
        "01-positions.md",
        STEP.replace("Embedding.call", "Embedding.forward"),
        "walkthrough/01-positions.md:11: code reference "
        "model/transformer.py::Embedding.forward is broken: model/transformer.py has "
        "no function, class, method or variable 'Embedding.forward'",
    ),
    "missing-js-symbol": (
        "02-browser.md",
        BROWSER_STEP.replace("drawAttentionMatrix", "paintAttentionMatrix"),
        "walkthrough/02-browser.md:7: code reference "
        "js/heatmap.js::paintAttentionMatrix is broken: js/heatmap.js has no "
        "function, class, method or variable 'paintAttentionMatrix'; did you mean "
        "drawAttentionMatrix",
    ),
    "invalid-reference": (
        "02-browser.md",
        BROWSER_STEP.replace("js/heatmap.js::", "js/heatmap.js:"),
        "walkthrough/02-browser.md:7: invalid code reference "
        "'js/heatmap.js:drawAttentionMatrix'; expected PATH::SYMBOL",
    ),
    "three-references": (
        "02-browser.md",
        BROWSER_STEP.replace(
            "drawAttentionMatrix]]",
            "drawAttentionMatrix js/model.js::runModel js/tokenizer.js::Tokenizer]]",
        ),
        "walkthrough/02-browser.md:7: [[code]] takes one or two references, got 3",
    ),
    "demo-in-walkthrough": (
        "02-browser.md",
        BROWSER_STEP.replace("[[code js/heatmap.js::drawAttentionMatrix]]", "[[demo]]"),
        "walkthrough/02-browser.md:7: [[demo]] works only in the article's sections",
    ),
    "code-in-article": (
        "01-alpha.md",
        ARTICLE_SECTION + "\n[[code model/train.py::train]]\n",
        "content/01-alpha.md:7: [[code model/train.py::train]]: code listings belong "
        "in the walkthrough's steps",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_STEPS))
def test_broken_step_fails_and_keeps_site(case, content, tmp_path, caplog):
    name, text, expected = BROKEN_STEPS[case]
    out = tmp_path / "site"
    assert run_build(content, out) == 0
    before = tree_bytes(out)
    folder = content if name == "01-alpha.md" else content / "walkthrough"
    (folder / name).write_text(text, encoding="utf-8")

    with caplog.at_level(logging.ERROR, logger="build"):
        status = run_build(content, out)

    assert status == 1
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert expected in errors[0]
    assert "\n" not in errors[0]
    assert tree_bytes(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "site"]


def test_renamed_js_function_fails_build(content, tmp_path, monkeypatch, caplog):
    """A rename in the JS source, with the step unchanged, stops the build."""
    source = tmp_path / "source"
    for path in (
        "model/positional_encoding.py",
        "model/transformer.py",
        "js/heatmap.js",
    ):
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / path, source / path)
    monkeypatch.setattr(build, "SOURCE_ROOT", source)
    out = tmp_path / "site"
    assert run_build(content, out) == 0
    before = tree_bytes(out)
    heatmap = source / "js" / "heatmap.js"
    code = heatmap.read_text(encoding="utf-8")
    heatmap.write_text(
        code.replace("function drawAttentionMatrix(", "function drawHeadMatrix("),
        encoding="utf-8",
    )

    with caplog.at_level(logging.ERROR, logger="build"):
        status = run_build(content, out)

    assert status == 1
    assert (
        "walkthrough/02-browser.md:7: code reference "
        "js/heatmap.js::drawAttentionMatrix is broken" in caplog.text
    )
    assert "Update the reference to the symbol's current name" in caplog.text
    assert tree_bytes(out) == before


def test_changed_source_changes_listing(content, tmp_path, monkeypatch):
    """The page quotes the source as it is at build time, not a stored copy."""
    source = tmp_path / "source"
    for path in (
        "model/positional_encoding.py",
        "model/transformer.py",
        "js/heatmap.js",
    ):
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / path, source / path)
    monkeypatch.setattr(build, "SOURCE_ROOT", source)
    encoding = source / "model" / "positional_encoding.py"
    text = encoding.read_text(encoding="utf-8")
    encoding.write_text("# A new first line.\n" + text, encoding="utf-8")
    out = tmp_path / "site"

    assert run_build(content, out) == 0

    page = read_page((out / "walkthrough.html").read_text(encoding="utf-8"))
    listing = page.listings[0]
    original_first = python_span("model/positional_encoding.py", "positional_encoding")[
        0
    ]
    assert listing.attrs["data-first-line"] == str(original_first + 1)
    assert listing.numbers[0] == str(original_first + 1)


# Browser checks: a phone's width, both color schemes, print.

READ_LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const node of document.querySelectorAll(
      "main p, main li, h1, h2, h3, figcaption, .code-scroll")) {
    const box = node.getBoundingClientRect();
    if (box.right > width + 0.5 || box.left < -0.5) {
      wide.push(node.className || node.textContent.slice(0, 60));
    }
  }
  const scrolling = [...document.querySelectorAll(".code-scroll")].filter(
    (box) => box.scrollWidth > box.clientWidth).length;
  return {scrollWidth: document.documentElement.scrollWidth, width, wide, scrolling};
}"""


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_narrow_screen_scrolls_code_not_page(browser, site_url, color_scheme):
    context = browser.new_context(
        viewport={"width": 360, "height": 800}, color_scheme=color_scheme
    )
    page = context.new_page()
    page.goto(site_url + "walkthrough.html")

    layout = page.evaluate(READ_LAYOUT)

    assert layout["width"] == 360
    assert layout["scrollWidth"] <= 360
    assert layout["wide"] == []
    assert layout["scrolling"] > 0
    context.close()


def test_wide_screen_shows_pair_side_by_side(browser, site_url):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(site_url + "walkthrough.html")

    boxes = page.eval_on_selector(
        ".code-pair",
        """(pair) => [...pair.querySelectorAll(".code-listing")].map(
          (node) => node.getBoundingClientRect().toJSON())""",
    )

    assert len(boxes) == 2
    assert boxes[0]["top"] == boxes[1]["top"]
    assert boxes[0]["right"] <= boxes[1]["left"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    context.close()


def code_colors(page) -> dict[str, str]:
    return page.evaluate(
        """() => {
          const box = document.querySelector(".code-scroll");
          const keyword = box.querySelector(".k");
          return {
            background: getComputedStyle(box).backgroundColor,
            keyword: getComputedStyle(keyword).color,
            number: getComputedStyle(box.querySelector(".code-number")).color,
          };
        }"""
    )


def test_dark_scheme_recolors_code(browser, site_url):
    colors = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(site_url + "walkthrough.html")
        colors[scheme] = code_colors(page)
        context.close()

    assert colors["light"]["background"] == "rgb(248, 248, 248)"
    assert colors["dark"]["background"] == "rgb(13, 17, 23)"
    for key in ("keyword", "number"):
        assert colors["light"][key] != colors["dark"][key], key


def test_print_is_light_and_wraps_code(browser, site_url):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site_url + "walkthrough.html")
    page.emulate_media(media="print")

    colors = code_colors(page)
    layout = page.evaluate(
        """() => ({
          white: getComputedStyle(document.querySelector(".code-text")).whiteSpace,
          overflow: getComputedStyle(document.querySelector(".code-scroll")).overflowX,
          hidden: [...document.querySelectorAll(".page-return, .heading-anchor")]
            .map((node) => getComputedStyle(node).display),
        })"""
    )

    assert colors["background"] == "rgb(248, 248, 248)"
    assert layout["white"] == "pre-wrap"
    assert layout["overflow"] == "visible"
    assert set(layout["hidden"]) == {"none"}
    context.close()


def test_code_copies_without_line_numbers(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "walkthrough.html")

    copied = page.evaluate(
        """() => {
          const code = document.querySelector(".code-scroll pre");
          const range = document.createRange();
          range.selectNodeContents(code);
          const selection = getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          return selection.toString();
        }"""
    )

    first_line = copied.split("\n")[0]
    assert first_line.startswith("def encode(self, text: str)"), first_line
    context.close()
