"""Moodle XML export: well-formed, every element Moodle's importer reads, the quiz's own keys.

The required elements are those ``question/format/xml/format.php`` (moodle/moodle)
reads: ``import_headers`` stops without ``<name><text>``; ``import_essay`` reads
the response settings and ``graderinfo``; ``import_numerical`` indexes
``answer`` directly and reads its ``fraction``, ``text`` and ``tolerance``;
``import_multianswer`` finds ``{1:NUMERICAL:=value:tolerance}`` codes in the text.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest

from quizzer.exchange import Selection, collect, parse_name, render
from quizzer.exchange.items import numeric_item
from quizzer.exchange.markup import html_text
from quizzer.exchange.moodle_xml import cloze_text
from quizzer.variants import family_ids, generate
from quizzer.variants.check import matches

from .export_helpers import HOSTILE, assert_close, expected_parts, hostile_bank, variant_from_name

HEADER = ("name/text", "questiontext/text", "generalfeedback/text", "defaultgrade", "penalty", "hidden")
ESSAY = ("responseformat", "responserequired", "responsefieldlines", "attachments", "attachmentsrequired",
         "graderinfo/text", "responsetemplate")


@pytest.fixture(scope="module")
def shipped_export(shipped_bank):
    return collect(shipped_bank, Selection(), variants=4, seed=11)


@pytest.fixture(scope="module")
def quiz(shipped_export):
    return ET.fromstring(render(shipped_export, "moodle"))


def questions(quiz, kind):
    return [q for q in quiz.findall("question") if q.get("type") == kind]


def test_the_file_is_well_formed_with_one_essay_per_question_and_a_category_per_family(quiz, shipped_bank):
    assert quiz.tag == "quiz"
    essays = questions(quiz, "essay")
    assert [parse_name(q.findtext("name/text")).question_id for q in essays] == [q.id for q in shipped_bank]
    categories = [q.findtext("category/text") for q in questions(quiz, "category")]
    assert "$course$/Module 1/Q7" in categories and "$course$/Module 1/Q7 gradient_decay" in categories
    assert sum(1 for c in categories if re.fullmatch(r"\$course\$/Module \d/Q\d+ \w+", c)) == len(family_ids())


def test_every_question_has_what_moodles_importer_reads(quiz):
    for question in quiz.findall("question"):
        kind = question.get("type")
        if kind == "category":
            assert question.findtext("category/text").startswith("$course$/")
            continue
        needed = {"essay": HEADER + ESSAY, "numerical": HEADER, "cloze": ("name/text", "questiontext/text")}[kind]
        missing = [path for path in needed if question.find(path) is None]
        assert not missing, (question.findtext("name/text"), missing)
        assert question.find("questiontext").get("format") == "html"
        if kind == "numerical":
            answer = question.find("answer")
            assert answer.get("fraction") == "100" and answer.find("text") is not None
            assert answer.find("tolerance") is not None


def test_an_essay_carries_rubric_and_model_answer_for_graders_and_the_explanation_as_feedback(quiz, shipped_bank):
    q7 = next(q for q in questions(quiz, "essay") if q.findtext("name/text").startswith("Q7 essay"))
    question = shipped_bank.get("Q7")
    grader = html_text(q7.findtext("graderinfo/text"))
    for criterion in question.rubric:
        assert f"{criterion.id} ({criterion.marks:g} mark" in grader
        assert " ".join(criterion.description.split()) in grader
    assert question.model_answer.strip() in grader
    assert question.explanation.key_idea in html_text(q7.findtext("generalfeedback/text"))
    assert q7.findtext("defaultgrade") == f"{question.marks:g}"
    assert q7.findtext("responseformat") == "editor"


def test_each_numerical_variant_has_the_quizs_answer_and_absolute_tolerance(quiz):
    checked = 0
    for question in questions(quiz, "numerical"):
        variant = variant_from_name(question.findtext("name/text"))
        [(value, tolerance)] = expected_parts(variant)
        answer = question.find("answer")
        assert_close(answer.findtext("text"), value)
        assert_close(answer.findtext("tolerance"), tolerance)
        exported = float(answer.findtext("tolerance"))
        if exported and not isinstance(value, int):  # the edge is inside the quiz's tolerance, and just past it not
            assert matches(value + exported, value, variant.tolerance)
            assert not matches(value + exported * 1.01, value, variant.tolerance)
        assert variant.solution[-1] in html_text(question.findtext("generalfeedback/text"))
        checked += 1
    assert checked > 50


def test_a_vector_answer_is_a_cloze_with_one_numerical_part_per_element(quiz):
    clozes = questions(quiz, "cloze")
    assert clozes
    for question in clozes:
        variant = variant_from_name(question.findtext("name/text"))
        codes = re.findall(r"\{1:NUMERICAL:=([-0-9.]+):([0-9.]+)\}", question.findtext("questiontext/text"))
        parts = expected_parts(variant)
        assert len(codes) == len(parts) == len(variant.answer)
        for (value_text, tolerance_text), (value, tolerance) in zip(codes, parts, strict=True):
            assert_close(value_text, value)
            assert_close(tolerance_text, tolerance)


def test_a_relative_tolerance_becomes_absolute_for_that_variants_answer(quiz):
    decay = [q for q in questions(quiz, "numerical") if " gradient_decay seed " in q.findtext("name/text")]
    assert len(decay) == 4
    for question in decay:  # gradient_decay: within 1%, no absolute floor
        variant = variant_from_name(question.findtext("name/text"))
        assert variant.tolerance.rel == 0.01 and variant.tolerance.abs == 0
        assert_close(question.find("answer/tolerance").text, 0.01 * abs(variant.answer))


def test_hostile_text_arrives_escaped_and_reads_back_the_same(tmp_path):
    bank = hostile_bank(tmp_path / "bank")
    data = render(collect(bank, Selection(), variants=2, seed=3), "moodle")
    assert b"<script>" not in data and b"]]>" not in data and b"</text>]]>" not in data
    quiz = ET.fromstring(data)
    essay = questions(quiz, "essay")[0]
    assert html_text(essay.findtext("questiontext/text")) == bank.get("T1").prompt
    assert bank.get("T1").prompt.startswith(HOSTILE.split("\n")[0])  # the loader only joins the lines
    assert essay.findtext("name/text") == "T1 essay: Tags </text>]]> & {braces}: ~=#"
    question = bank.get("T1")
    assert question.model_answer in html_text(essay.findtext("graderinfo/text"))
    feedback = html_text(essay.findtext("generalfeedback/text"))
    assert question.explanation.key_idea in feedback and "<b>not bold</b>" in feedback
    assert "<script>" not in essay.findtext("questiontext/text")  # escaped in the HTML, not only in the XML


def test_a_cloze_prompt_cannot_open_a_blank_of_its_own(tmp_path):
    bank = hostile_bank(tmp_path / "bank")
    item = numeric_item(generate("perceptron_update", 1), bank.get("T1"))
    hostile = dataclasses.replace(item, prompt_html="<p>{1:NUMERICAL:=5:0}</p>")
    text = cloze_text(hostile)
    assert len(re.findall(r"\{1:NUMERICAL:", text)) == 3  # the three elements, not the prompt's look-alike
    assert html_text(text).startswith("{1:NUMERICAL:=5:0}")


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_numbers(shipped_bank):
    first = render(collect(shipped_bank, Selection(), variants=3, seed=7), "moodle")
    again = render(collect(shipped_bank, Selection(), variants=3, seed=7), "moodle")
    other = render(collect(shipped_bank, Selection(), variants=3, seed=8), "moodle")
    assert first == again
    assert first != other


def test_names_are_unique_and_read_back_to_question_family_and_seed(quiz):
    names = [q.findtext("name/text") for q in quiz.findall("question") if q.get("type") != "category"]
    assert len(names) == len(set(names))
    for name in names:
        parsed = parse_name(name)
        assert parsed is not None, name
        if parsed.numeric:
            variant = variant_from_name(name)
            assert (parsed.family, parsed.seed) == (variant.family, variant.seed)
