"""MSELoss and L1Loss (and mse_loss/l1_loss with weight) against SymPy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib.losses import L1Loss, MSELoss, l1_loss, mse_loss
from nnlib.losses.regression import pointwise_loss
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.losses import losses_sympy as ref
from tests.losses.losses_cases import fd_check

REDUCTIONS = ["none", "mean", "sum"]
LOSSES = [(MSELoss, mse_loss, ref.MSE), (L1Loss, l1_loss, ref.L1)]
IDS = ["MSELoss", "L1Loss"]
finite = st.floats(-1e4, 1e4, allow_nan=False)


def _data(shape: tuple[int, ...], seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = 3 * rng.standard_normal(shape)
    y = 3 * rng.standard_normal(shape)
    return x, y


@pytest.mark.parametrize(("cls", "fn", "expr"), LOSSES, ids=IDS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1,), (7,), (3, 4), (2, 3, 2)])
def test_value_and_gradient_match_sympy(cls, fn, expr, reduction, shape) -> None:
    x, y = _data(shape, seed=len(shape))
    g = np.random.default_rng(5).standard_normal(shape) if reduction == "none" else 0.7
    expected, expected_grad = ref.pointwise(expr, x, y, reduction, grad_output=g)
    loss = cls(reduction=reduction)
    np.testing.assert_allclose(loss(x, y), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(loss.backward(g), expected_grad, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(fn(x, y, reduction), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)


@pytest.mark.parametrize(("cls", "fn", "expr"), LOSSES, ids=IDS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_functional_weight_matches_sympy(cls, fn, expr, reduction) -> None:
    # PyTorch's functional weight: 'mean' divides by the sum of the weights.
    x, y = _data((3, 4), seed=11)
    w = np.random.default_rng(12).uniform(0.0, 2.0, (3, 4))
    expected, _ = ref.pointwise(expr, x, y, reduction, weight=w, divisor="weight")
    np.testing.assert_allclose(fn(x, y, reduction, weight=w), expected, rtol=SYMPY_RTOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_kernel_gradient_matches_sympy(reduction: str) -> None:
    # The functional forms return values only; their shared kernel also has the gradient.
    x, y = _data((3, 4), seed=13)
    w = np.random.default_rng(14).uniform(0.0, 2.0, (3, 4))
    g = np.random.default_rng(15).standard_normal((3, 4)) if reduction == "none" else 1.3
    _, expected_grad = ref.pointwise(ref.MSE, x, y, reduction, g, weight=w, divisor="weight")
    _, backward = pointwise_loss("mse_loss", x, y, reduction, np.square, lambda d: 2 * d, w)
    np.testing.assert_allclose(backward(np.asarray(g)), expected_grad, rtol=SYMPY_RTOL)


@pytest.mark.parametrize(("cls", "fn", "expr"), LOSSES, ids=IDS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradient_matches_central_differences(cls, fn, expr, reduction) -> None:
    x, y = _data((3, 4), seed=21)
    assert fd_check(cls(reduction), x, y)


def test_l1_gradient_is_zero_where_input_equals_target() -> None:
    loss = L1Loss(reduction="sum")
    loss(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 5.0]))
    np.testing.assert_array_equal(loss.backward(), [0.0, 1.0, -1.0])


def test_mean_is_sum_over_element_count() -> None:
    x, y = _data((5, 2), seed=31)
    np.testing.assert_allclose(mse_loss(x, y), mse_loss(x, y, "sum") / 10, rtol=SYMPY_RTOL)
    np.testing.assert_allclose(l1_loss(x, y), l1_loss(x, y, "sum") / 10, rtol=SYMPY_RTOL)


@given(hnp.arrays(np.float64, st.integers(1, 6), elements=finite), st.data())
def test_non_negative_and_zero_at_perfect_prediction(x: np.ndarray, data: st.DataObject) -> None:
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=finite))
    for cls in (MSELoss, L1Loss):
        assert float(cls()(x, y)) >= 0.0
        loss = cls(reduction="none")
        np.testing.assert_array_equal(loss(x, x), np.zeros_like(x))
        np.testing.assert_array_equal(loss.backward(np.ones_like(x)), np.zeros_like(x))


def test_extreme_values_stay_finite() -> None:
    x = np.array([1e4, -1e4, 1000.0], dtype=np.float32)
    y = np.array([-1e4, 1e4, -1000.0], dtype=np.float32)
    loss = MSELoss(reduction="none")
    np.testing.assert_allclose(loss(x, y), [4e8, 4e8, 4e6], rtol=1e-6)
    np.testing.assert_allclose(loss.backward(np.ones(3)), [4e4, -4e4, 4e3], rtol=1e-6)


def test_weight_errors() -> None:
    x, y = np.zeros(3), np.ones(3)
    with pytest.raises(
        ValueError, match=r"mse_loss: weight has shape \(2,\); expected shape \(3,\)"
    ):
        mse_loss(x, y, weight=np.ones(2))
    with pytest.raises(ValueError, match=r"l1_loss: weight\[1\] = -0.5 is negative; expected"):
        l1_loss(x, y, weight=np.array([1.0, -0.5, 1.0]))
    with pytest.raises(ValueError, match=r"mse_loss: the weights sum to 0, so the weighted mean"):
        mse_loss(x, y, weight=np.zeros(3))
    np.testing.assert_array_equal(mse_loss(x, y, "sum", weight=np.zeros(3)), 0.0)
    with pytest.raises(ValueError, match=r"mse_loss: weight holds 1 non-finite value"):
        mse_loss(x, y, weight=np.array([1.0, np.inf, 1.0]))
