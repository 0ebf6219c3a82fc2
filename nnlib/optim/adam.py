"""Adam: bias-corrected moving averages of the gradient and of its square."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib._validation import check_number, first_nonfinite
from nnlib.optim._common import _check_betas, _check_bool, _check_denominator, _lerp_
from nnlib.optim.optimizer import Optimizer, ParamsT
from nnlib.parameter import Parameter

__all__ = ["Adam"]

Array = NDArray[np.floating[Any]]


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
            \ \text{(decoupled), or}\ g_t \leftarrow g_t + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        v^{\max}_t &= \max(v^{\max}_{t-1}, v_t) \ \text{(amsgrad; then } v_t
            \leftarrow v^{\max}_t \text{ below)} \\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t}\,
            \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    The divisions by :math:`1 - \beta^t` undo the bias of averages that
    start at zero [1]_; :math:`\epsilon` is added *after* dividing by
    :math:`\sqrt{1 - \beta_2^t}`, in this order, as PyTorch does. AMSGrad
    is from [2]_, decoupled weight decay from [3]_. Derived in the chapter
    *Optimizers*.

    Differences from PyTorch: ``foreach``, ``capturable``,
    ``differentiable`` and ``fused`` do not exist (the parameters of a group
    are always updated together where they can be, as with ``foreach``; see
    :meth:`step`); ``lr`` and ``betas`` are floats, not tensors; complex
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
        # Flat moment arrays by parameter group (see step); rebuilt when stale.
        self._banks: dict[int, _Bank] = {}
        super().__init__(params, defaults)

    def _check_options(self, options: Mapping[str, Any], owner: str) -> None:
        super()._check_options(options, owner)
        _check_betas(options["betas"], owner)
        check_number(options["eps"], "eps", owner, low=0.0)
        check_number(options["weight_decay"], "weight_decay", owner, low=0.0)
        _check_bool(options["amsgrad"], "amsgrad", owner)
        _check_bool(options["maximize"], "maximize", owner)
        _check_bool(options["decoupled_weight_decay"], "decoupled_weight_decay", owner)

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Take one step; parameters whose ``.grad`` is None are skipped.

        Parameters
        ----------
        closure : callable, optional
            Recomputes the loss and the gradients; called first, its value returned.

        Notes
        -----
        The parameters of a group that share a dtype and a step count are
        updated together: their gradients and moments lie end to end in flat
        arrays, so each operation of the update runs once per group instead of
        once per parameter (the idea of PyTorch's ``foreach`` implementation).
        Every operation is element-wise, so the numbers are the same, bit for
        bit, as one parameter at a time (``_adam_update`` either way).
        """
        loss = closure() if closure is not None else None
        work: list[tuple[dict[str, Any], Parameter | _Bank, Array]] = []
        # Every gradient is checked before any parameter moves.
        for group, params, grads, positions in self._group_grads():
            bank = self._bank(group, params) if len(params) > 1 else None
            if bank is None:
                self._banks.pop(id(group), None)  # steps may now differ within the group
                self._check_finite_grads(grads, positions)
                work.extend(
                    (group, param, grad) for param, grad in zip(params, grads, strict=True)
                )
                continue
            flat_grad = np.concatenate([grad.ravel() for grad in grads], out=bank.grad)
            if first_nonfinite(flat_grad) is not None:  # find the culprit for the message
                self._check_finite_grads(grads, positions)
            work.append((group, bank, flat_grad))
        for group, target, grad in work:
            if isinstance(target, _Bank):
                self._step_bank(group, target, grad)
            else:
                self._step_param(group, target, grad)
        return loss

    def _step_param(self, group: dict[str, Any], param: Parameter, grad: Array) -> None:
        """One parameter's step, with its own state arrays."""
        state = self.state.setdefault(param, {})
        if not state:
            state.update(_zero_state(param.data.shape, param.data.dtype, group["amsgrad"]))
        state["step"] += 1
        grad = _adjusted_grad(group, grad, [param.data], flat=False)
        moments = [state[key] for key in _moment_keys(group["amsgrad"])]

        def check(denom: Array) -> None:
            if group["eps"] == 0:
                _check_denominator(self, param, denom)

        param.data += _adam_update(group, state["step"], grad, moments, check)

    def _step_bank(self, group: dict[str, Any], bank: _Bank, grad: Array) -> None:
        """The step of all the parameters of ``bank`` at once, on the flat arrays."""
        bank.step += 1
        for state in bank.states:
            state["step"] = bank.step
        grad = _adjusted_grad(group, grad, [param.data for param in bank.params], flat=True)

        def check(denom: Array) -> None:
            if group["eps"] == 0:
                for param, part in zip(bank.params, bank.parts, strict=True):
                    _check_denominator(self, param, denom[part])

        update = _adam_update(group, bank.step, grad, list(bank.flat.values()), check)
        for param, part in zip(bank.params, bank.parts, strict=True):
            param.data += update[part].reshape(param.data.shape)

    def _bank(self, group: dict[str, Any], params: list[Parameter]) -> _Bank | None:
        """The flat arrays of ``params`` (the group's parameters with a gradient), or None.

        None when they cannot move together: mixed dtypes, or different step
        counts (a parameter skipped on some step). A bank is rebuilt whenever
        the parameters, the state dict or a state array was replaced.
        """
        bank = self._banks.get(id(group))
        if bank is not None and bank.serves(params, self.state):
            return bank
        bank = _Bank.build(params, self.state, group["amsgrad"])
        if bank is not None:
            self._banks[id(group)] = bank
        return bank


