"""Mastery from a student's answers: per question, per topic, per module.

A question's mastery is the mean fraction of marks over its latest three
answers, so old mistakes stop counting once they are fixed. A topic's (or a
module's) mastery is the mean over all its questions, with questions never
answered counting as 0: a topic is mastered when all of it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from .bank import Bank

__all__ = ["question_mastery", "group_mastery", "RECENT"]

RECENT = 3


def question_mastery(responses: Iterable) -> dict[str, float]:
    """``responses`` each with question_id, score, max_score, created_at and id; taken
    in the order they were given (by time, then id: the answers of one graded exam
    share a time, and an exam may be graded after later practice was recorded)."""
    recent: dict[str, list[float]] = defaultdict(list)
    for r in sorted(responses, key=lambda r: (r.created_at, r.id)):
        if r.max_score > 0:
            recent[r.question_id].append(r.score / r.max_score)
    return {qid: sum(v[-RECENT:]) / len(v[-RECENT:]) for qid, v in recent.items()}


def group_mastery(bank: Bank, mastery: Mapping[str, float], by: str = "topic") -> dict[str, float]:
    """Mastery per topic (``by="topic"``) or per module (``by="module"``)."""
    groups: dict[str, list[float]] = defaultdict(list)
    for q in bank:
        keys = q.topics if by == "topic" else ([f"module {q.module}"] if q.module else [])
        for key in keys:
            groups[key].append(mastery.get(q.id, 0.0))
    return {key: round(sum(v) / len(v), 4) for key, v in sorted(groups.items())}
