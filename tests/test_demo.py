"""The live demo's views, controls and limits, in headless Chromium.

Every test drives the real built page with the real TensorFlow.js bundle and
model files, and compares numbers with the NumPy reference (`model.inspect`).
"""

import json
import os
import shutil
import subprocess
import urllib.parse

import numpy as np
import pytest

from model.inspect import inspect_sentence
from tests.conftest import ROOT, serve_directory
from tests.test_quality import axe_violations

# True once every matrix shows the live result for the text in the input.
LIVE_FOR_INPUT = """() => {
  const tables = [...document.querySelectorAll("table.attention-matrix")];
  if (!window.attentionDemo || tables.length === 0) return false;
  let tokens;
  try {
    tokens = attentionDemo.encode(document.querySelector("#sentence").value).tokens;
  } catch {
    return false;
  }
  const labels = [...tables[0].querySelectorAll("tbody th")]
    .map((th) => th.textContent);
  return tables.every((table) => table.dataset.source === "live")
    && JSON.stringify(labels) === JSON.stringify(tokens);
}"""

READ_TABLE = """(table) => ({
  layer: Number(table.dataset.layer),
  head: Number(table.dataset.head),
  output: table.dataset.output,
  rowLabels: [...table.querySelectorAll("tbody th")].map((th) => th.textContent),
  values: [...table.tBodies[0].rows].map((row) =>
    [...row.querySelectorAll("td")].map((td) => Number(td.dataset.value))),
  masked: [...table.tBodies[0].rows].map((row) =>
    [...row.querySelectorAll("td")].map((td) => td.classList.contains("masked"))),
})"""

VISIBLE_TABLE = "table.attention-matrix:not([hidden])"


def wait_for_status(page, text):
    page.wait_for_function(
        "(text) => document.querySelector('#demo-status').textContent.includes(text)",
        arg=text,
    )


def wait_for_visible_table(page, layer=None, head=None):
    """Wait until the visible matrix is that of the given layer and/or head."""
    page.wait_for_function(
        """([layer, head]) => {
          const table = document.querySelector("table.attention-matrix:not([hidden])");
          return table !== null
            && (layer === null || table.dataset.layer === String(layer))
            && (head === null || table.dataset.head === String(head));
        }""",
        arg=[layer, head],
    )


def open_demo(page, site_url, fragment=""):
    page.goto(site_url + fragment)
    page.wait_for_function(LIVE_FOR_INPUT)


def wait_live(page):
    page.wait_for_function(LIVE_FOR_INPUT)


def visible_table(page):
    return page.eval_on_selector(VISIBLE_TABLE, READ_TABLE)


def all_tables(page):
    return page.eval_on_selector_all(
        "table.attention-matrix", f"(tables) => tables.map({READ_TABLE})"
    )


def replace_text(page, text):
    """Select the input's text and replace it as a paste would."""
    page.focus("#sentence")
    page.keyboard.press("Control+A")
    if text:
        page.keyboard.insert_text(text)
    else:
        page.keyboard.press("Backspace")


def active_element(page):
    return page.evaluate(
        """() => {
          const element = document.activeElement;
          return {
            tag: element.tagName.toLowerCase(),
            id: element.id,
            type: element.type || null,
            row: element.dataset.row ?? null,
            col: element.dataset.col ?? null,
            tokenIndex: element.dataset.tokenIndex ?? null,
            layer: element.dataset.layer ?? null,
            head: element.dataset.head ?? null,
            step: element.dataset.step ?? null,
          };
        }"""
    )


def has_visible_focus(page):
    """Whether the focused element, or the image a radio stands for, has an outline."""
    return page.evaluate(
        """() => {
          let element = document.activeElement;
          if (element.matches(".head-choice input")) {
            element = element.parentElement.querySelector("canvas");
          }
          const style = getComputedStyle(element);
          return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
        }"""
    )


def test_head_picker_enlarges_chosen_head(page, site_url):
    open_demo(page, site_url)
    expected = inspect_sentence(page.input_value("#sentence"))
    num_layers, num_heads = expected["num_layers"], expected["num_heads"]
    n = len(expected["tokens"])

    radios = page.locator("#head-picker input[type=radio]")
    assert radios.count() == num_layers * num_heads
    sizes = page.eval_on_selector_all(
        "#head-picker canvas", "(canvases) => canvases.map((c) => [c.width, c.height])"
    )
    assert sizes == [[n, n]] * (num_layers * num_heads)
    shown = page.locator(VISIBLE_TABLE)
    assert shown.count() == 1
    assert visible_table(page)["layer"] == 0
    assert visible_table(page)["head"] == 0

    page.get_by_role("radio", name="Layer 2, head 3").check()
    table = visible_table(page)
    assert (table["layer"], table["head"]) == (1, 2)
    assert page.locator(VISIBLE_TABLE).count() == 1
    assert "layer 2, head 3" in page.text_content("#line-view figcaption")
    np.testing.assert_allclose(table["values"], expected["attention"][1][2], atol=1e-4)

    # Each image pixel has the color of the matching table cell.
    pixels_match = page.evaluate(
        """() => {
          const head = '[data-layer="1"][data-head="2"]';
          const canvas = document.querySelector(`#head-picker canvas${head}`);
          const size = canvas.width;
          const image = canvas.getContext("2d").getImageData(0, 0, size, size);
          const table = document.querySelector(`table.attention-matrix${head}`);
          return [...table.querySelectorAll("td[data-row]")].every((cell) => {
            const { row, col } = cell.dataset;
            const index = (Number(row) * size + Number(col)) * 4;
            const color = getComputedStyle(cell).backgroundColor;
            const [r, g, b] = color.match(/\\d+/g).map(Number);
            return image.data[index] === r && image.data[index + 1] === g
              && image.data[index + 2] === b;
          });
        }"""
    )
    assert pixels_match
    assert page.errors == []


