"""Marking a typed answer against a variant: tolerance, partial credit, typical mistakes.

Reading the text is :func:`quizzer.variants.parse.parse_answer`'s job; an answer that
cannot be read is reported as such (``error``), never marked wrong, so the
student can type it again. A readable answer is compared element by element:

- integers and yes/no exactly; numbers within the variant's tolerance, that is
  ``|typed − answer| <= max(rel·|answer|, abs)``;
- a vector or pair earns the fraction of its elements that are right (each variant
  is worth ``MAX_MARK`` = 1 mark);
- a wrong answer is compared with the family's typical mistakes: when every wrong
  element is what the mistake predicts, the feedback names the mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import AnswerError, NotFound
from ..formatting import answer_text
from .family import Mistake, Tolerance, Variant
from .parse import parse_answer

__all__ = ["CheckResult", "check_answer", "mark", "matches", "allowed_error", "format_answer", "expected_text",
           "asked_precision", "Precision", "describe_tolerance", "MAX_MARK"]

MAX_MARK = 1.0
# Float mistakes of exactly-marked (integer) families, such as 234.375 updates, match within 1%.
_MISTAKE_TOLERANCE = Tolerance(rel=0.01, abs=0.0)
_SHOWN_WRONG = 3  # wrong elements spelled out in the feedback


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer; ``error`` is set (and nothing marked) when it could not be read."""

    correct: bool
    score: float
    max: float
    expected: Any
    parsed: Any
    feedback: str
    error: str | None = None
    mistake: str | None = None  # the name of the recognised typical mistake

    def to_json(self) -> dict[str, Any]:
        """The ``quizzer variant check --json`` contract."""
        if self.error:
            return {"correct": False, "error": self.error}
        return {"correct": self.correct, "score": self.score, "max": self.max, "expected": self.expected,
                "parsed": self.parsed, "feedback": self.feedback}


# The precision a prompt asks for, in the words the families end their prompts with
# ("Give it to 3 significant figures", "each to 4 decimal places"); the last one counts.
_ASKED = re.compile(r"\bto (\d+) (significant figure|decimal place)s?\b")


@dataclass(frozen=True)
class Precision:
    """How many digits an answer is asked for: ``figures`` significant ones, or ``places`` decimals."""

    figures: int | None = None
    places: int | None = None


def asked_precision(prompt: str) -> Precision | None:
    """The precision the prompt asks the student for, or None when it asks for none.

    The prompt is what the student read, so the answer shown back follows it: a
    question asking for 3 significant figures shows 0.0536, not 0.0536056.
    """
    found = _ASKED.findall(prompt)
    if not found:
        return None
    digits, kind = found[-1]
    if int(digits) < 1 or int(digits) > 15:
        return None
    return Precision(figures=int(digits)) if kind == "significant figure" else Precision(places=int(digits))


def format_answer(value: Any, unit: str = "", precision: Precision | None = None) -> str:
    """An answer for feedback, lists in brackets: to the ``precision`` asked for (trailing
    zeros kept, 0.0900 to 3 significant figures), else up to 6 significant figures.
    The one answer format, ``formatting.answer_text``; the exam key's is the same."""
    return answer_text(value, unit, precision)


def expected_text(variant: Variant) -> str:
    """The variant's answer as a student is shown it: with its unit, to the precision its prompt asks."""
    return format_answer(variant.answer, variant.unit, asked_precision(variant.prompt))


def describe_tolerance(tolerance: Tolerance) -> str:
    """The tolerance in words, for people: "exact", "within 1%", "within 0.0005"."""
    parts = []
    if tolerance.rel:
        parts.append(f"{tolerance.rel * 100:g}%")
    if tolerance.abs:
        parts.append(f"{tolerance.abs:g}")
    return f"within {' or '.join(parts)}" if parts else "exact"


def allowed_error(expected: Any, tolerance: Tolerance) -> float:
    """How far a typed number may be from ``expected`` and still count: 0 for ints
    and bools (marked exactly), else ``max(rel·|expected|, abs)``. The one reading
    of a tolerance, so an exported question (Moodle, QTI, GIFT, whose tolerances are
    absolute) accepts what the quiz accepts."""
    if isinstance(expected, (bool, int)):
        return 0.0
    return max(tolerance.rel * abs(expected), tolerance.abs)


def matches(typed: Any, expected: Any, tolerance: Tolerance) -> bool:
    """Whether one typed value counts as ``expected``: exact for ints and bools, else within tolerance."""
    if isinstance(expected, bool) or isinstance(typed, bool):
        return typed is expected
    if isinstance(expected, int):
        return typed == expected
    allowed = allowed_error(expected, tolerance)
    # A relative hair of slack so 1.01 counts at exactly 1% of 1.0 despite binary floats.
    return abs(typed - expected) <= allowed * (1 + 1e-9) + 1e-15 * abs(expected)


