"""The ``quizzer`` entry point, with a fast path for plain ``quizzer --help``.

Importing click alone costs several times a bare Python start-up, and the top-level
help is what a new user runs first. So the top-level help text is pre-rendered
into ``cli/help.txt`` (a test checks it is identical to what click prints, and
``python -m quizzer.launch --write-help`` regenerates it); every other invocation,
and a terminal narrower than click's 80 columns, goes through click as usual.
"""

from __future__ import annotations

import os
import sys

HELP_FILE = os.path.join(os.path.dirname(__file__), "cli", "help.txt")
HELP_WIDTH = 80


def _wide_enough() -> bool:
    if not sys.stdout.isatty():
        return True
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns >= HELP_WIDTH
    except OSError:
        return True


def render_help() -> str:
    """The top-level help exactly as click prints it at 80 columns."""
    from click.testing import CliRunner

    from .cli import cli

    result = CliRunner().invoke(cli, ["--help"], prog_name="quizzer", terminal_width=HELP_WIDTH)
    return result.output


def main() -> None:
    if sys.argv[1:] in (["--help"], ["-h"]) and _wide_enough():
        try:
            with open(HELP_FILE, encoding="utf-8") as handle:
                sys.stdout.write(handle.read())
            return
        except OSError:
            pass  # fall through to click, which always works
    from .cli import main as click_main

    click_main()


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-help"]:
        with open(HELP_FILE, "w", encoding="utf-8") as handle:
            handle.write(render_help())
    else:
        main()
