"""Tests of ``nnlib.optim.Adam`` against its update formula in high precision."""

from __future__ import annotations

from functools import partial

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib import Parameter
from nnlib.optim import Adam
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.optim.optim_cases import mp, mp_sqrt, path_of


def adam_reference(
    x0,
    grads,
    lr,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    decoupled_weight_decay=False,
):
    """The docstring's update, transcribed in 50-digit arithmetic."""
    lr, eps, weight_decay = map(mpmath.mpf, (lr, eps, weight_decay))
    beta1, beta2 = map(mpmath.mpf, betas)
    x = mp(x0)
    m, v, v_max = mp([0] * len(x0)), mp([0] * len(x0)), mp([0] * len(x0))
    path = [x]
    for t, grad in enumerate(grads, start=1):
        g = mp(grad)
        if decoupled_weight_decay:
            x = (1 - lr * weight_decay) * x
        else:
            g = g + weight_decay * x
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        if amsgrad:
            v_max = np.array([max(a, b) for a, b in zip(v_max, v, strict=True)], dtype=object)
        second = v_max if amsgrad else v
        denom = mp_sqrt(second) / mpmath.sqrt(1 - beta2**t) + eps
        x = x - lr / (1 - beta1**t) * m / denom
        path.append(x)
    return np.array(path, dtype=float)


run_adam = partial(path_of, Adam)


GRADS = [[0.5, -1.5, 0.1], [2.0, 0.25, 1e-3], [-1.0, 1.0, 0.2], [0.75, -0.5, 3.0], [0.1] * 3]
X0 = [1.0, -2.0, 0.55]  # 0.5 would cancel to ~1e-6 with betas = (0, 0)


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.1},
        {"lr": 0.1, "betas": (0.5, 0.8)},
        {"lr": 0.1, "betas": (0.0, 0.0)},
        {"lr": 0.1, "eps": 0.3},
        {"lr": 0.1, "weight_decay": 0.3},
        {"lr": 0.1, "betas": (0.5, 0.6), "amsgrad": True},
        {"lr": 0.1, "weight_decay": 0.3, "decoupled_weight_decay": True},
        {"lr": 0.05, "betas": (0.7, 0.9), "weight_decay": 0.2, "amsgrad": True, "eps": 1e-3},
    ],
    ids=str,
)
def test_steps_follow_the_formula(options: dict) -> None:
    np.testing.assert_allclose(
        run_adam(X0, GRADS, **options),
        adam_reference(X0, GRADS, **options),
        rtol=SYMPY_RTOL,
        atol=SYMPY_ATOL,
    )


@given(
    grads=st.lists(st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3), min_size=3, max_size=3),
    lr=st.floats(1e-4, 1.0),
)
def test_first_step_moves_each_coordinate_by_about_lr(grads: list[float], lr: float) -> None:
    # Bias correction makes m_hat_1 = g and v_hat_1 = g^2, so the first step is
    # lr * g / (|g| + eps): the learning rate in every coordinate, whatever the scale of g.
    w = Parameter(np.zeros(3))
    w.grad = np.array(grads)
    Adam([w], lr=lr).step()
    np.testing.assert_allclose(w.data, -lr * np.sign(grads), rtol=1e-5)


def test_constant_gradient_moves_by_lr_at_every_step() -> None:
    # With g constant, m_t = (1 - beta1^t) g and v_t = (1 - beta2^t) g^2 exactly, so the
    # bias-corrected step is lr * g / (|g| + eps) at every t, not only the first.
    path = run_adam([0.0], [[4.0]] * 20, lr=0.01, eps=0.0)
    np.testing.assert_allclose(np.diff(path[:, 0]), -0.01, rtol=1e-12)


def test_without_bias_correction_the_first_step_would_be_far_smaller() -> None:
    # The uncorrected step (1 - beta1) g / sqrt((1 - beta2) g^2) = 0.1 / sqrt(0.001) ~ 3.16 lr
    # is what a missing correction would give; nnlib takes lr.
    path = run_adam([0.0], [[1.0]], lr=0.01)
    assert path[1, 0] == pytest.approx(-0.01, rel=1e-7)
    assert abs(path[1, 0]) < 0.1 / np.sqrt(0.001) * 0.01 / 3


def test_amsgrad_keeps_the_largest_second_moment() -> None:
    w = Parameter(np.array([0.0]))
    opt = Adam([w], lr=0.1, betas=(0.5, 0.5), amsgrad=True)
    for g in (10.0, 0.1, 0.1):
        w.grad = np.array([g])
        opt.step()
    state = opt.state[w]
    assert state["max_exp_avg_sq"][0] == 50.0  # v_1 = 0.5 * 10^2, never exceeded later
    assert state["exp_avg_sq"][0] < state["max_exp_avg_sq"][0]


