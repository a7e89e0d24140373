"""The teacher's report on a class: who is where, and which ideas did not land.

Item statistics follow Moodle's quiz statistics, adapted to practice data where
students answer different questions different numbers of times:

- **facility index**: the mean share of the marks students earned on the item
  (each student's own mean, so a student who practised an item twenty times
  counts once);
- **discrimination index**: the correlation, across students, between their
  share on the item and their share on everything else (the item itself left
  out). A good item is answered better by students who do better overall;
  below 0.2 it says little about who understands, and a negative value usually
  means the key or the rubric is wrong.

A criterion's statistics are the same, with the criterion as the item and the
rest of the test excluding the criterion's question.

Where teachers moderated marks, the report also says how many and how often they
changed the scorer's (``moderation.agreement``), per question, least agreement
first: the rubric to improve next.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from ..bank import Bank, Question
from ..moderation.agreement import Agreement
from ..store.report_rows import StudentData
from .charts import BarChart, histogram
from .student import StudentReport, build_student_report, correcting_text, criterion_text

__all__ = ["ClassReport", "StudentLine", "ItemStat", "CommonMisconception", "ModerationLine", "Moderation",
           "build_class_report", "finish_class_report", "student_line", "page_names", "by_name", "ClassTally",
           "moderation_summary", "pearson", "slug", "SORT_KEYS", "MIN_STUDENTS"]

T = TypeVar("T")
MIN_STUDENTS = 5  # below this a correlation means nothing; the report shows a dash
WEAK_DISCRIMINATION = 0.2


@dataclass(frozen=True)
class StudentLine:
    name: str
    page: str  # file name of the student's own report
    answers: int
    sessions: int
    score: float | None  # marks earned over marks available
    mastery: float
    readiness: float  # expected share of a full paper
    seconds: float
    last: datetime | None
    due: int
    misconceptions: int
    first: datetime | None = None  # first answer (for the class's date range)


@dataclass(frozen=True)
class ItemStat:
    key: str  # Q7, Q7 / criterion-id, or a family id
    question: Question
    label: str
    students: int
    answers: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    criteria: tuple[ItemStat, ...] = ()

    @property
    def flag(self) -> str:
        if self.discrimination is None:
            return ""
        if self.discrimination < 0:
            return "negative: check the key and rubric"
        if self.discrimination < WEAK_DISCRIMINATION:
            return "weak"
        return ""


@dataclass(frozen=True)
class CommonMisconception:
    question: Question
    criterion_id: str
    text: str
    students: int
    count: int
    correction: str
    explanation: str


@dataclass(frozen=True)
class ModerationLine:
    """Teachers' marks beside the scorer's on one question or criterion, labelled."""

    key: str
    label: str
    figures: Agreement
    criteria: tuple[ModerationLine, ...] = ()


@dataclass(frozen=True)
class Moderation:
    overall: Agreement
    questions: tuple[ModerationLine, ...]  # least agreement first


def moderation_summary(bank: Bank, figures: Agreement) -> Moderation | None:
    """The report's moderation section, or None when no mark was moderated."""
    if not figures.answers:
        return None
    lines = []
    for q in figures.parts:
        question = bank.get(q.key)
        described = {c.id: c.description for c in question.rubric} if question else {}
        criteria = tuple(ModerationLine(c.key, described.get(c.key, ""), c) for c in q.parts)
        lines.append(ModerationLine(q.key, question.title if question else "", q, criteria))
    return Moderation(figures, tuple(lines))


@dataclass(frozen=True)
class ClassReport:
    title: str
    generated: datetime
    students: tuple[StudentLine, ...]  # sorted by name
    answers: int
    sessions: int
    first: datetime | None
    last: datetime | None
    mean_score: float | None
    histogram: BarChart | None
    items: tuple[ItemStat, ...]
    families: tuple[ItemStat, ...]
    misconceptions: tuple[CommonMisconception, ...]
    reports: tuple[StudentReport, ...]  # one per student, same order as ``students``
    scoped: bool = False  # of some sessions (an exam): only their questions are listed
    moderation: Moderation | None = None  # teachers' checks of the scorer's marks, when there are any

    def sorted_by(self, key: str) -> list[StudentLine]:
        attribute, descending = SORT_KEYS[key]
        present = [s for s in self.students if getattr(s, attribute) is not None]
        missing = [s for s in self.students if getattr(s, attribute) is None]
        if attribute == "name":
            present.sort(key=lambda s: (s.name.casefold(), s.name))
        else:
            present.sort(key=lambda s: (getattr(s, attribute), s.name.casefold()), reverse=descending)
        return present + missing


