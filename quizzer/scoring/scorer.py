"""The scorer for a bank: compile each question once, then grade answers fast.

Building a ``Scorer`` fits the similarity model on the bank's own texts and
compiles every rubric phrase; grading is then pure and deterministic: the same
answer to the same question always gets the same marks and the same feedback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from ..bank import Bank, Question
from ..limits import MAX_ANSWER_CHARS
from .antonyms import Opposites
from .concepts import Phrase, Reading, compile_phrase
from .confidence import assess
from .feedback import compose_feedback
from .guards import GuardVerdict, check_length, floor_half, is_keyword_list, restates_prompt
from .lexicon import Lexicon
from .reference import KeyIdea, answer_clauses, contrasted_roles, key_ideas, score_idea
from .result import CriterionResult, GradeResult
from .roles import RoleSet
from .rubric import CompiledCriterion, find_evidence, neighbours, score_criterion
from .similarity import Row, Similarity
from .text import unwrap_lines

__all__ = ["Scorer", "TRUNCATED_FLAG", "truncation_note"]

TRUNCATED_FLAG = "truncated"  # in GradeResult.flags: the answer was longer than MAX_ANSWER_CHARS


def truncation_note() -> str:
    return (f"Only the first {MAX_ANSWER_CHARS:,} characters of this answer were read and marked; "
            "the rest was not read.")


@dataclass(frozen=True)
class _Compiled:
    question: Question
    prompt_keys: frozenset[str]
    criteria: tuple[CompiledCriterion, ...]
    ideas: tuple[tuple[KeyIdea, ...], ...]  # per model answer, its key ideas
    references: list[Row]  # similarity rows: one per criterion, or per idea of every model answer
    roles: RoleSet
    known: dict[int, list[tuple[int, float]]]  # the model answers and samples, indexed: what answers usually look like
    model_words: int  # length of the longest model answer, in words


def _bank_texts(questions: Iterable[Question]) -> list[str]:
    """What the bank itself says: the vocabulary typos are corrected towards.

    Sample answers are left out on purpose: they contain deliberate misspellings.
    """
    texts = []
    for q in questions:
        texts += [q.prompt, *q.model_answers, q.title, *q.explanation.sections_text()]
        texts += [w for _, words in q.roles for w in words]
        for c in q.rubric:
            texts += [c.description, *c.misconceptions, *(w for alts in c.concepts for w in alts)]
    return texts


class Scorer:
    def __init__(self, questions: Bank | Sequence[Question]) -> None:
        self._questions = {q.id: q for q in questions}
        self._readings: dict[str, Reading] = {}  # answers of the batch being graded
        texts = _bank_texts(self._questions.values())
        self.lexicon = Lexicon(texts)
        self.opposites = Opposites(self.lexicon)
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
        role_names = tuple((name, words[0]) for name, words in question.roles)
        models = [Reading(text, self.lexicon) for text in question.model_answers]
        criteria: list[CompiledCriterion] = []
        for c in question.rubric:
            misconceptions = self._phrases(c.misconceptions, None)
            concepts = tuple(self._phrases(alts, prompt_keys) for alts in c.concepts)
            criteria.append(CompiledCriterion(
                criterion=c,
                concepts=concepts,
                reversals=tuple(tuple(r for p in wordings for r in self.opposites.reversals(p))
                                for wordings in concepts),
                misconceptions=misconceptions,
                explanation=self._fitting_section(c.description, sections),
                pitfall=question.explanation.pitfall,
                role_names=role_names,
                rivals=tuple((role, question.rivals(role)) for role in dict.fromkeys((*c.about, c.also_about)) if role)
                if question.role_groups else (),
                benign=tuple(frozenset(k for model in models for m in model.find_all(p) for k in neighbours(model, m))
                             for p in misconceptions),
            ))
        ideas: tuple[tuple[KeyIdea, ...], ...] = ()
        roles = RoleSet([(name, self._phrases(words, None)) for name, words in question.roles])
        if not criteria:
            if not roles:
                roles = contrasted_roles(question.model_answers, set(prompt_keys), self.lexicon)
            ideas = tuple(tuple(key_ideas(text, question.marks, set(prompt_keys), self.lexicon, roles))
                          for text in question.model_answers)
        references = [" ".join([c.description, *(w for alts in c.concepts for w in alts)]) for c in question.rubric]
        references = references or [idea.filtered for group in ideas for idea in group]
        known = self.similarity.index(
            self.similarity.vectors([*question.model_answers, *(s.text for s in question.samples)]))
        model_words = max(len(text.split()) for text in question.model_answers)
        return _Compiled(question, prompt_keys, tuple(criteria), ideas, self.similarity.vectors(references),
                         roles, known, model_words)

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
        computed in one matrix product per question.

        Only the first ``MAX_ANSWER_CHARS`` characters of an answer are read (the
        store keeps no more either); a longer answer's result carries the flag
        ``TRUNCATED_FLAG`` and its feedback ends by saying the rest was not read."""
        results = self._grade_many(items)
        return [self._noted(result) if len(answer) > MAX_ANSWER_CHARS else result
                for result, (_, answer) in zip(results, items, strict=True)]

    @staticmethod
    def _noted(result: GradeResult) -> GradeResult:
        return replace(result, flags=(*result.flags, TRUNCATED_FLAG),
                       feedback=f"{result.feedback}\n{truncation_note()}".lstrip("\n"))

    def _grade_many(self, items: Sequence[tuple[Question, str]]) -> list[GradeResult]:
        if not items:
            return []
        answers = [unwrap_lines(answer[:MAX_ANSWER_CHARS]) for _, answer in items]
        self._readings = {a: Reading(a, self.lexicon) for a in answers}
        try:
            vectors, word_rows = self.similarity.vectors_and_words(answers)
            by_question: dict[str, list[int]] = {}
            for index, (question, _) in enumerate(items):
                by_question.setdefault(question.id, []).append(index)
            sims: dict[int, list[float]] = {}
            nearest: dict[int, float] = {}
            for indexes in by_question.values():
                compiled = self.compiled(items[indexes[0]][0])
                rows = [vectors[i] for i in indexes]
                if compiled.ideas:  # against a model answer, the prompt's own words say nothing
                    filtered = self.similarity.vectors(
                        [self._without(answers[i], compiled.prompt_keys) for i in indexes])
                    sims.update(zip(indexes, self.similarity.cosine(filtered, compiled.references), strict=True))
                else:
                    sims.update(zip(indexes, self.similarity.cosine(rows, compiled.references), strict=True))
                nearest.update((i, self.similarity.nearest(word_rows[i], compiled.known)) for i in indexes)
            return [self._grade(q, self._readings[answers[i]], answers[i], sims[i], nearest[i])
                    for i, (q, _) in enumerate(items)]
        finally:
            self._readings = {}

    def _without(self, answer: str, prompt_keys: frozenset[str]) -> str:
        reading = self._readings.get(answer) or Reading(answer, self.lexicon)
        return " ".join(t.word for t, k in zip(reading.tokens, reading.keys, strict=True) if k and k not in prompt_keys)

    def _grade(self, question: Question, reading: Reading, answer: str, sims, nearest: float) -> GradeResult:
        compiled = self.compiled(question)
        if compiled.criteria:
            results, useful = self._by_rubric(compiled, reading, sims)
        else:
            results, useful = self._by_model_answers(compiled, reading, sims)
        raw = floor_half(sum(r.awarded for r in results))
        verdicts = self._guards(answer, reading, compiled, len(useful))
        score = max(0.0, min([raw] + [v.cap for v in verdicts]))
        confidence, reasons = assess(results, verdicts, nearest)
        closeness = sum(r.strength * r.max for r in results) / question.marks
        if score < raw:
            closeness = min(closeness, score / question.marks + 0.25 / question.marks)
        return GradeResult(
            question_id=question.id,
            score=score,
            max=question.marks,
            criteria=tuple(results),
            feedback=compose_feedback(question, results, verdicts, score),
            flags=tuple(v.flag for v in verdicts),
            confidence=confidence,
            review_reasons=reasons,
            similarity=round(closeness, 3),
        )

    @staticmethod
    def _by_rubric(compiled: _Compiled, reading: Reading, sims) -> tuple[list[CriterionResult], set[int]]:
        mentions = compiled.roles.mentions(reading) if compiled.roles else []
        evidence = [find_evidence(reading, c, mentions) for c in compiled.criteria]

        @cache
        def consistent() -> frozenset[int]:  # only needed when a contradiction is suspected, then once
            return frozenset(p for c in compiled.criteria for wordings in c.concepts for phrase in wordings
                             for m in reading.find_all(phrase) for p in m.positions)

        results = [score_criterion(reading, c, e, float(sims[i]), consistent)
                   for i, (c, e) in enumerate(zip(compiled.criteria, evidence, strict=True))]
        useful = {m.sentence for found in evidence for m in found.found}
        return results, useful

    def _by_model_answers(self, compiled: _Compiled, reading: Reading, sims) -> tuple[list[CriterionResult], set[int]]:
        """Grade against each model answer; the best fit counts (ties: the closer wording)."""
        best: tuple[tuple[float, float], list[CriterionResult]] | None = None
        clauses = answer_clauses(reading, compiled.roles)
        offset = 0
        for group in compiled.ideas:
            results = [score_idea(reading, idea, float(sims[offset + i]), clauses) for i, idea in enumerate(group)]
            offset += len(group)
            rank = (floor_half(sum(r.awarded for r in results)), sum(r.strength * r.max for r in results))
            if best is None or rank > best[0]:
                best = (rank, results)
        results = best[1] if best else []
        useful = {reading.tokens[p].sentence for r in results for key in r.matched
                  for p in reading.positions.get(self.lexicon.key(key), ())}
        return results, useful

    @staticmethod
    def _guards(answer: str, reading: Reading, compiled: _Compiled, useful: int) -> list[GuardVerdict]:
        marks = compiled.question.marks
        # against a model answer of filler words ("they are the same") filler words count
        if not reading.tokens or (not reading.content_keys and not compiled.ideas):
            return [GuardVerdict("empty", 0.0, "There is no answer to mark.")]
        verdicts = []
        # an answer in which some rubric idea was found has added to the question; a
        # reference-only question discounts the prompt's words inside its measure instead
        if compiled.criteria and not useful and restates_prompt(reading, set(compiled.prompt_keys)):
            verdicts.append(GuardVerdict("restated-question", 0.0,
                                         "The answer only repeats the question; it needs to explain."))
        if is_keyword_list(answer, reading):
            verdicts.append(GuardVerdict("keyword-list", floor_half(marks / 4),
                                         "A list of terms without explanation earns at most a quarter of the marks; "
                                         "write sentences that say how the ideas connect."))
        length = check_length(reading, marks, useful, compiled.model_words)
        if length:
            verdicts.append(length)
        return verdicts
