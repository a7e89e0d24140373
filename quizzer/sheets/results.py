"""What grading an exam produces: a marks CSV, a result page per student, and
an exam session per student in the progress store (so reports include it)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from ..render import render
from .build import Exam
from .grade import StudentResult
from .write import PAPERS, safe_filename

__all__ = ["write_results", "store_results"]


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


def store_results(store, exam: Exam, results: list[StudentResult], now: datetime) -> int:
    """Record each student's exam as a finished session; grading again replaces it."""
    from ..store import NewResponse

    hashes = {q.id: q.content_hash for q in exam.questions}
    for r in results:
        user = r.sheet.student.student_id
        store.delete_sessions(user, "exam", exam.exam_id)
        info = store.start_session(user, kind="exam", mode="paper", seed=exam.spec.seed, title=exam.exam_id,
                                   plan=[i.to_json() for i in r.sheet.items],
                                   settings={"exam_title": exam.spec.title, "name": r.sheet.student.name},
                                   now=now)
        for position, m in enumerate(r.marks):
            store.record(info.id, NewResponse(
                position=position, question_id=m.item.question_id, content_hash=hashes.get(m.item.question_id, ""),
                answer=m.answer, score=m.score, max_score=m.max, criteria=list(m.criteria), feedback=m.feedback,
                family=m.item.family, variant_seed=m.item.seed, skipped=m.missing, **m.confidence), now)
        store.finish_session(info.id, now)
    return len(results)
