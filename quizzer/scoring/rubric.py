"""Score one rubric criterion from concept evidence, roles, misconceptions and similarity.

The rule, in the order it is applied:

1. *Evidence.* Each concept (an idea with its alternative wordings) counts when
   one of its wordings is found with the right polarity and, for an idea that is
   ``about`` one of the question's roles, said of that role (see ``roles``).
   ``need`` concepts earn the criterion's full marks; fewer earn that share,
   rounded down to half marks. Wordings made only of the prompt's own words are
   ignored.
2. *Swap, misconception or contradiction.* The criterion earns 0, and the feedback
   says why, when the answer says one of its ideas of the wrong role ("L2 drives
   weights to exactly zero"), even beside a correct statement of it unless the
   role was only guessed from an earlier clause; states one of its
   misconceptions; says one of its ideas the other way round, with a word
   flipped to its opposite ("the gradients get *smaller*", see ``antonyms``),
   of the idea's own role; or states a piece of evidence and, in another
   sentence, its negation. Ruling out the opposite of
   a fact is not a contradiction: when the negated words are themselves evidence
   for one of the question's ideas ("the boundary is a straight line ... no
   straight line separates XOR"), the answer is consistent.
3. *Similarity.* A criterion with no idea found earns half a mark when the
   answer's wording is very close to the criterion's (cosine >= ``ALONE``): a
   paraphrase the wordings missed. Similarity never completes a criterion: full
   marks need the ideas themselves.

Each result also lists its *doubts* (marks earned only by similarity, a cancelled
criterion that also had evidence, a swap), which feed the grade's confidence.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from ..bank import Criterion
from ..misconceptions import describe as describe_misconception
from .concepts import Match, Phrase, Reading
from .guards import floor_half
from .result import CriterionResult
from .roles import Mention, attribute_with_strength

__all__ = ["CompiledCriterion", "Evidence", "find_evidence", "neighbours", "score_criterion", "ALONE"]

ALONE = 0.45


@dataclass(frozen=True)
class CompiledCriterion:
    criterion: Criterion
    concepts: tuple[tuple[Phrase, ...], ...]  # per idea, its usable wordings
    misconceptions: tuple[Phrase, ...]
    explanation: str = ""
    pitfall: str = ""
    role_names: tuple[tuple[str, str], ...] = ()  # role id -> the word shown in feedback
    # per misconception, the words that stand next to it where a model answer uses
    # the same words correctly ("a *multi-layer* perceptron with non-linear ...")
    benign: tuple[frozenset[str], ...] = ()
    # per idea, its wordings with one word flipped to its opposite (see ``antonyms``)
    reversals: tuple[tuple[Phrase, ...], ...] = ()
    # per role an idea may be about, the roles it is compared with (itself included):
    # a question may make several comparisons, and a phrase is attributed within one
    rivals: tuple[tuple[str, frozenset[str]], ...] = ()


@dataclass(frozen=True)
class Swap:
    match: Match
    said_of: str  # the role the answer said it of
    belongs_to: str  # the role the idea is about
    certain: bool = True  # the role is named in the phrase's own clause, not guessed from before


@dataclass(frozen=True)
class Evidence:
    """What one criterion's ideas found in an answer."""

    found: tuple[Match, ...]
    missing: tuple[str, ...]
    swaps: tuple[Swap, ...]
    reversals: tuple[Match, ...] = ()  # an idea said the other way round, of its own role


def find_evidence(reading: Reading, compiled: CompiledCriterion, all_mentions: Sequence[Mention]) -> Evidence:
    found, missing, swaps, reversals = [], [], [], []
    for index, (original, wordings) in enumerate(zip(compiled.criterion.concepts, compiled.concepts, strict=True)):
        checks = _checks(compiled, index, all_mentions)
        match, swap = _first_attributed(reading, wordings, checks)
        if match:
            found.append(match)
        else:
            missing.append(original[0])
            if swap:
                swaps.append(swap)
        # only an idea not stated is looked for reversed: an answer that states it and,
        # elsewhere, its opposite is comparing (tried: looking always lost 2 points on fold B)
        if index < len(compiled.reversals) and not match:
            reversed_match = _reversal(reading, compiled.reversals[index], checks)
            if reversed_match:
                reversals.append(reversed_match)
    return Evidence(tuple(found), tuple(missing), tuple(swaps), tuple(reversals))


Check = tuple[str, Sequence[Mention]]  # a role an idea is about, and the mentions it is told apart from


def _checks(compiled: CompiledCriterion, index: int, mentions: Sequence[Mention]) -> list[Check]:
    """The roles idea ``index`` must be said of, each with the mentions of the roles
    it is compared with. A question making several comparisons may have an idea about
    one role of each: Adam's (not SGD's) second moment (not its first)."""
    role = compiled.criterion.role_of(index)
    if not role or not mentions:
        return []
    if not compiled.rivals:
        return [(role, mentions)]
    rivals = dict(compiled.rivals)
    checks: list[Check] = []
    for one in (role, compiled.criterion.also_about):
        if one and one in rivals and not any(one in rivals[other] for other, _ in checks):
            checks.append((one, [m for m in mentions if m.role in rivals[one]]))
    return [(one, found) for one, found in checks if found]


def _said_of_wrong(reading: Reading, match: Match, checks: Sequence[Check]) -> Swap | None:
    """The first comparison in which ``match`` is said of another role than its idea's."""
    for role, mentions in checks:
        said_of, certain = attribute_with_strength(match, mentions, reading)
        if said_of is not None and said_of != role:
            return Swap(match, said_of, role, certain)
    return None


