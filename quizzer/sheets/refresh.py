"""An exam's ``marks.csv`` and result pages, rewritten from the progress store.

Once an exam is graded and stored, the store holds its marks: the scorer's, and a
teacher's wherever one was moderated. The folder's ``marks.csv`` and result pages
are a copy of them, and this keeps the copy true. ``exam grade`` writes them from
the store right after storing, so an override kept on an unchanged answer shows at
once; moderation rewrites them after every change to an exam answer
(``moderation.decisions.commit`` and ``undo``, through ``refresh_exam_outputs``);
``quizzer exam results`` rewrites them on request (a folder put back, or a new
one given with ``--out``). Where they are comes from the exam's sessions
(``record.OUTPUTS``); the exam's structure from its manifest, read without the
bank (no rubric is needed to print a mark).

Atomic, file by file: every page and ``marks.csv`` is replaced whole
(``textfile``), the pages first and ``marks.csv`` last, so ``marks.csv`` never
shows a mark the student's page does not. A folder of files cannot be swapped
in one step; if a write fails part-way, each page already written shows the
store's marks, ``marks.csv`` keeps its previous content, and running again
finishes the job. After a moderation only the pages of the students whose marks
changed are rewritten (the others are what the store says already), and
``marks.csv`` whole, from the other students' marks read without their feedback
(``store.StoredMark``).

Nothing here changes a mark: a folder that is gone, a manifest that cannot be
read or a disk that is full never takes a teacher's decision back. The refresh
after moderation reports such a problem (``ExamOutputs.problem``) instead of
raising it, with the command that rewrites the files once it is fixed.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import QuizzerError
from ..store import ResponseRecord, SessionInfo, StoredMark
from ..words import count
from .build import SheetItem, StudentSheet
from .grade import ItemMark, StudentResult, unreadable_reason
from .manifest import LoadedExam, read_manifest
from .record import OUTPUTS, outputs_setting
from .results import write_results

__all__ = ["ExamOutputs", "stored_results", "write_stored_results", "rewrite_exam_outputs", "refresh_exam_outputs",
           "refresh_after_answers"]


@dataclass(frozen=True)
class ExamOutputs:
    """What rewriting one exam's files did, or why it could not."""

    exam_id: str
    folder: Path | None
    marks: Path | None = None  # marks.csv, when it was rewritten
    pages: int = 0  # result pages rewritten
    problem: QuizzerError | None = None  # why nothing (or not everything) was rewritten

    @property
    def written(self) -> bool:
        return self.problem is None

    @property
    def message(self) -> str:
        """One sentence for the teacher: what was rewritten, or what went wrong."""
        if self.problem is not None:
            return self.problem.message
        return f"Rewrote {self.marks} and {count(self.pages, 'result page')} of exam {self.exam_id}."

    @property
    def hint(self) -> str | None:
        return self.problem.hint if self.problem is not None else None


Stored = ResponseRecord | StoredMark


def _exam_answers(store, loaded: LoadedExam, pages_of: Collection[str] | None
                  ) -> tuple[dict[str, SessionInfo], dict[int, dict[int, Stored]]]:
    """Each student's stored session of the exam, and its answers by position:
    whole for the students whose pages are written, marks only for the rest."""
    sessions: dict[str, SessionInfo] = {}
    for session in store.titled_sessions("exam", loaded.exam.exam_id):
        sessions[session.user] = session  # oldest first: a student's latest wins (there is one)
    paged = [s.id for user, s in sessions.items() if pages_of is None or user in pages_of]
    rest = [s.id for user, s in sessions.items() if pages_of is not None and user not in pages_of]
    answers: dict[int, dict[int, Stored]] = defaultdict(dict)
    for response in [*store.responses(session_ids=paged), *(store.stored_marks(rest) if rest else [])]:
        answers[response.session_id][response.position] = response
    return sessions, answers


def _regrade_hint(loaded: LoadedExam) -> str:
    return f"grade the exam again: quizzer exam grade {shlex.quote(str(loaded.path))} --answers FILE"


def _item_mark(item: SheetItem, stored: Stored) -> ItemMark:
    """An item as grading returns it; from a ``StoredMark`` without feedback,
    criteria or confidence (a ``marks.csv`` row needs none of them)."""
    reasons = stored.review_reasons or []
    # "marked 0 without being read" stays true only while the mark is 0 (a teacher may have read it)
    unreadable = unreadable_reason(item, stored.answer) if "unreadable" in reasons and stored.score == 0 else ""
    feedback = ""
    criteria: tuple[dict[str, Any], ...] = ()
    confidence: dict[str, Any] = {}
    if isinstance(stored, ResponseRecord):
        feedback, criteria = stored.feedback, tuple(stored.criteria or ())
        if stored.confidence is not None:
            confidence = {"confidence": stored.confidence, "review_reasons": list(reasons)}
    return ItemMark(item, stored.answer, stored.score, stored.max_score, feedback, criteria, confidence,
                    missing=stored.skipped, unreadable=unreadable, moderated=stored.moderated, comment=stored.comment,
                    scorer_score=stored.scorer_score if stored.moderated else None)


