"""The scorer reads what is said about what: roles, reversals, lists, no false alarms.

Each test writes the answer a student might give and asserts the mark an examiner
following questions/README.md's conventions would give it.
"""

from __future__ import annotations

import pytest

from quizzer.bank import load_bank
from quizzer.errors import BankError
from quizzer.scoring import Scorer
from quizzer.scoring.text import tokenize

from .conftest import minimal_question, write_bank


@pytest.fixture(scope="module")
def scorer(shipped_bank):
    return Scorer(shipped_bank)


def by_id(result):
    return {c.id: c for c in result.criteria}


def negated(text):
    return {t.word for t in tokenize(text) if t.negated}


@pytest.mark.parametrize("qid", [f"Q{n}" for n in range(1, 21)])
def test_every_model_answer_earns_full_marks(scorer, shipped_bank, qid):
    question = shipped_bank.get(qid)
    for text in question.model_answers:
        result = scorer.grade(question, text)
        assert result.score == question.marks, (qid, [(c.id, c.awarded, c.misconception) for c in result.criteria],
                                                result.flags)
        assert not result.flags


def test_a_model_answers_own_words_never_trigger_a_misconception(scorer, shipped_bank):
    """Q1's model answer says a multi-layer perceptron with non-linear activations is needed;
    the misconception 'perceptron is non-linear' must not fire on it, but still fires on the claim."""
    q1 = shipped_bank.get("Q1")
    result = scorer.grade(q1, q1.model_answer)
    assert not any(c.misconception for c in result.criteria)
    wrong = scorer.grade(q1, "The perceptron is non-linear, so it can learn any function given more epochs.")
    assert by_id(wrong)["linear-boundary"].awarded == 0


def test_ruling_out_the_opposite_is_not_a_contradiction(scorer, shipped_bank):
    q1 = shipped_bank.get("Q1")
    answer = ("A single perceptron's decision boundary is a straight line. XOR puts its classes on opposite "
              "corners, and no straight line can separate the points, so it never converges.")
    result = scorer.grade(q1, answer)
    assert by_id(result)["linear-boundary"].misconception is None
    assert result.score == 2


def test_a_long_model_answer_is_not_unfocused(scorer, shipped_bank):
    q2 = shipped_bank.get("Q2")
    assert "unfocused" not in scorer.grade(q2, q2.model_answer).flags


@pytest.mark.parametrize("text, words", [
    ("ReLU prevents the gradient from vanishing, so it flows", {"gradient", "vanishing"}),
    ("SGD uses one sample instead of the whole dataset, so it is noisy", {"whole", "dataset"}),
    ("Averaging ignores the noise of single samples", {"noise", "single", "samples"}),
    ("ReLU does not saturate, vanish or explode", {"saturate", "vanish", "explode"}),
])
def test_verbs_that_deny_and_lists_carry_the_negation(text, words):
    assert words <= negated(text)


@pytest.mark.parametrize("text, words", [
    ("ReLU does not saturate, so gradients flow", {"gradients", "flow"}),
    ("L1 is not smooth, and L2 is smooth", {"l2"}),
    ("Instead, it uses one sample", {"uses", "one", "sample"}),
])
def test_a_negation_stops_where_its_clause_does(text, words):
    assert not words & negated(text)


ROLES_QUESTION = minimal_question(
    "PEN",
    prompt="Why does L1 regularisation set weights to zero while L2 only shrinks them?",
    model_answer=("L1's gradient has the same size however small the weight is, so it pushes weights all the "
                  "way to exactly zero. L2's gradient is proportional to the weight, so its pull fades and the "
                  "weight only approaches zero."),
    roles={"l1": ["L1", "lasso"], "l2": ["L2", "ridge"]},
    rubric=[
        {"id": "l1-constant", "marks": 1, "about": "l1", "description": "L1's push is constant, so weights reach zero.",
         "concepts": [["gradient same size", "constant gradient", "constant push", "same force"]]},
        {"id": "l2-proportional", "marks": 1, "about": "l2", "description": "L2's push fades with the weight.",
         "concepts": [["proportional to the weight", "pull fades", "push gets weaker"]]},
    ],
)


