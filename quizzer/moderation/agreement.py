"""How often, and by how much, teachers changed the scorer's marks.

Every override keeps the scorer's own mark beside the teacher's, so the store
already holds a second examiner's marks on the answers the scorer actually
meets. Compared per question and per criterion, they say which rubric a teacher
should improve first: a criterion teachers keep raising misses a wording
students use; one they keep lowering credits words that do not show
understanding. Only the overrides in force count (an undone one was taken
back), and a mark a teacher accepted unchanged is an agreement, not a gap in
the data: checking a mark and keeping it is what agreement means.

The figures are of the scorer as it marked those answers; ``moderate promote``
turns the same answers into graded samples so that ``grade --evaluate`` measures
the scorer as it is now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..store import OverrideRecord

__all__ = ["Agreement", "agreement", "moderated_agreement"]


@dataclass(frozen=True)
class Agreement:
    """Teachers' marks beside the scorer's over some moderated answers: all of
    them (``key`` empty, ``parts`` per question), one question (``parts`` per
    criterion) or one criterion. Changes are teacher minus scorer, in marks."""

    key: str
    answers: int
    changed: int
    raised: int
    lowered: int
    mean_change: float
    mean_abs_change: float
    parts: tuple[Agreement, ...] = ()  # worst first
    of: str = ""  # what the parts are: "questions", "criteria", or "" for a criterion

    @property
    def exact(self) -> float:
        """The share of the marks teachers left as the scorer gave them."""
        return (self.answers - self.changed) / self.answers if self.answers else 1.0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"answers": self.answers, "changed": self.changed, "raised": self.raised,
                               "lowered": self.lowered, "exact_agreement": round(self.exact, 4),
                               "mean_change": round(self.mean_change, 4),
                               "mean_abs_change": round(self.mean_abs_change, 4)}
        if self.of:
            out[self.of] = {part.key: part.to_json() for part in self.parts}  # worst first, as listed
        return out


def _figures(key: str, changes: Sequence[float], parts: tuple[Agreement, ...] = (), of: str = "") -> Agreement:
    changed = [c for c in changes if abs(c) > 1e-9]
    count = len(changes)
    return Agreement(key, count, len(changed), sum(c > 0 for c in changed), sum(c < 0 for c in changed),
                     sum(changes) / count if count else 0.0, sum(abs(c) for c in changes) / count if count else 0.0,
                     _worst_first(parts), of)


def _worst_first(parts: Iterable[Agreement]) -> tuple[Agreement, ...]:
    """Least agreement first, then the largest changes, then the most answers: the
    rubric worth a teacher's next hour at the top."""
    return tuple(sorted(parts, key=lambda a: (a.exact, -a.mean_abs_change, -a.answers, a.key)))


def _awarded(criteria: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    return {str(c.get("id")): float(c.get("awarded", 0)) for c in criteria if c.get("id") is not None}


def agreement(overrides: Iterable[OverrideRecord]) -> Agreement:
    """The figures over ``overrides`` (those in force), overall, per question and
    per criterion. A criterion counts on the answers where both the scorer's and
    the teacher's marks name it."""
    totals: dict[str, list[float]] = defaultdict(list)
    criteria: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for o in overrides:
        totals[o.question_id].append(o.new_score - o.scorer_score)
        scorer, teacher = _awarded(o.scorer_criteria), _awarded(o.new_criteria)
        for cid in scorer.keys() & teacher.keys():
            criteria[o.question_id][cid].append(teacher[cid] - scorer[cid])
    questions = [_figures(qid, changes, tuple(_figures(cid, c) for cid, c in criteria[qid].items()), "criteria")
                 for qid, changes in totals.items()]
    return _figures("", [c for changes in totals.values() for c in changes], tuple(questions), "questions")


def moderated_agreement(store, *, question_id: str | None = None,
                        session_ids: Collection[int] | None = None) -> Agreement:
    """The figures over the overrides in force in ``store`` (of one question, or of
    some sessions' answers, as a report of an exam covers)."""
    found = store.overrides(question_id=question_id, active_only=True)
    if session_ids is not None:
        wanted = set(session_ids)
        found = [o for o in found if o.session_id in wanted]
    return agreement(found)
