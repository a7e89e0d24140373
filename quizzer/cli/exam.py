"""``quizzer exam``: printable exam sheets with keys, and grading them back."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from .. import words
from ..errors import QuizzerError
from .context import AppContext, pass_app
from .options import question_ids


@click.group()
def exam() -> None:
    """Build printable exams (a different set of numbers per student) and grade them."""


@exam.command("build")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with student_id,name (other columns are kept).")
@click.option("--count", type=click.IntRange(min=1), help="Anonymous sheets S001.. instead of a roster.")
@click.option("--seed", type=int, help="Exam seed (default: random, recorded in the manifest).")
@click.option("--questions", metavar="Q1,Q7", help="The short-answer questions, in order.")
@click.option("--module", type=int, help="Only questions of this module.")
@click.option("--topic", help="Only questions with this topic tag.")
@click.option("--saq", type=click.IntRange(min=0), help="Draw this many short-answer questions at random.")
@click.option("--numeric", type=click.IntRange(min=0), default=0, show_default=True,
              help="Add this many numeric items, with numbers unique to each student.")
@click.option("--title", default="Formative Assessment", show_default=True)
@click.option("--minutes", type=click.IntRange(min=1), default=60, show_default=True)
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--allow-repeats", is_flag=True, help="Allow two students the same numbers when a family runs out.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--pdf", is_flag=True, help="Also write PDF files (needs WeasyPrint).")
@click.option("--force", is_flag=True,
              help="Replace the exam already in --out: remove its sheets, keys, manifest, PDFs, marks and "
                   "results first (other files are kept).")
@pass_app
def build(app: AppContext, roster: Path | None, count: int | None, seed: int | None, questions: str | None,
          module: int | None, topic: str | None, saq: int | None, numeric: int, title: str, minutes: int,
          paper: str, allow_repeats: bool, out: Path, pdf: bool, force: bool) -> None:
    """Write one sheet and one answer key per student, a marking scheme and a manifest.

    --out must be a new or empty folder, unless --force."""
    from ..quiz.session import utcnow
    from ..sheets import ExamSpec, build_exam, numbered_students, read_roster, write_exam
    from ..sheets.folder import check_folder
    from ..sheets.roster import lookalike_ids

    if bool(roster) == bool(count):
        raise click.UsageError("give either --roster FILE or --count N.")
    check_folder(out, force)  # refuse before the work, not after
    if roster:
        students = read_roster(roster)
    elif count:
        students = numbered_students(count)
    for ids in lookalike_ids(students):
        click.echo(f"Note: the roster ids {', '.join(repr(i) for i in ids)} differ only in case or form; they are "
                   "different students, each with a sheet and a store of their own.", err=True)
    ids = question_ids(questions)
    spec = ExamSpec(title=title, seed=seed if seed is not None else secrets.randbelow(2**31), minutes=minutes,
                    questions=ids, module=module, topic=topic, saq=saq, numeric=numeric,
                    allow_repeats=allow_repeats)
    built = build_exam(app.bank(), spec, students, utcnow())
    written = write_exam(built, out, paper=paper, pdf=pdf, force=force)
    _say_replaced(written.replaced)
    click.echo(f"Exam {built.exam_id}: {words.count(len(built.sheets), 'sheet')} of "
               f"{words.count(len(built.sheets[0].items), 'item')} "
               f"({words.count(built.sheets[0].total, 'mark')}), seed {spec.seed}.")
    click.echo(f"  print:    {written.sheets}\n  keys:     {written.keys}\n  scheme:   {written.scheme}")
    click.echo(f"  manifest: {written.manifest}"
               f"  (needed to grade: quizzer exam grade {written.manifest} --answers FILE)")
    for path in written.pdfs:
        click.echo(f"  pdf:      {path}")


def _say_replaced(contents) -> None:
    """What --force removed and what it kept, so a graded exam never vanishes unsaid."""
    if contents is None:
        return
    if contents.ours:
        click.echo(f"Removed {contents.previous_exam()}: {contents.describe(contents.ours)}.", err=True)
        if contents.graded:
            click.echo("  Its results stay in the progress store.", err=True)
    if contents.others:
        click.echo(f"Kept {len(contents.others)} file(s) not written by Quizzer: {contents.describe_others()}.",
                   err=True)


@exam.command("grade")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--answers", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="CSV with student_id,question_id,answer (question_id: the label on the sheet or the item number).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write marks.csv and results/ (default: beside the manifest).")
@click.option("--no-store", is_flag=True, help="Do not record the results in the progress store.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes grading the free-text answers (default: the cores available).")
@pass_app
def grade_exam_command(app: AppContext, manifest: Path, answers: Path, out: Path | None, no_store: bool,
                       jobs: int | None) -> None:
    """Grade typed answers against each student's own sheet and write their marks.

    The marks are stored first and marks.csv and results/ written from the store,
    so a teacher's marks kept from an earlier grading (the same answer) show."""
    from ..moderation.queue import review_size_beside
    from ..quiz.session import utcnow
    from ..sheets.folder import check_grade_folder
    from ..sheets.grade import grade_exam_stream, read_exam_answers
    from ..sheets.manifest import read_manifest
    from ..sheets.record import store_results
    from ..sheets.refresh import write_stored_results
    from ..sheets.results import write_results

    bank = app.bank()
    loaded = read_manifest(manifest, bank)
    folder = out or manifest.parent
    built = (loaded.exam.exam_id, loaded.exam.created_at.isoformat())
    check_grade_folder(folder, built, [s.student.student_id for s in loaded.exam.sheets])
    for qid in loaded.edited_questions(bank):
        click.echo(f"Note: {qid} was edited after the exam was built; it is graded with the current rubric.", err=True)
    typed, problems = read_exam_answers(answers, loaded)
    for problem in problems:
        click.echo(f"Skipped {problem}", err=True)
    from ..parallel import default_jobs

    graded = grade_exam_stream(loaded, bank, app.scorer(), typed, jobs=jobs or default_jobs())
    results: list = []
    marks: Path | None
    if no_store:
        results = list(graded)
        _warn(results)
        marks = write_results(results, loaded.exam, folder)
    else:
        store = app.store()
        try:  # each chunk of students is stored while the next is graded
            store_results(store, loaded.exam, _kept(graded, results), utcnow(), folder=folder, manifest=manifest)
            _warn(results)
        except QuizzerError:
            click.echo(f"Nothing was written to {folder}: marks.csv and results/ are written from the progress "
                       "store once it holds the marks (--no-store writes them without the store).", err=True)
            raise
        ids = sorted(s.id for s in store.titled_sessions("exam", loaded.exam.exam_id))
        review = review_size_beside(bank, store, ids) if ids else None  # counted while the pages are written
        marks = write_stored_results(store, loaded, folder).marks
    click.echo(f"Graded {len(results)} students into {marks} and {folder / 'results'}.")
    if not no_store:
        _say_sessions(ids)
        if review is not None:
            _say_review(review(), ids)
    if problems:
        raise click.ClickException(f"{len(problems)} row(s) of {answers} were skipped (listed above).")


