"""Running summaries of each student's answers, so reports never re-read history.

A class report over a million answers cannot afford to group and sort them all:
on SQLite that alone takes over ten seconds. So, as each answer is recorded, the
store adds it to small per-student tables in the same transaction (one row per
student and question for the short answer, per numeric family, and for all the
question's numeric families together; per rubric criterion; per misconception;
running totals on the session). Reports then read tens of thousands of rows.

``record`` is the incremental step, an ``INSERT ... ON CONFLICT DO UPDATE`` per
table, so two processes answering at once cannot lose a count. ``rebuild``
recomputes the summaries from the responses with plain SQL aggregation: the
migration and bulk loads use it for everything, regrading for the answers it
changed, and the tests to check that the two always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, literal, literal_column, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite

from .models import (
    CriterionProgress,
    CriterionResult,
    MisconceptionCount,
    QuestionProgress,
    QuizSession,
    Response,
    User,
    misconception_parts,
    table_of,
)

__all__ = ["record", "rebuild", "lock_users", "ALL_FAMILIES", "question_summary", "criterion_summary",
           "misconception_summary", "QUESTION_COLUMNS", "CRITERION_COLUMNS", "MISCONCEPTION_COLUMNS"]

QP, CP, MC = table_of(QuestionProgress), table_of(CriterionProgress), table_of(MisconceptionCount)
R, C, S, U = table_of(Response), table_of(CriterionResult), table_of(QuizSession), table_of(User)


def _insert(connection: Connection, table):
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"progress summaries need SQLite or PostgreSQL, not {dialect}")


def _larger(a, b):
    return case((b > a, b), else_=a)


def record(connection: Connection, *, response_id: int, user_id: int, session_id: int, question_id: str,
           family: str | None, score: float, max_score: float, seconds: float, now: datetime,
           criteria: Iterable[dict[str, Any]]) -> None:
    """Add one recorded answer to the summaries (in the caller's transaction)."""
    connection.execute(update(S).where(S.c.id == session_id).values(
        answers=S.c.answers + 1, score=S.c.score + score, max_score=S.c.max_score + max_score,
        seconds=S.c.seconds + seconds))
    keys = (family, ALL_FAMILIES) if family else ("",)  # a numeric answer counts for its family and in total
    if max_score > 0 and not _newest(connection, user_id, question_id, keys, now, response_id):
        # recorded after a later answer (an exam graded while the student practised):
        # the running rows assume time order, so this pair is recomputed instead
        rebuild(connection, user_id=user_id, question_id=question_id)
        return
    if max_score > 0:
        fraction = score / max_score
        for key in keys:
            new = dict(user_id=user_id, question_id=question_id, family=key, answers=1,
                       full=int(score >= max_score), zero=int(score <= 0), score=score, max_score=max_score,
                       seconds=seconds, best=fraction, latest_id=response_id, first_at=now, r1=fraction, t1=now,
                       r2=None, t2=None, r3=None, t3=None, i2=None, i3=None)
            insert = _insert(connection, QP).values(**new)
            x = insert.excluded
            connection.execute(insert.on_conflict_do_update(
                index_elements=[QP.c.user_id, QP.c.question_id, QP.c.family],
                set_=dict(answers=QP.c.answers + 1, full=QP.c.full + x.full, zero=QP.c.zero + x.zero,
                          score=QP.c.score + x.score, max_score=QP.c.max_score + x.max_score,
                          seconds=QP.c.seconds + x.seconds, best=_larger(QP.c.best, x.best),
                          latest_id=x.latest_id, r3=QP.c.r2, t3=QP.c.t2, i3=QP.c.i2, r2=QP.c.r1, t2=QP.c.t1,
                          i2=QP.c.latest_id, r1=x.r1, t1=x.t1)))
    for c in criteria:
        awarded, top = float(c.get("awarded", 0)), float(c.get("max", 0))
        insert = _insert(connection, CP).values(
            user_id=user_id, question_id=question_id, criterion_id=str(c.get("id", "")), marked=1,
            missed=int(awarded < top), awarded=awarded, max_marks=top)
        x = insert.excluded
        connection.execute(insert.on_conflict_do_update(
            index_elements=[CP.c.user_id, CP.c.question_id, CP.c.criterion_id],
            set_=dict(marked=CP.c.marked + 1, missed=CP.c.missed + x.missed, awarded=CP.c.awarded + x.awarded,
                      max_marks=CP.c.max_marks + x.max_marks)))
        if c.get("misconception"):
            phrase, words = misconception_parts(c["misconception"])
            insert = _insert(connection, MC).values(
                user_id=user_id, question_id=question_id, criterion_id=str(c.get("id", "")), phrase=phrase,
                count=1, last_seen=now, words=words)
            x = insert.excluded
            connection.execute(insert.on_conflict_do_update(
                index_elements=[MC.c.user_id, MC.c.question_id, MC.c.criterion_id, MC.c.phrase],
                set_=dict(count=MC.c.count + 1, last_seen=x.last_seen, words=x.words)))


def _newest(connection: Connection, user_id: int, question_id: str, keys, now: datetime, response_id: int) -> bool:
    """Whether the answer being recorded comes after every answer already summarised
    (by time, then id). The rows are locked on PostgreSQL, so two writers for the
    same student and question take turns; SQLite's writers always do."""
    rows = connection.execute(select(QP.c.t1, QP.c.latest_id).where(
        QP.c.user_id == user_id, QP.c.question_id == question_id, QP.c.family.in_(keys)).with_for_update()).all()
    return all((now, response_id) > (t1, latest) for t1, latest in rows)


def lock_users(connection: Connection, user_ids: Iterable[int]) -> None:
    """Take the rebuild lock of these students, in id order, for the transaction.

    One rebuild of a student's rows at a time: two at once (two teachers marking the
    same student, an exam graded meanwhile) would each delete the rows, and the
    second's insert would meet the first's new rows on PostgreSQL. NO KEY UPDATE
    leaves the user row free for the answers that refer to it. Taking them in id
    order means two transactions that lock several students cannot deadlock.
    SQLite has one writer at a time and no row locks: nothing is sent there. The
    caller keeps the list within the bound-parameter limit (``bulk.chunks``)."""
    ids = sorted(set(user_ids))
    if ids and connection.dialect.name != "sqlite":
        connection.execute(select(U.c.id).where(U.c.id.in_(ids)).order_by(U.c.id).with_for_update(key_share=True))


def rebuild(connection: Connection, user_id: int | None = None, question_id: str | None = None,
            user_ids: Iterable[int] | None = None) -> None:
    """Recompute the summaries from the responses: all of them, or one student's
    (or several students', ``user_ids``: a regrade's batch), or one question's, or
    those students' on one question."""
    chosen = sorted(set(user_ids)) if user_ids is not None else None

    def scoped(table):
        clauses = []
        if user_id is not None:
            clauses.append(table.c.user_id == user_id)
        if chosen is not None:
            clauses.append(table.c.user_id.in_(chosen))
        if question_id is not None:
            clauses.append(table.c.question_id == question_id)
        return and_(True, *clauses)

    lock_users(connection, [user_id] if user_id is not None else chosen or ())
    for table in (QP, CP, MC):
        connection.execute(delete(table).where(scoped(table)))
    _rebuild_questions(connection, scoped(R))
    _rebuild_criteria(connection, scoped(C))
    _rebuild_sessions(connection, scoped(R))


ALL_FAMILIES = "*"  # the family key of a question's numeric answers taken together
QUESTION_COLUMNS = ["user_id", "question_id", "family", "answers", "full", "zero", "score", "max_score", "seconds",
                    "best", "latest_id", "first_at", "r1", "t1", "r2", "t2", "r3", "t3", "i2", "i3"]
CRITERION_COLUMNS = ["user_id", "question_id", "criterion_id", "marked", "missed", "awarded", "max_marks"]
MISCONCEPTION_COLUMNS = ["user_id", "question_id", "criterion_id", "phrase", "count", "last_seen", "words"]


def question_summary(where):
    """A select of ``question_progress``'s columns computed from the responses matching ``where``:
    a row per student and question for the short answer (family ""), per numeric
    family, and for all the question's numeric families together (``ALL_FAMILIES``)."""
    return union_all(_question_summary(where, func.coalesce(R.c.family, "")),
                     _question_summary(and_(where, R.c.family.is_not(None), R.c.family != ""),
                                       literal_column(f"'{ALL_FAMILIES}'")))


def _question_summary(where, family):
    ranked = select(
        R.c.user_id, R.c.question_id, family.label("family"), R.c.id, R.c.score, R.c.max_score, R.c.seconds,
        R.c.created_at, (R.c.score / R.c.max_score).label("fraction"),
        func.row_number().over(partition_by=(R.c.user_id, R.c.question_id, family),
                               order_by=(R.c.created_at.desc(), R.c.id.desc())).label("rank"),
    ).where(where, R.c.max_score > 0).subquery()
    q = ranked.c

    def nth(column, n):
        return func.max(case((q.rank == n, column)))

    summary = select(
        q.user_id, q.question_id, q.family, func.count(), func.sum(case((q.score >= q.max_score, 1), else_=0)),
        func.sum(case((q.score <= 0, 1), else_=0)), func.sum(q.score), func.sum(q.max_score), func.sum(q.seconds),
        func.max(q.fraction), nth(q.id, 1), func.min(q.created_at),
        nth(q.fraction, 1), nth(q.created_at, 1), nth(q.fraction, 2), nth(q.created_at, 2),
        nth(q.fraction, 3), nth(q.created_at, 3), nth(q.id, 2), nth(q.id, 3),
    ).group_by(q.user_id, q.question_id, q.family)
    return summary


def criterion_summary(where):
    """A select of ``criterion_progress``'s columns from the criterion rows matching ``where``."""
    return select(
        C.c.user_id, C.c.question_id, C.c.criterion_id, func.count(),
        func.sum(case((C.c.awarded < C.c.max_marks, 1), else_=0)), func.sum(C.c.awarded), func.sum(C.c.max_marks),
    ).where(where).group_by(C.c.user_id, C.c.question_id, C.c.criterion_id)


def misconception_summary(connection: Connection, where) -> list[dict[str, Any]]:
    """``misconception_counts`` rows from the criterion rows matching ``where``."""
    seen = (select(C.c.user_id, C.c.question_id, C.c.criterion_id, C.c.phrase, C.c.misconception,
                   R.c.created_at, R.c.id)
            .join(R, R.c.id == C.c.response_id)
            .where(where, C.c.phrase.is_not(None))
            .subquery())
    last = (select(seen.c.user_id, seen.c.question_id, seen.c.criterion_id, seen.c.phrase, seen.c.misconception,
                   seen.c.created_at,
                   func.count().over(partition_by=(seen.c.user_id, seen.c.question_id, seen.c.criterion_id,
                                                   seen.c.phrase)).label("count"),
                   func.row_number().over(partition_by=(seen.c.user_id, seen.c.question_id, seen.c.criterion_id,
                                                        seen.c.phrase),
                                          order_by=(seen.c.created_at.desc(), seen.c.id.desc())).label("rank"))
            .subquery())
    rows = connection.execute(select(last.c.user_id, last.c.question_id, last.c.criterion_id, last.c.phrase,
                                     last.c.count, last.c.created_at, last.c.misconception)
                              .where(last.c.rank == 1)).all()
    # the student's words need Python to take apart; there are few of these rows
    return [dict(user_id=u, question_id=q, criterion_id=c, phrase=p, count=n, last_seen=when,
                 words=misconception_parts(text)[1]) for u, q, c, p, n, when, text in rows]


def _rebuild_questions(connection: Connection, where) -> None:
    connection.execute(QP.insert().from_select(QUESTION_COLUMNS, question_summary(where)))


def _rebuild_criteria(connection: Connection, where) -> None:
    connection.execute(CP.insert().from_select(CRITERION_COLUMNS, criterion_summary(where)))
    rows = misconception_summary(connection, where)
    if rows:
        connection.execute(MC.insert(), rows)


def _rebuild_sessions(connection: Connection, where) -> None:
    touched = select(R.c.session_id).where(where).distinct()
    mine = and_(R.c.session_id == S.c.id)
    connection.execute(update(S).where(S.c.id.in_(touched)).values(
        answers=select(func.count()).where(mine).scalar_subquery(),
        score=select(func.coalesce(func.sum(R.c.score), literal(0.0))).where(mine).scalar_subquery(),
        max_score=select(func.coalesce(func.sum(R.c.max_score), literal(0.0))).where(mine).scalar_subquery(),
        seconds=select(func.coalesce(func.sum(R.c.seconds), literal(0.0))).where(mine).scalar_subquery(),
    ))
