"""Tests of nnlib.layers.LayerNorm: SymPy, finite differences, shapes, errors."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from nnlib import gradcheck
from nnlib.layers import LayerNorm
from tests.conftest import FD_ATOL, FD_H, FD_RTOL, SYMPY_RTOL

DIGITS = 30


def test_forward_and_backward_match_sympy() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4)) * 2.0 - 1.0
    g = rng.standard_normal((2, 4))
    ln = LayerNorm(4, eps=1e-5)
    ln.weight.data[...] = rng.uniform(0.5, 1.5, 4)
    ln.bias.data[...] = rng.standard_normal(4)
    out = ln(x)
    grad_x = ln.backward(g)
    xs = sp.symbols("x0:4")
    ws, bs = sp.symbols("w0:4"), sp.symbols("b0:4")
    mu = sum(xs) / 4
    var = sum((xi - mu) ** 2 for xi in xs) / 4
    ys = [
        w * (xi - mu) / sp.sqrt(var + sp.Rational(1e-5)) + b
        for xi, w, b in zip(xs, ws, bs, strict=True)
    ]
    grad_w, grad_b = np.zeros(4), np.zeros(4)
    for row in range(2):
        values = {s: sp.Rational(v) for s, v in zip(xs, x[row], strict=True)}
        values.update({s: sp.Rational(v) for s, v in zip(ws, ln.weight.data, strict=True)})
        values.update({s: sp.Rational(v) for s, v in zip(bs, ln.bias.data, strict=True)})
        loss = sum(sp.Rational(gi) * yi for gi, yi in zip(g[row], ys, strict=True))

        def ev(expr, values=values) -> float:
            return float(sp.N(expr.subs(values), DIGITS))

        np.testing.assert_allclose(out[row], [ev(y) for y in ys], rtol=SYMPY_RTOL)
        want = [ev(sp.diff(loss, xi)) for xi in xs]
        np.testing.assert_allclose(grad_x[row], want, rtol=SYMPY_RTOL)
        grad_w += [ev(sp.diff(loss, w)) for w in ws]
        grad_b += [ev(sp.diff(loss, b)) for b in bs]
    np.testing.assert_allclose(ln.weight.grad, grad_w, rtol=SYMPY_RTOL)
    np.testing.assert_allclose(ln.bias.grad, grad_b, rtol=SYMPY_RTOL)


@pytest.mark.parametrize(
    ("normalized_shape", "kwargs", "shape"),
    [
        (5, {}, (3, 5)),
        ((3, 4), {}, (2, 3, 4)),
        ((2, 3), {}, (2, 3)),
        (4, {"elementwise_affine": False}, (2, 2, 4)),
        ((2, 3), {"bias": False}, (3, 2, 3)),
    ],
    ids=["last", "two-dims", "whole-input", "no-affine", "no-bias"],
)
def test_backward_passes_gradcheck(normalized_shape, kwargs, shape) -> None:
    rng = np.random.default_rng(1)
    ln = LayerNorm(normalized_shape, **kwargs)
    for param in ln.parameters():
        param.data[...] = rng.uniform(0.5, 1.5, param.shape)
    x = rng.standard_normal(shape)
    result = gradcheck(ln, x, eps=FD_H, rtol=FD_RTOL, atol=FD_ATOL)
    assert result.passed and result.num_checked == x.size + sum(p.size for p in ln.parameters())


def test_each_sample_is_normalised_alone_in_both_modes() -> None:
    x = np.random.default_rng(2).standard_normal((3, 2, 5)) * 4.0 + 7.0
    ln = LayerNorm((2, 5), eps=1e-12)
    out = ln(x)
    np.testing.assert_allclose(out.mean(axis=(1, 2)), 0.0, atol=1e-14)
    np.testing.assert_allclose(out.var(axis=(1, 2)), 1.0, rtol=1e-10)
    np.testing.assert_array_equal(ln.eval()(x), out)
    np.testing.assert_allclose(ln(x[:1]), out[:1], rtol=1e-15)


def test_parameters_defaults_and_repr() -> None:
    ln = LayerNorm([2, 3])
    assert ln.normalized_shape == (2, 3) and ln.weight.shape == (2, 3)
    np.testing.assert_array_equal(ln.weight.data, np.ones((2, 3)))
    np.testing.assert_array_equal(ln.bias.data, np.zeros((2, 3)))
    assert LayerNorm(4, bias=False).bias is None
    assert LayerNorm(4, elementwise_affine=False).state_dict() == {}
    assert repr(ln) == "LayerNorm((2, 3), eps=1e-05, elementwise_affine=True)"


def test_a_constant_sample_gives_the_bias() -> None:
    ln = LayerNorm(3)
    ln.bias.data[...] = [1.0, 2.0, 3.0]
    x = np.array([[1e10, 1e10, 1e10], [0.0, 1.0, 2.0]])
    out = ln(x)
    np.testing.assert_allclose(out[0], [1.0, 2.0, 3.0], atol=1e-6)
    assert np.isfinite(ln.backward(np.ones((2, 3)))).all()


def test_bad_input_and_hyperparameters_raise() -> None:
    ln = LayerNorm((2, 3))
    with pytest.raises(
        ValueError, match=r"input of shape \(2, 4\) does not end in normalized_shape"
    ):
        ln(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"input of shape \(3,\) does not end in"):
        ln(np.ones(3))
    with pytest.raises(ValueError, match=r"LayerNorm: input holds 1 non-finite value"):
        ln(np.array([[1.0, 2.0, np.inf], [0.0, 0.0, 0.0]]))
    with pytest.raises(ValueError, match=r"eps = -1.0 is out of range"):
        LayerNorm(3, eps=-1.0)
    with pytest.raises(ValueError, match=r"normalized_shape = 0 is out of range"):
        LayerNorm((3, 0))
    with pytest.raises(TypeError, match=r"normalized_shape must be an int or a non-empty tuple"):
        LayerNorm(())
    with pytest.raises(TypeError, match=r"normalized_shape must be an integer"):
        LayerNorm(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"bias must be True or False"):
        LayerNorm(3, bias=None)  # type: ignore[arg-type]
