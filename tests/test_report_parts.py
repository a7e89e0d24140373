"""The pure parts of the reports: the readiness estimate, chart geometry, CSV cells."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from quizzer.reports.charts import HEIGHT, WIDTH, hbar_chart, histogram, line_chart
from quizzer.reports.cohort import pearson, slug
from quizzer.reports.readiness import PRIOR_MEAN, QuestionEvidence, estimate
from quizzer.reports.write import csv_cell

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def paper(recent=(), recall=None, n=20):
    return [QuestionEvidence(f"Q{i}", 2.0, recent, recall) for i in range(1, n + 1)]


def test_with_no_evidence_the_paper_is_worth_the_prior():
    r = estimate(paper())
    assert r.total == 40 and r.answered == 0
    assert r.expected == pytest.approx(40 * PRIOR_MEAN)
    assert r.low < r.expected < r.high


def test_perfect_recent_answers_and_full_recall_predict_nearly_full_marks():
    r = estimate(paper(recent=(1.0, 1.0, 1.0), recall=1.0))
    # three answers of 2 marks each against a prior worth half an answer (1 mark)
    assert r.expected == pytest.approx(40 * (PRIOR_MEAN * 1 + 6) / (1 + 6))
    assert r.expected > 35 and r.high <= 40


def test_forgetting_everything_predicts_nothing():
    r = estimate(paper(recent=(1.0, 1.0, 1.0), recall=0.0))
    assert r.expected == 0 and r.sd == 0 and r.low == 0 == r.high


def test_more_answers_narrow_the_range():
    one = estimate(paper(recent=(0.5,), recall=0.9))
    three = estimate(paper(recent=(0.5, 0.5, 0.5), recall=0.9))
    assert three.sd < one.sd
    assert abs(three.expected - 40 * 0.9 * 0.5) < abs(one.expected - 40 * 0.9 * 0.5)


def test_the_estimate_matches_a_simulation_of_its_own_model():
    """Draw p from the Beta, then each mark with probability R*p: the closed-form
    mean and spread must be what the simulation gives."""
    np = pytest.importorskip("numpy")
    evidence = [QuestionEvidence("a", 2.0, (1.0, 0.5), 0.8), QuestionEvidence("b", 2.0, (0.0,), 0.6),
                QuestionEvidence("c", 2.0, (), None), QuestionEvidence("d", 3.0, (1.0, 1.0, 0.5), 0.95)]
    r = estimate(evidence)
    rng = np.random.default_rng(7)
    draws = 400_000
    total = np.zeros(draws)
    for e in evidence:
        w = e.marks
        alpha = PRIOR_MEAN * 0.5 * w + sum(f * w for f in e.recent)
        beta = (1 - PRIOR_MEAN) * 0.5 * w + sum((1 - f) * w for f in e.recent)
        p = rng.beta(alpha, beta, draws)
        recall = 1.0 if e.recall is None else e.recall
        total += rng.binomial(int(w), recall * p)
    assert r.expected == pytest.approx(total.mean(), abs=0.01)
    assert r.sd == pytest.approx(total.std(), rel=0.01)


def test_histogram_counts_every_value_once():
    values = [0.0, 0.05, 0.1, 0.55, 0.99, 1.0, 1.0]
    chart = histogram(values)
    counts = [int(b.value or 0) for b in chart.bars]
    assert sum(counts) == len(values)
    assert counts[0] == 2 and counts[1] == 1 and counts[5] == 1 and counts[9] == 3
    heights = [b.height for b in chart.bars]
    assert heights[9] == max(heights) and heights[2] == 0
    assert all(0 <= b.y <= HEIGHT and b.x + b.width <= WIDTH for b in chart.bars)
    assert histogram([]) is None


def test_line_chart_stays_in_its_box_and_averages():
    points = [(T0 + timedelta(days=i), v, "quiz") for i, v in enumerate([0.0, 1.0, 0.5, 0.5])]
    chart = line_chart(points, window=2)
    x0, y0, x1, y1 = chart.plot
    assert all(x0 <= p.x <= x1 and y0 <= p.y <= y1 for p in chart.points + chart.trend)
    assert chart.points[0].y == y1 and chart.points[1].y == y0  # 0% at the bottom, 100% at the top
    assert chart.trend[1].y == pytest.approx((y0 + y1) / 2)  # mean of 0 and 1
    assert chart.x_ticks[0].label == "01 Nov"  # days apart: dates
    hours = line_chart([(T0 + timedelta(hours=i), 0.5, "quiz") for i in range(3)])
    assert [t.label for t in hours.x_ticks][:2] == ["01 Nov 00:00", "01 Nov 00:30"]  # hours apart: the time too
    one = line_chart([(T0, 0.25, "exam")])
    assert len(one.points) == 1 and x0 < one.points[0].x < x1


def test_horizontal_bars_grow_with_the_list_and_keep_labels():
    values = [(f"topic-{i}", i / 10, "") for i in range(11)]
    chart = hbar_chart(values, "mastery")
    assert chart.height > HEIGHT
    assert [b.label for b in chart.bars] == [v[0] for v in values]
    assert chart.bars[10].width == pytest.approx(chart.plot[2] - chart.plot[0]) and chart.bars[0].width == 0


def test_csv_cells_cannot_become_formulas():
    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert [csv_cell(v) for v in ("+1", "-1", "@a", "\tx", "  =1+1", "＝1", "plain", 3, 0.5, None)] == \
        ["'+1", "'-1", "'@a", "'\tx", "'  =1+1", "'＝1", "plain", 3, 0.5, ""]


def test_student_page_names_are_safe_and_unique():
    taken: set[str] = set()
    names = ["Zoë", "zoë", "../../etc/passwd", "<script>", "", "李明"]
    pages = [slug(n, taken) for n in names]
    assert len(set(pages)) == len(names)
    assert all(p.endswith(".html") and "/" not in p and ".." not in p.removesuffix(".html") for p in pages)


def test_pearson_needs_enough_students_and_spread():
    assert pearson([1, 2, 3, 4], [1, 2, 3, 4]) is None  # fewer than five
    assert pearson([1, 1, 1, 1, 1], [1, 2, 3, 4, 5]) is None  # no spread
    assert pearson([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]) == pytest.approx(1.0)
    assert pearson([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]) == pytest.approx(-1.0)


def test_a_recorded_misconception_reads_back_as_the_bank_phrase_and_the_words():
    from quizzer.misconceptions import describe, parts

    recorded = describe('relu "saturates" (always)', "relu saturates")
    assert parts(recorded) == ("relu saturates", 'relu "saturates" (always)')
    assert parts("written some other way") == ("written some other way", "written some other way")


def test_counted_words_are_singular_for_one():
    from quizzer.words import count, plural

    assert [count(n, "session") for n in (0, 1, 2, 1234)] == ["0 sessions", "1 session", "2 sessions", "1,234 sessions"]
    assert count(1, "student page") == "1 student page" and count(1.0, "mark") == "1 mark"
    assert count(2.5, "mark") == "2.5 marks" and plural(3, "criterion", "criteria") == "criteria"


def test_recall_shown_for_a_card_agrees_with_it_being_due():
    """FSRS counts forgetting in whole days: the day an answer is missed it says
    100% while the card is due again in minutes. The report shows no figure then,
    and FSRS's own figure once a day has passed or the card has left its steps."""
    from quizzer.progress.schedule import AGAIN, GOOD, TARGET_RECALL, in_learning_steps, review, shown_recall

    missed = review(None, "Q7", AGAIN, T0)
    assert in_learning_steps(missed.due, missed.last_review)
    assert shown_recall(missed.stability, missed.last_review, missed.due, T0 + timedelta(hours=2)) is None
    later = shown_recall(missed.stability, missed.last_review, missed.due, T0 + timedelta(days=3))
    assert later is not None and later < TARGET_RECALL
    learnt = review(review(None, "Q1", GOOD, T0), "Q1", GOOD, T0 + timedelta(minutes=15))
    assert not in_learning_steps(learnt.due, learnt.last_review)
    assert shown_recall(learnt.stability, learnt.last_review, learnt.due, T0 + timedelta(minutes=20)) == 1.0
    at_due = shown_recall(learnt.stability, learnt.last_review, learnt.due, learnt.due)
    assert at_due <= TARGET_RECALL + 0.03  # the interval is a whole number of days
    assert shown_recall(None, None, T0, T0) is None


