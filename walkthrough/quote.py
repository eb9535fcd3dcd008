"""Resolve `PATH::SYMBOL` references to the current lines of the project's source."""

import difflib
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from walkthrough.symbols import PARSERS, SymbolError, SymbolSpan

REFERENCE_RE = re.compile(r"(?P<path>[^\s:]+)::(?P<symbol>[#\w$]+(?:\.[#\w$]+)*)\Z")
REFERENCE_EXAMPLE = "model/positional_encoding.py::positional_encoding"
# How many names a "not found" message lists when none is close to the request.
MAX_LISTED_NAMES = 12


class QuoteError(Exception):
    """A code reference that cannot be quoted, with what to fix."""


@dataclass(frozen=True)
class CodeReference:
    """A symbol in a source file, by its path below the project root."""

    path: str
    symbol: str

    def __str__(self) -> str:
        return f"{self.path}::{self.symbol}"


@dataclass(frozen=True)
class Quote:
    """The current source lines of one referenced symbol."""

    reference: CodeReference
    language: str
    first_line: int
    # The file's lines first_line to last_line, without their line breaks.
    lines: tuple[str, ...]

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1

    @property
    def text(self) -> str:
        """The lines with their common indentation removed, ending in a newline."""
        return textwrap.dedent("".join(f"{line}\n" for line in self.lines))


def parse_reference(text: str) -> CodeReference:
    """Parse `PATH::SYMBOL`, raising QuoteError when it has another form.

    PATH is relative to the project root, with forward slashes, and may not
    leave the root.
    """
    match = REFERENCE_RE.fullmatch(text)
    if match is None:
        raise QuoteError(
            f"invalid code reference {text!r}; expected PATH::SYMBOL, "
            f"e.g. {REFERENCE_EXAMPLE}"
        )
    path = PurePosixPath(match["path"])
    if path.is_absolute() or ".." in path.parts or "\\" in match["path"]:
        raise QuoteError(
            f"invalid path in code reference {text!r}; use a path relative to the "
            "project root with forward slashes and no '..'"
        )
    if path.suffix not in PARSERS:
        raise QuoteError(
            f"cannot quote {match['path']}: only {' and '.join(sorted(PARSERS))} "
            "files can be quoted"
        )
    return CodeReference(path=str(path), symbol=match["symbol"])


class SourceQuoter:
    """Quote symbols from the files under `source_root`, parsing each file once."""

    def __init__(self, source_root: Path) -> None:
        self.source_root = source_root.resolve()
        self._files: dict[str, tuple[list[str], list[SymbolSpan]]] = {}

    def quote(self, reference: CodeReference) -> Quote:
        """Return the current lines of `reference`, or raise QuoteError."""
        language, _ = PARSERS[PurePosixPath(reference.path).suffix]
        lines, symbols = self._read(reference)
        spans = [span for span in symbols if span.name == reference.symbol]
        if not spans:
            hint = _suggest(reference.symbol, [span.name for span in symbols])
            raise QuoteError(
                f"code reference {reference} is broken: {reference.path} has no "
                f"function, class, method or variable '{reference.symbol}'; {hint} "
                "Update the reference to the symbol's current name, or restore the "
                "symbol"
            )
        if len(spans) > 1:
            places = ", ".join(str(span.first_line) for span in spans)
            raise QuoteError(
                f"code reference {reference} is ambiguous: {reference.path} defines "
                f"'{reference.symbol}' {len(spans)} times (lines {places}); "
                "rename one of them"
            )
        span = spans[0]
        return Quote(
            reference=reference,
            language=language,
            first_line=span.first_line,
            lines=tuple(lines[span.first_line - 1 : span.last_line]),
        )

    def _read(self, reference: CodeReference) -> tuple[list[str], list[SymbolSpan]]:
        """Read and parse the referenced file, or return it from the cache."""
        if reference.path in self._files:
            return self._files[reference.path]

        path = (self.source_root / reference.path).resolve()
        if not path.is_relative_to(self.source_root):
            raise QuoteError(
                f"code reference {reference} points outside the project root "
                "through a symbolic link; quote the file it links to"
            )
        try:
            data = path.read_bytes()
        except FileNotFoundError as error:
            raise QuoteError(
                f"code reference {reference} is broken: file {reference.path} not "
                "found. Fix the path in the reference, or restore the file"
            ) from error
        except OSError as error:
            raise QuoteError(
                f"code reference {reference}: cannot read {reference.path}: "
                f"{error.strerror}"
            ) from error
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise QuoteError(
                f"code reference {reference}: {reference.path} is not valid UTF-8 "
                f"(byte offset {error.start})"
            ) from error

        # Lines are split on "\n" alone, the way the symbol parsers count them.
        text = text.removeprefix("\ufeff").replace("\r\n", "\n")
        _, parse = PARSERS[path.suffix]
        try:
            symbols = parse(text, reference.path)
        except SymbolError as error:
            raise QuoteError(f"code reference {reference}: {error}") from error
        self._files[reference.path] = (text.split("\n"), symbols)
        return self._files[reference.path]


def _suggest(symbol: str, names: list[str]) -> str:
    """Return a sentence naming the closest existing symbols, or else the ones
    beside `symbol`."""
    parent, _, member = symbol.rpartition(".")
    if parent and parent not in names:
        depth = symbol.count(".")
        same_depth = [name for name in names if name.count(".") == depth]
        close = difflib.get_close_matches(symbol, same_depth, n=3, cutoff=0.6)
        guess = f" Did you mean {' or '.join(close)}?" if close else ""
        return f"'{parent}' is not defined there either.{guess}"

    # Compared by their last part only, since siblings share the prefix.
    prefix = f"{parent}." if parent else ""
    siblings = {
        name[len(prefix) :]: name
        for name in names
        if name.startswith(prefix) and "." not in name[len(prefix) :]
    }
    close = difflib.get_close_matches(member, list(siblings), n=3, cutoff=0.6)
    if close:
        return f"did you mean {' or '.join(siblings[name] for name in close)}?"
    if not siblings:
        return f"{parent or 'the file'} defines nothing that can be quoted."
    listed = list(siblings.values())
    listed_names = ", ".join(listed[:MAX_LISTED_NAMES])
    if len(listed) > MAX_LISTED_NAMES:
        listed_names += f" and {len(listed) - MAX_LISTED_NAMES} more"
    return f"{parent or 'the file'} contains {listed_names}."
