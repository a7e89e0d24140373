"""The scorer for a bank: compile each question once, then grade answers fast.

Building a ``Scorer`` fits the similarity model on the bank's own texts and
compiles every rubric phrase; grading is then pure and deterministic: the same
answer to the same question always gets the same marks and the same feedback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..bank import Bank, Question
from .concepts import Phrase, Reading, compile_phrase
from .feedback import compose_feedback
from .guards import GuardVerdict, check_length, floor_half, is_keyword_list, restates_prompt
from .lexicon import Lexicon
from .reference import KeyIdea, key_ideas, score_idea
from .result import GradeResult
from .rubric import CompiledCriterion, score_criterion
from .similarity import Similarity

__all__ = ["Scorer"]

MAX_ANSWER_CHARS = 20_000


@dataclass(frozen=True)
class _Compiled:
    question: Question
    prompt_keys: frozenset[str]
    criteria: tuple[CompiledCriterion, ...]
    ideas: tuple[KeyIdea, ...]
    references: object  # similarity rows, one per criterion or idea


def _bank_texts(questions: Iterable[Question]) -> list[str]:
    """What the bank itself says: the vocabulary typos are corrected towards.

    Sample answers are left out on purpose: they contain deliberate misspellings.
    """
    texts = []
    for q in questions:
        texts += [q.prompt, q.model_answer, q.title, *q.explanation.sections_text()]
        for c in q.rubric:
            texts += [c.description, *c.misconceptions, *(w for alts in c.concepts for w in alts)]
    return texts


class Scorer:
    def __init__(self, questions: Bank | Sequence[Question]) -> None:
        self._questions = {q.id: q for q in questions}
        self._readings: dict[str, Reading] = {}  # answers of the batch being graded
        texts = _bank_texts(self._questions.values())
        self.lexicon = Lexicon(texts)
        self.similarity = Similarity(texts, self._keys_of)
        self._compiled: dict[str, _Compiled] = {}

    def _keys_of(self, text: str) -> list[str]:
        reading = self._readings.get(text) or Reading(text, self.lexicon)
        return reading.content_keys

    def _phrases(self, texts: Iterable[str], prompt_keys: frozenset[str] | None) -> tuple[Phrase, ...]:
        phrases = (compile_phrase(t, self.lexicon) for t in texts)
        return tuple(p for p in phrases if p and (prompt_keys is None or not set(p.keys) <= prompt_keys))

    def compiled(self, question: Question) -> _Compiled:
        found = self._compiled.get(question.id)
        if found is None or found.question is not question:
            found = self._compile(question)
            self._compiled[question.id] = found
        return found

    def _compile(self, question: Question) -> _Compiled:
        prompt_keys = frozenset(self._keys_of(question.prompt))
        sections = question.explanation.sections()
        criteria = tuple(
            CompiledCriterion(
                criterion=c,
                concepts=tuple(self._phrases(alts, prompt_keys) for alts in c.concepts),
                misconceptions=self._phrases(c.misconceptions, None),
                explanation=self._fitting_section(c.description, sections),
                pitfall=question.explanation.pitfall,
            )
            for c in question.rubric
        )
        ideas = () if criteria else tuple(key_ideas(question.model_answer, question.marks, set(prompt_keys), self.lexicon))
        references = [" ".join([c.description, *(w for alts in c.concepts for w in alts)]) for c in question.rubric]
        references = references or [idea.text for idea in ideas]
        return _Compiled(question, prompt_keys, criteria, ideas, self.similarity.vectors(references))

    def _fitting_section(self, description: str, sections: list[tuple[str, str]]) -> str:
        if not sections:
            return ""
        rows = self.similarity.vectors([description] + [text for _, text in sections])
        scores = self.similarity.cosine(rows[:1], rows[1:])[0]
        title, text = sections[max(range(len(scores)), key=scores.__getitem__)]
        return f"{title}: {text}"

    def grade(self, question: Question, answer: str) -> GradeResult:
        """Grade one answer; see ``grade_many`` for many at once."""
        return self.grade_many([(question, answer)])[0]

    def grade_many(self, items: Sequence[tuple[Question, str]]) -> list[GradeResult]:
        """Grade answers in bulk: each answer is read once, and similarities are
        computed in one matrix product per question."""
        if not items:
            return []
        answers = [answer[:MAX_ANSWER_CHARS] for _, answer in items]
        self._readings = {a: Reading(a, self.lexicon) for a in answers}
        try:
            vectors = self.similarity.vectors(answers)
            by_question: dict[str, list[int]] = {}
            for index, (question, _) in enumerate(items):
                by_question.setdefault(question.id, []).append(index)
            sims: dict[int, object] = {}
            for indexes in by_question.values():
                compiled = self.compiled(items[indexes[0]][0])
                block = self.similarity.cosine([vectors[i] for i in indexes], compiled.references)
                sims.update(zip(indexes, block))
            return [self._grade(q, self._readings[answers[i]], answers[i], sims[i]) for i, (q, _) in enumerate(items)]
        finally:
            self._readings = {}

    def _grade(self, question: Question, reading: Reading, answer: str, sims) -> GradeResult:
        compiled = self.compiled(question)
        results, useful = [], set()
        for index, criterion in enumerate(compiled.criteria):
            result, found = score_criterion(reading, criterion, float(sims[index]))
            results.append(result)
            useful.update(m.sentence for m in found)
        for index, idea in enumerate(compiled.ideas):
            result = score_idea(reading, idea, float(sims[index]))
            results.append(result)
            useful.update(reading.tokens[p].sentence for key in result.matched for p in reading.positions.get(self.lexicon.key(key), ()))
        raw = floor_half(sum(r.awarded for r in results))
        verdicts = self._guards(answer, reading, compiled, len(useful))
        score = min([raw] + [v.cap for v in verdicts])
        return GradeResult(
            question_id=question.id,
            score=max(0.0, score),
            max=question.marks,
            criteria=tuple(results),
            feedback=compose_feedback(question, results, verdicts, score),
            flags=tuple(v.flag for v in verdicts),
        )

    @staticmethod
    def _guards(answer: str, reading: Reading, compiled: _Compiled, useful: int) -> list[GuardVerdict]:
        marks = compiled.question.marks
        if not reading.content_keys:
            return [GuardVerdict("empty", 0.0, "There is no answer to mark.")]
        verdicts = []
        if restates_prompt(reading, set(compiled.prompt_keys)):
            verdicts.append(GuardVerdict("restated-question", 0.0,
                                         "The answer only repeats the question; it needs to explain."))
        if is_keyword_list(answer, reading):
            verdicts.append(GuardVerdict("keyword-list", floor_half(marks / 4),
                                         "A list of terms without explanation earns at most a quarter of the marks; "
                                         "write sentences that say how the ideas connect."))
        length = check_length(reading, marks, useful)
        if length:
            verdicts.append(length)
        return verdicts
