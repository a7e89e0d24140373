"""The SQL behind the reports: every count, mean and latest answer is aggregated
by the database, grouped per student, so a class of a thousand students with a
million answers is read as a few tens of thousands of summary rows.

Each query takes a ``Scope``: one student, everyone, or the sessions of one exam.
The results are plain rows grouped by user id; nothing here knows about HTML.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from ..progress import RECENT
from ..store.models import CriterionResult, QuizSession, Response, ReviewState, User

__all__ = ["Scope", "QuestionRow", "FamilyRow", "CriterionRow", "MisconceptionRow", "SessionRow",
           "TotalsRow", "CardRow", "StudentData", "fetch", "exam_sessions"]

R, S, C = Response.__table__, QuizSession.__table__, CriterionResult.__table__


@dataclass(frozen=True)
class Scope:
    """Which responses a report reads: one student's, everybody's, or some sessions'."""

    user_id: int | None = None
    session_ids: tuple[int, ...] | None = None

    def responses(self, table=R):
        clauses = []
        if self.user_id is not None:
            clauses.append(table.c.user_id == self.user_id)
        if self.session_ids is not None:
            clauses.append(table.c.session_id.in_(self.session_ids))
        return and_(True, *clauses)


@dataclass(frozen=True)
class QuestionRow:
    question_id: str
    numeric: bool
    answers: int
    best: float  # fractions of the marks, 0-1
    latest: float
    recent: float  # mean over the latest three answers of this kind
    score: float  # marks earned over all answers, and out of
    max: float
    seconds: float
    latest_id: int = 0
    latest_answer: str = ""
    # of the latest three answers to the question of either kind, those of this kind:
    # their sum and number (the question's mastery, as ``quizzer stats`` has it)
    mastery_sum: float = 0.0
    mastery_count: int = 0


@dataclass(frozen=True)
class FamilyRow:
    family: str
    question_id: str
    answers: int
    right: int
    partly: int
    wrong: int
    score: float
    max: float


@dataclass(frozen=True)
class CriterionRow:
    question_id: str
    criterion_id: str
    marked: int
    missed: int  # answers that earned less than the criterion's marks
    awarded: float
    max: float


@dataclass(frozen=True)
class MisconceptionRow:
    question_id: str
    criterion_id: str
    text: str
    count: int
    last_seen: datetime


@dataclass(frozen=True)
class SessionRow:
    session_id: int
    kind: str
    mode: str
    title: str
    started_at: datetime
    answers: int
    score: float
    max: float
    seconds: float


@dataclass(frozen=True)
class TotalsRow:
    answers: int
    sessions: int
    score: float
    max: float
    seconds: float
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class CardRow:
    question_id: str
    card: dict[str, Any]
    due: datetime
    reviews: int


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


