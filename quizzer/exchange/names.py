"""The names exported questions carry, and reading them back.

A learning platform reports each student's answers under the question's name
(Moodle's responses report, Canvas's student analysis), so the name is the one
thing that leads an answer back to the bank. It must be stable (the same
question, family and seed always give the same name), unique within an export,
and readable by a person browsing the platform's question bank. The scheme:

- a short-answer question: ``"Q7 essay: <title>"``, for example
  ``"Q7 essay: Vanishing gradients in a deep sigmoid network"``; only ``Q7 essay``
  is read back, so a title edited on the platform does no harm;
- one numeric variant: ``"Q7 gradient_decay seed 123"``: the question the family
  was exported under, the family id, and the variant's own seed, from which
  ``quizzer.variants.generate(family, seed)`` rebuilds the exact numbers and answer.

Categories follow module and question: ``$course$/Module 1/Q7`` for the
short-answer question, ``$course$/Module 1/Q7 gradient_decay`` for a family's
variants (one category per family, so that a quiz's random question draws one
variant per student). A question without a module goes under ``No module``.
QTI identifiers, which must be XML names, are the same words joined by ``_``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["essay_name", "variant_name", "parse_name", "ExportedName", "question_category", "family_category",
           "identifier"]

_NAME = re.compile(r"^(?P<question>\S+) (?:essay(?:: .*)?|(?P<family>[A-Za-z0-9_]+) seed (?P<seed>\d+))$", re.S)


@dataclass(frozen=True)
class ExportedName:
    """What an exported name says: the question, and for a numeric variant its family and seed."""

    question_id: str
    family: str | None = None
    seed: int | None = None

    @property
    def numeric(self) -> bool:
        return self.family is not None


def essay_name(question_id: str, title: str) -> str:
    """The name of a short-answer question (see the module's scheme)."""
    title = " ".join(title.split())
    return f"{question_id} essay: {title}" if title else f"{question_id} essay"


def variant_name(question_id: str, family: str, seed: int) -> str:
    """The name of one numeric variant (see the module's scheme)."""
    return f"{question_id} {family} seed {seed}"


def parse_name(name: str) -> ExportedName | None:
    """The question (and family and seed) an exported name stands for, or None
    when the name is not one of ours (a question made on the platform)."""
    found = _NAME.match(name.strip())
    if found is None:
        return None
    seed = found.group("seed")
    return ExportedName(found.group("question"), found.group("family"), int(seed) if seed else None)


def _module_folder(module: int | None) -> str:
    return f"Module {module}" if module is not None else "No module"


def question_category(module: int | None, question_id: str) -> str:
    """The Moodle category path of a short-answer question."""
    return f"$course$/{_module_folder(module)}/{question_id}"


def family_category(module: int | None, question_id: str, family: str) -> str:
    """The Moodle category path of one family's variants: one random question draws one of them."""
    return f"$course$/{_module_folder(module)}/{question_id} {family}"


def identifier(name: str) -> str:
    """An XML-name-safe identifier made from an exported name (QTI ``ident``s)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name.split(":", 1)[0]).strip("_") or "item"
