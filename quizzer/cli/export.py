"""``quizzer export``: the bank as a file a learning platform imports."""

from __future__ import annotations

import secrets
from pathlib import Path

import click

from .. import words
from .context import AppContext, pass_app
from .options import question_ids

FORMAT_NAMES = ("moodle", "qti", "gift")


@click.command()
@click.argument("fmt", metavar="moodle|qti|gift", type=click.Choice(FORMAT_NAMES))
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="The file to write (Moodle XML .xml, QTI .zip, GIFT .txt).")
@click.option("--questions", metavar="Q1,Q7", help="Only these questions, in this order.")
@click.option("--module", type=int, help="Only questions of this module.")
@click.option("--topic", help="Only questions with this topic tag.")
@click.option("--variants", type=click.IntRange(min=0), default=10, show_default=True,
              help="Numeric variants per family (0: the short-answer questions only).")
@click.option("--seed", type=int, help="Export seed: the same seed writes the same file (default: random, printed).")
@pass_app
def export(app: AppContext, fmt: str, out: Path, questions: str | None, module: int | None, topic: str | None,
           variants: int, seed: int | None) -> None:
    """Export questions and numeric variants for Moodle, Canvas or Blackboard.

    moodle: Moodle XML (essays with rubric for graders, numerical and cloze
    questions, a category per family); qti: a QTI 1.2 zip for Canvas and
    Blackboard; gift: Moodle's GIFT text, for what it can hold."""
    from ..exchange import Selection, export_bank

    chosen_seed = seed if seed is not None else secrets.randbelow(2**31)
    selection = Selection(questions=question_ids(questions), module=module, topic=topic)
    done = export_bank(app.bank(), fmt, out, selection, variants, chosen_seed)
    result = done.export
    click.echo(f"Wrote {done.path}: {words.count(len(result.essays), 'essay question')} and "
               f"{words.count(result.numeric_count, 'numeric variant')} of "
               f"{words.count(len(result.families), 'family', 'families')}, seed {chosen_seed}.")
    for group in result.families:
        if group.short:
            click.echo(f"Note: {group.family} has only {len(group.items)} distinct variants "
                       f"(asked for {group.wanted}).", err=True)
    if fmt == "gift":
        left = [g.family for g in result.families if any(i.several for i in g.items)]
        if left:
            click.echo(f"Note: GIFT cannot hold answers of several numbers; left out {', '.join(left)} "
                       "(export to moodle for them). Rubrics are left out too (see the file's first lines).",
                       err=True)
