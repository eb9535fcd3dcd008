// Word-level tokenizer shared by the article's browser code and the model.
//
// The rules are written down in docs/tokenizer.md, and model/tokenizer.py
// implements the same rules in Python. Both implementations follow the same
// steps in the same order, so a change to one needs the same change to the
// other, to the document and to tests/fixtures/tokenizer_cases.json.
//
// This module touches no DOM, so Node can import it as well as the browser.

export const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[MASK]", "[NUM]"];
const UNK_TOKEN = "[UNK]";
const NUM_TOKEN = "[NUM]";

// Tokens that encode splits off a word missing from the vocabulary. Each is
// both the surface text and the lookup key, and typed text never produces one
// because "-" is punctuation and never joins a word.
export const SUFFIX_TOKENS = ["-s", "-ed", "-ing", "-er", "-est", "-ly"];

// Suffix rules in the order encode tries them: the ending cut off the word's
// key, the suffix token, and the base candidates tried in order. Candidate "y"
// is the stem + "y", "e" is the stem + "e", "stem" is the stem itself and
// "undoubled" is the stem without the last letter of a final doubled consonant.
const SUFFIX_RULES = [
  ["ies", "-s", ["y"]],
  ["ied", "-ed", ["y"]],
  ["ing", "-ing", ["e", "stem", "undoubled"]],
  ["ed", "-ed", ["e", "stem", "undoubled"]],
  ["s", "-s", ["stem"]],
  ["es", "-s", ["stem"]],
  ["er", "-er", ["e", "stem", "undoubled"]],
  ["est", "-est", ["e", "stem", "undoubled"]],
  ["ly", "-ly", ["stem"]],
];
const MIN_STEM_LETTERS = 2;
const ASCII_LOWERCASE_WORD_RE = /^[a-z]+$/;
const VOWELS = new Set("aeiou");

// Separators end a token and never become one. The set is explicit because
// Python's str.isspace and JavaScript's \s disagree: isspace accepts
// U+001C..U+001F and U+0085, \s accepts U+FEFF, and neither accepts U+200B or
// U+2060.
const SEPARATORS = new Set(
  "\t\n\v\f\r " +
    "\u0085\u00a0\u1680" +
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" +
    "\u2028\u2029\u202f\u205f\u3000" +
    "\u200b\u2060\ufeff",
);

const ZERO_WIDTH_JOINER = "\u200d";
const TAG_FIRST = 0xe0020;
const TAG_LAST = 0xe007f;
const MODIFIER_FIRST = 0x1f3fb; // emoji skin-tone modifiers
const MODIFIER_LAST = 0x1f3ff;
const REGIONAL_INDICATOR_FIRST = 0x1f1e6;
const REGIONAL_INDICATOR_LAST = 0x1f1ff;
const VARIATION_SELECTOR_16 = "\ufe0f";
const COMBINING_ENCLOSING_KEYCAP = "\u20e3";
const KEYCAP_BASES = new Set("0123456789#*");

const APOSTROPHES = new Set("'\u2019");
const NUMBER_SEPARATORS = new Set(".,");

// Code points with the Emoji_Presentation property in Unicode 17.0, as
// inclusive ranges. Both implementations carry this same table, so an emoji
// added after the Unicode version of either runtime is still a symbol on both
// sides.
const EMOJI_PRESENTATION_RANGES = [
  [0x231a, 0x231b], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f],
  [0x2693, 0x2693], [0x26a1, 0x26a1], [0x26aa, 0x26ab], [0x26bd, 0x26be],
  [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd],
  [0x2705, 0x2705], [0x270a, 0x270b], [0x2728, 0x2728], [0x274c, 0x274c],
  [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50],
  [0x2b55, 0x2b55], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a], [0x1f1e6, 0x1f1ff], [0x1f201, 0x1f201], [0x1f21a, 0x1f21a],
  [0x1f22f, 0x1f22f], [0x1f232, 0x1f236], [0x1f238, 0x1f23a], [0x1f250, 0x1f251],
  [0x1f300, 0x1f320], [0x1f32d, 0x1f335], [0x1f337, 0x1f37c], [0x1f37e, 0x1f393],
  [0x1f3a0, 0x1f3ca], [0x1f3cf, 0x1f3d3], [0x1f3e0, 0x1f3f0], [0x1f3f4, 0x1f3f4],
  [0x1f3f8, 0x1f43e], [0x1f440, 0x1f440], [0x1f442, 0x1f4fc], [0x1f4ff, 0x1f53d],
  [0x1f54b, 0x1f54e], [0x1f550, 0x1f567], [0x1f57a, 0x1f57a], [0x1f595, 0x1f596],
  [0x1f5a4, 0x1f5a4], [0x1f5fb, 0x1f64f], [0x1f680, 0x1f6c5], [0x1f6cc, 0x1f6cc],
  [0x1f6d0, 0x1f6d2], [0x1f6d5, 0x1f6d8], [0x1f6dc, 0x1f6df], [0x1f6eb, 0x1f6ec],
  [0x1f6f4, 0x1f6fc], [0x1f7e0, 0x1f7eb], [0x1f7f0, 0x1f7f0], [0x1f90c, 0x1f93a],
  [0x1f93c, 0x1f945], [0x1f947, 0x1f9ff], [0x1fa70, 0x1fa7c], [0x1fa80, 0x1fa8a],
  [0x1fa8e, 0x1fac6], [0x1fac8, 0x1fac8], [0x1facd, 0x1fadc], [0x1fadf, 0x1faea],
  [0x1faef, 0x1faf8],
];

