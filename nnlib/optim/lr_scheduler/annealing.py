"""Schedules that follow a curve over a fixed horizon: ``CosineAnnealingLR``, ``LinearLR``."""

from __future__ import annotations

import math

from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import check_int, check_number
from nnlib.optim.lr_scheduler.scheduler import LRScheduler
from nnlib.optim.optimizer import Optimizer

__all__ = ["CosineAnnealingLR", "LinearLR"]


class CosineAnnealingLR(LRScheduler):
    r"""Anneal the learning rate along half a cosine from its initial value to ``eta_min``.

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    T_max : int
        Half-period :math:`T \ge 1` in epochs.
    eta_min : float, default 0
        Minimum :math:`\eta_{\min} \ge 0`.

    Raises
    ------
    ValueError
        If ``T_max < 1`` or ``eta_min < 0``.

    Notes
    -----
    The closed form [1]_ is

    .. math:: \gamma_t = \eta_{\min} + (\gamma_0 - \eta_{\min})\,
              \frac{1 + \cos(\pi t / T)}{2},

    which PyTorch, and so nnlib, evaluates recursively:
    :math:`\gamma_t = \eta_{\min} + (\gamma_{t-1} - \eta_{\min})
    \frac{1 + \cos(\pi t / T)}{1 + \cos(\pi (t-1) / T)}`, except where
    that ratio is 0/0 (:math:`t - 1 - T` a multiple of :math:`2T`):
    there :math:`\gamma_t = \gamma_{t-1} + (\gamma_0 - \eta_{\min})
    \frac{1 - \cos(\pi / T)}{2}`. After :math:`T` epochs the rate rises
    again (period :math:`2T`); there are no restarts.

    References
    ----------
    .. [1] Loshchilov & Hutter (2017), SGDR: stochastic gradient descent
       with warm restarts.

    Examples
    --------
    >>> from nnlib import Parameter
    >>> from nnlib.optim import SGD
    >>> sched = CosineAnnealingLR(SGD([Parameter([0.0])], lr=1.0), T_max=2)
    >>> lrs = []
    >>> for _ in range(3):
    ...     lrs.append(round(sched.get_last_lr()[0], 12))
    ...     sched.step()
    >>> lrs
    [1.0, 0.5, 0.0]
    """

    T_max = Hyperparameter(check_int, low=1)
    eta_min = Hyperparameter(check_number, low=0.0)

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        epoch, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current()
        if (epoch - 1 - T) % (2 * T) == 0:
            return [
                lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for base_lr, lr in zip(self.base_lrs, self._current(), strict=True)
            ]
        ratio = (1 + math.cos(math.pi * epoch / T)) / (1 + math.cos(math.pi * (epoch - 1) / T))
        return [ratio * (lr - eta_min) + eta_min for lr in self._current()]


class LinearLR(LRScheduler):
    r"""Scale the learning rate by a factor going linearly from start_factor to end_factor.

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    start_factor : float, default 1/3
        Factor :math:`a \in (0, 1]` at epoch 0.
    end_factor : float, default 1.0
        Factor :math:`b \in [0, 1]` from epoch ``total_iters`` on.
    total_iters : int, default 5
        Length :math:`n \ge 1` of the ramp. With :math:`a < b = 1` this is
        the linear warm-up of Goyal et al. [1]_.

    Raises
    ------
    ValueError
        If a factor is out of range or ``total_iters < 1``.

    Notes
    -----
    .. math:: \gamma_t = \gamma_0 \Bigl(a + (b - a)\frac{\min(t, n)}{n}\Bigr)

    computed recursively as PyTorch does: first :math:`\gamma \leftarrow
    a\gamma_0`, then :math:`\gamma_t = \gamma_{t-1}\bigl(1 + \frac{b - a}{n
    a + (t - 1)(b - a)}\bigr)` for :math:`1 \le t \le n`, unchanged after.

    References
    ----------
    .. [1] Goyal et al. (2017), Accurate, large minibatch SGD: training
       ImageNet in 1 hour.

    Examples
    --------
    >>> from nnlib import Parameter
    >>> from nnlib.optim import SGD
    >>> sched = LinearLR(SGD([Parameter([0.0])], lr=1.0), start_factor=0.25, total_iters=3)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(round(sched.get_last_lr()[0], 12))
    ...     sched.step()
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    start_factor = Hyperparameter(check_number, low=0.0, high=1.0, low_inclusive=False)
    end_factor = Hyperparameter(check_number, low=0.0, high=1.0)
    total_iters = Hyperparameter(check_int, low=1)

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ) -> None:
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        epoch, a, b, n = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        if epoch == 0:
            return [lr * a for lr in self._current()]
        if epoch > n:
            return self._current()
        return [lr * (1.0 + (b - a) / (n * a + (epoch - 1) * (b - a))) for lr in self._current()]
