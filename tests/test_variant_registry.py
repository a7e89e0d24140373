"""The registry: every family declared once, by keyword, in its topic module, and listed in the course's order."""

from __future__ import annotations

import pytest

from quizzer.variants import Family, all_families, families_for


def test_families_are_listed_in_question_order_whatever_module_defines_them():
    """The public order (``quizzer variant list``) is the course's; the registry sorts
    the topic modules' lists into it (capacity.py holds Q9, Q10 and Q18)."""
    numbers = [int(f.question_id[1:]) for f in all_families().values()]
    assert numbers == sorted(numbers)
    assert [f.id for f in families_for("Q18")] == ["bias_variance", "error_decomposition"]


def test_a_family_is_declared_by_keyword():
    with pytest.raises(TypeError):
        Family("x", "Q1", "X", "number", None, None, None, None)
