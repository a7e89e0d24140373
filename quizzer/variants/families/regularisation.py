"""Families for Q11 (dropout), Q12 (early stopping) and Q15 (L1 and L2 penalties)."""

from __future__ import annotations

import math
from itertools import accumulate

from ..family import Family, Mistake, Tolerance
from ._common import clean, clean_list, fmt, fmt_list, grid, ints, np, num, pick

__all__ = ["FAMILIES"]

EXACT = Tolerance(rel=0.0, abs=0.0)
ELEMENTS = Tolerance(rel=0.01, abs=0.005)  # asked to 3 decimal places
UPDATE = Tolerance(rel=0.0, abs=0.0005)  # asked to 4 decimal places
SIG = Tolerance(rel=0.01, abs=0.01)


# dropout_forward (Q11) --------------------------------------------------------------------

def _dropout_sample(rng) -> dict:
    n = ints(rng, 4, 6)
    while True:
        mask = ints(rng, 0, 1, n)
        if 0 < sum(mask) < n:  # something kept, something dropped
            break
    return {"activations": grid(rng, 0.1, 3, 1, n), "mask": mask, "p": pick(rng, (0.1, 0.2, 0.25, 0.4, 0.5))}


def _dropout_prompt(p) -> str:
    return (f"A layer's activations are {fmt_list(p['activations'])}. Inverted dropout with drop probability "
            f"p = {fmt(p['p'])} draws the mask {fmt_list(p['mask'])} (1 = kept). What does the layer pass on "
            f"during training? Give the list of {len(p['mask'])} numbers, each to 3 decimal places.")


def _dropout_with(p, scale: float) -> list[float]:
    return clean_list(np.asarray(p["activations"]) * np.asarray(p["mask"]) * scale)


def _dropout_solve(p) -> list[float]:
    return _dropout_with(p, 1.0 / (1.0 - p["p"]))


def _dropout_solution(p, answer) -> list[str]:
    keep = 1 - p["p"]
    return ["Inverted dropout zeroes the dropped units and divides the kept ones by 1 − p, so the expected "
            "activation is unchanged and nothing needs rescaling at test time.",
            f"Scale = 1 / (1 − {fmt(p['p'])}) = 1 / {num(keep)} = {num(1 / keep)}",
            f"activations·mask·scale = [{', '.join(num(a) for a in answer)}]"]


def _dropout_mistakes(p) -> list[Mistake]:
    return [Mistake("no-rescale", _dropout_with(p, 1.0),
                    "the mask alone: inverted dropout also divides the kept units by 1 − p."),
            Mistake("times-keep", _dropout_with(p, 1.0 - p["p"]),
                    "the kept units were multiplied by 1 − p: that is test-time scaling in classic dropout; "
                    "inverted dropout divides by 1 − p during training."),
            Mistake("divided-by-p", _dropout_with(p, 1.0 / p["p"]),
                    "a division by p: divide by the keep probability 1 − p.")]


# dropout_keep_count (Q11) ---------------------------------------------------------------

def _keep_sample(rng) -> dict:
    return {"n": ints(rng, 10, 1000), "p": grid(rng, 0.05, 0.9, 2)}


def _keep_prompt(p) -> str:
    return (f"A layer of {p['n']} units uses dropout with drop probability p = {fmt(p['p'])}. How many units "
            "are kept on average in one training step? Give the number (it need not be whole).")


def _keep_solve(p) -> float:
    return clean(p["n"] * (1.0 - p["p"]))


def _keep_solution(p, answer) -> list[str]:
    return ["Each unit is kept with probability 1 − p, so on average n·(1 − p) units stay.",
            f"{p['n']}·(1 − {fmt(p['p'])}) = {num(answer, 6)}"]


def _keep_mistakes(p) -> list[Mistake]:
    return [Mistake("dropped-count", clean(p["n"] * p["p"]), "n·p, the dropped units: the kept ones are n·(1 − p).")]


# early_stopping (Q12) ----------------------------------------------------------------------

def _early_sample(rng) -> dict:
    """A loss curve that falls, then (from a random epoch) drifts up with noise: overfitting."""
    n = ints(rng, 6, 12)
    turn = ints(rng, 2, n - 1)
    falling, rising = ints(rng, -15, 2, turn - 1), ints(rng, -4, 8, n - turn)
    hundredths = list(accumulate([ints(rng, 80, 150), *falling, *rising]))
    low = min(hundredths)
    if low < 5:  # keep every loss positive
        hundredths = [h - low + 5 for h in hundredths]
    return {"val_losses": [h / 100 for h in hundredths], "patience": ints(rng, 2, 4)}


def _early_prompt(p) -> str:
    return (f"Training records the validation losses {fmt_list(p['val_losses'])} at epochs 1 to "
            f"{len(p['val_losses'])}. Early stopping uses patience {p['patience']}: an epoch improves when its "
            "loss is strictly below the best so far, and training stops at the epoch where the count of "
            "epochs without improvement reaches the patience (or at the last epoch). Give the pair "
            "[stop epoch, best epoch], counting epochs from 1.")


