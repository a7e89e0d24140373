"""Running a quiz: start or resume a session, present items, grade, record.

Nothing here reads the keyboard or prints: the terminal front end (and the
tests) drive a ``QuizRun`` by calling ``present``, ``begin`` (once the first
question is on screen), ``submit`` and ``skip``. Each graded answer is committed
at once, with the question's content hash and, for a numeric item, the variant's
family and seed, so the quiz can be resumed, and the answer regraded, exactly.

Three promises a student relies on:
- nothing is asked before the store has taken a write (``begin``): a read-only
  or full store is reported before the first answer is typed, not after;
- an answer that arrives after a timed quiz's end is refused (``TimeUp``), not
  marked or stored;
- the same quiz resumed in two terminals loses no answer: an item answered in
  both is kept twice, the second as one more attempt (``Outcome.note`` says so).
"""

from __future__ import annotations

import random
import secrets
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..scoring import Scorer
    from ..store import Store

from ..bank import Bank, Question
from ..errors import NotFound, QuizzerError
from ..progress.mastery import group_mastery, question_mastery
from ..progress.schedule import rating_for, review
from ..store import NewResponse, SessionInfo, confidence_of
from ..variants.check import check_answer
from .plan import Item, QuizOptions, make_plan, order_questions, select_questions

__all__ = ["QuizEngine", "QuizRun", "Presented", "Outcome", "TimeUp", "utcnow", "TIME_UP_MESSAGE",
           "ANSWERED_ELSEWHERE"]

TIME_UP_MESSAGE = "Time is up; that answer came after the end and was not marked."
ANSWERED_ELSEWHERE = ("This question was also answered in another terminal running this quiz; "
                      "both answers are kept.")


class TimeUp(QuizzerError):
    """An answer arrived after a timed quiz had ended: it was not marked or stored."""

    def __init__(self) -> None:
        super().__init__(TIME_UP_MESSAGE)


def utcnow() -> datetime:
    return datetime.now(UTC)


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
    note: str = ""  # something the student should know about how it was kept (ANSWERED_ELSEWHERE)

    @property
    def full(self) -> bool:
        return self.score >= self.max


class QuizEngine:
    """Starts and resumes quizzes over one bank and one store.

    Made with ``opening``, the engine opens the store when it is first needed: a
    new quiz shows its first question before that, and ``QuizRun.begin`` opens it
    while the student reads. The scorer is built on a background thread meanwhile
    (``warm_up``); nothing is graded before it is ready.
    """

    def __init__(self, bank: Bank, store: Store | None, now: Callable[[], datetime] = utcnow,
                 scorer_factory: Callable[[], Any] | None = None) -> None:
        self.bank = bank
        self._store = store  # None only for an engine made by ``opening``
        self._open_store: Callable[[], Store] | None = None
        self.now = now
        self._scorer_factory = scorer_factory
        self._scorer: Scorer | None = None
        self._lock = threading.Lock()  # the scorer may be asked for while warm_up builds it
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quizzer-start")

    @classmethod
    def opening(cls, bank: Bank, open_store: Callable[[], Store], now: Callable[[], datetime] = utcnow,
                scorer_factory: Callable[[], Any] | None = None) -> QuizEngine:
        """An engine that calls ``open_store`` the first time it needs the store."""
        engine = cls(bank, None, now=now, scorer_factory=scorer_factory)
        engine._open_store = open_store
        return engine

    @property
    def store(self) -> Store:
        if self._store is None:
            assert self._open_store is not None, "an engine without a store is made by opening()"
            self._store = self._open_store()
        return self._store

    def scorer(self) -> Scorer:
        with self._lock:
            if self._scorer is None:
                if self._scorer_factory is None:
                    from ..scoring import Scorer

                    self._scorer = Scorer(self.bank)
                else:
                    self._scorer = self._scorer_factory()
            return self._scorer

    def warm_up(self) -> None:
        """Build the scorer in the background while the student reads."""
        self._background.submit(self.scorer)

    def close(self) -> None:
        self._background.shutdown(wait=True, cancel_futures=True)

    def start(self, options: QuizOptions) -> QuizRun:
        seed = options.seed if options.seed is not None else secrets.randbelow(2**31)
        rng = random.Random(seed)
        questions = select_questions(self.bank, options)
        cards, topic_m, question_m = {}, {}, {}
        if options.mode in ("review", "weak"):
            cards = self.store.review_cards(options.user)
            question_m = question_mastery(self.store.responses(user=options.user))
            topic_m = group_mastery(self.bank, question_m)
        ordered = order_questions(questions, options.mode, rng, self.now(), cards, topic_m, question_m,
                                  keep_order=bool(options.questions))
        plan = make_plan(ordered, options.count, options.numeric, rng)
        started_at = self.now()

        def begin() -> SessionInfo:
            return self.store.start_session(options.user, kind="quiz", mode=options.mode, seed=seed,
                                            plan=[i.to_json() for i in plan], settings=options.settings(),
                                            now=started_at)

        return QuizRun(self, plan, options.user, options.mode, seed, options.settings(), started_at, write=begin)

    def resume(self, user: str) -> QuizRun:
        info = self.store.unfinished_session(user)
        if info is None:
            raise NotFound(f"{user} has no unfinished quiz to resume.", "start one with `quizzer quiz`.")
        return QuizRun.resuming(self, info)


