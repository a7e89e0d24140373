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

__all__ = ["Similarity", "TfidfView", "char_wb_ngrams"]

Row = dict[int, float]  # feature index -> weight; a row of unit length (or empty)


def char_wb_ngrams(text: str, low: int = 3, high: int = 5) -> list[str]:
    """Character n-grams inside each word, the word padded with one space each side;
    once ``n`` reaches the padded word's length, the whole word counts once."""
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if n >= len(padded):  # the whole padded word, once, and no longer n-grams
                grams.append(padded)
                break
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


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
        weights: Row = {}
        for feature, count in Counter(self.analyse(text)).items():
            i = self.index.get(feature)
            if i is not None:
                weights[i] = (1.0 + math.log(count)) * self.idf[i]
        return _unit(weights)


def _unit(row: Row) -> Row:
    norm = math.sqrt(sum(w * w for w in row.values()))
    return {i: w / norm for i, w in row.items()} if norm else {}


class Similarity:
    def __init__(self, corpus: Sequence[str], keys_of: Callable[[str], list[str]]) -> None:
        def word_features(text: str) -> list[str]:
            keys = keys_of(text)
            return keys + [f"{a} {b}" for a, b in zip(keys, keys[1:])]

        self._words = TfidfView(word_features, corpus)
        self._chars = TfidfView(char_wb_ngrams, corpus)
        self._offset = len(self._words.idf)

    def vectors(self, texts: Sequence[str]) -> list[Row]:
        """One unit-length row per text, words and characters weighted equally."""
        rows = []
        for text in texts:
            row = dict(self._words.row(text))
            row.update((self._offset + i, w) for i, w in self._chars.row(text).items())
            rows.append(_unit(row))
        return rows

    @staticmethod
    def cosine(rows_a: Sequence[Row], rows_b: Sequence[Row]) -> list[list[float]]:
        """Cosine similarities between two sets of unit rows, one list per row of ``rows_a``."""
        return [[_dot(a, b) for b in rows_b] for a in rows_a]


def _dot(a: Row, b: Row) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[i] for i, w in a.items() if i in b)
