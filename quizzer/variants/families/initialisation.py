"""Families for Q20: weight initialisation keeps the signal's scale from layer to layer."""

from __future__ import annotations

import math

from ..family import Family, Mistake, Tolerance
from ._common import clean, fmt, grid, ints, num, pick, sig3_prompt

__all__ = ["FAMILIES"]

SIG = Tolerance(rel=0.01, abs=0.0)
WIDTHS = (16, 25, 64, 100, 256, 400, 625, 1024)  # perfect squares: √n is easy by hand


def _fan(rng) -> int:
    return 8 * ints(rng, 2, 256)  # 16 to 2048 in steps of 8


# xavier_uniform_limit (Q20) -------------------------------------------------------------

def _xavier_sample(rng) -> dict:
    return {"fan_in": _fan(rng), "fan_out": _fan(rng)}


def _xavier_prompt(p) -> str:
    return sig3_prompt(f"A dense layer has fan_in = {p['fan_in']} and fan_out = {p['fan_out']}. Xavier (Glorot) "
                       "uniform initialisation draws its weights from U(−a, a). What is the limit a?")


def _xavier_solve(p) -> float:
    return clean(math.sqrt(6.0 / (p["fan_in"] + p["fan_out"])))


def _xavier_solution(p, answer) -> list[str]:
    total = p["fan_in"] + p["fan_out"]
    return ["Xavier keeps the variance 2/(fan_in + fan_out); U(−a, a) has variance a²/3, "
            "so a = √(6/(fan_in + fan_out)).",
            f"a = √(6 / ({p['fan_in']} + {p['fan_out']})) = √(6 / {total}) = √{num(6 / total)} = {num(answer)}"]


def _xavier_mistakes(p) -> list[Mistake]:
    fan_in, total = p["fan_in"], p["fan_in"] + p["fan_out"]
    return [Mistake("xavier-normal-std", clean(math.sqrt(2 / total)),
                    "√(2/(fan_in + fan_out)), the standard deviation of Xavier normal: the uniform limit is √(6/…)."),
            Mistake("no-sqrt", clean(6 / total), "the square root was left out: a = √(6/(fan_in + fan_out))."),
            Mistake("he", clean(math.sqrt(2 / fan_in)), "√(2/fan_in), He initialisation (for ReLU layers).")]


# he_normal_std (Q20) --------------------------------------------------------------------

def _he_sample(rng) -> dict:
    return {"fan_in": 4 * ints(rng, 4, 512)}  # 16 to 2048 in steps of 4


def _he_prompt(p) -> str:
    return sig3_prompt(f"A ReLU layer has fan_in = {p['fan_in']}. He (Kaiming) normal initialisation draws its "
                       "weights from N(0, std²). What is std?")


def _he_solve(p) -> float:
    return clean(math.sqrt(2.0 / p["fan_in"]))


def _he_solution(p, answer) -> list[str]:
    return ["ReLU zeroes half the signal, so He doubles the variance to 2/fan_in: std = √(2/fan_in).",
            f"std = √(2 / {p['fan_in']}) = √{num(2 / p['fan_in'])} = {num(answer)}"]


def _he_mistakes(p) -> list[Mistake]:
    n = p["fan_in"]
    return [Mistake("variance-not-std", clean(2 / n),
                    "2/fan_in, the variance: the standard deviation is its square root."),
            Mistake("lecun", clean(math.sqrt(1 / n)), "√(1/fan_in), LeCun initialisation: He uses 2 for ReLU.")]


# signal_growth (Q20) --------------------------------------------------------------------

def _growth_sample(rng) -> dict:
    n = pick(rng, WIDTHS)
    while True:
        sigma_w = round(grid(rng, 0.5, 1.6, 2) / math.sqrt(n), 3)
        if sigma_w > 0 and abs(sigma_w * math.sqrt(n) - 1) >= 0.03:
            return {"sigma_w": sigma_w, "n": n, "L": ints(rng, 2, 20)}


def _growth_prompt(p) -> str:
    return sig3_prompt(f"In a deep network each layer has n = {p['n']} inputs and weights with standard deviation "
                       f"sigma_w = {fmt(p['sigma_w'])}, so each layer multiplies the signal's standard deviation by "
                       f"sigma_w·√n. By what factor has it changed after L = {p['L']} layers?")


def _growth_solve(p) -> float:
    return clean((p["sigma_w"] * math.sqrt(p["n"])) ** p["L"])


def _growth_solution(p, answer) -> list[str]:
    factor = p["sigma_w"] * math.sqrt(p["n"])
    trend = "explodes" if factor > 1 else "vanishes"
    return ["The per-layer factors multiply: (sigma_w·√n)^L.",
            f"sigma_w·√n = {fmt(p['sigma_w'])}·√{p['n']} = {fmt(p['sigma_w'])}·{num(math.sqrt(p['n']))} "
            f"= {num(factor)}",
            f"{num(factor)}^{p['L']} = {num(answer)}: the signal {trend}; initialisation aims for a factor of 1."]


def _growth_mistakes(p) -> list[Mistake]:
    s, n, L = p["sigma_w"], p["n"], p["L"]
    return [Mistake("multiplied", clean(s * math.sqrt(n) * L), "a product with L: repeated factors give a power."),
            Mistake("variance", clean((s * s * n) ** L),
                    "the variance's growth: the standard deviation grows by sigma_w·√n."),
            Mistake("no-sqrt", clean((s * n) ** L), "sigma_w·n without the square root: the factor uses √n.")]


FAMILIES = [
    Family(id="xavier_uniform_limit", question_id="Q20", title="Xavier uniform limit", answer_type="number",
           sample=_xavier_sample, prompt=_xavier_prompt, solve=_xavier_solve, solution=_xavier_solution,
           tolerance=SIG, mistakes=_xavier_mistakes),
    Family(id="he_normal_std", question_id="Q20", title="He normal standard deviation", answer_type="number",
           sample=_he_sample, prompt=_he_prompt, solve=_he_solve, solution=_he_solution, tolerance=SIG,
           mistakes=_he_mistakes),
    Family(id="signal_growth", question_id="Q20", title="Signal scale after many layers", answer_type="number",
           sample=_growth_sample, prompt=_growth_prompt, solve=_growth_solve, solution=_growth_solution,
           tolerance=SIG, mistakes=_growth_mistakes),
]
