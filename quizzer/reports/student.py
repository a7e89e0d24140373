"""A student's report: what they know, what they keep missing, and what to do next.

Built from one student's aggregated rows (``store.report_rows.StudentData``) and the bank;
pure, so the class report builds a page for every student from one set of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Protocol, TypeVar

from ..bank import Bank, Question
from ..progress.mastery import latest_answers, mean_fraction, mean_mastery, questions_by
from ..progress.schedule import in_learning_steps, shown_recall
from ..store.report_rows import CardRow, FamilyRow, ModeratedRow, QuestionRow, StudentData
from ..words import count
from .charts import BarChart, LineChart, hbar_chart, line_chart
from .readiness import QuestionEvidence, Readiness, estimate

__all__ = ["StudentReport", "build_student_report", "GroupMastery", "QuestionLine", "Missed", "Misconception",
           "Suggestion", "DueLine", "ModeratedMark", "criterion_text", "correcting_text"]


@dataclass(frozen=True)
class GroupMastery:
    key: str
    label: str
    mastery: float  # mean over the group's questions, unanswered ones 0
    answers: int  # how many answers it rests on
    answered: int  # questions answered at least once
    questions: int
    recall: float | None  # mean FSRS retrievability of its reviewed questions


@dataclass(frozen=True)
class QuestionLine:
    question: Question
    answers: int
    best: float | None
    latest: float | None
    mastery: float
    numeric_answers: int
    numeric_latest: float | None
    recall: float | None
    due: datetime | None
    latest_answer: str = ""
    numeric_in_mastery: int = 0  # how many of the answers the mastery averages were numeric variants
    mastery_count: int = 0  # answers the mastery averages (the latest three of either kind)
    latest_moderated: bool = False  # a teacher set the latest short answer's mark
    latest_comment: str = ""  # and said this about it

    @property
    def mastery_note(self) -> str:
        """What a mastery that mixes the two kinds of answer is made of, so that
        "best 50%, latest 50%, mastery 75%" does not puzzle anyone."""
        if not self.numeric_in_mastery:
            return ""
        if self.numeric_in_mastery == self.mastery_count:
            return "numeric variant only"
        return "with numeric variant"


@dataclass(frozen=True)
class Missed:
    question: Question
    criterion_id: str
    description: str
    missed: int
    marked: int

    @property
    def rate(self) -> float:
        return self.missed / self.marked if self.marked else 0.0


@dataclass(frozen=True)
class Misconception:
    question: Question
    criterion_id: str
    text: str  # the bank's phrase
    count: int
    last_seen: datetime
    correction: str  # what the mark actually needs
    explanation: str  # the question's pitfall (or key idea) that corrects it
    words: str = ""  # how the student put it, most recently


@dataclass(frozen=True)
class DueLine:
    question: Question
    due: datetime
    recall: float | None  # None while the card is in FSRS's learning steps (see ``progress.schedule.shown_recall``)
    overdue_days: float
    learning: bool = False  # back within minutes: a new question, or one just missed

    @property
    def reason(self) -> str:
        """Why it is due when no recall figure can say it ("" when one can)."""
        return "new and missed questions come back within minutes" if self.recall is None else ""


@dataclass(frozen=True)
class ModeratedMark:
    """An answer whose mark a teacher set, for the student to see with the comment."""

    question: Question
    row: ModeratedRow

    @property
    def where(self) -> str:
        """"exam 20260301-1a2b3c4d" or "practice session #12"."""
        row = self.row
        return f"exam {row.title}" if row.kind == "exam" and row.title else f"{row.kind} session #{row.session_id}"

    @property
    def changed(self) -> bool:
        """Whether the teacher's mark differs from the scorer's (else the teacher agreed)."""
        return abs(self.row.score - self.row.scorer_score) > 1e-9


@dataclass(frozen=True)
class Suggestion:
    question: Question
    reason: str
    command: str


def _recall(cards: list[CardRow], now: datetime) -> dict[str, float]:
    """Each reviewed question's recall estimate now, where one can be shown."""
    found = {c.question_id: shown_recall(c.stability, c.last_review, c.due, now) for c in cards}
    return {qid: value for qid, value in found.items() if value is not None}


def _group(key: str, label: str, questions: list[Question], mastery: dict[str, float],
           answers: dict[str, int], recall: dict[str, float]) -> GroupMastery:
    recalls = [recall[q.id] for q in questions if q.id in recall]
    return GroupMastery(
        key, label,
        mastery=mean_mastery(questions, mastery),
        answers=sum(answers.get(q.id, 0) for q in questions),
        answered=sum(1 for q in questions if answers.get(q.id)),
        questions=len(questions),
        recall=sum(recalls) / len(recalls) if recalls else None,
    )


def correcting_text(question: Question) -> str:
    """What a report shows to correct a misconception about ``question``."""
    e = question.explanation
    return e.pitfall or e.key_idea or question.model_answer


