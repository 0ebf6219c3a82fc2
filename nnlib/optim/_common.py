"""Small helpers shared by the optimizers: flag and ``betas`` checks, PyTorch's ``lerp``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from nnlib._validation import check_number
from nnlib.parameter import Parameter

if TYPE_CHECKING:
    from nnlib.optim.optimizer import Optimizer

Array = NDArray[np.floating[Any]]


def _check_bool(value: Any, name: str, owner: str) -> bool:
    """Raise ``TypeError`` unless ``value`` is a bool (flags such as ``nesterov``)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: {name} must be True or False, got {value!r}")
    return bool(value)


def _check_betas(value: Any, owner: str) -> tuple[float, float]:
    """Check Adam's ``betas``: a pair of numbers, each in [0, 1)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{owner}: betas must be a pair (beta1, beta2), got {value!r}")
    beta1 = check_number(value[0], "betas[0]", owner, low=0.0, high=1.0, high_inclusive=False)
    beta2 = check_number(value[1], "betas[1]", owner, low=0.0, high=1.0, high_inclusive=False)
    return beta1, beta2


def _lerp_(start: Array, end: Array, weight: float) -> None:
    """``start += weight * (end - start)`` in place, in PyTorch's ``lerp_`` arithmetic.

    PyTorch evaluates ``start + w (end - start)`` when ``|w| < 0.5`` and
    ``end - (end - start)(1 - w)`` otherwise, so both ends are exact.
    """
    difference = np.subtract(end, start)  # one temporary, then in place
    if abs(weight) < 0.5:
        difference *= weight
        start += difference
    else:
        difference *= 1 - weight
        np.subtract(end, difference, out=start)


def _check_denominator(optimizer: Optimizer, param: Parameter, denom: Array) -> None:
    """With ``eps = 0`` a coordinate whose gradients were all 0 would divide 0 by 0: refuse."""
    if np.all(denom > 0):
        return
    index = next(i for i, p in optimizer._params() if p is param)
    raise ValueError(
        f"{type(optimizer).__name__}.step: the denominator is 0 for parameter {index} "
        "(eps = 0 and a coordinate whose gradients have all been 0); expected eps > 0"
    )
