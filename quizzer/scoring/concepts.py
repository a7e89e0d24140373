"""Find rubric phrases in an answer, respecting word order loosely and polarity strictly.

A phrase is compiled once to its content keys (stems of its meaningful words) and
its polarity. It is found in an answer when all its keys stand within a short
window of one sentence, in any order (in the written order for a phrase with
"..."), on one side of any contrast ("whereas", "but", "unlike"), and the
answer's words there are negated
exactly when the phrase's are: "not linearly separable" is found in "XOR isn't
linearly separable" and not in "XOR is linearly separable".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .lexicon import Lexicon
from .text import STOPWORDS, Token, tokenize

__all__ = ["Phrase", "Match", "Reading", "compile_phrase", "read"]

WINDOW_SLACK = 3  # how many other words may stand between a phrase's words
CONTRAST_BREAKS = frozenset({"whereas", "while", "whilst", "but", "however", "although", "though", "unlike", "yet"})
DEGREE_WORDS = frozenset({"many", "much", "small", "large", "big", "long", "far", "often", "tiny", "little", "deep"})


@dataclass(frozen=True)
class Phrase:
    text: str
    keys: tuple[str, ...]
    negated: bool
    ordered: bool = False  # written with "...": its words must come in this order


@dataclass(frozen=True)
class Match:
    phrase: Phrase
    positions: tuple[int, ...]
    text: str  # the answer's own words, from the first matched to the last
    sentence: int


def _content(tokens: list[Token], lexicon: Lexicon) -> list[str]:
    """Per token, its comparison key, or '' for filler words and negators."""
    return ["" if t.is_negator or t.word in STOPWORDS else lexicon.key(t.word) for t in tokens]


ORDER_MARKS = ("...", "…")


def compile_phrase(text: str, lexicon: Lexicon) -> Phrase | None:
    """The phrase's keys and polarity; ``None`` if it has no meaningful word.

    A phrase written with "..." ("large gradient ... small step") is *ordered*: its
    words must stand in that order, which tells a claim from its reverse made of
    the same words ("small gradient ... large step").
    """
    ordered = any(mark in text for mark in ORDER_MARKS)
    plain = text
    for mark in ORDER_MARKS:
        plain = plain.replace(mark, " ")
    tokens = tokenize(plain)
    keys = _content(tokens, lexicon)
    # an ordered phrase keeps a repeated word ("large gradient ... large step" needs
    # two "large"); otherwise each word need only be found once
    unique = tuple(k for k in keys if k) if ordered else tuple(dict.fromkeys(k for k in keys if k))
    if not unique:
        return None
    negated = any(t.negated for t, k in zip(tokens, keys, strict=True) if k) or (all(
        not k or t.is_negator for t, k in zip(tokens, keys, strict=True)) and any(t.is_negator for t in tokens))
    return Phrase(text, unique, negated, ordered)


class Reading:
    """An answer analysed once, then searched for many phrases."""

    def __init__(self, text: str, lexicon: Lexicon) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.keys = _content(self.tokens, lexicon)
        self.positions: dict[str, list[int]] = {}
        for index, key in enumerate(self.keys):
            if key:
                self.positions.setdefault(key, []).append(index)
                # a typo between two bank words stands for either ("noisey")
                for other in lexicon.alternatives(self.tokens[index].word):
                    if other != key:
                        self.positions.setdefault(other, []).append(index)

    @property
    def content_keys(self) -> list[str]:
        return [k for k in self.keys if k]

    @property
    def sentence_count(self) -> int:
        return len({t.sentence for t in self.tokens})

    def find(self, phrase: Phrase, negated: bool | None = None) -> Match | None:
        """The first place ``phrase`` stands with the wanted polarity (default: its own)."""
        return next(self.find_all(phrase, negated), None)

    def find_all(self, phrase: Phrase, negated: bool | None = None):
        """Every place ``phrase`` stands with the wanted polarity, in order."""
        positions = self.positions
        if not all(key in positions for key in phrase.keys):  # most phrases fail here, cheaply
            return
        wanted = phrase.negated if negated is None else negated
        for match in self._candidates(phrase):
            if self.polarity(match) == wanted:
                yield match

    def all_matches(self, phrase: Phrase):
        """Every place ``phrase``'s words stand together, whatever their polarity."""
        return self._candidates(phrase)

    def polarity(self, match: Match) -> bool:
        return any(self.tokens[i].negated for i in match.positions)

    def _candidates(self, phrase: Phrase):
        positions = self.positions
        if not all(key in positions for key in phrase.keys):
            return
        lists = [positions[key] for key in phrase.keys]
        if phrase.ordered:
            yield from self._in_order(phrase, lists)
            return
        window = len(phrase.keys) + WINDOW_SLACK
        anchor_index = min(range(len(lists)), key=lambda i: len(lists[i]))
        for anchor in lists[anchor_index]:
            sentence = self.tokens[anchor].sentence
            chosen = []
            for i, candidates in enumerate(lists):
                if i == anchor_index:
                    chosen.append(anchor)
                    continue
                near = [p for p in candidates if abs(p - anchor) <= window and self.tokens[p].sentence == sentence]
                if not near:
                    break
                chosen.append(min(near, key=lambda p: (abs(p - anchor), p)))
            else:
                if max(chosen) - min(chosen) <= window and not self._contrast_between(min(chosen), max(chosen)):
                    yield self._match(phrase, tuple(sorted(chosen)), sentence)

    def _in_order(self, phrase: Phrase, lists: list[list[int]]):
        """An ordered phrase's matches: each word after the one before, in one
        sentence, all within the phrase's window."""
        window = len(phrase.keys) + WINDOW_SLACK
        for start in lists[0]:
            sentence = self.tokens[start].sentence
            chosen = [start]
            for candidates in lists[1:]:
                after = [p for p in candidates if chosen[-1] < p <= start + window
                         and self.tokens[p].sentence == sentence]
                if not after:
                    break
                chosen.append(after[0])
            else:
                if not self._contrast_between(chosen[0], chosen[-1]):
                    yield self._match(phrase, tuple(chosen), sentence)

    def _contrast_between(self, first: int, last: int) -> bool:
        """A contrast ("L2 has a constant gradient, *whereas* L1's push ...") separates
        two statements: a phrase's words may not stand on both sides of it."""
        return any(self.tokens[i].word in CONTRAST_BREAKS and not self._degree(i) for i in range(first + 1, last))

    def _degree(self, index: int) -> bool:
        """"however many layers", "however small the weight": a degree, not a contrast."""
        following = self.tokens[index + 1].word if index + 1 < len(self.tokens) else ""
        return self.tokens[index].word == "however" and following in DEGREE_WORDS

    def _match(self, phrase: Phrase, positions: tuple[int, ...], sentence: int) -> Match:
        start = positions[0]
        # show the negation that gives a negated match its meaning: "no single line can separate"
        for back in range(start - 1, max(start - 4, -1), -1):
            if self.tokens[back].clause != self.tokens[start].clause:
                break
            if self.tokens[back].is_negator:
                start = back
                break
        words = [t.word for t in self.tokens[start:positions[-1] + 1]]
        return Match(phrase, positions, " ".join(words), sentence)

    def share_of(self, keys: Collection[str]) -> float:
        """The fraction of this answer's meaningful words that are in ``keys``."""
        content = self.content_keys
        return sum(1 for k in content if k in keys) / len(content) if content else 1.0


def read(text: str, lexicon: Lexicon) -> Reading:
    return Reading(text, lexicon)
