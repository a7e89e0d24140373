"""Moderated answers become graded answers the scorer is measured on.

A teacher's mark on a student's answer is the best evidence there is of what the
scorer should have given, on the very answers it meets. ``promote`` copies those
answers (the text, the teacher's total and marks per criterion, and a note of who
marked them when) either into the bank, as ``samples:`` of kind ``moderated``,
or into a held-out file (``moderated.yaml`` of a graded set, or a file of the
teacher's own), where rubric edits are not tuned on them; ``grade --evaluate``
then measures the scorer on them either way.

Files are edited as text (``bank.yamlappend``), so a question file keeps its
comments and layout, and each edited file is read back and validated as the bank
loader would before it replaces the old one, atomically: a failure leaves every
file as it was. An answer already there (the same words for the same question)
is not added twice, nor are the several students who wrote the same words; when
teachers gave those different marks, the latest decision is the one written, and
the report says so. Nothing is written from the frozen test half or into it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..bank import MODERATED_KIND, Bank, Question
from ..bank.graded import HALVES, MODERATED_FILE, read_answers_text
from ..bank.validate import build_question
from ..bank.yamlappend import append_to_list
from ..bank.yamlfile import YamlDoc
from ..errors import QuizzerError
from ..formatting import marks_text
from ..limits import MAX_BANK_FILE_BYTES, MAX_YAML_NODES
from ..store import OverrideRecord
from ..textfile import read_utf8, write_utf8

__all__ = ["Promoted", "Promotion", "candidates", "to_samples", "to_heldout", "default_heldout_file", "TARGETS"]

TARGETS = ("samples", "heldout")
HEADER = ("# Students' answers whose marks teachers set or confirmed in moderation (quizzer moderate promote).\n"
          "# grade --evaluate measures the scorer on them apart from the calibration and test halves.\n")


@dataclass(frozen=True)
class Promoted:
    """One moderated answer, as it is written: the teacher's marks on its words."""

    question_id: str
    text: str
    score: float
    criteria: tuple[tuple[str, float], ...]
    note: str
    response_ids: tuple[int, ...]  # every stored answer with these words

    @property
    def words(self) -> str:
        return " ".join(self.text.split())


@dataclass
class Promotion:
    """What a promotion added (or, on a dry run, would add), per file."""

    target: str
    added: dict[Path, list[Promoted]] = field(default_factory=dict)
    present: int = 0  # answers whose words were already there
    skipped: list[str] = field(default_factory=list)  # answers that cannot be written, and why
    notes: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.added.values())


def _note(o: OverrideRecord) -> str:
    return (f"moderated by {o.moderator} on {o.created_at:%Y-%m-%d}; "
            f"the scorer gave {marks_text(o.scorer_score)}")


def _criteria(o: OverrideRecord, question: Question) -> tuple[tuple[str, float], ...] | str:
    """The teacher's marks per criterion, or why they do not fit the rubric now."""
    marks = {str(c.get("id")): float(c.get("awarded", 0)) for c in o.new_criteria}
    wanted = [c.id for c in question.rubric]
    if set(marks) != set(wanted):
        return (f"its criteria ({', '.join(marks) or 'none'}) are not the rubric's now "
                f"({', '.join(wanted) or 'none'}): it was marked under another rubric")
    return tuple((cid, marks[cid]) for cid in wanted)


def _usable(o: OverrideRecord, question: Question | None, numeric: set[int]) -> tuple[Promoted | None, str]:
    where = f"answer {o.response_id} ({o.question_id})"
    if question is None:
        return None, f"{where}: the bank has no question {o.question_id}"
    if o.response_id in numeric:
        return None, f"{where}: a numeric answer, not a free-text one"
    if not o.answer.strip():
        return None, f"{where}: no answer was written"
    if abs(o.max_score - question.marks) > 1e-9:
        return None, (f"{where}: it was out of {marks_text(o.max_score)}, the question is out of "
                      f"{marks_text(question.marks)} now")
    criteria = _criteria(o, question)
    if isinstance(criteria, str):
        return None, f"{where}: {criteria}"
    return Promoted(question.id, o.answer, float(o.new_score), criteria, _note(o), (o.response_id,)), ""


