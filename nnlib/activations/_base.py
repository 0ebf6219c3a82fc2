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

from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._validation import as_array, check_forward_done, check_grad_output, trusted_array
from nnlib.module import Module

__all__ = ["Array", "ElementwiseActivation"]

Array = NDArray[np.floating[Any]]


class ElementwiseActivation(Module):
    r"""Base class of the element-wise activations; not used directly.

    ``forward`` validates the input (finite, real; integers become float64,
    float32 stays float32), caches input and output, and returns
    :math:`f(x)`. ``backward(grad_output)`` returns ``grad_output`` times the
    local derivative. ``derivative(input)`` evaluates :math:`f'` at any input,
    without touching the cache. Inside a ``Sequential``, a stage other than the
    first skips the scan for NaN and infinity; the container scans what
    enters and leaves it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._input: Array | None = None
        self._output: Array | None = None

    def _function(self, x: Array) -> Array:
        raise NotImplementedError

    def _derivative(self, x: Array) -> Array:
        raise NotImplementedError

    def _local_gradient(self, x: Array, y: Array) -> Array:
        """:math:`f'(x)` for the backward pass, given the cached input and output."""
        return self._derivative(x)

    def forward(self, input: ArrayLike) -> Array:
        r"""Apply the activation element-wise; shape and floating dtype are kept."""
        return self._apply(as_array(input, "input", type(self).__name__))

    def _forward_inner(self, input: ArrayLike) -> Array:
        if type(self).forward is not ElementwiseActivation.forward:  # a subclass's own
            return self.forward(input)
        return self._apply(trusted_array(input, "input", type(self).__name__))

    def _apply(self, x: Array) -> Array:
        y = self._function(x)
        cache = self.__dict__  # past Module.__setattr__: plain values, set on every call
        cache["_input"], cache["_output"] = x, y
        return y

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Return :math:`\partial L/\partial x = \partial L/\partial y \odot f'(x)`."""
        return self._chain(grad_output, trusted=False)

    def _backward_inner(self, grad_output: ArrayLike) -> Array:
        if type(self).backward is not ElementwiseActivation.backward:  # a subclass's own
            return self.backward(grad_output)
        return self._chain(grad_output, trusted=True)

    def _chain(self, grad_output: ArrayLike, trusted: bool) -> Array:
        owner = type(self).__name__
        y = check_forward_done(self._output, owner)
        x = cast(Array, self._input)  # set together with _output
        grad = check_grad_output(grad_output, y.shape, owner, trusted=trusted)
        result: Array = grad * self._local_gradient(x, y)
        return result

    def derivative(self, input: ArrayLike) -> Array:
        r"""Evaluate :math:`f'(x)` element-wise at ``input`` (same shape and dtype)."""
        x = as_array(input, "input", f"{type(self).__name__}.derivative")
        return self._derivative(x)
