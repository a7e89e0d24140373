"""The HTML and numbers every export format shares."""

from __future__ import annotations

import pytest

from quizzer.exchange.markup import html_text, number, paragraphs, xml_safe
from quizzer.exchange.names import essay_name, identifier, parse_name, variant_name

from .export_helpers import HOSTILE


def test_paragraphs_escape_and_read_back_exactly():
    markup = paragraphs(HOSTILE)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert markup.count("<p>") == 2 and markup.count("<br>") == 1
    assert html_text(markup) == HOSTILE


def test_characters_xml_cannot_hold_are_replaced_not_written():
    assert xml_safe("a\x00b\x1fc\td\n") == "a\ufffdb\ufffdc\td\n"


@pytest.mark.parametrize("value,text", [(0.00005, "0.00005"), (1e-9, "0.000000001"), (-0.84, "-0.84"),
                                        (12, "12"), (1572864, "1572864"), (2.0, "2"), (-0.0, "0"),
                                        (0.1 + 0.2, "0.30000000000000004")])
def test_numbers_are_positional_decimals_that_read_back_the_same(value, text):
    assert number(value) == text
    assert float(number(value)) == value


def test_rounded_numbers_keep_the_digits_asked_for():
    assert number(0.004437053125000001, digits=12) == "0.004437053125"


def test_a_number_that_is_not_one_is_refused():
    with pytest.raises(ValueError):
        number(float("nan"))
    with pytest.raises(TypeError):
        number(True)


def test_names_read_back_and_ignore_a_title_edited_on_the_platform():
    assert parse_name(essay_name("Q7", "Vanishing gradients: why")).question_id == "Q7"
    assert parse_name("Q7 essay: renamed by a teacher").question_id == "Q7"
    parsed = parse_name(variant_name("Q7", "gradient_decay", 123))
    assert (parsed.question_id, parsed.family, parsed.seed, parsed.numeric) == ("Q7", "gradient_decay", 123, True)
    assert parse_name("Question 3 from the platform") is None
    assert identifier(variant_name("Q7", "gradient_decay", 123)) == "Q7_gradient_decay_seed_123"
    assert identifier(essay_name("Q7", "A: b")) == "Q7_essay"
