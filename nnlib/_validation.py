"""Input and hyperparameter checks shared by the whole library.

Every public entry point validates what a user hands it and raises an error
that names the owner (``"Sigmoid"``, ``"Adam"``), what was wrong and what was
expected. Internals trust their callers and do not re-check. Every module
checks its own input in ``forward`` and its ``grad_output`` in ``backward``,
also inside a ``Sequential``; hyperparameters are checked when they are set
(``Hyperparameter``, in ``nnlib/_hyperparameter.py``), not on every call.

Conventions
-----------
* ``TypeError`` for the wrong kind of object (a string where an array is
  expected, a bool where a float is expected, a complex array).
* ``ValueError`` for a bad value or shape (NaN, a negative learning rate,
  mismatched shapes).
* ``RuntimeError`` for calls in the wrong order (``backward`` before
  ``forward``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "NonFiniteError",
    "as_array",
    "check_bool",
    "check_choice",
    "check_finite",
    "check_forward_done",
    "check_grad_output",
    "check_int",
    "check_nonempty",
    "check_number",
    "check_same_shape",
    "check_shape",
    "first_nonfinite",
]

T = TypeVar("T")


def _describe(value: Any) -> str:
    """Short, safe description of an object for an error message."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {type(value).__name__})"


def as_array(
    value: Any,
    name: str,
    owner: str,
    *,
    allow_nonfinite: bool = False,
) -> NDArray[np.floating[Any]]:
    """Convert ``value`` to a floating-point NumPy array, or raise.

    Floating inputs keep their dtype (float32 stays float32); booleans and
    integers become float64. Strings, objects and complex numbers are refused.

    Parameters
    ----------
    value : array_like
        What the user passed.
    name : str
        Its name in the public API (``"input"``, ``"target"``).
    owner : str
        The class or function that received it, used as the message prefix.
    allow_nonfinite : bool, default False
        Accept NaN and infinities (for functions where they have a meaning).

    Returns
    -------
    numpy.ndarray
        A floating-point array (a view of ``value`` when no conversion was
        needed).

    Raises
    ------
    TypeError
        If ``value`` is not numeric or is complex.
    ValueError
        If it holds NaN or infinity and ``allow_nonfinite`` is False.
    """
    if type(value) is float and math.isfinite(value):  # e.g. loss.backward(1.0): no array check
        return np.asarray(value)
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists, for example
        raise TypeError(
            f"{owner}: {name} could not be converted to a numeric array ({error}); "
            "expected a real-valued array of numbers"
        ) from None
    kind = array.dtype.kind
    if kind == "f":
        pass
    elif kind in "biu":
        array = array.astype(np.float64)
    elif kind == "c":
        raise TypeError(
            f"{owner}: {name} has complex dtype {array.dtype}; expected a real-valued array"
        )
    else:
        raise TypeError(
            f"{owner}: {name} has dtype {array.dtype} and is not numeric; "
            f"expected a real-valued array of numbers, got {_describe(value)}"
        )
    if not allow_nonfinite:
        check_finite(array, name, owner)
    return array


def first_nonfinite(array: NDArray[Any]) -> str | None:
    r"""``None`` if ``array`` is finite, else a description: how many, where the first is.

    The usual answer, finite, comes from one number: the sum of squares
    :math:`\sum_i x_i^2` is finite only if every :math:`x_i` is (a NaN or an
    infinity makes it NaN or infinite), and the BLAS dot product computes it
    in one pass without a temporary array, up to twice as fast as
    ``np.isfinite``. A sum that is not finite (a bad element, or squares of
    finite numbers too large to add up) sends the array to the element-wise
    test, which decides.
    """
    if array.dtype.kind == "f" and math.isfinite(np.vdot(array, array)):
        return None
    finite = np.isfinite(array)
    if np.count_nonzero(finite) == finite.size:  # cheaper than finite.all()
        return None
    bad = np.argwhere(~finite)
    count = len(bad)
    where = tuple(int(i) for i in bad[0])
    index = where if len(where) != 1 else where[0]
    return (
        f"{count} non-finite value{'s' if count > 1 else ''} "
        f"(first at index {index}: {array[tuple(bad[0])]})"
    )


class NonFiniteError(ValueError):
    """A ``ValueError`` for an array that holds NaN or an infinity where finite numbers are needed.

    A subclass so that ``fit`` can tell a value that became non-finite during a
    step (divergence) from other errors; users catch it as ``ValueError``.
    """


