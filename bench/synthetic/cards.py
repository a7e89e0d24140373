"""Review cards made the way the quiz makes them: by FSRS, from the ratings given.

A quiz moves the student's card for a question after every answer to it (short
answer or numeric variant); an exam does not. Replaying a whole history is slow
and changes little, so each card is rebuilt from its last ``REPLAY`` ratings at
their real times; its review count is the whole history's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np

from quizzer.progress.schedule import review
from quizzer.store.records import ReviewCard

from .timeline import EPOCH

__all__ = ["make_cards", "REPLAY"]

REPLAY = 5


def _moment(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def make_cards(user: np.ndarray, question: np.ndarray, created: np.ndarray, rating: list[int | None],
               question_ids: list[str]) -> list[tuple[int, ReviewCard]]:
    """(student index, card) for every student and question answered in a quiz."""
    rated = np.flatnonzero(np.array([r is not None for r in rating], dtype=bool))
    order = rated[np.lexsort((created[rated], question[rated], user[rated]))]
    if order.size == 0:
        return []
    pairs = user[order] * (question.max() + 1) + question[order]
    cuts = np.flatnonzero(np.diff(pairs)) + 1
    cards = []
    for group in np.split(order, cuts):
        card = None
        qid = question_ids[int(question[group[0]])]
        for index in group[-REPLAY:].tolist():
            card = review(card, qid, rating[index], _moment(int(created[index])))
        cards.append((int(user[group[0]]), replace(card, reviews=int(group.size))))
    return cards