def early_stop(losses, patience: int, strict: bool = True) -> list[int]:
    """[stop_epoch, best_epoch] (from 1), vectorised: the last improvement before each epoch."""
    loss = np.asarray(losses, dtype=float)
    before = np.minimum.accumulate(np.concatenate(([np.inf], loss[:-1])))
    improved = loss < before if strict else loss <= before
    epochs = np.arange(loss.size)
    last = np.maximum.accumulate(np.where(improved, epochs, -1))
    waited = np.flatnonzero(epochs - last >= patience)
    stop = int(waited[0]) if waited.size else loss.size - 1
    return [stop + 1, int(last[stop]) + 1]


def _early_solve(p) -> list[int]:
    return early_stop(p["val_losses"], p["patience"])


def _early_solution(p, answer) -> list[str]:
    steps = ["Walk through the epochs keeping the best loss so far and a count of epochs without improvement."]
    best, waited = math.inf, 0
    for epoch, loss in enumerate(p["val_losses"][:answer[0]], start=1):
        if loss < best:
            best, waited = loss, 0
            steps.append(f"Epoch {epoch}: {fmt(loss)} is a new best; count 0")
        else:
            waited += 1
            steps.append(f"Epoch {epoch}: {fmt(loss)} is not below {fmt(best)}; count {waited}")
    reason = f"the count reached {p['patience']}" if waited >= p["patience"] else "it is the last epoch"
    steps.append(f"Training stops at epoch {answer[0]} ({reason}); the best epoch is {answer[1]}.")
    return steps


def _early_mistakes(p) -> list[Mistake]:
    stop, best = _early_solve(p)
    return [Mistake("swapped", [best, stop], "the epochs in the wrong order: the pair is [stop epoch, best epoch]."),
            Mistake("ties-improve", early_stop(p["val_losses"], p["patience"], strict=False),
                    "a loss equal to the best was counted as an improvement: it must be strictly lower.")]


# patience_stop (Q12) ----------------------------------------------------------------------

def _patience_sample(rng) -> dict:
    best, patience = ints(rng, 2, 40), ints(rng, 2, 15)
    return {"best_epoch": best, "patience": patience, "max_epochs": best + patience + ints(rng, 5, 50)}


def _patience_prompt(p) -> str:
    return (f"Training may run for up to {p['max_epochs']} epochs, with early stopping of patience "
            f"{p['patience']} (stop once {p['patience']} epochs in a row bring no improvement in validation "
            f"loss). The best validation loss comes at epoch {p['best_epoch']} and no later epoch improves "
            "on it. At which epoch does training stop? Epochs are counted from 1.")


def _patience_solve(p) -> int:
    return p["best_epoch"] + p["patience"]


def _patience_solution(p, answer) -> list[str]:
    return ["After the best epoch, the count of epochs without improvement grows by one per epoch.",
            f"It reaches {p['patience']} at epoch {p['best_epoch']} + {p['patience']} = {answer}, "
            f"before the limit of {p['max_epochs']}; the weights of epoch {p['best_epoch']} are kept."]


def _patience_mistakes(p) -> list[Mistake]:
    best, patience = p["best_epoch"], p["patience"]
    return [Mistake("off-by-one-early", best + patience - 1,
                    "one epoch early: the best epoch itself is not an epoch without improvement."),
            Mistake("off-by-one-late", best + patience + 1,
                    "one epoch late: stop as soon as the count hits the patience."),
            Mistake("best-epoch", best, "the best epoch: that is what is restored, not when training stops.")]


FAMILIES = [
    Family(id="dropout_forward", question_id="Q11", title="Inverted dropout on a layer", answer_type="vector",
           sample=_dropout_sample, prompt=_dropout_prompt, solve=_dropout_solve, solution=_dropout_solution,
           tolerance=ELEMENTS, mistakes=_dropout_mistakes),
    Family(id="dropout_keep_count", question_id="Q11", title="Units kept by dropout on average", answer_type="number",
           sample=_keep_sample, prompt=_keep_prompt, solve=_keep_solve, solution=_keep_solution, tolerance=SIG,
           mistakes=_keep_mistakes),
    Family(id="early_stopping", question_id="Q12", title="When early stopping stops", answer_type="pair",
           sample=_early_sample, prompt=_early_prompt, solve=_early_solve, solution=_early_solution, tolerance=EXACT,
           mistakes=_early_mistakes),
    Family(id="patience_stop", question_id="Q12", title="Stop epoch from best epoch and patience",
           answer_type="integer",
           sample=_patience_sample, prompt=_patience_prompt, solve=_patience_solve, solution=_patience_solution,
           tolerance=EXACT, mistakes=_patience_mistakes),
]