def test_cell_details_on_hover_and_focus(page, site_url):
    open_demo(page, site_url)
    tokens = inspect_sentence(page.input_value("#sentence"))["tokens"]
    row, col = len(tokens) - 2, 1
    cell = page.locator(f'{VISIBLE_TABLE} td[data-row="{row}"][data-col="{col}"]')

    cell.hover()
    detail = page.text_content("#attention-detail")
    weight = float(cell.get_attribute("data-value"))
    assert f"Query “{tokens[row]}”" in detail
    assert f"key “{tokens[col]}”" in detail
    assert f"{weight:.4f}" in detail

    page.mouse.move(0, 0)
    cell.focus()
    page.keyboard.press("ArrowRight")
    detail = page.text_content("#attention-detail")
    moved = page.locator(f'{VISIBLE_TABLE} td[data-row="{row}"][data-col="{col + 1}"]')
    assert f"key “{tokens[col + 1]}”" in detail
    assert f"{float(moved.get_attribute('data-value')):.4f}" in detail
    assert active_element(page)["col"] == str(col + 1)
    assert page.errors == []


def test_token_hover_marks_row_and_column(page, site_url):
    open_demo(page, site_url)
    n = len(inspect_sentence(page.input_value("#sentence"))["tokens"])
    index = 3
    page.hover(f'.token-strip .token[data-token-index="{index}"]')

    marks = page.eval_on_selector(
        VISIBLE_TABLE,
        """(table) => {
          const position = (td) => [Number(td.dataset.row), Number(td.dataset.col)];
          return {
            highlighting: table.classList.contains("highlighting"),
            inRow: [...table.querySelectorAll("td.in-row")].map(position),
            inCol: [...table.querySelectorAll("td.in-col")].map(position),
            headers: [...table.querySelectorAll("th.in-row, th.in-col")]
              .map((th) => th.dataset.tokenIndex),
          };
        }""",
    )
    assert marks["highlighting"]
    assert sorted(marks["inRow"]) == [[index, col] for col in range(n)]
    assert sorted(marks["inCol"]) == [[row, index] for row in range(n)]
    assert marks["headers"] == [str(index), str(index)]
    token_classes = page.get_attribute(
        f'.token-strip .token[data-token-index="{index}"]', "class"
    )
    assert "is-query" in token_classes
    assert "is-key" in token_classes

    lines = page.eval_on_selector_all(
        "#line-view line",
        """(lines) => lines.map((line) => [
          Number(line.dataset.row),
          Number(line.dataset.col),
          line.classList.contains("marked"),
        ])""",
    )
    assert lines
    for row, col, marked in lines:
        assert marked == (row == index or col == index), (row, col)
    labels = page.eval_on_selector_all(
        "#line-view text.marked", "(texts) => texts.map((t) => t.dataset.tokenIndex)"
    )
    assert labels == [str(index), str(index)]

    page.mouse.move(0, 0)
    page.wait_for_function(
        "() => !document.querySelector('table.attention-matrix:not([hidden])')"
        ".classList.contains('highlighting')"
    )


def test_line_view_lines_above_threshold(page, site_url):
    open_demo(page, site_url, "#layer=2&head=2")
    table = visible_table(page)
    assert (table["layer"], table["head"]) == (1, 1)
    threshold = float(page.get_attribute("#line-view svg", "data-threshold"))
    assert 0 < threshold < 1

    lines = page.eval_on_selector_all(
        "#line-view line",
        """(lines) => lines.map((l) => ({
          row: Number(l.dataset.row), col: Number(l.dataset.col),
          value: Number(l.dataset.value), width: Number(l.getAttribute("stroke-width")),
        }))""",
    )
    values = np.array(table["values"])
    rows, cols = np.nonzero(values >= threshold)
    above = {(int(row), int(col)) for row, col in zip(rows, cols, strict=True)}
    assert len(lines) == len(above)
    assert {(line["row"], line["col"]) for line in lines} == above
    for line in lines:
        weight = values[line["row"], line["col"]]
        assert line["value"] == pytest.approx(weight, abs=1e-6)
    by_weight = sorted(lines, key=lambda line: line["value"])
    widths = [line["width"] for line in by_weight]
    assert widths == sorted(widths)
    assert widths[-1] > widths[0]
    labels = page.eval_on_selector_all(
        "#line-view text[data-token-index]", "(texts) => texts.length"
    )
    assert labels == 2 * len(table["rowLabels"])


