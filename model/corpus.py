"""Generate the English training sentences from a small hand-written grammar.

Nothing is downloaded: every sentence comes from the word lists and templates
below, drawn with a seeded `random.Random`. Besides plain everyday sentences,
the grammar writes two families whose structure a reader can check by eye:

- pronoun reference, "The animal didn't cross the street because it was too
  tired": the adjective decides whether the pronoun means the first or the
  second noun, and the pronoun's form (he, she, it, they) and the verb (was,
  were) agree with that noun;
- subject-verb agreement across a relative clause, "The dogs that chased the
  cat were hungry".

Each generated `Sentence` records where its pronoun and antecedent are, so
the measurement script can check what the trained heads attend to.
"""

import random
from dataclasses import dataclass

# fmt: off
# Nouns that can be tired, scared or hungry, with the pronoun that refers to
# them. Plural nouns take "they" and "were".
ANIMATE_NOUNS = {
    "it": [
        "animal", "dog", "cat", "horse", "cow", "rabbit", "bird", "fox", "sheep",
        "goat", "mouse", "wolf", "bear", "duck", "pig", "lion", "baby", "puppy",
        "kitten", "tiger",
    ],
    "he": [
        "man", "boy", "king", "father", "brother", "farmer", "teacher", "doctor",
        "student", "uncle", "son", "prince", "driver", "soldier", "clown", "mailman",
        "grandfather", "husband", "waiter",
    ],
    "she": [
        "woman", "girl", "queen", "mother", "sister", "nurse", "aunt", "daughter",
        "princess", "grandmother", "lady", "wife", "waitress",
    ],
    "they": [
        "animals", "dogs", "cats", "horses", "children", "people", "men", "women",
        "boys", "girls", "students", "birds", "sheep", "soldiers", "kids", "friends",
        "neighbors", "parents", "puppies", "ducks",
    ],
}

# Things an animal can fail to cross or climb, with their pronoun.
PLACE_NOUNS = {
    "it": [
        "street", "road", "river", "bridge", "hill", "wall", "fence", "field", "lake",
        "mountain", "stream", "path", "ditch", "highway",
    ],
    "they": [
        "streets", "roads", "rivers", "hills", "walls", "fences", "fields",
    ],
}

ANIMATE_ADJECTIVES = [
    "tired", "scared", "weak", "slow", "old", "sick", "hungry", "afraid", "sleepy",
    "lazy", "nervous", "young", "small", "frightened", "weary",
]

PLACE_ADJECTIVES = [
    "wide", "long", "steep", "busy", "deep", "dangerous", "icy", "high", "crowded",
    "wet", "narrow", "muddy", "far", "dark", "tall",
]

FAILED_CROSSINGS = [
    "didn't cross", "did not cross", "couldn't cross", "wouldn't cross", "didn't climb",
    "couldn't climb", "refused to cross", "did not climb", "didn't jump over",
    "never crossed",
]

OBJECTS = [
    "book", "ball", "apple", "letter", "cake", "key", "hat", "cup", "box", "pen", "bag",
    "coat", "chair", "table", "car", "phone", "picture", "map", "ticket", "bottle",
    "gift", "song", "story", "door", "window", "bread", "milk", "ring", "shoe", "toy",
    "watch", "computer", "lamp", "bed", "mat", "rug", "sofa", "bike", "boat", "flower",
    "tree", "balloon", "chocolate", "popcorn", "cookie", "sandwich", "pizza", "blanket",
    "pillow", "umbrella", "kite", "guitar", "piano", "camera", "basket", "candle",
    "clock", "mirror", "newspaper", "jacket", "scarf", "soup", "desk", "egg", "banana",
    "orange", "sweater", "spoon", "plate",
]

PLACES = [
    "park", "school", "house", "garden", "kitchen", "market", "city", "village",
    "forest", "beach", "shop", "office", "library", "farm", "station", "church",
    "hospital", "room", "street", "river", "town", "bakery", "zoo", "museum", "airport",
    "restaurant", "playground", "bank", "hotel", "pool", "yard", "bedroom", "classroom",
]

OBJECT_ADJECTIVES = [
    "red", "blue", "green", "big", "small", "old", "new", "heavy", "soft", "broken",
    "beautiful", "little", "warm", "cold", "clean", "dirty", "white", "black", "yellow",
    "brown", "long", "short", "empty", "full", "delicious", "fresh", "sweet", "shiny",
    "tiny", "huge", "favorite",
]

