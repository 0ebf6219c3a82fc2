"""``LRScheduler``, the base of the schedules, and ``LambdaLR``, a schedule from any function."""

from __future__ import annotations

import copy
import types
from collections.abc import Callable, Mapping
from typing import Any

from nnlib._validation import check_number
from nnlib.optim.optimizer import Optimizer

__all__ = ["LRScheduler", "LambdaLR"]


class LRScheduler:
    r"""Base class: records ``initial_lr`` in each group and takes the first step.

    A subclass implements :meth:`get_lr`, the recursion from the current
    ``group["lr"]`` to the next; :meth:`step` calls it and writes the result.
    Construction already counts as epoch 0 (``last_epoch == 0``).

    Parameters
    ----------
    optimizer : Optimizer
        Whose ``param_groups[i]["lr"]`` the schedule sets.

    Attributes
    ----------
    base_lrs : list of float
        ``initial_lr`` of each group (set from ``lr`` if absent, as PyTorch does).
    last_epoch : int
        Number of :meth:`step` calls since construction.

    Raises
    ------
    TypeError
        If ``optimizer`` is not an :class:`~nnlib.optim.Optimizer`.

    Examples
    --------
    >>> from nnlib import Parameter
    >>> from nnlib.optim import SGD
    >>> from nnlib.optim.lr_scheduler import ExponentialLR
    >>> opt = SGD([Parameter([0.0])], lr=1.0)
    >>> sched = ExponentialLR(opt, gamma=0.5)
    >>> for epoch in range(2):
    ...     _ = opt.step()  # a real loop trains one epoch here
    ...     sched.step()
    >>> sched.last_epoch, sched.get_last_lr(), opt.param_groups[0]["initial_lr"]
    (2, [0.25], 1.0)
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: optimizer is a {type(optimizer).__name__}; expected "
                "an nnlib.optim.Optimizer"
            )
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The next learning rate of each group (called by :meth:`step`)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr")

    def step(self) -> None:
        """Advance one epoch and write the new learning rates into the groups."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = self._current()

    def get_last_lr(self) -> list[float]:
        """The learning rates the last :meth:`step` set, one per group."""
        return list(self._last_lr)

    def _current(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimizer, copied."""
        return {k: copy.deepcopy(v) for k, v in vars(self).items() if k != "optimizer"}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore attributes saved by :meth:`state_dict` (restore the optimizer's too).

        Raises
        ------
        ValueError
            If the dict has keys this scheduler does not have.
        """
        unknown = sorted(set(state_dict) - set(vars(self)))
        if unknown:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: unexpected keys {unknown}; expected "
                f"a state_dict of a {type(self).__name__}"
            )
        self.__dict__.update(copy.deepcopy(dict(state_dict)))


class LambdaLR(LRScheduler):
    r"""Set each group's learning rate to its initial one times a function of the epoch.

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    lr_lambda : callable or list of callables
        :math:`\phi(t)`, one for all groups or one per group.

    Raises
    ------
    TypeError
        If an ``lr_lambda`` is not callable.
    ValueError
        If their number differs from the number of groups, or (at a step) a
        factor is negative or not finite.

    Notes
    -----
    .. math:: \gamma_t = \gamma_0\, \phi(t)

    As in PyTorch, :meth:`state_dict` does not save plain functions (their
    entry is None) and saves the ``__dict__`` of callable objects.

    Differences from PyTorch: the factor :math:`\phi(t)` is checked to be
    finite and non-negative.

    Examples
    --------
    >>> from nnlib import Parameter
    >>> from nnlib.optim import SGD
    >>> opt = SGD([Parameter([0.0])], lr=1.0)
    >>> sched = LambdaLR(opt, lambda epoch: 0.5**epoch)
    >>> sched.step()
    >>> sched.step()
    >>> sched.get_last_lr()
    [0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
    ) -> None:
        groups = len(getattr(optimizer, "param_groups", []))
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != groups:
                raise ValueError(
                    f"LambdaLR: got {len(lr_lambda)} lr_lambdas; expected one per parameter "
                    f"group ({groups})"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda {fn!r} is not callable; expected a function")
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        name = f"lr_lambda({self.last_epoch})"
        factors = [
            check_number(fn(self.last_epoch), name, "LambdaLR", low=0.0) for fn in self.lr_lambdas
        ]
        return [base_lr * factor for base_lr, factor in zip(self.base_lrs, factors, strict=True)]

    def state_dict(self) -> dict[str, Any]:
        """As :meth:`LRScheduler.state_dict`, with functions replaced by None."""
        state = {
            k: copy.deepcopy(v)
            for k, v in vars(self).items()
            if k not in ("optimizer", "lr_lambdas")
        }
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else copy.deepcopy(fn.__dict__)
            for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`; the functions themselves are kept."""
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", [None] * len(self.lr_lambdas))
        if len(saved) != len(self.lr_lambdas):
            raise ValueError(
                f"LambdaLR.load_state_dict: got {len(saved)} lr_lambdas; expected "
                f"{len(self.lr_lambdas)}"
            )
        super().load_state_dict(state)
        for fn, attributes in zip(self.lr_lambdas, saved, strict=True):
            if attributes is not None:
                fn.__dict__.update(copy.deepcopy(attributes))
