"""Laws of the sigmoid and tanh (nnlib/activations/sigmoidal.py).

Values and derivatives against SymPy live in test_elementwise.py; here are the
identities the chapter derives, checked on Hypothesis-generated inputs.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib.activations import Sigmoid, Tanh, sigmoid, tanh
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL

finite = st.floats(-1e4, 1e4, allow_nan=False)
vectors = arrays(np.float64, st.integers(1, 20), elements=finite)


@given(vectors)
def test_sigmoid_lies_in_the_unit_interval(x: np.ndarray) -> None:
    y = sigmoid(x)
    assert np.all((y >= 0.0) & (y <= 1.0))


@given(vectors)
def test_sigmoid_of_minus_x_is_one_minus_sigmoid(x: np.ndarray) -> None:
    np.testing.assert_allclose(sigmoid(-x) + sigmoid(x), 1.0, rtol=SYMPY_RTOL)


@given(vectors)
def test_tanh_is_odd_and_bounded(x: np.ndarray) -> None:
    np.testing.assert_allclose(tanh(-x), -tanh(x), rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    assert np.all(np.abs(tanh(x)) <= 1.0)


@given(vectors)
def test_tanh_is_a_rescaled_sigmoid(x: np.ndarray) -> None:
    # tanh(x) = 2 sigma(2x) - 1; the right side has absolute round-off ~eps.
    np.testing.assert_allclose(tanh(x), 2.0 * sigmoid(2.0 * x) - 1.0, rtol=0, atol=4e-16)


@pytest.mark.parametrize("module", [Sigmoid(), Tanh()], ids=["Sigmoid", "Tanh"])
@given(x=vectors)
def test_monotonic_with_bounded_positive_slope(module: Sigmoid | Tanh, x: np.ndarray) -> None:
    x = np.sort(x)
    assert np.all(np.diff(module(x)) >= 0.0)
    slope = module.derivative(x)
    bound = 0.25 if isinstance(module, Sigmoid) else 1.0
    assert np.all((slope >= 0.0) & (slope <= bound))


def test_slopes_peak_at_zero() -> None:
    assert Sigmoid().derivative([0.0])[0] == 0.25
    assert Tanh().derivative([0.0])[0] == 1.0


def test_the_identities_hold_symbolically() -> None:
    x = sp.Symbol("x", real=True)
    s = 1 / (1 + sp.exp(-x))
    assert sp.simplify(sp.diff(s, x) - s * (1 - s)) == 0
    assert sp.simplify((2 * s.subs(x, 2 * x) - 1 - sp.tanh(x)).rewrite(sp.exp)) == 0


def test_backward_uses_the_output_and_derivative_the_input() -> None:
    # At x = 30, 1 - sigma(x) rounds: y (1 - y) keeps only absolute accuracy,
    # sigma(x) sigma(-x) stays relatively exact.
    module = Sigmoid()
    module(np.array([30.0]))
    with mpmath.workdps(50):
        exact = float(mpmath.exp(-30) / (1 + mpmath.exp(-30)) ** 2)
    assert abs(module.backward(np.ones(1))[0] - exact) < 1e-16
    np.testing.assert_allclose(module.derivative([30.0]), exact, rtol=SYMPY_RTOL)


def test_saturated_tanh_derivative_is_tiny_not_zero() -> None:
    # 1 - tanh(20)^2 rounds to 0 in float64; sech^2(20) ~ 1.7e-17 does not.
    assert 1.0 - np.tanh(20.0) ** 2 == 0.0
    with mpmath.workdps(50):
        exact = float(mpmath.sech(20) ** 2)
    np.testing.assert_allclose(Tanh().derivative([20.0]), exact, rtol=SYMPY_RTOL)


def test_repr() -> None:
    assert repr(Sigmoid()) == "Sigmoid()"
    assert repr(Tanh()) == "Tanh()"
