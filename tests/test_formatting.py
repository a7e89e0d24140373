"""How answers and marks are written: one formatter each, used by the terminal, the
templates and the feedback; and the teacher's template folder, read through config."""

from __future__ import annotations

import pytest

from quizzer.config import user_templates
from quizzer.formatting import answer_text, marks_text, out_of
from quizzer.templating import environment, render
from quizzer.variants.check import Precision, format_answer


@pytest.mark.parametrize("value, shown", [(1.0, "1"), (1.5, "1.5"), (0.25, "0.25"), (0, "0"), (12.0, "12")])
def test_a_mark_is_written_without_trailing_zeros(value, shown):
    assert marks_text(value) == shown


def test_marks_out_of_marks():
    assert out_of(1.5, 2.0) == "1.5/2"
    assert out_of(0.0, 1) == "0/1"


@pytest.mark.parametrize("value, unit, precision, shown", [
    (0.123456789, "", None, "0.123457"),
    (3, "", None, "3"),
    (True, "", None, "yes"),
    (False, "%", None, "no"),
    ([0.5, 2, False], "", None, "[0.5, 2, no]"),
    ((0.1, 0.2), "", None, "[0.1, 0.2]"),
    ([0.5, 0.25], "%", None, "[0.5, 0.25]"),
    (15.0, "%", None, "15%"),
    (0.09, "", Precision(figures=3), "0.0900"),
    (0.0000123456, "", Precision(figures=3), "1.23e-5"),
    (9.996, "", Precision(figures=3), "10.0"),
    (-0.00001, "", Precision(places=3), "0.000"),
    ([0.12345, 1.0], "", Precision(places=2), "[0.12, 1.00]"),
    (0.123456789, "", Precision(), "0.123457"),  # a precision naming no digits: the default
    ("sqrt(2)", "", None, "sqrt(2)"),
])
def test_an_answer_is_written_one_way(value, unit, precision, shown):
    assert answer_text(value, unit, precision) == shown


def test_feedback_templates_and_terminal_share_the_formatters():
    filters = environment().filters
    assert filters["marks"] is marks_text and filters["answer"] is answer_text
    assert format_answer([0.09, 1], precision=Precision(figures=2)) == answer_text([0.09, 1], "", Precision(figures=2))


def test_the_teachers_template_folder_comes_from_the_environment(tmp_path):
    assert user_templates({}) is None
    assert user_templates({"QUIZZER_TEMPLATES": str(tmp_path)}) == tmp_path.resolve()


def test_a_teachers_template_overrides_the_shipped_one(tmp_path, monkeypatch):
    assert "Own key" not in render("exam/document.html", kind="key", title="T", body="", paper="A4")
    (tmp_path / "exam").mkdir()
    (tmp_path / "exam" / "document.html").write_text("Own key: {{ title }} {{ 1.5|marks }} {{ [0.1, true]|answer }}")
    monkeypatch.setenv("QUIZZER_TEMPLATES", str(tmp_path))
    assert render("exam/document.html", kind="key", title="<T>", body="", paper="A4") == \
        "Own key: &lt;T&gt; 1.5 [0.1, yes]"
    assert "<html" in render("base.html", title="kept", body="").lower()  # the others are still the shipped ones
