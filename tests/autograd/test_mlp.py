"""The digits MLP trained with nnlib.autograd equals the explicit-backward nnlib model.

Network [64, 128, 128, 10], ReLU, cross-entropy, Adam (lr 1e-3), batches
of 64 from ``nnlib.data.DataLoader``, 230 steps (10 epochs), from the same
initial weights: ``loss.backward()`` through ``functional.linear``,
``relu`` and ``cross_entropy`` computes the same products as the modules'
``backward`` methods, so the final weights agree to 1e-12.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits

from nnlib import autograd
from nnlib.activations import ReLU
from nnlib.autograd import functional as F
from nnlib.data import DataLoader, StandardScaler, train_test_split
from nnlib.layers import Linear, Sequential
from nnlib.losses import CrossEntropyLoss
from nnlib.optim import Adam

EPOCHS, BATCH, LR = 10, 64, 1e-3


def _digits() -> tuple[np.ndarray, np.ndarray]:
    digits = load_digits()
    X_tr, _, y_tr, _ = train_test_split(
        digits.data, digits.target, test_size=0.2, rng=0, stratify=digits.target
    )
    return StandardScaler().fit(X_tr).transform(X_tr), y_tr


def test_autograd_training_equals_explicit_backward() -> None:
    X, y = _digits()
    model = Sequential(
        Linear(64, 128, rng=0), ReLU(), Linear(128, 128, rng=1), ReLU(), Linear(128, 10, rng=2)
    )
    params = [autograd.tensor(p.data, requires_grad=True) for p in model.parameters()]

    loss_fn, opt_model = CrossEntropyLoss(), Adam(model.parameters(), lr=LR)
    for xb, yb in _batches(X, y):
        opt_model.zero_grad()
        loss_fn(model(xb), yb)
        model._backward_parameters(loss_fn.backward(1.0))
        opt_model.step()

    w1, b1, w2, b2, w3, b3 = params
    optimizer = Adam(params, lr=LR)
    steps = 0
    for xb, yb in _batches(X, y):
        optimizer.zero_grad()
        h = F.relu(F.linear(autograd.tensor(xb), w1, b1))
        h = F.relu(F.linear(h, w2, b2))
        loss = F.cross_entropy(F.linear(h, w3, b3), yb)
        loss.backward()
        optimizer.step()
        steps += 1

    assert steps == EPOCHS * int(np.ceil(len(X) / BATCH)) == 230
    moved = max(float(np.max(np.abs(t.data - a))) for t, a in zip(params, _initial(), strict=True))
    assert moved > 0.05  # training did change the weights
    for p, t in zip(model.parameters(), params, strict=True):
        np.testing.assert_allclose(t.data, p.data, rtol=1e-12, atol=1e-15)  # in fact bit for bit


def _initial() -> list[np.ndarray]:
    layers = [Linear(64, 128, rng=0), Linear(128, 128, rng=1), Linear(128, 10, rng=2)]
    return [p.data for layer in layers for p in layer.parameters()]


def _batches(X: np.ndarray, y: np.ndarray):  # type: ignore[no-untyped-def]
    loader = DataLoader(X, y, batch_size=BATCH, shuffle=True, rng=0)
    for _ in range(EPOCHS):
        yield from loader
