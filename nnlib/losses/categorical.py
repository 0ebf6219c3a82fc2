r"""Cross-entropy on logits, for class indices or class probabilities as targets.

It is the negative log-likelihood of a categorical variable whose
probabilities are the softmax of the logits; ``log_softmax`` is computed
stably inside, so logits of any finite size are safe. Its gradient with
respect to the logits is :math:`p - y`: derived in the chapter
*Loss functions*.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._hyperparameter import Hyperparameter, check_options
from nnlib._numerics import log_softmax
from nnlib._validation import check_int, check_number
from nnlib.losses._classes import (
    as_class_weight,
    check_divisor,
    check_indices,
    class_scores,
    class_weight,
    split_target,
)
from nnlib.losses._reduction import GradFn, Reduction, _Loss, reduce, upstream

__all__ = ["CrossEntropyLoss", "cross_entropy"]

Array = NDArray[np.floating[Any]]


def _all_counted(indices: NDArray[np.int64], num_classes: int, ignore_index: int) -> bool:
    """True if every target is a class index in ``[0, C)`` and none equals ``ignore_index``."""
    # Seen as unsigned, a negative index is huge: one comparison tests both ends.
    if np.count_nonzero(indices.view(np.uint64) >= num_classes):
        return False
    return not (0 <= ignore_index < num_classes and bool(np.any(indices == ignore_index)))


def _cross_entropy_one_hot(
    x: Array, indices: NDArray[np.int64], reduction: str
) -> tuple[Array, GradFn]:
    r"""The common case: ``(N, C)`` scores, counted class-index targets, no weight or smoothing.

    Then :math:`q_n` is the one-hot vector of :math:`y_n` and :math:`\sum_c q_{nc} = 1`,
    so :math:`\ell_n = -\log p_{n y_n}` and the gradient is :math:`p_n - q_n`: the same
    numbers, bit for bit, as the general path, without forming :math:`q`.
    """
    rows = np.arange(x.shape[0])
    log_p = log_softmax(x, axis=1)
    loss = 0.0 - log_p[rows, indices]
    divisor = float(x.shape[0])
    output = reduce(loss, reduction, divisor)

    def backward(grad_output: Array) -> Array:
        scale = upstream(grad_output, reduction, divisor)
        if reduction == "none":
            scale = scale.reshape(loss.shape)[:, None]
        grad: Array = np.exp(log_p)  # p, then p - q in place
        grad[rows, indices] -= 1.0
        grad *= scale
        return grad

    return output, backward


def _cross_entropy(
    owner: str,
    input: ArrayLike,
    target: ArrayLike,
    weight: Array | None,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
) -> tuple[Array, GradFn]:
    r"""Loss :math:`\ell_n = -\sum_c q_{nc} \log p_{nc}`; gradient :math:`(\sum_c q_{nc}) p - q`.

    Shared by :class:`CrossEntropyLoss` and :func:`cross_entropy`, which
    validate the options (``weight`` converted, the others checked) before
    calling; returns the output and the function that maps ``grad_output``
    to the input gradient. The common case of one-hot :math:`q` goes to
    :func:`_cross_entropy_one_hot`.
    """
    eps = label_smoothing
    x = class_scores(input, owner)
    indices, probabilities = split_target(target, x, owner, allow_probabilities=True)
    if (
        indices is not None
        and weight is None
        and eps == 0.0
        and x.ndim == 2
        and _all_counted(indices, x.shape[1], ignore_index)
    ):
        return _cross_entropy_one_hot(x, indices, reduction)
    unbatched = x.ndim == 1
    if unbatched:  # one sample: treat as a batch of one
        x = x[None]
    num_classes = x.shape[1]
    w = class_weight(weight, num_classes, x.dtype, owner)
    w = w.reshape((1, num_classes) + (1,) * (x.ndim - 2))
    # q: the weighted, smoothed target distribution, shape of x.
    if indices is not None:
        indices = indices.reshape(x.shape[:1] + x.shape[2:])
        valid = check_indices(indices, num_classes, ignore_index, owner)
        safe = np.where(valid, indices, 0)[:, None]
        one_hot = (safe == np.arange(num_classes).reshape(w.shape)).astype(x.dtype)
        q = w * ((1 - eps) * one_hot + eps / num_classes) * valid[:, None]
        divisor = float(np.sum(np.take_along_axis(w, safe, axis=1) * valid[:, None]))
        check_divisor(divisor, reduction, ignore_index, owner)
    else:
        probabilities = cast(Array, probabilities).reshape(x.shape)
        q = w * ((1 - eps) * probabilities + eps / num_classes)
        divisor = float(x.size // num_classes)
    log_p = log_softmax(x, axis=1)
    loss = 0.0 - np.sum(q * log_p, axis=1)  # 0.0 - s turns -0.0 into 0.0
    output = reduce(loss[0] if unbatched else loss, reduction, divisor)

    def backward(grad_output: Array) -> Array:
        scale = upstream(grad_output, reduction, divisor)
        if reduction == "none":
            scale = scale.reshape(loss.shape)[:, None]
        grad: Array = (np.sum(q, axis=1, keepdims=True) * np.exp(log_p) - q) * scale
        grad = grad.astype(x.dtype, copy=False)
        return grad[0] if unbatched else grad

    return output, backward


def cross_entropy(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
    label_smoothing: float = 0.0,
) -> Array:
    r"""Cross-entropy of logits against targets, functional form of :class:`CrossEntropyLoss`.

    Examples
    --------
    >>> import numpy as np
    >>> cross_entropy(np.array([[1000.0, 0.0], [0.0, 0.0]]), np.array([1, 0]), reduction="none")
    array([1.00000000e+03, 6.93147181e-01])
    """
    owner = "cross_entropy"
    options = check_options(
        CrossEntropyLoss,
        owner,
        weight=weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )
    return _cross_entropy(owner, input, target, **options)[0]


class CrossEntropyLoss(_Loss):
    r"""Cross-entropy between softmax probabilities of logits and a target.

    Shape: ``input`` logits ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)`` for
    one sample; ``target`` either integer class indices of shape ``(N,)``,
    ``(N, d1, ...)`` or ``()``, or float class probabilities of the input's
    shape. Output: 0-d, or per sample (the target-index shape) for ``'none'``.

    Parameters
    ----------
    weight : array_like of shape (C,), optional
        Non-negative weight of each class (rescales the loss of samples of
        that class; for probability targets, of each class term).
    ignore_index : int, default -100
        Class-index targets equal to it count for nothing: zero loss, zero
        gradient, and left out of the ``'mean'`` divisor.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'mean'`` with class indices divides the sum by the total weight
        :math:`\sum_n w_{y_n}` of the targets that count (their number when
        unweighted); with probabilities, by the number of samples
        :math:`N d_1 \cdots d_k`, whatever the weights.
    label_smoothing : float in [0, 1], default 0.0
        Mix the target with the uniform distribution:
        :math:`y \to (1 - \varepsilon)\,y + \varepsilon / C`.

    Raises
    ------
    ValueError
        On a class index outside ``[0, C)`` (other than ``ignore_index``), a
        float target not of the input's shape, probabilities outside [0, 1],
        a weight of the wrong length or negative, ``label_smoothing`` outside
        [0, 1], an empty or non-finite input, and for ``'mean'`` when every
        target is ignored (or has weight 0).
    TypeError
        If the target is neither integer nor floating (e.g. bool).

    Notes
    -----
    With :math:`p_n = \operatorname{softmax}(x_n)` and the weighted, smoothed
    target :math:`q_{nc} = w_c [(1 - \varepsilon)\, y_{nc} + \varepsilon/C]`
    (:math:`y_{nc}` one-hot for class indices; :math:`q_n = 0` for an
    ignored target),

    .. math:: \ell_n = -\sum_c q_{nc} \log p_{nc},

              \frac{\partial \ell_n}{\partial x_{nk}} = \Bigl(\sum_c q_{nc}\Bigr) p_{nk} - q_{nk}.

    Unweighted and unsmoothed, :math:`\sum_c q_{nc} = 1` and the gradient is
    :math:`p_n - y_n`. :math:`\log p` comes from ``log_softmax`` (max-shifted
    log-sum-exp), never from ``log(softmax(x))``. This matches PyTorch's
    value for every combination of weight, ignore_index and label_smoothing:
    with class indices and ``'mean'``, the smoothing term is divided by the
    same total weight as the main term.

    Differences from PyTorch: no deprecated ``size_average``/``reduce``.
    ``'mean'`` over zero counted targets raises ``ValueError`` (PyTorch
    returns nan); so does an empty batch. Negative weights and probability
    targets outside [0, 1] raise. The result has the input's dtype. The
    options are checked when set (also by assignment, ``loss.label_smoothing
    = 2.0`` raises), not on every call.

    References
    ----------
    - Goodfellow, Bengio & Courville (2016), *Deep Learning*, §6.2.2.3.
    - Szegedy et al. (2016), Rethinking the Inception architecture for
      computer vision, *CVPR* (label smoothing).

    Examples
    --------
    >>> import numpy as np
    >>> loss = CrossEntropyLoss()
    >>> loss(np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), np.array([0, 2]))
    array(0.66907853)
    >>> loss.backward().round(4)
    array([[-0.1065,  0.0533,  0.0533],
           [ 0.1667,  0.1667, -0.3333]])
    """

    weight = Hyperparameter(as_class_weight)
    ignore_index = Hyperparameter(check_int)
    label_smoothing = Hyperparameter(check_number, low=0.0, high=1.0)

    def __init__(
        self,
        weight: ArrayLike | None = None,
        ignore_index: int = -100,
        reduction: Reduction = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        return _cross_entropy(
            "CrossEntropyLoss",
            input,
            target,
            self.weight,
            self.ignore_index,
            self.reduction,
            self.label_smoothing,
        )

    def extra_repr(self) -> str:
        return (
            f"ignore_index={self.ignore_index}, reduction={self.reduction!r}, "
            f"label_smoothing={self.label_smoothing!r}"
        )
