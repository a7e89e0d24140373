"""Option values more than one command reads the same way.

``quizzer quiz --questions`` and ``quizzer exam build --questions`` both take a
comma-separated list of question ids; this is the one reading of it.
"""

from __future__ import annotations

__all__ = ["question_ids"]


def question_ids(text: str | None) -> tuple[str, ...]:
    """The ids in ``"Q1, Q7,,"``, in order: spaces around each and empty entries
    are dropped; nothing given is no ids."""
    return tuple(q.strip() for q in text.split(",") if q.strip()) if text else ()
