"""The tables. Only the store imports these; everything else sees plain records.

Times are stored as UTC. Every text a user gives (names, titles, answers,
feedback, misconception wording) goes through ``UserString``/``UserText``, the one
place where a NUL character is replaced and an answer is cut to the length the
scorer reads. Scores are floats in half-mark steps. A response keeps
the question's content hash, the variant family and seed (for numeric items),
the answer exactly as typed, and the per-criterion result as JSON, so it can be
shown again, regraded, and aggregated in SQL for reports.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..limits import MAX_ANSWER_CHARS
from ..misconceptions import parts as misconception_parts

__all__ = ["Base", "table_of", "UserString", "UserText", "clean_text", "REPLACEMENT", "User", "QuizSession", "Response",
           "CriterionResult", "ReviewState", "Regrade", "Override", "UTCDateTime",
           "QuestionProgress", "CriterionProgress", "MisconceptionCount", "criterion_rows", "misconception_parts"]


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


REPLACEMENT = "\ufffd"  # what a NUL character is stored as


def clean_text(value: str | None, limit: int | None = None) -> str | None:
    """A user's text as the store keeps it, identically on SQLite and PostgreSQL.

    PostgreSQL text cannot hold a NUL character (it refuses the whole statement,
    which ended a quiz and lost the answer), so every NUL becomes U+FFFD, the
    replacement character, everywhere. ``limit`` cuts an answer to what the scorer
    reads (``MAX_ANSWER_CHARS``): nothing beyond it is graded, so nothing beyond
    it is kept.
    """
    if value is None:
        return None
    value = str(value)
    if limit is not None and len(value) > limit:
        value = value[:limit]
    return value.replace("\x00", REPLACEMENT) if "\x00" in value else value


class UserString(TypeDecorator):
    """A short text a user gives (a name, a title): NUL replaced, see ``clean_text``."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return clean_text(value)


class UserText(TypeDecorator):
    """A long text a user gives (an answer, feedback quoting it): NUL replaced and,
    with ``limit``, cut to that many characters, see ``clean_text``."""

    impl = Text
    cache_ok = True

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = limit

    def process_bind_param(self, value, dialect):
        return clean_text(value, self.limit)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core queries. SQLAlchemy types ``__table__`` as any
    selectable, since a class may be mapped to a join; every model here has a table."""
    return cast(Table, model.__table__)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(UserString(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QuizSession(Base):
    __tablename__ = "quiz_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="quiz")  # quiz | exam
    mode: Mapped[str] = mapped_column(String(20))
    seed: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(UserString(200), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    plan: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the items drawn, in order
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # running totals of its responses (added in 0003, kept by the store), for reports
    answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    max_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")

    __table_args__ = (Index("ix_quiz_sessions_exam", "kind", "title"),
                      Index("ix_quiz_sessions_user_answers", "user_id", "answers"))


class Response(Base):
    __tablename__ = "responses"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("quiz_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # index in the session's plan
    question_id: Mapped[str] = mapped_column(String(40))
    family: Mapped[str | None] = mapped_column(String(60), nullable=True)
    variant_seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(40), default="")
    answer: Mapped[str] = mapped_column(UserText(MAX_ANSWER_CHARS), default="")
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)
    feedback: Mapped[str] = mapped_column(UserText(), default="")
    skipped: Mapped[bool] = mapped_column(default=False)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)  # FSRS rating given (added in 0002)
    # how sure the scorer was of a free-text grade, and why not (added in 0004; NULL before)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    review_reasons: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the teacher's override in force (added in 0005); NULL: the mark is the scorer's
    override_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (
        Index("ix_responses_user_created", "user_id", "created_at"),
        Index("ix_responses_session_position", "session_id", "position", unique=True),
        Index("ix_responses_question", "question_id"),
        Index("ix_responses_user_question", "user_id", "question_id", "created_at"),
    )


class CriterionResult(Base):
    """One rubric criterion as marked in one response (added in 0003).

    The same facts are in ``Response.criteria`` as JSON; this table exists so that
    reports can count missed criteria and misconceptions across a class in SQL.
    """

    __tablename__ = "criterion_results"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(40))
    criterion_id: Mapped[str] = mapped_column(String(80))
    awarded: Mapped[float] = mapped_column(Float)
    max_marks: Mapped[float] = mapped_column(Float)
    misconception: Mapped[str | None] = mapped_column(UserText(), nullable=True)  # as recorded
    phrase: Mapped[str | None] = mapped_column(UserText(), nullable=True)  # the bank's wording of it

    __table_args__ = (
        Index("ix_criterion_results_response", "response_id"),
        Index("ix_criterion_results_user", "user_id", "question_id", "criterion_id"),
        Index("ix_criterion_results_item", "question_id", "criterion_id"),
    )


def criterion_values(response_id: int, user_id: int, question_id: str, criteria: list[Any]) -> list[dict[str, Any]]:
    """The ``criterion_results`` rows for a response's per-criterion JSON, as column values."""
    return [{"response_id": response_id, "user_id": user_id, "question_id": question_id,
             "criterion_id": str(c.get("id", "")), "awarded": float(c.get("awarded", 0)),
             "max_marks": float(c.get("max", 0)), "misconception": c.get("misconception") or None,
             "phrase": misconception_parts(c["misconception"])[0] if c.get("misconception") else None}
            for c in criteria or []]


