"""The bank as arrays, with a difficulty for every question, criterion and family.

The chance that a student earns a criterion follows a two-parameter logistic
model: ``sigmoid(a_q * (ability - b_q - c_k))`` with the question's
discrimination ``a_q``, its difficulty ``b_q`` and the criterion's own offset
``c_k``. Ability includes the student's strength on the question's topics, so
better students score higher on every item and items differ in facility.
A question without a rubric is marked as one criterion, ``model-answer``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quizzer.bank import Bank, Criterion, Question

__all__ = ["Course", "make_course", "half_step", "REFERENCE_CRITERION"]

REFERENCE_CRITERION = "model-answer"


def half_step(marks: float) -> float:
    """The partial mark of a criterion: half of it, down to a half-mark step (0 if none)."""
    half = np.floor(marks) / 2 if marks >= 1 else 0.0
    return float(half) if 0 < half < marks else 0.0


def _criteria(question: Question) -> tuple[Criterion, ...]:
    if question.rubric:
        return question.rubric
    return (Criterion(REFERENCE_CRITERION, question.marks, "The key ideas of the model answer.", ()),)


@dataclass(frozen=True)
class Course:
    questions: list[Question]
    criteria: list[tuple[Criterion, ...]]  # per question
    topics: list[str]  # every topic of the bank (columns of topic_of)
    modules: list[int]  # the modules questions belong to
    asked_topics: list[str]  # the topics some question has
    families: list[str]  # every family some question uses
    question_families: list[list[int]]  # per question, indexes into families
    topic_of: np.ndarray  # (Q, T) 1/len(topics) where the question has the topic
    difficulty: np.ndarray  # (Q,)
    discrimination: np.ndarray  # (Q,)
    crit_start: np.ndarray  # (Q,) index of the question's first criterion in the flat arrays
    crit_count: np.ndarray  # (Q,)
    crit_offset: np.ndarray  # (C,) extra difficulty of each criterion
    crit_half: np.ndarray  # (C,) partial mark, 0 when the criterion has none
    crit_misconceptions: np.ndarray  # (C,) how many misconceptions the bank lists
    family_difficulty: np.ndarray  # (F,)

    def family_index(self, family: str) -> int:
        return self.families.index(family)

    def select(self, module: int | None, topic: str | None) -> list[int]:
        """Indexes of the questions a quiz with these filters can ask (a new list)."""
        return [i for i, q in enumerate(self.questions)
                if module in (None, q.module) and (topic is None or topic in q.topics)]


def make_course(bank: Bank, rng: np.random.Generator) -> Course:
    questions = list(bank)
    if not questions:
        from quizzer.errors import QuizzerError

        raise QuizzerError("The bank has no questions to make answers for.")
    topics = sorted({t for q in questions for t in q.topics} | set(bank.topics))
    topic_of = np.zeros((len(questions), max(len(topics), 1)))
    for i, q in enumerate(questions):
        for t in q.topics:
            topic_of[i, topics.index(t)] = 1 / len(q.topics)
    criteria = [_criteria(q) for q in questions]
    flat = [c for cs in criteria for c in cs]
    counts = np.array([len(cs) for cs in criteria])
    families = list(dict.fromkeys(f for q in questions for f in q.variants))
    return Course(
        questions=questions, criteria=criteria, topics=topics, families=families, topic_of=topic_of,
        question_families=[[families.index(f) for f in q.variants] for q in questions],
        modules=sorted({q.module for q in questions if q.module is not None}),
        asked_topics=sorted({t for q in questions for t in q.topics}),
        difficulty=rng.normal(-0.3, 0.6, len(questions)),
        discrimination=np.exp(rng.normal(0.15, 0.25, len(questions))),
        crit_start=np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64),
        crit_count=counts,
        crit_offset=rng.normal(0.0, 0.5, len(flat)),
        crit_half=np.array([half_step(c.marks) for c in flat]),
        crit_misconceptions=np.array([len(c.misconceptions) for c in flat]),
        family_difficulty=rng.normal(-0.2, 0.5, len(families)),
    )