# (present plural, past) forms of verbs that take a direct object.
TRANSITIVE_VERBS = [
    ("see", "saw"), ("find", "found"), ("like", "liked"), ("want", "wanted"),
    ("take", "took"), ("make", "made"), ("bring", "brought"), ("buy", "bought"),
    ("carry", "carried"), ("open", "opened"), ("close", "closed"), ("clean", "cleaned"),
    ("paint", "painted"), ("hold", "held"), ("love", "loved"), ("need", "needed"),
    ("sell", "sold"), ("lose", "lost"), ("read", "read"), ("break", "broke"),
    ("keep", "kept"), ("watch", "watched"), ("bake", "baked"), ("eat", "ate"),
    ("cook", "cooked"), ("wash", "washed"), ("drink", "drank"), ("write", "wrote"),
    ("draw", "drew"), ("throw", "threw"), ("catch", "caught"), ("push", "pushed"),
    ("pull", "pulled"), ("fix", "fixed"),
]

CHASING_VERBS = [
    "chased", "followed", "watched", "saw", "helped", "found",
]

GIVING_VERBS = [
    "gave", "showed", "sent", "brought", "sold", "handed", "lent",
]

PREPOSITIONS = [
    "on", "under", "near", "behind", "beside", "in", "by", "over",
]

RESTING_VERBS = [
    "sat", "slept", "stood", "lay", "waited", "played", "jumped", "barked", "ran",
    "walked", "sang", "danced", "laughed", "smiled", "cried", "hid",
]

TIMES = [
    "yesterday", "today", "last night", "this morning", "every day", "on monday",
    "in the summer", "after lunch", "before dinner", "again",
]

OPINION_VERBS = [
    "said", "thought", "knew", "felt", "believed", "hoped",
]

FEELINGS = [
    "happy", "sad", "angry", "proud", "glad", "worried", "excited", "sorry",
]

SUBJECT_PRONOUNS = [
    "i", "you", "we", "they", "he", "she",
]

POSSESSIVES = {"he": "his", "she": "her", "it": "its", "they": "their"}

COPULA = {"it": "was", "he": "was", "she": "was", "they": "were"}

DETERMINERS = [
    "the", "a", "this", "that", "my", "your", "our", "their",
]
# fmt: on

DISTINCT_PRONOUN_RATE = 0.8


@dataclass(frozen=True)
class Sentence:
    """A generated sentence and, for pronoun sentences, its reference link.

    `pronoun_word` and `antecedent_word` are indexes into the sentence's
    whitespace-separated words, or None when the sentence has no pronoun
    whose antecedent the grammar fixed.
    """

    text: str
    family: str
    pronoun_word: int | None = None
    antecedent_word: int | None = None
    focus_words: tuple[int, ...] = ()  # words that training masks more often

    def token_index(self, tokenizer, word_index: int) -> int:
        """Return the index of the first token of the word_index-th word."""
        words = self.text.split()
        return sum(len(tokenizer.encode(word).ids) for word in words[:word_index])


def _pick_noun(rng: random.Random, nouns_by_pronoun: dict[str, list[str]]):
    pronoun = rng.choice(sorted(nouns_by_pronoun))
    return rng.choice(nouns_by_pronoun[pronoun]), pronoun


def _capitalize(text: str) -> str:
    return text[0].upper() + text[1:]


def _finish(words: list[str], rng: random.Random) -> str:
    return _capitalize(" ".join(words)) + rng.choice([".", ".", ".", "!"])


def pronoun_reference(rng: random.Random) -> Sentence:
    """Write a sentence such as "The animal didn't cross the street because it
    was too tired": the adjective decides which noun the pronoun means.
    """
    animal, animal_pronoun = _pick_noun(rng, ANIMATE_NOUNS)
    place, place_pronoun = _pick_noun(rng, PLACE_NOUNS)
    # Mostly pick nouns that take different pronouns ("the girl ... the road
    # ... she"), so the pronoun's form alone names its antecedent; in the
    # rest, as in "the animal ... the street ... it", only the adjective does.
    while animal_pronoun == place_pronoun and rng.random() < DISTINCT_PRONOUN_RATE:
        animal, animal_pronoun = _pick_noun(rng, ANIMATE_NOUNS)
    crossing = rng.choice(FAILED_CROSSINGS).split()
    refers_to_animal = rng.random() < 0.5
    if refers_to_animal:
        pronoun, adjective = animal_pronoun, rng.choice(ANIMATE_ADJECTIVES)
    else:
        pronoun, adjective = place_pronoun, rng.choice(PLACE_ADJECTIVES)
    connective = rng.choice(["because", "because", "since", "as"])
    degree = rng.choice(["too", "very", "so"])

    words = ["the", animal, *crossing, "the", place, connective, pronoun]
    pronoun_index = len(words) - 1
    antecedent_index = 1 if refers_to_animal else 3 + len(crossing)
    words += [COPULA[pronoun], degree, adjective]
    focus = (pronoun_index, antecedent_index, len(words) - 1)
    return Sentence(
        _finish(words, rng), "pronoun", pronoun_index, antecedent_index, focus
    )


