"""The exceptions Quizzer raises for problems a user can fix.

Every error a person can cause (a broken bank file, an unreadable answer, a bad CSV
row) is a ``QuizzerError``. The CLI turns these into a message and exit status 1 in
one place; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["QuizzerError", "Problem", "BankError", "NotFound", "AnswerError", "StoreError"]


class QuizzerError(Exception):
    """A problem the user can fix; ``hint`` says how."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  Hint: {self.hint}" if self.hint else self.message

    def __reduce__(self):
        # An error crossing from a worker process (report pages) must come back as its
        # own kind with its own fields (hint, problems). The kinds' __init__ take
        # different arguments (BankError its problems, TimeUp none), so it is rebuilt
        # without calling __init__: the class and args, then the fields as they were.
        return (_rebuild, (type(self), self.args), self.__dict__)


def _rebuild(kind: type[QuizzerError], args: tuple) -> QuizzerError:
    """An empty ``kind`` with the exception ``args``; pickle then restores its fields."""
    return kind.__new__(kind, *args)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank file, located as precisely as we can."""

    file: Path | None
    message: str
    line: int | None = None
    question_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = str(self.file) if self.file else "<bank>"
        if self.line:
            where += f":{self.line}"
        parts = [where]
        if self.question_id:
            parts.append(self.question_id)
        if self.field:
            parts.append(self.field)
        return f"{': '.join(parts)}: {self.message}"


class BankError(QuizzerError):
    """The bank was refused; ``problems`` lists everything found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"The question bank has {count} problem{'s' if count != 1 else ''}:\n{lines}",
            "fix the files named above, then run `quizzer bank validate`.",
        )


class NotFound(QuizzerError):
    """A question, family, user or session that does not exist."""


class AnswerError(QuizzerError):
    """A student's answer could not be read (as opposed to being wrong)."""


class StoreError(QuizzerError):
    """The progress store could not be opened, read or written: what the database
    answered, and what to do about it (``quizzer/store/failures.py`` words it)."""


class ChangedSince(QuizzerError):
    """A stored mark is not the one a teacher saw when deciding (a regrade or another
    moderator came in between): nothing is changed for that answer."""
