"""Families for Q9 (counting parameters), Q10 (overfitting) and Q18 (bias and variance)."""

from __future__ import annotations

from itertools import pairwise

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
UPDATE = Tolerance(rel=0.0, abs=0.0005)
SIG = Tolerance(rel=0.01, abs=0.001)
RATIO = Tolerance(rel=0.01, abs=0.0)  # can be far below 1: relative only
PAIR = Tolerance(rel=0.01, abs=0.0001)
PERCENT = Tolerance(rel=0.0, abs=0.05)  # one-decimal percentage points

SIZES = (2, 3, 4, 5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 256, 512)
INPUTS = (2, 4, 8, 10, 16, 20, 32, 64, 100, 784)


def _layers(rng) -> list[int]:
    hidden = sorted((pick(rng, SIZES) for _ in range(ints(rng, 1, 3))), reverse=True)
    return [pick(rng, INPUTS), *hidden, pick(rng, (1, 2, 3, 5, 10))]


def _counts(layers: list[int]) -> tuple[int, int]:
    """(weights, biases) of a dense network with these layer sizes."""
    pairs = list(pairwise(layers))
    return sum(a * b for a, b in pairs), sum(b for _, b in pairs)


def _count_steps(layers: list[int]) -> list[str]:
    terms = [f"{a}·{b} + {b}" for a, b in pairwise(layers)]
    weights, biases = _counts(layers)
    return [f"Weights and biases layer by layer: {' + '.join(f'({t})' for t in terms)}",
            f"= {weights} weights + {biases} biases = {weights + biases}"]


# dense_param_count (Q9) ------------------------------------------------------------------

def _count_sample(rng) -> dict:
    return {"layers": _layers(rng)}


def _count_prompt(p) -> str:
    return (f"A fully connected network has the layer sizes {fmt_list(p['layers'])} (input first). How many "
            "trainable parameters (weights and biases) does it have? Give a whole number.")


def _count_solve(p) -> int:
    return sum(_counts(p["layers"]))


def _count_solution(p, answer) -> list[str]:
    return ["Between layers of sizes a and b there are a·b weights and b biases (one per receiving unit).",
            *_count_steps(p["layers"])]


def _count_mistakes(p) -> list[Mistake]:
    weights, biases = _counts(p["layers"])
    return [Mistake("weights-only", weights, "only the weights were counted: every non-input unit also has a bias."),
            Mistake("input-biases", weights + biases + p["layers"][0],
                    "a bias for the input layer too: inputs have no biases.")]


# gd_step (Q9) -------------------------------------------------------------------------

def _gd_sample(rng) -> dict:
    n = ints(rng, 3, 5)
    while True:
        grads = grid(rng, -2, 2, 2, n)
        if sum(1 for g in grads if g) >= 2:
            break
    return {"w": grid(rng, -2, 2, 2, n), "grads": grads, "lr": pick(rng, (0.01, 0.05, 0.1, 0.2, 0.5))}


def _gd_prompt(p) -> str:
    return (f"The weights w = {fmt_list(p['w'])} have the gradients ∂L/∂w = {fmt_list(p['grads'])}. What are "
            f"the weights after one gradient-descent step with learning rate {fmt(p['lr'])}? Give the list "
            f"of {len(p['w'])} numbers, {DECIMALS_4}.")


def _gd_solve(p) -> list[float]:
    return clean_list(np.asarray(p["w"]) - p["lr"] * np.asarray(p["grads"]))


def _gd_solution(p, answer) -> list[str]:
    steps = ["Gradient descent moves every weight against its gradient: w ← w − lr·g."]
    steps += [f"{fmt(w)} − {fmt(p['lr'])}·{paren(g)} = {num(a)}"
              for w, g, a in zip(p["w"], p["grads"], answer, strict=True)]
    steps.append(f"Answer: [{', '.join(num(a) for a in answer)}]")
    return steps


def _gd_mistakes(p) -> list[Mistake]:
    pairs = list(zip(p["w"], p["grads"], strict=True))
    return [Mistake("wrong-sign", [clean(w + p["lr"] * g) for w, g in pairs],
                    "the step went uphill: subtract lr·g."),
            Mistake("no-learning-rate", [clean(w - g) for w, g in pairs],
                    "the learning rate was left out: the step is lr·g.")]


