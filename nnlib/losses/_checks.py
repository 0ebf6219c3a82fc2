"""Input checks shared by the losses (on top of :mod:`nnlib._validation`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._validation import as_array, check_nonempty, check_same_shape

__all__ = [
    "as_optional_weight",
    "as_weight",
    "check_broadcasts_to",
    "check_unit_interval",
    "first_index_text",
    "prepare_pair",
]

Array = NDArray[np.floating[Any]]


def first_index_text(name: str, mask: NDArray[np.bool_]) -> tuple[str, tuple[int, ...]]:
    """``("target[1, 2]", (1, 2))`` for the first True entry of ``mask``."""
    index = tuple(int(i) for i in np.argwhere(mask)[0])
    if not index:
        return name, index
    return f"{name}[{', '.join(str(i) for i in index)}]", index


def prepare_pair(input: ArrayLike, target: ArrayLike, owner: str) -> tuple[Array, Array]:
    """Convert ``input`` and ``target``; same shape, not empty, finite.

    The target is converted to the input's dtype, so float32 stays float32.
    """
    x = as_array(input, "input", owner)
    y = as_array(target, "target", owner)
    check_same_shape(x, y, ("input", "target"), owner)
    check_nonempty(x, "input", owner)
    return x, y.astype(x.dtype, copy=False)


def check_unit_interval(array: Array, name: str, owner: str) -> None:
    """Raise ``ValueError`` unless every entry lies in [0, 1]."""
    outside = (array < 0) | (array > 1)
    if outside.any():
        where, index = first_index_text(name, outside)
        raise ValueError(
            f"{owner}: {where} = {array[index].item()!r} is outside [0, 1]; "
            "expected probabilities in [0, 1]"
        )


def as_weight(weight: ArrayLike, name: str, owner: str) -> Array:
    """Convert a weight array (float64 copy); finite and non-negative."""
    w = np.array(as_array(weight, name, owner), dtype=np.float64)
    negative = w < 0
    if negative.any():
        where, index = first_index_text(name, negative)
        raise ValueError(
            f"{owner}: {where} = {w[index].item()!r} is negative; expected weights >= 0"
        )
    return w


def as_optional_weight(weight: ArrayLike | None, name: str, owner: str) -> Array | None:
    """:func:`as_weight`, or None for None (no weighting)."""
    return None if weight is None else as_weight(weight, name, owner)


def check_broadcasts_to(array: Array, shape: tuple[int, ...], name: str, owner: str) -> None:
    """Raise ``ValueError`` unless ``array`` broadcasts to exactly ``shape``."""
    try:
        ok = np.broadcast_shapes(array.shape, shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f"{owner}: {name} has shape {array.shape}, which does not broadcast to the "
            f"input's shape {shape}; expected a shape that broadcasts to it"
        )
