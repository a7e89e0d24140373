"""How well the scorer agrees with an examiner, on answers with known marks.

Every graded answer carries the score an examiner gave it. Grading them all and
comparing gives the figures a teacher should ask for before trusting the scorer:
exact agreement, agreement within half a mark, quadratic weighted kappa (the
agreement statistic used for essay scoring, which punishes big misses more) and
Pearson correlation; per kind of answer, how often the mark is exact and how far
it is off on average (positive: over-credited); and the worst disagreements.

The figures mean something only on answers the rubric was not tuned on, so they
are reported separately for the bank's own samples, a graded set's calibration
half and its frozen test half (see ``bank.graded``). For questions graded
against a model answer alone, ``compare_reference`` also reports a plain
word-overlap baseline, the share of the model answer's content words the answer
contains, so the scorer is seen to beat the obvious measure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..bank import Question
from .result import GradeResult
from .scorer import Scorer
from .text import STOPWORDS

__all__ = ["Disagreement", "Evaluation", "Item", "evaluate", "evaluate_items", "grade_items",
           "quadratic_weighted_kappa", "ReferenceComparison", "compare_reference", "word_overlap", "WRONG_KINDS"]

# kinds of answer that are wrong however they are worded: none may be over-credited
WRONG_KINDS = ("reversed", "swapped", "misconception", "keyword-list", "off-topic", "negated", "keyword-stuffed")


@dataclass(frozen=True)
class Item:
    question: Question
    text: str
    score: float  # the examiner's
    kind: str
    id: str = ""


@dataclass(frozen=True)
class Disagreement:
    question_id: str
    kind: str
    expected: float
    got: float
    text: str
    id: str = ""


@dataclass(frozen=True)
class KindFigures:
    count: int
    exact: float
    mean_error: float  # scorer minus examiner, in marks: positive is over-credit


@dataclass(frozen=True)
class Evaluation:
    count: int
    exact: float
    within_half: float
    qwk: float
    pearson: float
    by_kind: dict[str, float] = field(default_factory=dict)  # exact agreement per kind
    worst: tuple[Disagreement, ...] = ()
    kinds: dict[str, KindFigures] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)  # exact agreement when sure / when in doubt

    def to_json(self) -> dict:
        return {
            "samples": self.count,
            "exact_agreement": round(self.exact, 4),
            "within_half_mark": round(self.within_half, 4),
            "qwk": round(self.qwk, 4),
            "pearson": round(self.pearson, 4),
            "exact_by_kind": {k: round(v, 4) for k, v in self.by_kind.items()},
            "mean_error_by_kind": {k: round(v.mean_error, 4) for k, v in self.kinds.items()},
            "count_by_kind": {k: v.count for k, v in self.kinds.items()},
            "confidence": {k: round(v, 4) for k, v in self.confidence.items()},
            "worst": [d.__dict__ for d in self.worst],
        }

    def over_credit(self, kinds: Sequence[str] = WRONG_KINDS) -> dict[str, float]:
        return {k: v.mean_error for k, v in self.kinds.items() if k in kinds}


def quadratic_weighted_kappa(expected: Sequence[float], got: Sequence[float]) -> float:
    """QWK over half-mark steps (scores are doubled to whole labels first).

    Computed as scikit-learn's ``cohen_kappa_score(weights="quadratic")`` does, in the
    same order of operations (a test holds the two equal), so grading needs no
    scikit-learn: the labels seen in either list, sorted, are weighted by the square of
    how many places apart they are in that order, not by how far apart their values are.
    """
    import numpy as np

    a = [round(x * 2) for x in expected]
    b = [round(x * 2) for x in got]
    labels = sorted(set(a) | set(b))
    if len(labels) < 2:
        return 1.0 if a == b else 0.0
    if len(a) != len(b):
        raise ValueError(f"{len(a)} expected scores but {len(b)} given")
    place = {label: i for i, label in enumerate(labels)}
    observed = np.zeros((len(labels), len(labels)))
    np.add.at(observed, ([place[x] for x in a], [place[y] for y in b]), 1)
    chance = np.outer(observed.sum(axis=0), observed.sum(axis=1)) / observed.sum()
    apart = np.arange(len(labels), dtype=float)
    weights = (apart[np.newaxis, :] - apart[:, np.newaxis]) ** 2
    return float(1 - np.sum(weights * observed) / np.sum(weights * chance))


def _pearson(expected: Sequence[float], got: Sequence[float]) -> float:
    import numpy as np

    if len(set(expected)) < 2 or len(set(got)) < 2:
        return 0.0
    return float(np.corrcoef(expected, got)[0, 1])


def evaluate(scorer: Scorer, questions: Sequence[Question], worst: int = 10) -> Evaluation:
    """Agreement on the bank's own sample answers."""
    items = [Item(q, s.text, s.score, s.kind) for q in questions for s in q.samples]
    return evaluate_items(scorer, items, worst)


def grade_items(scorer: Scorer, items: Sequence[Item]) -> list[GradeResult]:
    return scorer.grade_many([(i.question, i.text) for i in items])


