"""Shared by the optimizers: checked parameter groups, checkpoint checks, PyTorch's ``lerp``."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from nnlib._validation import check_number, check_shape
from nnlib.autograd.tensor import Tensor
from nnlib.parameter import Parameter

if TYPE_CHECKING:
    from nnlib.optim.optimizer import Optimizer

Array = NDArray[np.floating[Any]]
Param = Parameter | Tensor
"""What an optimizer updates: an ``nnlib.Parameter`` or a leaf tensor that requires grad."""


class ParamGroup(dict[str, Any]):
    """One parameter group: ``"params"`` and hyperparameters, checked whenever they are set.

    A plain dict to read (``group["lr"]``). Every way of setting an entry,
    ``group["lr"] = 0.1`` (by hand or by a scheduler), ``update`` and
    ``setdefault``, first runs ``check(options, owner)`` on the group as it
    would become, the optimizer's own check of its hyperparameters, so an
    invalid value raises and leaves the group as it was.
    """

    def __init__(
        self,
        check: Callable[[Mapping[str, Any], str], None],
        owner: str,
        params: list[Param],
        options: Mapping[str, Any],
    ) -> None:
        check(options, owner)
        super().__init__(options, params=params)
        self._check = check
        self._owner = owner

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def update(self, *args: Any, **kwargs: Any) -> None:
        changes = dict(*args, **kwargs)
        self._check({**self, **changes}, self._owner)
        super().update(changes)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def __ior__(self, other: Any) -> ParamGroup:  # type: ignore[override,misc]
        self.update(other)
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles are checked groups too
        options = {key: value for key, value in self.items() if key != "params"}
        return (ParamGroup, (self._check, self._owner, self["params"], options))


def _check_betas(value: Any, owner: str) -> tuple[float, float]:
    """Check Adam's ``betas``: a pair of numbers, each in [0, 1)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{owner}: betas must be a pair (beta1, beta2), got {value!r}")
    beta1 = check_number(value[0], "betas[0]", owner, low=0.0, high=1.0, high_inclusive=False)
    beta2 = check_number(value[1], "betas[1]", owner, low=0.0, high=1.0, high_inclusive=False)
    return beta1, beta2


def _lerp_(start: Array, end: Array, weight: float) -> None:
    """``start += weight * (end - start)`` in place, in PyTorch's ``lerp_`` arithmetic.

    PyTorch evaluates ``start + w (end - start)`` when ``|w| < 0.5`` and
    ``end - (end - start)(1 - w)`` otherwise, so both ends are exact.
    """
    difference = np.subtract(end, start)  # one temporary, then in place
    if abs(weight) < 0.5:
        difference *= weight
        start += difference
    else:
        difference *= 1 - weight
        np.subtract(end, difference, out=start)


def _check_denominator(optimizer: Optimizer, param: Param, denom: Array) -> None:
    """With ``eps = 0`` a coordinate whose gradients were all 0 would divide 0 by 0: refuse."""
    if np.all(denom > 0):
        return
    index = next(i for i, _, p in optimizer._params() if p is param)
    raise ValueError(
        f"{type(optimizer).__name__}.step: the denominator is 0 for parameter {index} "
        "(eps = 0 and a coordinate whose gradients have all been 0); expected eps > 0"
    )


def check_layout(saved_groups: Any, groups: list[ParamGroup], owner: str) -> None:
    """Raise unless a checkpoint's groups have as many parameters as ``groups``, in order."""
    if len(saved_groups) != len(groups):
        raise ValueError(
            f"{owner}: the checkpoint has {len(saved_groups)} parameter groups; expected "
            f"{len(groups)}, as in this optimizer"
        )
    for i, (saved, group) in enumerate(zip(saved_groups, groups, strict=True)):
        if len(saved["params"]) != len(group["params"]):
            raise ValueError(
                f"{owner}: param_groups[{i}] has {len(saved['params'])} parameters in the "
                f"checkpoint; expected {len(group['params'])}"
            )


def restored_state(
    saved_state: Mapping[int, Mapping[str, Any]], params: Mapping[int, Param], owner: str
) -> dict[Param, dict[str, Any]]:
    """A checkpoint's per-parameter state, checked and copied, keyed by the Parameters.

    Arrays must have their parameter's shape and take its dtype; ``"step"``
    becomes an ``int``.
    """
    state: dict[Param, dict[str, Any]] = {}
    for index, values in saved_state.items():
        if index not in params:
            raise ValueError(
                f"{owner}: the checkpoint has state for parameter {index}, which none "
                "of its param_groups lists; expected state only for listed parameters"
            )
        param = params[index]
        restored: dict[str, Any] = {}
        for key, value in values.items():
            if key == "step":
                restored[key] = _step_count(value, f"state[{index}]['step']", owner)
            elif isinstance(value, np.ndarray):
                check_shape(value, param.shape, f"state[{index}][{key!r}]", owner)
                restored[key] = value.astype(param.dtype, copy=True)
            else:
                restored[key] = copy.deepcopy(value)
        state[param] = restored
    return state


def _step_count(value: Any, name: str, owner: str) -> int:
    """A step count as an ``int``; a 0-d integer array (from a flat array file) is accepted."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iu":
        value = int(value)
    if isinstance(value, np.ndarray):
        raise ValueError(
            f"{owner}: {name} has shape {value.shape}; expected an int (a step count)"
        )
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{owner}: {name} = {value!r}; expected an int >= 0 (a step count)")
    return int(value)
