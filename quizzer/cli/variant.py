"""``quizzer variant``: list the numeric families, show a variant, check an answer."""

from __future__ import annotations

import click

from .context import AppContext, pass_app
from .output import echo_json


@click.group()
def variant() -> None:
    """Numeric variants: fresh numbers for each question, solved and marked."""


def _variant(family: str, seed: int):
    """The variant for FAMILY and seed; an unknown family is a usage error (exit 2)."""
    from ..errors import NotFound
    from ..variants import generate

    try:
        return generate(family, seed)
    except NotFound:
        raise click.BadParameter(f"no variant family '{family}'; see `quizzer variant list`",
                                 param_hint="FAMILY") from None


@variant.command("list")
@click.option("--question", metavar="ID", help="Only the families a question uses (for example Q14).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of {id, question_id, title, answer_type}.")
@pass_app
def list_families(app: AppContext, question: str | None, as_json: bool) -> None:
    """List the variant families and the question each belongs to.

    With --question, the families whose home is that question, plus any other
    family the bank lists for it (Q7 also uses sigmoid_chain, Q19 updates_per_epoch).
    """
    from ..variants import all_families
    from ..variants.export import family_summary

    families = list(all_families().values())
    if question:
        home = app.bank().get(question)
        listed = home.variants if home else ()
        families = [f for f in families if f.question_id == question or f.id in listed]
    rows = [family_summary(f) for f in families]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(f"No variant families for {question}.")
    for row in rows:
        click.echo(f"{row['id']:<26} {row['question_id']:<4} {row['answer_type']:<8} {row['title']}")


@variant.command("show")
@click.argument("family")
@click.option("--seed", type=click.IntRange(min=0), required=True,
              help="Which variant (the same seed gives the same numbers).")
@click.option("--json", "as_json", is_flag=True, help="Print the variant, answer and worked solution as JSON.")
def show(family: str, seed: int, as_json: bool) -> None:
    """Show the variant FAMILY --seed N: prompt, answer and worked solution."""
    from ..variants.check import describe_tolerance, format_answer
    from ..variants.export import variant_detail

    built = _variant(family, seed)
    if as_json:
        echo_json(variant_detail(built))
        return
    click.echo(f"{built.family} ({built.question_id}), seed {built.seed}\n")
    click.echo(built.prompt)
    click.echo(f"\nAnswer: {format_answer(built.answer, built.unit)}  ({describe_tolerance(built.tolerance)})")
    click.echo("Worked solution:")
    for number, step in enumerate(built.solution, start=1):
        click.echo(f"  {number}. {step}")


@variant.command("check")
@click.argument("family")
@click.option("--seed", type=click.IntRange(min=0), required=True, help="Which variant was answered.")
@click.option("--answer", "text", required=True, help="The answer as typed, e.g. '0.25^10' or '[0.1, 0.2]'.")
@click.option("--json", "as_json", is_flag=True, help="Print {correct, score, max, expected, parsed, feedback}.")
def check(family: str, seed: int, text: str, as_json: bool) -> None:
    """Mark an answer to the variant FAMILY --seed N.

    An answer that cannot be read is reported (exit status 0) rather than marked
    wrong; with --json it gives {"correct": false, "error": "..."}.
    """
    from ..variants.check import check_answer

    result = check_answer(_variant(family, seed), text)
    if as_json:
        echo_json(result.to_json())
        return
    if result.error:
        click.echo(result.error)
        return
    verdict = "Correct" if result.correct else ("Partly right" if result.score > 0 else "Not right")
    click.echo(f"{verdict} ({result.score:g}/{result.max:g} marks)")
    click.echo(result.feedback)