@pytest.fixture(scope="module")
def roles_bank(tmp_path_factory):
    return load_bank(write_bank(tmp_path_factory.mktemp("roles"), [ROLES_QUESTION]))


def test_words_said_of_the_wrong_role_are_a_swap(roles_bank):
    question = roles_bank.get("PEN")
    scorer = Scorer(roles_bank)
    right = scorer.grade(question, "With L1 the gradient is constant, while for L2 it is proportional to the weight.")
    swapped = scorer.grade(question, "L2 has a constant gradient, whereas L1's push is proportional to the weight.")
    assert right.score == 2
    assert swapped.score == 0
    swap = by_id(swapped)["l1-constant"]
    assert "L2" in swap.misconception and "L1" in swap.misconception
    assert any(r.startswith("swap:") for r in swapped.review_reasons)


def test_a_contrast_word_points_away_from_its_role(roles_bank):
    question = roles_bank.get("PEN")
    result = Scorer(roles_bank).grade(question, "L1, unlike L2, has a constant gradient. For L2 the pull fades.")
    assert result.score == 2


def test_a_role_named_as_absent_is_not_what_the_statement_is_about(roles_bank):
    """ "Without L2 the gradient is constant" describes the model that lacks L2, so
    the idea is not said of L2 (no swap), whether or not the wording names the role."""
    question = roles_bank.get("PEN")
    scorer = Scorer(roles_bank)
    absent = scorer.grade(question, "Without L2 the gradient is constant. For L2 the pull fades.")
    present = scorer.grade(question, "With L2 the gradient is constant. For L2 the pull fades.")
    assert by_id(absent)["l1-constant"].awarded == 1
    assert by_id(present)["l1-constant"].awarded == 0


def test_an_idea_said_with_a_word_flipped_to_its_opposite_earns_nothing(roles_bank):
    """ "L2's push gets *stronger*" uses the idea's words with one reversed: no mark for
    it, and the feedback says which idea it reverses; the same words said of the
    other role are no reversal of this one."""
    question = roles_bank.get("PEN")
    scorer = Scorer(roles_bank)
    reversed_ = scorer.grade(question, "With L1 the gradient is constant. With L2 the push gets stronger and stronger.")
    criterion = by_id(reversed_)["l2-proportional"]
    assert criterion.awarded == 0
    assert "reverse" in criterion.misconception and "push gets weaker" in criterion.misconception
    assert by_id(reversed_)["l1-constant"].awarded == 1
    of_the_other = scorer.grade(question, "With L1 the push gets stronger, relative to the weight, as it shrinks.")
    assert by_id(of_the_other)["l2-proportional"].misconception is None


TWO_COMPARISONS = minimal_question(
    "ADAM",
    prompt="Why is Adam less sensitive to the learning rate than SGD?",
    model_answer=("Adam divides each step by the root of its second moment, the average of the squared "
                  "gradients, so every weight gets its own step size; SGD uses one step for all."),
    roles=[{"adam": ["Adam"], "sgd": ["SGD"]},
           {"first-moment": ["first moment", "mean gradient"], "second-moment": ["second moment"]}],
    rubric=[
        {"id": "scaling", "marks": 1, "about": "adam", "description": "Adam divides by the second moment.",
         "concepts": [{"about": "second-moment", "wordings": ["divides the step", "divided by"]}]},
        {"id": "direction", "marks": 1, "description": "The first moment smooths the direction.",
         "concepts": [["smooths the direction", "keeps the direction"]]},
    ],
)


def test_an_idea_may_be_about_one_role_of_each_comparison(tmp_path):
    """Roles given as a list are separate comparisons: the scaling idea must be said of
    Adam (not SGD) and of the second moment (not the first); a mention of Adam does not
    make "divided by" a swap of the moments, nor a moment a swap of the optimisers."""
    bank = load_bank(write_bank(tmp_path, [TWO_COMPARISONS]))
    question, scorer = bank.get("ADAM"), Scorer(bank)
    right = scorer.grade(question, "Adam divides the step by the root of the second moment.")
    wrong_moment = scorer.grade(question, "In Adam the first moment is what the step is divided by.")
    wrong_optimiser = scorer.grade(question, "SGD's step is divided by the root of the second moment.")
    assert by_id(right)["scaling"].awarded == 1
    assert by_id(wrong_moment)["scaling"].awarded == 0
    assert "first moment" in by_id(wrong_moment)["scaling"].misconception
    assert by_id(wrong_optimiser)["scaling"].awarded == 0
    assert "SGD" in by_id(wrong_optimiser)["scaling"].misconception


