"""Tests of nnlib.layers.Linear: formula, backward, initialisation, dtypes, errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from nnlib import gradcheck
from nnlib.layers import Linear
from tests.conftest import FD_ATOL, FD_H, FD_RTOL, SYMPY_RTOL


def _sympy_linear_gradients(
    x: np.ndarray, weight: np.ndarray, bias: np.ndarray, g: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Output and gradients of s = sum(g * (x W^T + b)), differentiated by SymPy.

    The numbers enter as exact rationals, so the reference is exact.
    """
    n, n_in = x.shape
    n_out = weight.shape[0]
    X = sp.Matrix(n, n_in, lambda i, j: sp.Symbol(f"x_{i}_{j}"))
    W = sp.Matrix(n_out, n_in, lambda i, j: sp.Symbol(f"w_{i}_{j}"))
    b = sp.Matrix(1, n_out, lambda _, j: sp.Symbol(f"b_{j}"))
    Y = X * W.T + sp.ones(n, 1) * b
    s = sum(sp.Rational(float(g[i, j])) * Y[i, j] for i in range(n) for j in range(n_out))
    values = {X[i, j]: sp.Rational(float(x[i, j])) for i in range(n) for j in range(n_in)}
    values |= {
        W[i, j]: sp.Rational(float(weight[i, j])) for i in range(n_out) for j in range(n_in)
    }
    values |= {b[j]: sp.Rational(float(bias[j])) for j in range(n_out)}

    def grad(symbols: sp.Matrix) -> np.ndarray:
        return np.array(
            [[float(sp.diff(s, symbols[i, j]).subs(values)) for j in range(symbols.cols)]
             for i in range(symbols.rows)]
        )  # fmt: skip

    out = np.array(Y.subs(values).evalf(30), dtype=float)
    return out, grad(X), grad(W), grad(b).ravel()


def test_forward_and_backward_match_sympy() -> None:
    rng = np.random.default_rng(1)
    layer = Linear(3, 2, rng=0)
    x = rng.standard_normal((4, 3))
    g = rng.standard_normal((4, 2))
    out = layer(x)
    grad_x = layer.backward(g)
    want_out, want_x, want_w, want_b = _sympy_linear_gradients(
        x, layer.weight.data, layer.bias.data, g
    )
    np.testing.assert_allclose(out, want_out, rtol=SYMPY_RTOL)
    np.testing.assert_allclose(grad_x, want_x, rtol=SYMPY_RTOL)
    np.testing.assert_allclose(layer.weight.grad, want_w, rtol=SYMPY_RTOL)
    np.testing.assert_allclose(layer.bias.grad, want_b, rtol=SYMPY_RTOL)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 4), (4,), (2, 3, 4)])
def test_gradcheck_input_and_parameters(bias: bool, shape: tuple[int, ...]) -> None:
    layer = Linear(4, 3, bias=bias, rng=2)
    x = np.random.default_rng(3).standard_normal(shape)
    result = gradcheck(layer, x, eps=FD_H, rtol=FD_RTOL, atol=FD_ATOL)
    expected = x.size + 12 + (3 if bias else 0)
    assert result.passed and result.num_checked == expected


def test_leading_dimensions_are_batch_dimensions() -> None:
    layer = Linear(4, 3, rng=0)
    x = np.random.default_rng(0).standard_normal((2, 5, 4))
    out = layer(x)
    assert out.shape == (2, 5, 3)
    assert layer.backward(np.ones((2, 5, 3))).shape == (2, 5, 4)
    np.testing.assert_allclose(out[1, 2], layer(x[1, 2]), rtol=1e-15)


def test_no_bias() -> None:
    layer = Linear(2, 2, bias=False, rng=0)
    assert layer.bias is None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    np.testing.assert_array_equal(layer(np.zeros((1, 2))), np.zeros((1, 2)))


def test_gradients_accumulate_and_reset() -> None:
    layer = Linear(3, 2, rng=0)
    x, g = np.ones((2, 3)), np.ones((2, 2))
    layer(x)
    layer.backward(g)
    first = layer.weight.grad.copy()
    layer(x)  # each backward needs its own forward
    layer.backward(g)
    np.testing.assert_allclose(layer.weight.grad, 2 * first)
    np.testing.assert_allclose(layer.bias.grad, [4.0, 4.0])
    layer.zero_grad()
    assert layer.weight.grad is None and layer.bias.grad is None


