"""Guards over the built site: hosting, security policy, links, fuzzing, dev server."""

import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import ROOT, QuietHandler, serve_directory


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_builds_identical_across_hash_seeds(tmp_path):
    digests = []
    for seed in ("1", "4242"):
        out = tmp_path / f"site-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "build.py", "--out", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        digests.append(tree_digest(out))
    assert digests[0] == digests[1]


class ProjectPathHandler(QuietHandler):
    """Serves the site under /REPO/ as GitHub Pages serves a project site.

    A missing path inside /REPO/ gets the site's 404.html with status 404;
    any other path gets a plain HTML 404.
    """

    prefix = "/REPO/"

    def send_head(self):
        if not self.path.startswith(self.prefix):
            return self.send_not_found(b"<!doctype html><title>404</title>")
        self.path = "/" + self.path[len(self.prefix) :]
        if not Path(self.translate_path(self.path)).exists():
            return self.send_not_found(Path(self.directory, "404.html").read_bytes())
        return super().send_head()

    def send_not_found(self, body: bytes):
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def project_path_url(built_site):
    with serve_directory(built_site, ProjectPathHandler, "/REPO/") as url:
        yield url


def test_site_works_under_project_path(page, project_path_url):
    failed = []
    page.on(
        "response",
        lambda response: response.status >= 400 and failed.append(response.url),
    )
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(project_path_url)
    page.wait_for_selector('table.attention-matrix[data-source="live"]', timeout=20000)
    assert failed == []
    assert page.errors == []


def test_not_found_page_works_at_any_depth(browser, tmp_path):
    import build

    site = tmp_path / "site"
    build.build(build.CONTENT_DIR, site, skip_js=True, base_path="/REPO/")
    context = browser.new_context()
    page = context.new_page()
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and "/missing/" not in response.url
            and failed.append(response.url)
        ),
    )
    with serve_directory(site, ProjectPathHandler, "/REPO/") as url:
        response = page.goto(url + "docs/missing/deeper/")
        assert response.status == 404
        assert page.locator("h2").first.text_content() == "Page not found"
        background = page.evaluate(
            "() => getComputedStyle(document.body).backgroundColor"
        )
        assert background != "rgba(0, 0, 0, 0)", "stylesheet did not load"
        assert page.locator("footer").count() == 0
        walkthrough = page.get_attribute("text=code walkthrough", "href")
        assert walkthrough == "/REPO/walkthrough.html"
        page.click("text=go to the article")
        assert page.url == url
    assert failed == []
    context.close()


def test_invalid_base_path_fails(tmp_path):
    import build

    with pytest.raises(build.BuildError, match="invalid base path"):
        build.build(build.CONTENT_DIR, tmp_path / "site", base_path="REPO")


def test_policy_forbids_inline_and_eval(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    policy = re.search(
        r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', html
    )
    assert policy, "no Content-Security-Policy meta tag"
    directives = dict(
        (part.split()[0], part.split()[1:])
        for part in policy.group(1).split(";")
        if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-eval'" not in policy.group(1)
    assert "'unsafe-inline'" not in directives.get("script-src", [])
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
    assert all(body.strip() == "" for body in scripts), "inline script found"


def test_page_runs_under_its_policy(page, site_url):
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append(message.text)
        ),
    )
    page.goto(site_url)
    page.wait_for_selector('table.attention-matrix[data-source="live"]', timeout=20000)
    assert violations == []


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])


def test_internal_links_and_anchors_resolve(built_site):
    pages = {}
    for path in sorted(built_site.rglob("*.html")):
        collector = LinkCollector()
        collector.feed(path.read_text(encoding="utf-8"))
        pages[path] = collector

    broken = []
    for path, collector in pages.items():
        for link in collector.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "data"):
                continue
            target = (
                (path.parent / unquote(parts.path)).resolve() if parts.path else path
            )
            if path.name == "404.html" and parts.path:
                # The 404 page links from the site's base path, "/" here.
                assert parts.path.startswith("/"), link
                target = (built_site / unquote(parts.path).lstrip("/")).resolve()
            if not target.exists():
                broken.append(f"{path.name}: {link} (missing file)")
            elif parts.fragment and target in pages:
                if parts.fragment not in pages[target].ids:
                    broken.append(f"{path.name}: {link} (missing anchor)")
    assert broken == []


FUZZ_PIECES = [
    "<script>window.__fuzzed = 1</script>",
    '<img src=x onerror="window.__fuzzed = 1">',
    "\"'><svg onload=window.__fuzzed=1>",
    "{{7*7}}",
    "${alert(1)}",
    "&lt;b&gt;",
    "😀",
    "👨‍👩‍👧‍👦",
    "🇫🇷",
    "שלום",
    "مرحبا",
    "Ελληνικά",
    "Москва",
    "東京",
    "\u200b",
    "\u202e",
    "\u0000",
    "\u0007",
    "\t",
    "café",
    "cafe\u0301",
    "don't",
    "3.14",
    "NaN",
    "Infinity",
    "__proto__",
    "constructor",
    "the",
    "cat",
    ".",
    "!!!",
    "-",
    "[MASK]",
]


