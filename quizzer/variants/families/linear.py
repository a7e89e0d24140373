"""Families for Q3 (stacked linear layers collapse) and Q4 (the bias shifts the boundary)."""

from __future__ import annotations

import math

from ..family import Family, Mistake, Tolerance
from ._common import clean, clean_list, fmt, fmt_list, fmt_matrix, grid, np, num, paren, sig3_prompt, signed

__all__ = ["FAMILIES"]

EXACT_ISH = Tolerance(rel=0.01, abs=0.005)  # products of one-decimal numbers, given exactly
SIG = Tolerance(rel=0.01, abs=0.001)


# linear_collapse (Q3) -----------------------------------------------------------------

def _collapse_sample(rng) -> dict:
    while True:
        v = grid(rng, -3, 3, 0, 12)
        W1, W2 = [v[0:2], v[2:4]], [v[4:6], v[6:8]]
        if W1[0][0] * W1[1][1] != W1[0][1] * W1[1][0] and W2[0][0] * W2[1][1] != W2[0][1] * W2[1][0]:
            return {"W1": W1, "b1": v[8:10], "W2": W2, "b2": v[10:12]}


def _collapse_prompt(p) -> str:
    return (f"Two linear layers with no activation between them compute h = W1·x + b1 and "
            f"y = W2·h + b2, with W1 = {fmt_matrix(p['W1'])}, b1 = {fmt_list(p['b1'])}, "
            f"W2 = {fmt_matrix(p['W2'])}, b2 = {fmt_list(p['b2'])} (matrices row by row). "
            "They collapse into one layer y = W·x + c. Give the list of 6 numbers "
            "[W11, W12, W21, W22, c1, c2]: W row by row, then c.")


def _collapse_parts(p, order: str = "W2W1", bias: str = "W2b1+b2") -> list[float]:
    W1, W2 = np.asarray(p["W1"], dtype=float), np.asarray(p["W2"], dtype=float)
    b1, b2 = np.asarray(p["b1"], dtype=float), np.asarray(p["b2"], dtype=float)
    W = W2 @ W1 if order == "W2W1" else W1 @ W2
    c = W2 @ b1 + b2 if bias == "W2b1+b2" else b1 + b2
    return clean_list(np.concatenate([W.ravel(), c]))


def _collapse_solve(p) -> list[float]:
    return _collapse_parts(p)


def _collapse_solution(p, answer) -> list[str]:
    return ["Substitute h into the second layer: y = W2·(W1·x + b1) + b2 = (W2·W1)·x + (W2·b1 + b2).",
            f"W = W2·W1 = {fmt_matrix(p['W2'])}·{fmt_matrix(p['W1'])} = "
            f"[[{num(answer[0])}, {num(answer[1])}], [{num(answer[2])}, {num(answer[3])}]]",
            f"c = W2·b1 + b2 = {fmt_matrix(p['W2'])}·{fmt_list(p['b1'])} + {fmt_list(p['b2'])} = "
            f"[{num(answer[4])}, {num(answer[5])}]",
            f"Answer: [{', '.join(num(v) for v in answer)}]; one linear layer does the work of two."]


def _collapse_mistakes(p) -> list[Mistake]:
    return [Mistake("wrong-order", _collapse_parts(p, order="W1W2"),
                    "W1·W2 instead of W2·W1: the layer applied first stands on the right."),
            Mistake("biases-added", _collapse_parts(p, bias="b1+b2"),
                    "c = b1 + b2: the first bias also passes through W2, so c = W2·b1 + b2.")]


# linear_composition (Q3) ---------------------------------------------------------------

def _composition_sample(rng) -> dict:
    a1, a2 = signed(rng, 0.5, 3, 1, 2)
    c1, c2 = signed(rng, 0.1, 3, 1, 2)
    return {"a1": a1, "c1": c1, "a2": a2, "c2": c2}


def _composition_prompt(p) -> str:
    return (f"Two one-dimensional linear layers f(x) = {fmt(p['a1'])}·x + {paren(p['c1'])} and "
            f"g(h) = {fmt(p['a2'])}·h + {paren(p['c2'])} are stacked with no activation, giving g(f(x)). "
            "This is again a line a·x + c. Give the pair [a, c] (slope, then intercept), exactly.")


def _composition_solve(p) -> list[float]:
    slope = p["a2"] * p["a1"]
    return clean_list([slope, p["a2"] * p["c1"] + p["c2"]])


def _composition_solution(p, answer) -> list[str]:
    return ["g(f(x)) = a2·(a1·x + c1) + c2 = (a2·a1)·x + (a2·c1 + c2).",
            f"Slope a = {paren(p['a2'])}·{paren(p['a1'])} = {num(answer[0])}",
            f"Intercept c = {paren(p['a2'])}·{paren(p['c1'])} + {paren(p['c2'])} = {num(answer[1])}",
            f"Answer: [{num(answer[0])}, {num(answer[1])}]"]


