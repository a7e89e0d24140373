"""Reading from the terminal: lines with editing and history, and input that is not text.

The quiz reads every answer through a ``Reader``, whether a person types or the
answers are piped in (the tests pipe). Where Python has readline, a person gets
line editing and an in-memory history; a standard input that receives bytes
which are not text in its encoding reads them as U+FFFD instead of stopping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

from rich.console import Console

__all__ = ["Reader", "enable_line_editing", "tolerate_undecodable_input"]


def enable_line_editing() -> Any:
    """GNU readline (or libedit) behind ``input()``: the cursor keys, Home/End, and Up
    to recall an earlier line of this quiz. Returns the module, or None where Python
    has no readline; the quiz then reads plain lines and works the same.

    History lives in memory for one quiz and is never written to a file, so on a
    shared computer one student's answers are never offered to the next. (Python
    binds Tab to insert itself unless a completer is set; none is.)
    """
    try:
        import readline
    except ImportError:
        return None
    readline.clear_history()
    return readline


def tolerate_undecodable_input(stream: TextIO) -> TextIO:
    """Decode standard input so that a byte which is not valid in its encoding
    (a Latin-1 é typed in a UTF-8 terminal, a binary file piped in) reads as
    U+FFFD instead of ending the quiz with a UnicodeDecodeError; ``input()``
    decodes with the same settings, with or without readline."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")
    return stream


@dataclass
class Reader:
    """Lines from a stream; ``None`` at end of input.

    ``editing`` is the readline module when line editing is on (a terminal with
    readline): lines then come from ``input()``, which draws the prompt itself so
    the cursor keys redraw the line correctly. Otherwise the prompt is printed
    (for a person) and the stream read directly (a pipe, or no readline).
    """

    stream: TextIO
    interactive: bool
    console: Console
    editing: Any = None
    warned_bytes: bool = False

    def line(self, prompt: str, remember: bool = True) -> str | None:
        """One line without its end; ``remember=False`` keeps it out of the history (a y/N reply)."""
        if self.interactive and self.editing is not None:
            raw = self._typed(prompt, remember)
        else:
            if self.interactive:
                self.console.print(prompt, end="", markup=False, highlight=False)
            raw = self.stream.readline()
            raw = None if raw == "" else raw.rstrip("\r\n")
        if raw is not None and "\ufffd" in raw and not self.warned_bytes:
            self.warned_bytes = True
            self.console.print("[yellow]Part of that line was not valid text in this terminal's encoding "
                               "and reads as \ufffd; check the terminal's character set.[/yellow]")
        return raw

    def _typed(self, prompt: str, remember: bool) -> str | None:
        before = self.editing.get_current_history_length()
        try:
            raw = input(prompt)
        except EOFError:
            return None
        after = self.editing.get_current_history_length()
        if not remember and after > before:  # readline added it (it skips empty lines and repeats)
            self.editing.remove_history_item(after - 1)
        return raw
