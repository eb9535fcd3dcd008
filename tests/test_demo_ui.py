"""The live demo's layout, empty states and navigation, at the widths and in
the color schemes that readers use, in headless Chromium."""

import base64
import json
import math
import time

import numpy as np
import pytest

from tests.conftest import QuietHandler, serve_directory
from tests.test_demo import open_demo, replace_text, wait_live

# Decodes a PNG data URL inside the page and returns its size and its pixels
# as a flat RGBA list, so screenshots can be checked without an imaging
# library.
DECODE_PNG = """async (url) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  return { width: image.width, height: image.height, data: Array.from(data) };
}"""

# The color of .heat-0 in style.css, the lowest step of the heat scale.
HEAT_0 = (0x44, 0x01, 0x54)


@pytest.fixture
def new_page(browser):
    """Return a factory of pages in contexts with the given options, each of
    which records console errors and uncaught exceptions in `page.errors`."""
    contexts = []

    def create(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on(
            "console",
            lambda message: (
                message.type == "error" and page.errors.append(message.text)
            ),
        )
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield create
    for context in contexts:
        context.close()


def screenshot_pixels(page, locator):
    """Return the on-screen pixels of `locator` as a (height, width, 3) array."""
    png = locator.screenshot(animations="disabled")
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    image = page.evaluate(DECODE_PNG, url)
    data = np.array(image["data"], dtype=float)
    return data.reshape(image["height"], image["width"], 4)[:, :, :3]


def share_near(pixels, color, tolerance=24):
    """Return the share of pixels within `tolerance` of an RGB color."""
    rgb = pixels.reshape(-1, 3)
    distance = np.linalg.norm(rgb - np.array(color, dtype=float), axis=1)
    return float(np.mean(distance <= tolerance))


# Attention matrix: scroll cues at a phone's width


def cue_opacities(page):
    """Return the opacity of the matrix's start and end scroll cues."""
    return page.evaluate(
        """() => {
          const frame = document.querySelector(".attention-scroll");
          return {
            start: Number(getComputedStyle(frame, "::before").opacity),
            end: Number(getComputedStyle(frame, "::after").opacity),
          };
        }"""
    )


def wait_for_cues(page, start, end):
    page.wait_for_function(
        """([start, end]) => {
          const frame = document.querySelector(".attention-scroll");
          return Number(getComputedStyle(frame, "::before").opacity) === start
            && Number(getComputedStyle(frame, "::after").opacity) === end;
        }""",
        arg=[start, end],
    )


def end_edge_change(page):
    """Return how much the end cue changes the pixels at the matrix's end edge,
    as the mean difference per channel over the cue's width."""
    frame = page.locator(".attention-scroll")
    width = round(
        page.evaluate(
            """() => parseFloat(getComputedStyle(
              document.querySelector(".attention-scroll"), "::after").width)"""
        )
    )
    with_cue = screenshot_pixels(page, frame)[:, -width:]
    style = page.add_style_tag(
        content=".attention-scroll::after { opacity: 0 !important; }"
    )
    without_cue = screenshot_pixels(page, frame)[:, -width:]
    style.evaluate("(element) => element.remove()")
    return float(np.mean(np.abs(with_cue - without_cue)))


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_narrow_matrix_shows_scroll_cues(new_page, site_url, color_scheme):
    page = new_page(
        viewport={"width": 360, "height": 800},
        color_scheme=color_scheme,
        reduced_motion="reduce",
    )
    open_demo(page, site_url, "#s=The+animal+didn%27t+cross+the+street+because+it")
    grid = page.locator("#attention-matrices")
    assert grid.evaluate("(box) => box.scrollWidth > box.clientWidth + 20")
    assert grid.get_attribute("role") == "region"
    assert grid.get_attribute("aria-label") == "Attention matrices"
    assert grid.get_attribute("tabindex") == "0"

    wait_for_cues(page, start=0, end=1)
    assert end_edge_change(page) > 10

    page.focus("#head-picker input:checked")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "attention-matrices"
    for _ in range(40):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """() => {
          const box = document.querySelector("#attention-matrices");
          return box.scrollLeft >= box.scrollWidth - box.clientWidth - 1;
        }"""
    )
    wait_for_cues(page, start=1, end=0)

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    wait_for_cues(page, start=1, end=1)
    assert page.errors == []


