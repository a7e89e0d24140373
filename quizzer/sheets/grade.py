"""Grade a printed exam back: typed answers in, marks per student and item out.

The answers CSV has ``student_id,question_id,answer``; ``question_id`` is the
label printed on the sheet in brackets (the question id for a short answer, the
family id for a numeric item) or the item's number. Each student's numeric
answers are checked against that student's own numbers, rebuilt from the
manifest. A missing answer scores 0; a bad row is named and skipped, and the rest
are graded. Nothing is marked 0 silently: a numeric answer that cannot be read
and a student with no rows at all come back as notes the teacher sees.

The students wrote on paper, so the words for an answer that could not be read
say "write", not "type" (the quiz's own wording comes from ``answers``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..bank import Bank
from ..errors import AnswerError
from ..store import confidence_of
from ..textfile import read_csv
from .build import SheetItem, StudentSheet
from .manifest import LoadedExam

__all__ = ["TypedAnswer", "ItemMark", "StudentResult", "read_exam_answers", "grade_exam", "grade_exam_stream",
           "grading_notes",
           "unreadable_reason"]

COLUMNS = ("student_id", "question_id", "answer")
NO_ANSWERS = "no answers in the answers file: every item is marked 0"


@dataclass(frozen=True)
class TypedAnswer:
    text: str
    line: int  # the answers file's line, for messages


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
    unreadable: str = ""  # why a numeric answer could not be read (it scores 0)
    line: int | None = None  # where the answer was in the answers file
    moderated: bool = False  # a teacher set this mark (read back from the store: ``refresh``)
    comment: str = ""  # the teacher's comment for the student
    scorer_score: float | None = None  # what the scorer gave, where a teacher's mark replaced it


@dataclass(frozen=True)
class StudentResult:
    sheet: StudentSheet
    marks: tuple[ItemMark, ...]
    absent: bool = False  # the answers file has no row for this student

    @property
    def total(self) -> float:
        return sum(m.score for m in self.marks)

    @property
    def max(self) -> float:
        return sum(m.max for m in self.marks)

    @property
    def notes(self) -> tuple[str, ...]:
        """What the teacher should know about this result, one sentence each."""
        if self.absent:
            marked = [m for m in self.marks if m.moderated]
            if not marked:
                return (NO_ANSWERS,)
            if len(marked) == len(self.marks):
                return ("no answers in the answers file: every item was marked by a teacher",)
            numbers = ", ".join(str(m.item.number) for m in marked)
            return (f"no answers in the answers file: a teacher marked item{'s' if len(marked) > 1 else ''} "
                    f"{numbers}; the others are marked 0",)
        return tuple(f"item {m.item.number} [{m.item.label}]: could not read the answer, marked 0: {m.unreadable}"
                     for m in self.marks if m.unreadable)

    @property
    def moderated(self) -> tuple[ItemMark, ...]:
        return tuple(m for m in self.marks if m.moderated)


def _find_item(sheet: StudentSheet, key: str) -> SheetItem | None:
    key = key.strip()
    for item in sheet.items:
        if key.lower() in (item.label.lower(), str(item.number)):
            return item
    return None


def read_exam_answers(path: Path, loaded: LoadedExam) -> tuple[dict[tuple[str, int], TypedAnswer], list[str]]:
    """Answers by (student id, item number), and one message per row that was skipped."""
    table = read_csv(path, "the answers file", required=COLUMNS)
    sheets = {s.student.student_id: s for s in loaded.exam.sheets}
    answers: dict[tuple[str, int], TypedAnswer] = {}
    problems: list[str] = []
    for line, row, extra in table.rows:
        sid = row["student_id"].strip()
        sheet = sheets.get(sid)
        item = _find_item(sheet, row["question_id"]) if sheet else None
        if extra:
            problems.append(f"row {line}: {len(COLUMNS) + len(extra)} fields where the header has {len(COLUMNS)}; "
                            f"an answer that contains commas must be in double quotes, for example "
                            f"{sid},{row['question_id'].strip()},\"{','.join([row['answer'], *extra])}\"")
        elif sheet is None:
            problems.append(f"row {line}: student {sid!r} is not in this exam")
        elif item is None:
            labels = ", ".join(i.label for i in sheet.items)
            problems.append(f"row {line}: {row['question_id']!r} is not on {sid}'s sheet (items: {labels})")
        elif (sid, item.number) in answers:
            first = answers[(sid, item.number)].line
            problems.append(f"row {line}: a second answer for {sid} item {item.number}; the first one "
                            f"(row {first}) is kept")
        else:
            answers[(sid, item.number)] = TypedAnswer(row["answer"], line)
    return answers, problems


def _paper_hint(answer_type: str, count: int | None) -> str:
    """How to write a readable answer on paper (the quiz's hint speaks of typing)."""
    if answer_type == "yes/no":
        return "write yes or no"
    if answer_type in ("vector", "pair"):
        count = 2 if answer_type == "pair" else count
        numbers = f"the {count} numbers" if count else "the numbers"
        example = ", ".join(f"0.{i}" for i in range(1, min(count or 2, 4) + 1))
        return f"write {numbers} separated by commas, such as {example}"
    return "write one number such as 0.25 (a fraction such as 1/4 or a calculation is fine too)"


def _why(text: str, exc: AnswerError) -> str:
    """The answer and why it could not be read, quoting the answer once."""
    shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:39] + "…"
    return exc.message if f"'{shown}'" in exc.message else f"'{shown}' ({exc.message})"


