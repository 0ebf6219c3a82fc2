r"""Gradient clipping: rescale all gradients to a maximum norm, or clamp each value."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib._validation import check_bool, check_number
from nnlib.autograd import Tensor
from nnlib.parameter import Parameter

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


Param = Parameter | Tensor
"""What can be clipped: an ``nnlib.Parameter`` or an autograd tensor (its ``.grad``)."""


def _grads(parameters: Param | Iterable[Param], owner: str) -> list[NDArray[Any]]:
    """The gradients that are not None of one parameter or an iterable of them."""
    if isinstance(parameters, (Parameter, Tensor)):
        parameters = [parameters]
    elif not isinstance(parameters, Iterable):
        raise TypeError(
            f"{owner}: parameters is a {type(parameters).__name__}; expected a Parameter, "
            "a Tensor or an iterable of them (e.g. model.parameters())"
        )
    grads = []
    for position, param in enumerate(parameters):
        if not isinstance(param, (Parameter, Tensor)):
            raise TypeError(
                f"{owner}: parameters[{position}] is a {type(param).__name__}; "
                "expected a Parameter or a Tensor"
            )
        if param.grad is not None:
            grads.append(param.grad)
    return grads


def _norm(values: NDArray[Any], norm_type: float) -> float:
    r""":math:`\|v\|_p`, scaled by :math:`\max |v|` so that it neither overflows nor underflows."""
    if values.size == 0:
        return 0.0
    largest = float(np.max(np.abs(values)))
    if norm_type == math.inf or largest == 0.0 or not math.isfinite(largest):
        return largest
    scaled = np.abs(values) / largest
    if norm_type == 2.0:
        return largest * math.sqrt(float(np.dot(scaled.ravel(), scaled.ravel())))
    total: float = float(np.sum(scaled**norm_type)) ** (1.0 / norm_type)
    return largest * total


def _check_norm_type(value: Any, owner: str) -> float:
    """``norm_type``: a number > 0, or infinity (``math.inf``, ``float('inf')``)."""
    if isinstance(value, (float, np.floating)) and value == math.inf:
        return math.inf
    return check_number(value, "norm_type", owner, low=0.0, low_inclusive=False)


def _check_foreach(foreach: Any, owner: str) -> None:
    if foreach is not None:
        check_bool(foreach, "foreach", owner)


def clip_grad_norm_(
    parameters: Param | Iterable[Param],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> np.float64:
    r"""Scale all gradients together so that their joint norm is at most ``max_norm``.

    Parameters
    ----------
    parameters : Parameter or Tensor, or an iterable of them
        Whose ``.grad`` to clip, in place (an :mod:`nnlib.autograd` tensor
        works like a ``Parameter``); those whose ``grad`` is None are skipped.
    max_norm : float
        The largest norm allowed; finite and >= 0.
    norm_type : float, default 2.0
        :math:`p` of the :math:`p`-norm, > 0, or ``math.inf`` (the largest
        absolute value).
    error_if_nonfinite : bool, default False
        Raise ``RuntimeError`` if the total norm is NaN or infinite, instead
        of scaling by it (which fills the gradients with NaN).
    foreach : bool or None, default None
        Accepted for compatibility with PyTorch and ignored: NumPy has one
        code path.

    Returns
    -------
    numpy.float64
        The total norm of the gradients **before** clipping (0.0 if no
        parameter has a gradient).

    Raises
    ------
    TypeError
        If ``parameters`` holds something other than Parameters and Tensors.
    ValueError
        If ``max_norm`` is negative or not finite, or ``norm_type`` is not
        > 0.
    RuntimeError
        If ``error_if_nonfinite`` and the total norm is not finite.

    Notes
    -----
    All gradients are treated as one long vector :math:`g`:

    .. math:: \|g\|_p = \Big(\sum_k \|g_k\|_p^p\Big)^{1/p},

              g \leftarrow g \cdot \min\Big(1, \frac{\text{max\_norm}}
              {\|g\|_p + 10^{-6}}\Big),

    as PyTorch computes it (the :math:`10^{-6}` keeps the division finite).
    So the direction of the update is kept and only its length is limited,
    which keeps one exploding batch from throwing the weights far away [1]_.
    Each norm here is computed relative to the largest gradient entry, so
    gradients of :math:`10^{200}` or :math:`10^{-200}` give their true norm
    (PyTorch's float64 sum of squares overflows or underflows there).

    Differences from PyTorch: the total norm is returned as a NumPy
    ``float64`` scalar, not a tensor; ``foreach`` is ignored; a negative
    ``max_norm`` and ``norm_type <= 0`` raise ``ValueError``.

    References
    ----------
    .. [1] Pascanu, Mikolov & Bengio (2013), On the difficulty of training
       recurrent neural networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Parameter
    >>> p = Parameter(np.zeros(2))
    >>> p.grad = np.array([3.0, 4.0])
    >>> float(clip_grad_norm_([p], max_norm=1.0))
    5.0
    >>> p.grad.round(6)
    array([0.6, 0.8])
    """
    owner = "clip_grad_norm_"
    max_norm = check_number(max_norm, "max_norm", owner, low=0.0)
    norm_type = _check_norm_type(norm_type, owner)
    error_if_nonfinite = check_bool(error_if_nonfinite, "error_if_nonfinite", owner)
    _check_foreach(foreach, owner)
    grads = _grads(parameters, owner)
    if not grads:
        return np.float64(0.0)
    norms = np.array([_norm(grad, norm_type) for grad in grads])
    total = _norm(norms, norm_type) if np.isfinite(norms).all() else float(np.sum(norms))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"{owner}: the total norm of order {norm_type} of the gradients is {total}, so "
            "they cannot be clipped; to scale them by the non-finite norm anyway, set "
            "error_if_nonfinite=False"
        )
    scale = min(1.0, max_norm / (total + 1e-6))
    with np.errstate(invalid="ignore"):  # a non-finite total: NaN gradients, as PyTorch
        for grad in grads:
            grad *= grad.dtype.type(scale)
    return np.float64(total)


def clip_grad_value_(
    parameters: Param | Iterable[Param], clip_value: float, foreach: bool | None = None
) -> None:
    r"""Clamp every gradient entry to :math:`[-c, c]`, in place, with :math:`c` = ``clip_value``.

    Parameters
    ----------
    parameters : Parameter or Tensor, or an iterable of them
        Whose ``.grad`` to clip; those whose ``grad`` is None are skipped.
    clip_value : float
        :math:`c`, finite and >= 0.
    foreach : bool or None, default None
        Accepted for compatibility with PyTorch and ignored.

    Raises
    ------
    TypeError
        If ``parameters`` holds something other than Parameters and Tensors.
    ValueError
        If ``clip_value`` is negative or not finite.

    Notes
    -----
    :math:`g_i \leftarrow \min(\max(g_i, -c), c)` for each entry separately,
    which, unlike :func:`clip_grad_norm_`, can change the direction of the
    gradient.

    Differences from PyTorch: a negative ``clip_value`` raises
    ``ValueError``.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Parameter
    >>> p = Parameter(np.zeros(3))
    >>> p.grad = np.array([-5.0, 0.5, 2.0])
    >>> clip_grad_value_(p, 1.0)
    >>> p.grad
    array([-1. ,  0.5,  1. ])
    """
    owner = "clip_grad_value_"
    clip_value = check_number(clip_value, "clip_value", owner, low=0.0)
    _check_foreach(foreach, owner)
    for grad in _grads(parameters, owner):
        np.clip(grad, -clip_value, clip_value, out=grad)
