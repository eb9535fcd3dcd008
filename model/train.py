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
from model.tokenizer import (
    SPECIAL_TOKENS,
    SUFFIX_TOKENS,
    Tokenizer,
    lookup_key,
    split_text,
)
from model.transformer import MaskedLanguageModel, ModelConfig

log = logging.getLogger(__name__)

SEED = 20170612  # the day "Attention Is All You Need" appeared on arXiv
MAX_TOKENS = 32
SENTENCE_COUNT = 60000
EPOCHS = 6
MASK_RATE = 0.15
FOCUS_MASK_RATE = 0.3
MAX_PREDICTIONS = 8  # masked positions per example that the loss looks at
MAX_SENTENCES_PER_EXAMPLE = 3
# Punctuation readers type often, so that it is known even when the grammar
# never writes it.
EXTRA_PUNCTUATION = list(".,!?;:'\"()-")
CLITICS = ["'s", "'re", "'ve", "'ll", "'d", "'m", "n't"]
# Everyday English words, from wordfreq's frequency list, that the vocabulary
# takes besides the grammar's own. Most are never in a training sentence, so
# their embeddings only learn, through the tied output layer, that they are
# not the masked word. They still let typed sentences show as known words.
COMMON_WORDS = 3000


def common_english_words(count: int = COMMON_WORDS) -> list[str]:
    """Return the `count` most frequent English words that are plain ASCII."""
    import wordfreq

    words = []
    for word in wordfreq.top_n_list("en", count * 2):
        if word.isascii() and word.replace("'", "").isalpha():
            words.append(word)
        if len(words) == count:
            break
    return words


def build_vocabulary(sentences: list[corpus.Sentence]) -> list[str]:
    """Return the special tokens, then every other key, sorted.

    The keys are those of the corpus, the grammar's lexicon, common English
    words, clitics, suffix tokens and punctuation, each split and looked up
    as the tokenizer does, so that every entry can be reached.
    """
    texts = [sentence.text for sentence in sentences]
    texts += corpus.lexicon() + common_english_words()
    keys = {lookup_key(piece) for text in texts for piece in split_text(text)}
    keys.update(CLITICS, SUFFIX_TOKENS, EXTRA_PUNCTUATION)
    keys.difference_update(SPECIAL_TOKENS)
    return list(SPECIAL_TOKENS) + sorted(keys)


def pack_sentences(sentences, tokenizer: Tokenizer, rng) -> list[tuple]:
    """Join runs of 1 to 3 consecutive sentences into training examples.

    Returns (token ids, token positions of focus words, (pronoun position,
    antecedent position) of the first pronoun sentence or (-1, -1)) per
    example. Varying
    where each sentence starts keeps the model from tying a word's role to
    its absolute position, so that attention has to find words by content
    and by relative position, as it must in a sentence a reader types.
    """
    examples = []
    index = 0
    while index < len(sentences):
        remaining = rng.integers(1, MAX_SENTENCES_PER_EXAMPLE + 1)
        ids, focus_positions, reference = [], [], (-1, -1)
        while index < len(sentences) and remaining > 0:
            sentence = sentences[index]
            sentence_ids = tokenizer.encode(sentence.text).ids
            if ids and len(ids) + len(sentence_ids) > MAX_TOKENS:
                break
            focus_positions += [
                len(ids) + sentence.token_index(tokenizer, word)
                for word in sentence.focus_words
            ]
            if sentence.pronoun_word is not None and reference == (-1, -1):
                reference = (
                    len(ids) + sentence.token_index(tokenizer, sentence.pronoun_word),
                    len(ids)
                    + sentence.token_index(tokenizer, sentence.antecedent_word),
                )
            ids += sentence_ids
            index += 1
            remaining -= 1
        examples.append((ids[:MAX_TOKENS], focus_positions, reference))
    return examples


