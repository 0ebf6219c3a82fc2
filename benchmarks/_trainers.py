"""The three ways the benchmark trains an MLP: nnlib, a hand-written NumPy loop, scikit-learn.

Used by ``digits_mlp.py``; nnlib and the NumPy loop start from the same
weights, shuffle alike and take the same Adam steps.
"""

from __future__ import annotations

import itertools
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

import nnlib
from nnlib.activations import ReLU
from nnlib.data import DataLoader
from nnlib.losses import CrossEntropyLoss
from nnlib.optim import Adam
from nnlib.train import fit

LR, SEED, BETAS, EPS = 1e-3, 0, (0.9, 0.999), 1e-8
Data = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # X_train, X_test, y_train, y_test


@dataclass(frozen=True)
class Case:
    name: str
    sizes: list[int]
    dtype: type
    batch: int
    epochs: int
    data: Callable[[type], Data]
    target: float  # the nnlib / numpy ratio to stay under
    tolerance: float  # largest relative difference of the final weights
    sklearn: bool


def build(case: Case) -> nnlib.Sequential:
    layers: list[nnlib.Module] = []
    for index, (n_in, n_out) in enumerate(itertools.pairwise(case.sizes)):
        layers.append(nnlib.Linear(n_in, n_out, rng=SEED + index, dtype=case.dtype))
        if index < len(case.sizes) - 2:
            layers.append(ReLU())
    return nnlib.Sequential(*layers)


def nnlib_epochs(case: Case, data: Data) -> Iterator[float]:
    """Train with nnlib one epoch at a time, yielding each epoch's seconds.

    ``fit`` is called once per epoch; the loader's generator carries on, so the
    batches and steps are those of one call with ``epochs=case.epochs``. The
    model is the generator's return value.
    """
    X_tr, _, y_tr, _ = data
    model = build(case)
    loader = DataLoader(X_tr, y_tr, batch_size=case.batch, shuffle=True, rng=SEED)
    optimizer = Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS)
    loss_fn = CrossEntropyLoss()
    for _ in range(case.epochs):
        start = time.perf_counter()
        fit(model, loss_fn, optimizer, loader, epochs=1)
        yield time.perf_counter() - start
    return model


def numpy_epochs(case: Case, data: Data, initial: list[np.ndarray]) -> Iterator[float]:
    """The same computation written out by hand, without nnlib; yields as above.

    Starts from copies of ``initial`` (nnlib's initial W1, b1, W2, b2, W3, b3),
    shuffles as the DataLoader does and takes the same Adam steps; the return
    value is the list of final parameters.
    """
    X_tr, _, y_tr, _ = data
    params = [p.copy() for p in initial]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    rng = np.random.default_rng(SEED)  # same shuffling as the DataLoader
    n = len(X_tr)
    beta1, beta2 = BETAS
    step = 0
    for _ in range(case.epochs):
        start = time.perf_counter()
        order = rng.permutation(n)
        for begin in range(0, n, case.batch):
            idx = order[begin : begin + case.batch]
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


def initial_weights(case: Case) -> list[np.ndarray]:
    return [p.data.copy() for p in build(case).parameters()]


def train_sklearn(case: Case, data: Data) -> tuple[float, float]:
    X_tr, X_te, y_tr, y_te = (a.astype(np.float64) if a.dtype.kind == "f" else a for a in data)
    clf = MLPClassifier(
        hidden_layer_sizes=tuple(case.sizes[1:-1]), activation="relu", solver="adam",
        alpha=0.0, batch_size=case.batch, learning_rate_init=LR, beta_1=BETAS[0],
        beta_2=BETAS[1], epsilon=EPS, max_iter=case.epochs, shuffle=True, random_state=SEED,
        tol=0.0, n_iter_no_change=10**9, early_stopping=False,
    )  # fmt: skip
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter is reached on purpose
        clf.fit(X_tr, y_tr)
    seconds = time.perf_counter() - start
    if clf.n_iter_ != case.epochs:
        raise RuntimeError(f"MLPClassifier ran {clf.n_iter_} epochs, expected {case.epochs}")
    return seconds / case.epochs, float(clf.score(X_te, y_te))
