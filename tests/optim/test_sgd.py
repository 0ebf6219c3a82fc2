"""Tests of ``nnlib.optim.SGD`` against closed forms and the update formula in high precision."""

from __future__ import annotations

from fractions import Fraction
from functools import partial

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib import Parameter
from nnlib.optim import SGD
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.optim.optim_cases import mp, path_of


def sgd_reference(x0, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    """The docstring's update, transcribed in 50-digit arithmetic."""
    lr, momentum, dampening, weight_decay = map(
        mpmath.mpf, (lr, momentum, dampening, weight_decay)
    )
    x, buf, path = mp(x0), None, [mp(x0)]
    for grad in grads:
        g = mp(grad) + weight_decay * x
        if momentum != 0:
            buf = g if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        x = x - lr * g
        path.append(x)
    return np.array(path, dtype=float)


run_sgd = partial(path_of, SGD)


GRADS = [[0.5, -1.5], [2.0, 0.25], [-1.0, 1.0], [0.75, -0.5]]
X0 = [1.0, -2.0]


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.1},
        {"lr": 0.1, "weight_decay": 0.3},
        {"lr": 0.1, "momentum": 0.9},
        {"lr": 0.1, "momentum": 0.9, "dampening": 0.4},
        {"lr": 0.1, "momentum": 0.7, "nesterov": True},
        {"lr": 0.05, "momentum": 0.6, "weight_decay": 0.2, "nesterov": True},
    ],
    ids=str,
)
def test_steps_follow_the_formula(options: dict) -> None:
    np.testing.assert_allclose(
        run_sgd(X0, GRADS, **options),
        sgd_reference(X0, GRADS, **options),
        rtol=SYMPY_RTOL,
        atol=SYMPY_ATOL,
    )


def test_first_momentum_step_ignores_dampening() -> None:
    # b_1 = g_1 (not (1 - dampening) g_1); b_2 = mu b_1 + (1 - dampening) g_2.
    lr, mu, tau = 0.5, 0.9, 0.4
    path = run_sgd([0.0], [[1.0], [1.0]], lr=lr, momentum=mu, dampening=tau)
    assert path[1, 0] == -lr * 1.0
    np.testing.assert_allclose(path[2, 0], -lr - lr * (mu + (1 - tau)), rtol=SYMPY_RTOL)


def test_gradient_descent_on_a_quadratic_is_geometric() -> None:
    # f(x) = a x^2 / 2 per coordinate, so x_t = (1 - lr a)^t x_0.
    curvatures = np.array([0.5, 2.0, 9.0, 19.0])
    lr, steps = 0.1, 25
    x = Parameter(np.ones(4))
    opt = SGD([x], lr=lr)
    for _ in range(steps):
        x.grad = curvatures * x.data
        opt.step()
    exact = [float((1 - mpmath.mpf(lr) * mpmath.mpf(a)) ** steps) for a in curvatures]
    np.testing.assert_allclose(x.data, exact, rtol=1e-12)
    # lr a = 1.9 < 2 still converges (oscillating); lr a > 2 would diverge.
    assert abs(x.data[3]) < 1 and x.data[3] < 0


def _power(matrix, vector, steps):
    for _ in range(steps):
        vector = [sum(matrix[i][j] * vector[j] for j in range(2)) for i in range(2)]
    return vector


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_on_a_quadratic_follows_its_linear_recurrence(nesterov: bool) -> None:
    # With g = a x, the state (x_t, b_t) evolves by a fixed 2x2 matrix.
    # Heavy ball: b' = mu b + a x, x' = x - lr b' = (1 - lr a) x - lr mu b.
    # Nesterov:   x' = x - lr (a x + mu b') = (1 - lr a (1 + mu)) x - lr mu^2 b.
    # Dyadic lr, a, mu make the exact rational reference easy.
    lr, a, mu, steps = Fraction(1, 8), Fraction(3), Fraction(7, 8), 30
    if nesterov:
        matrix = [[1 - lr * a * (1 + mu), -lr * mu * mu], [a, mu]]
    else:
        matrix = [[1 - lr * a, -lr * mu], [a, mu]]
    x_exact, _ = _power(matrix, [Fraction(1), Fraction(0)], steps)
    x = Parameter(np.array([1.0]))
    opt = SGD([x], lr=float(lr), momentum=float(mu), nesterov=nesterov)
    for _ in range(steps):
        x.grad = float(a) * x.data
        opt.step()
    np.testing.assert_allclose(x.data[0], float(x_exact), rtol=1e-12)


@given(
    x=st.floats(-1e6, 1e6),
    g=st.floats(-1e6, 1e6),
    lr=st.floats(0.0, 10.0),
)
def test_plain_step_is_exactly_x_minus_lr_g(x: float, g: float, lr: float) -> None:
    w = Parameter(np.array([x]))
    w.grad = np.array([g])
    SGD([w], lr=lr).step()
    assert w.data[0] == x - lr * g


def test_default_learning_rate_is_torch_default() -> None:
    assert SGD([Parameter([0.0])]).defaults == {
        "lr": 1e-3,
        "momentum": 0,
        "dampening": 0,
        "weight_decay": 0,
        "nesterov": False,
        "maximize": False,
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"momentum": -0.5},
            r"SGD: momentum = -0.5 is out of range; expected a value in \[0, inf\)",
        ),
        ({"weight_decay": -1e-4}, r"SGD: weight_decay = -0.0001 is out of range"),
        ({"nesterov": True}, "nesterov=True needs momentum > 0 and dampening = 0; got momentum=0"),
        (
            {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
            "needs momentum > 0 and dampening = 0; got momentum=0.9, dampening=0.1",
        ),
        ({"lr": float("nan")}, "SGD: lr must be finite, got nan"),
        ({"dampening": float("inf")}, "SGD: dampening must be finite"),
    ],
)
def test_bad_hyperparameters_are_refused(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SGD([Parameter([0.0])], **options)


def test_learning_rate_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="SGD: lr must be a real number, got '0.1'"):
        SGD([Parameter([0.0])], lr="0.1")  # type: ignore[arg-type]