# column -> (attribute, sorted descending first)
SORT_KEYS = {
    "name": ("name", False), "answers": ("answers", True), "score": ("score", True),
    "mastery": ("mastery", True), "readiness": ("readiness", True), "time": ("seconds", True),
    "last": ("last", True), "due": ("due", True), "misconceptions": ("misconceptions", True),
}


def slug(name: str, taken: set[str]) -> str:
    """A safe, readable and unique file name for a student's page."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.casefold()).strip("-")[:40] or "student"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    page = f"{base}-{digest}.html"
    while page in taken:
        digest = hashlib.sha256((digest + name).encode("utf-8")).hexdigest()[:8]
        page = f"{base}-{digest}.html"
    taken.add(page)
    return page


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation, or None with too few students or no spread to correlate.
    In floats with ``math.fsum``: ``statistics.correlation`` works in exact
    fractions, and the items of a class report took a fifth of a second so."""
    if len(xs) < MIN_STUDENTS:
        return None
    mx, my = math.fsum(xs) / len(xs), math.fsum(ys) / len(ys)
    dx, dy = [x - mx for x in xs], [y - my for y in ys]
    sxx, syy = math.fsum(d * d for d in dx), math.fsum(d * d for d in dy)
    if not sxx or not syy:  # one side is constant
        return None
    return max(-1.0, min(1.0, math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)))


