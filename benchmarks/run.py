"""Time the live demo in headless Chromium and write docs/benchmarks.md.

Usage: .venv/bin/python benchmarks/run.py [--site DIR] [--output FILE]
                                          [--loads N] [--keystrokes N]

`make bench` runs it after `make build`. It serves the built site on
127.0.0.1 and measures, in Chromium ($CHROMIUM or `chromium` on PATH):

- the first view: time from navigation to the first live matrices, the
  model's load time, and the bytes of every file the first view fetches,
  raw, gzip-compressed at level 9, and as sent (gzip for text files, raw
  for the binary weight shard), over --loads cold page loads;
- each live update while typing at the end of a 12-token and a 32-token
  sentence, on the CPU and the WebGL backend. The page's User Timing
  measures give "attention-update" (input event to matrices drawn) and
  "attention-forward" (the model's share). The Event Timing API gives the
  time from each input event to the next paint;
- the same forward pass in plain JavaScript (benchmarks/reference_forward.js,
  Float32Array loops over the same model files), in the same page.

The numbers depend on the machine and its load, which the report records.
"""

import argparse
import contextlib
import datetime
import functools
import gzip
import http.server
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_SCRIPT = Path(__file__).resolve().parent / "reference_forward.js"

# Without these, Chromium contacts Google's services at start-up; as root it
# needs --no-sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Words in the model's vocabulary, from which sentences of an exact token
# count are cut.
WORDS = (
    "the animal did not cross the street because it was too tired and the "
    "dog that the cat saw ran to the park near the old house where the "
    "children played with a red ball after school on a warm day in the "
    "summer while their parents talked about the weather and the news"
).split()

TARGETS = {
    "first_live_ms": 1000,
    "update_median_ms": 16,
    "update_p95_ms": 33,
    "first_view_sent_bytes": 250_000,
}

# Suffixes of the text files that a static host such as GitHub Pages sends
# gzip-compressed. Binary files, among them the weight shard (*.bin, served
# as application/octet-stream), count at their raw size.
COMPRESSED_SUFFIXES = {".html", ".js", ".css", ".json", ".svg", ".txt"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 at a free port; yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        sys.exit(
            "benchmarks/run.py: Chromium not found; install Debian's chromium "
            "package or set CHROMIUM to its binary"
        )
    return path


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of values (fraction in 0..1)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: list[float]) -> dict:
    return {
        "count": len(values),
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "max": max(values),
    }


def measure_first_view(browser, base_url: str, site: Path, loads: int) -> dict:
    """Load the page cold `loads` times; time it and size what it fetched."""
    times, model_loads, files = [], [], {}
    for _ in range(loads):
        context = browser.new_context()
        page = context.new_page()
        fetched = []
        page.on("request", lambda request, fetched=fetched: fetched.append(request.url))
        page.goto(base_url)
        page.evaluate("async () => { await attentionDemo.ready; }")
        entries = page.evaluate(
            """() => ({
              firstLive:
                performance.getEntriesByName("attention-first-draw")[0].startTime,
              modelLoad: performance.getEntriesByName("model-load")[0].duration,
            })"""
        )
        times.append(entries["firstLive"])
        model_loads.append(entries["modelLoad"])
        for url in fetched:
            path = urllib.parse.urlparse(url).path.lstrip("/") or "index.html"
            file = site / path
            if file.is_file():
                data = file.read_bytes()
                compressed = len(gzip.compress(data, compresslevel=9, mtime=0))
                files[path] = {
                    "raw": len(data),
                    "gzip": compressed,
                    "sent": (
                        compressed if file.suffix in COMPRESSED_SUFFIXES else len(data)
                    ),
                }
        context.close()
    return {
        "first_live_ms": summary(times),
        "model_load_ms": summary(model_loads),
        "files": dict(sorted(files.items())),
        "total_raw": sum(file["raw"] for file in files.values()),
        "total_gzip": sum(file["gzip"] for file in files.values()),
        "total_sent": sum(file["sent"] for file in files.values()),
    }


