"""Answer groups: near-identical answers to one question, marked with one decision.

Two answers are in one group when their words are the same after case,
punctuation, British spellings and word endings are folded ("Sigmoid
saturates!" and "sigmoid saturate"), or when their wording is very similar
(``SAME_GROUP`` of their distinct words shared) *and* they agree on every word
that can turn a claim round: the negations and the numbers. "XOR is linearly
separable" and "XOR is not linearly separable" share four words in five; they
are never one group.

``NEAR`` is looser: an answer that close to another with a different mark is a
reason to look at both (a teacher's own mark disagreeing with the scorer's on a
near neighbour above all). The similarity is the Jaccard index of the two sets of
word stems, computed for a whole question at once as a matrix product in blocks,
so ten thousand answers group in well under a second.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Wording", "wording", "cluster", "near_pairs", "SAME_GROUP", "NEAR"]

SAME_GROUP = 0.85
NEAR = 0.6
_BLOCK = 512  # rows per block of the similarity matrix: 512 x n float32 at a time
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_TURNING = frozenset({"not", "no", "never", "none", "neither", "nor", "without", "cannot", "nothing", "only",
                      "more", "less", "increase", "decrease", "larger", "smaller", "higher", "lower"})


@lru_cache(maxsize=1)
def _stemmer():
    from snowballstemmer.english_stemmer import EnglishStemmer

    return EnglishStemmer()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    from ..scoring.text import fold_spelling

    return _stemmer().stemWord(fold_spelling(word))


@dataclass(frozen=True)
class Wording:
    """An answer's words as grouping compares them."""

    key: tuple[str, ...]  # every stem, in order: equal keys are the same answer
    stems: frozenset[str]
    turning: frozenset[str]  # negations, comparisons and numbers: must agree to group

    @property
    def empty(self) -> bool:
        return not self.key


def wording(text: str) -> Wording:
    text = unicodedata.normalize("NFKC", text or "").lower().replace("n't", " not").replace("’", "'")
    words = _WORD.findall(text)
    key = tuple(_stem(w) if not w[0].isdigit() else w for w in words)
    turning = frozenset(w for w in words if w in _TURNING or w[0].isdigit())
    return Wording(key, frozenset(key), turning)


def _similarities(wordings: Sequence[Wording]):
    """Yield ``(start, block)``: the Jaccard similarities of rows start.. of the
    answers with every answer, a float32 matrix block."""
    import numpy as np

    vocabulary: dict[str, int] = {}
    rows = [[vocabulary.setdefault(s, len(vocabulary)) for s in w.stems] for w in wordings]
    matrix = np.zeros((len(rows), max(len(vocabulary), 1)), dtype=np.float32)
    for i, columns in enumerate(rows):
        matrix[i, columns] = 1.0
    sizes = matrix.sum(axis=1)
    for start in range(0, len(rows), _BLOCK):
        block = matrix[start:start + _BLOCK]
        shared = block @ matrix.T
        union = sizes[start:start + _BLOCK, None] + sizes[None, :] - shared
        with np.errstate(divide="ignore", invalid="ignore"):
            yield start, np.where(union > 0, shared / union, 0.0)


def cluster(wordings: Sequence[Wording]) -> list[list[int]]:
    """Indices of ``wordings`` in groups, each group in input order, the groups in
    order of their first member. Identical keys always group; an empty answer is
    never grouped with anything (an answer nobody wrote is not a shared answer).
    Otherwise an answer joins the earliest group whose *first* member it is
    ``SAME_GROUP`` similar to with the same turning words: comparing with the first
    member, not any member, keeps a chain of small edits from drifting into one
    group of different answers."""
    by_key: dict[tuple[str, ...], int] = {}
    group_of: list[int] = [-1] * len(wordings)
    for i, w in enumerate(wordings):
        if not w.empty and w.key in by_key:
            group_of[i] = group_of[by_key[w.key]]
        elif not w.empty:
            by_key[w.key] = i
    distinct = [i for i in range(len(wordings)) if not wordings[i].empty and by_key[wordings[i].key] == i]
    leading: dict[int, int] = {}  # position in ``distinct`` of a group's first member -> the group
    if distinct:
        import numpy as np

        for start, block in _similarities([wordings[i] for i in distinct]):
            for offset, row in enumerate(block):
                position, i = start + offset, distinct[start + offset]
                for p in np.nonzero(row[:position] >= SAME_GROUP)[0].tolist():
                    if p in leading and wordings[i].turning == wordings[distinct[p]].turning:
                        group_of[i] = leading[p]
                        break
                else:
                    group_of[i] = len(leading)
                    leading[position] = group_of[i]
    groups: dict[int, list[int]] = {}
    singles: list[list[int]] = []
    for i, w in enumerate(wordings):
        if w.empty:
            singles.append([i])
        else:
            if group_of[i] < 0:
                group_of[i] = group_of[by_key[w.key]]
            groups.setdefault(group_of[i], []).append(i)
    return sorted([*groups.values(), *singles], key=lambda members: members[0])


def near_pairs(wordings: Sequence[Wording]) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, similarity)``, i < j, of answers at least ``NEAR`` similar,
    for finding neighbours marked differently. Give distinct wordings: answers
    with the same key are neighbours without asking."""
    import numpy as np

    pairs: list[tuple[int, int, float]] = []
    keep = [i for i, w in enumerate(wordings) if not w.empty]
    if not keep:
        return pairs
    for start, block in _similarities([wordings[i] for i in keep]):
        rows, columns = np.nonzero(block >= NEAR)
        for r, c in zip(rows.tolist(), columns.tolist(), strict=True):
            i, j = keep[start + r], keep[c]
            if i < j:
                pairs.append((i, j, float(block[r, c])))
    return pairs
