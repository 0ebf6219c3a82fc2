"""The checks ``fit`` runs on its arguments, and the gradient clipping it builds from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib._validation import check_number
from nnlib.module import Module
from nnlib.parameter import Parameter
from nnlib.utils import clip_grad_norm_, clip_grad_value_

__all__ = ["Metric", "check_fit_arguments", "clipper"]

Metric = Callable[[Any, Any], float]


def check_fit_arguments(
    model: Any, loss_fn: Any, optimizer: Any, val_data: Any, metrics: Any
) -> tuple[str, dict[str, Metric], tuple[NDArray[Any], NDArray[Any]] | None]:
    owner = "fit"
    for name, value in (("model", model), ("loss_fn", loss_fn)):
        if not isinstance(value, Module):
            raise TypeError(f"{owner}: {name} is a {type(value).__name__}; expected a Module")
    for method in ("zero_grad", "step"):
        if not callable(getattr(optimizer, method, None)):
            raise TypeError(
                f"{owner}: optimizer ({type(optimizer).__name__}) has no {method}() method; "
                "expected an optimizer from nnlib.optim"
            )
    reduction = getattr(loss_fn, "reduction", "mean")
    if reduction not in ("mean", "sum"):
        raise ValueError(
            f"{owner}: loss_fn has reduction={reduction!r}; expected 'mean' or 'sum', a scalar"
        )
    metric_fns = dict(metrics or {})
    for name, fn in metric_fns.items():
        if not isinstance(name, str) or not callable(fn):
            raise TypeError(f"{owner}: metrics must map names to callables fn(output, target)")
    val = None
    if val_data is not None:
        if not isinstance(val_data, Sequence) or len(val_data) != 2:
            raise ValueError(f"{owner}: val_data must be a pair (inputs, targets)")
        val = (np.asarray(val_data[0]), np.asarray(val_data[1]))
    return reduction, metric_fns, val


def clipper(
    clip_grad_norm: float | None, clip_grad_value: float | None
) -> Callable[[list[Parameter]], Any] | None:
    """The clipping to apply to the gradients before each step, checked; None for none."""
    owner = "fit"
    if clip_grad_norm is not None and clip_grad_value is not None:
        raise ValueError(
            f"{owner}: clip_grad_norm and clip_grad_value were both given; expected at most one"
        )
    if clip_grad_norm is not None:
        max_norm = check_number(clip_grad_norm, "clip_grad_norm", owner, low=0.0)
        return lambda params: clip_grad_norm_(params, max_norm)
    if clip_grad_value is not None:
        clip_value = check_number(clip_grad_value, "clip_grad_value", owner, low=0.0)
        return lambda params: clip_grad_value_(params, clip_value)
    return None
