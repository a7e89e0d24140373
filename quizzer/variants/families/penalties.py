"""Families for Q15: the L1 and L2 penalties, one gradient step of the penalty alone.

The L1 step follows the proximal (clipped) rule the course teaches: a weight whose
sign would flip stops at exactly zero. That is why L1 yields sparse weights.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..family import Family, Mistake, Tolerance
from ._common import DECIMALS_4, clean, clean_list, fmt, fmt_list, ints, np, num, paren, pick, signed

if TYPE_CHECKING:
    import numpy

__all__ = ["FAMILIES", "l1_step"]

EXACT = Tolerance(rel=0.0, abs=0.0)
UPDATE = Tolerance(rel=0.0, abs=0.0005)  # asked to 4 decimal places


def _rate_and_strength(rng, lrs, lams, lo: float, hi: float) -> tuple[float, float]:
    while True:
        lr, lam = pick(rng, lrs), pick(rng, lams)
        if lo <= lr * lam <= hi:
            return lr, lam


def l1_step(w, step: float, clip: bool = True) -> numpy.ndarray:
    """w − step·sign(w); with ``clip``, weights that would change sign stop at 0."""
    w = np.asarray(w, dtype=float)
    moved = w - step * np.sign(w)
    return np.where(np.abs(w) <= step, 0.0, moved) if clip else moved


# l1_step (Q15) -----------------------------------------------------------------------

def _l1_sample(rng) -> dict:
    lr, lam = _rate_and_strength(rng, (0.1, 0.2, 0.5, 1.0), (0.05, 0.1, 0.2, 0.5), 0.02, 0.3)
    cents = lr * lam * 100
    n = ints(rng, 4, 5)
    big = signed(rng, (math.floor(cents + 1e-9) + 1) / 100, 1.0, 2, n)
    small = signed(rng, 0.01, (math.ceil(cents - 1e-9) - 1) / 100, 2)
    big[ints(rng, 0, n - 1)] = small  # at least one weight lands on zero
    return {"w": big, "lr": lr, "lam": lam}


def _l1_prompt(p) -> str:
    return (f"The weights w = {fmt_list(p['w'])} take one gradient step on the L1 penalty lam·Σ|w| alone, "
            f"with learning rate lr = {fmt(p['lr'])} and lam = {fmt(p['lam'])}: w ← w − lr·lam·sign(w), "
            "where a weight whose sign would flip stops at exactly 0. Give the list of "
            f"{len(p['w'])} new weights, {DECIMALS_4}.")


def _l1_solve(p) -> list[float]:
    return clean_list(l1_step(p["w"], p["lr"] * p["lam"]))


def _l1_solution(p, answer) -> list[str]:
    step = clean(p["lr"] * p["lam"])
    steps = [f"Every weight moves {fmt(step)} = lr·lam towards zero, whatever its size; "
             "one closer to zero than that stops at 0."]
    for w, a in zip(p["w"], answer, strict=True):
        if abs(w) <= step:
            steps.append(f"{fmt(w)}: |w| ≤ {fmt(step)}, so it stops at 0")
        else:
            steps.append(f"{fmt(w)} {'−' if w > 0 else '+'} {fmt(step)} = {num(a)}")
    steps.append(f"Answer: [{', '.join(num(a) for a in answer)}]: L1 makes weights exactly zero (sparsity).")
    return steps


def _l1_mistakes(p) -> list[Mistake]:
    step = p["lr"] * p["lam"]
    return [Mistake("l1-overshoot", clean_list(l1_step(p["w"], step, clip=False)),
                    "the L1 step overshot past zero: a weight whose sign would flip stops at exactly 0."),
            Mistake("l2-instead", clean_list(np.asarray(p["w"]) * (1 - step)),
                    "a step proportional to w: that is L2; the L1 step is the same size lr·lam for every weight."),
            Mistake("no-learning-rate", clean_list(l1_step(p["w"], p["lam"])),
                    "the learning rate was left out: the step is lr·lam.")]


# l2_step (Q15) -----------------------------------------------------------------------

def _l2_sample(rng) -> dict:
    lr, lam = _rate_and_strength(rng, (0.01, 0.05, 0.1, 0.5), (0.1, 0.2, 0.5, 1.0), 0.02, 0.25)
    return {"w": signed(rng, 0.2, 2, 2, ints(rng, 3, 5)), "lr": lr, "lam": lam}


def _l2_prompt(p) -> str:
    return (f"The weights w = {fmt_list(p['w'])} take one gradient step on the L2 penalty lam·Σw² alone, with "
            f"learning rate lr = {fmt(p['lr'])} and lam = {fmt(p['lam'])}. Give the list of {len(p['w'])} new "
            f"weights, {DECIMALS_4}.")


def _l2_with(p, factor: float) -> list[float]:
    return clean_list(np.asarray(p["w"], dtype=float) * (1.0 - factor * p["lr"] * p["lam"]))


def _l2_solve(p) -> list[float]:
    return _l2_with(p, 2.0)


def _l2_solution(p, answer) -> list[str]:
    shrink = clean(1 - 2 * p["lr"] * p["lam"])
    return ["The gradient of lam·w² is 2·lam·w, so w ← w − lr·2·lam·w = (1 − 2·lr·lam)·w (weight decay).",
            f"1 − 2·{fmt(p['lr'])}·{fmt(p['lam'])} = {num(shrink, 6)}",
            *[f"{num(shrink, 6)}·{paren(w)} = {num(a)}" for w, a in zip(p["w"], answer, strict=True)],
            "Every weight shrinks by the same fraction; none becomes exactly zero."]


def _l2_mistakes(p) -> list[Mistake]:
    step = p["lr"] * p["lam"]
    return [Mistake("missing-2", _l2_with(p, 1.0), "the factor 2 from differentiating w² was dropped."),
            Mistake("l1-instead", clean_list(l1_step(p["w"], step)),
                    "a fixed-size step: that is L1; the L2 step is proportional to w.")]


# l1_zero_steps (Q15) -------------------------------------------------------------------

def _zero_sample(rng) -> dict:
    lr, lam = _rate_and_strength(rng, (0.01, 0.05, 0.1, 0.5), (0.1, 0.2, 0.5, 1.0), 0.01, 0.2)
    return {"w": signed(rng, 0.05, 2, 2), "lr": lr, "lam": lam}


def _zero_prompt(p) -> str:
    return (f"A weight w = {fmt(p['w'])} is pulled only by the L1 penalty lam·|w|, with lr = {fmt(p['lr'])} and "
            f"lam = {fmt(p['lam'])}; each step moves it lr·lam towards zero and it stops at exactly 0. After "
            "how many steps is it first exactly 0? Give a whole number.")


def _zero_ratio(p) -> float:
    return abs(p["w"]) / (p["lr"] * p["lam"])


def _zero_solve(p) -> int:
    return math.ceil(_zero_ratio(p) - 1e-9)  # 0.3 / 0.1 is 2.9999999999999996 in floats


def _zero_solution(p, answer) -> list[str]:
    step = clean(p["lr"] * p["lam"])
    return ["Each step removes the same amount lr·lam from |w|; count the steps, rounding up.",
            f"lr·lam = {fmt(p['lr'])}·{fmt(p['lam'])} = {fmt(step)}",
            f"|w| / (lr·lam) = {fmt(abs(p['w']))} / {fmt(step)} = {num(_zero_ratio(p), 6)}",
            f"Rounded up: {answer} steps (the last one is clipped to land exactly on 0)."]


def _zero_mistakes(p) -> list[Mistake]:
    answer = _zero_solve(p)
    return [Mistake("rounded-down", answer - 1,
                    f"it was rounded down: after {answer - 1} steps the weight is not yet 0."),
            Mistake("not-rounded", clean(_zero_ratio(p)),
                    "the ratio was not rounded up: the number of steps is a whole number.")]


FAMILIES = [
    Family(id="l1_step", question_id="Q15", title="One step of the L1 penalty", answer_type="vector",
           sample=_l1_sample, prompt=_l1_prompt, solve=_l1_solve, solution=_l1_solution, tolerance=UPDATE,
           mistakes=_l1_mistakes),
    Family(id="l2_step", question_id="Q15", title="One step of the L2 penalty", answer_type="vector",
           sample=_l2_sample, prompt=_l2_prompt, solve=_l2_solve, solution=_l2_solution, tolerance=UPDATE,
           mistakes=_l2_mistakes),
    Family(id="l1_zero_steps", question_id="Q15", title="Steps until L1 zeroes a weight", answer_type="integer",
           sample=_zero_sample, prompt=_zero_prompt, solve=_zero_solve, solution=_zero_solution, tolerance=EXACT,
           mistakes=_zero_mistakes),
]