def candidates(bank: Bank, store, question_id: str | None = None) -> tuple[list[Promoted], list[str], list[str]]:
    """The moderated free-text answers in force, one per question and wording
    (the latest decision where teachers differed), with the answers that cannot
    be written and why, and notes on differing decisions."""
    found = store.overrides(question_id=question_id, active_only=True)
    numeric = {r.id for qid in {o.question_id for o in found}
               for r in store.responses(question_id=qid) if r.family is not None}
    by_words: dict[tuple[str, str], list[Promoted]] = defaultdict(list)
    skipped = []
    for o in found:  # oldest first
        promoted, why = _usable(o, bank.get(o.question_id), numeric)
        if promoted is None:
            skipped.append(why)
            continue
        by_words[(promoted.question_id, promoted.words)].append(promoted)
    chosen, notes = [], []
    for (qid, _), same in by_words.items():
        latest = same[-1]
        ids = tuple(i for p in same for i in p.response_ids)
        chosen.append(replace(latest, response_ids=ids))
        marks = sorted({p.score for p in same})
        if len(marks) > 1:
            notes.append(f"{qid}: {len(same)} answers with the same words were given different marks "
                         f"({', '.join(marks_text(m) for m in marks)}); the latest, "
                         f"{marks_text(latest.score)}, is the one written")
    return chosen, skipped, notes


# --- into the bank ---------------------------------------------------------------


def _sample_item(p: Promoted) -> dict[str, Any]:
    item: dict[str, Any] = {"text": p.words, "score": p.score, "kind": MODERATED_KIND}
    if p.criteria:
        item["criteria"] = dict(p.criteria)
    item["note"] = p.note
    return item


def _checked_question(path: Path, text: str, before: Question, added: list[Promoted]) -> None:
    """Refuse ``text`` for ``path`` unless it is the question it was, with the
    samples it had and then ``added``: the bank's own validation, and nothing
    else in the file changed meaning."""
    from ..bank.yamlparse import parse

    if len(text.encode("utf-8")) > MAX_BANK_FILE_BYTES:
        raise QuizzerError(f"{path} would be more than {MAX_BANK_FILE_BYTES / 1e6:g} MB; nothing was written.",
                           "promote fewer answers (--question), or remove samples that teach nothing new.")
    data, problems = parse(path, text, MAX_YAML_NODES)
    question = None
    if not problems:
        question, problems = build_question(YamlDoc(path, data, text))
    if problems or question is None:
        raise QuizzerError(f"Adding the samples would make {path} invalid; nothing was written:\n"
                           + "\n".join(f"  {p}" for p in problems), "fix the file, then run again.")
    expected = [(p.words, p.score) for p in added]
    if [(s.text, s.score) for s in question.samples[len(before.samples):]] != expected or \
            replace(question, samples=before.samples) != before:
        raise QuizzerError(f"{path} would not read back as the question with the new samples; nothing was "
                           "written.", "the file's layout may be unusual: add the samples by hand.")


def to_samples(bank: Bank, store, *, question_id: str | None = None, dry_run: bool = False) -> Promotion:
    """Add the moderated answers to their questions' ``samples:``."""
    chosen, skipped, notes = candidates(bank, store, question_id)
    report = Promotion("samples", skipped=skipped, notes=notes)
    per_question: dict[str, list[Promoted]] = defaultdict(list)
    for p in chosen:
        question = bank.get(p.question_id)
        assert question is not None, "candidates are answers to the bank's questions"
        if p.words in {s.text for s in question.samples} or \
                p.words in {q.words for q in per_question[question.id]}:
            report.present += 1
            continue
        per_question[question.id].append(p)
    edits = {}
    for qid, added in per_question.items():
        question = bank.get(qid)
        assert question is not None and question.source is not None, "a loaded question has its file"
        before = read_utf8(question.source, "the question file")
        after = append_to_list(before, "samples", [_sample_item(p) for p in added])
        _checked_question(question.source, after, question, added)
        edits[question.source] = after
        report.added[question.source] = added
    if not dry_run:
        for path, text in edits.items():  # every file checked before the first is replaced
            write_utf8(path, text)
        report.written = bool(edits)
    return report


