"""Tests for model/tokenizer.py and its parity with js/tokenizer.js.

The shared fixture tests/fixtures/tokenizer_cases.json contains the expected
pieces and, for cases with their own vocabulary, the expected tokens of encode.
tests/js/tokenizer.test.mjs checks the JavaScript side against it.
The parity tests run js/tokenizer.js in Node on the fixture texts, on seeded
random strings and on every assigned code point, and compare every output field.
"""

import json
import random
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
import wordfreq

from model.tokenizer import (
    EMOJI_PRESENTATION_RANGES,
    SEPARATORS,
    SPECIAL_TOKENS,
    SUFFIX_RULES,
    SUFFIX_TOKENS,
    Encoding,
    Tokenizer,
    lookup_key,
    split_text,
)

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "tokenizer_cases.json"
PARITY_SCRIPT = REPO / "tests" / "js" / "tokenizer_parity.mjs"
CASES = json.loads(FIXTURE.read_text(encoding="utf-8"))
LARGE_MAX_TOKENS = 100_000

# A vocabulary for tests that need one and must not depend on the trained model.
SMALL_VOCAB = [*SPECIAL_TOKENS, "the", "cat", "sat", "do", "n't", "'s", "it", "."]


def parity_vocab() -> list[str]:
    """Return SPECIAL_TOKENS, English clitics, punctuation and SUFFIX_TOKENS, then
    the 3,000 most frequent English words in ASCII, without duplicates."""
    words = [
        *SPECIAL_TOKENS,
        *("n't", "'s", "'re", "'ve", "'ll", "'d", "'m"),
        *(".", ",", "!", "?", "...", "'", '"', "(", ")", "-"),
        *SUFFIX_TOKENS,
        *(word for word in wordfreq.top_n_list("en", 3000) if word.isascii()),
    ]
    return list(dict.fromkeys(words))


def fixture_vocab(case: dict) -> list[str]:
    """Return the case's own vocabulary after the special tokens, else SMALL_VOCAB."""
    if "vocab" in case:
        return [*SPECIAL_TOKENS, *case["vocab"]]
    return SMALL_VOCAB


def assert_ids_follow_keys(vocab: list[str], encoding: Encoding) -> None:
    """Check that every token has the id of its lookup key, or [UNK] when the
    vocabulary lacks the key."""
    vocab_ids = {entry: index for index, entry in enumerate(vocab)}
    for token, token_id, unknown in zip(
        encoding.tokens, encoding.ids, encoding.unknown, strict=True
    ):
        key = lookup_key(token)
        assert unknown == (key not in vocab_ids), token
        assert token_id == vocab_ids.get(key, vocab_ids["[UNK]"]), token


# Fixture


def test_fixture_has_enough_cases():
    assert len(CASES) >= 40
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "fixture case names must be unique"


