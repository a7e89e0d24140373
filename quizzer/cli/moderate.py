"""``quizzer moderate``: a teacher checks the doubtful marks and overrides them.

``undo`` gives answers back to the scorer's mark; ``history`` lists the
overrides, each kept with who made it and when. The review queue and the
decisions are a library (``quizzer.moderation``) that the terminal flow and the
spreadsheet round trip of issue #14 will be thin skins over.
"""

from __future__ import annotations

from datetime import datetime

import click

from .. import words
from .context import AppContext, pass_app


def _now() -> datetime:
    from ..quiz.session import utcnow

    return utcnow()


@click.group()
def moderate() -> None:
    """Check and override the scorer's marks (undo, history; the review queue's
    terminal and spreadsheet flows are being built)."""


@moderate.command("undo")
@click.argument("response_ids", nargs=-1, type=int, required=True)
@pass_app
def undo_command(app: AppContext, response_ids: tuple[int, ...]) -> None:
    """Give answers back to the mark they had before the last override."""
    from ..moderation.decisions import undo

    undone = undo(app.store(), list(response_ids), _now())
    click.echo(f"Undid the override on {words.count(undone, 'answer')}.")


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
