"""The scorer gives the marks a careful examiner would, explains them, and cannot be gamed."""

from __future__ import annotations

import pytest

from quizzer.bank import load_bank
from quizzer.scoring import Scorer

from .conftest import write_bank


@pytest.fixture(scope="module")
def scorer(shipped_bank):
    return Scorer(shipped_bank)


@pytest.fixture(scope="module")
def q1(shipped_bank):
    return shipped_bank.get("Q1")


def by_id(result):
    return {c.id: c for c in result.criteria}


GOOD_Q1 = ("A single perceptron computes a weighted sum plus bias, so its decision boundary is one straight line. "
           "XOR is not linearly separable: its positive points lie on opposite corners of the square, "
           "so no line puts them on one side and the perceptron never converges.")


def test_a_full_answer_earns_full_marks(scorer, q1):
    result = scorer.grade(q1, GOOD_Q1)
    assert result.score == 2 and result.max == 2
    assert all(c.awarded == c.max for c in result.criteria)
    assert all(c.matched for c in result.criteria)


def test_negation_decides_the_mark(scorer, q1):
    right = by_id(scorer.grade(q1, "XOR is not linearly separable."))["xor-not-separable"]
    wrong = by_id(scorer.grade(q1, "XOR is linearly separable."))["xor-not-separable"]
    assert right.awarded > 0 and right.misconception is None  # asserted, not explained: half (convention 1)
    assert wrong.awarded == 0
    assert "xor is linearly separable" in wrong.misconception


def test_small_typos_are_forgiven(scorer, q1):
    spelt = scorer.grade(q1, "the perceptron draws a linear decision boundary, and xor is not linearly separable, "
                             "so no single line separates its classes")
    result = scorer.grade(q1, "the perceptorn draws a linear decsion boundry, and xor is not linearly seperable, "
                              "so no single line seperates its clases")
    assert result.score == spelt.score > 0
    assert any("seperable" in m for m in by_id(result)["xor-not-separable"].matched)


def test_stating_a_fact_and_its_opposite_earns_nothing_for_it(scorer, q1):
    result = scorer.grade(q1, "A perceptron has a linear boundary. XOR is not linearly separable. "
                              "Actually XOR is linearly separable.")
    assert by_id(result)["xor-not-separable"].awarded == 0
    assert by_id(result)["xor-not-separable"].misconception
    assert result.score < 2


def test_a_bare_keyword_list_cannot_earn_full_marks(scorer, q1):
    result = scorer.grade(q1, "linear boundary, hyperplane, not linearly separable, diagonal, opposite corners, MLP")
    assert result.score <= 0.5
    assert "keyword-list" in result.flags


def test_the_question_copied_back_earns_nothing(scorer, q1):
    result = scorer.grade(q1, q1.prompt)
    assert result.score == 0
    assert "restated-question" in result.flags


def test_dumping_every_model_answer_cannot_earn_full_marks(scorer, shipped_bank, q1):
    dump = " ".join(q.model_answer for q in shipped_bank)
    result = scorer.grade(q1, dump)
    assert result.score < 2
    assert set(result.flags) & {"unfocused", "too-long"}


def test_an_off_topic_answer_earns_nothing(scorer, q1):
    result = scorer.grade(q1, "Dropout switches off random neurons during training so the network does not overfit.")
    assert result.score == 0


def test_feedback_names_what_is_missing_and_where_to_read(scorer, q1):
    result = scorer.grade(q1, "The perceptron only draws a straight line.")
    criteria = by_id(result)
    assert criteria["linear-boundary"].awarded > 0
    assert criteria["xor-not-separable"].awarded == 0
    assert criteria["xor-not-separable"].missing
    assert "Still needed" in result.feedback
    assert criteria["xor-not-separable"].explanation


def test_grading_is_deterministic(scorer, q1):
    first = scorer.grade(q1, GOOD_Q1).to_json()
    again = Scorer([q1]).grade(q1, GOOD_Q1).to_json()
    assert first["score"] == again["score"]
    assert first["criteria"] == again["criteria"]


def test_an_empty_answer_scores_zero(scorer, q1):
    result = scorer.grade(q1, "   \n ")
    assert result.score == 0 and "empty" in result.flags


def test_batch_and_single_grading_agree(scorer, shipped_bank):
    items = [(q, s.text) for q in shipped_bank for s in q.samples[:3]]
    batch = scorer.grade_many(items)
    single = [scorer.grade(q, text) for q, text in items]
    assert [r.score for r in batch] == [r.score for r in single]


def test_json_contract(scorer, q1):
    data = scorer.grade(q1, GOOD_Q1).to_json()
    assert {"question_id", "score", "max", "criteria", "feedback"} <= set(data)
    for criterion in data["criteria"]:
        assert {"id", "awarded", "max", "matched", "missing", "misconception"} <= set(criterion)