def fuzz_strings(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    strings = ["", " ", "x" * 5000, "the " * 60]
    while len(strings) < count:
        pieces = rng.choices(FUZZ_PIECES, k=rng.randint(1, 12))
        strings.append(rng.choice([" ", "", "  "]).join(pieces))
    return strings


def test_fuzzed_input_never_breaks_page(page, site_url):
    page.goto(site_url)
    page.wait_for_selector('table.attention-matrix[data-source="live"]', timeout=20000)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    for text in fuzz_strings(200):
        page.fill("#sentence", text)
    page.wait_for_timeout(500)
    page.fill("#sentence", "The cat sat on the mat.")
    page.wait_for_function(
        "() => [...document.querySelectorAll('table.attention-matrix tbody th')]"
        ".map((th) => th.textContent).join(' ').startsWith('The cat sat')"
    )

    assert page.errors == []
    assert dialogs == []
    assert page.evaluate("() => window.__fuzzed") is None
    assert "NaN" not in page.eval_on_selector_all(
        "td[data-value]", "(cells) => cells.map((cell) => cell.dataset.value).join()"
    )


def wait_for_text(url: str, text: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8")
            if text in body:
                return body
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never contained {text!r}")


def test_dev_server_rebuilds_on_change(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    process = subprocess.Popen(
        [
            sys.executable,
            "serve.py",
            "--port",
            "0",
            "--content",
            str(content),
            "--out",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = None
        for line in process.stdout:
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match:
                url = match.group(0)
                break
        assert url, "serve.py printed no URL"
        first = wait_for_text(url, "/__reload.js")
        assert "Understanding Transformer Attention" in first

        # Save by replacing the file, as many editors do.
        section = sorted(content.glob("*.md"))[-1]
        text = section.read_text(encoding="utf-8")
        replacement = section.with_suffix(".tmp")
        replacement.write_text(
            text.replace("title: ", "title: Freshly edited ", 1), encoding="utf-8"
        )
        replacement.replace(section)
        wait_for_text(url, "Freshly edited")

        section.write_text(
            text.replace("title: ", "title: Edited again ", 1), encoding="utf-8"
        )
        wait_for_text(url, "Edited again")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_undefined_template_variable_keeps_site(tmp_path, monkeypatch, caplog):
    import build

    out = tmp_path / "site"
    build.build(build.CONTENT_DIR, out)
    before = tree_digest(out)

    templates = tmp_path / "templates"
    shutil.copytree(build.TEMPLATES_DIR, templates)
    footer = templates / "footer.html"
    footer.write_text(
        footer.read_text(encoding="utf-8") + "{{ no_such_value }}\n", encoding="utf-8"
    )
    monkeypatch.setattr(build, "TEMPLATES_DIR", templates)

    assert build.main(["--out", str(out)]) == 1
    errors = [record.getMessage() for record in caplog.records]
    assert any("footer.html" in error and "no_such_value" in error for error in errors)
    assert tree_digest(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site", "templates"]


# What a static host sends for the first view: text files gzipped, the binary
# weight shard as it is. benchmarks/run.py measures the same budget from the
# files the browser actually fetches.
FIRST_VIEW_BUDGET = 250_000


def static_imports(script: Path) -> set[Path]:
    """Return a bundle and the chunks it imports statically, transitively."""
    found, pending = set(), [script]
    while pending:
        path = pending.pop()
        if path in found:
            continue
        found.add(path)
        source = path.read_text(encoding="utf-8")
        # Static imports only: `import(...)` loads on demand.
        for target in re.findall(r'(?:from|import)\s*"(\./[^"]+\.js)"', source):
            pending.append((path.parent / target).resolve())
    return found


def test_first_view_fits_budget(built_site):
    import gzip
    import json

    model_json = json.loads((built_site / "model" / "model.json").read_text())
    shards = [
        built_site / "model" / name
        for group in model_json["weightsManifest"]
        for name in group["paths"]
    ]
    text_files = [
        built_site / "index.html",
        built_site / "assets" / "style.css",
        built_site / "model" / "model.json",
        built_site / "model" / "tokenizer.json",
        *static_imports((built_site / "assets" / "app.js").resolve()),
    ]

    assert len(text_files) > 5
    sent = sum(len(gzip.compress(path.read_bytes(), 9, mtime=0)) for path in text_files)
    sent += sum(path.stat().st_size for path in shards)
    assert sent <= FIRST_VIEW_BUDGET
