"""AdamW: Adam with weight decay decoupled from the gradient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nnlib.optim.adam import Adam
from nnlib.optim.optimizer import ParamsT

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""Adam with decoupled weight decay: shrink the weights, do not penalize the gradient.

    Parameters
    ----------
    params : iterable of Parameter, or iterable of dict
        Parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-3
        Learning rate :math:`\gamma \ge 0`.
    betas : tuple of float, default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added to the root for stability.
    weight_decay : float, default 1e-2
        Decoupled decay rate :math:`\lambda \ge 0` (note the non-zero default).
    amsgrad : bool, default False
        Use the AMSGrad maximum of the second moment.
    maximize : bool, keyword-only, default False
        Climb the objective instead of descending it.

    Raises
    ------
    ValueError
        As :class:`~nnlib.optim.Adam`.

    Notes
    -----
    The update is Adam's (see :class:`~nnlib.optim.Adam`, same code) with
    the decay applied to the parameters before the adaptive step:

    .. math::

        \theta_{t-1} &\leftarrow (1 - \gamma\lambda)\,\theta_{t-1} \\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t}\,
            \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    where :math:`m_t, v_t` see only the gradient of the loss. With an L2
    penalty instead, :math:`\lambda\theta` would be divided by
    :math:`\sqrt{v_t}` like the rest of the gradient, so weights with large
    gradients would be decayed less; decoupling makes the decay the same
    relative shrinkage for every weight [1]_. Derived in the chapter *Optimizers*.

    Differences from PyTorch: as :class:`~nnlib.optim.Adam`.

    References
    ----------
    .. [1] Loshchilov & Hutter (2019), Decoupled weight decay regularization.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Parameter
    >>> w = Parameter(np.array([10.0]))
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.grad = np.array([0.0])
    >>> _ = opt.step()  # zero gradient: only the decay, 10 * (1 - 0.1 * 0.5)
    >>> w.data
    array([9.5])
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
        )

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a checkpoint; the weight decay stays decoupled whatever it says."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
