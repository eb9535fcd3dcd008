"""Python-Markdown extensions for the article: math, directives, heading anchors.

`ArticleExtension` adds four things to Python-Markdown:

- `{{ name }}` placeholders, replaced by the caller's values before any other
  step, so they work in text, tables, code and math alike.
- `$...$` inline math and `$$...$$` display math, converted to MathML by
  latex2mathml while the site builds. The inline pattern runs above the escape
  pattern, so underscores, backslashes and braces reach LaTeX untouched.
- Directive paragraphs: a paragraph that is only `[[figure NAME]]`, `[[demo]]`
  or, where the caller renders code, `[[code PATH::SYMBOL ...]]` is replaced by
  the HTML that the caller's renderers return.
- An `id` and a visible `#` link on every heading, with ids unique on the page.

Errors raise `MarkdownSourceError` with a 1-based line number in the Markdown
source when the line can be found.
"""

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import latex2mathml.converter
import latex2mathml.exceptions
from markdown import Markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

# The rule for inline math: no space right after the opening `$`, none
# right before the closing `$`, and no digit right after it, so "$5 and $10"
# stays text. A backslash escapes a dollar sign.
INLINE_MATH_RE = r"(?<![\\$])\$(?![\s$])((?:\\.|[^$\\])+?)(?<!\s)\$(?![$\d])"

PLACEHOLDER_VALUE_RE = re.compile(r"\{\{([^{}\n]*)\}\}")
DIRECTIVE_RE = re.compile(r"\[\[([^\[\]\n]*)\]\]")
FIGURE_NAME_RE = re.compile(r"[a-z][a-z0-9-]*\Z")
PLACEHOLDER_RE = re.compile(f"{STX}[^{ETX}]*{ETX}")

# latex2mathml (3.81) passes an unknown command through as `<mi>\name</mi>`
# instead of raising, so the converter checks its output for that.
UNKNOWN_COMMAND_RE = re.compile(r"<m[io][^>]*>(\\[A-Za-z]+)</m[io]>")


