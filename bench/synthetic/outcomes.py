"""The marks, answers and feedback of every response.

Ability at the moment of answering is the student's ability, plus what they
have gained since the window opened, plus their strength on the question's
topics, plus a little for each earlier attempt at the same question. Each rubric
criterion is then earned in full, earned in part (half its marks) or not at all;
a weaker student sometimes states one of the criterion's misconceptions, which
cancels it (the bank's first-listed misconceptions are the most common). The
score is the sum of the criteria, so the stored JSON, the criterion rows and the
score always agree. The answer is one of the bank's graded sample answers with
that score, the feedback is written the way the scorer writes it, and the FSRS
rating is :func:`quizzer.progress.schedule.rating_for` of the marks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from quizzer.misconceptions import describe as describe_misconception
from quizzer.progress.schedule import rating_for
from quizzer.scoring.feedback import compose_feedback
from quizzer.scoring.result import CriterionResult

from .course import Course, half_step
from .numeric import Marked, PoolEntry

__all__ = ["Items", "Outcomes", "mark_items"]

PRACTICE = 0.12  # ability gained per log-attempt at the same question
HALF = 0.35  # of the students who miss a criterion, how many earn half of it (at p = 0)
MISCONCEPTION = 0.3  # chance that a missed criterion is a misconception (at p = 0)
SKIP = 0.05  # chance of skipping a quiz item one surely cannot answer
MAX_CODE = 15  # criterion codes: 0 none, 1 half, 2 full, 3 + k misconception k; 4 bits each


@dataclass(frozen=True)
class Items:
    """One entry per response."""

    user: np.ndarray
    question: np.ndarray
    family: np.ndarray  # -1 for a short answer
    variant: np.ndarray  # index into the family's pool
    missing: np.ndarray  # exam answer left blank
    exam: np.ndarray  # answered in an exam (no rating, no card)
    created: np.ndarray  # µs


@dataclass(frozen=True)
class Graded:
    """One way a short answer can be marked: a code per criterion."""

    score: float
    criteria: str  # JSON, as the quiz stores it
    feedback: str
    rows: tuple[tuple[str, float, float, str | None], ...]  # criterion_results: id, awarded, max, misconception
    misconception: bool


@dataclass
class Outcomes:
    score: np.ndarray
    max_score: np.ndarray
    skipped: np.ndarray
    answer: list[str]
    feedback: list[str]
    criteria: list[str]
    rows: list[tuple]
    rating: list[int | None]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _attempts_before(items: Items) -> np.ndarray:
    """How often the student had answered the same question before this response."""
    order = np.lexsort((items.created, items.question, items.user))
    user, question = items.user[order], items.question[order]
    new = np.ones(order.size, dtype=bool)
    new[1:] = (user[1:] != user[:-1]) | (question[1:] != question[:-1])
    starts = np.flatnonzero(new)
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.append(starts, order.size)))
    prior = np.empty(order.size, dtype=np.int64)
    prior[order] = rank
    return prior


def _ability(course: Course, students, items: Items, window: tuple[int, int]) -> np.ndarray:
    strength = students.topic @ course.topic_of.T
    elapsed = (items.created - window[0]) / (window[1] - window[0])
    return (students.ability[items.user] + students.growth[items.user] * elapsed
            + strength[items.user, items.question] + PRACTICE * np.log1p(_attempts_before(items)))


def _criterion_codes(course: Course, questions: np.ndarray, ability: np.ndarray,
                     rng: np.random.Generator) -> np.ndarray:
    """Per short answer, its criteria's codes packed 4 bits each (first criterion lowest)."""
    counts = course.crit_count[questions]
    owner = np.repeat(np.arange(questions.size), counts)
    within = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
    crit = course.crit_start[questions][owner] + within
    q = questions[owner]
    p = _sigmoid(course.discrimination[q] * (ability[owner] - course.difficulty[q] - course.crit_offset[crit]))
    u, v, g = rng.random(owner.size), rng.random(owner.size), rng.geometric(0.5, owner.size) - 1
    full = u < p
    half = ~full & (course.crit_half[crit] > 0) & (u < p + HALF * (1 - p))
    listed = course.crit_misconceptions[crit]
    wrong = ~full & (listed > 0) & (v < MISCONCEPTION * (1 - p))
    which = np.minimum(g, np.clip(listed - 1, 0, MAX_CODE - 3))
    code = np.where(wrong, 3 + which, np.where(full, 2, np.where(half, 1, 0)))
    return np.bincount(owner, weights=code * 16.0 ** within, minlength=questions.size).astype(np.int64)


def _criterion_result(question, criterion, code: int) -> CriterionResult:
    need = max(criterion.need, 1)
    ideas = [c[0] for c in criterion.concepts]
    if code >= 3:
        phrase = criterion.misconceptions[code - 3]
        return CriterionResult(criterion.id, 0.0, criterion.marks, criterion.description, (), tuple(ideas),
                               describe_misconception(phrase, phrase), 0.0,
                               f"cancelled by a misconception (0/{need} of the ideas needed were shown)",
                               question.explanation.pitfall)
    if code == 2:
        return CriterionResult(criterion.id, criterion.marks, criterion.marks, criterion.description,
                               tuple(ideas[:need]), (), None, 0.8, f"{need}/{need} of the ideas needed shown")
    awarded = half_step(criterion.marks) if code == 1 else 0.0
    reason = f"0/{need} of the ideas needed shown"
    if code == 1:
        reason += "; +0.5 because the wording is close to the criterion (similarity 0.46)"
    return CriterionResult(criterion.id, awarded, criterion.marks, criterion.description, (), tuple(ideas),
                           None, 0.46 if code == 1 else 0.1, reason, question.explanation.key_idea)


