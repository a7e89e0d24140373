"""Grade a CSV of answers: every good row is graded, every bad row is named.

The input needs the columns ``question_id`` and ``answer``; any others (student,
group, ...) are carried through unchanged. The output adds ``score``, ``max``,
``feedback``, an ``error`` column for rows that could not be graded, the
continuous ``similarity`` (0-1, to rank answers and set a pass line), the grade's
``confidence`` (0-1) and ``review_reasons`` (why it may be wrong, ``;``-separated),
and one column per rubric criterion (``Q1:linear-boundary``). It is written with
``textfile.write_csv``: through a temporary file renamed into place, so an
interrupted run never leaves half a file, and with every cell defused (answers and
names are the students' own text, which a spreadsheet would run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..bank import Bank, Question
from ..errors import QuizzerError
from ..formatting import marks_text
from ..parallel import ordered_map
from ..textfile import read_csv, write_csv

__all__ = ["BatchRow", "BatchReport", "read_answers", "grade_batch", "grade_chunk", "REQUIRED_COLUMNS", "CHUNK"]

REQUIRED_COLUMNS = ("question_id", "answer")
CHUNK = 256


@dataclass
class BatchRow:
    line: int  # the row's line in the file (the header is line 1)
    values: dict[str, str]
    question: Question | None = None
    error: str = ""


@dataclass(frozen=True)
class BatchReport:
    graded: int
    failed: tuple[str, ...]  # one message per bad row, naming it
    out: Path


def read_answers(path: Path, bank: Bank) -> tuple[list[str], list[BatchRow]]:
    """The columns and rows of ``path``; rows with a problem carry ``error``."""
    table = read_csv(path, required=REQUIRED_COLUMNS)
    return table.columns, [_row(line, values, extra, bank) for line, values, extra in table.rows]


def _row(line: int, values: dict[str, str], extra: list[str], bank: Bank) -> BatchRow:
    row = BatchRow(line, values)
    qid = values.get("question_id", "").strip()
    if extra:
        row.error = f"row {line} has {len(extra)} more field(s) than the header; quote answers that contain commas"
    elif not qid:
        row.error = f"row {line} has no question_id"
    elif bank.get(qid) is None:
        row.error = f"row {line}: unknown question '{qid}'"
    else:  # an empty answer is graded too: it earns 0 with "There is no answer to mark."
        row.question = bank.get(qid)
    return row


def _criterion_columns(rows: list[BatchRow]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        if row.question:
            for c in row.question.rubric:
                seen[f"{row.question.id}:{c.id}"] = None
    return list(seen)


def grade_chunk(context: tuple[Bank, object], items: list[tuple[str, str]]) -> list:
    """One chunk's grades, ``(question id, answer)`` each, with the batch path (in a
    worker process of ``parallel.ordered_map`` when there are several chunks)."""
    bank, scorer = context
    return scorer.grade_many([(bank.get(qid), answer) for qid, answer in items])  # type: ignore[attr-defined]


def grade_batch(source: Path, out: Path, bank: Bank, scorer,
                progress: Callable[[int], None] | None = None, jobs: int = 1) -> BatchReport:
    """Grade ``source`` into ``out``; returns how many rows were graded and what failed.
    With ``jobs`` > 1 the chunks are graded on that many processes; the output
    rows keep the input's order either way."""
    if Path(out).resolve() == Path(source).resolve():
        raise QuizzerError(f"--out {out} is the file being graded; it would be replaced by the marks.",
                           "write the marks to another file, for example marked.csv.")
    columns, rows = read_answers(source, bank)
    good = [r for r in rows if r.question and not r.error]
    results: dict[int, object] = {}
    chunks = [good[start:start + CHUNK] for start in range(0, len(good), CHUNK)]
    work = ([(r.question.id, r.values["answer"]) for r in chunk] for chunk in chunks)  # type: ignore[union-attr]
    workers = jobs if len(chunks) > 1 else 1  # one chunk: a pool would only cost its start
    for chunk, graded in zip(chunks, ordered_map(grade_chunk, work, (bank, scorer), workers), strict=True):
        for row, result in zip(chunk, graded, strict=True):
            results[id(row)] = result
        if progress:
            progress(len(chunk))
    criteria = _criterion_columns(good)
    added = ("score", "max", "feedback", "error", "similarity", "confidence", "review_reasons")
    header = columns + [c for c in added if c not in columns] + criteria
    write_csv(out, header, (_output_row(r, results.get(id(r))) for r in rows))
    return BatchReport(len(good), tuple(r.error for r in rows if r.error), out)


def _output_row(row: BatchRow, result) -> dict[str, str]:
    values = dict(row.values)
    if result is None:
        values["error"] = row.error
        return values
    values.update(score=marks_text(result.score), max=marks_text(result.max), feedback=result.feedback, error="",
                  similarity=f"{result.similarity:.3f}", confidence=f"{result.confidence:.2f}",
                  review_reasons="; ".join(result.review_reasons))
    for c in result.criteria:
        values[f"{result.question_id}:{c.id}"] = marks_text(c.awarded)
    return values
