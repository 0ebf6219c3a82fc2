r"""``Residual``: a skip connection, :math:`y = x + f(x)`, and its backward pass."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._validation import as_array, check_grad_output
from nnlib.module import Module

__all__ = ["Residual"]

Array = NDArray[np.floating[Any]]


class Residual(Module):
    r"""Add a module's output to its input: :math:`y = x + f(x)`.

    Parameters
    ----------
    module : Module
        The residual branch :math:`f`; it must keep the shape of its input.
        Registered as the submodule ``"module"`` (state-dict keys such as
        ``"module.weight"``).

    Notes
    -----
    The Jacobian of :math:`y = x + f(x)` is :math:`I + \partial f/\partial x`,
    so

    .. math:: \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}
              + \Big(\frac{\partial f}{\partial x}\Big)^{\!\top}
              \frac{\partial L}{\partial y},

    which :meth:`backward` computes as ``grad + module.backward(grad)``. The
    first term reaches :math:`x` unchanged however small the branch's
    gradient is: a stack of residual blocks passes gradients to its first
    layers through the identity paths [1]_. Shapes: any input shape the
    branch accepts; the output has the same shape.

    This class is nnlib's own: PyTorch has no ``Residual`` module (a model
    writes ``x + self.block(x)`` in its ``forward`` and autograd does the
    rest). ``forward`` raises ``ValueError`` if the branch changes the
    shape, rather than letting NumPy broadcast :math:`x + f(x)` silently.

    References
    ----------
    .. [1] He, Zhang, Ren & Sun (2016), Deep residual learning for image
       recognition. CVPR.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib.layers import Linear
    >>> block = Residual(Linear(2, 2, rng=0))
    >>> block.module.weight.data[...] = [[1.0, 0.0], [0.0, 2.0]]
    >>> block.module.bias.data[...] = 0.0
    >>> block(np.array([[1.0, 1.0]]))
    array([[2., 3.]])
    >>> block.backward(np.array([[1.0, 1.0]]))
    array([[2., 3.]])
    """

    def __init__(self, module: Module) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"Residual: module is a {type(module).__name__}; expected a Module")
        self.module = module

    def forward(self, input: ArrayLike) -> Array:
        """Return ``input + module(input)``."""
        x = as_array(input, "input", "Residual")
        branch = self.module(x)
        if np.shape(branch) != x.shape:
            raise ValueError(
                f"Residual: the {type(self.module).__name__} maps shape {x.shape} to "
                f"{np.shape(branch)}; expected it to keep the shape, since x + module(x) "
                "adds the two"
            )
        self.save_for_backward(x.shape)
        out: Array = x + branch
        return out

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Return :math:`g + (\partial f/\partial x)^\top g`, with :math:`g` = ``grad_output``."""
        grad = self._checked_grad(grad_output)
        grad_input: Array = grad + self.module.backward(grad)
        return grad_input

    def _backward_parameters(self, grad_output: ArrayLike) -> None:
        """:meth:`backward` for the branch's parameter gradients only."""
        self.module._backward_parameters(self._checked_grad(grad_output))

    def _checked_grad(self, grad_output: ArrayLike) -> Array:
        (shape,) = self.saved_for_backward()
        return check_grad_output(grad_output, shape, "Residual")
