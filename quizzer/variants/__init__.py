"""Numeric variants: fresh numbers for every attempt, solved with NumPy."""

from .family import ANSWER_TYPES, Family, Mistake, Tolerance, Variant, rng_for
from .registry import all_families, families_for, family_ids, generate, get_family

__all__ = [
    "ANSWER_TYPES", "Family", "Mistake", "Tolerance", "Variant", "rng_for",
    "all_families", "families_for", "family_ids", "generate", "get_family",
]
