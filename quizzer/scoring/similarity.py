"""How close an answer's wording is to a reference text: TF-IDF cosine similarity.

Two views are combined with equal weight: word stems (with typos corrected, so
"gradiant" counts as "gradient"), unigrams and bigrams; and character n-grams
within words, which catch word forms and spellings the stemmer misses. The
vectorisers are fitted once on the bank's own texts. scikit-learn is imported
here only, and only when a scorer is built, so commands that do not grade never
pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["Similarity"]


class Similarity:
    def __init__(self, corpus: Sequence[str], keys_of: Callable[[str], list[str]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        def word_features(text: str) -> list[str]:
            keys = keys_of(text)
            return keys + [f"{a} {b}" for a, b in zip(keys, keys[1:])]

        self._words = TfidfVectorizer(analyzer=word_features, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
        self._words.fit(corpus)
        self._chars.fit(corpus)

    def vectors(self, texts: Sequence[str]):
        """One L2-normalised row per text, words and characters weighted equally."""
        from scipy.sparse import hstack
        from sklearn.preprocessing import normalize

        words = self._words.transform(texts)
        chars = self._chars.transform(texts)
        return normalize(hstack([words, chars]).tocsr())

    @staticmethod
    def cosine(rows_a, rows_b):
        """A dense matrix of cosine similarities between two sets of rows."""
        return (rows_a @ rows_b.T).toarray()
