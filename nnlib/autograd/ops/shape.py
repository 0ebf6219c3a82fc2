r"""Operations that move elements without changing them: reshape, transpose, indexing.

Each output element *is* one input element, so the gradient goes back to
where the element came from: reshaped back, transposed back, or added at
the indexed positions (an element picked twice gets both gradients).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib.autograd.ops.reductions import normalize_dims
from nnlib.autograd.recording import record
from nnlib.autograd.tensor import Tensor

__all__ = ["getitem", "reshape", "t", "transpose"]

Array = NDArray[Any]


def reshape(a: Tensor, *shape: int | Sequence[int]) -> Tensor:
    """The elements in a new shape (one dimension may be -1); the gradient is reshaped back."""
    dims = tuple(shape[0]) if len(shape) == 1 and not isinstance(shape[0], int) else shape
    x = a.data
    try:
        out = x.reshape(dims)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) into "
            f"shape {dims}; expected a shape with as many elements"
        ) from None
    return record("ViewBackward0", out, (a,), (lambda grad: grad.reshape(x.shape),))


def transpose(a: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap dimensions ``dim0`` and ``dim1``; the gradient is swapped back."""
    x = a.data
    d0, d1 = normalize_dims((dim0, dim1), x.ndim, "transpose") if dim0 != dim1 else (0, 0)
    if dim0 == dim1:
        normalize_dims(dim0, x.ndim, "transpose")
    return record(
        "TransposeBackward0",
        np.swapaxes(x, d0, d1),
        (a,),
        (lambda grad: np.swapaxes(grad, d0, d1),),
    )


def t(a: Tensor) -> Tensor:
    """``a.T`` for a 0-d or 1-D tensor: the same elements (PyTorch returns them unchanged)."""
    if a.data.ndim > 2:
        raise ValueError(
            f"T: the tensor has {a.data.ndim} dimensions, shape {a.data.shape}; expected at "
            "most 2 (use transpose(dim0, dim1))"
        )
    return record("TBackward0", a.data.view(), (a,), (lambda grad: grad,))


def _plain(index: Any) -> Any:
    """``index`` with tensors replaced by their arrays (inside tuples too)."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


def _is_basic(index: Any) -> bool:
    """True if ``index`` uses only ints, slices, ``None`` and ``...``: no element twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer)) for i in parts
    )


def getitem(a: Tensor, index: Any) -> Tensor:
    """``a[index]`` with ints, slices and integer (or boolean) arrays.

    The gradient is zero except at the picked positions; with an integer
    array, a position picked several times receives the sum of its
    gradients (``numpy.add.at``), as PyTorch does.
    """
    x = a.data
    index = _plain(index)
    try:
        out = x[index]
    except IndexError as error:
        raise IndexError(
            f"getitem: index {index!r} on a tensor of shape {x.shape}: {error}"
        ) from None
    basic = _is_basic(index)

    def vjp(grad: Array) -> Array:
        full = np.zeros(x.shape, dtype=grad.dtype)
        if basic:  # each position at most once: assignment is enough
            full[index] = grad
        else:
            np.add.at(full, index, grad)
        return full

    return record("IndexBackward0", out, (a,), (vjp,))
