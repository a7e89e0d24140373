"""Families for Q1 (the perceptron) and Q2 (averaging the loss over a batch)."""

from __future__ import annotations

from ..family import Family, Mistake, Tolerance
from ._common import (
    DECIMALS_4,
    clean,
    clean_list,
    fmt,
    fmt_list,
    fmt_sum,
    grid,
    ints,
    np,
    num,
    paren,
    pick,
    sig3_prompt,
)

__all__ = ["FAMILIES"]

EXACT = Tolerance(rel=0.0, abs=0.0)
UPDATE = Tolerance(rel=0.0, abs=0.0005)  # answers asked to 4 decimal places
SIG = Tolerance(rel=0.01, abs=1e-9)


def _net_input(w, b, x) -> float:
    return w[0] * x[0] + w[1] * x[1] + b


def _perceptron_params(rng) -> dict:
    """Weights, bias and input whose net input is clearly away from the threshold."""
    while True:
        v = grid(rng, -2, 2, 1, 5)
        w, b, x = v[:2], v[2], v[3:]
        if any(w) and abs(_net_input(w, b, x)) >= 0.1:
            return {"w": w, "b": b, "x": x}


def _dot_steps(w, x, b) -> list[str]:
    wx = w[0] * x[0] + w[1] * x[1]
    return [f"w·x = {paren(w[0])}·{paren(x[0])} + {paren(w[1])}·{paren(x[1])} = {num(wx)}",
            f"z = w·x + b = {num(wx)} + {paren(b)} = {num(wx + b)}"]


# perceptron_output (Q1) -------------------------------------------------------------

def _output_prompt(p) -> str:
    return (f"A perceptron has weights w = {fmt_list(p['w'])} and bias b = {fmt(p['b'])}. It outputs 1 "
            f"if w·x + b > 0 and 0 otherwise. What does it output for the input x = {fmt_list(p['x'])}? "
            "Give 0 or 1.")


def _output_solve(p) -> int:
    return int(_net_input(p["w"], p["b"], p["x"]) > 0)


def _output_solution(p, answer) -> list[str]:
    z = _net_input(p["w"], p["b"], p["x"])
    return ["Compute the net input z = w·x + b; the output is 1 when z > 0, else 0.",
            *_dot_steps(p["w"], p["x"], p["b"]),
            f"{num(z)} {'>' if answer else '≤'} 0, so the output is {answer}."]


def _output_mistakes(p) -> list[Mistake]:
    without_bias = int(float(np.dot(p["w"], p["x"])) > 0)
    return [Mistake("no-bias", without_bias, "the output of w·x alone: add the bias b before thresholding.")]


# perceptron_update (Q1) -------------------------------------------------------------

def _update_sample(rng) -> dict:
    p = _perceptron_params(rng)
    predicted = int(_net_input(p["w"], p["b"], p["x"]) > 0)
    p.update(y=1 - predicted, lr=pick(rng, (0.1, 0.2, 0.5, 1.0)))  # a misclassified example
    return p


def _update_prompt(p) -> str:
    return (f"A perceptron with weights w = {fmt_list(p['w'])} and bias b = {fmt(p['b'])} predicts "
            f"ŷ = 1 if w·x + b > 0, else 0. It sees the example x = {fmt_list(p['x'])} with target "
            f"y = {p['y']} and learns with rate lr = {fmt(p['lr'])} by the perceptron rule "
            "w ← w + lr·(y − ŷ)·x, b ← b + lr·(y − ŷ). Give the list [w1, w2, b] after this update, "
            f"{DECIMALS_4}.")


def _update_with(p, sign: float, lr: float, update_bias: bool = True) -> list[float]:
    w, x = np.asarray(p["w"], dtype=float), np.asarray(p["x"], dtype=float)
    error = p["y"] - int(float(np.dot(w, x)) + p["b"] > 0)
    new_w = w + sign * lr * error * x
    new_b = p["b"] + sign * lr * error if update_bias else p["b"]
    return clean_list(np.append(new_w, new_b))


def _update_solve(p) -> list[float]:
    return _update_with(p, 1.0, p["lr"])


def _update_solution(p, answer) -> list[str]:
    predicted = 1 - p["y"]
    error = p["y"] - predicted
    return ["Predict ŷ with the current weights, then add lr·(y − ŷ) times the input to w (and lr·(y − ŷ) to b).",
            *_dot_steps(p["w"], p["x"], p["b"]),
            f"So ŷ = {predicted}, and y − ŷ = {p['y']} − {predicted} = {error}.",
            f"w ← {fmt_list(p['w'])} + {fmt(p['lr'])}·({error})·{fmt_list(p['x'])} = "
            f"[{num(answer[0])}, {num(answer[1])}]",
            f"b ← {fmt(p['b'])} + {fmt(p['lr'])}·({error}) = {num(answer[2])}",
            f"Answer: [{num(answer[0])}, {num(answer[1])}, {num(answer[2])}]"]


