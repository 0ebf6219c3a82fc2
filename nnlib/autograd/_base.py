"""What a tensor *is*: its value, its gradient, the node that made it, and ``backward``.

:class:`nnlib.autograd.Tensor` adds the operators (``+``, ``@``, ``sum``, ...)
to this base; each of them is a function of :mod:`nnlib.autograd.ops`.
"""

from __future__ import annotations

import weakref
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib.autograd import engine
from nnlib.autograd.graph import Node

__all__ = ["TensorBase"]

Array = NDArray[Any]


class TensorBase:
    """The state of a tensor and what does not depend on the operations; see ``Tensor``."""

    __slots__ = ("__weakref__", "data", "grad", "grad_fn", "requires_grad")
    __array_ufunc__ = None  # ``ndarray * tensor`` calls ``Tensor.__rmul__``

    def __init__(
        self,
        data: ArrayLike | TensorBase,
        requires_grad: bool = False,
        dtype: DTypeLike | None = None,
    ) -> None:
        if isinstance(data, TensorBase):
            data = data.data
        array = np.array(data, dtype=dtype, copy=True)
        if array.dtype.kind not in "fiub":
            raise TypeError(
                f"tensor: data of dtype {array.dtype} is not supported; expected real numbers"
            )
        if requires_grad and array.dtype.kind != "f":
            raise RuntimeError(
                "Only Tensors of floating point dtype can require gradients; got dtype "
                f"{array.dtype}: pass floats, or dtype=float64"
            )
        self.data: Array = array
        self.grad: Array | None = None
        self.requires_grad = bool(requires_grad)
        self.grad_fn: Node | None = None

    # -- what a tensor is ----------------------------------------------------

    @property
    def is_leaf(self) -> bool:
        """True for tensors not computed by a recorded operation (``grad_fn`` is None)."""
        return self.grad_fn is None

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of ``data``."""
        return self.data.shape

    @property
    def dtype(self) -> np.dtype[Any]:
        """dtype of ``data``."""
        return self.data.dtype

    @property
    def ndim(self) -> int:
        """Number of dimensions of ``data``."""
        return self.data.ndim

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item: the tensor has {self.data.size} elements, shape {self.data.shape}; "
                "expected exactly one"
            )
        return self.data.item()

    def numpy(self) -> Array:
        """The ``data`` array itself (shared memory); refused while gradients are recorded."""
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead (or .data)"
            )
        return self.data

    def detach(self) -> Self:
        """A new leaf sharing ``data``, with ``requires_grad=False``: a constant."""
        out = type(self).__new__(type(self))
        out.data, out.grad, out.grad_fn, out.requires_grad = self.data, None, None, False
        return out

    def requires_grad_(self, requires_grad: bool = True) -> Self:
        """Set ``requires_grad`` of a leaf in place; return the tensor."""
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "requires_grad_: you can only change requires_grad flags of leaf variables; "
                "use detach() for a constant copy of a computed tensor"
            )
        if requires_grad and self.data.dtype.kind != "f":
            raise RuntimeError(
                "Only Tensors of floating point dtype can require gradients; got dtype "
                f"{self.data.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep ``grad`` for this non-leaf tensor too at the next ``backward``."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retained = weakref.ref(self)

    def backward(
        self, gradient: ArrayLike | TensorBase | None = None, retain_graph: bool = False
    ) -> None:
        r"""Add the gradient of this tensor with respect to each leaf into the leaf's ``grad``.

        Parameters
        ----------
        gradient : array_like or Tensor, optional
            :math:`v`, of this tensor's shape: the leaves receive
            :math:`\partial (v \cdot y) / \partial x`. Needed unless this
            tensor has one element (then :math:`v = 1`).
        retain_graph : bool, default False
            Keep the graph (and the arrays it saved) for another backward
            pass; by default it is freed, and a second pass raises.

        Raises
        ------
        RuntimeError
            If this tensor does not require grad, has several elements and no
            ``gradient``, ``gradient`` has the wrong shape, or the graph was
            freed by an earlier backward pass.
        """
        engine.backward(self, gradient, retain_graph)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.data.dtype not in (np.float64, np.int64, np.bool_):
            extras.append(f"dtype={self.data.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"tensor({', '.join([body, *extras])})"
