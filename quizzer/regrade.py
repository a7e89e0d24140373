"""Re-score stored answers after a teacher edits the bank (like Moodle's regrade).

By default only the answers that can change are read: those graded with another
version of their question (the question's content hash differs from the one
stored with the answer); ``everything`` regrades every answer (after upgrading
Quizzer, whose scorer may have changed). Answers are streamed from the store a
batch at a time and graded with the scorer's batch path, on several cores when
``jobs`` > 1 (worker processes forked with the scorer already built), so memory
stays flat at any store size. ``plan_batches`` yields what would change, batch by
batch, in id order; ``apply_regrade`` writes one batch in one transaction and
keeps each old score in the regrade history, so a regrade killed at any moment
leaves every answer old or new, and running it again finishes the job (the
answers already done carry the new hash). A mark a teacher set (moderation) is
never replaced: its change is planned as ``kept``, so the teacher sees what the
scorer would now give, and nothing is written for it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from .bank import Bank
from .parallel import ordered_map
from .store import ResponseRecord, Store, confidence_of

__all__ = ["Change", "plan_batches", "plan_regrade", "apply_regrade", "regrade_scope", "BATCH"]

BATCH = 1000  # answers read, graded and written together


@dataclass(frozen=True)
class Change:
    response: ResponseRecord
    new_score: float
    new_criteria: list
    new_feedback: str
    new_hash: str
    new_confidence: dict = field(default_factory=dict)  # confidence_of the new grade

    @property
    def kept(self) -> bool:
        """A moderated mark: the teacher's stays, whatever the scorer now gives."""
        return self.response.moderated

    @property
    def delta(self) -> float:
        return self.new_score - self.response.score


def regrade_scope(bank: Bank, everything: bool) -> dict[str, str] | None:
    """What the store should read: None for every answer, else each question's
    current content hash (only answers graded with another version are read)."""
    return None if everything else {q.id: q.content_hash for q in bank.questions}


def _numeric(response: ResponseRecord) -> tuple[float, list, str, dict]:
    from .variants import generate
    from .variants.check import check_answer

    assert response.variant_seed is not None, "the store writes a numeric answer's seed with its family"
    check = check_answer(generate(response.family or "", response.variant_seed), response.answer)
    return (0.0, [], check.error, {}) if check.error else (float(check.score), [], check.feedback, {})


def grade_batch(bank: Bank, scorer, responses: list[ResponseRecord]) -> list[Change]:
    """The changes among ``responses``: new scores, or the same score under an
    edited question (its new hash is recorded)."""
    questions = {r.id: bank.get(r.question_id) for r in responses}
    free = [r for r in responses if questions[r.id] is not None and not r.family and not r.skipped]
    results = dict(zip((r.id for r in free), scorer.grade_many([(questions[r.id], r.answer) for r in free]),
                       strict=True))
    changes = []
    for r in responses:
        question = questions[r.id]
        if question is None or r.skipped:
            continue
        if r.family:
            score, criteria, feedback, confidence = _numeric(r)
        else:
            result = results[r.id]
            score, criteria = result.score, [c.to_json() for c in result.criteria]
            feedback, confidence = result.feedback, confidence_of(result)
        if score != r.score or question.content_hash != r.content_hash:
            changes.append(Change(r, score, criteria, feedback, question.content_hash, confidence))
    return changes


def _grade_in_worker(context: tuple[Bank, object], responses: list[ResponseRecord]) -> list[Change]:
    bank, scorer = context
    return grade_batch(bank, scorer, responses)


def plan_batches(bank: Bank, store: Store, scorer, question_id: str | None = None, *, everything: bool = False,
                 jobs: int = 1, batch: int = BATCH) -> Iterator[tuple[int, list[Change]]]:
    """``(answers read, changes)`` for each batch, in id order. With ``jobs`` > 1
    the batches are graded in forked worker processes (``parallel``), a few ahead
    of the one being consumed, so the caller writes one batch while the next are
    graded."""
    stream = store.stream_regradable(question_id=question_id, stale=regrade_scope(bank, everything), batch=batch)
    read: deque[int] = deque()

    def counted() -> Iterator[list[ResponseRecord]]:
        for responses in stream:
            read.append(len(responses))
            yield responses

    for changes in ordered_map(_grade_in_worker, counted(), (bank, scorer), jobs):
        yield read.popleft(), changes


def plan_regrade(bank: Bank, store: Store, scorer, question_id: str | None = None, *,
                 everything: bool = True) -> list[Change]:
    """Every change at once, for a small store or a test (``plan_batches`` streams)."""
    return [c for _, changes in plan_batches(bank, store, scorer, question_id, everything=everything)
            for c in changes]


def apply_regrade(store: Store, changes: list[Change], now: datetime) -> int:
    return store.regrade(((c.response.id, c.new_score, c.new_criteria, c.new_feedback, c.new_hash, c.new_confidence)
                          for c in changes if not c.kept), now)
