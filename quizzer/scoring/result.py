"""What grading returns: plain values, with the JSON shape of ``grade --json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CriterionResult", "GradeResult"]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class CriterionResult:
    """The marks one criterion (or one key idea of a model answer) earned, and why."""

    id: str
    awarded: float
    max: float
    description: str
    matched: tuple[str, ...] = ()  # the answer's words that earned marks
    missing: tuple[str, ...] = ()  # ideas the answer did not show
    misconception: str | None = None  # the wrong statement (or swap) that cancelled the criterion
    similarity: float = 0.0
    reason: str = ""  # how the mark was reached, in one sentence
    explanation: str = ""  # the part of the question's explanation that fits
    doubts: tuple[str, ...] = ()  # why this mark may be wrong (see GradeResult.review_reasons)
    strength: float = 0.0  # a continuous share of the criterion, 0..1, for ranking

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "awarded": _number(self.awarded),
            "max": _number(self.max),
            "matched": list(self.matched),
            "missing": list(self.missing),
            "misconception": self.misconception,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class GradeResult:
    question_id: str
    score: float
    max: float
    criteria: tuple[CriterionResult, ...]
    feedback: str
    flags: tuple[str, ...] = field(default=())  # guards that capped the score
    # how sure the scorer is of this mark, 0..1, and why it is less than sure:
    # a teacher checks the low ones first
    confidence: float = 1.0
    review_reasons: tuple[str, ...] = ()
    similarity: float = 0.0  # a continuous 0..1 closeness to full marks, to rank answers

    def to_json(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "score": _number(self.score),
            "max": _number(self.max),
            "criteria": [c.to_json() for c in self.criteria],
            "feedback": self.feedback,
            "flags": list(self.flags),
            "confidence": self.confidence,
            "review_reasons": list(self.review_reasons),
            "similarity": self.similarity,
        }