class StudentReport:
    """One student's report.

    The figures a class table needs (mastery, readiness, what is due, how many
    misconceptions) are worked out at once; the tables and charts of the page
    itself on first use, so a class report can total a thousand students quickly
    and draw their pages in parallel.
    """

    def __init__(self, bank: Bank, data: StudentData, now: datetime, recent_sessions: int = 8) -> None:
        self.bank, self.data, self.generated, self._recent_count = bank, data, now, recent_sessions
        self.user = data.name
        totals = data.totals
        self.answers = totals.answers if totals else 0
        self.sessions = totals.sessions if totals else 0
        self.score = (totals.score / totals.max) if totals and totals.max else 0.0  # marks earned of available
        self.seconds = totals.seconds if totals else 0.0
        self.first = totals.first if totals else None
        self.last = totals.last if totals else None
        self._rows = {(r.question_id, r.numeric): r for r in data.questions}
        self._answer_counts: dict[str, int] = defaultdict(int)
        for r in data.questions:
            self._answer_counts[r.question_id] += r.answers
        # mastery by ``quizzer stats``'s rule, over the latest answers of either kind
        self.mastery: dict[str, float] = {}
        self._mastery_mix: dict[str, tuple[int, int]] = {}  # (numeric answers among them, answers averaged)
        for qid in self._answer_counts:
            points = latest_answers(point + (numeric,) for numeric in (False, True) if (qid, numeric) in self._rows
                                    for point in self._rows[(qid, numeric)].recent)
            self.mastery[qid] = mean_fraction(points)
            self._mastery_mix[qid] = (sum(1 for *_, numeric in points if numeric), len(points))
        self.recall = _recall(data.cards, now)
        self.overall = self._group("all", "All questions", list(bank))
        self.due = tuple(sorted((_due_line(q, c, self.recall.get(c.question_id), now)
                                 for q, c in _in_bank(bank, data.cards) if c.due <= now),
                                key=lambda d: d.due))
        self.misconceptions = _misconceptions(bank, data)
        self.readiness: Readiness = estimate([
            QuestionEvidence(q.id, q.marks, _recent_saq(self._rows.get((q.id, False))), self.recall.get(q.id))
            for q in bank])

    @property
    def empty(self) -> bool:
        return self.answers == 0

    @property
    def scoped(self) -> bool:
        """A report of some sessions (an exam): its tables list only the questions
        those sessions asked, not the whole bank."""
        return self.data.scoped

    def _group(self, key: str, label: str, questions: list[Question]) -> GroupMastery:
        return _group(key, label, questions, self.mastery, self._answer_counts, self.recall)

    @cached_property
    def modules(self) -> tuple[GroupMastery, ...]:
        # a question without a module is in no group, so each group's first question has one
        by_module = sorted(questions_by(self.bank, "module").items(), key=lambda group: group[1][0].module or 0)
        return tuple(self._group(key, f"Module {qs[0].module}", qs) for key, qs in by_module)

    @cached_property
    def topics(self) -> tuple[GroupMastery, ...]:
        """Weakest first."""
        groups = (self._group(t, self.bank.topics.get(t, t), qs) for t, qs in questions_by(self.bank).items())
        return tuple(sorted(groups, key=lambda g: (g.mastery, g.key)))

    @cached_property
    def questions(self) -> tuple[QuestionLine, ...]:
        cards = {c.question_id: c for c in self.data.cards}
        teacher = {m.response_id: m for m in self.data.moderated}
        lines = []
        for q in self.bank:
            saq, num = self._rows.get((q.id, False)), self._rows.get((q.id, True))
            if self.scoped and saq is None and num is None:
                continue
            card = cards.get(q.id)
            numeric_in_mastery, mastery_count = self._mastery_mix.get(q.id, (0, 0))
            moderated = teacher.get(saq.latest_id) if saq else None
            lines.append(QuestionLine(q, saq.answers if saq else 0, saq.best if saq else None,
                                      saq.latest if saq else None, self.mastery.get(q.id, 0.0),
                                      num.answers if num else 0, num.latest if num else None,
                                      self.recall.get(q.id), card.due if card else None,
                                      self.data.answers.get(saq.latest_id, "") if saq else "",
                                      numeric_in_mastery, mastery_count, moderated is not None,
                                      moderated.comment if moderated else ""))
        return tuple(lines)

    @cached_property
    def missed(self) -> tuple[Missed, ...]:
        bank = self.bank
        found = (Missed(q, c.criterion_id, criterion_text(q, c.criterion_id), c.missed, c.marked)
                 for q, c in _in_bank(bank, self.data.criteria) if c.missed)
        return tuple(sorted(found, key=lambda m: (-m.missed, -m.rate, m.question.id, m.criterion_id))[:8])

    @cached_property
    def moderated(self) -> tuple[ModeratedMark, ...]:
        """The marks a teacher set, newest first."""
        return tuple(ModeratedMark(q, row) for q, row in _in_bank(self.bank, reversed(self.data.moderated)))

    @cached_property
    def families(self) -> tuple[FamilyRow, ...]:
        """Numeric families, the most often wrong first."""
        return tuple(sorted(self.data.families, key=lambda f: (-(f.wrong + f.partly) / f.answers, f.family)))

    @cached_property
    def next_up(self) -> tuple[Suggestion, ...]:
        return _suggestions(self.bank, list(self.questions), self.misconceptions, self.due, self.generated)

    @cached_property
    def _sessions(self) -> list:
        return sorted(self.data.sessions, key=lambda s: s.started_at)

    @cached_property
    def timeline(self) -> LineChart | None:
        return line_chart([(s.started_at, s.score / s.max, f"{s.kind} {s.mode}, {count(s.answers, 'answer')}")
                           for s in self._sessions if s.max > 0])

    @cached_property
    def topic_chart(self) -> BarChart | None:
        return hbar_chart([(g.key, g.mastery, f"{g.label}: {g.mastery:.0%} over {count(g.answers, 'answer')}")
                           for g in self.topics], "mastery (share of the marks)")

    @cached_property
    def recent_sessions(self) -> tuple[dict, ...]:
        return tuple({"id": s.session_id, "kind": s.kind, "mode": s.mode, "title": s.title,
                      "started_at": s.started_at, "answers": s.answers, "score": s.score, "max": s.max,
                      "seconds": s.seconds}
                     for s in reversed(self._sessions[-self._recent_count:]))


