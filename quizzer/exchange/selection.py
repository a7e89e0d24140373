"""Which questions an export takes: the same filters as ``quiz`` and ``exam build``.

``--questions``, ``--module`` and ``--topic`` mean here what they mean there
(``Bank.select``); an id or topic the bank does not know is an error that names
it, never an empty file, because a teacher who uploads an empty export to the
platform finds out much later than one who reads a message now.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bank import Bank, Question
from ..errors import QuizzerError

__all__ = ["Selection", "select_questions"]


@dataclass(frozen=True)
class Selection:
    """The filters: every one given must hold; ``questions`` keeps the teacher's order."""

    questions: tuple[str, ...] = ()
    module: int | None = None
    topic: str | None = None


def select_questions(bank: Bank, selection: Selection) -> list[Question]:
    """The bank's questions that match ``selection``, in bank order (or the order given)."""
    unknown = [q for q in selection.questions if bank.get(q) is None]
    if unknown:
        raise QuizzerError(f"No question {', '.join(unknown)} in the bank at {bank.path}.",
                           "see `quizzer bank list` for the ids.")
    if selection.topic and bank.topics and selection.topic not in bank.topics:
        raise QuizzerError(f"Unknown topic '{selection.topic}'.", f"known topics: {', '.join(bank.topics)}.")
    chosen = bank.select(module=selection.module, topic=selection.topic, ids=list(selection.questions) or None)
    if not chosen:
        raise QuizzerError("No question matches the filters given (--questions, --module, --topic).",
                           "see `quizzer bank list` for what the bank holds.")
    return chosen
