"""Running a quiz: start or resume a session, present items, grade, record.

Nothing here reads the keyboard or prints: the terminal front end (and the
tests) drive a ``QuizRun`` by calling ``present``, ``submit`` and ``skip``. Each
graded answer is committed at once, with the question's content hash and, for a
numeric item, the variant's family and seed, so the quiz can be resumed, and
the answer regraded, exactly.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..bank import Bank, Question
from ..errors import NotFound
from ..progress import group_mastery, question_mastery
from ..review import rating_for, review
from ..store import NewResponse, SessionInfo, Store
from .plan import Item, QuizOptions, make_plan, order_questions, select_questions

__all__ = ["QuizEngine", "QuizRun", "Presented", "Outcome", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Presented:
    position: int
    number: int  # 1-based, for "Question 3 of 10"
    total: int
    item: Item
    question: Question
    text: str
    marks: float
    variant: Any = None  # the numeric Variant, for a numeric item

    @property
    def numeric(self) -> bool:
        return self.variant is not None


@dataclass(frozen=True)
class Outcome:
    item: Item
    score: float
    max: float
    feedback: str
    criteria: list[dict[str, Any]] = field(default_factory=list)
    skipped: bool = False
    solution: tuple[str, ...] = ()
    result: Any = None  # the scorer's GradeResult or the checker's CheckResult

    @property
    def full(self) -> bool:
        return self.score >= self.max


class QuizEngine:
    """Starts and resumes quizzes over one bank and one store."""

    def __init__(self, bank: Bank, store: Store, now: Callable[[], datetime] = utcnow,
                 scorer_factory: Callable[[], Any] | None = None) -> None:
        self.bank = bank
        self.store = store
        self.now = now
        self._scorer_factory = scorer_factory
        self._scorer = None

    def scorer(self):
        if self._scorer is None:
            if self._scorer_factory is None:
                from ..scoring import Scorer

                self._scorer = Scorer(self.bank)
            else:
                self._scorer = self._scorer_factory()
        return self._scorer

    def start(self, options: QuizOptions) -> "QuizRun":
        import numpy as np

        seed = options.seed if options.seed is not None else secrets.randbelow(2**31)
        rng = np.random.default_rng(seed)
        questions = select_questions(self.bank, options)
        cards, topic_m, question_m = {}, {}, {}
        if options.mode in ("review", "weak"):
            cards = self.store.review_cards(options.user)
            question_m = question_mastery(self.store.responses(user=options.user))
            topic_m = group_mastery(self.bank, question_m)
        ordered = order_questions(questions, options.mode, rng, self.now(), cards, topic_m, question_m,
                                  keep_order=bool(options.questions))
        plan = make_plan(ordered, options.count, options.numeric, rng)
        info = self.store.start_session(options.user, kind="quiz", mode=options.mode, seed=seed,
                                        plan=[i.to_json() for i in plan], settings=options.settings(),
                                        now=self.now())
        return QuizRun(self, info)

    def resume(self, user: str) -> "QuizRun":
        info = self.store.unfinished_session(user)
        if info is None:
            raise NotFound(f"{user} has no unfinished quiz to resume.", "start one with `quizzer quiz`.")
        return QuizRun(self, info)


class QuizRun:
    """One session in progress."""

    def __init__(self, engine: QuizEngine, info: SessionInfo) -> None:
        self.engine = engine
        self.info = info
        self.items = [Item.from_json(i) for i in info.plan]
        done = engine.store.responses(session_id=info.id)
        self.answered = {r.position for r in done}
        self.score = sum(r.score for r in done)
        self.max = sum(r.max_score for r in done)

    @property
    def minutes(self) -> float | None:
        return self.info.settings.get("minutes")

    @property
    def mode(self) -> str:
        return self.info.mode

    def pending(self) -> list[int]:
        return [p for p in range(len(self.items)) if p not in self.answered]

    def seconds_left(self) -> float | None:
        if not self.minutes:
            return None
        elapsed = (self.engine.now() - self.info.started_at).total_seconds()
        return self.minutes * 60 - elapsed

    def present(self, position: int) -> Presented:
        item = self.items[position]
        question = self.engine.bank.get(item.question_id)
        if question is None:
            raise NotFound(f"Question {item.question_id} of this quiz is no longer in the bank.")
        number, total = position + 1, len(self.items)
        if item.numeric:
            from ..variants import generate

            variant = generate(item.family, item.seed)
            return Presented(position, number, total, item, question, variant.prompt, 1.0, variant)
        return Presented(position, number, total, item, question, question.prompt, question.marks)

    def submit(self, presented: Presented, text: str, seconds: float = 0.0) -> Outcome:
        """Grade and commit an answer. An unreadable numeric answer raises
        ``AnswerError`` and records nothing, so the student can type it again."""
        if presented.numeric:
            outcome = self._check_numeric(presented, text)
        else:
            result = self.engine.scorer().grade(presented.question, text)
            criteria = [c.to_json() for c in result.criteria]
            outcome = Outcome(presented.item, result.score, result.max, result.feedback, criteria, result=result)
        self._record(presented, text, outcome, seconds)
        return outcome

    def _check_numeric(self, presented: Presented, text: str) -> Outcome:
        from ..answers import check_answer

        check = check_answer(presented.variant, text)
        if check.error:
            from ..errors import AnswerError

            raise AnswerError(check.error)
        return Outcome(presented.item, float(check.score), float(check.max), check.feedback,
                       solution=presented.variant.solution, result=check)

    def skip(self, presented: Presented, seconds: float = 0.0) -> Outcome:
        outcome = Outcome(presented.item, 0.0, presented.marks, "Skipped.", skipped=True,
                          solution=presented.variant.solution if presented.numeric else ())
        self._record(presented, "", outcome, seconds)
        return outcome

    def _record(self, presented: Presented, text: str, outcome: Outcome, seconds: float) -> None:
        engine, item = self.engine, presented.item
        now = engine.now()
        rating = rating_for(outcome.score, outcome.max, outcome.criteria, outcome.skipped)
        previous = engine.store.review_cards(self.info.user).get(item.question_id)
        card = review(previous, item.question_id, rating, now)
        engine.store.record(self.info.id, NewResponse(
            position=presented.position, question_id=item.question_id,
            content_hash=presented.question.content_hash, answer=text, score=outcome.score,
            max_score=outcome.max, criteria=outcome.criteria, feedback=outcome.feedback,
            family=item.family, variant_seed=item.seed, skipped=outcome.skipped,
            seconds=round(seconds, 2), rating=rating), now, card)
        self.answered.add(presented.position)
        self.score += outcome.score
        self.max += outcome.max

    def finish(self) -> SessionInfo:
        self.engine.store.finish_session(self.info.id, self.engine.now())
        self.info = self.engine.store.session(self.info.id)
        return self.info
