r"""``Tensor``: a NumPy array that remembers how it was computed.

A tensor holds its value in ``data`` (an ``ndarray``). If it was created
with ``requires_grad=True`` (a *leaf*), or computed from such a tensor, each
operation on it also records a :class:`~nnlib.autograd.graph.Node` in the
result's ``grad_fn``; ``backward()`` then walks these nodes back to the
leaves and fills their ``grad``. The operations themselves live in
:mod:`nnlib.autograd.ops`; this file holds the class and its operators.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib.autograd import engine
from nnlib.autograd.graph import Node

__all__ = ["Operand", "Tensor", "tensor"]

Array = NDArray[Any]


class Tensor:
    r"""An array with an optional gradient, recorded into a graph for ``backward``.

    Parameters
    ----------
    data : array_like or Tensor
        The value, copied. Python floats become float64 (not float32 as in
        PyTorch); floating arrays keep their dtype; integers and booleans
        keep theirs.
    requires_grad : bool, default False
        Record the operations on this tensor so that ``backward`` fills its
        ``grad``. Only floating tensors can require gradients.
    dtype : data-type, optional
        Convert to this dtype first.

    Attributes
    ----------
    data : numpy.ndarray
        The value. Optimizers update it in place.
    grad : numpy.ndarray or None
        :math:`\partial L/\partial\,\text{self}`, same shape and dtype as
        ``data``, filled by ``backward`` for leaves (it *adds*: call
        ``zero_grad`` between steps); None until then, and always None for
        non-leaf tensors unless :meth:`retain_grad` was called.
    requires_grad : bool
        Whether gradients flow to this tensor.
    grad_fn : Node or None
        The operation that produced this tensor; None for leaves.

    Raises
    ------
    RuntimeError
        If ``requires_grad`` is True for integer or boolean data.

    Notes
    -----
    Differences from PyTorch: the default floating dtype is float64; the
    gradients (``grad``, and what ``backward`` receives) are NumPy arrays,
    not tensors, so there are no higher derivatives; comparisons
    (``<``, ``==``, ...) return NumPy boolean arrays; there are no in-place
    operations on tensors (``data`` can be changed in place, unrecorded);
    shapes that do not broadcast raise ``ValueError`` (PyTorch:
    ``RuntimeError``).

    Examples
    --------
    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y
    tensor(14., grad_fn=<SumBackward0>)
    >>> y.backward()
    >>> x.grad
    array([2., 4., 6.])
    """

    __slots__ = ("__weakref__", "data", "grad", "grad_fn", "requires_grad")
    __array_ufunc__ = None  # ``ndarray * tensor`` calls ``Tensor.__rmul__``
    __hash__ = object.__hash__  # ``==`` compares values, so hash by identity

    def __init__(
        self, data: ArrayLike | Tensor, requires_grad: bool = False, dtype: DTypeLike | None = None
    ) -> None:
        if isinstance(data, Tensor):
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

    def detach(self) -> Tensor:
        """A new leaf sharing ``data``, with ``requires_grad=False``: a constant."""
        out = Tensor.__new__(Tensor)
        out.data, out.grad, out.grad_fn, out.requires_grad = self.data, None, None, False
        return out

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
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
        self, gradient: ArrayLike | Tensor | None = None, retain_graph: bool = False
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

    # -- operators: each is a function of nnlib.autograd.ops -------------------

    def __add__(self, other: Operand) -> Tensor:
        return ops.add(self, other)

    def __radd__(self, other: Operand) -> Tensor:
        return ops.add(other, self)

    def __sub__(self, other: Operand) -> Tensor:
        return ops.sub(self, other)

    def __rsub__(self, other: Operand) -> Tensor:
        return ops.sub(other, self)

    def __mul__(self, other: Operand) -> Tensor:
        return ops.mul(self, other)

    def __rmul__(self, other: Operand) -> Tensor:
        return ops.mul(other, self)

    def __truediv__(self, other: Operand) -> Tensor:
        return ops.div(self, other)

    def __rtruediv__(self, other: Operand) -> Tensor:
        return ops.div(other, self)

    def __neg__(self) -> Tensor:
        return ops.neg(self)

    def __pow__(self, exponent: float) -> Tensor:
        return ops.pow(self, exponent)

    def __matmul__(self, other: Operand) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Operand) -> Tensor:
        return ops.matmul(other, self)

    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index)

    # Comparisons compute no gradient: they return NumPy boolean arrays.
    def __lt__(self, other: Operand) -> Array:
        result: Array = np.less(self.data, _value(other))
        return result

    def __le__(self, other: Operand) -> Array:
        result: Array = np.less_equal(self.data, _value(other))
        return result

    def __gt__(self, other: Operand) -> Array:
        result: Array = np.greater(self.data, _value(other))
        return result

    def __ge__(self, other: Operand) -> Array:
        result: Array = np.greater_equal(self.data, _value(other))
        return result

    def __eq__(self, other: object) -> Any:
        return np.equal(self.data, _value(other))

    def __ne__(self, other: object) -> Any:
        return np.not_equal(self.data, _value(other))

    def __bool__(self) -> bool:
        return bool(self.data)

    # -- methods: each is a function of nnlib.autograd.ops ---------------------

    def sum(self, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
        """Sum over ``dim`` (all dimensions if None); see :func:`nnlib.autograd.ops.sum`."""
        return ops.sum(self, dim, keepdim)

    def mean(self, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
        """Mean over ``dim`` (all dimensions if None); see :func:`nnlib.autograd.ops.mean`."""
        return ops.mean(self, dim, keepdim)

    def exp(self) -> Tensor:
        """:math:`e^x`, element-wise."""
        return ops.exp(self)

    def log(self) -> Tensor:
        r""":math:`\ln x`, element-wise."""
        return ops.log(self)

    def sqrt(self) -> Tensor:
        r""":math:`\sqrt x`, element-wise."""
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        """:math:`|x|`, element-wise."""
        return ops.abs(self)

    def tanh(self) -> Tensor:
        r""":math:`\tanh x`, element-wise."""
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        r""":math:`\sigma(x) = 1/(1 + e^{-x})`, element-wise."""
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        r""":math:`\max(x, 0)`, element-wise."""
        return ops.relu(self)

    def clamp(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit each element to ``[min, max]``; see :func:`nnlib.autograd.ops.clamp`."""
        return ops.clamp(self, min, max)

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        """The same elements in a new shape (``reshape(2, 3)`` or ``reshape((2, 3))``)."""
        return ops.reshape(self, *shape)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap dimensions ``dim0`` and ``dim1``."""
        return ops.transpose(self, dim0, dim1)

    @property
    def T(self) -> Tensor:
        """The transpose of a matrix (a 0-d or 1-D tensor is returned as it is)."""
        return ops.transpose(self, 0, 1) if self.data.ndim == 2 else ops.t(self)


Operand = Tensor | float | int | NDArray[Any]
"""What an operator accepts on either side: a tensor, a Python number or an array."""


def _value(x: Any) -> Any:
    """The array inside a tensor, or ``x`` itself."""
    return x.data if isinstance(x, Tensor) else x


def tensor(
    data: ArrayLike | Tensor, requires_grad: bool = False, dtype: DTypeLike | None = None
) -> Tensor:
    r"""Create a tensor holding a copy of ``data`` (PyTorch's ``torch.tensor``).

    Parameters
    ----------
    data : array_like or Tensor
        Numbers, nested lists, or an array. Python floats become float64;
        integers stay integers.
    requires_grad : bool, default False
        Make it a leaf whose gradient ``backward`` computes (floating only).
    dtype : data-type, optional
        Convert to this dtype (e.g. ``np.float32``).

    Returns
    -------
    Tensor

    Raises
    ------
    RuntimeError
        If ``requires_grad`` is True for integer or boolean data.

    Examples
    --------
    >>> tensor([[1.0, 2.0]], requires_grad=True)
    tensor([[1., 2.]], requires_grad=True)
    >>> tensor([1, 2])
    tensor([1, 2])
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


from nnlib.autograd import ops  # noqa: E402 (the operations need Tensor defined first)
