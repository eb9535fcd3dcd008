// Tests js/tokenizer.js against the fixture that the Python tests also read,
// tests/fixtures/tokenizer_cases.json. Run with: node --test tests/js/

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { describe, test } from "node:test";

import {
  SPECIAL_TOKENS,
  SUFFIX_TOKENS,
  Tokenizer,
  lookupKey,
  splitText,
} from "../../js/tokenizer.js";

const CASES = JSON.parse(
  readFileSync(new URL("../fixtures/tokenizer_cases.json", import.meta.url), "utf8"),
);
const LARGE_MAX_TOKENS = 100000;
const SMALL_VOCAB = [
  ...SPECIAL_TOKENS,
  ...["the", "cat", "sat", "do", "n't", "'s", "it", "."],
];

function smallTokenizer(maxTokens) {
  return new Tokenizer({ vocab: SMALL_VOCAB, maxTokens });
}

// Returns the case's own vocabulary after the special tokens, else SMALL_VOCAB.
function fixtureVocab(testCase) {
  return testCase.vocab ? [...SPECIAL_TOKENS, ...testCase.vocab] : SMALL_VOCAB;
}

// Checks that every token has the id of its lookup key, or [UNK] when the
// vocabulary lacks the key.
function assertIdsFollowKeys(vocab, encoding) {
  const vocabIds = new Map(vocab.map((entry, index) => [entry, index]));
  const unkId = vocabIds.get("[UNK]");
  encoding.tokens.forEach((token, index) => {
    const key = lookupKey(token);
    assert.equal(encoding.unknown[index], !vocabIds.has(key), token);
    assert.equal(encoding.ids[index], vocabIds.get(key) ?? unkId, token);
  });
}

