r"""What ``BatchNorm1d`` and ``LayerNorm`` share: checks and the normalisation's backward."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib._validation import check_number

__all__ = ["check_momentum", "normalized_backward"]

Array = NDArray[np.floating[Any]]


def check_momentum(value: Any, name: str, owner: str) -> float | None:
    """``None`` (a cumulative average) or a number in ``[0, 1]``."""
    if value is None:
        return None
    return check_number(value, name, owner, low=0.0, high=1.0)


def normalized_backward(
    grad_xhat: Array, x_hat: Array, inv_std: Array, axes: tuple[int, ...]
) -> Array:
    r"""Gradient with respect to :math:`x` of :math:`\hat x = (x - \mu)/\sigma` over ``axes``.

    With :math:`m` values per group, :math:`g = \partial L/\partial\hat x`:

    .. math:: \frac{\partial L}{\partial x} = \frac{1}{m\sigma}
              \Big(m g - \sum g - \hat x \sum g \hat x\Big),

    the sums running over the group (``axes``).
    """
    count = int(np.prod([x_hat.shape[axis] for axis in axes]))
    sum_g = grad_xhat.sum(axis=axes, keepdims=True)
    sum_g_xhat = (grad_xhat * x_hat).sum(axis=axes, keepdims=True)
    grad_input: Array = (inv_std / count) * (count * grad_xhat - sum_g - x_hat * sum_g_xhat)
    return grad_input
