"""Word forms and typos: from a written word to the stem the scorer compares.

Stemming (Snowball, the Porter family's successor) makes ``separable``,
``separate`` and ``separation`` one word. Typos are corrected against the bank's
own vocabulary, the words its prompts, answers, rubrics and explanations use:
a word the bank knows is never "corrected", and an unknown word of five or more
letters becomes the bank word within one edit (two for words of ten letters or
more) when exactly one such word, beginning with the same letter, is nearest, so
``seperable`` and ``perceptorn`` are read right
while ``height`` is not mistaken for ``weight`` unless the bank lacks ``height``.
When two bank words of different stems are equally near (``noisey``: ``noise``
and ``noisy``), the word is not corrected, but both keys are kept as its
*alternatives*: a rubric phrase using either is still found there, so the
phrase's other words, standing beside it, decide which was meant.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA
from snowballstemmer.english_stemmer import EnglishStemmer

from .text import NEGATORS, STOPWORDS, is_number, tokenize

__all__ = ["Lexicon"]

# Stems the stemmer leaves apart although students use them interchangeably.
STEM_ALIASES = {"explos": "explod", "regularis": "regular", "generalis": "general", "initialis": "initi"}
# Everyday synonyms students swap freely, in every question of this subject. Each
# group is read as its first word. Kept deliberately small: a wrong merge would
# let one idea pass for another.
SYNONYM_GROUPS = (
    "separate split divide partition",
    "large big huge high great massive enormous larger bigger higher greater",
    "small tiny little low minuscule negligible smaller tinier lower",
    "shrink diminish decrease reduce decay dwindle fade",
    "grow increase rise",
    "fast quick rapid speedy faster quicker",
    "slow sluggish slower",
    "mistake error",
    "oscillate zigzag bounce fluctuate",
    "noisy erratic jumpy jittery",
    "average mean",
    "penalty penalize punish",
    "neuron unit node",
    "zero 0", "one 1", "two 2", "three 3", "ten 10", "half 0.5",
)


class Lexicon:
    """Stems and corrects words for one bank; results are cached per word."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        # The pure-Python stemmer by name: snowballstemmer.stemmer("english") quietly hands
        # out PyStemmer's instead when that is installed, and stems are marks.
        self._stemmer = EnglishStemmer()
        self._stems: dict[str, str] = {}
        self._corrections: dict[str, str] = {}
        self._alternatives: dict[str, tuple[str, ...]] = {}
        self.vocabulary: set[str] = set()
        self._by_length: dict[int, list[str]] = {}
        self._synonyms = self._synonym_table()
        self.add_texts(texts)

    def _synonym_table(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for group in SYNONYM_GROUPS:
            words = group.split()
            canonical = self._raw_stem(words[0])
            for word in words:
                table[self._raw_stem(word)] = canonical
        return table

    def _raw_stem(self, word: str) -> str:
        if is_number(word) or not word.isalpha():
            return word
        stem = self._stemmer.stemWord(word)
        return STEM_ALIASES.get(stem, stem)

    def add_texts(self, texts: Iterable[str]) -> None:
        for text in texts:
            for token in tokenize(text):
                if token.word.isalpha():
                    self.vocabulary.add(token.word)
        self._by_length = {}
        for word in self.vocabulary:
            self._by_length.setdefault(len(word), []).append(word)
        self._corrections.clear()
        self._alternatives.clear()

    def stem(self, word: str) -> str:
        cached = self._stems.get(word)
        if cached is None:
            stem = self._raw_stem(word)
            cached = self._synonyms.get(stem, stem)
            self._stems[word] = cached
        return cached

    def correct(self, word: str) -> str:
        """The bank word this probably misspells, or ``word`` itself."""
        if not self._correctable(word):
            return word
        cached = self._corrections.get(word)
        if cached is None:
            cached = self._resolve(word)
        return cached

    def alternatives(self, word: str) -> tuple[str, ...]:
        """The keys of the bank words an unknown word is equally near when ``correct``
        cannot choose between them ("noisey": "noise" or "noisy"; "modle": "mode" or
        "model"), else nothing. A phrase that uses one of them is still found in the
        word: the phrase's other words, standing beside it, say which was meant."""
        if not self._correctable(word):
            return ()
        if word not in self._corrections:
            self._resolve(word)
        return self._alternatives.get(word, ())

    def _correctable(self, word: str) -> bool:
        return not (word in self.vocabulary or len(word) < 5 or not word.isalpha()
                    or word in STOPWORDS or word in NEGATORS)

    def _resolve(self, word: str) -> str:
        """Correct ``word`` once, remembering the ties ``correct`` refused to guess."""
        nearest = self._nearest(word)
        stems = tuple(dict.fromkeys(self.stem(m) for m in nearest))
        # Two equally near bank words: we cannot tell which was meant, so we guess neither,
        # unless both share a stem (then either reading means the same thing).
        correction = nearest[0] if len(stems) == 1 else word
        self._corrections[word] = correction
        if len(stems) > 1:
            self._alternatives[word] = stems
        return correction

    def _nearest(self, word: str) -> list[str]:
        """The bank words nearest ``word``, all at one distance, or none within reach."""
        # two edits only for long words: "measures" is two edits from "features"
        limit = 2 if len(word) >= 10 else 1
        candidates: list[str] = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            candidates.extend(self._by_length.get(length, ()))
        # a misspelling keeps its first letter; a different word often does not
        # ("increasing" is not a typo of "decreasing", nor "killed" of "skilled")
        candidates = [c for c in candidates if c[0] == word[0]]
        matches = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=3)
        if not matches:
            return []
        best = min(score for _, score, _ in matches)
        return sorted({m for m, score, _ in matches if score == best})

    def key(self, word: str) -> str:
        """The comparison key of a word: corrected, then stemmed."""
        return self.stem(self.correct(word))
