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
from ..limits import MAX_COMMENT_CHARS
from ..store import MarkChange, ResponseRecord
from ..textfile import FORMULA_STARTS, read_csv, write_csv
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
    unfilled: int = 0  # rows left for later (nothing filled in)
    already: int = 0  # rows whose decision is already in force (the sheet imported before)

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


def _filled(row: Mapping[str, str]) -> bool:
    """Whether the teacher wrote anything in the row's own columns."""
    return any(value.strip() for key, value in row.items() if key in ("new_mark", "comment") or key.startswith(NEW))


def _sentence(message: str, hint: str | None) -> str:
    return f"{message.rstrip('.')}; {hint}" if hint else message


def _decision(row: Mapping[str, str], response: ResponseRecord) -> Decision:
    """The row's decision (the row is filled)."""
    total = row.get("new_mark", "").strip()
    own = {str(c.get("id")) for c in response.criteria or []}
    criteria = {key[len(NEW):]: value.strip() for key, value in row.items()
                if key.startswith(NEW) and value.strip()}
    foreign = sorted(set(criteria) - own)
    if foreign:
        raise QuizzerError(f"{response.question_id} has no criterion {', '.join(foreign)} (its criteria are "
                           f"{', '.join(sorted(own)) or 'none'})", "clear those cells.")
    comment = row.get("comment", "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise QuizzerError(f"its comment has {len(comment):,} characters; at most {MAX_COMMENT_CHARS:,} are kept",
                           "shorten it.")
    if not total and not criteria:
        raise QuizzerError("it has a comment but no new mark",
                           "put the mark to give in new_mark with the comment (the current mark keeps it).")
    if criteria and len(criteria) < len(own) and not total:
        kept = {str(c.get("id")): str(c.get("awarded", 0)) for c in response.criteria or []}
        criteria = {**kept, **criteria}  # criteria left empty keep their marks
    elif criteria and len(criteria) < len(own):
        raise QuizzerError("it gives a total and only some criteria",
                           "fill every new_mark:CRITERION of the question, or only new_mark.")
    number = read_mark(total, response.max_score, "new_mark") if total else None
    return Decision(total=number, criteria=criteria or None, comment=comment)


def _undefused(text: str) -> str:
    """A cell as the export wrote it, before defusing (the apostrophe a formula got)."""
    return text[1:] if text.startswith("'") and text[1:].lstrip()[:1] in FORMULA_STARTS else text


def _same_answers(row: Mapping[str, str], responses: Sequence[ResponseRecord]) -> None:
    """A sheet from another store (or a store filled again) names answers that exist
    here too, by id: the students and the words say whether they are the same."""
    users = {u.strip() for u in row.get("users", "").split(",") if u.strip()}
    if users and users != {r.user for r in responses}:
        raise QuizzerError(f"its answers are by {', '.join(sorted({r.user for r in responses}))} in this store, "
                           f"not by {', '.join(sorted(users))}",
                           "the sheet was exported from another store or before the exam was graded again: "
                           "export again from this one.")
    answer = _undefused(row.get("answer", ""))
    if "answer" in row and " ".join(answer.split()) not in {" ".join(r.answer.split()) for r in responses}:
        raise QuizzerError("its answer is not the one stored under these ids",
                           "the sheet was exported from another store: export again from this one.")


def _already(decision: Decision, responses: Sequence[ResponseRecord]) -> bool:
    """Whether a teacher's decision like this one is already in force (a sheet imported twice)."""
    if decision.total is None or not all(r.moderated for r in responses):
        return False
    return all(abs(r.score - decision.total) < 1e-9 and r.comment == decision.comment for r in responses)


