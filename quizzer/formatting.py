"""How answers and marks are written for people: one definition of each.

A mark reads the same in ``quizzer grade``, in the quiz, in the stored feedback
and on an exam's key and results (``1`` for 1.0, ``1.5`` for 1.5), and a numeric
answer the same in the quiz's feedback, ``quizzer variant`` and the key (lists in
brackets, yes/no for booleans, six significant figures unless a precision is
asked for). The terminal, the templates (the ``marks`` and ``answer`` filters) and
the feedback all call these, so the forms cannot drift apart. This module imports
nothing of Quizzer's, so anything may use it.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["marks_text", "out_of", "answer_text", "Digits"]


def marks_text(value: float) -> str:
    """A mark as people write it: ``1`` for 1.0, ``1.5`` for 1.5, ``0.25`` for 0.25."""
    return f"{value:g}"


def out_of(score: float, most: float) -> str:
    """Marks earned out of marks available: ``1.5/2``."""
    return f"{marks_text(score)}/{marks_text(most)}"


class Digits(Protocol):
    """The precision an answer is asked to: ``figures`` significant ones, or ``places``
    decimals (``variants.check.Precision``, read from the prompt)."""

    @property
    def figures(self) -> int | None: ...

    @property
    def places(self) -> int | None: ...


def answer_text(value: Any, unit: str = "", precision: Digits | None = None) -> str:
    """An answer: lists (and tuples) in brackets, yes/no for booleans, integers and text
    as they are, other numbers to the ``precision`` asked for (trailing zeros kept,
    0.0900 to 3 significant figures), else up to 6 significant figures. ``unit``
    follows a single number or integer (15%); a list's elements and yes/no carry none."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(answer_text(v, precision=precision) for v in value) + "]"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, str)):
        text = str(value)
    elif precision is not None and precision.places is not None:
        text = _without_negative_zero(f"{value:.{precision.places}f}")
    elif precision is not None and precision.figures is not None:
        text = _significant(value, precision.figures)
    else:
        text = f"{value:.6g}"
    return f"{text}{unit}"


def _significant(value: float, figures: int) -> str:
    """``value`` to ``figures`` significant figures; powers of ten below 1e-4 or from 1e6 up
    as 1.23e-5, the form the prompts accept."""
    if value == 0:
        return "0" if figures == 1 else "0." + "0" * (figures - 1)
    mantissa, exponent = f"{value:.{figures - 1}e}".split("e")
    power = int(exponent)  # after rounding: 9.996 to 3 figures is 1.00e+01
    if power < -4 or power >= 6:
        return f"{mantissa}e{power}"
    return _without_negative_zero(f"{float(f'{mantissa}e{power}'):.{max(figures - 1 - power, 0)}f}")


def _without_negative_zero(text: str) -> str:
    """-0.000 (a tiny negative rounded away) reads as 0.000."""
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text
