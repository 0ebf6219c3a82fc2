"""HuberLoss and SmoothL1Loss against SymPy, and how they relate to MSE and L1."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib.losses import HuberLoss, L1Loss, SmoothL1Loss, huber_loss, l1_loss, smooth_l1_loss
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.losses import losses_sympy as ref
from tests.losses.losses_cases import fd_check

REDUCTIONS = ["none", "mean", "sum"]
finite = st.floats(-1e4, 1e4, allow_nan=False)
threshold = st.floats(1e-3, 1e3)


def _data(seed: int, shape: tuple[int, ...] = (4, 5)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return 2 * rng.standard_normal(shape), 2 * rng.standard_normal(shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_huber_matches_sympy(reduction: str, delta: float) -> None:
    x, y = _data(1)
    g = np.random.default_rng(2).standard_normal(x.shape) if reduction == "none" else 0.6
    expected, expected_grad = ref.pointwise(ref.huber(delta), x, y, reduction, g)
    loss = HuberLoss(reduction, delta)
    np.testing.assert_allclose(loss(x, y), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(loss.backward(g), expected_grad, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(huber_loss(x, y, reduction, delta), expected, rtol=SYMPY_RTOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [0.3, 1.0, 2.5])
def test_smooth_l1_matches_sympy(reduction: str, beta: float) -> None:
    x, y = _data(3)
    g = np.random.default_rng(4).standard_normal(x.shape) if reduction == "none" else 0.6
    expected, expected_grad = ref.pointwise(ref.smooth_l1(beta), x, y, reduction, g)
    loss = SmoothL1Loss(reduction, beta)
    np.testing.assert_allclose(loss(x, y), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(loss.backward(g), expected_grad, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(smooth_l1_loss(x, y, reduction, beta), expected, rtol=SYMPY_RTOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_huber_functional_weight_mean_divides_by_count(reduction: str) -> None:
    # PyTorch's weighted huber_loss: 'mean' is the plain mean of the weighted losses.
    x, y = _data(5)
    w = np.random.default_rng(6).uniform(0.0, 3.0, x.shape)
    expected, _ = ref.pointwise(ref.huber(1.5), x, y, reduction, weight=w, divisor="count")
    np.testing.assert_allclose(huber_loss(x, y, reduction, 1.5, w), expected, rtol=SYMPY_RTOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradients_match_central_differences(reduction: str) -> None:
    x, y = _data(7)
    d = x - y
    # keep away from the kinks of the second derivative, where differences straddle them
    x = np.where(np.abs(np.abs(d) - 1.2) < 1e-3, x + 0.01, x)
    assert fd_check(HuberLoss(reduction, 1.2), x, y)
    assert fd_check(SmoothL1Loss(reduction, 1.2), x, y)


def test_loss_and_slope_are_continuous_at_the_threshold() -> None:
    delta = 0.75
    d = delta * np.array([1 - 1e-12, 1.0, 1 + 1e-12, -(1 - 1e-12), -1.0, -(1 + 1e-12)])
    loss = HuberLoss("none", delta)
    values = loss(d, np.zeros_like(d))
    np.testing.assert_allclose(values, 0.5 * delta**2, rtol=1e-11)
    np.testing.assert_allclose(
        loss.backward(np.ones(6)), np.repeat([delta, -delta], 3), rtol=1e-11
    )


def test_smooth_l1_with_beta_zero_is_l1() -> None:
    # PyTorch allows beta = 0 and then computes exactly the L1 loss.
    x, y = _data(8)
    x[0, 0] = y[0, 0]
    for reduction in REDUCTIONS:
        loss, l1 = SmoothL1Loss(reduction, beta=0.0), L1Loss(reduction)
        np.testing.assert_array_equal(loss(x, y), l1(x, y))
        g = np.ones(x.shape) if reduction == "none" else 1.0
        np.testing.assert_array_equal(loss.backward(g), l1.backward(g))
        np.testing.assert_array_equal(
            smooth_l1_loss(x, y, reduction, 0.0), l1_loss(x, y, reduction)
        )


@given(hnp.arrays(np.float64, st.integers(1, 6), elements=finite), st.data(), threshold)
def test_huber_is_delta_times_smooth_l1(x: np.ndarray, data: st.DataObject, b: float) -> None:
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=finite))
    huber, smooth = HuberLoss("none", delta=b), SmoothL1Loss("none", beta=b)
    np.testing.assert_allclose(huber(x, y), b * smooth(x, y), rtol=1e-12, atol=1e-300)
    g = np.ones_like(x)
    np.testing.assert_allclose(huber.backward(g), b * smooth.backward(g), rtol=1e-12, atol=1e-300)
    assert np.all(huber(x, y) >= 0)
    np.testing.assert_array_equal(huber(x, x), 0.0)
    np.testing.assert_array_equal(smooth(x, x), 0.0)


@given(hnp.arrays(np.float64, st.integers(1, 6), elements=finite), threshold)
def test_huber_lies_between_quadratic_and_linear(d: np.ndarray, delta: float) -> None:
    value = HuberLoss("none", delta)(d, np.zeros_like(d))
    assert np.all(value <= 0.5 * d**2 * (1 + 1e-12))
    assert np.all(value <= delta * np.abs(d) * (1 + 1e-12))


def test_extreme_residuals_float32() -> None:
    x = np.array([1e4, -1e4, 1000.0], dtype=np.float32)
    loss = HuberLoss("none", delta=1.0)
    out = loss(x, np.zeros(3, dtype=np.float32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [9999.5, 9999.5, 999.5], rtol=1e-6)
    np.testing.assert_array_equal(loss.backward(np.ones(3, dtype=np.float32)), [1.0, -1.0, 1.0])


def test_threshold_errors() -> None:
    with pytest.raises(
        ValueError, match=r"HuberLoss: delta = 0.0 is out of range; expected a value in \(0, inf\)"
    ):
        HuberLoss(delta=0.0)
    with pytest.raises(ValueError, match=r"HuberLoss: delta = -1.0 is out of range"):
        HuberLoss(delta=-1.0)
    with pytest.raises(ValueError, match=r"huber_loss: delta = 0 is out of range"):
        huber_loss(np.zeros(2), np.zeros(2), delta=0)
    with pytest.raises(
        ValueError,
        match=r"SmoothL1Loss: beta = -0.5 is out of range; expected a value in \[0, inf\)",
    ):
        SmoothL1Loss(beta=-0.5)
    with pytest.raises(ValueError, match=r"smooth_l1_loss: beta must be finite, got inf"):
        smooth_l1_loss(np.zeros(2), np.zeros(2), beta=float("inf"))
    with pytest.raises(TypeError, match=r"HuberLoss: delta must be a real number, got '1'"):
        HuberLoss(delta="1")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"huber_loss: weight has shape \(3,\); expected shape \(2,\)"
    ):
        huber_loss(np.zeros(2), np.zeros(2), weight=np.ones(3))
