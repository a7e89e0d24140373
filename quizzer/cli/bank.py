"""``quizzer bank``: list, show and validate questions."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import BankError
from .context import AppContext, pass_app
from .output import console, echo_json


@click.group()
def bank() -> None:
    """Browse and check the question bank."""


@bank.command("list")
@click.option("--module", type=int, help="Only questions of this module.")
@click.option("--topic", help="Only questions with this topic tag.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (a stable contract).")
@pass_app
def list_questions(app: AppContext, module: int | None, topic: str | None, as_json: bool) -> None:
    """List the questions, optionally filtered by module or topic."""
    from ..bank.export import question_summary
    from ..terminal.render import render_question_table

    questions = app.bank().select(module=module, topic=topic)
    if topic and topic not in app.bank().topics and app.bank().topics:
        raise click.BadParameter(f"unknown topic '{topic}'; known: {', '.join(app.bank().topics)}",
                                 param_hint="--topic")
    if as_json:
        echo_json([question_summary(q) for q in questions])
        return
    render_question_table(console(), questions)


@bank.command("show")
@click.argument("question_id")
@click.option("--json", "as_json", is_flag=True, help="Print the whole question as JSON.")
@pass_app
def show(app: AppContext, question_id: str, as_json: bool) -> None:
    """Show a question with its rubric, model answer and explanation."""
    from ..bank.export import question_detail
    from ..terminal.render import render_question

    question = app.question(question_id)
    if as_json:
        echo_json(question_detail(question))
        return
    render_question(console(), question)


@bank.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@pass_app
def validate(app: AppContext, path: Path | None) -> None:
    """Check a bank (default: the one in use) and report every problem.

    Exits 0 with a one-line summary when the bank is valid, 1 with every problem
    (file, line, question, field, what is wrong) when it is not. The rubrics are
    then compiled as the scorer reads them: an idea that can never be found is an
    error, a model answer that does not earn full marks a warning.
    """
    from ..bank import load_bank
    from ..scoring.selfcheck import check_bank
    from ..variants import family_ids

    target = (path or app.settings.bank_path).resolve()
    try:
        loaded = load_bank(target, families=family_ids())
    except BankError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    check = check_bank(loaded)
    for warning in check.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if check.errors:
        click.echo(str(BankError(list(check.errors))), err=True)
        raise SystemExit(1)
    samples = sum(len(q.samples) for q in loaded)
    rubrics = sum(1 for q in loaded if not q.reference_only)
    click.echo(f"OK: {len(loaded)} questions ({rubrics} with rubrics, {samples} graded samples) in {target}")