def test_fixture_has_10000_character_case():
    lengths = [len(case["text"]) for case in CASES]
    assert 10_000 in lengths


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_split_text_matches_fixture(case):
    assert split_text(case["text"]) == case["tokens"]


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if "keys" in case],
    ids=[case["name"] for case in CASES if "keys" in case],
)
def test_lookup_key_matches_fixture(case):
    assert [lookup_key(piece) for piece in case["tokens"]] == case["keys"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_encode_matches_fixture(case):
    """Without its own vocabulary a case encodes with SMALL_VOCAB into its pieces."""
    max_tokens = case.get("max_tokens", LARGE_MAX_TOKENS)
    vocab = fixture_vocab(case)
    encoding = Tokenizer(vocab, max_tokens).encode(case["text"])
    expected = case.get("encoded", case["tokens"])
    assert encoding.tokens == expected[:max_tokens]
    assert encoding.total_tokens == len(expected)
    assert encoding.truncated == case.get("truncated", False)
    if "unknown" in case:
        assert encoding.unknown == case["unknown"][:max_tokens]
    assert_ids_follow_keys(vocab, encoding)


def test_fixture_covers_every_suffix_token():
    encoded = [token for case in CASES for token in case.get("encoded", [])]
    for suffix in SUFFIX_TOKENS:
        assert suffix in encoded, suffix


# Splitting rules not covered by a fixture case


def test_split_text_joins_surrogate_halves():
    # Built from halves, as a JavaScript string would hold U+1F600.
    assert split_text("\ud83d\ude00 x") == ["\U0001f600", "x"]


def test_split_text_rejects_non_string():
    with pytest.raises(TypeError, match="text must be a str"):
        split_text(b"bytes")
    with pytest.raises(TypeError):
        split_text(None)


def test_split_text_long_inputs_are_fast():
    adversarial = {
        "fixture": max((case["text"] for case in CASES), key=len),
        "clitic chain": "a" + "'s" * 4999,
        "apostrophe word": "a'" * 5000,
        "number chain": "1." * 5000,
        "punctuation run": "!" * 10_000,
        "combining marks": "\u0301" * 10_000,
        "ZWJ chain": "\U0001f468\u200d" * 5000,
        "regional indicators": "\U0001f1fa" * 10_000,
        "lone surrogates": "\ud800" * 10_000,
        "dropped controls": "a\u200e" * 5000,
    }
    for name, text in adversarial.items():
        best = min(_time_split(text) for _ in range(3))
        assert best < 0.050, f"{name}: split_text took {best * 1000:.1f} ms"


def _time_split(text: str) -> float:
    start = time.perf_counter()
    split_text(text)
    return time.perf_counter() - start


def test_encode_long_inputs_are_fast():
    """Suffix splitting adds a fixed number of lookups per word, each linear in
    the word's length."""
    tokenizer = Tokenizer(parity_vocab(), 64)
    adversarial = {
        "fixture": max((case["text"] for case in CASES), key=len),
        "inflected words": "Stopped running studies tallest quickly " * 250,
        "unknown inflected words": ("zorbed " * 1429)[:10_000],
        "one long word": "a" * 9998 + "ed",
        "one long word of doubled letters": "b" * 9997 + "ing",
    }
    for name, text in adversarial.items():
        best = min(_time_encode(tokenizer, text) for _ in range(3))
        assert best < 0.050, f"{name}: encode took {best * 1000:.1f} ms"


def _time_encode(tokenizer: Tokenizer, text: str) -> float:
    start = time.perf_counter()
    tokenizer.encode(text)
    return time.perf_counter() - start


# Lookup keys


def test_lookup_key_lowers_ascii_only():
    assert lookup_key("HeLLo") == "hello"
    assert lookup_key("\u00c9COLE") == "\u00c9cole"
    assert lookup_key("\u0130") == "\u0130"
    assert lookup_key("\u212a") == "\u212a"  # Kelvin sign stays, unlike str.lower


def test_lookup_key_maps_right_quote_to_apostrophe():
    assert lookup_key("n\u2019t") == "n't"
    assert lookup_key("\u2019S") == "'s"


def test_lookup_key_maps_numbers_to_num():
    for number in ("7", "3.14", "10,000", "\u0661\u0662", "1.2.3"):
        assert lookup_key(number) == "[NUM]", number


def test_lookup_key_keeps_non_numbers():
    for piece in ("1.", ".5", "1..2", "1a", "1\ufe0f\u20e3", "", "\u00b2"):
        assert lookup_key(piece) == piece, piece


def test_lookup_key_rejects_non_string():
    with pytest.raises(TypeError, match="piece must be a str"):
        lookup_key(3)


# Tokenizer


def test_encode_maps_known_unknown_and_numbers():
    tokenizer = Tokenizer(SMALL_VOCAB, 32)
    encoding = tokenizer.encode("The cat didn\u2019t pay 3.50 for it's hat.")
    assert encoding.tokens == [
        "The", "cat", "did", "n\u2019t", "pay", "3.50",
        "for", "it", "'s", "hat", ".",
    ]  # fmt: skip
    vocab_ids = {token: index for index, token in enumerate(SMALL_VOCAB)}
    assert encoding.ids == [
        vocab_ids["the"], vocab_ids["cat"], 1, vocab_ids["n't"], 1, 3,
        1, vocab_ids["it"], vocab_ids["'s"], 1, vocab_ids["."],
    ]  # fmt: skip
    assert encoding.unknown == [
        False, False, True, False, True, False,
        True, False, False, True, False,
    ]  # fmt: skip
    assert encoding.truncated is False
    assert encoding.total_tokens == 11


def test_suffix_tokens_are_those_of_the_rules():
    assert SUFFIX_TOKENS == ("-s", "-ed", "-ing", "-er", "-est", "-ly")
    assert {suffix for _, suffix, _ in SUFFIX_RULES} == set(SUFFIX_TOKENS)


def test_suffix_tokens_never_come_from_typed_text():
    for suffix in SUFFIX_TOKENS:
        assert split_text(suffix) == ["-", suffix[1:]], suffix
        assert split_text(f"word{suffix}") == ["word", "-", suffix[1:]], suffix


def test_encode_splits_suffix_with_ids():
    vocab = [*SPECIAL_TOKENS, "-ed", "bake", "-s"]
    encoding = Tokenizer(vocab, 8).encode("Baked cakes")
    assert encoding.tokens == ["Bake", "-ed", "cakes"]
    assert encoding.ids == [5, 4, 1]
    assert encoding.unknown == [False, False, True]
    assert encoding.truncated is False
    assert encoding.total_tokens == 3


def test_encode_splits_words_of_the_parity_vocab():
    tokenizer = Tokenizer(parity_vocab(), 64)
    text = "The babies cried, the dog barked and she laughed deeply."
    encoding = tokenizer.encode(text)
    assert encoding.tokens == [
        "The", "baby", "-s", "cry", "-ed", ",", "the", "dog", "barked",
        "and", "she", "laugh", "-ed", "deep", "-ly", ".",
    ]  # fmt: skip
    # "bark" is not among the 3,000 words, so "barked" stays one unknown token.
    assert encoding.unknown.count(True) == 1
    assert encoding.unknown[8] is True


def test_encode_never_splits_vocabulary_words():
    vocab = parity_vocab()
    tokenizer = Tokenizer(vocab, 8)
    for word in vocab[len(SPECIAL_TOKENS) :]:
        for typed in (word, word.capitalize(), word.upper()):
            if split_text(typed) == [typed]:
                assert tokenizer.encode(typed).tokens == [typed], typed


def test_encode_truncates_to_max_tokens():
    encoding = Tokenizer(SMALL_VOCAB, 2).encode("the cat sat")
    assert encoding.tokens == ["the", "cat"]
    assert encoding.ids == [4, 5]
    assert encoding.unknown == [False, False]
    assert encoding.truncated is True
    assert encoding.total_tokens == 3


def test_encode_empty_text():
    encoding = Tokenizer(SMALL_VOCAB, 4).encode(" \u200b ")
    assert encoding == Encoding(
        tokens=[], ids=[], unknown=[], truncated=False, total_tokens=0
    )


def test_encode_rejects_non_string():
    with pytest.raises(TypeError):
        Tokenizer(SMALL_VOCAB, 4).encode(42)


def test_encoding_is_frozen():
    encoding = Tokenizer(SMALL_VOCAB, 4).encode("cat")
    with pytest.raises(AttributeError):
        encoding.truncated = True


def test_tokenizer_properties():
    tokenizer = Tokenizer(SMALL_VOCAB, 16)
    assert tokenizer.vocab_size == len(SMALL_VOCAB)
    assert tokenizer.max_tokens == 16
    assert tokenizer.vocab == tuple(SMALL_VOCAB)


@pytest.mark.parametrize(
    ("vocab", "message"),
    [
        (["the", *SPECIAL_TOKENS], "must start with the special tokens"),
        (["[PAD]", "[MASK]", "[UNK]", "[NUM]"], "must start with the special tokens"),
        (["[PAD]", "[UNK]", "[MASK]"], "must start with the special tokens"),
        ([], "must start with the special tokens"),
        ([*SPECIAL_TOKENS, "cat", "dog", "cat"], "'cat' is duplicated at ids 4 and 6"),
        ([*SPECIAL_TOKENS, "[UNK]"], "'\\[UNK\\]' is duplicated at ids 1 and 4"),
    ],
)
def test_tokenizer_rejects_invalid_vocab(vocab, message):
    with pytest.raises(ValueError, match=message):
        Tokenizer(vocab, 8)


def test_tokenizer_rejects_vocab_of_wrong_type():
    with pytest.raises(TypeError, match="vocab must be a sequence of strings"):
        Tokenizer("[PAD][UNK][MASK][NUM]", 8)
    with pytest.raises(TypeError, match="vocab entry 4 must be a str"):
        Tokenizer([*SPECIAL_TOKENS, 5], 8)


@pytest.mark.parametrize("max_tokens", [0, -1])
def test_tokenizer_rejects_max_tokens_below_one(max_tokens):
    with pytest.raises(ValueError, match="max_tokens must be at least 1"):
        Tokenizer(SMALL_VOCAB, max_tokens)


@pytest.mark.parametrize("max_tokens", [2.0, True, "8", None])
def test_tokenizer_rejects_non_integer_max_tokens(max_tokens):
    with pytest.raises(TypeError, match="max_tokens must be an int"):
        Tokenizer(SMALL_VOCAB, max_tokens)


def test_tokenizer_round_trips_through_file(tmp_path):
    tokenizer = Tokenizer(SMALL_VOCAB, 12)
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps(tokenizer.to_json()), encoding="utf-8")
    loaded = Tokenizer.from_file(path)
    assert loaded.to_json() == {"vocab": SMALL_VOCAB, "max_tokens": 12}
    assert loaded.encode("the cat") == tokenizer.encode("the cat")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"vocab": SMALL_VOCAB}, "missing key 'max_tokens'"),
        ({"max_tokens": 8}, "missing key 'vocab'"),
        ([SMALL_VOCAB, 8], "expected a JSON object"),
    ],
)
def test_from_file_rejects_malformed_json(tmp_path, content, message):
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        Tokenizer.from_file(path)


