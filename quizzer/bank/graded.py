"""Read a set of graded answers kept apart from the bank: the scorer's honest test.

The bank's own ``samples:`` were written by the rubric's authors, who tuned
wordings on them, so agreement on them says little about answers nobody has seen.
A *graded set* is a folder of answers written and marked by other people:

- ``calibration.yaml``: answers one may read, and change rubric wordings or
  thresholds by;
- ``test.yaml``: frozen answers, whose figures are looked at but never their texts;
- ``bank/`` (optional): the questions they answer, when these are not the bank's.

Each file holds ``answers:``, a list of ``{id, question_id, kind, score, text}``
(``criteria`` and ``reason`` may say how the examiner split and justified the mark).
Like a bank file, each is read by ``yamlfile`` (no aliases, no duplicate keys, a
size and a count of values checked before reading and building, with the larger
``MAX_GRADED_*`` limits since a set holds many answers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import QuizzerError
from ..limits import MAX_GRADED_FILE_BYTES, MAX_GRADED_NODES, MAX_MARKS
from .yamlfile import read_yaml

__all__ = ["GradedAnswer", "GradedSet", "read_graded_set", "HALVES"]

HALVES = ("calibration", "test")


@dataclass(frozen=True)
class GradedAnswer:
    id: str
    question_id: str
    kind: str
    score: float
    text: str


@dataclass(frozen=True)
class GradedSet:
    name: str
    path: Path
    halves: dict[str, tuple[GradedAnswer, ...]]  # "calibration" and "test"
    bank_path: Path | None  # the questions, when the set brings its own


def read_graded_set(path: Path) -> GradedSet:
    """The graded set in folder ``path``; a bad file or row is a ``QuizzerError``
    naming it."""
    halves = {}
    for half in HALVES:
        halves[half] = tuple(_read_half(path / f"{half}.yaml"))
    bank = path / "bank"
    return GradedSet(path.name, path, halves, bank if bank.is_dir() else None)


def _read_half(path: Path) -> list[GradedAnswer]:
    if not path.is_file():
        raise QuizzerError(f"{path} is missing.", "a graded set needs calibration.yaml and test.yaml.")
    doc = read_yaml(path, limit=MAX_GRADED_FILE_BYTES, max_nodes=MAX_GRADED_NODES)
    if isinstance(doc, list):
        raise QuizzerError("\n".join(str(problem) for problem in doc), "fix the file, then run again.")
    rows = doc.data.get("answers") if isinstance(doc.data, dict) else None
    if not isinstance(rows, list):
        raise QuizzerError(f"{path}: must hold 'answers:', a list of graded answers.")
    out = []
    for index, row in enumerate(rows):
        where = f"{path}:{doc.line('answers', index)}: answers[{index}]"
        if not isinstance(row, dict):
            raise QuizzerError(f"{where} must be a mapping with id, question_id, kind, score and text.")
        missing = [k for k in ("id", "question_id", "score", "text") if k not in row]
        score = row.get("score")
        if missing:
            raise QuizzerError(f"{where} lacks {', '.join(missing)}.")
        if (isinstance(score, bool) or not isinstance(score, (int, float))
                or not (isinstance(score, int) or math.isfinite(score))  # 10**400 is no float
                or not 0 <= score <= MAX_MARKS or score * 2 != int(score * 2)):
            raise QuizzerError(f"{where}: score must be a number of marks from 0 to {MAX_MARKS} in steps of 0.5, "
                               f"not {str(score)[:20]}.")
        out.append(GradedAnswer(str(row["id"]), str(row["question_id"]), str(row.get("kind", "")),
                                float(score), str(row["text"])))
    return out