def evaluate_items(scorer: Scorer, items: Sequence[Item], worst: int = 10,
                   results: Sequence[GradeResult] | None = None) -> Evaluation:
    """Agreement on ``items``; ``results``, when given, are their grades already made."""
    if not items:
        return Evaluation(0, 0.0, 0.0, 0.0, 0.0)
    results = grade_items(scorer, items) if results is None else results
    expected = [i.score for i in items]
    got = [r.score for r in results]
    kinds: dict[str, list[tuple[float, float]]] = {}
    for item, score in zip(items, got, strict=True):
        kinds.setdefault(item.kind, []).append((item.score, score))
    misses = sorted(
        (Disagreement(i.question.id, i.kind, i.score, g, i.text, i.id)
         for i, g in zip(items, got, strict=True) if g != i.score),
        key=lambda d: (-abs(d.expected - d.got), d.question_id, d.id, d.text),
    )
    figures = {k: KindFigures(len(v), sum(e == g for e, g in v) / len(v), sum(g - e for e, g in v) / len(v))
               for k, v in sorted(kinds.items())}
    return Evaluation(
        count=len(items),
        exact=sum(e == g for e, g in zip(expected, got, strict=True)) / len(items),
        within_half=sum(abs(e - g) <= 0.5 for e, g in zip(expected, got, strict=True)) / len(items),
        qwk=quadratic_weighted_kappa(expected, got),
        pearson=_pearson(expected, got),
        by_kind={k: v.exact for k, v in figures.items()},
        worst=tuple(misses[:worst]),
        kinds=figures,
        confidence=_by_confidence(results, expected),
    )


def _by_confidence(results, expected: Sequence[float]) -> dict[str, float]:
    """Exact agreement among the grades the scorer is sure of, and among the rest:
    if confidence means anything, the first is higher."""
    out = {}
    for name, chosen in (("sure", [r.confidence >= 0.99 for r in results]),
                         ("doubtful", [r.confidence < 0.99 for r in results])):
        pairs = [(r.score, e) for r, e, c in zip(results, expected, chosen, strict=True) if c]
        out[f"{name}_share"] = len(pairs) / len(results)
        out[f"{name}_exact"] = sum(a == b for a, b in pairs) / len(pairs) if pairs else 0.0
    return out


_WORD = re.compile(r"[a-z0-9]+")


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


def word_overlap(question: Question, answer: str) -> float:
    """The baseline: the share of a model answer's content words (lower-cased, not
    stemmed, filler words left out) that the answer contains; the best over the
    question's model answers."""
    present = set(_WORD.findall(answer.lower()))
    shares = []
    for reference in question.model_answers:
        wanted = _content_words(reference) or set(_WORD.findall(reference.lower()))
        shares.append(len(wanted & present) / len(wanted) if wanted else 0.0)
    return max(shares, default=0.0)


@dataclass(frozen=True)
class ReferenceComparison:
    """The grader beside the word-overlap baseline on one half of a reference-only set."""

    count: int
    pearson_score: float  # the grader's half-mark score against the examiner's
    pearson_similarity: float  # its continuous similarity column
    pearson_baseline: float
    f1_score: float  # macro-F1 of pass/fail, pass at half the marks
    f1_similarity: float  # with a pass line on similarity set on the calibration half
    f1_baseline: float  # with a pass line on overlap set on the calibration half
    lines: dict[str, float]  # the pass lines used

    def to_json(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()
                if k != "lines"} | {"pass_lines": {k: round(v, 4) for k, v in self.lines.items()}}


def _macro_f1(truth: Sequence[bool], guess: Sequence[bool]) -> float:
    scores = []
    for label in (True, False):
        tp = sum(t == label and g == label for t, g in zip(truth, guess, strict=True))
        fp = sum(t != label and g == label for t, g in zip(truth, guess, strict=True))
        fn = sum(t == label and g != label for t, g in zip(truth, guess, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / 2


def _best_line(values: Sequence[float], truth: Sequence[bool]) -> float:
    """The pass line on ``values`` with the best macro-F1 (ties: the lower line)."""
    candidates = sorted(set(values))
    return max(candidates, key=lambda t: (_macro_f1(truth, [v >= t for v in values]), -t), default=0.5)


def compare_reference(scorer: Scorer, calibration: Sequence[Item], test: Sequence[Item],
                      graded: Mapping[str, Sequence[GradeResult]] | None = None) -> dict[str, ReferenceComparison]:
    """Pearson and macro-F1 on each half, the pass lines for the continuous measures
    chosen on the calibration half and applied unchanged to the test half.
    ``graded``, when given, holds each half's grades already made."""
    halves = {"calibration": calibration, "test": test}
    graded = graded or {name: grade_items(scorer, items) for name, items in halves.items()}
    passed = {name: [i.score >= i.question.marks / 2 for i in items] for name, items in halves.items()}
    overlaps = {name: [word_overlap(i.question, i.text) for i in items] for name, items in halves.items()}
    lines = {"similarity": _best_line([r.similarity for r in graded["calibration"]], passed["calibration"]),
             "baseline": _best_line(overlaps["calibration"], passed["calibration"])}
    out = {}
    for name, items in halves.items():
        if not items:
            continue
        results, overlap = graded[name], overlaps[name]
        expected = [i.score for i in items]
        out[name] = ReferenceComparison(
            count=len(items),
            pearson_score=_pearson(expected, [r.score for r in results]),
            pearson_similarity=_pearson(expected, [r.similarity for r in results]),
            pearson_baseline=_pearson(expected, overlap),
            f1_score=_macro_f1(passed[name], [r.score >= r.max / 2 for r in results]),
            f1_similarity=_macro_f1(passed[name], [r.similarity >= lines["similarity"] for r in results]),
            f1_baseline=_macro_f1(passed[name], [o >= lines["baseline"] for o in overlap]),
            lines=lines,
        )
    return out
