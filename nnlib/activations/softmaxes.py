r"""Softmax and log-softmax: turning a vector of scores into probabilities.

Derived, plotted and verified in the chapter *Activation functions*.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnlib import _numerics
from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import as_array, check_grad_output, check_int
from nnlib.activations._base import Array
from nnlib.module import Module

__all__ = ["LogSoftmax", "Softmax", "log_softmax", "softmax"]


def _axis(dim: int, ndim: int, owner: str) -> int:
    """Turn ``dim`` (negative counts from the end) into an axis of an ``ndim`` input."""
    if ndim == 0:
        raise ValueError(
            f"{owner}: input is 0-dimensional; expected an array with at least one "
            "dimension to normalise over"
        )
    if not -ndim <= dim < ndim:
        raise ValueError(
            f"{owner}: dim = {dim} is out of range for an input with {ndim} "
            f"dimension{'s' if ndim > 1 else ''}; expected an integer in [{-ndim}, {ndim - 1}]"
        )
    return dim % ndim


def _prepare(input: ArrayLike, dim: int, owner: str) -> tuple[Array, int]:
    x = as_array(input, "input", owner)
    return x, _axis(dim, x.ndim, owner)


def _softmax(x: Array, axis: int) -> Array:
    return x.copy() if x.size == 0 else _numerics.softmax(x, axis=axis)


def _log_softmax(x: Array, axis: int) -> Array:
    return x.copy() if x.size == 0 else _numerics.log_softmax(x, axis=axis)


class Softmax(Module):
    r"""Softmax along one dimension: positive numbers that sum to 1.

    Parameters
    ----------
    dim : int, default -1
        The dimension along which the outputs sum to 1; negative values count
        from the end. Checked against the input's ``ndim`` in ``forward``.

    Shape: any with at least one dimension, e.g. ``(N, C)`` with ``dim=-1``;
    the output has the input's shape and floating dtype.

    Notes
    -----
    .. math:: p_i = \operatorname{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}},

              \frac{\partial p_i}{\partial x_j} = p_i(\delta_{ij} - p_j),

    i.e. the Jacobian is :math:`\operatorname{diag}(p) - p p^\top`. The backward
    pass never forms it: :math:`\partial L/\partial x = p \odot (g - \langle g,
    p\rangle)` with :math:`g = \partial L/\partial p`. The exponentials are
    taken of :math:`x_i - \max_j x_j \le 0`, which changes nothing (softmax is
    shift-invariant) but cannot overflow [1]_.

    Differences from PyTorch: ``dim`` defaults to -1, the last dimension;
    PyTorch's default ``dim=None`` picks a dimension by a legacy rule (0 for
    0-, 1- and 3-dimensional inputs, else 1) with a deprecation warning. No
    ``dtype`` argument. A 0-dimensional input raises ``ValueError``, and an
    out-of-range ``dim`` raises ``ValueError`` (PyTorch: IndexError).

    References
    ----------
    .. [1] Bridle (1990), Probabilistic interpretation of feedforward
       classification network outputs; see also Goodfellow, Bengio &
       Courville (2016), Deep Learning, section 6.2.2.3.

    Examples
    --------
    >>> import numpy as np
    >>> act = Softmax(dim=-1)
    >>> act(np.array([[1000.0, 1000.0, -1000.0]]))
    array([[0.5, 0.5, 0. ]])
    >>> act(np.array([[0.0, 0.0]]))
    array([[0.5, 0.5]])
    >>> act.backward(np.array([[1.0, 0.0]]))
    array([[ 0.25, -0.25]])
    """

    dim = Hyperparameter(check_int)

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"

    def forward(self, input: ArrayLike) -> Array:
        """Return the softmax of ``input`` along ``dim``; save it for backward."""
        x, axis = _prepare(input, self.dim, "Softmax")
        p = _softmax(x, axis)
        self.save_for_backward(p, axis)
        return p

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Return :math:`p \odot (g - \sum_j g_j p_j)` along ``dim``."""
        p, axis = self.saved_for_backward()
        grad = check_grad_output(grad_output, p.shape, "Softmax")
        result: Array = p * (grad - np.sum(grad * p, axis=axis, keepdims=True))
        return result