# --- into a held-out file ---------------------------------------------------------


def default_heldout_file(bank_path: Path) -> Path | None:
    """``moderated.yaml`` in the shipped course's graded set, for the shipped bank;
    otherwise None (the teacher names a file)."""
    from ..scoring.agreement import default_sets

    sets = default_sets(bank_path)
    return sets[0] / MODERATED_FILE if sets else None


def check_heldout_file(path: Path, bank: Bank) -> None:
    """Refuse a target that is a half of a graded set (the frozen test half above
    all), a second examiner's marks, or a file the bank would read as a question."""
    protected = {f"{half}.yaml" for half in HALVES}
    if path.name in protected or path.name.endswith("-second-examiner.yaml"):
        raise QuizzerError(f"{path.name} is a graded set's own file; moderated answers are never added to it.",
                           f"write them to {MODERATED_FILE} beside it, or to a file of your own with --out.")
    if path.suffix not in (".yaml", ".yml"):
        raise QuizzerError(f"{path} is not a .yaml file.", "name the held-out file with --out FILE.yaml.")
    root = bank.path if bank.path.is_dir() else bank.path.parent
    if path.resolve().is_relative_to(root.resolve()):
        raise QuizzerError(f"{path} is inside the bank folder {root}, which would read it as a question file.",
                           "choose a file outside the bank with --out.")


def heldout_id(p: Promoted) -> str:
    """An id that follows from the answer itself, so the same words get the same id."""
    digest = hashlib.sha256(f"{p.question_id}\n{p.words}".encode()).hexdigest()[:10]
    return f"{p.question_id}-m{digest}"


def _heldout_item(p: Promoted) -> dict[str, Any]:
    item: dict[str, Any] = {"id": heldout_id(p), "question_id": p.question_id, "kind": MODERATED_KIND,
                            "score": p.score}
    if p.criteria:
        item["criteria"] = dict(p.criteria)
    item["note"] = p.note
    item["text"] = p.text
    return item


def to_heldout(bank: Bank, store, path: Path, *, question_id: str | None = None,
               dry_run: bool = False) -> Promotion:
    """Add the moderated answers to the held-out file ``path`` (made if missing)."""
    check_heldout_file(path, bank)
    chosen, skipped, notes = candidates(bank, store, question_id)
    report = Promotion("heldout", skipped=skipped, notes=notes)
    before = read_utf8(path, "the held-out file") if path.exists() else HEADER + "answers: []\n"
    there = {(a.question_id, " ".join(a.text.split())) for a in read_answers_text(path, before)}
    added = []
    for p in chosen:
        if (p.question_id, p.words) in there:
            report.present += 1
            continue
        there.add((p.question_id, p.words))
        added.append(p)
    if not added:
        return report
    after = append_to_list(before, "answers", [_heldout_item(p) for p in added], default_indent=0)
    read_back = read_answers_text(path, after)
    if [(a.id, a.score, a.text) for a in read_back[-len(added):]] != [(heldout_id(p), p.score, p.text)
                                                                    for p in added]:
        raise QuizzerError(f"{path} would not read back with the new answers; nothing was written.",
                           "the file's layout may be unusual: write to a new file with --out.")
    report.added[path] = added
    if not dry_run:
        write_utf8(path, after)
        report.written = True
    return report