def _spread(values: Sequence[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    mean = math.fsum(values) / len(values)
    if len(values) < 2:
        return mean, 0.0
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


Pairs = list[tuple[float, float | None]]  # (the student's share on an item, on the rest of the test)


@dataclass
class ClassTally:
    """What the class statistics need from each student, added up student by student.

    Each student's share on an item and on the rest of the test is worked out
    from that student's rows alone, so a slice of the class can be tallied in a
    worker process that read only that slice, and the tallies of all slices
    merged: the statistics come out the same however the class was split
    (their sums are exact: ``math.fsum`` inside ``statistics``)."""

    questions: defaultdict[str, Pairs] = field(default_factory=lambda: defaultdict(list))
    question_answers: Counter[str] = field(default_factory=Counter)
    criteria: defaultdict[tuple[str, str], Pairs] = field(default_factory=lambda: defaultdict(list))
    criterion_answers: Counter[tuple[str, str]] = field(default_factory=Counter)
    families: defaultdict[str, Pairs] = field(default_factory=lambda: defaultdict(list))
    family_answers: Counter[str] = field(default_factory=Counter)
    family_home: dict[str, str] = field(default_factory=dict)
    misconceptions: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    misconceived_by: defaultdict[tuple[str, str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    scoped: bool = False

    def add(self, s: StudentData) -> None:
        """Count one student in."""
        saq = {r.question_id: (r.score, r.max) for r in s.questions if not r.numeric}
        score = sum(v[0] for v in saq.values())
        top = sum(v[1] for v in saq.values())

        def rest(question_id: str) -> float | None:  # the student's share on the other short answers
            own = saq.get(question_id, (0.0, 0.0))
            return (score - own[0]) / (top - own[1]) if top - own[1] > 0 else None

        for qid, (earned, out_of) in saq.items():
            if out_of > 0:
                self.questions[qid].append((earned / out_of, rest(qid)))
        for r in s.questions:
            if not r.numeric:
                self.question_answers[r.question_id] += r.answers
        for c in s.criteria:
            if c.max > 0:
                self.criteria[(c.question_id, c.criterion_id)].append((c.awarded / c.max, rest(c.question_id)))
                self.criterion_answers[(c.question_id, c.criterion_id)] += c.marked
        for f in s.families:
            if f.max > 0:
                self.families[f.family].append((f.score / f.max, rest(f.question_id)))
                self.family_answers[f.family] += f.answers
                self.family_home[f.family] = f.question_id
        for m in s.misconceptions:
            key = (m.question_id, m.criterion_id, m.text)
            self.misconceptions[key] += m.times
            self.misconceived_by[key].add(s.user_id)
        self.scoped = self.scoped or s.scoped

    def merge(self, other: ClassTally) -> None:
        """Add another slice's tally to this one."""
        for mine, theirs in ((self.questions, other.questions), (self.criteria, other.criteria),
                             (self.families, other.families)):
            for key, pairs in theirs.items():
                mine[key].extend(pairs)  # type: ignore[index]
        self.question_answers.update(other.question_answers)
        self.criterion_answers.update(other.criterion_answers)
        self.family_answers.update(other.family_answers)
        self.family_home.update(other.family_home)
        self.misconceptions.update(other.misconceptions)
        for idea, who in other.misconceived_by.items():
            self.misconceived_by[idea] |= who
        self.scoped = self.scoped or other.scoped


def student_line(s: StudentData, r: StudentReport, page: str) -> StudentLine:
    """A student's row in the class table, from their data and report."""
    totals = s.totals
    return StudentLine(
        name=s.name, page=page, answers=totals.answers if totals else 0, sessions=totals.sessions if totals else 0,
        score=(totals.score / totals.max) if totals and totals.max else None,
        mastery=r.overall.mastery, readiness=r.readiness.percent, seconds=r.seconds, last=r.last,
        due=len(r.due), misconceptions=sum(m.count for m in r.misconceptions),
        first=totals.first if totals else None,
    )


def by_name(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """``items`` in the order of the class table: by ``name(item)``, case aside."""
    return sorted(items, key=lambda item: (name(item).casefold(), name(item)))


def page_names(names: Iterable[str]) -> dict[str, str]:
    """Each student's page file name, given in the order of the class table (so a
    clash of names is always settled the same way)."""
    taken: set[str] = set()
    return {name: slug(name, taken) for name in names}


def build_class_report(bank: Bank, students: Sequence[StudentData], now: datetime, title: str,
                       moderation: Agreement | None = None) -> ClassReport:
    """The class report from every student's data, in this process (with each
    student's own report kept for their page)."""
    students = by_name(students, lambda s: s.name)
    reports = tuple(build_student_report(bank, s, now) for s in students)
    pages = page_names(s.name for s in students)
    tally = ClassTally()
    for s in sorted(students, key=lambda s: s.user_id):  # as the slices of a class are tallied: the same sums
        tally.add(s)
    lines = [student_line(s, r, pages[s.name]) for s, r in zip(students, reports, strict=True)]
    return finish_class_report(bank, lines, tally, now, title, moderation, reports)


def finish_class_report(bank: Bank, lines: Sequence[StudentLine], tally: ClassTally, now: datetime, title: str,
                        moderation: Agreement | None = None,
                        reports: tuple[StudentReport, ...] = ()) -> ClassReport:
    """The class report from its students' lines (in the table's order) and their tally."""
    lines = tuple(lines)
    scores = [line.score for line in lines if line.score is not None]
    return ClassReport(
        title=title, generated=now, students=lines,
        answers=sum(line.answers for line in lines),
        sessions=sum(line.sessions for line in lines),
        first=min((line.first for line in lines if line.first), default=None),
        last=max((line.last for line in lines if line.last), default=None),
        mean_score=sum(scores) / len(scores) if scores else None,
        histogram=histogram(scores), items=tuple(_question_items(bank, tally)),
        families=tuple(_family_items(bank, tally)),
        misconceptions=_common_misconceptions(bank, tally), reports=reports,
        scoped=tally.scoped,
        moderation=moderation_summary(bank, moderation) if moderation is not None else None,
    )


def _stat(key: str, question: Question, label: str, pairs: list[tuple[float, float | None]], answers: int,
          criteria: tuple[ItemStat, ...] = ()) -> ItemStat:
    facility, sd = _spread([x for x, _ in pairs])
    with_rest = [(x, y) for x, y in pairs if y is not None]
    return ItemStat(key, question, label, len(pairs), answers, facility, sd,
                    pearson([x for x, _ in with_rest], [y for _, y in with_rest]), criteria)


def _question_items(bank: Bank, tally: ClassTally):
    for q in bank:
        if tally.scoped and not tally.question_answers[q.id] and q.id not in tally.questions:
            continue  # an exam's report lists the exam's questions, not the whole bank
        criteria = tuple(_stat(f"{q.id} / {c.id}", q, c.description, tally.criteria.get((q.id, c.id), []),
                               tally.criterion_answers[(q.id, c.id)]) for c in q.rubric)
        yield _stat(q.id, q, q.title, tally.questions.get(q.id, []), tally.question_answers[q.id], criteria)


def _family_items(bank: Bank, tally: ClassTally):
    for family in sorted(tally.families):
        question = bank.get(tally.family_home[family])
        if question is not None:
            yield _stat(family, question, family.replace("_", " "), tally.families[family],
                        tally.family_answers[family])


def _common_misconceptions(bank: Bank, tally: ClassTally, limit: int = 12):
    counts, who = tally.misconceptions, tally.misconceived_by
    ranked = sorted(counts, key=lambda k: (-len(who[k]), -counts[k], k))
    found = []
    for qid, cid, text in ranked:
        question = bank.get(qid)
        if question is None:
            continue
        found.append(CommonMisconception(question, cid, text, len(who[(qid, cid, text)]), counts[(qid, cid, text)],
                                         criterion_text(question, cid), correcting_text(question)))
        if len(found) == limit:
            break
    return tuple(found)