// Character classes used by the scanner.
const SEPARATOR = 0;
const DROPPED = 1; // Cc and Cf other than the separators, ZWJ and tag characters
const JOINER = 2; // U+200D ZERO WIDTH JOINER
const TAG = 3; // U+E0020..U+E007F
const LETTER = 4; // L*
const MARK = 5; // M*
const DIGIT = 6; // Nd
const PUNCTUATION = 7; // P*
const SYMBOL = 8; // S*, plus every Emoji_Presentation code point
const OTHER = 9; // everything else: Cn, Co, Cs, No, Nl

// NOTE: these property escapes and String.prototype.normalize use the Unicode
// version of the JavaScript engine, while the Python side uses Unicode 14.0.
// Code points assigned after Unicode 14.0 can be letters, marks or digits here
// but OTHER in Python, and NFC here may compose them.
const LETTER_RE = /^\p{L}$/u;
const MARK_RE = /^\p{M}$/u;
const PUNCTUATION_RE = /^\p{P}$/u;
const SYMBOL_RE = /^\p{S}$/u;
const DIGIT_RE = /^\p{Nd}$/u;
const CONTROL_OR_FORMAT_RE = /^[\p{Cc}\p{Cf}]$/u;

function isEmojiPresentation(codePoint) {
  let low = 0;
  let high = EMOJI_PRESENTATION_RANGES.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = EMOJI_PRESENTATION_RANGES[middle];
    if (codePoint < first) {
      high = middle - 1;
    } else if (codePoint > last) {
      low = middle + 1;
    } else {
      return true;
    }
  }
  return false;
}

// Returns the scanner class of one code point (a string of one code point or
// one lone surrogate).
function classify(char) {
  if (SEPARATORS.has(char)) return SEPARATOR;
  if (char === ZERO_WIDTH_JOINER) return JOINER;
  const codePoint = char.codePointAt(0);
  if (codePoint >= TAG_FIRST && codePoint <= TAG_LAST) return TAG;
  if (isEmojiPresentation(codePoint)) return SYMBOL;
  if (LETTER_RE.test(char)) return LETTER;
  if (MARK_RE.test(char)) return MARK;
  if (PUNCTUATION_RE.test(char)) return PUNCTUATION;
  if (SYMBOL_RE.test(char)) return SYMBOL;
  if (DIGIT_RE.test(char)) return DIGIT;
  if (CONTROL_OR_FORMAT_RE.test(char)) return DROPPED;
  return OTHER;
}

function isModifier(char) {
  const codePoint = char.codePointAt(0);
  return codePoint >= MODIFIER_FIRST && codePoint <= MODIFIER_LAST;
}

function isRegionalIndicator(char) {
  const codePoint = char.codePointAt(0);
  return (
    codePoint >= REGIONAL_INDICATOR_FIRST && codePoint <= REGIONAL_INDICATOR_LAST
  );
}

// Returns the end of the emoji unit at start, or start when there is none.
// A unit is a keycap (0-9, # or *, an optional U+FE0F, then U+20E3), a pair
// of regional indicators (a flag), or one SYMBOL code point.
function matchEmojiUnit(chars, classes, start) {
  const size = chars.length;
  const char = chars[start];
  if (KEYCAP_BASES.has(char)) {
    let end = start + 1;
    if (end < size && chars[end] === VARIATION_SELECTOR_16) end += 1;
    if (end < size && chars[end] === COMBINING_ENCLOSING_KEYCAP) return end + 1;
    return start;
  }
  if (classes[start] !== SYMBOL) return start;
  if (
    isRegionalIndicator(char) &&
    start + 1 < size &&
    isRegionalIndicator(chars[start + 1])
  ) {
    return start + 2;
  }
  return start + 1;
}

