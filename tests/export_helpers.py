"""What the export tests share: a bank with hostile text, and reading the files back.

The readers here are independent of the writers: they parse the XML with
ElementTree, the GIFT text with a regular expression written from the GIFT
grammar, and find each variant's answer again from its exported name through
``quizzer.variants.generate``, never through ``quizzer.exchange.items``.
"""

from __future__ import annotations

import re
from pathlib import Path

from quizzer.bank import load_bank
from quizzer.variants import Variant, family_ids, generate
from quizzer.variants.check import allowed_error

from .conftest import minimal_question, write_bank

HOSTILE = ("Close the tag </text>]]> then <script>alert(1)</script> & &amp; with GIFT's {} ~ = # : and \\ "
           "in σ′(x) = σ(x)(1 − σ(x)) ≤ ¼, 10⁻⁶, “quotes”, 'apostrophes' and a cloze look-alike "
           "{1:NUMERICAL:=5:0}.\n\nA second paragraph,\nwith a line break.")


def hostile_bank(folder: Path):
    """A bank of one question whose prompt, title, model answer and explanation are hostile."""
    question = minimal_question(
        "T1", title="Tags </text>]]> & {braces}: ~=#", prompt=HOSTILE, model_answer="Model: " + HOSTILE,
        explanation={"key_idea": "Key: " + HOSTILE, "pitfall": "<b>not bold</b>", "connections": []},
        variants=["gradient_decay", "perceptron_update"])
    path = write_bank(folder, [question])
    return load_bank(path, families=family_ids())


def variant_from_name(name: str) -> Variant:
    """The variant an exported name stands for: 'Q7 family seed N'."""
    found = re.fullmatch(r"(\S+) (\w+) seed (\d+)", name)
    assert found, f"not a variant name: {name!r}"
    return generate(found.group(2), int(found.group(3)))


def expected_parts(variant: Variant) -> list[tuple[float, float]]:
    """(answer, absolute tolerance) per element, by the quiz's own marking rule."""
    values = variant.answer if isinstance(variant.answer, list) else [variant.answer]
    return [(v, allowed_error(v, variant.tolerance)) for v in values]


def assert_close(text: str, value: float) -> None:
    """An exported number equals ``value`` (to the digits the export keeps: 12 significant)."""
    assert abs(float(text) - value) <= 1e-11 * max(1.0, abs(value)), (text, value)
