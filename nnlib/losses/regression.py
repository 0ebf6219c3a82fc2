r"""Regression losses on the difference :math:`d = x - y`: squared and absolute error.

Each is the negative log-likelihood of a noise model, up to constants:
Gaussian noise gives the squared error, Laplace noise the absolute error
(derived in the chapter *Loss functions*). The robust compromise between the
two, Huber and smooth L1, lives in :mod:`nnlib.losses.robust`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._validation import check_shape
from nnlib.losses._checks import as_weight, prepare_pair
from nnlib.losses._reduction import GradFn, Reduction, _Loss, check_reduction, reduce, upstream

__all__ = ["L1Loss", "MSELoss", "l1_loss", "mse_loss"]

Array = NDArray[np.floating[Any]]
Pointwise = Callable[[Array], Array]


def pointwise_loss(
    owner: str,
    input: ArrayLike,
    target: ArrayLike,
    reduction: str,
    value: Pointwise,
    slope: Pointwise,
    weight: ArrayLike | None = None,
    mean_over_weight: bool = True,
) -> tuple[Array, GradFn]:
    r"""Shared kernel: :math:`\ell_i = w_i\,f(d_i)` with :math:`d = x - y`.

    ``value`` is :math:`f`, ``slope`` is :math:`f'`. Without weights
    ``'mean'`` divides by the number of elements; with weights by
    :math:`\sum_i w_i` if ``mean_over_weight`` (MSE, L1) else by the number
    of elements (Huber), as PyTorch does. The caller has checked ``reduction``.
    """
    x, y = prepare_pair(input, target, owner)
    d = x - y
    loss = value(d)
    divisor = float(loss.size)
    w = None
    if weight is not None:
        w = as_weight(weight, "weight", owner).astype(x.dtype)
        check_shape(w, x.shape, "weight", owner)
        loss = loss * w
        if mean_over_weight:
            divisor = float(np.sum(w))
            if reduction == "mean" and divisor == 0:
                raise ValueError(
                    f"{owner}: the weights sum to 0, so the weighted mean is undefined; "
                    "expected at least one positive weight, or reduction='sum'"
                )
    output = reduce(loss, reduction, divisor)

    def backward(grad_output: Array) -> Array:
        grad = slope(d) * upstream(grad_output, reduction, divisor)
        if w is not None:
            grad = grad * w
        return grad.astype(x.dtype, copy=False)

    return output, backward


def _square(d: Array) -> Array:
    return d * d


def _twice(d: Array) -> Array:
    return 2 * d


def mse_loss(
    input: ArrayLike,
    target: ArrayLike,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
) -> Array:
    r"""Mean squared error, functional form of :class:`MSELoss`.

    ``weight`` (shape of ``input``, >= 0) multiplies each squared error;
    with it, ``'mean'`` is :math:`\sum_i w_i d_i^2 / \sum_i w_i`.

    Examples
    --------
    >>> mse_loss([1.0, 2.0], [0.0, 0.0])
    array(2.5)
    """
    owner = "mse_loss"
    checked = check_reduction(reduction, owner)
    return pointwise_loss(owner, input, target, checked, _square, _twice, weight)[0]


def l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
) -> Array:
    r"""Mean absolute error, functional form of :class:`L1Loss`.

    ``weight`` (shape of ``input``, >= 0) multiplies each absolute error;
    with it, ``'mean'`` is :math:`\sum_i w_i |d_i| / \sum_i w_i`.

    Examples
    --------
    >>> l1_loss([1.0, -2.0], [0.0, 0.0], reduction="sum")
    array(3.)
    """
    owner = "l1_loss"
    checked = check_reduction(reduction, owner)
    return pointwise_loss(owner, input, target, checked, np.abs, np.sign, weight)[0]


class MSELoss(_Loss):
    r"""Mean squared error between ``input`` and ``target``.

    Shape: ``input`` any shape, ``target`` the same shape; the output is
    0-d, or the input's shape for ``'none'``.

    Parameters
    ----------
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'none'``: the per-element losses; ``'sum'``: their sum;
        ``'mean'``: their sum divided by the number of elements.

    Raises
    ------
    ValueError
        On an unknown reduction, shapes that differ, an empty input or
        non-finite values.

    Notes
    -----
    .. math:: \ell_i = (x_i - y_i)^2, \qquad
              \frac{\partial \ell_i}{\partial x_i} = 2 (x_i - y_i).

    Minimising it is maximum likelihood under Gaussian noise
    :math:`y = x + \varepsilon`, :math:`\varepsilon \sim \mathcal N(0, \sigma^2)`.

    Differences from PyTorch: the deprecated ``size_average`` and ``reduce``
    arguments do not exist. ``input`` and ``target`` must have the same
    shape (PyTorch broadcasts them with a warning). The result has the
    input's dtype (PyTorch promotes mixed dtypes). An empty input raises
    instead of returning nan.

    References
    ----------
    - Bishop (2006), *Pattern Recognition and Machine Learning*, §1.2.5
      and §3.1.1.

    Examples
    --------
    >>> import numpy as np
    >>> loss = MSELoss()
    >>> loss(np.array([1.0, 2.0]), np.array([0.0, 4.0]))
    array(2.5)
    >>> loss.backward()
    array([ 1., -2.])
    """

    def __init__(self, reduction: Reduction = "mean") -> None:
        super().__init__(reduction)

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        return pointwise_loss("MSELoss", input, target, self.reduction, _square, _twice)


class L1Loss(_Loss):
    r"""Mean absolute error between ``input`` and ``target``.

    Shape: ``input`` any shape, ``target`` the same shape; the output is
    0-d, or the input's shape for ``'none'``.

    Parameters
    ----------
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'none'``: the per-element losses; ``'sum'``: their sum;
        ``'mean'``: their sum divided by the number of elements.

    Raises
    ------
    ValueError
        On an unknown reduction, shapes that differ, an empty input or
        non-finite values.

    Notes
    -----
    .. math:: \ell_i = |x_i - y_i|, \qquad
              \frac{\partial \ell_i}{\partial x_i} = \operatorname{sign}(x_i - y_i),

    with the subgradient 0 at :math:`x_i = y_i`, as in PyTorch. Minimising it
    is maximum likelihood under Laplace noise; its minimiser is the median.

    Differences from PyTorch: as for :class:`MSELoss` (no deprecated
    arguments, same shapes required, input's dtype kept, empty input raises).

    References
    ----------
    - Bishop (2006), *Pattern Recognition and Machine Learning*, §1.5.5.

    Examples
    --------
    >>> import numpy as np
    >>> loss = L1Loss()
    >>> loss(np.array([1.0, 2.0]), np.array([0.0, 4.0]))
    array(1.5)
    >>> loss.backward()
    array([ 0.5, -0.5])
    """

    def __init__(self, reduction: Reduction = "mean") -> None:
        super().__init__(reduction)

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        return pointwise_loss("L1Loss", input, target, self.reduction, np.abs, np.sign)