def measure_on_demand(site: Path, first_view_files) -> dict:
    """Size, gzip -9, the script chunks that the first view did not fetch.

    build.py bundles with esbuild's code splitting, so what main.js loads with
    import() (the WebGL backend, the step-through, the explorer) waits in
    assets/chunks/ until a reader needs it.
    """
    sizes = {}
    for path in sorted((site / "assets" / "chunks").glob("*.js")):
        name = path.relative_to(site).as_posix()
        if name not in first_view_files:
            sizes[name] = len(gzip.compress(path.read_bytes(), 9, mtime=0))
    return {"files": sizes, "total_gzip": sum(sizes.values())}


def sentence_of(page, length: int) -> str:
    """Return a sentence of WORDS that the tokenizer splits into `length` tokens."""
    words = []
    for word in WORDS * 3:
        candidate = " ".join([*words, word])
        count = page.evaluate(
            "(text) => attentionDemo.encode(text).ids.length", candidate
        )
        if count <= length:
            words.append(word)
        if count == length:
            return candidate
    raise RuntimeError(f"could not build a sentence of {length} tokens from WORDS")


def measure_typing(page, sentence: str, keystrokes: int, pause_ms: int) -> dict:
    """Type and delete a letter at the end of sentence; time each update."""
    page.fill("#sentence", sentence)
    page.wait_for_function(
        """(text) => {
          const tables = [...document.querySelectorAll("table.attention-matrix")];
          const tokens = attentionDemo.encode(text).tokens;
          const labels = [...tables[0].querySelectorAll("tbody th")]
            .map((th) => th.textContent);
          return tables.every((t) => t.dataset.source === "live")
            && JSON.stringify(labels) === JSON.stringify(tokens);
        }""",
        arg=sentence,
    )
    page.evaluate(
        """() => {
          performance.clearMeasures();
          globalThis.benchmarkInputEvents = [];
          globalThis.benchmarkObserver?.disconnect();
          globalThis.benchmarkObserver = new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) {
              if (entry.name === "input") benchmarkInputEvents.push(entry.duration);
            }
          });
          benchmarkObserver.observe({ type: "event", durationThreshold: 16 });
        }"""
    )
    page.focus("#sentence")
    page.keyboard.press("End")
    for index in range(keystrokes):
        if index % 2 == 0:
            page.keyboard.type("x")
        else:
            page.keyboard.press("Backspace")
        page.wait_for_timeout(pause_ms)

    measures = page.evaluate(
        """() => Object.fromEntries(
          ["attention-update", "attention-forward", "attention-hidden-tables"].map(
            (name) => [
              name,
              performance.getEntriesByName(name).map((entry) => entry.duration),
            ]))"""
    )
    # The API reports only durations of 16 ms or more; a keystroke without
    # an entry counts as 0, which the report prints as "< 16 ms".
    paints = page.evaluate("() => benchmarkInputEvents")
    paints += [0.0] * max(0, keystrokes - len(paints))
    tokens = page.evaluate("(text) => attentionDemo.encode(text).ids.length", sentence)
    return {
        "tokens": tokens,
        "update_ms": summary(measures["attention-update"]),
        "forward_ms": summary(measures["attention-forward"]),
        "hidden_tables_ms": summary(measures["attention-hidden-tables"] or [0.0]),
        "paint_ms": summary(paints),
    }


def measure_reference(page, sentences: dict[int, str], iterations: int) -> dict:
    """Time the plain-JavaScript forward pass in the page, per sentence length."""
    # Wrapped in a function so that Playwright runs the file's statements
    # instead of taking its first function for the one to call.
    page.evaluate(f"() => {{\n{REFERENCE_SCRIPT.read_text(encoding='utf-8')}\n}}")
    results = page.evaluate(
        """async ([sentences, iterations]) => {
          const modelUrl = new URL("model/", document.baseURI);
          const reference = await loadReferenceModel(modelUrl);
          const results = {};
          for (const [length, sentence] of Object.entries(sentences)) {
            const ids = attentionDemo.encode(sentence).ids;
            for (let i = 0; i < 20; i++) reference.forward(ids);
            const times = [];
            for (let i = 0; i < iterations; i++) {
              const started = performance.now();
              reference.forward(ids);
              times.push(performance.now() - started);
            }
            const live = await attentionDemo.run(sentence);
            const floor = reference.forward(ids).attentionWeights;
            const difference = Math.max(...live.attention_weights.flat(3).map(
              (value, index) => Math.abs(value - floor[index])));
            results[length] = { times, difference };
          }
          return results;
        }""",
        [sentences, iterations],
    )
    return {
        int(length): {
            "forward_ms": summary(result["times"]),
            "max_difference": result["difference"],
        }
        for length, result in results.items()
    }


