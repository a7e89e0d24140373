"""``quizzer grade``: grade one answer, a CSV of answers, or the scorer itself."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .context import AppContext, pass_app
from .output import echo_json


@click.command()
@click.argument("question_id", required=False)
@click.option("--answer", "answer_text", metavar="TEXT", help="The answer to grade.")
@click.option("--answer-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the answer from a file.")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Grade a CSV with columns question_id,answer (others are kept).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where --batch writes its CSV.")
@click.option("--evaluate", is_flag=True, help="Grade the bank's sample answers and report agreement.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a stable contract).")
@pass_app
def grade(app: AppContext, question_id: str | None, answer_text: str | None, answer_file: Path | None,
          batch: Path | None, out: Path | None, evaluate: bool, as_json: bool) -> None:
    """Grade a free-text answer against a question's rubric.

    \b
    quizzer grade Q1 --answer "XOR is not linearly separable..."
    quizzer grade Q1 < answer.txt
    quizzer grade --batch answers.csv --out marked.csv
    quizzer grade --evaluate
    """
    modes = sum(bool(x) for x in (question_id, batch, evaluate))
    if modes != 1:
        raise click.UsageError("give a QUESTION_ID, or --batch IN.csv --out OUT.csv, or --evaluate.")
    if evaluate:
        _evaluate(app, as_json)
    elif batch:
        if not out:
            raise click.UsageError("--batch needs --out OUT.csv.")
        _batch(app, batch, out)
    else:
        _single(app, question_id, _answer(answer_text, answer_file), as_json)


def _answer(text: str | None, file: Path | None) -> str:
    if text is not None and file is not None:
        raise click.UsageError("give --answer or --answer-file, not both.")
    if text is not None:
        return text
    if file is not None:
        try:
            return file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise click.ClickException(f"{file} is not UTF-8 text; save it as UTF-8 and try again.") from None
    if sys.stdin.isatty():
        click.echo("Type the answer; end with Ctrl-D on an empty line.", err=True)
    return sys.stdin.read()


def _single(app: AppContext, question_id: str, answer: str, as_json: bool) -> None:
    question = app.question(question_id)
    result = app.scorer().grade(question, answer)
    if as_json:
        echo_json(result.to_json())
        return
    from ..terminal import render_grade

    from .output import console

    render_grade(console(), question, result)


def _batch(app: AppContext, source: Path, out: Path) -> None:
    from ..batch import grade_batch, read_answers

    bank = app.bank()
    total = len(read_answers(source, bank)[1])
    show = sys.stderr.isatty()
    with click.progressbar(length=total, label="Grading", file=sys.stderr, hidden=not show) as bar:
        report = grade_batch(source, out, bank, app.scorer(), progress=bar.update)
    for message in report.failed:
        click.echo(f"Skipped {message}", err=True)
    click.echo(f"Graded {report.graded} answer{'s' if report.graded != 1 else ''} into {out}.")
    if report.failed:
        raise click.ClickException(
            f"{len(report.failed)} row(s) of {source} could not be graded (listed above); "
            f"they are in {out} with the reason in the 'error' column. Fix them and run again.")


def _evaluate(app: AppContext, as_json: bool) -> None:
    from ..scoring.evaluate import evaluate

    bank = app.bank()
    result = evaluate(app.scorer(), list(bank))
    if as_json:
        echo_json(result.to_json())
        return
    click.echo(f"Samples graded:         {result.count}")
    click.echo(f"Exact agreement:        {result.exact:.1%}")
    click.echo(f"Within half a mark:     {result.within_half:.1%}")
    click.echo(f"Quadratic weighted κ:   {result.qwk:.3f}")
    click.echo(f"Pearson correlation:    {result.pearson:.3f}")
    click.echo("Exact agreement by kind: " + ", ".join(f"{k} {v:.0%}" for k, v in result.by_kind.items()))
    if result.worst:
        click.echo("\nWorst disagreements:")
        for d in result.worst:
            text = " ".join(d.text.split())
            click.echo(f"  {d.question_id} [{d.kind}] expected {d.expected:g}, got {d.got:g}: "
                       f"{text[:110]}{'…' if len(text) > 110 else ''}")
