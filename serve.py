"""Serve the site on 127.0.0.1, rebuild it when a source changes, reload the page.

Usage: python serve.py [--port 8000] [--out site] [--content content]
(or `make serve`)

The first build runs before the server starts. After that, watchfiles reports
changes under content/, site_templates/, js/, model/, figures/, walkthrough/
and the build's own top-level Python files; each batch of changes triggers
one rebuild. A failed rebuild is
logged and the previous site stays served. Pages served here get one extra
script, /__reload.js, which listens on /__events (server-sent events) and
reloads the page after each successful rebuild; the files in site/ are never
changed for it, so what `make build` writes is exactly what gets published.
"""

import argparse
import functools
import http.server
import logging
import threading
from pathlib import Path

import watchfiles

import build

logger = logging.getLogger("serve")


def watched_paths(content_dir: Path) -> list[Path]:
    """Return the sources whose changes trigger a rebuild."""
    root = build.ROOT
    folders = [content_dir, build.TEMPLATES_DIR, root / "js", root / "model"]
    folders += [root / "figures", root / "walkthrough"]
    return [*folders, *sorted(root.glob("*.py"))]


RELOAD_SCRIPT = b"""new EventSource("/__events").addEventListener("build", () => {
  location.reload();
});
"""


class BuildCounter:
    """The number of successful builds, with a condition to wait for the next."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def increment(self):
        with self.changed:
            self.count += 1
            self.changed.notify_all()

    def wait_past(self, count: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.count > count, timeout)
            return self.count


class DevRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serves site/, plus the reload script and the build event stream."""

    builds: BuildCounter

    def do_GET(self):
        if self.path == "/__reload.js":
            self.send_bytes(RELOAD_SCRIPT, "text/javascript")
        elif self.path == "/__events":
            self.stream_build_events()
        elif self.page_path() is not None:
            page = self.page_path().read_bytes()
            tag = b'<script type="module" src="/__reload.js"></script></body>'
            self.send_bytes(page.replace(b"</body>", tag), "text/html; charset=utf-8")
        else:
            super().do_GET()

    def page_path(self) -> Path | None:
        """Return the HTML file this request names, or None for anything else."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        return path if path.suffix == ".html" and path.is_file() else None

    def send_bytes(self, body: bytes, content_type: str):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def stream_build_events(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.builds.count
        try:
            while True:
                latest = self.builds.wait_past(seen, timeout=15)
                message = (
                    b"event: build\ndata: \n\n" if latest > seen else b": ping\n\n"
                )
                self.wfile.write(message)
                self.wfile.flush()
                seen = latest
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):
        logger.debug("%s %s", self.address_string(), format % args)


def rebuild(content_dir: Path, out_dir: Path) -> bool:
    """Build into out_dir; log and return False when the build fails."""
    try:
        build.build(content_dir, out_dir)
    except build.BuildError as error:
        logger.error("build failed, still serving the previous site: %s", error)
        return False
    return True


def watch_and_rebuild(
    content_dir: Path, out_dir: Path, builds: BuildCounter, stop: threading.Event
):
    paths = watched_paths(content_dir)
    for changes in watchfiles.watch(*paths, stop_event=stop, debounce=300):
        names = sorted({Path(path).name for _, path in changes})
        logger.info("changed: %s; rebuilding", ", ".join(names))
        if rebuild(content_dir, out_dir):
            builds.increment()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=8000, help="TCP port (default 8000)"
    )
    parser.add_argument(
        "--out", type=Path, default=build.ROOT / "site", help="site folder"
    )
    parser.add_argument(
        "--content", type=Path, default=build.CONTENT_DIR, help="content folder"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    if not rebuild(args.content, args.out):
        return 1
    builds = BuildCounter()
    handler = functools.partial(DevRequestHandler, directory=str(args.out))
    DevRequestHandler.builds = builds
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    server.daemon_threads = True

    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_and_rebuild,
        args=(args.content, args.out, builds, stop),
        daemon=True,
    )
    watcher.start()
    print(f"Serving {args.out} on http://127.0.0.1:{server.server_port}/", flush=True)
    print("Edits to the sources rebuild the site; Ctrl-C stops.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
