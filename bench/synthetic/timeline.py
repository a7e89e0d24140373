"""When everything happened: sessions over the 90 days before ``now``.

Each student joins in the first three weeks and spreads their quizzes over the
rest of the window, mostly in the evening (times are UTC; think of the class as
being on UTC); a student's quizzes never overlap. Within a quiz an answer
takes a lognormal time to write (about 75 s for a short answer, 45 s for a
number) and the next question follows after the feedback is read, so
``created_at`` increases within a session. Exams are recorded as ``quizzer exam
grade`` records them: every answer, the start and the end at the grading time,
with no time spent.

Times are integer microseconds since the epoch (UTC) in NumPy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from .sessions import Exam, Sittings

__all__ = ["Timeline", "WINDOW", "EPOCH", "make_timeline", "to_us"]

WINDOW = timedelta(days=90)
JOIN_WITHIN = 21 * 86400.0  # seconds after the window opens by which everyone has started
PAUSE = 60.0  # at least this long between two quizzes of a student
DAY = 86400.0


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(moment: datetime) -> int:
    """An aware time as integer microseconds since the epoch (exact)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class Timeline:
    started: np.ndarray  # (S,) µs
    ended: np.ndarray  # (S,) µs, -1 for an unfinished session
    created: np.ndarray  # (R,) µs
    seconds: np.ndarray  # (R,) time spent answering, 2 decimals
    window_start: int  # µs


def _answer_seconds(sittings: Sittings, rng: np.random.Generator) -> np.ndarray:
    numeric = np.asarray(sittings.item_family) >= 0
    short = rng.lognormal(np.log(75.0), 0.55, numeric.size).clip(15, 900)
    number = rng.lognormal(np.log(45.0), 0.6, numeric.size).clip(8, 900)
    return np.round(np.where(numeric, number, short), 2)


def _study_times(count: int, join: float, end: float, rng: np.random.Generator) -> np.ndarray:
    """Moments (s) between ``join`` and ``end`` at the hours students study: mostly evenings, some afternoons."""
    moments = np.full(count, np.nan)
    for _ in range(20):  # redraw those outside the window
        outside = np.flatnonzero(~((moments >= join) & (moments <= end)))
        if not outside.size:
            break
        days = rng.integers(int(join // DAY), int(end // DAY) + 1, outside.size)
        evening = rng.random(outside.size) < 0.6
        hours = np.where(evening, rng.normal(19.5, 2.0, outside.size), rng.normal(13.0, 2.5, outside.size)) % 24
        moments[outside] = days * DAY + hours * 3600
    return np.clip(np.nan_to_num(moments, nan=join), join, end)


def _quiz_starts(durations: np.ndarray, join: float, end: float, rng: np.random.Generator) -> np.ndarray:
    """Start times (s) of one student's quizzes, in order, none overlapping, all before ``end``.

    Each quiz starts at a study time unless the one before is still running; if
    that pushes the last past ``end`` (a very busy student), the quizzes are
    spread evenly instead, starting earlier than ``join`` if they must."""
    busy = durations + PAUSE
    before = np.concatenate([[0.0], np.cumsum(busy)[:-1]])  # time taken by the earlier quizzes
    wanted = np.sort(_study_times(busy.size, join, end - busy.sum() / max(busy.size, 1), rng))
    starts = before + np.maximum.accumulate(wanted - before)
    if starts.size and starts[-1] + busy[-1] <= end:
        return starts
    join = min(join, end - busy.sum())
    return join + np.sort(rng.uniform(0.0, end - join - busy.sum(), busy.size)) + before


def make_timeline(sittings: Sittings, exams: list[Exam], students: int, now: datetime,
                  rng: np.random.Generator) -> Timeline:
    session_of = np.repeat(np.arange(len(sittings.user)), sittings.answered)
    exam_of = np.asarray(sittings.exam, dtype=np.int64)
    in_exam = exam_of[session_of] >= 0
    seconds = np.where(in_exam, 0.0, _answer_seconds(sittings, rng))
    reading = np.where(in_exam, 0.0, rng.lognormal(np.log(10.0), 0.5, seconds.size))
    cost = seconds + reading
    durations = np.bincount(session_of, cost, minlength=len(sittings.user))

    end, start = now.timestamp() - 600.0, (now - WINDOW).timestamp()
    started = np.zeros(len(sittings.user))
    users = np.asarray(sittings.user, dtype=np.int64)
    joins = start + rng.uniform(0.0, JOIN_WITHIN, students)
    quizzes = np.flatnonzero(exam_of < 0)
    for student, sessions in zip(*_group(users[quizzes], quizzes)):
        started[sessions] = _quiz_starts(durations[sessions], joins[student], end, rng)
    exams_at = np.array([e.graded_at.timestamp() for e in exams] or [0.0])
    started[exam_of >= 0] = exams_at[exam_of[exam_of >= 0]]

    spent = np.cumsum(cost)
    first = np.cumsum(sittings.answered) - np.asarray(sittings.answered)
    before = np.where(first > 0, spent[np.maximum(first - 1, 0)] if spent.size else 0.0, 0.0)
    created = started[session_of] + spent - before[session_of]
    finished = np.asarray(sittings.answered) == np.asarray(sittings.planned)
    ended = np.where(finished, started + durations + np.where(exam_of < 0, rng.uniform(1, 30, started.size), 0), -1)
    as_us = lambda seconds_: np.round(seconds_ * 1_000_000).astype(np.int64)  # noqa: E731
    return Timeline(as_us(started), np.where(ended < 0, -1, as_us(ended)), as_us(created), seconds, to_us(now - WINDOW))


def _group(keys: np.ndarray, values: np.ndarray) -> tuple[list[int], list[np.ndarray]]:
    """``values`` split by ``keys`` (stable), as (key, values) pairs."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    cuts = np.flatnonzero(np.diff(keys)) + 1
    groups = np.split(values, cuts)
    return [int(k[0]) for k in np.split(keys, cuts) if k.size], [g for g in groups if g.size]
