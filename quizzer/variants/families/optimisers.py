"""Families for Q14 (momentum), Q16 (Adam) and Q17 (gradient clipping)."""

from __future__ import annotations

import math

from ..family import Family, Mistake, Tolerance
from ._common import DECIMALS_4, clean, clean_list, fmt, fmt_list, grid, ints, np, num, paren, pick, sig3_prompt, signed

__all__ = ["FAMILIES", "momentum", "adam"]

UPDATE = Tolerance(rel=0.0, abs=0.0005)  # asked to 4 decimal places
SIG = Tolerance(rel=0.01, abs=0.001)
RELATIVE = Tolerance(rel=0.01, abs=0.0)  # can be as small as 2e-4: relative only
ELEMENTS = Tolerance(rel=0.01, abs=0.005)  # asked to 3 decimal places


def momentum(w0: float, grads, lr: float, beta: float, form: str = "lr-in-v") -> float:
    """Weight after heavy-ball momentum steps, v0 = 0.

    ``form`` is the course's rule ``v = beta·v + lr·g; w -= v``, or one of the
    wrong variants used as recognised mistakes: ``"no-lr"`` (``v = beta·v + g``)
    and ``"ema"`` (``v = beta·v + (1 − beta)·g; w -= lr·v``).
    """
    w, v = float(w0), 0.0
    for g in map(float, grads):
        if form == "ema":
            v = beta * v + (1 - beta) * g
            w = w - lr * v
        else:
            v = beta * v + (lr * g if form == "lr-in-v" else g)
            w = w - v
    return clean(w)


