"""The rows a report is made from: plain values, already aggregated by the store.

``report_queries`` fills them from SQL; ``quizzer.reports`` turns them into
pages without importing SQLAlchemy. Row types are named tuples: a class report
makes a few hundred thousand of them, and a tuple is several times quicker to
make than a frozen dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

__all__ = ["Scope", "QuestionRow", "FamilyRow", "CriterionRow", "MisconceptionRow", "SessionRow", "TotalsRow",
           "CardRow", "ModeratedRow", "StudentData"]


@dataclass(frozen=True)
class Scope:
    """Which responses a report reads: one student's, everybody's, or some sessions'.

    ``users`` narrows any of them to the students with ids from its first to its
    last (inclusive): the slice of a class one worker process reads for itself."""

    user_id: int | None = None
    session_ids: tuple[int, ...] | None = None
    users: tuple[int, int] | None = None


class QuestionRow(NamedTuple):
    """A student's answers to one question: the short answer, or all its numeric variants."""

    question_id: str
    numeric: bool
    answers: int
    best: float  # fractions of the marks, 0-1
    latest: float
    # the latest three answers, newest first: (time, response id, fraction); the
    # time as the database gives it (text on SQLite), which is enough to order by
    recent: tuple[tuple[Any, int, float], ...]
    score: float  # marks earned over all answers, and out of
    max: float
    seconds: float
    first: Any  # as the database gives it, like ``recent``
    latest_id: int = 0


class FamilyRow(NamedTuple):
    family: str
    question_id: str
    answers: int
    right: int
    partly: int
    wrong: int
    score: float
    max: float


class CriterionRow(NamedTuple):
    question_id: str
    criterion_id: str
    marked: int
    missed: int  # answers that earned less than the criterion's marks
    awarded: float
    max: float


class MisconceptionRow(NamedTuple):
    question_id: str
    criterion_id: str
    text: str  # the bank's phrase
    times: int  # how often it was written (not `count`, which is tuple's method)
    last_seen: datetime
    words: str  # the student's own words, most recently


class SessionRow(NamedTuple):
    session_id: int
    kind: str
    mode: str
    title: str
    started_at: datetime
    answers: int
    score: float
    max: float
    seconds: float


class TotalsRow(NamedTuple):
    answers: int
    sessions: int
    score: float
    max: float
    seconds: float
    first: datetime | None
    last: datetime | None


class CardRow(NamedTuple):
    question_id: str
    due: datetime
    reviews: int
    stability: float | None
    last_review: datetime | None


class ModeratedRow(NamedTuple):
    """An answer whose mark a teacher set (the override in force on it)."""

    response_id: int
    question_id: str
    session_id: int
    kind: str  # of the session: quiz or exam
    title: str
    score: float  # the teacher's mark
    max: float
    scorer_score: float  # what the scorer had given
    comment: str
    moderated_at: datetime


@dataclass
class StudentData:
    """Everything a student's report is made from, already aggregated."""

    user_id: int
    name: str
    totals: TotalsRow | None = None
    questions: list[QuestionRow] = field(default_factory=list)
    families: list[FamilyRow] = field(default_factory=list)
    criteria: list[CriterionRow] = field(default_factory=list)
    misconceptions: list[MisconceptionRow] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)
    cards: list[CardRow] = field(default_factory=list)
    answers: dict[int, str] = field(default_factory=dict)  # latest short answers' texts, by response id
    moderated: list[ModeratedRow] = field(default_factory=list)  # answers a teacher marked, oldest first
    scoped: bool = False  # read from some sessions only (an exam), not from all practice
