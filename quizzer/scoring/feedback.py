"""Feedback a student can act on: per criterion, what earned marks and what to add."""

from __future__ import annotations

from collections.abc import Sequence

from ..bank import Question
from .guards import GuardVerdict
from .result import CriterionResult

__all__ = ["compose_feedback"]


def _marks(value: float) -> str:
    return f"{value:g}"


def _criterion_line(result: CriterionResult) -> str:
    line = f"- {result.id}: {_marks(result.awarded)}/{_marks(result.max)}."
    if result.misconception:
        return f"{line} Misconception: {result.misconception}."
    if result.matched:
        line += " Earned by: " + "; ".join(f'"{m}"' for m in result.matched) + "."
    if result.awarded < result.max:
        line += f" Still needed: {result.description}"
        if result.missing and len(result.missing) < 4 and result.missing[0] != result.description:
            line += " (for example: " + ", ".join(result.missing) + ")"
    return line


def compose_feedback(question: Question, results: Sequence[CriterionResult],
                     verdicts: Sequence[GuardVerdict], score: float) -> str:
    """A few lines: the total, one line per criterion, then any guard that capped it."""
    lines = [f"{_marks(score)}/{_marks(question.marks)} marks."]
    lines += [_criterion_line(r) for r in results]
    lines += [v.message for v in verdicts]
    notes = [r.explanation for r in results if r.explanation]
    if notes:
        lines.append("Read again — " + notes[0])
    return "\n".join(lines)