def _reversal(reading: Reading, wordings: Sequence[Phrase], checks: Sequence[Check]) -> Match | None:
    """The first place an idea is said the other way round of its own role (the
    opposite said of the other role is the other half of a comparison)."""
    for phrase in wordings:
        for match in reading.find_all(phrase):
            if not _said_of_wrong(reading, match, checks):
                return match
    return None


def _first_attributed(reading: Reading, wordings: Sequence[Phrase],
                      checks: Sequence[Check]) -> tuple[Match | None, Swap | None]:
    swap = None
    for phrase in wordings:
        for match in reading.find_all(phrase):
            wrong = _said_of_wrong(reading, match, checks)
            if wrong is None:
                return match, None
            if swap is None or (wrong.certain and not swap.certain):
                swap = wrong
    return None, swap


def _role_word(compiled: CompiledCriterion, role: str) -> str:
    return dict(compiled.role_names).get(role, role)


def _cancelled(reading: Reading, compiled: CompiledCriterion, evidence: Evidence,
               consistent: Callable[[], Collection[int]]) -> str | None:
    """Why the criterion earns nothing whatever its evidence, or ``None``.

    ``consistent()`` gives the answer's token positions that are evidence for some
    idea of the question with the right polarity: a negation standing there rules
    out an opposite rather than contradicting a fact.
    """
    # a swap cancels the criterion even beside a correct statement, unless its role
    # was only guessed from an earlier clause or sentence (then the correct one wins)
    swaps = [s for s in evidence.swaps if s.certain or not evidence.found]
    if swaps:
        swap = swaps[0]
        return (f'the answer says "{swap.match.text}" of {_role_word(compiled, swap.said_of)}, '
                f"but that is true of {_role_word(compiled, swap.belongs_to)}")
    for index, phrase in enumerate(compiled.misconceptions):
        benign = compiled.benign[index] if index < len(compiled.benign) else frozenset()
        for match in reading.find_all(phrase):
            if not benign & set(neighbours(reading, match)):
                return describe_misconception(match.text, phrase.text)
    for match in evidence.reversals:
        if not set(match.positions) & set(consistent()):
            return f'the answer says "{match.text}", the reverse of "{match.phrase.text}"'
    for match in evidence.found:
        if len(match.phrase.keys) >= 2:
            for opposite in reading.find_all(match.phrase, negated=not match.phrase.negated):
                if opposite.sentence != match.sentence and not set(opposite.positions) & set(consistent()):
                    return f'the answer says "{match.text}" and also "{opposite.text}"'
    return None


def neighbours(reading: Reading, match: Match) -> tuple[str, ...]:
    """The meaningful words just before and just after a match, within its clause:
    what tells "a multi-layer perceptron with non-linear units" from "the perceptron
    is non-linear"."""
    first, last = match.positions[0], match.positions[-1]
    return tuple(k for k in (_next_key(reading, first, -1), _next_key(reading, last, 1)) if k)


def _next_key(reading: Reading, start: int, step: int) -> str:
    clause = reading.tokens[start].clause
    index = start + step
    while 0 <= index < len(reading.tokens) and reading.tokens[index].clause == clause:
        if reading.keys[index]:
            return reading.keys[index]
        index += step
    return ""


def score_criterion(reading: Reading, compiled: CompiledCriterion, evidence: Evidence, similarity: float,
                    consistent: Callable[[], Collection[int]] = frozenset) -> CriterionResult:
    """The marks for one criterion, with what earned them, what was missing and any doubt."""
    criterion = compiled.criterion
    found = evidence.found
    share = min(1.0, len(found) / criterion.need)
    earned = floor_half(criterion.marks * share)
    cancelled = _cancelled(reading, compiled, evidence, consistent)
    ideas = f"{min(len(found), criterion.need)}/{criterion.need} of the ideas needed"
    doubts: list[str] = []
    if cancelled:
        awarded, reason = 0.0, f"cancelled: {cancelled} ({ideas} were shown)"
        if evidence.swaps:
            doubts.append("swap")
        elif found:
            doubts.append("fact-and-reverse")
    else:
        awarded, reason = earned, f"{ideas} shown"
        lift = awarded == 0 and similarity >= ALONE
        if lift:
            awarded = 0.5
            reason += f"; 0.5 because the wording is close to the criterion (similarity {similarity:.2f})"
            doubts.append("similarity-only")
        elif 0 < awarded < criterion.marks:
            doubts.append("partial")  # half credit: whether the reason was given is the examiner's closest call
        if evidence.swaps:
            doubts.append("swap")  # said of the other role too, in a sentence whose subject was guessed
    return CriterionResult(
        id=criterion.id,
        awarded=awarded,
        max=criterion.marks,
        description=criterion.description,
        matched=tuple(dict.fromkeys(m.text for m in found)),
        missing=evidence.missing if awarded < criterion.marks else (),
        misconception=cancelled,
        similarity=round(similarity, 3),
        reason=reason,
        explanation=compiled.pitfall if cancelled else (compiled.explanation if awarded < criterion.marks else ""),
        doubts=tuple(doubts),
        strength=_strength(awarded, criterion.marks, similarity, cancelled),
    )


def _strength(awarded: float, marks: float, similarity: float, cancelled: str | None) -> float:
    """A continuous share of the criterion, for ranking: the marks' share, nudged by
    how close the wording is (so two answers with the same marks still order)."""
    if cancelled:
        return 0.0
    return min(1.0, 0.85 * awarded / marks + 0.15 * min(1.0, similarity / ALONE))
