"""``quizzer moderate``: a teacher checks the doubtful marks and overrides them.

With no subcommand it goes through the review queue in the terminal; ``export``
and ``import`` do the same through a spreadsheet; ``undo`` gives answers back to
the scorer's mark and ``history`` lists the overrides. The queue, the decisions
and the sheet are a library (``quizzer.moderation``); these are thin skins.
"""

from __future__ import annotations

import functools
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from .. import words
from .context import AppContext, pass_app


class When(click.ParamType):
    """A date or a time in ISO 8601 (2026-12-01, 2026-12-01T09:00, ...Z or +01:00); UTC unless it says."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            when = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; give one such as 2026-12-01 or 2026-12-01T09:00.", param, ctx)
        return when if when.tzinfo else when.replace(tzinfo=UTC)


def _now() -> datetime:
    from ..quiz.session import utcnow

    return utcnow()


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container with no passwd entry)
        return "teacher"


def queue_filters(command):
    """The options that choose which answers are reviewed, read into ``Filters``
    as the ``filters`` argument (every command of the queue reads them the same)."""

    @click.option("--session", "session_id", type=int, metavar="ID", help="Only this session (an exam's sheet).")
    @click.option("--question", "question_id", metavar="Q7", help="Only this question.")
    @click.option("--user", metavar="NAME", help="Only this student's answers.")
    @click.option("--since", type=When(), metavar="DATE",
                  help="Only answers given from DATE (2026-12-01, UTC) on.")
    @click.option("--all", "everything", is_flag=True, help="Every free-text answer in scope, not only the doubtful.")
    @functools.wraps(command)
    def wrapper(*args: Any, session_id: int | None, question_id: str | None, user: str | None,
                since: datetime | None, everything: bool, **kwargs: Any) -> Any:
        from ..moderation.queue import Filters

        app = click.get_current_context().find_object(AppContext)
        assert app is not None, "the CLI group puts the AppContext on the context"
        if question_id:
            question_id = app.question(question_id).id
        when = since
        sessions: frozenset[int] = frozenset()
        if session_id is not None:
            session_id, sessions = _exam_scope(app, session_id)
        kwargs["filters"] = Filters(session_id=session_id, question_id=question_id, user=user, since=when,
                                    everything=everything, session_ids=sessions)
        return command(*args, **kwargs)

    return wrapper


def _exam_scope(app: AppContext, session_id: int) -> tuple[int | None, frozenset[int]]:
    """A printed exam's session stands for the whole exam (one session per
    student), as in ``report --class --session``; any other session for itself."""
    from ..errors import NotFound

    found = app.store().exam_sessions(session_id)
    if found is None:
        raise NotFound(f"No session {session_id} in the progress store.",
                       "`quizzer exam grade` prints an exam's session ids; `quizzer stats --user NAME` a student's.")
    title, ids = found
    if len(ids) > 1:
        click.echo(f"Session {session_id} is one student's sheet of the exam {title}: reviewing all "
                   f"{len(ids)} students' sessions.", err=True)
        return None, frozenset(ids)
    return session_id, frozenset()


def _moderator(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from ..limits import MAX_NAME_CHARS

    if not value.strip() or len(value) > MAX_NAME_CHARS:
        raise click.BadParameter(f"give a name of 1 to {MAX_NAME_CHARS} characters, such as your login name.")
    return value


moderator_option = click.option("--moderator", default=_login, show_default="your login name",
                                callback=_moderator, help="The name kept with each override.")


@click.group(invoke_without_command=True)
@queue_filters
@moderator_option
@pass_app
def moderate(app: AppContext, filters, moderator: str) -> None:
    """Check and override the scorer's marks, riskiest first.

    With no subcommand, shows the review queue in the terminal one group of
    near-identical answers at a time: accept, set the marks (a total or per
    criterion), comment, split answers off, skip, undo. Every decision is saved
    at once. `moderate export` and `moderate import` do the same in a spreadsheet.
    """
    ctx = click.get_current_context()
    if ctx.invoked_subcommand is not None:
        from ..moderation.queue import Filters

        moderator_given = ctx.get_parameter_source("moderator") is not click.core.ParameterSource.DEFAULT
        if filters != Filters() or moderator_given:
            raise click.UsageError(f"Put the options after the subcommand: quizzer moderate "
                                   f"{ctx.invoked_subcommand} --session ID ...")
        return
    from ..moderation.queue import load_queue
    from ..terminal.moderate import TerminalModeration
    from ..terminal.prompt import Reader, enable_line_editing, tolerate_undecodable_input
    from .output import console as make_console

    store = app.store()
    queue = load_queue(app.bank(), store, filters)
    _nothing_matched(queue, filters)
    console = make_console()
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    reader = Reader(tolerate_undecodable_input(sys.stdin), interactive, console,
                    editing=enable_line_editing() if interactive else None)
    TerminalModeration(queue, store, console, reader, moderator, _now).play()


@moderate.command("export")
@queue_filters
@click.option("--per-answer", is_flag=True, help="One row per answer instead of one per group.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The CSV to write.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@pass_app
def export_command(app: AppContext, filters, per_answer: bool, out: Path, force: bool) -> None:
    """Write the review queue as a spreadsheet to fill in (new_mark, comment).

    One row per group of near-identical answers (or per answer), riskiest first,
    with the current marks per criterion and empty columns for the teacher's.
    Fill new_mark (or new_mark:CRITERION) where you disagree, then run
    `quizzer moderate import` on the file.
    """
    from ..moderation.queue import load_queue
    from ..moderation.sheet import write_sheet

    _check_out(app, out, force)
    bank = app.bank()
    queue = load_queue(bank, app.store(), filters)
    _nothing_matched(queue, filters)
    rows = write_sheet(bank, queue, out, per_answer)
    click.echo(f"Wrote {words.count(rows, 'row')} ({words.count(queue.answers, 'answer')} in "
               f"{words.count(len(queue.groups), 'group')}) to {out}.")
    if rows:
        click.echo(f"  Fill new_mark or new_mark:CRITERION (and comment), then: quizzer moderate import {out}")


@moderate.command("import")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the sheet and say what would change; write nothing.")
@moderator_option
@pass_app
def import_command(app: AppContext, sheet: Path, dry_run: bool, moderator: str) -> None:
    """Apply a filled moderation sheet: every row whose new_mark is filled.

    Each bad row (an unknown answer id, a mark above the maximum or not in half
    marks, an answer re-marked since the export) is named with its line and
    changes nothing; the other rows are applied, and the command exits 1 if any
    row was bad.
    """
    from ..moderation.sheet import apply_plan, read_sheet

    store = app.store()
    plan = read_sheet(sheet, store)
    for note in plan.notes:
        click.echo(f"Note: {note}")
    for problem in plan.problems:
        click.echo(f"{sheet}, row {problem.line}: {problem.message}", err=True)
    if dry_run:
        click.echo(f"Would apply {words.count(plan.rows, 'row')} ({words.count(plan.answers, 'answer')}); "
                   f"{words.count(plan.unfilled, 'row')} not filled in{_already(plan.already)}; nothing was written.")
    else:
        applied = apply_plan(store, plan, moderator, _now())
        for line, message in applied.refused:
            click.echo(f"{sheet}, row {line}: {message}", err=True)
        click.echo(f"Applied {words.count(applied.rows, 'row')} ({words.count(applied.answers, 'answer')}); "
                   f"{words.count(plan.unfilled, 'row')} not filled in left as they are{_already(plan.already)}.")
        _say_outputs(applied.outputs)
    bad = len(plan.problems) + (0 if dry_run else len(applied.refused))
    if bad:
        raise click.ClickException(f"{words.count(bad, 'row')} of {sheet} could not be applied (listed above); "
                                   "fix them and import the file again (rows already applied are kept).")


@moderate.command("undo")
@click.argument("response_ids", nargs=-1, type=int, required=True)
@pass_app
def undo_command(app: AppContext, response_ids: tuple[int, ...]) -> None:
    """Give answers back to the mark they had before the last override."""
    from ..moderation.decisions import undo

    outputs: list = []
    undone = undo(app.store(), list(response_ids), _now(), outputs)
    click.echo(f"Undid the override on {words.count(undone, 'answer')}.")
    _say_outputs(outputs)


def _check_out(app: AppContext, out: Path, force: bool) -> None:
    """A sheet is never written over a file without --force (a filled sheet is a
    teacher's work), and never over the progress store."""
    from ..errors import QuizzerError

    if not out.name or out.name in (".", ".."):
        raise QuizzerError(f"--out {str(out)!r} names no file.", "give a file name such as queue.csv.")
    from ..config import sqlite_path

    store_file = sqlite_path(app.settings.db_url)
    if store_file is not None and out.resolve() == store_file.resolve():
        raise QuizzerError(f"--out {out} is the progress store.", "write the sheet to another file, such as queue.csv.")
    if out.exists() and not force:
        raise QuizzerError(f"{out} exists; it may be a sheet you filled in.",
                           "import it first, give another --out, or add --force to replace it.")


def _nothing_matched(queue, filters) -> None:
    """A filter that names nothing stored (a mistyped user) is not an empty queue."""
    from ..errors import NotFound

    if queue.in_scope == 0 and (filters.user or filters.session_id is not None or filters.session_ids
                                or filters.question_id or filters.since):
        given = [f"--user {filters.user}" if filters.user else "",
                 f"--question {filters.question_id}" if filters.question_id else "",
                 f"--since {filters.since:%Y-%m-%d %H:%M}" if filters.since else "",
                 f"--session {filters.session_id}" if filters.session_id is not None else ""]
        raise NotFound(f"No stored answers match {' '.join(g for g in given if g) or 'these filters'}.",
                       "check the spelling; `quizzer report --class` lists the students, `quizzer exam grade` "
                       "prints an exam's session ids.")


def _already(rows: int) -> str:
    return f"; {words.count(rows, 'row')} already applied (imported before)" if rows else ""


def _say_outputs(outputs: list) -> None:
    """What happened to printed exams' marks.csv and result pages after a change."""
    for out in outputs:
        if out.written:
            click.echo(out.message)
        else:
            click.echo(f"Warning: {out.message}" + (f"\n  Hint: {out.hint}" if out.hint else ""), err=True)


@moderate.command("history")
@click.option("--question", "question_id", metavar="Q7", help="Only overrides of this question.")
@click.option("--user", metavar="NAME", help="Only this student's answers.")
@click.option("--all", "everything", is_flag=True, help="Undone overrides too.")
@pass_app
def history(app: AppContext, question_id: str | None, user: str | None, everything: bool) -> None:
    """List the overrides in force (who, when, the marks before and after)."""
    from ..formatting import marks_text

    if question_id:
        question_id = app.question(question_id).id
    found = app.store().overrides(question_id=question_id, user=user, active_only=not everything)
    if not found:
        click.echo("No overrides.")
        return
    for o in found:
        state = f", undone {o.undone_at:%Y-%m-%d %H:%M}" if o.undone_at else ""
        comment = f' "{o.comment}"' if o.comment else ""
        click.echo(f"answer {o.response_id} ({o.user}, {o.question_id}): {marks_text(o.old_score)} -> "
                   f"{marks_text(o.new_score)} of {marks_text(o.max_score)} by {o.moderator}, "
                   f"{o.created_at:%Y-%m-%d %H:%M}{state}{comment}")


@moderate.command("promote")
@click.option("--to", "target", type=click.Choice(["samples", "heldout"]), default="samples", show_default=True,
              help="samples: the bank's questions' samples:; heldout: a held-out file rubric edits are not "
                   "tuned on.")
@click.option("--question", "question_id", metavar="Q7", help="Only answers to this question.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="With --to heldout: the file to add to (default, for the shipped bank: moderated.yaml "
                   "in its graded set).")
@click.option("--dry-run", is_flag=True, help="Say what would be added; write nothing.")
@pass_app
def promote_command(app: AppContext, target: str, question_id: str | None, out: str | None,
                    dry_run: bool) -> None:
    """Add the moderated answers to the bank as graded samples (or to a held-out
    file), so that `quizzer grade --evaluate` measures the scorer on them.

    \b
    quizzer moderate promote --dry-run
    quizzer moderate promote --question Q7
    quizzer moderate promote --to heldout --out moderated.yaml
    """
    from pathlib import Path

    from ..moderation.promote import default_heldout_file, to_heldout, to_samples

    bank = app.bank()
    if question_id:
        question_id = app.question(question_id).id
    if out is not None and target != "heldout":
        raise click.UsageError("--out goes with --to heldout.")
    if target == "samples":
        report = to_samples(bank, app.store(), question_id=question_id, dry_run=dry_run)
    else:
        path = Path(out) if out else default_heldout_file(app.settings.bank_path)
        if path is None:
            raise click.UsageError("--to heldout needs --out FILE.yaml for a bank of your own.")
        report = to_heldout(bank, app.store(), path, question_id=question_id, dry_run=dry_run)
    _print_promotion(report, dry_run)


def _print_promotion(report, dry_run: bool) -> None:
    for why in report.skipped:
        click.echo(f"Skipped {why}.")
    for note in report.notes:
        click.echo(f"Note: {note}.")
    verb = "Would add" if dry_run else "Added"
    for path, added in report.added.items():
        questions = sorted({p.question_id for p in added})
        click.echo(f"{verb} {words.count(len(added), 'moderated answer')} ({', '.join(questions)}) to {path}.")
    if report.present:
        click.echo(f"{words.count(report.present, 'answer')} already there (the same words) left as they are.")
    if not report.added:
        click.echo("Nothing to add." if report.present or report.skipped else
                   "No moderated answers yet: `quizzer moderate` reviews the scorer's doubtful marks.")
    elif dry_run:
        click.echo("Nothing was written (--dry-run).")
    else:
        click.echo("`quizzer grade --evaluate` now measures the scorer on them.")