// Returns the end of the run of marks, tags and skin-tone modifiers at start.
function skipEmojiExtenders(chars, classes, start) {
  let end = start;
  while (
    end < chars.length &&
    (classes[end] === MARK || classes[end] === TAG || isModifier(chars[end]))
  ) {
    end += 1;
  }
  return end;
}

// Returns the end of the emoji sequence at start, or start when there is none.
// Sequence: unit, extenders, then any number of (ZWJ, unit, extenders).
function matchEmoji(chars, classes, start) {
  let end = matchEmojiUnit(chars, classes, start);
  if (end === start) return start;
  end = skipEmojiExtenders(chars, classes, end);
  while (end + 1 < chars.length && classes[end] === JOINER) {
    const unitEnd = matchEmojiUnit(chars, classes, end + 1);
    if (unitEnd === end + 1) break;
    end = skipEmojiExtenders(chars, classes, unitEnd);
  }
  return end;
}

// Returns the end of the word at start: letters and marks, joined by an
// apostrophe only where a letter follows it.
function scanWord(chars, classes, start) {
  const size = chars.length;
  let end = start;
  while (end < size) {
    if (classes[end] === LETTER || classes[end] === MARK) {
      end += 1;
    } else if (
      APOSTROPHES.has(chars[end]) &&
      end + 1 < size &&
      classes[end + 1] === LETTER
    ) {
      end += 2;
    } else {
      break;
    }
  }
  return end;
}

// Returns the end of the number at start: digits, with a single "." or ","
// allowed between two digits.
function scanNumber(chars, classes, start) {
  const size = chars.length;
  let end = start;
  while (end < size) {
    if (classes[end] === DIGIT) {
      end += 1;
    } else if (
      NUMBER_SEPARATORS.has(chars[end]) &&
      end + 1 < size &&
      classes[end + 1] === DIGIT
    ) {
      end += 2;
    } else {
      break;
    }
  }
  return end;
}

// Returns the end of the run of the punctuation character at start.
function scanPunctuation(chars, start) {
  let end = start + 1;
  while (end < chars.length && chars[end] === chars[start]) end += 1;
  return end;
}

// Lowers ASCII A-Z only and maps U+2019 to U+0027. String.prototype.toLowerCase
// would also change non-ASCII letters, differently from Python's str.lower.
function lowerAscii(text) {
  return text.replace(/[A-Z\u2019]/g, (char) =>
    char === "\u2019" ? "'" : String.fromCharCode(char.charCodeAt(0) + 32),
  );
}

// Returns the length, in code points, of the English clitic that ends
// chars[0..end), or 0. The clitic must leave a non-empty stem that ends in a
// letter or mark. Case is compared for ASCII only, because the /iu regular
// expression flag would also match U+017F LATIN SMALL LETTER LONG S to "s".
function finalCliticLength(chars, end) {
  let length = 0;
  if (
    end >= 3 &&
    (chars[end - 3] === "n" || chars[end - 3] === "N") &&
    APOSTROPHES.has(chars[end - 2]) &&
    (chars[end - 1] === "t" || chars[end - 1] === "T")
  ) {
    length = 3;
  } else if (
    end >= 2 &&
    APOSTROPHES.has(chars[end - 2]) &&
    "sSmMdD".includes(chars[end - 1])
  ) {
    length = 2;
  } else if (
    end >= 3 &&
    APOSTROPHES.has(chars[end - 3]) &&
    ["re", "ve", "ll"].includes(lowerAscii(chars[end - 2] + chars[end - 1]))
  ) {
    length = 3;
  }
  if (length === 0 || length === end) return 0;
  const stemLast = classify(chars[end - length - 1]);
  if (stemLast !== LETTER && stemLast !== MARK) return 0;
  return length;
}

// Splits final English clitics off a word: "didn't've" -> did, n't, 've.
function splitClitics(word) {
  const chars = Array.from(word);
  const clitics = [];
  let end = chars.length;
  let length = finalCliticLength(chars, end);
  while (length) {
    clitics.push(chars.slice(end - length, end).join(""));
    end -= length;
    length = finalCliticLength(chars, end);
  }
  clitics.reverse();
  return [chars.slice(0, end).join(""), ...clitics];
}

