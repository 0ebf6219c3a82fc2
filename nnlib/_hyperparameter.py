r"""``Hyperparameter``: a module attribute checked whenever it is set.

A module declares each of its hyperparameters once, in the class body, with
the function that checks it::

    class Dropout(Module):
        p = Hyperparameter(check_number, low=0.0, high=1.0)

Then every assignment, ``self.p = p`` in ``__init__`` as well as
``dropout.p = 2.0`` later, runs ``check_number(value, name="p",
owner="Dropout", low=0.0, high=1.0)`` and stores what it returns, so
``forward`` can trust the value. A functional form with the same option
checks it with :meth:`Hyperparameter.validate`, or several at once with
:func:`check_options`. (Optimizers keep their
hyperparameters in parameter groups, which check assignments in the same
spirit; see :class:`~nnlib.optim.Optimizer`.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

__all__ = ["Hyperparameter", "check_options"]

T = TypeVar("T")


class Hyperparameter(Generic[T]):
    """A data descriptor: ``check(value, name=..., owner=..., **options)`` on every set.

    Parameters
    ----------
    check : callable
        Called with the value and the keywords ``name`` (the attribute's
        name), ``owner`` (the class name, for messages) and ``options``;
        returns the value to store (converted if need be) or raises
        ``TypeError``/``ValueError``.
    **options
        Extra keywords for ``check``, such as ``low=0.0``.
    """

    name: str

    def __init__(self, check: Callable[..., T], **options: Any) -> None:
        self.check = check
        self.options = options
        self.__doc__ = None  # the owning class's docstring documents the hyperparameter

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def validate(self, value: Any, owner: str) -> T:
        """Check ``value`` as an assignment would; return what would be stored."""
        return self.check(value, name=self.name, owner=owner, **self.options)

    @overload
    def __get__(self, instance: None, cls: type) -> Hyperparameter[T]: ...

    @overload
    def __get__(self, instance: object, cls: type | None = None) -> T: ...

    def __get__(self, instance: object | None, cls: type | None = None) -> Any:
        if instance is None:
            return self
        try:
            return instance.__dict__[self.name]
        except KeyError:
            raise AttributeError(
                f"{type(instance).__name__} has no value for {self.name!r} yet"
            ) from None

    def __set__(self, instance: object, value: Any) -> None:
        instance.__dict__[self.name] = self.validate(value, type(instance).__name__)


def check_options(cls: type, owner: str, **options: Any) -> dict[str, Any]:
    """Check each option as ``cls`` checks its hyperparameter of that name; return them.

    For a functional form: ``nll_loss`` calls ``check_options(NLLLoss,
    "nll_loss", weight=weight, ...)`` and passes the result on to the kernel.
    """
    return {name: getattr(cls, name).validate(value, owner) for name, value in options.items()}