def make_examples(sentences, tokenizer: Tokenizer, seed: int) -> dict:
    """Pack, encode, pad and mask the sentences for masked-word prediction.

    Returns arrays keyed token_ids and padding_mask (N, max_len), and
    masked_positions, labels and sample_weight (N, MAX_PREDICTIONS): the loss
    is computed at the masked positions only. Masking follows BERT: 80% of
    the chosen tokens become [MASK], 10% a random token, 10% stay. In pronoun
    sentences, the pronoun, its antecedent or the adjective that decides
    between the two nouns is also chosen, each with probability
    FOCUS_MASK_RATE, since predicting any of them needs the others.
    """
    rng = np.random.default_rng(seed)
    examples = pack_sentences(sentences, tokenizer, rng)
    max_len = max(len(ids) for ids, _, _ in examples)
    count = len(examples)

    token_ids = np.zeros((count, max_len), dtype=np.int32)
    padding_mask = np.zeros((count, max_len), dtype=np.float32)
    for row, (ids, _, _) in enumerate(examples):
        token_ids[row, : len(ids)] = ids
        padding_mask[row, : len(ids)] = 1.0

    chosen = (rng.random(token_ids.shape) < MASK_RATE) & (padding_mask > 0)
    for row, (ids, focus_positions, _) in enumerate(examples):
        for position in focus_positions:
            if rng.random() < FOCUS_MASK_RATE:
                chosen[row, position] = True
        if not chosen[row].any():
            chosen[row, rng.integers(len(ids))] = True

    masked_positions = np.zeros((count, MAX_PREDICTIONS), dtype=np.int32)
    sample_weight = np.zeros((count, MAX_PREDICTIONS), dtype=np.float32)
    for row in range(count):
        positions = np.flatnonzero(chosen[row])[:MAX_PREDICTIONS]
        masked_positions[row, : len(positions)] = positions
        sample_weight[row, : len(positions)] = 1.0
    labels = np.take_along_axis(token_ids, masked_positions, axis=1)

    inputs = token_ids.copy()
    action = rng.random(masked_positions.shape)
    random_ids = rng.integers(
        len(SPECIAL_TOKENS), tokenizer.vocab_size, masked_positions.shape
    )
    rows = np.arange(count)[:, np.newaxis].repeat(MAX_PREDICTIONS, axis=1)
    active = sample_weight > 0
    to_mask = active & (action < 0.8)
    to_replace = active & (action >= 0.8) & (action < 0.9)
    inputs[rows[to_mask], masked_positions[to_mask]] = SPECIAL_TOKENS.index("[MASK]")
    inputs[rows[to_replace], masked_positions[to_replace]] = random_ids[to_replace]
    references = np.array([reference for _, _, reference in examples], dtype=np.int32)
    return {
        "token_ids": inputs,
        "padding_mask": padding_mask,
        "pronoun_positions": references[:, 0],
        "antecedent_positions": references[:, 1],
        "masked_positions": masked_positions,
        "labels": labels,
        "sample_weight": sample_weight,
    }


def train(
    sentences: list[corpus.Sentence],
    epochs: int = EPOCHS,
    batch_size: int = 256,
    seed: int = SEED,
):
    """Train a fresh model; return (trained MaskedLanguageModel, tokenizer, config)."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()

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

    examples = make_examples(sentences, tokenizer, seed)
    labels, weights = examples.pop("labels"), examples.pop("sample_weight")
    model = MaskedLanguageModel(config)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=5e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        weighted_metrics=["accuracy"],
    )
    started = time.perf_counter()
    model.fit(
        examples,
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
        "--sentences", type=int, default=SENTENCE_COUNT, help="training sentences"
    )
    parser.add_argument(
        "--epochs", type=int, default=EPOCHS, help="passes over the corpus"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="export folder (default: model/web)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")

    from model.export import WEB_DIR, export
    from model.measure import run as measure

    sentences = corpus.generate(args.sentences, SEED)
    model, tokenizer, config = train(sentences, args.epochs)
    web_dir = args.out or WEB_DIR
    export(model.encoder, tokenizer, config, web_dir)
    measure(web_dir, {sentence.text for sentence in sentences})


if __name__ == "__main__":
    main()
