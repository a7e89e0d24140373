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
A set may also hold ``moderated.yaml``, in the same format: students' answers
whose marks a teacher set or confirmed, written by ``quizzer moderate promote``
and measured as a part of their own beside the two halves. Such a file may also
be named on its own (``--heldout moderated.yaml``): a set with that part only.
A half may also have ``<half>-second-examiner.yaml``: ``marks:``, a list of
``{id, score}`` given by a second examiner who saw neither the first marks nor the
scorer, so that the scorer's agreement can be read beside an examiner's.
Like a bank file, each is read by ``yamlfile`` (no aliases, no duplicate keys, a
size and a count of values checked before reading and building, with the larger
``MAX_GRADED_*`` limits since a set holds many answers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import QuizzerError
from ..limits import MAX_GRADED_FILE_BYTES, MAX_GRADED_NODES, MAX_MARKS
from .yamlfile import YamlDoc, read_yaml

__all__ = ["GradedAnswer", "GradedSet", "read_graded_set", "read_answers_text", "HALVES", "MODERATED",
           "MODERATED_FILE"]

HALVES = ("calibration", "test")
MODERATED = "moderated"  # the part of a set that teachers marked in moderation
MODERATED_FILE = f"{MODERATED}.yaml"


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
    halves: dict[str, tuple[GradedAnswer, ...]]  # "calibration" and "test", and "moderated" where there is one
    bank_path: Path | None  # the questions, when the set brings its own
    second: dict[str, dict[str, float]] = field(default_factory=dict)  # half -> answer id -> second mark


def read_graded_set(path: Path) -> GradedSet:
    """The graded set in folder ``path`` (or the moderated answers in file ``path``);
    a bad file or row is a ``QuizzerError`` naming it."""
    if path.is_file():
        return GradedSet(path.stem, path, {MODERATED: tuple(_read_half(path))}, None)
    halves = {}
    for half in HALVES:
        halves[half] = tuple(_read_half(path / f"{half}.yaml"))
    if (path / MODERATED_FILE).is_file():
        halves[MODERATED] = tuple(_read_half(path / MODERATED_FILE))
    bank = path / "bank"
    second = {half: _read_second(path / f"{half}-second-examiner.yaml", {a.id for a in halves[half]})
              for half in HALVES if (path / f"{half}-second-examiner.yaml").is_file()}
    return GradedSet(path.name, path, halves, bank if bank.is_dir() else None, second)


def _read_second(path: Path, ids: set[str]) -> dict[str, float]:
    """A second examiner's marks, by answer id; each must be an answer of the half."""
    doc = _parsed(path)
    rows = doc.data.get("marks") if isinstance(doc.data, dict) else None
    if not isinstance(rows, list):
        raise QuizzerError(f"{path}: must hold 'marks:', a list of {{id, score}}.")
    marks = {}
    for index, row in enumerate(rows):
        where = f"{path}:{doc.line('marks', index)}: marks[{index}]"
        if not isinstance(row, dict) or "id" not in row or "score" not in row:
            raise QuizzerError(f"{where} must be a mapping with id and score.")
        if str(row["id"]) not in ids:
            raise QuizzerError(f"{where}: {row['id']!r} is not an answer of {path.name.split('-')[0]}.yaml.")
        marks[str(row["id"])] = _score(row["score"], where)
    return marks


def _parsed(path: Path):
    doc = read_yaml(path, limit=MAX_GRADED_FILE_BYTES, max_nodes=MAX_GRADED_NODES)
    if isinstance(doc, list):
        raise QuizzerError("\n".join(str(problem) for problem in doc), "fix the file, then run again.")
    return doc


def _score(score, where: str) -> float:
    if (isinstance(score, bool) or not isinstance(score, (int, float))
            or not (isinstance(score, int) or math.isfinite(score))  # 10**400 is no float
            or not 0 <= score <= MAX_MARKS or score * 2 != int(score * 2)):
        raise QuizzerError(f"{where}: score must be a number of marks from 0 to {MAX_MARKS} in steps of 0.5, "
                           f"not {str(score)[:20]}.")
    return float(score)


def read_answers_text(path: Path, text: str) -> list[GradedAnswer]:
    """The answers ``text`` would give as the file ``path``: how a file is checked
    before it is replaced, under the same rules and limits as one read."""
    from .yamlparse import parse

    if len(text.encode("utf-8")) > MAX_GRADED_FILE_BYTES:
        raise QuizzerError(f"{path} would be more than {MAX_GRADED_FILE_BYTES / 1e6:g} MB, the most a graded "
                           "file may be.", "write the answers to another file with --out.")
    data, problems = parse(path, text, MAX_GRADED_NODES)
    if problems:
        raise QuizzerError("\n".join(str(problem) for problem in problems), "fix the file, then run again.")
    return _answers(YamlDoc(path, data, text), path)


def _read_half(path: Path) -> list[GradedAnswer]:
    if not path.is_file():
        raise QuizzerError(f"{path} is missing.", "a graded set needs calibration.yaml and test.yaml.")
    return _answers(_parsed(path), path)


def _answers(doc: YamlDoc, path: Path) -> list[GradedAnswer]:
    rows = doc.data.get("answers") if isinstance(doc.data, dict) else None
    if not isinstance(rows, list):
        raise QuizzerError(f"{path}: must hold 'answers:', a list of graded answers.")
    out = []
    for index, row in enumerate(rows):
        where = f"{path}:{doc.line('answers', index)}: answers[{index}]"
        if not isinstance(row, dict):
            raise QuizzerError(f"{where} must be a mapping with id, question_id, kind, score and text.")
        missing = [k for k in ("id", "question_id", "score", "text") if k not in row]
        if missing:
            raise QuizzerError(f"{where} lacks {', '.join(missing)}.")
        out.append(GradedAnswer(str(row["id"]), str(row["question_id"]), str(row.get("kind", "")),
                                _score(row["score"], where), str(row["text"])))
    return out