def _plan_row(row: Mapping[str, str], known: Mapping[int, ResponseRecord]
              ) -> tuple[list[MarkChange], list[str]] | None:
    """The changes of a filled row; None when they are already in force."""
    ids = _ids(row.get("response_ids", ""))
    missing = [i for i in ids if i not in known]
    if missing:
        raise QuizzerError(f"no stored answer has the id {', '.join(map(str, missing))}",
                           "the answers were deleted (an exam graded again, a student removed) or the sheet comes "
                           "from another store: export again.")
    responses = [known[i] for i in ids]
    question = row.get("question_id", "").strip()
    others = sorted({r.question_id for r in responses} - {question})
    if others:
        raise QuizzerError(f"its answers are to {', '.join(others)}, not {question or 'the question given'}",
                           "leave question_id and response_ids as exported.")
    _same_answers(row, responses)
    decision = _decision(row, responses[0])
    if _already(decision, responses):
        return None
    for response, before in zip(responses, _expected(row.get("marks", ""), len(ids)), strict=True):
        if before is not None and abs(before - response.score) > 1e-9:
            by = "a teacher" if response.moderated else "a regrade"
            raise QuizzerError(f"answer {response.id} was marked {marks_text(before)} at the export and is "
                               f"{marks_text(response.score)} now (changed by {by})",
                               "export again to see the current marks.")
    return decide(responses, decision)


def _shared(rows: Sequence[tuple[int, Mapping[str, str]]]) -> dict[int, list[int]]:
    """For each filled row (by its number), the other filled rows that name one of its answers."""
    where: dict[int, list[int]] = {}
    for number, row in rows:
        if _filled(row):
            with suppress(QuizzerError):  # an unreadable id cell is named as bad on its own
                for i in dict.fromkeys(_ids(row.get("response_ids", ""))):
                    where.setdefault(i, []).append(number)
    clashes: dict[int, list[int]] = {}
    for numbers in where.values():
        for number in numbers:
            clashes.setdefault(number, [])
            clashes[number].extend(n for n in numbers if n != number and n not in clashes[number])
    return {n: others for n, others in clashes.items() if others}


def read_sheet(path: Path, store) -> SheetPlan:
    """Read a filled sheet against the store: what it would change, row by row.
    Rows are numbered as a spreadsheet shows them (the header is row 1)."""
    table = read_csv(path, "moderation sheet", required=("question_id", "new_mark", "response_ids"))
    twice = sorted({c for c in table.columns if table.columns.count(c) > 1})
    if twice:
        raise QuizzerError(f"{path} has more than one column named {', '.join(repr(c) for c in twice)}.",
                           "rename or delete the copies (the sheet's own columns must appear once) and import again.")
    rows = [(number, row, extra) for number, (_line, row, extra) in enumerate(table.rows, start=2)]
    wanted: set[int] = set()
    for _number, row, _extra in rows:
        if _filled(row):
            with suppress(QuizzerError):  # the row is named as bad below
                wanted.update(_ids(row.get("response_ids", "")))
    known = {r.id: r for r in store.responses(ids=sorted(wanted))} if wanted else {}
    clashes = _shared([(number, row) for number, row, _extra in rows])
    plan = SheetPlan()
    for number, row, extra in rows:
        if not _filled(row):
            plan.unfilled += 1
            continue
        try:
            if extra and any(x.strip() for x in extra):
                raise QuizzerError(f"it has {len(extra)} more cells than the header",
                                   "an answer or comment with commas needs quotes; export again if unsure.")
            if number in clashes:
                raise QuizzerError(f"it marks an answer that row {', '.join(map(str, clashes[number]))} marks too",
                                   "keep each answer in one filled row; neither row was applied.")
            planned = _plan_row(row, known)
        except QuizzerError as exc:
            plan.problems.append(RowProblem(number, _sentence(exc.message, exc.hint)))
            continue
        if planned is None:
            plan.already += 1
            continue
        changes, notes = planned
        plan.changes.append((number, changes))
        plan.notes.extend(f"row {number}, {note}" for note in notes)
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
            done.refused.append((line, _sentence(exc.message, "export again to see the current marks.")))
            continue
        done.rows += 1
        done.answers += len(changes)
    return done
