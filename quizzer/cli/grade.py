"""``quizzer grade``: grade one answer, a CSV of answers, or the scorer itself."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..limits import MAX_ANSWER_CHARS
from .context import AppContext, pass_app
from .output import echo_json

MAX_INPUT_BYTES = 4 * MAX_ANSWER_CHARS + 4  # what the longest graded answer can take in UTF-8


@click.command()
@click.argument("question_id", required=False)
@click.option("--answer", "answer_text", metavar="TEXT", help="The answer to grade.")
@click.option("--answer-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the answer from a file.")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Grade a CSV with columns question_id,answer (others are kept).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where --batch writes its CSV.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="With --batch: worker processes (default: the cores available).")
@click.option("--evaluate", is_flag=True,
              help="Report agreement with examiners: bank samples, held-out calibration and test halves.")
@click.option("--heldout", "heldout", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="With --evaluate: a folder of graded answers (calibration.yaml, test.yaml, optionally "
                   "moderated.yaml), or a file of moderated answers; default: the shipped ones, for the shipped bank.")
@click.option("--moderated", is_flag=True,
              help="With --evaluate: also how often and by how much teachers changed the scorer's marks "
                   "(the overrides in the progress store), per question and criterion, worst first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a stable contract).")
@pass_app
def grade(app: AppContext, question_id: str | None, answer_text: str | None, answer_file: Path | None,
          batch: Path | None, out: Path | None, jobs: int | None, evaluate: bool, heldout: tuple[Path, ...],
          moderated: bool, as_json: bool) -> None:
    """Grade a free-text answer against a question's rubric.

    \b
    quizzer grade Q1 --answer "XOR is not linearly separable..."
    quizzer grade Q1 < answer.txt
    quizzer grade --batch answers.csv --out marked.csv
    quizzer grade --evaluate
    quizzer grade --evaluate --moderated
    """
    modes = sum(bool(x) for x in (question_id, batch, evaluate))
    if modes != 1:
        raise click.UsageError("give a QUESTION_ID, or --batch IN.csv --out OUT.csv, or --evaluate.")
    if heldout and not evaluate:
        raise click.UsageError("--heldout goes with --evaluate.")
    if moderated and not evaluate:
        raise click.UsageError("--moderated goes with --evaluate.")
    if jobs and not batch:
        raise click.UsageError("--jobs goes with --batch.")
    if evaluate:
        _evaluate(app, list(heldout), moderated, as_json)
    elif batch:
        if not out:
            raise click.UsageError("--batch needs --out OUT.csv.")
        _batch(app, batch, out, jobs)
    elif question_id:
        _single(app, question_id, _answer(answer_text, answer_file), as_json)


def _answer(text: str | None, file: Path | None) -> str:
    if text is not None and file is not None:
        raise click.UsageError("give --answer or --answer-file, not both.")
    if text is not None:
        return text
    if file is not None:
        try:
            with file.open("rb") as stream:
                return _decoded(stream.read(MAX_INPUT_BYTES + 1), str(file))
        except OSError as exc:
            raise click.ClickException(f"Cannot read {file}: {exc.strerror}.") from None
    if sys.stdin.isatty():
        click.echo("Type the answer; end with Ctrl-D on an empty line.", err=True)
    return _decoded(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "standard input")


def _decoded(raw: bytes, name: str) -> str:
    """The answer's text. Bytes are read, not text, so that a binary file or a
    terminal in another encoding gets a message rather than a traceback, and so
    that a stream without end (``< /dev/zero``) is cut off rather than read forever."""
    if len(raw) > MAX_INPUT_BYTES:
        raise click.ClickException(
            f"The answer in {name} is longer than {MAX_INPUT_BYTES // 1000} kB; at most "
            f"{MAX_ANSWER_CHARS:,} characters of an answer are graded.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise click.ClickException(
            f"The answer in {name} is not UTF-8 text (an undecodable byte on line {line}); "
            "save it as UTF-8 and try again.") from None


def _single(app: AppContext, question_id: str, answer: str, as_json: bool) -> None:
    question = app.question(question_id)
    result = app.scorer().grade(question, answer)
    if as_json:
        echo_json(result.to_json())
        return
    from ..terminal.render import render_grade
    from .output import console

    render_grade(console(), question, result)


def _batch(app: AppContext, source: Path, out: Path, jobs: int | None) -> None:
    from ..parallel import default_jobs
    from ..scoring.batch import grade_batch, read_answers

    bank = app.bank()
    total = len(read_answers(source, bank)[1])
    show = sys.stderr.isatty()
    with click.progressbar(length=total, label="Grading", file=sys.stderr, hidden=not show) as bar:
        report = grade_batch(source, out, bank, app.scorer(), progress=bar.update, jobs=jobs or default_jobs())
    for message in report.failed:
        click.echo(f"Skipped {message}", err=True)
    click.echo(f"Graded {report.graded} answer{'s' if report.graded != 1 else ''} into {out}.")
    if report.failed:
        raise click.ClickException(
            f"{len(report.failed)} row(s) of {source} could not be graded (listed above); "
            f"they are in {out} with the reason in the 'error' column. Fix them and run again.")


HALF_NOTES = {"calibration": "half (read while tuning)", "test": "half (frozen: never read or tuned on)",
              "moderated": "answers (students' answers, marked by teachers in moderation)"}


def _evaluate(app: AppContext, heldout: list[Path], moderated: bool, as_json: bool) -> None:
    from ..scoring.agreement import default_sets, measure

    bank = app.bank()
    report = measure(bank, app.scorer(), heldout or default_sets(app.settings.bank_path))
    changes = _moderated(app) if moderated else None
    if as_json:
        echo_json(report.to_json() | ({"moderated": changes.to_json()} if changes is not None else {}))
        return
    _print_evaluation("Bank samples (written with the rubric, which was tuned on them)", report.samples)
    for graded in report.sets:
        for half, figures in graded.halves.items():
            _print_evaluation(f"Held-out {graded.name}, {half} {HALF_NOTES[half]}", figures, texts=half != "test")
            if half in graded.examiners:
                x = graded.examiners[half]
                click.echo(f"  a second examiner, marking blind, agrees with the first on {x.count} answers: "
                           f"exact {x.exact:.1%}   within half a mark {x.within_half:.1%}   QWK {x.qwk:.3f}")
        for half, comparison in graded.reference.items():
            _print_reference(graded.name, half, comparison)
        if graded.skipped:
            click.echo(f"  ({graded.skipped} answers to questions this bank lacks were left out)")
    if changes is not None:
        _print_moderated(changes)


def _moderated(app: AppContext):
    from ..moderation.agreement import moderated_agreement

    return moderated_agreement(app.reading_store())


def _print_moderated(a) -> None:
    click.echo("\nTeachers' marks beside the scorer's (the overrides in force; + is a teacher raising the mark)")
    if not a.answers:
        click.echo("  no marks moderated yet: `quizzer moderate` reviews the scorer's doubtful marks")
        return
    click.echo(f"  {_changes_line(a)}")
    click.echo("  by question, least agreement first (the rubric to improve first at the top):")
    for q in a.parts:
        click.echo(f"    {q.key:<8} {_changes_line(q)}")
        for c in q.parts:
            click.echo(f"      {c.key:<30} {_changes_line(c)}")


def _changes_line(a) -> str:
    return (f"{a.answers:>4} moderated   {a.changed:>3} changed ({a.raised} up, {a.lowered} down)   "
            f"exact {a.exact:>5.0%}   mean change {a.mean_change:+.2f}   mean size {a.mean_abs_change:.2f}")


def _print_evaluation(title: str, e, texts: bool = True) -> None:
    click.echo(f"\n{title}")
    if not e.count:
        click.echo("  no answers")
        return
    click.echo(f"  answers {e.count}   exact {e.exact:.1%}   within half a mark {e.within_half:.1%}   "
               f"QWK {e.qwk:.3f}   Pearson {e.pearson:.3f}")
    click.echo("  by kind (exact, mean error in marks; + is over-credit):")
    for kind, k in e.kinds.items():
        click.echo(f"    {kind:<16} {k.count:>3}   {k.exact:>5.0%}   {k.mean_error:+.2f}")
    c = e.confidence
    click.echo(f"  confidence: {c['sure_share']:.0%} of grades sure ({c['sure_exact']:.0%} exact), "
               f"{c['doubtful_share']:.0%} with a review reason ({c['doubtful_exact']:.0%} exact)")
    if texts and e.worst:
        click.echo("  worst disagreements:")
        for d in e.worst[:5]:
            text = " ".join(d.text.split())
            click.echo(f"    {d.question_id} [{d.kind}] expected {d.expected:g}, got {d.got:g}: "
                       f"{text[:100]}{'…' if len(text) > 100 else ''}")


def _print_reference(name: str, half: str, r) -> None:
    click.echo(f"\nReference-only {name}, {half} half: the grader beside word overlap ({r.count} answers)")
    click.echo(f"  Pearson with the examiner: score {r.pearson_score:.3f}, similarity {r.pearson_similarity:.3f}, "
               f"word overlap {r.pearson_baseline:.3f}")
    click.echo(f"  macro-F1, pass at half the marks: score {r.f1_score:.3f}, similarity {r.f1_similarity:.3f} "
               f"(line {r.lines['similarity']:.2f}), word overlap {r.f1_baseline:.3f} "
               f"(line {r.lines['baseline']:.2f}, both lines set on the calibration half)")
