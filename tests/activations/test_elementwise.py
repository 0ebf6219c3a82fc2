"""The contract every element-wise activation keeps (nnlib/activations/_base.py).

Parametrised over all cases in ``activations_sympy.CASES``: values and
derivatives against SymPy in 50-digit mpmath; ``backward`` against the SymPy
derivative and against central differences; the functional form against the
module; dtypes; extreme inputs (warnings are errors); bad input.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from nnlib import gradcheck
from nnlib.activations import ElementwiseActivation
from tests.activations.activations_sympy import CASE_IDS, CASES, GRID, Case, reference
from tests.conftest import FD_ATOL, FD_H, FD_RTOL, SYMPY_ATOL, SYMPY_RTOL

# Backward from the cached output, y(1 - y) or 1 - y^2, is exact up to a few
# rounding errors of y itself: absolute accuracy of ~eps, not relative.
OUTPUT_FORM_ATOL = 4 * np.finfo(np.float64).eps

pytestmark = pytest.mark.parametrize("case", CASES, ids=CASE_IDS)


@cache
def _reference_values(name: str) -> np.ndarray:
    case = CASES[CASE_IDS.index(name)]
    return reference(case.expr, GRID)


@cache
def _reference_derivatives(name: str) -> np.ndarray:
    case = CASES[CASE_IDS.index(name)]
    return reference(case.derivative_expr, GRID)


def test_values_match_sympy(case: Case) -> None:
    np.testing.assert_allclose(
        case.module()(GRID), _reference_values(case.name), rtol=SYMPY_RTOL, atol=SYMPY_ATOL
    )


def test_functional_form_matches_sympy(case: Case) -> None:
    np.testing.assert_allclose(
        case.functional(GRID), _reference_values(case.name), rtol=SYMPY_RTOL, atol=SYMPY_ATOL
    )


def test_derivative_matches_sympy(case: Case) -> None:
    np.testing.assert_allclose(
        case.module().derivative(GRID),
        _reference_derivatives(case.name),
        rtol=SYMPY_RTOL,
        atol=SYMPY_ATOL,
    )


def test_backward_is_grad_output_times_sympy_derivative(case: Case) -> None:
    module = case.module()
    grad_output = np.random.default_rng(0).standard_normal(GRID.shape)
    module(GRID)
    expected = grad_output * _reference_derivatives(case.name)
    if case.output_form_backward:
        np.testing.assert_allclose(
            module.backward(grad_output), expected, rtol=SYMPY_RTOL, atol=OUTPUT_FORM_ATOL
        )
    else:
        np.testing.assert_allclose(
            module.backward(grad_output), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL
        )


def test_backward_matches_central_differences(case: Case) -> None:
    x = np.random.default_rng(1).uniform(-4.0, 4.0, size=(3, 4))
    x[np.abs(x) < 0.01] = 0.5  # stay off the kink at 0
    result = gradcheck(case.module(), x, eps=FD_H, atol=FD_ATOL, rtol=FD_RTOL)
    assert result.passed


def test_derivative_matches_central_differences(case: Case) -> None:
    module = case.module()
    x = np.linspace(-4.0, 4.0, 17) + 0.1  # avoids 0
    numeric = (module(x + FD_H) - module(x - FD_H)) / (2 * FD_H)
    np.testing.assert_allclose(module.derivative(x), numeric, rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(case: Case, dtype: type) -> None:
    module = case.module()
    x = np.linspace(-3.0, 3.0, 7, dtype=dtype)
    assert module(x).dtype == dtype
    assert module.derivative(x).dtype == dtype
    assert module.backward(np.ones(7, dtype=dtype)).dtype == dtype
    assert case.functional(x).dtype == dtype


def test_integers_become_float64(case: Case) -> None:
    module = case.module()
    assert module([-2, 0, 3]).dtype == np.float64
    assert module.derivative([-2, 0, 3]).dtype == np.float64
    assert case.functional(np.arange(3)).dtype == np.float64


def test_float32_agrees_with_float64(case: Case) -> None:
    x = np.linspace(-6.0, 6.0, 49)
    module = case.module()
    np.testing.assert_allclose(
        module(x.astype(np.float32)), module(x), rtol=1e-6, atol=1e-7
    )  # float32 round-off
    np.testing.assert_allclose(
        module.derivative(x.astype(np.float32)), module.derivative(x), rtol=1e-6, atol=1e-7
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_are_finite_without_warnings(case: Case, dtype: type) -> None:
    info = np.finfo(dtype)
    x = np.array([-info.max / 2, -1e4, -1000.0, -88.0, 88.0, 1000.0, 1e4, info.max / 2], dtype)
    x = np.concatenate([x, [-info.tiny, info.tiny, 0.0]]).astype(dtype)
    module = case.module()
    y = module(x)  # pytest turns any RuntimeWarning into an error
    grad = module.backward(np.ones_like(x))
    slope = module.derivative(x)
    for array in (y, grad, slope):
        assert array.dtype == dtype
        assert np.all(np.isfinite(array))


def test_shape_is_kept(case: Case) -> None:
    x = np.random.default_rng(2).standard_normal((2, 3, 4))
    module = case.module()
    assert module(x).shape == (2, 3, 4)
    assert module.backward(np.ones((2, 3, 4))).shape == (2, 3, 4)
    assert module(np.float64(0.5)).shape == ()
    assert module(np.zeros((0, 3))).shape == (0, 3)


def test_derivative_does_not_touch_the_forward_cache(case: Case) -> None:
    module = case.module()
    x = np.array([-1.5, 0.5, 2.0])
    module(x)
    module.derivative(np.array([10.0, -10.0, 0.25, 4.0]))
    np.testing.assert_allclose(
        module.backward(np.ones(3)), module.derivative(x), rtol=SYMPY_RTOL, atol=OUTPUT_FORM_ATOL
    )


def test_backward_uses_the_last_forward(case: Case) -> None:
    module = case.module()
    module(np.array([3.0, -3.0]))
    x = np.array([-0.7, 1.2])
    module(x)
    np.testing.assert_allclose(
        module.backward(np.ones(2)), module.derivative(x), rtol=SYMPY_RTOL, atol=OUTPUT_FORM_ATOL
    )


def test_is_a_module_without_parameters(case: Case) -> None:
    module = case.module()
    assert isinstance(module, ElementwiseActivation)
    assert list(module.parameters()) == []
    assert repr(module).startswith(type(module).__name__ + "(")


def test_backward_before_forward_raises(case: Case) -> None:
    name = type(case.module()).__name__
    with pytest.raises(RuntimeError, match=rf"{name}\.backward was called before forward"):
        case.module().backward(np.ones(3))


def test_grad_output_of_wrong_shape_raises(case: Case) -> None:
    module = case.module()
    module(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"grad_output has shape \(3, 2\); expected .* \(2, 3\)"):
        module.backward(np.ones((3, 2)))


def test_non_finite_grad_output_raises(case: Case) -> None:
    module = case.module()
    module(np.zeros(2))
    with pytest.raises(ValueError, match=r"grad_output holds 1 non-finite value"):
        module.backward(np.array([1.0, np.nan]))


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (np.array([0.0, np.nan]), ValueError, r"input holds 1 non-finite value .*index 1"),
        (np.array([np.inf, -np.inf]), ValueError, r"input holds 2 non-finite values"),
        (["a", "b"], TypeError, r"input has dtype <U1 and is not numeric"),
        (np.array([1j]), TypeError, r"input has complex dtype"),
        ([[1.0], [1.0, 2.0]], TypeError, r"input could not be converted"),
    ],
    ids=["nan", "inf", "strings", "complex", "ragged"],
)
def test_bad_input_raises(case: Case, bad: object, error: type, message: str) -> None:
    module = case.module()
    name = type(module).__name__
    with pytest.raises(error, match=rf"^{name}: {message}"):
        module(bad)
    with pytest.raises(error, match=rf"^{name}\.derivative: {message}"):
        module.derivative(bad)
    with pytest.raises(error, match=message):
        case.functional(bad)