// Appends the words, numbers, punctuation runs and other code points of a text
// segment that contains no emoji sequence.
function splitPlain(chars, classes, pieces) {
  const size = chars.length;
  let position = 0;
  while (position < size) {
    const charClass = classes[position];
    if (charClass === SEPARATOR) {
      position += 1;
      continue;
    }
    if (charClass === LETTER || charClass === MARK) {
      const end = scanWord(chars, classes, position);
      const word = chars.slice(position, end).join("").normalize("NFC");
      pieces.push(...splitClitics(word));
      position = end;
      continue;
    }
    let end;
    if (charClass === DIGIT) {
      end = scanNumber(chars, classes, position);
    } else if (charClass === PUNCTUATION) {
      end = scanPunctuation(chars, position);
    } else {
      end = position + 1;
    }
    pieces.push(chars.slice(position, end).join("").normalize("NFC"));
    position = end;
  }
}

function requireString(value, name) {
  if (typeof value !== "string") {
    throw new TypeError(`${name} must be a string, not ${typeof value}`);
  }
}

/**
 * Splits text into surface pieces, independent of any vocabulary.
 *
 * The steps and their order are those of docs/tokenizer.md: read code points,
 * normalize to NFC, drop control and format characters, take emoji sequences,
 * then split the rest into words, numbers, punctuation runs and single code
 * points. Every piece is in NFC.
 */
export function splitText(text) {
  requireString(text, "text");
  const chars = [];
  const classes = [];
  for (const char of text.normalize("NFC")) {
    const charClass = classify(char);
    if (charClass !== DROPPED) {
      chars.push(char);
      classes.push(charClass);
    }
  }

  const pieces = [];
  let plainChars = []; // code points since the last emoji sequence
  let plainClasses = [];
  let position = 0;
  while (position < chars.length) {
    const end = matchEmoji(chars, classes, position);
    if (end > position) {
      splitPlain(plainChars, plainClasses, pieces);
      plainChars = [];
      plainClasses = [];
      pieces.push(chars.slice(position, end).join("").normalize("NFC"));
      position = end;
      continue;
    }
    // A ZWJ or tag character outside an emoji sequence is dropped.
    if (classes[position] !== JOINER && classes[position] !== TAG) {
      plainChars.push(chars[position]);
      plainClasses.push(classes[position]);
    }
    position += 1;
  }
  splitPlain(plainChars, plainClasses, pieces);
  return pieces;
}

function isNumber(piece) {
  const chars = Array.from(piece);
  const classes = chars.map(classify);
  if (chars.length === 0 || classes[0] !== DIGIT) return false;
  return scanNumber(chars, classes, 0) === chars.length;
}

/**
 * Returns the vocabulary key of a piece.
 *
 * Numbers map to "[NUM]". Any other piece maps to itself with ASCII A-Z
 * lowered and U+2019 replaced by U+0027, so a piece with a non-ASCII letter
 * keeps that letter unchanged and is unknown to an ASCII vocabulary.
 */
export function lookupKey(piece) {
  requireString(piece, "piece");
  if (isNumber(piece)) return NUM_TOKEN;
  return lowerAscii(piece);
}

// Returns [key, surface text] of each base candidate, in the order of forms.
// A restored letter takes the case of the surface stem's last letter, so
// "STUDIES" gives "STUDY" and "Baked" gives "Bake".
function suffixBaseCandidates(keyStem, surfaceStem, forms) {
  const last = surfaceStem[surfaceStem.length - 1];
  const uppercase = last >= "A" && last <= "Z";
  const candidates = [];
  for (const form of forms) {
    if (form === "y" || form === "e") {
      const letter = uppercase ? form.toUpperCase() : form;
      candidates.push([keyStem + form, surfaceStem + letter]);
    } else if (form === "stem") {
      candidates.push([keyStem, surfaceStem]);
    } else if (
      keyStem.length > MIN_STEM_LETTERS &&
      keyStem[keyStem.length - 1] === keyStem[keyStem.length - 2] &&
      !VOWELS.has(keyStem[keyStem.length - 1])
    ) {
      candidates.push([keyStem.slice(0, -1), surfaceStem.slice(0, -1)]);
    }
  }
  return candidates;
}

