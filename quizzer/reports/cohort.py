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
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..bank import Bank, Question
from ..moderation.agreement import Agreement
from ..store.report_rows import StudentData
from .charts import BarChart, histogram
from .student import StudentReport, build_student_report, correcting_text, criterion_text

__all__ = ["ClassReport", "StudentLine", "ItemStat", "CommonMisconception", "ModerationLine", "Moderation",
           "build_class_report", "moderation_summary", "pearson", "slug", "SORT_KEYS", "MIN_STUDENTS"]

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
    """The correlation, or None with too few students or no spread to correlate."""
    if len(xs) < MIN_STUDENTS:
        return None
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:  # one side is constant
        return None


def _spread(values: Sequence[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def build_class_report(bank: Bank, students: Sequence[StudentData], now: datetime, title: str,
                       moderation: Agreement | None = None) -> ClassReport:
    students = sorted(students, key=lambda s: (s.name.casefold(), s.name))
    reports = tuple(build_student_report(bank, s, now) for s in students)
    taken: set[str] = set()
    lines = tuple(
        StudentLine(
            name=s.name, page=slug(s.name, taken),
            answers=s.totals.answers if s.totals else 0, sessions=s.totals.sessions if s.totals else 0,
            score=(s.totals.score / s.totals.max) if s.totals and s.totals.max else None,
            mastery=r.overall.mastery, readiness=r.readiness.percent, seconds=r.seconds, last=r.last,
            due=len(r.due), misconceptions=sum(m.count for m in r.misconceptions),
        )
        for s, r in zip(students, reports, strict=True)
    )
    # each student's marks on short-answer questions, for "the rest of the test"
    saq = {s.user_id: {r.question_id: (r.score, r.max) for r in s.questions if not r.numeric} for s in students}
    totals = {uid: (sum(v[0] for v in rows.values()), sum(v[1] for v in rows.values())) for uid, rows in saq.items()}

    def rest(uid: int, question_id: str) -> float | None:
        score, top = totals[uid]
        own = saq[uid].get(question_id, (0.0, 0.0))
        return (score - own[0]) / (top - own[1]) if top - own[1] > 0 else None

    items = tuple(_question_items(bank, students, saq, rest))
    families = tuple(_family_items(bank, students, rest))
    scores = [line.score for line in lines if line.score is not None]
    return ClassReport(
        title=title, generated=now, students=lines,
        answers=sum(line.answers for line in lines),
        sessions=sum(line.sessions for line in lines),
        first=min((s.totals.first for s in students if s.totals and s.totals.first), default=None),
        last=max((s.totals.last for s in students if s.totals and s.totals.last), default=None),
        mean_score=sum(scores) / len(scores) if scores else None,
        histogram=histogram(scores), items=items, families=families,
        misconceptions=_common_misconceptions(bank, students), reports=reports,
        scoped=any(s.scoped for s in students),
        moderation=moderation_summary(bank, moderation) if moderation is not None else None,
    )


def _stat(key: str, question: Question, label: str, pairs: list[tuple[float, float | None]], answers: int,
          criteria: tuple[ItemStat, ...] = ()) -> ItemStat:
    facility, sd = _spread([x for x, _ in pairs])
    with_rest = [(x, y) for x, y in pairs if y is not None]
    return ItemStat(key, question, label, len(pairs), answers, facility, sd,
                    pearson([x for x, _ in with_rest], [y for _, y in with_rest]), criteria)


def _question_items(bank: Bank, students: Sequence[StudentData], saq, rest):
    per_question: dict[str, list[tuple[float, float | None]]] = defaultdict(list)
    answers: Counter[str] = Counter()
    per_criterion: dict[tuple[str, str], list[tuple[float, float | None]]] = defaultdict(list)
    criterion_answers: Counter[tuple[str, str]] = Counter()
    for s in students:
        for qid, (score, top) in saq[s.user_id].items():
            if top > 0:
                per_question[qid].append((score / top, rest(s.user_id, qid)))
        for r in s.questions:
            if not r.numeric:
                answers[r.question_id] += r.answers
        for c in s.criteria:
            if c.max > 0:
                share = c.awarded / c.max
                per_criterion[(c.question_id, c.criterion_id)].append((share, rest(s.user_id, c.question_id)))
                criterion_answers[(c.question_id, c.criterion_id)] += c.marked
    scoped = any(s.scoped for s in students)
    for q in bank:
        if scoped and not answers[q.id] and q.id not in per_question:
            continue  # an exam's report lists the exam's questions, not the whole bank
        criteria = tuple(_stat(f"{q.id} / {c.id}", q, c.description, per_criterion[(q.id, c.id)],
                               criterion_answers[(q.id, c.id)]) for c in q.rubric)
        yield _stat(q.id, q, q.title, per_question.get(q.id, []), answers[q.id], criteria)


def _family_items(bank: Bank, students: Sequence[StudentData], rest):
    pairs: dict[str, list[tuple[float, float | None]]] = defaultdict(list)
    answers: Counter[str] = Counter()
    home: dict[str, str] = {}
    for s in students:
        for f in s.families:
            if f.max > 0:
                pairs[f.family].append((f.score / f.max, rest(s.user_id, f.question_id)))
                answers[f.family] += f.answers
                home[f.family] = f.question_id
    for family in sorted(pairs):
        question = bank.get(home[family])
        if question is not None:
            yield _stat(family, question, family.replace("_", " "), pairs[family], answers[family])


def _common_misconceptions(bank: Bank, students: Sequence[StudentData], limit: int = 12):
    counts: Counter[tuple[str, str, str]] = Counter()
    who: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for s in students:
        for m in s.misconceptions:
            key = (m.question_id, m.criterion_id, m.text)
            counts[key] += m.times
            who[key].add(s.user_id)
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
