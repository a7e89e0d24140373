"""How sure a grade is: the scorer's own reasons to doubt a mark.

A teacher cannot read every answer, so every grade says which of its marks rest
on weaker ground, and a single number to sort by. Each reason has a weight, the
share of marks it puts in doubt; confidence is the product of ``1 - weight``
over the reasons present, so an answer with no reason is 1.0 and each doubt
lowers it. The reasons:

- ``similarity-only:CRITERION``: half a mark earned through wording similarity with
  no rubric idea found;
- ``partial:CRITERION``: the criterion earned part of its marks (the claim without
  its reason, or the reverse): on answers marked by examiners, the scorer gives the
  examiner's mark about a third of the time when it gives part marks, and three
  times in four otherwise;
- ``fact-and-reverse:CRITERION``: evidence for an idea and a statement against it
  (a misconception, or the idea negated elsewhere); the criterion was cancelled;
- ``swap:CRITERION``: an idea said of the wrong one of the things compared;
- ``guard:NAME``: a guard capped the score (keyword list, length, restated question);
- ``unlike-samples``: the answer's wording is unlike the model answer and every
  graded sample, so the rubric's wordings were never tried on anything like it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .guards import GuardVerdict
from .result import CriterionResult

__all__ = ["assess", "WEIGHTS", "UNLIKE"]

WEIGHTS = {
    "similarity-only": 0.35,
    "partial": 0.4,
    "fact-and-reverse": 0.3,
    "swap": 0.3,
    "guard": 0.25,
    "unlike-samples": 0.2,
}
# the highest word-feature dot product with a model answer or sample below which an
# answer is unlike them: below it the scorer agreed with examiners 46% of the time on
# the calibration answers, above it 62%
UNLIKE = 0.15


def assess(results: Sequence[CriterionResult], verdicts: Sequence[GuardVerdict],
           nearest: float) -> tuple[float, tuple[str, ...]]:
    """``(confidence, review_reasons)`` for one grade."""
    reasons = [f"{doubt}:{r.id}" for r in results for doubt in r.doubts]
    reasons += [f"guard:{v.flag}" for v in verdicts if v.flag != "empty"]
    if nearest < UNLIKE and not any(v.flag == "empty" for v in verdicts):
        reasons.append("unlike-samples")
    confidence = 1.0
    for reason in reasons:
        confidence *= 1.0 - WEIGHTS[reason.split(":")[0]]
    return round(confidence, 2), tuple(dict.fromkeys(reasons))
