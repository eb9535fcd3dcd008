"""The NumPy reference, the Keras model and the exported files agree."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from model.positional_encoding import positional_encoding
from model.reference import OUTPUT_NAMES, WEB_DIR, ModelFileError, ReferenceModel

SENTENCES = [
    "The animal didn't cross the street because it was too tired.",
    "The animal didn't cross the street because it was too wide.",
    "The cat sat on the mat.",
    "She gave her brother the book that he wanted.",
    "The dogs that chased the cat were hungry!",
    "Zebras juggle 42 quantum pineapples 🍍",
    "a",
]


@pytest.fixture(scope="module")
def reference():
    return ReferenceModel.load()


@pytest.fixture(scope="module")
def keras_encoder(reference):
    """The Keras encoder of model/transformer.py holding the exported weights."""
    from model.transformer import Encoder, ModelConfig

    encoder = Encoder(ModelConfig(**reference.config), name="encoder")
    encoder(np.zeros((1, 3), dtype=np.int32))
    for variable in encoder.weights:
        path = variable.path.split("encoder/", 1)[-1]
        variable.assign(reference.weights[path].astype(np.float32))
    return encoder


def run_keras(encoder, ids, causal):
    _, steps = encoder(np.array([ids], dtype=np.int32), causal=float(causal))
    outputs = {name: np.asarray(steps[name])[0] for name in OUTPUT_NAMES}
    outputs["positional_encoding"] = np.asarray(steps["positional_encoding"])
    return outputs


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_reference_matches_keras_attention(reference, keras_encoder, sentence, causal):
    ids = reference.tokenizer.encode(sentence).ids
    expected = run_keras(keras_encoder, ids, causal)["attention_weights"]
    actual = reference.forward(ids, causal=causal)["attention_weights"]
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("sentence", SENTENCES[:3])
def test_reference_matches_keras_every_intermediate(reference, keras_encoder, sentence):
    ids = reference.tokenizer.encode(sentence).ids
    expected = run_keras(keras_encoder, ids, causal=False)
    actual = reference.forward(ids)
    for name in OUTPUT_NAMES:
        np.testing.assert_allclose(
            actual[name], expected[name], rtol=0, atol=1e-4, err_msg=name
        )


def test_attention_rows_sum_to_one(reference):
    ids = reference.tokenizer.encode(SENTENCES[0]).ids
    for causal in (False, True):
        weights = reference.forward(ids, causal=causal)["attention_weights"]
        np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-12)


def test_causal_mask_hides_later_tokens(reference):
    ids = reference.tokenizer.encode(SENTENCES[2]).ids
    weights = reference.forward(ids, causal=True)["attention_weights"]
    above_diagonal = np.triu(np.ones((len(ids), len(ids)), dtype=bool), k=1)
    assert np.all(weights[..., above_diagonal] == 0.0)
    assert np.all(weights[..., 0, 0] == 1.0)


def test_reference_positional_encoding_is_the_shared_table(reference):
    ids = reference.tokenizer.encode(SENTENCES[0]).ids
    table = reference.forward(ids)["positional_encoding"]
    expected = positional_encoding(len(ids), reference.config["d_model"])
    np.testing.assert_allclose(table, expected, rtol=0, atol=1e-7)


def test_export_maps_every_weight(reference):
    config = reference.config
    per_layer = 16  # 4 attention projections and 4 biases, 2 norms, 2 dense layers
    assert len(reference.weights) == 2 + per_layer * config["num_layers"]
    assert reference.weights["embedding/token_embedding"].shape == (
        config["vocab_size"],
        config["d_embedding"],
    )
    assert reference.weights["embedding/embedding_projection"].shape == (
        config["d_embedding"],
        config["d_model"],
    )
    assert reference.embedding_matrix().shape == (
        config["vocab_size"],
        config["d_model"],
    )


def test_truncated_weight_file_is_reported(tmp_path):
    broken = tmp_path / "web"
    shutil.copytree(WEB_DIR, broken)
    shard = next(broken.glob("*.bin"))
    shard.write_bytes(shard.read_bytes()[:1000])
    with pytest.raises(ModelFileError, match="truncated"):
        ReferenceModel.load(broken)


def inspect_cli(*args):
    completed = subprocess.run(
        [sys.executable, "-m", "model.inspect", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def test_inspect_prints_tokens_and_attention():
    result = inspect_cli("The cat sat on the mat.")
    n = len(result["tokens"])
    assert result["tokens"] == ["The", "cat", "sat", "on", "the", "mat", "."]
    assert len(result["ids"]) == n
    assert result["unknown"] == [False] * n
    assert np.array(result["attention"]).shape == (
        result["num_layers"],
        result["num_heads"],
        n,
        n,
    )
    assert len(result["positional_encoding"]) == n


def test_inspect_marks_unknown_tokens():
    result = inspect_cli("The qwzx sat.")
    assert result["unknown"] == [False, True, False, False]


def test_inspect_empty_sentence_gives_empty_lists():
    result = inspect_cli("   ")
    assert result["tokens"] == []
    assert result["attention"] == []


def test_inspect_truncates_long_input():
    result = inspect_cli("word " * 100)
    assert result["truncated"] is True
    assert result["total_tokens"] == 100
    assert len(result["tokens"]) == result["max_tokens"]


def test_inspect_reports_missing_model(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "model.inspect", "--model-dir", str(tmp_path), "hi"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 1
    assert "model.json" in completed.stderr


EVERYDAY_SENTENCES = [
    "The cat sat on the mat.",
    "She gave her brother the book that he wanted.",
    "The boy kicked the ball over the fence.",
    "My grandmother knits warm scarves every winter.",
    "We drove to the beach on a sunny afternoon.",
    "The teacher wrote the answer on the board.",
    "A small bird was singing outside my window.",
    "They ordered pizza and watched a funny movie.",
    "The nurse gave the patient a glass of water.",
    "He carefully folded the letter and put it in his pocket.",
    "The lights went out during the storm last night.",
    "Our neighbors adopted a friendly brown puppy.",
]


def test_vocabulary_covers_everyday_english(reference):
    words = known = 0
    for sentence in EVERYDAY_SENTENCES:
        encoding = reference.tokenizer.encode(sentence)
        for token, unknown in zip(encoding.tokens, encoding.unknown, strict=True):
            if token[0].isalpha() or token[0] in "-'":
                words += 1
                known += not unknown
    assert known / words >= 0.9, f"{known} of {words} word tokens known"


def test_unknown_word_still_gets_a_row(reference):
    ids = reference.tokenizer.encode("The zxqv sat.").ids
    weights = reference.forward(ids)["attention_weights"]
    assert weights.shape[-1] == 4
    assert np.all(np.isfinite(weights))


def test_exported_weights_fit_size_budget():
    manifest = json.loads((WEB_DIR / "model.json").read_text())["weightsManifest"]
    shard_bytes = sum(
        (WEB_DIR / path).stat().st_size for group in manifest for path in group["paths"]
    )
    # 3,099 tokens x 16 (the token table) are most of it, one byte each.
    assert shard_bytes <= 90_000
    by_name = {spec["name"]: spec for group in manifest for spec in group["weights"]}
    metadata = json.loads((WEB_DIR / "model.json").read_text())["userDefinedMetadata"]
    embedding = by_name[metadata["weights"]["embedding/token_embedding"]["name"]]
    assert embedding["quantization"]["dtype"] == "uint8"


def test_behavior_file_matches_the_model(reference):
    from model import corpus, measure
    from model.train import SEED, SENTENCE_COUNT

    recorded = json.loads((WEB_DIR / "behavior.json").read_text())
    training = {sentence.text for sentence in corpus.generate(SENTENCE_COUNT, SEED)}
    measured = measure.summarize(measure.measure(reference, training))
    for name in ("pronoun_to_antecedent", "previous_token"):
        np.testing.assert_allclose(measured[name], recorded[name], atol=1e-12)
    assert measured["best_pronoun_head"] == recorded["best_pronoun_head"]


def test_hinted_heads_show_their_patterns():
    recorded = json.loads((WEB_DIR / "behavior.json").read_text())
    assert recorded["best_previous_token_head"]["rate"] >= 0.8
    assert recorded["best_pronoun_head"]["rate"] >= 0.8
