"""What grading an exam writes to the exam's folder: a marks CSV and a result
page per student (``record`` puts the same results in the progress store)."""

from __future__ import annotations

import csv
from pathlib import Path

from markupsafe import Markup

from ..render import render
from .build import Exam
from .grade import StudentResult
from .write import PAPERS, safe_filename

__all__ = ["write_results"]


def write_results(results: list[StudentResult], exam: Exam, folder: Path, paper: str = "a4") -> Path:
    """Write ``marks.csv`` (one row per student, one column per item) and result pages."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results").mkdir(exist_ok=True)
    items = results[0].sheet.items if results else ()
    header = ["student_id", "name"] + [f"{i.number}:{i.label}" for i in items] + ["total", "max"]
    marks_csv = folder / "marks.csv"
    with marks_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for r in results:
            writer.writerow([r.sheet.student.student_id, r.sheet.student.name,
                             *(f"{m.score:g}" for m in r.marks), f"{r.total:g}", f"{r.max:g}"])
    for r in results:
        body = render("exam/result.html", exam=exam, result=r)
        page = render("exam/document.html", kind="result", title=f"{exam.spec.title} · {r.sheet.student.name}",
                      body=Markup(body), paper=PAPERS[paper])
        (folder / "results" / f"{safe_filename(r.sheet.student.student_id)}.html").write_text(page, encoding="utf-8")
    return marks_csv
