"""RMSprop: per-coordinate learning rates from a moving average of squared gradients."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from nnlib._validation import check_bool, check_number
from nnlib.optim._common import _check_denominator, _lerp_
from nnlib.optim.optimizer import Optimizer, ParamsT

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop: divide the gradient by a running root mean square of recent gradients.

    Parameters
    ----------
    params : iterable of Parameter, or iterable of dict
        Parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-2
        Learning rate :math:`\gamma \ge 0`.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha \in [0, 1)` of the squared-gradient average.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added to the root for stability.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient.
    momentum : float, default 0
        Momentum factor :math:`\mu \ge 0` applied to the normalized step.
    centered : bool, default False
        Divide by an estimate of the standard deviation (subtracting the
        squared mean gradient) instead of the root mean square.
    maximize : bool, keyword-only, default False
        Climb the objective instead of descending it.

    Raises
    ------
    ValueError
        If a hyperparameter is negative or ``alpha`` is not in [0, 1) (plus
        the errors of :class:`Optimizer`).

    Notes
    -----
    With :math:`g_t = \nabla f(\theta_{t-1})` (negated when ``maximize``)
    and :math:`v_0 = \bar g_0 = b_0 = 0`, each step computes, element-wise,

    .. math::

        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t \ \text{(if centered)} \\
        \tilde v_t &= v_t - \bar g_t^2 \ \text{if centered, else}\ \tilde v_t = v_t \\
        b_t &= \mu b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon} \quad (\mu > 0) \\
        \theta_t &= \theta_{t-1} - \gamma b_t \quad (\mu > 0) \\
        \theta_t &= \theta_{t-1} - \gamma \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}
            \quad (\mu = 0)

    Proposed in a lecture by Tieleman & Hinton [1]_; the centered form is
    Graves' [2]_. Derived in the chapter *Optimizers*.

    Differences from PyTorch: ``capturable``, ``foreach`` and
    ``differentiable`` do not exist, so ``maximize`` is keyword-only here
    (PyTorch lets it be passed by position, after ``foreach``); ``alpha``
    must be below 1 (PyTorch accepts any ``alpha >= 0``, and with ``alpha >= 1``
    the average never learns the gradient's scale); the centered variance
    :math:`v_t - \bar g_t^2`, never negative in exact arithmetic, is clamped
    at 0 against round-off (PyTorch would return NaN); with ``eps = 0`` a
    zero denominator raises ``ValueError``. See also :class:`Optimizer`.

    References
    ----------
    .. [1] Tieleman & Hinton (2012), Lecture 6.5, rmsprop: divide the
       gradient by a running average of its recent magnitude. COURSERA:
       Neural Networks for Machine Learning.
    .. [2] Graves (2013), Generating sequences with recurrent neural networks.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Parameter
    >>> w = Parameter(np.array([1.0]))
    >>> opt = RMSprop([w], lr=0.01, alpha=0.75, eps=0.0)
    >>> w.grad = np.array([3.0])
    >>> _ = opt.step()  # v = 0.25 * 9, step = 0.01 * 3 / 1.5
    >>> w.data
    array([0.98])
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_options(self, options: Mapping[str, Any], owner: str) -> None:
        super()._check_options(options, owner)
        check_number(options["alpha"], "alpha", owner, low=0.0, high=1.0, high_inclusive=False)
        check_number(options["eps"], "eps", owner, low=0.0)
        check_number(options["weight_decay"], "weight_decay", owner, low=0.0)
        check_number(options["momentum"], "momentum", owner, low=0.0)
        check_bool(options["centered"], "centered", owner)
        check_bool(options["maximize"], "maximize", owner)

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Take one step; parameters whose ``.grad`` is None are skipped.

        Parameters
        ----------
        closure : callable, optional
            Recomputes the loss and the gradients; called first, its value returned.
        """
        loss = closure() if closure is not None else None
        for group, param, grad in self._grads():
            alpha, momentum = group["alpha"], group["momentum"]
            state = self.state.setdefault(param, {})
            if not state:
                state["step"] = 0
                state["square_avg"] = np.zeros_like(param.data)
                if momentum > 0:
                    state["momentum_buffer"] = np.zeros_like(param.data)
                if group["centered"]:
                    state["grad_avg"] = np.zeros_like(param.data)
            state["step"] += 1
            if group["maximize"]:
                grad = -grad
            if group["weight_decay"] != 0:
                grad = grad + group["weight_decay"] * param.data
            square_avg = state["square_avg"]
            square_avg *= alpha
            square_avg += (1 - alpha) * grad * grad
            if group["centered"]:
                grad_avg = state["grad_avg"]
                _lerp_(grad_avg, grad, 1 - alpha)
                # v - g^2 >= 0 in exact arithmetic; rounding may leave -1e-20.
                avg = np.sqrt(np.maximum(square_avg - grad_avg * grad_avg, 0))
            else:
                avg = np.sqrt(square_avg)
            avg += group["eps"]
            if group["eps"] == 0:
                _check_denominator(self, param, avg)
            if momentum > 0:
                buf = state["momentum_buffer"]
                buf *= momentum
                buf += grad / avg
                param.data += -group["lr"] * buf
            else:
                param.data += (-group["lr"] * grad) / avg
        return loss
