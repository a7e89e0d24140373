"""How a student would do on a full paper today: an expected mark with its uncertainty.

For each question of the paper, two things must go right: the student must still
remember the idea (FSRS's retrievability ``R``: the probability of recall now,
from the review card), and must then write an answer worth the marks (``p``: the
fraction of the marks, from the latest answers). ``p`` is uncertain, more so
after one answer than after three, so it is a Beta distribution: a weak prior
(one quarter of the marks, worth half an answer) updated with the marks earned
and missed in the latest answers. A question never answered keeps the prior.

Each question's marks are modelled as ``marks`` trials that succeed with
probability ``R * p``; the paper's total is the sum over questions, taken as
independent, and the range shown is the normal 90% interval around it, clipped to
the paper. This is an estimate from practice data, and the report says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["QuestionEvidence", "Readiness", "estimate", "PRIOR_MEAN", "PRIOR_WEIGHT"]

PRIOR_MEAN = 0.25  # the share of the marks expected with no evidence
PRIOR_WEIGHT = 0.5  # worth half an answer
Z90 = 1.6449


@dataclass(frozen=True)
class QuestionEvidence:
    question_id: str
    marks: float
    recent: Sequence[float] = ()  # fractions of the marks in the latest answers
    recall: float | None = None  # FSRS retrievability now; None when never reviewed


@dataclass(frozen=True)
class Readiness:
    expected: float
    low: float
    high: float
    total: float  # the paper's marks
    sd: float
    answered: int  # questions with evidence
    questions: int

    @property
    def percent(self) -> float:
        return self.expected / self.total if self.total else 0.0


def _question(evidence: QuestionEvidence) -> tuple[float, float]:
    """Mean and variance of the marks on one question."""
    weight = evidence.marks  # each answer counts as ``marks`` trials
    alpha = PRIOR_MEAN * PRIOR_WEIGHT * weight + sum(f * weight for f in evidence.recent)
    beta = (1 - PRIOR_MEAN) * PRIOR_WEIGHT * weight + sum((1 - f) * weight for f in evidence.recent)
    mean_p = alpha / (alpha + beta)
    var_p = alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))
    recall = 1.0 if evidence.recall is None else min(max(evidence.recall, 0.0), 1.0)
    success = recall * mean_p
    second_moment = recall * recall * (var_p + mean_p * mean_p)
    n = evidence.marks
    mean = n * success
    variance = n * (success - second_moment) + n * n * recall * recall * var_p
    return mean, max(variance, 0.0)


def estimate(evidence: Sequence[QuestionEvidence]) -> Readiness:
    total = sum(e.marks for e in evidence)
    means, variances = zip(*(_question(e) for e in evidence), strict=True) if evidence else ((), ())
    expected = sum(means)
    sd = math.sqrt(sum(variances))
    low = max(0.0, expected - Z90 * sd)
    high = min(total, expected + Z90 * sd)
    return Readiness(expected, low, high, total, sd, sum(1 for e in evidence if e.recent), len(evidence))
