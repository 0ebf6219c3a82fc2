"""Time one MLP trained three ways on scikit-learn's bundled digits.

The network is [64, 128, 128, 10] with ReLU, softmax cross-entropy, Adam
(lr 1e-3), batches of 64, 30 epochs, float64, on a stratified 80/20 split of
``sklearn.datasets.load_digits`` (standardised with training statistics).
It is trained

1. with nnlib (``Sequential``, ``CrossEntropyLoss``, ``Adam``, ``fit``);
2. by a hand-written NumPy loop doing the same arithmetic: same initial
   weights, same shuffling, same Adam update, so that its final weights must
   equal nnlib's up to round-off (checked below);
3. by scikit-learn's ``MLPClassifier`` with the same settings.

Printed: milliseconds per epoch, the ratios, and the test accuracies. The
speed of a shared machine drifts by 10-20 % over seconds, which would swamp
a comparison of whole runs made one after the other. So nnlib and the NumPy
loop are run in turns, epoch by epoch (in alternating order), and their
ratio is the median, over all pairs of neighbouring epochs, of nnlib's epoch
time over the loop's. scikit-learn runs whole, between repeats; the times
are medians. Run with ``python benchmarks/digits_mlp.py`` (``--repeats N``
to change the number of runs, ``--dtype float32`` for the float32 variant of
the first two, ``--breakdown`` for the cost of each part of a step). Timings
depend on the machine and its load; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import math
import statistics
import time
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

import nnlib
from nnlib.activations import ReLU
from nnlib.data import DataLoader, StandardScaler, train_test_split
from nnlib.losses import CrossEntropyLoss
from nnlib.optim import Adam
from nnlib.train import accuracy, fit, predict

SIZES = [64, 128, 128, 10]
EPOCHS, BATCH, LR, SEED = 30, 64, 1e-3, 0
BETAS, EPS = (0.9, 0.999), 1e-8


def load(dtype: type) -> tuple[np.ndarray, ...]:
    digits = load_digits()
    X_tr, X_te, y_tr, y_te = train_test_split(
        digits.data, digits.target, test_size=0.2, rng=SEED, stratify=digits.target
    )
    scaler = StandardScaler().fit(X_tr)
    return (scaler.transform(X_tr).astype(dtype), scaler.transform(X_te).astype(dtype), y_tr, y_te)


def build(dtype: type) -> nnlib.Sequential:
    layers: list[nnlib.Module] = []
    for index, (n_in, n_out) in enumerate(itertools.pairwise(SIZES)):
        layers.append(nnlib.Linear(n_in, n_out, rng=SEED + index, dtype=dtype))
        if index < len(SIZES) - 2:
            layers.append(ReLU())
    return nnlib.Sequential(*layers)


def nnlib_epochs(data: tuple[np.ndarray, ...], dtype: type) -> Iterator[float]:
    """Train with nnlib one epoch at a time, yielding each epoch's seconds.

    ``fit`` is called once per epoch; the loader's generator carries on, so the
    batches and steps are those of one call with ``epochs=EPOCHS``. The model is
    the generator's return value.
    """
    X_tr, _, y_tr, _ = data
    model = build(dtype)
    loader = DataLoader(X_tr, y_tr, batch_size=BATCH, shuffle=True, rng=SEED)
    optimizer = Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS)
    loss_fn = CrossEntropyLoss()
    for _ in range(EPOCHS):
        start = time.perf_counter()
        fit(model, loss_fn, optimizer, loader, epochs=1)
        yield time.perf_counter() - start
    return model


def numpy_epochs(data: tuple[np.ndarray, ...], dtype: type) -> Iterator[float]:
    """The same computation written out by hand, without nnlib; yields as above.

    Same initial weights, same shuffling, same Adam update; the return value
    is the list of final parameters W1, b1, W2, b2, W3, b3.
    """
    X_tr, _, y_tr, _ = data
    initial = build(dtype)  # same initial weights as nnlib's run
    params = [p.data.copy() for p in initial.parameters()]  # W1, b1, W2, b2, W3, b3
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    rng = np.random.default_rng(SEED)  # same shuffling as the DataLoader
    n = len(X_tr)
    beta1, beta2 = BETAS
    step = 0
    for _ in range(EPOCHS):
        start = time.perf_counter()
        order = rng.permutation(n)
        for begin in range(0, n, BATCH):
            idx = order[begin : begin + BATCH]
            x, y = X_tr[idx], y_tr[idx]
            W1, b1, W2, b2, W3, b3 = params
            z1 = x @ W1.T + b1
            h1 = np.maximum(z1, 0)
            z2 = h1 @ W2.T + b2
            h2 = np.maximum(z2, 0)
            z3 = h2 @ W3.T + b3
            shifted = z3 - z3.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            rows = np.arange(len(y))
            _loss = float(-log_p[rows, y].mean())
            g3 = np.exp(log_p)
            g3[rows, y] -= 1
            g3 /= len(y)
            g2 = (g3 @ W3) * (z2 > 0)
            g1 = (g2 @ W2) * (z1 > 0)
            grads = [g1.T @ x, g1.sum(0), g2.T @ h1, g2.sum(0), g3.T @ h2, g3.sum(0)]
            step += 1
            bc1, bc2 = 1 - beta1**step, 1 - beta2**step
            for p, g, m_i, v_i in zip(params, grads, m, v, strict=True):
                m_i += (1 - beta1) * (g - m_i)
                v_i *= beta2
                v_i += (1 - beta2) * g * g
                p += (-LR / bc1 * m_i) / (np.sqrt(v_i) / bc2**0.5 + EPS)
        yield time.perf_counter() - start
    return params


def numpy_accuracy(params: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> float:
    W1, b1, W2, b2, W3, b3 = params
    h = np.maximum(np.maximum(X @ W1.T + b1, 0) @ W2.T + b2, 0)
    return float(np.mean(np.argmax(h @ W3.T + b3, axis=1) == y))


def interleaved(
    data: tuple[np.ndarray, ...], dtype: type
) -> tuple[list[float], list[float], nnlib.Sequential, list[np.ndarray]]:
    """Epoch times of nnlib and of the NumPy loop, run alternately epoch by epoch.

    Machine speed drifts over seconds (other load, frequency changes); running
    the two in turns, each epoch of one next to the same epoch of the other
    and in alternating order, exposes both to the same conditions.
    """
    runs = {"nnlib": nnlib_epochs(data, dtype), "numpy": numpy_epochs(data, dtype)}
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, Any] = {}
    for epoch in range(EPOCHS + 1):
        order = list(runs) if epoch % 2 == 0 else list(reversed(runs))
        for name in order:
            try:
                times[name].append(next(runs[name]))
            except StopIteration as done:
                results[name] = done.value
    return times["nnlib"], times["numpy"], results["nnlib"], results["numpy"]


def train_sklearn(data: tuple[np.ndarray, ...], dtype: type) -> tuple[float, float, Any]:
    X_tr, X_te, y_tr, y_te = (a.astype(np.float64) if a.dtype.kind == "f" else a for a in data)
    clf = MLPClassifier(
        hidden_layer_sizes=tuple(SIZES[1:-1]), activation="relu", solver="adam", alpha=0.0,
        batch_size=BATCH, learning_rate_init=LR, beta_1=BETAS[0], beta_2=BETAS[1],
        epsilon=EPS, max_iter=EPOCHS, shuffle=True, random_state=SEED, tol=0.0,
        n_iter_no_change=10**9, early_stopping=False,
    )  # fmt: skip
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter is reached on purpose
        clf.fit(X_tr, y_tr)
    seconds = time.perf_counter() - start
    if clf.n_iter_ != EPOCHS:
        raise RuntimeError(f"MLPClassifier ran {clf.n_iter_} epochs, expected {EPOCHS}")
    return seconds, float(clf.score(X_te, y_te)), clf


def breakdown(data: tuple[np.ndarray, ...], dtype: type) -> None:
    """Microseconds per batch of 64 for each part of a training step, nnlib vs plain NumPy.

    Each part runs as ``fit`` runs it (the model's inner stages on the trusted
    path, parameter gradients only); the two versions alternate, and the best
    of many repetitions is reported.
    """
    X_tr, _, y_tr, _ = data
    x, y = X_tr[:BATCH], y_tr[:BATCH]
    model = build(dtype)
    loss_fn = CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS)
    params = list(model.parameters())
    W1, b1, W2, b2, W3, b3 = (p.data for p in params)
    z1 = x @ W1.T + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W2.T + b2
    h2 = np.maximum(z2, 0)
    z3 = h2 @ W3.T + b3
    logits = model(x)
    loss_fn(logits, y)
    g3 = loss_fn.backward(1.0)
    grads = [np.full_like(p.data, 1e-3) for p in params]
    moments = [(np.zeros_like(p.data), np.zeros_like(p.data)) for p in params]
    raw_params = [p.data.copy() for p in params]

    def nn_forward() -> None:
        model(x)

    def raw_forward() -> None:
        h = np.maximum(x @ W1.T + b1, 0)
        np.maximum(h @ W2.T + b2, 0) @ W3.T + b3

    def nn_loss() -> None:
        float(loss_fn(logits, y))
        loss_fn.backward(1.0)

    def raw_loss() -> None:
        shifted = z3 - z3.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(len(y))
        float(-log_p[rows, y].mean())
        g = np.exp(log_p)
        g[rows, y] -= 1
        g /= len(y)

    def nn_backward() -> None:
        model._backward_parameters(g3, inner=True)
        for p in params:
            p.grad = None  # as optimizer.zero_grad() does

    def raw_backward() -> None:
        g2 = (g3 @ W3) * (z2 > 0)
        g1 = (g2 @ W2) * (z1 > 0)
        g1.T @ x, g1.sum(0), g2.T @ h1, g2.sum(0), g3.T @ h2, g3.sum(0)

    def nn_adam() -> None:
        for p, g in zip(params, grads, strict=True):
            p.grad = g
        optimizer.step()

    def raw_adam() -> None:
        for p, g, (m_i, v_i) in zip(raw_params, grads, moments, strict=True):
            m_i += (1 - BETAS[0]) * (g - m_i)
            v_i *= BETAS[1]
            v_i += (1 - BETAS[1]) * g * g
            p += (-LR / 0.1 * m_i) / (np.sqrt(v_i) / 0.03 + EPS)

    parts = {
        "forward, 5 stages": (nn_forward, raw_forward),
        "cross-entropy, forward and backward": (nn_loss, raw_loss),
        "backward, parameter gradients": (nn_backward, raw_backward),
        "Adam step, 6 parameters": (nn_adam, raw_adam),
    }
    best = {name: [math.inf, math.inf] for name in parts}
    for _ in range(300):
        for name, pair in parts.items():
            for which, fn in enumerate(pair):
                start = time.perf_counter()
                fn()
                best[name][which] = min(best[name][which], time.perf_counter() - start)
    print(f"per batch of {BATCH} (microseconds, best of 300):      nnlib    numpy  difference")
    for name, (nn_s, raw_s) in best.items():
        print(f"  {name:40s} {1e6 * nn_s:8.1f} {1e6 * raw_s:8.1f} {1e6 * (nn_s - raw_s):+9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument(
        "--threads", type=int, default=1,
        help="BLAS threads for all three (default 1; 0 leaves the library default)",
    )  # fmt: skip
    parser.add_argument("--breakdown", action="store_true", help="time each part of a step")
    args = parser.parse_args()
    # For 64x128 matrices, splitting a product over threads costs more than it
    # saves, and on a shared machine busy cores make threaded BLAS erratic;
    # every contestant gets the same setting.
    limits = threadpool_limits(args.threads) if args.threads else contextlib.nullcontext()
    with limits:
        run(args)


def run(args: argparse.Namespace) -> None:
    dtype = np.dtype(args.dtype).type
    data = load(dtype)
    X_te, y_te = data[1], data[3]
    epoch_times: dict[str, list[float]] = {"nnlib": [], "numpy": []}
    sklearn_times: list[float] = []
    for _ in range(args.repeats):
        nn_times, np_times, model, params = interleaved(data, dtype)
        epoch_times["nnlib"] += nn_times
        epoch_times["numpy"] += np_times
        seconds, sklearn_accuracy, _ = train_sklearn(data, dtype)
        sklearn_times.append(seconds / EPOCHS)
    accuracies = {
        "nnlib": accuracy(predict(model, X_te), y_te),
        "numpy": numpy_accuracy(params, X_te, y_te),
        "sklearn": sklearn_accuracy,
    }
    # The hand-written loop and nnlib did the same arithmetic: same final weights.
    nnlib_params = [p.data for p in model.parameters()]
    worst = max(
        float(np.max(np.abs(a - b)) / np.max(np.abs(b)))
        for a, b in zip(nnlib_params, params, strict=True)
    )
    tolerance = 1e-4 if dtype == np.float32 else 1e-9
    if worst > tolerance:
        raise RuntimeError(f"nnlib and the NumPy loop disagree: relative difference {worst:.2e}")

    ms = {name: 1000 * statistics.median(values) for name, values in epoch_times.items()}
    ms["sklearn"] = 1000 * statistics.median(sklearn_times)
    paired = statistics.median(
        a / b for a, b in zip(epoch_times["nnlib"], epoch_times["numpy"], strict=True)
    )
    print(
        f"digits MLP {SIZES}, ReLU, Adam lr={LR:g}, batch {BATCH}, {EPOCHS} epochs, {args.dtype}"
    )
    threads = args.threads or "default"
    print(
        f"({args.repeats} runs; nnlib and numpy alternate epoch by epoch; medians; "
        f"BLAS threads: {threads}; sklearn always float64)"
    )
    for name in ("nnlib", "numpy", "sklearn"):
        print(f"  {name:8s} {ms[name]:7.2f} ms/epoch   test accuracy {accuracies[name]:.4f}")
    print(
        f"  nnlib / numpy   = {paired:.2f}  (target <= 1.2; median over "
        f"{len(epoch_times['nnlib'])} pairs of epochs)"
    )
    print(f"  nnlib / sklearn = {ms['nnlib'] / ms['sklearn']:.2f}  (target < 1)")
    print(f"  final weights nnlib vs numpy: max relative difference {worst:.1e}")
    if args.breakdown:
        breakdown(data, dtype)


if __name__ == "__main__":
    main()
