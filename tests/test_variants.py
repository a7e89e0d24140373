"""Every variant family: the contract ids, determinism, JSON-ready answers, prompts that show
their numbers, solvers that agree with an independent plain-Python loop, sane parameters."""

from __future__ import annotations

import json
import math

import pytest

from quizzer.errors import NotFound
from quizzer.variants import all_families, generate, get_family
from quizzer.variants.check import check_answer

from .variant_references import REFERENCES

# The public contract of issue 3: id -> home question.
CONTRACT = {
    "perceptron_output": "Q1", "average_loss": "Q2", "linear_collapse": "Q3", "bias_boundary": "Q4",
    "sigmoid_chain": "Q5", "gradient_decay": "Q7", "one_hidden_layer": "Q6", "batchnorm_forward": "Q8",
    "dense_param_count": "Q9", "generalization_gap": "Q10", "dropout_forward": "Q11", "early_stopping": "Q12",
    "updates_per_epoch": "Q13", "momentum_velocity": "Q14", "l1_step": "Q15", "l2_step": "Q15",
    "adam_steps": "Q16", "clip_global_norm": "Q17", "bias_variance": "Q18", "minibatch_variance": "Q19",
    "xavier_uniform_limit": "Q20", "he_normal_std": "Q20",
}
CONTRACT_PARAMS = {
    "perceptron_output": {"w", "b", "x"}, "average_loss": {"losses"}, "linear_collapse": {"W1", "b1", "W2", "b2"},
    "bias_boundary": {"w", "b"}, "sigmoid_chain": {"z"}, "gradient_decay": {"factor", "layers"},
    "one_hidden_layer": {"v", "w", "b", "x"}, "batchnorm_forward": {"x", "gamma", "beta", "eps"},
    "dense_param_count": {"layers"}, "generalization_gap": {"train_acc", "test_acc"},
    "dropout_forward": {"activations", "mask", "p"}, "early_stopping": {"val_losses", "patience"},
    "updates_per_epoch": {"m", "batch_size"}, "momentum_velocity": {"lr", "beta", "w0", "grads"},
    "l1_step": {"w", "lr", "lam"}, "l2_step": {"w", "lr", "lam"},
    "adam_steps": {"theta0", "grads", "lr", "beta1", "beta2", "eps"}, "clip_global_norm": {"grads", "max_norm"},
    "bias_variance": {"predictions", "true_value"}, "minibatch_variance": {"sigma2", "batch_size"},
    "xavier_uniform_limit": {"fan_in", "fan_out"}, "he_normal_std": {"fan_in"},
}
OTHERS = {
    "perceptron_update": "Q1", "gradient_average": "Q2", "linear_composition": "Q3", "boundary_offset": "Q4",
    "relu_chain": "Q5", "sigmoid_step_location": "Q6", "layers_to_vanish": "Q7", "batchnorm_stats": "Q8",
    "gd_step": "Q9", "params_per_sample": "Q10", "dropout_keep_count": "Q11", "patience_stop": "Q12",
    "total_updates": "Q13", "momentum_effective_step": "Q14", "l1_zero_steps": "Q15",
    "adam_bias_correction": "Q16", "clip_by_value": "Q17", "error_decomposition": "Q18", "batch_memory": "Q19",
    "signal_growth": "Q20",
}
ALL_IDS = sorted({**CONTRACT, **OTHERS})
SEEDS = (0, 1, 7, 12345, 2**40 + 3)


def shown(value) -> str:
    """How a parameter should read in a prompt: 2 for 2.0, 0.25, 1e-8 (not 1e-08)."""
    if isinstance(value, int):
        return str(value)
    if value == int(value):
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def leaves(value):
    if isinstance(value, list):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def close(a, b, rel=1e-9, abs_=1e-9) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, rel, abs_) for x, y in zip(a, b))
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def test_registry_has_exactly_the_42_families_of_the_bank():
    assert sorted(all_families()) == ALL_IDS
    assert len(ALL_IDS) == 42


@pytest.mark.parametrize("family_id", sorted(CONTRACT))
def test_contract_families_keep_their_home_question_and_parameter_names(family_id):
    assert get_family(family_id).question_id == CONTRACT[family_id]
    assert set(generate(family_id, 3).params) == CONTRACT_PARAMS[family_id]


def test_every_question_has_at_least_two_families():
    homes = {f.question_id for f in all_families().values()}
    assert homes == {f"Q{n}" for n in range(1, 21)}
    for n in range(1, 21):
        assert sum(f.question_id == f"Q{n}" for f in all_families().values()) >= 2


def test_unknown_family_is_not_found():
    with pytest.raises(NotFound):
        generate("no_such_family", 1)


@pytest.mark.parametrize("family_id", ALL_IDS)
def test_same_seed_same_variant_other_seed_other_numbers(family_id):
    for seed in SEEDS:
        assert generate(family_id, seed) == generate(family_id, seed)
    assert len({json.dumps(generate(family_id, s).params) for s in range(40)}) > 10


@pytest.mark.parametrize("family_id", ALL_IDS)
def test_answer_params_and_solution_are_json_ready(family_id):
    family = get_family(family_id)
    for seed in SEEDS:
        variant = generate(family_id, seed)
        types = {type(v) for v in leaves(variant.answer)}
        expected = {"number": {float}, "vector": {float}, "integer": {int}, "yes/no": {bool}}.get(
            family.answer_type, {float, int})
        assert types <= expected, (seed, variant.answer)
        assert all(type(v) in (int, float) for v in leaves(list(variant.params.values())))
        assert json.loads(json.dumps(variant.answer)) == variant.answer
        if family.answer_type == "pair":
            assert isinstance(variant.answer, list) and len(variant.answer) == 2
        if family.answer_type == "vector":
            assert isinstance(variant.answer, list) and len(variant.answer) >= 2
        assert variant.solution and all(isinstance(s, str) and s for s in variant.solution)
        mistakes = family.mistakes(variant.params)
        assert mistakes, "every family names at least one typical mistake"
        json.dumps([m.value for m in mistakes])