def check_finite(array: NDArray[Any], name: str, owner: str) -> None:
    """Raise :class:`NonFiniteError` (a ``ValueError``) if ``array`` holds NaN or an infinity."""
    problem = first_nonfinite(array)
    if problem is not None:
        raise NonFiniteError(f"{owner}: {name} holds {problem}; expected finite numbers")


def check_nonempty(array: NDArray[Any], name: str, owner: str) -> None:
    """Raise ``ValueError`` if ``array`` has no elements."""
    if array.size == 0:
        raise ValueError(
            f"{owner}: {name} is empty (shape {array.shape}); expected at least one element"
        )


def check_shape(array: NDArray[Any], expected: tuple[int, ...], name: str, owner: str) -> None:
    """Raise ``ValueError`` unless ``array.shape == expected``."""
    if array.shape != tuple(expected):
        raise ValueError(
            f"{owner}: {name} has shape {array.shape}; expected shape {tuple(expected)}"
        )


def check_same_shape(
    first: NDArray[Any],
    second: NDArray[Any],
    names: tuple[str, str],
    owner: str,
) -> None:
    """Raise ``ValueError`` unless two arrays have the same shape."""
    if first.shape != second.shape:
        raise ValueError(
            f"{owner}: {names[0]} has shape {first.shape} but {names[1]} has shape "
            f"{second.shape}; expected the same shape"
        )


def check_number(
    value: Any,
    name: str,
    owner: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Check that a hyperparameter is a finite real number in a range.

    Returns the value as a Python ``float``.

    Raises
    ------
    TypeError
        If ``value`` is a bool or not a real number.
    ValueError
        If it is NaN, infinite, or outside the range.
    """
    # A float is the usual case, and testing for it is much cheaper than the ABC check.
    if type(value) is not float and (
        isinstance(value, bool) or not isinstance(value, numbers.Real)
    ):
        raise TypeError(f"{owner}: {name} must be a real number, got {_describe(value)}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{owner}: {name} must be finite, got {number}")
    too_low = low is not None and (number < low if low_inclusive else number <= low)
    too_high = high is not None and (number > high if high_inclusive else number >= high)
    if too_low or too_high:
        left = "-inf" if low is None else f"{low:g}"
        right = "inf" if high is None else f"{high:g}"
        bracket_l = "[" if (low_inclusive and low is not None) else "("
        bracket_r = "]" if (high_inclusive and high is not None) else ")"
        raise ValueError(
            f"{owner}: {name} = {value!r} is out of range; "
            f"expected a value in {bracket_l}{left}, {right}{bracket_r}"
        )
    return number


def check_int(
    value: Any,
    name: str,
    owner: str,
    *,
    low: int | None = None,
    high: int | None = None,
) -> int:
    """Check that a hyperparameter is an integer in ``[low, high]``."""
    # An int is the usual case, and testing for it is much cheaper than the ABC check.
    if type(value) is not int and (
        isinstance(value, bool) or not isinstance(value, numbers.Integral)
    ):
        raise TypeError(f"{owner}: {name} must be an integer, got {_describe(value)}")
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        left = "-inf" if low is None else str(low)
        right = "inf" if high is None else str(high)
        raise ValueError(
            f"{owner}: {name} = {number} is out of range; expected an integer in [{left}, {right}]"
        )
    return number


def check_bool(value: Any, name: str, owner: str) -> bool:
    """Check that a flag (``amsgrad``, ``log_target``) is True or False; return a ``bool``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: {name} must be True or False, got {value!r}")
    return bool(value)


def check_choice(value: T, choices: Sequence[T], name: str, owner: str) -> T:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{owner}: {name} = {value!r} is not valid; expected one of {listed}")
    return value


def check_forward_done(cached: T | None, owner: str) -> T:
    """Return ``cached``, or raise ``RuntimeError`` if it is None: no forward pass yet."""
    if cached is None:
        raise RuntimeError(
            f"{owner}.backward was called before forward; call the module on an input "
            "first, then backward with the gradient of the loss with respect to its output"
        )
    return cached


def check_grad_output(
    grad_output: Any, shape: tuple[int, ...], owner: str
) -> NDArray[np.floating[Any]]:
    """Convert ``grad_output`` and check it matches the forward output's shape."""
    grad = as_array(grad_output, "grad_output", f"{owner}.backward")
    if grad.shape != tuple(shape):
        raise ValueError(
            f"{owner}.backward: grad_output has shape {grad.shape}; expected the shape of "
            f"the forward output, {tuple(shape)}"
        )
    return grad


def names_of(items: Iterable[str]) -> str:
    """Join names for a message: ``'a', 'b'``."""
    return ", ".join(repr(item) for item in items)
