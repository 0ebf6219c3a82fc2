"""Plain fills: ``uniform_``, ``normal_``, ``constant_``, ``zeros_``, ``ones_``."""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from nnlib._random import RNGLike, as_generator
from nnlib._validation import check_number
from nnlib.parameter import Parameter

__all__ = ["constant_", "normal_", "ones_", "uniform_", "zeros_"]

T = TypeVar("T", Parameter, NDArray[Any])


def _target(tensor: Parameter | NDArray[Any], owner: str) -> NDArray[Any]:
    """The array to fill: a Parameter's data or a writable floating ndarray."""
    array = tensor.data if isinstance(tensor, Parameter) else tensor
    if not isinstance(array, np.ndarray):
        raise TypeError(
            f"{owner}: tensor must be a Parameter or a numpy.ndarray, got {type(tensor).__name__}"
        )
    if array.dtype.kind != "f":
        raise TypeError(
            f"{owner}: tensor has dtype {array.dtype}; expected a floating-point array "
            "(float32 or float64)"
        )
    if not array.flags.writeable:
        raise ValueError(f"{owner}: tensor is read-only; expected a writable array to fill")
    return array


def _generator(rng: RNGLike, generator: RNGLike, owner: str) -> np.random.Generator:
    if rng is not None and generator is not None:
        raise TypeError(f"{owner}: pass rng or its alias generator, not both")
    return as_generator(rng if generator is None else generator, owner)


def _fill(array: NDArray[Any], values: NDArray[Any] | float) -> None:
    array[...] = values


def uniform_(
    tensor: T, a: float = 0.0, b: float = 1.0, rng: RNGLike = None, *, generator: RNGLike = None
) -> T:
    r"""Fill with :math:`U(a, b)`; variance :math:`(b - a)^2/12`.

    Examples
    --------
    >>> import numpy as np
    >>> w = uniform_(np.empty((2, 3)), -1.0, 1.0, rng=0)
    >>> bool(np.all(np.abs(w) <= 1.0))
    True
    """
    array = _target(tensor, "uniform_")
    low = check_number(a, "a", "uniform_")
    high = check_number(b, "b", "uniform_", low=low)
    _fill(array, _generator(rng, generator, "uniform_").uniform(low, high, size=array.shape))
    return tensor


def normal_(
    tensor: T,
    mean: float = 0.0,
    std: float = 1.0,
    rng: RNGLike = None,
    *,
    generator: RNGLike = None,
) -> T:
    r"""Fill with :math:`\mathcal N(\text{mean}, \text{std}^2)`.

    Examples
    --------
    >>> import numpy as np
    >>> normal_(np.empty(3), std=0.0).tolist()
    [0.0, 0.0, 0.0]
    """
    array = _target(tensor, "normal_")
    mu = check_number(mean, "mean", "normal_")
    sigma = check_number(std, "std", "normal_", low=0.0)
    _fill(array, _generator(rng, generator, "normal_").normal(mu, sigma, size=array.shape))
    return tensor


def constant_(tensor: T, val: float) -> T:
    """Fill with ``val``.

    Examples
    --------
    >>> import numpy as np
    >>> constant_(np.empty(2), 0.5).tolist()
    [0.5, 0.5]
    """
    array = _target(tensor, "constant_")
    _fill(array, check_number(val, "val", "constant_"))
    return tensor


def zeros_(tensor: T) -> T:
    """Fill with 0."""
    _fill(_target(tensor, "zeros_"), 0.0)
    return tensor


def ones_(tensor: T) -> T:
    """Fill with 1."""
    _fill(_target(tensor, "ones_"), 1.0)
    return tensor
