"""The review queue in a terminal: one group of answers at a time.

A teacher sees the answer (the group's riskiest one), its marks per criterion
with the words that earned them, and why the scorer doubts it, and answers with
one key: accept, set the marks, comment, split answers off, skip, undo, quit.
Every decision is written to the store the moment it is made, so quitting (or
Ctrl-C, or a closed terminal) loses nothing decided; ``undo`` takes back the
last decision of this sitting. Works the same with keys piped in (the tests
drive it through a pseudo-terminal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from rich.console import Console
from rich.markup import escape

from ..errors import ChangedSince, QuizzerError
from ..formatting import marks_text, out_of
from ..moderation.decisions import Decision, commit, decide, undo
from ..moderation.queue import Group, Item, Queue, describe
from ..words import count
from .prompt import Reader

__all__ = ["TerminalModeration", "KEYS", "read_marks"]

KEYS = {
    "a": "accept the marks shown for every answer of the group",
    "s": "set the marks: a total (1.5) or per criterion (id=1 other=0.5)",
    "c": "write a comment for the students (it goes with the next accept or set)",
    "p": "split answers off the group, to mark them on their own",
    "n": "skip to the next group (Enter does the same)",
    "u": "undo the last decision of this sitting",
    "q": "quit (every decision so far is saved)",
    "?": "show these keys",
}


def read_marks(text: str) -> Decision:
    """A typed mark: ``1.5`` is a total, ``id=1 other=0.5`` marks per criterion
    (checked against the answer's criteria when applied)."""
    if not text.strip():
        raise QuizzerError("No marks given.", "type a total such as 1.5, or id=mark for each criterion.")
    if "=" not in text:  # a total; "1,5" is a decimal comma
        try:
            return Decision(total=float(text.strip().replace(",", ".")))
        except ValueError:
            raise QuizzerError(f"{text.strip()!r} is not a mark.", "type a number such as 1.5, or id=mark.") from None
    parts = text.replace(",", " ").split()
    marks: dict[str, float | str] = {}
    for part in parts:
        cid, sep, value = part.partition("=")
        if not sep or not cid or not value:
            raise QuizzerError(f"{part!r} is not criterion=mark.", "type each as id=mark, such as bias=1.")
        marks[cid] = value
    return Decision(criteria=marks)


@dataclass
class _Done:
    """A decision of this sitting, for progress and undo."""

    group: Group
    response_ids: tuple[int, ...]
    overrides: dict[int, int]  # response id -> the override this decision made, the only one undo takes back


@dataclass
class TerminalModeration:
    queue: Queue
    store: object
    console: Console
    reader: Reader
    moderator: str
    now: Callable[[], datetime]
    groups: list[Group] = field(default_factory=list)
    done: list[_Done] = field(default_factory=list)
    comment: str = ""

    def __post_init__(self) -> None:
        self.groups = list(self.queue.groups)
        self._next_number = max((g.number for g in self.groups), default=0) + 1

    # the loop ---------------------------------------------------------------
    def play(self) -> int:
        """Go through the queue; returns the number of answers decided."""
        if not self.groups:
            self.console.print("Nothing to review: no answer in scope is in doubt. "
                               "(`--all` shows every free-text answer.)")
            return 0
        self.console.print(f"[bold]Review queue[/bold]: {count(len(self.groups), 'group')}, "
                           f"{count(self.queue.answers, 'answer')}, riskiest first. Type ? for the keys.")
        index = 0
        try:
            while index < len(self.groups):
                index = self._one(index)
        except KeyboardInterrupt:
            self.console.print()
        self._summary()
        return sum(len(d.response_ids) for d in self.done)

    def _one(self, index: int) -> int:
        """Show group ``index`` and act on one key; the index to show next."""
        group = self.groups[index]
        self._show(group)
        while True:
            key = self.reader.line("[a/s/c/p/n/u/q/?] > ", remember=False)
            if key is None or key.strip().lower() == "q":
                return len(self.groups)
            key = key.strip().lower()
            if key in ("", "n"):
                if self.comment:  # a comment is about the answer it was typed beside
                    self.console.print("The comment was not used; it is dropped.")
                    self.comment = ""
                return index + 1
            if key == "?":
                for k, text in KEYS.items():
                    self.console.print(f"  {k}  {escape(text)}")
                continue
            if key == "a":
                return self._decide(index, Decision(comment=self.comment))
            if key == "s":
                decision = self._ask_marks(group)
                if decision is not None:
                    return self._decide(index, replace(decision, comment=self.comment))
                continue
            if key == "c":
                self._ask_comment()
                continue
            if key == "p":
                if self._split(index):
                    return index
                continue
            if key == "u":
                back = self._undo()
                return back if back is not None else index
            self.console.print(f"[yellow]{escape(key)!s} is not a key here.[/yellow] Type ? for the keys.")

    # showing ----------------------------------------------------------------
    def _progress(self) -> str:
        decided = sum(len(d.response_ids) for d in self.done)
        return (f"{len(self.done)} of {count(len(self.groups), 'group')}, "
                f"{decided} of {count(sum(g.size for g in self.groups), 'answer')} done")

    def _show(self, group: Group) -> None:
        lead = group.lead.response
        self.console.rule(f"{group.label}: {lead.question_id}, {count(group.size, 'answer')}  ({self._progress()})")
        if group.size > 1:
            self.console.print(f"Marks now: {escape(', '.join(marks_text(m) for m in group.marks))}; students: "
                               f"{escape(', '.join(dict.fromkeys(i.response.user for i in group.items)))}")
        else:
            self.console.print(f"Student: {escape(lead.user)}")
        for reason in group.reasons:
            self.console.print(f"  [yellow]?[/yellow] {escape(describe(reason))}")
        self.console.print("[bold]Answer[/bold]" + (" (the riskiest of the group)" if group.size > 1 else "") + ":")
        self.console.print("  " + escape(lead.answer or "(no answer)"), highlight=False)
        self.console.print(f"[bold]{out_of(lead.score, lead.max_score)}[/bold]"
                           + (" [cyan](moderated)[/cyan]" if lead.moderated else ""))
        for c in lead.criteria or []:
            awarded, most = float(c.get("awarded", 0)), float(c.get("max", 0))
            symbol = "✓" if awarded >= most else "½" if awarded > 0 else "✗"
            self.console.print(f"  {symbol} {escape(str(c.get('id')))}  {out_of(awarded, most)}  "
                               f"[dim]{escape(str(c.get('reason') or ''))}[/dim]")
            if c.get("matched"):
                self.console.print("      earned by: " + escape("; ".join(f'"{m}"' for m in c["matched"])))
            if c.get("misconception"):
                self.console.print(f"      [red]misconception:[/red] {escape(str(c['misconception']))}")
        if self.comment:
            self.console.print(f"Comment to go with the decision: {escape(self.comment)}")

    def _summary(self) -> None:
        decided = sum(len(d.response_ids) for d in self.done)
        self.console.print(f"Decided {count(len(self.done), 'group')} ({count(decided, 'answer')}); "
                           f"{count(len(self.groups) - len(self.done), 'group')} left in the queue. "
                           "Every decision is saved; `quizzer moderate history` lists them.")

    # acting -----------------------------------------------------------------
    def _ask_marks(self, group: Group) -> Decision | None:
        ids = [str(c.get("id")) for c in group.lead.response.criteria or []]
        hint = f" or {' '.join(f'{i}=' for i in ids)}" if ids else ""
        text = self.reader.line(f"Marks (a total{hint}; Enter to go back): ", remember=False)
        if text is None:
            self.console.print()
        if not text or not text.strip():
            return None
        try:
            return read_marks(text)
        except QuizzerError as exc:
            self._refused(exc)
            return None

    def _ask_comment(self) -> None:
        text = self.reader.line("Comment for the students (Enter to clear): ")
        if text is None:  # end of input: keep what there was
            self.console.print()
            return
        self.comment = text.strip()
        said = "will go with the next accept or set" if self.comment else "cleared"
        self.console.print(f"Comment {said}.")

    def _decide(self, index: int, decision: Decision) -> int:
        group = self.groups[index]
        try:
            changes, notes = decide((i.response for i in group.items), decision)
            outputs: list = []
            made = commit(self.store, changes, self.moderator, self.now(), outputs)
        except ChangedSince as exc:
            self.console.print(f"[yellow]{escape(exc.message)}[/yellow] Showing it again with the current marks.")
            self.groups[index] = self._reloaded(group)
            return index
        except QuizzerError as exc:
            self._refused(exc)
            return index
        for note in notes:
            self.console.print(f"  [dim]{escape(note)}[/dim]")
        what = "Accepted" if decision.total is None and not decision.criteria else "Set"
        mark = f" to {marks_text(changes[0].score)}" if what == "Set" and changes else ""
        self.console.print(f"[green]{what}{mark}[/green] for {count(group.size, 'answer')}"
                           + (" with the comment." if decision.comment else "."))
        self._say_outputs(outputs)
        self.done.append(_Done(group, group.response_ids,
                               dict(zip((c.response_id for c in changes), made, strict=True))))
        self.comment = ""
        return index + 1

    def _say_outputs(self, outputs: list) -> None:
        """What happened to a printed exam's marks.csv and pages after a change."""
        for out in outputs:
            if out.written:
                self.console.print(f"  [dim]{escape(out.message)}[/dim]")
            else:
                hint = f" {escape(out.hint)}" if out.hint else ""
                self.console.print(f"  [yellow]{escape(out.message)}[/yellow]{hint}")

    def _split(self, index: int) -> bool:
        group = self.groups[index]
        if group.size < 2:
            self.console.print("This group has one answer; there is nothing to split off.")
            return False
        for n, item in enumerate(group.items, start=1):
            text = " ".join(item.response.answer.split())
            short = text if len(text) <= 70 else text[:69] + "…"
            self.console.print(f"  {n}. {escape(item.response.user)}  {marks_text(item.response.score)}  "
                               f"{escape(short)}", highlight=False)
        chosen = self.reader.line("Answers to split off (numbers, such as 2 4; Enter to go back): ", remember=False)
        if not chosen or not chosen.strip():
            return False
        try:
            picked = sorted({int(x) for x in chosen.replace(",", " ").split()})
        except ValueError:
            self.console.print("[yellow]Give the numbers of the answers, such as 2 4.[/yellow]")
            return False
        if not picked or picked[0] < 1 or picked[-1] > group.size or len(picked) == group.size:
            self.console.print(f"[yellow]Pick from 1 to {group.size}, and leave at least one answer.[/yellow]")
            return False
        out = tuple(group.items[n - 1] for n in picked)
        kept = tuple(item for n, item in enumerate(group.items, start=1) if n not in picked)
        self.groups[index] = replace(group, items=kept)
        self.groups.insert(index + 1, Group(self._next_number, group.question_id, out))
        self._next_number += 1
        self.console.print(f"Split {count(len(out), 'answer')} off into G{self._next_number - 1}, next in line.")
        return True

    def _undo(self) -> int | None:
        if not self.done:
            self.console.print("Nothing decided in this sitting to undo. An earlier decision: "
                               "`quizzer moderate history` lists them, `quizzer moderate undo ID` takes one back.")
            return None
        last = self.done[-1]
        outputs: list = []
        try:
            undone = undo(self.store, list(last.response_ids), self.now(), outputs, expected=last.overrides)
        except QuizzerError as exc:  # someone undid or re-marked it meanwhile: say so and go on
            self.done.pop()
            hint = f" {exc.hint}" if exc.hint else ""
            self.console.print(f"[yellow]{escape(exc.message)}{escape(hint)}[/yellow]")
            return None
        self.done.pop()
        self.console.print(f"Undid the last decision ({count(undone, 'answer')} back to their earlier marks).")
        self._say_outputs(outputs)
        index = next(i for i, g in enumerate(self.groups) if g.label == last.group.label)
        self.groups[index] = self._reloaded(last.group)
        return index

    def _reloaded(self, group: Group) -> Group:
        """The group with its answers as the store holds them now."""
        fresh = {r.id: r for r in self.store.responses(ids=group.response_ids)}  # type: ignore[attr-defined]
        return replace(group, items=tuple(Item(fresh.get(i.response.id, i.response), i.reasons)
                                          for i in group.items))

    def _refused(self, exc: QuizzerError) -> None:
        hint = f" {exc.hint[:1].upper()}{exc.hint[1:]}" if exc.hint else ""
        self.console.print(f"[yellow]{escape(exc.message)}{escape(hint)}[/yellow] Nothing was recorded.")