def build_student_report(bank: Bank, data: StudentData, now: datetime, recent_sessions: int = 8) -> StudentReport:
    return StudentReport(bank, data, now, recent_sessions)


def _due_line(question: Question, card: CardRow, recall: float | None, now: datetime) -> DueLine:
    return DueLine(question, card.due, recall, (now - card.due).total_seconds() / 86400,
                   in_learning_steps(card.due, card.last_review))


class _OfQuestion(Protocol):
    @property
    def question_id(self) -> str: ...


_Row = TypeVar("_Row", bound=_OfQuestion)


def _in_bank(bank: Bank, rows: Iterable[_Row]) -> Iterator[tuple[Question, _Row]]:
    """Each row with its question; rows of questions the bank no longer has are left out."""
    for row in rows:
        question = bank.get(row.question_id)
        if question is not None:
            yield question, row


def _misconceptions(bank: Bank, data: StudentData) -> tuple[Misconception, ...]:
    found = [Misconception(q, m.criterion_id, m.text, m.times, m.last_seen, criterion_text(q, m.criterion_id),
                           correcting_text(q), m.words)
             for q, m in _in_bank(bank, data.misconceptions)]
    return tuple(sorted(found, key=lambda m: (-m.count, m.question.id, m.text)))


def _recent_saq(row: QuestionRow | None) -> tuple[float, ...]:
    """The evidence for a question on paper: the latest short answers' fractions."""
    return tuple(fraction for _, _, fraction in row.recent) if row else ()


def criterion_text(question: Question | None, criterion_id: str) -> str:
    """What criterion ``criterion_id`` of ``question`` asks for ("" if it has gone)."""
    if question is None:
        return ""
    for c in question.rubric:
        if c.id == criterion_id:
            return c.description
    return ""


def _suggestions(bank: Bank, lines: list[QuestionLine], misconceptions: tuple[Misconception, ...],
                 due: tuple[DueLine, ...], now: datetime, count: int = 3) -> tuple[Suggestion, ...]:
    """The three questions most worth practising next, each with its reason.

    Need is scored: a misconception still standing outweighs everything, then a
    review that is due (more so when recall has dropped), then low mastery; a
    question never tried counts as weak. Ties go to the bank's order.
    """
    due_by = {d.question.id: d for d in due}
    wrong_ideas: dict[str, Misconception] = {}
    for m in misconceptions:
        wrong_ideas.setdefault(m.question.id, m)
    scored = []
    for order, line in enumerate(lines):
        q = line.question
        need, reasons = 1.0 - line.mastery, []
        if q.id in wrong_ideas:
            need += 1.0
            reasons.append(f"your answers said that {wrong_ideas[q.id].text}")
        if q.id in due_by:
            d = due_by[q.id]
            need += 0.5 + (0.5 * (1 - d.recall) if d.recall is not None else 0)
            reasons.append(f"due for review (recall now about {d.recall:.0%})" if d.recall is not None
                           else f"due again ({d.reason})")
        if line.answers == 0 and line.numeric_answers == 0:
            reasons.append("not practised yet")
        elif line.latest is not None and line.latest < 1:
            reasons.append(f"latest answer earned {line.latest:.0%} of the marks")
        if not reasons:
            reasons.append(f"mastery {line.mastery:.0%}")
        scored.append((-need, order, Suggestion(q, "; ".join(reasons), f"quizzer quiz --questions {q.id}")))
    scored.sort(key=lambda s: (s[0], s[1]))
    return tuple(s for *_, s in scored[:count])
