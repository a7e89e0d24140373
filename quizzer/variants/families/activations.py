"""Families for Q5 (sigmoid vs ReLU gradients), Q6 (one hidden layer) and Q7 (vanishing gradients)."""

from __future__ import annotations

import math

from ..family import Family, Mistake, Tolerance
from ._common import clean, fmt, fmt_list, grid, ints, np, num, paren, pick, sig3_prompt, sigmoid, signed

__all__ = ["FAMILIES"]

EXACT = Tolerance(rel=0.0, abs=0.0)
TINY = Tolerance(rel=0.01, abs=0.0)  # answers that can be 1e-9 small: relative only
SIG = Tolerance(rel=0.01, abs=0.001)


def _py_sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# sigmoid_chain (Q5, also Q7) -----------------------------------------------------------

def _chain_sample(rng) -> dict:
    return {"z": grid(rng, -3, 3, 1, ints(rng, 2, 5))}


def _chain_prompt(p) -> str:
    return sig3_prompt(f"A gradient flows back through {len(p['z'])} sigmoid layers whose pre-activations "
                       f"are z = {fmt_list(p['z'])}. Each layer multiplies it by σ'(z) = σ(z)·(1 − σ(z)). "
                       "By what overall factor is the gradient multiplied (the product of the σ'(z_i))?")


def _chain_solve(p) -> float:
    s = sigmoid(p["z"])
    return clean(np.prod(s * (1.0 - s)))


def _chain_solution(p, answer) -> list[str]:
    steps = ["Multiply σ'(z_i) = σ(z_i)·(1 − σ(z_i)) over the layers; each factor is at most 0.25."]
    for z in p["z"]:
        s = _py_sigmoid(z)
        steps.append(f"z = {fmt(z)}: σ = {num(s)}, σ' = {num(s)}·{num(1 - s)} = {num(s * (1 - s))}")
    steps.append(f"Product = {num(answer)}: the gradient shrinks with every sigmoid layer.")
    return steps


def _chain_mistakes(p) -> list[Mistake]:
    sig = [_py_sigmoid(z) for z in p["z"]]
    return [Mistake("sigmoid-not-derivative", clean(math.prod(sig)),
                    "the product of σ(z_i): the chain rule multiplies the derivatives σ(z)(1 − σ(z))."),
            Mistake("max-derivative", clean(0.25 ** len(p["z"])),
                    "0.25 per layer, σ' at z = 0 (its maximum): use each layer's z."),
            Mistake("sum", clean(sum(s * (1 - s) for s in sig)),
                    "a sum of the derivatives: the chain rule multiplies them.")]


# relu_chain (Q5) --------------------------------------------------------------------------

def _relu_sample(rng) -> dict:
    z = signed(rng, 0.1, 3, 1, ints(rng, 3, 6))
    if rng.random() < 0.5:
        z = [abs(v) for v in z]  # half the variants pass the gradient through
    elif min(z) > 0:
        z[ints(rng, 0, len(z) - 1)] *= -1
    return {"z": z}


def _relu_prompt(p) -> str:
    return (f"A gradient flows back through {len(p['z'])} ReLU layers whose pre-activations are "
            f"z = {fmt_list(p['z'])}. Each layer multiplies it by ReLU'(z) (1 if z > 0, 0 if z < 0). "
            "What is the overall factor, the product of the ReLU'(z_i)? Give 0 or 1.")


def _relu_solve(p) -> int:
    return int(all(z > 0 for z in p["z"]))


def _relu_solution(p, answer) -> list[str]:
    factors = [1 if z > 0 else 0 for z in p["z"]]
    return ["ReLU'(z) is 1 for z > 0 and 0 for z < 0; multiply these over the layers.",
            f"Factors: {' · '.join(str(f) for f in factors)} = {answer}",
            "A positive unit passes the gradient unchanged (no shrinking, unlike sigmoid's 0.25); "
            "a negative one blocks it completely." if not answer else
            "Every unit is active, so the gradient passes through all layers without shrinking."]


