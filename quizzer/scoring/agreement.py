"""The scorer's agreement with examiners, on every set of graded answers at hand.

``quizzer grade --evaluate`` reports three kinds of figure, kept apart because
they mean different things:

- the bank's own samples: written with the rubric, whose wordings were tuned on
  them, so near-perfect agreement there is expected and proves little;
- a graded set's *calibration* half: answers written and marked by others, which
  rubric authors may read and tune on;
- its *test* half: answers nobody tunes on, whose texts are never shown (not even
  in the worst disagreements); the only honest figure, and the one CI holds;
- its *moderated* part, where there is one: students' answers whose marks
  teachers set in moderation (``quizzer moderate promote --to heldout``), the
  answers the scorer actually meets.

A graded set that brings its own reference-only bank (questions from other
subjects with only a model answer) is also compared with the word-overlap baseline.
Where a second examiner marked a half blind, the two examiners' agreement is
reported beside the scorer's: it is what a careful human reaches on the same
answers, so it says how far the scorer has to go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bank import Bank, load_bank
from ..bank.graded import HALVES, GradedSet, read_graded_set
from ..errors import QuizzerError
from .evaluate import (
    Evaluation,
    Item,
    ReferenceComparison,
    compare_reference,
    evaluate,
    evaluate_items,
    grade_items,
    quadratic_weighted_kappa,
)
from .scorer import Scorer

__all__ = ["SetReport", "AgreementReport", "ExaminerAgreement", "examiner_agreement", "measure", "default_sets"]


@dataclass(frozen=True)
class SetReport:
    name: str
    path: Path
    halves: dict[str, Evaluation]
    reference: dict[str, ReferenceComparison] = field(default_factory=dict)
    skipped: int = 0  # answers to questions the bank does not have
    examiners: dict[str, ExaminerAgreement] = field(default_factory=dict)  # half -> first vs second examiner

    def to_json(self) -> dict:
        out: dict[str, Any] = {half: _without_texts(e.to_json()) if half == "test" else e.to_json()
                               for half, e in self.halves.items()}
        if self.reference:
            out["reference_vs_word_overlap"] = {h: r.to_json() for h, r in self.reference.items()}
        if self.examiners:
            out["second_examiner"] = {h: e.to_json() for h, e in self.examiners.items()}
        out["skipped"] = self.skipped
        return out


@dataclass(frozen=True)
class ExaminerAgreement:
    """How often two examiners gave one answer the same mark."""

    count: int
    exact: float
    within_half: float
    qwk: float

    def to_json(self) -> dict:
        # the keys of a half's own figures, so the two read side by side
        return {"samples": self.count, "exact_agreement": round(self.exact, 4),
                "within_half_mark": round(self.within_half, 4), "qwk": round(self.qwk, 4)}


def examiner_agreement(first: dict[str, float], second: dict[str, float]) -> ExaminerAgreement:
    """Agreement over the answers both examiners marked."""
    ids = sorted(first.keys() & second.keys())
    a, b = [first[i] for i in ids], [second[i] for i in ids]
    if not ids:
        return ExaminerAgreement(0, 0.0, 0.0, 0.0)
    return ExaminerAgreement(len(ids), sum(x == y for x, y in zip(a, b, strict=True)) / len(ids),
                             sum(abs(x - y) <= 0.5 for x, y in zip(a, b, strict=True)) / len(ids),
                             quadratic_weighted_kappa(a, b))


def _without_texts(data: dict) -> dict:
    """The frozen half's disagreements by id only: its texts are never shown."""
    data["worst"] = [{k: v for k, v in d.items() if k != "text"} for d in data["worst"]]
    return data


@dataclass(frozen=True)
class AgreementReport:
    samples: Evaluation
    sets: tuple[SetReport, ...]

    def to_json(self) -> dict:
        return self.samples.to_json() | {"heldout": {s.name: s.to_json() for s in self.sets}}


def default_sets(bank_path: Path) -> list[Path]:
    """The shipped graded sets, when ``bank_path`` is the shipped course bank."""
    from ..config import resource_path

    if bank_path.resolve() != resource_path("questions").resolve():
        return []
    try:
        root = resource_path("heldout")
    except FileNotFoundError:
        return []
    # the course's own answers first, then the sets that bring their own questions
    found = [p for p in root.iterdir() if (p / "calibration.yaml").is_file()]
    return sorted(found, key=lambda p: ((p / "bank").is_dir(), p.name))


def measure(bank: Bank, scorer: Scorer, set_paths: list[Path], worst: int = 10) -> AgreementReport:
    reports = tuple(_measure_set(read_graded_set(path), bank, scorer, worst) for path in set_paths)
    return AgreementReport(evaluate(scorer, list(bank), worst), reports)


def _measure_set(graded: GradedSet, bank: Bank, scorer: Scorer, worst: int) -> SetReport:
    if graded.bank_path is not None:
        bank = load_bank(graded.bank_path)
        scorer = Scorer(bank)
    halves, skipped = {}, 0
    items_by_half, graded_by_half = {}, {}
    for half, answers in graded.halves.items():
        items = []
        for answer in answers:
            question = bank.get(answer.question_id)
            if question is None:
                skipped += 1
                continue
            items.append(Item(question, answer.text, answer.score, answer.kind, answer.id))
        items_by_half[half] = items
        graded_by_half[half] = grade_items(scorer, items)  # graded once, for both measures
        halves[half] = evaluate_items(scorer, items, worst, graded_by_half[half])
    if not any(items_by_half.values()):
        raise QuizzerError(f"No answer in {graded.path} is to a question of the bank at {bank.path}.",
                           "give --bank the bank these answers were written for.")
    reference = {}
    if all(half in items_by_half for half in HALVES) and all(
            i.question.reference_only for items in items_by_half.values() for i in items):
        reference = compare_reference(scorer, items_by_half["calibration"], items_by_half["test"], graded_by_half)
    examiners = {half: examiner_agreement({a.id: a.score for a in graded.halves[half]}, marks)
                 for half, marks in graded.second.items()}
    return SetReport(graded.name, graded.path, halves, reference, skipped, examiners)
