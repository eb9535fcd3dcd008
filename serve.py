"""Serve the site on 127.0.0.1, rebuild it when a source changes, reload the page.

Usage: python serve.py [--port 8000] [--out site] [--content content]
(or `make serve`)

The first build runs before the server starts. After that, watchfiles reports
changes under content/, site_templates/, js/, model/, figures/, walkthrough/
and to the top-level Python files. Each batch of changes triggers one rebuild.
The rebuild runs in a new Python process, so edits to the build's own code
take effect. A failed rebuild is logged and the previous site stays served.
Pages served here get one extra script, /__reload.js, which listens on
/__events (server-sent events) and reloads the page after each successful
rebuild; the files in site/ are never changed for it, so what `make build`
writes is exactly what gets published.
"""

import argparse
import functools
import http.server
import logging
import subprocess
import sys
import threading
from pathlib import Path

import watchfiles

import build

logger = logging.getLogger("serve")


WATCHED_FOLDERS = ("site_templates", "js", "model", "figures", "walkthrough")


class SourceFilter(watchfiles.DefaultFilter):
    """Accept changes to the sources of the site and nothing else.

    Folders are watched instead of single files, because many editors save
    by replacing a file, after which a watch on the old file reports nothing.
    """

    def __init__(self, content_dir: Path):
        super().__init__()
        self.content_dir = content_dir.resolve()

    def __call__(self, change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        resolved = Path(path).resolve()
        if resolved.is_relative_to(self.content_dir):
            return True
        try:
            relative = resolved.relative_to(build.ROOT)
        except ValueError:
            return False
        if len(relative.parts) == 1:
            return relative.suffix == ".py"
        return relative.parts[0] in WATCHED_FOLDERS


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
    """Build into out_dir in a fresh interpreter; return False when it fails.

    A fresh process picks up edits to the build's own Python code, which an
    import in this long-running one would keep stale.
    """
    command = [sys.executable, str(build.ROOT / "build.py")]
    command += ["--content", str(content_dir), "--out", str(out_dir)]
    completed = subprocess.run(command, cwd=build.ROOT, check=False)
    if completed.returncode != 0:
        logger.error("build failed, still serving the previous site (see above)")
        return False
    return True


def watch_and_rebuild(
    content_dir: Path, out_dir: Path, builds: BuildCounter, stop: threading.Event
):
    """Rebuild after each batch of source changes, one build at a time.

    The source folders are watched recursively, the repository root only for
    its own files: a recursive watch of the root would also register every
    folder of .venv/ and node_modules/.
    """
    lock = threading.Lock()
    source_filter = SourceFilter(content_dir)
    folders = [content_dir, *(build.ROOT / name for name in WATCHED_FOLDERS)]

    def watch(paths, recursive):
        batches = watchfiles.watch(
            *paths,
            watch_filter=source_filter,
            recursive=recursive,
            stop_event=stop,
            debounce=300,
        )
        for changes in batches:
            names = sorted({Path(path).name for _, path in changes})
            logger.info("changed: %s; rebuilding", ", ".join(names))
            with lock:
                if rebuild(content_dir, out_dir):
                    builds.increment()

    root_watcher = threading.Thread(
        target=watch, args=([build.ROOT], False), daemon=True
    )
    root_watcher.start()
    watch([folder for folder in folders if folder.is_dir()], True)


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
