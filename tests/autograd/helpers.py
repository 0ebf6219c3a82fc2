"""Central differences for functions of tensors, shared by the autograd tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nnlib.autograd import Tensor, no_grad, tensor
from tests.conftest import FD_ATOL, FD_H, FD_RTOL


def numerical_gradients(
    f: Callable[..., Tensor], arrays: list[np.ndarray], weights: np.ndarray, h: float = FD_H
) -> list[np.ndarray]:
    """Central differences of ``sum(f(*arrays) * weights)`` with respect to each array."""

    def objective(values: list[np.ndarray]) -> float:
        with no_grad():
            out = f(*(tensor(v) for v in values))
        return float(np.sum(out.data * weights))

    grads = []
    for k, array in enumerate(arrays):
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[k][index] += h
            minus[k][index] -= h
            grad[index] = (objective(plus) - objective(minus)) / (2 * h)
        grads.append(grad)
    return grads


def analytic_gradients(
    f: Callable[..., Tensor], arrays: list[np.ndarray], weights: np.ndarray
) -> tuple[Tensor, list[Any]]:
    """The output of ``f`` and the gradients ``backward(weights)`` puts into each input."""
    inputs = [tensor(a, requires_grad=True) for a in arrays]
    out = f(*inputs)
    out.backward(weights)
    return out, [x.grad for x in inputs]


def check_gradients(
    f: Callable[..., Tensor], *arrays: np.ndarray, rng: int = 0
) -> list[np.ndarray]:
    """Assert backward equals central differences; return the analytic gradients."""
    arrays_list = [np.asarray(a, dtype=np.float64) for a in arrays]
    with no_grad():
        shape = f(*(tensor(a) for a in arrays_list)).shape
    weights = np.random.default_rng(rng).standard_normal(shape)
    _, analytic = analytic_gradients(f, arrays_list, weights)
    numeric = numerical_gradients(f, arrays_list, weights)
    for a, n in zip(analytic, numeric, strict=True):
        assert a is not None
        assert a.shape == n.shape
        np.testing.assert_allclose(a, n, rtol=FD_RTOL, atol=FD_ATOL)
    return analytic
