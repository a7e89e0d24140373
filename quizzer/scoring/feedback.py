"""Feedback a student can act on: per criterion, what earned marks and what to add.

The marks shown beside the criteria always agree with the total: when a guard
caps the total (a keyword list, padding), the capped total is what is shared
out over the criteria (``shown_awards``), and each explanation paragraph is
shown once however many criteria point to it (``first_explanations``). The
terminal (``quizzer grade``, the quiz) and the stored feedback text follow the
same two rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..bank import Question
from ..formatting import out_of
from .guards import GuardVerdict, floor_half
from .result import CriterionResult

__all__ = ["compose_feedback", "shown_awards", "first_explanations", "mark_symbol"]


def shown_awards(criteria: Sequence[CriterionResult], score: float) -> list[float]:
    """The marks to show beside each criterion, never adding up to more than the total.

    A guard may cap the total below what the criteria earned on their evidence;
    showing each criterion's own marks would then tick criteria the answer was
    not given. The capped total is shared out in rubric order instead: with a cap
    of 0.5 over two criteria that each found their ideas, the first shows 0.5 and
    the second 0. Without a cap (the total is the criteria's sum rounded down to
    half marks) every criterion keeps its own marks.
    """
    earned = [c.awarded for c in criteria]
    if score >= floor_half(sum(earned)):
        return earned
    left, shown = max(score, 0.0), []
    for value in earned:
        part = min(value, left)
        shown.append(part)
        left -= part
    return shown


def mark_symbol(shown: float, most: float) -> str:
    """A tick only for full marks, a half for part of them, a cross for none."""
    return "✓" if shown >= most else "½" if shown > 0 else "✗"


def first_explanations(criteria: Sequence[CriterionResult]) -> list[str]:
    """Each criterion's explanation, or "" where an earlier criterion already shows the same
    paragraph (two criteria often point to the same key idea)."""
    seen: set[str] = set()
    shown = []
    for criterion in criteria:
        text = criterion.explanation
        shown.append("" if not text or text in seen else text)
        seen.add(text)
    return shown


def capped(result: CriterionResult, shown: float) -> bool:
    """Whether a guard, not the evidence, kept this criterion below its own marks."""
    return shown < result.awarded


def _criterion_line(result: CriterionResult, shown: float) -> str:
    line = f"- {result.id}: {out_of(shown, result.max)}."
    if result.misconception:
        return f"{line} Misconception: {result.misconception}."
    if result.matched:
        found = "Found, but the total is capped (see below)" if capped(result, shown) else "Earned by"
        line += f" {found}: " + "; ".join(f'"{m}"' for m in result.matched) + "."
    if result.awarded < result.max:
        line += f" Still needed: {result.description}"
        if result.missing and len(result.missing) < 4 and result.missing[0] != result.description:
            line += " (for example: " + ", ".join(result.missing) + ")"
    return line


def compose_feedback(question: Question, results: Sequence[CriterionResult],
                     verdicts: Sequence[GuardVerdict], score: float) -> str:
    """A few lines: the total, one line per criterion, then any guard that capped it."""
    lines = [f"{out_of(score, question.marks)} marks."]
    lines += [_criterion_line(r, shown) for r, shown in zip(results, shown_awards(results, score), strict=True)]
    lines += [v.message for v in verdicts]
    notes = [text for text in first_explanations(results) if text]
    if notes:
        lines.append("Read again — " + notes[0])
    return "\n".join(lines)