@pytest.mark.parametrize("family_id", ALL_IDS)
def test_prompt_shows_every_parameter_as_the_solver_uses_it(family_id):
    for seed in SEEDS:
        variant = generate(family_id, seed)
        for value in leaves(list(variant.params.values())):
            assert shown(value) in variant.prompt, (value, variant.prompt)


@pytest.mark.parametrize("family_id", ALL_IDS)
def test_solver_agrees_with_an_independent_plain_python_loop(family_id):
    reference = REFERENCES[family_id]
    for seed in range(60):
        variant = generate(family_id, seed)
        want = reference(variant.params)
        if isinstance(variant.answer, int) or (isinstance(variant.answer, list) and isinstance(want[0], int)):
            assert variant.answer == want, (seed, variant.params)
        else:
            assert close(variant.answer, want), (seed, variant.params, variant.answer, want)


@pytest.mark.parametrize("family_id", ALL_IDS)
def test_the_answer_itself_is_marked_correct_and_mistakes_are_named(family_id):
    for seed in range(25):
        variant = generate(family_id, seed)
        unit = variant.unit
        assert check_answer(variant, json.dumps(variant.answer) + unit).correct
        for mistake in get_family(family_id).mistakes(variant.params):
            result = check_answer(variant, json.dumps(mistake.value))
            if not result.correct:
                assert result.mistake is not None, (seed, mistake.name)
                assert "It looks like" in result.feedback


def _finite(value) -> bool:
    return all(math.isfinite(v) and abs(v) < 1e12 for v in leaves(value))


# What "degenerate" means for each family: the case that would make it trivial or ill-posed.
NOT_DEGENERATE = {
    "perceptron_output": lambda p, a: abs(p["w"][0] * p["x"][0] + p["w"][1] * p["x"][1] + p["b"]) >= 0.1,
    "perceptron_update": lambda p, a: a != [*p["w"], p["b"]],
    "gradient_average": lambda p, a: abs(sum(p["grads"])) > 0,
    "linear_collapse": lambda p, a: any(a[:4]),
    "bias_boundary": lambda p, a: p["w"][0] != 0 and a != 0,
    "boundary_offset": lambda p, a: a > 0,
    "sigmoid_chain": lambda p, a: 0 < a <= 0.25 ** len(p["z"]),
    "relu_chain": lambda p, a: all(abs(z) >= 0.1 for z in p["z"]),
    "sigmoid_step_location": lambda p, a: p["w"] != 0,
    "gradient_decay": lambda p, a: 0 < a < 1,
    "batchnorm_forward": lambda p, a: len(set(p["x"])) > 1,
    "batchnorm_stats": lambda p, a: a[1] >= 0.1,
    "gd_step": lambda p, a: any(p["grads"]),
    "generalization_gap": lambda p, a: a > 0 and p["test_acc"] > 0,
    "dropout_forward": lambda p, a: 0 < sum(p["mask"]) < len(p["mask"]) and p["p"] < 1,
    "momentum_velocity": lambda p, a: any(p["grads"]) and p["lr"] > 0,
    "momentum_effective_step": lambda p, a: p["beta"] < 1,
    "l1_step": lambda p, a: 0.0 in a and any(a),
    "l2_step": lambda p, a: all(x * y > 0 and abs(x) < abs(y) for x, y in zip(a, p["w"])),
    "adam_steps": lambda p, a: any(p["grads"]) and a != p["theta0"],
    "adam_bias_correction": lambda p, a: a >= 1.05,
    "clip_global_norm": lambda p, a: any(p["grads"]),
    "clip_by_value": lambda p, a: a != p["grads"] and any(abs(g) < p["c"] for g in p["grads"]),
    "bias_variance": lambda p, a: a[0] > 0 and a[1] > 0,
    "minibatch_variance": lambda p, a: a > 0,
    "signal_growth": lambda p, a: abs(p["sigma_w"] * math.sqrt(p["n"]) - 1) >= 0.02,
    "updates_per_epoch": lambda p, a: a >= 2,
    "early_stopping": lambda p, a: 1 <= a[1] <= a[0] <= len(p["val_losses"]),
}


@pytest.mark.parametrize("family_id", ALL_IDS)
def test_parameters_are_never_degenerate_over_many_seeds(family_id):
    check = NOT_DEGENERATE.get(family_id, lambda p, a: True)
    for seed in range(400):
        variant = generate(family_id, seed)
        assert _finite(variant.answer) and _finite(list(variant.params.values())), (seed, variant.params)
        assert check(variant.params, variant.answer), (seed, variant.params, variant.answer)


def test_early_stopping_sometimes_stops_early_and_sometimes_runs_to_the_end():
    outcomes = {generate("early_stopping", s).answer[0] == len(generate("early_stopping", s).params["val_losses"])
                for s in range(100)}
    assert outcomes == {True, False}


def test_relu_chain_answers_are_a_mix_of_zero_and_one():
    assert {generate("relu_chain", s).answer for s in range(100)} == {0, 1}


def test_global_norm_clipping_variants_include_clipped_and_unclipped_cases():
    cases = {generate("clip_global_norm", s).answer != generate("clip_global_norm", s).params["grads"]
             for s in range(100)}
    assert cases == {True, False}