@exam.command("results")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write marks.csv and results/ (default: beside the manifest); later moderation "
                   "rewrites them there.")
@pass_app
def results_command(app: AppContext, manifest: Path, out: Path | None) -> None:
    """Rewrite marks.csv and results/ from the progress store (with the teachers' marks).

    Moderating an exam's answers rewrites them by itself; this is for a folder that
    was moved, put back or could not be written at the time."""
    from ..sheets.folder import check_grade_folder
    from ..sheets.manifest import read_manifest
    from ..sheets.refresh import rewrite_exam_outputs

    loaded = read_manifest(manifest, None)
    folder = out or manifest.parent
    check_grade_folder(folder, (loaded.exam.exam_id, loaded.exam.created_at.isoformat()),
                       [s.student.student_id for s in loaded.exam.sheets])
    written = rewrite_exam_outputs(app.store(), loaded, folder)
    click.echo(f"Wrote {written.marks} and {words.count(written.pages, 'result page')} in {folder / 'results'} "
               "from the progress store.")


def _kept(results: Iterable, into: list) -> Iterator:
    """``results`` passed on, each also kept in ``into``."""
    for result in results:
        into.append(result)
        yield result


def _warn(results: list) -> None:
    from ..sheets.grade import grading_notes

    for note in grading_notes(results):
        click.echo(f"Warning: {note}", err=True)


def _say_sessions(ids: list[int]) -> None:
    """The session ids the store gave this exam, and the report command that uses one."""
    if ids:
        click.echo(f"Stored {len(ids)} exam sessions in the progress store (session ids {_ranges(ids)}).")
        click.echo(f"  Class report for this exam: quizzer report --class --session {ids[0]}")


def _say_review(size: tuple[int, int], session_ids: list[int]) -> None:
    """How many of the exam's answers the review queue holds, and the commands that review them."""
    answers, groups = size
    if not answers:
        click.echo("No answer needs review: the scorer is sure of every mark.")
        return
    click.echo(f"{words.count(answers, 'answer')} {'needs' if answers == 1 else 'need'} review "
               f"({words.count(groups, 'group')}): quizzer moderate --session {session_ids[0]}")
    click.echo(f"  or in a spreadsheet: quizzer moderate export --session {session_ids[0]} --out queue.csv")


def _ranges(ids: list[int]) -> str:
    """12-14, 20: consecutive ids shown as a range."""
    runs: list[tuple[int, int]] = []
    start = previous = ids[0]
    for current in ids[1:]:
        if current != previous + 1:
            runs.append((start, previous))
            start = current
        previous = current
    runs.append((start, previous))
    return ", ".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)
