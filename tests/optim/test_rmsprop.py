"""Tests of ``nnlib.optim.RMSprop`` against its update formula in high precision."""

from __future__ import annotations

import warnings
from functools import partial

import mpmath
import numpy as np
import pytest

from nnlib import Parameter
from nnlib.optim import RMSprop
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.optim.optim_cases import mp, mp_sqrt, path_of


def rmsprop_reference(
    x0, grads, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
):
    """The docstring's update, transcribed in 50-digit arithmetic."""
    lr, alpha, eps, weight_decay, momentum = map(
        mpmath.mpf, (lr, alpha, eps, weight_decay, momentum)
    )
    x = mp(x0)
    v, g_avg, buf = mp([0] * len(x0)), mp([0] * len(x0)), mp([0] * len(x0))
    path = [x]
    for grad in grads:
        g = mp(grad) + weight_decay * x
        v = alpha * v + (1 - alpha) * g * g
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            denom = mp_sqrt(v - g_avg * g_avg) + eps
        else:
            denom = mp_sqrt(v) + eps
        if momentum > 0:
            buf = momentum * buf + g / denom
            x = x - lr * buf
        else:
            x = x - lr * g / denom
        path.append(x)
    return np.array(path, dtype=float)


run_rmsprop = partial(path_of, RMSprop)


GRADS = [[0.5, -1.5, 0.1], [2.0, 0.25, 1e-3], [-1.0, 1.0, 0.2], [0.75, -0.5, 3.0]]
X0 = [1.0, -2.0, 0.5]


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.01},
        {"lr": 0.01, "alpha": 0.5},
        {"lr": 0.01, "eps": 0.3},
        {"lr": 0.01, "weight_decay": 0.3},
        {"lr": 0.01, "momentum": 0.9},
        {"lr": 0.01, "alpha": 0.7, "centered": True},
        {"lr": 0.01, "alpha": 0.7, "centered": True, "momentum": 0.5, "weight_decay": 0.1},
    ],
    ids=str,
)
def test_steps_follow_the_formula(options: dict) -> None:
    np.testing.assert_allclose(
        run_rmsprop(X0, GRADS, **options),
        rmsprop_reference(X0, GRADS, **options),
        rtol=SYMPY_RTOL,
        atol=SYMPY_ATOL,
    )


def test_first_step_is_lr_over_root_of_one_minus_alpha() -> None:
    # v_1 = (1 - alpha) g^2, so the first step is lr g / (sqrt(1 - alpha) |g| + eps).
    lr, alpha, g = 0.01, 0.99, 3.0
    path = run_rmsprop([0.0], [[g]], lr=lr, alpha=alpha, eps=0.0)
    np.testing.assert_allclose(path[1, 0], -lr / np.sqrt(1 - alpha), rtol=1e-15)


def test_centered_variance_rounding_below_zero_gives_no_nan() -> None:
    # With this alpha and a constant gradient, v_4 - g_avg_4^2 rounds to -1.1e-16 in
    # float64 (exactly 0 in exact arithmetic): the clamp keeps the step finite.
    alpha, g = 3.257536676937178e-05, 0.8028402810193038
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = run_rmsprop([0.0], [[g]] * 4, lr=1e-3, alpha=alpha, centered=True, eps=1e-3)
    assert np.all(np.isfinite(path))


def test_state_holds_what_the_options_need() -> None:
    w = Parameter(np.array([1.0]))
    opt = RMSprop([w], momentum=0.5, centered=True)
    w.grad = np.array([2.0])
    opt.step()
    assert set(opt.state[w]) == {"step", "square_avg", "momentum_buffer", "grad_avg"}
    w2 = Parameter(np.array([1.0]))
    plain = RMSprop([w2])
    w2.grad = np.array([2.0])
    plain.step()
    assert set(plain.state[w2]) == {"step", "square_avg"}


def test_zero_eps_with_an_all_zero_gradient_history_is_refused() -> None:
    w = Parameter(np.array([1.0, 2.0]))
    opt = RMSprop([w], eps=0.0)
    w.grad = np.array([1.0, 0.0])
    with pytest.raises(ValueError, match=r"RMSprop.step: the denominator is 0 for parameter 0"):
        opt.step()


def test_defaults_are_torch_defaults() -> None:
    assert RMSprop([Parameter([0.0])]).defaults == {
        "lr": 1e-2,
        "momentum": 0,
        "alpha": 0.99,
        "eps": 1e-8,
        "centered": False,
        "weight_decay": 0,
        "maximize": False,
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"alpha": 1.0}, r"RMSprop: alpha = 1.0 is out of range; expected a value in \[0, 1\)"),
        ({"alpha": -0.1}, r"RMSprop: alpha = -0.1 is out of range; expected a value in \[0, 1\)"),
        ({"eps": -1e-8}, r"RMSprop: eps = -1e-08 is out of range"),
        ({"momentum": -0.9}, r"RMSprop: momentum = -0.9 is out of range"),
        ({"weight_decay": -0.1}, r"RMSprop: weight_decay = -0.1 is out of range"),
    ],
)
def test_bad_hyperparameters_are_refused(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RMSprop([Parameter([0.0])], **options)


def test_centered_must_be_a_flag() -> None:
    with pytest.raises(TypeError, match="RMSprop: centered must be True or False, got 1"):
        RMSprop([Parameter([0.0])], centered=1)  # type: ignore[arg-type]
