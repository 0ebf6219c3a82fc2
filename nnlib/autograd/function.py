r"""``Function``: a new differentiable operation with a hand-written backward, as in PyTorch.

Subclass it with two static methods: ``forward(ctx, *args)`` computes the
result from the inputs, and ``backward(ctx, grad_output)`` returns, for
each input, the gradient of the loss with respect to it (the
vector-Jacobian product). ``ctx`` carries what backward needs from forward.
Call the operation as ``MyFunction.apply(*args)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib.autograd import grad_mode
from nnlib.autograd.graph import FREED, Node, check_gradient_shape
from nnlib.autograd.tensor import Tensor

__all__ = ["Function", "FunctionCtx"]

Array = NDArray[Any]


class FunctionCtx:
    """What ``forward`` leaves for ``backward``: saved tensors and any attribute.

    Attributes
    ----------
    needs_input_grad : tuple of bool
        Per argument of ``forward``: True if it is a tensor that requires grad,
        so ``backward`` may skip (return None for) the others.
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self._saved: tuple[Any, ...] | None = ()

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for ``backward``; read them back as ``saved_tensors``."""
        self._saved = tensors

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The tensors given to :meth:`save_for_backward`, in order."""
        if self._saved is None:
            raise RuntimeError(FREED)
        return self._saved


class _FunctionNode(Node):
    """The node of a custom Function: calls its ``backward`` and checks what it returns."""

    __slots__ = ("ctx", "function", "shapes")

    def __init__(
        self, function: type[Function], ctx: FunctionCtx, inputs: Sequence[Tensor | None],
        shapes: list[tuple[int, ...] | None],
    ) -> None:  # fmt: skip
        super().__init__(f"{function.__name__}Backward", inputs, ())
        self.function, self.ctx, self.shapes = function, ctx, shapes

    def backward(self, grad_output: Array) -> list[Array | None]:
        if self.inputs is None:
            raise RuntimeError(FREED)
        name = self.function.__name__
        with grad_mode.no_grad():
            grads = self.function.backward(self.ctx, _constant(grad_output))
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(self.inputs):
            raise RuntimeError(
                f"function {name}Backward returned an incorrect number of gradients "
                f"(expected {len(self.inputs)}, got {len(grads)}): one per argument of forward"
            )
        result: list[Array | None] = []
        for i, (x, grad, shape) in enumerate(zip(self.inputs, grads, self.shapes, strict=True)):
            if x is None or grad is None or shape is None:
                result.append(None)
                continue
            raw = grad.data if isinstance(grad, Tensor) else grad
            what = f"function {name}Backward returned a gradient for input {i} that"
            result.append(check_gradient_shape(raw, shape, what))
        return result

    def release(self) -> None:
        super().release()
        self.ctx._saved = None


def _constant(array: Array) -> Tensor:
    out = Tensor.__new__(Tensor)
    out.data, out.grad, out.grad_fn, out.requires_grad = array, None, None, False
    return out


class Function:
    r"""Base class of operations whose backward is written by hand.

    Notes
    -----
    ``forward(ctx, *args, **kwargs)`` receives the arguments as given
    (tensors stay tensors) and runs without recording; it returns a Tensor
    or an array, which becomes the output. ``backward(ctx, grad_output)``
    receives :math:`\partial L/\partial y` as a tensor of the output's shape
    and returns one gradient per positional argument of ``forward`` (a
    tensor, an array, or None for arguments that need none); a gradient of
    the wrong shape raises ``RuntimeError`` naming the Function.

    Differences from PyTorch: ``forward`` returns a single output; there is
    no ``setup_context``, ``mark_dirty``, ``once_differentiable`` or double
    backward.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib.autograd import tensor
    >>> class Cube(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x * x
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         (x,) = ctx.saved_tensors
    ...         return grad_output * 3 * x * x  # d(x^3)/dx = 3 x^2
    >>> x = tensor([1.0, 2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad
    array([ 3., 12.])
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        """Compute the output from the inputs (override)."""
        raise NotImplementedError("Function subclasses must implement forward")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        """Return the gradient of each input of ``forward`` (override)."""
        raise NotImplementedError("Function subclasses must implement backward")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run ``forward`` and, if an input requires grad, record a node for ``backward``."""
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = FunctionCtx(needs)
        with grad_mode.no_grad():
            result = cls.forward(ctx, *args, **kwargs)
        if isinstance(result, tuple):
            raise TypeError(
                f"{cls.__name__}.forward returned a tuple; expected a single Tensor or array"
            )
        data = result.data if isinstance(result, Tensor) else np.asarray(result)
        out = _constant(data)
        if grad_mode.is_grad_enabled() and any(needs):
            inputs = [a if need else None for a, need in zip(args, needs, strict=True)]
            shapes = [a.shape if need else None for a, need in zip(args, needs, strict=True)]
            out.requires_grad = True
            out.grad_fn = _FunctionNode(cls, ctx, inputs, shapes)
        return out
