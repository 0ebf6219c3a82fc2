"""Tests of the overflow-free building blocks in nnlib._numerics against mpmath."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import _numerics
from tests.conftest import SYMPY_RTOL

mpmath.mp.dps = 50
GRID = np.array([-1e4, -1000.0, -40.0, -5.0, -1.0, -1e-8, 0.0, 1e-8, 1.0, 5.0, 40.0, 1000.0, 1e4])


def _reference(function, values: np.ndarray) -> np.ndarray:
    return np.array([float(function(mpmath.mpf(float(v)))) for v in values])


@pytest.mark.parametrize(
    ("name", "exact"),
    [
        ("sigmoid", lambda x: 1 / (1 + mpmath.exp(-x))),
        ("log_sigmoid", lambda x: -mpmath.log1p(mpmath.exp(-x))),
        ("softplus", lambda x: mpmath.log1p(mpmath.exp(x))),
    ],
)
def test_elementwise_against_mpmath(name: str, exact) -> None:
    got = getattr(_numerics, name)(GRID)
    want = _reference(exact, GRID)
    np.testing.assert_allclose(got, want, rtol=SYMPY_RTOL, atol=1e-300)


def test_logsumexp_and_softmax_against_mpmath() -> None:
    x = np.array([[1000.0, 1000.0, -1000.0], [0.5, -2.0, 3.0]])
    got = _numerics.logsumexp(x, axis=1)
    want = [float(mpmath.log(sum(mpmath.exp(mpmath.mpf(v)) for v in row))) for row in x]
    np.testing.assert_allclose(got, want, rtol=SYMPY_RTOL)
    np.testing.assert_allclose(_numerics.softmax(x, axis=1)[0], [0.5, 0.5, 0.0], atol=1e-300)
    np.testing.assert_allclose(
        np.exp(_numerics.log_softmax(x, axis=1)), _numerics.softmax(x, axis=1), rtol=1e-12
    )
    assert _numerics.logsumexp(x, axis=0, keepdims=True).shape == (1, 3)


def test_float32_stays_float32_without_warnings() -> None:
    x = np.array([-1e4, 0.0, 1e4], dtype=np.float32)
    for name in ("sigmoid", "log_sigmoid", "softplus"):
        out = getattr(_numerics, name)(x)
        assert out.dtype == np.float32 and np.isfinite(out).all()
    assert _numerics.log_softmax(x, axis=0).dtype == np.float32


@given(arrays(np.float64, 5, elements=st.floats(-1e6, 1e6)), st.floats(-1e3, 1e3))
def test_softmax_is_shift_invariant_and_sums_to_one(x: np.ndarray, shift: float) -> None:
    p = _numerics.softmax(x, axis=0)
    assert abs(p.sum() - 1.0) < 1e-12
    np.testing.assert_allclose(_numerics.softmax(x + shift, axis=0), p, atol=1e-12)


@given(arrays(np.float64, 8, elements=st.floats(-1e4, 1e4)))
def test_sigmoid_symmetry(x: np.ndarray) -> None:
    np.testing.assert_allclose(_numerics.sigmoid(-x), 1.0 - _numerics.sigmoid(x), atol=1e-15)


def test_log_softmax_keeps_small_terms_exact_at_large_logits() -> None:
    x = np.array([1e4, 1e4 - 1.0, 1e4 - 30.0])
    want = [float(v - mpmath.log(sum(mpmath.exp(u) for u in x))) for v in map(mpmath.mpf, x)]
    np.testing.assert_allclose(_numerics.log_softmax(x, axis=0), want, rtol=SYMPY_RTOL)


def test_inputs_spanning_the_float_range_do_not_warn() -> None:
    x = np.array([-1e308, 1e308])
    np.testing.assert_array_equal(_numerics.softmax(x, axis=0), [0.0, 1.0])
    np.testing.assert_array_equal(_numerics.log_softmax(x, axis=0), [-np.inf, 0.0])
    assert _numerics.logsumexp(x, axis=0) == 1e308
