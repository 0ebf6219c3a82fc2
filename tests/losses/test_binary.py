"""BCELoss and BCEWithLogitsLoss against SymPy, clamping, stability and pos_weight."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib._numerics import sigmoid
from nnlib.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
)
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.losses import losses_sympy as ref
from tests.losses.losses_cases import fd_check

REDUCTIONS = ["none", "mean", "sum"]
unit = st.floats(0.0, 1.0)


def _probabilities(seed: int, shape: tuple[int, ...] = (4, 3)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0.01, 0.99, shape), rng.uniform(0.0, 1.0, shape)


def _logits(seed: int, shape: tuple[int, ...] = (4, 3)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return 4 * rng.standard_normal(shape), rng.uniform(0.0, 1.0, shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_matches_sympy(reduction: str, weighted: bool) -> None:
    p, y = _probabilities(1)
    w = np.random.default_rng(2).uniform(0.0, 2.0, (1, 3)) if weighted else None
    g = np.random.default_rng(3).standard_normal(p.shape) if reduction == "none" else 0.8
    w_full = None if w is None else np.broadcast_to(w, p.shape)
    expected, expected_grad = ref.pointwise(ref.BCE, p, y, reduction, g, weight=w_full)
    loss = BCELoss(w, reduction)
    np.testing.assert_allclose(loss(p, y), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(loss.backward(g), expected_grad, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(binary_cross_entropy(p, y, w, reduction), expected, rtol=SYMPY_RTOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight", [None, 0.0, 0.5, 3.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_with_logits_matches_sympy(reduction: str, pos_weight, weighted: bool) -> None:
    x, y = _logits(4)
    w = np.random.default_rng(5).uniform(0.0, 2.0, (4, 1)) if weighted else None
    g = np.random.default_rng(6).standard_normal(x.shape) if reduction == "none" else 1.4
    expr = ref.bce_logits(1.0 if pos_weight is None else pos_weight)
    w_full = None if w is None else np.broadcast_to(w, x.shape)
    expected, expected_grad = ref.pointwise(expr, x, y, reduction, g, weight=w_full)
    pw = None if pos_weight is None else np.array([pos_weight])
    loss = BCEWithLogitsLoss(w, reduction, pw)
    np.testing.assert_allclose(loss(x, y), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(loss.backward(g), expected_grad, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    out = binary_cross_entropy_with_logits(x, y, w, reduction, pw)
    np.testing.assert_allclose(out, expected, rtol=SYMPY_RTOL)


def test_pos_weight_per_class_broadcasts_over_the_batch() -> None:
    x, y = _logits(7, (5, 3))
    pw = np.array([0.5, 2.0, 7.0])
    loss = BCEWithLogitsLoss(reduction="none", pos_weight=pw)
    out = loss(x, y)
    grad = loss.backward(np.ones(x.shape))
    for c in range(3):
        single = BCEWithLogitsLoss(reduction="none", pos_weight=pw[c : c + 1])
        np.testing.assert_array_equal(out[:, c], single(x[:, c], y[:, c]))
        np.testing.assert_array_equal(grad[:, c], single.backward(np.ones(5)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradients_match_central_differences(reduction: str) -> None:
    p, y = _probabilities(8)
    assert fd_check(BCELoss(np.array([0.5, 1.0, 2.0]), reduction), p, y)
    x, t = _logits(9)
    assert fd_check(
        BCEWithLogitsLoss(
            np.array([[2.0], [1.0], [0.0], [0.5]]), reduction, np.array([3.0, 0.2, 1.0])
        ),
        x,
        t,
    )


def test_bce_clamps_log_at_minus_100_like_pytorch() -> None:
    p = np.array([0.0, 1.0, 0.0, 1.0, 1e-50, 0.5])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    loss = BCELoss(reduction="none")
    np.testing.assert_allclose(loss(p, y), [100.0, 100.0, 0.0, 0.0, 100.0, np.log(2)], rtol=1e-15)
    # Backward divides by max(p (1 - p), eps) with PyTorch's eps: float32(1e-12).
    eps = float(np.float32(1e-12))
    np.testing.assert_allclose(
        loss.backward(np.ones(6)), [-1 / eps, 1 / eps, 0.0, 0.0, -1 / eps, -2.0], rtol=1e-15
    )


@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-30, 30)), st.data())
def test_with_logits_equals_bce_of_sigmoid_away_from_clamping(x, data) -> None:
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=unit))
    logits, probs = BCEWithLogitsLoss(reduction="none"), BCELoss(reduction="none")
    # sigmoid(x) rounds 1 - sigma to a relative error of about e^|x| * 1e-16.
    tol = 1e-15 * np.exp(np.abs(x)) + 1e-14
    value_logits, value_probs = logits(x, y), probs(sigmoid(x), y)
    assert np.all(np.abs(value_logits - value_probs) <= tol * np.maximum(1, value_logits))
    assert np.all(value_logits >= 0)


@given(hnp.arrays(np.float64, st.integers(1, 6), elements=unit))
def test_zero_at_a_perfect_prediction(y: np.ndarray) -> None:
    hard = np.round(y)
    loss = BCELoss(reduction="none")
    np.testing.assert_array_equal(loss(hard, hard), 0.0)
    np.testing.assert_array_equal(loss.backward(np.ones_like(y)), 0.0)
    assert np.all(loss(y, y) >= 0)  # the minimum over p is the entropy of y, >= 0


def test_extreme_logits_are_exact_and_finite() -> None:
    x = np.array([1000.0, -1000.0, 1e4, -1e4, 1000.0, -1000.0])
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    with mpmath.workdps(50):  # log(1 + e^-|x|) is below float64 resolution here
        tail = [float(mpmath.log1p(mpmath.exp(-abs(mpmath.mpf(v))))) for v in x]
    expected = np.abs(x) * (y != (x > 0)) + np.array(tail)
    for dtype in (np.float64, np.float32):
        loss = BCEWithLogitsLoss(reduction="none", pos_weight=np.array([2.0]))
        out = loss(x.astype(dtype), y.astype(dtype))
        grad = loss.backward(np.ones(6, dtype=dtype))
        assert out.dtype == grad.dtype == dtype
        weight = np.where(y == 1, 2.0, 1.0)
        np.testing.assert_allclose(
            out, weight * expected, rtol=1e-6 if dtype == np.float32 else 1e-15
        )
        np.testing.assert_array_equal(grad, [0.0, 0.0, 0.0, 0.0, 1.0, -2.0])


def test_bad_probabilities_weights_and_shapes() -> None:
    p, y = np.array([0.2, 1.5]), np.array([0.0, 1.0])
    with pytest.raises(
        ValueError, match=r"BCELoss: input\[1\] = 1.5 is outside \[0, 1\]; expected probabilities"
    ):
        BCELoss()(p, y)
    with pytest.raises(ValueError, match=r"BCELoss: target\[0\] = -0.1 is outside \[0, 1\]"):
        BCELoss()(np.array([0.2, 0.3]), np.array([-0.1, 1.0]))
    with pytest.raises(
        ValueError, match=r"BCEWithLogitsLoss: target\[1\] = 2.0 is outside \[0, 1\]"
    ):
        BCEWithLogitsLoss()(np.array([0.2, 0.3]), np.array([0.0, 2.0]))
    with pytest.raises(
        ValueError, match=r"BCELoss: weight\[1\] = -1.0 is negative; expected weights >= 0"
    ):
        BCELoss(weight=np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss: pos_weight\[0\] = -2.0 is negative"):
        BCEWithLogitsLoss(pos_weight=np.array([-2.0]))
    with pytest.raises(
        ValueError,
        match=r"BCELoss: weight has shape \(3,\), which does not broadcast to the input's shape "
        r"\(2,\)",
    ):
        BCELoss(weight=np.ones(3))(np.array([0.2, 0.3]), np.array([0.0, 1.0]))
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy_with_logits: pos_weight has shape \(2, 2\), which does not "
        r"broadcast",
    ):
        binary_cross_entropy_with_logits(np.zeros(2), np.zeros(2), pos_weight=np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss: weight holds 1 non-finite value"):
        BCEWithLogitsLoss(weight=np.array([np.nan]))


@pytest.mark.parametrize("pos_weight", [None, 2.5])
def test_saturated_logits_keep_their_tiny_losses_and_gradients(pos_weight) -> None:
    # Every term of nnlib's form is >= 0, so nothing cancels: the loss of a correct, confident
    # prediction is log(1 + e^-|x|) and its gradient -sigma(-|x|), not 0.
    x = np.array([-40.0, 40.0, -700.0, 700.0])
    y = np.array([0.0, 1.0, 0.0, 1.0])
    c = 1.0 if pos_weight is None else pos_weight
    pw = None if pos_weight is None else np.array([pos_weight])
    with mpmath.workdps(50):
        tail = [float(mpmath.log1p(mpmath.exp(-abs(mpmath.mpf(v))))) for v in x]
        slope = [float(1 / (1 + mpmath.exp(abs(mpmath.mpf(v))))) for v in x]
    loss = BCEWithLogitsLoss(reduction="none", pos_weight=pw)
    np.testing.assert_allclose(loss(x, y), np.array(tail) * np.where(y == 1, c, 1.0), rtol=1e-15)
    expected_grad = np.array(slope) * np.where(y == 1, -c, 1.0)
    np.testing.assert_allclose(loss.backward(np.ones(4)), expected_grad, rtol=1e-15)
