r"""Binary cross-entropy: on probabilities (BCE) and on logits (BCE with logits).

Both are the negative log-likelihood of a Bernoulli variable. Prefer the logit
form: it never takes the log of a rounded probability, so it is exact where
:class:`BCELoss` must clamp.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._hyperparameter import Hyperparameter, check_options
from nnlib._numerics import sigmoid
from nnlib.losses._checks import (
    as_optional_weight,
    check_broadcasts_to,
    check_unit_interval,
    prepare_pair,
)
from nnlib.losses._reduction import GradFn, Reduction, _Loss, reduce, upstream

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]

Array = NDArray[np.floating[Any]]
LOG_CLAMP = -100.0
"""BCELoss clamps :math:`\\log p` and :math:`\\log(1 - p)` from below at this value."""
GRAD_EPS = float(np.float32(1e-12))
"""BCELoss's backward divides by :math:`\\max(p(1-p), \\epsilon)`; PyTorch's :math:`\\epsilon` is
the float32 number nearest :math:`10^{-12}`."""


def _weight(weight: Array | None, name: str, shape: tuple[int, ...], owner: str) -> Any:
    """A converted weight (or None), checked to broadcast to the input's ``shape``."""
    if weight is not None:
        check_broadcasts_to(weight, shape, name, owner)
    return weight


def _bce(
    owner: str, input: ArrayLike, target: ArrayLike, weight: Array | None, reduction: str
) -> tuple[Array, GradFn]:
    p, y = prepare_pair(input, target, owner)
    check_unit_interval(p, "input", owner)
    check_unit_interval(y, "target", owner)
    w = _weight(weight, "weight", p.shape, owner)
    # log p and log(1 - p), clamped at -100 (log 0 would be -inf).
    log_p = np.full_like(p, LOG_CLAMP)
    np.log(p, out=log_p, where=p > 0)
    log_q = np.full_like(p, LOG_CLAMP)
    np.log1p(-p, out=log_q, where=p < 1)
    loss = (y - 1) * np.maximum(log_q, LOG_CLAMP) - y * np.maximum(log_p, LOG_CLAMP)
    if w is not None:
        loss = loss * w.astype(p.dtype)
    divisor = float(loss.size)
    output = reduce(loss, reduction, divisor)

    def backward(grad_output: Array) -> Array:
        grad = (p - y) / np.maximum((1 - p) * p, GRAD_EPS)
        grad = grad * upstream(grad_output, reduction, divisor)
        if w is not None:
            grad = grad * w
        return grad.astype(p.dtype, copy=False)

    return output, backward


def _bce_logits(
    owner: str,
    input: ArrayLike,
    target: ArrayLike,
    weight: Array | None,
    reduction: str,
    pos_weight: Array | None,
) -> tuple[Array, GradFn]:
    x, y = prepare_pair(input, target, owner)
    check_unit_interval(y, "target", owner)
    w = _weight(weight, "weight", x.shape, owner)
    pw = _weight(pos_weight, "pos_weight", x.shape, owner)
    # -[c y log sigmoid(x) + (1 - y) log sigmoid(-x)], split by the sign of x so that every
    # term is >= 0 (no cancellation) and no exponent is positive (no overflow):
    #   x >= 0: (1 - y) x + l * log(1 + exp(-|x|)),  x < 0: -c y x + l * log(1 + exp(-|x|)),
    # with c = pos_weight and l = 1 + (c - 1) y. For c = 1: max(x, 0) - x y + log(1 + e^-|x|).
    c = 1.0 if pw is None else pw.astype(x.dtype)
    log_weight = 1.0 if pw is None else (c - 1) * y + 1
    tail = np.log1p(np.exp(-np.abs(x)))
    loss = np.where(x >= 0, (1 - y) * x, -(c * y) * x) + log_weight * tail
    if w is not None:
        loss = loss * w.astype(x.dtype)
    divisor = float(loss.size)
    output = reduce(loss, reduction, divisor)

    def backward(grad_output: Array) -> Array:
        # l sigmoid(x) - c y, written as (1 - y) sigmoid(x) - c y sigmoid(-x): exact for
        # saturated logits, where sigmoid(x) - y would round 1 - tiny to 1.
        grad = (1 - y) * sigmoid(x) - (c * y) * sigmoid(-x)
        grad = grad * upstream(grad_output, reduction, divisor)
        if w is not None:
            grad = grad * w
        return grad.astype(x.dtype, copy=False)

    return output, backward


def binary_cross_entropy(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    reduction: Reduction = "mean",
) -> Array:
    r"""Binary cross-entropy on probabilities, functional form of :class:`BCELoss`.

    Examples
    --------
    >>> binary_cross_entropy([0.5, 1.0], [1.0, 0.0], reduction="none")
    array([  0.69314718, 100.        ])
    """
    owner = "binary_cross_entropy"
    options = check_options(BCELoss, owner, weight=weight, reduction=reduction)
    return _bce(owner, input, target, **options)[0]


def binary_cross_entropy_with_logits(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    reduction: Reduction = "mean",
    pos_weight: ArrayLike | None = None,
) -> Array:
    r"""Binary cross-entropy on logits, functional form of :class:`BCEWithLogitsLoss`.

    Examples
    --------
    >>> binary_cross_entropy_with_logits([0.0, 1000.0], [1.0, 0.0], reduction="none")
    array([6.93147181e-01, 1.00000000e+03])
    """
    owner = "binary_cross_entropy_with_logits"
    options = check_options(
        BCEWithLogitsLoss, owner, weight=weight, reduction=reduction, pos_weight=pos_weight
    )
    return _bce_logits(owner, input, target, **options)[0]


