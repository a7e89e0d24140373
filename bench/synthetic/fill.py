"""Fill a store with a class's worth of realistic practice: ``fill``.

Everything is drawn from one ``numpy.random.default_rng(seed)`` (and, per
student, a ``random.Random`` derived from the seed), so the same seed, bank,
sizes and ``now`` give the same rows, id for id.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from quizzer.bank import Bank
from quizzer.errors import QuizzerError
from quizzer.store import Store

from . import rows
from .cards import make_cards
from .course import make_course
from .numeric import make_pool
from .outcomes import Items, mark_items
from .people import make_students
from .sessions import plan_exams, plan_sittings
from .timeline import make_timeline, to_us

__all__ = ["FillSummary", "fill"]


@dataclass(frozen=True)
class FillSummary:
    users: int
    sessions: int
    unfinished: int  # quiz sessions left part way (ended_at NULL)
    responses: int
    criterion_results: int
    review_states: int
    exams: tuple[tuple[str, str], ...]  # (exam id, title): the title of its sessions, and the exam's name
    seconds: float  # generating and writing

    @property
    def rows(self) -> int:
        return self.users + self.sessions + self.responses + self.criterion_results + self.review_states


@contextmanager
def _store(target: str | Store) -> Iterator[Store]:
    """The store at a URL (opened, and migrated), or a store already open."""
    if isinstance(target, str):
        with Store(target) as store:
            yield store
    else:
        yield target


def _check(users: int, responses: int, now: datetime) -> None:
    if users < 1:
        raise QuizzerError(f"users must be at least 1 (got {users}).")
    if responses < 0:
        raise QuizzerError(f"responses cannot be negative (got {responses}).")
    if now.tzinfo is None:
        raise QuizzerError("now must be an aware time (UTC), not a naive one.")


def fill(target: str | Store, bank: Bank, *, users: int = 1000, responses: int = 1_000_000,
         seed: int = 0, now: datetime, replace: bool = False) -> FillSummary:
    """Write ``users`` students and exactly ``responses`` answers, in one transaction
    that also rebuilds the store's running summaries from them.

    ``target`` is a database URL or a ``Store``. A database that
    already has users is refused (``QuizzerError``, nothing written) unless
    ``replace``, which empties every table first.
    """
    _check(users, responses, now)
    started = time.perf_counter()
    with _store(target) as store, store.bulk_load(replace) as writer:  # which also rebuilds the summaries
        sittings, criteria, cards, timeline, session_of, exams = _write(writer, bank, users, responses, seed, now)
    unfinished = int(np.sum(timeline.ended < 0))
    return FillSummary(users, len(sittings.user), unfinished, int(session_of.size), criteria, len(cards),
                       tuple((e.exam_id, e.title) for e in exams), time.perf_counter() - started)


def _write(writer, bank: Bank, users: int, responses: int, seed: int, now: datetime):
    """Plan the class and write its rows; returns what ``fill`` reports."""
    rng = np.random.default_rng(seed)
    course = make_course(bank, rng)
    pool = make_pool(course.families, rng)
    students = make_students(users, course.topic_of.shape[1], rng)
    exams = plan_exams(course, users, responses, now, rng)
    on_exams = sum(exam.items * len(exam.takers) for exam in exams)
    budget = rng.multinomial(responses - on_exams, students.activity / students.activity.sum())
    strength = students.topic @ course.topic_of.T
    sittings = plan_sittings(course, pool, students.names, strength, budget, exams, seed)
    timeline = make_timeline(sittings, exams, users, now, rng)
    session_of = np.repeat(np.arange(len(sittings.user)), sittings.answered)
    items = Items(user=np.asarray(sittings.user, dtype=np.int64)[session_of],
                  question=np.asarray(sittings.item_question, dtype=np.int64),
                  family=np.asarray(sittings.item_family, dtype=np.int64),
                  variant=np.asarray(sittings.item_variant, dtype=np.int64),
                  missing=np.asarray(sittings.item_missing, dtype=bool),
                  exam=np.asarray(sittings.exam, dtype=np.int64)[session_of] >= 0,
                  created=timeline.created)
    outcomes = mark_items(course, pool, students, items, (timeline.window_start, to_us(now)), rng)
    cards = make_cards(items.user, items.question, items.created, outcomes.rating,
                       [q.id for q in course.questions])
    ids = rows.assign_ids(users, sittings, timeline, session_of)
    write = lambda name, produced: writer.write(name, rows.COLUMNS[name], produced)  # noqa: E731
    write("users", rows.user_rows(students.names, ids))
    write("quiz_sessions", rows.session_rows(sittings, timeline, ids))
    write("responses", rows.response_rows(course, pool, sittings, items, session_of, timeline, outcomes, ids))
    criteria = write("criterion_results", rows.criterion_rows(course, items, outcomes, ids))
    write("review_states", rows.card_rows(cards, ids))
    return sittings, criteria, cards, timeline, session_of, exams
