"""The SQL behind the reports, grouped per student.

Reports over all practice (one student, or everyone) read the running summaries
the store keeps as answers are recorded (``quizzer/store/summaries.py``): one row
per student and question or family, criterion and misconception, and totals on
each session. So a class of a thousand students with a million answers is read
as a few tens of thousands of rows, and no answer is re-read. A report of some
sessions (an exam) computes the same rows from those sessions' answers with the
same SQL the summaries are rebuilt with. The rows are plain values
(``report_rows``); nothing here knows about HTML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, String, and_, func, select, type_coerce

from . import summaries
from .models import (
    CriterionProgress,
    CriterionResult,
    MisconceptionCount,
    Override,
    QuestionProgress,
    QuizSession,
    Response,
    ReviewState,
    User,
    table_of,
)
from .report_rows import (
    CardRow,
    CriterionRow,
    FamilyRow,
    MisconceptionRow,
    ModeratedRow,
    QuestionRow,
    Scope,
    SessionRow,
    StudentData,
    TotalsRow,
)

__all__ = ["fetch", "students", "attach_sessions", "exam_sessions", "Scope", "StudentData"]

R, S, C = table_of(Response), table_of(QuizSession), table_of(CriterionResult)
QP, CP, MC = table_of(QuestionProgress), table_of(CriterionProgress), table_of(MisconceptionCount)


def _utc(value) -> datetime:
    """Times computed in SQL come back aware from PostgreSQL, and naive or as text
    from SQLite; the store keeps UTC either way."""
    if isinstance(value, str):  # SQLite keeps "2026-11-24 09:30:00.000000"
        return datetime.fromisoformat(value + "+00:00")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _utc_or_none(value) -> datetime | None:
    return None if value is None else _utc(value)


def _raw(column):
    """A time column as the driver hands it over (text on SQLite, a datetime on
    PostgreSQL), parsed by ``_utc``: SQLAlchemy's per-row conversion is the
    slowest part of reading a class's summaries."""
    return type_coerce(column, String).label(column.name)


def _of_users(column, scope: Scope, by_index: bool = True) -> list:
    """The clauses that keep ``column`` (a user id) to the scope's student or slice of students.

    ``by_index=False`` for a table that is better found by something else (the
    answers of an exam's sessions, the few answers a teacher marked): a slice's
    range of ids is then tested on ``user_id + 0``, which no index serves, as
    otherwise SQLite walks the user-id index through half a million answers
    (a second per slice) to find the few thousand the sessions hold."""
    target = column if by_index else column + 0
    clauses = [column == scope.user_id] if scope.user_id is not None else []
    if scope.users is not None:
        clauses.append(target.between(*scope.users))
    return clauses


def _where(table, scope: Scope):
    return and_(True, *_of_users(table.c.user_id, scope))


def _progress_rows(db: Connection, scope: Scope):
    """``question_progress`` rows: stored, or computed from the scope's sessions."""
    if scope.session_ids is None:
        query = select(*(_raw(QP.c[name]) if name in ("first_at", "t1", "t2", "t3") else QP.c[name]
                         for name in summaries.QUESTION_COLUMNS)).where(_where(QP, scope))
    else:
        query = summaries.question_summary(and_(R.c.session_id.in_(scope.session_ids),
                                                *_of_users(R.c.user_id, scope, by_index=False)))
    return db.execute(query).all()


def _question_rows(db: Connection, scope: Scope):
    """Per student: a QuestionRow per question for the short answer and for its
    numeric variants together, and a FamilyRow per numeric family."""
    progress = _progress_rows(db, scope)
    questions, families = [], []
    for row in progress:
        (user, qid, family, count, full, zero, score, top, seconds, best, latest_id, first,
         r1, t1, r2, t2, r3, t3, i2, i3) = row
        if family and family != summaries.ALL_FAMILIES:
            families.append((user, FamilyRow(family, qid, count, full, count - full - zero, zero, score, top)))
            continue
        recent = (((t1, latest_id, r1),) if r2 is None else ((t1, latest_id, r1), (t2, i2, r2)) if r3 is None
                  else ((t1, latest_id, r1), (t2, i2, r2), (t3, i3, r3)))
        numeric = family == summaries.ALL_FAMILIES
        questions.append((user, QuestionRow(qid, numeric, count, best, r1, recent, score, top, seconds or 0.0, first,
                                            latest_id)))
    return questions, families


