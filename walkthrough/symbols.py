"""List the symbols of a Python or JavaScript source file with their lines.

A symbol is a function, class or variable at the top level of a module, or a
member of a class under it, named with dots: `Tokenizer.encode`. Its lines
run from its first decorator (Python) or `export` keyword (JavaScript) to the
last line of its body, 1-based and inclusive, counting lines by "\\n".
"""

import ast
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
JS_SYMBOLS_SCRIPT = PACKAGE_DIR / "js_symbols.mjs"
ACORN_PACKAGE = PACKAGE_DIR.parent / "node_modules" / "acorn" / "package.json"
NODE_TIMEOUT_SECONDS = 60


class SymbolError(Exception):
    """A source file that cannot be parsed, or a parser that cannot run."""


@dataclass(frozen=True)
class SymbolSpan:
    """One symbol and the lines it spans."""

    name: str
    first_line: int
    last_line: int


def python_symbols(source: str, display_name: str) -> list[SymbolSpan]:
    """Parse Python source with `ast` and return its symbols in source order.

    Functions and classes are listed at any depth under classes and
    functions (`serving_archive.serve`). Assignments to a plain name are
    listed at the top level and directly in a class body.
    """
    try:
        tree = ast.parse(source, filename=display_name)
    except SyntaxError as error:
        raise SymbolError(
            f"{display_name} is not valid Python: {error.msg} (line {error.lineno})"
        ) from error

    symbols: list[SymbolSpan] = []

    def visit(body: list[ast.stmt], prefix: str, in_function: bool) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + node.name
                first_line = min(
                    [node.lineno]
                    + [decorator.lineno for decorator in node.decorator_list]
                )
                symbols.append(SymbolSpan(name, first_line, node.end_lineno))
                is_function = not isinstance(node, ast.ClassDef)
                visit(node.body, f"{name}.", is_function)
            elif not in_function:
                for target in _assigned_names(node):
                    symbols.append(
                        SymbolSpan(prefix + target, node.lineno, node.end_lineno)
                    )

    visit(tree.body, "", in_function=False)
    return symbols


def _assigned_names(node: ast.stmt) -> list[str]:
    """Return the plain names that an assignment statement binds."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return []
    return [target.id for target in targets if isinstance(target, ast.Name)]


def javascript_symbols(source: str, display_name: str) -> list[SymbolSpan]:
    """Parse a JavaScript module with acorn, run by Node.js, and return its symbols.

    js_symbols.mjs lists the top-level declarations and the members of
    top-level classes.
    """
    node = shutil.which("node")
    if node is None:
        raise SymbolError(
            f"Node.js is needed to parse {display_name} but `node` is not on PATH; "
            "install Node.js 20"
        )
    if not ACORN_PACKAGE.is_file():
        raise SymbolError(
            f"acorn is needed to parse {display_name} but is not installed; "
            "run `npm ci` in the repository root"
        )

    try:
        completed = subprocess.run(
            [node, str(JS_SYMBOLS_SCRIPT)],
            input=source,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=NODE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SymbolError(
            f"parsing {display_name} timed out after {NODE_TIMEOUT_SECONDS} s"
        ) from error
    if completed.returncode != 0:
        first_line = next(
            (line for line in completed.stderr.splitlines() if line.strip()),
            f"exit status {completed.returncode}",
        )
        raise SymbolError(f"parsing {display_name} with acorn failed: {first_line}")

    result = json.loads(completed.stdout)
    if "error" in result:
        error = result["error"]
        raise SymbolError(
            f"{display_name} is not valid JavaScript: {error['message']} "
            f"(line {error['line']})"
        )
    return [
        SymbolSpan(entry["name"], entry["first_line"], entry["last_line"])
        for entry in result["symbols"]
    ]


# Source parsers by file suffix, and the language name shown with a quote.
PARSERS = {
    ".py": ("Python", python_symbols),
    ".js": ("JavaScript", javascript_symbols),
}
