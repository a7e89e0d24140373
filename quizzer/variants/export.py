"""Families and variants as plain JSON-ready dicts: the ``quizzer variant`` contracts."""

from __future__ import annotations

from typing import Any

from .family import Family, Variant

__all__ = ["family_summary", "variant_detail"]


def family_summary(family: Family) -> dict[str, Any]:
    """``{id, question_id, title, answer_type}``, one entry of ``quizzer variant list --json``."""
    return {"id": family.id, "question_id": family.question_id, "title": family.title,
            "answer_type": family.answer_type}


def variant_detail(variant: Variant) -> dict[str, Any]:
    """Everything ``quizzer variant show --json`` prints: enough to re-render and mark it."""
    return {"family": variant.family, "question_id": variant.question_id, "seed": variant.seed,
            "params": variant.params, "prompt": variant.prompt, "answer": variant.answer,
            "tolerance": variant.tolerance.as_dict(), "solution": list(variant.solution)}
