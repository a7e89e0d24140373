"""Read a class roster: ``student_id,name`` and any other columns, kept as given.

A student id becomes the student's user name in the progress store, so it is held
to the store's limit (``MAX_NAME_CHARS``) here, at build time, rather than found too
long half way through storing a graded exam; a name is held to the same length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import QuizzerError
from ..limits import MAX_NAME_CHARS
from ..textfile import read_csv

__all__ = ["Student", "read_roster", "numbered_students", "lookalike_ids"]


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    extra: dict[str, str] = field(default_factory=dict)


def read_roster(path: Path) -> list[Student]:
    """Every student of ``path``; all problems are reported together, naming rows."""
    table = read_csv(path, "the roster", required=("student_id", "name"))
    students: list[Student] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row, extra in table.rows:
        sid = row["student_id"].strip()
        name = " ".join(row["name"].split())
        if extra:
            problems.append(f"row {line}: more fields than the header has columns "
                            "(a name that contains a comma must be in double quotes)")
        elif not sid:
            problems.append(f"row {line}: empty student_id")
        elif len(sid) > MAX_NAME_CHARS:
            problems.append(f"row {line}: student_id has {len(sid):,} characters, at most {MAX_NAME_CHARS} are allowed")
        elif len(name) > MAX_NAME_CHARS:
            problems.append(f"row {line}: name has {len(name):,} characters, at most {MAX_NAME_CHARS} are allowed")
        elif sid in seen:
            problems.append(f"row {line}: student_id {sid!r} already used on row {seen[sid]}")
        else:
            seen[sid] = line
            extra_columns = {k: v for k, v in row.items() if k not in ("student_id", "name")}
            students.append(Student(sid, name or sid, extra_columns))
    if problems:
        raise QuizzerError(f"The roster {path} has {len(problems)} problem(s):\n  " + "\n  ".join(problems),
                           f"fix those rows; every student needs a unique student_id (and an id or name of at most "
                           f"{MAX_NAME_CHARS} characters).")
    if not students:
        raise QuizzerError(f"The roster {path} lists no students.")
    return students


def numbered_students(count: int) -> list[Student]:
    """Anonymous candidates S001..S0NN, for --count without a roster."""
    width = max(3, len(str(count)))
    return [Student(f"S{i:0{width}d}", f"Candidate {i}") for i in range(1, count + 1)]


def lookalike_ids(students: list[Student]) -> list[tuple[str, ...]]:
    """Groups of roster ids that differ only in case or Unicode form ("Alice" and
    "alice"): two students to Quizzer, and to the progress store, but more often
    one student typed twice, which a teacher wants to hear about before printing."""
    import unicodedata

    groups: dict[str, list[str]] = {}
    for student in students:
        key = unicodedata.normalize("NFKC", student.student_id).casefold().strip()
        groups.setdefault(key, []).append(student.student_id)
    return [tuple(ids) for ids in groups.values() if len(ids) > 1]
