r"""Losses on tensors, each one graph node around nnlib's own kernel.

Every loss in :mod:`nnlib.losses` computes its value together with a
function that maps :math:`\partial J/\partial L` to the gradient of the
input (derived in the chapter *Loss functions*). Here that function *is*
the node's VJP: cross-entropy sends back :math:`(p - y)/N` in one step,
stable for logits of :math:`\pm 1000`, never through ``log(softmax(x))``.
Targets and weights are constants (only ``mse_loss`` and ``l1_loss`` also
differentiate with respect to the target).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlib._hyperparameter import check_options
from nnlib.autograd.functional._common import as_tensor, constant
from nnlib.autograd.recording import record
from nnlib.autograd.tensor import Tensor
from nnlib.losses import BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss
from nnlib.losses._reduction import GradFn, Reduction, check_reduction
from nnlib.losses.binary import _bce_logits
from nnlib.losses.categorical import _cross_entropy
from nnlib.losses.nll import _nll
from nnlib.losses.regression import _square, _twice, pointwise_loss

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "l1_loss",
    "mse_loss",
    "nll_loss",
]


def _node(name: str, input: Tensor, output: Any, grad_fn: GradFn) -> Tensor:
    return record(name, output, (input,), (grad_fn,))


def cross_entropy(
    input: Tensor,
    target: ArrayLike | Tensor,
    weight: ArrayLike | Tensor | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    r"""Cross-entropy of logits against class indices or probabilities, as one node.

    Value and gradient are those of :class:`nnlib.losses.CrossEntropyLoss`:
    :math:`\ell_n = -\sum_c q_{nc} \log p_{nc}` with :math:`p_n =
    \operatorname{softmax}(x_n)`, gradient :math:`(\sum_c q_{nc}) p_n - q_n`
    (:math:`p_n - y_n` for plain class indices), then reduced.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib.autograd import tensor
    >>> logits = tensor([[1000.0, 0.0], [0.0, 0.0]], requires_grad=True)
    >>> loss = cross_entropy(logits, np.array([1, 0]))
    >>> loss
    tensor(500.34657359, grad_fn=<NllLossBackward0>)
    >>> loss.backward()
    >>> logits.grad
    array([[ 0.5 , -0.5 ],
           [-0.25,  0.25]])
    """
    owner = "cross_entropy"
    x = as_tensor(input)
    options = check_options(
        CrossEntropyLoss,
        owner,
        weight=constant(weight, "weight", owner),
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )
    y = constant(target, "target", owner)
    return _node("NllLossBackward0", x, *_cross_entropy(owner, x.data, y, **options))


def nll_loss(
    input: Tensor,
    target: ArrayLike | Tensor,
    weight: ArrayLike | Tensor | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Negative log-likelihood of class indices given log-probabilities, as one node.

    :math:`\ell_n = -w_{y_n} x_{n, y_n}`; see :class:`nnlib.losses.NLLLoss`.
    """
    owner = "nll_loss"
    x = as_tensor(input)
    options = check_options(
        NLLLoss,
        owner,
        weight=constant(weight, "weight", owner),
        ignore_index=ignore_index,
        reduction=reduction,
    )
    y = constant(target, "target", owner)
    return _node("NllLossBackward0", x, *_nll(owner, x.data, y, **options))


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: ArrayLike | Tensor,
    weight: ArrayLike | Tensor | None = None,
    reduction: Reduction = "mean",
    pos_weight: ArrayLike | Tensor | None = None,
) -> Tensor:
    r"""Binary cross-entropy on logits, as one node; see :class:`nnlib.losses.BCEWithLogitsLoss`.

    :math:`\ell = -[c\,y \log\sigma(x) + (1 - y)\log\sigma(-x)]`, gradient
    :math:`(1 - y)\sigma(x) - c\,y\,\sigma(-x)`, exact for saturated logits.
    """
    owner = "binary_cross_entropy_with_logits"
    x = as_tensor(input)
    options = check_options(
        BCEWithLogitsLoss,
        owner,
        weight=constant(weight, "weight", owner),
        reduction=reduction,
        pos_weight=constant(pos_weight, "pos_weight", owner),
    )
    y = constant(target, "target", owner)
    return _node(
        "BinaryCrossEntropyWithLogitsBackward0", x, *_bce_logits(owner, x.data, y, **options)
    )


def _pointwise(
    name: str, owner: str, input: Tensor, target: Any, reduction: str, weight: Any, kernel: Any
) -> Tensor:
    """A loss of :math:`d = x - y`: the target's gradient is the input's, negated."""
    x, y = as_tensor(input), as_tensor(target)
    checked = check_reduction(reduction, owner)
    w = constant(weight, "weight", owner)
    value, slope = kernel
    output, grad_fn = pointwise_loss(owner, x.data, y.data, checked, value, slope, w)
    return record(name, output, (x, y), (grad_fn, lambda grad: -grad_fn(grad)))


def mse_loss(
    input: Tensor,
    target: ArrayLike | Tensor,
    reduction: Reduction = "mean",
    weight: ArrayLike | Tensor | None = None,
) -> Tensor:
    r"""Mean squared error :math:`w (x - y)^2`, reduced; gradient :math:`2 w (x - y)`.

    See :func:`nnlib.losses.mse_loss` (``weight`` and the weighted mean) and
    :class:`nnlib.losses.MSELoss`. The target may require grad too.
    """
    kernel = (_square, _twice)
    return _pointwise("MseLossBackward0", "mse_loss", input, target, reduction, weight, kernel)


def l1_loss(
    input: Tensor,
    target: ArrayLike | Tensor,
    reduction: Reduction = "mean",
    weight: ArrayLike | Tensor | None = None,
) -> Tensor:
    r"""Mean absolute error :math:`w |x - y|`, reduced; gradient :math:`w\,\mathrm{sign}(x - y)`.

    See :func:`nnlib.losses.l1_loss` and :class:`nnlib.losses.L1Loss`
    (:math:`\operatorname{sign} 0 = 0`). The target may require grad too.
    """
    kernel = (np.abs, np.sign)
    return _pointwise("L1LossBackward0", "l1_loss", input, target, reduction, weight, kernel)