class BCELoss(_Loss):
    r"""Binary cross-entropy between predicted probabilities and targets.

    Shape: ``input`` (probabilities in [0, 1]) any shape, ``target`` (in
    [0, 1]) the same shape.

    Parameters
    ----------
    weight : array_like, optional
        Non-negative rescaling of each element's loss; must broadcast to the
        input's shape (e.g. shape ``(N, 1)`` for one weight per sample).
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'mean'`` divides the (weighted) sum by the number of elements.

    Raises
    ------
    ValueError
        If an input or target value lies outside [0, 1], shapes differ, the
        weight is negative or does not broadcast, the input is empty or
        non-finite, or the reduction is unknown.

    Notes
    -----
    .. math:: \ell = -w\,[\,y \log p + (1 - y) \log(1 - p)\,],

              \frac{\partial\ell}{\partial p} = w\,\frac{p - y}{p\,(1 - p)}.

    As in PyTorch, each log is clamped from below at -100, so :math:`p = 0`
    or :math:`1` gives a finite loss (at most 100 per element), and the
    backward pass divides by :math:`\max(p(1-p), 10^{-12})`, so the gradient
    is at most :math:`10^{12}` in size. Both clamps hide a saturated model
    rather than fix it: pass logits to :class:`BCEWithLogitsLoss` instead.

    Differences from PyTorch: no deprecated ``size_average``/``reduce``;
    a negative weight raises; the result has the input's dtype; an empty
    input raises.

    References
    ----------
    - Goodfellow, Bengio & Courville (2016), *Deep Learning*, §6.2.2.2.

    Examples
    --------
    >>> import numpy as np
    >>> loss = BCELoss()
    >>> loss(np.array([0.8, 0.4]), np.array([1.0, 0.0]))
    array(0.36698459)
    >>> loss.backward()
    array([-0.625     ,  0.83333333])
    """

    weight = Hyperparameter(as_optional_weight)

    def __init__(self, weight: ArrayLike | None = None, reduction: Reduction = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        return _bce("BCELoss", input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    r"""Binary cross-entropy on logits: a sigmoid and :class:`BCELoss` in one stable step.

    Shape: ``input`` (logits) any shape, ``target`` (in [0, 1]) the same.

    Parameters
    ----------
    weight : array_like, optional
        Non-negative rescaling of each element's loss; broadcasts to the
        input's shape.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'mean'`` divides the (weighted) sum by the number of elements.
    pos_weight : array_like, optional
        Non-negative weight of the positive term, broadcast to the input's
        shape; for multi-label input ``(N, C)`` usually one per class, shape
        ``(C,)``. A value of ``#negatives / #positives`` balances a class.

    Raises
    ------
    ValueError
        As :class:`BCELoss`, for the target, weights and pos_weight.

    Notes
    -----
    With logit :math:`x`, :math:`\sigma(x) = 1/(1+e^{-x})`, target
    :math:`y`, pos_weight :math:`c` and :math:`l = 1 + (c - 1)\,y`,

    .. math:: \ell = -w\,[\,c\,y \log\sigma(x) + (1 - y)\log(1-\sigma(x))\,],

              \ell = w\,[(1 - y)\,x - l \log\sigma(x)],

              \frac{\partial\ell}{\partial x} = w\,[\,l\,\sigma(x) - c\,y\,].

    Without pos_weight (:math:`c = 1`) this is
    :math:`\max(x, 0) - x y + \log(1 + e^{-|x|})` with gradient
    :math:`\sigma(x) - y`. nnlib evaluates the loss as
    :math:`(1 - y)\,x + l \log(1 + e^{-|x|})` for :math:`x \ge 0` and
    :math:`-c\,y\,x + l \log(1 + e^{-|x|})` for :math:`x < 0`, and the
    gradient as :math:`(1 - y)\,\sigma(x) - c\,y\,\sigma(-x)`: no exponent
    is positive and every term of the loss is non-negative, so logits of
    :math:`\pm 1000` give finite results accurate to round-off.

    Differences from PyTorch: no deprecated ``size_average``/``reduce``;
    targets outside [0, 1] and negative weights raise; the result has the
    input's dtype; an empty input raises. PyTorch evaluates
    :math:`(1 - y)\,x - l \log\sigma(x)` and :math:`l\,\sigma(x) - c\,y`,
    the same to round-off except where those forms cancel: for
    :math:`x = -40, y = 0` PyTorch returns a loss of 0 instead of
    :math:`4.2 \times 10^{-18}`, and for :math:`x = 40, y = 1` a gradient of
    0 instead of :math:`-4.2 \times 10^{-18}`.

    References
    ----------
    - Goodfellow, Bengio & Courville (2016), *Deep Learning*, §6.2.2.2.

    Examples
    --------
    >>> import numpy as np
    >>> loss = BCEWithLogitsLoss(pos_weight=np.array([3.0]))
    >>> loss(np.array([0.0, 0.0]), np.array([1.0, 0.0]))
    array(1.38629436)
    >>> loss.backward()
    array([-0.75,  0.25])
    """

    weight = Hyperparameter(as_optional_weight)
    pos_weight = Hyperparameter(as_optional_weight)

    def __init__(
        self,
        weight: ArrayLike | None = None,
        reduction: Reduction = "mean",
        pos_weight: ArrayLike | None = None,
    ) -> None:
        super().__init__(reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        return _bce_logits(
            "BCEWithLogitsLoss", input, target, self.weight, self.reduction, self.pos_weight
        )
