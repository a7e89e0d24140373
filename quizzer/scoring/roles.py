"""Who a statement is about: the roles a question compares, found in an answer.

Most questions relate two things (L1 and L2, sigmoid and ReLU, batch and
stochastic descent), and an answer earns a mark only when it says the right thing
of the right one: "L2 drives weights to exactly zero" uses the right words of the
wrong penalty. A question names its roles once (``roles:`` in its YAML, each with
the words that name it); a rubric idea says which role it is ``about``. This
module finds where each role is mentioned and attributes a matched phrase to one
of them, the way a reader resolves the subject of a sentence:

1. a role named by the matched words themselves (a wording such as "L1 gradient");
2. otherwise the nearest role named before the phrase in its own clause, then the
   nearest after it in that clause, then the nearest in an earlier clause of the
   sentence, then the last role named in an earlier sentence ("L1 uses |w|. Its
   gradient is constant.");
3. a role is named by its words in order and together ("training loss", not
   "training stopped because the loss"); a mention introduced by a contrast
   word ("unlike L2", "than L2", "rather than L2", "compared with L2", "versus
   L2") is what the statement is *not* about, so it is passed over in the
   phrase's own clause and the clauses before it; so is a mention of a role as
   what is missing ("without bias the line passes through the origin" is said of
   the network that lacks the bias), even inside the matched words themselves.

A phrase with no role named anywhere before it is unattributed, and counts as
evidence for whichever role its idea is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .concepts import Match, Phrase, Reading

__all__ = ["Mention", "RoleSet", "attribute", "attribute_with_strength"]

CONTRAST = frozenset({"unlike", "than", "versus", "vs", "compared", "opposed", "contrast", "instead", "rather"})
# "without bias the line goes through the origin" is said of the network that lacks
# the bias: a mention negated this way is passed over like a contrasted one
ABSENT = frozenset({"without", "no", "lacking", "lacks"})
CONTRAST_REACH = 3  # a contrast word at most this many tokens before the mention


@dataclass(frozen=True)
class Mention:
    role: str
    position: int  # token index of the mention's first word
    end: int  # token index of its last word
    sentence: int
    clause: int
    contrasted: bool  # introduced by "unlike", "than", ...


class RoleSet:
    """A question's roles, each compiled to the phrases that name it."""

    def __init__(self, roles: Sequence[tuple[str, Sequence[Phrase]]]) -> None:
        self.roles = tuple((name, tuple(phrases)) for name, phrases in roles)

    def __bool__(self) -> bool:
        return bool(self.roles)

    def mentions(self, reading: Reading) -> list[Mention]:
        """Every place a role is named, in order; where two roles' words overlap
        ("mini-batch" against "batch"), the longer wording wins."""
        found: dict[int, tuple[int, str, int]] = {}
        for name, phrases in self.roles:
            for phrase in phrases:
                for match in reading.all_matches(phrase):
                    if not _tight(reading, phrase, match):
                        continue
                    start, end = match.positions[0], match.positions[-1]
                    size = end - start + len(phrase.keys)
                    if start not in found or found[start][0] < size:
                        found[start] = (size, name, end)
        mentions: list[Mention] = []
        for start in sorted(found):
            _, name, end = found[start]
            if mentions and start <= mentions[-1].end:
                continue
            token = reading.tokens[start]
            mentions.append(Mention(name, start, end, token.sentence, token.clause, _contrasted(reading, start)))
        return mentions


def _tight(reading: Reading, phrase: Phrase, match: Match) -> bool:
    """A role is named by its words in order, at most one word apart: "training
    loss" names the training loss, "training stopped because the loss ..." does not."""
    keys = [reading.keys[p] for p in match.positions]
    return keys == list(phrase.keys) and match.positions[-1] - match.positions[0] <= 2 * (len(phrase.keys) - 1)


def _absent(reading: Reading, start: int) -> bool:
    """Named as what is missing: "without (a) bias", "no bias term"."""
    clause = reading.tokens[start].clause
    for back in range(start - 1, max(start - 3, -1), -1):
        token = reading.tokens[back]
        if token.clause != clause:
            return False
        if token.word in ABSENT:
            return True
        if reading.keys[back]:  # a meaningful word between: "no longer the bias" is not absence
            return False
    return False


def _contrasted(reading: Reading, start: int) -> bool:
    if _absent(reading, start):
        return True
    clause = reading.tokens[start].clause
    for back in range(start - 1, max(start - 1 - CONTRAST_REACH, -1), -1):
        token = reading.tokens[back]
        if token.word in CONTRAST:
            return True
        if token.clause != clause and reading.tokens[back + 1].word not in CONTRAST:
            break
    return False


def attribute(match: Match, mentions: Sequence[Mention], reading: Reading) -> str | None:
    """The role ``match`` is said of, or ``None`` when no role is named before it."""
    return attribute_with_strength(match, mentions, reading)[0]


def attribute_with_strength(match: Match, mentions: Sequence[Mention], reading: Reading) -> tuple[str | None, bool]:
    """The role ``match`` is said of, and whether that is *certain*: named in the
    phrase's own words or its own clause, rather than guessed from an earlier
    clause or sentence."""
    first, last = match.positions[0], match.positions[-1]
    # the wording names its role ("bias shifts"), unless as what is absent ("no bias")
    inside = [m for m in mentions if m.position in match.positions and not m.contrasted]
    if inside:
        return inside[0].role, True
    token = reading.tokens[first]
    same_sentence = [m for m in mentions if m.sentence == token.sentence and not (first <= m.position <= last)]
    own_clause = [m for m in same_sentence if m.clause == token.clause and not m.contrasted]
    before = [m for m in own_clause if m.position < first]
    if before:
        return before[-1].role, True
    after = [m for m in own_clause if m.position > last]
    if after:
        return after[0].role, True
    earlier = [m for m in same_sentence if m.position < first and not m.contrasted]
    if earlier:
        return earlier[-1].role, False
    previous = [m for m in mentions if m.sentence < token.sentence and not m.contrasted]
    return (previous[-1].role if previous else None), False
