"""SiLU and GELU (nnlib/activations/gated.py): shape of the curves, tails, options, errors.

Values and derivatives against SymPy live in test_elementwise.py.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib.activations import GELU, SiLU, gelu, sigmoid, silu
from tests.activations.activations_sympy import CASES, X, gelu_tanh_exprs, reference
from tests.conftest import SYMPY_RTOL

vectors = arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4))


def _minimum(expr: sp.Expr, start: float) -> tuple[float, float]:
    """Where the derivative of ``expr`` vanishes near ``start``, and the value there."""
    with mpmath.workdps(30):
        where = mpmath.findroot(sp.lambdify(X, sp.diff(expr, X), "mpmath"), start)
        return float(where), float(sp.lambdify(X, expr, "mpmath")(where))


def test_silu_minimum() -> None:
    where, value = _minimum(X / (1 + sp.exp(-X)), -1.3)
    np.testing.assert_allclose(SiLU().derivative([where]), 0.0, atol=1e-15)
    np.testing.assert_allclose(silu([where]), value, rtol=SYMPY_RTOL)
    assert round(where, 4) == -1.2785 and round(value, 4) == -0.2785


def test_gelu_minimum() -> None:
    where, value = _minimum(X * (1 + sp.erf(X / sp.sqrt(2))) / 2, -0.75)
    np.testing.assert_allclose(GELU().derivative([where]), 0.0, atol=1e-15)
    np.testing.assert_allclose(gelu([where]), value, rtol=SYMPY_RTOL)
    assert round(where, 4) == -0.7518 and round(value, 4) == -0.17


@given(vectors)
def test_bounded_below_by_their_minimum(x: np.ndarray) -> None:
    assert np.all(silu(x) >= -0.27847)
    assert np.all(gelu(x) >= -0.17005)
    assert np.all(gelu(x, approximate="tanh") >= -0.17005)


@given(vectors)
def test_silu_is_x_times_sigmoid(x: np.ndarray) -> None:
    np.testing.assert_allclose(silu(x), x * sigmoid(x), rtol=SYMPY_RTOL, atol=1e-300)


def test_tanh_approximation_is_within_5e_4_of_the_exact_gelu() -> None:
    x = np.linspace(-8.0, 8.0, 1601)
    gap = np.abs(gelu(x, approximate="tanh") - gelu(x))
    assert 1e-4 < gap.max() < 5e-4
    slope_gap = np.abs(GELU("tanh").derivative(x) - GELU().derivative(x))
    assert slope_gap.max() < 5e-3


def test_tanh_form_equals_the_sigmoid_form_symbolically() -> None:
    as_tanh, as_sigmoid = gelu_tanh_exprs()
    assert sp.simplify((as_tanh - as_sigmoid).rewrite(sp.exp)) == 0


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_negative_tail_keeps_relative_accuracy(approximate: str) -> None:
    # 1 - erf(|x|/sqrt 2) or 1 + tanh(u) rounds to 0 here; the values do not.
    x = np.array([-20.0, -12.5, -9.0])
    name = "GELU" if approximate == "none" else "GELU(tanh)"
    case = next(case for case in CASES if case.name == name)
    value = gelu(x, approximate=approximate)
    assert np.all(value < 0.0)
    np.testing.assert_allclose(value, reference(case.expr, x), rtol=SYMPY_RTOL)


def test_large_inputs() -> None:
    x = np.array([-1e4, 1e4])
    for approximate in ("none", "tanh"):
        np.testing.assert_array_equal(gelu(x, approximate=approximate), [0.0, 1e4])
        np.testing.assert_array_equal(GELU(approximate).derivative(x), [0.0, 1.0])
    np.testing.assert_array_equal(silu(x), [0.0, 1e4])
    np.testing.assert_array_equal(SiLU().derivative(x), [0.0, 1.0])


def test_reprs() -> None:
    assert repr(SiLU()) == "SiLU()"
    assert repr(GELU()) == "GELU(approximate='none')"
    assert repr(GELU("tanh")) == "GELU(approximate='tanh')"


@pytest.mark.parametrize("bad", ["exact", "Tanh", None, 1])
def test_invalid_approximate_raises(bad: object) -> None:
    message = rf"approximate = {bad!r} is not valid; expected one of 'none', 'tanh'"
    with pytest.raises(ValueError, match=rf"^GELU: {message}"):
        GELU(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=rf"^gelu: {message}"):
        gelu([1.0], approximate=bad)  # type: ignore[arg-type]
