"""Families for Q8: batch normalisation of one feature over a mini-batch."""

from __future__ import annotations

import math

from ..family import Family, Mistake, Tolerance
from ._common import clean, clean_list, fmt, fmt_list, fmt_sum, grid, ints, np, num, pick

__all__ = ["FAMILIES"]

ELEMENTS = Tolerance(rel=0.01, abs=0.005)  # asked to 3 decimal places


def _batch(rng) -> list[float]:
    """A batch of 4-6 one-decimal values that are not all alike (variance at least 0.1)."""
    while True:
        x = grid(rng, -3, 3, 1, ints(rng, 4, 6))
        mean = sum(x) / len(x)
        if sum((v - mean) ** 2 for v in x) / len(x) >= 0.1:
            return x


def _stats(x: list[float], ddof: int = 0) -> tuple[float, float]:
    mean = sum(x) / len(x)
    return mean, sum((v - mean) ** 2 for v in x) / (len(x) - ddof)


def _stats_steps(x: list[float]) -> list[str]:
    mean, var = _stats(x)
    squares = " + ".join(f"({fmt(v)} − {num(mean)})²" for v in x)
    return [f"Mean μ = ({fmt_sum(x)}) / {len(x)} = {num(mean)}",
            f"Variance σ² = [{squares}] / {len(x)} = {num(var)} (divide by n: the batch's own variance)"]


# batchnorm_forward (Q8) ------------------------------------------------------------------

def _forward_sample(rng) -> dict:
    return {"x": _batch(rng), "gamma": grid(rng, 0.5, 2, 1), "beta": grid(rng, -1, 1, 1),
            "eps": pick(rng, (1e-5, 1e-3))}


def _forward_prompt(p) -> str:
    return (f"Batch normalisation is applied to one feature over a mini-batch with the values "
            f"x = {fmt_list(p['x'])}, using gamma = {fmt(p['gamma'])}, beta = {fmt(p['beta'])} and "
            f"eps = {fmt(p['eps'])}: y = gamma·(x − mean)/√(var + eps) + beta, with the batch mean and "
            f"the batch variance (divided by n). Give the list of {len(p['x'])} outputs, each to "
            "3 decimal places.")


def _forward_with(p, ddof: int = 0, affine: bool = True) -> list[float]:
    x = np.asarray(p["x"], dtype=float)
    normalised = (x - x.mean()) / np.sqrt(x.var(ddof=ddof) + p["eps"])
    return clean_list(p["gamma"] * normalised + p["beta"] if affine else normalised)


def _forward_solve(p) -> list[float]:
    return _forward_with(p)


def _forward_solution(p, answer) -> list[str]:
    mean, var = _stats(p["x"])
    std = math.sqrt(var + p["eps"])
    return ["Normalise with the batch mean and (biased) variance, then scale by gamma and shift by beta.",
            *_stats_steps(p["x"]),
            f"√(σ² + eps) = √({num(var)} + {fmt(p['eps'])}) = {num(std)}",
            f"y_i = {fmt(p['gamma'])}·(x_i − {num(mean)}) / {num(std)} + {fmt(p['beta'])}",
            f"y = [{', '.join(num(v) for v in answer)}]; their mean is beta = {fmt(p['beta'])}."]


def _forward_mistakes(p) -> list[Mistake]:
    return [Mistake("sample-variance", _forward_with(p, ddof=1),
                    "the sample variance (divided by n − 1): batch norm uses the population variance, "
                    "divided by n."),
            Mistake("no-scale-shift", _forward_with(p, affine=False),
                    "the values were only normalised: multiply by gamma and add beta afterwards.")]


# batchnorm_stats (Q8) ---------------------------------------------------------------------

def _stats_sample(rng) -> dict:
    return {"x": _batch(rng)}


def _stats_prompt(p) -> str:
    return (f"A batch-norm layer sees one feature with the values x = {fmt_list(p['x'])} in a mini-batch. "
            "Give the pair [batch mean, batch variance] it normalises with (the variance divided by n), "
            "each to 3 significant figures.")


def _stats_solve(p) -> list[float]:
    x = np.asarray(p["x"], dtype=float)
    return clean_list([x.mean(), x.var()])


def _stats_solution(p, answer) -> list[str]:
    return ["Batch norm uses the mean and the population (biased) variance of the batch.",
            *_stats_steps(p["x"]),
            f"Answer: [{num(answer[0])}, {num(answer[1])}]"]


def _stats_mistakes(p) -> list[Mistake]:
    mean, var = _stats(p["x"])
    _, sample = _stats(p["x"], ddof=1)
    return [Mistake("sample-variance", [clean(mean), clean(sample)],
                    "the sample variance (divided by n − 1): batch norm divides by n."),
            Mistake("std-not-variance", [clean(mean), clean(math.sqrt(var))],
                    "the standard deviation: the variance is its square.")]


FAMILIES = [
    Family(id="batchnorm_forward", question_id="Q8", title="Batch normalisation of a mini-batch", answer_type="vector",
           sample=_forward_sample, prompt=_forward_prompt, solve=_forward_solve, solution=_forward_solution,
           tolerance=ELEMENTS, mistakes=_forward_mistakes),
    Family(id="batchnorm_stats", question_id="Q8", title="The statistics batch norm uses", answer_type="pair",
           sample=_stats_sample, prompt=_stats_prompt, solve=_stats_solve, solution=_stats_solution,
           tolerance=ELEMENTS, mistakes=_stats_mistakes),
]
