"""The registry: every family declared once, by keyword, in its topic module, and listed in the course's order."""

from __future__ import annotations

import subprocess
import sys

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


def test_the_family_ids_come_from_the_families_without_importing_numpy():
    """The bank checks its questions' variant ids on every load, a quiz's start-up
    included; the registry is their one source and costs no NumPy until a variant
    is generated."""
    probe = ("import sys; from quizzer.variants import family_ids, generate; ids = family_ids(); "
             "print(len(ids), 'numpy' in sys.modules); generate(ids[0], 1); print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == [str(len(all_families())), "False", "True"]
