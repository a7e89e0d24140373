"""Questions as JSON-ready dicts: the shapes behind ``bank list/show --json``.

These shapes are a public contract (documented in the README): add keys if you
must, never rename or remove one.
"""

from __future__ import annotations

from typing import Any

from .model import Question, Sample

__all__ = ["number", "question_summary", "question_detail"]


def number(value: float) -> int | float:
    """Marks as people write them: 2, not 2.0; 1.5 stays 1.5."""
    return int(value) if float(value).is_integer() else value


def _sample(s: Sample) -> dict[str, Any]:
    """A sample as the bank holds it; a moderated one's marks per criterion and note
    only where it has them, so an author's sample reads as it always has."""
    out: dict[str, Any] = {"text": s.text, "score": number(s.score), "kind": s.kind}
    if s.criteria:
        out["criteria"] = {cid: number(mark) for cid, mark in s.criteria}
    if s.note:
        out["note"] = s.note
    return out


def question_summary(q: Question) -> dict[str, Any]:
    return {
        "id": q.id,
        "module": q.module,
        "title": q.title,
        "topics": list(q.topics),
        "marks": number(q.marks),
        "prompt": q.prompt,
        "rubric": [{"id": c.id, "marks": number(c.marks), "description": c.description} for c in q.rubric],
        "variants": list(q.variants),
        "reference_only": q.reference_only,
        "content_hash": q.content_hash,
    }


def question_detail(q: Question) -> dict[str, Any]:
    detail = question_summary(q)
    detail["model_answer"] = q.model_answer
    detail["model_answers"] = list(q.model_answers)
    detail["roles"] = {name: list(words) for name, words in q.roles}
    if q.role_groups:
        detail["role_groups"] = [list(group) for group in q.role_groups]
    detail["rubric"] = [
        {
            "id": c.id,
            "marks": number(c.marks),
            "description": c.description,
            "need": c.need,
            "concepts": [list(alternatives) for alternatives in c.concepts],
            "about": [c.role_of(i) for i in range(len(c.concepts))],
            # with several comparisons: per concept, the criterion's role it must also be said of
            **({"also_about": [c.also_about if c.role_of(i) != c.also_about else None
                               for i in range(len(c.concepts))]} if q.role_groups else {}),
            "misconceptions": list(c.misconceptions),
        }
        for c in q.rubric
    ]
    e = q.explanation
    detail["explanation"] = {
        "key_idea": e.key_idea,
        "analogy": e.analogy,
        "mathematics": e.mathematics,
        "pitfall": e.pitfall,
        "connections": list(e.connections),
    }
    detail["samples"] = [_sample(s) for s in q.samples]
    detail["source"] = str(q.source) if q.source else None
    return detail
