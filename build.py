"""Build the article "Understanding Transformer Attention" as a static site.

Usage: python build.py [--out DIR] [--content DIR] [--skip-js] [--verbose]

Reads the sections from content/*.md in file-name order, renders them through
the Jinja2 templates in site_templates/, and writes index.html, 404.html,
.nojekyll, assets/style.css, assets/app.js (bundled from js/main.js by
esbuild), assets/pe-explorer.json and model/ (a copy of model/web/). When the
content folder has a walkthrough/ folder, its steps become walkthrough.html,
the code walkthrough, styled by assets/code.css. The
exported model in model/web/ is loaded once per build, and the figures, the
`{{ name }}` numbers in the text and the demo's build-time matrices all come
from it. The site is written into a temporary folder beside the output folder
and swapped into place only when every step has succeeded, so a failed build
leaves the previous output untouched. Two builds of the same inputs give
byte-identical files: nothing depends on the time, the order of directory
listings or the temporary folder's name.

Each content file starts with front matter between two `---` lines:

    ---
    title: Positional Encoding
    id: positional-encoding
    demo_sentence: The cat sat on the mat.
    ---

`title` and `id` are required, `demo_sentence` is optional and feeds `[[demo]]`.
The body is Markdown with `$...$` and `$$...$$` math, `[[figure NAME]]` and
`[[demo]]` paragraphs, and `{{ name }}` for a number of the model (see
`model_values`), replaced anywhere in the body, code and math included.

The walkthrough's steps, content/walkthrough/*.md, have the same front matter
and Markdown, without `[[demo]]`. A paragraph `[[code PATH::SYMBOL]]` quotes
the current source of a function, class, method or variable, e.g.
`[[code model/reference.py::ReferenceModel.forward]]`, with its file's line
numbers; two references in one paragraph are shown side by side. A reference
to a file or symbol that no longer exists fails the build.
"""

import argparse
import json
import logging
import math
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markdown
import numpy as np
from markupsafe import Markup

import demo_format
import figures
import walkthrough
from markdown_extensions import ArticleExtension, MarkdownSourceError, slugify
from model.inspect import inspect_sentence, load_model
from model.positional_encoding import explorer_data, positional_encoding
from model.reference import ModelFileError, ReferenceModel

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent
CONTENT_DIR = ROOT / "content"
# The walkthrough's steps, as a folder inside the content folder.
WALKTHROUGH_DIR_NAME = "walkthrough"
# Code references in the walkthrough are paths below this folder.
SOURCE_ROOT = ROOT
TEMPLATES_DIR = ROOT / "site_templates"
JS_ENTRY = ROOT / "js" / "main.js"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
BUNDLER = ROOT / "js" / "bundle.mjs"
MODEL_EXPORT_DIR = ROOT / "model" / "web"
PE_EXPLORER_POSITIONS = 64
PE_EXPLORER_MAX_OFFSET = 32

SITE = {
    "title": "Understanding Transformer Attention",
    "subtitle": (
        "A deep look at the architecture of \u201cAttention Is All You Need\u201d, "
        "with live TensorFlow.js computations"
    ),
    "description": (
        "An interactive explanation of Transformer attention: positional "
        "encoding, embeddings, scaled dot-product and multi-head attention, "
        "with live attention matrices computed by TensorFlow.js."
    ),
}

WALKTHROUGH = {
    "title": "Code Walkthrough",
    "subtitle": (
        "The code behind the article, step by step, from the tokenizer to the "
        "attention matrices drawn in your browser"
    ),
    "description": (
        "A walkthrough of the code behind Understanding Transformer Attention: "
        "tokenizer, positional encoding, Keras model, training, TensorFlow.js "
        "export, NumPy reference and browser code, quoted from the source."
    ),
}

REQUIRED_KEYS = ("title", "id")
OPTIONAL_KEYS = ("demo_sentence",)
SECTION_ID_RE = re.compile(r"[a-z][a-z0-9-]*\Z")
FRONT_MATTER_LINE_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):[ \t]*(.*)\Z")
# Ids that the page templates use themselves.
RESERVED_IDS = frozenset({"main", "contents", "contents-heading", "top"})

