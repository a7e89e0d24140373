"""The ``quizzer`` command: a thin skin over the library.

Subcommand groups live in their own modules and are imported only when used, so
``quizzer --help`` does not pay for NumPy or SQLAlchemy. Library
errors (``QuizzerError``) become a one-paragraph message and exit status 1 here,
in one place; click's own usage errors exit with 2.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["main", "cli"]

# name -> "module:attribute", relative to this package; imported on first use.
LAZY_COMMANDS = {
    "bank": "bank:bank",
    "grade": "grade:grade",
    "info": "info:info",
    "quiz": "quiz:quiz",
    "stats": "progress:stats",
    "regrade": "progress:regrade",
    "report": "report:report",
    "exam": "exam:exam",
    "variant": "variant:variant",
    "moderate": "moderate:moderate",
    "export": "export:export",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when they are needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module_name, attribute = LAZY_COMMANDS[name].split(":")
            module = importlib.import_module(f".{module_name}", __name__)
            return getattr(module, attribute)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        from ..errors import QuizzerError

        try:
            return super().invoke(ctx)
        except QuizzerError as exc:  # a database failing underneath is one too: the store words it (StoreError)
            raise click.ClickException(str(exc)) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="URL",
              help="Database URL or SQLite file [env QUIZZER_DB; default: your progress store, see `quizzer info`].")
@click.option("--bank", metavar="PATH", type=click.Path(file_okay=True, dir_okay=True),
              help="Folder of question YAML files [env QUIZZER_BANK; default: the course bank].")
@click.version_option(package_name="quizzer", message="quizzer %(version)s")
@click.pass_context
def cli(ctx: click.Context, db: str | None, bank: str | None) -> None:
    """Quizzer: practise and grade short-answer and numeric exam questions.

    Start with `quizzer bank list` to see the questions.
    """
    from .context import AppContext

    ctx.obj = AppContext.from_options(db=db, bank=bank)


def main() -> None:
    cli(prog_name="quizzer")
