"""Train the encoder by masked-word prediction on generated sentences.

Run `python -m model.train` (or `make model`, which also exports). Training is
seeded and runs with deterministic ops, so two runs on one machine write the
same weights.
"""

import argparse
import logging
import time
from pathlib import Path

import numpy as np

from model import corpus
from model.tokenizer import SPECIAL_TOKENS, Tokenizer, lookup_key, split_text
from model.transformer import MaskedLanguageModel, ModelConfig

log = logging.getLogger(__name__)

SEED = 20170612  # the day "Attention Is All You Need" appeared on arXiv
MAX_TOKENS = 32
MASK_RATE = 0.15
PRONOUN_MASK_RATE = 0.5
# Punctuation readers type often, so that it is known even when the grammar
# never writes it.
EXTRA_PUNCTUATION = list(".,!?;:'\"()-")


def build_vocabulary(sentences: list[corpus.Sentence]) -> list[str]:
    """Return the special tokens followed by every lookup key in the corpus, sorted."""
    keys = {
        lookup_key(piece)
        for sentence in sentences
        for piece in split_text(sentence.text)
    }
    keys.update(lookup_key(word) for word in corpus.lexicon())
    keys.update(EXTRA_PUNCTUATION)
    keys.difference_update(SPECIAL_TOKENS)
    return list(SPECIAL_TOKENS) + sorted(keys)


def pronoun_token_index(sentence: corpus.Sentence) -> int | None:
    """Map the sentence's pronoun from a word index to a token index."""
    if sentence.pronoun_word is None:
        return None
    words = sentence.text.split()
    return sum(len(split_text(word)) for word in words[: sentence.pronoun_word])


def make_examples(sentences, tokenizer: Tokenizer, seed: int):
    """Encode, pad and mask the sentences.

    Returns token_ids, padding_mask, labels and sample_weight, each (N, max_len).
    Masked positions follow BERT: 80% become [MASK], 10% a random token, 10%
    stay; the loss counts only those positions. Pronouns are masked more
    often, since predicting "he", "she", "it" or "they" needs the antecedent.
    """
    rng = np.random.default_rng(seed)
    encoded = [tokenizer.encode(sentence.text).ids for sentence in sentences]
    max_len = max(len(ids) for ids in encoded)
    count = len(encoded)

    token_ids = np.zeros((count, max_len), dtype=np.int32)
    padding_mask = np.zeros((count, max_len), dtype=np.float32)
    for row, ids in enumerate(encoded):
        token_ids[row, : len(ids)] = ids
        padding_mask[row, : len(ids)] = 1.0
    labels = token_ids.copy()

    chosen = (rng.random(token_ids.shape) < MASK_RATE) & (padding_mask > 0)
    for row, sentence in enumerate(sentences):
        pronoun = pronoun_token_index(sentence)
        if pronoun is not None and rng.random() < PRONOUN_MASK_RATE:
            chosen[row, pronoun] = True
        if not chosen[row].any():
            chosen[row, rng.integers(len(encoded[row]))] = True

    action = rng.random(token_ids.shape)
    mask_id = SPECIAL_TOKENS.index("[MASK]")
    random_ids = rng.integers(
        len(SPECIAL_TOKENS), tokenizer.vocab_size, token_ids.shape
    )
    inputs = token_ids.copy()
    inputs[chosen & (action < 0.8)] = mask_id
    replace = chosen & (action >= 0.8) & (action < 0.9)
    inputs[replace] = random_ids[replace]
    return inputs, padding_mask, labels, chosen.astype(np.float32)


def train(
    sentence_count: int = 60000,
    epochs: int = 6,
    batch_size: int = 128,
    seed: int = SEED,
):
    """Train a fresh model; return (trained MaskedLanguageModel, tokenizer, config)."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()

    sentences = corpus.generate(sentence_count, seed)
    tokenizer = Tokenizer(build_vocabulary(sentences), MAX_TOKENS)
    config = ModelConfig(vocab_size=tokenizer.vocab_size, max_tokens=MAX_TOKENS)
    log.info(
        "corpus: %d sentences, vocabulary %d, d_model %d, %d layers x %d heads",
        len(sentences),
        config.vocab_size,
        config.d_model,
        config.num_layers,
        config.num_heads,
    )

    inputs, padding_mask, labels, weights = make_examples(sentences, tokenizer, seed)
    model = MaskedLanguageModel(config)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        weighted_metrics=["accuracy"],
    )
    started = time.perf_counter()
    model.fit(
        {"token_ids": inputs, "padding_mask": padding_mask},
        labels,
        sample_weight=weights,
        batch_size=batch_size,
        epochs=epochs,
        shuffle=True,
        verbose=2,
    )
    log.info("trained in %.1f s", time.perf_counter() - started)
    return model, tokenizer, config


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sentences", type=int, default=60000, help="training sentences"
    )
    parser.add_argument("--epochs", type=int, default=6, help="passes over the corpus")
    parser.add_argument(
        "--out", type=Path, default=None, help="export folder (default: model/web)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")

    from model.export import WEB_DIR, export

    model, tokenizer, config = train(args.sentences, args.epochs)
    export(model.encoder, tokenizer, config, args.out or WEB_DIR)


if __name__ == "__main__":
    main()
