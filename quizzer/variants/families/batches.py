"""Families for Q13 (batch size and the number of updates) and Q19 (mini-batch noise and memory)."""

from __future__ import annotations

import math

from ..family import Family, Mistake, Tolerance
from ._common import clean, fmt, grid, ints, num, pick, sig3_prompt

__all__ = ["FAMILIES"]

EXACT = Tolerance(rel=0.0, abs=0.0)
TINY = Tolerance(rel=0.01, abs=0.0)

BATCH_SIZES = (8, 16, 32, 64, 100, 128, 256, 512)
FEATURES = (10, 100, 512, 784, 1000, 2048, 3072, 4096, 150528)


def _updates(m: int, batch_size: int) -> int:
    return math.ceil(m / batch_size)


# updates_per_epoch (Q13, also Q19) ----------------------------------------------------

def _epoch_sample(rng) -> dict:
    return {"m": ints(rng, 10, 600) * 100, "batch_size": pick(rng, BATCH_SIZES)}


def _epoch_prompt(p) -> str:
    return (f"A training set of m = {p['m']} examples is processed in mini-batches of {p['batch_size']} (the last "
            "batch may be smaller). How many parameter updates make one epoch? Give a whole number.")


def _epoch_solve(p) -> int:
    return _updates(p["m"], p["batch_size"])


def _epoch_solution(p, answer) -> list[str]:
    exact = p["m"] / p["batch_size"]
    full, rest = divmod(p["m"], p["batch_size"])
    tail = f"{full} full batches and one of {rest} examples" if rest else f"{full} full batches"
    return ["One update per mini-batch; a smaller last batch still counts: ceil(m / batch_size).",
            f"{p['m']} / {p['batch_size']} = {num(exact, 6)}: {tail}",
            f"Updates per epoch = {answer}"]


