"""Adam: bias-corrected moving averages of the gradient and of its square."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from nnlib._validation import check_bool, check_number
from nnlib.optim._common import _check_betas, _check_denominator, _lerp_
from nnlib.optim.optimizer import Optimizer, ParamsT

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Adam: momentum on the gradient, RMSprop-style scaling, both bias-corrected.

    Parameters
    ----------
    params : iterable of Parameter, or iterable of dict
        Parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-3
        Learning rate :math:`\gamma \ge 0`.
    betas : tuple of float, default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2)`, each in [0, 1), of the
        averages of the gradient and of its square.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added to the root for stability.
    weight_decay : float, default 0
        Weight decay :math:`\lambda \ge 0`: an L2 penalty added to the
        gradient, or decoupled (see ``decoupled_weight_decay``).
    amsgrad : bool, default False
        Divide by the running maximum of the second-moment estimate (AMSGrad).
    maximize : bool, keyword-only, default False
        Climb the objective instead of descending it.
    decoupled_weight_decay : bool, keyword-only, default False
        Shrink the parameters directly, :math:`\theta \leftarrow (1 - \gamma
        \lambda)\theta`, instead of adding :math:`\lambda\theta` to the
        gradient; this is :class:`~nnlib.optim.AdamW`.

    Raises
    ------
    ValueError
        If ``lr``, ``eps`` or ``weight_decay`` is negative or a beta is not in
        [0, 1) (plus the errors of :class:`Optimizer`).

    Notes
    -----
    With :math:`g_t = \nabla f(\theta_{t-1})` (negated when ``maximize``),
    :math:`m_0 = v_0 = \hat v^{\max}_0 = 0`, step :math:`t = 1, 2, \ldots`
    computes, element-wise,

    .. math::

        \theta_{t-1} &\leftarrow (1 - \gamma\lambda)\,\theta_{t-1}
            \ \text{(decoupled), or} \\
        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        v^{\max}_t &= \max(v^{\max}_{t-1}, v_t), \ v_t \leftarrow v^{\max}_t
            \ \text{(amsgrad)} \\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t}\,
            \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    The divisions by :math:`1 - \beta^t` undo the bias of averages that
    start at zero [1]_; :math:`\epsilon` is added *after* dividing by
    :math:`\sqrt{1 - \beta_2^t}`, in this order, as PyTorch does. AMSGrad
    is from [2]_, decoupled weight decay from [3]_. Derived in the chapter
    *Optimizers*.

    Differences from PyTorch: ``foreach``, ``capturable``,
    ``differentiable`` and ``fused`` do not exist (one NumPy loop over the
    parameters, the arithmetic in place); ``lr`` and ``betas`` are floats, not tensors; complex
    parameters are not supported; with ``eps = 0`` a zero denominator raises
    ``ValueError`` (PyTorch returns NaN). See also :class:`Optimizer`.

    References
    ----------
    .. [1] Kingma & Ba (2015), Adam: a method for stochastic optimization.
    .. [2] Reddi, Kale & Kumar (2018), On the convergence of Adam and beyond.
    .. [3] Loshchilov & Hutter (2019), Decoupled weight decay regularization.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Parameter
    >>> w = Parameter(np.array([1.0, -2.0]))
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = np.array([1e-3, 50.0])
    >>> _ = opt.step()
    >>> w.data  # the first step moves every coordinate by about lr
    array([ 0.900001, -2.1     ])
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _check_options(self, options: Mapping[str, Any], owner: str) -> None:
        super()._check_options(options, owner)
        _check_betas(options["betas"], owner)
        check_number(options["eps"], "eps", owner, low=0.0)
        check_number(options["weight_decay"], "weight_decay", owner, low=0.0)
        check_bool(options["amsgrad"], "amsgrad", owner)
        check_bool(options["maximize"], "maximize", owner)
        check_bool(options["decoupled_weight_decay"], "decoupled_weight_decay", owner)

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Take one step; parameters whose ``.grad`` is None are skipped.

        Parameters
        ----------
        closure : callable, optional
            Recomputes the loss and the gradients; called first, its value returned.
        """
        loss = closure() if closure is not None else None
        for group, param, grad in self._grads():
            lr, weight_decay = group["lr"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            state = self.state.setdefault(param, {})
            if not state:
                state["step"] = 0
                state["exp_avg"] = np.zeros_like(param.data)
                state["exp_avg_sq"] = np.zeros_like(param.data)
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = np.zeros_like(param.data)
            state["step"] += 1
            step = state["step"]
            if group["maximize"]:
                grad = -grad
            if weight_decay != 0 and group["decoupled_weight_decay"]:
                param.data *= 1 - lr * weight_decay  # theta <- (1 - lr lambda) theta
            elif weight_decay != 0:
                grad = grad + weight_decay * param.data  # g <- g + lambda theta
            # The formulas in order, in place: the moments, then one scratch array.
            m, v = state["exp_avg"], state["exp_avg_sq"]
            _lerp_(m, grad, 1 - beta1)  # m = beta1 m + (1 - beta1) g
            scratch = np.multiply(grad, 1 - beta2)
            scratch *= grad
            v *= beta2
            v += scratch  # v = beta2 v + (1 - beta2) g^2
            if group["amsgrad"]:
                v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            denom = np.sqrt(v, out=scratch)
            denom /= (1 - beta2**step) ** 0.5
            denom += group["eps"]  # sqrt(v) / sqrt(1 - beta2^t) + eps
            if group["eps"] == 0:
                _check_denominator(self, param, denom)
            update = np.multiply(m, -lr / (1 - beta1**step))
            update /= denom
            param.data += update  # theta <- theta - lr / (1 - beta1^t) m / denom
        return loss
