r"""Overflow-free building blocks shared by activations and losses.

Each function works for any finite input in float32 and float64, keeps the
input's floating dtype, and emits no ``RuntimeWarning``. Callers validate
inputs first; these trust them and take NumPy arrays (reductions use the
array methods, ``x.max(...)``, which skip the dispatch of ``np.max``).
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


def _shift(x: Array, axis: int) -> Array:
    r""":math:`x - \max_j x_j` along ``axis``; every entry is :math:`\le 0`.

    Only inputs spanning more than the float range (e.g. ``[-1e308, 1e308]``)
    overflow here; the difference then rounds to :math:`-\infty`, whose
    exponential, 0, is the correctly rounded result, so the overflow is
    expected and not reported.
    """
    with np.errstate(over="ignore"):
        shifted: Array = x - x.max(axis=axis, keepdims=True)
    return shifted


def logsumexp(x: Array, axis: int, keepdims: bool = False) -> Array:
    r""":math:`\log\sum_j e^{x_j}` along ``axis``, shifted by the maximum.

    With :math:`m = \max_j x_j`, :math:`\log\sum_j e^{x_j} = m +
    \log\sum_j e^{x_j - m}`; every exponent is :math:`\le 0` and one is 0, so
    the sum lies in :math:`[1, n]`.
    """
    m = x.max(axis=axis, keepdims=True)
    out = m + np.log(np.exp(_shift(x, axis)).sum(axis=axis, keepdims=True))
    result: Array = out if keepdims else np.squeeze(out, axis=axis)
    return result


def log_softmax(x: Array, axis: int) -> Array:
    r""":math:`(x_i - m) - \log\sum_j e^{x_j - m}` along ``axis`` (never ``log(softmax(x))``).

    Subtracting :math:`m = \max_j x_j` *before* adding the log-sum keeps the
    small term exact: :math:`x_i - (m + \log s)` would round :math:`m +
    \log s` at the scale of :math:`m`, an error of one unit in the last place
    of :math:`m` (about :math:`2\times10^{-12}` at :math:`m = 10^4`).
    """
    shifted = _shift(x, axis)
    result: Array = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return result


def softmax(x: Array, axis: int) -> Array:
    r""":math:`e^{x_i - m}/\sum_j e^{x_j - m}` with :math:`m = \max_j x_j`."""
    e = np.exp(_shift(x, axis))
    result: Array = e / e.sum(axis=axis, keepdims=True)
    return result