def test_wide_matrix_shows_no_scroll_cues(new_page, site_url):
    page = new_page(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    open_demo(page, site_url, "#s=The+cat+sat.")
    grid = page.locator("#attention-matrices")
    assert grid.evaluate("(box) => box.scrollWidth <= box.clientWidth")
    wait_for_cues(page, start=0, end=0)
    assert grid.get_attribute("tabindex") is None
    assert cue_opacities(page) == {"start": 0, "end": 0}
    assert page.errors == []


# Head picker: empty state


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_head_thumbnails_empty_without_tokens(new_page, site_url, color_scheme):
    page = new_page(color_scheme=color_scheme)
    open_demo(page, site_url)
    thumbnails = page.locator("#head-picker canvas")
    count = thumbnails.count()
    assert count > 0

    replace_text(page, "")
    page.wait_for_function(
        "() => document.querySelectorAll('table.attention-matrix').length === 0"
    )
    for index in range(count):
        pixels = screenshot_pixels(page, thumbnails.nth(index))
        assert share_near(pixels, HEAT_0) == 0.0, f"thumbnail {index}"
    assert page.locator("#head-picker").get_attribute("data-empty") is not None

    replace_text(page, "The cat sat on the mat.")
    wait_live(page)
    pixels = screenshot_pixels(page, thumbnails.first)
    assert share_near(pixels, HEAT_0) > 0.2
    assert page.locator("#head-picker").get_attribute("data-empty") is None
    assert page.errors == []


def test_empty_sentence_hides_matrix_legends(page, site_url):
    def visibility():
        return page.evaluate(
            """() => ["#line-view", ".heat-legend"]
              .map((selector) => document.querySelector(selector))
              .map((element) => getComputedStyle(element).visibility)"""
        )

    open_demo(page, site_url)
    assert visibility() == ["visible", "visible"]
    replace_text(page, "")
    page.wait_for_function(
        "() => document.querySelectorAll('table.attention-matrix').length === 0"
    )
    assert visibility() == ["hidden", "hidden"]
    replace_text(page, "The cat sat.")
    wait_live(page)
    assert visibility() == ["visible", "visible"]
    assert page.errors == []


# History: quick changes share one entry


def read_view(page):
    """Return the view that the page shows: sentence, layer, head and mask."""
    return page.evaluate(
        """() => {
          const table = document.querySelector("table.attention-matrix:not([hidden])");
          const radio = document.querySelector("#head-picker input:checked");
          return {
            sentence: document.querySelector("#sentence").value,
            layer: Number(table.dataset.layer),
            head: Number(table.dataset.head),
            radio: [Number(radio.dataset.layer), Number(radio.dataset.head)],
            mask: document.querySelector("#causal-mask").checked,
          };
        }"""
    )


def wait_for_view(page, layer, head, mask):
    page.wait_for_function(
        """([layer, head, mask]) => {
          const table = document.querySelector("table.attention-matrix:not([hidden])");
          return table !== null
            && table.dataset.layer === String(layer)
            && table.dataset.head === String(head)
            && document.querySelector("#causal-mask").checked === mask;
        }""",
        arg=[layer, head, mask],
    )


def history_length(page):
    return page.evaluate("() => history.length")


# Longer than the window in which head changes share one history entry.
PAUSE_MS = 1300


def test_arrowing_through_heads_adds_one_entry(page, site_url):
    open_demo(page, site_url)
    sentence = "The cat sat on the mat."
    replace_text(page, sentence)
    wait_live(page)
    start = history_length(page)
    page.check("#causal-mask")
    page.wait_for_function("() => location.hash.includes('mask=1')")
    assert history_length(page) == start + 1
    page.wait_for_timeout(PAUSE_MS)

    page.focus('#head-picker input[data-layer="0"][data-head="0"]')
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    wait_for_view(page, layer=1, head=3, mask=True)
    page.wait_for_function("() => location.hash.includes('layer=2&head=4')")
    assert history_length(page) == start + 2

    page.wait_for_timeout(PAUSE_MS)
    page.keyboard.press("ArrowLeft")
    wait_for_view(page, layer=1, head=2, mask=True)
    assert history_length(page) == start + 3

    page.go_back()
    wait_for_view(page, layer=1, head=3, mask=True)
    view = read_view(page)
    assert view["radio"] == [1, 3]
    assert view["sentence"] == sentence

    page.go_back()
    wait_for_view(page, layer=0, head=0, mask=True)
    view = read_view(page)
    assert view["radio"] == [0, 0]
    assert view["sentence"] == sentence

    page.go_back()
    wait_for_view(page, layer=0, head=0, mask=False)
    assert read_view(page)["sentence"] == sentence
    assert page.errors == []


def test_head_change_after_back_adds_entry(page, site_url):
    open_demo(page, site_url)
    start = history_length(page)
    page.get_by_role("radio", name="Layer 1, head 2").check()
    wait_for_view(page, layer=0, head=1, mask=False)
    page.go_back()
    wait_for_view(page, layer=0, head=0, mask=False)

    # Right after going back, a new choice must not overwrite the entry that
    # the reader went back to.
    page.get_by_role("radio", name="Layer 1, head 3").check()
    wait_for_view(page, layer=0, head=2, mask=False)
    page.wait_for_function("() => location.hash.includes('head=3')")
    assert history_length(page) == start + 1
    page.go_back()
    wait_for_view(page, layer=0, head=0, mask=False)
    assert page.errors == []


# Positional-encoding explorer: labels and the angle of M_k


def open_explorer(page, site_url):
    page.goto(site_url)
    page.click("#pe-explorer summary")
    page.wait_for_selector("#pe-explorer .pe-body:not([hidden])")


def set_slider(page, selector, value):
    """Move a range input to `value` with the keyboard, as a reader would."""
    page.focus(selector)
    page.keyboard.press("Home")
    for _ in range(value - int(page.input_value(selector))):
        page.keyboard.press("ArrowRight")
    assert int(page.input_value(selector)) == value


@pytest.mark.parametrize("pair", [0, 2, 15])
@pytest.mark.parametrize("offset", [1, 7, 32])
def test_explorer_angle_within_one_turn(page, site_url, built_site, pair, offset):
    data = json.loads((built_site / "assets" / "pe-explorer.json").read_text())
    open_explorer(page, site_url)
    set_slider(page, "#pe-pair", pair)
    set_slider(page, "#pe-offset", offset)

    readout = page.locator('#pe-explorer [data-readout="angle"]')
    angle = float(readout.get_attribute("data-value"))
    turns = int(readout.get_attribute("data-turns"))
    frequency = 1 / 10000 ** (2 * pair / data["d_model"])
    total = offset * frequency
    assert 0 <= angle < 2 * math.pi
    assert turns == math.floor(total / (2 * math.pi))
    assert turns * 2 * math.pi + angle == pytest.approx(total, abs=1e-4)

    text = readout.text_content()
    assert text.startswith(f"{angle:.4f} rad")
    assert "−" not in text
    if turns == 0:
        assert "turn" not in text
    else:
        assert f"plus {turns} full turn" in text
    assert page.errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_explorer_axis_labels_do_not_overlap(new_page, site_url, width):
    page = new_page(viewport={"width": width, "height": 900})
    open_explorer(page, site_url)
    boxes = page.eval_on_selector_all(
        "#pe-explorer svg.pe-waves text",
        """(texts) => texts.map((text) => {
          const box = text.getBoundingClientRect();
          return {
            text: text.textContent,
            left: box.left, right: box.right, top: box.top, bottom: box.bottom,
          };
        })""",
    )
    for index, first in enumerate(boxes):
        for second in boxes[index + 1 :]:
            overlap = (
                first["left"] < second["right"]
                and second["left"] < first["right"]
                and first["top"] < second["bottom"]
                and second["top"] < first["bottom"]
            )
            assert not overlap, (first["text"], second["text"])

    # The axis title sits on its own line under the tick labels, so no font
    # or label length can make them meet.
    title = next(box for box in boxes if box["text"] == "position")
    last_tick = next(box for box in boxes if box["text"] == "63")
    assert title["top"] >= last_tick["bottom"]
    assert page.errors == []


# Figures at a phone's width

READ_FIGURE_TEXT = """(svg) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll("text")].map(
    (text) => parseFloat(getComputedStyle(text).fontSize) * scale);
  const box = svg.closest(".figure-scroll");
  return {
    id: svg.closest("figure").id,
    smallest: Math.min(...sizes),
    tabIndex: box.tabIndex,
    scrolls: box.scrollWidth > box.clientWidth,
  };
}"""

# The smallest text size, in CSS pixels, that a figure may show.
MIN_FIGURE_TEXT_PX = 10


@pytest.mark.parametrize("javascript", [True, False])
def test_narrow_figures_keep_text_legible(new_page, site_url, javascript):
    page = new_page(
        viewport={"width": 360, "height": 800}, java_script_enabled=javascript
    )
    page.goto(site_url)
    figures = page.locator("svg.figure-svg")
    assert figures.count() > 0

    for index in range(figures.count()):
        figure = figures.nth(index).evaluate(READ_FIGURE_TEXT)
        assert figure["smallest"] >= MIN_FIGURE_TEXT_PX - 0.05, figure["id"]
        assert figure["tabIndex"] == 0, figure["id"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert page.errors == []


def test_narrow_figure_scrolls_by_keyboard(new_page, site_url):
    page = new_page(viewport={"width": 360, "height": 800})
    page.goto(site_url)
    boxes = page.locator(".figure-scroll")
    wide = [
        index
        for index in range(boxes.count())
        if boxes.nth(index).evaluate("(box) => box.scrollWidth > box.clientWidth")
    ]
    assert wide

    box = boxes.nth(wide[0])
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(box) => box.scrollLeft > 0", arg=box.element_handle())
    assert page.errors == []


# Shared links: the demo at the top of the viewport

SHARED_FRAGMENT = "#s=The+cat+sat+on+the+mat.&layer=2&head=3&mask=0"

DEMO_TOP = "() => document.querySelector('#demo').getBoundingClientRect().top"

# Resolves once fonts have loaded and two more frames have been drawn.
AFTER_LAYOUT = """() => document.fonts.ready.then(() => new Promise((resolve) =>
  requestAnimationFrame(() => requestAnimationFrame(resolve))))"""

# Grows the paragraph before the demo by 240 px shortly after the document
# is parsed, as a late font or MathML layout would. Scroll anchoring is off,
# so that the browser cannot do the script's realignment in its place.
SHIFT_ABOVE_DEMO = """
document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.style.overflowAnchor = "none";
  setTimeout(() => {
    const demo = document.getElementById("demo");
    let above = demo.previousElementSibling;
    while (above && above.getBoundingClientRect().height === 0) {
      above = above.previousElementSibling;
    }
    above.style.paddingTop = "240px";
    above.dataset.shifted = "";
  }, 100);
});
"""


@pytest.mark.parametrize("width", [1280, 360])
def test_shared_link_puts_demo_at_top(new_page, site_url, width):
    page = new_page(viewport={"width": width, "height": 800})
    page.goto(site_url + SHARED_FRAGMENT)
    wait_live(page)
    page.evaluate(AFTER_LAYOUT)
    assert abs(page.evaluate(DEMO_TOP)) <= 3

    page.wait_for_timeout(1000)
    assert abs(page.evaluate(DEMO_TOP)) <= 3
    assert page.errors == []


@pytest.mark.parametrize("width", [1280, 360])
def test_shared_link_survives_shift_above(new_page, slow_model_url, width):
    page = new_page(viewport={"width": width, "height": 800})
    page.add_init_script(SHIFT_ABOVE_DEMO)
    page.goto(slow_model_url + SHARED_FRAGMENT)
    page.wait_for_selector("[data-shifted]", state="attached")
    page.evaluate(AFTER_LAYOUT)
    assert page.get_attribute("table.attention-matrix", "data-source") == "static"
    assert abs(page.evaluate(DEMO_TOP)) <= 3

    wait_live(page)
    page.evaluate(AFTER_LAYOUT)
    assert abs(page.evaluate(DEMO_TOP)) <= 3
    assert page.errors == []


def test_plain_link_does_not_scroll(page, site_url):
    open_demo(page, site_url)
    page.evaluate(AFTER_LAYOUT)
    page.wait_for_timeout(500)
    assert page.evaluate("() => scrollY") == 0
    assert page.errors == []


SECTION_TOP = """() => document.getElementById("positional-encoding")
  .getBoundingClientRect().top"""


def test_section_link_keeps_its_target(page, site_url):
    page.goto(site_url + "#positional-encoding")
    wait_live(page)
    page.evaluate(AFTER_LAYOUT)
    # The section keeps the style sheet's scroll margin of 1rem above it.
    assert abs(page.evaluate(SECTION_TOP) - 16) <= 3

    page.wait_for_timeout(1000)
    assert abs(page.evaluate(SECTION_TOP) - 16) <= 3
    assert page.errors == []


# Seconds by which the test server delays model.json.
MODEL_DELAY_S = 1.5


class SlowModelHandler(QuietHandler):
    """Serve the site, but model.json only after MODEL_DELAY_S, so the page
    stays in its loading state for a while."""

    def do_GET(self):
        if self.path.endswith("/model.json"):
            time.sleep(MODEL_DELAY_S)
        super().do_GET()


@pytest.fixture
def slow_model_url(built_site):
    with serve_directory(built_site, SlowModelHandler) as url:
        yield url


def test_reader_scroll_ends_alignment(new_page, slow_model_url):
    page = new_page(viewport={"width": 360, "height": 800})
    page.goto(slow_model_url + SHARED_FRAGMENT)
    page.wait_for_function("() => scrollY > 0")
    assert abs(page.evaluate(DEMO_TOP)) <= 3

    page.mouse.move(180, 400)
    page.mouse.wheel(0, 600)
    page.wait_for_function(
        "() => document.querySelector('#demo').getBoundingClientRect().top < -300"
    )
    wait_live(page)
    page.evaluate(AFTER_LAYOUT)
    assert page.evaluate(DEMO_TOP) < -300
    assert page.errors == []


def test_reload_keeps_reader_position(new_page, site_url):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(site_url + SHARED_FRAGMENT)
    wait_live(page)
    page.evaluate(AFTER_LAYOUT)
    page.mouse.move(640, 400)
    page.mouse.wheel(0, 1500)
    page.wait_for_function("() => scrollY > 2000")
    position = page.evaluate("() => scrollY")

    page.reload()
    wait_live(page)
    page.evaluate(AFTER_LAYOUT)
    page.wait_for_timeout(500)
    assert abs(page.evaluate("() => scrollY") - position) <= 3
    assert page.errors == []
