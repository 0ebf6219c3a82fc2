r"""Negative log-likelihood of class indices, given log-probabilities.

``nll_loss(log_softmax(x), y)`` equals ``cross_entropy(x, y)``; use NLL when the
model already outputs log-probabilities.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._hyperparameter import Hyperparameter, check_options
from nnlib._validation import check_int
from nnlib.losses._classes import (
    Indices,
    as_class_weight,
    check_divisor,
    check_indices,
    class_scores,
    class_weight,
    split_target,
)
from nnlib.losses._reduction import GradFn, Reduction, _Loss, reduce, upstream

__all__ = ["NLLLoss", "nll_loss"]

Array = NDArray[np.floating[Any]]


def _nll(
    owner: str,
    input: ArrayLike,
    target: ArrayLike,
    weight: Array | None,
    ignore_index: int,
    reduction: str,
) -> tuple[Array, GradFn]:
    r"""Loss :math:`\ell_n = -w_{y_n} x_{n, y_n}`; gradient :math:`-w_{y_n}` at the target.

    The options have been checked (and ``weight`` converted) by the caller.
    """
    x = class_scores(input, owner)
    indices = cast(Indices, split_target(target, x, owner, allow_probabilities=False)[0])
    unbatched = x.ndim == 1
    if unbatched:
        x = x[None]
    num_classes = x.shape[1]
    w = class_weight(weight, num_classes, x.dtype, owner)
    indices = indices.reshape(x.shape[:1] + x.shape[2:])
    valid = check_indices(indices, num_classes, ignore_index, owner)
    safe = np.where(valid, indices, 0)[:, None]
    target_weight = w[safe[:, 0]] * valid
    divisor = float(np.sum(target_weight))
    check_divisor(divisor, reduction, ignore_index, owner)
    loss = 0.0 - target_weight * np.take_along_axis(x, safe, axis=1)[:, 0]
    output = reduce(loss[0] if unbatched else loss, reduction, divisor)

    def backward(grad_output: Array) -> Array:
        scale = upstream(grad_output, reduction, divisor).reshape(
            loss.shape if reduction == "none" else ()
        )
        grad = np.zeros_like(x)
        np.put_along_axis(grad, safe, (-target_weight * scale)[:, None], axis=1)
        return grad[0] if unbatched else grad

    return output, backward


def nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
) -> Array:
    r"""Negative log-likelihood, functional form of :class:`NLLLoss`.

    Examples
    --------
    >>> import numpy as np
    >>> nll_loss(np.log(np.array([[0.5, 0.5], [0.9, 0.1]])), np.array([0, 1]), reduction="none")
    array([0.69314718, 2.30258509])
    """
    owner = "nll_loss"
    options = check_options(
        NLLLoss, owner, weight=weight, ignore_index=ignore_index, reduction=reduction
    )
    return _nll(owner, input, target, **options)[0]


class NLLLoss(_Loss):
    r"""Negative log-likelihood of the target classes, given log-probabilities.

    Shape: ``input`` log-probabilities ``(N, C)``, ``(N, C, d1, ...)`` or
    ``(C,)``; ``target`` integer class indices ``(N,)``, ``(N, d1, ...)`` or
    ``()``. Output: 0-d, or the target's shape for ``'none'``.

    Parameters
    ----------
    weight : array_like of shape (C,), optional
        Non-negative weight of each class.
    ignore_index : int, default -100
        Targets equal to it count for nothing: zero loss, zero gradient, and
        left out of the ``'mean'`` divisor.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'mean'`` divides the sum by :math:`\sum_n w_{y_n}` over the targets
        that count (their number when unweighted).

    Raises
    ------
    ValueError
        On a class index outside ``[0, C)`` (other than ``ignore_index``), a
        weight of the wrong length or negative, an empty or non-finite input,
        and for ``'mean'`` when every target is ignored or has weight 0.
    TypeError
        If the target is not an integer array.

    Notes
    -----
    .. math:: \ell_n = -w_{y_n}\, x_{n, y_n}, \qquad
              \frac{\partial \ell_n}{\partial x_{nk}} = -w_{y_n} [k = y_n].

    The input is not checked to be log-probabilities; any finite scores are
    accepted, as in PyTorch.

    Differences from PyTorch: no deprecated ``size_average``/``reduce``;
    ``'mean'`` over zero counted targets and an empty batch raise
    ``ValueError`` (PyTorch returns nan); negative weights and non-finite
    input (such as :math:`\log 0 = -\infty`) raise.

    References
    ----------
    - Bishop (2006), *Pattern Recognition and Machine Learning*, §4.3.4.

    Examples
    --------
    >>> import numpy as np
    >>> loss = NLLLoss(weight=np.array([1.0, 3.0]))
    >>> loss(np.log(np.array([[0.5, 0.5], [0.9, 0.1]])), np.array([0, 1]))
    array(1.90022561)
    >>> loss.backward()
    array([[-0.25,  0.  ],
           [ 0.  , -0.75]])
    """

    weight = Hyperparameter(as_class_weight)
    ignore_index = Hyperparameter(check_int)

    def __init__(
        self,
        weight: ArrayLike | None = None,
        ignore_index: int = -100,
        reduction: Reduction = "mean",
    ) -> None:
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        return _nll("NLLLoss", input, target, self.weight, self.ignore_index, self.reduction)

    def extra_repr(self) -> str:
        return f"ignore_index={self.ignore_index}, reduction={self.reduction!r}"
