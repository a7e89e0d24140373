"""What grading an exam writes to the exam's folder: a marks CSV and a result
page per student (``record`` puts the same results in the progress store).

Both go through ``textfile``: each file is replaced whole (a killed run leaves the
previous marks, never a 0-byte page) and every CSV cell is defused, so a name such
as ``=HYPERLINK(...)`` is shown by a spreadsheet as text, never run. Result pages
are named like the student's sheet and key (``folder.student_filenames``), and
never land on what is not this exam's (``folder.check_grade_folder``).
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from ..templating import render
from ..textfile import write_csv
from .build import Exam
from .folder import check_grade_folder, student_filenames
from .grade import StudentResult
from .write import PAPERS, write_files

__all__ = ["write_results"]


def _marks_rows(results: list[StudentResult]) -> list[list[str]]:
    return [[r.sheet.student.student_id, r.sheet.student.name, *(f"{m.score:g}" for m in r.marks),
             f"{r.total:g}", f"{r.max:g}", "; ".join(r.notes)] for r in results]


def write_results(results: list[StudentResult], exam: Exam, folder: Path, paper: str = "a4") -> Path:
    """Write ``marks.csv`` (one row per student, one column per item, then total,
    max and notes: what was marked 0 without being read) and a result page each."""
    folder = Path(folder)
    ids = [r.sheet.student.student_id for r in results]
    # the command checks before grading; this keeps callers safe
    check_grade_folder(folder, (exam.exam_id, exam.created_at.isoformat()), ids)
    names = student_filenames(ids)
    pages: dict[str, str | bytes] = {}
    for r in results:
        body = render("exam/result.html", exam=exam, result=r)
        pages[f"results/{names[r.sheet.student.student_id]}.html"] = render(
            "exam/document.html", kind="result", title=f"{exam.spec.title} · {r.sheet.student.name}",
            body=Markup(body), paper=PAPERS[paper])
    write_files(folder, pages)
    items = results[0].sheet.items if results else ()
    header = ["student_id", "name", *(f"{i.number}:{i.label}" for i in items), "total", "max", "notes"]
    return write_csv(folder / "marks.csv", header, _marks_rows(results))
