r"""The recorded graph: one ``Node`` per operation, pointing back at its inputs.

Every operation on tensors that require gradients computes its output
*and* records how to send a gradient back through it. If the operation was
:math:`y = f(x_1, \dots, x_k)`, the chain rule gives, for a scalar loss
:math:`L` downstream,

.. math:: \frac{\partial L}{\partial x_i} =
          \frac{\partial L}{\partial y}\,\frac{\partial y}{\partial x_i},

the gradient of the output times the Jacobian of the operation: a
*vector-Jacobian product* (VJP). A node stores one VJP per input, as a small
function of :math:`\partial L / \partial y`. It never forms the Jacobian
itself: for :math:`y = x_1 \odot x_2` the VJP for :math:`x_1` is just
``grad_output * x2``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from nnlib.autograd._base import TensorBase as Tensor

__all__ = ["FREED", "VJP", "Node"]

Array = NDArray[Any]
VJP = Callable[[Array], Array]
"""Maps the gradient of an operation's output to the gradient of one of its inputs."""

FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward(). Specify retain_graph=True if you need to backward through "
    "the graph a second time."
)


class Node:
    r"""One recorded operation: what ``grad_fn`` of its output holds.

    Parameters
    ----------
    name : str
        PyTorch's name for the backward of the operation (``"MulBackward0"``).
    inputs : sequence of Tensor or None
        The operands, with None for those that need no gradient (constants,
        Python numbers, tensors with ``requires_grad=False``).
    vjps : sequence of callable or None
        ``vjps[i](grad_output)`` returns :math:`\partial L/\partial x_i`
        given :math:`\partial L/\partial y`; called only where ``inputs[i]``
        is not None.

    Attributes
    ----------
    inputs : tuple of Tensor or None, or None
        None once the node has been freed by a backward pass without
        ``retain_graph``: its VJPs, and the arrays they kept, are gone.
    """

    __slots__ = ("inputs", "name", "retained", "vjps")

    def __init__(
        self, name: str, inputs: Sequence[Tensor | None], vjps: Sequence[VJP | None]
    ) -> None:
        self.name = name
        self.inputs: tuple[Tensor | None, ...] | None = tuple(inputs)
        self.vjps: Sequence[VJP | None] | None = vjps
        self.retained: weakref.ref[Tensor] | None = None  # the output, if it retains its grad

    def parents(self) -> list[Node]:
        """The nodes that produced this node's inputs (leaves and constants have none)."""
        if self.inputs is None:
            return []
        return [x.grad_fn for x in self.inputs if x is not None and x.grad_fn is not None]

    def backward(self, grad_output: Array) -> list[Array | None]:
        r""":math:`\partial L/\partial x_i` for each input, None where none is needed."""
        if self.inputs is None or self.vjps is None:  # released by an earlier backward
            raise RuntimeError(FREED)
        return [
            None if x is None or vjp is None else vjp(grad_output)
            for x, vjp in zip(self.inputs, self.vjps, strict=True)
        ]

    def release(self) -> None:
        """Forget the inputs and the VJPs (with the arrays they saved)."""
        self.inputs = None
        self.vjps = None

    @property
    def next_functions(self) -> tuple[tuple[Node | None, int], ...]:
        """``(input's grad_fn, 0)`` per input, as in PyTorch (None for leaves and constants)."""
        return tuple((None if x is None else x.grad_fn, 0) for x in (self.inputs or ()))

    def __repr__(self) -> str:
        return f"<{self.name}>"


def check_gradient_shape(grad: Any, shape: tuple[int, ...], what: str) -> Array:
    """``grad`` as an array of ``shape``, or ``RuntimeError`` naming ``what`` produced it."""
    array = np.asarray(grad)
    if array.shape != shape:
        raise RuntimeError(
            f"{what} has shape {array.shape}; expected the shape {shape} of the tensor it "
            "is the gradient of"
        )
    return array