function validateVocab(vocab) {
  if (!Array.isArray(vocab)) {
    throw new TypeError(`vocab must be an array of strings, not ${typeof vocab}`);
  }
  vocab.forEach((entry, index) => {
    if (typeof entry !== "string") {
      throw new TypeError(`vocab entry ${index} must be a string, not ${typeof entry}`);
    }
  });
  const head = vocab.slice(0, SPECIAL_TOKENS.length);
  if (!SPECIAL_TOKENS.every((token, index) => head[index] === token)) {
    throw new Error(
      `vocab must start with the special tokens ${JSON.stringify(SPECIAL_TOKENS)}, ` +
        `got ${JSON.stringify(head)}`,
    );
  }
  const ids = new Map();
  vocab.forEach((entry, index) => {
    if (ids.has(entry)) {
      throw new Error(
        `vocab entry ${JSON.stringify(entry)} is duplicated at ids ` +
          `${ids.get(entry)} and ${index}; remove the duplicate`,
      );
    }
    ids.set(entry, index);
  });
  return ids;
}

function validateMaxTokens(maxTokens) {
  if (!Number.isInteger(maxTokens)) {
    throw new TypeError(`maxTokens must be an integer, got ${maxTokens}`);
  }
  if (maxTokens < 1) {
    throw new Error(`maxTokens must be at least 1, got ${maxTokens}`);
  }
}

/**
 * Vocabulary of a fixed order and the encoder that maps text to its ids.
 *
 * The vocabulary starts with SPECIAL_TOKENS, so "[PAD]" is id 0, "[UNK]" id 1,
 * "[MASK]" id 2 and "[NUM]" id 3.
 */
export class Tokenizer {
  #ids;

  constructor({ vocab, maxTokens } = {}) {
    this.#ids = validateVocab(vocab);
    validateMaxTokens(maxTokens);
    this.vocab = Object.freeze([...vocab]);
    this.maxTokens = maxTokens;
  }

  /** Builds a tokenizer from parsed tokenizer.json: {vocab, max_tokens}. */
  static fromJSON(obj) {
    if (obj === null || typeof obj !== "object") {
      throw new TypeError("tokenizer JSON must be an object with vocab and max_tokens");
    }
    for (const key of ["vocab", "max_tokens"]) {
      if (!(key in obj)) throw new Error(`tokenizer JSON is missing key "${key}"`);
    }
    return new Tokenizer({ vocab: obj.vocab, maxTokens: obj.max_tokens });
  }

  /** Number of vocabulary entries, special tokens included. */
  get vocabSize() {
    return this.vocab.length;
  }

  /**
   * Splits text into tokens, looks up their ids and keeps the first maxTokens.
   *
   * The tokens are the pieces of splitText, except that a word missing from
   * the vocabulary becomes a base word and a suffix token where a rule of
   * SUFFIX_RULES matches it. Truncation and totalTokens count these tokens.
   */
  encode(text) {
    const unkId = this.#ids.get(UNK_TOKEN);
    const tokens = [];
    const ids = [];
    const unknown = [];
    for (const piece of splitText(text)) {
      for (const [token, key] of this.#tokensOfPiece(piece)) {
        const id = this.#ids.get(key);
        tokens.push(token);
        ids.push(id === undefined ? unkId : id);
        unknown.push(id === undefined);
      }
    }
    const kept = this.maxTokens;
    return {
      tokens: tokens.slice(0, kept),
      ids: ids.slice(0, kept),
      unknown: unknown.slice(0, kept),
      truncated: tokens.length > kept,
      totalTokens: tokens.length,
    };
  }

  // Returns [surface text, key] of each token of one piece: the piece itself,
  // or its base word and suffix token.
  #tokensOfPiece(piece) {
    const key = lookupKey(piece);
    if (this.#ids.has(key)) return [[piece, key]];
    const split = this.#splitSuffix(piece, key);
    if (split === null) return [[piece, key]];
    const [base, baseKey, suffix] = split;
    return [
      [base, baseKey],
      [suffix, suffix],
    ];
  }

  // Returns [base, base key, suffix token] of a word, or null. key is
  // lookupKey(piece). Only a key of ASCII letters is split, because the
  // vocabulary contains ASCII words and because such a key has the same length
  // in Python and JavaScript. The first rule whose ending the key has, with a
  // stem of at least MIN_STEM_LETTERS, and whose candidate is in the
  // vocabulary wins.
  #splitSuffix(piece, key) {
    if (!ASCII_LOWERCASE_WORD_RE.test(key)) return null;
    for (const [ending, suffix, forms] of SUFFIX_RULES) {
      const stemLength = key.length - ending.length;
      if (stemLength < MIN_STEM_LETTERS || !key.endsWith(ending)) continue;
      const candidates = suffixBaseCandidates(
        key.slice(0, stemLength),
        piece.slice(0, stemLength),
        forms,
      );
      for (const [baseKey, base] of candidates) {
        if (this.#ids.has(baseKey)) return [base, baseKey, suffix];
      }
    }
    return null;
  }
}
