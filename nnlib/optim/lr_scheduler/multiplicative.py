"""Schedules that multiply the rate by a constant: StepLR, MultiStepLR, ExponentialLR."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import check_int, check_number
from nnlib.optim.lr_scheduler.scheduler import LRScheduler
from nnlib.optim.optimizer import Optimizer

__all__ = ["ExponentialLR", "MultiStepLR", "StepLR"]


def _check_milestones(milestones: Any, name: str, owner: str) -> list[int]:
    """MultiStepLR's milestones: strictly increasing epochs, as a list of ints."""
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
        raise TypeError(
            f"{owner}: {name} is a {type(milestones).__name__}; expected a list of ints"
        )
    epochs = [check_int(m, f"{name}[{i}]", owner, low=0) for i, m in enumerate(milestones)]
    for i in range(1, len(epochs)):
        if epochs[i] <= epochs[i - 1]:
            raise ValueError(
                f"{owner}: {name} {epochs} are not increasing at position {i}; expected "
                "strictly increasing epochs"
            )
    return epochs


class StepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    step_size : int
        Period :math:`s \ge 1` in epochs.
    gamma : float, default 0.1
        Factor :math:`\rho > 0`.

    Raises
    ------
    ValueError
        If ``step_size < 1`` or ``gamma <= 0``.

    Notes
    -----
    .. math:: \gamma_t = \gamma_0\, \rho^{\lfloor t / s \rfloor}

    computed recursively: :math:`\gamma_t = \rho\,\gamma_{t-1}` when
    :math:`s` divides :math:`t > 0`, else :math:`\gamma_t = \gamma_{t-1}`.

    Examples
    --------
    >>> from nnlib import Parameter
    >>> from nnlib.optim import SGD
    >>> sched = StepLR(SGD([Parameter([0.0])], lr=1.0), step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     sched.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    step_size = Hyperparameter(check_int, low=1)
    gamma = Hyperparameter(check_number, low=0.0, low_inclusive=False)

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class MultiStepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` at each milestone epoch.

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    milestones : iterable of int
        Strictly increasing epochs :math:`t_1 < t_2 < \dots`, each >= 0.
    gamma : float, default 0.1
        Factor :math:`\rho > 0`.

    Raises
    ------
    TypeError
        If ``milestones`` is not an iterable of ints.
    ValueError
        If milestones are negative or not increasing, or ``gamma <= 0``.

    Notes
    -----
    .. math:: \gamma_t = \gamma_0\, \rho^{\#\{i \,:\, t_i \le t\}}

    computed recursively (one multiplication at each milestone).

    Differences from PyTorch: milestones must be strictly increasing
    (PyTorch sorts them and applies ``gamma`` once per repetition) and are
    stored as a list, not a ``Counter``.

    Examples
    --------
    >>> from nnlib import Parameter
    >>> from nnlib.optim import SGD
    >>> sched = MultiStepLR(SGD([Parameter([0.0])], lr=1.0), milestones=[1, 3], gamma=0.5)
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     sched.step()
    >>> lrs
    [1.0, 0.5, 0.5, 0.25]
    """

    milestones = Hyperparameter(_check_milestones)
    gamma = Hyperparameter(check_number, low=0.0, low_inclusive=False)

    def __init__(
        self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1
    ) -> None:
        self.milestones = milestones
        self.gamma = gamma
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class ExponentialLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every epoch.

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    gamma : float
        Factor :math:`\rho > 0`.

    Raises
    ------
    ValueError
        If ``gamma <= 0``.

    Notes
    -----
    .. math:: \gamma_t = \gamma_0\, \rho^t

    computed as :math:`\gamma_t = \rho\,\gamma_{t-1}`.

    Examples
    --------
    >>> from nnlib import Parameter
    >>> from nnlib.optim import SGD
    >>> sched = ExponentialLR(SGD([Parameter([0.0])], lr=1.0), gamma=0.5)
    >>> sched.step()
    >>> sched.step()
    >>> sched.get_last_lr()
    [0.25]
    """

    gamma = Hyperparameter(check_number, low=0.0, low_inclusive=False)

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self.gamma = gamma
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._current()
        return [lr * self.gamma for lr in self._current()]
