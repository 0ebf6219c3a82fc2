"""Time an MLP trained by nnlib, by a hand-written NumPy loop and by scikit-learn.

Two cases, both ReLU networks with two hidden layers, softmax cross-entropy
and Adam (lr 1e-3):

* ``digits``: [64, 128, 128, 10] on a stratified 80/20 split of
  ``sklearn.datasets.load_digits`` (standardised with training statistics),
  float64, batches of 64, 30 epochs; also trained by scikit-learn's
  ``MLPClassifier`` with the same settings.
* ``large``: [784, 256, 256, 10] on 60,000 synthetic samples (standard
  normal inputs, labels from a fixed random linear teacher), float32,
  batches of 128, 2 epochs; also the peak memory of one epoch of each.

nnlib (``Sequential``, ``CrossEntropyLoss``, ``Adam``, ``fit``) and the
hand-written loop do the same arithmetic: same initial weights, same
shuffling, same Adam update, so their final weights must agree up to
round-off (checked below).

Printed: milliseconds per epoch, the ratios, and the test accuracies. The
speed of a shared machine drifts by 10-20 % over seconds, which would swamp
a comparison of whole runs made one after the other. So nnlib and the NumPy
loop are run in turns, epoch by epoch (in alternating order), and their
ratio is the median, over all pairs of neighbouring epochs, of nnlib's epoch
time over the loop's. scikit-learn runs whole, between repeats; the times
are medians. Peak memory is measured with ``tracemalloc`` (which sees
NumPy's allocations) over one untimed epoch, from the initial weights on:
parameters, optimizer state, batches, activations and gradients. Run with
``python benchmarks/digits_mlp.py`` (``--case digits`` or ``large`` for one
case, ``--repeats N`` for the number of runs, ``--breakdown`` for the cost of
each part of a step). Timings depend on the machine and its load; the ratios
are what to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import statistics
import time
import tracemalloc
from typing import Any

import numpy as np
from _trainers import (
    BETAS,
    EPS,
    LR,
    SEED,
    Case,
    Data,
    build,
    initial_weights,
    nnlib_epochs,
    numpy_accuracy,
    numpy_epochs,
    train_sklearn,
)
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

from nnlib._validation import first_nonfinite
from nnlib.data import StandardScaler, train_test_split
from nnlib.losses import CrossEntropyLoss
from nnlib.optim import Adam
from nnlib.train import accuracy, predict


def digits_data(dtype: type) -> Data:
    digits = load_digits()
    X_tr, X_te, y_tr, y_te = train_test_split(
        digits.data, digits.target, test_size=0.2, rng=SEED, stratify=digits.target
    )
    scaler = StandardScaler().fit(X_tr)
    return (scaler.transform(X_tr).astype(dtype), scaler.transform(X_te).astype(dtype), y_tr, y_te)


def synthetic_data(dtype: type, n_train: int = 60_000, n_test: int = 10_000) -> Data:
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((n_train + n_test, 784), dtype=np.float32).astype(dtype)
    teacher = rng.standard_normal((784, 10)).astype(dtype)
    y = np.argmax(X @ teacher, axis=1)
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


CASES = {
    "digits": Case(
        "digits", [64, 128, 128, 10], np.float64, batch=64, epochs=30, data=digits_data,
        target=1.1, tolerance=1e-9, sklearn=True,
    ),
    "large": Case(
        "large", [784, 256, 256, 10], np.float32, batch=128, epochs=2, data=synthetic_data,
        target=1.05, tolerance=1e-3, sklearn=False,
    ),
}  # fmt: skip


def interleaved(case: Case, data: Data) -> tuple[list[float], list[float], Any, Any]:
    """Epoch times of nnlib and of the NumPy loop, run alternately epoch by epoch.

    Machine speed drifts over seconds (other load, frequency changes); running
    the two in turns, each epoch of one next to the same epoch of the other
    and in alternating order, exposes both to the same conditions.
    """
    runs = {
        "nnlib": nnlib_epochs(case, data),
        "numpy": numpy_epochs(case, data, initial_weights(case)),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, Any] = {}
    for epoch in range(case.epochs + 1):
        order = list(runs) if epoch % 2 == 0 else list(reversed(runs))
        for name in order:
            try:
                times[name].append(next(runs[name]))
            except StopIteration as done:
                results[name] = done.value
    return times["nnlib"], times["numpy"], results["nnlib"], results["numpy"]


def peak_memory(case: Case, data: Data) -> dict[str, float]:
    """Megabytes allocated at the peak of one epoch of each implementation (untimed)."""
    one_epoch = dataclasses.replace(case, epochs=1)
    initial = initial_weights(case)
    peaks = {}
    for name in ("nnlib", "numpy"):
        tracemalloc.start()
        try:
            if name == "nnlib":
                run = nnlib_epochs(one_epoch, data)
            else:
                run = numpy_epochs(one_epoch, data, initial)
            for _ in run:
                pass
            peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    return peaks


def breakdown(case: Case, data: Data) -> float:
    """Microseconds per batch for each part of a training step, nnlib vs plain NumPy.

    Each part runs as ``fit`` runs it (parameter gradients only for the
    model); the two versions alternate, and the best of many repetitions is
    reported. Returns the seconds that nnlib's scans for NaN and infinity
    take in one step.
    """
    X_tr, _, y_tr, _ = data
    x, y = X_tr[: case.batch], y_tr[: case.batch]
    model, loss_fn = build(case), CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS)
    params = list(model.parameters())
    W1, b1, W2, b2, W3, b3 = (p.data for p in params)
    z1 = x @ W1.T + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W2.T + b2
    h2 = np.maximum(z2, 0)
    z3 = h2 @ W3.T + b3
    grads = [np.full_like(p.data, 1e-3) for p in params]
    moments = [(np.zeros_like(p.data), np.zeros_like(p.data)) for p in params]
    raw_params = [p.data.copy() for p in params]
    g3 = np.full_like(z3, 1e-3)

    def nn_loss() -> None:
        float(loss_fn(z3, y))
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
        model(x)
        model._backward_parameters(g3)
        for p in params:
            p.grad = None  # as optimizer.zero_grad() does

    def raw_backward() -> None:
        np.maximum(np.maximum(x @ W1.T + b1, 0) @ W2.T + b2, 0) @ W3.T + b3
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
        "forward and backward, 5 stages": (nn_backward, raw_backward),
        "cross-entropy, forward and backward": (nn_loss, raw_loss),
        "Adam step, 6 parameters": (nn_adam, raw_adam),
    }
    best = {name: [math.inf, math.inf] for name in parts}
    for _ in range(300):
        for name, pair in parts.items():
            for which, fn in enumerate(pair):
                best[name][which] = min(best[name][which], _seconds(fn))
    print(f"  per batch of {case.batch} (microseconds, best of 300):     nnlib    numpy")
    for name, (nn_s, raw_s) in best.items():
        print(f"    {name:38s} {1e6 * nn_s:8.1f} {1e6 * raw_s:8.1f}")
    # Included above: the scan for NaN and infinity of everything a stage
    # receives (5 stage inputs, the logits, 5 stage gradients) and of the 6
    # parameter gradients before Adam moves anything.
    g2 = np.full_like(z2, 1e-3)
    scanned = [x, z1, h1, z2, h2, z3, g3, g2, g2, g2, g2, *grads]
    scans = min(_seconds(lambda: [first_nonfinite(a) for a in scanned]) for _ in range(300))
    print(f"    of which {len(scanned)} scans for NaN and infinity {1e6 * scans:10.1f}")
    return scans


def _seconds(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_case(case: Case, args: argparse.Namespace) -> None:
    data = case.data(case.dtype)
    X_te, y_te = data[1], data[3]
    epoch_times: dict[str, list[float]] = {"nnlib": [], "numpy": []}
    sklearn_times: list[float] = []
    for _ in range(args.repeats):
        nn_times, np_times, model, params = interleaved(case, data)
        epoch_times["nnlib"] += nn_times
        epoch_times["numpy"] += np_times
        if case.sklearn:
            seconds, sklearn_accuracy = train_sklearn(case, data)
            sklearn_times.append(seconds)
    # The hand-written loop and nnlib did the same arithmetic: the same final weights.
    worst = max(
        float(np.max(np.abs(a.data - b)) / np.max(np.abs(b)))
        for a, b in zip(model.parameters(), params, strict=True)
    )
    if worst > case.tolerance:
        raise RuntimeError(f"nnlib and the NumPy loop disagree: relative difference {worst:.2e}")
    ms = {name: 1000 * statistics.median(values) for name, values in epoch_times.items()}
    accuracies = {
        "nnlib": accuracy(predict(model, X_te), y_te),
        "numpy": numpy_accuracy(params, X_te, y_te),
    }
    if case.sklearn:
        ms["sklearn"] = 1000 * statistics.median(sklearn_times)
        accuracies["sklearn"] = sklearn_accuracy
    paired = statistics.median(
        a / b for a, b in zip(epoch_times["nnlib"], epoch_times["numpy"], strict=True)
    )
    print(
        f"{case.name}: MLP {case.sizes}, ReLU, Adam lr={LR:g}, batch {case.batch}, "
        f"{case.epochs} epochs, {np.dtype(case.dtype).name}, {len(data[0])} training samples"
    )
    print(
        f"  ({args.repeats} runs; nnlib and numpy alternate epoch by epoch; medians; "
        f"BLAS threads: {args.threads or 'default'}; sklearn always float64)"
    )
    for name in ms:
        print(f"  {name:8s} {ms[name]:8.2f} ms/epoch   test accuracy {accuracies[name]:.4f}")
    print(
        f"  nnlib / numpy   = {paired:.2f}  (target <= {case.target}; median over "
        f"{len(epoch_times['nnlib'])} pairs of epochs)"
    )
    if case.sklearn:
        print(f"  sklearn / nnlib = {ms['sklearn'] / ms['nnlib']:.2f}  (target >= 1.5)")
    print(f"  final weights nnlib vs numpy: max relative difference {worst:.1e}")
    if not case.sklearn:
        peaks = peak_memory(case, data)
        print(
            f"  peak memory of one epoch: nnlib {peaks['nnlib']:.1f} MB, numpy "
            f"{peaks['numpy']:.1f} MB (ratio {peaks['nnlib'] / peaks['numpy']:.2f})"
        )
    if args.breakdown:
        scans = breakdown(case, data)
        # What the checks' scans cost in the ratio: the epoch without them.
        steps = math.ceil(len(data[0]) / case.batch)
        unscanned = (ms["nnlib"] - 1000 * steps * scans) / ms["numpy"]
        print(f"  nnlib / numpy without the scans ({steps} steps per epoch) = {unscanned:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--case", choices=[*CASES, "all"], default="all")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--threads", type=int, default=1,
        help="BLAS threads for all three (default 1; 0 leaves the library default)",
    )  # fmt: skip
    parser.add_argument("--breakdown", action="store_true", help="time each part of a step")
    args = parser.parse_args()
    # For small matrices, splitting a product over threads costs more than it
    # saves, and on a shared machine busy cores make threaded BLAS erratic;
    # every contestant gets the same setting.
    limits = threadpool_limits(args.threads) if args.threads else contextlib.nullcontext()
    with limits:
        for name, case in CASES.items():
            if args.case in (name, "all"):
                run_case(case, args)


if __name__ == "__main__":
    main()
