"""Turning reports into files: one self-contained HTML page per student, and a
folder for a class (overview, pre-sorted student tables, CSV, students' pages).

Every page is written to a temporary name and renamed into place, so a report
interrupted half way never leaves a half-written page behind.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
from pathlib import Path

from ..errors import QuizzerError
from ..render import render
from ..textfile import csv_cell, write_utf8
from .cohort import SORT_KEYS, ClassReport
from .student import StudentReport

__all__ = ["write_student_page", "write_overview", "write_student_pages", "write_class_folder", "csv_cell",
           "COURSE"]

COURSE = "Deep Neural Network Architectures"
SORT_LABELS = {"name": "name", "answers": "answers", "score": "score", "mastery": "mastery",
               "readiness": "paper today", "time": "time", "last": "last active", "due": "questions due",
               "misconceptions": "misconceptions"}


def _write(path: Path, text: str) -> Path:
    try:
        return write_utf8(path, text)
    except OSError as exc:
        raise QuizzerError(f"Cannot write {path}: {exc.strerror or exc}.",
                           "choose an --out you can write to (a new folder is created).") from None


def write_student_page(report: StudentReport, path: Path, *, scope: str = "", back: str = "",
                       back_label: str = "") -> Path:
    html = render("report/student.html", report=report, course=COURSE, scope=scope, back=back,
                  back_label=back_label)
    return _write(Path(path), html)


def _csv(report: ClassReport, linked: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(["student", "answers", "sessions", "score", "mastery", "paper_today", "minutes",
                     "last_active", "due", "misconceptions", "report"])
    for s in report.sorted_by("name"):
        writer.writerow([csv_cell(v) for v in (
            s.name, s.answers, s.sessions, None if s.score is None else round(s.score, 4), round(s.mastery, 4),
            round(s.readiness, 4), round(s.seconds / 60, 1), s.last.isoformat() if s.last else "", s.due,
            s.misconceptions, f"students/{s.page}" if linked else "")])
    return out.getvalue()


def sorted_page(key: str) -> str:
    return "index.html" if key == "name" else f"students-by-{key}.html"


def write_overview(report: ClassReport, folder: Path, linked: bool = True) -> list[Path]:
    """index.html, the student table sorted by each column, and students.csv;
    ``linked``: the students' names link to their pages (written separately)."""
    folder = Path(folder)
    pages = {key: sorted_page(key) for key in SORT_KEYS}
    written = [_write(folder / "index.html", render(
        "report/class.html", report=report, course=COURSE, students=report.sorted_by("name"), sort="name",
        pages=pages, linked=linked))]
    for key in SORT_KEYS:
        if key != "name":
            written.append(_write(folder / pages[key], render(
                "report/students_sorted.html", report=report, students=report.sorted_by(key),
                sort=key, sort_label=SORT_LABELS[key], pages=pages, linked=linked)))
    written.append(_write(folder / "students.csv", _csv(report, linked)))
    return written


PARALLEL_FROM = 100  # fewer pages than this are quicker drawn than a pool is started
_PAGES: tuple | None = None  # what forked workers render: set just before the pool starts


def _write_pages(indexes: range) -> list[str]:
    report, folder, scope = _PAGES
    written = []
    for i in indexes:
        line, student = report.students[i], report.reports[i]
        written.append(str(write_student_page(student, folder / "students" / line.page, scope=scope,
                                              back="../index.html", back_label=f"class report: {report.title}")))
    return written


def write_student_pages(report: ClassReport, folder: Path, *, scope: str = "", workers: int | None = None) -> list[Path]:
    """A page per student, drawn by several processes when there are many.

    A thousand pages are mostly template work for one core each; forked workers
    share the finished report with the parent (nothing is pickled but the page
    numbers each one draws), so the pages come out about as many times faster as
    there are cores. Where fork is not available they are drawn one by one.
    """
    global _PAGES
    folder = Path(folder)
    count = len(report.students)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    _PAGES = (report, folder, scope)
    try:
        if workers < 2 or count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
            return [Path(p) for p in _write_pages(range(count))]
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            chunks = pool.map(_write_pages, [range(i, count, workers) for i in range(workers)])
            written = {Path(p) for chunk in chunks for p in chunk}
        return [folder / "students" / line.page for line in report.students if folder / "students" / line.page in written]
    finally:
        _PAGES = None


def write_class_folder(report: ClassReport, folder: Path, *, scope: str = "") -> list[Path]:
    return write_overview(report, folder) + write_student_pages(report, folder, scope=scope)
