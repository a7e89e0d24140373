"""Turning reports into files: one self-contained HTML page per student, and a
folder for a class (overview, pre-sorted student tables, CSV, students' pages).

Every file goes through ``quizzer.textfile`` (a temporary name, fsync, rename), so
a report interrupted half way never leaves a half-written page behind, and the
next run removes the temporary files a killed one left. The students' pages of a
large class are drawn by forked workers that die with the report: a report
killed with ``kill -9`` leaves no process behind.

A report replaces only what Quizzer wrote: every report page carries
``<meta name="generator" content="Quizzer">`` (``report/layout.html``) and
``students.csv`` starts with our header, so a re-run into the same folder or file
(the common case) goes ahead, while a teacher's own ``index.html``, ``students.csv``
or essay at the same place is refused before anything is written.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from ..errors import QuizzerError
from ..parallel import die_with_parent
from ..progress.schedule import TARGET_RECALL
from ..templating import macro
from ..templating import render as render_template
from ..textfile import csv_cell, remove_stale_temporaries, write_csv, write_utf8
from ..words import count, plural
from .cohort import SORT_KEYS, ClassReport
from .student import StudentReport

__all__ = ["write_student_page", "write_overview", "write_student_pages", "write_class_folder", "csv_cell",
           "check_report_file", "check_class_folder", "COURSE"]

COURSE = "Deep Neural Network Architectures"
SORT_LABELS = {"name": "name", "answers": "answers", "score": "score", "mastery": "mastery",
               "readiness": "paper today", "time": "time", "last": "last active", "due": "questions due",
               "misconceptions": "misconceptions"}


def render(template: str, **context) -> str:
    """A report template, with the helpers every report page counts things with."""
    return render_template(template, count=count, plural=plural, target_recall=TARGET_RECALL, **context)


def write_student_page(report: StudentReport, path: Path, *, scope: str = "", back: str = "",
                       back_label: str = "") -> Path:
    html = render("report/student.html", report=report, course=COURSE, scope=scope, back=back,
                  back_label=back_label)
    return write_utf8(Path(path), html)


CSV_HEADER = ("student", "answers", "sessions", "score", "mastery", "paper_today", "minutes", "last_active", "due",
              "misconceptions", "report")


def _csv_rows(report: ClassReport, linked: bool = True) -> list[tuple]:
    """students.csv's rows; ``textfile.write_csv`` defuses every cell (a name such
    as =HYPERLINK(...) stays text in a spreadsheet)."""
    return [(s.name, s.answers, s.sessions, None if s.score is None else round(s.score, 4), round(s.mastery, 4),
             round(s.readiness, 4), round(s.seconds / 60, 1), s.last.isoformat() if s.last else "", s.due,
             s.misconceptions, f"students/{s.page}" if linked else "")
            for s in report.sorted_by("name")]


def sorted_page(key: str) -> str:
    return "index.html" if key == "name" else f"students-by-{key}.html"


def write_overview(report: ClassReport, folder: Path, linked: bool = True) -> list[Path]:
    """index.html, the student table sorted by each column, and students.csv;
    ``linked``: the students' names link to their pages (written separately)."""
    folder = Path(folder)
    check_class_folder(folder)
    # a killed run's temporary files among the students' pages, which an overview
    # alone does not write into (the writer sweeps the folders it writes to)
    remove_stale_temporaries(folder / "students")
    pages = {key: sorted_page(key) for key in SORT_KEYS}
    # each student's row drawn once and placed in all nine tables (a class of 1,000:
    # 0.26 s of drawing the same rows again and again)
    row = macro("report/students_table.html", "row")
    rows = {s.page: row(s, "students/", linked) for s in report.students} if row is not None else None
    written = [write_utf8(folder / "index.html", render(
        "report/class.html", report=report, course=COURSE, students=report.sorted_by("name"), sort="name",
        pages=pages, linked=linked, rows=rows))]
    for key in SORT_KEYS:
        if key != "name":
            written.append(write_utf8(folder / pages[key], render(
                "report/students_sorted.html", report=report, students=report.sorted_by(key),
                sort=key, sort_label=SORT_LABELS[key], pages=pages, linked=linked, rows=rows)))
    written.append(write_csv(folder / "students.csv", CSV_HEADER, _csv_rows(report, linked)))
    return written


GENERATOR = b'<meta name="generator" content="Quizzer">'
HEAD_BYTES = 4_096  # the marker is in the first lines of every report page


def _is_report_page(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return GENERATOR in handle.read(HEAD_BYTES)
    except OSError:
        return False


def _is_students_csv(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            first = handle.readline().lstrip(b"\xef\xbb\xbf")
    except OSError:
        return False
    return first.startswith(b"student,answers,")  # as every version wrote it, whatever columns follow


def _not_ours(path: Path, recognise) -> bool:
    """Whether a report would replace ``path`` though Quizzer did not write it."""
    return path.exists() and not (path.is_file() and recognise(path))


def check_report_file(path: Path) -> None:
    """Refuse to write a student's report over a file that is not a Quizzer report."""
    path = Path(path)
    if _not_ours(path, _is_report_page):
        raise QuizzerError(f"{path} already exists and is not a Quizzer report; it is left as it is.",
                           "choose another --out (Quizzer replaces only the reports it wrote), or move that "
                           "file elsewhere.")


def check_class_folder(folder: Path) -> None:
    """Refuse a class report's folder whose index.html, sorted tables or students.csv
    Quizzer did not write (a course site, a teacher's spreadsheet)."""
    folder = Path(folder)
    if not folder.is_dir():
        return  # new (created by the writes), or a file: the command says so
    pages = [folder / sorted_page(key) for key in SORT_KEYS]
    theirs = [p.name for p in pages if _not_ours(p, _is_report_page)]
    if _not_ours(folder / "students.csv", _is_students_csv):
        theirs.append("students.csv")
    if theirs:
        raise QuizzerError(f"The folder {folder} holds {', '.join(theirs)} not written by Quizzer; nothing was "
                           "written there.",
                           "choose another --out for the class report (a new folder is created), or move those "
                           "files elsewhere; a folder of an earlier class report is simply updated.")


PARALLEL_FROM = 100  # fewer pages than this are quicker drawn than a pool is started
# what forked workers render: set just before the pool starts
_PAGES: tuple[ClassReport, Path, str] | None = None




def _write_pages(indexes: range) -> list[str]:
    if _PAGES is None:
        raise RuntimeError("student pages are drawn only inside write_student_pages, which sets what to draw")
    report, folder, scope = _PAGES
    written = []
    for i in indexes:
        line, student = report.students[i], report.reports[i]
        written.append(str(write_student_page(student, folder / "students" / line.page, scope=scope,
                                              back="../index.html", back_label=f"class report: {report.title}")))
    return written


def write_student_pages(report: ClassReport, folder: Path, *, scope: str = "",
                        workers: int | None = None) -> list[Path]:
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

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            chunks = pool.map(_write_pages, [range(i, count, workers) for i in range(workers)])
            written = {Path(p) for chunk in chunks for p in chunk}
        pages = [folder / "students" / line.page for line in report.students]
        return [page for page in pages if page in written]
    finally:
        _PAGES = None


def write_class_folder(report: ClassReport, folder: Path, *, scope: str = "") -> list[Path]:
    return write_overview(report, folder) + write_student_pages(report, folder, scope=scope)
