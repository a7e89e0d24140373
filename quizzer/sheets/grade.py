"""Grade a printed exam back: typed answers in, marks per student and item out.

The answers CSV has ``student_id,question_id,answer``; ``question_id`` is the
label printed on the sheet in brackets (the question id for a short answer, the
family id for a numeric item) or the item's number. Each student's numeric
answers are checked against that student's own numbers, rebuilt from the
manifest. A missing answer scores 0; a bad row is named and skipped, and the rest
are graded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..bank import Bank
from ..errors import QuizzerError
from ..store import confidence_of
from ..textfile import read_utf8
from .build import SheetItem, StudentSheet
from .manifest import LoadedExam

__all__ = ["ItemMark", "StudentResult", "read_exam_answers", "grade_exam"]


@dataclass(frozen=True)
class ItemMark:
    item: SheetItem
    answer: str
    score: float
    max: float
    feedback: str
    criteria: tuple = ()
    confidence: dict = field(default_factory=dict)  # the store's confidence_of a free-text grade
    missing: bool = False


@dataclass(frozen=True)
class StudentResult:
    sheet: StudentSheet
    marks: tuple[ItemMark, ...]

    @property
    def total(self) -> float:
        return sum(m.score for m in self.marks)

    @property
    def max(self) -> float:
        return sum(m.max for m in self.marks)


def _find_item(sheet: StudentSheet, key: str) -> SheetItem | None:
    key = key.strip()
    for item in sheet.items:
        if key.lower() in (item.label.lower(), str(item.number)):
            return item
    return None


def read_exam_answers(path: Path, loaded: LoadedExam) -> tuple[dict[tuple[str, int], str], list[str]]:
    """Answers by (student id, item number), and one message per bad row."""
    reader = csv.DictReader(io.StringIO(read_utf8(path, "the answers file"), newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [c for c in ("student_id", "question_id", "answer") if c not in columns]
    if missing:
        raise QuizzerError(f"{path} has no column {', '.join(missing)} (found: {', '.join(columns) or 'none'}).",
                           "the header must be: student_id,question_id,answer")
    sheets = {s.student.student_id: s for s in loaded.exam.sheets}
    answers: dict[tuple[str, int], str] = {}
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        sid = (row.get("student_id") or "").strip()
        sheet = sheets.get(sid)
        if sheet is None:
            problems.append(f"row {line}: student {sid!r} is not in this exam")
            continue
        item = _find_item(sheet, row.get("question_id") or "")
        if item is None:
            labels = ", ".join(i.label for i in sheet.items)
            problems.append(f"row {line}: {row.get('question_id')!r} is not on {sid}'s sheet (items: {labels})")
        elif (sid, item.number) in answers:
            problems.append(f"row {line}: a second answer for {sid} item {item.number}; the first one is kept")
        else:
            answers[(sid, item.number)] = row.get("answer") or ""
    return answers, problems


def _mark(item: SheetItem, answer: str, bank: Bank, scorer) -> ItemMark:
    if not answer.strip():
        return ItemMark(item, answer, 0.0, item.marks, "No answer.", missing=True)
    if item.family:
        from ..answers import check_answer
        from ..variants import generate

        check = check_answer(generate(item.family, item.seed), answer)
        if check.error:
            return ItemMark(item, answer, 0.0, item.marks, check.error)
        return ItemMark(item, answer, item.marks * float(check.score) / float(check.max), item.marks, check.feedback)
    result = scorer.grade(bank.get(item.question_id), answer)
    return ItemMark(item, answer, result.score, result.max, result.feedback,
                    tuple(c.to_json() for c in result.criteria), confidence_of(result))


def grade_exam(loaded: LoadedExam, bank: Bank, scorer, answers: dict[tuple[str, int], str]) -> list[StudentResult]:
    results = []
    for sheet in loaded.exam.sheets:
        marks = tuple(_mark(item, answers.get((sheet.student.student_id, item.number), ""), bank, scorer)
                      for item in sheet.items)
        results.append(StudentResult(sheet, marks))
    return results
