"""Measure what the exported model's heads do on held-out generated sentences.

    python -m model.measure

runs the NumPy reference over sentences that the training run never saw. For
every head it reports how often its strongest attention from a pronoun lands
on the pronoun's antecedent, and how often a token's strongest attention
lands on the token just before it. `make model` prints the table
and writes the figures to `model/web/behavior.json`, which the article quotes.
"""

import argparse
import json
import logging
from pathlib import Path

import numpy as np

from model import corpus
from model.reference import WEB_DIR, ReferenceModel

log = logging.getLogger(__name__)

HELD_OUT_SEED = 31415
SENTENCES_PER_RELATION = 1000


def held_out_sentences(count: int, family: str, exclude: set[str], seed: int):
    """Draw `count` sentences of one family whose text is not in `exclude`."""
    rng_seed = seed
    found = []
    while len(found) < count:
        for sentence in corpus.generate(count * 4, rng_seed):
            if sentence.family == family and sentence.text not in exclude:
                found.append(sentence)
                exclude.add(sentence.text)
        rng_seed += 1
    return found[:count]


def measure(model: ReferenceModel, training_texts: set[str]) -> dict:
    """Return per-head rates for the pronoun and previous-token relations."""
    num_layers, num_heads = model.config["num_layers"], model.config["num_heads"]
    exclude = set(training_texts)

    antecedent_hits = np.zeros((num_layers, num_heads))
    pronoun_sentences = held_out_sentences(
        SENTENCES_PER_RELATION, "pronoun", exclude, HELD_OUT_SEED
    )
    for sentence in pronoun_sentences:
        ids = model.tokenizer.encode(sentence.text).ids
        pronoun = sentence.token_index(model.tokenizer, sentence.pronoun_word)
        antecedent = sentence.token_index(model.tokenizer, sentence.antecedent_word)
        weights = model.forward(ids)["attention_weights"]  # (L, h, n, n)
        antecedent_hits += weights[:, :, pronoun, :].argmax(axis=-1) == antecedent

    previous_hits = np.zeros((num_layers, num_heads))
    positions = 0
    everyday = held_out_sentences(
        SENTENCES_PER_RELATION, "everyday", exclude, HELD_OUT_SEED + 1000
    )
    for sentence in everyday:
        ids = model.tokenizer.encode(sentence.text).ids
        weights = model.forward(ids)["attention_weights"]
        strongest = weights[:, :, 1:, :].argmax(axis=-1)  # (L, h, n - 1)
        previous_hits += (strongest == np.arange(len(ids) - 1)).sum(axis=-1)
        positions += len(ids) - 1

    return {
        "sentences": SENTENCES_PER_RELATION,
        "pronoun_to_antecedent": (antecedent_hits / len(pronoun_sentences)).tolist(),
        "previous_token": (previous_hits / positions).tolist(),
        "previous_token_positions": positions,
    }


def best_head(rates: list[list[float]]) -> dict:
    array = np.array(rates)
    layer, head = np.unravel_index(array.argmax(), array.shape)
    return {"layer": int(layer) + 1, "head": int(head) + 1, "rate": float(array.max())}


def summarize(result: dict) -> dict:
    """Add the best head of each relation (1-based layer and head numbers)."""
    return {
        **result,
        "best_pronoun_head": best_head(result["pronoun_to_antecedent"]),
        "best_previous_token_head": best_head(result["previous_token"]),
    }


def format_table(result: dict) -> str:
    lines = [f"{'head':<16}{'pronoun -> antecedent':>24}{'previous token':>18}"]
    for layer, (pronoun_row, previous_row) in enumerate(
        zip(result["pronoun_to_antecedent"], result["previous_token"], strict=True)
    ):
        for head, (pronoun, previous) in enumerate(
            zip(pronoun_row, previous_row, strict=True)
        ):
            name = f"layer {layer + 1} head {head + 1}"
            lines.append(f"{name:<16}{pronoun:>23.1%}{previous:>18.1%}")
    return "\n".join(lines)


def run(web_dir: Path, training_texts: set[str]) -> dict:
    """Measure the model in web_dir, log the table and write behavior.json."""
    result = summarize(measure(ReferenceModel.load(web_dir), training_texts))
    log.info("head behavior on held-out sentences:\n%s", format_table(result))
    path = web_dir / "behavior.json"
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model-dir", type=Path, default=WEB_DIR, help="exported model folder"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")

    from model.train import SEED, SENTENCE_COUNT

    training = {sentence.text for sentence in corpus.generate(SENTENCE_COUNT, SEED)}
    run(args.model_dir, training)


if __name__ == "__main__":
    main()
