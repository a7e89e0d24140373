"""Reading typed answers safely, and marking them: tolerance, partial credit, named mistakes."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time

import pytest

from quizzer.errors import AnswerError
from quizzer.variants import Tolerance, Variant, generate
from quizzer.variants.check import CheckResult, check_answer
from quizzer.variants.parse import parse_answer


def variant(answer, answer_type="number", tolerance=Tolerance(), unit="", family="not_a_family") -> Variant:
    """A hand-made variant, so the checker is tested on exact, chosen numbers."""
    return Variant(family=family, question_id="Q0", seed=0, params={}, prompt="?", answer=answer,
                   answer_type=answer_type, tolerance=tolerance, solution=("step",), unit=unit)


@pytest.mark.parametrize("text,value", [
    ("0.000001", 1e-6), ("1e-6", 1e-6), ("9.54e-7", 9.54e-7), ("1/4", 0.25), ("0.25^10", 0.25**10),
    ("(0.25)**10", 0.25**10), ("sqrt(2/100)", math.sqrt(0.02)), ("25%", 0.25), ("  -3.5 ", -3.5),
    ("−0.5", -0.5), ("2 × 3", 6.0), ("9.54 × 10^-7", 9.54e-7), ("exp(0)", 1.0), ("ln(e)", 1.0),
    ("log(1)", 0.0), ("2*pi", 2 * math.pi), (".5", 0.5), ("[0.25]", 0.25), ("1/4 + 1/4", 0.5),
    ("(1/4)%", 0.0025), ("0.1 + 0.2", 0.3),
])
def test_accepted_number_forms(text, value):
    assert parse_answer(text, "number") == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("text", ["[0.27, 0.53, -0.80]", "0.27, 0.53, -0.80", "(0.27, 0.53, -0.8)",
                                  "0.27; 0.53; -0.8", "27%, 53%, -80%"])
def test_accepted_vector_forms(text):
    assert parse_answer(text, "vector", length=3) == pytest.approx([0.27, 0.53, -0.8])


def test_pairs_are_two_numbers():
    assert parse_answer("[10, 4]", "pair") == [10.0, 4.0]
    assert parse_answer("1/2, 2^3", "pair") == [0.5, 8.0]
    with pytest.raises(AnswerError, match="expected 2 numbers, got 3"):
        parse_answer("1, 2, 3", "pair")


@pytest.mark.parametrize("text,value", [("yes", True), ("No", False), ("true", True), ("FALSE", False),
                                        ("1", True), ("0", False), ("y", True), ("yes.", True)])
def test_yes_no_words(text, value):
    assert parse_answer(text, "yes/no") is value


def test_yes_no_rejects_anything_else():
    with pytest.raises(AnswerError, match="not yes or no"):
        parse_answer("maybe", "yes/no")


def test_integers_are_ints_and_non_whole_values_stay_floats():
    assert parse_answer("138", "integer") == 138 and isinstance(parse_answer("138", "integer"), int)
    assert parse_answer("1.38e2", "integer") == 138
    assert parse_answer("64*784*4", "integer") == 200704
    assert parse_answer("234.375", "integer") == 234.375


def test_percent_in_a_percent_family_means_the_number_itself():
    assert parse_answer("25%", "number", unit="%") == 25
    assert parse_answer("25", "number", unit="%") == 25
    assert parse_answer("25%", "number") == 0.25


def test_decimal_comma_and_wrong_lengths_are_explained():
    with pytest.raises(AnswerError, match="expected one number, got 2"):
        parse_answer("0,25", "number")
    with pytest.raises(AnswerError, match="expected 6 numbers, got 5"):
        parse_answer("1, 2, 3, 4, 5", "vector", length=6)


@pytest.mark.parametrize("text,reason", [
    ("9**9**9**9", "exponent"), ("__import__('os')", "not a function"), ("x" * 100_000, "characters long"),
    ("1/0", "divides by zero"), ("x", "unknown name 'x'"), ("a.b", "attribute access"),
    ("(1).real", "attribute access"), ("lambda: 1", "lambda"), ("[1, [2]]", "flat list"),
    ("10**1000", "too large"), ("1e400", "too large"), ("exp(1000)", "too large"), ("sqrt(-1)", "not defined"),
    ("0**-1", "divides by zero"), ("7 % 3", "% sign"), ("'abc'", "not a number"), ("True", "not a number"),
    ("", "empty"), ("   ", "empty"), ("1 +", "not a number or a calculation"), ("1 if 1 else 2", "if/else"),
    ("1 < 2", "comparisons"), ("{1: 2}", "dictionaries"), ("abs(1, 2)", "exactly one number"),
    ("sqrt(x=4)", "exactly one number"), ("-" * 1500 + "1", "too long"), ("(" * 300 + "1" + ")" * 300, "not a number"),
    ("2**2**2**2**2**2", "exponent"), ("[" + ",".join(["1"] * 150) + "]", "at most 100"),
])
def test_rejections_are_clear_and_immediate(text, reason):
    # CPU time of this process, not wall time: the work a rejection does (about 3 ms for
    # the worst here) is what must stay small; a wall clock also counts the other
    # programs of a shared CI machine (one run took 350 ms of wall time for 3 ms of work)
    start = time.process_time()
    with pytest.raises(AnswerError) as caught:
        parse_answer(text, "number")
    assert reason in caught.value.message
    assert time.process_time() - start < 0.1


def test_the_parser_never_evaluates_python():
    with pytest.raises(AnswerError):
        parse_answer("__import__('os').system('echo hacked')", "number")
    with pytest.raises(AnswerError):
        parse_answer("().__class__.__bases__[0].__subclasses__()", "number")


# marking -----------------------------------------------------------------------------

def test_reading_and_marking_an_answer_need_no_numpy():
    """The checker imports the parser plainly because neither loads NumPy; only solving a variant does."""
    code = "import sys, quizzer.variants.check; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_relative_tolerance_edges():
    v = variant(100.0, tolerance=Tolerance(rel=0.01, abs=0.0))
    assert check_answer(v, "101").correct and check_answer(v, "99").correct
    assert not check_answer(v, "101.01").correct and not check_answer(v, "98.9").correct


def test_absolute_floor_near_zero():
    v = variant(0.0, tolerance=Tolerance(rel=0.01, abs=0.005))
    assert check_answer(v, "0.004").correct and check_answer(v, "-0.005").correct
    assert not check_answer(v, "0.006").correct


def test_tiny_answers_are_not_given_away_by_the_absolute_floor():
    v = generate("gradient_decay", 3)
    assert not check_answer(v, "0").correct or v.answer == 0
    assert check_answer(v, repr(v.answer * 1.004)).correct


def test_integers_are_exact():
    v = variant(138, answer_type="integer", tolerance=Tolerance(0.0, 0.0))
    assert check_answer(v, "138").correct and check_answer(v, "138.0").correct
    result = check_answer(v, "137")
    assert not result.correct and result.score == 0 and result.error is None
    assert not check_answer(v, "138.5").correct


def test_vector_partial_credit_is_the_fraction_right():
    v = variant([0.27, 0.53, -0.8], answer_type="vector", tolerance=Tolerance(0.01, 0.005))
    result = check_answer(v, "0.27, 0.53, 0.8")
    assert result.score == pytest.approx(2 / 3, abs=1e-4) and result.max == 1.0 and not result.correct
    assert "2 of 3 numbers are right" in result.feedback and "number 3 should be -0.8" in result.feedback
    assert check_answer(v, "[0.27, 0.53, -0.80]").score == 1.0


def test_wrong_length_is_unreadable_not_wrong():
    v = variant([1.0, 2.0, 3.0], answer_type="vector")
    result = check_answer(v, "1, 2")
    assert result.error and result.error.startswith("Could not read your answer (expected 3 numbers, got 2)")
    assert result.to_json() == {"correct": False, "error": result.error}


def test_unreadable_is_different_from_wrong():
    v = variant(0.25)
    unreadable, wrong = check_answer(v, "zero point two five"), check_answer(v, "0.3")
    assert unreadable.error and "Could not read your answer" in unreadable.feedback and unreadable.parsed is None
    assert wrong.error is None and wrong.feedback == "The answer is 0.25; you gave 0.3."


def test_yes_no_marking():
    v = variant(True, answer_type="yes/no")
    assert check_answer(v, "yes").correct and not check_answer(v, "no").correct


def test_percent_family_accepts_both_spellings():
    v = generate("generalization_gap", 5)
    assert v.unit == "%"
    for text in (f"{v.answer}", f"{v.answer}%"):
        assert check_answer(v, text).correct


def test_check_result_json_shape():
    result = check_answer(variant(0.5), "1/2")
    assert isinstance(result, CheckResult)
    assert result.to_json() == {"correct": True, "score": 1.0, "max": 1.0, "expected": 0.5, "parsed": 0.5,
                                "feedback": result.feedback}
    json.dumps(result.to_json())


# recognised mistakes --------------------------------------------------------------------

def _mistake_for(family_id: str, name: str, seeds=range(40)):
    """The first variant of the family where the named mistake differs from the answer."""
    from quizzer.variants import get_family

    for seed in seeds:
        v = generate(family_id, seed)
        for mistake in get_family(family_id).mistakes(v.params):
            if mistake.name == name and not check_answer(v, json.dumps(mistake.value)).correct:
                return v, mistake
    raise AssertionError(f"{family_id}: mistake {name} never differs from the answer")


@pytest.mark.parametrize("family_id,name,words", [
    ("adam_steps", "adam-no-bias-correction", "Adam without bias correction"),
    ("momentum_velocity", "momentum-no-lr", "momentum without the learning rate"),
    ("momentum_effective_step", "momentum-no-lr", "momentum without the learning rate"),
    ("l1_step", "l1-overshoot", "overshot past zero"),
    ("batchnorm_stats", "sample-variance", "sample variance"),
    ("bias_variance", "sample-variance", "sample variance"),
    ("batchnorm_forward", "sample-variance", "sample variance"),
    ("dropout_forward", "no-rescale", "1 − p"),
    ("dense_param_count", "weights-only", "only the weights"),
    ("updates_per_epoch", "rounded-down", "rounded down"),
    ("sigmoid_chain", "max-derivative", "0.25 per layer"),
])
def test_typical_mistakes_are_named(family_id, name, words):
    v, mistake = _mistake_for(family_id, name)
    result = check_answer(v, json.dumps(mistake.value))
    assert not result.correct and result.mistake == name
    assert words in result.feedback


def test_l1_overshoot_gets_partial_credit_and_is_named():
    v, mistake = _mistake_for("l1_step", "l1-overshoot")
    result = check_answer(v, ", ".join(str(x) for x in mistake.value))
    assert 0 < result.score < 1 and result.mistake == "l1-overshoot"


def test_generic_slips_are_named():
    v = variant(0.0625, tolerance=Tolerance(0.01, 0.0))
    assert check_answer(v, "-0.0625").mistake == "sign"
    assert check_answer(v, "6.25").mistake == "factor-100"
    assert check_answer(v, "0.06").mistake == "rounding"
    assert check_answer(v, "0.5").mistake is None


# showing the expected answer ------------------------------------------------------------

@pytest.mark.parametrize("value,figures,places", [
    (0.0536056267419, "0.0536", "0.0536"), (0.09, "0.0900", "0.0900"), (1234.5, "1230", "1234.5000"),
    (9.996, "10.0", "9.9960"), (-2.83333333333, "-2.83", "-2.8333"), (1.2e-7, "1.20e-7", "0.0000"),
    (3e6, "3.00e6", "3000000.0000"), (-0.00001, "-1.00e-5", "0.0000"), (0.0, "0.00", "0.0000"),
])
def test_the_expected_answer_is_shown_to_the_precision_asked(value, figures, places):
    from quizzer.variants.check import Precision, format_answer

    assert format_answer(value, precision=Precision(figures=3)) == figures
    assert format_answer(value, precision=Precision(places=4)) == places
    assert format_answer(value) == f"{value:.6g}", "without a precision: up to 6 significant figures, as before"


def test_the_precision_is_read_from_what_the_prompt_asks():
    from quizzer.variants.check import Precision, asked_precision

    assert asked_precision("What is y? Give it to 3 significant figures (forms such as 1.23e-4 are fine).") \
        == Precision(figures=3)
    assert asked_precision("2 sigmoid units ... Give the list of 4 outputs, each to 3 decimal places.") \
        == Precision(places=3)
    assert asked_precision("How many updates in one epoch?") is None


def test_feedback_shows_the_answer_to_the_figures_the_family_asks_for():
    from quizzer.variants.check import expected_text

    v = generate("xavier_uniform_limit", 1)
    assert "3 significant figures" in v.prompt
    shown = expected_text(v)
    assert len(shown.replace("0.", "", 1).lstrip("0")) == 3, shown
    assert check_answer(v, "7").feedback.startswith(f"The answer is {shown}; you gave 7.")
    vector = generate("gd_step", 1)
    assert "4 decimal places" in vector.prompt
    assert all(len(part.split(".")[1]) == 4 for part in expected_text(vector).strip("[]").split(", "))