# generalization_gap (Q10) ----------------------------------------------------------------

def _gap_sample(rng) -> dict:
    train = ints(rng, 800, 999)
    test = train - ints(rng, 5, min(300, train - 500))
    return {"train_acc": train / 10, "test_acc": test / 10}


def _gap_prompt(p) -> str:
    return (f"A classifier reaches {fmt(p['train_acc'])}% accuracy on its training set and "
            f"{fmt(p['test_acc'])}% on the test set. What is its generalization gap "
            "(train accuracy minus test accuracy), in percentage points?")


def _gap_solve(p) -> float:
    return clean(p["train_acc"] - p["test_acc"])


def _gap_solution(p, answer) -> list[str]:
    return ["The generalization gap is training accuracy minus test accuracy.",
            f"{fmt(p['train_acc'])} − {fmt(p['test_acc'])} = {num(answer)} percentage points",
            "A large gap means the model fits its training data much better than new data: overfitting."]


def _gap_mistakes(p) -> list[Mistake]:
    train, test = p["train_acc"], p["test_acc"]
    return [Mistake("reversed", clean(test - train), "test minus train: the gap is train minus test."),
            Mistake("relative", clean((train - test) / train * 100),
                    "a relative gap (divided by the training accuracy): give the difference in points.")]


# params_per_sample (Q10) -----------------------------------------------------------------

def _ratio_sample(rng) -> dict:
    return {"layers": _layers(rng), "m": pick(rng, (100, 200, 500, 1000, 2000, 5000, 10000, 50000, 60000))}


def _ratio_prompt(p) -> str:
    return sig3_prompt(f"A fully connected network with layer sizes {fmt_list(p['layers'])} (input first) is "
                       f"trained on m = {p['m']} examples. How many trainable parameters does it have per "
                       "training example (parameters divided by examples)? A ratio far above 1 warns that "
                       "it can memorise the training set.")


def _ratio_solve(p) -> float:
    return clean(_count_solve(p) / p["m"])


def _ratio_solution(p, answer) -> list[str]:
    weights, biases = _counts(p["layers"])
    return ["Count the weights and biases, then divide by the number of training examples.",
            *_count_steps(p["layers"]),
            f"{weights + biases} / {p['m']} = {num(answer)} parameters per example"]


def _ratio_mistakes(p) -> list[Mistake]:
    weights, biases = _counts(p["layers"])
    return [Mistake("weights-only", clean(weights / p["m"]), "only the weights were counted: add the biases."),
            Mistake("inverted", clean(p["m"] / (weights + biases)),
                    "examples per parameter: the ratio is upside down.")]


# bias_variance (Q18) ----------------------------------------------------------------------

def _bv_sample(rng) -> dict:
    while True:
        truth = grid(rng, -2, 3, 1)
        predictions = [round(truth + d, 1) for d in grid(rng, -1.5, 2, 1, ints(rng, 4, 6))]
        mean = sum(predictions) / len(predictions)
        spread = sum((v - mean) ** 2 for v in predictions) / len(predictions)
        if abs(mean - truth) >= 0.1 and spread >= 0.01:
            return {"predictions": predictions, "true_value": truth}


def _bv_prompt(p) -> str:
    return (f"The same model is trained on {len(p['predictions'])} different training sets and predicts, for one "
            f"test input, {fmt_list(p['predictions'])}. The true value is {fmt(p['true_value'])}. Give the pair "
            "[bias², variance] of these predictions (variance divided by n), each to 3 significant figures.")


def _bv_with(p, ddof: int = 0, square: bool = True) -> list[float]:
    predictions = np.asarray(p["predictions"], dtype=float)
    bias = predictions.mean() - p["true_value"]
    return clean_list([bias * bias if square else bias, predictions.var(ddof=ddof)])


def _bv_solve(p) -> list[float]:
    return _bv_with(p)


