"""Score one rubric criterion from concept evidence, misconceptions and similarity.

The rule, in the order it is applied:

1. *Evidence.* Each concept (an idea with its alternative wordings) counts when
   one of its wordings is found with the right polarity. ``need`` concepts earn the
   criterion's full marks; fewer earn that share, rounded down to half marks.
   Wordings made only of the prompt's own words are ignored.
2. *Misconception or contradiction.* If the answer states one of the criterion's
   misconceptions, or states a piece of evidence and also its negation, the
   criterion earns 0 and the misconception is reported.
3. *Similarity.* A criterion short of full marks gains half a mark when the
   answer's wording is close to the criterion's (cosine >= ``LIFT``) and some
   evidence was found, or very close (>= ``ALONE``) without it. Similarity can add
   at most half a mark to a criterion; it never earns one alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bank import Criterion
from ..misconceptions import describe as describe_misconception
from .concepts import Match, Phrase, Reading
from .guards import floor_half
from .result import CriterionResult

__all__ = ["CompiledCriterion", "score_criterion", "LIFT", "ALONE"]

LIFT = 0.30
ALONE = 0.45


@dataclass(frozen=True)
class CompiledCriterion:
    criterion: Criterion
    concepts: tuple[tuple[Phrase, ...], ...]  # per idea, its usable wordings
    misconceptions: tuple[Phrase, ...]
    explanation: str = ""
    pitfall: str = ""


def _evidence(reading: Reading, compiled: CompiledCriterion) -> tuple[list[Match], list[str]]:
    found, missing = [], []
    for original, wordings in zip(compiled.criterion.concepts, compiled.concepts):
        match = next((m for m in (reading.find(p) for p in wordings) if m), None)
        if match:
            found.append(match)
        else:
            missing.append(original[0])
    return found, missing


def _misconception(reading: Reading, compiled: CompiledCriterion, found: list[Match]) -> str | None:
    for phrase in compiled.misconceptions:
        match = reading.find(phrase)
        if match:
            return describe_misconception(match.text, phrase.text)
    for match in found:
        if len(match.phrase.keys) >= 2:
            opposite = reading.find(match.phrase, negated=not match.phrase.negated)
            if opposite and opposite.sentence != match.sentence:
                return f'the answer says "{match.text}" and also "{opposite.text}"'
    return None


def score_criterion(reading: Reading, compiled: CompiledCriterion, similarity: float) -> tuple[CriterionResult, list[Match]]:
    """The marks for one criterion, with what earned them and what was missing."""
    criterion = compiled.criterion
    found, missing = _evidence(reading, compiled)
    share = min(1.0, len(found) / criterion.need)
    evidence = floor_half(criterion.marks * share)
    misconception = _misconception(reading, compiled, found)
    ideas = f"{len(found)}/{criterion.need} of the ideas needed"
    if misconception:
        awarded, reason = 0.0, f"cancelled by a misconception ({ideas} were shown)"
    else:
        awarded, reason = evidence, f"{ideas} shown"
        lift = awarded < criterion.marks and (similarity >= ALONE or (found and similarity >= LIFT))
        if lift:
            awarded = min(criterion.marks, awarded + 0.5)
            reason += f"; +0.5 because the wording is close to the criterion (similarity {similarity:.2f})"
    result = CriterionResult(
        id=criterion.id,
        awarded=awarded,
        max=criterion.marks,
        description=criterion.description,
        matched=tuple(dict.fromkeys(m.text for m in found)),
        missing=tuple(missing) if awarded < criterion.marks else (),
        misconception=misconception,
        similarity=round(similarity, 3),
        reason=reason,
        explanation=compiled.pitfall if misconception else (compiled.explanation if awarded < criterion.marks else ""),
    )
    return result, found
