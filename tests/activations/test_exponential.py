"""ELU and SELU (nnlib/activations/exponential.py): constants, conventions, laws, errors.

Values and derivatives against SymPy live in test_elementwise.py.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib.activations import ELU, SELU, elu, selu
from nnlib.activations.exponential import SELU_ALPHA, SELU_SCALE
from tests.activations.activations_sympy import SELU_ALPHA_DIGITS, SELU_SCALE_DIGITS
from tests.conftest import SYMPY_RTOL

vectors = arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4))


def test_selu_constants_are_pytorchs_to_the_last_bit() -> None:
    assert float(SELU_ALPHA_DIGITS) == SELU_ALPHA
    assert float(SELU_SCALE_DIGITS) == SELU_SCALE


def test_selu_keeps_a_standard_normal_at_mean_zero_and_variance_one() -> None:
    # The defining property (Klambauer et al. 2017): for z ~ N(0, 1),
    # E[selu(z)] = 0 and E[selu(z)^2] = 1.
    def selu_mp(z):
        return SELU_SCALE * (z if z > 0 else SELU_ALPHA * mpmath.expm1(z))

    with mpmath.workdps(30):
        density = mpmath.npdf
        mean = mpmath.quad(lambda z: selu_mp(z) * density(z), [-mpmath.inf, 0, mpmath.inf])
        second = mpmath.quad(lambda z: selu_mp(z) ** 2 * density(z), [-mpmath.inf, 0, mpmath.inf])
    assert abs(float(mean)) < SYMPY_RTOL
    assert abs(float(second) - 1.0) < SYMPY_RTOL


@pytest.mark.parametrize("alpha", [1.0, 0.4, -1.5])
def test_elu_slope_at_zero_is_alpha(alpha: float) -> None:
    # PyTorch takes the x <= 0 branch at the kink: alpha * e^0.
    assert ELU(alpha).derivative([0.0])[0] == alpha


def test_selu_slope_at_zero_is_scale_times_alpha() -> None:
    np.testing.assert_allclose(SELU().derivative([0.0]), SELU_SCALE * SELU_ALPHA, rtol=1e-15)


def test_saturation_values() -> None:
    np.testing.assert_array_equal(elu([-1e4, -1000.0], alpha=2.5), [-2.5, -2.5])
    np.testing.assert_allclose(selu([-1e4]), -SELU_SCALE * SELU_ALPHA, rtol=1e-15)
    np.testing.assert_array_equal(ELU().derivative([-1e4]), [0.0])


@given(vectors)
def test_elu_derivative_is_output_plus_alpha_for_negative_inputs(x: np.ndarray) -> None:
    module = ELU(alpha=0.7)
    negative = x <= 0
    np.testing.assert_allclose(
        module.derivative(x)[negative], module(x)[negative] + 0.7, rtol=SYMPY_RTOL, atol=1e-15
    )


@given(vectors)
def test_selu_is_a_scaled_elu(x: np.ndarray) -> None:
    np.testing.assert_allclose(
        selu(x), SELU_SCALE * elu(x, alpha=SELU_ALPHA), rtol=SYMPY_RTOL, atol=1e-300
    )


@pytest.mark.parametrize("function", [elu, selu], ids=["elu", "selu"])
@given(x=vectors)
def test_monotonic_for_non_negative_alpha(function, x: np.ndarray) -> None:
    assert np.all(np.diff(function(np.sort(x))) >= 0.0)


def test_negative_alpha_is_accepted_and_non_monotonic() -> None:
    y = elu([-2.0, -1.0, 0.0], alpha=-1.0)
    assert y[0] > y[1] > y[2]


def test_reprs() -> None:
    assert repr(ELU()) == "ELU(alpha=1.0)"
    assert repr(SELU()) == "SELU()"


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: ELU(np.nan), ValueError, r"^ELU: alpha must be finite, got nan"),
        (lambda: ELU(-np.inf), ValueError, r"^ELU: alpha must be finite"),
        (lambda: ELU("1"), TypeError, r"^ELU: alpha must be a real number"),
        (lambda: elu([0.0], alpha=np.inf), ValueError, r"^elu: alpha must be finite"),
    ],
)
def test_invalid_alpha_raises(build, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        build()