def _update_mistakes(p) -> list[Mistake]:
    mistakes = [Mistake("bias-not-updated", _update_with(p, 1.0, p["lr"], update_bias=False),
                        "the bias was left unchanged: it is updated too, by lr·(y − ŷ)."),
                Mistake("wrong-sign", _update_with(p, -1.0, p["lr"]),
                        "the update went the wrong way: the rule adds lr·(y − ŷ)·x."),
                Mistake("no-learning-rate", _update_with(p, 1.0, 1.0),
                        "the learning rate was left out of the update.")]
    return mistakes


# average_loss (Q2) -------------------------------------------------------------------

def _average_sample(rng) -> dict:
    return {"losses": grid(rng, 0.05, 3.0, 2, ints(rng, 4, 8))}


def _average_prompt(p) -> str:
    return sig3_prompt(f"A mini-batch of {len(p['losses'])} examples has the per-example losses "
                       f"{fmt_list(p['losses'])}. What is the average loss over the batch?")


def _average_solve(p) -> float:
    return clean(np.mean(p["losses"]))


def _average_solution(p, answer) -> list[str]:
    total = sum(p["losses"])
    return ["The batch loss is the mean: add the losses and divide by how many there are.",
            f"Sum = {fmt_sum(p['losses'])} = {num(total, 6)}",
            f"Mean = {num(total, 6)} / {len(p['losses'])} = {num(answer)}"]


def _average_mistakes(p) -> list[Mistake]:
    losses = p["losses"]
    return [Mistake("sum", clean(sum(losses)), "the sum of the losses: divide by the batch size."),
            Mistake("n-minus-1", clean(sum(losses) / (len(losses) - 1)),
                    "a division by n − 1: the average divides by n.")]


# gradient_average (Q2) ----------------------------------------------------------------

def _gradient_sample(rng) -> dict:
    while True:
        grads = grid(rng, -2, 2, 2, ints(rng, 3, 6))
        if abs(sum(grads)) / len(grads) >= 0.05:
            break
    return {"w": grid(rng, -1, 1, 2), "lr": pick(rng, (0.01, 0.05, 0.1, 0.2, 0.5)), "grads": grads}


def _gradient_prompt(p) -> str:
    return (f"A weight w = {fmt(p['w'])} gets the per-example gradients ∂L/∂w = {fmt_list(p['grads'])} "
            f"from a mini-batch of {len(p['grads'])} examples. The batch loss is the average of the "
            f"example losses and the learning rate is {fmt(p['lr'])}. What is w after one gradient-descent "
            f"step? Give it {DECIMALS_4}.")


def _gradient_solve(p) -> float:
    return clean(p["w"] - p["lr"] * np.mean(p["grads"]))


def _gradient_solution(p, answer) -> list[str]:
    mean = sum(p["grads"]) / len(p["grads"])
    return ["The gradient of an averaged loss is the average of the per-example gradients; step against it.",
            f"Mean gradient = ({fmt_sum(p['grads'])}) / {len(p['grads'])} = {num(mean)}",
            f"w ← w − lr·mean = {fmt(p['w'])} − {fmt(p['lr'])}·{paren(num(mean))} = {num(answer)}"]


def _gradient_mistakes(p) -> list[Mistake]:
    total = sum(p["grads"])
    mean = total / len(p["grads"])
    return [Mistake("summed-gradients", clean(p["w"] - p["lr"] * total),
                    "the summed gradients were used: with an averaged loss, average them."),
            Mistake("wrong-sign", clean(p["w"] + p["lr"] * mean),
                    "the step went uphill: gradient descent subtracts lr·gradient.")]


FAMILIES = [
    Family(id="perceptron_output", question_id="Q1", title="Perceptron output for one input", answer_type="integer",
           sample=_perceptron_params, prompt=_output_prompt, solve=_output_solve, solution=_output_solution,
           tolerance=EXACT, mistakes=_output_mistakes),
    Family(id="perceptron_update", question_id="Q1", title="One step of the perceptron learning rule",
           answer_type="vector",
           sample=_update_sample, prompt=_update_prompt, solve=_update_solve, solution=_update_solution,
           tolerance=UPDATE, mistakes=_update_mistakes),
    Family(id="average_loss", question_id="Q2", title="Average loss over a mini-batch", answer_type="number",
           sample=_average_sample, prompt=_average_prompt, solve=_average_solve, solution=_average_solution,
           tolerance=SIG, mistakes=_average_mistakes),
    Family(id="gradient_average", question_id="Q2", title="A step with the averaged gradient", answer_type="number",
           sample=_gradient_sample, prompt=_gradient_prompt, solve=_gradient_solve, solution=_gradient_solution,
           tolerance=UPDATE, mistakes=_gradient_mistakes),
]
