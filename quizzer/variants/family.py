"""What a numeric variant family is, and the variant it produces for a seed.

A family is declarative: a sampler that draws parameters from an explicit NumPy
``Generator``, a prompt made from those parameters, a solver, and a worked
solution. Parameters are rounded to what the prompt displays *before* solving,
so a student who computes from the printed numbers gets the key's answer.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ANSWER_TYPES", "Tolerance", "Mistake", "Family", "Variant", "rng_for"]

ANSWER_TYPES = ("number", "integer", "vector", "pair", "yes/no")

Params = dict[str, Any]
Answer = Any  # float | int | list[float] | bool, always JSON-ready


@dataclass(frozen=True)
class Tolerance:
    """How close a typed number must be: within ``rel`` of the answer, or ``abs``."""

    rel: float = 0.01
    abs: float = 1e-9

    def as_dict(self) -> dict[str, float]:
        return {"rel": self.rel, "abs": self.abs}


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer for these parameters, and what it says about the student."""

    name: str
    value: Answer
    message: str


@dataclass(frozen=True, kw_only=True)
class Family:
    """One kind of numeric exercise, declared once, by keyword, in its topic module's
    ``FAMILIES`` list (``quizzer/variants/families/``); the registry finds it there."""

    id: str
    question_id: str
    title: str
    answer_type: str
    sample: Callable[[Any], Params]
    prompt: Callable[[Params], str]
    solve: Callable[[Params], Answer]
    solution: Callable[[Params, Answer], list[str]]
    tolerance: Tolerance = field(default_factory=Tolerance)
    mistakes: Callable[[Params], list[Mistake]] = field(default=lambda params: [])
    unit: str = ""  # for example "%", shown after the answer box

    def __post_init__(self) -> None:
        if self.answer_type not in ANSWER_TYPES:
            raise ValueError(f"{self.id}: unknown answer type {self.answer_type!r}")


@dataclass(frozen=True)
class Variant:
    """One concrete exercise: everything needed to show, check and explain it."""

    family: str
    question_id: str
    seed: int
    params: Params
    prompt: str
    answer: Answer
    answer_type: str
    tolerance: Tolerance
    solution: tuple[str, ...]
    unit: str = ""


def rng_for(family_id: str, seed: int):
    """The generator for one family and seed.

    The family id is mixed into the seed so that seed 7 of two families are
    unrelated draws; PCG64 streams are identical on every platform.
    """
    import numpy as np

    return np.random.default_rng([int(seed) & 0xFFFFFFFFFFFFFFFF, zlib.crc32(family_id.encode("utf-8"))])
