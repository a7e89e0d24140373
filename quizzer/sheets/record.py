"""Grading an exam, in the progress store: one finished exam session per
student, so that the class report and the student's own report include it."""

from __future__ import annotations

from datetime import datetime

from .build import Exam
from .grade import StudentResult

__all__ = ["store_results"]


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