STEP_OUTPUTS = [
    "input",
    "query",
    "key",
    "value",
    "scores",
    "scaled_scores",
    "attention_weights",
    "head_outputs",
]


@pytest.mark.parametrize(
    ("layer", "head", "causal"), [(0, 1, False), (1, 2, False), (1, 3, True)]
)
def test_step_through_matches_reference(page, site_url, layer, head, causal):
    sentence = "The animal didn't cross the street because it was too tired."
    fragment = "#" + urllib.parse.urlencode(
        {"s": sentence, "layer": layer + 1, "head": head + 1, "mask": int(causal)}
    )
    expected = inspect_sentence(sentence, causal=causal)
    open_demo(page, site_url, fragment)
    page.click("#step-through summary")

    for step, name in enumerate(STEP_OUTPUTS):
        page.click(f'#step-through button[data-step="{step}"]')
        panel = f'#step-through [data-step-panel="{name}"]'
        page.wait_for_selector(f"{panel} table.step-matrix")
        visible_panels = page.locator("#step-through [data-step-panel]:not([hidden])")
        assert visible_panels.count() == 1
        formula = page.text_content(f"{panel} .step-formula:not([hidden] *)")
        assert formula.strip()
        assert (
            page.get_attribute(
                f'#step-through button[data-step="{step}"]', "aria-current"
            )
            == "step"
        )

        tables = page.eval_on_selector_all(
            f"{panel} table.step-matrix", f"(tables) => tables.map({READ_TABLE})"
        )
        if name == "input" and layer == 0:
            expected_tables = {
                "token_embeddings": expected["token_embeddings"],
                "positional_encoding": expected["positional_encoding"],
                "embedded": expected["embedded"],
            }
        elif name == "input":
            expected_tables = {"layer_output": expected["layer_output"][layer - 1]}
        else:
            expected_tables = {name: expected[name][layer][head]}
        assert [table["output"] for table in tables] == list(expected_tables)
        for table in tables:
            assert table["rowLabels"] == expected["tokens"]
            np.testing.assert_allclose(
                table["values"], expected_tables[table["output"]], rtol=0, atol=1e-4
            )
        if name == "attention_weights":
            # The causal mask's cells are hatched, as in the large matrix.
            masked = page.eval_on_selector_all(
                f"{panel} table.step-matrix tbody td",
                "(cells) => cells.map((c) => c.classList.contains('masked'))",
            )
            n = len(expected["tokens"])
            above = [col > row for row in range(n) for col in range(n)]
            assert masked == (above if causal else [False] * (n * n))
    assert page.errors == []


@pytest.mark.parametrize("backend", ["cpu", "webgl"])
def test_causal_mask_zeroes_upper_triangle(page, site_url, backend):
    open_demo(page, site_url)
    sentence = page.input_value("#sentence")
    if backend != "cpu":
        assert page.evaluate(f"() => attentionDemo.setBackend('{backend}')") == backend
        wait_for_status(page, "on the GPU (WebGL)")
    page.check("#causal-mask")
    page.wait_for_function(
        "() => document.querySelectorAll('table.attention-matrix td.masked').length > 0"
    )
    wait_live(page)

    expected = inspect_sentence(sentence, causal=True)
    tables = all_tables(page)
    assert len(tables) == expected["num_layers"] * expected["num_heads"]
    for table in tables:
        values = np.array(table["values"])
        n = values.shape[0]
        upper = np.triu(np.ones((n, n), dtype=bool), k=1)
        assert np.all(np.isfinite(values))
        assert np.all(values[upper] == 0)
        np.testing.assert_allclose(values.sum(axis=1), 1.0, atol=1e-4)
        assert np.array_equal(np.array(table["masked"]), upper)
        np.testing.assert_allclose(
            values, expected["attention"][table["layer"]][table["head"]], atol=1e-4
        )
    assert "NaN" not in page.text_content("#demo")
    assert page.is_visible(".heat-legend-masked")
    assert page.evaluate("() => attentionDemo.backend()") == backend
    assert page.errors == []


