"""Which questions a quiz asks, in what order, for each mode.

- practice and exam: the selected questions in a seeded random order;
- review: questions whose review is due first (most overdue first), then ones
  never answered, then the rest by due date;
- weak: questions of the topics with the lowest mastery first.

With numeric variants on, each question is asked twice in a row: first the
short-answer question, then a numeric variant of it with fresh numbers. The plan
is stored with the session, so a resumed quiz asks exactly the same items.

The plan is drawn with the standard library's ``random.Random`` seeded with the
quiz's seed: NumPy is not needed to show the first question, and importing it
would double the time that takes.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from ..bank import Bank, Question
from ..errors import QuizzerError
from ..store.records import ReviewCard
from . import MODES

__all__ = ["QuizOptions", "Item", "MODES", "select_questions", "order_questions", "make_plan"]



@dataclass(frozen=True)
class QuizOptions:
    user: str
    mode: str = "practice"
    count: int = 10
    module: int | None = None
    topic: str | None = None
    questions: tuple[str, ...] = ()
    numeric: bool = True
    seed: int | None = None
    minutes: float | None = None

    def settings(self) -> dict[str, Any]:
        """What is stored with the session (the seed is stored on its own)."""
        data = asdict(self)
        data.pop("user"), data.pop("seed")
        data["questions"] = list(self.questions)
        return data


@dataclass(frozen=True)
class Item:
    """One thing to answer: a short-answer question, or a numeric variant of it."""

    question_id: str
    family: str | None = None
    seed: int | None = None

    @property
    def numeric(self) -> bool:
        return self.family is not None

    def to_json(self) -> dict[str, Any]:
        return {"question_id": self.question_id, "family": self.family, "seed": self.seed}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Item:
        return cls(str(data["question_id"]), data.get("family"), data.get("seed"))


def select_questions(bank: Bank, options: QuizOptions) -> list[Question]:
    unknown = [q for q in options.questions if bank.get(q) is None]
    if unknown:
        raise QuizzerError(f"No question {', '.join(unknown)} in the bank.", "see `quizzer bank list` for the ids.")
    chosen = bank.select(module=options.module, topic=options.topic, ids=list(options.questions) or None)
    if not chosen:
        raise QuizzerError("No question matches the filters given (--module, --topic, --questions).",
                           "see `quizzer bank list` for what the bank holds.")
    return chosen


def question_weakness(question: Question, topic_mastery: Mapping[str, float],
                      question_mastery: Mapping[str, float]) -> tuple[float, float]:
    topics = [topic_mastery.get(t, 0.0) for t in question.topics] or [0.0]
    return min(topics), question_mastery.get(question.id, 0.0)


def order_questions(questions: list[Question], mode: str, rng: random.Random, now: datetime,
                    cards: Mapping[str, ReviewCard], topic_mastery: Mapping[str, float],
                    question_mastery: Mapping[str, float], keep_order: bool = False) -> list[Question]:
    """``keep_order``: the student named the questions (--questions), so practice and
    exam ask them in that order; review and weak still reorder by need."""
    if mode not in MODES:
        raise QuizzerError(f"Unknown mode {mode!r}; choose one of {', '.join(MODES)}.")
    shuffled = list(questions)
    if not keep_order:
        rng.shuffle(shuffled)
    if mode == "review":
        def review_key(q: Question):
            card = cards.get(q.id)
            if card is None:
                return (1, 0.0)
            return (0 if card.due <= now else 2, card.due.timestamp())
        return sorted(shuffled, key=review_key)
    if mode == "weak":
        return sorted(shuffled, key=lambda q: question_weakness(q, topic_mastery, question_mastery))
    return shuffled


def make_plan(ordered: list[Question], count: int, numeric: bool, rng: random.Random) -> list[Item]:
    """Up to ``count`` items from the ordered questions, numeric variants paired in."""
    if count < 1:
        raise QuizzerError("--count must be at least 1.")
    items: list[Item] = []
    for question in ordered:
        items.append(Item(question.id))
        if numeric and question.variants:
            family = rng.choice(question.variants)
            items.append(Item(question.id, family, rng.randrange(2**31 - 1)))
        if len(items) >= count:
            break
    return items[:count]