def _student_result(sheet: StudentSheet, stored: dict[int, Stored], loaded: LoadedExam) -> StudentResult:
    marks = []
    for position, item in enumerate(sheet.items):
        found = stored.get(position)
        if found is None or found.question_id != item.question_id:
            raise QuizzerError(f"The progress store's result of {sheet.student.student_id} in exam "
                               f"{loaded.exam.exam_id} does not match the manifest {loaded.path} at item "
                               f"{item.number} [{item.label}].", _regrade_hint(loaded))
        marks.append(_item_mark(item, found))
    absent = all("absent" in (r.review_reasons or []) for r in stored.values())
    return StudentResult(sheet, tuple(marks), absent=absent)


def stored_results(store, loaded: LoadedExam, pages_of: Collection[str] | None = None) -> list[StudentResult]:
    """Every student of the exam, in the manifest's order, with the marks the store
    holds (moderated where a teacher changed them), as grading returns them. With
    ``pages_of``, only those students' results are whole; the others carry their
    marks without feedback, which is all ``marks.csv`` shows."""
    sessions, answers = _exam_answers(store, loaded, pages_of)
    missing = [s.student.student_id for s in loaded.exam.sheets if s.student.student_id not in sessions]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise QuizzerError(f"The progress store holds no result of exam {loaded.exam.exam_id} for "
                           f"{count(len(missing), 'student')} of its manifest ({shown}).", _regrade_hint(loaded))
    return [_student_result(sheet, answers[sessions[sheet.student.student_id].id], loaded)
            for sheet in loaded.exam.sheets]


def write_stored_results(store, loaded: LoadedExam, folder: Path,
                         pages_of: Collection[str] | None = None) -> ExamOutputs:
    """Write ``marks.csv`` and the result pages (all, or those of the students
    ``pages_of``) into ``folder`` from the store's marks. Raises ``QuizzerError``
    when the store lacks the exam or the folder cannot take the files."""
    results = stored_results(store, loaded, pages_of)
    marks = write_results(results, loaded.exam, Path(folder), pages_of=pages_of)
    pages = len(results) if pages_of is None else sum(r.sheet.student.student_id in pages_of for r in results)
    return ExamOutputs(loaded.exam.exam_id, Path(folder), marks, pages)


def rewrite_exam_outputs(store, loaded: LoadedExam, folder: Path) -> ExamOutputs:
    """Every file of the exam rewritten from the store into ``folder``, which the
    exam's sessions then name as its place: later moderation writes there."""
    written = write_stored_results(store, loaded, folder)
    ids = [s.id for s in store.titled_sessions("exam", loaded.exam.exam_id)]
    store.update_session_settings(ids, {OUTPUTS: outputs_setting(folder, loaded.path)})
    return written


def _not_rewritten(exam_id: str, manifest: str | None, exc: QuizzerError) -> QuizzerError:
    """A problem in rewriting, said with what it did not do and how to finish it."""
    command = (f"quizzer exam results {shlex.quote(manifest)}" if manifest
               else "quizzer exam results MANIFEST (the exam's manifest.json)")
    then = (f"the changed marks are kept in the progress store; once that is fixed, run `{command}` "
            f"(add --out NEW_FOLDER to write them elsewhere)")
    return QuizzerError(f"marks.csv and the result pages of exam {exam_id} were not rewritten: {exc.message}",
                        f"{exc.hint.rstrip('.')}; {then}." if exc.hint else f"{then[0].upper()}{then[1:]}.")


def _refresh_one(store, exam_id: str, folder: str | None, manifest: str | None, users: set[str]) -> ExamOutputs:
    try:
        if folder is None or manifest is None:
            raise QuizzerError("the progress store does not record where they are (the exam was graded by an "
                               "earlier Quizzer).")
        if not Path(folder).is_dir():
            raise QuizzerError(f"the folder {folder} where they were written is gone.",
                               "put the folder back (its manifest.json is needed)" if
                               Path(manifest).parent == Path(folder) else None)
        loaded = read_manifest(Path(manifest), None)
        if loaded.exam.exam_id != exam_id:
            raise QuizzerError(f"the manifest {manifest} is now exam {loaded.exam.exam_id}'s.",
                               "grade the exam into a folder of its own with its own manifest")
        return write_stored_results(store, loaded, Path(folder), pages_of=users)
    except QuizzerError as exc:
        return ExamOutputs(exam_id, Path(folder) if folder else None, problem=_not_rewritten(exam_id, manifest, exc))


def _refresh(store, sessions: Iterable[SessionInfo]) -> list[ExamOutputs]:
    touched: dict[tuple[str, str | None, str | None], set[str]] = defaultdict(set)
    for session in sessions:
        if session.kind == "exam" and session.title:
            where = session.settings.get(OUTPUTS) or {}
            touched[(session.title, where.get("folder"), where.get("manifest"))].add(session.user)
    return [_refresh_one(store, exam_id, folder, manifest, users)
            for (exam_id, folder, manifest), users in touched.items()]


def refresh_exam_outputs(store, session_ids: Iterable[int]) -> list[ExamOutputs]:
    """Rewrite the files of every printed exam among these sessions (other
    sessions are left out): ``marks.csv`` whole and the pages of these sessions'
    students. One ``ExamOutputs`` per exam; a problem is reported in it, never
    raised, because the store's change it follows is already made."""
    return _refresh(store, store.sessions_by_id(session_ids))


def refresh_after_answers(store, response_ids: Iterable[int]) -> list[ExamOutputs]:
    """``refresh_exam_outputs`` for the sessions holding these answers (what a
    teacher's marks just changed)."""
    return _refresh(store, store.sessions_of_answers(response_ids))
