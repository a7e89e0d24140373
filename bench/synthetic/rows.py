"""Table rows, in the stored form, from the generated arrays.

Ids follow time as they would in a real database: users in the order they first
appeared, sessions in the order they started, responses in the order they were
recorded (so each session's answers are in position order) and criterion rows
in the order of their responses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from quizzer.misconceptions import parts as misconception_parts
from quizzer.store.records import ReviewCard

from .course import Course
from .outcomes import Items, Outcomes
from .sessions import Sittings
from .timeline import Timeline, to_us

__all__ = ["Ids", "assign_ids", "stamps", "user_rows", "session_rows", "response_rows", "criterion_rows",
           "card_rows", "COLUMNS"]

COLUMNS = {
    "users": ("id", "name", "created_at"),
    "quiz_sessions": ("id", "user_id", "kind", "mode", "seed", "title", "settings", "plan", "started_at",
                      "ended_at"),
    "responses": ("id", "session_id", "user_id", "position", "question_id", "family", "variant_seed",
                  "content_hash", "answer", "score", "max_score", "criteria", "feedback", "skipped", "seconds",
                  "rating", "created_at"),
    "criterion_results": ("id", "response_id", "user_id", "question_id", "criterion_id", "awarded", "max_marks",
                          "misconception", "phrase"),
    "review_states": ("user_id", "question_id", "card", "due", "stability", "reviews", "last_review"),
}


def stamps(us: np.ndarray) -> list[str]:
    """Microseconds since the epoch as the naive UTC text the store keeps."""
    text = np.datetime_as_string(np.asarray(us, dtype="datetime64[us]"), unit="us")
    return [t.replace("T", " ") for t in text.tolist()]


@dataclass(frozen=True)
class Ids:
    user: np.ndarray  # id of each student index
    user_created: np.ndarray  # µs
    session: np.ndarray  # id of each session index
    response_order: np.ndarray  # response indexes in id order


def _ids_in_order(*keys: np.ndarray) -> np.ndarray:
    """1-based ids for entries sorted by ``keys`` (the last key sorts first)."""
    order = np.lexsort(keys)
    ids = np.empty(order.size, dtype=np.int64)
    ids[order] = np.arange(1, order.size + 1)
    return ids


def assign_ids(students: int, sittings: Sittings, timeline: Timeline, session_of: np.ndarray) -> Ids:
    users = np.asarray(sittings.user, dtype=np.int64)
    first = np.full(students, np.iinfo(np.int64).max)
    np.minimum.at(first, users, timeline.started)
    first = np.where(first == np.iinfo(np.int64).max, timeline.window_start, first)
    session = _ids_in_order(np.arange(users.size), users, timeline.started)
    position = np.asarray(sittings.item_position, dtype=np.int64)
    order = np.lexsort((position, session[session_of], timeline.created))
    return Ids(_ids_in_order(np.arange(students), first), first, session, order)


def user_rows(names: list[str], ids: Ids) -> Iterator[tuple]:
    created = stamps(ids.user_created)
    for index in np.argsort(ids.user).tolist():
        yield int(ids.user[index]), names[index], created[index]


def session_rows(sittings: Sittings, timeline: Timeline, ids: Ids) -> Iterator[tuple]:
    started, ended = stamps(timeline.started), stamps(np.maximum(timeline.ended, 0))
    for index in np.argsort(ids.session).tolist():
        yield (int(ids.session[index]), int(ids.user[sittings.user[index]]), sittings.kind[index],
               sittings.mode[index], sittings.seed[index], sittings.title[index], sittings.settings[index],
               sittings.plan[index], started[index], ended[index] if timeline.ended[index] >= 0 else None)


def response_rows(course: Course, pool, sittings: Sittings, items: Items, session_of: np.ndarray,
                  timeline: Timeline, outcomes: Outcomes, ids: Ids) -> Iterator[tuple]:
    created = stamps(timeline.created)
    qids = [q.id for q in course.questions]
    hashes = [q.content_hash for q in course.questions]
    for number, i in enumerate(ids.response_order.tolist(), start=1):
        q, f = int(items.question[i]), int(items.family[i])
        yield (number, int(ids.session[session_of[i]]), int(ids.user[items.user[i]]), sittings.item_position[i],
               qids[q], course.families[f] if f >= 0 else None,
               pool[f][sittings.item_variant[i]].seed if f >= 0 else None, hashes[q], outcomes.answer[i],
               float(outcomes.score[i]), float(outcomes.max_score[i]), outcomes.criteria[i], outcomes.feedback[i],
               bool(outcomes.skipped[i]), float(timeline.seconds[i]), outcomes.rating[i], created[i])


def criterion_rows(course: Course, items: Items, outcomes: Outcomes, ids: Ids) -> Iterator[tuple]:
    number = 0
    qids = [q.id for q in course.questions]
    for response_id, i in enumerate(ids.response_order.tolist(), start=1):
        user_id, qid = int(ids.user[items.user[i]]), qids[items.question[i]]
        for criterion, awarded, top, misconception in outcomes.rows[i]:
            number += 1
            phrase = misconception_parts(misconception)[0] if misconception else None
            yield number, response_id, user_id, qid, criterion, awarded, top, misconception, phrase


def card_rows(cards: list[tuple[int, ReviewCard]], ids: Ids) -> Iterator[tuple]:
    due = stamps(np.array([to_us(c.due) for _, c in cards], dtype=np.int64))
    last = stamps(np.array([to_us(c.last_review) for _, c in cards], dtype=np.int64))
    for (student, card), due_at, last_at in zip(cards, due, last):
        yield (int(ids.user[student]), card.question_id, json.dumps(card.card), due_at, card.stability,
               card.reviews, last_at)