def pronoun_single(rng: random.Random) -> Sentence:
    """Write a sentence like "The girl was happy because she found her book"."""
    person, pronoun = _pick_noun(rng, ANIMATE_NOUNS)
    feeling = rng.choice(FEELINGS)
    _, past = rng.choice(TRANSITIVE_VERBS)
    thing = rng.choice(OBJECTS)
    if rng.random() < 0.5:
        words = ["the", person, COPULA[pronoun], feeling, "because", pronoun]
        pronoun_index = 5
        words += [past, POSSESSIVES[pronoun], thing]
    else:
        opinion = rng.choice(OPINION_VERBS)
        words = ["the", person, opinion, "that", pronoun]
        pronoun_index = 4
        words += [COPULA[pronoun], rng.choice(FEELINGS + ANIMATE_ADJECTIVES)]
    return Sentence(_finish(words, rng), "pronoun", pronoun_index, 1, (pronoun_index,))


def agreement(rng: random.Random) -> Sentence:
    """Write a sentence like "The dogs that chased the cat were hungry"."""
    subject, subject_pronoun = _pick_noun(rng, ANIMATE_NOUNS)
    other, _ = _pick_noun(rng, ANIMATE_NOUNS)
    verb = rng.choice(CHASING_VERBS)
    words = ["the", subject, "that", verb, "the", other, COPULA[subject_pronoun]]
    words.append(rng.choice(ANIMATE_ADJECTIVES + FEELINGS))
    return Sentence(_finish(words, rng), "agreement", focus_words=(6,))


def everyday(rng: random.Random) -> Sentence:
    """Plain sentences such as "The cat sat on the mat." in several shapes."""
    shape = rng.randrange(5)
    if shape == 0:
        animal, _ = _pick_noun(rng, ANIMATE_NOUNS)
        words = ["the", animal, rng.choice(RESTING_VERBS), rng.choice(PREPOSITIONS)]
        words += ["the", rng.choice(OBJECTS + PLACES)]
    elif shape == 1:
        giver, giver_pronoun = _pick_noun(rng, ANIMATE_NOUNS)
        receiver, _ = _pick_noun(rng, ANIMATE_NOUNS)
        words = ["the", giver, rng.choice(GIVING_VERBS)]
        words += [POSSESSIVES[giver_pronoun], receiver, "the", rng.choice(OBJECTS)]
    elif shape == 2:
        pronoun = rng.choice(SUBJECT_PRONOUNS)
        present, past = rng.choice(TRANSITIVE_VERBS)
        verb = rng.choice([present, past])
        words = [pronoun, verb, rng.choice(DETERMINERS)]
        words += [rng.choice(OBJECT_ADJECTIVES), rng.choice(OBJECTS)]
    elif shape == 3:
        pronoun = rng.choice(SUBJECT_PRONOUNS)
        words = [pronoun, "went", "to", "the", rng.choice(PLACES)]
        words += rng.choice(TIMES).split()
    else:
        thing = rng.choice(OBJECTS)
        place = rng.choice(OBJECTS + PLACES)
        words = ["the", rng.choice(OBJECT_ADJECTIVES), thing, "is"]
        words += [rng.choice(PREPOSITIONS), "the", place]
    return Sentence(_finish(words, rng), "everyday")


FAMILIES = (
    (pronoun_reference, 0.4),
    (pronoun_single, 0.2),
    (agreement, 0.15),
    (everyday, 0.25),
)


def generate(count: int, seed: int) -> list[Sentence]:
    """Return `count` sentences drawn from the grammar with a fixed seed."""
    rng = random.Random(seed)
    makers = [maker for maker, _ in FAMILIES]
    weights = [weight for _, weight in FAMILIES]
    return [rng.choices(makers, weights)[0](rng) for _ in range(count)]


def lexicon() -> list[str]:
    """Return every word the grammar can write, sorted, before tokenization."""
    words = set()
    for nouns in (ANIMATE_NOUNS, PLACE_NOUNS):
        for pronoun, group in nouns.items():
            words.update(group)
            words.add(pronoun)
    for group in (
        ANIMATE_ADJECTIVES,
        PLACE_ADJECTIVES,
        OBJECTS,
        PLACES,
        OBJECT_ADJECTIVES,
        CHASING_VERBS,
        GIVING_VERBS,
        PREPOSITIONS,
        RESTING_VERBS,
        OPINION_VERBS,
        FEELINGS,
        SUBJECT_PRONOUNS,
        DETERMINERS,
    ):
        words.update(group)
    for phrase in FAILED_CROSSINGS + TIMES:
        words.update(phrase.split())
    for present, past in TRANSITIVE_VERBS:
        words.update((present, past))
    words.update(POSSESSIVES.values())
    words.update(COPULA.values())
    words.update(["because", "since", "as", "too", "very", "so", "that", "the"])
    words.update(["went", "to", "is", "a"])
    return sorted(words)