def test_url_fragment_reproduces_view(page, browser, site_url):
    open_demo(page, site_url)
    sentence = "She gave her brother the book that he expected_tables."
    replace_text(page, sentence)
    wait_live(page)
    page.get_by_role("radio", name="Layer 2, head 4").check()
    page.check("#causal-mask")
    page.wait_for_function("() => location.hash.includes('mask=1')")

    params = urllib.parse.parse_qs(page.evaluate("() => location.hash.slice(1)"))
    assert params == {"s": [sentence], "layer": ["2"], "head": ["4"], "mask": ["1"]}

    link = page.url
    context = browser.new_context()
    other = context.new_page()
    other.goto(link)
    other.wait_for_function(LIVE_FOR_INPUT)
    assert other.input_value("#sentence") == sentence
    assert other.is_checked("#causal-mask")
    table = visible_table(other)
    assert (table["layer"], table["head"]) == (1, 3)
    expected = inspect_sentence(sentence, causal=True)
    np.testing.assert_allclose(table["values"], expected["attention"][1][3], atol=1e-4)
    context.close()
    assert page.errors == []


def test_back_button_walks_discrete_changes(page, site_url):
    open_demo(page, site_url)
    start_length = page.evaluate("() => history.length")
    page.focus("#sentence")
    page.keyboard.press("End")
    page.keyboard.type(" Yes")
    wait_live(page)
    assert page.evaluate("() => history.length") == start_length
    typed = page.input_value("#sentence")

    page.get_by_role("radio", name="Layer 2, head 1").check()
    page.wait_for_function("() => location.hash.includes('layer=2')")
    page.check("#causal-mask")
    page.wait_for_function("() => location.hash.includes('mask=1')")

    page.go_back()
    page.wait_for_function("() => !document.querySelector('#causal-mask').checked")
    assert (visible_table(page)["layer"], visible_table(page)["head"]) == (1, 0)
    assert page.input_value("#sentence") == typed

    page.go_back()
    wait_for_visible_table(page, layer=0)
    assert page.is_checked('#head-picker input[data-layer="0"][data-head="0"]')
    assert page.input_value("#sentence") == typed

    page.go_forward()
    wait_for_visible_table(page, layer=1)
    wait_live(page)
    assert page.errors == []


@pytest.mark.parametrize(
    "fragment",
    [
        "#layer=99&head=-1&mask=yes",
        "#layer=abc&head=2.5&mask=",
        "#s=&layer=0&head=0",
        "#%%%",
        "#layer=1e3&head=0x1&mask=10",
    ],
)
def test_bad_fragment_falls_back_to_defaults(page, site_url, fragment):
    page.goto(site_url)
    default_sentence = page.input_value("#sentence")
    page.goto("about:blank")
    page.goto(site_url + fragment)
    page.evaluate("async () => { await attentionDemo.ready; }")

    if "s=&" in fragment:
        page.wait_for_function(
            "() => document.querySelectorAll('table.attention-matrix').length === 0"
        )
        assert page.input_value("#sentence") == ""
        assert "Type a sentence" in page.text_content("#demo-status")
    else:
        wait_live(page)
        assert page.input_value("#sentence") == default_sentence
        table = visible_table(page)
        assert (table["layer"], table["head"]) == (0, 0)
        assert np.all(np.isfinite(table["values"]))
    assert not page.is_checked("#causal-mask")
    assert "NaN" not in page.text_content("#demo")
    assert page.errors == []


HOSTILE_TEXTS = {
    "10,000 characters of words": ("the cat sat on the mat . " * 400)[:10_000],
    "one 10,000-character word": "a" * 10_000,
    "right-to-left": "مرحبا بالعالم שלום עולם hello",
    "emoji": "👩‍👩‍👧 family 🇫🇷 flag 1️⃣ keycap 🏳️‍🌈 👍🏽",
    "markup": '<script>alert("x")</script><b onmouseover=alert(1)>bold</b>',
    "controls and lone surrogates": "a\u0000b\u200bc\ud800d\udfffe\u202eflip",
}


@pytest.mark.parametrize("name", list(HOSTILE_TEXTS))
def test_hostile_paste_keeps_page_working(page, site_url, name):
    text = HOSTILE_TEXTS[name]
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_demo(page, site_url)
    replace_text(page, text)
    wait_live(page)

    typed = page.input_value("#sentence")
    expected = inspect_sentence(typed)
    tokens = page.eval_on_selector_all(
        ".token-strip .token-text", "(spans) => spans.map((s) => s.textContent)"
    )
    assert tokens == expected["tokens"]
    assert len(tokens) <= expected["max_tokens"]
    unknown = page.eval_on_selector_all(
        ".token-strip .token",
        "(items) => items.map((i) => i.classList.contains('unknown'))",
    )
    assert unknown == expected["unknown"]
    for table in all_tables(page):
        values = np.array(table["values"])
        assert np.all(np.isfinite(values))
        np.testing.assert_allclose(
            values, expected["attention"][table["layer"]][table["head"]], atol=1e-4
        )
    assert "NaN" not in page.text_content("#demo")
    assert page.locator("#demo script, #demo b, #demo img").count() == 0
    assert len(page.evaluate("() => location.hash")) < 10_000
    assert dialogs == []

    replace_text(page, "")
    page.wait_for_function(
        "() => document.querySelectorAll('table.attention-matrix').length === 0"
    )
    assert page.locator(".token-strip .token").count() == 0
    assert page.locator("#line-view line").count() == 0
    assert "Type a sentence" in page.text_content("#demo-status")
    assert page.errors == []


