r"""What every element-wise activation shares: the forward cache and the chain rule.

An element-wise activation :math:`y_i = f(x_i)` has a diagonal Jacobian, so
its backward pass is one multiplication,

.. math:: \frac{\partial L}{\partial x_i} = \frac{\partial L}{\partial y_i}\, f'(x_i).

A subclass supplies ``_function`` (:math:`f`) and ``_derivative`` (:math:`f'`
as a function of the input); it may override ``_local_gradient`` to obtain
:math:`f'(x_i)` more cheaply from the cached output (the sigmoid's
:math:`\sigma(1-\sigma)`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._validation import as_array, check_grad_output
from nnlib.module import Module

__all__ = ["Array", "ElementwiseActivation"]

Array = NDArray[np.floating[Any]]


class ElementwiseActivation(Module):
    r"""Base class of the element-wise activations; not used directly.

    ``forward`` validates the input (finite, real; integers become float64,
    float32 stays float32), saves input and output for the backward pass,
    and returns :math:`f(x)`. ``backward(grad_output)`` returns
    ``grad_output`` times the local derivative. ``derivative(input)``
    evaluates :math:`f'` at any input, without touching the saved values.
    """

    def _function(self, x: Array) -> Array:
        raise NotImplementedError

    def _derivative(self, x: Array) -> Array:
        raise NotImplementedError

    def _local_gradient(self, x: Array, y: Array) -> Array:
        """:math:`f'(x)` for the backward pass, given the cached input and output."""
        return self._derivative(x)

    def forward(self, input: ArrayLike) -> Array:
        r"""Apply the activation element-wise; shape and floating dtype are kept."""
        x = as_array(input, "input", type(self).__name__)
        y = self._function(x)
        self.save_for_backward(x, y)
        return y

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Return :math:`\partial L/\partial x = \partial L/\partial y \odot f'(x)`."""
        x, y = self.saved_for_backward()
        grad = check_grad_output(grad_output, y.shape, type(self).__name__)
        result: Array = grad * self._local_gradient(x, y)
        return result

    def derivative(self, input: ArrayLike) -> Array:
        r"""Evaluate :math:`f'(x)` element-wise at ``input`` (same shape and dtype)."""
        x = as_array(input, "input", f"{type(self).__name__}.derivative")
        return self._derivative(x)
