"""Tests of ``CosineAnnealingLR`` and ``LinearLR`` against their closed forms."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from nnlib import Parameter
from nnlib.optim import SGD
from nnlib.optim.lr_scheduler import CosineAnnealingLR, LinearLR, LRScheduler
from tests.conftest import SYMPY_RTOL

EPOCHS = 40


def run(scheduler: LRScheduler) -> np.ndarray:
    values = [scheduler.get_last_lr()[0]]
    for _ in range(EPOCHS):
        scheduler.optimizer.step()
        scheduler.step()
        values.append(scheduler.get_last_lr()[0])
    return np.array(values)


def make_optimizer(lr: float = 0.2) -> SGD:
    return SGD([Parameter(np.zeros(1))], lr=lr)


def cosine_closed_form(lr: float, eta_min: float, T: int, t: int) -> float:
    mpmath.mp.dps = 50
    lr_, eta = mpmath.mpf(lr), mpmath.mpf(eta_min)
    return float(eta + (lr_ - eta) * (1 + mpmath.cos(mpmath.pi * t / T)) / 2)


@pytest.mark.parametrize(("T_max", "eta_min"), [(10, 0.0), (7, 0.01), (1, 0.05), (40, 0.1)])
def test_cosine_recursion_equals_the_closed_form(T_max: int, eta_min: float) -> None:
    got = run(CosineAnnealingLR(make_optimizer(), T_max, eta_min))
    expected = [cosine_closed_form(0.2, eta_min, T_max, t) for t in range(EPOCHS + 1)]
    # The recursion multiplies ratios of cosines; where the closed form passes through
    # eta_min (zero when eta_min = 0), compare absolutely at round-off level.
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-15)


def test_cosine_reaches_eta_min_at_T_max_and_rises_after() -> None:
    got = run(CosineAnnealingLR(make_optimizer(), T_max=5, eta_min=0.02))
    assert got[5] == pytest.approx(0.02, abs=1e-15)
    assert got[6] > got[5]
    assert got[10] == pytest.approx(0.2, rel=1e-12)


@pytest.mark.parametrize(
    ("start", "end", "n"), [(1 / 3, 1.0, 5), (0.1, 1.0, 4), (1.0, 0.1, 8), (0.5, 0.0, 3)]
)
def test_linear_matches_closed_form(start: float, end: float, n: int) -> None:
    got = run(LinearLR(make_optimizer(), start, end, n))
    expected = [0.2 * (start + (end - start) * min(t, n) / n) for t in range(EPOCHS + 1)]
    np.testing.assert_allclose(got, expected, rtol=SYMPY_RTOL, atol=1e-300)


def test_linear_defaults_are_torch_defaults() -> None:
    scheduler = LinearLR(make_optimizer())
    assert (scheduler.start_factor, scheduler.end_factor, scheduler.total_iters) == (1 / 3, 1.0, 5)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda o: CosineAnnealingLR(o, 0), r"CosineAnnealingLR: T_max = 0 is out of range"),
        (lambda o: CosineAnnealingLR(o, 5, -0.1), r"CosineAnnealingLR: eta_min = -0.1 is out of"),
        (lambda o: LinearLR(o, start_factor=0.0), r"LinearLR: start_factor = 0.0 is out of range"),
        (lambda o: LinearLR(o, start_factor=1.5), r"start_factor = 1.5 .* expected .*\(0, 1\]"),
        (lambda o: LinearLR(o, end_factor=1.1), r"LinearLR: end_factor = 1.1 is out of range"),
        (lambda o: LinearLR(o, end_factor=-0.1), r"LinearLR: end_factor = -0.1 is out of range"),
        (lambda o: LinearLR(o, total_iters=0), r"LinearLR: total_iters = 0 is out of range"),
    ],
)
def test_bad_hyperparameters_are_refused(build, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build(make_optimizer())
