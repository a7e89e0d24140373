"""Plain values the store hands out and takes in; the ORM stays inside the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["SessionInfo", "NewResponse", "ResponseRecord", "StoredMark", "ReviewCard", "MarkChange", "Replacement",
           "OverrideRecord", "Rescheduling", "confidence_of"]


@dataclass(frozen=True)
class SessionInfo:
    id: int
    user: str
    kind: str
    mode: str
    seed: int
    title: str
    settings: dict[str, Any]
    plan: list[dict[str, Any]]
    started_at: datetime
    ended_at: datetime | None
    answered: int = 0  # responses recorded so far

    @property
    def finished(self) -> bool:
        return self.ended_at is not None


@dataclass(frozen=True)
class NewResponse:
    """A graded answer, ready to be committed."""

    position: int
    question_id: str
    content_hash: str
    answer: str
    score: float
    max_score: float
    criteria: list[dict[str, Any]] = field(default_factory=list)
    feedback: str = ""
    family: str | None = None
    variant_seed: int | None = None
    skipped: bool = False
    seconds: float = 0.0
    rating: int | None = None
    confidence: float | None = None  # a free-text grade's confidence, 0..1
    review_reasons: list[str] | None = None


def confidence_of(result: Any) -> dict[str, Any]:
    """The ``confidence`` and ``review_reasons`` fields of a ``NewResponse`` for a
    grade: a free-text grade carries both; a numeric check or a skip has none."""
    if result is None or not hasattr(result, "review_reasons"):
        return {}
    return {"confidence": float(result.confidence), "review_reasons": list(result.review_reasons)}


@dataclass(frozen=True)
class ResponseRecord(NewResponse):
    id: int = 0
    session_id: int = 0
    user: str = ""
    created_at: datetime | None = None
    override_id: int | None = None  # the teacher's override in force, if the mark is moderated
    comment: str = ""  # that override's comment for the student
    scorer_score: float | None = None  # the scorer's own mark, where a teacher's replaced it

    @property
    def moderated(self) -> bool:
        return self.override_id is not None


@dataclass(frozen=True)
class StoredMark:
    """A stored answer's mark without its feedback and criteria: what a table of
    marks needs. An exam's ``marks.csv`` reads ten thousand of these after every
    moderation; as whole ``ResponseRecord`` values that took 1.5 s."""

    session_id: int
    position: int
    question_id: str
    answer: str
    score: float
    max_score: float
    skipped: bool
    review_reasons: list[str] | None
    override_id: int | None
    scorer_score: float | None  # the scorer's own mark, where a teacher's replaced it
    comment: str

    @property
    def moderated(self) -> bool:
        return self.override_id is not None


@dataclass(frozen=True)
class Replacement:
    """A finished session to put in place of a user's sessions of one kind and
    title (one student's graded exam), for ``Store.replace_sessions``."""

    user: str
    kind: str
    title: str
    mode: str
    seed: int
    plan: list[dict]
    settings: dict
    responses: list[NewResponse]


NOT_CHECKED = -1  # MarkChange.expected_override when nobody saw which override was in force


@dataclass(frozen=True)
class MarkChange:
    """A teacher's new mark for one response: the total and the per-criterion
    result JSON (the criteria as the scorer wrote them, with new ``awarded``).
    ``expected_score`` guards against marking what changed since it was shown:
    when given and the stored mark differs, the change is refused."""

    response_id: int
    score: float
    criteria: list[dict[str, Any]]
    comment: str = ""
    expected_score: float | None = None
    # the override in force when it was shown (None: the scorer's mark); another
    # teacher's decision since, even one that kept the total, refuses the change
    expected_override: int | None = NOT_CHECKED


@dataclass(frozen=True)
class OverrideRecord:
    id: int
    response_id: int
    user: str
    question_id: str
    moderator: str
    created_at: datetime
    old_score: float
    new_score: float
    old_criteria: list[dict[str, Any]]
    new_criteria: list[dict[str, Any]]
    scorer_score: float
    scorer_criteria: list[dict[str, Any]]
    comment: str
    previous_id: int | None
    undone_at: datetime | None
    max_score: float = 0.0
    answer: str = ""
    session_id: int = 0

    @property
    def active(self) -> bool:
        return self.undone_at is None


@dataclass(frozen=True)
class Rescheduling:
    """How moderation re-rates a practice answer for spaced repetition, given by
    the caller (the store does not know FSRS): ``rate(score, max, criteria,
    skipped)`` is the rating an answer's marks deserve, ``replay(question_id,
    [(rating, when), ...])`` the card after that history of reviews."""

    rate: Any
    replay: Any


@dataclass(frozen=True)
class ReviewCard:
    """A user's FSRS card for one question, as stored."""

    question_id: str
    card: dict[str, Any]
    due: datetime
    stability: float | None
    reviews: int
    last_review: datetime | None
