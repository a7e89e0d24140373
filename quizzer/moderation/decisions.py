"""A teacher's decision, turned into marks the store keeps.

A decision is a total, marks per criterion, or both, and a comment for the
student. Marks are whole or half marks between 0 and the criterion's (or the
question's) maximum: anything else is refused with a message that says what is
allowed, before anything is written. A total given without criteria is split
over the criteria in the scorer's own proportions (by their maximum where the
scorer gave nothing), in half marks, and the result says so. Accepting the
scorer's mark is a decision too: it is recorded, the answer leaves the queue,
and it counts as agreement when teachers and the scorer are compared.

A change to an answer of a printed exam also rewrites that exam's ``marks.csv``
and result pages (``commit`` and ``undo``, through ``sheets.refresh``), so the
files a teacher hands out never lag behind the store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import QuizzerError
from ..store import MarkChange, ResponseRecord

if TYPE_CHECKING:
    from ..sheets.refresh import ExamOutputs

__all__ = ["Decision", "read_mark", "split_total", "change_for", "decide", "accept", "undo", "commit",
           "TEACHER_REASON"]

TEACHER_REASON = "marked by a teacher"


@dataclass(frozen=True)
class Decision:
    total: float | None = None
    criteria: Mapping[str, float | str] | None = None  # criterion id -> marks (typed text is checked)
    comment: str = ""


def read_mark(text: str, maximum: float, what: str) -> float:
    """A mark typed by a teacher, checked: a number, in half steps, 0..maximum."""
    cleaned = str(text).strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise QuizzerError(f"{what}: {text!r} is not a mark.", f"give a number of marks from 0 to {maximum:g} "
                                                             "in half steps, such as 1.5.") from None
    if not math.isfinite(value) or value < 0:
        raise QuizzerError(f"{what}: {text!r} is not a mark from 0 to {maximum:g}.",
                           f"give a number of marks from 0 to {maximum:g}.")
    if value > maximum + 1e-9:
        raise QuizzerError(f"{what}: {value:g} is above the maximum of {maximum:g}.",
                           f"give at most {maximum:g}.")
    if abs(value * 2 - round(value * 2)) > 1e-9:
        raise QuizzerError(f"{what}: {value:g} is not in half marks.",
                           f"use whole or half marks, such as {math.floor(value * 2) / 2:g} or "
                           f"{math.ceil(value * 2) / 2:g}.")
    return round(value * 2) / 2 + 0.0  # + 0.0: "-0" is 0


def split_total(criteria: Sequence[Mapping[str, Any]], total: float) -> list[float]:
    """``total`` over the criteria, in half marks, each within its maximum, summing
    exactly to ``total``: in proportion to what the scorer awarded, or to the
    criteria's maxima where it awarded nothing. Whole shares first, then single
    half marks to the largest share; a criterion that is full passes its share on."""
    room = [round(float(c.get("max", 0)) * 2) for c in criteria]
    halves = round(total * 2)
    if halves > sum(room):
        raise QuizzerError(f"A total of {total:g} is more than the criteria's {sum(room) / 2:g} marks.")
    awarded = [float(c.get("awarded", 0)) for c in criteria]
    weights = awarded if sum(awarded) > 0 else [r / 2 for r in room]
    shares = [0] * len(criteria)
    left = halves
    while left > 0:
        open_ = [i for i in range(len(criteria)) if shares[i] < room[i]]
        w = [weights[i] for i in open_]
        if sum(w) <= 0:
            w = [float(room[i] - shares[i]) for i in open_]
        ideal = [left * x / sum(w) for x in w]
        step = [min(int(v), room[i] - shares[i]) for v, i in zip(ideal, open_, strict=True)]
        if sum(step) == 0:
            step[max(range(len(open_)), key=lambda k: (ideal[k], -k))] = 1
        for k, i in enumerate(open_):
            shares[i] += step[k]
        left -= sum(step)
    return [s / 2 for s in shares]


def change_for(response: ResponseRecord, decision: Decision) -> tuple[MarkChange, str]:
    """The store change for one answer, and a note when the total was split."""
    from ..limits import MAX_COMMENT_CHARS

    if len(decision.comment) > MAX_COMMENT_CHARS:
        raise QuizzerError(f"The comment has {len(decision.comment):,} characters; at most {MAX_COMMENT_CHARS:,} "
                           "are kept.", "shorten it.")
    criteria = [dict(c) for c in response.criteria or []]
    note = ""
    if decision.criteria:
        known = {str(c.get("id")): c for c in criteria}
        for cid, value in decision.criteria.items():
            if cid not in known:
                raise QuizzerError(f"Answer {response.id} ({response.question_id}) has no criterion {cid!r}.",
                                   f"its criteria are {', '.join(known) or 'none'}.")
            maximum = float(known[cid].get("max", 0))
            mark = read_mark(str(value), maximum, f"answer {response.id}, criterion {cid}")
            if mark != float(known[cid].get("awarded", 0)):
                known[cid]["awarded"] = mark
                known[cid]["reason"] = TEACHER_REASON
        total = sum(float(c.get("awarded", 0)) for c in criteria)
        if decision.total is not None and abs(decision.total - total) > 1e-9:
            raise QuizzerError(f"Answer {response.id}: the total {decision.total:g} is not the sum of the criteria's "
                               f"marks ({total:g}).", "leave the total empty, or make the criteria add up to it.")
    elif decision.total is not None:
        total = read_mark(str(decision.total), response.max_score, f"answer {response.id}")
        if criteria and abs(total - response.score) > 1e-9:
            for c, share in zip(criteria, split_total(criteria, total), strict=True):
                if share != float(c.get("awarded", 0)):
                    c["awarded"], c["reason"] = share, TEACHER_REASON
            note = ("split over the criteria in the scorer's proportions: "
                    + ", ".join(f"{c.get('id')} {float(c.get('awarded', 0)):g}" for c in criteria))
    else:
        total = response.score  # accepting the scorer's mark
    return MarkChange(response.id, total, criteria, decision.comment, expected_score=response.score,
                      expected_override=response.override_id), note


def decide(responses: Iterable[ResponseRecord], decision: Decision) -> tuple[list[MarkChange], list[str]]:
    """One decision for every answer of a group (they answer the same question);
    a note said of several answers is said once, with their ids."""
    changes = []
    noted: dict[str, list[int]] = {}
    for response in responses:
        change, note = change_for(response, decision)
        changes.append(change)
        if note:
            noted.setdefault(note, []).append(response.id)
    notes = [f"{'answer' if len(ids) == 1 else 'answers'} {', '.join(map(str, ids))}: {note}"
             for note, ids in noted.items()]
    return changes, notes


def commit(store, changes: Sequence[MarkChange], moderator: str, now: datetime,
           outputs: list[ExamOutputs] | None = None) -> list[int]:
    """Write the changes in one transaction, re-rating practice answers for spaced
    repetition; returns the override ids. Then the printed exams the answers
    belong to get their ``marks.csv`` and result pages rewritten
    (``sheets.refresh``); what that did, or why it could not, is added to
    ``outputs`` when given. A folder that cannot be rewritten never takes the
    change back: it is stored, and the outputs say how to rewrite the files."""
    from ..progress.schedule import rescheduling

    ids = store.moderate(changes, moderator, now, rescheduling())
    _rewrite_exams(store, [c.response_id for c in changes], outputs)
    return ids


def accept(store, responses: Iterable[ResponseRecord], moderator: str, now: datetime,
           comment: str = "", outputs: list[ExamOutputs] | None = None) -> list[int]:
    """Record that a teacher agrees with the scorer's marks."""
    changes, _ = decide(responses, Decision(comment=comment))
    return commit(store, changes, moderator, now, outputs)


def undo(store, response_ids: Sequence[int], now: datetime, outputs: list[ExamOutputs] | None = None,
         expected: Mapping[int, int] | None = None) -> int:
    """Give answers back to the scorer's (or the earlier) mark; printed exams'
    files are rewritten as after ``commit``."""
    from ..progress.schedule import rescheduling

    undone = store.undo_override(response_ids, now, rescheduling(), expected)
    _rewrite_exams(store, response_ids, outputs)
    return undone


def _rewrite_exams(store, response_ids: Sequence[int], outputs: list[ExamOutputs] | None) -> None:
    from ..sheets.refresh import refresh_after_answers  # pages and templates, only when a mark changed

    if not response_ids:
        return
    done = refresh_after_answers(store, response_ids)
    if outputs is not None:
        outputs.extend(done)
