r"""Overflow-free building blocks shared by activations and losses.

Each function works for any finite input in float32 and float64, keeps the
input's floating dtype, and emits no ``RuntimeWarning``. Callers validate
inputs first; these trust them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["log_sigmoid", "log_softmax", "logsumexp", "sigmoid", "softmax", "softplus"]

Array = NDArray[np.floating[Any]]


def sigmoid(x: Array) -> Array:
    r""":math:`\sigma(x) = 1/(1+e^{-x})`, evaluated so that ``exp`` never overflows.

    For :math:`x \ge 0` it uses :math:`1/(1+e^{-x})`; for :math:`x < 0` the
    equal form :math:`e^{x}/(1+e^{x})`. Either way the exponent is
    :math:`-|x| \le 0`.
    """
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z)).astype(x.dtype, copy=False)


def log_sigmoid(x: Array) -> Array:
    r""":math:`\log\sigma(x) = -\log(1+e^{-x}) = \min(x, 0) - \log(1 + e^{-|x|})`."""
    return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)


def softplus(x: Array) -> Array:
    r""":math:`\log(1+e^{x}) = \max(x, 0) + \log(1 + e^{-|x|})`."""
    return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)


def logsumexp(x: Array, axis: int, keepdims: bool = False) -> Array:
    r""":math:`\log\sum_j e^{x_j}` along ``axis``, shifted by the maximum.

    With :math:`m = \max_j x_j`, :math:`\log\sum_j e^{x_j} = m +
    \log\sum_j e^{x_j - m}`; every exponent is :math:`\le 0` and one is 0, so
    the sum lies in :math:`[1, n]`.
    """
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    result: Array = out if keepdims else np.squeeze(out, axis=axis)
    return result


def log_softmax(x: Array, axis: int) -> Array:
    r""":math:`x_i - \log\sum_j e^{x_j}` along ``axis`` (never ``log(softmax(x))``)."""
    result: Array = x - logsumexp(x, axis=axis, keepdims=True)
    return result


def softmax(x: Array, axis: int) -> Array:
    r""":math:`e^{x_i - m}/\sum_j e^{x_j - m}` with :math:`m = \max_j x_j`."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    result: Array = e / np.sum(e, axis=axis, keepdims=True)
    return result
