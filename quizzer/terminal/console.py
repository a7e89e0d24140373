"""The quiz in a terminal: read answers, run commands, show feedback.

Works the same whether a person types or answers are piped in (the tests pipe).
A free-text answer may span several lines and ends with an empty line or
end-of-input; a numeric answer is one line. At the start of an answer, these
commands are understood: ``:skip``, ``:hint``, ``:edit`` (write the answer in
$EDITOR), ``:quit`` (stop; the quiz can be resumed), ``:help``.
Ctrl-C is ``:quit``: every answer already given is saved.

In a terminal, lines are read with ``input()``, which gives line editing and
in-memory history where readline is loaded (see ``terminal.prompt``).
In a timed exam the clock is read again when an answer is finished: an answer
finished after the limit is not submitted, and the student is told so.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from ..errors import AnswerError, QuizzerError, StoreError
from ..formatting import marks_text, out_of
from ..quiz.session import TIME_UP_MESSAGE, Outcome, Presented, QuizRun
from ..words import count
from .prompt import Reader
from .render import render_explanation, render_outcome, render_summary

__all__ = ["TerminalQuiz", "COMMANDS", "time_left"]

COMMANDS = {
    ":skip": "skip this question (it counts 0 and comes back for review)",
    ":hint": "show a hint",
    ":edit": "write the answer in your $EDITOR",
    ":quit": "stop here; resume later with `quizzer quiz --resume`",
    ":help": "show these commands",
}


class Quit(Exception):
    """The student asked to stop."""


def time_left(seconds: float) -> str:
    """The exam clock, rounded up: a 5-minute exam opens at "5 min left", and
    "0 min left" never shows while there is time; the last minute counts seconds."""
    whole = math.ceil(max(seconds, 0.0))  # 59.2 s is "1 min left": a 1-minute exam opens at 1 min
    if whole >= 60:
        return f"{math.ceil(whole / 60)} min left"
    return f"{whole} s left"


class TerminalQuiz:
    def __init__(self, run: QuizRun, console: Console, reader: Reader,
                 editor: Callable[[str], str | None] | None = None) -> None:
        self.run = run
        self.console = console
        self.reader = reader
        self.editor = editor
        self.feedback_now = run.mode != "exam"
        self._time_up_said = False

    # the loop ---------------------------------------------------------------
    def play(self) -> bool:
        """Ask every pending item; True when the quiz was completed."""
        self._welcome()
        try:
            for index, position in enumerate(self.run.pending()):
                if self._out_of_time():
                    break
                presented = self.run.present(position)
                self._show(presented)
                if index == 0:  # now that the student is reading: open the store, build the scorer
                    self.run.begin()
                    self.run.engine.warm_up()
                self._ask(presented)
        except (Quit, KeyboardInterrupt):
            self.console.print(f"\nStopped. Every answer so far is saved; continue with "
                               f"`quizzer quiz --resume --user {self.run.user}`.")
            return False
        self._close_out_of_time()
        self.run.finish()
        self._summary()
        return True

    def _welcome(self) -> None:
        run = self.run
        timed = f", {count(run.minutes, 'minute')}" if run.minutes else ""
        article = "an" if run.mode[:1] in ("a", "e", "i", "o", "u") else "a"  # "an exam", "a practice"
        what = f"Resuming {run.mode} quiz #{run.info.id}" if run.resumed else f"Starting {article} {run.mode} quiz"
        self.console.print(f"[bold]{what}[/bold] for {escape(run.user)}: "
                           f"{count(len(run.items), 'item')}{timed}, seed {run.seed}. Type :help for commands.")

    def _out_of_time(self) -> bool:
        return self.run.time_up()

    def _close_out_of_time(self) -> None:
        if self._out_of_time() and self.run.pending():
            said = "" if self._time_up_said else "[bold red]Time is up.[/bold red] "
            self.console.print(f"{said}Unanswered items count 0.")
            for position in self.run.pending():
                self.run.skip(self.run.present(position))

    def _late(self) -> None:
        """The answer was finished after the time limit: it is not submitted (the
        engine would refuse it too); the item counts 0 with the other unanswered ones."""
        self._time_up_said = True
        self.console.print(f"[bold red]{escape(TIME_UP_MESSAGE)}[/bold red]")

    def _ask(self, presented: Presented) -> None:
        started = time.monotonic()
        while True:
            answer = self._read_answer(presented)
            if self._out_of_time():  # read the clock again: the student may have typed past the limit
                if answer is not None:
                    self._late()
                return
            try:
                if answer is None:
                    outcome = self.run.skip(presented, time.monotonic() - started)
                else:
                    outcome = self.run.submit(presented, answer, time.monotonic() - started)
                break
            except QuizzerError as exc:
                if not isinstance(exc, StoreError) and self._out_of_time():
                    # the engine refused it: the limit passed while it was graded
                    self._late()
                    return
                if not isinstance(exc, AnswerError):
                    self._unsaved(answer)
                    raise
                # the message is already a sentence ("Could not read your answer (...). Type ...")
                self.console.print(f"[yellow]{escape(exc.message)} Nothing was recorded; try again.[/yellow]")
            except Exception:  # anything unforeseen: show the answer back before the CLI words it
                self._unsaved(answer)
                raise
        if self.feedback_now:
            self._feedback(presented, outcome)
        else:
            self.console.print("Answer saved.")
        if outcome.note:  # how it was kept, e.g. also answered in another terminal
            self.console.print(f"[yellow]{escape(outcome.note)}[/yellow]")

    def _unsaved(self, answer: str | None) -> None:
        """Give the student their words back when they could not be stored."""
        if answer and answer.strip():
            self.console.print("[red]Your answer could not be saved. Here it is, to copy:[/red]")
            self.console.print(escape(answer), highlight=False)
            self.console.print("When the problem below is fixed, `quizzer quiz --resume` asks this question again.")

    # input -------------------------------------------------------------------
    def _read_answer(self, presented: Presented) -> str | None:
        """The answer text, or None to skip. Raises Quit."""
        while True:
            first = self.reader.line("> ")
            if first is None:
                raise Quit
            command = first.strip().lower()
            if command in COMMANDS:
                result = self._command(command, presented)
                if result is not _AGAIN:
                    return result
                continue
            if not first.strip():
                continue
            if presented.numeric:
                return first.strip()
            return self._rest_of_answer(first)

    def _rest_of_answer(self, first: str) -> str:
        lines = [first]
        while True:
            line = self.reader.line("… ")
            if line is None or not line.strip():
                return "\n".join(lines)
            lines.append(line)

    def _command(self, command: str, presented: Presented):
        if command == ":quit":
            raise Quit
        if command == ":skip":
            return None
        if command == ":help":
            for name, text in COMMANDS.items():
                self.console.print(f"  {name:6} {text}")
        elif command == ":hint":
            self.console.print(f"[cyan]Hint:[/cyan] {escape(self._hint(presented))}")
        elif command == ":edit":
            edited = self.editor("") if self.editor else None
            if edited and edited.strip():
                return edited.strip()
            self.console.print("No answer written in the editor.")
        return _AGAIN

    @staticmethod
    def _hint(presented: Presented) -> str:
        if presented.numeric and presented.variant.solution:
            return presented.variant.solution[0]
        explanation = presented.question.explanation
        return explanation.analogy or explanation.key_idea or "Think about what the question's scenario shows."

    # output ------------------------------------------------------------------
    def _show(self, presented: Presented) -> None:
        run = self.run
        so_far = f" · score so far {out_of(run.score, run.max)}" if run.max and self.feedback_now else ""
        left = run.seconds_left()
        clock = f" · {time_left(left)}" if left is not None else ""
        kind = "numeric" if presented.numeric else f"{marks_text(presented.marks)} marks"
        self.console.print(f"\n[bold]Question {presented.number} of {presented.total}[/bold] · "
                           f"{escape(presented.question.id)} {escape(presented.question.title)} · {kind}"
                           f"{so_far}{clock}")
        self.console.print(escape(presented.text))
        if presented.numeric:
            self.console.print("[dim]One line, e.g. 0.25, 1/4, 2.5e-3, sqrt(2/100) or [0.1, 0.2].[/dim]")
        else:
            self.console.print("[dim]Answer in a few sentences; finish with an empty line.[/dim]")

    def _feedback(self, presented: Presented, outcome: Outcome) -> None:
        render_outcome(self.console, presented, outcome)
        if self.reader.interactive and not outcome.skipped:
            more = self.reader.line("Show the explanation? [y/N] ", remember=False)
            if more and more.strip().lower().startswith("y"):
                render_explanation(self.console, presented.question)

    def _summary(self) -> None:
        render_summary(self.console, self.run, show_feedback=not self.feedback_now)


_AGAIN = object()
