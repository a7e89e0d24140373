"""GIFT export: read back with a parser written from the GIFT grammar, hostile text escaped."""

from __future__ import annotations

import re

import pytest

from quizzer.exchange import Selection, collect, render
from quizzer.exchange.gift import escape, unescape
from quizzer.exchange.markup import html_text

from .export_helpers import HOSTILE, assert_close, expected_parts, hostile_bank, variant_from_name

# ::name::[html]text{answer}, where a backslash escapes any of GIFT's specials
QUESTION = re.compile(r"::(?P<name>(?:\\.|[^\\:])*)::\[html\](?P<text>(?:\\.|[^\\{}])*)"
                      r"\{(?P<answer>(?:\\.|[^\\{}])*)\}")


def blocks(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    return [b.strip("\n") for b in text.split("\n\n") if b.strip()]


def parsed_questions(data: bytes):
    found = []
    for block in blocks(data):
        if block.startswith(("//", "$CATEGORY:")):
            assert "\n" not in block or block.startswith("//")
            continue
        match = QUESTION.fullmatch(block)
        assert match, f"not one GIFT question: {block[:200]!r}"
        found.append(match.groupdict())
    return found


@pytest.fixture(scope="module")
def gift(shipped_bank):
    return render(collect(shipped_bank, Selection(), variants=3, seed=4), "gift")


def test_the_file_opens_with_what_gift_cannot_express(gift):
    heading = gift.decode().split("\n\n")[0]
    assert all(line.startswith("//") for line in heading.splitlines())
    for said in ("rubric", "model answer", "cloze", "Left out here: Q1 perceptron_update", "Moodle XML"):
        assert said in heading


def test_essays_are_empty_answers_with_the_explanation_as_general_feedback(gift, shipped_bank):
    essays = [q for q in parsed_questions(gift) if " essay" in unescape(q["name"])]
    assert len(essays) == len(shipped_bank)
    first = essays[0]
    assert first["answer"].startswith("####")
    assert shipped_bank.get("Q1").explanation.key_idea in html_text(unescape(first["answer"][4:]))


def test_each_numerical_variant_has_the_quizs_answer_and_absolute_tolerance(gift):
    numeric = [q for q in parsed_questions(gift) if " seed " in q["name"]]
    assert numeric
    for question in numeric:
        variant = variant_from_name(unescape(question["name"]))
        [(value, tolerance)] = expected_parts(variant)
        key = re.fullmatch(r"#(-?[0-9.]+):([0-9.]+)####.*", question["answer"], re.S)
        assert key, question["answer"][:80]
        assert_close(key.group(1), value)
        assert_close(key.group(2), tolerance)
    families = {variant_from_name(unescape(q["name"])).answer_type for q in numeric}
    assert families <= {"number", "integer"}


def test_hostile_text_is_escaped_and_reads_back_the_same(tmp_path):
    bank = hostile_bank(tmp_path / "bank")
    data = render(collect(bank, Selection(), variants=1, seed=3), "gift")
    [essay, variant] = parsed_questions(data)  # perceptron_update (a vector) is left out
    assert unescape(essay["name"]) == "T1 essay: Tags </text>]]> & {braces}: ~=#"
    assert html_text(unescape(essay["text"])) == bank.get("T1").prompt
    assert "<script>" not in unescape(essay["text"])
    assert "gradient_decay" in variant["name"]
    assert "Left out here: T1 perceptron_update" in data.decode()


def test_escape_covers_every_special_character():
    assert escape("~=#{}:\\") == "\\~\\=\\#\\{\\}\\:\\\\"
    assert unescape(escape(HOSTILE.replace("\n", " "))) == HOSTILE.replace("\n", " ")
    assert "\n" not in escape(HOSTILE)


def test_the_same_seed_gives_the_same_bytes(shipped_bank):
    assert render(collect(shipped_bank, Selection(module=2), variants=2, seed=9), "gift") == \
        render(collect(shipped_bank, Selection(module=2), variants=2, seed=9), "gift")
