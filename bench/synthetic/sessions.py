"""What each student sat: practice quizzes in every mode, and the class's exams.

A quiz is planned the way ``quizzer quiz`` plans one (each short-answer question
followed by a numeric variant of it; practice and timed-exam quizzes shuffle,
review asks what was seen longest ago first, weak asks the student's weakest
questions first), with the same settings and plan JSON. A few quizzes are given
up part way and stay unfinished. Exams are stored the way ``quizzer exam grade``
stores them: kind ``exam``, mode ``paper``, the exam id as title, graded at one
moment for the whole class.

Only the plans are made here; the times and marks come later.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache

import numpy as np

from quizzer.quiz.plan import Item, QuizOptions
from quizzer.sheets.build import NUMERIC_MARKS, SheetItem

from .course import Course
from .numeric import PoolEntry

__all__ = ["Exam", "Sittings", "plan_exams", "plan_sittings", "MODES"]

MODES = ("practice", "review", "weak", "exam")
MODE_WEIGHTS = (0.70, 0.12, 0.08, 0.10)
COUNTS = (10, 10, 10, 10, 10, 10, 6, 8, 12, 20)
ABANDON = 0.04  # share of quizzes given up part way
EXAM_MISSING = 0.03  # share of exam answers left blank
EXAM_SHARE = 5  # exams take at most 1/EXAM_SHARE of the responses asked for
EXAM_SAQS = EXAM_NUMERIC = 4


@dataclass(frozen=True)
class Exam:
    exam_id: str
    title: str
    seed: int
    graded_at: datetime
    saqs: tuple[int, ...]  # question indexes
    numeric: tuple[tuple[int, int], ...]  # (question index, family index)
    takers: tuple[int, ...]  # student indexes

    @property
    def items(self) -> int:
        return len(self.saqs) + len(self.numeric)


@dataclass
class Sittings:
    """Sessions (one entry per list) and the items answered in them, in session order."""

    user: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    mode: list[str] = field(default_factory=list)
    seed: list[int] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    exam: list[int] = field(default_factory=list)  # index into the exams, -1 for a quiz
    planned: list[int] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    item_position: list[int] = field(default_factory=list)
    item_question: list[int] = field(default_factory=list)
    item_family: list[int] = field(default_factory=list)  # -1 for a short-answer item
    item_variant: list[int] = field(default_factory=list)  # index into the family's pool, -1 for short answer
    item_missing: list[bool] = field(default_factory=list)  # exam answers left blank

    def add(self, user: int, kind: str, mode: str, seed: int, title: str, settings: dict | str, plan: list[dict],
            items: list[tuple[int, int, int]], answered: int, exam: int = -1,
            missing: list[bool] | None = None) -> None:
        self.user.append(user), self.kind.append(kind), self.mode.append(mode), self.seed.append(seed)
        self.title.append(title), self.exam.append(exam), self.planned.append(len(plan))
        self.settings.append(settings if isinstance(settings, str) else json.dumps(settings))
        self.plan.append(json.dumps(plan))
        self.answered.append(answered)
        for position, (question, family, variant) in enumerate(items[:answered]):
            self.item_position.append(position), self.item_question.append(question)
            self.item_family.append(family), self.item_variant.append(variant)
            self.item_missing.append(bool(missing[position]) if missing else False)


def _exam_id(title: str, seed: int, built: datetime) -> str:
    """The id ``quizzer exam build`` gives an exam with this title and seed."""
    return f"{built:%Y%m%d}-{hashlib.sha256(f'{title}|{seed}'.encode()).hexdigest()[:8]}"


def _exam_questions(course: Course, module: int | None, rng: np.random.Generator) -> list[int]:
    chosen = [i for i, q in enumerate(course.questions) if module is None or q.module == module]
    chosen = chosen or list(range(len(course.questions)))
    return sorted(rng.choice(chosen, size=min(EXAM_SAQS, len(chosen)), replace=False).tolist())


def plan_exams(course: Course, students: int, responses: int, now: datetime,
               rng: np.random.Generator) -> list[Exam]:
    """A midterm on the first module and a final on everything, within the response budget."""
    budget = responses // EXAM_SHARE
    exams = []
    specs = [("Midterm exam", course.modules[0] if course.modules else None, 40, 0.95), ("Final exam", None, 2, 0.85)]
    for title, module, days_before, turnout in specs:
        saqs = _exam_questions(course, module, rng)
        with_variants = [q for q in saqs if course.questions[q].variants][:EXAM_NUMERIC]
        numeric = tuple((q, course.family_index(rng.choice(course.questions[q].variants))) for q in with_variants)
        size = len(saqs) + len(numeric)
        takers = min(round(turnout * students), budget // size)
        budget -= takers * size
        seed = int(rng.integers(2**31 - 1))
        graded = (now - timedelta(days=days_before)).replace(hour=16, minute=0, second=0, microsecond=0)
        picked = tuple(sorted(rng.permutation(students)[:takers].tolist()))
        if takers:
            exams.append(Exam(_exam_id(title, seed, graded - timedelta(days=7)), title, seed, graded,
                              tuple(saqs), numeric, picked))
    return exams


def _add_exam(sittings: Sittings, course: Course, pool: list[list[PoolEntry]], exam: Exam, index: int,
              student: int, name: str, rnd: random.Random) -> None:
    sheet, items = [], []
    for number, q in enumerate(exam.saqs, start=1):
        question = course.questions[q]
        sheet.append(SheetItem(number, question.id, question.id, question.marks).to_json())
        items.append((q, -1, -1))
    for number, (q, family) in enumerate(exam.numeric, start=len(exam.saqs) + 1):
        variant = rnd.randrange(len(pool[family]))
        sheet.append(SheetItem(number, course.families[family], course.questions[q].id, NUMERIC_MARKS,
                               course.families[family], pool[family][variant].seed).to_json())
        items.append((q, family, variant))
    missing = [rnd.random() < EXAM_MISSING for _ in items]
    sittings.add(student, "exam", "paper", exam.seed, exam.exam_id, {"exam_title": exam.title, "name": name},
                 sheet, items, len(items), exam=index, missing=missing)


def _order(course: Course, candidates: list[int], mode: str, strength: np.ndarray, last_seen: dict[int, int],
           rnd: random.Random) -> list[int]:
    rnd.shuffle(candidates)
    if mode == "weak":
        return sorted(candidates, key=lambda q: strength[q] + rnd.gauss(0, 0.3))
    if mode == "review":
        return sorted(candidates, key=lambda q: last_seen.get(q, 1 << 30))
    return candidates


def _quiz_items(course: Course, pool: list[list[PoolEntry]], ordered: list[int], count: int, numeric: bool,
                rnd: random.Random) -> list[tuple[int, int, int]]:
    items = []
    for q in ordered:
        items.append((q, -1, -1))
        families = [f for f in course.question_families[q] if pool[f]]
        if numeric and families:
            family = rnd.choice(families)
            items.append((q, family, rnd.randrange(len(pool[family]))))
        if len(items) >= count:
            break
    return items[:count]


def _options(course: Course, name: str, rnd: random.Random) -> QuizOptions:
    mode = rnd.choices(MODES, MODE_WEIGHTS)[0]
    module = topic = None
    if mode == "practice" and course.modules and rnd.random() < 0.25:
        module = rnd.choice(course.modules)
    elif mode == "practice" and course.asked_topics and rnd.random() < 0.08:
        topic = rnd.choice(course.asked_topics)
    return QuizOptions(user=name, mode=mode, count=rnd.choice(COUNTS), module=module, topic=topic,
                       numeric=rnd.random() > 0.1, seed=rnd.randrange(2**31), minutes=20 if mode == "exam" else None)


@cache
def _settings_json(options: QuizOptions) -> str:
    return json.dumps(options.settings())


def _settings(options: QuizOptions) -> str:
    """The stored settings (which leave out the user and the seed), made once per kind of quiz."""
    return _settings_json(replace(options, user="", seed=None))


def _add_quiz(sittings: Sittings, course: Course, pool: list[list[PoolEntry]], student: int, name: str,
              budget: int, strength: np.ndarray, last_seen: dict[int, int], rnd: random.Random) -> int:
    options = _options(course, name, rnd)
    candidates = course.select(options.module, options.topic)
    ordered = _order(course, candidates, options.mode, strength, last_seen, rnd)
    items = _quiz_items(course, pool, ordered, options.count, options.numeric, rnd)
    plan = [Item(course.questions[q].id, course.families[f] if f >= 0 else None,
                 pool[f][v].seed if f >= 0 else None).to_json() for q, f, v in items]
    answered = len(items)
    if answered > 1 and rnd.random() < ABANDON:
        answered = rnd.randrange(1, answered)
    answered = min(answered, budget)
    for q, _f, _v in items[:answered]:
        last_seen[q] = len(sittings.user)
    sittings.add(student, "quiz", options.mode, options.seed, "", _settings(options), plan, items, answered)
    return answered


def plan_sittings(course: Course, pool: list[list[PoolEntry]], names: list[str], strength: np.ndarray,
                  quiz_budget: np.ndarray, exams: list[Exam], seed: int) -> Sittings:
    """Every student's sessions: quizzes using up ``quiz_budget[u]`` answers, and their exams.

    ``strength[u, q]`` is how well student ``u`` knows question ``q`` (for weak mode).
    """
    sittings = Sittings()
    takers = [set(exam.takers) for exam in exams]
    for student, name in enumerate(names):
        rnd = random.Random(seed * 1_000_003 + student)
        last_seen: dict[int, int] = {}
        left = int(quiz_budget[student])
        while left > 0:
            left -= _add_quiz(sittings, course, pool, student, name, left, strength[student], last_seen, rnd)
        for index, exam in enumerate(exams):
            if student in takers[index]:
                _add_exam(sittings, course, pool, exam, index, student, name, rnd)
    return sittings