# Random strings


def _code_points(first: int, last: int) -> list[str]:
    return [chr(code_point) for code_point in range(first, last + 1)]


# Pools of characters and short fragments that random strings draw from. Every
# code point here is either assigned in Unicode 14.0 or unassigned in every
# later version (U+0378, noncharacters), so Python and a newer JavaScript engine
# must agree on all of them.
POOLS = {
    "ascii letters": list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "ascii digits": list("0123456789"),
    "ascii punctuation and symbols": list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "number separators": list(".,.,'"),
    "clitics": ["n't", "'s", "\u2019re", "'VE", "'ll", "N\u2019T", "'d", "'M", "'"],
    "separators": sorted(SEPARATORS),
    "latin accents": [*_code_points(0xC0, 0xFF), "\u017f", "\u1e9e", "\u0130"],
    "combining marks": [*_code_points(0x300, 0x36F), "\u20dd", "\u0903"],
    "greek": _code_points(0x386, 0x3CE),
    "cyrillic": _code_points(0x400, 0x45F),
    "hebrew": [*_code_points(0x5B0, 0x5C2), *_code_points(0x5D0, 0x5EA)],
    "arabic": [*_code_points(0x620, 0x65F), *_code_points(0x660, 0x66D)],
    "devanagari": [*_code_points(0x900, 0x97F), "\u200c"],
    "thai": _code_points(0xE01, 0xE5B),
    "cjk": [*_code_points(0x4E00, 0x4E40), *_code_points(0x3000, 0x303F)],
    "kana": _code_points(0x3041, 0x30FF),
    "hangul": [
        *_code_points(0xAC00, 0xAC40),
        *_code_points(0x1100, 0x1112),
        *_code_points(0x1161, 0x1175),
        *_code_points(0x11A8, 0x11C2),
    ],
    "other digits": [*_code_points(0x966, 0x96F), *_code_points(0xFF10, 0xFF19)],
    "other numbers": ["\u00b2", "\u00bd", "\u216b", "\u2460", "\u00b9"],
    "emoji": [
        *_code_points(0x1F600, 0x1F64F),
        *_code_points(0x1F90C, 0x1F93A),
        *_code_points(0x1FA70, 0x1FAF8),
        "\u2764",
        "\u263a",
        "\u00a9",
        "\U0001f3f4",
        "\U0001f3f3",
    ],
    "emoji joiners": [
        "\u200d",
        "\ufe0f",
        "\ufe0e",
        "\u20e3",
        *_code_points(0x1F3FB, 0x1F3FF),
    ],
    "regional indicators": _code_points(0x1F1E6, 0x1F1FF),
    "tags": [*_code_points(0xE0020, 0xE007F), "\U000e0001"],
    "controls": [*_code_points(0x0, 0x1F), *_code_points(0x7F, 0x9F)],
    "format": [
        "\u00ad",
        "\u061c",
        "\u180e",
        "\u200c",
        "\u200e",
        "\u200f",
        *_code_points(0x202A, 0x202E),
        *_code_points(0x2066, 0x2069),
        "\ufff9",
        "\ufffb",
        "\U0001d173",
    ],  # fmt: skip
    "private use and unassigned": [
        "\ue000",
        "\uf8ff",
        "\U000f0000",
        "\U0010fffd",
        "\u0378",
        "\ufffe",
        "\uffff",
        "\U0010ffff",
    ],  # fmt: skip
    "lone surrogates": ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"],
}


