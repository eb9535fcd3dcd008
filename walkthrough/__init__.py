"""Quote the project's own source code in the code walkthrough page.

A walkthrough step refers to code as `PATH::SYMBOL`, e.g.
`model/reference.py::ReferenceModel.forward`. `SourceQuoter` finds the
symbol's current lines (Python through `ast`, JavaScript through acorn run by
Node.js) and `highlight_lines` turns them into HTML with Pygments, so the page
quotes the code as it is when the site is built. A reference to a file or
symbol that no longer exists raises `QuoteError`.
"""

from walkthrough.highlight import code_stylesheet, highlight_lines
from walkthrough.quote import (
    CodeReference,
    Quote,
    QuoteError,
    SourceQuoter,
    parse_reference,
)

__all__ = [
    "CodeReference",
    "Quote",
    "QuoteError",
    "SourceQuoter",
    "code_stylesheet",
    "highlight_lines",
    "parse_reference",
]