def _bv_solution(p, answer) -> list[str]:
    preds = p["predictions"]
    mean = sum(preds) / len(preds)
    return ["Bias is the mean prediction minus the truth; variance is the spread of the predictions around "
            "their own mean (divided by n).",
            f"Mean prediction = ({fmt_sum(preds)}) / {len(preds)} = {num(mean)}",
            f"Bias² = ({num(mean)} − {paren(p['true_value'])})² = {num(answer[0])}",
            f"Variance = mean of (prediction − {num(mean)})² = {num(answer[1])}",
            f"Answer: [{num(answer[0])}, {num(answer[1])}]"]


def _bv_mistakes(p) -> list[Mistake]:
    return [Mistake("sample-variance", _bv_with(p, ddof=1),
                    "the sample variance (divided by n − 1): use the population variance, divided by n."),
            Mistake("bias-not-squared", _bv_with(p, square=False), "the bias itself, not squared: square it.")]


# error_decomposition (Q18) ----------------------------------------------------------------

def _err_sample(rng) -> dict:
    return {"bias": grid(rng, 0.1, 2, 1), "variance": grid(rng, 0.01, 1, 2), "noise": grid(rng, 0.01, 0.5, 2)}


def _err_prompt(p) -> str:
    return sig3_prompt(f"At a test point a model has bias {fmt(p['bias'])} and variance {fmt(p['variance'])}, "
                       f"and the label noise has variance {fmt(p['noise'])}. What is the expected squared "
                       "error there (bias² + variance + noise)?")


def _err_solve(p) -> float:
    return clean(p["bias"] * p["bias"] + p["variance"] + p["noise"])


def _err_solution(p, answer) -> list[str]:
    return ["Expected squared error = bias² + variance + irreducible noise.",
            f"{fmt(p['bias'])}² + {fmt(p['variance'])} + {fmt(p['noise'])} = "
            f"{num(p['bias'] ** 2)} + {fmt(p['variance'])} + {fmt(p['noise'])} = {num(answer)}",
            "Only bias and variance can be reduced by changing the model; the noise stays."]


def _err_mistakes(p) -> list[Mistake]:
    b, v, n = p["bias"], p["variance"], p["noise"]
    return [Mistake("bias-not-squared", clean(b + v + n), "the bias was added unsquared: the error uses bias²."),
            Mistake("no-noise", clean(b * b + v), "the noise was left out: it adds to the expected error.")]


FAMILIES = [
    Family(id="dense_param_count", question_id="Q9", title="Parameters of a dense network", answer_type="integer",
           sample=_count_sample, prompt=_count_prompt, solve=_count_solve, solution=_count_solution, tolerance=EXACT,
           mistakes=_count_mistakes),
    Family(id="gd_step", question_id="Q9", title="One gradient-descent step", answer_type="vector",
           sample=_gd_sample, prompt=_gd_prompt, solve=_gd_solve, solution=_gd_solution, tolerance=UPDATE,
           mistakes=_gd_mistakes),
    Family(id="generalization_gap", question_id="Q10", title="Generalization gap from accuracies", answer_type="number",
           sample=_gap_sample, prompt=_gap_prompt, solve=_gap_solve, solution=_gap_solution, tolerance=PERCENT,
           mistakes=_gap_mistakes, unit="%"),
    Family(id="params_per_sample", question_id="Q10", title="Parameters per training example", answer_type="number",
           sample=_ratio_sample, prompt=_ratio_prompt, solve=_ratio_solve, solution=_ratio_solution, tolerance=RATIO,
           mistakes=_ratio_mistakes),
    Family(id="bias_variance", question_id="Q18", title="Bias² and variance from predictions", answer_type="pair",
           sample=_bv_sample, prompt=_bv_prompt, solve=_bv_solve, solution=_bv_solution, tolerance=PAIR,
           mistakes=_bv_mistakes),
    Family(id="error_decomposition", question_id="Q18", title="Expected error = bias² + variance + noise",
           answer_type="number",
           sample=_err_sample, prompt=_err_prompt, solve=_err_solve, solution=_err_solution, tolerance=SIG,
           mistakes=_err_mistakes),
]