def _random_assigned_code_point(rng: random.Random) -> str:
    """Return a random code point that Unicode 14.0 assigns (any category)."""
    while True:
        if rng.random() < 0.7:
            code_point = rng.randrange(0x10000)
        else:
            code_point = rng.randrange(0x10000, 0x110000)
        char = chr(code_point)
        if unicodedata.category(char) != "Cn":
            return char


def random_texts(count: int, seed: int) -> list[str]:
    """Return count seeded random strings, each mixing one to three pools with
    stray separators, joiners and assigned code points."""
    rng = random.Random(seed)
    names = sorted(POOLS)
    texts = []
    for _ in range(count):
        pools = [POOLS[name] for name in rng.sample(names, rng.randint(1, 3))]
        parts = []
        for _ in range(rng.randint(0, 30)):
            roll = rng.random()
            if roll < 0.1:
                parts.append(rng.choice(POOLS["separators"]))
            elif roll < 0.15:
                parts.append(rng.choice(POOLS["emoji joiners"]))
            elif roll < 0.2:
                parts.append(_random_assigned_code_point(rng))
            else:
                parts.append(rng.choice(rng.choice(pools)))
        texts.append("".join(parts))
    return texts


def test_random_pieces_keep_every_visible_code_point():
    """Without control and format characters, splitting only removes separators."""
    excluded = {"controls", "format", "tags", "emoji joiners", "lone surrogates"}
    pools = [
        [
            fragment
            for fragment in fragments
            if all(unicodedata.category(char) not in ("Cc", "Cf") for char in fragment)
        ]
        for name, fragments in POOLS.items()
        if name not in excluded
    ]
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 30)))
        pieces = split_text(text)
        expected = "".join(
            char
            for char in unicodedata.normalize("NFC", text)
            if char not in SEPARATORS
        )
        assert "".join(pieces) == expected, repr(text)


