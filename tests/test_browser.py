"""The built page in headless Chromium: live attention equals the NumPy reference."""

import shutil

import numpy as np
import pytest

from model.inspect import inspect_sentence
from tests.conftest import serve_directory

READ_MATRICES = """() => [...document.querySelectorAll("table.attention-matrix")].map(
  (table) => ({
    layer: Number(table.dataset.layer),
    head: Number(table.dataset.head),
    source: table.dataset.source,
    rowLabels: [...table.querySelectorAll("tbody th")].map((th) => th.textContent),
    values: [...table.tBodies[0].rows].map((row) =>
      [...row.querySelectorAll("td")].map((td) => td.dataset.value)),
  }))"""

READ_TOKENS = """() => [...document.querySelectorAll(".token-strip .token")].map(
  (item) => item.querySelector(".token-text").textContent)"""


def wait_for_live_tokens(page, tokens, timeout=15000):
    """Wait until every matrix is live and labelled with exactly these tokens."""
    page.wait_for_function(
        """(tokens) => {
          const tables = [...document.querySelectorAll("table.attention-matrix")];
          const labels = tables.length
            ? [...tables[0].querySelectorAll("tbody th")].map((th) => th.textContent)
            : [];
          return tables.length > 0
            && tables.every((table) => table.dataset.source === "live")
            && JSON.stringify(labels) === JSON.stringify(tokens);
        }""",
        arg=tokens,
        timeout=timeout,
    )


def matrices_as_array(matrices, num_layers, num_heads):
    """Stack the tables' data-value attributes into (layers, heads, n, n)."""
    n = len(matrices[0]["values"])
    array = np.zeros((num_layers, num_heads, n, n))
    for matrix in matrices:
        array[matrix["layer"], matrix["head"]] = np.array(
            matrix["values"], dtype=np.float64
        )
    return array


def type_sentence(page, sentence):
    field = page.locator("#sentence")
    field.fill("")
    field.press_sequentially(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The animal didn't cross the street because it was too tired.",
        "She gave her brother the book that he wanted.",
        "Zebras juggle 42 quantum pineapples!",
    ],
)
def test_live_attention_matches_reference(page, site_url, sentence):
    expected = inspect_sentence(sentence)
    page.goto(site_url)
    type_sentence(page, sentence)
    wait_for_live_tokens(page, expected["tokens"])

    matrices = page.evaluate(READ_MATRICES)
    assert len(matrices) == expected["num_layers"] * expected["num_heads"]
    live = matrices_as_array(matrices, expected["num_layers"], expected["num_heads"])
    np.testing.assert_allclose(live, np.array(expected["attention"]), rtol=0, atol=1e-4)
    np.testing.assert_allclose(live.sum(axis=-1), 1.0, rtol=0, atol=1e-4)
    assert page.evaluate(READ_TOKENS) == expected["tokens"]
    assert page.errors == []


def test_data_values_have_enough_digits(page, site_url):
    page.goto(site_url)
    sentence = page.input_value("#sentence")
    wait_for_live_tokens(page, inspect_sentence(sentence)["tokens"])
    values = page.eval_on_selector_all(
        "td[data-value]", "(cells) => cells.map((cell) => cell.dataset.value)"
    )
    assert values
    for value in values:
        digits = value.split("e")[0].replace(".", "").replace("-", "").lstrip("0")
        assert len(digits) >= 6, value


def test_markup_is_shown_as_text(page, site_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    markup = "<img src=x onerror=alert(1)>"
    expected = inspect_sentence(markup)
    page.goto(site_url)
    type_sentence(page, markup)
    wait_for_live_tokens(page, expected["tokens"])

    assert "<" in page.evaluate(READ_TOKENS)
    assert page.locator("#demo img").count() == 0
    assert dialogs == []
    assert page.errors == []


def test_empty_input_shows_prompt(page, site_url):
    page.goto(site_url)
    wait_for_live_tokens(
        page, inspect_sentence(page.input_value("#sentence"))["tokens"]
    )
    page.fill("#sentence", "   ")
    page.wait_for_function(
        "() => document.querySelectorAll('table.attention-matrix').length === 0"
    )
    status = page.text_content("#demo-status")
    assert "Type a sentence" in status
    assert "NaN" not in page.text_content("#demo")
    assert page.errors == []


def test_long_input_is_truncated_with_notice(page, site_url):
    sentence = " ".join(["cat"] * 40)
    expected = inspect_sentence(sentence)
    page.goto(site_url)
    page.fill("#sentence", sentence)
    wait_for_live_tokens(page, expected["tokens"])
    assert len(expected["tokens"]) == expected["max_tokens"]
    status = page.text_content("#demo-status")
    assert f"only the first {expected['max_tokens']}" in status
    assert page.errors == []


def test_page_without_javascript_shows_static_matrices(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    sentence = page.input_value("#sentence")
    expected = inspect_sentence(sentence)

    tables = page.locator("table.attention-matrix")
    assert tables.count() == expected["num_layers"] * expected["num_heads"]
    assert set(tables.evaluate_all("(ts) => ts.map((t) => t.dataset.source)")) == {
        "static"
    }
    first = tables.first.locator("td[data-value]").evaluate_all(
        "(cells) => cells.map((cell) => Number(cell.dataset.value))"
    )
    n = len(expected["tokens"])
    np.testing.assert_allclose(
        np.array(first).reshape(n, n), expected["attention"][0][0], atol=1e-6
    )
    context.close()


@pytest.fixture
def site_without_model(built_site, tmp_path):
    """Serve a copy of the site whose model.json is missing."""
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    (copy / "model" / "model.json").unlink()
    with serve_directory(copy) as url:
        yield url


def test_missing_model_keeps_static_example(page, site_without_model):
    page.goto(site_without_model + "#s=The+cat+sat.")
    page.wait_for_function(
        "() => document.querySelector('#demo-status').textContent"
        ".includes('could not be loaded')"
    )
    field = page.locator("#sentence")
    static_sentence = field.get_attribute("value")
    assert field.input_value() == static_sentence
    assert field.evaluate("(input) => input.readOnly")
    assert static_sentence in page.text_content("#demo-status")
    assert "404" not in page.text_content("#demo-status")
    sources = page.eval_on_selector_all(
        "table.attention-matrix", "(tables) => tables.map((t) => t.dataset.source)"
    )
    assert sources and set(sources) == {"static"}
