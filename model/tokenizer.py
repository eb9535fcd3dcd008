"""Word-level tokenizer shared by the model and the article's browser code.

The rules are written down in docs/tokenizer.md, and js/tokenizer.js implements
the same rules for the browser. Both implementations follow the same steps in
the same order, so a change to one needs the same change to the other, to the
document and to tests/fixtures/tokenizer_cases.json.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[MASK]", "[NUM]")
PAD_TOKEN, UNK_TOKEN, MASK_TOKEN, NUM_TOKEN = SPECIAL_TOKENS

# Tokens that encode splits off a word missing from the vocabulary. Each is both
# the surface text and the lookup key, and typed text never produces one
# because "-" is punctuation and never joins a word.
SUFFIX_TOKENS = ("-s", "-ed", "-ing", "-er", "-est", "-ly")

# Suffix rules in the order encode tries them: the ending cut off the word's key,
# the suffix token, and the base candidates tried in order. Candidate "y" is the
# stem + "y", "e" is the stem + "e", "stem" is the stem itself and "undoubled" is
# the stem without the last letter of a final doubled consonant.
SUFFIX_RULES = (
    ("ies", "-s", ("y",)),
    ("ied", "-ed", ("y",)),
    ("ing", "-ing", ("e", "stem", "undoubled")),
    ("ed", "-ed", ("e", "stem", "undoubled")),
    ("s", "-s", ("stem",)),
    ("es", "-s", ("stem",)),
    ("er", "-er", ("e", "stem", "undoubled")),
    ("est", "-est", ("e", "stem", "undoubled")),
    ("ly", "-ly", ("stem",)),
)
MIN_STEM_LETTERS = 2

# Separators end a token and never become one. The set is explicit because
# Python's str.isspace and JavaScript's \s disagree: isspace accepts U+001C..U+001F
# and U+0085, \s accepts U+FEFF, and neither accepts U+200B or U+2060.
SEPARATORS = frozenset(
    "\t\n\v\f\r "
    "\u0085\u00a0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
    "\u200b\u2060\ufeff"
)

ZERO_WIDTH_JOINER = "\u200d"
TAG_FIRST, TAG_LAST = 0xE0020, 0xE007F
MODIFIER_FIRST, MODIFIER_LAST = 0x1F3FB, 0x1F3FF  # emoji skin-tone modifiers
REGIONAL_INDICATOR_FIRST, REGIONAL_INDICATOR_LAST = 0x1F1E6, 0x1F1FF
VARIATION_SELECTOR_16 = "\ufe0f"
COMBINING_ENCLOSING_KEYCAP = "\u20e3"
KEYCAP_BASES = frozenset("0123456789#*")

APOSTROPHES = frozenset("'\u2019")
NUMBER_SEPARATORS = frozenset(".,")

# Code points with the Emoji_Presentation property in Unicode 17.0, as inclusive
# ranges. Both implementations carry this same table, so an emoji added after the
# Unicode version of either runtime is still a symbol on both sides.
EMOJI_PRESENTATION_RANGES = (
    (0x231A, 0x231B), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3),
    (0x25FD, 0x25FE), (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F),
    (0x2693, 0x2693), (0x26A1, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE),
    (0x26C4, 0x26C5), (0x26CE, 0x26CE), (0x26D4, 0x26D4), (0x26EA, 0x26EA),
    (0x26F2, 0x26F3), (0x26F5, 0x26F5), (0x26FA, 0x26FA), (0x26FD, 0x26FD),
    (0x2705, 0x2705), (0x270A, 0x270B), (0x2728, 0x2728), (0x274C, 0x274C),
    (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797),
    (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50),
    (0x2B55, 0x2B55), (0x1F004, 0x1F004), (0x1F0CF, 0x1F0CF), (0x1F18E, 0x1F18E),
    (0x1F191, 0x1F19A), (0x1F1E6, 0x1F1FF), (0x1F201, 0x1F201), (0x1F21A, 0x1F21A),
    (0x1F22F, 0x1F22F), (0x1F232, 0x1F236), (0x1F238, 0x1F23A), (0x1F250, 0x1F251),
    (0x1F300, 0x1F320), (0x1F32D, 0x1F335), (0x1F337, 0x1F37C), (0x1F37E, 0x1F393),
    (0x1F3A0, 0x1F3CA), (0x1F3CF, 0x1F3D3), (0x1F3E0, 0x1F3F0), (0x1F3F4, 0x1F3F4),
    (0x1F3F8, 0x1F43E), (0x1F440, 0x1F440), (0x1F442, 0x1F4FC), (0x1F4FF, 0x1F53D),
    (0x1F54B, 0x1F54E), (0x1F550, 0x1F567), (0x1F57A, 0x1F57A), (0x1F595, 0x1F596),
    (0x1F5A4, 0x1F5A4), (0x1F5FB, 0x1F64F), (0x1F680, 0x1F6C5), (0x1F6CC, 0x1F6CC),
    (0x1F6D0, 0x1F6D2), (0x1F6D5, 0x1F6D8), (0x1F6DC, 0x1F6DF), (0x1F6EB, 0x1F6EC),
    (0x1F6F4, 0x1F6FC), (0x1F7E0, 0x1F7EB), (0x1F7F0, 0x1F7F0), (0x1F90C, 0x1F93A),
    (0x1F93C, 0x1F945), (0x1F947, 0x1F9FF), (0x1FA70, 0x1FA7C), (0x1FA80, 0x1FA8A),
    (0x1FA8E, 0x1FAC6), (0x1FAC8, 0x1FAC8), (0x1FACD, 0x1FADC), (0x1FADF, 0x1FAEA),
    (0x1FAEF, 0x1FAF8),
)  # fmt: skip

# Character classes used by the scanner.
SEPARATOR = 0
DROPPED = 1  # Cc and Cf other than the separators, ZWJ and tag characters
JOINER = 2  # U+200D ZERO WIDTH JOINER
TAG = 3  # U+E0020..U+E007F
LETTER = 4  # L*
MARK = 5  # M*
DIGIT = 6  # Nd
PUNCTUATION = 7  # P*
SYMBOL = 8  # S*, plus every Emoji_Presentation code point
OTHER = 9  # everything else: Cn, Co, Cs, No, Nl

_EMOJI_PRESENTATION_FIRSTS = [first for first, _ in EMOJI_PRESENTATION_RANGES]
_SURROGATE = re.compile("[\ud800-\udfff]")
_KEY_TABLE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ\u2019", "abcdefghijklmnopqrstuvwxyz'"
)
_ASCII_LOWERCASE_WORD = re.compile("[a-z]+")
_VOWELS = frozenset("aeiou")


def _is_emoji_presentation(code_point: int) -> bool:
    """Return whether the code point is in EMOJI_PRESENTATION_RANGES."""
    index = bisect.bisect_right(_EMOJI_PRESENTATION_FIRSTS, code_point) - 1
    return index >= 0 and code_point <= EMOJI_PRESENTATION_RANGES[index][1]


def _classify(char: str) -> int:
    """Return the scanner class of one code point.

    NOTE: categories and NFC come from Python's unicodedata (Unicode 14.0 in
    Python 3.11), while the browser uses its own Unicode version. Code points
    assigned after Unicode 14.0 are OTHER here but may be letters, marks or digits
    there, and the browser's NFC may compose them.
    """
    if char in SEPARATORS:
        return SEPARATOR
    if char == ZERO_WIDTH_JOINER:
        return JOINER
    code_point = ord(char)
    if TAG_FIRST <= code_point <= TAG_LAST:
        return TAG
    if _is_emoji_presentation(code_point):
        return SYMBOL
    category = unicodedata.category(char)
    major = category[0]
    if major == "L":
        return LETTER
    if major == "M":
        return MARK
    if major == "P":
        return PUNCTUATION
    if major == "S":
        return SYMBOL
    if category == "Nd":
        return DIGIT
    if category in ("Cc", "Cf"):
        return DROPPED
    return OTHER


def _join_surrogate_pairs(text: str) -> str:
    """Join each high surrogate followed by a low surrogate into the code point
    they encode, as UTF-16 does, and keep every other surrogate as it is.

    JavaScript strings are UTF-16, so a Python string built from surrogate halves
    then splits exactly like the same string in the browser.
    """
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode(
        "utf-16-le", "surrogatepass"
    )


def _is_modifier(char: str) -> bool:
    return MODIFIER_FIRST <= ord(char) <= MODIFIER_LAST


def _is_regional_indicator(char: str) -> bool:
    return REGIONAL_INDICATOR_FIRST <= ord(char) <= REGIONAL_INDICATOR_LAST


def _match_emoji_unit(chars: str, classes: list[int], start: int) -> int:
    """Return the end of the emoji unit at start, or start when there is none.

    A unit is a keycap (0-9, # or *, an optional U+FE0F, then U+20E3), a pair of
    regional indicators (a flag), or one SYMBOL code point.
    """
    size = len(chars)
    char = chars[start]
    if char in KEYCAP_BASES:
        end = start + 1
        if end < size and chars[end] == VARIATION_SELECTOR_16:
            end += 1
        if end < size and chars[end] == COMBINING_ENCLOSING_KEYCAP:
            return end + 1
        return start
    if classes[start] != SYMBOL:
        return start
    if (
        _is_regional_indicator(char)
        and start + 1 < size
        and _is_regional_indicator(chars[start + 1])
    ):
        return start + 2
    return start + 1


def _skip_emoji_extenders(chars: str, classes: list[int], start: int) -> int:
    """Return the end of the run of marks, tags and skin-tone modifiers at start."""
    end = start
    while end < len(chars) and (
        classes[end] == MARK or classes[end] == TAG or _is_modifier(chars[end])
    ):
        end += 1
    return end


def _match_emoji(chars: str, classes: list[int], start: int) -> int:
    """Return the end of the emoji sequence at start, or start when there is none.

    Sequence: unit, extenders, then any number of (ZWJ, unit, extenders).
    """
    end = _match_emoji_unit(chars, classes, start)
    if end == start:
        return start
    end = _skip_emoji_extenders(chars, classes, end)
    while end + 1 < len(chars) and classes[end] == JOINER:
        unit_end = _match_emoji_unit(chars, classes, end + 1)
        if unit_end == end + 1:
            break
        end = _skip_emoji_extenders(chars, classes, unit_end)
    return end


def _scan_word(chars: str, classes: list[int], start: int) -> int:
    """Return the end of the word at start: letters and marks, joined by an
    apostrophe only where a letter follows it."""
    size = len(chars)
    end = start
    while end < size:
        if classes[end] == LETTER or classes[end] == MARK:
            end += 1
        elif (
            chars[end] in APOSTROPHES and end + 1 < size and classes[end + 1] == LETTER
        ):
            end += 2
        else:
            break
    return end


def _scan_number(chars: str, classes: list[int], start: int) -> int:
    """Return the end of the number at start: digits, with a single "." or ","
    allowed between two digits."""
    size = len(chars)
    end = start
    while end < size:
        if classes[end] == DIGIT:
            end += 1
        elif (
            chars[end] in NUMBER_SEPARATORS
            and end + 1 < size
            and classes[end + 1] == DIGIT
        ):
            end += 2
        else:
            break
    return end


def _scan_punctuation(chars: str, start: int) -> int:
    """Return the end of the run of the punctuation character at start."""
    end = start + 1
    while end < len(chars) and chars[end] == chars[start]:
        end += 1
    return end


def _final_clitic_length(word: str, end: int) -> int:
    """Return the length of the English clitic that ends word[:end], or 0.

    The clitic must leave a non-empty stem that ends in a letter or mark.
    Case is compared for ASCII only, on purpose: re.IGNORECASE would also match
    U+017F LATIN SMALL LETTER LONG S to "s", and JavaScript's /iu flag does too.
    """
    length = 0
    if (
        end >= 3
        and word[end - 3] in "nN"
        and word[end - 2] in APOSTROPHES
        and word[end - 1] in "tT"
    ):
        length = 3
    elif end >= 2 and word[end - 2] in APOSTROPHES and word[end - 1] in "sSmMdD":
        length = 2
    elif (
        end >= 3
        and word[end - 3] in APOSTROPHES
        and word[end - 2 : end].translate(_KEY_TABLE) in ("re", "ve", "ll")
    ):
        length = 3
    if length == 0 or length == end:
        return 0
    if _classify(word[end - length - 1]) not in (LETTER, MARK):
        return 0
    return length


def _split_clitics(word: str) -> list[str]:
    """Split final English clitics off a word: "didn't've" -> did, n't, 've.

    Works on an end index instead of slicing the stem, so a word made of many
    clitics ("a's's's...") takes linear time.
    """
    clitics = []
    end = len(word)
    length = _final_clitic_length(word, end)
    while length:
        clitics.append(word[end - length : end])
        end -= length
        length = _final_clitic_length(word, end)
    clitics.reverse()
    return [word[:end], *clitics]


def _split_plain(chars: str, pieces: list[str]) -> None:
    """Append the words, numbers, punctuation runs and other code points of a
    text segment that contains no emoji sequence."""
    classes = [_classify(char) for char in chars]
    size = len(chars)
    position = 0
    while position < size:
        char_class = classes[position]
        if char_class == SEPARATOR:
            position += 1
            continue
        if char_class == LETTER or char_class == MARK:
            end = _scan_word(chars, classes, position)
            word = unicodedata.normalize("NFC", chars[position:end])
            pieces.extend(_split_clitics(word))
            position = end
            continue
        if char_class == DIGIT:
            end = _scan_number(chars, classes, position)
        elif char_class == PUNCTUATION:
            end = _scan_punctuation(chars, position)
        else:
            end = position + 1
        pieces.append(unicodedata.normalize("NFC", chars[position:end]))
        position = end


def split_text(text: str) -> list[str]:
    """Split text into surface pieces, independent of any vocabulary.

    The steps and their order are those of docs/tokenizer.md: read code points,
    normalize to NFC, drop control and format characters, take emoji sequences,
    then split the rest into words, numbers, punctuation runs and single code
    points. Every piece is in NFC.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    text = unicodedata.normalize("NFC", _join_surrogate_pairs(text))
    chars = "".join(char for char in text if _classify(char) != DROPPED)
    classes = [_classify(char) for char in chars]

    pieces: list[str] = []
    plain: list[str] = []  # code points since the last emoji sequence
    size = len(chars)
    position = 0
    while position < size:
        end = _match_emoji(chars, classes, position)
        if end > position:
            _split_plain("".join(plain), pieces)
            plain.clear()
            pieces.append(unicodedata.normalize("NFC", chars[position:end]))
            position = end
            continue
        # A ZWJ or tag character outside an emoji sequence is dropped.
        if classes[position] != JOINER and classes[position] != TAG:
            plain.append(chars[position])
        position += 1
    _split_plain("".join(plain), pieces)
    return pieces


def _is_number(piece: str) -> bool:
    """Return whether the piece is a number as split_text produces it."""
    classes = [_classify(char) for char in piece]
    if not classes or classes[0] != DIGIT:
        return False
    return _scan_number(piece, classes, 0) == len(piece)


def lookup_key(piece: str) -> str:
    """Return the vocabulary key of a piece.

    Numbers map to "[NUM]". Any other piece maps to itself with ASCII A-Z lowered
    and U+2019 replaced by U+0027, so a piece with a non-ASCII letter keeps that
    letter unchanged and is unknown to an ASCII vocabulary.
    """
    if not isinstance(piece, str):
        raise TypeError(f"piece must be a str, not {type(piece).__name__}")
    piece = _join_surrogate_pairs(piece)
    if _is_number(piece):
        return NUM_TOKEN
    return piece.translate(_KEY_TABLE)


def _suffix_base_candidates(key_stem: str, surface_stem: str, forms: Sequence[str]):
    """Yield (key, surface text) of each base candidate, in the order of forms.

    A restored letter takes the case of the surface stem's last letter, so
    "STUDIES" gives "STUDY" and "Baked" gives "Bake".
    """
    uppercase = "A" <= surface_stem[-1] <= "Z"
    for form in forms:
        if form == "y" or form == "e":
            letter = form.upper() if uppercase else form
            yield key_stem + form, surface_stem + letter
        elif form == "stem":
            yield key_stem, surface_stem
        elif (
            len(key_stem) > MIN_STEM_LETTERS
            and key_stem[-1] == key_stem[-2]
            and key_stem[-1] not in _VOWELS
        ):
            yield key_stem[:-1], surface_stem[:-1]


@dataclass(frozen=True)
class Encoding:
    """Result of Tokenizer.encode: the kept tokens with their ids."""

    tokens: list[str]  # surface text of each kept token, as shown to the reader
    ids: list[int]
    unknown: list[bool]  # True where the token's key is not in the vocabulary
    truncated: bool  # True when tokens beyond max_tokens were dropped
    total_tokens: int  # number of tokens, suffix tokens included, before truncation


class Tokenizer:
    """Vocabulary of a fixed order and the encoder that maps text to its ids.

    The vocabulary starts with SPECIAL_TOKENS, so "[PAD]" is id 0, "[UNK]" id 1,
    "[MASK]" id 2 and "[NUM]" id 3.
    """

    def __init__(self, vocab: Sequence[str], max_tokens: int):
        if isinstance(vocab, str) or not isinstance(vocab, Sequence):
            raise TypeError(
                f"vocab must be a sequence of strings, not {type(vocab).__name__}"
            )
        for index, entry in enumerate(vocab):
            if not isinstance(entry, str):
                raise TypeError(
                    f"vocab entry {index} must be a str, not {type(entry).__name__}"
                )
        if tuple(vocab[: len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS:
            raise ValueError(
                f"vocab must start with the special tokens {list(SPECIAL_TOKENS)}, "
                f"got {list(vocab[: len(SPECIAL_TOKENS)])}"
            )
        ids: dict[str, int] = {}
        for index, entry in enumerate(vocab):
            if entry in ids:
                raise ValueError(
                    f"vocab entry {entry!r} is duplicated at ids {ids[entry]} "
                    f"and {index}; remove the duplicate"
                )
            ids[entry] = index
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
            raise TypeError(
                f"max_tokens must be an int, not {type(max_tokens).__name__}"
            )
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")

        self._vocab = tuple(vocab)
        self._ids = ids
        self.max_tokens = max_tokens

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> Tokenizer:
        """Load a tokenizer from JSON of the form {"vocab": [...], "max_tokens": N}."""
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
        if not isinstance(data, dict):
            raise ValueError(
                f"{path}: expected a JSON object with vocab and max_tokens"
            )
        for key in ("vocab", "max_tokens"):
            if key not in data:
                raise ValueError(f"{path}: missing key {key!r}")
        return cls(data["vocab"], data["max_tokens"])

    def to_json(self) -> dict:
        """Return the JSON object that from_file and the browser's fromJSON read."""
        return {"vocab": list(self._vocab), "max_tokens": self.max_tokens}

    @property
    def vocab(self) -> tuple[str, ...]:
        """Vocabulary in id order."""
        return self._vocab

    @property
    def vocab_size(self) -> int:
        """Number of vocabulary entries, special tokens included."""
        return len(self._vocab)

    def encode(self, text: str) -> Encoding:
        """Split text into tokens, look up their ids and keep the first max_tokens.

        The tokens are the pieces of split_text, except that a word missing from
        the vocabulary becomes a base word and a suffix token where a rule of
        SUFFIX_RULES matches it. Truncation and total_tokens count these tokens.
        """
        unk_id = self._ids[UNK_TOKEN]
        tokens = []
        ids = []
        unknown = []
        for piece in split_text(text):
            for token, key in self._tokens_of_piece(piece):
                token_id = self._ids.get(key)
                tokens.append(token)
                ids.append(unk_id if token_id is None else token_id)
                unknown.append(token_id is None)
        kept = self.max_tokens
        return Encoding(
            tokens=tokens[:kept],
            ids=ids[:kept],
            unknown=unknown[:kept],
            truncated=len(tokens) > kept,
            total_tokens=len(tokens),
        )

    def _tokens_of_piece(self, piece: str) -> list[tuple[str, str]]:
        """Return the (surface text, key) of each token of one piece: the piece
        itself, or its base word and suffix token."""
        key = lookup_key(piece)
        if key in self._ids:
            return [(piece, key)]
        split = self._split_suffix(piece, key)
        if split is None:
            return [(piece, key)]
        base, base_key, suffix = split
        return [(base, base_key), (suffix, suffix)]

    def _split_suffix(self, piece: str, key: str) -> tuple[str, str, str] | None:
        """Return (base, base key, suffix token) of a word, or None.

        key is lookup_key(piece). Only a key of ASCII letters is split, because the
        vocabulary contains ASCII words and because such a key has the same length
        in Python and JavaScript. The first rule whose ending the key has, with a
        stem of at least MIN_STEM_LETTERS, and whose candidate is in the vocabulary
        wins.
        """
        if _ASCII_LOWERCASE_WORD.fullmatch(key) is None:
            return None
        for ending, suffix, forms in SUFFIX_RULES:
            stem_length = len(key) - len(ending)
            if stem_length < MIN_STEM_LETTERS or not key.endswith(ending):
                continue
            candidates = _suffix_base_candidates(
                key[:stem_length], piece[:stem_length], forms
            )
            for base_key, base in candidates:
                if base_key in self._ids:
                    return base, base_key, suffix
        return None