def test_a_role_in_two_comparisons_is_refused(tmp_path):
    doubled = minimal_question("DUP", roles=[{"relu": ["ReLU"], "sigmoid": ["sigmoid"]},
                                             {"relu": ["rectifier"], "tanh": ["tanh"]}])
    with pytest.raises(BankError, match="two comparisons"):
        load_bank(write_bank(tmp_path, [doubled]))


def test_an_unknown_role_is_refused(tmp_path):
    bad = dict(ROLES_QUESTION, rubric=[dict(ROLES_QUESTION["rubric"][0], about="l3"), ROLES_QUESTION["rubric"][1]])
    with pytest.raises(BankError, match="unknown role 'l3'"):
        load_bank(write_bank(tmp_path / "b", [bad]))


def reference(qid, **fields):
    base = {"id": qid, "prompt": "Compare the two methods.", "marks": 2}
    return base | fields


def test_a_model_answer_without_content_words_is_graded(tmp_path, runner):
    """'They are the same' is made of filler words only; it used to divide by zero."""
    from quizzer.cli import cli

    folder = write_bank(tmp_path / "b", [reference("SAME", prompt="Are the two results different?",
                                                   model_answer="They are the same.")], topics=False)
    bank = load_bank(folder)
    scorer = Scorer(bank)
    assert scorer.grade(bank.get("SAME"), "they are the same").score == 2
    assert scorer.grade(bank.get("SAME"), "they differ a lot").score < 2
    answers = tmp_path / "a.csv"
    answers.write_text("question_id,answer\nSAME,they are the same\nSAME,no idea\n", encoding="utf-8")
    result = runner.invoke(cli, ["--bank", str(folder), "grade", "--batch", str(answers), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 0, result.output


def test_a_model_answer_with_no_words_is_refused_by_validate(tmp_path):
    with pytest.raises(BankError, match="has no words"):
        load_bank(write_bank(tmp_path / "b", [reference("DOTS", model_answer="...")], topics=False))


def test_the_best_of_several_model_answers_counts(tmp_path):
    question = reference(
        "FLOAT", prompt="Why do astronauts in orbit seem weightless?",
        model_answers=["They are in free fall: the station and the astronauts fall towards Earth together.",
                       "Nothing pushes up on them: the floor exerts no support force, so they feel no weight."])
    bank = load_bank(write_bank(tmp_path / "b", [question], topics=False))
    scorer = Scorer(bank)
    q = bank.get("FLOAT")
    assert q.model_answers[1].startswith("Nothing")
    assert scorer.grade(q, "The floor exerts no support force on them, so they feel no weight.").score == 2
    assert scorer.grade(q, "They and the station are in free fall towards Earth together.").score == 2


def test_reusing_the_scenarios_words_does_not_zero_a_reference_answer(tmp_path):
    question = reference("RENT", prompt="A city sets the maximum rent below the market equilibrium rent. "
                                         "Explain the effect on the rental housing market.",
                         model_answer="Demand for apartments rises while landlords supply fewer, so there is a shortage.")
    bank = load_bank(write_bank(tmp_path / "b", [question], topics=False))
    scorer = Scorer(bank)
    q = bank.get("RENT")
    reuse = scorer.grade(q, "With the maximum rent below the market equilibrium rent, demand for apartments rises "
                            "and landlords supply fewer, so the rental housing market has a shortage.")
    restated = scorer.grade(q, "The city sets the maximum rent below the market equilibrium rent, which has an "
                               "effect on the rental housing market.")
    assert reuse.score == 2 and "restated-question" not in reuse.flags
    assert restated.score == 0


def test_a_reference_answer_said_of_the_wrong_thing_is_not_credited(tmp_path):
    question = reference("TCP", prompt="Compare TCP and UDP.",
                         model_answer=("TCP sets up a connection with a handshake, whereas UDP is connectionless. "
                                       "TCP retransmits lost packets, while UDP gives no guarantee of delivery."))
    bank = load_bank(write_bank(tmp_path / "b", [question], topics=False))
    scorer = Scorer(bank)
    q = bank.get("TCP")
    right = scorer.grade(q, "TCP uses a handshake to set up a connection and UDP is connectionless. TCP retransmits "
                            "lost packets but UDP has no guarantee of delivery.")
    swapped = scorer.grade(q, "UDP uses a handshake to set up a connection and TCP is connectionless. UDP retransmits "
                              "lost packets but TCP has no guarantee of delivery.")
    assert right.score == 2
    assert swapped.score == 0


def test_every_grade_says_how_sure_it_is(scorer, shipped_bank):
    q1 = shipped_bank.get("Q1")
    clear = scorer.grade(q1, q1.model_answer).to_json()
    listed = scorer.grade(q1, "linear, hyperplane, not separable, XOR, diagonal, hidden layer, MLP").to_json()
    assert clear["confidence"] == 1.0 and clear["review_reasons"] == []
    assert listed["confidence"] < 1.0 and "guard:keyword-list" in listed["review_reasons"]
    assert 0.0 <= listed["similarity"] <= 1.0 and clear["similarity"] > listed["similarity"]


def test_validate_refuses_an_idea_that_can_never_be_found(tmp_path, runner):
    from quizzer.cli import cli

    question = minimal_question("T1")
    question["rubric"][0]["concepts"] = [[question["prompt"].split()[0]]]
    folder = write_bank(tmp_path / "b", [question])
    result = runner.invoke(cli, ["bank", "validate", str(folder)])
    assert result.exit_code == 1
    assert "can never be found" in result.output and "T1" in result.output and "concepts[0]" in result.output


def test_validate_warns_when_a_model_answer_loses_marks(tmp_path, runner):
    from quizzer.cli import cli

    question = minimal_question("T1", model_answer="Something else entirely, about penguins and ice.")
    folder = write_bank(tmp_path / "b", [question])
    result = runner.invoke(cli, ["bank", "validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Warning:" in result.output and "the model answer earns" in result.output


def test_an_ordered_wording_tells_a_claim_from_its_reverse():
    from quizzer.scoring.concepts import Reading, compile_phrase
    from quizzer.scoring.lexicon import Lexicon

    lexicon = Lexicon()
    ordered = compile_phrase("large gradient ... small step", lexicon)
    loose = compile_phrase("large gradient small step", lexicon)
    right, reverse = (Reading(t, lexicon) for t in ("Large gradients get small steps.", "Small gradients get large steps."))
    assert ordered.ordered and right.find(ordered) and not reverse.find(ordered)
    assert right.find(loose) and reverse.find(loose)  # without "...", word order is free


@pytest.mark.parametrize("width", [25, 40, 60])
def test_a_line_break_inside_a_sentence_changes_no_mark(scorer, shipped_bank, width):
    """Terminals, text boxes and typed-up papers wrap lines; the mark must not see it."""
    import textwrap

    for question in shipped_bank:
        for sample in question.samples:
            wrapped = "\n".join(textwrap.wrap(sample.text, width, break_on_hyphens=False))
            if "\n" in sample.text.strip() or " ".join(wrapped.split()) != " ".join(sample.text.split()):
                continue  # already in lines, or not a plain re-wrap
            assert scorer.grade(question, wrapped).score == scorer.grade(question, sample.text).score, \
                (question.id, wrapped)


def test_a_blank_line_or_a_list_item_still_ends_a_sentence():
    from quizzer.scoring.text import unwrap_lines

    def one_sentence(text):  # are "grow" and "bias" read as one sentence?
        found = {t.word: t.sentence for t in tokenize(unwrap_lines(text))}
        return found["grow"] == found["bias"]

    assert one_sentence("the weights do not grow\nthe bias shifts the boundary")
    assert not one_sentence("the weights do not grow\n\nthe bias shifts the boundary")
    assert not one_sentence("the weights do not grow\n- the bias shifts the boundary")
    assert not one_sentence("the weights do not grow\n2. the bias shifts the boundary")