def criterion_rows(response_id: int, user_id: int, question_id: str, criteria: list[Any]) -> list[CriterionResult]:
    """The table rows for a response's per-criterion JSON."""
    return [CriterionResult(**values) for values in criterion_values(response_id, user_id, question_id, criteria)]


class QuestionProgress(Base):
    """A student's running record on one question (``family`` "" for the short
    answer, else one numeric family), kept by the store as answers are recorded,
    so reports over a whole class read one row per student and item instead of
    every answer. ``summaries.rebuild`` recomputes it from the responses."""

    __tablename__ = "question_progress"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    family: Mapped[str] = mapped_column(String(60), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)
    full: Mapped[int] = mapped_column(Integer)  # answers with full marks
    zero: Mapped[int] = mapped_column(Integer)  # answers with none
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    seconds: Mapped[float] = mapped_column(Float)
    best: Mapped[float] = mapped_column(Float)  # fractions of the marks
    latest_id: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the latest three answers, newest first: fraction and time
    r1: Mapped[float] = mapped_column(Float)
    t1: Mapped[datetime] = mapped_column(UTCDateTime)
    r2: Mapped[float | None] = mapped_column(Float, nullable=True)
    t2: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    r3: Mapped[float | None] = mapped_column(Float, nullable=True)
    t3: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the response ids of the second and third latest (the latest is latest_id):
    # answers recorded at the same moment (a graded exam) are ordered by id
    i2: Mapped[int | None] = mapped_column(Integer, nullable=True)
    i3: Mapped[int | None] = mapped_column(Integer, nullable=True)


class CriterionProgress(Base):
    """A student's running record on one rubric criterion."""

    __tablename__ = "criterion_progress"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    criterion_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    marked: Mapped[int] = mapped_column(Integer)
    missed: Mapped[int] = mapped_column(Integer)
    awarded: Mapped[float] = mapped_column(Float)
    max_marks: Mapped[float] = mapped_column(Float)


class MisconceptionCount(Base):
    """How often a student's answers stated one misconception (the bank's phrase)."""

    __tablename__ = "misconception_counts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(40))
    criterion_id: Mapped[str] = mapped_column(String(80))
    phrase: Mapped[str] = mapped_column(UserText())
    count: Mapped[int] = mapped_column(Integer)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    words: Mapped[str] = mapped_column(UserText())  # the student's words, most recently

    __table_args__ = (Index("ix_misconception_counts_key", "user_id", "question_id", "criterion_id", "phrase",
                            unique=True),)


class ReviewState(Base):
    """One user's spaced-repetition card for one question (an FSRS card as JSON)."""

    __tablename__ = "review_states"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    due: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Regrade(Base):
    """A change of score made by ``quizzer regrade``: the old score stays on record."""

    __tablename__ = "regrades"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    old_score: Mapped[float] = mapped_column(Float)
    new_score: Mapped[float] = mapped_column(Float)
    old_hash: Mapped[str] = mapped_column(String(40))
    new_hash: Mapped[str] = mapped_column(String(40))
    old_criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)
    regraded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Override(Base):
    """A teacher's mark for one response, in place of the scorer's (added in 0005).

    ``old_*`` is the mark it replaced (the scorer's, or an earlier override's,
    ``previous_id``); ``scorer_*`` is what the scorer had given, kept so that the
    agreement between teachers and the scorer can be measured. Undoing sets
    ``undone_at`` and puts the old mark back; the row stays as history.
    """

    __tablename__ = "overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(40))
    moderator: Mapped[str] = mapped_column(UserString(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    old_score: Mapped[float] = mapped_column(Float)
    new_score: Mapped[float] = mapped_column(Float)
    old_criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)
    new_criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)
    scorer_score: Mapped[float] = mapped_column(Float)
    scorer_criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(UserText(), default="", server_default="")
    previous_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_overrides_response", "response_id"), Index("ix_overrides_question", "question_id"))
