"""Putting finished sessions in place of earlier ones, many students at once.

Grading an exam stores one session per student, and grading it again replaces
each student's earlier session of that exam. Doing that a student at a time
costs a dozen statements per student (find the old session, delete it, insert
the new one, then its answers, then their criteria); a class of 2,000 then
spends most of its grading time in the store. Here a whole chunk of students
takes a handful of statements: the chunk's earlier sessions are found with one
query per exam title, deleted with one statement per 500 (the answers, their criteria
and overrides go with them by the foreign keys' ON DELETE CASCADE), and the new
sessions, answers and criteria are each inserted as one multi-row INSERT whose
RETURNING gives the new ids back in the order they were given. They are Core
inserts into the tables, not the ORM's bulk insert: that one starts a new
statement whenever a row's set of non-empty columns differs from the row before
(a numeric answer after a free-text one), which made 250 statements of each chunk
of 50 students. The new rows go
in before the old ones go out: SQLite gives a new row the largest id plus one,
so deleting first would hand the old answers' ids to the new ones, and a
moderation sheet exported before the regrading would then name other answers.

A teacher's override on an answer that is the same in the new grading (same
student, item and words) is carried onto the new answer: grading again never
undoes moderation. Those are few, so they take the ORM's path one by one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from . import overrides
from .bulk import chunks
from .models import CriterionResult, QuizSession, Response, criterion_values
from .records import Replacement, SessionInfo

__all__ = ["replace_sessions"]

CHUNK = 500  # ids per IN (...) list


def _previous(db: Session, replacements: list[Replacement], user_ids: dict[str, int]) -> list[int]:
    """The ids of the sessions these replacements take the place of."""
    wanted: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in replacements:
        wanted[(r.kind, r.title)].append(user_ids[r.user])
    found: list[int] = []
    for (kind, title), users in wanted.items():
        for part in chunks(sorted(set(users)), CHUNK):
            found += db.scalars(select(QuizSession.id).where(
                QuizSession.kind == kind, QuizSession.title == title, QuizSession.user_id.in_(part)))
    return found


def _insert_sessions(db: Session, replacements: list[Replacement], user_ids: dict[str, int],
                     now: datetime) -> list[int]:
    rows = [{"user_id": user_ids[r.user], "kind": r.kind, "mode": r.mode, "seed": r.seed, "title": r.title,
             "settings": r.settings, "plan": r.plan, "started_at": now, "ended_at": now} for r in replacements]
    return _inserted_ids(db, cast(Table, QuizSession.__table__), rows)


def _insert_responses(db: Session, replacements: list[Replacement], session_ids: list[int],
                      user_ids: dict[str, int], now: datetime) -> list[tuple[int, int, Replacement, int]]:
    """Every new answer inserted; (response id, user id, replacement, index in it) each."""
    rows, where = [], []
    for r, session_id in zip(replacements, session_ids, strict=True):
        user_id = user_ids[r.user]
        for index, answer in enumerate(r.responses):
            rows.append({**answer.__dict__, "session_id": session_id, "user_id": user_id, "created_at": now})
            where.append((user_id, r, index))
    if not rows:
        return []
    return [(response_id, user_id, r, index)
            for response_id, (user_id, r, index) in zip(_inserted_ids(db, cast(Table, Response.__table__), rows), where,
                                                        strict=True)]


def _inserted_ids(db: Session, table: Table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` and return their new ids, in order.

    PostgreSQL returns them from one multi-row ``INSERT ... RETURNING``. SQLite
    cannot promise the order of RETURNING rows, so SQLAlchemy sends it one
    statement per row (18,000 for an exam of 2,000 students); instead the ids are
    given here: the write transaction holds SQLite's only write lock, and an id
    table without AUTOINCREMENT gives a new row the largest id plus one, which is
    what these are."""
    if db.get_bind().dialect.name != "sqlite":
        returned = db.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        return list(returned.scalars())
    first = (db.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    ids = list(range(first, first + len(rows)))
    db.execute(insert(table), [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
    return ids


def _insert_criteria(db: Session, added: list[tuple[int, int, Replacement, int]]) -> None:
    rows = [values for response_id, user_id, r, index in added
            for values in criterion_values(response_id, user_id, r.responses[index].question_id,
                                           r.responses[index].criteria)]
    if rows:
        db.execute(insert(cast(Table, CriterionResult.__table__)), rows)


def replace_sessions(db: Session, replacements: list[Replacement], user_ids: dict[str, int],
                     now: datetime) -> list[SessionInfo]:
    """Delete the students' earlier sessions of each replacement's kind and title
    and insert the new ones, in the caller's transaction; the summaries are the
    caller's to rebuild. Returns the new sessions, in the order given."""
    previous = _previous(db, replacements, user_ids)
    kept = {}
    for part in chunks(previous, CHUNK):
        kept.update(overrides.carried(db, part))
    session_ids = _insert_sessions(db, replacements, user_ids, now)
    added = _insert_responses(db, replacements, session_ids, user_ids, now)
    _insert_criteria(db, added)
    for part in chunks(previous, CHUNK):  # after the inserts, so that no new row takes an old row's id
        db.execute(delete(QuizSession).where(QuizSession.id.in_(part)))
    for response_id, user_id, r, index in added:
        answer = r.responses[index]
        override = kept.get((user_id, answer.position, answer.question_id, answer.answer))
        if override is not None:
            row = db.get(Response, response_id)
            assert row is not None, "inserted in this transaction"
            overrides.reapply(db, row, override)
    return [SessionInfo(session_id, r.user, r.kind, r.mode, r.seed, r.title, dict(r.settings), list(r.plan),
                        now, now, len(r.responses))
            for r, session_id in zip(replacements, session_ids, strict=True)]
