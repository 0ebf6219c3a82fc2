r"""``Tensor``: a NumPy array that remembers how it was computed.

A tensor holds its value in ``data`` (an ``ndarray``). If it was created
with ``requires_grad=True`` (a *leaf*), or computed from such a tensor, each
operation on it also records a :class:`~nnlib.autograd.graph.Node` in the
result's ``grad_fn``; ``backward()`` then walks these nodes back to the
leaves and fills their ``grad``. The value, the gradient and ``backward``
are in :class:`~nnlib.autograd._base.TensorBase`; this file gives the
class its operators, each a function of :mod:`nnlib.autograd.ops`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib.autograd._base import TensorBase

__all__ = ["Operand", "Tensor", "tensor"]

Array = NDArray[Any]


class Tensor(TensorBase):
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
    ``RuntimeError``). As in PyTorch, values are not checked for NaN or
    infinity, and infinities arise where PyTorch's do (``log(0)``, the
    gradient of ``sqrt`` at 0); the formulas never turn finite values into
    NaN where PyTorch's stay finite (``x ** 0`` has gradient 0 at 0,
    saturated ``tanh`` and ``sigmoid`` keep their small gradients).

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

    __slots__ = ()
    __hash__ = object.__hash__  # ``==`` compares values, so hash by identity

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
