"""Loss functions: PyTorch's names, arguments and reductions, with explicit backward passes.

Each loss is a :class:`~nnlib.Module` called as ``loss(input, target)``; its
``backward(grad_output=1.0)`` returns the gradient with respect to ``input``.
The functional forms (``mse_loss``, ``cross_entropy``, ...) share the same
implementation and are also exported by :mod:`nnlib.functional`. Derived and
verified in the chapter *Loss functions*.
"""

from nnlib.losses.binary import (
    BCELoss,
    BCEWithLogitsLoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
)
from nnlib.losses.categorical import CrossEntropyLoss, cross_entropy
from nnlib.losses.divergence import KLDivLoss, kl_div
from nnlib.losses.nll import NLLLoss, nll_loss
from nnlib.losses.regression import L1Loss, MSELoss, l1_loss, mse_loss
from nnlib.losses.robust import HuberLoss, SmoothL1Loss, huber_loss, smooth_l1_loss

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "MSELoss",
    "NLLLoss",
    "SmoothL1Loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "mse_loss",
    "nll_loss",
    "smooth_l1_loss",
]