def test_no_tensor_leak_after_200_keystrokes(page, site_url):
    open_demo(page, site_url)
    page.focus("#sentence")
    page.keyboard.press("End")
    page.keyboard.type(" a")
    wait_live(page)
    after_one = page.evaluate("() => attentionDemo.memory().numTensors")

    keys = (" the dog ran" + "\b" * 4 + " cat sat" + "\b" * 8) * 10
    for key in keys[:198]:
        if key == "\b":
            page.keyboard.press("Backspace")
        else:
            page.keyboard.type(key)
    page.check("#causal-mask")
    page.uncheck("#causal-mask")
    wait_live(page)
    assert page.evaluate("() => attentionDemo.memory().numTensors") == after_one

    page.evaluate(
        """async () => {
          for (let i = 0; i < 50; i++) {
            await attentionDemo.run("the cat sat " + i, { causal: i % 2 === 1 });
          }
        }"""
    )
    assert page.evaluate("() => attentionDemo.memory().numTensors") == after_one
    assert page.errors == []


def test_unchanged_tokens_skip_forward_pass(page, site_url):
    open_demo(page, site_url)
    count_passes = "() => performance.getEntriesByName('attention-forward').length"
    page.focus("#sentence")
    page.keyboard.press("End")
    passes = page.evaluate(count_passes)

    page.keyboard.type("  ")
    wait_live(page)
    assert page.evaluate(count_passes) == passes
    page.keyboard.type("dog")
    wait_live(page)
    assert page.evaluate(count_passes) == passes + 3
    assert page.errors == []


