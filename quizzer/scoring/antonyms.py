"""Opposites: the reverse of a fact, said with the fact's own words but one flipped.

A student who reverses a key fact rarely writes "not": "ReLU makes the gradients
*smaller*", "flat minima generalise *worse*", "the *last* layers learn slowly". Each
wording of a rubric idea is therefore also compiled with one of its words replaced
by its opposite; found in an answer, such a *reversal* says the reverse of the idea.

The pairs are general English and this subject's own opposites (early and late
layers, vanishing and exploding gradients, overfitting and underfitting), written
from the course text, not from answers. A pair is read through the lexicon, so
each word stands for its synonym group ("large" for "big", "huge", "high").
"""

from __future__ import annotations

from .concepts import Phrase
from .lexicon import Lexicon
from .text import tokenize

__all__ = ["OPPOSITES", "Opposites"]

OPPOSITES = (
    ("large", "small"), ("grow", "shrink"), ("fast", "slow"), ("many", "few"), ("more", "less"),
    ("more", "fewer"), ("early", "late"), ("first", "last"), ("before", "after"), ("above", "below"),
    ("same", "different"), ("stable", "unstable"), ("smooth", "noisy"), ("flat", "sharp"),
    ("wide", "narrow"), ("better", "worse"), ("easy", "hard"), ("strong", "weak"),
    ("stronger", "weaker"), ("explode", "vanish"), ("positive", "negative"),
    ("overfit", "underfit"), ("simple", "complex"), ("converge", "diverge"), ("improve", "worsen"),
    ("dense", "sparse"), ("accumulate", "cancel"), ("up", "down"),
)


class Opposites:
    """The opposite table of one lexicon, and the reversals of a phrase."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._table: dict[str, set[str]] = {}
        for one, other in OPPOSITES:
            a, b = lexicon.key(one), lexicon.key(other)
            if a != b:
                self._table.setdefault(a, set()).add(b)
                self._table.setdefault(b, set()).add(a)

    def reversals(self, phrase: Phrase) -> tuple[Phrase, ...]:
        """``phrase`` with one word flipped to its opposite, once per flippable word.

        A phrase of one word has none: "smaller" alone says nothing about what is small.
        Pairs whose truth turns on a subject the phrase does not name are left out:
        "linearly separable" (said of AND) is no reverse of "inseparable" (said of
        XOR), and negation already reads "not separable".
        """
        if len(phrase.keys) < 2:
            return ()
        written = [self._lexicon.key(t.word) for t in tokenize(phrase.text)]
        out = []
        for index, key in enumerate(phrase.keys):
            if written.count(key) > 1:  # "bigger for bigger weights" flipped once says the same
                continue
            for opposite in sorted(self._table.get(key, ())):
                keys = (*phrase.keys[:index], opposite, *phrase.keys[index + 1:])
                if not phrase.ordered and len(set(keys)) < len(keys):
                    continue
                out.append(Phrase(phrase.text, keys, phrase.negated, phrase.ordered))
        return tuple(out)
