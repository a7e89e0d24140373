"""The registry of variant families, and generating a variant from a seed."""

from __future__ import annotations

import importlib

from ..errors import NotFound
from .family import Family, Variant, rng_for
from .ids import FAMILY_IDS

__all__ = ["FAMILY_MODULES", "all_families", "family_ids", "get_family", "families_for", "generate"]

# Each module defines FAMILIES: a list of Family values.
FAMILY_MODULES = ("module1", "module2")

_registry: dict[str, Family] | None = None


def all_families() -> dict[str, Family]:
    """Every family by id, in registration order (loaded once)."""
    global _registry
    if _registry is None:
        registry: dict[str, Family] = {}
        for name in FAMILY_MODULES:
            module = importlib.import_module(f"{__package__}.families.{name}")
            for family in module.FAMILIES:
                if family.id in registry:
                    raise ValueError(f"variant family {family.id!r} is defined twice")
                registry[family.id] = family
        if tuple(registry) != FAMILY_IDS:
            raise ValueError("variant families and quizzer/variants/ids.py disagree: "
                             f"registered {list(registry)}, listed {list(FAMILY_IDS)}")
        _registry = registry
    return _registry


def family_ids() -> list[str]:
    """Every family id, in registration order, without importing the families."""
    return list(FAMILY_IDS)


def get_family(family_id: str) -> Family:
    try:
        return all_families()[family_id]
    except KeyError:
        raise NotFound(f"No variant family '{family_id}'.", "see `quizzer variant list` for the ids") from None


def families_for(question_id: str) -> list[Family]:
    """Families whose home question is ``question_id``."""
    return [f for f in all_families().values() if f.question_id == question_id]


def generate(family_id: str, seed: int) -> Variant:
    """Build the variant for ``seed``: the same on every run and machine."""
    family = get_family(family_id)
    params = family.sample(rng_for(family_id, seed))
    answer = family.solve(params)
    return Variant(
        family=family.id,
        question_id=family.question_id,
        seed=int(seed),
        params=params,
        prompt=family.prompt(params),
        answer=answer,
        answer_type=family.answer_type,
        tolerance=family.tolerance,
        solution=tuple(family.solution(params, answer)),
        unit=family.unit,
    )