def test_a_long_series_is_thinned_to_its_stretches_first_last_lowest_and_highest():
    from quizzer.reports.charts import MAX_POINTS, thin

    rng = random.Random(3)
    xs = sorted(rng.uniform(0, 1000) for _ in range(5000))
    ys = [rng.random() for _ in xs]
    kept = thin(xs, ys)
    assert len(kept) <= MAX_POINTS and kept == sorted(set(kept))
    assert {0, len(xs) - 1, ys.index(min(ys)), ys.index(max(ys))} <= set(kept)
    assert thin(xs[:MAX_POINTS], ys[:MAX_POINTS]) == list(range(MAX_POINTS))  # short series are drawn whole
    chart = line_chart([(T0 + timedelta(hours=x), y, "quiz") for x, y in zip(xs, ys, strict=True)])
    assert chart.thinned and chart.total == 5000 and len(chart.points) <= MAX_POINTS


def test_item_statistics_agree_with_the_statistics_module():
    """``pearson`` and ``_spread`` work in floats for speed; they must still agree with
    the standard library's exact computations on marks as a class earns them."""
    import random
    import statistics

    from quizzer.reports.cohort import _spread

    rng = random.Random(7)
    for _ in range(100):
        n = rng.randint(5, 400)
        xs = [rng.choice([0, 0.25, 0.5, 0.75, 1]) for _ in range(n)]
        ys = [rng.random() for _ in range(n)]
        assert pearson(xs, ys) == pytest.approx(statistics.correlation(xs, ys), abs=1e-12)
        mean, sd = _spread(xs)
        assert mean == pytest.approx(statistics.fmean(xs), abs=1e-15)
        assert sd == pytest.approx(statistics.stdev(xs), abs=1e-12)
