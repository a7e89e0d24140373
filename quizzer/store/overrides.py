"""A teacher's marks in place of the scorer's: the SQL of moderation.

Every function here runs in the caller's transaction (a ``Store`` method), so a
group of answers marked with one decision changes together or not at all. An
override rewrites the response's score and criteria, which is what every report,
``stats``, ``marks.csv`` and the running summaries already read, so none of them
needs to know about moderation to show the moderated mark; the override row
keeps the mark it replaced and the scorer's own, for undo and for agreement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from ..errors import ChangedSince, NotFound, QuizzerError
from .models import CriterionResult, Override, Response, ReviewState, User, criterion_rows
from .records import NOT_CHECKED, MarkChange, OverrideRecord, Rescheduling

__all__ = ["apply", "undo", "carried", "reapply", "listed"]


def _locked(db: Session, response_id: int) -> Response:
    row = db.scalar(select(Response).where(Response.id == response_id).with_for_update())
    if row is None:
        raise NotFound(f"No stored answer {response_id}.", "export the queue again: it may have been deleted "
                                                              "(an exam graded again replaces its answers).")
    return row


def _set_mark(db: Session, row: Response, score: float, criteria: list[Any]) -> None:
    row.score, row.criteria = float(score), list(criteria)
    db.execute(delete(CriterionResult).where(CriterionResult.response_id == row.id))
    db.add_all(criterion_rows(row.id, row.user_id, row.question_id, row.criteria))


def _reschedule(db: Session, row: Response, rescheduling: Rescheduling | None) -> None:
    """A practice answer that was rated for spaced repetition is rated again by its
    new mark, and the student's card for the question is rebuilt from the whole
    history of ratings, as if the answer had been marked so the first time."""
    if rescheduling is None or row.rating is None:
        return
    row.rating = int(rescheduling.rate(row.score, row.max_score, row.criteria, row.skipped))
    db.flush()
    history = db.execute(select(Response.rating, Response.created_at).where(
        Response.user_id == row.user_id, Response.question_id == row.question_id, Response.rating.is_not(None))
        .order_by(Response.created_at, Response.id)).all()
    card = rescheduling.replay(row.question_id, [(rating, when) for rating, when in history])
    if card is not None:
        db.merge(ReviewState(user_id=row.user_id, question_id=card.question_id, card=card.card, due=card.due,
                             stability=card.stability, reviews=card.reviews, last_review=card.last_review))


def apply(db: Session, change: MarkChange, moderator: str, now: datetime,
          rescheduling: Rescheduling | None = None) -> Response:
    """Put a teacher's mark on one response; returns the row (its ``override_id`` set)."""
    row = _locked(db, change.response_id)
    if change.expected_score is not None and abs(row.score - change.expected_score) > 1e-9:
        raise ChangedSince(f"Answer {row.id} ({row.question_id}) now has {row.score:g} marks, not the "
                           f"{change.expected_score:g} shown when it was exported.",
                           "export the queue again and mark it from there.")
    if change.expected_override != NOT_CHECKED and row.override_id != change.expected_override:
        by = db.get(Override, row.override_id) if row.override_id else None
        who = f"moderated by {by.moderator}" if by else "given back to the scorer's mark"
        raise ChangedSince(f"Answer {row.id} ({row.question_id}) was {who} since it was shown.",
                           "look at it again with the current marks.")
    previous = db.get(Override, row.override_id) if row.override_id else None
    scorer_score = previous.scorer_score if previous else row.score
    scorer_criteria = list(previous.scorer_criteria) if previous else list(row.criteria or [])
    override = Override(response_id=row.id, user_id=row.user_id, question_id=row.question_id, moderator=moderator,
                        created_at=now, old_score=row.score, new_score=float(change.score),
                        old_criteria=list(row.criteria or []), new_criteria=list(change.criteria),
                        scorer_score=scorer_score, scorer_criteria=scorer_criteria, comment=change.comment,
                        previous_id=row.override_id)
    db.add(override)
    db.flush()
    _set_mark(db, row, change.score, change.criteria)
    row.override_id = override.id
    _reschedule(db, row, rescheduling)
    return row


