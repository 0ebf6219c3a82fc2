"""Configurations and a driver shared by the optimizer tests.

``CASES`` covers every kind of per-parameter state (momentum buffers, sums,
averages, AMSGrad maxima, centered averages) so that laws tested once over
``CASES`` (checkpoints, dtypes, ``maximize``) hold for every code path.
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np

from nnlib import Parameter
from nnlib.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

CASES: list[tuple[type[Optimizer], dict[str, Any]]] = [
    (SGD, {"lr": 0.1}),
    (SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (Adagrad, {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01}),
    (RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    (RMSprop, {"lr": 0.01}),
    (Adam, {"lr": 0.01, "weight_decay": 0.01}),
    (Adam, {"lr": 0.01, "amsgrad": True}),
    (AdamW, {"lr": 0.01, "amsgrad": True}),
]

mpmath.mp.dps = 50


def mp(values: Any) -> np.ndarray:
    """An object array of 50-digit mpmath numbers: element-wise arithmetic, never rounded."""
    return np.array([mpmath.mpf(float(v)) for v in np.ravel(values)], dtype=object)


def mp_sqrt(values: np.ndarray) -> np.ndarray:
    """Element-wise 50-digit square root of an ``mp`` array."""
    return np.array([mpmath.sqrt(v) for v in values], dtype=object)


def case_id(case: tuple[type[Optimizer], dict[str, Any]]) -> str:
    """Readable test id: ``SGD(lr=0.1, momentum=0.9)``."""
    cls, kwargs = case
    return f"{cls.__name__}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"


def make_params(dtype: type = np.float64) -> list[Parameter]:
    """Two parameters of different shapes, fixed values."""
    return [
        Parameter(np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.25]], dtype=dtype)),
        Parameter(np.array([3.0, -2.0], dtype=dtype)),
    ]


def gradients(steps: int, seed: int = 0) -> list[list[np.ndarray]]:
    """A fixed sequence of gradients for ``make_params``' shapes."""
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal((2, 3)), rng.standard_normal(2)] for _ in range(steps)]


def path_of(cls: type[Optimizer], x0: Any, grads: Any, **kwargs: Any) -> np.ndarray:
    """The values of one parameter, starting at ``x0``, after each step on ``grads``.

    Row 0 is ``x0``; row ``t`` follows the ``t``-th gradient (float64 throughout).
    """
    w = Parameter(np.array(x0, dtype=float))
    opt = cls([w], **kwargs)
    path = [w.data.copy()]
    for grad in grads:
        w.grad = np.array(grad, dtype=float)
        opt.step()
        path.append(w.data.copy())
    return np.array(path)


def run(optimizer: Optimizer, params: list[Parameter], grads: list[list[np.ndarray]]) -> None:
    """Take one step per entry of ``grads``, setting each parameter's gradient."""
    for step_grads in grads:
        optimizer.zero_grad()
        for param, grad in zip(params, step_grads, strict=True):
            param.grad = grad.astype(param.dtype)
        optimizer.step()