class MarkdownSourceError(Exception):
    """Invalid input in one Markdown source, with its 1-based line if known."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def find_line(source: str, snippet: str) -> int | None:
    """Return the 1-based line where `snippet` first occurs in `source`.

    Python-Markdown keeps no line numbers, so error messages locate the
    offending text by searching the source for it.
    """
    index = source.find(snippet)
    if index < 0:
        return None
    return source.count("\n", 0, index) + 1


def latex_to_mathml(latex: str, display: bool) -> str:
    """Convert LaTeX to a MathML `<math>` element, raising ValueError if invalid.

    Checks brace balance and unknown commands itself, because latex2mathml
    renders both as text instead of failing.
    """
    depth = 0
    for match in re.finditer(r"\\.|[{}]", latex):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        if depth < 0:
            raise ValueError("unbalanced braces: '}' without a matching '{'")
    if depth > 0:
        raise ValueError("unbalanced braces: '{' without a matching '}'")

    try:
        mathml = latex2mathml.converter.convert(
            latex, display="block" if display else "inline"
        )
    except (
        latex2mathml.exceptions.NoAvailableTokensError,
        latex2mathml.exceptions.MissingSuperScriptOrSubscriptError,
        latex2mathml.exceptions.ExtraLeftOrMissingRightError,
        latex2mathml.exceptions.MissingEndError,
        latex2mathml.exceptions.DenominatorNotFoundError,
        latex2mathml.exceptions.NumeratorNotFoundError,
        latex2mathml.exceptions.DoubleSubscriptsError,
        latex2mathml.exceptions.DoubleSuperscriptsError,
        latex2mathml.exceptions.InvalidAlignmentError,
        latex2mathml.exceptions.InvalidStyleForGenfracError,
        latex2mathml.exceptions.InvalidWidthError,
        latex2mathml.exceptions.LimitsMustFollowMathOperatorError,
    ) as error:
        # These exceptions carry no message, so the class name is the reason.
        reason = str(error) or type(error).__name__
        raise ValueError(reason) from error

    unknown = UNKNOWN_COMMAND_RE.search(mathml)
    if unknown:
        raise ValueError(f"unknown LaTeX command {unknown.group(1)}")
    return mathml


class ValuePreprocessor(Preprocessor):
    """Replace each `{{ name }}` with its value, or raise for an unknown name."""

    def __init__(self, md: Markdown, values: dict[str, str]) -> None:
        super().__init__(md)
        self.values = values

    def run(self, lines: list[str]) -> list[str]:
        """Substitute line by line; Python-Markdown has not joined any lines yet."""
        result = []
        for index, text in enumerate(lines):

            def substitute(match: re.Match, line: int = index + 1) -> str:
                name = match.group(1).strip()
                if name not in self.values:
                    known = ", ".join(sorted(self.values))
                    raise MarkdownSourceError(
                        line,
                        f"unknown value {match.group(0)}; known values: {known}",
                    )
                return self.values[name]

            result.append(PLACEHOLDER_VALUE_RE.sub(substitute, text))
        return result


class InlineMathProcessor(InlineProcessor):
    """Replace `$...$` with inline MathML stored in the HTML stash."""

    def __init__(self, pattern: str, md: Markdown, source: str) -> None:
        super().__init__(pattern, md)
        self.source = source

    def handleMatch(self, m: re.Match, data: str) -> tuple[str, int, int]:
        """Convert the matched LaTeX; the stash keeps Markdown off the MathML."""
        latex = m.group(1)
        try:
            mathml = latex_to_mathml(latex, display=False)
        except ValueError as error:
            line = find_line(self.source, m.group(0))
            raise MarkdownSourceError(
                line, f"invalid math ${latex}$: {error}"
            ) from error
        return self.md.htmlStash.store(mathml), m.start(0), m.end(0)


class DisplayMathProcessor(BlockProcessor):
    """Replace a block `$$ ... $$` (one or more lines) with display MathML."""

    def __init__(self, parser: BlockParser, source: str) -> None:
        super().__init__(parser)
        self.source = source

    def test(self, parent: etree.Element, block: str) -> bool:
        """Claim blocks that start with `$$`."""
        return block.lstrip().startswith("$$")

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        """Convert the block, which must also end with `$$`."""
        block = blocks.pop(0).strip()
        line = find_line(self.source, block) or find_line(self.source, block[:40])
        if len(block) < 4 or not block.endswith("$$"):
            raise MarkdownSourceError(
                line,
                "display math must be a paragraph of its own that starts "
                "with $$ and ends with $$",
            )
        latex = block[2:-2].strip()
        if not latex or "$$" in latex:
            raise MarkdownSourceError(
                line, "display math must hold one non-empty formula between $$ and $$"
            )

        try:
            mathml = latex_to_mathml(latex, display=True)
        except ValueError as error:
            raise MarkdownSourceError(
                line, f"invalid math $${latex}$$: {error}"
            ) from error

        html = f'<div class="math-display">{mathml}</div>'
        paragraph = etree.SubElement(parent, "p")
        paragraph.text = self.parser.md.htmlStash.store(html)


class DirectiveProcessor(BlockProcessor):
    """Replace a `[[figure NAME]]`, `[[demo]]` or `[[code REFERENCE ...]]`
    paragraph with rendered HTML.

    `render_code` receives the directive's words after `code`; without it,
    `[[code ...]]` is rejected.
    """

    def __init__(
        self,
        parser: BlockParser,
        source: str,
        render_figure: Callable[[str], str],
        figure_names: list[str],
        render_demo: Callable[[], str],
        render_code: Callable[[list[str]], str] | None = None,
    ) -> None:
        super().__init__(parser)
        self.source = source
        self.render_figure = render_figure
        self.figure_names = figure_names
        self.render_demo = render_demo
        self.render_code = render_code

    def test(self, parent: etree.Element, block: str) -> bool:
        """Claim blocks that consist of one `[[...]]` and nothing else."""
        return DIRECTIVE_RE.fullmatch(block.strip()) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        """Render the directive, or raise naming the valid forms."""
        block = blocks.pop(0).strip()
        line = find_line(self.source, block)
        words = DIRECTIVE_RE.fullmatch(block).group(1).split()

        if words == ["demo"]:
            render = self.render_demo
        elif len(words) == 2 and words[0] == "figure":
            name = words[1]
            if name not in self.figure_names:
                known = ", ".join(self.figure_names)
                raise MarkdownSourceError(
                    line, f"unknown figure name '{name}'; known figures: {known}"
                )

            def render() -> str:
                return self.render_figure(name)

        elif words[:1] == ["code"]:
            if self.render_code is None:
                raise MarkdownSourceError(
                    line,
                    f"{block}: code listings belong in the walkthrough's steps "
                    "(content/walkthrough/), not in the article",
                )
            render_code = self.render_code

            def render() -> str:
                return render_code(words[1:])

        else:
            raise MarkdownSourceError(
                line,
                f"unknown directive {block}; expected [[figure NAME]], [[demo]] "
                "or [[code PATH::SYMBOL]]",
            )

        # Renderers do not know the directive's line, so their errors get it here.
        try:
            html = render()
        except MarkdownSourceError as error:
            raise MarkdownSourceError(error.line or line, error.message) from error
        except ValueError as error:
            raise MarkdownSourceError(line, f"{block} failed: {error}") from error

        paragraph = etree.SubElement(parent, "p")
        paragraph.text = self.parser.md.htmlStash.store(html)


def slugify(text: str) -> str:
    """Lower-case `text` and join its ASCII letters and digits with hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class HeadingAnchorProcessor(Treeprocessor):
    """Give each heading a page-unique id and a visible `#` link to itself.

    Section titles are `<h2>` elements in the page template, so a section's
    Markdown may use only `###` to `######`. Generated ids are the section id,
    a hyphen and the heading's slug; an id set with `{#...}` is kept as written.
    """

    def __init__(
        self, md: Markdown, source: str, section_id: str, used_ids: set[str]
    ) -> None:
        super().__init__(md)
        self.source = source
        self.section_id = section_id
        self.used_ids = used_ids

    def run(self, root: etree.Element) -> None:
        """Add ids and anchor links to every heading under `root`."""
        for heading in root.iter():
            if heading.tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
                continue
            text = PLACEHOLDER_RE.sub("", "".join(heading.itertext())).strip()
            line = find_line(self.source, text) if text else None

            if heading.tag in ("h1", "h2"):
                raise MarkdownSourceError(
                    line,
                    f"heading '{text}' is level {heading.tag[1]}; the section "
                    "title is the page's <h2>, so start subsections at ###",
                )

            heading_id = heading.get("id")
            if heading_id is None:
                slug = slugify(text) or "heading"
                heading_id = f"{self.section_id}-{slug}"
            if heading_id in self.used_ids:
                raise MarkdownSourceError(
                    line,
                    f"heading id '{heading_id}' is already used on the page; "
                    "rename the heading or set an id with {#...}",
                )
            self.used_ids.add(heading_id)
            heading.set("id", heading_id)

            anchor = etree.SubElement(heading, "a")
            anchor.set("class", "heading-anchor")
            anchor.set("href", f"#{heading_id}")
            anchor.set("aria-label", f"Link to section: {text}")
            anchor.text = "#"


