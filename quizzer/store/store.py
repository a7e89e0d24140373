"""The progress store: users, sessions, responses and review cards.

Every method is one short transaction, committed before it returns: an answer is
on disk the moment it has been graded, so a killed quiz loses nothing but the
answer being typed. What must change together changes in one transaction (an
exam graded again replaces a student's session whole, ``replace_session``), and
a database that fails (cannot take a write, is damaged, cannot be reached) says
so as a ``StoreError`` from every public method (``failures``). A write that
PostgreSQL undoes to break a deadlock with another writer is run again
(``_write``), not reported: a quiz and a teacher moderating the same student
meet that way (tests/test_moderation_concurrency.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace as dataclass_replace
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection, and_, delete, false, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import NotFound, QuizzerError
from ..limits import MAX_NAME_CHARS
from . import failures, overrides, replace, report_queries, summaries
from .bulk import BulkWriter, bulk_writer, chunks
from .engine import READ_ONLY, make_engine
from .migrate import upgrade
from .models import CriterionResult, Override, QuizSession, Regrade, Response, ReviewState, User, criterion_rows
from .records import (
    MarkChange,
    NewResponse,
    OverrideRecord,
    Replacement,
    Rescheduling,
    ResponseRecord,
    ReviewCard,
    SessionInfo,
    StoredMark,
)
from .report_rows import Scope, StudentData

__all__ = ["Store", "check_user_name", "TIES"]

T = TypeVar("T")
TIES = 5  # times a transaction is run when PostgreSQL keeps undoing it to let another writer through

_MAX_SPAN = 1_000_000  # the widest id range one regrade read spans
_RECORD_COLUMNS = (*NewResponse.__dataclass_fields__, "id", "session_id", "created_at", "override_id")
# what comparing marks needs (a review queue's neighbours, the queue's size), without
# the criteria and feedback that are most of a row (decoding the criteria's JSON is
# most of reading one)
_BRIEF_COLUMNS = tuple(c for c in _RECORD_COLUMNS if c not in ("criteria", "feedback"))
_CHUNK = 500  # ids per IN (...) list: well inside every backend's limit on bound parameters


def check_user_name(name: str) -> None:
    """Refuse a user name the store cannot keep the same on every backend: empty,
    or longer than its column (PostgreSQL would refuse it mid-transaction)."""
    if not name.strip():
        raise QuizzerError("A user name cannot be empty.", "give --user NAME (a roster's student_id is one).")
    if len(name) > MAX_NAME_CHARS:
        raise QuizzerError(f"The user name {name[:40]!r}... is {len(name)} characters long; at most "
                           f"{MAX_NAME_CHARS} are kept.", "use a shorter name or student id.")


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        with self._failures():
            self.engine = make_engine(url)
        try:
            upgrade(self.engine)
        except Exception as exc:  # a database from a newer Quizzer, or one that cannot be read
            self.engine.dispose()
            if isinstance(exc, SQLAlchemyError):
                raise failures.cannot_open(url, exc) from None
            raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _failures(self, writing: bool = False) -> Iterator[None]:
        """Whatever the database answers with an error leaves the store as a
        ``StoreError`` naming this database, not a traceback."""
        try:
            yield
        except SQLAlchemyError as exc:
            raise failures.store_error(self.url, exc, writing) from None

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back on error. A database
        that cannot be written (read-only, disk full, folder gone) says so."""
        with self._failures(writing=True), self._sessions.begin() as db:
            yield db

    def _write(self, work: Callable[[Session], T]) -> T:
        """``work(db)`` in one write transaction, run again from the start when the
        database undid it only to break a tie with another writer (PostgreSQL's
        deadlock or serialization failure: a quiz recording an answer while a
        teacher moderates the same student, an exam graded meanwhile). The
        transaction was rolled back whole, so running it again is safe; only after
        ``TIES`` tries does the caller get the ``StoreError``. ``work`` must not
        consume an iterator it was given: the caller turns one into a list first."""
        for attempt in range(1, TIES + 1):
            try:
                with self._sessions.begin() as db:
                    return work(db)
            except SQLAlchemyError as exc:
                if attempt == TIES or not failures.retryable(exc):
                    raise failures.store_error(self.url, exc, writing=True) from None
            time.sleep(random.uniform(0.0, 0.02 * attempt))  # let the other writer finish first
        raise AssertionError("unreachable")

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._failures(), self._sessions() as db:
            yield db

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A Core connection for the report queries, which read rows, not objects
        (and only read: on SQLite its transaction takes no write lock)."""
        with self._failures(), self.engine.connect() as db:
            yield db.execution_options(**{READ_ONLY: True})

    def check_writable(self, session_id: int) -> None:
        """Prove the store takes writes before a student types (a resumed quiz
        writes nothing else before its first answer): rewrite one session row."""
        with self._session() as db:
            db.execute(update(QuizSession).where(QuizSession.id == session_id).values(mode=QuizSession.mode))

    # users -----------------------------------------------------------------
    def user_id(self, name: str, now: datetime) -> int:
        """The id of user ``name``, created if new (safe when two processes race)."""
        check_user_name(name)
        with self._failures(writing=True):
            for attempt in range(3):
                try:
                    with self._sessions.begin() as db:
                        found = db.scalar(select(User.id).where(User.name == name))
                        if found is None:
                            user = User(name=name, created_at=now)
                            db.add(user)
                            db.flush()
                            found = user.id
                        return found
                except IntegrityError:
                    if attempt == 2:  # another process kept creating it first; should never happen
                        raise
        raise AssertionError("unreachable")

    def user_ids(self, names: Iterable[str], now: datetime) -> dict[str, int]:
        """``user_id`` for many names: the known ones read in one query per chunk, the
        new ones created together in one transaction (one by one, as ``user_id``
        does, only if another process created one of them meanwhile)."""
        names = list(dict.fromkeys(names))
        for name in names:
            check_user_name(name)
        found: dict[str, int] = {}
        with self._reading() as db:
            for part in chunks(names, _CHUNK):
                rows = db.execute(select(User.name, User.id).where(User.name.in_(part)))
                found.update((name, user_id) for name, user_id in rows)
        missing = [name for name in names if name not in found]
        raced = False
        if missing:
            with self._failures(writing=True):
                try:
                    with self._sessions.begin() as db:
                        rows = db.execute(insert(User).returning(User.id, sort_by_parameter_order=True),
                                          [{"name": name, "created_at": now} for name in missing])
                        found.update(zip(missing, map(int, rows.scalars()), strict=True))
                except IntegrityError:  # another process created one of them first
                    raced = True
        if raced:
            found.update((name, self.user_id(name, now)) for name in missing)
        return found

    def users(self) -> list[str]:
        with self._reading() as db:
            return list(db.scalars(select(User.name).order_by(User.name)))

    # sessions --------------------------------------------------------------
    def start_session(self, user: str, *, kind: str, mode: str, seed: int, plan: list[dict],
                      settings: dict, now: datetime, title: str = "") -> SessionInfo:
        user_id = self.user_id(user, now)
        with self._session() as db:
            row = QuizSession(user_id=user_id, kind=kind, mode=mode, seed=seed, title=title,
                              settings=settings, plan=plan, started_at=now)
            db.add(row)
            db.flush()
            return self._info(row, user, 0)

    def finish_session(self, session_id: int, now: datetime) -> None:
        with self._session() as db:
            db.execute(update(QuizSession).where(QuizSession.id == session_id, QuizSession.ended_at.is_(None))
                       .values(ended_at=now))

    def session(self, session_id: int) -> SessionInfo:
        with self._reading() as db:
            found = db.execute(select(QuizSession, User.name).join(User).where(QuizSession.id == session_id)).first()
            if not found:
                raise NotFound(f"No session {session_id}.")
            return self._info(found[0], found[1], self._answered(db, session_id))

    def unfinished_session(self, user: str, kind: str = "quiz") -> SessionInfo | None:
        """The user's most recent session that was never finished, if any."""
        with self._reading() as db:
            found = db.execute(
                select(QuizSession).join(User).where(User.name == user, QuizSession.kind == kind,
                                                     QuizSession.ended_at.is_(None))
                .order_by(QuizSession.id.desc()).limit(1)).scalar()
            return self._info(found, user, self._answered(db, found.id)) if found else None

    def sessions(self, user: str | None = None, limit: int | None = None) -> list[SessionInfo]:
        with self._reading() as db:
            query = self._listed().order_by(QuizSession.id.desc())
            if user:
                query = query.where(User.name == user)
            if limit:
                query = query.limit(limit)
            return [self._info(row, name, n) for row, name, n in db.execute(query)]

    def sessions_by_id(self, session_ids: Iterable[int]) -> list[SessionInfo]:
        """The sessions with these ids (unknown ids are left out), oldest first."""
        ids = sorted(set(session_ids))
        found: list[SessionInfo] = []
        with self._reading() as db:
            for chunk in chunks(ids, _CHUNK):
                query = self._listed(QuizSession.id.in_(chunk))
                found.extend(self._info(row, name, n) for row, name, n in db.execute(query))
        return sorted(found, key=lambda s: s.id)

    def sessions_of_answers(self, response_ids: Iterable[int]) -> list[SessionInfo]:
        """The sessions holding these answers, oldest first: which exams a
        teacher's marks touched."""
        ids = sorted(set(response_ids))
        sessions: set[int] = set()
        with self._reading() as db:
            for chunk in chunks(ids, _CHUNK):
                sessions.update(db.scalars(select(Response.session_id).where(Response.id.in_(chunk))))
        return self.sessions_by_id(sessions)

    def titled_sessions(self, kind: str, title: str) -> list[SessionInfo]:
        """Every user's sessions of one kind and title, oldest first: a printed
        exam's, one per student."""
        with self._reading() as db:
            query = self._listed(QuizSession.kind == kind, QuizSession.title == title).order_by(QuizSession.id)
            return [self._info(row, name, n) for row, name, n in db.execute(query)]

    def update_session_settings(self, session_ids: Iterable[int], values: dict) -> None:
        """Merge ``values`` into each session's settings, in one transaction (where
        an exam's marks are now written, after they were written elsewhere)."""
        ids = sorted(set(session_ids))
        with self._session() as db:
            for chunk in chunks(ids, _CHUNK):
                for row in db.scalars(select(QuizSession).where(QuizSession.id.in_(chunk))):
                    row.settings = {**(row.settings or {}), **values}  # a new dict: JSON columns track assignment

    @staticmethod
    def _listed(*where):
        """Sessions (those matching ``where``) with their user's name and how many
        answers each holds, counted for those sessions only."""
        counted = select(Response.session_id, func.count().label("n"))
        if where:
            counted = counted.where(Response.session_id.in_(select(QuizSession.id).where(*where)))
        answered = counted.group_by(Response.session_id).subquery()
        return (select(QuizSession, User.name, func.coalesce(answered.c.n, 0)).join(User)
                .outerjoin(answered, answered.c.session_id == QuizSession.id).where(*where))

    @staticmethod
    def _answered(db: Session, session_id: int) -> int:
        return db.scalar(select(func.count()).select_from(Response).where(Response.session_id == session_id)) or 0

    @staticmethod
    def _info(row: QuizSession, user: str, answered: int) -> SessionInfo:
        return SessionInfo(row.id, user, row.kind, row.mode, row.seed, row.title, dict(row.settings or {}),
                           list(row.plan or []), row.started_at, row.ended_at, answered)

    # responses -------------------------------------------------------------
    def record(self, session_id: int, response: NewResponse, now: datetime,
               review: ReviewCard | None = None) -> int:
        """Commit one graded answer (and the card it moved) in one transaction.
        A position already answered is refused (a ``StoreError``)."""
        return self._write(lambda db: self._add_response(db, self._locked_session(db, session_id), response, now,
                                                         review).id)

    def record_answer(self, session_id: int, response: NewResponse, now: datetime,
                      review: ReviewCard | None = None) -> int:
        """Commit a quiz answer like ``record``, and return the position it was kept at.

        The same session may be open in two terminals (``quiz --resume`` twice):
        when the item was answered elsewhere in the meantime, this answer is not
        thrown away but kept as one more attempt, at a new position appended to
        the session's plan. The session row is locked first, so two answers to one
        session are written one after the other on PostgreSQL too (SQLite's
        writers always take turns).
        """
        def work(db: Session) -> int:
            session = self._locked_session(db, session_id)
            taken = db.scalar(select(func.count()).select_from(Response).where(
                Response.session_id == session_id, Response.position == response.position))
            kept = self._append_to_plan(db, session, response) if taken else response
            self._add_response(db, session, kept, now, review)
            return kept.position

        return self._write(work)

    @staticmethod
    def _locked_session(db: Session, session_id: int) -> QuizSession:
        session = db.scalar(select(QuizSession).where(QuizSession.id == session_id).with_for_update())
        if session is None:
            raise NotFound(f"No session {session_id}.")
        return session

    @staticmethod
    def _append_to_plan(db: Session, session: QuizSession, response: NewResponse) -> NewResponse:
        plan = list(session.plan or [])
        last = db.scalar(select(func.max(Response.position)).where(Response.session_id == session.id))
        position = max(len(plan), (last or 0) + 1)
        item = dict(plan[response.position]) if response.position < len(plan) else {
            "question_id": response.question_id, "family": response.family, "seed": response.variant_seed}
        plan += [item] * (position + 1 - len(plan))  # positions past the plan's end keep their item
        session.plan = plan
        return dataclass_replace(response, position=position)

    @staticmethod
    def _add_response(db: Session, session: QuizSession, response: NewResponse, now: datetime,
                      review: ReviewCard | None = None, summarise: bool = True) -> Response:
        """Insert one response, its criterion rows and (unless the caller rebuilds
        them) its summaries, in the caller's transaction."""
        row = Response(session_id=session.id, user_id=session.user_id, created_at=now, **response.__dict__)
        db.add(row)
        db.flush()
        db.add_all(criterion_rows(row.id, session.user_id, row.question_id, row.criteria))
        if review is not None:
            db.merge(ReviewState(user_id=session.user_id, question_id=review.question_id, card=review.card,
                                 due=review.due, stability=review.stability, reviews=review.reviews,
                                 last_review=review.last_review))
        # The card before the summaries: moderation (overrides.py) locks them in that order too, so a quiz and
        # a teacher on the same student and question wait for each other instead of deadlocking on PostgreSQL.
        db.flush()  # the summaries may be recomputed from these rows
        if summarise:
            summaries.record(db.connection(), response_id=row.id, user_id=session.user_id, session_id=session.id,
                             question_id=row.question_id, family=row.family, score=row.score,
                             max_score=row.max_score, seconds=row.seconds, now=now, criteria=row.criteria)
        return row

    def responses(self, *, session_id: int | None = None, user: str | None = None,
                  question_id: str | None = None, since: datetime | None = None,
                  ids: Collection[int] | None = None,
                  session_ids: Iterable[int] | None = None, brief: bool = False) -> list[ResponseRecord]:
        """Stored answers, oldest first, with who gave them and, where the mark was
        moderated, the teacher's comment and the scorer's own mark. ``ids`` picks
        answers by id (a filled moderation sheet names its answers so);
        ``session_ids`` reads several sessions at once (an exam's, one per student).
        ``brief`` records hold no criteria or feedback (not read)."""
        columns = _BRIEF_COLUMNS if brief else _RECORD_COLUMNS
        clauses = []
        if session_id is not None:
            clauses.append(Response.session_id == session_id)
        if user is not None:
            clauses.append(User.name == user)
        if question_id is not None:
            clauses.append(Response.question_id == question_id)
        if since is not None:
            clauses.append(Response.created_at >= since)
        if ids is None and session_ids is None:
            return self._responses(clauses, columns)
        column, values = (Response.id, ids) if ids is not None else (Response.session_id, session_ids)
        assert values is not None
        found = [r for chunk in chunks(sorted(set(values)), _CHUNK)  # within every engine's bound-parameter limit
                 for r in self._responses([*clauses, column.in_(chunk)], columns)]
        if ids is not None and session_ids is not None:  # both given: the answers in both
            sessions = set(session_ids)
            found = [r for r in found if r.session_id in sessions]
        return sorted(found, key=lambda r: r.id)

    def neighbours(self, question_id: str, recent: int, exclude: Collection[int] = ()) -> list[ResponseRecord]:
        """The answers to a question that a review queue compares others with: every
        one a teacher marked, and the ``recent`` latest, less those in ``exclude``
        (the answers the queue is for, which the caller has); oldest first. A
        department's store holds hundreds of thousands of answers to each question,
        too many to read for every review; the teachers' marks are what matter most.
        Their criteria and feedback are not read (the records hold none): comparing
        marks needs neither."""
        columns = _BRIEF_COLUMNS
        skip = set(exclude)

        def record(row) -> ResponseRecord:
            return self._record(row, columns)

        with self._reading() as db:
            marked = db.execute(self._answers_query(columns).where(
                Response.id.in_(select(Override.response_id).where(Override.question_id == question_id)),
                Response.override_id.is_not(None)))
            found = {row.id: row for row in map(record, marked) if row.id not in skip}
            # the latest ids first (the index alone), then only the rows wanted: an exam's
            # own answers are the latest, and reading them again would double the work
            latest = db.scalars(select(Response.id).where(Response.question_id == question_id)
                                .order_by(Response.id.desc()).limit(recent))
            wanted = [i for i in latest if i not in skip]
            for part in chunks(wanted, _CHUNK):
                rows = db.execute(self._answers_query(columns).where(Response.id.in_(part)))
                found.update((row.id, row) for row in map(record, rows))
        return sorted(found.values(), key=lambda r: r.id)

    @staticmethod
    def _answers_query(columns: tuple[str, ...] = _RECORD_COLUMNS):
        """Stored answers as plain columns: building an ORM object per row costs more
        than the query when a review queue or a regrade reads tens of thousands."""
        return (select(*(getattr(Response, name) for name in columns), User.name, Override.comment,
                       Override.scorer_score)
                .join(User, User.id == Response.user_id)
                .outerjoin(Override, Override.id == Response.override_id))

    def _responses(self, clauses: list, columns: tuple[str, ...] = _RECORD_COLUMNS) -> list[ResponseRecord]:
        with self._reading() as db:
            query = self._answers_query(columns).where(*clauses).order_by(Response.id)
            return [self._record(row, columns) for row in db.execute(query)]

    @staticmethod
    def _regradable(query, question_id: str | None, stale: Mapping[str, str] | None):
        """Answers a regrade reads: not skipped, of one question if given, and with
        ``stale`` (question id -> its current content hash) only those graded
        with another version of their question."""
        query = query.where(Response.skipped.is_(False))
        if question_id is not None:
            query = query.where(Response.question_id == question_id)
        if stale is not None:
            wanted = {q: h for q, h in stale.items() if question_id is None or q == question_id}
            query = query.where(or_(false(), *(and_(Response.question_id == q, Response.content_hash != h)
                                               for q, h in sorted(wanted.items()))))
        return query

    def count_regradable(self, *, question_id: str | None = None, stale: Mapping[str, str] | None = None) -> int:
        with self._reading() as db:
            return int(db.scalar(self._regradable(select(func.count(Response.id)), question_id, stale)) or 0)

    def stream_regradable(self, *, question_id: str | None = None, stale: Mapping[str, str] | None = None,
                          batch: int = 1000) -> Iterator[list[ResponseRecord]]:
        """The answers a regrade reads, in id order, at most ``batch`` at a time: each
        batch is read in its own short transaction, so memory stays flat at any store
        size and no lock is held between batches (a quiz goes on writing while a
        department's store is regraded).

        Each read is bounded by an id range as well as the limit. With only
        ``id > last ... LIMIT``, the planners (SQLite's multi-index OR, for one) fetch
        every matching row after ``last`` through the question index and sort them to
        keep a thousand: each batch then costs the whole rest of the table, and a
        regrade of five million answers never ends. The range widens while it finds
        few answers (one question's, in a big store) and narrows when it finds many."""
        last, span, top = 0, batch, self._last_response_id()
        while last < top:
            with self._reading() as db:
                query = self._regradable(self._answers_query(), question_id, stale)
                end = min(last + span, top)
                rows = db.execute(query.where(Response.id > last, Response.id <= end)
                                  .order_by(Response.id).limit(batch)).all()
                found = [self._record(row) for row in rows]
            if len(found) == batch:  # the range holds more: go on from the last one read
                last, span = found[-1].id, max(batch, span // 2)
            else:
                last = end
                span = min(span * 2, _MAX_SPAN) if len(found) < batch // 2 else span
            if found:
                yield found
            if last >= top:  # answers stored meanwhile are read too
                top = self._last_response_id()

    def _last_response_id(self) -> int:
        with self._reading() as db:
            return int(db.scalar(select(func.max(Response.id))) or 0)

    def stored_marks(self, session_ids: Iterable[int]) -> list[StoredMark]:
        """The marks of these sessions' answers, without feedback and criteria,
        by session and position."""
        ids = sorted(set(session_ids))
        columns = (Response.session_id, Response.position, Response.question_id, Response.answer, Response.score,
                   Response.max_score, Response.skipped, Response.review_reasons, Response.override_id,
                   Override.scorer_score, Override.comment)
        found: list[StoredMark] = []
        with self._reading() as db:
            for chunk in chunks(ids, _CHUNK):
                query = (select(*columns).outerjoin(Override, Override.id == Response.override_id)
                         .where(Response.session_id.in_(chunk)))
                found.extend(StoredMark(sid, position, qid, answer, score, top, skipped, reasons, override, scorer,
                                        comment or "")
                             for sid, position, qid, answer, score, top, skipped, reasons, override, scorer, comment
                             in db.execute(query))
        return sorted(found, key=lambda m: (m.session_id, m.position))

    @staticmethod
    def _record(row, columns: tuple[str, ...] = _RECORD_COLUMNS) -> ResponseRecord:
        """A row of ``_answers_query`` as the record the callers use (a column not
        read keeps the record's default)."""
        *values, user, comment, scorer_score = row
        return ResponseRecord(**dict(zip(columns, values, strict=True)), user=user, comment=comment or "",
                              scorer_score=scorer_score)

    # review cards ----------------------------------------------------------
    def review_cards(self, user: str) -> dict[str, ReviewCard]:
        with self._reading() as db:
            rows = db.scalars(select(ReviewState).join(User).where(User.name == user))
            return {r.question_id: ReviewCard(r.question_id, dict(r.card), r.due, r.stability, r.reviews,
                                              r.last_review) for r in rows}

    # regrading -------------------------------------------------------------
    def regrade(self, changes: Iterable[tuple], now: datetime) -> int:
        """Apply new scores ``(response_id, score, criteria, feedback, content_hash)``,
        optionally followed by the grade's ``confidence_of`` fields, keeping each old
        score in the regrade history, in one transaction (a regrade writes a batch
        at a time: killed, every answer is either old or new). Returns how many changed."""
        changes = list(changes)

        def work(db: Session) -> int:
            count, touched = 0, set()
            ids = [change[0] for change in changes]
            rows = {row.id: row for chunk in chunks(ids, _CHUNK)
                    for row in db.scalars(select(Response).where(Response.id.in_(chunk)))}
            db.execute(delete(CriterionResult).where(CriterionResult.response_id.in_(
                [i for i in ids if i in rows and rows[i].override_id is None])))
            for response_id, score, criteria, feedback, content_hash, *extra in changes:
                row = rows.get(response_id)
                if row is None or row.override_id is not None:  # a teacher's mark is never replaced
                    continue
                db.add(Regrade(response_id=row.id, old_score=row.score, new_score=score, old_hash=row.content_hash,
                               new_hash=content_hash, old_criteria=list(row.criteria or []), regraded_at=now))
                row.score, row.criteria, row.feedback, row.content_hash = score, criteria, feedback, content_hash
                for name, value in (extra[0] if extra else {}).items():
                    setattr(row, name, value)
                db.add_all(criterion_rows(row.id, row.user_id, row.question_id, criteria))
                touched.add((row.user_id, row.question_id))
                count += 1
            db.flush()
            by_question: dict[str, set[int]] = {}
            for user_id, question_id in touched:
                by_question.setdefault(question_id, set()).add(user_id)
            for question_id, users in sorted(by_question.items()):  # the summaries once per question and batch
                for part in chunks(sorted(users), 500):
                    summaries.rebuild(db.connection(), question_id=question_id, user_ids=part)
            return count

        return self._write(work)

    def regrade_history(self, response_id: int) -> list[tuple[float, float, datetime]]:
        with self._reading() as db:
            rows = db.execute(select(Regrade.old_score, Regrade.new_score, Regrade.regraded_at)
                              .where(Regrade.response_id == response_id).order_by(Regrade.id))
            return [(old, new, when) for old, new, when in rows]

    def delete_sessions(self, user: str, kind: str, title: str) -> int:
        """Remove a user's sessions of one kind and title (an exam graded again)."""
        return self._write(lambda db: self._delete_sessions(db, self._titled(db, user, kind, title)))

    @staticmethod
    def _titled(db: Session, user: str, kind: str, title: str) -> list[QuizSession]:
        """The user's sessions of one kind and title (an exam's, graded once or again)."""
        return list(db.scalars(select(QuizSession).join(User).where(
            User.name == user, QuizSession.kind == kind, QuizSession.title == title)))

    @staticmethod
    def _delete_sessions(db: Session, rows: list[QuizSession]) -> int:
        for row in rows:
            db.delete(row)
        db.flush()
        if rows:
            summaries.rebuild(db.connection(), user_id=rows[0].user_id)
        return len(rows)

    def replace_session(self, user: str, *, kind: str, title: str, mode: str, seed: int, plan: list[dict],
                        settings: dict, responses: Iterable[NewResponse], now: datetime) -> SessionInfo:
        """Put a finished session in place of the user's sessions of this kind and
        title (an exam graded again), with all its responses, in ONE transaction:
        a run killed at any moment leaves either the old result or the new one,
        never neither. The user's summaries are recomputed once, at the end.
        A teacher's override of an answer that is the same in the new grading (same
        item, same words) is kept: grading an exam again never undoes moderation."""
        [info] = self.replace_sessions([Replacement(user, kind, title, mode, seed, plan, settings,
                                                    list(responses))], now)
        return info

    def replace_sessions(self, replacements: Iterable[Replacement], now: datetime) -> list[SessionInfo]:
        """``replace_session`` for several students in ONE transaction (an exam's
        grading writes a chunk of students at a time): each student keeps either
        the old result or the new one, the teachers' overrides are carried as
        there, and the summaries of the whole chunk are rebuilt once. The writes
        are a few multi-row statements for the whole chunk (``replace``)."""
        replacements = list(replacements)
        users = self.user_ids([r.user for r in replacements], now)

        def work(db: Session) -> list[SessionInfo]:
            infos = replace.replace_sessions(db, replacements, users, now)
            db.flush()
            for part in chunks(sorted(set(users.values())), _CHUNK):
                summaries.rebuild(db.connection(), user_ids=part)
            return infos

        return self._write(work)

    # moderation ------------------------------------------------------------
    def moderate(self, changes: Iterable[MarkChange], moderator: str, now: datetime,
                 rescheduling: Rescheduling | None = None) -> list[int]:
        """Put teachers' marks on responses, all in ONE transaction (a group marked
        with one decision changes together or not at all); the summaries of every
        student and question touched are rebuilt once. Returns the override ids.
        A change whose ``expected_score`` is not the stored mark refuses the whole
        call (``ChangedSince``)."""
        check_user_name(moderator)
        changes = list(changes)

        def work(db: Session) -> list[int]:
            ids, touched = [], set()
            for change in changes:
                row = overrides.apply(db, change, moderator, now, rescheduling)
                assert row.override_id is not None, "apply sets the override in force"
                ids.append(row.override_id)
                touched.add((row.user_id, row.question_id))
            self._resummarise(db, touched)
            return ids

        return self._write(work)

    def undo_override(self, response_ids: Iterable[int], now: datetime,
                      rescheduling: Rescheduling | None = None, expected: Mapping[int, int] | None = None) -> int:
        """Take back the override in force on each response (one transaction, each
        answer once); returns how many were taken back. ``expected`` (response id
        -> override id) undoes only those overrides: one made since is refused."""
        response_ids = list(dict.fromkeys(response_ids))

        def work(db: Session) -> int:
            touched = set()
            for response_id in response_ids:
                row = overrides.undo(db, response_id, now, rescheduling, (expected or {}).get(response_id))
                touched.add((row.user_id, row.question_id))
            self._resummarise(db, touched)
            return len(response_ids)

        return self._write(work)

    @staticmethod
    def _resummarise(db: Session, touched: set[tuple[int, str]]) -> None:
        """Rebuild the summaries of the (student, question) pairs a transaction
        changed: one rebuild per question and chunk of its students, not one per
        pair (a sheet of 2,000 decisions was 2,000 rebuilds, 80% of its import).
        Every student is locked first, in id order, so that two such
        transactions cannot deadlock however their questions interleave."""
        db.flush()
        connection = db.connection()
        by_question: dict[str, set[int]] = {}
        for user_id, question_id in touched:
            by_question.setdefault(question_id, set()).add(user_id)
        for part in chunks(sorted({user_id for user_id, _ in touched}), _CHUNK):
            summaries.lock_users(connection, part)
        for question_id, user_ids in sorted(by_question.items()):
            for part in chunks(sorted(user_ids), _CHUNK):
                summaries.rebuild(connection, question_id=question_id, user_ids=part)

    def overrides(self, *, question_id: str | None = None, user: str | None = None, session_id: int | None = None,
                  active_only: bool = True) -> list[OverrideRecord]:
        """Teachers' overrides (those in force, or every one ever made), oldest first."""
        with self._reading() as db:
            return overrides.listed(db, question_id=question_id, user=user, session_id=session_id,
                                    active_only=active_only)

    # bulk loading ----------------------------------------------------------
    @contextmanager
    def bulk_load(self, replace: bool = False) -> Iterator[BulkWriter]:
        """A writer of whole tables in stored form, in one transaction that also
        rebuilds the running summaries (synthetic classes for benchmarks and
        demos). A store that has users is refused unless ``replace``, which
        empties it first."""
        with self._failures(writing=True), bulk_writer(self.engine, replace) as writer:
            yield writer

    # reports ---------------------------------------------------------------
    def find_user(self, name: str) -> int | None:
        """The id of user ``name``, or None: unlike ``user_id``, nobody is created."""
        with self._connection() as db:
            return db.scalar(select(User.id).where(User.name == name))

    def report_data(self, scope: Scope, with_sessions: bool = True) -> dict[int, StudentData]:
        """Every student in ``scope`` with their aggregated rows, by user id (see
        ``report_queries.fetch``)."""
        with self._connection() as db:
            return report_queries.fetch(db, scope, with_sessions)

    def report_students(self, scope: Scope) -> list[tuple[int, str]]:
        """(id, name) of every student in ``scope``, by id (see ``report_queries.students``)."""
        with self._connection() as db:
            return report_queries.students(db, scope)

    def add_report_sessions(self, scope: Scope, students: dict[int, StudentData]) -> None:
        """Fill in what only the students' own pages show (their sessions, their
        latest short answers), left out by ``report_data(with_sessions=False)``."""
        with self._connection() as db:
            report_queries.attach_sessions(db, scope, students)

    def exam_sessions(self, session_id: int) -> tuple[str, tuple[int, ...]] | None:
        """A title and the sessions a report of ``session_id`` covers (all of a
        printed exam's), or None when there is no such session."""
        with self._connection() as db:
            return report_queries.exam_sessions(db, session_id)