@pytest.mark.parametrize("shape", [(4, 3), (2, 2, 3)])
def test_backward_parameters_gives_backwards_parameter_gradients(shape: tuple[int, ...]) -> None:
    # What fit uses: the same parameter gradients, bit for bit, without the input gradient.
    rng = np.random.default_rng(3)
    x, g = rng.standard_normal(shape), rng.standard_normal((*shape[:-1], 2))
    full, params_only = Linear(3, 2, rng=0), Linear(3, 2, rng=0)
    full(x)
    full.backward(g)
    params_only(x)
    assert params_only._backward_parameters(g) is None
    np.testing.assert_array_equal(params_only.weight.grad, full.weight.grad)
    np.testing.assert_array_equal(params_only.bias.grad, full.bias.grad)
    params_only(x)
    with pytest.raises(ValueError, match=r"Linear.backward: grad_output has shape \(4, 3\)"):
        params_only._backward_parameters(np.ones((4, 3)))
    with pytest.raises(RuntimeError, match=r"Linear.backward was called before forward"):
        Linear(3, 2)._backward_parameters(g)


def test_backward_parameters_runs_a_subclass_backward() -> None:
    class Clipped(Linear):
        def backward(self, grad_output: np.ndarray) -> np.ndarray:
            return super().backward(np.clip(grad_output, -0.5, 0.5))

    x, g = np.ones((2, 3)), np.full((2, 2), 4.0)
    layer, reference = Clipped(3, 2, rng=0), Linear(3, 2, rng=0)
    layer(x)
    layer._backward_parameters(g)
    reference(x)
    reference.backward(np.full((2, 2), 0.5))
    np.testing.assert_array_equal(layer.weight.grad, reference.weight.grad)


@given(
    st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**31 - 1)
)  # fmt: skip
def test_backward_is_the_adjoint_of_the_forward_map(
    n: int, n_in: int, n_out: int, seed: int
) -> None:
    """Law: <g, (f(x + v) - f(x))> = <backward(g), v> because f is affine in x."""
    rng = np.random.default_rng(seed)
    layer = Linear(n_in, n_out, rng=seed)
    x, v, g = (
        rng.standard_normal((n, n_in)),
        rng.standard_normal((n, n_in)),
        rng.standard_normal((n, n_out)),
    )
    change = np.sum(g * (layer(x + v) - layer(x)))
    assert math.isclose(change, np.sum(layer.backward(g) * v), rel_tol=1e-10, abs_tol=1e-12)


def test_default_initialisation_is_pytorchs_uniform() -> None:
    """weight, bias ~ U(-1/sqrt(in), 1/sqrt(in)); check bounds, mean and variance."""
    n_in, n_out = 400, 500
    layer = Linear(n_in, n_out, rng=0)
    bound = 1 / math.sqrt(n_in)
    w = layer.weight.data
    assert w.shape == (n_out, n_in) and np.all(np.abs(w) <= bound)
    assert np.all(np.abs(layer.bias.data) <= bound)
    # U(-c, c): variance c²/3, fourth moment c⁴/5, so the sample variance has
    # standard error c² sqrt((1/5 - 1/9)/n); the mean has standard error c/sqrt(3n).
    n = w.size
    assert abs(w.mean()) < 5 * bound / math.sqrt(3 * n)
    assert abs(w.var() - bound**2 / 3) < 5 * bound**2 * math.sqrt((1 / 5 - 1 / 9) / n)


def test_same_seed_same_weights() -> None:
    a, b, c = Linear(5, 4, rng=7), Linear(5, 4, rng=7), Linear(5, 4, rng=8)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)
    assert not np.array_equal(a.weight.data, c.weight.data)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("input_dtype", [np.float32, np.float64, np.int64])
def test_parameter_dtype_is_kept_and_inputs_are_cast(dtype: type, input_dtype: type) -> None:
    layer = Linear(3, 2, rng=0, dtype=dtype)
    assert layer.weight.dtype == dtype and layer.bias.dtype == dtype
    out = layer(np.ones((4, 3), dtype=input_dtype))
    assert out.dtype == dtype
    grad = layer.backward(np.ones((4, 2), dtype=np.float64))
    assert grad.dtype == dtype
    assert layer.weight.grad.dtype == dtype and layer.bias.grad.dtype == dtype


