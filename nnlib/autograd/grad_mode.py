"""Whether operations are recorded for a backward pass: ``no_grad`` and friends.

Recording costs time and keeps intermediate arrays alive. Evaluating a
model, or updating its parameters by hand, needs neither, so it runs inside
``with no_grad():``, where every result is a constant.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Any

__all__ = ["enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled"]

_enabled = True


def is_grad_enabled() -> bool:
    """True if new operations are recorded (the default), False inside ``no_grad``.

    Examples
    --------
    >>> is_grad_enabled()
    True
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return _enabled


class _SwitchMode(contextlib.ContextDecorator):
    """Set the mode to ``_mode`` on entering, restore the previous one on leaving."""

    _mode: bool

    def __enter__(self) -> None:
        global _enabled
        self._previous = _enabled
        _enabled = self._mode

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        global _enabled
        _enabled = self._previous


class set_grad_enabled(_SwitchMode):
    r"""Turn recording on or off: at once, and back to what it was when used with ``with``.

    Parameters
    ----------
    mode : bool
        Record operations (True) or not (False).

    Notes
    -----
    Differences from PyTorch: the mode is global to the process, not per
    thread.

    Examples
    --------
    >>> with set_grad_enabled(False):
    ...     is_grad_enabled()
    False
    >>> is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        global _enabled
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled: mode must be a bool, got {type(mode).__name__}")
        self._previous = _enabled
        self._mode = mode
        _enabled = mode

    def __call__(self, func: Any) -> Any:
        global _enabled
        _enabled = self._previous  # as a decorator it changes nothing until called
        return super().__call__(func)

    def _recreate_cm(self) -> set_grad_enabled:
        return set_grad_enabled(self._mode)  # each call sets the mode afresh

    def __enter__(self) -> None:
        global _enabled
        _enabled = self._mode  # the mode to restore was taken when the object was made


class no_grad(_SwitchMode):
    r"""Context manager (or decorator) inside which no operation is recorded.

    Results computed inside have ``requires_grad=False`` and no ``grad_fn``,
    whatever their inputs; on leaving, the previous mode returns.

    Examples
    --------
    >>> from nnlib.autograd import tensor
    >>> w = tensor([1.0, 2.0], requires_grad=True)
    >>> with no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    >>> @no_grad()
    ... def evaluate(x):
    ...     return (x * x).sum()
    >>> evaluate(w).requires_grad
    False
    """

    _mode = False


class enable_grad(_SwitchMode):
    """Context manager (or decorator) that turns recording back on, e.g. inside ``no_grad``."""

    _mode = True