MARKDOWN_EXTENSIONS = ("tables", "fenced_code", "attr_list", "sane_lists")


class BuildError(Exception):
    """A build failure in one input file, with its 1-based line if known."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        location = display_path(self.path)
        if self.line is not None:
            location = f"{location}:{self.line}"
        return f"{location}: {self.message}"


@dataclass(frozen=True)
class Section:
    """One content file: its front matter and Markdown body."""

    path: Path
    title: str
    section_id: str
    demo_sentence: str | None
    body: str
    # 1-based line of the file where `body` starts, to report errors by file line.
    body_line: int


@dataclass(frozen=True)
class RenderedSection:
    """A section whose Markdown body has been converted to HTML."""

    title: str
    id: str
    html: Markup


def display_path(path: Path) -> str:
    """Return `path` relative to the working directory when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_utf8(path: Path) -> str:
    """Read a text file as strict UTF-8, raising BuildError at the first bad byte."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BuildError(
            path,
            line,
            f"file is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); save it as UTF-8",
        ) from error
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def parse_front_matter(path: Path, text: str) -> Section:
    """Split a content file into its front matter and body, validating every key.

    The parser is strict on purpose: an unknown or repeated key, a line that is
    not `key: value`, an empty value or a missing closing `---` fails the build.
    """
    lines = text.split("\n")
    expected = (
        "the file must start with '---', then 'title: ...' and 'id: ...' lines, "
        "then '---'"
    )
    if not lines or lines[0].rstrip() != "---":
        raise BuildError(path, 1, f"missing front matter: {expected}")

    values: dict[str, str] = {}
    value_lines: dict[str, int] = {}
    allowed = REQUIRED_KEYS + OPTIONAL_KEYS
    closing_index = None
    # A final newline leaves an empty string after the last line; skip it.
    line_count = len(lines) - 1 if text.endswith("\n") else len(lines)
    for index in range(1, line_count):
        line_number = index + 1
        raw = lines[index].rstrip()
        if raw == "---":
            closing_index = index
            break
        if not raw:
            raise BuildError(
                path,
                line_number,
                "blank line inside the front matter; end it with a '---' line",
            )

        match = FRONT_MATTER_LINE_RE.fullmatch(raw)
        if match is None:
            raise BuildError(
                path,
                line_number,
                f"invalid front matter line {raw!r}; expected 'key: value'",
            )
        key, value = match.group(1), match.group(2).strip()
        if key not in allowed:
            raise BuildError(
                path,
                line_number,
                f"unknown front matter key '{key}'; allowed keys: "
                f"{', '.join(sorted(allowed))}",
            )
        if key in values:
            raise BuildError(
                path,
                line_number,
                f"front matter key '{key}' is repeated "
                f"(first on line {value_lines[key]})",
            )
        if not value:
            raise BuildError(
                path, line_number, f"front matter key '{key}' has an empty value"
            )
        values[key] = value
        value_lines[key] = line_number

    if closing_index is None:
        raise BuildError(
            path, 1, "front matter is never closed; add a line '---' after the keys"
        )
    for key in REQUIRED_KEYS:
        if key not in values:
            raise BuildError(
                path, closing_index + 1, f"missing front matter key '{key}'; {expected}"
            )
    section_id = values["id"]
    if not SECTION_ID_RE.fullmatch(section_id):
        raise BuildError(
            path,
            value_lines["id"],
            f"invalid id {section_id!r}; use a lower-case letter followed by "
            "lower-case letters, digits and hyphens",
        )

    return Section(
        path=path,
        title=values["title"],
        section_id=section_id,
        demo_sentence=values.get("demo_sentence"),
        body="\n".join(lines[closing_index + 1 :]),
        body_line=closing_index + 2,
    )


def load_sections(content_dir: Path) -> list[Section]:
    """Read every content/*.md file in file-name order, checking ids are unique."""
    paths = sorted(content_dir.glob("*.md"), key=lambda path: path.name)
    if not paths:
        raise BuildError(
            content_dir, None, "no .md files found; add one file per section"
        )

    sections: list[Section] = []
    first_use: dict[str, Path] = {}
    for path in paths:
        section = parse_front_matter(path, read_utf8(path))
        if section.section_id in RESERVED_IDS:
            raise BuildError(
                path,
                None,
                f"id '{section.section_id}' is used by the page template; "
                "choose another",
            )
        if section.section_id in first_use:
            raise BuildError(
                path,
                None,
                f"id '{section.section_id}' is already used by "
                f"{first_use[section.section_id].name}",
            )
        first_use[section.section_id] = path
        logger.debug(
            "read %s: id %s, %d characters",
            path.name,
            section.section_id,
            len(section.body),
        )
        sections.append(section)
    return sections


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Create the Jinja2 environment: autoescaping, errors on undefined names,
    and the number filters that demo.html shares with js/format.js."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(demo_format.FILTERS)
    return env


def claim_id(base: str, used_ids: set[str]) -> str:
    """Return `base`, or `base-2` and so on if taken, and mark it as used."""
    element_id = base
    count = 2
    while element_id in used_ids:
        element_id = f"{base}-{count}"
        count += 1
    used_ids.add(element_id)
    return element_id


def make_figure_renderer(
    env: jinja2.Environment, used_ids: set[str], model: ReferenceModel
) -> Callable[[str], str]:
    """Return a function that renders a named figure into `figure.html`.

    Each figure gets the id `figure-NAME`, or `figure-NAME-2` and so on when a
    figure appears more than once, so the SVG title ids stay unique.
    """
    template = env.get_template("figure.html")

    def render(name: str) -> str:
        figure_id = claim_id(f"figure-{name}", used_ids)
        figure = figures.render_figure(name, figure_id, model)
        logger.debug("rendered figure %s (%d bytes)", figure_id, len(figure.body))
        return template.render(figure=figure)

    return render


def make_demo_renderer(env: jinja2.Environment, section: Section) -> Callable[[], str]:
    """Return a function that renders `demo.html` for the section's demo sentence."""

    def render() -> str:
        line = None
        if section.demo_sentence is None:
            raise MarkdownSourceError(
                line, "[[demo]] needs a 'demo_sentence' key in the front matter"
            )
        try:
            demo = inspect_sentence(section.demo_sentence)
        except (ModelFileError, OSError, ValueError, KeyError) as error:
            raise MarkdownSourceError(
                line, f"inspect_sentence({section.demo_sentence!r}) failed: {error}"
            ) from error
        try:
            template = env.get_template("demo.html")
        except jinja2.TemplateNotFound as error:
            raise MarkdownSourceError(
                line, f"[[demo]] needs the template site_templates/{error.name}"
            ) from error
        logger.debug("rendered demo for %r", section.demo_sentence)
        return template.render(demo=demo)

    return render


def reject_demo() -> str:
    """Stand in for the demo renderer on the walkthrough, which loads no script."""
    raise MarkdownSourceError(
        None,
        "[[demo]] works only in the article's sections, because the walkthrough "
        "page loads no script",
    )


def make_code_renderer(
    env: jinja2.Environment, used_ids: set[str], quoter: walkthrough.SourceQuoter
) -> Callable[[list[str]], str]:
    """Return a function that renders a `[[code ...]]` directive's references.

    Each listing gets the id `code-PATH-SYMBOL` as a slug, made unique like
    the figures' ids, so a reader can link to it.
    """
    template = env.get_template("code_listing.html")
    usage = "[[code PATH::SYMBOL]], or [[code PATH::SYMBOL PATH::SYMBOL]] for a pair"

    def render(words: list[str]) -> str:
        if not 1 <= len(words) <= 2:
            raise MarkdownSourceError(
                None,
                f"[[code]] takes one or two references, got {len(words)}; "
                f"expected {usage}",
            )
        listings = []
        for word in words:
            try:
                quote = quoter.quote(walkthrough.parse_reference(word))
            except walkthrough.QuoteError as error:
                raise MarkdownSourceError(None, str(error)) from error
            listings.append(code_listing(quote, used_ids))
            logger.debug(
                "quoted %s, lines %d-%d", word, quote.first_line, quote.last_line
            )
        # Python-Markdown puts stashed HTML in place of its <p> only when the
        # HTML starts with a block-level tag, so leading white space must go.
        return template.render(listings=listings).strip()

    return render


def code_listing(quote: walkthrough.Quote, used_ids: set[str]) -> dict:
    """Return what `code_listing.html` shows of one quote."""
    reference = quote.reference
    base = f"code-{slugify(reference.path)}-{slugify(reference.symbol)}"
    lines = [
        {"number": quote.first_line + index, "html": Markup(html)}
        for index, html in enumerate(walkthrough.highlight_lines(quote))
    ]
    return {
        "id": claim_id(base, used_ids),
        "path": reference.path,
        "symbol": reference.symbol,
        "language": quote.language,
        "first_line": quote.first_line,
        "last_line": quote.last_line,
        "lines": lines,
    }


def round_significant(value: float, digits: int) -> float:
    """Round a positive number to `digits` significant digits."""
    return round(value, digits - 1 - math.floor(math.log10(value)))


def percent_floor(rate: float) -> str:
    """Format a rate in [0, 1] as a percentage rounded down to one decimal.

    Rounding down keeps 0.9997 from reading as a perfect "100%".
    """
    tenths = math.floor(rate * 1000 + 1e-9)
    return f"{tenths / 10:g}%"


def behavior_values(path: Path) -> dict[str, str]:
    """Return the `{{ name }}` values that quote the heads' measured behavior.

    `path` is the behavior.json that `python -m model.measure` writes beside
    the exported model: how often the best previous-token head and the best
    pronoun head put their largest weight on the expected token, over
    `sentences` held-out sentences per relation.
    """
    fix = "re-export the model with `make model`, which runs model.measure"
    try:
        behavior = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BuildError(path, None, f"file not found; {fix}") from error
    except (OSError, ValueError) as error:
        raise BuildError(path, None, f"failed to read it: {error}; {fix}") from error

    values = {}
    try:
        values["behavior_sentences"] = f"{int(behavior['sentences']):,}"
        for relation in ("previous_token", "pronoun"):
            best = behavior[f"best_{relation}_head"]
            values[f"{relation}_head"] = (
                f"head {int(best['head'])} of layer {int(best['layer'])}"
            )
            values[f"{relation}_rate"] = percent_floor(float(best["rate"]))
    except (KeyError, TypeError, ValueError) as error:
        raise BuildError(
            path, None, f"missing or invalid entry {error}; {fix}"
        ) from error
    return values


def model_values(model: ReferenceModel) -> dict[str, str]:
    """Return the numbers that the article's text names as `{{ name }}`, as text.

    Every value comes from the loaded model or the behavior measured on it,
    so the prose follows a retrained model the same way the figures do. The
    frequencies of the positional encoding are read off its table, as the
    figures read them.
    """
    config = model.config
    d_model, num_heads = config["d_model"], config["num_heads"]
    d_k = d_model // num_heads
    first_row = positional_encoding(2, d_model)[1]
    # At position 1, each pair (2i, 2i+1) contains (sin w_i, cos w_i).
    frequencies = np.arctan2(first_row[0::2], first_row[1::2])
    return {
        "d_model": str(d_model),
        "d_embedding": str(config["d_embedding"]),
        "num_heads": str(num_heads),
        "num_layers": str(config["num_layers"]),
        "d_k": str(d_k),
        "d_ff": str(config["d_ff"]),
        "vocab_size": str(config["vocab_size"]),
        "max_tokens": str(config["max_tokens"]),
        "sqrt_d_k": f"{math.sqrt(d_k):.2f}",
        # Ratio of neighboring pairs' frequencies, 10000^(2 / d_model).
        "pe_frequency_ratio": f"{frequencies[0] / frequencies[1]:.2f}",
        "pe_longest_wavelength": (
            f"{round_significant(2 * math.pi / frequencies[-1], 2):,.0f}"
        ),
        **behavior_values(MODEL_EXPORT_DIR / "behavior.json"),
    }


def render_section(
    section: Section,
    env: jinja2.Environment,
    used_ids: set[str],
    model: ReferenceModel,
    values: dict[str, str],
    render_demo: Callable[[], str],
    render_code: Callable[[list[str]], str] | None = None,
) -> RenderedSection:
    """Convert one section's Markdown to HTML, mapping errors to file lines."""
    extension = ArticleExtension(
        source=section.body,
        section_id=section.section_id,
        used_ids=used_ids,
        values=values,
        render_figure=make_figure_renderer(env, used_ids, model),
        figure_names=sorted(figures.FIGURES),
        render_demo=render_demo,
        render_code=render_code,
    )
    converter = markdown.Markdown(
        extensions=[*MARKDOWN_EXTENSIONS, extension], output_format="html"
    )
    try:
        html = converter.convert(section.body)
    except MarkdownSourceError as error:
        line = None if error.line is None else section.body_line + error.line - 1
        raise BuildError(section.path, line, error.message) from error
    return RenderedSection(
        title=section.title, id=section.section_id, html=Markup(html)
    )


def render_pages(
    sections: list[Section],
    steps: list[Section] | None,
    templates_dir: Path,
    has_app_js: bool,
    model: ReferenceModel,
    base_path: str = "/",
) -> dict[str, str]:
    """Render index.html, 404.html and, given steps, walkthrough.html.

    Returns their text by file name.
    """
    env = make_environment(templates_dir)
    values = model_values(model)

    used_ids = set(RESERVED_IDS) | {section.section_id for section in sections}
    rendered = []
    for section in sections:
        render_demo = make_demo_renderer(env, section)
        rendered.append(
            render_section(section, env, used_ids, model, values, render_demo)
        )
        logger.debug("rendered section %s", section.section_id)

    context = {
        "site": SITE,
        "has_app_js": has_app_js,
        "sections": rendered,
        "site_root": "",
    }
    pages = {
        "index.html": env.get_template("index.html").render(**context),
        "404.html": env.get_template("404.html").render(
            **{**context, "site_root": base_path}
        ),
    }
    if steps is not None:
        pages["walkthrough.html"] = render_walkthrough(steps, env, model, values)
    return pages


def render_walkthrough(
    steps: list[Section],
    env: jinja2.Environment,
    model: ReferenceModel,
    values: dict[str, str],
) -> str:
    """Render the walkthrough's steps, quoting their code, into walkthrough.html."""
    used_ids = set(RESERVED_IDS) | {step.section_id for step in steps}
    render_code = make_code_renderer(
        env, used_ids, walkthrough.SourceQuoter(SOURCE_ROOT)
    )
    rendered = []
    for step in steps:
        rendered.append(
            render_section(step, env, used_ids, model, values, reject_demo, render_code)
        )
        logger.debug("rendered walkthrough step %s", step.section_id)

    context = {
        "site": SITE,
        "walkthrough": WALKTHROUGH,
        "has_app_js": False,
        "sections": rendered,
        "site_root": "",
    }
    return env.get_template("walkthrough.html").render(**context)


def template_build_error(error: jinja2.TemplateError) -> BuildError:
    """Turn a Jinja2 error into a BuildError naming the template and line if known.

    Syntax errors carry the template's name and line. Errors raised while
    rendering, such as an undefined variable, do not, but Jinja2 rewrites the
    traceback so that its innermost template frame points at the line.
    """
    name = getattr(error, "name", None)
    path = TEMPLATES_DIR / name if name else TEMPLATES_DIR
    line = getattr(error, "lineno", None)
    if isinstance(error, jinja2.TemplateNotFound):
        return BuildError(path, None, "template not found")
    if name is None:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            frame_path = Path(frame.filename)
            if frame_path.suffix == ".html" and frame_path.is_relative_to(
                TEMPLATES_DIR
            ):
                path, line = frame_path, frame.lineno
                break
    return BuildError(path, line, f"template error: {error.message}")


def bundle_js(out_dir: Path) -> None:
    """Bundle js/main.js and its imports into assets/ with js/bundle.mjs.

    The entry becomes assets/app.js. Code behind a dynamic `import()` (the
    step-through, the WebGL backend) goes into assets/chunks/, so the first
    view downloads only what the live matrices need. Chunk names carry a hash
    of their content, which keeps builds reproducible. The bundler keeps only
    the TensorFlow.js ops that the exported model's graph runs, so it reads
    model/web/model.json.
    """
    if not ESBUILD.exists():
        raise BuildError(
            ESBUILD,
            None,
            "esbuild is not installed; run `npm ci` in the repository root",
        )
    node = shutil.which("node")
    if node is None:
        raise BuildError(BUNDLER, None, "node is not on PATH; install Node.js 20")
    command = [
        node,
        str(BUNDLER),
        f"--entry={JS_ENTRY}",
        f"--outdir={out_dir / 'assets'}",
        f"--model={MODEL_EXPORT_DIR / 'model.json'}",
    ]
    logger.debug("running %s", " ".join(command))
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.stderr.strip():
        logger.debug("bundler output:\n%s", result.stderr.rstrip())
    if result.returncode != 0:
        first_error = next(
            (line.strip() for line in result.stderr.splitlines() if line.strip()),
            f"exit status {result.returncode}",
        )
        raise BuildError(JS_ENTRY, None, f"bundling failed: {first_error}")


def copy_model(out_dir: Path) -> int:
    """Copy the exported TensorFlow.js model from model/web/ into the site.

    Returns the number of files copied.
    """
    target = out_dir / "model"
    shutil.copytree(MODEL_EXPORT_DIR, target)
    return sum(1 for path in target.rglob("*") if path.is_file())


def load_reference_model() -> ReferenceModel:
    """Load the exported model from model/web/ for the figures, values and demo.

    `load_model` caches the model per folder, and the demo's
    `inspect_sentence` calls it with the same folder, so a build reads the
    model files once.
    """
    try:
        return load_model(MODEL_EXPORT_DIR)
    except (ModelFileError, OSError, ValueError, KeyError) as error:
        raise BuildError(
            MODEL_EXPORT_DIR / "model.json",
            None,
            f"cannot load the exported model: {error}; re-export it with `make model`",
        ) from error


def write_pe_explorer_data(path: Path, d_model: int) -> None:
    """Write the positional-encoding explorer's table and rotations as JSON.

    The live demo loads it on demand and only draws it, so the explorer shows
    the same NumPy numbers as the article's figures.
    """
    data = explorer_data(
        num_positions=PE_EXPLORER_POSITIONS,
        d_model=d_model,
        max_offset=PE_EXPLORER_MAX_OFFSET,
    )
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def load_steps(content_dir: Path) -> list[Section] | None:
    """Read the walkthrough's steps, or return None when the folder is absent."""
    steps_dir = content_dir / WALKTHROUGH_DIR_NAME
    if not steps_dir.is_dir():
        logger.info(
            "no folder %s; the site has no walkthrough page", display_path(steps_dir)
        )
        return None
    steps = load_sections(steps_dir)
    logger.info(
        "read %d walkthrough steps from %s", len(steps), display_path(steps_dir)
    )
    return steps


def write_code_stylesheet(path: Path) -> None:
    """Write assets/code.css: the listings' layout and the syntax colors."""
    layout = read_utf8(TEMPLATES_DIR / "code.css")
    path.write_text(walkthrough.code_stylesheet(layout), encoding="utf-8")


def write_site(
    content_dir: Path, out_dir: Path, skip_js: bool, base_path: str = "/"
) -> None:
    """Write every file of the site into `out_dir`, which must exist and be empty."""
    sections = load_sections(content_dir)
    logger.info("read %d sections from %s", len(sections), display_path(content_dir))
    steps = load_steps(content_dir)
    model = load_reference_model()
    logger.info(
        "loaded the model from %s: vocab_size %d, d_model %d",
        display_path(MODEL_EXPORT_DIR),
        model.config["vocab_size"],
        model.config["d_model"],
    )

    assets = out_dir / "assets"
    assets.mkdir()
    shutil.copyfile(TEMPLATES_DIR / "style.css", assets / "style.css")
    if steps is not None:
        write_code_stylesheet(assets / "code.css")
    write_pe_explorer_data(assets / "pe-explorer.json", model.config["d_model"])
    has_app_js = False
    if skip_js:
        logger.info("skipped bundling js/main.js (--skip-js)")
    elif JS_ENTRY.exists():
        bundle_js(out_dir)
        has_app_js = True
        logger.info(
            "bundled %s into assets/app.js (%d bytes)",
            display_path(JS_ENTRY),
            (assets / "app.js").stat().st_size,
        )
    else:
        logger.warning("%s not found; the page has no script", display_path(JS_ENTRY))

    count = copy_model(out_dir)
    logger.info("copied %d model files from %s", count, display_path(MODEL_EXPORT_DIR))

    try:
        pages = render_pages(
            sections, steps, TEMPLATES_DIR, has_app_js, model, base_path
        )
    except jinja2.TemplateError as error:
        raise template_build_error(error) from error
    for name, html in sorted(pages.items()):
        (out_dir / name).write_text(html, encoding="utf-8")
    (out_dir / ".nojekyll").write_bytes(b"")
    for name in ("index.html", "walkthrough.html"):
        if name in pages:
            logger.info("rendered %s (%d bytes)", name, len(pages[name].encode()))


def swap_into_place(new_dir: Path, out_dir: Path) -> None:
    """Replace `out_dir` with `new_dir` by two renames, restoring it on failure."""
    if not out_dir.exists():
        new_dir.rename(out_dir)
        return
    if not out_dir.is_dir():
        raise BuildError(out_dir, None, "output path exists and is not a folder")

    old_dir = out_dir.parent / new_dir.name.replace(".site-tmp-", ".site-old-", 1)
    out_dir.rename(old_dir)
    try:
        new_dir.rename(out_dir)
    except OSError:
        old_dir.rename(out_dir)
        raise
    shutil.rmtree(old_dir)


def build(
    content_dir: Path, out_dir: Path, skip_js: bool = False, base_path: str = "/"
) -> None:
    """Build the site into `out_dir` atomically: all files or no change at all.

    `base_path` is the URL path the site is published under ("/" at a domain
    root, "/REPO/" for a GitHub Pages project site). Only 404.html uses it,
    because it is served at any depth; every other page links relatively.
    """
    if not re.fullmatch(r"/([A-Za-z0-9._~-]+/)*", base_path):
        raise BuildError(
            Path("--base-path"),
            None,
            f"invalid base path {base_path!r}: expected a URL path that starts "
            "and ends with '/', such as '/' or '/REPO/'",
        )
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix=".site-tmp-", dir=out_dir.parent))
    # mkdtemp creates the folder private (0700); a web server needs to read it.
    work_dir.chmod(0o755)

    try:
        write_site(content_dir, work_dir, skip_js, base_path)
        swap_into_place(work_dir, out_dir)
    finally:
        if work_dir.exists():
            shutil.rmtree(work_dir)

    files = sorted(path for path in out_dir.rglob("*") if path.is_file())
    total = sum(path.stat().st_size for path in files)
    logger.info(
        "wrote %s: %d files, %d bytes", display_path(out_dir), len(files), total
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, build the site and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "site", help="output folder (default: site/)"
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=CONTENT_DIR,
        help="folder of section Markdown files (default: content/)",
    )
    parser.add_argument(
        "--skip-js",
        action="store_true",
        help="do not bundle js/main.js; the page then loads no script",
    )
    parser.add_argument(
        "--base-path",
        default="/",
        help="URL path the site is published under, for 404.html's links "
        "(default: /; a GitHub Pages project site needs /REPO/)",
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="log DEBUG details"
    )
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(message)s",
    )
    # Python-Markdown logs every extension it loads at DEBUG.
    logging.getLogger("MARKDOWN").setLevel(logging.INFO)
    try:
        build(args.content, args.out, skip_js=args.skip_js, base_path=args.base_path)
    except BuildError as error:
        logger.error("build failed: %s", error)
        return 1
    except OSError as error:
        # The message of an OSError names the file, e.g. "[Errno 28] No space
        # left on device: 'site/index.html'".
        logger.error("build failed: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