@pytest.fixture(scope="module")
def reference_bank(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ref")
    question = {
        "id": "BIO1",
        "prompt": "Explain why enzymes speed up chemical reactions in cells.",
        "model_answer": ("Enzymes lower the activation energy of a reaction. "
                         "They bind the substrate at an active site with a complementary shape. "
                         "The enzyme is not used up, so one molecule catalyses many reactions."),
        "marks": 3,
    }
    return load_bank(write_bank(folder, [question], topics=False))


def test_reference_only_question_uses_its_own_scale(reference_bank):
    question = reference_bank.get("BIO1")
    scorer = Scorer(reference_bank)
    full = scorer.grade(question, "An enzyme lowers the activation energy. The substrate binds to the active site, "
                                  "which has a complementary shape, and the enzyme is not used up so it catalyses "
                                  "many reactions.")
    partial = scorer.grade(question, "Enzymes lower the activation energy needed.")
    nothing = scorer.grade(question, "Cells divide by mitosis.")
    assert full.max == 3 and full.score == 3
    assert 0.5 <= partial.score <= 1.5
    assert nothing.score == 0
    assert len(full.criteria) == 3


def test_reference_only_question_notices_contradiction(reference_bank):
    question = reference_bank.get("BIO1")
    result = Scorer(reference_bank).grade(question, "Enzymes do not lower the activation energy of a reaction.")
    assert result.criteria[0].awarded == 0


def test_similarity_equals_scikit_learns_tfidf(scorer, shipped_bank):
    """The TF-IDF written out in similarity.py must give the cosines that
    scikit-learn's TfidfVectorizer gives for the same analysers and settings."""
    np = pytest.importorskip("numpy")
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from quizzer.scoring.scorer import _bank_texts
    from quizzer.scoring.similarity import char_wb_ngrams

    corpus = _bank_texts(shipped_bank.questions)
    answers = [s.text for q in shipped_bank.questions for s in q.samples]
    answers += ["", "a", "ab  c\t d", "ÉTÉ over-fitting!!", "x" * 300]

    def words(text):
        keys = scorer._keys_of(text)
        return keys + [f"{a} {b}" for a, b in zip(keys, keys[1:])]

    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(corpus)
    word_view = TfidfVectorizer(analyzer=words, sublinear_tf=True).fit(corpus)
    analyse = chars.build_analyzer()
    assert all(sorted(analyse(t)) == sorted(char_wb_ngrams(t)) for t in corpus + answers)

    def reference(texts):
        return normalize(hstack([word_view.transform(texts), chars.transform(texts)]).tocsr())

    expected = (reference(answers) @ reference(corpus).T).toarray()
    sim = scorer.similarity
    got = np.array(sim.cosine(sim.vectors(answers), sim.vectors(corpus)))
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() < 1e-9


def test_a_typo_between_two_bank_words_is_read_as_the_one_its_phrase_needs(scorer, shipped_bank):
    # "noisey" is one edit from both "noise" and "noisy": the lexicon will not guess
    # which was meant, but the phrase "gradient is noisy" standing there decides it
    q13 = shipped_bank.get("Q13")
    spelt = by_id(scorer.grade(q13, "Each SGD update uses one sample, so the gradient is noisy."))
    typo = by_id(scorer.grade(q13, "Each SGD update uses one sample, so the gradient is noisey."))
    assert typo["one-sample-estimate"].awarded == spelt["one-sample-estimate"].awarded == 1.0
    assert "gradient is noisey" in typo["one-sample-estimate"].matched
    assert scorer.lexicon.correct("noisey") == "noisey"  # still no guess out of context


def test_only_long_unknown_words_tied_between_bank_words_get_alternatives():
    from quizzer.scoring.concepts import Reading, compile_phrase
    from quizzer.scoring.lexicon import Lexicon

    lexicon = Lexicon(["the model has a mode", "a noisy gradient from noise", "the bias is added"])
    assert set(lexicon.alternatives("modle")) == {lexicon.key("model"), lexicon.key("mode")}
    assert lexicon.alternatives("model") == ()  # a bank word is itself
    assert lexicon.alternatives("bais") == ()  # too short to tell a typo from another word
    assert lexicon.alternatives("noisyy") == ()  # one nearest word: corrected, not a tie
    assert lexicon.key("noisyy") == lexicon.key("noisy")
    phrase = compile_phrase("simple model", lexicon)
    assert Reading("a simple modle underfits", lexicon).find(phrase) is not None
    assert Reading("a simple mould underfits", lexicon).find(phrase) is None
    assert Reading("a simple modle does not underfit", lexicon).find(compile_phrase("model underfits", lexicon)) is None
