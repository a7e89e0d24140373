"""What grading an exam writes to the exam's folder: a marks CSV and a result
page per student (``record`` puts the same results in the progress store).

Both go through ``textfile``: each file is replaced whole (a killed run leaves the
previous marks, never a 0-byte page) and every CSV cell is defused, so a name such
as ``=HYPERLINK(...)`` is shown by a spreadsheet as text, never run. Result pages
are named like the student's sheet and key (``folder.student_filenames``), and
never land on what is not this exam's (``folder.check_grade_folder``). The pages
are written first and ``marks.csv`` last, so the file a teacher copies into a
gradebook never shows a mark before the student's page does.

A mark a teacher set (moderation) is marked so in both: the page says so beside
the item, with the teacher's comment, and ``marks.csv`` ends with a ``moderated``
column naming those items and the scorer's own marks (added after ``notes``, so
the columns a spreadsheet already reads keep their places).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from markupsafe import Markup

from ..formatting import marks_text
from ..templating import render
from ..textfile import write_csv
from .build import Exam
from .folder import check_grade_folder, student_filenames
from .grade import StudentResult
from .write import PAPERS, write_files

__all__ = ["write_results", "marks_header", "moderated_cell"]


def marks_header(exam_items) -> list[str]:
    return ["student_id", "name", *(f"{i.number}:{i.label}" for i in exam_items), "total", "max", "notes",
            "moderated"]


def moderated_cell(result: StudentResult) -> str:
    """``2:Q7 (scorer 0.5); 4:Q9 (scorer 2)``: the items a teacher marked, with what
    the scorer had given, for a teacher reading the marks back."""
    return "; ".join(f"{m.item.number}:{m.item.label}"
                     + (f" (scorer {marks_text(m.scorer_score)})" if m.scorer_score is not None else "")
                     for m in result.moderated)


def _marks_rows(results: list[StudentResult]) -> list[list[str]]:
    return [[r.sheet.student.student_id, r.sheet.student.name, *(marks_text(m.score) for m in r.marks),
             marks_text(r.total), marks_text(r.max), "; ".join(r.notes), moderated_cell(r)] for r in results]


def write_results(results: list[StudentResult], exam: Exam, folder: Path, paper: str = "a4",
                  pages_of: Collection[str] | None = None) -> Path:
    """Write ``marks.csv`` (one row per student, one column per item, then total,
    max, notes: what was marked 0 without being read, and moderated) and a result
    page each, or, with ``pages_of``, only those students' pages (the others are
    unchanged: a teacher changed one student's mark)."""
    folder = Path(folder)
    ids = [r.sheet.student.student_id for r in results]
    # the command checks before grading; this keeps callers safe
    check_grade_folder(folder, (exam.exam_id, exam.created_at.isoformat()), ids, pages_of)
    names = student_filenames(ids)
    pages: dict[str, str | bytes] = {}
    for r in results:
        if pages_of is not None and r.sheet.student.student_id not in pages_of:
            continue
        body = render("exam/result.html", exam=exam, result=r)
        pages[f"results/{names[r.sheet.student.student_id]}.html"] = render(
            "exam/document.html", kind="result", title=f"{exam.spec.title} · {r.sheet.student.name}",
            body=Markup(body), paper=PAPERS[paper])
    write_files(folder, pages)
    items = results[0].sheet.items if results else ()
    return write_csv(folder / "marks.csv", marks_header(items), _marks_rows(results))
