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
@click.option("--all", "everything", is_flag=True,
              help="Every stored answer, not only those graded with an earlier version of their question "
                   "(after upgrading Quizzer).")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N", help="Worker processes (default: the cores).")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@pass_app
def regrade(app: AppContext, question_id: str | None, everything: bool, jobs: int | None, dry_run: bool) -> None:
    """Re-score stored answers with the current bank, keeping the old scores.

    Run it after editing a rubric: it reads only the answers graded with an
    earlier version of a question (--all: every answer). Try --dry-run first to
    see what would change. Answers are written a batch at a time: stopped at any
    moment, every answer is old or new, and running it again finishes the job.
    """
    import sys

    from ..parallel import default_jobs
    from ..quiz.session import utcnow
    from ..regrade import apply_regrade, plan_batches, regrade_scope

    bank, store = app.bank(), app.store()
    if question_id:
        question_id = app.question(question_id).id
    total = store.count_regradable(question_id=question_id, stale=regrade_scope(bank, everything))
    moved = same = kept = 0
    show = sys.stderr.isatty() and total > 0
    with click.progressbar(length=total, label="Regrading", file=sys.stderr, hidden=not show,
                           show_eta=True) as bar:
        for read, changes in plan_batches(bank, store, app.scorer(), question_id, everything=everything,
                                          jobs=jobs or default_jobs()):
            for change in changes:
                r = change.response
                where = f"response {r.id} ({r.user}, {r.question_id}, {r.created_at:%Y-%m-%d})"
                if change.kept:
                    kept += 1
                    click.echo(f"{where}: moderated mark {marks_text(r.score)} of {marks_text(r.max_score)} kept; "
                               f"the scorer would now give {marks_text(change.new_score)}")
                elif change.delta:
                    moved += 1
                    click.echo(f"{where}: {marks_text(r.score)} -> {marks_text(change.new_score)} of "
                               f"{marks_text(r.max_score)}")
                else:
                    same += 1
            if not dry_run:
                apply_regrade(store, changes, utcnow())
            bar.update(read)
    summary = f"{count(moved, 'score')} change{'s' if moved == 1 else ''}"
    if same:
        summary += (f"; {count(same, 'answer')} to an edited question "
                    f"{'keeps its' if same == 1 else 'keep their'} score")
    if kept:
        summary += (f"; {count(kept, 'moderated mark')} kept (`quizzer moderate undo RESPONSE_ID` gives "
                    "an answer back to the scorer)")
    if not total:
        summary += ("; no answer was graded with an earlier version of its question (--all regrades every answer)"
                    if not everything else "")
    if dry_run:
        click.echo(f"Dry run: {summary}. Nothing was written.")
        return
    click.echo(f"Regraded: {summary}. Old scores are kept in the history.")
