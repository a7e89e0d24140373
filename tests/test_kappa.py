"""The quadratic weighted kappa of ``grade --evaluate``, held equal to scikit-learn's."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from quizzer.scoring.evaluate import quadratic_weighted_kappa


def sklearn_qwk(expected: list[float], got: list[float]) -> float:
    return float(cohen_kappa_score([round(x * 2) for x in expected], [round(x * 2) for x in got],
                                   weights="quadratic"))


@st.composite
def two_markings(draw, score=st.integers(0, 12).map(lambda halves: halves / 2)):
    """The examiner's and the scorer's marks for the same answers (half marks, 0 to 6)."""
    count = draw(st.integers(1, 60))
    return draw(st.lists(score, min_size=count, max_size=count)), draw(st.lists(score, min_size=count, max_size=count))


@settings(max_examples=500, deadline=None)
@given(two_markings())
def test_qwk_is_scikit_learns_on_half_marks(markings):
    expected, got = markings
    if len(set(expected) | set(got)) >= 2:
        assert quadratic_weighted_kappa(expected, got) == sklearn_qwk(expected, got)


@settings(max_examples=200, deadline=None)
@given(two_markings(score=st.floats(0, 6)))
def test_scores_between_half_marks_are_rounded_to_the_nearest_half_first(markings):
    expected, got = markings
    if len({round(x * 2) for x in expected + got}) >= 2:
        assert quadratic_weighted_kappa(expected, got) == sklearn_qwk(expected, got)


@pytest.mark.parametrize("expected, got", [
    ([0, 2], [0, 2]),  # labels far apart in value are still one place apart
    ([0, 0, 2, 2], [2, 2, 0, 0]),
    ([0, 0.5, 1, 1.5, 2], [0.5, 0.5, 1, 2, 2]),
    ([1, 1, 1], [1, 1, 0.5]),
    ([0.25, 0.75], [0, 1]),  # doubled to 0.5 and 1.5, which round half to even: 0 and 2
])
def test_chosen_cases_match_scikit_learn(expected, got):
    assert quadratic_weighted_kappa(expected, got) == sklearn_qwk(expected, got)


def test_perfect_agreement_is_one():
    assert quadratic_weighted_kappa([0, 1, 2, 1.5], [0, 1, 2, 1.5]) == 1.0


@pytest.mark.parametrize("expected, got, kappa", [
    ([], [], 1.0),
    ([1, 1, 1], [1, 1, 1], 1.0),  # one mark throughout, where scikit-learn's kappa is undefined
    ([1, 1], [1], 0.0),
])
def test_a_single_label_is_full_agreement_only_when_the_marks_are_the_same(expected, got, kappa):
    assert quadratic_weighted_kappa(expected, got) == kappa


def test_markings_of_different_lengths_are_refused_as_scikit_learn_refuses_them():
    with pytest.raises(ValueError):
        sklearn_qwk([0, 1, 2], [0, 1])
    with pytest.raises(ValueError):
        quadratic_weighted_kappa([0, 1, 2], [0, 1])


WATCH_IMPORTS = """
import sys
from quizzer.launch import main
sys.argv = ["quizzer", "grade", "--evaluate", "--json"]
try:
    main()
finally:
    print("sklearn" in sys.modules, file=sys.stderr)
"""


@pytest.mark.slow
def test_grade_evaluate_runs_without_scikit_learn():
    """scikit-learn is a test dependency only: the figures are computed without it."""
    result = subprocess.run([sys.executable, "-c", WATCH_IMPORTS], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert '"qwk"' in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "False"
