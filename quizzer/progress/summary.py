"""A student's progress at a glance: the data behind ``quizzer stats``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..bank import Bank
from ..store import Store
from .mastery import group_mastery, question_mastery

__all__ = ["StudentSummary", "summarize"]


@dataclass(frozen=True)
class StudentSummary:
    user: str
    responses: int
    sessions: int
    mastery: dict[str, float]  # per topic
    modules: dict[str, float]  # per module
    due: list[str]  # question ids due for review now, most overdue first
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    recent: list[dict[str, Any]] = field(default_factory=list)
    moderated: int = 0  # answers whose mark a teacher set

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user, "responses": self.responses, "sessions": self.sessions,
            "mastery": self.mastery, "modules": self.modules, "due": self.due,
            "questions": self.questions, "recent_sessions": self.recent, "moderated": self.moderated,
        }


def summarize(bank: Bank, store: Store, user: str, now: datetime, recent: int = 5) -> StudentSummary:
    responses = store.responses(user=user)
    sessions = store.sessions(user=user)
    mastery = question_mastery(responses)
    cards = store.review_cards(user)
    due = [q for q, c in sorted(cards.items(), key=lambda kv: kv[1].due) if c.due <= now and bank.get(q)]
    per_question: dict[str, dict[str, Any]] = {}
    for r in responses:
        entry = per_question.setdefault(r.question_id, {"answers": 0, "best": 0.0, "latest": 0.0, "max": r.max_score,
                                                        "moderated": 0})
        entry["answers"] += 1
        entry["moderated"] += int(r.moderated)
        fraction = r.score / r.max_score if r.max_score else 0.0
        entry["best"] = max(entry["best"], round(fraction, 4))
        entry["latest"] = round(fraction, 4)
    for qid, entry in per_question.items():
        entry["mastery"] = round(mastery.get(qid, 0.0), 4)
    recent_sessions = [
        {"id": s.id, "mode": s.mode, "kind": s.kind, "started_at": s.started_at.isoformat(),
         "finished": s.finished, "answered": s.answered, "items": len(s.plan)}
        for s in sessions[:recent]
    ]
    return StudentSummary(user, len(responses), len(sessions), group_mastery(bank, mastery),
                          group_mastery(bank, mastery, by="module"), due, per_question, recent_sessions,
                          moderated=sum(1 for r in responses if r.moderated))