def _epoch_mistakes(p) -> list[Mistake]:
    m, size = p["m"], p["batch_size"]
    return [Mistake("rounded-down", m // size, "it was rounded down: the last, smaller batch is also an update."),
            Mistake("not-rounded", clean(m / size), "a fraction of an update: round m / batch_size up.")]


# total_updates (Q13) -------------------------------------------------------------------

def _total_sample(rng) -> dict:
    p = _epoch_sample(rng)
    p["epochs"] = pick(rng, (3, 5, 10, 20, 25, 50, 100))
    return p


def _total_prompt(p) -> str:
    return (f"A model trains for {p['epochs']} epochs on m = {p['m']} examples. How many parameter updates "
            f"does it make with mini-batch SGD (batches of {p['batch_size']}, the last one may be smaller), "
            "and how many with full-batch gradient descent? Give the pair [mini-batch updates, full-batch "
            "updates].")


def _total_solve(p) -> list[int]:
    return [p["epochs"] * _updates(p["m"], p["batch_size"]), p["epochs"]]


def _total_solution(p, answer) -> list[str]:
    per_epoch = _updates(p["m"], p["batch_size"])
    return ["Mini-batch SGD updates once per batch; full-batch descent once per epoch.",
            f"Per epoch: ceil({p['m']} / {p['batch_size']}) = {per_epoch} updates",
            f"Over {p['epochs']} epochs: {p['epochs']}·{per_epoch} = {answer[0]}; full batch: {answer[1]}",
            "Many small noisy steps versus few exact ones."]


def _total_mistakes(p) -> list[Mistake]:
    epochs, m, size = p["epochs"], p["m"], p["batch_size"]
    return [Mistake("rounded-down", [epochs * (m // size), epochs],
                    "the last, smaller batch of each epoch was dropped: round up."),
            Mistake("per-example", [epochs * m, epochs], "one update per example: with batches it is one per batch."),
            Mistake("one-epoch", [_updates(m, size), 1], "one epoch only: multiply by the number of epochs.")]


# minibatch_variance (Q19) --------------------------------------------------------------

def _variance_sample(rng) -> dict:
    return {"sigma2": grid(rng, 0.5, 20, 1), "batch_size": pick(rng, (4, 8, 16, 25, 32, 64, 100, 128, 256))}


def _variance_prompt(p) -> str:
    return sig3_prompt(f"Per-example gradients of one weight have variance sigma² = {fmt(p['sigma2'])}. What is "
                       f"the variance of the gradient averaged over a mini-batch of {p['batch_size']} "
                       "independent examples?")


def _variance_solve(p) -> float:
    return clean(p["sigma2"] / p["batch_size"])


def _variance_solution(p, answer) -> list[str]:
    return ["The mean of B independent values has variance sigma² / B.",
            f"{fmt(p['sigma2'])} / {p['batch_size']} = {num(answer)}",
            "Larger batches give less noisy gradients, but the noise (its standard deviation) falls only "
            "as 1/√B."]


def _variance_mistakes(p) -> list[Mistake]:
    s2, b = p["sigma2"], p["batch_size"]
    return [Mistake("sqrt-batch", clean(s2 / b ** 0.5), "a division by √B: that is how the standard deviation falls; "
                    "the variance falls as 1/B."),
            Mistake("std-not-variance", clean((s2 / b) ** 0.5), "the standard deviation: the variance is sigma² / B."),
            Mistake("multiplied", clean(s2 * b), "a multiplication by B: averaging divides the variance by B.")]


# batch_memory (Q19) --------------------------------------------------------------------

def _memory_sample(rng) -> dict:
    return {"batch_size": 8 * ints(rng, 1, 64), "features": pick(rng, FEATURES),
            "bytes_per_value": pick(rng, (2, 4, 8))}


def _memory_prompt(p) -> str:
    return (f"A mini-batch holds {p['batch_size']} examples of {p['features']} values each, stored with "
            f"{p['bytes_per_value']} bytes per value. How many bytes does the batch take? Give a whole number "
            "(a calculation such as 64*784*4 is fine).")


def _memory_solve(p) -> int:
    return p["batch_size"] * p["features"] * p["bytes_per_value"]


def _memory_solution(p, answer) -> list[str]:
    mib = answer / 2**20
    return ["Bytes = batch_size · values per example · bytes per value.",
            f"{p['batch_size']}·{p['features']}·{p['bytes_per_value']} = {answer} bytes (about {num(mib, 3)} MiB)",
            "Memory grows linearly with the batch size, which caps how large a batch fits on a GPU."]


def _memory_mistakes(p) -> list[Mistake]:
    values = p["batch_size"] * p["features"]
    return [Mistake("bits", values * p["bytes_per_value"] * 8, "the size in bits: a byte is 8 bits."),
            Mistake("values-not-bytes", values, "the number of values: multiply by the bytes per value.")]


FAMILIES = [
    Family(id="updates_per_epoch", question_id="Q13", title="Updates in one epoch", answer_type="integer",
           sample=_epoch_sample, prompt=_epoch_prompt, solve=_epoch_solve, solution=_epoch_solution, tolerance=EXACT,
           mistakes=_epoch_mistakes),
    Family(id="total_updates", question_id="Q13", title="Updates over training: mini-batch vs full batch",
           answer_type="pair",
           sample=_total_sample, prompt=_total_prompt, solve=_total_solve, solution=_total_solution, tolerance=EXACT,
           mistakes=_total_mistakes),
    Family(id="minibatch_variance", question_id="Q19", title="Variance of a mini-batch gradient", answer_type="number",
           sample=_variance_sample, prompt=_variance_prompt, solve=_variance_solve, solution=_variance_solution,
           tolerance=TINY, mistakes=_variance_mistakes),
    Family(id="batch_memory", question_id="Q19", title="Memory taken by a mini-batch", answer_type="integer",
           sample=_memory_sample, prompt=_memory_prompt, solve=_memory_solve, solution=_memory_solution,
           tolerance=EXACT, mistakes=_memory_mistakes),
]
