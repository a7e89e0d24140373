"""``quizzer quiz``: practise in the terminal."""

from __future__ import annotations

import getpass
import math
import sys

import click

from ..limits import MAX_NAME_CHARS
from ..quiz import MODES
from .context import AppContext, pass_app
from .options import question_ids

MAX_MINUTES = 24 * 60  # a day: longer is a mistake, and the clock's arithmetic needs a finite number


def _finite_minutes(ctx, param, value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value <= MAX_MINUTES):
        raise click.BadParameter(f"give a number of minutes from 0.1 to {MAX_MINUTES:g}.")
    return value


def _user_name(ctx, param, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("a user name cannot be empty.")
    if len(value) > MAX_NAME_CHARS:
        raise click.BadParameter(f"a user name has at most {MAX_NAME_CHARS} characters (this one {len(value)}).")
    return value


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): a fixed name is better than a crash
        return "student"


@click.command()
@click.option("--user", default=default_user, show_default="your login name", callback=_user_name,
              help="Whose progress this is.")
@click.option("--mode", type=click.Choice(MODES), default="practice",
              show_default=True, help="practice: feedback after each answer; exam: timed, marks at the end; "
              "review: due questions first; weak: weakest topics first.")
@click.option("--count", type=click.IntRange(min=1), default=10, show_default=True, help="Number of items.")
@click.option("--module", type=int, help="Only questions of this module.")
@click.option("--topic", help="Only questions with this topic tag.")
@click.option("--questions", metavar="Q1,Q7", help="Only these questions, in this order.")
@click.option("--numeric/--no-numeric", default=True, show_default=True,
              help="Pair each question with a numeric variant.")
@click.option("--seed", type=int, help="Seed for the question order and the numbers (repeatable quizzes).")
@click.option("--minutes", type=click.FloatRange(min=0.1), callback=_finite_minutes, help="Time limit (exam mode).")
@click.option("--resume", is_flag=True, help="Continue your unfinished quiz.")
@pass_app
def quiz(app: AppContext, user: str, mode: str, count: int, module: int | None, topic: str | None,
         questions: str | None, numeric: bool, seed: int | None, minutes: float | None, resume: bool) -> None:
    """Practise questions in the terminal, graded as you go.

    Answers are saved the moment they are graded; stop at any time (:quit or
    Ctrl-C) and continue with --resume. Answers can also be piped in: one per
    paragraph, numeric answers one per line.
    """
    from ..quiz.plan import QuizOptions
    from ..quiz.session import QuizEngine
    from ..terminal.console import TerminalQuiz
    from ..terminal.prompt import Reader, enable_line_editing, tolerate_undecodable_input
    from .output import console as make_console

    engine = QuizEngine.opening(app.bank(), app.store, scorer_factory=app.scorer)
    if resume:
        run = engine.resume(user)
    else:
        if minutes and mode != "exam":
            raise click.UsageError("--minutes goes with --mode exam.")
        ids = question_ids(questions)
        run = engine.start(QuizOptions(user=user, mode=mode, count=count, module=module, topic=topic,
                                       questions=ids, numeric=numeric, seed=seed, minutes=minutes))
    console = make_console()
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    stdin = tolerate_undecodable_input(sys.stdin)
    reader = Reader(stdin, interactive, console, editing=enable_line_editing() if interactive else None)
    try:
        TerminalQuiz(run, console, reader, editor=lambda text: click.edit(text)).play()
    finally:
        engine.close()
