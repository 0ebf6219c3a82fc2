r"""Kullback-Leibler divergence between a target distribution and log-probabilities."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._hyperparameter import Hyperparameter, check_options
from nnlib.losses._checks import check_unit_interval, first_index_text, prepare_pair
from nnlib.losses._reduction import GradFn, _Loss, check_reduction, reduce, upstream

__all__ = ["KLDivLoss", "kl_div"]

Array = NDArray[np.floating[Any]]
KLReduction = Literal["none", "batchmean", "sum", "mean"]
KL_REDUCTIONS = ("none", "batchmean", "sum", "mean")


def _check_log_target(log_target: Any, owner: str, name: str = "log_target") -> bool:
    if not isinstance(log_target, bool):
        raise TypeError(f"{owner}: {name} must be a bool, got {log_target!r}")
    return log_target


def _kl_div(
    owner: str, input: ArrayLike, target: ArrayLike, reduction: str, log_target: bool
) -> tuple[Array, GradFn]:
    log_q, t = prepare_pair(input, target, owner)
    if log_target:
        positive = t > 0
        if positive.any():
            where, index = first_index_text("target", positive)
            raise ValueError(
                f"{owner}: {where} = {t[index].item()!r} is positive; with log_target=True "
                "expected log-probabilities <= 0"
            )
        p = np.exp(t)
        loss = p * (t - log_q)
    else:
        check_unit_interval(t, "target", owner)
        p = t
        p_log_p = np.zeros_like(t)  # x log x with 0 log 0 = 0, as xlogy does
        np.multiply(t, np.log(t, out=np.zeros_like(t), where=t > 0), out=p_log_p)
        loss = p_log_p - t * log_q
    if reduction == "batchmean":
        divisor = float(log_q.shape[0]) if log_q.ndim else 1.0
        output = reduce(loss, "mean", divisor)
    else:
        divisor = float(loss.size)
        output = reduce(loss, reduction, divisor)
    mode = "mean" if reduction == "batchmean" else reduction

    def backward(grad_output: Array) -> Array:
        return (-p * upstream(grad_output, mode, divisor)).astype(log_q.dtype, copy=False)

    return output, backward


def kl_div(
    input: ArrayLike,
    target: ArrayLike,
    reduction: KLReduction = "mean",
    log_target: bool = False,
) -> Array:
    r"""KL divergence, functional form of :class:`KLDivLoss`.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(kl_div(np.log([[0.5, 0.5]]), np.array([[0.9, 0.1]]), "batchmean")), 6)
    0.368064
    """
    owner = "kl_div"
    options = check_options(KLDivLoss, owner, reduction=reduction, log_target=log_target)
    return _kl_div(owner, input, target, **options)[0]


class KLDivLoss(_Loss):
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(p \,\|\, q)` with ``input`` = log q.

    Shape: ``input`` any shape (log-probabilities, typically ``(N, C)``),
    ``target`` the same shape.

    Parameters
    ----------
    reduction : {'mean', 'batchmean', 'sum', 'none'}, default 'mean'
        ``'batchmean'`` divides the sum by the batch size ``input.shape[0]``
        and is the KL divergence per sample; ``'mean'`` divides by the
        number of *elements* (PyTorch's default, kept for compatibility,
        which is the KL divergence divided by ``C`` as well).
    log_target : bool, default False
        If True, ``target`` holds log-probabilities :math:`\log p`.

    Raises
    ------
    ValueError
        On an unknown reduction, shapes that differ, an empty or non-finite
        input or target, a target outside [0, 1] when ``log_target`` is
        False, or a positive target when it is True.

    Notes
    -----
    Element-wise, with :math:`x = \log q` and target probabilities :math:`p`,

    .. math:: \ell = p\,(\log p - x), \qquad \frac{\partial\ell}{\partial x} = -p,

    with :math:`0 \log 0 = 0`. Summed over classes this is
    :math:`\mathrm{KL}(p\|q) = \sum_c p_c \log(p_c/q_c) = H(p, q) - H(p)`.
    With ``log_target=True`` the target :math:`t = \log p` enters as
    :math:`\ell = e^{t}(t - x)`, gradient :math:`-e^{t}`.

    Differences from PyTorch: no deprecated ``size_average``/``reduce``;
    no warning for ``reduction='mean'`` (PyTorch warns that it is not the
    true divergence); shapes must match (PyTorch broadcasts); negative
    targets outside [0, 1] (log-targets above 0) and non-finite input (such as
    :math:`\log 0`) raise; an empty input raises.

    References
    ----------
    - Kullback & Leibler (1951), On information and sufficiency,
      *Annals of Mathematical Statistics* 22(1).

    Examples
    --------
    >>> import numpy as np
    >>> loss = KLDivLoss(reduction="batchmean")
    >>> round(float(loss(np.log(np.array([[0.5, 0.5]])), np.array([[0.9, 0.1]]))), 6)
    0.368064
    >>> loss.backward()
    array([[-0.9, -0.1]])
    """

    reduction = Hyperparameter(check_reduction, choices=KL_REDUCTIONS)
    log_target = Hyperparameter(_check_log_target)

    def __init__(self, reduction: KLReduction = "mean", log_target: bool = False) -> None:
        super().__init__(reduction)
        self.log_target = log_target

    def _compute(self, input: ArrayLike, target: ArrayLike) -> tuple[Array, GradFn]:
        return _kl_div("KLDivLoss", input, target, self.reduction, self.log_target)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, log_target={self.log_target}"
