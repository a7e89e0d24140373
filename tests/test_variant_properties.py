"""Invariants of the solvers, for any numbers (hypothesis), and determinism across processes."""

from __future__ import annotations

import json
import math
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.variants import family_ids, generate, get_family
from quizzer.variants.export import variant_detail
from quizzer.variants.parse import parse_answer

finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=10, allow_nan=False, allow_infinity=False)


def solve(family_id: str, **params):
    return get_family(family_id).solve(params)


def norm(values) -> float:
    return math.sqrt(sum(v * v for v in values))


@given(grads=st.lists(finite, min_size=1, max_size=8).filter(lambda g: norm(g) > 1e-3), max_norm=positive)
def test_global_norm_clipping_caps_the_norm_and_keeps_the_direction(grads, max_norm):
    clipped = solve("clip_global_norm", grads=grads, max_norm=max_norm)
    assert norm(clipped) <= max(max_norm, norm(grads)) * (1 + 1e-9)
    assert norm(clipped) <= max_norm * (1 + 1e-9) or clipped == grads
    cosine = sum(a * b for a, b in zip(grads, clipped)) / (norm(grads) * norm(clipped))
    assert math.isclose(cosine, 1.0, rel_tol=1e-9)


@given(grads=st.lists(finite, min_size=1, max_size=8), c=positive)
def test_clipping_by_value_keeps_every_value_within_c(grads, c):
    clipped = solve("clip_by_value", grads=grads, c=c)  # answers keep 12 significant digits
    assert all(abs(v) <= c * (1 + 1e-11) for v in clipped)
    assert all(math.isclose(v, g, rel_tol=1e-11, abs_tol=1e-12) for v, g in zip(clipped, grads) if abs(g) <= c)


@given(w=st.lists(finite, min_size=1, max_size=8), lr=positive, lam=positive)
def test_an_l1_step_never_flips_a_sign_and_never_grows_a_weight(w, lr, lam):
    stepped = solve("l1_step", w=w, lr=lr, lam=lam)
    for old, new in zip(w, stepped):
        assert old * new >= 0
        assert abs(new) <= abs(old) * (1 + 1e-11)


@given(w=st.lists(finite, min_size=1, max_size=8), lr=st.floats(0.001, 1), lam=st.floats(0.001, 0.4))
def test_an_l2_step_shrinks_every_weight_by_the_same_factor(w, lr, lam):
    stepped = solve("l2_step", w=w, lr=lr, lam=lam)
    for old, new in zip(w, stepped):
        assert math.isclose(new, old * (1 - 2 * lr * lam), rel_tol=1e-10, abs_tol=1e-12)


@given(theta0=finite, g=finite.filter(lambda g: abs(g) > 1e-3), lr=st.floats(1e-4, 1.0),
       beta1=st.floats(0.5, 0.99), beta2=st.floats(0.9, 0.9999))
def test_adams_first_step_has_size_lr(theta0, g, lr, beta1, beta2):
    theta1 = solve("adam_steps", theta0=theta0, grads=[g], lr=lr, beta1=beta1, beta2=beta2, eps=1e-8)
    assert math.isclose(abs(theta1 - theta0), lr, rel_tol=1e-4, abs_tol=1e-9)
    assert (theta1 - theta0) * g < 0  # downhill


@given(x=st.lists(finite, min_size=2, max_size=8), gamma=positive, beta=finite)
def test_batchnorm_output_has_mean_beta(x, gamma, beta):
    out = solve("batchnorm_forward", x=x, gamma=gamma, beta=beta, eps=1e-5)
    assert math.isclose(sum(out) / len(out), beta, rel_tol=1e-9, abs_tol=1e-7 * (1 + gamma))


@given(activations=st.lists(st.floats(0, 10), min_size=1, max_size=8), p=st.floats(0.05, 0.9), data=st.data())
def test_inverted_dropout_zeroes_dropped_units_and_scales_kept_ones(activations, p, data):
    mask = data.draw(st.lists(st.integers(0, 1), min_size=len(activations), max_size=len(activations)))
    out = solve("dropout_forward", activations=activations, mask=mask, p=p)
    for a, m, o in zip(activations, mask, out):
        assert o == 0 if not m else math.isclose(o, a / (1 - p), rel_tol=1e-10)


@given(losses=st.lists(st.integers(1, 200).map(lambda k: k / 100), min_size=1, max_size=15),
       patience=st.integers(1, 5))
def test_early_stopping_best_epoch_holds_the_lowest_loss_seen(losses, patience):
    stop, best = solve("early_stopping", val_losses=losses, patience=patience)
    assert 1 <= best <= stop <= len(losses)
    assert losses[best - 1] == min(losses[:stop])
    assert stop == len(losses) or stop - best == patience


@given(value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_any_printed_float_reads_back_as_itself(value):
    assert math.isclose(parse_answer(repr(value), "number"), value, rel_tol=1e-11)


@settings(max_examples=30)
@given(seed=st.integers(0, 2**63))
def test_every_family_generates_for_any_seed(seed):
    for family_id in family_ids():
        detail = json.loads(json.dumps(variant_detail(generate(family_id, seed))))
        answers = detail["answer"] if isinstance(detail["answer"], list) else [detail["answer"]]
        assert all(math.isfinite(a) for a in answers) and detail["solution"]


SCRIPT = """
import json
from quizzer.variants import family_ids, generate
from quizzer.variants.export import variant_detail
print(json.dumps({f: variant_detail(generate(f, 12345)) for f in family_ids()}, sort_keys=True))
"""


def test_variants_are_identical_in_a_fresh_process():
    here = {f: variant_detail(generate(f, 12345)) for f in family_ids()}
    other = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(other.stdout) == json.loads(json.dumps(here, sort_keys=True))
    assert len(here) == 42
