"""Stochastic gradient descent, with optional (Nesterov) momentum and weight decay."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from nnlib._validation import check_bool, check_number
from nnlib.optim.optimizer import Optimizer, ParamsT

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

    Parameters
    ----------
    params : iterable of Parameter, or iterable of dict
        Parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-3
        Learning rate :math:`\gamma \ge 0`.
    momentum : float, default 0
        Momentum factor :math:`\mu \ge 0`; 0 is plain gradient descent.
    dampening : float, default 0
        Dampening :math:`\tau` of the momentum: the new gradient enters the
        buffer with weight :math:`1 - \tau`.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient as
        :math:`\lambda \theta`.
    nesterov : bool, default False
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    maximize : bool, keyword-only, default False
        Climb the objective instead of descending it.

    Raises
    ------
    ValueError
        If a hyperparameter is negative or ``nesterov`` is set without
        momentum or with dampening (plus the errors of :class:`Optimizer`).

    Notes
    -----
    With :math:`g_t = \nabla f(\theta_{t-1})` (negated when ``maximize``),
    each :meth:`step` computes

    .. math::

        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        b_t &= \begin{cases} g_t & t = 1 \\
                             \mu b_{t-1} + (1 - \tau) g_t & t > 1 \end{cases} \\
        g_t &\leftarrow \begin{cases} g_t + \mu b_t & \text{Nesterov} \\
                                      b_t & \text{otherwise} \end{cases}
              \quad (\text{only if } \mu \ne 0) \\
        \theta_t &= \theta_{t-1} - \gamma g_t

    The first buffer is the gradient itself, without dampening, as in
    PyTorch. This form of momentum (the learning rate outside the buffer)
    differs from Polyak's heavy ball [1]_ and from Sutskever et al. [2]_ only by
    rescaling the buffer when :math:`\gamma` is constant. Derived in the
    chapter *Optimizers*.

    Differences from PyTorch: ``foreach``, ``differentiable`` and ``fused``
    do not exist (there is one NumPy implementation); ``lr`` is a float,
    not a tensor. See also :class:`Optimizer`.

    References
    ----------
    .. [1] Polyak (1964), Some methods of speeding up the convergence of
       iteration methods.
    .. [2] Sutskever, Martens, Dahl & Hinton (2013), On the importance of
       initialization and momentum in deep learning.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Parameter
    >>> w = Parameter(np.array([1.0, -2.0]))
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     w.grad = 2 * w.data  # gradient of |w|^2
    ...     _ = opt.step()
    >>> w.data
    array([ 0.46, -0.92])
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_options(self, options: Mapping[str, Any], owner: str) -> None:
        super()._check_options(options, owner)
        momentum = check_number(options["momentum"], "momentum", owner, low=0.0)
        dampening = check_number(options["dampening"], "dampening", owner)
        check_number(options["weight_decay"], "weight_decay", owner, low=0.0)
        nesterov = check_bool(options["nesterov"], "nesterov", owner)
        check_bool(options["maximize"], "maximize", owner)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                f"{owner}: nesterov=True needs momentum > 0 and dampening = 0; got "
                f"momentum={momentum:g}, dampening={dampening:g}"
            )

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Take one step; parameters whose ``.grad`` is None are skipped.

        Parameters
        ----------
        closure : callable, optional
            Recomputes the loss and the gradients; called first, its value returned.
        """
        loss = closure() if closure is not None else None
        for group, param, grad in self._grads():
            lr, momentum = group["lr"], group["momentum"]
            if group["maximize"]:
                grad = -grad
            if group["weight_decay"] != 0:
                grad = grad + group["weight_decay"] * param.data
            if momentum != 0:
                state = self.state.setdefault(param, {})
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = grad.copy()
                else:
                    buf *= momentum
                    buf += (1 - group["dampening"]) * grad
                grad = grad + momentum * buf if group["nesterov"] else buf
            param.data += -lr * grad
        return loss