class ArticleExtension(Extension):
    """Values, math, directives and heading anchors for one article section
    or walkthrough step."""

    def __init__(
        self,
        *,
        source: str,
        section_id: str,
        used_ids: set[str],
        values: dict[str, str],
        render_figure: Callable[[str], str],
        figure_names: list[str],
        render_demo: Callable[[], str],
        render_code: Callable[[list[str]], str] | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.section_id = section_id
        self.used_ids = used_ids
        self.values = values
        self.render_figure = render_figure
        self.figure_names = figure_names
        self.render_demo = render_demo
        self.render_code = render_code

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors; priorities place them relative to built-ins."""
        md.ESCAPED_CHARS = [*md.ESCAPED_CHARS, "$"]

        # 40: before whitespace normalization (30), while lines still match
        # the source's lines one to one.
        md.preprocessors.register(ValuePreprocessor(md, self.values), "values", 40)

        # 185: after code spans (190) so `$` in code stays text, before the
        # backslash escapes (180) so LaTeX keeps its backslashes.
        md.inlinePatterns.register(
            InlineMathProcessor(INLINE_MATH_RE, md, self.source), "math-inline", 185
        )
        # 85: before indented code (80) and every paragraph-level processor.
        md.parser.blockprocessors.register(
            DisplayMathProcessor(md.parser, self.source), "math-display", 85
        )
        md.parser.blockprocessors.register(
            DirectiveProcessor(
                md.parser,
                self.source,
                self.render_figure,
                self.figure_names,
                self.render_demo,
                self.render_code,
            ),
            "directive",
            84,
        )
        # 15: after inline patterns (20), so headings have their final text.
        md.treeprocessors.register(
            HeadingAnchorProcessor(md, self.source, self.section_id, self.used_ids),
            "heading-anchor",
            15,
        )