def adam(theta0: float, grads, lr: float, beta1: float, beta2: float, eps: float,
         correct_bias: bool = True) -> float:
    """Theta after Adam steps (m0 = v0 = 0), eps added after the square root."""
    theta, m, v = float(theta0), 0.0, 0.0
    for t, g in enumerate(map(float, grads), start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = (m / (1 - beta1**t), v / (1 - beta2**t)) if correct_bias else (m, v)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
    return clean(theta)


def _gradients_text(grads) -> str:
    if len(grads) == 1:
        return f"It takes one step, with the gradient {fmt(grads[0])}."
    return f"The gradients at steps 1 to {len(grads)} are {fmt_list(grads)}."


# momentum_velocity (Q14) --------------------------------------------------------------

def _momentum_sample(rng) -> dict:
    return {"lr": pick(rng, (0.05, 0.1, 0.2, 0.5)), "beta": pick(rng, (0.5, 0.8, 0.9)),
            "w0": grid(rng, -2, 2, 1), "grads": signed(rng, 0.2, 2, 1, ints(rng, 2, 4))}


def _momentum_prompt(p) -> str:
    return (f"A weight starts at w0 = {fmt(p['w0'])} and is trained with momentum: v0 = 0, then at each step "
            f"v = beta·v + lr·g and w = w − v, with lr = {fmt(p['lr'])} and beta = {fmt(p['beta'])}. The gradients "
            f"at steps 1 to {len(p['grads'])} are {fmt_list(p['grads'])}. What is w after the last step? "
            f"Give it {DECIMALS_4}.")


def _momentum_solve(p) -> float:
    return momentum(p["w0"], p["grads"], p["lr"], p["beta"])


def _momentum_solution(p, answer) -> list[str]:
    steps = ["Keep a velocity: v = beta·v + lr·g, then w = w − v; past gradients keep pushing."]
    w, v = p["w0"], 0.0
    for t, g in enumerate(p["grads"], start=1):
        new_v = p["beta"] * v + p["lr"] * g
        steps.append(f"Step {t}: v = {fmt(p['beta'])}·{num(v)} + {fmt(p['lr'])}·{fmt(g)} = {num(new_v)}; "
                     f"w = {num(w)} − {num(new_v)} = {num(w - new_v)}")
        w, v = w - new_v, new_v
    steps.append(f"Answer: w = {num(answer)}")
    return steps


def _momentum_mistakes(p) -> list[Mistake]:
    args = (p["w0"], p["grads"], p["lr"], p["beta"])
    return [Mistake("momentum-no-lr", momentum(*args, form="no-lr"),
                    "momentum without the learning rate: the velocity adds lr·g, not g."),
            Mistake("no-momentum", clean(p["w0"] - p["lr"] * sum(p["grads"])),
                    "plain gradient descent: the velocity also carries beta times the previous velocity."),
            Mistake("ema-form", momentum(*args, form="ema"),
                    "the averaged form v = beta·v + (1 − beta)·g; this question uses v = beta·v + lr·g.")]


# momentum_effective_step (Q14) ---------------------------------------------------------

def _terminal_sample(rng) -> dict:
    return {"lr": pick(rng, (0.001, 0.01, 0.05, 0.1)), "beta": pick(rng, (0.5, 0.8, 0.9, 0.95, 0.99)),
            "g": grid(rng, 0.1, 5, 1)}


def _terminal_prompt(p) -> str:
    return sig3_prompt(f"With momentum v = beta·v + lr·g and w = w − v, the gradient stays constant at "
                       f"g = {fmt(p['g'])} for many steps; lr = {fmt(p['lr'])} and beta = {fmt(p['beta'])}. What "
                       "size does each step (v) approach?")


def _terminal_solve(p) -> float:
    return clean(p["lr"] * p["g"] / (1.0 - p["beta"]))


def _terminal_solution(p, answer) -> list[str]:
    return ["At the steady state v = beta·v + lr·g, so v = lr·g / (1 − beta).",
            f"v = {fmt(p['lr'])}·{fmt(p['g'])} / (1 − {fmt(p['beta'])}) = {num(answer)}",
            f"Momentum makes the step 1/(1 − beta) = {num(1 / (1 - p['beta']))} times longer on a steady slope."]


def _terminal_mistakes(p) -> list[Mistake]:
    lr, g, beta = p["lr"], p["g"], p["beta"]
    return [Mistake("no-momentum", clean(lr * g), "lr·g, the step without momentum: divide by 1 − beta."),
            Mistake("momentum-no-lr", clean(g / (1 - beta)), "momentum without the learning rate: multiply by lr.")]


# adam_steps (Q16) ------------------------------------------------------------------------

def _adam_sample(rng) -> dict:
    return {"theta0": grid(rng, -1, 1, 1), "grads": signed(rng, 0.1, 2, 1, ints(rng, 1, 3)),
            "lr": pick(rng, (0.01, 0.05, 0.1)), "beta1": pick(rng, (0.9, 0.8)), "beta2": pick(rng, (0.999, 0.99)),
            "eps": 1e-8}


def _adam_prompt(p) -> str:
    return (f"A parameter starts at theta0 = {fmt(p['theta0'])} and is trained with Adam (lr = {fmt(p['lr'])}, "
            f"beta1 = {fmt(p['beta1'])}, beta2 = {fmt(p['beta2'])}, eps = {fmt(p['eps'])}, m0 = v0 = 0, bias "
            "correction m̂ = m/(1 − beta1^t), v̂ = v/(1 − beta2^t), update theta −= lr·m̂/(√v̂ + eps)). "
            f"{_gradients_text(p['grads'])} What is theta after the last step? Give it {DECIMALS_4}.")


def _adam_solve(p) -> float:
    return adam(p["theta0"], p["grads"], p["lr"], p["beta1"], p["beta2"], p["eps"])


def _adam_solution(p, answer) -> list[str]:
    b1, b2, lr = p["beta1"], p["beta2"], p["lr"]
    steps = ["Track m (mean of gradients) and v (mean of squares), correct both for starting at 0, "
             "then step lr·m̂/(√v̂ + eps)."]
    theta, m, v = p["theta0"], 0.0, 0.0
    for t, g in enumerate(p["grads"], start=1):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        step = lr * m_hat / (math.sqrt(v_hat) + p["eps"])
        steps.append(f"t = {t}: m = {num(m)}, v = {num(v)}, m̂ = {num(m_hat)}, v̂ = {num(v_hat)}, "
                     f"step = {num(step)}, theta = {num(theta)} − {num(step)} = {num(theta - step)}")
        theta -= step
    steps.append(f"Answer: theta = {num(answer, 6)}; each step is about lr in size, whatever the gradient's scale.")
    return steps


def _adam_mistakes(p) -> list[Mistake]:
    args = (p["theta0"], p["grads"], p["lr"], p["beta1"], p["beta2"], p["eps"])
    return [Mistake("adam-no-bias-correction", adam(*args, correct_bias=False),
                    "Adam without bias correction: divide m by 1 − beta1^t and v by 1 − beta2^t."),
            Mistake("sgd", clean(p["theta0"] - p["lr"] * sum(p["grads"])),
                    "plain SGD, steps of lr·g: Adam divides the averaged gradient by √v̂.")]


# adam_bias_correction (Q16) ------------------------------------------------------------

def _correction_sample(rng) -> dict:
    while True:
        beta1, t = grid(rng, 0.5, 0.99, 2), ints(rng, 1, 20)
        if beta1**t >= 0.05:  # early enough that the correction matters
            return {"beta1": beta1, "t": t}


def _correction_prompt(p) -> str:
    return sig3_prompt(f"Adam's first moment starts at m0 = 0 and so is biased towards 0 early on; the corrected "
                       f"estimate is m̂_t = m_t / (1 − beta1^t). With beta1 = {fmt(p['beta1'])}, by what factor "
                       f"does the correction multiply m_t at step t = {p['t']}?")


def _correction_solve(p) -> float:
    return clean(1.0 / (1.0 - p["beta1"] ** p["t"]))


def _correction_solution(p, answer) -> list[str]:
    power = p["beta1"] ** p["t"]
    return ["The factor is 1 / (1 − beta1^t); it starts large and tends to 1 as t grows.",
            f"beta1^t = {fmt(p['beta1'])}^{p['t']} = {num(power)}",
            f"1 / (1 − {num(power)}) = {num(answer)}"]


def _correction_mistakes(p) -> list[Mistake]:
    b1, t = p["beta1"], p["t"]
    return [Mistake("not-inverted", clean(1 - b1**t), "1 − beta1^t, the divisor: the factor is its reciprocal."),
            Mistake("no-power", clean(1 / (1 - b1)), "1/(1 − beta1), without the step number t: use beta1^t.")]


# clip_global_norm (Q17) -------------------------------------------------------------------

def _norm_sample(rng) -> dict:
    while True:
        grads, max_norm = grid(rng, -5, 5, 1, ints(rng, 2, 4)), grid(rng, 0.5, 5, 1)
        norm = math.sqrt(sum(g * g for g in grads))
        if norm > 0.1 and abs(norm - max_norm) >= 0.05 * max_norm and sum(1 for g in grads if g) >= 2:
            return {"grads": grads, "max_norm": max_norm}


def _norm_prompt(p) -> str:
    return (f"The gradients {fmt_list(p['grads'])} are clipped by global norm with max_norm = "
            f"{fmt(p['max_norm'])}: if their L2 norm ‖g‖ exceeds max_norm they are scaled by max_norm/‖g‖, "
            f"otherwise left unchanged. Give the list of {len(p['grads'])} clipped gradients, each to 3 "
            "decimal places.")


def _norm_solve(p) -> list[float]:
    g = np.asarray(p["grads"], dtype=float)
    norm = np.linalg.norm(g)
    return clean_list(g * (p["max_norm"] / norm) if norm > p["max_norm"] else g)


def _norm_solution(p, answer) -> list[str]:
    norm = math.sqrt(sum(g * g for g in p["grads"]))
    squares = " + ".join(f"{paren(g)}²" for g in p["grads"])
    clipped = norm > p["max_norm"]
    return ["Compute the norm of the whole gradient vector; scale it down only if it is too long.",
            f"‖g‖ = √({squares}) = {num(norm)}",
            f"{num(norm)} > {fmt(p['max_norm'])}: scale by {fmt(p['max_norm'])}/{num(norm)} = "
            f"{num(p['max_norm'] / norm)}" if clipped else f"{num(norm)} ≤ {fmt(p['max_norm'])}: unchanged",
            f"Answer: [{', '.join(num(a) for a in answer)}]; the direction is kept, only the length changes."]


def _norm_mistakes(p) -> list[Mistake]:
    g = np.asarray(p["grads"], dtype=float)
    norm = float(np.linalg.norm(g))
    return [Mistake("clipped-by-value", clean_list(np.clip(g, -p["max_norm"], p["max_norm"])),
                    "each value was clipped on its own: global-norm clipping scales the whole vector."),
            Mistake("inverted-scale", clean_list(g * norm / p["max_norm"]),
                    "the gradients were scaled by ‖g‖/max_norm: use max_norm/‖g‖."),
            Mistake("always-scaled", clean_list(g * p["max_norm"] / norm),
                    "the gradients were scaled although their norm is within max_norm: short gradients "
                    "are left unchanged.")]


# clip_by_value (Q17) -------------------------------------------------------------------

def _value_sample(rng) -> dict:
    while True:
        grads, c = grid(rng, -5, 5, 1, ints(rng, 3, 5)), grid(rng, 0.5, 3, 1)
        if any(abs(g) > c for g in grads) and any(abs(g) < c for g in grads):
            return {"grads": grads, "c": c}


def _value_prompt(p) -> str:
    return (f"The gradients {fmt_list(p['grads'])} are clipped element-wise to the range [−c, c] with "
            f"c = {fmt(p['c'])}. Give the list of {len(p['grads'])} clipped gradients.")


def _value_solve(p) -> list[float]:
    return clean_list(np.clip(p["grads"], -p["c"], p["c"]))


def _value_solution(p, answer) -> list[str]:
    return [f"Replace each value above {fmt(p['c'])} by {fmt(p['c'])} and each below −{fmt(p['c'])} by "
            f"−{fmt(p['c'])}; the rest stay.",
            f"Answer: [{', '.join(num(a) for a in answer)}]; unlike norm clipping this can change the direction."]


def _value_mistakes(p) -> list[Mistake]:
    g = np.asarray(p["grads"], dtype=float)
    norm = float(np.linalg.norm(g))
    scaled = g * p["c"] / norm if norm > p["c"] else g
    return [Mistake("upper-only", clean_list(np.minimum(g, p["c"])),
                    "only the top was clipped: also raise values below −c."),
            Mistake("global-norm", clean_list(scaled), "the whole vector was rescaled: clip each value on its own.")]


FAMILIES = [
    Family(id="momentum_velocity", question_id="Q14", title="Weight after momentum steps", answer_type="number",
           sample=_momentum_sample, prompt=_momentum_prompt, solve=_momentum_solve, solution=_momentum_solution,
           tolerance=UPDATE, mistakes=_momentum_mistakes),
    Family(id="momentum_effective_step", question_id="Q14", title="Terminal step size with momentum",
           answer_type="number",
           sample=_terminal_sample, prompt=_terminal_prompt, solve=_terminal_solve, solution=_terminal_solution,
           tolerance=RELATIVE, mistakes=_terminal_mistakes),
    Family(id="adam_steps", question_id="Q16", title="Parameter after Adam steps", answer_type="number",
           sample=_adam_sample, prompt=_adam_prompt, solve=_adam_solve, solution=_adam_solution, tolerance=UPDATE,
           mistakes=_adam_mistakes),
    Family(id="adam_bias_correction", question_id="Q16", title="Adam's bias-correction factor", answer_type="number",
           sample=_correction_sample, prompt=_correction_prompt, solve=_correction_solve,
           solution=_correction_solution, tolerance=SIG, mistakes=_correction_mistakes),
    Family(id="clip_global_norm", question_id="Q17", title="Clipping gradients by global norm", answer_type="vector",
           sample=_norm_sample, prompt=_norm_prompt, solve=_norm_solve, solution=_norm_solution, tolerance=ELEMENTS,
           mistakes=_norm_mistakes),
    Family(id="clip_by_value", question_id="Q17", title="Clipping gradients by value", answer_type="vector",
           sample=_value_sample, prompt=_value_prompt, solve=_value_solve, solution=_value_solution,
           tolerance=ELEMENTS, mistakes=_value_mistakes),
]