function bestMilliseconds(run, runs) {
  let best = Infinity;
  for (let index = 0; index < runs; index += 1) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function bestSplitMilliseconds(text, runs) {
  return bestMilliseconds(() => splitText(text), runs);
}

describe("fixture", () => {
  test("has at least 40 uniquely named cases", () => {
    assert.ok(CASES.length >= 40);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
  });

  for (const testCase of CASES) {
    test(`splitText: ${testCase.name}`, () => {
      assert.deepEqual(splitText(testCase.text), testCase.tokens);
    });

    if (testCase.keys) {
      test(`lookupKey: ${testCase.name}`, () => {
        assert.deepEqual(testCase.tokens.map(lookupKey), testCase.keys);
      });
    }

    // Without its own vocabulary a case encodes with SMALL_VOCAB into its pieces.
    test(`encode: ${testCase.name}`, () => {
      const maxTokens = testCase.max_tokens ?? LARGE_MAX_TOKENS;
      const vocab = fixtureVocab(testCase);
      const encoding = new Tokenizer({ vocab, maxTokens }).encode(testCase.text);
      const expected = testCase.encoded ?? testCase.tokens;
      assert.deepEqual(encoding.tokens, expected.slice(0, maxTokens));
      assert.equal(encoding.totalTokens, expected.length);
      assert.equal(encoding.truncated, testCase.truncated ?? false);
      if (testCase.unknown) {
        assert.deepEqual(encoding.unknown, testCase.unknown.slice(0, maxTokens));
      }
      assertIdsFollowKeys(vocab, encoding);
    });
  }
});

describe("splitText", () => {
  test("rejects non-string input with TypeError", () => {
    assert.throws(() => splitText(42), TypeError);
    assert.throws(() => splitText(null), TypeError);
    assert.throws(() => splitText(["a"]), /text must be a string/);
  });

  test("splits 10,000-character inputs in under 50 ms", () => {
    const fixtureText = CASES.map((c) => c.text).reduce((longest, text) =>
      text.length > longest.length ? text : longest,
    );
    const adversarial = {
      fixture: fixtureText,
      "clitic chain": "a" + "'s".repeat(4999),
      "apostrophe word": "a'".repeat(5000),
      "number chain": "1.".repeat(5000),
      "punctuation run": "!".repeat(10000),
      "combining marks": "\u0301".repeat(10000),
      "ZWJ chain": "\u{1f468}\u200d".repeat(5000),
      "regional indicators": "\u{1f1fa}".repeat(10000),
      "lone surrogates": "\ud800".repeat(10000),
      "dropped controls": "a\u200e".repeat(5000),
    };
    for (const [name, text] of Object.entries(adversarial)) {
      const best = bestSplitMilliseconds(text, 3);
      assert.ok(best < 50, `${name}: splitText took ${best.toFixed(1)} ms`);
    }
  });
});

describe("suffix splitting", () => {
  test("exports the suffix tokens", () => {
    assert.deepEqual(SUFFIX_TOKENS, ["-s", "-ed", "-ing", "-er", "-est", "-ly"]);
  });

  test("typed suffix tokens split into punctuation and a word", () => {
    for (const suffix of SUFFIX_TOKENS) {
      assert.deepEqual(splitText(suffix), ["-", suffix.slice(1)]);
      assert.deepEqual(splitText(`word${suffix}`), ["word", "-", suffix.slice(1)]);
    }
  });

  test("gives the base and the suffix their own ids", () => {
    const vocab = [...SPECIAL_TOKENS, "-ed", "bake", "-s"];
    const encoding = new Tokenizer({ vocab, maxTokens: 8 }).encode("Baked cakes");
    assert.deepEqual(encoding, {
      tokens: ["Bake", "-ed", "cakes"],
      ids: [5, 4, 1],
      unknown: [false, false, true],
      truncated: false,
      totalTokens: 3,
    });
  });

  test("encodes 10,000-character inputs in under 50 ms", () => {
    const vocab = [
      ...SPECIAL_TOKENS,
      ...SUFFIX_TOKENS,
      ...["he", "stop", "run", "study", "tall", "quick", "bake"],
    ];
    const tokenizer = new Tokenizer({ vocab, maxTokens: 64 });
    const adversarial = {
      "inflected words": "Stopped running studies tallest quickly ".repeat(250),
      "unknown inflected words": "zorbed ".repeat(1429).slice(0, 10000),
      "one long word": "a".repeat(9998) + "ed",
      "one long word of doubled letters": "b".repeat(9997) + "ing",
    };
    for (const [name, text] of Object.entries(adversarial)) {
      const best = bestMilliseconds(() => tokenizer.encode(text), 3);
      assert.ok(best < 50, `${name}: encode took ${best.toFixed(1)} ms`);
    }
  });
});

describe("lookupKey", () => {
  test("lowers ASCII only", () => {
    assert.equal(lookupKey("HeLLo"), "hello");
    assert.equal(lookupKey("\u00c9COLE"), "\u00c9cole");
    assert.equal(lookupKey("\u0130"), "\u0130");
    assert.equal(lookupKey("\u212a"), "\u212a");
  });

  test("maps the right single quote to an apostrophe", () => {
    assert.equal(lookupKey("n\u2019t"), "n't");
    assert.equal(lookupKey("\u2019S"), "'s");
  });

  test("maps numbers to [NUM]", () => {
    for (const number of ["7", "3.14", "10,000", "\u0661\u0662", "1.2.3"]) {
      assert.equal(lookupKey(number), "[NUM]", number);
    }
  });

  test("keeps pieces that are not numbers", () => {
    for (const piece of ["1.", ".5", "1..2", "1a", "1\ufe0f\u20e3", "", "\u00b2"]) {
      assert.equal(lookupKey(piece), piece, piece);
    }
  });

  test("rejects non-string input with TypeError", () => {
    assert.throws(() => lookupKey(3), /piece must be a string/);
  });
});

describe("Tokenizer", () => {
  test("maps known, unknown and number tokens", () => {
    const text = "The cat didn\u2019t pay 3.50 for it's hat.";
    const encoding = smallTokenizer(32).encode(text);
    const id = (token) => SMALL_VOCAB.indexOf(token);
    assert.deepEqual(encoding.tokens, [
      "The", "cat", "did", "n\u2019t", "pay", "3.50", "for", "it", "'s", "hat", ".",
    ]);
    assert.deepEqual(encoding.ids, [
      id("the"), id("cat"), 1, id("n't"), 1, 3, 1, id("it"), id("'s"), 1, id("."),
    ]);
    assert.deepEqual(encoding.unknown, [
      false, false, true, false, true, false, true, false, false, true, false,
    ]);
    assert.equal(encoding.truncated, false);
    assert.equal(encoding.totalTokens, 11);
  });

  test("truncates to maxTokens", () => {
    const encoding = smallTokenizer(2).encode("the cat sat");
    assert.deepEqual(encoding.tokens, ["the", "cat"]);
    assert.deepEqual(encoding.ids, [4, 5]);
    assert.deepEqual(encoding.unknown, [false, false]);
    assert.equal(encoding.truncated, true);
    assert.equal(encoding.totalTokens, 3);
  });

  test("encodes empty text", () => {
    assert.deepEqual(smallTokenizer(4).encode(" \u200b "), {
      tokens: [],
      ids: [],
      unknown: [],
      truncated: false,
      totalTokens: 0,
    });
  });

  test("rejects non-string text with TypeError", () => {
    assert.throws(() => smallTokenizer(4).encode(42), TypeError);
  });

  test("exposes vocabSize and maxTokens", () => {
    const tokenizer = smallTokenizer(16);
    assert.equal(tokenizer.vocabSize, SMALL_VOCAB.length);
    assert.equal(tokenizer.maxTokens, 16);
  });

  test("fromJSON reads tokenizer.json", () => {
    const tokenizer = Tokenizer.fromJSON({ vocab: SMALL_VOCAB, max_tokens: 12 });
    assert.equal(tokenizer.maxTokens, 12);
    assert.deepEqual(tokenizer.encode("the cat"), smallTokenizer(12).encode("the cat"));
  });

  test("fromJSON rejects malformed objects", () => {
    assert.throws(
      () => Tokenizer.fromJSON({ vocab: SMALL_VOCAB }),
      /missing key "max_tokens"/,
    );
    assert.throws(() => Tokenizer.fromJSON({ max_tokens: 8 }), /missing key "vocab"/);
    assert.throws(() => Tokenizer.fromJSON(null), TypeError);
  });

  const invalidVocabs = [
    [["the", ...SPECIAL_TOKENS], /must start with the special tokens/],
    [["[PAD]", "[MASK]", "[UNK]", "[NUM]"], /must start with the special tokens/],
    [["[PAD]", "[UNK]", "[MASK]"], /must start with the special tokens/],
    [[], /must start with the special tokens/],
    [[...SPECIAL_TOKENS, "cat", "dog", "cat"], /"cat" is duplicated at ids 4 and 6/],
    [[...SPECIAL_TOKENS, "[UNK]"], /"\[UNK\]" is duplicated at ids 1 and 4/],
  ];
  for (const [vocab, message] of invalidVocabs) {
    test(`rejects vocab ${JSON.stringify(vocab)}`, () => {
      assert.throws(() => new Tokenizer({ vocab, maxTokens: 8 }), (error) => {
        assert.ok(!(error instanceof TypeError));
        assert.match(error.message, message);
        return true;
      });
    });
  }

  test("rejects vocab of the wrong type with TypeError", () => {
    assert.throws(
      () => new Tokenizer({ vocab: "[PAD][UNK][MASK][NUM]", maxTokens: 8 }),
      /vocab must be an array of strings/,
    );
    assert.throws(
      () => new Tokenizer({ vocab: [...SPECIAL_TOKENS, 5], maxTokens: 8 }),
      /vocab entry 4 must be a string/,
    );
    assert.throws(() => new Tokenizer(), TypeError);
  });

  for (const maxTokens of [0, -1]) {
    test(`rejects maxTokens ${maxTokens}`, () => {
      assert.throws(
        () => new Tokenizer({ vocab: SMALL_VOCAB, maxTokens }),
        /maxTokens must be at least 1/,
      );
    });
  }

  for (const maxTokens of [2.5, "8", null, undefined, true]) {
    test(`rejects non-integer maxTokens ${String(maxTokens)}`, () => {
      assert.throws(() => new Tokenizer({ vocab: SMALL_VOCAB, maxTokens }), TypeError);
    });
  }
});
