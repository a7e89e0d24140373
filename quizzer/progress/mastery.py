"""Mastery from a student's answers: per question, per topic, per module.

A question's mastery is the mean fraction of marks over its latest three
answers, so old mistakes stop counting once they are fixed. A topic's (or a
module's) mastery is the mean over all its questions, with questions never
answered counting as 0: a topic is mastered when all of it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from ..bank import Bank, Question

__all__ = ["question_mastery", "group_mastery", "RECENT", "latest_answers", "mean_fraction", "mean_mastery",
           "questions_by"]

RECENT = 3

Answer = TypeVar("Answer", bound=Sequence[Any])  # (time, response id, fraction of the marks, ...)


def latest_answers(answers: Iterable[Answer]) -> list[Answer]:
    """The answers a question's mastery averages: its latest ``RECENT``, oldest first.

    Each answer starts ``(time, response id, fraction of the marks)``. They are
    taken in the order they were given, by time and then by id: the answers of one
    graded exam share a time, and an exam may be graded after later practice was
    recorded.
    """
    return sorted(answers, key=lambda a: (a[0], a[1]))[-RECENT:]


def mean_fraction(answers: Sequence[Answer]) -> float:
    """The mean fraction of the marks over ``answers`` (from ``latest_answers``)."""
    return sum(a[2] for a in answers) / len(answers)


def question_mastery(responses: Iterable) -> dict[str, float]:
    """Mastery per question answered, from ``responses`` each with question_id, score,
    max_score, created_at and id; answers worth no marks do not count."""
    answers: dict[str, list[tuple[Any, int, float]]] = defaultdict(list)
    for r in responses:
        if r.max_score > 0:
            answers[r.question_id].append((r.created_at, r.id, r.score / r.max_score))
    return {qid: mean_fraction(latest_answers(found)) for qid, found in answers.items()}


def questions_by(bank: Bank, by: str = "topic") -> dict[str, list[Question]]:
    """The bank's questions per topic (``by="topic"``) or per module (``by="module"``,
    keyed ``"module 1"``), in bank order; a question without a module is in no module."""
    groups: dict[str, list[Question]] = defaultdict(list)
    for q in bank:
        keys = q.topics if by == "topic" else ([f"module {q.module}"] if q.module else [])
        for key in keys:
            groups[key].append(q)
    return dict(groups)


def mean_mastery(questions: Sequence[Question], mastery: Mapping[str, float]) -> float:
    """A group's mastery: the mean over its questions, a question never answered counting 0."""
    return sum(mastery.get(q.id, 0.0) for q in questions) / len(questions) if questions else 0.0


def group_mastery(bank: Bank, mastery: Mapping[str, float], by: str = "topic") -> dict[str, float]:
    """Mastery per topic or per module, sorted by name and rounded to four places:
    the figures ``quizzer stats`` prints, and that the weak mode compares (topics
    equal but for float noise then tie)."""
    return {key: round(mean_mastery(qs, mastery), 4) for key, qs in sorted(questions_by(bank, by).items())}
