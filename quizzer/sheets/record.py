"""Grading an exam, in the progress store: one finished exam session per
student, so that the class report and the student's own report include it.

Students' sessions are replaced fifty at a time, each chunk in one transaction
(``Store.replace_sessions``, which rebuilds the chunk's summaries once): a grading
run killed half-way leaves every student with either the previous result or the
new one, and running it again finishes the job.

Each session also records where the exam's ``marks.csv`` and result pages were
written and which manifest describes the exam (``OUTPUTS``, absolute paths), so
that a teacher's later change to a mark can rewrite them (``refresh``) without
being told where they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from pathlib import Path

from ..store import NewResponse, Replacement
from .build import Exam
from .grade import StudentResult

__all__ = ["store_results", "outputs_setting", "OUTPUTS"]

OUTPUTS = "outputs"  # the settings key: {"folder": ..., "manifest": ...}


def outputs_setting(folder: Path, manifest: Path) -> dict[str, str]:
    """Where an exam's marks and pages live, as a session's settings keep it:
    resolved, so that it names the same place from any working folder."""
    return {"folder": str(Path(folder).resolve()), "manifest": str(Path(manifest).resolve())}


def _doubts(result: StudentResult, mark) -> dict:
    """The confidence fields of a stored exam answer: the scorer's for a free-text
    grade; none (0) for what was marked 0 unread, so that the review queue puts
    an unreadable numeric answer and a student with no answers first."""
    if result.absent:
        return {"confidence": 0.0, "review_reasons": ["absent"]}
    if mark.unreadable:
        return {"confidence": 0.0, "review_reasons": ["unreadable"]}
    return dict(mark.confidence)


STUDENTS_PER_TRANSACTION = 50  # each a whole student; the summaries rebuilt once per chunk


def store_results(store, exam: Exam, results: Iterable[StudentResult], now: datetime, *,
                  folder: Path | None = None, manifest: Path | None = None) -> int:
    """Record each student's exam as a finished session; grading again replaces it.
    With ``folder`` and ``manifest``, the sessions say where the marks were written.
    ``results`` may be a stream (``grade_exam_stream``): each chunk of students is
    stored as soon as it is graded."""
    from ..store.store import check_user_name

    for sheet in exam.sheets:  # every name first: a bad one must not leave the exam half stored
        check_user_name(sheet.student.student_id)
    hashes = {q.id: q.content_hash for q in exam.questions}
    where = {OUTPUTS: outputs_setting(folder, manifest)} if folder is not None and manifest is not None else {}
    stored, pending = 0, iter(results)
    while chunk := list(islice(pending, STUDENTS_PER_TRANSACTION)):
        store.replace_sessions([_replacement(exam, r, hashes, where) for r in chunk], now)
        stored += len(chunk)
    return stored


def _replacement(exam: Exam, r: StudentResult, hashes: dict[str, str], where: dict) -> Replacement:
    responses = [NewResponse(
        position=position, question_id=m.item.question_id, content_hash=hashes.get(m.item.question_id, ""),
        answer=m.answer, score=m.score, max_score=m.max, criteria=list(m.criteria), feedback=m.feedback,
        family=m.item.family, variant_seed=m.item.seed, skipped=m.missing, **_doubts(r, m))
        for position, m in enumerate(r.marks)]
    return Replacement(
        r.sheet.student.student_id, kind="exam", title=exam.exam_id, mode="paper", seed=exam.spec.seed,
        plan=[i.to_json() for i in r.sheet.items],
        settings={"exam_title": exam.spec.title, "name": r.sheet.student.name, **where}, responses=responses)
