"""The ``quizzer`` entry point, with a fast path for plain ``quizzer --help``.

The top-level help is what a new user runs first, and importing click (and every
command module, for their one-line summaries) makes it cost about 6.7x a bare
``python -c pass`` (100 ms against 15 ms here); served from a file it costs
about 1.8x, 27 ms (bench/bench_startup.py; the goal is 3x). So the text click prints is
kept beside the code, in ``quizzer/cli/__pycache__/help.txt``, as Python keeps its
bytecode: written by click the first time it is asked for, and again whenever
the package's version or the modification time of any file in ``quizzer/cli/``
changes, so an edited docstring shows at once. Finding the instance folder would
cost more than the help itself (``pathlib`` and ``platformdirs``), and a package
folder that cannot be written only costs the time. Every other invocation, and a
terminal narrower than click's 80 columns, go through click as usual.
"""

from __future__ import annotations

import os
import sys

HELP_WIDTH = 80
CLI_DIR = os.path.join(os.path.dirname(__file__), "cli")


def _wide_enough() -> bool:
    if not sys.stdout.isatty():
        return True
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns >= HELP_WIDTH
    except OSError:
        return True


def render_help() -> str:
    """The top-level help exactly as click prints it at 80 columns."""
    import click

    from .cli import cli

    ctx = click.Context(cli, info_name="quizzer", terminal_width=HELP_WIDTH, **cli.context_settings)
    return ctx.get_help() + "\n"


def help_key() -> str:
    """What the cached help was made from: the version and the newest file of the CLI."""
    from . import __version__

    newest = max(entry.stat().st_mtime_ns for entry in os.scandir(CLI_DIR) if entry.name.endswith(".py"))
    return f"quizzer {__version__} cli {newest}\n"


def help_file() -> str:
    return os.path.join(CLI_DIR, "__pycache__", "help.txt")


def cached_help(path: str) -> str:
    """The help text from the cache at ``path``, made (and kept) first if it is missing or stale."""
    key = help_key()
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.readline() == key:
                return handle.read()
    except (OSError, UnicodeDecodeError):
        pass  # not made yet, or unreadable: make it
    text = render_help()
    _keep(path, key + text)
    return text


def _keep(path: str, text: str) -> None:
    """Write the cache; one that cannot be written only means click renders the help next time too."""
    from .errors import QuizzerError
    from .textfile import write_utf8

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_utf8(path, text)
    except (OSError, QuizzerError):
        pass


def main() -> None:
    if sys.argv[1:] in (["--help"], ["-h"]) and _wide_enough():
        sys.stdout.write(cached_help(help_file()))
        return
    from .cli import main as click_main

    click_main()


if __name__ == "__main__":
    main()
