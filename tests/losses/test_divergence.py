"""KLDivLoss against SymPy, every reduction including 'batchmean', log targets, KL laws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib.losses import KLDivLoss, cross_entropy, kl_div
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.losses import losses_sympy as ref
from tests.losses.losses_cases import fd_check

REDUCTIONS = ["none", "mean", "sum", "batchmean"]


def _data(seed: int, shape: tuple[int, ...] = (4, 3)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    log_q = np.log(rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]))
    p = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])
    return log_q, p


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 3, 4)])
def test_matches_sympy(reduction: str, log_target: bool, shape: tuple[int, ...]) -> None:
    log_q, p = _data(len(shape), shape)
    target = np.log(p) if log_target else p
    g = np.random.default_rng(2).standard_normal(shape) if reduction == "none" else 0.7
    expr = ref.KL_LOG_TARGET if log_target else ref.KL
    divisor = shape[0] if reduction == "batchmean" else "count"  # batchmean: sum / batch size
    expected, expected_grad = ref.pointwise(expr, log_q, target, reduction, g, divisor=divisor)
    loss = KLDivLoss(reduction, log_target)
    np.testing.assert_allclose(loss(log_q, target), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(loss.backward(g), expected_grad, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    out = kl_div(log_q, target, reduction, log_target)
    np.testing.assert_allclose(out, expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradient_matches_central_differences(reduction: str) -> None:
    log_q, p = _data(3)
    assert fd_check(KLDivLoss(reduction), log_q, p)
    assert fd_check(KLDivLoss(reduction, log_target=True), log_q, np.log(p))


def test_zero_target_contributes_zero() -> None:
    # 0 log 0 = 0: a class the target never takes costs nothing, whatever q says.
    loss = KLDivLoss(reduction="none")
    out = loss(np.array([-1000.0, np.log(0.5), np.log(0.5)]), np.array([0.0, 0.5, 0.5]))
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(loss.backward(np.ones(3)), [-0.0, -0.5, -0.5])


@given(st.integers(1, 4), st.integers(2, 5), st.data())
def test_kl_is_cross_entropy_minus_entropy(n: int, c: int, data: st.DataObject) -> None:
    logits = data.draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-20, 20)))
    raw = data.draw(hnp.arrays(np.float64, (n, c), elements=st.floats(0.0, 1.0)))
    p = (raw + 1e-3) / np.sum(raw + 1e-3, axis=1, keepdims=True)
    log_q = (
        logits
        - np.log(np.sum(np.exp(logits - logits.max(1, keepdims=True)), 1, keepdims=True))
        - logits.max(1, keepdims=True)
    )
    kl = kl_div(log_q, p, reduction="none").sum(axis=1)
    entropy = -np.sum(p * np.log(p), axis=1)
    np.testing.assert_allclose(
        kl, cross_entropy(logits, p, reduction="none") - entropy, rtol=1e-9, atol=1e-12
    )
    assert np.all(kl >= -1e-12)
    np.testing.assert_allclose(kl_div(np.log(p), p, reduction="sum"), 0.0, atol=1e-15)


def test_mean_is_batchmean_divided_by_the_number_of_classes() -> None:
    log_q, p = _data(5, (6, 4))
    np.testing.assert_allclose(
        kl_div(log_q, p, "mean") * 4, kl_div(log_q, p, "batchmean"), rtol=1e-15
    )
    np.testing.assert_allclose(
        kl_div(log_q[0], p[0], "batchmean") * 4, kl_div(log_q[0], p[0], "sum"), rtol=1e-15
    )


def test_extreme_log_probabilities_float32() -> None:
    loss = KLDivLoss(reduction="batchmean", log_target=True)
    log_q = np.array([[-1e4, 0.0]], dtype=np.float32)
    log_p = np.array([[0.0, -1000.0]], dtype=np.float32)
    out = loss(log_q, log_p)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, 1e4, rtol=1e-7)
    np.testing.assert_array_equal(loss.backward(), [[-1.0, -0.0]])


def test_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"KLDivLoss: reduction = 'batch' is not valid; expected one of 'none', 'batchmean', "
        r"'sum', 'mean'",
    ):
        KLDivLoss("batch")
    with pytest.raises(
        ValueError,
        match=r"KLDivLoss: target\[1\] = -0.25 is outside \[0, 1\]; expected probabilities",
    ):
        KLDivLoss()(np.zeros(3), np.array([0.5, -0.25, 0.75]))
    with pytest.raises(
        ValueError,
        match=r"kl_div: target\[0\] = 0.5 is positive; with log_target=True expected "
        r"log-probabilities <= 0",
    ):
        kl_div(np.zeros(2), np.array([0.5, -1.0]), log_target=True)
    with pytest.raises(TypeError, match=r"KLDivLoss: log_target must be a bool, got 1"):
        KLDivLoss(log_target=1)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"KLDivLoss: input holds 1 non-finite value \(first at index 0: -inf\)"
    ):
        KLDivLoss()(np.array([-np.inf, 0.0]), np.array([0.0, 1.0]))
