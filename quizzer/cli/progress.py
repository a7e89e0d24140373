"""``quizzer stats`` and ``quizzer regrade``: progress and re-marking."""

from __future__ import annotations

import click

from ..formatting import marks_text
from ..words import count
from .context import AppContext, pass_app
from .output import console, echo_json
from .quiz import default_user


@click.command()
@click.option("--user", default=default_user, show_default="your login name", help="Whose progress to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a stable contract).")
@pass_app
def stats(app: AppContext, user: str, as_json: bool) -> None:
    """Show mastery per module and topic, recent sessions and what is due."""
    from ..progress.summary import summarize
    from ..quiz.session import utcnow
    from ..terminal.render import render_stats

    summary = summarize(app.bank(), app.reading_store(), user, utcnow())
    if as_json:
        echo_json(summary.to_json())
    else:
        render_stats(console(), summary)


@click.command()
@click.option("--question", "question_id", metavar="Q7", help="Only answers to this question.")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@pass_app
def regrade(app: AppContext, question_id: str | None, dry_run: bool) -> None:
    """Re-score stored answers with the current bank, keeping the old scores.

    Run it after editing a rubric; try --dry-run first to see what would change.
    """
    from ..quiz.session import utcnow
    from ..regrade import apply_regrade, plan_regrade

    if question_id:
        question_id = app.question(question_id).id
    changes = plan_regrade(app.bank(), app.store(), app.scorer(), question_id)
    kept = [c for c in changes if c.kept]
    changes = [c for c in changes if not c.kept]
    moved = [c for c in changes if c.delta]
    for change in moved:
        r = change.response
        click.echo(f"response {r.id} ({r.user}, {r.question_id}, {r.created_at:%Y-%m-%d}): "
                   f"{marks_text(r.score)} -> {marks_text(change.new_score)} of {marks_text(r.max_score)}")
    for change in kept:
        r = change.response
        click.echo(f"response {r.id} ({r.user}, {r.question_id}, {r.created_at:%Y-%m-%d}): moderated mark "
                   f"{marks_text(r.score)} of {marks_text(r.max_score)} kept; the scorer would now give "
                   f"{marks_text(change.new_score)}")
    unchanged = len(changes) - len(moved)
    summary = f"{count(len(moved), 'score')} change{'s' if len(moved) == 1 else ''}"
    if unchanged:
        summary += (f"; {count(unchanged, 'answer')} to an edited question "
                    f"{'keeps its' if unchanged == 1 else 'keep their'} score")
    if kept:
        summary += (f"; {count(len(kept), 'moderated mark')} kept (`quizzer moderate undo RESPONSE_ID` gives "
                    "an answer back to the scorer)")
    if dry_run:
        click.echo(f"Dry run: {summary}. Nothing was written.")
        return
    apply_regrade(app.store(), changes, utcnow())
    click.echo(f"Regraded: {summary}. Old scores are kept in the history.")
