"""How close an answer's wording is to a reference text: TF-IDF cosine similarity.

Two views are combined with equal weight: word stems (with typos corrected, so
"gradiant" counts as "gradient"), unigrams and bigrams; and character n-grams
(3 to 5) within words, which catch word forms and spellings the stemmer misses.
Both are fitted once on the bank's own texts, with sublinear term frequency and
smoothed inverse document frequency.

This is the same model as scikit-learn's ``TfidfVectorizer`` (word view with our
analyser, character view with ``analyzer="char_wb"``), and a test holds the two
equal on the bank. It is written out here because the vectors are tiny and
sparse, so plain dictionaries are as fast as SciPy's matrices; and because
importing scikit-learn costs a quiz process about 85 MB, more than half of its
memory budget, and a quarter of a second, for three arithmetic steps.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import chain, pairwise

__all__ = ["Similarity", "TfidfView", "char_wb_ngrams"]

Row = dict[int, float]  # feature index -> weight; a row of unit length (or empty)
_HALF_ROOT = 1 / math.sqrt(2)
_SUBLINEAR = [0.0] + [1.0 + math.log(n) for n in range(1, 64)]  # sublinear tf, looked up not computed


def char_wb_ngrams(text: str, low: int = 3, high: int = 5) -> list[str]:
    """Character n-grams inside each word, the word padded with one space each side;
    once ``n`` reaches the padded word's length, the whole word counts once."""
    grams: list[str] = []
    for word in text.lower().split():
        grams.extend(_word_grams(word, low, high))
    return grams


@lru_cache(maxsize=65_536)
def _word_grams(word: str, low: int = 3, high: int = 5) -> tuple[str, ...]:
    # words repeat across the bank's texts, so each is cut once while fitting
    padded = f" {word} "
    grams: list[str] = []
    for n in range(low, high + 1):
        if n >= len(padded):  # the whole padded word, once, and no longer n-grams
            grams.append(padded)
            break
        grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return tuple(grams)


class TfidfView:
    """One TF-IDF model: a vocabulary and its inverse document frequencies."""

    def __init__(self, analyse: Callable[[str], list[str]], corpus: Iterable[str]) -> None:
        self.analyse = analyse
        documents = [set(analyse(text)) for text in corpus]
        counts = Counter(feature for features in documents for feature in features)
        total = len(documents)
        self.index = {feature: i for i, feature in enumerate(sorted(counts))}
        self.idf = [math.log((1 + total) / (1 + counts[f])) + 1.0 for f in sorted(counts)]

    def row(self, text: str) -> Row:
        """Sublinear tf times idf over the known features, scaled to unit length."""
        return self._weigh(self.counts(text))

    def _weigh(self, counts: Counter) -> Row:
        return _unit(self._raw(counts))

    def _raw(self, counts: Counter) -> Row:
        """Sublinear tf times idf, not yet scaled."""
        idf, table, top = self.idf, _SUBLINEAR, len(_SUBLINEAR)
        return {i: (table[n] if n < top else 1.0 + math.log(n)) * idf[i] for i, n in counts.items()}

    def counts(self, text: str) -> Counter:
        return Counter(i for i in map(self.index.get, self.analyse(text)) if i is not None)


class CharTfidfView(TfidfView):
    """The character n-gram view. Its features come from each word alone, so a
    word's known features are looked up once and counted for every answer it is in."""

    def __init__(self, corpus: Iterable[str]) -> None:
        super().__init__(char_wb_ngrams, corpus)
        self._known: dict[str, tuple[int, ...]] = {}

    def counts(self, text: str) -> Counter:
        known_of, learn = self._known, self._learn
        return Counter(chain.from_iterable(known if (known := known_of.get(word)) is not None else learn(word)
                                           for word in text.lower().split()))

    def _learn(self, word: str) -> tuple[int, ...]:
        known = tuple(i for i in map(self.index.get, _word_grams(word)) if i is not None)
        if len(self._known) < 200_000:
            self._known[word] = known
        return known


def _unit(row: Row) -> Row:
    norm = math.sqrt(sum(w * w for w in row.values()))
    return {i: w / norm for i, w in row.items()} if norm else {}


class Similarity:
    def __init__(self, corpus: Sequence[str], keys_of: Callable[[str], list[str]]) -> None:
        def word_features(text: str) -> list[str]:
            keys = keys_of(text)
            return keys + [f"{a} {b}" for a, b in pairwise(keys)]

        self._words = TfidfView(word_features, corpus)
        self._chars = CharTfidfView(corpus)
        self._offset = len(self._words.idf)

    def vectors(self, texts: Sequence[str]) -> list[Row]:
        """One unit-length row per text, words and characters weighted equally."""
        return [self._joined(text, keep_words=False)[0] for text in texts]

    def vectors_and_words(self, texts: Sequence[str]) -> tuple[list[Row], list[Row]]:
        """``vectors``, and beside each row its word features alone (the same
        weights): ``nearest`` reads only those, and a row holds ten times as many
        character n-grams as words."""
        joined = [self._joined(text, keep_words=True) for text in texts]
        return [row for row, _ in joined], [words for _, words in joined]

    def _joined(self, text: str, keep_words: bool) -> tuple[Row, Row]:
        # Each view is scaled to unit length and then both by 1/sqrt(2) (when both have
        # features), in one pass each: the joined row is then of unit length. Scaling
        # in one step instead of two changed no mark; with the character n-grams
        # counted in one Counter and ``nearest`` reading the word features alone,
        # grading went from 878 to 962 answers/s on an exam's long answers.
        words, chars = self._words._raw(self._words.counts(text)), self._chars._raw(self._chars.counts(text))
        norm_w = math.sqrt(sum(w * w for w in words.values()))
        norm_c = math.sqrt(sum(w * w for w in chars.values()))
        scale = _HALF_ROOT if norm_w and norm_c else 1.0
        row = {i: w * (scale / norm_w) for i, w in words.items()} if norm_w else {}
        word_row = dict(row) if keep_words else {}
        if norm_c:
            offset, factor = self._offset, scale / norm_c
            row.update((offset + i, w * factor) for i, w in chars.items())
        return row, word_row

    def index(self, rows: Sequence[Row]) -> dict[int, list[tuple[int, float]]]:
        """An inverted index of the word features of ``rows`` (feature -> its rows and
        weights), for ``nearest``. Character n-grams are left out: nearly every text
        has " th", so they would make every posting list as long as the rows."""
        postings: dict[int, list[tuple[int, float]]] = {}
        for number, row in enumerate(rows):
            for feature, weight in row.items():
                if feature < self._offset:
                    postings.setdefault(feature, []).append((number, weight))
        return postings

    @staticmethod
    def nearest(row: Row, postings: dict[int, list[tuple[int, float]]]) -> float:
        """The highest dot product of ``row``'s word features with an indexed row's:
        how close an answer's wording comes to the nearest of them."""
        dots: dict[int, float] = {}
        for feature, weight in row.items():
            for number, other in postings.get(feature, ()):
                dots[number] = dots.get(number, 0.0) + weight * other
        return max(dots.values(), default=0.0)

    @staticmethod
    def cosine(rows_a: Sequence[Row], rows_b: Sequence[Row]) -> list[list[float]]:
        """Cosine similarities between two sets of unit rows, one list per row of ``rows_a``."""
        return [[_dot(a, b) for b in rows_b] for a in rows_a]


def _dot(a: Row, b: Row) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[i] for i, w in a.items() if i in b)
