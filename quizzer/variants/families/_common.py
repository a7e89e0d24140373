"""Shared helpers for the family modules: exam-like numbers, how they are shown, tidy answers.

Parameters are drawn as integers on a decimal grid and divided once, so a value is
the double nearest to the decimal the prompt prints (``13 / 10`` is exactly the
float ``1.3``): the solver then computes from the very numbers the student sees.
Answers are cut to 12 significant digits, which hides last-bit differences
between machines' maths libraries and float noise such as ``0.30000000000000004``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "np", "grid", "signed", "pick", "ints", "fmt", "fmt_list", "fmt_sum", "fmt_matrix", "num", "paren",
    "clean", "clean_list", "sigmoid", "exact", "DECIMALS_4", "SIG_3", "sig3_prompt",
]


class _NumPy:
    """NumPy, imported when a family first uses it rather than when its module is loaded.

    Loading the bank checks each question's variant ids against the registry, which
    imports every family module; a quiz's first question is a free-text one and
    needs no NumPy, whose import (about 75 ms here, against a first question at
    about 215 ms) would otherwise be paid before it is shown. The family modules
    take ``np`` from here for that reason alone.
    """

    def __getattr__(self, name: str) -> Any:
        import numpy

        value = getattr(numpy, name)
        setattr(self, name, value)  # found directly from now on
        return value


np = _NumPy()

# Phrases the prompts end with, matched by the families' tolerances.
SIG_3 = "Give it to 3 significant figures (forms such as 1.23e-4 are fine)."
DECIMALS_4 = "to 4 decimal places"


def grid(rng: Any, lo: float, hi: float, decimals: int, size: int | None = None):
    """Uniform draw from the decimals-place grid on [lo, hi], as Python floats (or ints for 0 places)."""
    scale = 10**decimals
    draws = rng.integers(round(lo * scale), round(hi * scale) + 1, size=size)
    if size is None:
        return int(draws) if decimals == 0 else int(draws) / scale
    if decimals == 0:
        return [int(k) for k in draws]
    return [int(k) / scale for k in draws]


def signed(rng: Any, lo: float, hi: float, decimals: int, size: int | None = None):
    """Like :func:`grid` on lo <= |x| <= hi with a random sign: never zero or tiny."""
    scale = 10**decimals
    count = 1 if size is None else size
    draws = rng.integers(round(lo * scale), round(hi * scale) + 1, size=2 * count)
    values = [(int(k) if int(s) % 2 else -int(k)) for k, s in zip(draws[:count], draws[count:], strict=True)]
    values = values if decimals == 0 else [v / scale for v in values]
    return values[0] if size is None else values


def ints(rng: Any, lo: int, hi: int, size: int | None = None):
    """Integers on [lo, hi] inclusive, as Python ints."""
    draws = rng.integers(lo, hi + 1, size=size)
    return int(draws) if size is None else [int(k) for k in draws]


def pick(rng: Any, options: Sequence):
    """One of ``options``, chosen by the generator."""
    return options[int(rng.integers(len(options)))]


def fmt(value: Any) -> str:
    """A parameter exactly as the prompt prints it: shortest round-trip form, ``2`` for 2.0."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value))
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def fmt_list(values: Sequence) -> str:
    return "[" + ", ".join(fmt(v) for v in values) + "]"


def fmt_sum(values: Sequence) -> str:
    """A sum as a person writes it: ``3 − 2.2 + 1.2``, not ``3 + -2.2 + 1.2``."""
    text = fmt(values[0])
    for value in values[1:]:
        text += f" − {fmt(-value)}" if value < 0 else f" + {fmt(value)}"
    return text


def fmt_matrix(rows: Sequence[Sequence]) -> str:
    return "[" + ", ".join(fmt_list(row) for row in rows) + "]"


def num(value: float, digits: int = 4) -> str:
    """A computed value in a worked solution, to ``digits`` significant figures."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    value = float(value)
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def paren(value: Any) -> str:
    """A number for a product in a worked solution: negatives in parentheses."""
    text = fmt(value) if not isinstance(value, str) else value
    return f"({text})" if text.startswith("-") else text


def clean(value: Any) -> float:
    """A float answer: 12 significant digits, a plain Python float, never -0.0."""
    tidy = float(f"{float(value):.12g}")
    return tidy + 0.0 if tidy else 0.0


def clean_list(values: Any) -> list[float]:
    return [clean(v) for v in np.asarray(values, dtype=float).ravel().tolist()]


def exact(values: Sequence[int]) -> list[int]:
    return [int(v) for v in values]


def sigmoid(z: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def sig3_prompt(text: str) -> str:
    """A prompt asking for a number to 3 significant figures."""
    return f"{text} {SIG_3}"
