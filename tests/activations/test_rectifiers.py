"""ReLU, LeakyReLU and Softplus (nnlib/activations/rectifiers.py): conventions, laws, errors.

Values and derivatives against SymPy live in test_elementwise.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib.activations import (
    LeakyReLU,
    ReLU,
    Softplus,
    leaky_relu,
    relu,
    sigmoid,
    softplus,
)
from tests.conftest import SYMPY_RTOL

vectors = arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4))


def test_relu_slope_at_zero_is_zero() -> None:
    assert ReLU().derivative([0.0])[0] == 0.0
    module = ReLU()
    module(np.array([0.0]))
    assert module.backward(np.ones(1))[0] == 0.0


@pytest.mark.parametrize("slope", [0.01, 0.3, -0.5])
def test_leaky_relu_slope_at_zero_is_the_negative_slope(slope: float) -> None:
    # PyTorch: x > 0 ? 1 : negative_slope, so the kink takes the left slope.
    assert LeakyReLU(slope).derivative([0.0])[0] == slope


def test_relu_kills_the_gradient_of_negative_inputs() -> None:
    module = ReLU()
    module(np.array([-3.0, -1e-9, 2.0]))
    np.testing.assert_array_equal(module.backward(np.full(3, 5.0)), [0.0, 0.0, 5.0])
    leaky = LeakyReLU(0.1)
    leaky(np.array([-3.0, -1e-9, 2.0]))
    np.testing.assert_allclose(leaky.backward(np.full(3, 5.0)), [0.5, 0.5, 5.0], rtol=SYMPY_RTOL)


@given(vectors)
def test_relu_is_leaky_relu_with_slope_zero(x: np.ndarray) -> None:
    np.testing.assert_array_equal(relu(x), leaky_relu(x, negative_slope=0.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@given(x=vectors)
def test_relu_derivative_is_leaky_relu_derivative_with_slope_zero(dtype, x: np.ndarray) -> None:
    x = np.concatenate([x, [0.0]]).astype(dtype)  # the kink included
    derivative = ReLU().derivative(x)
    assert derivative.dtype == dtype
    np.testing.assert_array_equal(derivative, LeakyReLU(0.0).derivative(x))


@pytest.mark.parametrize("function", [relu, leaky_relu, softplus], ids=lambda f: f.__name__)
@given(x=vectors)
def test_monotonic(function, x: np.ndarray) -> None:
    assert np.all(np.diff(function(np.sort(x))) >= 0.0)


@given(vectors)
def test_softplus_is_a_smooth_upper_bound_of_relu(x: np.ndarray) -> None:
    # log(1 + e^x) - max(x, 0) = log(1 + e^{-|x|}) lies in (0, log 2] (0 after rounding).
    gap = softplus(x) - relu(x)
    assert np.all((gap >= 0.0) & (gap <= np.log(2.0) + 1e-15))


def test_softplus_derivative_is_the_sigmoid() -> None:
    x = np.linspace(-30.0, 19.5, 100)
    np.testing.assert_allclose(Softplus().derivative(x), sigmoid(x), rtol=SYMPY_RTOL)
    np.testing.assert_allclose(Softplus(beta=3.0).derivative(x / 3), sigmoid(x), rtol=SYMPY_RTOL)


def test_softplus_reverts_to_the_identity_above_the_threshold() -> None:
    module = Softplus(beta=2.0, threshold=5.0)
    x = np.array([2.5, np.nextafter(2.5, 3.0), 4.0])  # beta x = 5 exactly is not above it
    y = module(x)
    assert y[0] != x[0]
    assert y[1] == x[1] and y[2] == x[2]
    np.testing.assert_array_equal(module.derivative(x)[1:], [1.0, 1.0])
    assert module.derivative(x)[0] < 1.0


def test_softplus_extremes() -> None:
    x = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(softplus(x), [0.0, 1e4])
    np.testing.assert_array_equal(Softplus(beta=0.5).derivative(x), [0.0, 1.0])
    big = np.array([-3e38, 3e38], dtype=np.float32)  # beta x would overflow float32
    np.testing.assert_array_equal(softplus(big, beta=100.0), [0.0, big[1]])


def test_reprs_and_defaults() -> None:
    assert repr(ReLU()) == "ReLU()"
    assert repr(LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    assert repr(Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert LeakyReLU(1).negative_slope == 1.0
    assert isinstance(LeakyReLU(1).negative_slope, float)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: LeakyReLU(float("nan")), ValueError, r"LeakyReLU: negative_slope must be finite"),
        (lambda: LeakyReLU(np.inf), ValueError, r"LeakyReLU: negative_slope must be finite"),
        (lambda: LeakyReLU("0.1"), TypeError, r"LeakyReLU: negative_slope must be a real number"),
        (lambda: LeakyReLU(True), TypeError, r"LeakyReLU: negative_slope must be a real number"),
        (lambda: Softplus(beta=0.0), ValueError, r"Softplus: beta = 0.0 is out of range; .*\(0"),
        (lambda: Softplus(beta=-1.0), ValueError, r"Softplus: beta = -1.0 is out of range"),
        (lambda: Softplus(threshold=0), ValueError, r"Softplus: threshold = 0 is out of range"),
        (lambda: Softplus(threshold=np.inf), ValueError, r"Softplus: threshold must be finite"),
        (lambda: Softplus(beta=None), TypeError, r"Softplus: beta must be a real number"),
        (lambda: leaky_relu([1.0], negative_slope=np.nan), ValueError, r"^leaky_relu: negati"),
        (lambda: softplus([1.0], beta=-2.0), ValueError, r"^softplus: beta = -2.0 is out of"),
        (lambda: softplus([1.0], threshold=-1.0), ValueError, r"^softplus: threshold = -1.0"),
    ],
)
def test_invalid_hyperparameters_raise(build, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        build()