def _utc(value) -> datetime | None:
    """Aggregates of a time column come back as aware datetimes on PostgreSQL and
    may come back naive (or as text) on SQLite; the store keeps UTC either way."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _question_rows(db: Connection, scope: Scope):
    numeric = case((R.c.family.is_(None), 0), else_=1).label("numeric")
    fraction = (R.c.score / R.c.max_score).label("fraction")
    ranked = (
        select(R.c.id, R.c.user_id, R.c.question_id, numeric, fraction, R.c.score, R.c.max_score, R.c.seconds,
               func.row_number().over(partition_by=(R.c.user_id, R.c.question_id, numeric),
                                      order_by=(R.c.created_at.desc(), R.c.id.desc())).label("rank"),
               func.row_number().over(partition_by=(R.c.user_id, R.c.question_id),
                                      order_by=(R.c.created_at.desc(), R.c.id.desc())).label("overall"))
        .where(scope.responses(), R.c.max_score > 0)
        .subquery()
    )
    q = ranked.c
    query = (
        select(q.user_id, q.question_id, q.numeric, func.count(), func.max(q.fraction),
               func.max(case((q.rank == 1, q.fraction))), func.avg(case((q.rank <= 3, q.fraction))),
               func.sum(q.score), func.sum(q.max_score), func.sum(q.seconds), func.max(case((q.rank == 1, q.id))),
               func.sum(case((q.overall <= RECENT, q.fraction), else_=0.0)),
               func.sum(case((q.overall <= RECENT, 1), else_=0)))
        .group_by(q.user_id, q.question_id, q.numeric)
    )
    rows = [(user, QuestionRow(qid, bool(is_numeric), n, float(best), float(latest), float(recent), float(score),
                               float(top), float(seconds or 0), latest_id, "", float(m_sum), int(m_count)))
            for user, qid, is_numeric, n, best, latest, recent, score, top, seconds, latest_id, m_sum, m_count
            in db.execute(query)]
    answers = _answers(db, [row.latest_id for _, row in rows])
    for user, row in rows:
        yield user, replace(row, latest_answer=answers.get(row.latest_id, ""))


def _answers(db: Connection, ids: list[int], chunk: int = 5_000) -> dict[int, str]:
    """The answer texts of the given responses (looked up by primary key, so the
    window above need not carry every answer's text through its sort)."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        found.update(db.execute(select(R.c.id, R.c.answer).where(R.c.id.in_(part))).all())
    return found


def _family_rows(db: Connection, scope: Scope):
    right = func.sum(case((R.c.score >= R.c.max_score, 1), else_=0))
    wrong = func.sum(case((R.c.score <= 0, 1), else_=0))
    query = (select(R.c.user_id, R.c.family, R.c.question_id, func.count(), right, wrong, func.sum(R.c.score),
                    func.sum(R.c.max_score))
             .where(scope.responses(), R.c.family.is_not(None))
             .group_by(R.c.user_id, R.c.family, R.c.question_id))
    for user, family, qid, n, ok, bad, score, top in db.execute(query):
        yield user, FamilyRow(family, qid, n, int(ok), n - int(ok) - int(bad), int(bad), float(score), float(top))


def _criterion_scope(scope: Scope):
    """Criterion rows carry the user; a session scope needs their responses."""
    clauses = []
    if scope.user_id is not None:
        clauses.append(C.c.user_id == scope.user_id)
    if scope.session_ids is not None:
        clauses.append(C.c.response_id.in_(select(R.c.id).where(R.c.session_id.in_(scope.session_ids))))
    return and_(True, *clauses)


def _criterion_rows(db: Connection, scope: Scope):
    missed = func.sum(case((C.c.awarded < C.c.max_marks, 1), else_=0))
    query = (select(C.c.user_id, C.c.question_id, C.c.criterion_id, func.count(), missed,
                    func.sum(C.c.awarded), func.sum(C.c.max_marks))
             .where(_criterion_scope(scope))
             .group_by(C.c.user_id, C.c.question_id, C.c.criterion_id))
    for user, qid, cid, n, miss, awarded, top in db.execute(query):
        yield user, CriterionRow(qid, cid, n, int(miss), float(awarded), float(top))


def _misconception_rows(db: Connection, scope: Scope):
    last_seen = func.max(R.c.created_at)
    query = (select(C.c.user_id, C.c.question_id, C.c.criterion_id, C.c.misconception, func.count(), last_seen)
             .join(R, R.c.id == C.c.response_id)
             .where(_criterion_scope(scope), C.c.misconception.is_not(None))
             .group_by(C.c.user_id, C.c.question_id, C.c.criterion_id, C.c.misconception))
    for user, qid, cid, text, n, seen in db.execute(query):
        yield user, MisconceptionRow(qid, cid, text, n, _utc(seen))


def _session_rows(db: Connection, scope: Scope):
    query = (select(R.c.user_id, S.c.id, S.c.kind, S.c.mode, S.c.title, S.c.started_at, func.count(),
                    func.sum(R.c.score), func.sum(R.c.max_score), func.sum(R.c.seconds))
             .join(S, S.c.id == R.c.session_id)
             .where(scope.responses())
             .group_by(R.c.user_id, S.c.id, S.c.kind, S.c.mode, S.c.title, S.c.started_at)
             .order_by(S.c.started_at, S.c.id))
    for user, sid, kind, mode, title, started, n, score, top, seconds in db.execute(query):
        yield user, SessionRow(sid, kind, mode, title or "", _utc(started), n, float(score), float(top),
                               float(seconds or 0))


def _totals(db: Connection, scope: Scope):
    query = (select(R.c.user_id, func.count(), func.count(R.c.session_id.distinct()), func.sum(R.c.score),
                    func.sum(R.c.max_score), func.sum(R.c.seconds), func.min(R.c.created_at),
                    func.max(R.c.created_at))
             .where(scope.responses())
             .group_by(R.c.user_id))
    for user, n, sessions, score, top, seconds, first, last in db.execute(query):
        yield user, TotalsRow(n, sessions, float(score or 0), float(top or 0), float(seconds or 0),
                              _utc(first), _utc(last))


def _cards(db: Connection, scope: Scope):
    T = ReviewState.__table__
    query = select(T.c.user_id, T.c.question_id, T.c.card, T.c.due, T.c.reviews)
    if scope.user_id is not None:
        query = query.where(T.c.user_id == scope.user_id)
    for user, qid, card, due, reviews in db.execute(query):
        yield user, CardRow(qid, card if isinstance(card, dict) else {}, _utc(due), reviews)


def fetch(db: Connection, scope: Scope) -> dict[int, StudentData]:
    """Every student in ``scope`` with their aggregated data, by user id."""
    users = select(User.__table__.c.id, User.__table__.c.name)
    if scope.user_id is not None:
        users = users.where(User.__table__.c.id == scope.user_id)
    elif scope.session_ids is not None:
        users = users.where(User.__table__.c.id.in_(
            select(S.c.user_id).where(S.c.id.in_(scope.session_ids))))
    data = {uid: StudentData(uid, name) for uid, name in db.execute(users)}
    grouped: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for name, rows in (("questions", _question_rows), ("families", _family_rows), ("criteria", _criterion_rows),
                       ("misconceptions", _misconception_rows), ("sessions", _session_rows)):
        for user, row in rows(db, scope):
            grouped[name][user].append(row)
    totals = dict(_totals(db, scope))
    cards = defaultdict(list)
    if scope.session_ids is None:  # review cards describe practice over time, not one exam
        for user, row in _cards(db, scope):
            cards[user].append(row)
    for uid, student in data.items():
        student.totals = totals.get(uid)
        for name in grouped:
            setattr(student, name, grouped[name].get(uid, []))
        student.cards = cards.get(uid, [])
    return data


def exam_sessions(db: Connection, session_id: int) -> tuple[str, tuple[int, ...]] | None:
    """The sessions a class report of ``session_id`` covers, and a title for it.

    A printed exam is graded into one session per student, all with the exam's
    title: naming any of them reports on the whole exam. A quiz session stands
    alone. ``None`` when there is no such session.
    """
    row = db.execute(select(S.c.kind, S.c.title, S.c.mode).where(S.c.id == session_id)).first()
    if row is None:
        return None
    kind, title, mode = row
    if kind == "exam" and title:
        ids = tuple(i for (i,) in db.execute(select(S.c.id).where(S.c.kind == "exam", S.c.title == title)
                                             .order_by(S.c.id)))
        return f"exam {title}", ids
    return f"{mode} session {session_id}", (session_id,)
