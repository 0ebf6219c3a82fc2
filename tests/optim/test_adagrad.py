"""Tests of ``nnlib.optim.Adagrad`` against its update formula in high precision."""

from __future__ import annotations

from functools import partial

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib import Parameter
from nnlib.optim import Adagrad
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.optim.optim_cases import mp, mp_sqrt, path_of


def adagrad_reference(
    x0, grads, lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10
):
    """The docstring's update, transcribed in 50-digit arithmetic."""
    lr, lr_decay, weight_decay, eps = map(mpmath.mpf, (lr, lr_decay, weight_decay, eps))
    x = mp(x0)
    s = mp([initial_accumulator_value] * len(x0))
    path = [x]
    for t, grad in enumerate(grads, start=1):
        g = mp(grad) + weight_decay * x
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        x = x - clr * g / (mp_sqrt(s) + eps)
        path.append(x)
    return np.array(path, dtype=float)


run_adagrad = partial(path_of, Adagrad)


GRADS = [[0.5, -1.5, 0.0], [2.0, 0.25, 1e-3], [-1.0, 1.0, 0.0], [0.75, -0.5, 3.0]]
X0 = [1.0, -2.0, 0.5]


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.1},
        {"lr": 0.1, "lr_decay": 0.5},
        {"lr": 0.1, "weight_decay": 0.3},
        {"lr": 0.1, "initial_accumulator_value": 0.7},
        {"lr": 0.1, "eps": 0.2},
        {"lr": 0.2, "lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.1},
    ],
    ids=str,
)
def test_steps_follow_the_formula(options: dict) -> None:
    np.testing.assert_allclose(
        run_adagrad(X0, GRADS, **options),
        adagrad_reference(X0, GRADS, **options),
        rtol=SYMPY_RTOL,
        atol=SYMPY_ATOL,
    )


def test_learning_rate_decays_as_lr_over_one_plus_t_minus_one_times_decay() -> None:
    # A constant gradient g makes s_t = t g^2, so step t moves by clr_t / sqrt(t) exactly.
    lr, decay = 0.3, 0.25
    path = run_adagrad([0.0], [[2.0]] * 4, lr=lr, lr_decay=decay, eps=0.0)
    moves = -np.diff(path[:, 0])
    expected = [lr / (1 + (t - 1) * decay) / np.sqrt(t) for t in range(1, 5)]
    np.testing.assert_allclose(moves, expected, rtol=1e-14)


@given(g=st.floats(1e-3, 1e4) | st.floats(-1e4, -1e-3), lr=st.floats(1e-4, 1.0))
def test_first_step_moves_each_coordinate_by_about_lr(g: float, lr: float) -> None:
    # s_1 = g^2, so the first step is lr * g / (|g| + eps): lr in size, whatever g's scale.
    w = Parameter(np.array([0.0]))
    w.grad = np.array([g])
    Adagrad([w], lr=lr).step()
    np.testing.assert_allclose(w.data[0], -lr * np.sign(g), rtol=1e-7)


def test_state_starts_at_the_initial_accumulator_value() -> None:
    w = Parameter(np.array([1.0, 2.0]))
    opt = Adagrad([w], initial_accumulator_value=0.5)
    w.grad = np.array([1.0, -2.0])
    opt.step()
    np.testing.assert_array_equal(opt.state[w]["sum"], [1.5, 4.5])
    assert opt.state[w]["step"] == 1


def test_zero_eps_with_an_all_zero_gradient_history_is_refused() -> None:
    w = Parameter(np.array([1.0, 2.0]))
    opt = Adagrad([w], eps=0.0)
    w.grad = np.array([1.0, 0.0])
    with pytest.raises(ValueError, match=r"Adagrad.step: the denominator is 0 for parameter 0"):
        opt.step()


def test_defaults_are_torch_defaults() -> None:
    assert Adagrad([Parameter([0.0])]).defaults == {
        "lr": 1e-2,
        "lr_decay": 0,
        "eps": 1e-10,
        "weight_decay": 0,
        "initial_accumulator_value": 0,
        "maximize": False,
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"lr_decay": -0.1}, r"Adagrad: lr_decay = -0.1 is out of range; expected a value in \[0"),
        ({"weight_decay": -1.0}, r"Adagrad: weight_decay = -1.0 is out of range"),
        ({"initial_accumulator_value": -1.0}, r"initial_accumulator_value = -1.0 is out of range"),
        ({"eps": -1e-10}, r"Adagrad: eps = -1e-10 is out of range"),
    ],
)
def test_bad_hyperparameters_are_refused(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Adagrad([Parameter([0.0])], **options)
