"""Highlight quoted code with Pygments, as CSS classes, and write their colors.

The page's Content-Security-Policy and its tests allow no inline styles, so
Pygments emits classes only and `code_stylesheet` writes the rules for them:
one Pygments style for the light scheme and for print, another for the dark
scheme on screen.
"""

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JavascriptLexer, PythonLexer
from pygments.styles import get_style_by_name
from pygments.token import Text

from walkthrough.quote import Quote

# Both styles keep every token color at a contrast of at least 4.5:1 against
# their own background (WCAG AA), which tests/test_walkthrough.py checks.
LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"
CSS_CLASS = "highlight"

LEXERS = {"Python": PythonLexer, "JavaScript": JavascriptLexer}


def highlight_lines(quote: Quote) -> list[str]:
    """Return the quote's text as HTML, one string of `<span>`s per line."""
    # stripnl=False keeps blank first and last lines, so lines stay aligned
    # with their numbers.
    lexer = LEXERS[quote.language](stripnl=False, ensurenl=True)
    formatter = HtmlFormatter(nowrap=True, cssclass=CSS_CLASS)
    html = highlight(quote.text, lexer, formatter)
    # HtmlFormatter closes and reopens its spans at every line break, so each
    # line of its output is complete HTML.
    lines = html.split("\n")
    if lines[-1] == "":
        lines.pop()
    if len(lines) != len(quote.lines):
        raise RuntimeError(
            f"Pygments returned {len(lines)} lines for the {len(quote.lines)} "
            f"lines of {quote.reference}"
        )
    return lines


def style_rules(style_name: str) -> list[str]:
    """Return the CSS rules of one Pygments style, scoped to `.highlight`.

    The container's background is also set as `--code-background`, so the
    sticky line numbers can cover the code that scrolls under them.
    """
    style = get_style_by_name(style_name)
    formatter = HtmlFormatter(style=style_name, cssclass=CSS_CLASS)
    declarations = [
        f"--code-background: {style.background_color};",
        f"background: {style.background_color};",
    ]
    text_color = style.style_for_token(Text)["color"]
    if text_color:
        declarations.append(f"color: #{text_color};")
    container = f".{CSS_CLASS} {{ {' '.join(declarations)} }}"
    return [container, *formatter.get_token_style_defs(f".{CSS_CLASS}")]


def code_stylesheet(layout_css: str) -> str:
    """Return the walkthrough's stylesheet: `layout_css`, then the token colors.

    The light rules apply to the light scheme and to print, the dark rules to
    the dark scheme on screen only, so the two sets never mix and paper
    stays light.
    """

    def media_block(query: str, rules: list[str]) -> str:
        body = "\n".join(f"  {rule}" for rule in rules)
        return f"@media {query} {{\n{body}\n}}\n"

    return "\n".join(
        [
            layout_css.rstrip("\n") + "\n",
            f"/* Syntax colors: Pygments {LIGHT_STYLE!r} and {DARK_STYLE!r} */\n",
            media_block(
                "print, (prefers-color-scheme: light)", style_rules(LIGHT_STYLE)
            ),
            media_block(
                "screen and (prefers-color-scheme: dark)", style_rules(DARK_STYLE)
            ),
        ]
    )