class LogSoftmax(Module):
    r"""Logarithm of the softmax along one dimension, computed without ``log(softmax)``.

    Parameters
    ----------
    dim : int, default -1
        The dimension to normalise over; negative values count from the end.

    Shape: any with at least one dimension; the output has the input's shape
    and floating dtype.

    Notes
    -----
    .. math:: \operatorname{log\_softmax}(x)_i = x_i - \log\sum_j e^{x_j},

              \frac{\partial\, \operatorname{log\_softmax}(x)_i}{\partial x_j}
              = \delta_{ij} - p_j,

    with :math:`p = \operatorname{softmax}(x)`, so
    :math:`\partial L/\partial x = g - p \sum_j g_j`. It is evaluated as
    :math:`(x_i - m) - \log\sum_j e^{x_j - m}` with :math:`m = \max_j x_j`:
    no exponential overflows, and ``log_softmax([0, -1000])`` is
    ``[0, -1000]`` where ``log(softmax(...))`` would give ``log(0) = -inf``.

    Differences from PyTorch: as for :class:`Softmax` (``dim`` defaults to -1,
    no ``dtype``, 0-dimensional input and out-of-range ``dim`` raise
    ``ValueError``).

    References
    ----------
    .. [1] Goodfellow, Bengio & Courville (2016), Deep Learning, MIT Press,
       section 6.2.2.3.

    Examples
    --------
    >>> import numpy as np
    >>> act = LogSoftmax(dim=1)
    >>> act(np.array([[0.0, -1000.0]]))
    array([[    0., -1000.]])
    >>> act.backward(np.array([[1.0, 1.0]]))
    array([[-1.,  1.]])
    """

    dim = Hyperparameter(check_int)

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"

    def forward(self, input: ArrayLike) -> Array:
        """Return the log-softmax of ``input`` along ``dim``; save it for backward."""
        x, axis = _prepare(input, self.dim, "LogSoftmax")
        log_probs = _log_softmax(x, axis)
        self.save_for_backward(log_probs, axis)
        return log_probs

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Return :math:`g - \operatorname{softmax}(x) \sum_j g_j` along ``dim``."""
        log_probs, axis = self.saved_for_backward()
        grad = check_grad_output(grad_output, log_probs.shape, "LogSoftmax")
        total = np.sum(grad, axis=axis, keepdims=True)
        result: Array = grad - np.exp(log_probs) * total
        return result


def softmax(input: ArrayLike, dim: int) -> Array:
    r"""Softmax of ``input`` along ``dim``; see :class:`Softmax`.

    Parameters
    ----------
    input : array_like, at least 1-dimensional
        Finite real scores.
    dim : int
        The dimension along which the result sums to 1 (required; PyTorch
        allows omitting it, with a deprecation warning).

    Returns
    -------
    numpy.ndarray
        Same shape; float32 stays float32, anything else becomes float64.

    Raises
    ------
    TypeError
        If ``input`` is not real-valued numeric or ``dim`` is not an integer.
    ValueError
        If ``input`` holds NaN or infinity, or ``dim`` is out of range.

    Examples
    --------
    >>> softmax([[0.0, 0.0], [0.0, 1000.0]], dim=1)
    array([[0.5, 0.5],
           [0. , 1. ]])
    """
    dim = Softmax.dim.validate(dim, "softmax")
    return _softmax(*_prepare(input, dim, "softmax"))


def log_softmax(input: ArrayLike, dim: int) -> Array:
    r"""Log-softmax of ``input`` along ``dim``, computed stably; see :class:`LogSoftmax`.

    Parameters
    ----------
    input : array_like, at least 1-dimensional
        Finite real scores.
    dim : int
        The dimension to normalise over (required).

    Returns
    -------
    numpy.ndarray
        Same shape; float32 stays float32, anything else becomes float64.

    Raises
    ------
    TypeError
        If ``input`` is not real-valued numeric or ``dim`` is not an integer.
    ValueError
        If ``input`` holds NaN or infinity, or ``dim`` is out of range.

    Examples
    --------
    >>> log_softmax([0.0, -1000.0], dim=0)
    array([    0., -1000.])
    """
    dim = LogSoftmax.dim.validate(dim, "log_softmax")
    return _log_softmax(*_prepare(input, dim, "log_softmax"))