def _graded(course: Course, question_index: int, key: int) -> Graded:
    question, criteria = course.questions[question_index], course.criteria[question_index]
    results = [_criterion_result(question, c, (key >> (4 * j)) & MAX_CODE) for j, c in enumerate(criteria)]
    score = sum(r.awarded for r in results)
    return Graded(score, json.dumps([r.to_json() for r in results]), compose_feedback(question, results, (), score),
                  tuple((r.id, float(r.awarded), float(r.max), r.misconception) for r in results),
                  any(r.misconception for r in results))


def _sample_answers(course: Course, question_index: int, score: float, misconception: bool) -> list[str]:
    """Graded samples of the bank with this score (a misconception's own kind when there is one)."""
    question = course.questions[question_index]
    samples = list(question.samples)
    if not samples:
        return [question.model_answer if score >= question.marks else ""]
    closest = min(abs(s.score - score) for s in samples)
    same = [s for s in samples if abs(s.score - score) == closest]
    wrong_kind = [s for s in same if s.kind in ("misconception", "negated")]
    if misconception:
        return [s.text for s in wrong_kind or same]
    return [s.text for s in ([s for s in same if s not in wrong_kind] or same)]


def _numeric(course: Course, pool: list[list[PoolEntry]], items: Items, chosen: np.ndarray, ability: np.ndarray,
             rng: np.random.Generator) -> list[Marked]:
    q, f = items.question[chosen], items.family[chosen]
    p = _sigmoid(course.discrimination[q] * (ability[chosen] - course.difficulty[q] - course.family_difficulty[f]))
    u, v = rng.random(chosen.size), rng.random(chosen.size)
    marked = []
    for family, variant, p_, u_, v_ in zip(f.tolist(), items.variant[chosen].tolist(), p.tolist(), u.tolist(),
                                           v.tolist()):
        entry = pool[family][variant]
        if u_ < p_ or not entry.wrong:
            options = entry.right
        elif entry.half and u_ < p_ + 0.25 * (1 - p_):
            options = entry.half
        else:
            options = entry.wrong
        marked.append(options[int(v_ * len(options))])
    return marked


def mark_items(course: Course, pool: list[list[PoolEntry]], students, items: Items, window: tuple[int, int],
               rng: np.random.Generator) -> Outcomes:
    ability = _ability(course, students, items, window)
    q = items.question
    p_any = _sigmoid(course.discrimination[q] * (ability - course.difficulty[q]))
    skipped = np.where(items.exam, items.missing, rng.random(q.size) < 0.01 + SKIP * (1 - p_any))
    short = np.flatnonzero(items.family < 0)
    codes = _criterion_codes(course, q[short], ability[short], rng)
    numeric = np.flatnonzero(items.family >= 0)
    marked = _numeric(course, pool, items, numeric, ability, rng)
    pick = rng.random(q.size)
    return _assemble(course, items, skipped, dict(zip(short.tolist(), codes.tolist())),
                     dict(zip(numeric.tolist(), marked)), pick)


def _assemble(course: Course, items: Items, skipped: np.ndarray, codes: dict[int, int],
              marked: dict[int, Marked], pick: np.ndarray) -> Outcomes:
    graded = lru_cache(maxsize=None)(lambda qi, key: _graded(course, qi, key))
    answers = lru_cache(maxsize=None)(lambda qi, score, wrong: _sample_answers(course, qi, score, wrong))
    rating = lru_cache(maxsize=None)(lambda score, top, wrong, skip: rating_for(
        score, top, [{"misconception": "yes"}] if wrong else [], skip))
    n = items.question.size
    out = Outcomes(np.zeros(n), np.zeros(n), skipped, [""] * n, [""] * n, ["[]"] * n, [()] * n, [None] * n)
    marks = [q.marks for q in course.questions]
    for i, (qi, skip, exam, u) in enumerate(zip(items.question.tolist(), skipped.tolist(), items.exam.tolist(),
                                                pick.tolist())):
        wrong = False
        out.max_score[i] = marks[qi] if i in codes else 1.0
        if skip:
            out.feedback[i] = "No answer." if exam else "Skipped."
        elif i in codes:
            g = graded(qi, codes[i])
            wrong, out.score[i], out.feedback[i], out.criteria[i], out.rows[i] = (
                g.misconception, g.score, g.feedback, g.criteria, g.rows)
            texts = answers(qi, g.score, g.misconception)
            out.answer[i] = texts[int(u * len(texts))]
        else:
            m = marked[i]
            out.answer[i], out.score[i], out.feedback[i] = m.answer, m.score, m.feedback
        if not exam:
            out.rating[i] = rating(float(out.score[i]), float(out.max_score[i]), wrong, bool(skip))
    return out