class QuizRun:
    """One session in progress: a new one (``write`` stores it, see ``begin``), or
    a stored one resumed (``resuming``)."""

    def __init__(self, engine: QuizEngine, items: Iterable[Item], user: str, mode: str, seed: int,
                 settings: dict, started_at: datetime, *, write: Callable[[], SessionInfo] | None = None,
                 info: SessionInfo | None = None) -> None:
        self.engine = engine
        self._begin, self._info = write, info
        self._checked = False  # whether begin() has proved the store takes writes
        self.items, self.user, self.mode, self.seed = list(items), user, mode, seed
        self.settings, self.started_at = dict(settings), started_at
        self.answered: set[int] = set()
        self.score, self.max = 0.0, 0.0

    @classmethod
    def resuming(cls, engine: QuizEngine, info: SessionInfo) -> QuizRun:
        """The stored session ``info``, with what was answered so far."""
        run = cls(engine, [Item.from_json(i) for i in info.plan], info.user, info.mode, info.seed,
                  info.settings, info.started_at, info=info)
        done = engine.store.responses(session_id=info.id)
        run.answered = {r.position for r in done}
        run.score = sum(r.score for r in done)
        run.max = sum(r.max_score for r in done)
        return run

    def begin(self) -> SessionInfo:
        """Write the session now: a new one is created and committed, a resumed one
        is rewritten. Call it once the first question is on screen and before the
        student types: opening the store then costs the student nothing, and a
        store that cannot take a write (read-only, disk full) raises its
        ``QuizzerError`` before any answer could be lost."""
        if self._checked:
            return self.info
        if self._info is None:
            assert self._begin is not None, "a run with no stored session yet is a new one, made with a way to write it"
            self._info = self._begin()
        else:
            self.engine.store.check_writable(self._info.id)
        self._checked = True
        return self._info

    @property
    def info(self) -> SessionInfo:
        """The stored session (written now if it is new)."""
        return self._info if self._info is not None else self.begin()

    @property
    def resumed(self) -> bool:
        return self._begin is None

    @property
    def minutes(self) -> float | None:
        return self.settings.get("minutes")

    def pending(self) -> list[int]:
        return [p for p in range(len(self.items)) if p not in self.answered]

    def seconds_left(self) -> float | None:
        if not self.minutes:
            return None
        elapsed = (self.engine.now() - self.started_at).total_seconds()
        return self.minutes * 60 - elapsed

    def time_up(self) -> bool:
        """Whether a timed quiz has ended (an untimed one never does)."""
        left = self.seconds_left()
        return left is not None and left <= 0

    def present(self, position: int) -> Presented:
        item = self.items[position]
        question = self.engine.bank.get(item.question_id)
        if question is None:
            raise NotFound(f"Question {item.question_id} of this quiz is no longer in the bank.")
        number, total = position + 1, len(self.items)
        if item.numeric:
            from ..variants import generate

            assert item.family is not None and item.seed is not None, "a numeric item carries its family and seed"
            variant = generate(item.family, item.seed)
            return Presented(position, number, total, item, question, variant.prompt, 1.0, variant)
        return Presented(position, number, total, item, question, question.prompt, question.marks)

    def submit(self, presented: Presented, text: str, seconds: float = 0.0) -> Outcome:
        """Grade and commit an answer. An unreadable numeric answer raises
        ``AnswerError`` and records nothing, so the student can type it again; an
        answer that arrives after a timed quiz's end raises ``TimeUp`` and is
        neither marked nor stored (the item then counts as unanswered)."""
        if self.time_up():
            raise TimeUp()
        if presented.numeric:
            outcome = self._check_numeric(presented, text)
        else:
            result = self.engine.scorer().grade(presented.question, text)
            criteria = [c.to_json() for c in result.criteria]
            outcome = Outcome(presented.item, result.score, result.max, result.feedback, criteria, result=result)
        return self._record(presented, text, outcome, seconds)

    def _check_numeric(self, presented: Presented, text: str) -> Outcome:
        check = check_answer(presented.variant, text)
        if check.error:
            from ..errors import AnswerError

            raise AnswerError(check.error)
        return Outcome(presented.item, float(check.score), float(check.max), check.feedback,
                       solution=presented.variant.solution, result=check)

    def skip(self, presented: Presented, seconds: float = 0.0) -> Outcome:
        """Record the item as not answered (0 marks). After a timed quiz's end this
        is what every unanswered item becomes, so a late skip is kept as that:
        "Time was up." rather than the student's skip."""
        feedback = "Time was up." if self.time_up() else "Skipped."
        outcome = Outcome(presented.item, 0.0, presented.marks, feedback, skipped=True,
                          solution=presented.variant.solution if presented.numeric else ())
        return self._record(presented, "", outcome, seconds)

    def _record(self, presented: Presented, text: str, outcome: Outcome, seconds: float) -> Outcome:
        engine, item = self.engine, presented.item
        now = engine.now()
        rating = rating_for(outcome.score, outcome.max, outcome.criteria, outcome.skipped)
        previous = engine.store.review_cards(self.user).get(item.question_id)
        card = review(previous, item.question_id, rating, now)
        session_id = self.info.id
        kept_at = engine.store.record_answer(session_id, NewResponse(
            position=presented.position, question_id=item.question_id,
            content_hash=presented.question.content_hash, answer=text, score=outcome.score,
            max_score=outcome.max, criteria=outcome.criteria, feedback=outcome.feedback,
            family=item.family, variant_seed=item.seed, skipped=outcome.skipped,
            seconds=round(seconds, 2), rating=rating, **confidence_of(outcome.result)), now, card)
        self.answered.add(presented.position)
        if kept_at != presented.position:  # answered in another terminal too: kept as one more attempt
            # positions up to it were added (and answered) by the other terminals
            self.answered.update(range(len(self.items), kept_at + 1))
            self.items += [item] * (kept_at + 1 - len(self.items))
            outcome = replace(outcome, note=ANSWERED_ELSEWHERE)
        self.score += outcome.score
        self.max += outcome.max
        return outcome

    def finish(self) -> SessionInfo:
        self.engine.store.finish_session(self.info.id, self.engine.now())
        self._info = self.engine.store.session(self.info.id)
        return self._info
