"""Build an exam: the same questions for the class, different numbers for each student.

The exam's structure (which short-answer questions, which numeric families) is
drawn once from the exam seed. Each student's numbers come from a seed derived
from the exam seed and the student id, so a sheet can be rebuilt exactly from
the manifest. Two students never get the same numbers for a family while the
family can still produce fresh ones; when it cannot, the build stops and says so
(or, with ``allow_repeats``, accepts repeats).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ..bank import Bank, Question
from ..errors import QuizzerError
from .roster import Student

__all__ = ["ExamSpec", "SheetItem", "StudentSheet", "Exam", "build_exam", "with_variants", "student_seed",
           "NUMERIC_MARKS"]

NUMERIC_MARKS = 1.0
MAX_REDRAWS = 40


@dataclass(frozen=True)
class ExamSpec:
    title: str
    seed: int
    minutes: int = 60
    course: str = "Deep Neural Network Architectures"
    questions: tuple[str, ...] = ()
    module: int | None = None
    topic: str | None = None
    saq: int | None = None  # draw this many short-answer questions at random
    numeric: int = 0  # and this many numeric items
    allow_repeats: bool = False


@dataclass(frozen=True)
class SheetItem:
    number: int
    label: str  # what the answers CSV calls it: the question id, or the family id
    question_id: str
    marks: float
    family: str | None = None
    seed: int | None = None
    variant: Any = field(default=None, compare=False, repr=False)  # regenerated when needed, never stored

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "label": self.label, "question_id": self.question_id,
                "marks": self.marks, "family": self.family, "seed": self.seed}


@dataclass(frozen=True)
class StudentSheet:
    student: Student
    items: tuple[SheetItem, ...]

    @property
    def total(self) -> float:
        return sum(i.marks for i in self.items)


@dataclass(frozen=True)
class Exam:
    exam_id: str
    spec: ExamSpec
    created_at: datetime
    questions: tuple[Question, ...]  # the short-answer questions, in sheet order
    sheets: tuple[StudentSheet, ...]


def with_variants(sheet: StudentSheet) -> StudentSheet:
    """The sheet with each numeric item's variant regenerated from its family and
    seed, for rendering its page (a build keeps only the seeds, so memory stays
    small for a large class)."""
    from ..variants import generate

    def filled(item: SheetItem) -> SheetItem:
        if item.family is None or item.seed is None or item.variant is not None:
            return item
        return replace(item, variant=generate(item.family, item.seed))

    items = tuple(map(filled, sheet.items))
    return StudentSheet(sheet.student, items)


def student_seed(exam_seed: int, student_id: str, attempt: int = 0) -> int:
    """A stable 31-bit seed for one student (and redraw attempt): same on every machine,
    and small enough for the store's integer column on every database."""
    digest = hashlib.sha256(f"{exam_seed}\x1f{student_id}\x1f{attempt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def _structure(bank: Bank, spec: ExamSpec, rng) -> tuple[list[Question], list[tuple[Question, str]]]:
    unknown = [q for q in spec.questions if bank.get(q) is None]
    if unknown:
        raise QuizzerError(f"No question {', '.join(unknown)} in the bank.", "see `quizzer bank list`.")
    pool = bank.select(module=spec.module, topic=spec.topic, ids=list(spec.questions) or None)
    if not pool:
        raise QuizzerError("No question matches --questions/--module/--topic.")
    saqs = pool
    if spec.saq is not None:
        if spec.saq > len(pool):
            raise QuizzerError(f"--saq {spec.saq} asks for more questions than the {len(pool)} selected.")
        saqs = [pool[i] for i in sorted(rng.choice(len(pool), size=spec.saq, replace=False))]
    families = [(q, f) for q in pool for f in q.variants]
    families = list({f: (q, f) for q, f in families}.values())  # a family shared by two questions once
    if spec.numeric > len(families):
        raise QuizzerError(f"--numeric {spec.numeric} asks for more numeric items than the "
                           f"{len(families)} variant families of the selected questions.")
    chosen = sorted(rng.choice(len(families), size=spec.numeric, replace=False)) if spec.numeric else []
    picked = [families[i] for i in chosen]
    return saqs, picked


def _numeric_item(number: int, question: Question, family: str, student: Student, spec: ExamSpec,
                  seen: dict[str, set[str]]) -> SheetItem:
    from ..variants import generate

    used = seen.setdefault(family, set())
    for attempt in range(MAX_REDRAWS):
        seed = student_seed(spec.seed, f"{student.student_id}/{family}", attempt)
        variant = generate(family, seed)
        key = json.dumps(variant.params, sort_keys=True)
        if key not in used or spec.allow_repeats:
            used.add(key)
            # the variant itself is not kept: 40,000 of them held 100 MB; pages regenerate it (with_variants)
            return SheetItem(number, family, question.id, NUMERIC_MARKS, family, seed)
    raise QuizzerError(
        f"The numeric family '{family}' ran out of fresh numbers after {len(used)} students, "
        f"so student {student.student_id} would share numbers with another.",
        "split the class into smaller sheet sets, choose other items, or pass --allow-repeats.")


def build_exam(bank: Bank, spec: ExamSpec, students: list[Student], now: datetime) -> Exam:
    import numpy as np

    rng = np.random.default_rng(spec.seed)
    saqs, numeric = _structure(bank, spec, rng)
    seen: dict[str, set[str]] = {}
    sheets = []
    for student in students:
        items = [SheetItem(n, q.id, q.id, q.marks) for n, q in enumerate(saqs, start=1)]
        for offset, (question, family) in enumerate(numeric, start=len(items) + 1):
            items.append(_numeric_item(offset, question, family, student, spec, seen))
        sheets.append(StudentSheet(student, tuple(items)))
    exam_id = f"{now:%Y%m%d}-{hashlib.sha256(f'{spec.title}|{spec.seed}'.encode()).hexdigest()[:8]}"
    return Exam(exam_id, spec, now, tuple(saqs), tuple(sheets))
