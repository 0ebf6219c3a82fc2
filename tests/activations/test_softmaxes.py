"""Softmax and LogSoftmax (nnlib/activations/softmaxes.py).

Values and vector-Jacobian products against SymPy (mpmath, 50 digits), backward
against central differences along several dims, laws on Hypothesis inputs,
extremes, dtypes and errors.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nnlib import gradcheck
from nnlib.activations import LogSoftmax, Softmax, log_softmax, softmax
from tests.conftest import FD_ATOL, FD_H, FD_RTOL, SYMPY_ATOL, SYMPY_RTOL

ROWS = np.array(
    [
        [1.0, 2.0, 3.0, 4.0],
        [1000.0, 1000.0, -1000.0, 999.0],
        [-1e4, 0.0, 1e4, 9999.5],
        [0.5, -0.25, 3.0, -30.0],
        [-5.0, -5.0, -5.0, -5.0],
        [1e-9, -2e-9, 0.0, 7.25],
    ]
)
GRAD = np.random.default_rng(0).standard_normal(ROWS.shape)


def _sympy_forms() -> dict[str, tuple[list[sp.Symbol], sp.Matrix]]:
    xs = list(sp.symbols("x0:4", real=True))
    total = sum(sp.exp(x) for x in xs)
    probs = sp.Matrix([sp.exp(x) / total for x in xs])
    log_probs = sp.Matrix([x - sp.log(total) for x in xs])
    return {"softmax": (xs, probs), "log_softmax": (xs, log_probs)}


FORMS = _sympy_forms()


def _evaluate(matrix: sp.Matrix, symbols: list[sp.Symbol], row: np.ndarray) -> np.ndarray:
    """Evaluate a SymPy matrix at ``row`` at 50 and 100 digits; they must agree."""
    function = sp.lambdify(symbols, matrix, modules="mpmath")
    values = []
    for digits in (50, 100):
        with mpmath.workdps(digits):
            out = function(*[mpmath.mpf(float(v)) for v in row])
            values.append(np.array(out.tolist(), dtype=float).ravel())
    np.testing.assert_array_equal(values[0], values[1])
    return values[1]


@pytest.mark.parametrize(("name", "module"), [("softmax", Softmax), ("log_softmax", LogSoftmax)])
def test_values_and_backward_match_sympy(name: str, module: type) -> None:
    symbols, outputs = FORMS[name]
    jacobian = outputs.jacobian(symbols)
    layer = module(dim=1)
    values = layer(ROWS)
    grads = layer.backward(GRAD)
    for i, row in enumerate(ROWS):
        np.testing.assert_allclose(
            values[i], _evaluate(outputs, symbols, row), rtol=SYMPY_RTOL, atol=SYMPY_ATOL
        )
        vjp = GRAD[i] @ _evaluate(jacobian, symbols, row).reshape(4, 4)
        # g - <g, p> cancels where they are close: compare at the row's scale.
        np.testing.assert_allclose(
            grads[i], vjp, rtol=SYMPY_RTOL, atol=SYMPY_RTOL * np.abs(GRAD[i]).max()
        )


def test_jacobians_in_closed_form() -> None:
    symbols, probs = FORMS["softmax"]
    p = probs
    diagonal_minus_outer = sp.diag(*p) - p * p.T
    assert sp.simplify(probs.jacobian(symbols) - diagonal_minus_outer) == sp.zeros(4, 4)
    _, log_probs = FORMS["log_softmax"]
    ones = sp.ones(4, 1)
    assert sp.simplify(log_probs.jacobian(symbols) - (sp.eye(4) - ones * p.T)) == sp.zeros(4, 4)


@pytest.mark.parametrize("module", [Softmax, LogSoftmax])
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2, -3])
def test_backward_matches_central_differences(module: type, dim: int) -> None:
    x = np.random.default_rng(3).standard_normal((2, 3, 4)) * 2.0
    assert gradcheck(module(dim=dim), x, eps=FD_H, atol=FD_ATOL, rtol=FD_RTOL).passed


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_functional_equals_module_and_dims_are_independent(dim: int) -> None:
    x = np.random.default_rng(4).standard_normal((3, 5))
    np.testing.assert_array_equal(softmax(x, dim), Softmax(dim)(x))
    np.testing.assert_array_equal(log_softmax(x, dim), LogSoftmax(dim)(x))
    np.testing.assert_allclose(
        softmax(x, dim), np.moveaxis(softmax(np.moveaxis(x, dim, -1), -1), -1, dim),
        rtol=SYMPY_RTOL,
    )  # fmt: skip


matrices = arrays(
    np.float64, array_shapes(min_dims=1, max_dims=3, max_side=5), elements=st.floats(-1e3, 1e3)
)


@given(matrices, st.integers(-1, 0))
def test_probabilities_lie_in_the_unit_interval_and_sum_to_one(x: np.ndarray, dim: int) -> None:
    p = softmax(x, dim)
    assert np.all((p >= 0.0) & (p <= 1.0))
    np.testing.assert_allclose(p.sum(axis=dim), 1.0, rtol=SYMPY_RTOL)


@given(matrices, st.floats(-100.0, 100.0))
def test_shift_invariance(x: np.ndarray, shift: float) -> None:
    x = np.clip(x, -100.0, 100.0)  # x + shift then carries round-off of ~1e-14 at most
    np.testing.assert_allclose(softmax(x + shift, -1), softmax(x, -1), rtol=1e-11, atol=1e-300)


@given(matrices)
def test_log_softmax_is_log_of_softmax_where_that_is_safe(x: np.ndarray) -> None:
    p = softmax(x, -1)
    safe = p > 1e-300
    # Logs of probabilities carry an absolute round-off; compare at that scale.
    np.testing.assert_allclose(
        log_softmax(x, -1)[safe], np.log(p[safe]), rtol=SYMPY_RTOL, atol=SYMPY_RTOL
    )


@given(matrices)
def test_log_softmax_is_never_positive_and_its_exp_sums_to_one(x: np.ndarray) -> None:
    log_p = log_softmax(x, -1)
    assert np.all(log_p <= 0.0)
    np.testing.assert_allclose(np.exp(log_p).sum(axis=-1), 1.0, rtol=SYMPY_RTOL)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs(dtype: type) -> None:
    x = np.array([[1000.0, 1000.0, -1000.0], [1e4, -1e4, 0.0], [1e38, -1e38, 0.0]], dtype)
    p = softmax(x, 1)
    np.testing.assert_array_equal(p, np.array([[0.5, 0.5, 0.0], [1, 0, 0], [1, 0, 0]], dtype))
    log_p = log_softmax(x, 1)
    assert log_p.dtype == dtype and np.all(np.isfinite(log_p))
    np.testing.assert_allclose(log_p[0], [-np.log(2), -np.log(2), -2000 - np.log(2)], rtol=1e-6)
    for module in (Softmax(1), LogSoftmax(1)):
        module(x)
        grad = module.backward(np.ones_like(x))
        assert grad.dtype == dtype and np.all(np.isfinite(grad))


@pytest.mark.parametrize("function", [softmax, log_softmax])
def test_dtypes(function: Callable) -> None:
    assert function(np.zeros(3, np.float32), 0).dtype == np.float32
    assert function(np.arange(3), 0).dtype == np.float64


def test_empty_inputs_give_empty_outputs() -> None:
    assert softmax(np.zeros((0, 3)), 1).shape == (0, 3)
    assert log_softmax(np.zeros((3, 0)), 1).shape == (3, 0)


def test_reprs_and_default_dim() -> None:
    assert repr(Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(LogSoftmax()) == "LogSoftmax(dim=-1)"
    x = np.random.default_rng(5).standard_normal((2, 3))
    np.testing.assert_array_equal(Softmax()(x), softmax(x, 1))


@pytest.mark.parametrize("module", [Softmax, LogSoftmax])
def test_module_errors(module: type) -> None:
    name = module.__name__
    with pytest.raises(TypeError, match=rf"^{name}: dim must be an integer, got 1.0"):
        module(dim=1.0)
    with pytest.raises(
        ValueError,
        match=rf"^{name}: dim = 2 is out of range for an input with 2 dimensions; "
        r"expected an integer in \[-2, 1\]",
    ):
        module(dim=2)(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"for an input with 1 dimension; .*\[-1, 0\]"):
        module(dim=-2)(np.zeros(3))
    with pytest.raises(ValueError, match=rf"^{name}: input is 0-dimensional"):
        module()(np.float64(1.0))
    with pytest.raises(ValueError, match=rf"^{name}: input holds 1 non-finite value"):
        module()(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match=rf"^{name}: input has dtype <U1"):
        module()(["a"])
    with pytest.raises(RuntimeError, match=rf"^{name}\.backward was called before forward"):
        module().backward(np.ones(3))
    layer = module()
    layer(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=rf"^{name}\.backward: grad_output has shape \(3,\)"):
        layer.backward(np.ones(3))


@pytest.mark.parametrize("function", [softmax, log_softmax])
def test_functional_errors(function: Callable) -> None:
    name = function.__name__
    with pytest.raises(TypeError, match=rf"^{name}: dim must be an integer, got None"):
        function(np.zeros(3), None)
    with pytest.raises(ValueError, match=rf"^{name}: dim = 3 is out of range"):
        function(np.zeros((2, 2)), 3)
    with pytest.raises(ValueError, match=rf"^{name}: input holds 1 non-finite value"):
        function([np.inf, 0.0], 0)
