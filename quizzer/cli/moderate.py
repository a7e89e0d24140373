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
