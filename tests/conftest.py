"""Shared fixtures: the built site, a local HTTP server and headless Chromium."""

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Without these, Chromium tries to reach Google's services at start-up, and
# as root it refuses to run without --no-sandbox.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def chromium_path() -> str:
    """Return the Chromium binary: $CHROMIUM, else the first `chromium` on PATH."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        raise RuntimeError(
            "Chromium not found: install Debian's chromium package "
            "(make test does so when run as root) or set CHROMIUM"
        )
    return path


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Build the real content, with the bundled JavaScript, into a fresh folder."""
    import build

    out_dir = tmp_path_factory.mktemp("built") / "site"
    build.build(build.CONTENT_DIR, out_dir)
    return out_dir


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve_directory(directory: Path, handler_class=None, path: str = "/"):
    """Serve a folder on 127.0.0.1 at a free port; yield the URL of `path`."""
    handler = functools.partial(handler_class or QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site's base URL on 127.0.0.1."""
    with serve_directory(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=args
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and uncaught exceptions."""
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()
