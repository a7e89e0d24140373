"""Spaced repetition that understands partial credit, on top of FSRS.

Students do not rate themselves: the marks decide. Full marks is *Good*; at
least half the marks with no misconception is *Hard* (the card comes back
sooner); less than half, a skip or any misconception is *Again*. FSRS (the
scheduler Anki uses, from the ``fsrs`` package) then sets the next due time.
Everything here is pure: the time is passed in and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, cast

if TYPE_CHECKING:
    from fsrs.card import CardDict

from ..store.records import Rescheduling, ReviewCard

__all__ = ["rating_for", "review", "replay", "rescheduling",
           "retrievability", "recall", "shown_recall", "in_learning_steps", "RATING_NAMES",
           "TARGET_RECALL"]

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}
TARGET_RECALL = 0.9  # FSRS's desired retention: a reviewed card comes due when recall falls to about this
SHORTEST_INTERVAL = timedelta(days=1)  # FSRS's review intervals are whole days; its learning steps, minutes


def rating_for(score: float, max_score: float, criteria: Iterable[Mapping[str, Any]] = (),
               skipped: bool = False) -> int:
    """The FSRS rating (1-4) that an answer's marks deserve."""
    if skipped or max_score <= 0:
        return AGAIN
    if any(c.get("misconception") for c in criteria):
        return AGAIN
    fraction = score / max_score
    if fraction >= 1:
        return GOOD
    return HARD if fraction >= 0.5 else AGAIN


@lru_cache(maxsize=1)
def _scheduler():
    from fsrs import Scheduler

    # No fuzzing: the same history must give the same schedule on every machine.
    return Scheduler(enable_fuzzing=False)


def review(previous: ReviewCard | None, question_id: str, rating: int, now: datetime) -> ReviewCard:
    """The card after one review at ``now``."""
    from fsrs import Card, Rating

    card = Card.from_dict(_card_dict(previous.card)) if previous else Card(card_id=1)
    card, _log = _scheduler().review_card(card, Rating(rating), now)
    return ReviewCard(
        question_id=question_id,
        card=card.to_dict(),
        due=card.due,
        stability=card.stability,
        reviews=(previous.reviews if previous else 0) + 1,
        last_review=now,
    )


def replay(question_id: str, history: Iterable[tuple[int, datetime]]) -> ReviewCard | None:
    """The card after a whole history of ratings, oldest first: what a student's
    card would be had each answer been marked so the first time (a teacher's
    moderation changes a rating in the middle of the history)."""
    card = None
    for rating, when in history:
        card = review(card, question_id, rating, when)
    return card


def rescheduling() -> Rescheduling:
    """What the store needs to re-rate answers whose marks a teacher changed."""
    return Rescheduling(rate=rating_for, replay=replay)


def retrievability(state: ReviewCard, now: datetime) -> float:
    """The probability (0-1) that the student would recall this question now."""
    from fsrs import Card

    return float(_scheduler().get_card_retrievability(Card.from_dict(_card_dict(state.card)), now))


def _card_dict(stored: dict[str, Any]) -> CardDict:
    """The store keeps the card as the JSON of fsrs's ``Card.to_dict``; the checker
    cannot see that through the JSON column."""
    return cast("CardDict", stored)


class _Memory(NamedTuple):
    stability: float | None
    last_review: datetime | None


def recall(stability: float | None, last_review: datetime | None, now: datetime) -> float:
    """``retrievability`` from a card's stored stability and last review, without
    decoding the card: FSRS needs only these two (reports ask for thousands)."""
    return float(_scheduler().get_card_retrievability(_Memory(stability, last_review), now))


def in_learning_steps(due: datetime, last_review: datetime | None) -> bool:
    """Whether FSRS brings the card back within minutes of its last review: a new
    question, or one just missed. Such a card is due because of the step, not
    because the student is expected to have forgotten it."""
    return last_review is not None and due - last_review < SHORTEST_INTERVAL


def shown_recall(stability: float | None, last_review: datetime | None, due: datetime,
                 now: datetime) -> float | None:
    """The recall estimate a report shows, or None where there is none to show.

    FSRS counts forgetting in whole days, so on the day of a review it puts
    recall at 100%, even for an answer missed minutes ago whose card is due again
    within minutes ("due for review, recall about 100%"). A card in its learning
    steps reviewed less than a day ago therefore shows no figure; every other card
    shows FSRS's retrievability, which for a reviewed card that has come due is
    about ``TARGET_RECALL`` or less.
    """
    if last_review is None:
        return None
    if in_learning_steps(due, last_review) and now - last_review < SHORTEST_INTERVAL:
        return None
    return recall(stability, last_review, now)
