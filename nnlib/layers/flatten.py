r"""``Flatten``: merge a range of dimensions into one; backward restores the shape."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import as_array, check_grad_output, check_int
from nnlib.module import Module

__all__ = ["Flatten"]

Array = NDArray[np.floating[Any]]


class Flatten(Module):
    r"""Reshape dimensions ``start_dim`` to ``end_dim`` (inclusive) into one.

    Parameters
    ----------
    start_dim : int, default 1
        First dimension to merge; negative values count from the end. The
        default keeps the batch dimension, so ``(N, C, H, W)`` becomes
        ``(N, C*H*W)``.
    end_dim : int, default -1
        Last dimension to merge.

    Notes
    -----
    Flattening only relabels elements (in C order, nothing moves in memory),
    so the Jacobian is the identity and the backward pass just reshapes
    :math:`\partial L/\partial y` back to the input's shape. A 0-d input
    counts as having one dimension and becomes shape ``(1,)``, as in PyTorch.

    Differences from PyTorch: an out-of-range dimension or ``start_dim``
    after ``end_dim`` raises ``ValueError`` (torch: ``IndexError`` /
    ``RuntimeError``).

    Examples
    --------
    >>> import numpy as np
    >>> flat = Flatten()
    >>> flat(np.zeros((2, 3, 4))).shape
    (2, 12)
    >>> flat.backward(np.ones((2, 12))).shape
    (2, 3, 4)
    """

    start_dim = Hyperparameter(check_int)
    end_dim = Hyperparameter(check_int)

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def _resolve(self, dim: int, name: str, ndim: int) -> int:
        rank = max(ndim, 1)
        if not -rank <= dim < rank:
            raise ValueError(
                f"Flatten: {name} = {dim} is out of range for an input with {ndim} "
                f"dimension{'s' if ndim != 1 else ''}; expected a dim in [{-rank}, {rank - 1}]"
            )
        return dim % rank

    def forward(self, input: ArrayLike) -> Array:
        """Return ``input`` with dimensions ``start_dim..end_dim`` merged."""
        x = as_array(input, "input", "Flatten")
        start = self._resolve(self.start_dim, "start_dim", x.ndim)
        end = self._resolve(self.end_dim, "end_dim", x.ndim)
        if start > end:
            raise ValueError(
                f"Flatten: start_dim = {self.start_dim} comes after end_dim = {self.end_dim} "
                f"for an input with {x.ndim} dimensions; expected start_dim <= end_dim"
            )
        shape = x.shape if x.ndim else (1,)
        merged = math.prod(shape[start : end + 1])
        out_shape = (*shape[:start], merged, *shape[end + 1 :])
        self.save_for_backward(x.shape, out_shape)
        return x.reshape(out_shape)

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Reshape :math:`\partial L/\partial y` back to the input's shape."""
        input_shape, output_shape = self.saved_for_backward()
        grad = check_grad_output(grad_output, output_shape, "Flatten")
        return grad.reshape(input_shape)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
