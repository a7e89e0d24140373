"""The exam manifest: everything needed to rebuild and grade an exam, as JSON.

It records the spec, each short-answer question's content hash (to notice edits
made after printing) and, per student, every item with its family and seed.
Variants are not stored: they are regenerated from family and seed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from ..bank import Bank
from ..errors import QuizzerError
from .build import Exam, ExamSpec, SheetItem, StudentSheet
from .roster import Student

__all__ = ["FORMAT", "manifest_json", "manifest_pieces", "read_manifest", "LoadedExam"]

FORMAT = "quizzer-exam/1"


def manifest_json(exam: Exam) -> dict[str, Any]:
    return {**_head(exam), "students": [_student(s) for s in exam.sheets]}


def _head(exam: Exam) -> dict[str, Any]:
    spec = asdict(exam.spec)
    spec["questions"] = list(exam.spec.questions)
    return {
        "format": FORMAT,
        "exam_id": exam.exam_id,
        "created_at": exam.created_at.isoformat(),
        "spec": spec,
        "questions": [{"question_id": q.id, "title": q.title, "marks": q.marks, "content_hash": q.content_hash}
                      for q in exam.questions],
    }


def _student(sheet: StudentSheet) -> dict[str, Any]:
    return {"student_id": sheet.student.student_id, "name": sheet.student.name, "extra": sheet.student.extra,
            "items": [i.to_json() for i in sheet.items]}


def manifest_pieces(exam: Exam) -> Iterator[str]:
    """``json.dumps(manifest_json(exam), indent=2, ensure_ascii=False)`` a student at a
    time: for 10,000 students the whole dict and its text took 135 MB at once. The
    students come last, each indented as the whole would indent it (JSON text has
    no newline inside a string, so indenting line by line is exact)."""
    head = json.dumps({**_head(exam), "students": []}, indent=2, ensure_ascii=False)
    if not exam.sheets:
        yield head
        return
    opening, _, _ = head.rpartition("[]")
    yield opening + "["
    for index, sheet in enumerate(exam.sheets):
        text = json.dumps(_student(sheet), indent=2, ensure_ascii=False)
        yield ("," if index else "") + "\n" + "\n".join("    " + line for line in text.split("\n"))
    yield "\n  ]\n}"


class LoadedExam:
    """A manifest read back: the exam, plus the hashes recorded when it was built."""

    def __init__(self, exam: Exam, hashes: dict[str, str], path: Path) -> None:
        self.exam = exam
        self.hashes = hashes
        self.path = path

    def edited_questions(self, bank: Bank) -> list[str]:
        """Questions whose rubric, prompt or model answer changed since the exam was built."""
        return [qid for qid, digest in self.hashes.items()
                if (question := bank.get(qid)) is not None and question.content_hash != digest]


def read_manifest(path: Path, bank: Bank | None) -> LoadedExam:
    """The exam a manifest describes. Without a bank (rewriting marks from the
    store, which needs the students, their items and the spec, never a rubric) the
    exam's ``questions`` are left empty and the bank is not asked for them."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QuizzerError(f"Cannot read the manifest {path}: {exc.strerror}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise QuizzerError(f"{path} is not a Quizzer exam manifest (not valid JSON: {exc}).",
                           "pass the manifest.json written by `quizzer exam build`.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise QuizzerError(f"{path} is not a Quizzer exam manifest (format {FORMAT!r} expected).")
    try:
        return _parse(data, bank, path)
    except (KeyError, TypeError, ValueError) as exc:
        raise QuizzerError(f"The manifest {path} is damaged ({type(exc).__name__}: {exc}).",
                           "rebuild it with `quizzer exam build` using the same seed and roster.") from None


def _parse(data: dict[str, Any], bank: Bank | None, path: Path) -> LoadedExam:
    spec_data = dict(data["spec"])
    spec_data["questions"] = tuple(spec_data.get("questions", ()))
    spec = ExamSpec(**spec_data)
    found = [bank.get(q["question_id"]) for q in data["questions"]] if bank is not None else []
    missing = [] if bank is None else [q["question_id"] for q, question in zip(data["questions"], found, strict=True)
                                       if question is None]
    if missing:
        raise QuizzerError(f"The manifest {path} uses questions not in this bank: {', '.join(missing)}.",
                           "grade with the bank the exam was built from (--bank).")
    questions = tuple(question for question in found if question is not None)
    sheets = []
    for entry in data["students"]:
        student = Student(str(entry["student_id"]), str(entry["name"]), dict(entry.get("extra", {})))
        items = tuple(SheetItem(int(i["number"]), str(i["label"]), str(i["question_id"]), float(i["marks"]),
                                i.get("family"), i.get("seed")) for i in entry["items"])
        sheets.append(StudentSheet(student, items))
    exam = Exam(str(data["exam_id"]), spec, datetime.fromisoformat(data["created_at"]), questions, tuple(sheets))
    hashes = {q["question_id"]: q["content_hash"] for q in data["questions"]}
    return LoadedExam(exam, hashes, path)
