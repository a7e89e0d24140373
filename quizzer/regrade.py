"""Re-score stored answers after a teacher edits the bank (like Moodle's regrade).

Every stored response is graded again with the current question (and, for a
numeric item, the same family and seed). ``plan_regrade`` only computes what
would change, for a dry run; ``apply_regrade`` writes the new scores and keeps
each old one in the regrade history. A mark a teacher set (moderation) is never
replaced: its change is planned as ``kept``, so the teacher sees what the scorer
would now give, and nothing is written for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .bank import Bank
from .store import ResponseRecord, Store, confidence_of

__all__ = ["Change", "plan_regrade", "apply_regrade"]


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


def _regraded(response: ResponseRecord, bank: Bank, scorer) -> tuple[float, list, str, dict] | None:
    question = bank.get(response.question_id)
    if question is None or response.skipped:
        return None
    if response.family:
        from .variants import generate
        from .variants.check import check_answer

        assert response.variant_seed is not None, "the store writes a numeric answer's seed with its family"
        check = check_answer(generate(response.family, response.variant_seed), response.answer)
        return (0.0, [], check.error, {}) if check.error else (float(check.score), [], check.feedback, {})
    result = scorer.grade(question, response.answer)
    return result.score, [c.to_json() for c in result.criteria], result.feedback, confidence_of(result)


def plan_regrade(bank: Bank, store: Store, scorer, question_id: str | None = None) -> list[Change]:
    changes = []
    for response in store.responses(question_id=question_id):
        regraded = _regraded(response, bank, scorer)
        question = bank.get(response.question_id)
        if regraded is None or question is None:
            continue
        score, criteria, feedback, confidence = regraded
        if score != response.score or question.content_hash != response.content_hash:
            changes.append(Change(response, score, criteria, feedback, question.content_hash, confidence))
    return changes


def apply_regrade(store: Store, changes: list[Change], now: datetime) -> int:
    return store.regrade(((c.response.id, c.new_score, c.new_criteria, c.new_feedback, c.new_hash, c.new_confidence)
                          for c in changes if not c.kept), now)