def test_keyboard_only_operation(page, site_url):
    open_demo(page, site_url)
    page.focus("#sentence")
    page.keyboard.press("Control+A")
    page.keyboard.type("The cat sat on the mat.")
    wait_live(page)
    tokens = inspect_sentence("The cat sat on the mat.")["tokens"]

    page.keyboard.press("Tab")
    assert active_element(page)["id"] == "causal-mask"
    assert has_visible_focus(page)
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelectorAll('td.masked').length > 0")

    page.keyboard.press("Tab")
    assert active_element(page)["tokenIndex"] == "0"
    assert has_visible_focus(page)
    page.keyboard.press("ArrowRight")
    assert active_element(page)["tokenIndex"] == "1"
    assert f"“{tokens[1]}” (token 2)" in page.text_content("#attention-detail")

    page.keyboard.press("Tab")
    focused = active_element(page)
    assert (focused["type"], focused["layer"], focused["head"]) == ("radio", "0", "0")
    assert has_visible_focus(page)
    page.keyboard.press("ArrowRight")
    wait_for_visible_table(page, head=1)

    page.keyboard.press("Tab")
    assert (active_element(page)["row"], active_element(page)["col"]) == ("0", "0")
    assert has_visible_focus(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert (active_element(page)["row"], active_element(page)["col"]) == ("1", "2")
    detail = page.text_content("#attention-detail")
    assert f"Query “{tokens[1]}”" in detail
    assert "masked by the causal mask" in detail
    page.keyboard.press("End")
    assert active_element(page)["col"] == str(len(tokens) - 1)

    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.activeElement.matches('#step-through summary')"
    )
    assert has_visible_focus(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-through table.step-matrix")
    page.keyboard.press("Tab")
    assert active_element(page)["step"] == "0"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert (
        page.get_attribute('#step-through button[data-step="1"]', "aria-current")
        == "step"
    )
    page.wait_for_selector('#step-through [data-step-panel="query"] table.step-matrix')
    assert page.errors == []


def test_announcement_waits_for_typing_pause(page, site_url):
    open_demo(page, site_url)
    live = page.locator("#demo-announcement")
    assert live.get_attribute("role") == "status"
    assert live.get_attribute("aria-live") == "polite"
    assert page.locator("#demo-status").get_attribute("aria-live") is None
    wait_for_status(page, "Computed")
    page.wait_for_function(
        "() => document.querySelector('#demo-announcement').textContent"
        " === document.querySelector('#demo-status').textContent"
    )

    # Twenty keystrokes in one task: no timer can fire in between, so the
    # live region keeps its text until typing pauses, while the visible
    # status line follows every keystroke.
    seen = page.evaluate(
        """() => {
          const input = document.querySelector("#sentence");
          const visible = document.querySelector("#demo-status");
          const live = document.querySelector("#demo-announcement");
          const seen = { visible: [], live: new Set([live.textContent]) };
          for (let i = 0; i < 20; i++) {
            input.value = "the cat sat on the mat " + "and the dog ".repeat(i % 3);
            input.dispatchEvent(new Event("input", { bubbles: true }));
            seen.visible.push(visible.textContent);
            seen.live.add(live.textContent);
          }
          return { visible: seen.visible, live: [...seen.live] };
        }"""
    )
    assert len(seen["live"]) == 1
    token_counts = [
        len(
            inspect_sentence("the cat sat on the mat " + "and the dog " * (i % 3))[
                "tokens"
            ]
        )
        for i in range(20)
    ]
    for text, count in zip(seen["visible"], token_counts, strict=True):
        assert f"for {count} tokens" in text
    final_tokens = len(inspect_sentence(page.input_value("#sentence"))["tokens"])
    page.wait_for_function(
        "(text) => document.querySelector('#demo-announcement').textContent"
        ".includes(text)",
        arg=f"for {final_tokens} tokens",
    )

    # A change of kind, here to an empty sentence, is announced at once.
    message = page.evaluate(
        """() => {
          const input = document.querySelector("#sentence");
          input.value = "";
          input.dispatchEvent(new Event("input", { bubbles: true }));
          return document.querySelector("#demo-announcement").textContent;
        }"""
    )
    assert "Type a sentence" in message
    assert page.errors == []


@pytest.mark.parametrize(
    ("motion", "animated"), [("reduce", False), ("no-preference", True)]
)
def test_reduced_motion_turns_off_transitions(browser, site_url, motion, animated):
    context = browser.new_context(reduced_motion=motion)
    page = context.new_page()
    open_demo(page, site_url)
    durations = page.evaluate(
        """() => [
          document.querySelector("table.attention-matrix:not([hidden]) td"),
          document.querySelector("#line-view line"),
        ].map((element) => parseFloat(getComputedStyle(element).transitionDuration))"""
    )
    if animated:
        assert all(duration > 0.05 for duration in durations)
    else:
        assert all(duration < 0.001 for duration in durations)
    context.close()


def test_console_api(page, site_url):
    open_demo(page, site_url)
    assert page.evaluate("() => attentionDemo.backend()") == "cpu"
    encoding = page.evaluate("() => attentionDemo.encode('The cat sat.')")
    expected = inspect_sentence("The cat sat.")
    assert encoding["tokens"] == expected["tokens"]
    assert encoding["ids"] == expected["ids"]

    result = page.evaluate("() => attentionDemo.run('The cat sat.', { causal: true })")
    assert {"tokens", "ids", "unknown"} <= set(result)
    causal = inspect_sentence("The cat sat.", causal=True)
    for name in [
        "token_embeddings",
        "positional_encoding",
        "embedded",
        "query",
        "key",
        "value",
        "scores",
        "scaled_scores",
        "attention_weights",
        "head_outputs",
        "layer_output",
    ]:
        np.testing.assert_allclose(result[name], causal[name], atol=1e-4, err_msg=name)

    empty = page.evaluate("() => attentionDemo.run('   ')")
    assert empty["tokens"] == []
    assert empty["attention_weights"] == []

    error = page.evaluate(
        "() => attentionDemo.setBackend('nonsense').then(() => null, (e) => e.message)"
    )
    assert "unknown backend" in error
    assert page.evaluate("() => attentionDemo.backend()") == "cpu"
    assert page.evaluate("() => attentionDemo.setBackend('webgl')") == "webgl"
    wait_for_status(page, "on the GPU (WebGL)")
    assert page.errors == []


def test_explorer_circle_uses_unit_circle_axes(page, site_url):
    # Cosine across and sine up, as in the article's figure: PE(0) = (0, 1)
    # sits right of the center, and the next positions turn counter-clockwise.
    open_demo(page, site_url)
    page.click("#pe-explorer summary")
    page.wait_for_selector("#pe-explorer .pe-body:not([hidden])")
    page.focus("#pe-position")
    page.keyboard.press("Home")

    def solid_dot():
        return page.evaluate(
            """() => {
              const circle = document.querySelector("#pe-explorer .pe-circle");
              const dot = circle.querySelector(".dot.series-1");
              const size = circle.viewBox.baseVal;
              return [dot.cx.baseVal.value - size.width / 2,
                      size.height / 2 - dot.cy.baseVal.value];
            }"""
        )

    x, y = solid_dot()
    assert x > 50
    assert abs(y) < 0.5
    page.keyboard.press("ArrowRight")
    x, y = solid_dot()
    assert y > 0
    labels = page.eval_on_selector_all(
        "#pe-explorer .pe-circle text", "(texts) => texts.map((t) => t.textContent)"
    )
    assert labels == ["cos", "sin"]
    assert page.errors == []


def test_explorer_rotation_reaches_shifted_position(page, site_url, built_site):
    data = json.loads((built_site / "assets" / "pe-explorer.json").read_text())
    open_demo(page, site_url)
    page.click("#pe-explorer summary")
    page.wait_for_selector("#pe-explorer .pe-body:not([hidden])")

    start_pair = int(page.input_value("#pe-pair"))
    start_offset = int(page.input_value("#pe-offset"))
    start_position = int(page.input_value("#pe-position"))
    page.focus("#pe-pair")
    page.keyboard.press("ArrowRight")
    page.focus("#pe-offset")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.focus("#pe-position")
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    pair, offset, position = start_pair + 1, start_offset + 4, start_position + 7

    def readout(name):
        return json.loads(
            page.get_attribute(f'#pe-explorer [data-readout="{name}"]', "data-value")
        )

    table = data["positional_encoding"]
    start = [table[position][2 * pair], table[position][2 * pair + 1]]
    target = [
        table[position + offset][2 * pair],
        table[position + offset][2 * pair + 1],
    ]
    np.testing.assert_allclose(readout("start"), start, atol=1e-9)
    np.testing.assert_allclose(readout("target"), target, atol=1e-9)
    # The file rounds every number to 6 decimals.
    np.testing.assert_allclose(readout("rotated"), target, atol=1e-5)
    dimensions_label = '#pe-explorer output[data-readout="dimensions"]'
    assert page.text_content(dimensions_label) == f"{2 * pair} and {2 * pair + 1}"

    curves = page.eval_on_selector_all(
        "#pe-explorer .pe-waves polyline",
        "(lines) => lines.map((l) => l.getAttribute('points').split(' ').length)",
    )
    assert curves == [data["num_positions"]] * 2
    ring, tip = page.evaluate(
        """() => [".pe-circle .ring", ".pe-circle .dot.series-2"]
          .map((selector) => document.querySelector(`#pe-explorer ${selector}`))
          .map((c) => [Number(c.getAttribute("cx")), Number(c.getAttribute("cy"))])"""
    )
    np.testing.assert_allclose(ring, tip, atol=0.5)

    page.focus("#pe-offset")
    page.keyboard.press("End")
    assert page.get_attribute("#pe-position", "max") == str(
        data["num_positions"] - 1 - data["max_offset"]
    )
    assert (
        int(page.input_value("#pe-position"))
        <= data["num_positions"] - 1 - data["max_offset"]
    )
    assert page.errors == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_open_panels_have_no_axe_violations(browser, site_url, color_scheme):
    context = browser.new_context(color_scheme=color_scheme)
    page = context.new_page()
    open_demo(page, site_url, "#layer=2&head=3&mask=1")
    page.click("#step-through summary")
    page.click('#step-through button[data-step="0"]')
    page.wait_for_selector("#step-through table.step-matrix")
    page.click("#pe-explorer summary")
    page.wait_for_selector("#pe-explorer .pe-body:not([hidden])")
    page.hover(f'{VISIBLE_TABLE} td[data-row="2"][data-col="1"]')
    assert axe_violations(page) == []
    context.close()


@pytest.fixture
def site_with_corrupt_weights(built_site, tmp_path, request):
    """Serve a copy of the site whose weight shard is truncated or garbled."""
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    shard = next((copy / "model").glob("*.bin"))
    data = shard.read_bytes()
    if request.param == "truncated":
        shard.write_bytes(data[: len(data) // 2])
    else:
        shard.write_bytes(b"\xff" * len(data))
    with serve_directory(copy) as url:
        yield url


@pytest.mark.parametrize(
    "site_with_corrupt_weights", ["truncated", "garbled"], indirect=True
)
def test_corrupt_weights_keep_static_example(page, site_with_corrupt_weights):
    page.goto(site_with_corrupt_weights)
    wait_for_status(page, "could not be loaded")
    sources = page.eval_on_selector_all(
        "table.attention-matrix", "(tables) => tables.map((t) => t.dataset.source)"
    )
    assert sources and set(sources) == {"static"}
    assert page.locator("#head-picker").is_hidden()
    assert page.locator("#causal-mask").is_hidden()
    assert "NaN" not in page.text_content("#demo")
    assert page.errors == []


FAST_KERNEL_CHECK = """
import {
  add, mul, registerKernel, setBackend, softmax, squaredDifference, tensor,
  transpose, unregisterKernel,
} from "@tensorflow/tfjs-core/dist/base";
import "@tensorflow/tfjs-backend-cpu/dist/base";
import { FAST_CPU_KERNELS } from "__CPU_KERNELS__";
import * as add_ from "@tensorflow/tfjs-backend-cpu/dist/kernels/Add.js";
import * as cast from "@tensorflow/tfjs-backend-cpu/dist/kernels/Cast.js";
import * as identity from "@tensorflow/tfjs-backend-cpu/dist/kernels/Identity.js";
import * as multiply from "@tensorflow/tfjs-backend-cpu/dist/kernels/Multiply.js";
import * as reshape from "@tensorflow/tfjs-backend-cpu/dist/kernels/Reshape.js";
import * as softmax_ from "@tensorflow/tfjs-backend-cpu/dist/kernels/Softmax.js";
import * as squared from
  "@tensorflow/tfjs-backend-cpu/dist/kernels/SquaredDifference.js";
import * as transpose_ from "@tensorflow/tfjs-backend-cpu/dist/kernels/Transpose.js";

const STOCK = [
  add_.addConfig,
  multiply.multiplyConfig,
  softmax_.softmaxConfig,
  squared.squaredDifferenceConfig,
  transpose_.transposeConfig,
];
[cast.castConfig, identity.identityConfig, reshape.reshapeConfig]
  .forEach(registerKernel);
await setBackend("cpu");

function use(configs) {
  for (const config of STOCK) {
    try { unregisterKernel(config.kernelName, "cpu"); } catch {}
  }
  configs.forEach(registerKernel);
}

let seed = 1;
function random() {
  seed = (seed * 16807) % 2147483647;
  return (seed / 2147483647) * 6 - 3;
}
function input(shape, dtype) {
  const size = shape.reduce((product, length) => product * length, 1);
  const values = Array.from({ length: size }, () =>
    dtype === "int32" ? Math.round(random() * 10) : random());
  return tensor(values, shape, dtype);
}

const SHAPES = [
  [[1, 5, 32], [32]], [[1, 4, 5, 5], [1, 1, 5, 5]], [[1, 5, 1], [1, 1, 32]],
  [[], [1, 1, 5, 5]], [[1, 5, 32], [1, 5, 1]], [[3], [2, 3]],
  [[2, 1, 3], [1, 4, 1]], [[7], [7]], [[], []], [[2, 3, 4, 5], [5]],
];
const BINARY = [["add", add], ["mul", mul], ["squaredDifference", squaredDifference]];
const TRANSPOSES = [
  [[1, 5, 4, 8], [0, 2, 1, 3]], [[2, 3], [1, 0]], [[2, 3, 4], [2, 0, 1]], [[7], [0]],
];
const cases = [];
for (const [name, op] of BINARY) {
  for (const dtype of ["float32", "int32"]) {
    for (const [aShape, bShape] of SHAPES) {
      cases.push([`${name} ${dtype} ${aShape} ${bShape}`, () => {
        seed = 7;
        return op(input(aShape, dtype), input(bShape, dtype));
      }]);
    }
  }
}
for (const [shape, perm] of TRANSPOSES) {
  for (const dtype of ["float32", "int32"]) {
    cases.push([`transpose ${dtype} ${shape}`, () => {
      seed = 3;
      return transpose(input(shape, dtype), perm);
    }]);
  }
}
for (const shape of [[1, 4, 5, 5], [2, 3], [7], [1, 1, 1, 1]]) {
  cases.push([`softmax ${shape}`, () => {
    seed = 5;
    return softmax(input(shape, "float32"));
  }]);
}

const results = cases.map(([label, run]) => {
  use(STOCK);
  const stock = run();
  use(FAST_CPU_KERNELS);
  const fast = run();
  const stockValues = Array.from(stock.dataSync());
  const fastValues = Array.from(fast.dataSync());
  const differences = stockValues.map((value, i) => Math.abs(value - fastValues[i]));
  return {
    label,
    sameShape: JSON.stringify(stock.shape) === JSON.stringify(fast.shape),
    sameDtype: stock.dtype === fast.dtype,
    sameSize: stockValues.length === fastValues.length,
    maxDifference: Math.max(0, ...differences),
  };
});
console.log(JSON.stringify(results));
"""


def test_fast_cpu_kernels_match_stock(tmp_path):
    entry = tmp_path / "check.mjs"
    source = FAST_KERNEL_CHECK.replace(
        "__CPU_KERNELS__", str(ROOT / "js" / "cpu_kernels.js")
    )
    entry.write_text(source, encoding="utf-8")
    bundle = tmp_path / "check.bundle.mjs"
    # The bundle keeps one copy of TensorFlow.js core: module fields point
    # every import of it at the same ES module files.
    subprocess.run(
        [
            str(ROOT / "node_modules" / ".bin" / "esbuild"),
            str(entry),
            "--bundle",
            "--platform=node",
            "--format=esm",
            "--main-fields=module,main",
            "--log-level=error",
            "--banner:js=import { createRequire } from 'module';"
            " const require = createRequire(import.meta.url);",
            f"--outfile={bundle}",
        ],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NODE_PATH": str(ROOT / "node_modules")},
    )
    completed = subprocess.run(
        ["node", str(bundle)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    assert len(results) == 72
    for result in results:
        assert result["sameShape"], result["label"]
        assert result["sameDtype"], result["label"]
        assert result["sameSize"], result["label"]
        assert result["maxDifference"] <= 1e-6, result["label"]


def test_bundle_registers_model_kernels():
    completed = subprocess.run(
        ["node", str(ROOT / "benchmarks" / "list_kernels.mjs")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "missing from js/tfjs.js: none" in completed.stdout, completed.stdout
    assert completed.returncode == 0
