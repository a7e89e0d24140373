"""The bank and its numeric variants as plain items, ready for any platform format.

Everything an exported question says is decided here, once: its name and
category (``names``), its HTML (``markup``), each numeric variant's answer and
absolute tolerance (``variants.check.allowed_error``, the quiz's own rule). The
format writers (``moodle_xml``, ``qti``, ``gift``) only lay these values out, so
the three files of one export always agree.

Variants are chosen from the export seed: the i-th variant of a family has seed
``variant_seed(seed, family, i)``, a stable 31-bit number (small enough for any
platform's integer fields and for the store), so the same export seed gives the
same file, byte for byte. A variant whose prompt repeats an earlier one is
skipped (a small family may draw the same numbers twice); a family that runs
out of distinct variants gives fewer, and ``FamilyGroup.short`` says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from ..bank import Bank, Question
from ..variants import Variant, generate, get_family
from ..variants.check import allowed_error, expected_text
from . import markup, names
from .selection import Selection, select_questions

__all__ = ["EssayItem", "NumericPart", "NumericItem", "FamilyGroup", "ExportSet", "collect", "variant_seed",
           "numeric_item", "DRAWS_PER_VARIANT"]

DRAWS_PER_VARIANT = 20  # seeds tried per variant wanted before a family counts as run out


@dataclass(frozen=True)
class EssayItem:
    """A short-answer question: shown as ``prompt_html``, marked by a person (or by
    Quizzer after ``import responses``) with ``grader_html``."""

    name: str
    category: str
    question_id: str
    title: str
    marks: float
    prompt: str
    prompt_html: str
    grader_html: str
    feedback_html: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class NumericPart:
    """One number to type: the key and how far from it an answer may be (absolute)."""

    value: float | int | bool
    tolerance: float


@dataclass(frozen=True)
class NumericItem:
    """One numeric variant; several ``parts`` for a vector or pair answer."""

    name: str
    category: str
    question_id: str
    family: str
    seed: int
    answer_type: str
    prompt: str
    prompt_html: str
    solution_html: str
    answer_html: str
    parts: tuple[NumericPart, ...]

    @property
    def several(self) -> bool:
        """Whether the answer is several numbers (a Moodle cloze, QTI blanks)."""
        return self.answer_type in ("vector", "pair")


@dataclass(frozen=True)
class FamilyGroup:
    """One family's variants, exported together so the platform draws one per student."""

    family: str
    question_id: str
    title: str
    category: str
    items: tuple[NumericItem, ...]
    wanted: int

    @property
    def short(self) -> bool:
        return len(self.items) < self.wanted


@dataclass(frozen=True)
class ExportSet:
    """Everything one export writes, in a fixed order: essays then families, by bank order."""

    seed: int
    variants: int
    essays: tuple[EssayItem, ...]
    families: tuple[FamilyGroup, ...]

    @property
    def numeric_count(self) -> int:
        return sum(len(group.items) for group in self.families)


def variant_seed(export_seed: int, family: str, index: int) -> int:
    """The seed of a family's ``index``-th draw for an export seed: stable on every machine."""
    digest = hashlib.sha256(f"{export_seed}\x1f{family}\x1f{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def essay_item(question: Question) -> EssayItem:
    return EssayItem(
        name=names.essay_name(question.id, question.title),
        category=names.question_category(question.module, question.id),
        question_id=question.id, title=question.title, marks=question.marks, prompt=question.prompt,
        prompt_html=markup.paragraphs(question.prompt),
        grader_html=markup.rubric_html(question.rubric, question.model_answers),
        feedback_html=markup.explanation_html(question.explanation),
        tags=tuple(question.topics))


def _parts(variant: Variant) -> tuple[NumericPart, ...]:
    values = variant.answer if isinstance(variant.answer, list) else [variant.answer]
    return tuple(NumericPart(v, allowed_error(v, variant.tolerance)) for v in values)


def numeric_item(variant: Variant, question: Question) -> NumericItem:
    """The item for one variant, exported under ``question`` (its name and category)."""
    return NumericItem(
        name=names.variant_name(question.id, variant.family, variant.seed),
        category=names.family_category(question.module, question.id, variant.family),
        question_id=question.id, family=variant.family, seed=variant.seed, answer_type=variant.answer_type,
        prompt=variant.prompt, prompt_html=markup.paragraphs(variant.prompt),
        solution_html=markup.solution_html(variant.solution),
        answer_html=markup.paragraphs(f"Answer: {expected_text(variant)}"),
        parts=_parts(variant))


def _family_group(question: Question, family_id: str, count: int, seed: int) -> FamilyGroup:
    items: list[NumericItem] = []
    prompts: set[str] = set()
    for index in range(count * DRAWS_PER_VARIANT):
        if len(items) == count:
            break
        variant = generate(family_id, variant_seed(seed, family_id, index))
        if variant.prompt not in prompts:
            prompts.add(variant.prompt)
            items.append(numeric_item(variant, question))
    return FamilyGroup(family=family_id, question_id=question.id, title=get_family(family_id).title,
                       category=names.family_category(question.module, question.id, family_id),
                       items=tuple(items), wanted=count)


def _families(questions: Iterable[Question]) -> list[tuple[Question, str]]:
    """Each family once, under the first chosen question that lists it (as ``exam build`` does)."""
    owners: dict[str, Question] = {}
    for question in questions:
        for family_id in question.variants:
            owners.setdefault(family_id, question)
    return [(question, family_id) for family_id, question in owners.items()]


def collect(bank: Bank, selection: Selection, variants: int, seed: int) -> ExportSet:
    """The items an export of ``selection`` writes: every chosen question as an
    essay, and ``variants`` distinct variants of each of their families."""
    if variants < 0:
        raise ValueError("variants must be 0 or more")
    chosen = select_questions(bank, selection)
    groups = [_family_group(q, f, variants, seed) for q, f in _families(chosen)] if variants else []
    return ExportSet(seed=seed, variants=variants, essays=tuple(essay_item(q) for q in chosen),
                     families=tuple(groups))
