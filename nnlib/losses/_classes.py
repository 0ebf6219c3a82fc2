"""Checks for classification losses: score layout, class-index targets, class weights.

Scores come as ``(C,)`` (one sample), ``(N, C)`` or ``(N, C, d1, ...)``
(a class dimension at axis 1, as in PyTorch); class-index targets then have
shape ``()``, ``(N,)`` or ``(N, d1, ...)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._validation import as_array, check_nonempty
from nnlib.losses._checks import as_weight, check_unit_interval, first_index_text

__all__ = [
    "as_class_weight",
    "check_divisor",
    "check_indices",
    "class_scores",
    "class_weight",
    "split_target",
]

Array = NDArray[np.floating[Any]]
Indices = NDArray[np.int64]


def class_scores(input: ArrayLike, owner: str) -> Array:
    """Convert scores; at least 1-D, class axis 1 (or 0 when 1-D), not empty."""
    x = as_array(input, "input", owner)
    if x.ndim == 0:
        raise ValueError(
            f"{owner}: input has shape (); expected scores of shape (C,), (N, C) "
            "or (N, C, d1, ...)"
        )
    check_nonempty(x, "input", owner)
    return x


def split_target(
    target: ArrayLike, x: Array, owner: str, allow_probabilities: bool
) -> tuple[Indices | None, Array | None]:
    """Return ``(indices, None)`` for an integer target, ``(None, probabilities)`` for floats.

    Probabilities must have the input's shape and lie in [0, 1].
    """
    try:
        raw = np.asarray(target)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{owner}: target could not be converted to an array ({error})") from None
    expected = () if x.ndim == 1 else (x.shape[0], *x.shape[2:])

    def what() -> str:  # the expectation, for the error messages only
        text = f"integer class indices of shape {expected}"
        if allow_probabilities:
            text += f" or class probabilities of the input's shape {x.shape}"
        return text

    if raw.dtype.kind in "iu":
        if raw.shape != expected:
            raise ValueError(
                f"{owner}: target has shape {raw.shape} for input of shape {x.shape}; "
                f"expected {what()}"
            )
        return raw.astype(np.int64, copy=False), None
    if raw.dtype.kind == "f" and allow_probabilities:
        if raw.shape != x.shape:
            raise ValueError(
                f"{owner}: target has floating dtype {raw.dtype} and shape {raw.shape} for "
                f"input of shape {x.shape}; expected {what()}"
            )
        probabilities = as_array(raw, "target", owner)
        check_unit_interval(probabilities, "target", owner)
        return None, probabilities.astype(x.dtype, copy=False)
    raise TypeError(f"{owner}: target has dtype {raw.dtype}; expected {what()}")


def check_indices(indices: Indices, num_classes: int, ignore_index: int, owner: str) -> Any:
    """Return the mask of targets that count; raise on an index out of range."""
    valid = indices != ignore_index
    bad = valid & ((indices < 0) | (indices >= num_classes))
    if bad.any():
        where, index = first_index_text("target", bad)
        raise ValueError(
            f"{owner}: {where} = {int(indices[index])} is out of range; expected class "
            f"indices in [0, {num_classes}) or ignore_index = {ignore_index}"
        )
    return valid


def as_class_weight(weight: ArrayLike | None, owner: str, name: str = "weight") -> Array | None:
    """Convert a class-weight vector (1-D, finite, >= 0), or pass None through."""
    if weight is None:
        return None
    w = as_weight(weight, name, owner)
    if w.ndim != 1:
        raise ValueError(
            f"{owner}: {name} has shape {w.shape}; expected a 1-D array, one weight per class"
        )
    return w


def class_weight(weight: Array | None, num_classes: int, dtype: Any, owner: str) -> Array:
    """The weight vector in ``dtype`` (ones if None); checks it has ``num_classes`` entries."""
    if weight is None:
        return np.ones(num_classes, dtype=dtype)
    if weight.shape != (num_classes,):
        raise ValueError(
            f"{owner}: weight has shape {weight.shape}; expected one weight per class, "
            f"shape ({num_classes},)"
        )
    return weight.astype(dtype)


def check_divisor(divisor: float, reduction: str, ignore_index: int, owner: str) -> None:
    """Raise when a 'mean' would divide by a total weight of 0 (PyTorch returns nan)."""
    if reduction == "mean" and divisor == 0:
        raise ValueError(
            f"{owner}: with reduction='mean' the loss is divided by the total weight of the "
            f"targets not equal to ignore_index ({ignore_index}), and that total is 0 (every "
            "target is ignored or has weight 0); expected at least one counted target, or "
            "use reduction='sum'"
        )