def test_random_pieces_are_nonempty_nfc_without_separators():
    for text in random_texts(2000, seed=11):
        for piece in split_text(text):
            assert piece, repr(text)
            assert not SEPARATORS.intersection(piece), repr(text)
            if not any("\ud800" <= char <= "\udfff" for char in piece):
                assert unicodedata.is_normalized("NFC", piece), repr(text)


# Parity with js/tokenizer.js


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node not found on PATH; the parity tests need Node.js 20 or later")
    return node


def run_js_tokenizer(tmp_path: Path, vocab: list[str], requests: list[dict]) -> list:
    """Encode requests with js/tokenizer.js in Node and return its results."""
    request_path = tmp_path / "request.json"
    response_path = tmp_path / "response.json"
    payload = {"vocab": vocab, "requests": requests}
    # ensure_ascii writes lone surrogates as \udXXX escapes, which JSON.parse reads
    # back into the same UTF-16 code units.
    request_path.write_text(json.dumps(payload, ensure_ascii=True), encoding="ascii")
    completed = subprocess.run(
        [_node(), str(PARITY_SCRIPT), str(request_path), str(response_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(response_path.read_text(encoding="utf-8"))["results"]


def python_result(tokenizer: Tokenizer, text: str) -> dict:
    """Return the Python side of one parity result, in the Node script's shape."""
    pieces = split_text(text)
    encoding = tokenizer.encode(text)
    return {
        "pieces": pieces,
        "keys": [lookup_key(piece) for piece in pieces],
        "tokens": encoding.tokens,
        "ids": encoding.ids,
        "unknown": encoding.unknown,
        "truncated": encoding.truncated,
        "totalTokens": encoding.total_tokens,
    }


def assert_parity(tmp_path: Path, requests: list[dict]) -> None:
    vocab = parity_vocab()
    js_results = run_js_tokenizer(tmp_path, vocab, requests)
    assert len(js_results) == len(requests)
    tokenizers = {}
    mismatches = []
    for request, js_result in zip(requests, js_results, strict=True):
        max_tokens = request["max_tokens"]
        if max_tokens not in tokenizers:
            tokenizers[max_tokens] = Tokenizer(vocab, max_tokens)
        expected = python_result(tokenizers[max_tokens], request["text"])
        if js_result != expected:
            mismatches.append((request["text"], expected, js_result))
    assert not mismatches, (
        f"{len(mismatches)} of {len(requests)} texts differ; first: "
        f"{mismatches[0][0]!r}\nPython: {mismatches[0][1]}\nJS:     {mismatches[0][2]}"
    )


def test_parity_vocab_is_valid_and_large():
    vocab = parity_vocab()
    assert Tokenizer(vocab, 8).vocab_size == len(vocab)
    assert len(vocab) > 2500
    assert set(SUFFIX_TOKENS) <= set(vocab)


def test_parity_on_fixture(tmp_path):
    requests = [
        {"text": case["text"], "max_tokens": case.get("max_tokens", 64)}
        for case in CASES
    ]
    assert_parity(tmp_path, requests)


def test_parity_on_random_strings(tmp_path):
    requests = [
        {"text": text, "max_tokens": 1 + index % 16}
        for index, text in enumerate(random_texts(5000, seed=20240521))
    ]
    assert_parity(tmp_path, requests)


def inflected_texts(count: int, seed: int) -> list[str]:
    """Return seeded random texts of parity vocabulary words with English endings,
    doubled or dropped final letters and mixed case, so that many words split."""
    rng = random.Random(seed)
    words = [word for word in parity_vocab() if word.isascii() and word.isalpha()]
    endings = ["", "s", "es", "ies", "ed", "ied", "d", "ing", "er", "est", "ly"]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 8)):
            word = rng.choice(words)
            roll = rng.random()
            if roll < 0.2:
                word += word[-1]
            elif roll < 0.4:
                word = word[:-1]
            word += rng.choice(endings)
            roll = rng.random()
            if roll < 0.2:
                word = word.upper()
            elif roll < 0.4:
                word = word.capitalize()
            elif roll < 0.5:
                word = "".join(rng.choice((char, char.upper())) for char in word)
            parts.append(word)
        texts.append(" ".join(parts) + rng.choice(["", ".", "'s", "\u2019s", "n't"]))
    return texts


def test_inflected_texts_split_often():
    tokenizer = Tokenizer(parity_vocab(), LARGE_MAX_TOKENS)
    texts = inflected_texts(1000, seed=5)
    with_suffix = [
        text
        for text in texts
        if set(SUFFIX_TOKENS).intersection(tokenizer.encode(text).tokens)
    ]
    assert len(with_suffix) > 500


def test_parity_on_inflected_words(tmp_path):
    requests = [
        {"text": text, "max_tokens": 1 + index % 16}
        for index, text in enumerate(inflected_texts(5000, seed=20240611))
    ]
    assert_parity(tmp_path, requests)


def test_random_ids_follow_keys():
    vocab = parity_vocab()
    tokenizer = Tokenizer(vocab, LARGE_MAX_TOKENS)
    for text in random_texts(500, seed=3) + inflected_texts(500, seed=4):
        assert_ids_follow_keys(vocab, tokenizer.encode(text))


def test_parity_on_emoji_presentation_table(tmp_path):
    """Emoji newer than Unicode 14.0 are unassigned for Python's unicodedata, so
    only the shared table makes them symbols; a skin-tone modifier after each
    shows whether both sides treat it as one."""
    probes = [
        f"a{chr(code_point)}a {chr(code_point)}\U0001f3fd "
        for first, last in EMOJI_PRESENTATION_RANGES
        for code_point in range(first, last + 1)
    ]
    assert_parity(tmp_path, [{"text": "".join(probes), "max_tokens": 1}])


def test_parity_on_every_assigned_code_point(tmp_path):
    """Probe each code point X with "aXa 1X1 XX X\u0301", which gives different
    pieces for each character class, so the two sides must classify every code
    point that Unicode 14.0 assigns the same way."""
    probes = []
    for code_point in range(0x110000):
        char = chr(code_point)
        category = unicodedata.category(char)
        if category == "Cn" or (category == "Co" and code_point > 0xFFFF):
            continue
        probes.append(f"a{char}a 1{char}1 {char}{char} {char}\u0301 ")
    chunk = 2000
    requests = [
        {"text": "".join(probes[start : start + chunk]), "max_tokens": 1}
        for start in range(0, len(probes), chunk)
    ]
    assert_parity(tmp_path, requests)
