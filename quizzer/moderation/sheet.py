"""The spreadsheet round trip: the review queue as a CSV a teacher fills in, and
the filled CSV read back as decisions.

A teacher who prefers a spreadsheet to the terminal exports the queue, fills
``new_mark`` (or ``new_mark:CRITERION``) and ``comment`` where they disagree or
want to say something, and imports the file. The columns are a contract
(``COLUMNS`` and the criterion pairs, documented in the README):

``group, question_id, size, answer, mark, max, new_mark, comment``, then a
``mark:CRITERION, new_mark:CRITERION`` pair for every criterion of the questions
exported, then ``users, reasons, marks, response_ids``.

``response_ids`` is what a row is applied to (group labels change as soon as
anything is moderated, ids never do); ``marks`` holds those answers' marks at the
export, so an answer re-marked since then is refused instead of overwritten. A
row is applied whole or not at all: every problem of a row is found before
anything is written, the rows that can be read are applied, and each bad one is
named with its line and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..bank import Bank
from ..errors import QuizzerError
from ..formatting import marks_text
from ..store import MarkChange, ResponseRecord
from ..textfile import read_csv, write_csv
from .decisions import Decision, commit, decide, read_mark
from .queue import Item, Queue, describe

__all__ = ["COLUMNS", "TAIL", "header", "export_rows", "write_sheet", "RowProblem", "SheetPlan", "read_sheet",
           "Applied", "apply_plan"]

COLUMNS = ("group", "question_id", "size", "answer", "mark", "max", "new_mark", "comment")
TAIL = ("users", "reasons", "marks", "response_ids")
MARK, NEW = "mark:", "new_mark:"


def _criterion_ids(bank: Bank, question_ids: Iterable[str]) -> list[str]:
    """Every criterion of these questions, in bank order, each once (two
    questions may share an id; each row fills only its own question's)."""
    seen: dict[str, None] = {}
    for qid in question_ids:
        question = bank.get(qid)
        for criterion in getattr(question, "rubric", None) or ():
            seen.setdefault(criterion.id, None)
    return list(seen)


def header(criteria: Sequence[str]) -> list[str]:
    pairs = [name for cid in criteria for name in (MARK + cid, NEW + cid)]
    return [*COLUMNS, *pairs, *TAIL]


def _row(label: str, items: Sequence[Item], lead: Item) -> dict[str, object]:
    r = lead.response
    row: dict[str, object] = {
        "group": label, "question_id": r.question_id, "size": len(items), "answer": r.answer,
        "mark": marks_text(r.score), "max": marks_text(r.max_score), "new_mark": "", "comment": "",
        "users": ", ".join(dict.fromkeys(i.response.user for i in items)),
        "reasons": "; ".join(describe(x) for x in dict.fromkeys(x for i in items for x in i.reasons)),
        "marks": " ".join(marks_text(i.response.score) for i in items),
        "response_ids": " ".join(str(i.response.id) for i in items),
    }
    for c in r.criteria or []:
        row[MARK + str(c.get("id"))] = marks_text(float(c.get("awarded", 0)))
    return row


def export_rows(queue: Queue, per_answer: bool = False) -> list[dict[str, object]]:
    """One row per group (the lead answer shown, its marks), or one per answer."""
    rows: list[dict[str, object]] = []
    for group in queue.groups:
        if per_answer:
            rows.extend(_row(group.label, (item,), item) for item in group.items)
        else:
            rows.append(_row(group.label, group.items, group.lead))
    return rows


def write_sheet(bank: Bank, queue: Queue, path: Path, per_answer: bool = False) -> int:
    """Write the queue to ``path`` atomically, every cell defused; returns the rows."""
    rows = export_rows(queue, per_answer)
    wanted = {g.question_id for g in queue.groups}
    criteria = _criterion_ids(bank, [q.id for q in bank.questions if q.id in wanted])
    write_csv(path, header(criteria), rows)
    return len(rows)


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


@dataclass
class SheetPlan:
    """What an import would do: the changes of the rows that can be applied
    (with the line each came from), notes on them, and the rows refused."""

    changes: list[tuple[int, list[MarkChange]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    unfilled: int = 0  # rows left for later (no new mark)

    @property
    def answers(self) -> int:
        return sum(len(c) for _, c in self.changes)

    @property
    def rows(self) -> int:
        return len(self.changes)


def _ids(text: str) -> list[int]:
    parts = text.replace(",", " ").replace(";", " ").split()
    if not parts:
        raise QuizzerError("its response_ids cell is empty", "export again: the ids say which answers a row marks.")
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise QuizzerError(f"its response_ids {text!r} are not answer ids",
                           "export again and leave that column as it is.") from None


def _expected(text: str, count: int) -> list[float | None]:
    """The marks at the export, if the cell is intact; else no expectation."""
    parts = text.split()
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return [None] * count
    return list(values) if len(values) == count else [None] * count


def _decision(row: Mapping[str, str], response: ResponseRecord) -> Decision | None:
    """The row's decision, or None when it has no new mark."""
    total = row.get("new_mark", "").strip()
    own = {str(c.get("id")) for c in response.criteria or []}
    criteria = {key[len(NEW):]: value.strip() for key, value in row.items()
                if key.startswith(NEW) and value.strip()}
    foreign = sorted(set(criteria) - own)
    if foreign:
        raise QuizzerError(f"{response.question_id} has no criterion {', '.join(foreign)} (its are "
                           f"{', '.join(sorted(own)) or 'none'})", "clear those cells.")
    comment = row.get("comment", "").strip()
    if not total and not criteria:
        if comment:
            raise QuizzerError("it has a comment but no new mark",
                               "put the mark to give in new_mark with the comment (the current mark keeps it).")
        return None
    if criteria and len(criteria) < len(own) and not total:
        kept = {str(c.get("id")): str(c.get("awarded", 0)) for c in response.criteria or []}
        criteria = {**kept, **criteria}  # criteria left empty keep their marks
    elif criteria and len(criteria) < len(own):
        raise QuizzerError("it gives a total and only some criteria",
                           "fill every new_mark:CRITERION of the question, or only new_mark.")
    number = None
    if total:
        number = read_mark(total, response.max_score, "new_mark")
    return Decision(total=number, criteria=criteria or None, comment=comment)


def _plan_row(row: Mapping[str, str], known: Mapping[int, ResponseRecord],
              claimed: set[int]) -> tuple[list[MarkChange], list[str]] | None:
    ids = _ids(row.get("response_ids", ""))
    missing = [i for i in ids if i not in known]
    if missing:
        raise QuizzerError(f"no stored answer has the id {', '.join(map(str, missing))}",
                           "export again from this store; ids from another store do not apply here.")
    twice = [i for i in ids if i in claimed]
    if twice or len(set(ids)) < len(ids):
        raise QuizzerError(f"answer {', '.join(map(str, twice or ids))} is in more than one row",
                           "keep each answer in one row.")
    responses = [known[i] for i in ids]
    question = row.get("question_id", "").strip()
    others = sorted({r.question_id for r in responses} - {question})
    if others:
        raise QuizzerError(f"its answers are to {', '.join(others)}, not {question or 'the question given'}",
                           "leave question_id and response_ids as exported.")
    for response, before in zip(responses, _expected(row.get("marks", ""), len(ids)), strict=True):
        if before is not None and abs(before - response.score) > 1e-9:
            raise QuizzerError(f"answer {response.id} was marked {marks_text(before)} at the export and is "
                               f"{marks_text(response.score)} now", "export again to see the current marks.")
    decision = _decision(row, responses[0])
    if decision is None:
        return None
    changes, notes = decide(responses, decision)
    claimed.update(ids)
    return changes, notes


def read_sheet(path: Path, store) -> SheetPlan:
    """Read a filled sheet against the store: what it would change, row by row."""
    table = read_csv(path, "moderation sheet", required=("question_id", "new_mark", "response_ids"))
    wanted: set[int] = set()
    for _line, row, _extra in table.rows:
        with suppress(QuizzerError):  # the row is named as bad below
            wanted.update(_ids(row.get("response_ids", "")))
    known = {r.id: r for r in store.responses(ids=sorted(wanted))} if wanted else {}
    plan = SheetPlan()
    claimed: set[int] = set()
    for line, row, extra in table.rows:
        try:
            if extra and any(x.strip() for x in extra):
                raise QuizzerError(f"it has {len(extra)} more cells than the header",
                                   "an answer or comment with commas needs quotes; export again if unsure.")
            planned = _plan_row(row, known, claimed)
        except QuizzerError as exc:
            hint = f"; {exc.hint}" if exc.hint else ""
            plan.problems.append(RowProblem(line, f"{exc.message}{hint}"))
            continue
        if planned is None:
            plan.unfilled += 1
            continue
        changes, notes = planned
        plan.changes.append((line, changes))
        plan.notes.extend(f"line {line}, {note}" for note in notes)
    return plan



@dataclass
class Applied:
    rows: int = 0
    answers: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, why) for rows the store refused
    outputs: list = field(default_factory=list)  # printed exams' files rewritten (sheets.refresh.ExamOutputs)


def apply_plan(store, plan: SheetPlan, moderator: str, now: datetime) -> Applied:
    """Write the plan's rows: in one transaction when nothing changed meanwhile;
    if an answer was re-marked between reading and writing (a regrade, another
    teacher), row by row, so that only the rows whose answers changed are refused."""
    from ..errors import ChangedSince

    done = Applied()
    if not plan.changes:
        return done
    try:
        commit(store, [c for _, changes in plan.changes for c in changes], moderator, now, done.outputs)
        done.rows, done.answers = plan.rows, plan.answers
        return done
    except ChangedSince:
        pass
    for line, changes in plan.changes:
        try:
            commit(store, changes, moderator, now, done.outputs)
        except ChangedSince as exc:
            done.refused.append((line, f"{exc.message} (export again to see the current marks)"))
            continue
        done.rows += 1
        done.answers += len(changes)
    return done