def test_float32_matches_float64_to_float32_precision() -> None:
    layer64 = Linear(20, 10, rng=0)
    layer32 = Linear(20, 10, rng=0, dtype=np.float32)
    x = np.random.default_rng(0).standard_normal((8, 20))
    np.testing.assert_allclose(layer32(x), layer64(x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_give_finite_outputs_without_warnings(dtype: type) -> None:
    layer = Linear(3, 2, rng=0, dtype=dtype)
    x = np.array([[1e4, -1e4, 1000.0], [-1000.0, 0.0, 1e4]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer(x)
        grad = layer.backward(np.full((2, 2), 1e4, dtype=dtype))
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(out, x.astype(np.float64) @ layer.weight.data.T.astype(
        np.float64) + layer.bias.data, rtol=1e-5 if dtype == np.float32 else 1e-12)  # fmt: skip


def test_float64_input_beyond_float32_range_is_an_error() -> None:
    layer = Linear(2, 1, rng=0, dtype=np.float32)
    with pytest.raises(
        ValueError, match=r"Linear: input \(cast to the parameters' dtype float32\)"
    ):
        layer(np.array([[1e300, 0.0]]))


def test_repr_matches_pytorch() -> None:
    assert repr(Linear(3, 4)) == "Linear(in_features=3, out_features=4, bias=True)"
    assert repr(Linear(3, 4, False)) == "Linear(in_features=3, out_features=4, bias=False)"


def test_state_dict_round_trip() -> None:
    source, target = Linear(3, 2, rng=0), Linear(3, 2, rng=1)
    target.load_state_dict(source.state_dict())
    x = np.ones((1, 3))
    np.testing.assert_array_equal(target(x), source(x))
    assert sorted(source.state_dict()) == ["bias", "weight"]


def test_load_state_dict_lists_every_problem() -> None:
    layer = Linear(3, 2, rng=0)
    state = {"weight": np.zeros((3, 2)), "extra": np.zeros(1)}
    with pytest.raises(ValueError, match=r"missing keys: bias; unexpected keys: extra; "
                       r"weight: shape \(3, 2\) in the state, \(2, 3\) in the model"):  # fmt: skip
        layer.load_state_dict(state)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.ones((2, 4)), r"Linear: input of shape \(2, 4\) has 4 features in its last dimension; "
         r"expected in_features = 3"),
        (np.float64(1.0), r"Linear: input of shape \(\) has a scalar"),
        (np.array([[np.nan, 0.0, 0.0]]), r"Linear: input holds 1 non-finite value"),
    ],
)  # fmt: skip
def test_bad_inputs(x: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Linear(3, 2, rng=0)(x)


def test_bad_input_type() -> None:
    with pytest.raises(TypeError, match=r"Linear: input has dtype <U1 and is not numeric"):
        Linear(3, 2)(np.array(["a", "b", "c"]))


def test_backward_errors() -> None:
    layer = Linear(3, 2, rng=0)
    with pytest.raises(RuntimeError, match=r"Linear.backward was called before forward"):
        layer.backward(np.ones((1, 2)))
    layer(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"Linear.backward: grad_output has shape \(4, 3\); "
                       r"expected the shape of the forward output, \(4, 2\)"):  # fmt: skip
        layer.backward(np.ones((4, 3)))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"in_features": 0, "out_features": 2}, ValueError, r"Linear: in_features = 0 is out of"),
        ({"in_features": 2, "out_features": 2.0}, TypeError, r"Linear: out_features must be an"),
        ({"in_features": 2, "out_features": 2, "bias": 1}, TypeError, r"Linear: bias must be a"),
        ({"in_features": 2, "out_features": 2, "dtype": np.int32}, ValueError,
         r"Linear: dtype int32 is not supported; expected float32 or float64"),
        ({"in_features": 2, "out_features": 2, "dtype": "nonsense"}, TypeError,
         r"Linear: dtype 'nonsense' is not a NumPy dtype"),
        ({"in_features": 2, "out_features": 2, "rng": 1.5}, TypeError, r"Linear: rng must be"),
    ],
)  # fmt: skip
def test_bad_constructor_arguments(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        Linear(**kwargs)
