r"""Element-wise functions :math:`y_i = f(x_i)`: the gradient is :math:`g_i\,f'(x_i)`.

The Jacobian of an element-wise function is diagonal, so its
vector-Jacobian product is one multiplication by the derivative. Where nnlib
already has an overflow-free form (sigmoid, tanh' and ReLU, from
:mod:`nnlib.activations`), it is reused. At kinks the derivative is
PyTorch's: :math:`\operatorname{relu}'(0) = |\cdot|'(0) = 0`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib import _numerics
from nnlib.activations.rectifiers import _relu, _relu_derivative
from nnlib.activations.sigmoidal import _tanh_derivative
from nnlib.autograd.recording import record
from nnlib.autograd.tensor import Tensor

__all__ = ["abs", "clamp", "exp", "log", "relu", "sigmoid", "sqrt", "tanh"]

Array = NDArray[Any]


def exp(a: Tensor) -> Tensor:
    r""":math:`e^x`; its derivative is itself: the gradient is :math:`g\,e^x`."""
    with np.errstate(over="ignore"):  # e^1000 is inf, as in PyTorch
        y = np.exp(a.data)
    return record("ExpBackward0", y, (a,), (lambda grad: grad * y,))


def log(a: Tensor) -> Tensor:
    r""":math:`\ln x`: gradient :math:`g / x` (infinite at 0, as in PyTorch)."""
    x = a.data
    with np.errstate(divide="ignore"):  # log 0 = -inf
        y = np.log(x)

    def vjp(grad: Array) -> Array:
        with np.errstate(divide="ignore"):
            result: Array = grad / x
        return result

    return record("LogBackward0", y, (a,), (vjp,))


def sqrt(a: Tensor) -> Tensor:
    r""":math:`\sqrt x`: gradient :math:`g / (2\sqrt x)` (infinite at 0, as in PyTorch)."""
    y = np.sqrt(a.data)

    def vjp(grad: Array) -> Array:
        with np.errstate(divide="ignore"):
            result: Array = grad / (2 * y)
        return result

    return record("SqrtBackward0", y, (a,), (vjp,))


def abs(a: Tensor) -> Tensor:
    r""":math:`|x|`: gradient :math:`g\,\operatorname{sign}(x)`, so 0 at :math:`x = 0`."""
    x = a.data
    return record("AbsBackward0", np.abs(x), (a,), (lambda grad: grad * np.sign(x),))


def tanh(a: Tensor) -> Tensor:
    r""":math:`\tanh x`: gradient :math:`g\,\operatorname{sech}^2 x`.

    :math:`\operatorname{sech}^2 x` is evaluated from :math:`e^{-|x|}`
    (``nnlib.activations``), not as :math:`1 - \tanh^2 x`, which cancels to 0
    for :math:`|x| > 19` (PyTorch uses :math:`1 - y^2`; the two agree
    where that is accurate).
    """
    x = a.data
    return record("TanhBackward0", np.tanh(x), (a,), (lambda grad: grad * _tanh_derivative(x),))


def sigmoid(a: Tensor) -> Tensor:
    r""":math:`\sigma(x) = 1/(1 + e^{-x})`: gradient :math:`g\,\sigma(x)\,\sigma(-x)`.

    :math:`\sigma(x)\sigma(-x)` equals :math:`\sigma(1 - \sigma)` without the
    rounding of :math:`1 - \sigma` for large :math:`x`; neither side
    overflows.
    """
    x = a.data
    y = _numerics.sigmoid(x)
    return record("SigmoidBackward0", y, (a,), (lambda grad: grad * (y * _numerics.sigmoid(-x)),))


def relu(a: Tensor) -> Tensor:
    r""":math:`\max(x, 0)`: gradient :math:`g` where :math:`x > 0`, else 0 (also at 0)."""
    x = a.data
    return record("ReluBackward0", _relu(x), (a,), (lambda grad: grad * _relu_derivative(x),))


def clamp(a: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    r"""Limit each element to :math:`[\text{min}, \text{max}]`; the gradient passes only inside.

    As PyTorch: the gradient passes where :math:`\text{min} \le x \le
    \text{max}`, boundaries included; ``min`` is applied first, then
    ``max``, so with ``min > max`` every element becomes ``max`` and no
    gradient passes.
    """
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given; got neither")
    x = a.data
    y = x
    inside = np.ones(x.shape, dtype=bool)
    if min is not None:
        y = np.maximum(y, min)
        inside &= x >= min
    if max is not None:
        y = np.minimum(y, max)
        inside &= x <= max
    out = np.asarray(y, dtype=x.dtype) if y is not x else x.copy()
    return record("ClampBackward1", out, (a,), (lambda grad: grad * inside,))