@given(scale=st.floats(1e-3, 1e3))
def test_zero_eps_makes_adam_invariant_to_gradient_scale(scale: float) -> None:
    grads = [[0.5, -1.5], [2.0, 0.25], [-1.0, 1.0]]
    base = run_adam([1.0, 2.0], grads, lr=0.1, eps=0.0)
    scaled = run_adam([1.0, 2.0], [[scale * g for g in step] for step in grads], lr=0.1, eps=0.0)
    np.testing.assert_allclose(scaled, base, rtol=1e-12)


def test_zero_eps_with_an_all_zero_gradient_history_is_refused() -> None:
    w = Parameter(np.array([1.0, 2.0]))
    opt = Adam([w], eps=0.0)
    w.grad = np.array([1.0, 0.0])
    with pytest.raises(ValueError, match=r"Adam.step: the denominator is 0 for parameter 0"):
        opt.step()


def test_defaults_are_torch_defaults() -> None:
    assert Adam([Parameter([0.0])]).defaults == {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0,
        "amsgrad": False,
        "maximize": False,
        "decoupled_weight_decay": False,
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"betas": (1.0, 0.999)}, r"Adam: betas\[0\] = 1.0 is out of range; expected .*\[0, 1\)"),
        ({"betas": (0.9, -0.1)}, r"Adam: betas\[1\] = -0.1 is out of range"),
        ({"betas": (0.9, 1.5)}, r"Adam: betas\[1\] = 1.5 is out of range"),
        ({"eps": -1e-8}, r"Adam: eps = -1e-08 is out of range"),
        ({"weight_decay": -0.01}, r"Adam: weight_decay = -0.01 is out of range"),
    ],
)
def test_bad_hyperparameters_are_refused(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Adam([Parameter([0.0])], **options)


def test_betas_must_be_a_pair() -> None:
    with pytest.raises(TypeError, match=r"Adam: betas must be a pair \(beta1, beta2\), got 0.9"):
        Adam([Parameter([0.0])], betas=0.9)  # type: ignore[arg-type]


# -- several parameters: each is updated from its own history ---------------------------------


def test_a_parameter_skipped_on_some_steps_keeps_its_own_step_count() -> None:
    # Its bias corrections count its own steps: its path is that of an Adam run on its
    # gradients alone, bit for bit, while the other parameter goes on every step.
    rng = np.random.default_rng(2)
    grads = [rng.standard_normal(3) for _ in range(6)]
    w, u = Parameter(np.ones(3)), Parameter(np.zeros(2))
    opt = Adam([u, w], lr=0.01)
    for step, grad in enumerate(grads):
        u.grad = np.ones(2)
        w.grad = None if step in (2, 3) else grad
        opt.step()
    assert opt.state[w]["step"] == opt.state[u]["step"] - 2 == 4
    kept = [grad for step, grad in enumerate(grads) if step not in (2, 3)]
    np.testing.assert_array_equal(w.data, run_adam(np.ones(3), kept, lr=0.01)[-1], strict=True)


def test_parameters_of_different_dtypes_in_one_group() -> None:
    params = [Parameter(np.ones(3)), Parameter(np.ones(2, dtype=np.float32))]
    opt = Adam(params)
    for p in params:
        p.grad = np.ones(p.shape, dtype=p.dtype)
    opt.step()
    assert params[1].data.dtype == opt.state[params[1]]["exp_avg"].dtype == np.float32
    # The first step moves each coordinate by lr / (1 + eps / |g|): 1e-3 to 8 digits.
    np.testing.assert_allclose(params[0].data, 1 - 1e-3, rtol=1e-8)
    np.testing.assert_allclose(params[1].data, 1 - 1e-3, rtol=1e-6)


def test_a_non_finite_gradient_names_its_parameter_and_moves_nothing() -> None:
    params = [Parameter(np.full(shape, 0.5)) for shape in [(3, 4), (4,), (2, 3), (2,)]]
    opt = Adam(params)
    for p in params:
        p.grad = np.ones(p.shape)
    opt.step()
    before = [p.data.copy() for p in params]
    moments = [opt.state[p]["exp_avg"].copy() for p in params]
    params[2].grad = np.ones(params[2].shape)
    params[2].grad[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"Adam\.step: the gradient of parameter 2 holds 1"):
        opt.step()
    for p, data, m in zip(params, before, moments, strict=True):
        np.testing.assert_array_equal(p.data, data)
        np.testing.assert_array_equal(opt.state[p]["exp_avg"], m)
        assert opt.state[p]["step"] == 1


def test_zero_denominator_names_its_parameter() -> None:
    params = [Parameter(np.ones(shape)) for shape in [(3, 4), (4,), (2, 3), (2,)]]
    opt = Adam(params, eps=0.0)
    for p in params:
        p.grad = np.ones(p.shape)
    params[3].grad[0] = 0.0
    with pytest.raises(ValueError, match=r"the denominator is 0 for parameter 3"):
        opt.step()