def _relu_mistakes(p) -> list[Mistake]:
    if _relu_solve(p):
        return [Mistake("relu-output", clean(math.prod(p["z"])),
                        "the product of the ReLU outputs: the gradient uses the derivatives, here all 1.")]
    return [Mistake("derivative-always-one", 1,
                    "ReLU'(z) was treated as 1 everywhere: it is 0 for z < 0, which blocks the gradient.")]


# one_hidden_layer (Q6) ------------------------------------------------------------------

def _hidden_sample(rng) -> dict:
    while True:
        n = ints(rng, 2, 3)
        v, b = signed(rng, 0.1, 2, 1, 2 * n), grid(rng, -2, 2, 1, n + 1)
        p = {"v": v[:n], "w": v[n:], "b": b[:n], "x": b[-1]}
        if abs(_hidden_solve(p)) >= 0.05:
            return p


def _hidden_prompt(p) -> str:
    return sig3_prompt(f"A network with one input x = {fmt(p['x'])}, {len(p['v'])} sigmoid hidden units and a "
                       f"linear output computes y = Σ v_i·σ(w_i·x + b_i) with w = {fmt_list(p['w'])}, "
                       f"b = {fmt_list(p['b'])} and output weights v = {fmt_list(p['v'])}. What is y?")


def _hidden_solve(p) -> float:
    hidden = sigmoid(np.multiply(p["w"], p["x"]) + p["b"])
    return clean(np.dot(p["v"], hidden))


def _hidden_solution(p, answer) -> list[str]:
    steps = ["Each hidden unit computes σ(w_i·x + b_i); the output adds them up weighted by v_i."]
    for i, (v, w, b) in enumerate(zip(p["v"], p["w"], p["b"], strict=True), start=1):
        z = w * p["x"] + b
        steps.append(f"Unit {i}: z = {paren(w)}·{paren(p['x'])} + {paren(b)} = {num(z)}, "
                     f"σ(z) = {num(_py_sigmoid(z))}, times v = {fmt(v)}: {num(v * _py_sigmoid(z))}")
    steps.append(f"y = {num(answer)}")
    return steps


def _hidden_mistakes(p) -> list[Mistake]:
    units = list(zip(p["v"], p["w"], p["b"], strict=True))
    return [Mistake("no-sigmoid", clean(sum(v * (w * p["x"] + b) for v, w, b in units)),
                    "the hidden units were left linear: apply σ to each w_i·x + b_i."),
            Mistake("no-bias", clean(sum(v * _py_sigmoid(w * p["x"]) for v, w, b in units)),
                    "the hidden biases b_i were left out.")]


# sigmoid_step_location (Q6) ----------------------------------------------------------------

def _step_sample(rng) -> dict:
    return {"w": signed(rng, 0.5, 5, 1), "b": signed(rng, 0.1, 5, 1)}


def _step_prompt(p) -> str:
    return sig3_prompt(f"A sigmoid unit σ(w·x + b) with w = {fmt(p['w'])} and b = {fmt(p['b'])} looks like a "
                       "smoothed step. At which input x is its output exactly 0.5 (the middle of the step)?")


def _step_solve(p) -> float:
    return clean(-p["b"] / p["w"])


def _step_solution(p, answer) -> list[str]:
    return ["σ(t) = 0.5 exactly when t = 0, so solve w·x + b = 0.",
            f"x = −b/w = −({fmt(p['b'])}) / {paren(p['w'])} = {num(answer)}",
            "The bias places the step; a larger |w| makes it steeper. Sums of such steps build any curve."]


def _step_mistakes(p) -> list[Mistake]:
    return [Mistake("sign", clean(p["b"] / p["w"]), "b/w: the sign is lost; w·x + b = 0 gives x = −b/w."),
            Mistake("inverted", clean(-p["w"] / p["b"]), "−w/b, the ratio upside down: x = −b/w.")]


# gradient_decay (Q7) -------------------------------------------------------------------------

def _decay_sample(rng) -> dict:
    return {"factor": grid(rng, 0.1, 0.95, 2), "layers": ints(rng, 2, 20)}


def _decay_prompt(p) -> str:
    return sig3_prompt(f"During backpropagation each of {p['layers']} layers multiplies the gradient by "
                       f"{fmt(p['factor'])}. What fraction of the gradient reaches the first layer?")


def _decay_solve(p) -> float:
    return clean(p["factor"] ** p["layers"])


