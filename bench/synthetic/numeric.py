"""Numeric answers that really are right, half right or wrong for their variant.

For each family a pool of variant seeds is drawn; for each variant, typical
answers are written (the answer itself, the family's typical mistakes, a slip
such as a lost sign or a factor of ten, one of two numbers right) and marked
with the real checker. A stored numeric response is therefore exactly what
``quizzer regrade`` would mark it again. Only marks in half steps are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quizzer.variants import Variant, generate, get_family
from quizzer.variants.check import check_answer, format_answer

__all__ = ["Marked", "PoolEntry", "make_pool", "POOL_SIZE"]

POOL_SIZE = 24  # variants per family


@dataclass(frozen=True)
class Marked:
    answer: str
    score: float
    feedback: str


@dataclass(frozen=True)
class PoolEntry:
    seed: int
    right: tuple[Marked, ...]
    half: tuple[Marked, ...]
    wrong: tuple[Marked, ...]


def _slip(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return -value if value else 1.0


def _candidates(variant: Variant) -> list[str]:
    expected = variant.answer
    texts = [format_answer(expected)]
    texts += [format_answer(m.value) for m in get_family(variant.family).mistakes(variant.params)]
    if isinstance(expected, list):
        texts.append(format_answer([_slip(v) for v in expected]))
        texts.append(format_answer([expected[0]] + [_slip(v) for v in expected[1:]]))
    else:
        texts.append(format_answer(_slip(expected)))
        if isinstance(expected, float) and not isinstance(expected, bool):
            texts.append(format_answer(expected * 10))
            texts.append(f"{expected:.1g}")
    return list(dict.fromkeys(texts))


def _entry(family: str, seed: int) -> PoolEntry:
    variant = generate(family, seed)
    sorted_: dict[float, list[Marked]] = {1.0: [], 0.5: [], 0.0: []}
    for text in _candidates(variant):
        check = check_answer(variant, text)
        if check.error is None and check.score in sorted_:
            sorted_[check.score].append(Marked(text, float(check.score), check.feedback))
    return PoolEntry(seed, tuple(sorted_[1.0]), tuple(sorted_[0.5]), tuple(sorted_[0.0]))


def make_pool(families: list[str], rng: np.random.Generator) -> list[list[PoolEntry]]:
    """Per family (in the order given), variants with at least a right and a wrong answer."""
    pool = []
    for family in families:
        entries = [_entry(family, int(seed)) for seed in rng.integers(0, 2**31 - 1, POOL_SIZE)]
        usable = [e for e in entries if e.right and e.wrong] or [e for e in entries if e.right]
        pool.append(usable)
    return pool
