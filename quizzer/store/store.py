"""The progress store: users, sessions, responses and review cards.

Every method is one short transaction, committed before it returns: an answer is
on disk the moment it has been graded, so a killed quiz loses nothing but the
answer being typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import NotFound, QuizzerError
from . import summaries
from .engine import display_url, make_engine
from .migrate import upgrade
from .models import CriterionResult, QuizSession, Regrade, Response, ReviewState, User, criterion_rows
from .records import NewResponse, ResponseRecord, ReviewCard, SessionInfo

__all__ = ["Store"]


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        try:
            upgrade(self.engine)
        except OperationalError as exc:
            self.engine.dispose()
            raise QuizzerError(f"Cannot open the database {display_url(url)}: {exc.orig}",
                               "check --db / QUIZZER_DB, that the server is running, and your permissions.") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _session(self) -> Session:
        return self._sessions.begin()  # commits on success, rolls back on error

    # users -----------------------------------------------------------------
    def user_id(self, name: str, now: datetime) -> int:
        """The id of user ``name``, created if new (safe when two processes race)."""
        for attempt in range(3):
            try:
                with self._session() as db:
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

    def users(self) -> list[str]:
        with self._sessions() as db:
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
        with self._sessions() as db:
            found = db.execute(select(QuizSession, User.name).join(User).where(QuizSession.id == session_id)).first()
            if not found:
                raise NotFound(f"No session {session_id}.")
            return self._info(found[0], found[1], self._answered(db, session_id))

    def unfinished_session(self, user: str, kind: str = "quiz") -> SessionInfo | None:
        """The user's most recent session that was never finished, if any."""
        with self._sessions() as db:
            found = db.execute(
                select(QuizSession).join(User).where(User.name == user, QuizSession.kind == kind,
                                                     QuizSession.ended_at.is_(None))
                .order_by(QuizSession.id.desc()).limit(1)).scalar()
            return self._info(found, user, self._answered(db, found.id)) if found else None

    def sessions(self, user: str | None = None, limit: int | None = None) -> list[SessionInfo]:
        with self._sessions() as db:
            answered = (select(Response.session_id, func.count().label("n"))
                        .group_by(Response.session_id).subquery())
            query = (select(QuizSession, User.name, func.coalesce(answered.c.n, 0)).join(User)
                     .outerjoin(answered, answered.c.session_id == QuizSession.id)
                     .order_by(QuizSession.id.desc()))
            if user:
                query = query.where(User.name == user)
            if limit:
                query = query.limit(limit)
            return [self._info(row, name, n) for row, name, n in db.execute(query)]

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
        """Commit one graded answer (and the card it moved) in one transaction."""
        with self._session() as db:
            user_id = db.scalar(select(QuizSession.user_id).where(QuizSession.id == session_id))
            if user_id is None:
                raise NotFound(f"No session {session_id}.")
            row = Response(session_id=session_id, user_id=user_id, created_at=now, **response.__dict__)
            db.add(row)
            db.flush()
            db.add_all(criterion_rows(row.id, user_id, row.question_id, row.criteria))
            db.flush()  # the summaries may be recomputed from these rows
            summaries.record(db.connection(), response_id=row.id, user_id=user_id, session_id=session_id,
                             question_id=row.question_id, family=row.family, score=row.score,
                             max_score=row.max_score, seconds=row.seconds, now=now, criteria=row.criteria)
            if review is not None:
                db.merge(ReviewState(user_id=user_id, question_id=review.question_id, card=review.card,
                                     due=review.due, stability=review.stability, reviews=review.reviews,
                                     last_review=review.last_review))
            db.flush()
            return row.id

    def responses(self, *, session_id: int | None = None, user: str | None = None,
                  question_id: str | None = None) -> list[ResponseRecord]:
        with self._sessions() as db:
            query = select(Response, User.name).join(User, User.id == Response.user_id).order_by(Response.id)
            if session_id is not None:
                query = query.where(Response.session_id == session_id)
            if user is not None:
                query = query.where(User.name == user)
            if question_id is not None:
                query = query.where(Response.question_id == question_id)
            return [self._record(row, name) for row, name in db.execute(query)]

    @staticmethod
    def _record(row: Response, user: str) -> ResponseRecord:
        fields = {name: getattr(row, name) for name in NewResponse.__dataclass_fields__}
        return ResponseRecord(**fields, id=row.id, session_id=row.session_id, user=user, created_at=row.created_at)

    # review cards ----------------------------------------------------------
    def review_cards(self, user: str) -> dict[str, ReviewCard]:
        with self._sessions() as db:
            rows = db.scalars(select(ReviewState).join(User).where(User.name == user))
            return {r.question_id: ReviewCard(r.question_id, dict(r.card), r.due, r.stability, r.reviews,
                                              r.last_review) for r in rows}

    # regrading -------------------------------------------------------------
    def regrade(self, changes: Iterable[tuple], now: datetime) -> int:
        """Apply new scores ``(response_id, score, criteria, feedback, content_hash)``,
        optionally followed by the grade's ``confidence_of`` fields, keeping each old
        score in the regrade history. Returns how many changed."""
        count, touched = 0, set()
        with self._session() as db:
            for response_id, score, criteria, feedback, content_hash, *extra in changes:
                row = db.get(Response, response_id)
                if row is None:
                    continue
                db.add(Regrade(response_id=row.id, old_score=row.score, new_score=score, old_hash=row.content_hash,
                               new_hash=content_hash, old_criteria=list(row.criteria or []), regraded_at=now))
                row.score, row.criteria, row.feedback, row.content_hash = score, criteria, feedback, content_hash
                for name, value in (extra[0] if extra else {}).items():
                    setattr(row, name, value)
                db.execute(delete(CriterionResult).where(CriterionResult.response_id == row.id))
                db.add_all(criterion_rows(row.id, row.user_id, row.question_id, criteria))
                touched.add((row.user_id, row.question_id))
                count += 1
            db.flush()
            for user_id, question_id in sorted(touched):
                summaries.rebuild(db.connection(), user_id=user_id, question_id=question_id)
        return count

    def regrade_history(self, response_id: int) -> list[tuple[float, float, datetime]]:
        with self._sessions() as db:
            rows = db.execute(select(Regrade.old_score, Regrade.new_score, Regrade.regraded_at)
                              .where(Regrade.response_id == response_id).order_by(Regrade.id))
            return [tuple(r) for r in rows]

    def delete_sessions(self, user: str, kind: str, title: str) -> int:
        """Remove a user's sessions of one kind and title (an exam graded again)."""
        with self._session() as db:
            rows = db.scalars(select(QuizSession).join(User).where(
                User.name == user, QuizSession.kind == kind, QuizSession.title == title)).all()
            for row in rows:
                db.delete(row)
            db.flush()
            if rows:
                summaries.rebuild(db.connection(), user_id=rows[0].user_id)
            return len(rows)
