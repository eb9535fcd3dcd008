"""TF.js in Chromium equals the NumPy reference on every intermediate.

Every string of the shared tokenizer fixture that yields tokens goes through
the page's console API (`attentionDemo.run`) on each backend, and every
output is compared with `model.inspect` within the stated tolerance.
"""

import json

import numpy as np
import pytest

from model.inspect import inspect_sentence
from model.reference import OUTPUT_NAMES
from tests.conftest import ROOT

TOLERANCE = 1e-4
FIXTURE = ROOT / "tests" / "fixtures" / "tokenizer_cases.json"

RUN_ALL = """async ([texts, backend, causal]) => {
  await attentionDemo.ready;
  if (attentionDemo.backend() !== backend) {
    await attentionDemo.setBackend(backend);
  }
  const results = [];
  for (const text of texts) {
    results.push(await attentionDemo.run(text, { causal }));
  }
  return { backend: attentionDemo.backend(), results };
}"""


def fixture_texts() -> list[str]:
    cases = json.loads(FIXTURE.read_text(encoding="utf-8"))
    texts = [case["text"] for case in cases]
    return [text for text in texts if inspect_sentence(text)["ids"]]


@pytest.fixture(scope="module")
def texts():
    found = fixture_texts()
    assert len(found) >= 40
    return found


def compare(result: dict, expected: dict, label: str) -> list[str]:
    """Return a line per output that differs from the reference."""
    problems = []
    if result["ids"] != expected["ids"]:
        return [f"{label}: ids {result['ids']} != {expected['ids']}"]
    for name in OUTPUT_NAMES:
        live = np.array(result[name], dtype=np.float64)
        reference = np.array(expected[name], dtype=np.float64)
        if live.shape != reference.shape:
            problems.append(f"{label}: {name} shape {live.shape} != {reference.shape}")
        elif not np.all(np.isfinite(live)):
            problems.append(f"{label}: {name} has NaN or Infinity")
        else:
            error = float(np.max(np.abs(live - reference)))
            if error > TOLERANCE:
                problems.append(f"{label}: {name} differs by {error:.2e}")
    return problems


@pytest.mark.parametrize("backend", ["cpu", "webgl"])
@pytest.mark.parametrize("causal", [False, True])
def test_browser_matches_reference(page, site_url, texts, backend, causal):
    page.goto(site_url)
    outcome = page.evaluate(RUN_ALL, [texts, backend, causal])
    assert outcome["backend"] == backend

    problems = []
    for text, result in zip(texts, outcome["results"], strict=True):
        expected = inspect_sentence(text, causal=causal)
        problems += compare(result, expected, repr(text[:40]))
    assert problems == []
    assert page.errors == []