def _decay_solution(p, answer) -> list[str]:
    return ["The per-layer factors multiply: factor ** layers.",
            f"{fmt(p['factor'])} ** {p['layers']} = {num(answer)}",
            "Any factor below 1 makes the gradient shrink exponentially with depth (vanishing gradients)."]


def _decay_mistakes(p) -> list[Mistake]:
    f, n = p["factor"], p["layers"]
    return [Mistake("multiplied", clean(f * n), "factor × layers: repeated factors multiply, giving a power."),
            Mistake("off-by-one", clean(f ** (n - 1)), f"factor ** {n - 1}: there are {n} factors, one per layer.")]


# layers_to_vanish (Q7) ---------------------------------------------------------------------

def _vanish_sample(rng) -> dict:
    while True:
        factor, threshold = grid(rng, 0.1, 0.9, 2), pick(rng, (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8))
        ratio = math.log(threshold) / math.log(factor)
        if abs(ratio - round(ratio)) > 1e-6:  # no factor**n landing exactly on the threshold
            return {"factor": factor, "threshold": threshold}


def _vanish_prompt(p) -> str:
    return (f"Each layer multiplies the backpropagated gradient by {fmt(p['factor'])}. What is the smallest "
            f"number of layers n for which the gradient factor {fmt(p['factor'])}**n falls below "
            f"{fmt(p['threshold'])}? Give a whole number.")


def _vanish_solve(p) -> int:
    return math.floor(math.log(p["threshold"]) / math.log(p["factor"])) + 1


def _vanish_solution(p, answer) -> list[str]:
    ratio = math.log(p["threshold"]) / math.log(p["factor"])
    return ["factor**n < threshold ⇔ n > ln(threshold) / ln(factor) (dividing by ln(factor) < 0 flips the sign).",
            f"ln({fmt(p['threshold'])}) / ln({fmt(p['factor'])}) = {num(ratio)}",
            f"The smallest whole n above {num(ratio)} is {answer}: "
            f"{fmt(p['factor'])}**{answer} = {num(p['factor'] ** answer)}, while "
            f"{fmt(p['factor'])}**{answer - 1} = {num(p['factor'] ** (answer - 1))}."]


def _vanish_mistakes(p) -> list[Mistake]:
    answer = _vanish_solve(p)
    return [Mistake("one-too-few", answer - 1,
                    f"n is one layer short: at n = {answer - 1} the factor is still above the threshold.")]


FAMILIES = [
    Family(id="sigmoid_chain", question_id="Q5", title="Gradient through a chain of sigmoids", answer_type="number",
           sample=_chain_sample, prompt=_chain_prompt, solve=_chain_solve, solution=_chain_solution, tolerance=TINY,
           mistakes=_chain_mistakes),
    Family(id="relu_chain", question_id="Q5", title="Gradient through a chain of ReLUs", answer_type="integer",
           sample=_relu_sample, prompt=_relu_prompt, solve=_relu_solve, solution=_relu_solution, tolerance=EXACT,
           mistakes=_relu_mistakes),
    Family(id="one_hidden_layer", question_id="Q6", title="Output of a one-hidden-layer network", answer_type="number",
           sample=_hidden_sample, prompt=_hidden_prompt, solve=_hidden_solve, solution=_hidden_solution,
           tolerance=SIG, mistakes=_hidden_mistakes),
    Family(id="sigmoid_step_location", question_id="Q6", title="Where a sigmoid unit steps", answer_type="number",
           sample=_step_sample, prompt=_step_prompt, solve=_step_solve, solution=_step_solution, tolerance=SIG,
           mistakes=_step_mistakes),
    Family(id="gradient_decay", question_id="Q7", title="Gradient left after many layers", answer_type="number",
           sample=_decay_sample, prompt=_decay_prompt, solve=_decay_solve, solution=_decay_solution, tolerance=TINY,
           mistakes=_decay_mistakes),
    Family(id="layers_to_vanish", question_id="Q7", title="Layers until the gradient vanishes", answer_type="integer",
           sample=_vanish_sample, prompt=_vanish_prompt, solve=_vanish_solve, solution=_vanish_solution,
           tolerance=EXACT, mistakes=_vanish_mistakes),
]
