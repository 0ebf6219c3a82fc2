"""What the functional forms share: turning arguments into arrays, one node per call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib.autograd.recording import record
from nnlib.autograd.tensor import Tensor

__all__ = ["as_tensor", "constant", "elementwise"]

Array = NDArray[Any]


def as_tensor(value: Any) -> Tensor:
    """``value`` if it is a tensor, else a constant tensor holding it (floats as float64)."""
    if isinstance(value, Tensor):
        return value
    array = np.asarray(value)
    return Tensor(array if array.dtype.kind == "f" else array.astype(np.float64))


def constant(value: Any, name: str, owner: str) -> Any:
    """The array of a target or weight: tensors that require grad are refused."""
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise ValueError(
                f"{owner}: {name} requires grad, but gradients with respect to {name} are not "
                f"supported here; pass {name}.detach()"
            )
        return value.data
    return value


def elementwise(
    name: str, input: Any, value: Callable[[Array], Array], slope: Callable[[Array], Array]
) -> Tensor:
    r""":math:`y = f(x)` element-wise as one node whose VJP is :math:`g\,f'(x)`."""
    x = as_tensor(input)
    data = x.data
    return record(name, value(data), (x,), (lambda grad: grad * slope(data),))
