"""AdaGrad: per-coordinate learning rates from the sum of squared gradients."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from nnlib._validation import check_bool, check_number
from nnlib.optim._common import _check_denominator
from nnlib.optim.optimizer import Optimizer, ParamsT

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""AdaGrad: divide each coordinate's step by the root of its summed squared gradients.

    Parameters
    ----------
    params : iterable of Parameter, or iterable of dict
        Parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-2
        Learning rate :math:`\gamma \ge 0`.
    lr_decay : float, default 0
        Decay :math:`\eta \ge 0` of the learning rate with the step count.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient.
    initial_accumulator_value : float, default 0
        Starting value :math:`s_0 \ge 0` of the sum of squares.
    eps : float, default 1e-10
        :math:`\epsilon \ge 0`, added to the root for stability.
    maximize : bool, keyword-only, default False
        Climb the objective instead of descending it.

    Raises
    ------
    ValueError
        If a hyperparameter is negative (plus the errors of :class:`Optimizer`).

    Notes
    -----
    With :math:`g_t = \nabla f(\theta_{t-1})` (negated when ``maximize``),
    step :math:`t = 1, 2, \ldots` computes

    .. math::

        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        \tilde\gamma_t &= \frac{\gamma}{1 + (t - 1) \eta} \\
        s_t &= s_{t-1} + g_t^2 \\
        \theta_t &= \theta_{t-1} - \tilde\gamma_t \frac{g_t}{\sqrt{s_t} + \epsilon}

    element-wise. Coordinates with large past gradients take small steps,
    rarely-updated ones large steps [1]_. Derived in the chapter *Optimizers*.

    Differences from PyTorch: ``foreach``, ``differentiable`` and ``fused``
    do not exist; sparse and complex gradients are not supported; the
    state of a parameter is created at its first step rather than in the
    constructor, so parameters added with :meth:`add_param_group` work too;
    with ``eps = 0`` a zero denominator raises ``ValueError`` (PyTorch
    returns NaN).
    See also :class:`Optimizer`.

    References
    ----------
    .. [1] Duchi, Hazan & Singer (2011), Adaptive subgradient methods for
       online learning and stochastic optimization.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Parameter
    >>> w = Parameter(np.array([1.0, -2.0]))
    >>> opt = Adagrad([w], lr=0.5)
    >>> w.grad = np.array([4.0, -0.1])
    >>> _ = opt.step()
    >>> w.data  # each coordinate moves by lr, whatever the gradient's size
    array([ 0.5, -1.5])
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_options(self, options: Mapping[str, Any], owner: str) -> None:
        super()._check_options(options, owner)
        check_number(options["lr_decay"], "lr_decay", owner, low=0.0)
        check_number(options["weight_decay"], "weight_decay", owner, low=0.0)
        check_number(
            options["initial_accumulator_value"], "initial_accumulator_value", owner, low=0.0
        )
        check_number(options["eps"], "eps", owner, low=0.0)
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
            state = self.state.setdefault(param, {})
            if not state:
                state["step"] = 0
                state["sum"] = np.full_like(param.data, group["initial_accumulator_value"])
            state["step"] += 1
            step, state_sum = state["step"], state["sum"]
            if group["maximize"]:
                grad = -grad
            if group["weight_decay"] != 0:
                grad = grad + group["weight_decay"] * param.data
            clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
            state_sum += grad * grad
            std = np.sqrt(state_sum) + group["eps"]
            if group["eps"] == 0:
                _check_denominator(self, param, std)
            param.data += (-clr * grad) / std
        return loss
