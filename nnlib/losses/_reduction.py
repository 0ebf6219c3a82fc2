r"""Reductions and the base class shared by every loss.

A loss first computes one value :math:`\ell_i` per element (or per sample);
``reduction`` then decides what is returned, exactly as in PyTorch:

* ``'none'``: the array of :math:`\ell_i`;
* ``'sum'``: :math:`\sum_i \ell_i`;
* ``'mean'``: :math:`\sum_i \ell_i / D`, where the divisor :math:`D` is the
  number of elements, or, for losses with class weights, the sum of the
  weights of the targets that count (see each loss).

The backward pass needs :math:`\partial L/\partial \ell_i`, which is
``grad_output`` itself for ``'none'``, ``grad_output`` for ``'sum'`` and
``grad_output / D`` for ``'mean'``: :func:`upstream` returns it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import check_choice, check_grad_output
from nnlib.module import Module

__all__ = ["REDUCTIONS", "GradFn", "Reduction", "check_reduction", "reduce", "upstream"]

Array = NDArray[np.floating[Any]]
Reduction = Literal["none", "mean", "sum"]
REDUCTIONS: tuple[str, ...] = ("none", "mean", "sum")
GradFn = Callable[[Array], Array]
"""Maps ``grad_output`` (checked, shape of the output) to the input gradient."""


def check_reduction(
    reduction: Any, owner: str, choices: Sequence[str] = REDUCTIONS, name: str = "reduction"
) -> str:
    """Return ``reduction`` if it is one of ``choices``, else raise ``ValueError``."""
    if not isinstance(reduction, str):
        raise TypeError(
            f"{owner}: {name} must be a string, one of {', '.join(map(repr, choices))}; "
            f"got {reduction!r}"
        )
    return check_choice(reduction, tuple(choices), name, owner)


def reduce(loss: Array, reduction: str, divisor: float) -> Array:
    """Apply ``reduction`` to the per-element losses ``loss``.

    ``'mean'`` divides the sum by ``divisor``. The result keeps ``loss``'s
    dtype and is a 0-d array for ``'mean'`` and ``'sum'``.
    """
    if reduction == "none":
        return loss
    total = loss.sum()
    if reduction == "mean":
        total = total / divisor
    return np.asarray(total, dtype=loss.dtype)


def upstream(grad_output: Array, reduction: str, divisor: float) -> Array:
    r""":math:`\partial L/\partial \ell_i` given ``grad_output`` = :math:`\partial J/\partial L`.

    Shape of the ``'none'`` output for ``'none'``, a 0-d array otherwise.
    """
    if reduction == "mean":
        return np.asarray(grad_output / divisor)
    return grad_output


class _Loss(Module):
    """Base class: ``loss(input, target)`` runs the forward pass, then ``backward()``.

    Subclasses implement ``_compute(input, target)``, returning the output and
    a function that maps a checked ``grad_output`` to the input gradient.
    Functional forms call the same kernels, so class and function agree. The
    options (``reduction`` and each loss's own) are hyperparameters, checked
    when they are set, so the kernels trust them.
    """

    reduction = Hyperparameter(check_reduction)

    def __init__(self, reduction: str) -> None:
        super().__init__()
        self.reduction = reduction

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        raise NotImplementedError  # pragma: no cover

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        """Return the loss of ``input`` against ``target``; save its gradient function."""
        output, grad_fn = self._compute(input, target)
        self.save_for_backward(grad_fn, output.shape)
        return output

    def backward(self, grad_output: ArrayLike = 1.0) -> Array:
        r"""Return :math:`\partial J/\partial\,\text{input}` for the last forward call.

        ``grad_output`` is :math:`\partial J/\partial L`: a scalar for
        ``'mean'`` and ``'sum'`` (1.0 when the loss is the objective), an
        array of the output's shape for ``'none'``.
        """
        grad_fn, output_shape = self.saved_for_backward()
        grad = check_grad_output(grad_output, output_shape, type(self).__name__)
        result: Array = grad_fn(grad)
        return result

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"