def _zero_state(shape: tuple[int, ...], dtype: Any, amsgrad: bool) -> dict[str, Any]:
    """The state before the first step: step 0, moments of zeros."""
    state: dict[str, Any] = {"step": 0}
    for key in _moment_keys(amsgrad):
        state[key] = np.zeros(shape, dtype=dtype)
    return state


def _moment_keys(amsgrad: bool) -> tuple[str, ...]:
    """The state arrays Adam keeps: m and v, and the running max of v for AMSGrad."""
    return _MOMENTS if amsgrad else _MOMENTS[:2]


def _adjusted_grad(group: dict[str, Any], grad: Array, datas: list[Array], flat: bool) -> Array:
    """The gradient after ``maximize`` and weight decay (which may shrink ``datas``).

    ``datas`` are the parameters' arrays; with ``flat`` the gradient is theirs
    laid end to end, else that of the single array ``datas[0]``.
    """
    if group["maximize"]:
        grad = -grad
    lr, weight_decay = group["lr"], group["weight_decay"]
    if weight_decay != 0:
        if group["decoupled_weight_decay"]:  # theta <- (1 - lr lambda) theta
            for data in datas:
                data *= 1 - lr * weight_decay
        else:  # g <- g + lambda theta
            data = np.concatenate([data.ravel() for data in datas]) if flat else datas[0]
            grad = grad + weight_decay * data
    return grad


def _adam_update(
    group: dict[str, Any],
    step: int,
    grad: Array,
    moments: list[Array],
    check: Callable[[Array], None],
) -> Array:
    r"""Update ``moments`` (m, v and, for AMSGrad, the running max of v) in place.

    Returns the step to add to the parameters, :math:`-\gamma_t\, m / (\sqrt{v}/
    \sqrt{1-\beta_2^t} + \epsilon)`, after ``check(denominator)``. The
    formulas' operations in their order, each in place on one of two scratch
    arrays rather than on a new temporary per operation.
    """
    exp_avg, exp_avg_sq = moments[0], moments[1]
    beta1, beta2 = group["betas"]
    _lerp_(exp_avg, grad, 1 - beta1)  # m = beta1 m + (1 - beta1) g
    scratch = np.multiply(grad, 1 - beta2)
    scratch *= grad
    exp_avg_sq *= beta2
    exp_avg_sq += scratch  # v = beta2 v + (1 - beta2) g g
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    step_size = group["lr"] / bias_correction1
    if len(moments) == 3:  # amsgrad
        np.maximum(moments[2], exp_avg_sq, out=moments[2])
        second_moment = moments[2]
    else:
        second_moment = exp_avg_sq
    denom = np.sqrt(second_moment, out=scratch)
    denom /= bias_correction2**0.5
    denom += group["eps"]  # sqrt(v) / sqrt(1 - beta2^t) + eps
    check(denom)
    update: Array = np.multiply(exp_avg, -step_size)
    update /= denom  # -step_size m / denom
    return update


_MOMENTS = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")


class _Bank:
    """Flat arrays holding the moments of several parameters end to end.

    Each parameter's state arrays are views into them, so the per-parameter
    code and the flat code read and write the same numbers, and
    ``state_dict`` sees them as usual.
    """

    def __init__(
        self,
        params: list[Parameter],
        states: list[dict[str, Any]],
        step: int,
        flat: dict[str, Array],
        parts: list[slice],
    ) -> None:
        self.params = params
        self.states = states
        self.step = step
        self.flat = flat
        self.parts = parts
        self.grad = np.empty_like(flat["exp_avg"])  # reused for the concatenated gradient
        self.views = [{key: state[key] for key in flat} for state in states]

    @classmethod
    def build(
        cls, params: list[Parameter], state: dict[Parameter, dict[str, Any]], amsgrad: bool
    ) -> _Bank | None:
        """Lay the parameters' moments end to end; None if they differ in dtype or step."""
        dtype = params[0].data.dtype
        if any(param.data.dtype != dtype for param in params):
            return None
        keys = _moment_keys(amsgrad)
        existing = [state.get(param) or None for param in params]
        if any(found is None for found in existing):
            if any(found is not None for found in existing):
                return None  # some have taken steps, others not
            step = 0
        else:
            steps = {found["step"] for found in existing if found is not None}
            if len(steps) != 1 or any(
                set(keys) - set(found) for found in existing if found is not None
            ):
                return None
            step = steps.pop()
        sizes = [param.data.size for param in params]
        ends = np.cumsum(sizes).tolist()
        parts = [slice(end - size, end) for size, end in zip(sizes, ends, strict=True)]
        flat = {key: np.zeros(ends[-1], dtype=dtype) for key in keys}
        states = []
        for param, found, part in zip(params, existing, parts, strict=True):
            new_state: dict[str, Any] = {"step": step}
            for key in keys:
                if found is not None:
                    flat[key][part] = found[key].ravel()
                new_state[key] = flat[key][part].reshape(param.data.shape)
            state[param] = new_state
            states.append(new_state)
        return cls(list(params), states, step, flat, parts)

    def serves(self, params: list[Parameter], state: dict[Parameter, dict[str, Any]]) -> bool:
        """True if ``params`` are this bank's and their state still points into it."""
        if params != self.params:
            return False
        for param, views in zip(params, self.views, strict=True):
            current = state.get(param)
            if current is None or current["step"] != self.step:
                return False
            for key, view in views.items():
                if current.get(key) is not view:
                    return False
        return True