def machine_info(browser, page) -> dict:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    renderer = page.evaluate(
        """() => {
          const gl = document.createElement("canvas").getContext("webgl2");
          if (!gl) return "no WebGL 2";
          const info = gl.getExtension("WEBGL_debug_renderer_info");
          return info
            ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL)
            : gl.getParameter(gl.RENDERER);
        }"""
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "chromium": browser.version,
        "webgl": renderer,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def measure_build(runs: int) -> dict:
    """Time `build.py` from a fresh interpreter, `runs` times.

    The exported model is committed, so a build never trains or converts it:
    this is the time of an ordinary `make build` once its packages are
    installed (Markdown, figures, the JavaScript bundle, the copies).
    """
    seconds = []
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, str(ROOT / "build.py")]
                + ["--out", str(Path(scratch) / f"site-{index}")],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            seconds.append(time.perf_counter() - started)
    return {"runs": runs, "median_s": statistics.median(seconds), "min_s": min(seconds)}


def count_kernel_calls() -> int:
    """Return the kernel calls of one forward pass, as list_kernels.mjs counts."""
    result = subprocess.run(
        ["node", str(ROOT / "benchmarks" / "list_kernels.mjs")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"kernel calls per forward pass: (\d+)", result.stdout)
    if found is None:
        raise RuntimeError(
            "benchmarks/list_kernels.mjs printed no kernel count "
            f"(exit status {result.returncode}): {result.stderr.strip()[-500:]}"
        )
    return int(found.group(1))


def run(site: Path, loads: int, keystrokes: int) -> dict:
    from playwright.sync_api import sync_playwright

    results = {"load_average_start": os.getloadavg()}
    results["kernel_calls"] = count_kernel_calls()
    results["build"] = measure_build(runs=3)
    with serve(site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        results["first_view"] = measure_first_view(browser, base_url, site, loads)
        results["on_demand"] = measure_on_demand(site, results["first_view"]["files"])

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(base_url)
        page.evaluate("async () => { await attentionDemo.ready; }")
        results["machine"] = machine_info(browser, page)
        sentences = {length: sentence_of(page, length) for length in (12, 32)}
        results["sentences"] = sentences

        typing = {}
        for backend in ("cpu", "webgl"):
            if backend != "cpu":
                started = page.evaluate("() => performance.now()")
                page.evaluate(f"() => attentionDemo.setBackend('{backend}')")
                results["webgl_switch_ms"] = (
                    page.evaluate("() => performance.now()") - started
                )
            for length, sentence in sentences.items():
                typing[f"{backend}-{length}"] = measure_typing(
                    page, sentence, keystrokes, pause_ms=100
                )
        results["typing"] = typing
        page.evaluate("() => attentionDemo.setBackend('cpu')")
        results["reference"] = measure_reference(page, sentences, iterations=200)
        context.close()
        browser.close()
    results["load_average_end"] = os.getloadavg()
    return results


def verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "not met"


def paint_time(duration: float) -> str:
    return "< 16 ms" if duration < 16 else f"{duration:.0f} ms"


def kib(size: int) -> str:
    return f"{size / 1024:.1f} KiB"


def kilobytes(size: int) -> str:
    return f"{size / 1000:.1f} kB"


def target_rows(results: dict, loads: int) -> list[str]:
    """Return the Markdown rows that compare the measures with TARGETS."""
    first = results["first_view"]
    rows = [
        (
            f"Navigation to first live matrices (median of {loads} cold loads)",
            first["first_live_ms"]["median"],
            TARGETS["first_live_ms"],
            "{:.0f} ms",
        )
    ]
    for length in (12, 32):
        update = results["typing"][f"cpu-{length}"]["update_ms"]
        rows += [
            (
                f"Update per keystroke, {length} tokens, median",
                update["median"],
                TARGETS["update_median_ms"],
                "{:.1f} ms",
            ),
            (
                f"Update per keystroke, {length} tokens, p95",
                update["p95"],
                TARGETS["update_p95_ms"],
                "{:.1f} ms",
            ),
        ]
    lines = [
        f"| {name} | ≤ {unit.format(limit)} | {unit.format(value)} | "
        f"{verdict(value, limit)} |"
        for name, value, limit, unit in rows
    ]
    size, limit = first["total_sent"], TARGETS["first_view_sent_bytes"]
    lines.append(
        f"| First view as sent (text gzip -9, weights raw) | ≤ {kilobytes(limit)} | "
        f"{kilobytes(size)} | {verdict(size, limit)} |"
    )
    return lines


def format_report(results: dict, loads: int, keystrokes: int) -> str:
    machine = results["machine"]
    first = results["first_view"]
    typing = results["typing"]
    reference = results["reference"]
    on_demand = results["on_demand"]
    cpu32, gl32 = typing["cpu-32"], typing["webgl-32"]
    cpu12, gl12 = typing["cpu-12"], typing["webgl-12"]
    faster = (
        "CPU"
        if cpu32["update_ms"]["median"] <= gl32["update_ms"]["median"]
        else "WebGL"
    )
    start_load = ", ".join(f"{value:.2f}" for value in results["load_average_start"])
    end_load = ", ".join(f"{value:.2f}" for value in results["load_average_end"])

    lines = [
        "# Benchmarks",
        "",
        "How fast the live demo computes and draws attention, measured by",
        "`benchmarks/run.py` (`make bench`), which rewrites this page. The site is",
        "served on 127.0.0.1, so network time is close to zero and the first view's",
        "time is the browser's own work.",
        "",
        "## Machine",
        "",
        f"- Date: {machine['date']}",
        f"- CPU: {machine['cpu']}, {machine['cores']} cores ({machine['system']})",
        f"- Browser: headless Chromium {machine['chromium']}",
        f"- WebGL: {machine['webgl']}",
        f"- Load average (1, 5, 15 min) at the start: {start_load}; at the end: "
        f"{end_load}. Other work on the machine slows every number below.",
        "",
        "## Targets",
        "",
        "| Measure | Target | Measured | |",
        "| --- | --- | --- | --- |",
        *target_rows(results, loads),
        "",
        "The updates are those of the CPU backend, which the demo uses.",
        "",
        "## First view",
        "",
        f"Navigation to the first live matrices: median "
        f"{first['first_live_ms']['median']:.0f} ms, slowest "
        f"{first['first_live_ms']['max']:.0f} ms. Loading the model (`model-load`, "
        f"from the script's start to a loaded model): median "
        f"{first['model_load_ms']['median']:.0f} ms.",
        "",
        "| File | Bytes | gzip -9 | Sent |",
        "| --- | ---: | ---: | ---: |",
    ]
    for path, sizes in first["files"].items():
        lines.append(
            f"| `{path}` | {sizes['raw']:,} | {sizes['gzip']:,} | {sizes['sent']:,} |"
        )
    lines += [
        f"| Total | {first['total_raw']:,} | {first['total_gzip']:,} | "
        f"{first['total_sent']:,} |",
        "",
        "GitHub Pages sends text files (HTML, JavaScript, CSS, JSON) with gzip.",
        "The Sent column assumes it sends the binary weight shard, served as",
        "`application/octet-stream`, uncompressed, so the shard counts at its",
        "raw size; compressing it as well would save the difference between its",
        "two columns.",
        "",
        "Code that loads on demand with `import()` (the WebGL backend, the",
        "step-through, the explorer) sits in `assets/chunks/` and is not part of",
        f"the first view: {len(on_demand['files'])} files, "
        f"{kib(on_demand['total_gzip'])} gzip.",
        "",
        "## Typing",
        "",
        f"{keystrokes} keystrokes per row, 100 ms apart, alternately typing and",
        "deleting a letter at the end of the sentence, so the token count stays",
        "the same. `attention-update` runs from the input event until the selected",
        "head's table, all heads' images, the token strip and the line view are",
        "drawn; the other heads' tables are filled after the frame",
        "(`attention-hidden-tables`). Input to paint is the Event Timing API's",
        "duration of the input event: from the event until the next frame is",
        "presented, which adds style, layout, paint and the wait for the frame",
        "to the update. The API reports it in 8 ms steps and only from 16 ms up.",
        "",
        "| Backend | Tokens | Update median | Update p95 | Forward median | "
        "Forward p95 | Hidden tables median | Input to paint median | "
        "Input to paint p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, row in typing.items():
        backend = "CPU" if key.startswith("cpu") else "WebGL"
        cells = [
            backend,
            str(row["tokens"]),
            f"{row['update_ms']['median']:.1f} ms",
            f"{row['update_ms']['p95']:.1f} ms",
            f"{row['forward_ms']['median']:.1f} ms",
            f"{row['forward_ms']['p95']:.1f} ms",
            f"{row['hidden_tables_ms']['median']:.1f} ms",
            paint_time(row["paint_ms"]["median"]),
            paint_time(row["paint_ms"]["p95"]),
        ]
        lines.append(f"| {' | '.join(cells)} |")
    lines += [
        "",
        "Sentences:",
        "",
    ]
    for length, sentence in results["sentences"].items():
        lines.append(f"- {length} tokens: “{sentence}”")
    lines += [
        "",
        "## Plain-JavaScript floor",
        "",
        "The same forward pass as Float32Array loops over the same model files",
        "(`benchmarks/reference_forward.js`), in the same page, 200 runs after 20",
        "warm-up runs. It computes only what the demo draws from the model (the",
        "attention weights and each layer's output), with no TensorFlow.js",
        "overhead, so it bounds how fast the model part of an update could be.",
        f"TF.js runs {results['kernel_calls']} kernels per forward pass, each "
        "through the graph",
        "executor and the engine's tensor bookkeeping; in a CPU profile of",
        "typing, that per-kernel work outweighs the arithmetic.",
        "",
        "| Tokens | Plain JS median | Plain JS p95 | TF.js CPU forward median | "
        "Largest difference from TF.js |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for length, row in reference.items():
        tf_forward = typing[f"cpu-{length}"]["forward_ms"]["median"]
        lines.append(
            f"| {length} | {row['forward_ms']['median']:.2f} ms | "
            f"{row['forward_ms']['p95']:.2f} ms | {tf_forward:.1f} ms | "
            f"{row['max_difference']:.1e} |"
        )
    build = results["build"]
    lines += [
        "",
        "## Build",
        "",
        f"`python build.py` from a fresh interpreter, {build['runs']} runs, with the",
        "exported model taken from `model/web/` as committed (no training or",
        f"conversion): median {build['median_s']:.1f} s, fastest "
        f"{build['min_s']:.1f} s. Retraining and exporting (`make model`) is",
        "separate and takes about a minute and a half on this machine.",
    ]
    lines += [
        "",
        "## Backend",
        "",
        f"On this machine the {faster} backend updates faster: with 32 tokens, "
        f"median {cpu32['update_ms']['median']:.1f} ms on the CPU against "
        f"{gl32['update_ms']['median']:.1f} ms with WebGL, and with 12 tokens "
        f"{cpu12['update_ms']['median']:.1f} ms against "
        f"{gl12['update_ms']['median']:.1f} ms. Switching to WebGL took "
        f"{results['webgl_switch_ms']:.0f} ms (starting the backend and compiling "
        "its shaders on the first update).",
        "",
        "Chromium here renders WebGL in software (SwiftShader), which favors the",
        f"CPU. On a real GPU, most of the {results['kernel_calls']} kernel calls "
        "of a forward pass",
        "still run as separate shader passes on tiny tensors",
        "(`node benchmarks/list_kernels.mjs` counts the calls). The 11 outputs",
        "are also read back every keystroke, so the CPU is expected to stay",
        "ahead for a model this small.",
        "That is an estimate, not a measurement on GPU hardware. The demo starts",
        "on the CPU (`BACKEND_PREFERENCE` in `js/model.js`) and loads the WebGL",
        "backend only when the CPU backend cannot start or the console API asks",
        'for it (`attentionDemo.setBackend("webgl")`).',
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--site", type=Path, default=ROOT / "site", help="built site (default: site/)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "docs" / "benchmarks.md",
        help="report to write (default: docs/benchmarks.md)",
    )
    parser.add_argument(
        "--loads", type=int, default=5, help="cold page loads to time (default: 5)"
    )
    parser.add_argument(
        "--keystrokes",
        type=int,
        default=100,
        help="keystrokes per sentence and backend (default: 100)",
    )
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(
            f"benchmarks/run.py: {args.site}/index.html not found; run `make build`",
            file=sys.stderr,
        )
        return 1

    results = run(args.site, args.loads, args.keystrokes)
    args.output.write_text(
        format_report(results, args.loads, args.keystrokes), encoding="utf-8"
    )
    print(json.dumps(results, indent=1))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
