"""Plain-Python reference answers for every variant family, written apart from the NumPy solvers.

Each function takes a variant's params and returns the answer by the most direct
loop a person would write from the family's definition, with no NumPy, so a
solver bug does not hide behind the same bug in its check.
"""

from __future__ import annotations

import math
from fractions import Fraction


def _sig(z):
    return 1 / (1 + math.exp(-z))


def _param_count(layers):
    total = 0
    for i in range(1, len(layers)):
        total += layers[i - 1] * layers[i]  # weights into layer i
        total += layers[i]  # its biases
    return total


def _matmul(A, B):
    return [[sum(A[i][k] * B[k][j] for k in range(2)) for j in range(2)] for i in range(2)]


def _matvec(A, v):
    return [A[0][0] * v[0] + A[0][1] * v[1], A[1][0] * v[0] + A[1][1] * v[1]]


def _mean(xs):
    return sum(xs) / len(xs)


def _pvar(xs):
    m = _mean(xs)
    return sum((x - m) ** 2 for x in xs) / len(xs)


def perceptron_output(p):
    z = p["b"]
    for wi, xi in zip(p["w"], p["x"]):
        z += wi * xi
    return 1 if z > 0 else 0


def perceptron_update(p):
    err = p["y"] - perceptron_output(p)
    return [p["w"][0] + p["lr"] * err * p["x"][0], p["w"][1] + p["lr"] * err * p["x"][1], p["b"] + p["lr"] * err]


def average_loss(p):
    return _mean(p["losses"])


def gradient_average(p):
    return p["w"] - p["lr"] * _mean(p["grads"])


def linear_collapse(p):
    W = _matmul(p["W2"], p["W1"])
    c = _matvec(p["W2"], p["b1"])
    return [W[0][0], W[0][1], W[1][0], W[1][1], c[0] + p["b2"][0], c[1] + p["b2"][1]]


def linear_composition(p):
    return [p["a2"] * p["a1"], p["a2"] * p["c1"] + p["c2"]]


def bias_boundary(p):
    return -p["b"] / p["w"][0]


def boundary_offset(p):
    return abs(p["b"]) / math.sqrt(p["w"][0] ** 2 + p["w"][1] ** 2)


def sigmoid_chain(p):
    product = 1.0
    for z in p["z"]:
        product *= _sig(z) * (1 - _sig(z))
    return product


def relu_chain(p):
    product = 1
    for z in p["z"]:
        product *= 1 if z > 0 else 0
    return product


def one_hidden_layer(p):
    return sum(v * _sig(w * p["x"] + b) for v, w, b in zip(p["v"], p["w"], p["b"]))


def sigmoid_step_location(p):
    return -p["b"] / p["w"]


def gradient_decay(p):
    value = 1.0
    for _ in range(p["layers"]):
        value *= p["factor"]
    return value


def layers_to_vanish(p):
    n, value = 0, 1.0
    while value >= p["threshold"]:
        n += 1
        value *= p["factor"]
    return n


def batchnorm_forward(p):
    m, v = _mean(p["x"]), _pvar(p["x"])
    return [p["gamma"] * (x - m) / math.sqrt(v + p["eps"]) + p["beta"] for x in p["x"]]


def batchnorm_stats(p):
    return [_mean(p["x"]), _pvar(p["x"])]


def dense_param_count(p):
    return _param_count(p["layers"])


def gd_step(p):
    return [w - p["lr"] * g for w, g in zip(p["w"], p["grads"])]


def generalization_gap(p):
    return p["train_acc"] - p["test_acc"]


def params_per_sample(p):
    return _param_count(p["layers"]) / p["m"]


def dropout_forward(p):
    return [a / (1 - p["p"]) if keep else 0.0 for a, keep in zip(p["activations"], p["mask"])]


def dropout_keep_count(p):
    return p["n"] * (1 - p["p"])


def early_stopping(p):
    best, best_epoch, waited = math.inf, 0, 0
    losses = p["val_losses"]
    for epoch, loss in enumerate(losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == p["patience"]:
                return [epoch, best_epoch]
    return [len(losses), best_epoch]


def patience_stop(p):
    return p["best_epoch"] + p["patience"]


def updates_per_epoch(p):
    return -(-p["m"] // p["batch_size"])


def total_updates(p):
    return [updates_per_epoch(p) * p["epochs"], p["epochs"]]


def momentum_velocity(p):
    w, v = p["w0"], 0.0
    for g in p["grads"]:
        v = p["beta"] * v + p["lr"] * g
        w = w - v
    return w


def momentum_effective_step(p):
    v = 0.0
    for _ in range(20000):  # run to the steady state
        v = p["beta"] * v + p["lr"] * p["g"]
    return v


def l1_step(p):
    step = Fraction(str(p["lr"])) * Fraction(str(p["lam"]))
    out = []
    for w in p["w"]:
        exact = Fraction(str(w))
        out.append(0.0 if abs(exact) <= step else float(exact - step if exact > 0 else exact + step))
    return out


def l2_step(p):
    return [w - p["lr"] * 2 * p["lam"] * w for w in p["w"]]


def l1_zero_steps(p):
    step = Fraction(str(p["lr"])) * Fraction(str(p["lam"]))
    remaining, n = abs(Fraction(str(p["w"]))), 0
    while remaining > 0:
        remaining = max(Fraction(0), remaining - step)
        n += 1
    return n


def adam_steps(p):
    theta, m, v = p["theta0"], 0.0, 0.0
    for t, g in enumerate(p["grads"], start=1):
        m = p["beta1"] * m + (1 - p["beta1"]) * g
        v = p["beta2"] * v + (1 - p["beta2"]) * g * g
        m_hat = m / (1 - p["beta1"] ** t)
        v_hat = v / (1 - p["beta2"] ** t)
        theta -= p["lr"] * m_hat / (math.sqrt(v_hat) + p["eps"])
    return theta


def adam_bias_correction(p):
    return 1 / (1 - p["beta1"] ** p["t"])


def clip_global_norm(p):
    norm = math.sqrt(sum(g * g for g in p["grads"]))
    if norm <= p["max_norm"]:
        return list(p["grads"])
    return [g * p["max_norm"] / norm for g in p["grads"]]


def clip_by_value(p):
    return [max(-p["c"], min(p["c"], g)) for g in p["grads"]]


def bias_variance(p):
    m = _mean(p["predictions"])
    return [(m - p["true_value"]) ** 2, _pvar(p["predictions"])]


def error_decomposition(p):
    return p["bias"] ** 2 + p["variance"] + p["noise"]


def minibatch_variance(p):
    return p["sigma2"] / p["batch_size"]


def batch_memory(p):
    return p["batch_size"] * p["features"] * p["bytes_per_value"]


def xavier_uniform_limit(p):
    return math.sqrt(6 / (p["fan_in"] + p["fan_out"]))


def he_normal_std(p):
    return math.sqrt(2 / p["fan_in"])


def signal_growth(p):
    scale = 1.0
    for _ in range(p["L"]):
        scale *= p["sigma_w"] * math.sqrt(p["n"])
    return scale


REFERENCES = {name: fn for name, fn in globals().items()
              if callable(fn) and not name.startswith("_") and name not in ("Fraction",)}