def check_answer(variant: Variant, text: str) -> CheckResult:
    """Read ``text`` and mark it against ``variant``; never raises for what a student types."""
    expected = variant.answer
    length = len(expected) if isinstance(expected, list) else None
    try:
        parsed = parse_answer(text, variant.answer_type, unit=variant.unit, length=length)
    except AnswerError as exc:
        message = f"Could not read your answer ({exc.message})."
        if exc.hint:
            message += f" {exc.hint[0].upper()}{exc.hint[1:]}."
        return CheckResult(False, 0.0, MAX_MARK, expected, None, message, error=message)
    return mark(variant, parsed)


def mark(variant: Variant, parsed: Any) -> CheckResult:
    """Mark an already-read answer: score, verdict, and feedback naming a typical mistake."""
    expected = variant.answer
    typed = parsed if isinstance(parsed, list) else [parsed]
    wanted = expected if isinstance(expected, list) else [expected]
    right = [matches(t, w, variant.tolerance) for t, w in zip(typed, wanted, strict=True)]
    score = round(MAX_MARK * sum(right) / len(right), 4)
    if all(right):
        return CheckResult(True, score, MAX_MARK, expected, parsed, _praise(variant))
    mistake = _recognise(variant, typed, right) or _generic_mistake(variant, typed)
    feedback = _wrong_feedback(variant, typed, right)
    if mistake:
        feedback += f" It looks like {mistake.message}"
    return CheckResult(False, score, MAX_MARK, expected, parsed, feedback, mistake=mistake.name if mistake else None)


# Feedback never opens with a verdict ("Correct", "Not right"): callers print their own.
def _praise(variant: Variant) -> str:
    if isinstance(variant.answer, list):
        return f"All {len(variant.answer)} numbers are right: {expected_text(variant)}."
    return f"The answer is {expected_text(variant)}."


def _wrong_feedback(variant: Variant, typed: list, right: list[bool]) -> str:
    expected, unit, precision = variant.answer, variant.unit, asked_precision(variant.prompt)
    if not isinstance(expected, list):
        return f"The answer is {expected_text(variant)}; you gave {format_answer(typed[0], unit)}."
    wrong = [i for i, ok in enumerate(right) if not ok]
    details = "; ".join(f"number {i + 1} should be {format_answer(expected[i], precision=precision)} "
                        f"(you gave {format_answer(typed[i])})" for i in wrong[:_SHOWN_WRONG])
    more = f"; and {len(wrong) - _SHOWN_WRONG} more" if len(wrong) > _SHOWN_WRONG else ""
    return (f"{len(right) - len(wrong)} of {len(right)} numbers are right; {details}{more}. "
            f"The answer is {expected_text(variant)}.")


def _mistakes(variant: Variant) -> list[Mistake]:
    from .registry import get_family

    try:
        return get_family(variant.family).mistakes(variant.params)
    except NotFound:
        return []


def _recognise(variant: Variant, typed: list, right: list[bool]) -> Mistake | None:
    """The first typical mistake that explains every wrong element (and is not the answer itself)."""
    tolerance = variant.tolerance if (variant.tolerance.rel or variant.tolerance.abs) else _MISTAKE_TOLERANCE
    for mistake in _mistakes(variant):
        predicted = mistake.value if isinstance(mistake.value, list) else [mistake.value]
        if len(predicted) != len(typed):
            continue
        if all(ok or matches(t, p, tolerance) for t, p, ok in zip(typed, predicted, right, strict=True)):
            return mistake
    return None


def _generic_mistake(variant: Variant, typed: list) -> Mistake | None:
    """Slips any number can show: a lost sign, a factor of 100, rounding too early."""
    expected = variant.answer
    if isinstance(expected, (list, bool, int)) or not expected:
        return None
    value, tolerance = typed[0], variant.tolerance
    if matches(-value, expected, tolerance):
        return Mistake("sign", -expected, "the right size with the wrong sign.")
    if matches(value / 100, expected, tolerance) or matches(value * 100, expected, tolerance):
        return Mistake("factor-100", value,
                       "a factor of 100 out: a percentage where a fraction is asked, or the reverse.")
    close = Tolerance(rel=5 * tolerance.rel, abs=5 * tolerance.abs)
    if matches(value, expected, close):
        return Mistake("rounding", value, "rounding: close, but outside the tolerance; keep more digits "
                       "(3 significant figures, or the decimals asked for) and round only at the end.")
    return None
