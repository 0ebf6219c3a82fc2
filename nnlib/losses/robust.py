r"""Robust regression losses: quadratic near zero, linear in the tails.

Huber's loss behaves like the squared error for small residuals and like the
absolute error for large ones, so a few outliers cannot dominate the fit
while small residuals keep a smooth, informative gradient. Smooth L1 is the
same curve divided by its threshold: ``huber_loss(delta=b) == b *
smooth_l1_loss(beta=b)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._hyperparameter import Hyperparameter, check_options
from nnlib._validation import check_number
from nnlib.losses._reduction import GradFn, Reduction, _Loss
from nnlib.losses.regression import pointwise_loss

__all__ = ["HuberLoss", "SmoothL1Loss", "huber_loss", "smooth_l1_loss"]

Array = NDArray[np.floating[Any]]


def _huber(
    owner: str,
    input: ArrayLike,
    target: ArrayLike,
    reduction: str,
    delta: float,
    weight: ArrayLike | None = None,
) -> tuple[Array, GradFn]:
    def value(d: Array) -> Array:
        a = np.abs(d)
        return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))

    def slope(d: Array) -> Array:
        return np.clip(d, -delta, delta)

    # PyTorch's weighted Huber mean divides by the number of elements.
    return pointwise_loss(owner, input, target, reduction, value, slope, weight, False)


def _smooth_l1(
    owner: str, input: ArrayLike, target: ArrayLike, reduction: str, beta: float
) -> tuple[Array, GradFn]:
    if beta == 0:  # PyTorch: beta = 0 is exactly the L1 loss
        return pointwise_loss(owner, input, target, reduction, np.abs, np.sign)

    def value(d: Array) -> Array:
        a = np.abs(d)
        return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)

    def slope(d: Array) -> Array:
        clipped: Array = np.clip(d / beta, -1.0, 1.0)
        return clipped

    return pointwise_loss(owner, input, target, reduction, value, slope)


def huber_loss(
    input: ArrayLike,
    target: ArrayLike,
    reduction: Reduction = "mean",
    delta: float = 1.0,
    weight: ArrayLike | None = None,
) -> Array:
    r"""Huber loss, functional form of :class:`HuberLoss`.

    ``weight`` (shape of ``input``, >= 0) multiplies each element's loss;
    ``'mean'`` then still divides by the number of elements, as in PyTorch.

    Examples
    --------
    >>> huber_loss([0.5, 3.0], [0.0, 0.0], reduction="none")
    array([0.125, 2.5  ])
    """
    owner = "huber_loss"
    options = check_options(HuberLoss, owner, reduction=reduction, delta=delta)
    return _huber(owner, input, target, weight=weight, **options)[0]


def smooth_l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    reduction: Reduction = "mean",
    beta: float = 1.0,
) -> Array:
    r"""Smooth L1 loss, functional form of :class:`SmoothL1Loss`.

    Examples
    --------
    >>> smooth_l1_loss([0.5, 3.0], [0.0, 0.0], reduction="none", beta=2.0)
    array([0.0625, 2.    ])
    """
    owner = "smooth_l1_loss"
    options = check_options(SmoothL1Loss, owner, reduction=reduction, beta=beta)
    return _smooth_l1(owner, input, target, **options)[0]


class HuberLoss(_Loss):
    r"""Huber loss: squared error for small residuals, absolute error beyond ``delta``.

    Shape: ``input`` any shape, ``target`` the same shape.

    Parameters
    ----------
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        As for :class:`~nnlib.losses.MSELoss`.
    delta : float, default 1.0
        Where the quadratic part meets the linear part; must be > 0.

    Raises
    ------
    ValueError
        If ``delta`` <= 0, and for the inputs as :class:`~nnlib.losses.MSELoss`.

    Notes
    -----
    With :math:`d = x - y` and :math:`\delta` = ``delta``,

    .. math:: \ell = \begin{cases} \tfrac12 d^2 & |d| < \delta \\
              \delta\,(|d| - \tfrac12\delta) & \text{otherwise} \end{cases},

              \frac{\partial\ell}{\partial x} = \operatorname{clip}(d, -\delta, \delta).

    The loss and its slope are continuous at :math:`|d| = \delta`; the
    influence of one residual on the fit is bounded by :math:`\delta`.

    Differences from PyTorch: inputs as for :class:`~nnlib.losses.MSELoss`.

    References
    ----------
    - Huber (1964), Robust estimation of a location parameter, *Annals
      of Mathematical Statistics* 35(1).

    Examples
    --------
    >>> import numpy as np
    >>> loss = HuberLoss(delta=1.0)
    >>> loss(np.array([0.5, 3.0]), np.array([0.0, 0.0]))
    array(1.3125)
    >>> loss.backward()
    array([0.25, 0.5 ])
    """

    delta = Hyperparameter(check_number, low=0.0, low_inclusive=False)

    def __init__(self, reduction: Reduction = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        return _huber("HuberLoss", input, target, self.reduction, self.delta)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, delta={self.delta!r}"


class SmoothL1Loss(_Loss):
    r"""Smooth L1 loss: Huber's curve divided by its threshold ``beta``.

    Shape: ``input`` any shape, ``target`` the same shape.

    Parameters
    ----------
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        As for :class:`~nnlib.losses.MSELoss`.
    beta : float, default 1.0
        Where the quadratic part meets the linear part; must be >= 0.
        ``beta=0`` gives exactly :class:`~nnlib.losses.L1Loss`, as in PyTorch.

    Raises
    ------
    ValueError
        If ``beta`` < 0, and for the inputs as :class:`~nnlib.losses.MSELoss`.

    Notes
    -----
    With :math:`d = x - y` and :math:`\beta` = ``beta`` > 0,

    .. math:: \ell = \begin{cases} \tfrac{1}{2\beta} d^2 & |d| < \beta \\
              |d| - \tfrac12\beta & \text{otherwise} \end{cases},

              \frac{\partial\ell}{\partial x} = \operatorname{clip}(d/\beta, -1, 1),

    so ``HuberLoss(delta=b)`` equals ``b * SmoothL1Loss(beta=b)``. The slope
    in the tails is 1 whatever ``beta`` is, while Huber's is ``delta``.

    Differences from PyTorch: inputs as for :class:`~nnlib.losses.MSELoss`.

    References
    ----------
    - Girshick (2015), Fast R-CNN, *ICCV*.

    Examples
    --------
    >>> import numpy as np
    >>> loss = SmoothL1Loss(reduction="sum", beta=2.0)
    >>> loss(np.array([0.5, 3.0]), np.array([0.0, 0.0]))
    array(2.0625)
    >>> loss.backward()
    array([0.25, 1.  ])
    """

    beta = Hyperparameter(check_number, low=0.0)

    def __init__(self, reduction: Reduction = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        return _smooth_l1("SmoothL1Loss", input, target, self.reduction, self.beta)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, beta={self.beta!r}"
