"""Check a bank against its own scorer: what a rubric promises, it must be able to give.

``bank validate`` checks the YAML; some problems only show once the rubric is
compiled the way the scorer reads it:

- *errors*: an idea none of whose wordings can ever be found (each is made only of
  the prompt's own words, which earn nothing, or of filler words), so the criterion
  can never earn its marks: the bank is refused;
- *warnings*: a model answer that does not earn full marks under its own rubric, a
  misconception that cancels a criterion of the model answer, a role named by no
  wording. The bank still loads, but a student who writes the model answer would
  be told it is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bank import Bank
from ..errors import Problem
from .scorer import Scorer

__all__ = ["SelfCheck", "check_bank"]


@dataclass(frozen=True)
class SelfCheck:
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def check_bank(bank: Bank, scorer: Scorer | None = None) -> SelfCheck:
    scorer = scorer or Scorer(bank)
    errors, warnings = [], []
    for question in bank:
        compiled = scorer.compiled(question)
        for index, criterion in enumerate(compiled.criteria):
            pairs = zip(criterion.concepts, criterion.criterion.concepts, strict=True)
            for number, (wordings, original) in enumerate(pairs):
                if not wordings:
                    errors.append(Problem(question.source, (
                        f"concept {number + 1} ({original[0]!r}) can never be found: each wording is made only of "
                        "the prompt's own words or of filler words; add a wording that says something new"),
                        question_id=question.id, field=f"rubric[{index}].concepts[{number}]"))
        for which, text in enumerate(question.model_answers):
            result = scorer.grade(question, text)
            if result.score < question.marks:
                lost = [f"{c.id} {c.awarded:g}/{c.max:g}" + (f" ({c.misconception})" if c.misconception else "")
                        for c in result.criteria if c.awarded < c.max]
                flags = f"; capped by {', '.join(result.flags)}" if result.flags else ""
                field = "model_answer" if which == 0 else f"model_answers[{which}]"
                warnings.append(Problem(question.source, (
                    f"the model answer earns {result.score:g} of {question.marks:g} marks under its own rubric: "
                    f"{'; '.join(lost) or 'all criteria met'}{flags}"), question_id=question.id, field=field))
    return SelfCheck(tuple(errors), tuple(warnings))