def _mark_numeric(item: SheetItem, answer: TypedAnswer) -> ItemMark:
    from ..variants import generate
    from ..variants.check import mark
    from ..variants.parse import parse_answer

    assert item.family is not None and item.seed is not None, "only numeric items are marked here"
    variant = generate(item.family, item.seed)
    count = len(variant.answer) if isinstance(variant.answer, list) else None
    try:
        parsed = parse_answer(answer.text, variant.answer_type, unit=variant.unit, length=count)
    except AnswerError as exc:
        feedback = (f"Could not read your answer ({exc.message}), so it is marked 0. On paper, "
                    f"{_paper_hint(variant.answer_type, count)}.")
        return ItemMark(item, answer.text, 0.0, item.marks, feedback, unreadable=_why(answer.text, exc),
                        line=answer.line)
    check = mark(variant, parsed)
    return ItemMark(item, answer.text, item.marks * float(check.score) / float(check.max), item.marks,
                    check.feedback, line=answer.line)


def unreadable_reason(item: SheetItem, text: str) -> str:
    """Why a numeric item's stored answer could not be read ("" if it can be): the
    store keeps that it was unreadable, and this says why again in the same words."""
    return _mark_numeric(item, TypedAnswer(text, 0)).unreadable if item.family else ""


def _mark(item: SheetItem, answer: TypedAnswer | None, graded) -> ItemMark:
    """One item's mark; ``graded`` is the free-text answer's grade (graded in bulk)."""
    if answer is None or not answer.text.strip():
        return ItemMark(item, answer.text if answer else "", 0.0, item.marks, "No answer.", missing=True,
                        line=answer.line if answer else None)
    if item.family:
        return _mark_numeric(item, answer)
    return ItemMark(item, answer.text, graded.score, graded.max, graded.feedback,
                    tuple(c.to_json() for c in graded.criteria), confidence_of(graded), line=answer.line)


def grade_exam(loaded: LoadedExam, bank: Bank, scorer,
               answers: dict[tuple[str, int], TypedAnswer], jobs: int = 1) -> list[StudentResult]:
    """Every student of the manifest, in its order, marked against their own sheet
    (``grade_exam_stream``, collected)."""
    return list(grade_exam_stream(loaded, bank, scorer, answers, jobs))


def grade_exam_stream(loaded: LoadedExam, bank: Bank, scorer,
                      answers: dict[tuple[str, int], TypedAnswer], jobs: int = 1) -> Iterator[StudentResult]:
    """Every student of the manifest, in its order, each as soon as their answers
    are graded. The free-text answers of the whole class are graded in chunks with
    the scorer's batch path, on ``jobs`` processes; while the workers grade, the
    caller can store the students already done (``store_results`` takes this
    stream), so the two overlap instead of following each other."""
    from ..parallel import ordered_map
    from ..scoring.batch import CHUNK, grade_chunk

    answered = {sid for sid, _ in answers}
    sheets = loaded.exam.sheets
    # Each distinct (question, text) is graded once: the scorer is deterministic, and
    # a class writes its short answers ("ReLU", "It overfits.") many times over.
    texts = [[(item.question_id, found.text) for item in sheet.items if not item.family
              and (found := answers.get((sheet.student.student_id, item.number))) is not None and found.text.strip()]
             for sheet in sheets]
    free = list(dict.fromkeys(key for keys in texts for key in keys))
    chunk_of = {key: index // CHUNK for index, key in enumerate(free)}
    ready_after = [max((chunk_of[key] for key in keys), default=-1) for keys in texts]  # the chunk a student waits for
    chunks = [free[start:start + CHUNK] for start in range(0, len(free), CHUNK)]
    grades: dict[tuple[str, str], object] = {}

    def result(sheet: StudentSheet) -> StudentResult:
        sid = sheet.student.student_id
        marks = tuple(_mark(item, found, grades.get((item.question_id, found.text)) if found else None)
                      for item in sheet.items for found in [answers.get((sid, item.number))])
        return StudentResult(sheet, marks, absent=sid not in answered)

    done = 0
    graded = ordered_map(grade_chunk, iter(chunks), (bank, scorer), jobs if len(chunks) > 1 else 1)
    for number, (chunk, results) in enumerate(zip(chunks, graded, strict=True)):
        grades.update(zip(chunk, results, strict=True))
        while done < len(sheets) and ready_after[done] <= number:
            yield result(sheets[done])
            done += 1
    for sheet in sheets[done:]:
        yield result(sheet)


def grading_notes(results: list[StudentResult]) -> list[str]:
    """One line per thing marked 0 that the teacher should check: an answer that
    could not be read (student, item, row, why) and a student with no rows."""
    lines = []
    for r in results:
        who = f"{r.sheet.student.student_id} ({r.sheet.student.name})"
        if r.absent:
            lines.append(f"{who}: {NO_ANSWERS}; check the answers file if they sat the exam.")
        for m in r.marks:
            if m.unreadable:
                lines.append(f"{who}, item {m.item.number} [{m.item.label}], answers row {m.line}: "
                             f"could not read the answer: {m.unreadable}; marked 0.")
    return lines