def _answers(db: Connection, ids: list[int], chunk: int = 5_000) -> dict[int, str]:
    """The answer texts of the given responses, looked up by primary key."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        found.update(db.execute(select(R.c.id, R.c.answer).where(R.c.id.in_(part))).all())
    return found


def _session_criteria(scope: Scope):
    """The criterion rows of the scope's sessions, found through their answers (by
    the sessions' index, then the criteria's index on the answer): the slice's
    students are told by the answers' user ids. Testing the criteria's own user
    ids made PostgreSQL scan every criterion row of the store for each slice
    (0.8 s of a 1-million-answer store's exam report, per worker)."""
    answers = select(R.c.id).where(R.c.session_id.in_(scope.session_ids or ()),
                                   *_of_users(R.c.user_id, scope, by_index=False))
    return C.c.response_id.in_(answers)


def _criterion_rows(db: Connection, scope: Scope):
    if scope.session_ids is None:
        query = select(*(CP.c[name] for name in summaries.CRITERION_COLUMNS)).where(_where(CP, scope))
    else:
        query = summaries.criterion_summary(_session_criteria(scope))
    for user, qid, cid, n, missed, awarded, top in db.execute(query).all():
        yield user, CriterionRow(qid, cid, n, int(missed), float(awarded), float(top))


def _misconception_rows(db: Connection, scope: Scope):
    rows: Sequence[Sequence[Any]]
    if scope.session_ids is None:
        rows = db.execute(select(*(_raw(MC.c[name]) if name == "last_seen" else MC.c[name]
                                   for name in summaries.MISCONCEPTION_COLUMNS)).where(_where(MC, scope))).all()
    else:
        rows = [tuple(r[name] for name in summaries.MISCONCEPTION_COLUMNS)
                for r in summaries.misconception_summary(db, _session_criteria(scope))]
    for user, qid, cid, phrase, n, seen, words in rows:
        yield user, MisconceptionRow(qid, cid, phrase, n, _utc(seen), words)


def _session_rows(db: Connection, scope: Scope):
    query = (select(S.c.user_id, S.c.id, S.c.kind, S.c.mode, S.c.title, _raw(S.c.started_at), S.c.answers, S.c.score,
                    S.c.max_score, S.c.seconds)
             .where(S.c.answers > 0, *_of_users(S.c.user_id, scope)).order_by(S.c.started_at, S.c.id))
    if scope.session_ids is not None:
        query = query.where(S.c.id.in_(scope.session_ids))
    for user, sid, kind, mode, title, started, n, score, top, seconds in db.execute(query).all():
        yield user, SessionRow(sid, kind, mode, title or "", _utc(started), n, float(score), float(top),
                               float(seconds or 0))


def _session_counts(db: Connection, scope: Scope) -> dict[int, int]:
    query = select(S.c.user_id, func.count()).where(S.c.answers > 0, *_of_users(S.c.user_id, scope)).group_by(
        S.c.user_id)
    if scope.session_ids is not None:
        query = query.where(S.c.id.in_(scope.session_ids))
    return dict(db.execute(query).all())


def _totals(questions: list[QuestionRow], sessions: int) -> TotalsRow | None:
    if not questions:
        return None
    return TotalsRow(sum(q.answers for q in questions), sessions, sum(q.score for q in questions),
                     sum(q.max for q in questions), sum(q.seconds for q in questions),
                     _utc(min(q.first for q in questions)), _utc(max(q.recent[0][0] for q in questions)))


def _cards(db: Connection, scope: Scope):
    T = table_of(ReviewState)
    query = select(T.c.user_id, T.c.question_id, _raw(T.c.due), T.c.reviews, T.c.stability,
                   _raw(T.c.last_review)).where(*_of_users(T.c.user_id, scope))
    for user, qid, due, reviews, stability, last in db.execute(query).all():
        yield user, CardRow(qid, _utc(due), reviews, stability, _utc_or_none(last))


def _moderated_rows(db: Connection, scope: Scope):
    """The answers in scope whose mark a teacher set: few, so found from the
    overrides (by their index), not by reading every answer for its override."""
    OV = table_of(Override)
    query = (select(R.c.user_id, R.c.id, R.c.question_id, R.c.session_id, S.c.kind, S.c.title, R.c.score,
                    R.c.max_score, OV.c.scorer_score, OV.c.comment, _raw(OV.c.created_at))
             .select_from(OV).join(R, and_(R.c.id == OV.c.response_id, R.c.override_id == OV.c.id))
             .join(S, S.c.id == R.c.session_id)
             .where(*_of_users(R.c.user_id, scope, by_index=scope.user_id is not None))
             .order_by(OV.c.response_id))  # the same order as the answers', but read from the overrides' index
    if scope.session_ids is not None:
        query = query.where(R.c.session_id.in_(scope.session_ids))
    for user, rid, qid, sid, kind, title, score, top, scorer, comment, when in db.execute(query).all():
        yield user, ModeratedRow(rid, qid, sid, kind, title or "", float(score), float(top), float(scorer),
                                 comment or "", _utc(when))


def fetch(db: Connection, scope: Scope, with_sessions: bool = True) -> dict[int, StudentData]:
    """Every student in ``scope`` with their aggregated data, by user id.

    ``with_sessions=False`` leaves out each session's row (only the score-over-time
    chart needs them, and a class has a hundred thousand); ``attach_sessions``
    adds them later."""
    scoped = scope.session_ids is not None
    data = {uid: StudentData(uid, name, scoped=scoped) for uid, name in students(db, scope)}
    questions, families = _question_rows(db, scope)
    grouped: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for name, rows in (("questions", questions), ("families", families), ("criteria", _criterion_rows(db, scope)),
                       ("misconceptions", _misconception_rows(db, scope))):
        for user, row in rows:
            grouped[name][user].append(row)
    if scope.session_ids is None:  # review cards describe practice over time, not one exam
        for user, row in _cards(db, scope):
            grouped["cards"][user].append(row)
    counts = _session_counts(db, scope)
    for uid, student in data.items():
        for name in ("questions", "families", "criteria", "misconceptions", "cards"):
            setattr(student, name, grouped[name].get(uid, []))
        student.totals = _totals(student.questions, counts.get(uid, 0))
    if with_sessions:
        attach_sessions(db, scope, data)
    return data


def students(db: Connection, scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of every student in ``scope``, by id: who a class report covers."""
    U = table_of(User)
    users = select(U.c.id, U.c.name).where(*_of_users(U.c.id, scope)).order_by(U.c.id)
    if scope.session_ids is not None and scope.user_id is None:
        users = users.where(U.c.id.in_(select(S.c.user_id).where(S.c.id.in_(scope.session_ids))))
    return [(uid, name) for uid, name in db.execute(users)]


def attach_sessions(db: Connection, scope: Scope, data: dict[int, StudentData]) -> None:
    """What only the students' own pages show: every session (for the chart),
    each question's latest short answer, and the marks a teacher set."""
    sessions: dict[int, list[SessionRow]] = defaultdict(list)
    for user, row in _session_rows(db, scope):
        sessions[user].append(row)
    moderated: dict[int, list[ModeratedRow]] = defaultdict(list)
    for user, moderated_row in _moderated_rows(db, scope):
        moderated[user].append(moderated_row)
    answers = _answers(db, [q.latest_id for student in data.values() for q in student.questions if not q.numeric])
    for uid, student in data.items():
        student.sessions = sessions.get(uid, [])
        student.answers = {q.latest_id: answers.get(q.latest_id, "") for q in student.questions if not q.numeric}
        student.moderated = moderated.get(uid, [])


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
