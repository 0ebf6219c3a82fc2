"""NLLLoss: weights, ignore_index, shapes, its link to cross-entropy, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib._numerics import log_softmax
from nnlib.losses import CrossEntropyLoss, NLLLoss, cross_entropy, nll_loss
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.losses import losses_sympy as ref
from tests.losses.losses_cases import fd_check

REDUCTIONS = ["none", "mean", "sum"]
SHAPES = [(5,), (6, 4), (3, 4, 2)]


def _case(shape: tuple[int, ...], seed: int, ignore: bool):
    rng = np.random.default_rng(seed)
    num_classes = shape[1] if len(shape) > 1 else shape[0]
    x = log_softmax(3 * rng.standard_normal(shape), axis=min(1, len(shape) - 1))
    t = rng.integers(0, num_classes, size=() if len(shape) == 1 else (shape[0], *shape[2:]))
    if ignore and t.ndim:
        t.flat[::2] = 1  # ignore_index=1 below: a real class, ignored
    return x, t, num_classes


@pytest.mark.parametrize(
    ("shape", "reduction", "weighted", "ignore"),
    list(itertools.product(SHAPES, REDUCTIONS, [False, True], [False, True])),
)
def test_matches_reference(shape, reduction, weighted, ignore) -> None:
    x, t, num_classes = _case(shape, len(shape), ignore)
    w = np.random.default_rng(3).uniform(0.1, 2.0, num_classes) if weighted else None
    ignore_index = 1 if ignore else -100
    g = np.random.default_rng(4).standard_normal(t.shape) if reduction == "none" else 1.1
    expected, expected_grad = ref.cross_entropy(x, t, w, ignore_index, reduction, 0.0, g, nll=True)
    loss = NLLLoss(w, ignore_index, reduction)
    np.testing.assert_allclose(loss(x, t), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(loss.backward(g), expected_grad, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    out = nll_loss(x, t, w, ignore_index, reduction)
    np.testing.assert_allclose(out, expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradient_matches_central_differences(reduction: str) -> None:
    x, t, _ = _case((5, 3, 2), 7, ignore=True)
    assert fd_check(NLLLoss(np.array([0.5, 1.0, 3.0]), 1, reduction), x, t)


@given(st.integers(1, 5), st.integers(2, 5), st.data())
def test_nll_of_log_softmax_is_cross_entropy(n: int, c: int, data: st.DataObject) -> None:
    x = data.draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-1000, 1000)))
    t = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    w = data.draw(hnp.arrays(np.float64, c, elements=st.floats(0.1, 3.0)))
    for reduction in REDUCTIONS:
        nll = nll_loss(log_softmax(x, axis=1), t, w, reduction=reduction)
        assert np.all(nll >= 0)
        np.testing.assert_allclose(nll, cross_entropy(x, t, w, reduction=reduction), rtol=1e-12)


def test_chain_rule_through_log_softmax_gives_cross_entropy_gradient() -> None:
    rng = np.random.default_rng(8)
    x, t = rng.standard_normal((4, 3)), np.array([0, 2, 2, 1])
    nll, ce = NLLLoss(), CrossEntropyLoss()
    log_p = log_softmax(x, axis=1)
    nll(log_p, t)
    g = nll.backward()  # d loss / d log p; then through log_softmax: g - p * sum(g)
    through = g - np.exp(log_p) * g.sum(axis=1, keepdims=True)
    ce(x, t)
    np.testing.assert_allclose(through, ce.backward(), rtol=1e-12, atol=1e-17)


def test_extreme_log_probabilities() -> None:
    x = np.array([[-1e4, 0.0], [0.0, -1000.0]], dtype=np.float32)
    loss = NLLLoss(reduction="none")
    out = loss(x, np.array([0, 1]))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [1e4, 1000.0])
    np.testing.assert_array_equal(loss.backward(np.ones(2, dtype=np.float32)), [[-1, 0], [0, -1]])


def test_errors() -> None:
    x = np.log(np.full((3, 4), 0.25))
    with pytest.raises(
        TypeError,
        match=r"NLLLoss: target has dtype float64; expected integer class indices of shape "
        r"\(3,\)$",
    ):
        NLLLoss()(x, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(
        ValueError,
        match=r"NLLLoss: target\[2\] = 4 is out of range; expected class indices in \[0, 4\) or "
        r"ignore_index = -100",
    ):
        NLLLoss()(x, np.array([0, 1, 4]))
    with pytest.raises(
        ValueError, match=r"NLLLoss: with reduction='mean' the loss is divided by the total weight"
    ):
        NLLLoss(ignore_index=3)(x, np.array([3, 3, 3]))
    with pytest.raises(
        ValueError,
        match=r"NLLLoss: weight has shape \(5,\); expected one weight per class, shape \(4,\)",
    ):
        NLLLoss(weight=np.ones(5))(x, np.array([0, 1, 2]))
    with pytest.raises(
        ValueError,
        match=r"NLLLoss: input holds 3 non-finite values \(first at index \(0, 0\): -inf\)",
    ):
        NLLLoss()(np.where(np.eye(3, 4) > 0, -np.inf, -1.0), np.array([1, 2, 3]))
    with pytest.raises(
        ValueError, match=r"nll_loss: target has shape \(2,\) for input of shape \(3, 4\)"
    ):
        nll_loss(x, np.array([0, 1]))
