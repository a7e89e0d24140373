"""The registry of variant families, and generating a variant from a seed.

Every module of ``families/`` (but the private ``_common``) lists its families in
``FAMILIES``; a new family is registered by adding it to that list, and a new
topic module by creating it. The public order, the order of ``quizzer variant
list`` and of ``family_ids()``, is the course's: by question number (Q1 ... Q20),
and within a question in the order its module lists them.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..errors import NotFound
from . import families
from .family import Family, Variant, rng_for

__all__ = ["all_families", "family_ids", "get_family", "families_for", "generate"]

_registry: dict[str, Family] | None = None


def _topic_modules() -> list[str]:
    """The names of the family modules, sorted (so that the order never depends on the file system)."""
    return sorted(m.name for m in pkgutil.iter_modules(families.__path__) if not m.name.startswith("_"))


def _question_number(family: Family) -> int:
    return int(family.question_id.lstrip("Q"))


def _collect() -> dict[str, Family]:
    found: list[Family] = []
    for name in _topic_modules():
        found.extend(importlib.import_module(f"{__package__}.families.{name}").FAMILIES)
    registry: dict[str, Family] = {}
    for family in sorted(found, key=_question_number):  # stable: a module's own order within a question
        if family.id in registry:
            raise ValueError(f"variant family {family.id!r} is defined twice")
        registry[family.id] = family
    return registry


def all_families() -> dict[str, Family]:
    """Every family by id, in the public order (loaded once)."""
    global _registry
    if _registry is None:
        _registry = _collect()
    return _registry


def family_ids() -> list[str]:
    """Every family id, in the public order: what the bank checks its questions' variants against.

    Cheap enough for a quiz's start-up: the family modules import NumPy only
    when a variant is generated (see ``families/_common.py``)."""
    return list(all_families())


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
