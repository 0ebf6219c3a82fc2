"""Tests of nnlib.layers.BatchNorm1d: SymPy, finite differences, modes, buffers, errors."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import nnlib
from nnlib import gradcheck
from nnlib.layers import BatchNorm1d, Linear, Sequential
from tests.conftest import FD_ATOL, FD_H, FD_RTOL, SYMPY_RTOL

DIGITS = 30


def _sympy_batchnorm(x: np.ndarray, g: np.ndarray, gamma: float, beta: float, eps: float):
    """Output and the gradients of sum(g * y) w.r.t. x, gamma, beta for one channel, by SymPy."""
    n = len(x)
    xs = sp.symbols(f"x0:{n}")
    gam, bet = sp.symbols("gamma beta")
    mu = sum(xs) / n
    var = sum((xi - mu) ** 2 for xi in xs) / n
    ys = [gam * (xi - mu) / sp.sqrt(var + sp.Rational(eps)) + bet for xi in xs]
    loss = sum(sp.Rational(gi) * yi for gi, yi in zip(g, ys, strict=True))
    values = {**{xi: sp.Rational(v) for xi, v in zip(xs, x, strict=True)}}
    values.update({gam: sp.Rational(gamma), bet: sp.Rational(beta)})

    def ev(expr) -> float:
        return float(sp.N(expr.subs(values), DIGITS))

    out = np.array([ev(yi) for yi in ys])
    grad_x = np.array([ev(sp.diff(loss, xi)) for xi in xs])
    return out, grad_x, ev(sp.diff(loss, gam)), ev(sp.diff(loss, bet))


@pytest.mark.parametrize("eps", [1e-5, 0.5])
def test_training_forward_and_backward_match_sympy(eps: float) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 2)) * 3.0 + 1.0
    g = rng.standard_normal((4, 2))
    bn = BatchNorm1d(2, eps=eps)
    bn.weight.data[...] = [1.5, -0.7]
    bn.bias.data[...] = [0.25, 2.0]
    out = bn(x)
    grad_x = bn.backward(g)
    for c in range(2):
        want_out, want_x, want_gamma, want_beta = _sympy_batchnorm(
            x[:, c], g[:, c], bn.weight.data[c], bn.bias.data[c], eps
        )
        np.testing.assert_allclose(out[:, c], want_out, rtol=SYMPY_RTOL)
        np.testing.assert_allclose(grad_x[:, c], want_x, rtol=SYMPY_RTOL)
        np.testing.assert_allclose(bn.weight.grad[c], want_gamma, rtol=SYMPY_RTOL)
        np.testing.assert_allclose(bn.bias.grad[c], want_beta, rtol=SYMPY_RTOL)


@pytest.mark.parametrize(
    ("shape", "kwargs", "train"),
    [
        ((5, 3), {}, True),
        ((4, 3, 2), {}, True),
        ((5, 3), {"affine": False}, True),
        ((4, 3, 2), {"track_running_stats": False}, False),  # batch statistics in eval mode
        ((5, 3), {}, False),  # running statistics: an affine map
        ((2, 3, 3), {"bias": False}, True),
    ],
    ids=["2d", "3d", "no-affine", "no-running-stats-eval", "eval", "no-bias"],
)
def test_backward_passes_gradcheck(shape, kwargs, train: bool) -> None:
    rng = np.random.default_rng(1)
    bn = BatchNorm1d(3, **kwargs)
    if bn.weight is not None:
        bn.weight.data[...] = rng.uniform(0.5, 2.0, 3)
    if bn.bias is not None:
        bn.bias.data[...] = rng.standard_normal(3)
    if bn.running_mean is not None:
        bn.running_mean[...] = rng.standard_normal(3)
        bn.running_var[...] = rng.uniform(0.5, 2.0, 3)
    bn.train(train)
    x = rng.standard_normal(shape) * 2.0 + 1.0
    assert gradcheck(bn, x, eps=FD_H, rtol=FD_RTOL, atol=FD_ATOL).passed


def test_running_statistics_use_the_unbiased_variance_and_momentum() -> None:
    rng = np.random.default_rng(2)
    x1, x2 = rng.standard_normal((6, 2)), rng.standard_normal((6, 2)) + 4.0
    bn = BatchNorm1d(2, momentum=0.25)
    bn(x1)
    bn(x2)
    mean = 0.25 * x2.mean(0) + 0.75 * (0.25 * x1.mean(0))
    var = 0.25 * x2.var(0, ddof=1) + 0.75 * (0.25 * x1.var(0, ddof=1) + 0.75)
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-14)
    assert int(bn.num_batches_tracked) == 2


def test_momentum_none_is_the_cumulative_average() -> None:
    rng = np.random.default_rng(3)
    batches = [rng.standard_normal((n, 2)) + 2.0 for n in (3, 5, 4)]
    bn = BatchNorm1d(2, momentum=None)
    for x in batches:
        bn(x)
    np.testing.assert_allclose(bn.running_mean, np.mean([x.mean(0) for x in batches], axis=0))
    np.testing.assert_allclose(bn.running_var, np.mean([x.var(0, ddof=1) for x in batches], 0))


def test_eval_mode_uses_the_running_statistics_and_leaves_them() -> None:
    bn = BatchNorm1d(2, eps=1e-3)
    bn.running_mean[...] = [1.0, -1.0]
    bn.running_var[...] = [4.0, 0.25]
    bn.eval()
    x = np.array([[3.0, 0.0], [1.0, -1.0]])
    want = (x - bn.running_mean) / np.sqrt(bn.running_var + 1e-3)
    np.testing.assert_allclose(bn(x), want, rtol=1e-15)
    assert int(bn.num_batches_tracked) == 0 and bn.running_mean[0] == 1.0
    np.testing.assert_allclose(
        bn.backward(np.ones((2, 2))), np.ones((2, 2)) / np.sqrt([4.001, 0.251])
    )
    bn(x[:1])  # one sample is fine in eval mode


def test_state_dict_holds_the_buffers_and_round_trips(tmp_path) -> None:
    rng = np.random.default_rng(4)
    model = Sequential(Linear(3, 4, rng=0), BatchNorm1d(4))
    model(rng.standard_normal((8, 3)))
    state = model.state_dict()
    assert list(state) == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    ]
    assert [name for name, _ in model.named_parameters()] == list(state)[:4]
    nnlib.save(model, tmp_path / "model.npz")
    fresh = Sequential(Linear(3, 4, rng=1), BatchNorm1d(4))
    fresh.load_state_dict(nnlib.load(tmp_path / "model.npz"))
    np.testing.assert_array_equal(fresh[1].running_var, model[1].running_var)
    assert (
        fresh[1].num_batches_tracked.dtype == np.int64 and int(fresh[1].num_batches_tracked) == 1
    )
    x = rng.standard_normal((2, 3))
    np.testing.assert_array_equal(fresh.eval()(x), model.eval()(x))


def test_without_running_stats_the_buffers_are_none() -> None:
    bn = BatchNorm1d(3, track_running_stats=False, affine=False)
    assert bn.running_mean is None and bn.num_batches_tracked is None
    assert bn.state_dict() == {} and list(bn.parameters()) == []


def test_defaults_and_repr_follow_pytorch() -> None:
    bn = BatchNorm1d(3)
    np.testing.assert_array_equal(bn.weight.data, np.ones(3))
    np.testing.assert_array_equal(bn.bias.data, np.zeros(3))
    np.testing.assert_array_equal(bn.running_var, np.ones(3))
    assert (
        repr(bn)
        == "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
    )


def test_a_constant_channel_gives_beta_and_finite_gradients() -> None:
    x = np.column_stack([np.full(5, 1e8), np.linspace(-1, 1, 5)])
    bn = BatchNorm1d(2)
    bn.bias.data[...] = [0.5, 0.0]
    out = bn(x)
    np.testing.assert_allclose(out[:, 0], 0.5, atol=1e-6)
    grad = bn.backward(np.arange(10.0).reshape(5, 2))
    assert np.isfinite(grad).all() and np.isfinite(bn.running_var).all()
    np.testing.assert_allclose(bn.running_var[0], 0.9, rtol=1e-12)  # 0.9 * 1 + 0.1 * 0


def test_large_and_tiny_inputs_normalise_to_the_same_output() -> None:
    x = np.random.default_rng(5).standard_normal((6, 2))
    out = BatchNorm1d(2, eps=1e-300)(x)
    np.testing.assert_allclose(BatchNorm1d(2, eps=1e-300)(x * 1e150), out, rtol=1e-12)
    np.testing.assert_allclose(BatchNorm1d(2, eps=1e-300)(x * 1e-100), out, rtol=1e-12)


def test_float32_parameters_keep_their_dtype() -> None:
    bn = BatchNorm1d(2, dtype=np.float32)
    out = bn(np.array([[1.0, 2.0], [3.0, 5.0]]))
    assert out.dtype == np.float32 and bn.running_mean.dtype == np.float32
    assert bn.backward(np.ones((2, 2))).dtype == np.float32


def test_bad_input_and_hyperparameters_raise() -> None:
    bn = BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when training"):
        bn(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel"):
        BatchNorm1d(3, track_running_stats=False).eval()(np.ones((1, 3, 1)))
    assert int(bn.num_batches_tracked) == 0
    with pytest.raises(ValueError, match=r"input of shape \(4, 2\) has 2 channels; expected"):
        bn(np.ones((4, 2)))
    with pytest.raises(
        ValueError, match=r"input of shape \(3,\) has 1 dimensions; expected shape"
    ):
        bn(np.ones(3))
    with pytest.raises(ValueError, match=r"BatchNorm1d: input holds 1 non-finite value"):
        bn(np.array([[1.0, np.nan, 0.0], [1.0, 2.0, 3.0]]))
    with pytest.raises(ValueError, match=r"eps = 0.0 is out of range; expected a value in \(0"):
        BatchNorm1d(3, eps=0.0)
    with pytest.raises(
        ValueError, match=r"momentum = 1.5 is out of range; expected a value in \[0, 1\]"
    ):
        BatchNorm1d(3, momentum=1.5)
    with pytest.raises(ValueError, match=r"momentum = -0.1 is out of range"):
        bn.momentum = -0.1
    with pytest.raises(ValueError, match=r"num_features = 0 is out of range"):
        BatchNorm1d(0)
    with pytest.raises(TypeError, match=r"affine must be True or False"):
        BatchNorm1d(3, affine=1)  # type: ignore[arg-type]
    bn(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm1d.backward: grad_output has shape \(3,\)"):
        bn.backward(np.ones(3))