def undo(db: Session, response_id: int, now: datetime, rescheduling: Rescheduling | None = None,
         expected: int | None = None) -> Response:
    """Take back the override in force on a response: the mark it replaced returns
    (the scorer's, or the earlier override's). With ``expected``, only that
    override: a decision someone made since is never taken back by mistake."""
    row = _locked(db, response_id)
    if row.override_id is None:
        raise QuizzerError(f"Answer {response_id} ({row.question_id}) has no override to undo: its mark is the "
                           "scorer's.", "`quizzer moderate history` lists the moderated answers.")
    if expected is not None and row.override_id != expected:
        later = db.get(Override, row.override_id)
        raise ChangedSince(f"Answer {response_id} ({row.question_id}) was moderated again since, by "
                           f"{later.moderator if later else 'someone'}; nothing was undone.",
                           "`quizzer moderate history` shows who changed what.")
    override = db.get(Override, row.override_id)
    assert override is not None, "a response's override_id names an override row"
    override.undone_at = now
    _set_mark(db, row, override.old_score, list(override.old_criteria))
    row.override_id = override.previous_id
    _reschedule(db, row, rescheduling)
    return row


def carried(db: Session, session_ids: Iterable[int]) -> dict[tuple[int, int, str, str], Override]:
    """The overrides in force on these sessions' answers, by (user id, position,
    question, answer): what an exam graded again keeps where the student's answer
    is the same."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.execute(select(Response.user_id, Response.position, Response.question_id, Response.answer, Override)
                      .join(Override, Override.id == Response.override_id)
                      .where(Response.session_id.in_(ids))).all()
    kept = {}
    for user_id, position, qid, answer, override in rows:
        db.expunge(override)  # its row goes with the old session; the new one may take its id
        kept[(user_id, position, qid, answer)] = override
    return kept


def reapply(db: Session, row: Response, kept: Override) -> None:
    """Put an override kept from an earlier grading on the same answer graded anew:
    the teacher's mark and comment return; the new grade is the scorer's."""
    override = Override(response_id=row.id, user_id=row.user_id, question_id=row.question_id,
                        moderator=kept.moderator, created_at=kept.created_at, old_score=row.score,
                        new_score=kept.new_score, old_criteria=list(row.criteria or []),
                        new_criteria=list(kept.new_criteria), scorer_score=row.score,
                        scorer_criteria=list(row.criteria or []), comment=kept.comment)
    db.add(override)
    db.flush()
    _set_mark(db, row, kept.new_score, list(kept.new_criteria))
    row.override_id = override.id


def listed(db: Session, *, question_id: str | None = None, user: str | None = None, session_id: int | None = None,
           active_only: bool = True) -> list[OverrideRecord]:
    """Overrides with their answer, oldest first."""
    query = (select(Override, User.name, Response.max_score, Response.answer, Response.session_id)
             .join(Response, Response.id == Override.response_id).join(User, User.id == Override.user_id)
             .order_by(Override.id))
    clauses = []
    if active_only:
        clauses.append(Override.id == Response.override_id)
    if question_id is not None:
        clauses.append(Override.question_id == question_id)
    if user is not None:
        clauses.append(User.name == user)
    if session_id is not None:
        clauses.append(Response.session_id == session_id)
    if clauses:
        query = query.where(and_(*clauses))
    return [OverrideRecord(o.id, o.response_id, name, o.question_id, o.moderator, o.created_at, o.old_score,
                           o.new_score, list(o.old_criteria or []), list(o.new_criteria or []), o.scorer_score,
                           list(o.scorer_criteria or []), o.comment or "", o.previous_id, o.undone_at,
                           max_score, answer, session_id)
            for o, name, max_score, answer, session_id in db.execute(query)]
