"""How well the scorer agrees with an examiner, measured on the bank's samples.

Every sample answer carries the score an examiner gave it. Grading them all and
comparing gives the figures a teacher should ask for before trusting the scorer:
exact agreement, agreement within half a mark, quadratic weighted kappa (the
agreement statistic used for essay scoring, which punishes big misses more) and
Pearson correlation, plus the worst disagreements to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..bank import Question
from .scorer import Scorer

__all__ = ["Disagreement", "Evaluation", "evaluate", "quadratic_weighted_kappa"]


@dataclass(frozen=True)
class Disagreement:
    question_id: str
    kind: str
    expected: float
    got: float
    text: str


@dataclass(frozen=True)
class Evaluation:
    count: int
    exact: float
    within_half: float
    qwk: float
    pearson: float
    by_kind: dict[str, float] = field(default_factory=dict)  # exact agreement per sample kind
    worst: tuple[Disagreement, ...] = ()

    def to_json(self) -> dict:
        return {
            "samples": self.count,
            "exact_agreement": round(self.exact, 4),
            "within_half_mark": round(self.within_half, 4),
            "qwk": round(self.qwk, 4),
            "pearson": round(self.pearson, 4),
            "exact_by_kind": {k: round(v, 4) for k, v in self.by_kind.items()},
            "worst": [d.__dict__ for d in self.worst],
        }


def quadratic_weighted_kappa(expected: Sequence[float], got: Sequence[float]) -> float:
    """QWK over half-mark steps (scores are doubled to whole labels first)."""
    from sklearn.metrics import cohen_kappa_score

    a = [round(x * 2) for x in expected]
    b = [round(x * 2) for x in got]
    if len(set(a) | set(b)) < 2:
        return 1.0 if a == b else 0.0
    return float(cohen_kappa_score(a, b, weights="quadratic"))


def _pearson(expected: Sequence[float], got: Sequence[float]) -> float:
    import numpy as np

    if len(set(expected)) < 2 or len(set(got)) < 2:
        return 0.0
    return float(np.corrcoef(expected, got)[0, 1])


def evaluate(scorer: Scorer, questions: Sequence[Question], worst: int = 10) -> Evaluation:
    items = [(q, s) for q in questions for s in q.samples]
    results = scorer.grade_many([(q, s.text) for q, s in items])
    expected = [s.score for _, s in items]
    got = [r.score for r in results]
    if not items:
        return Evaluation(0, 0.0, 0.0, 0.0, 0.0)
    kinds: dict[str, list[bool]] = {}
    for (_, sample), score in zip(items, got):
        kinds.setdefault(sample.kind, []).append(score == sample.score)
    misses = sorted(
        (Disagreement(q.id, s.kind, s.score, g, s.text) for (q, s), g in zip(items, got) if g != s.score),
        key=lambda d: (-abs(d.expected - d.got), d.question_id, d.text),
    )
    return Evaluation(
        count=len(items),
        exact=sum(e == g for e, g in zip(expected, got)) / len(items),
        within_half=sum(abs(e - g) <= 0.5 for e, g in zip(expected, got)) / len(items),
        qwk=quadratic_weighted_kappa(expected, got),
        pearson=_pearson(expected, got),
        by_kind={k: sum(v) / len(v) for k, v in sorted(kinds.items())},
        worst=tuple(misses[:worst]),
    )
