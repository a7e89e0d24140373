"""Progress reports: HTML for a student, and a folder for a class.

The data flow: the store aggregates its tables into plain rows
(``quizzer/store/report_queries.py``), ``student`` and ``cohort`` turn the rows
into report values, ``charts`` lays out the SVG, and ``write`` renders the
templates under ``templates/report/`` to files.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotFound
from ..store.report_rows import Scope

if TYPE_CHECKING:
    from ..bank import Bank
    from ..store import Store

__all__ = ["student_report", "class_report"]


def _user_id(store: Store, user: str) -> int:
    found = store.find_user(user)
    if found is None:
        known = store.users()
        hint = f"known students: {', '.join(known[:20])}{' …' if len(known) > 20 else ''}" if known else \
            "nobody has answered anything yet; start with `quizzer quiz`."
        raise NotFound(f"No student '{user}' in the progress store.", hint)
    return found


def student_report(bank: Bank, store: Store, user: str, out: Path, now: datetime) -> Path:
    """Write ``user``'s report to ``out`` (an HTML file) and return its path."""
    from .student import build_student_report
    from .write import write_student_page

    uid = _user_id(store, user)
    data = store.report_data(Scope(user_id=uid))[uid]
    return write_student_page(build_student_report(bank, data, now), Path(out))


def class_report(bank: Bank, store: Store, out_dir: Path, now: datetime,
                 session_id: int | None = None, student_pages: bool = True) -> list[Path]:
    """Write the class report (every student, or the students of one session or
    exam) into ``out_dir``; returns the files written, index.html first.

    ``student_pages=False`` writes the overview only (the table, statistics and
    CSV; names are then not links). A large class is read, built and drawn by a
    worker process per core, each on its own slice of the students
    (``slices``); the overview is written from what they send back."""
    from ..moderation.agreement import moderated_agreement
    from .cohort import finish_class_report
    from .slices import tally_class
    from .write import check_class_folder, write_overview

    if session_id is None:
        title, scope, label = "all practice", Scope(), ""
    else:
        found = store.exam_sessions(session_id)
        if found is None:
            raise NotFound(f"No session {session_id} in the progress store.",
                           "`quizzer stats --user NAME` lists a student's sessions.")
        title, ids = found
        scope, label = Scope(session_ids=ids), title
    out_dir = Path(out_dir)
    check_class_folder(out_dir)  # before any page is written
    lines, tally, pages = tally_class(bank, store, scope, now, out_dir if student_pages else None, label=label,
                                      back_label=f"class report: {title}")
    moderation = moderated_agreement(store, session_ids=scope.session_ids)
    report = finish_class_report(bank, lines, tally, now, title, moderation)
    return write_overview(report, out_dir, linked=student_pages) + pages
