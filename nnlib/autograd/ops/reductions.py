r"""Reductions ``sum`` and ``mean``: each input element feeds one output element once.

For :math:`y = \sum_i x_i` every :math:`\partial y/\partial x_i = 1`, so
the gradient of the output is copied back (broadcast) to every element it
summed; the mean also divides by the number :math:`n` of elements summed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib.autograd.recording import record
from nnlib.autograd.tensor import Tensor

__all__ = ["mean", "normalize_dims", "sum"]

Array = NDArray[Any]


def normalize_dims(dim: int | Sequence[int] | None, ndim: int, owner: str) -> tuple[int, ...]:
    """``dim`` as a tuple of axes in ``[0, ndim)`` (all axes for None), or ``ValueError``."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    axes = []
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
            raise TypeError(f"{owner}: dim must be an int or a tuple of ints, got {dim!r}")
        low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
        if not low <= d <= high:
            raise ValueError(
                f"{owner}: dim = {d} is out of range for a tensor with {ndim} dimension"
                f"{'' if ndim == 1 else 's'}; expected an integer in [{low}, {high}]"
            )
        axes.append(int(d) % ndim if ndim else 0)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{owner}: dim = {dim!r} names a dimension twice; expected each once")
    return tuple(axes)


def _spread(grad: Array, shape: tuple[int, ...], axes: tuple[int, ...], keepdim: bool) -> Array:
    """The gradient of a reduction over ``axes``, copied back to the input ``shape``."""
    if not keepdim:
        grad = np.expand_dims(grad, axes)
    return np.broadcast_to(grad, shape)


def sum(a: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    r"""Sum over ``dim`` (int, tuple, or all if None): each element gets the output's gradient.

    ``keepdim=True`` keeps the summed dimensions with length 1.
    """
    x = a.data
    axes = normalize_dims(dim, x.ndim, "sum")
    if x.ndim == 0:
        axes = ()
    out = np.asarray(x.sum(axis=axes, keepdims=keepdim))
    return record("SumBackward0", out, (a,), (lambda grad: _spread(grad, x.shape, axes, keepdim),))


def mean(a: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    r"""Mean over ``dim``: each of the :math:`n` averaged elements gets :math:`g / n`."""
    x = a.data
    if x.dtype.kind != "f":
        raise TypeError(
            f"mean: the tensor has dtype {x.dtype}; expected a floating dtype (convert first)"
        )
    axes = normalize_dims(dim, x.ndim, "mean")
    if x.ndim == 0:
        axes = ()
    count = int(np.prod([x.shape[i] for i in axes]))
    out = np.asarray(x.mean(axis=axes, keepdims=keepdim))
    return record(
        "MeanBackward0",
        out,
        (a,),
        (lambda grad: _spread(grad / count, x.shape, axes, keepdim),),
    )
