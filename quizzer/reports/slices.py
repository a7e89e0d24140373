"""A class report made by worker processes, each reading its own slice of the class.

At a department's size (a thousand students, a million answers) reading the
summaries, building every student's report and drawing their pages (tens of
megabytes of HTML) each take seconds on one core. So the parent reads only who
is in the class (ids and names), names every page, and splits the students into
contiguous ranges of ids, one per core. Each forked worker opens its own
connection, reads its slice's rows (with the sessions only the pages chart),
builds those students' reports, writes their pages while it builds the next
ones, and sends back only what the overview needs: each student's line of the
class table and the slice's tally of the item statistics. Nothing is read or
built twice, no report crosses between processes, and the merged tallies give
the same overview as one process reading everyone (``cohort.ClassTally``).

Workers die with the report (``parallel.die_with_parent``): a report killed with
``kill -9`` leaves no process behind. Where fork is not available, or the
database is SQLite in memory (which another process cannot open), or the class
is small, the one process reads the whole class as a single slice.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import sqlite_path
from ..parallel import die_with_parent
from ..store.report_rows import Scope
from ..textfile import write_utf8
from .cohort import ClassTally, StudentLine, by_name, page_names, student_line
from .student import StudentReport, build_student_report
from .write import COURSE, render

if TYPE_CHECKING:
    from ..bank import Bank
    from ..store import Store

__all__ = ["Slices", "SliceResult", "tally_class", "id_ranges", "PARALLEL_FROM"]

PARALLEL_FROM = 100  # fewer students than this are quicker done than workers are started
WRITERS = 2  # threads per worker that write (and fsync) pages while the next are built


@dataclass(frozen=True)
class Slices:
    """What every worker is given (shared by fork, never pickled)."""

    bank: Bank
    store: Store
    scope: Scope
    now: datetime
    pages: dict[int, str]  # user id -> file name of the student's page
    folder: Path | None  # where the pages go; None: no pages (the overview alone)
    label: str = ""  # the scope, as the pages say it ("exam 2026-…"), "" for all practice
    back_label: str = ""


@dataclass
class SliceResult:
    lines: list[StudentLine] = field(default_factory=list)
    tally: ClassTally = field(default_factory=ClassTally)
    written: list[Path] = field(default_factory=list)  # the students' pages, in no particular order


def id_ranges(ids: list[int], parts: int) -> list[tuple[int, int]]:
    """``ids`` (sorted) cut into at most ``parts`` contiguous ranges of nearly equal
    counts, each as (first id, last id)."""
    parts = max(1, min(parts, len(ids)))
    bounds = [len(ids) * i // parts for i in range(parts + 1)]
    return [(ids[start], ids[end - 1]) for start, end in itertools.pairwise(bounds) if end > start]


def read_slice(job: Slices, store: Store, users: tuple[int, int] | None) -> SliceResult:
    """Read, build and (with a folder) write the students with ids in ``users``."""
    scope = job.scope if users is None else replace(job.scope, users=users)
    students = store.report_data(scope, with_sessions=job.folder is not None)
    result = SliceResult()
    with ThreadPoolExecutor(WRITERS, thread_name_prefix="page-writer") as writers:
        pending: list[Future[Path]] = []
        for s in students.values():
            report = build_student_report(job.bank, s, job.now)
            page = job.pages[s.user_id]
            result.lines.append(student_line(s, report, page))
            result.tally.add(s)
            if job.folder is not None:
                html = _page_html(job, report)
                pending.append(writers.submit(write_utf8, job.folder / "students" / page, html))
        result.written = [future.result() for future in pending]  # the first failure is raised here
    return result


def _page_html(job: Slices, report: StudentReport) -> str:
    return render("report/student.html", report=report, course=COURSE, scope=job.label, back="../index.html",
                  back_label=job.back_label)


_JOB: Slices | None = None  # set just before the workers are forked


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
    if _JOB is not None:  # the parent's pooled connections are the parent's: let go of them unclosed
        _JOB.store.engine.dispose(close=False)


def _work(users: tuple[int, int]) -> SliceResult:
    if _JOB is None:
        raise RuntimeError("a slice is read only inside tally_class, which sets what to read")
    from ..store import Store

    with Store(_JOB.store.url) as own:
        return read_slice(_JOB, own, users)


def _parallel(store: Store, count: int, workers: int) -> bool:
    in_memory = store.url.startswith("sqlite") and sqlite_path(store.url) is None
    return (workers > 1 and count >= PARALLEL_FROM and not in_memory
            and "fork" in multiprocessing.get_all_start_methods())


def tally_class(bank: Bank, store: Store, scope: Scope, now: datetime, folder: Path | None, *, label: str = "",
                back_label: str = "", workers: int | None = None) -> tuple[list[StudentLine], ClassTally, list[Path]]:
    """Every student's line (in the class table's order), the class's tally and,
    with a ``folder``, the students' pages written into ``folder/students`` (in
    the same order)."""
    global _JOB
    students = store.report_students(scope)
    order = by_name(students, name=lambda s: s[1])
    names = page_names(name for _, name in order)
    pages = {uid: names[name] for uid, name in order}
    job = Slices(bank, store, scope, now, pages, folder, label, back_label)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if _parallel(store, len(students), workers):
        from concurrent.futures import ProcessPoolExecutor

        ranges = id_ranges([uid for uid, _ in students], workers)
        _JOB = job
        try:
            with ProcessPoolExecutor(len(ranges), mp_context=multiprocessing.get_context("fork"),
                                     initializer=_start_worker, initargs=(os.getpid(),)) as pool:
                results = list(pool.map(_work, ranges))
        finally:
            _JOB = None
    else:
        results = [read_slice(job, store, None)]
    return _merged(results, [pages[uid] for uid, _ in order], folder)


def _merged(results: list[SliceResult], order: list[str], folder: Path | None
            ) -> tuple[list[StudentLine], ClassTally, list[Path]]:
    tally = ClassTally()
    for result in results:
        tally.merge(result.tally)
    place = {page: i for i, page in enumerate(order)}
    lines = sorted((line for result in results for line in result.lines), key=lambda line: place[line.page])
    written = {path for result in results for path in result.written}
    pages = [folder / "students" / page for page in order] if folder is not None else []
    return lines, tally, [page for page in pages if page in written]
