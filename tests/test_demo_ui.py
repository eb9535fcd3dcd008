"""The live demo's layout, empty states and navigation, at the widths and in
the color schemes that readers use, in headless Chromium."""

import base64

import numpy as np
import pytest

from tests.test_demo import open_demo, replace_text, wait_live

# Decodes a PNG data URL inside the page and returns its pixels as a flat
# RGBA list, so screenshots can be checked without an imaging library.
DECODE_PNG = """async (url) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return Array.from(context.getImageData(0, 0, image.width, image.height).data);
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
    """Return the on-screen pixels of `locator` as an (n, 3) array of RGB."""
    png = locator.screenshot(animations="disabled")
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    data = np.array(page.evaluate(DECODE_PNG, url), dtype=float)
    return data.reshape(-1, 4)[:, :3]


def share_near(pixels, color, tolerance=24):
    """Return the share of pixels within `tolerance` of an RGB color."""
    distance = np.linalg.norm(pixels - np.array(color, dtype=float), axis=1)
    return float(np.mean(distance <= tolerance))


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