def _composition_mistakes(p) -> list[Mistake]:
    slope = clean(p["a1"] * p["a2"])
    return [Mistake("biases-added", [slope, clean(p["c1"] + p["c2"])],
                    "c = c1 + c2: the first intercept is scaled by the second slope, c = a2·c1 + c2."),
            Mistake("wrong-order", [slope, clean(p["a1"] * p["c2"] + p["c1"])],
                    "f(g(x)) instead of g(f(x)): f is applied first.")]


# bias_boundary (Q4) ----------------------------------------------------------------------

def _boundary_sample(rng) -> dict:
    w1 = signed(rng, 0.5, 3, 1)
    w2, b = signed(rng, 0.1, 3, 1, 2)
    return {"w": [w1, w2], "b": b}


def _boundary_prompt(p) -> str:
    return sig3_prompt(f"A linear classifier with weights w = {fmt_list(p['w'])} and bias b = {fmt(p['b'])} "
                       "has the decision boundary w1·x1 + w2·x2 + b = 0. Where does the boundary cross "
                       "the x1-axis (where x2 = 0)?")


def _boundary_solve(p) -> float:
    return clean(-p["b"] / p["w"][0])


def _boundary_solution(p, answer) -> list[str]:
    return ["On the x1-axis x2 = 0, so w1·x1 + b = 0 and x1 = −b/w1.",
            f"x1 = −({fmt(p['b'])}) / {paren(p['w'][0])} = {num(answer)}",
            "Changing b slides the boundary without turning it: that is what the bias is for."]


def _boundary_mistakes(p) -> list[Mistake]:
    (w1, w2), b = p["w"], p["b"]
    return [Mistake("sign", clean(b / w1), "b/w1: the sign is lost; solving w1·x1 + b = 0 gives −b/w1."),
            Mistake("x2-intercept", clean(-b / w2), "−b/w2, where the boundary crosses the x2-axis."),
            Mistake("inverted", clean(-w1 / b), "−w1/b, the ratio upside down: x1 = −b/w1.")]


# boundary_offset (Q4) ---------------------------------------------------------------------

def _offset_sample(rng) -> dict:
    w = signed(rng, 0.2, 3, 1, 2)
    return {"w": w, "b": signed(rng, 0.1, 4, 1)}


def _offset_prompt(p) -> str:
    return sig3_prompt(f"A linear classifier has weights w = {fmt_list(p['w'])} and bias b = {fmt(p['b'])}. "
                       "How far is its decision boundary w·x + b = 0 from the origin (a positive distance)?")


def _offset_solve(p) -> float:
    return clean(abs(p["b"]) / np.linalg.norm(p["w"]))


def _offset_solution(p, answer) -> list[str]:
    (w1, w2), b = p["w"], p["b"]
    norm = math.hypot(w1, w2)
    return ["The distance from the origin to the line w·x + b = 0 is |b| / ‖w‖.",
            f"‖w‖ = √({paren(w1)}² + {paren(w2)}²) = {num(norm)}",
            f"|b| / ‖w‖ = {fmt(abs(b))} / {num(norm)} = {num(answer)}",
            "With b = 0 the boundary would pass through the origin."]


def _offset_mistakes(p) -> list[Mistake]:
    (w1, w2), b = p["w"], p["b"]
    return [Mistake("l1-norm", clean(abs(b) / (abs(w1) + abs(w2))),
                    "|b| / (|w1| + |w2|): the distance uses the Euclidean norm √(w1² + w2²)."),
            Mistake("squared-norm", clean(abs(b) / (w1 * w1 + w2 * w2)),
                    "|b| / ‖w‖²: divide by ‖w‖, not its square.")]


FAMILIES = [
    Family(id="linear_collapse", question_id="Q3", title="Two linear layers collapse into one", answer_type="vector",
           sample=_collapse_sample, prompt=_collapse_prompt, solve=_collapse_solve, solution=_collapse_solution,
           tolerance=EXACT_ISH, mistakes=_collapse_mistakes),
    Family(id="linear_composition", question_id="Q3", title="Composing two 1-D linear layers", answer_type="pair",
           sample=_composition_sample, prompt=_composition_prompt, solve=_composition_solve,
           solution=_composition_solution, tolerance=EXACT_ISH, mistakes=_composition_mistakes),
    Family(id="bias_boundary", question_id="Q4", title="Where the boundary crosses the x1-axis", answer_type="number",
           sample=_boundary_sample, prompt=_boundary_prompt, solve=_boundary_solve, solution=_boundary_solution,
           tolerance=SIG, mistakes=_boundary_mistakes),
    Family(id="boundary_offset", question_id="Q4", title="Distance of the boundary from the origin",
           answer_type="number",
           sample=_offset_sample, prompt=_offset_prompt, solve=_offset_solve, solution=_offset_solution,
           tolerance=SIG, mistakes=_offset_mistakes),
]
