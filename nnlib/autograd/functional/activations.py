r"""Activations on tensors, each one graph node built from :mod:`nnlib.activations`.

An element-wise activation :math:`y = f(x)` sends back :math:`g\,f'(x)`; the
overflow-free :math:`f` and :math:`f'` are nnlib's own (derived in the
chapter *Activation functions*), so logits of :math:`\pm 1000` are safe.
Softmax and log-softmax are one node each, with the VJPs

.. math:: \text{softmax: } y \odot (g - \textstyle\sum_j g_j y_j), \qquad
          \text{log-softmax: } g - e^{y} \textstyle\sum_j g_j.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlib import _numerics
from nnlib.activations import ELU, GELU, LeakyReLU, LogSoftmax, Softmax, Softplus
from nnlib.activations.exponential import _elu, _elu_derivative
from nnlib.activations.gated import Approximate, _gelu, _gelu_derivative, _silu, _silu_derivative
from nnlib.activations.rectifiers import (
    _leaky_relu,
    _leaky_relu_derivative,
    _softplus,
    _softplus_derivative,
)
from nnlib.activations.softmaxes import _axis
from nnlib.autograd import ops
from nnlib.autograd.functional._common import as_tensor, elementwise
from nnlib.autograd.recording import record
from nnlib.autograd.tensor import Tensor

__all__ = [
    "elu",
    "gelu",
    "leaky_relu",
    "log_softmax",
    "relu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "tanh",
]


def relu(input: Tensor) -> Tensor:
    r""":math:`\max(x, 0)`; gradient :math:`g\,[x > 0]` (0 at the kink), as ``Tensor.relu``.

    Examples
    --------
    >>> from nnlib.autograd import tensor
    >>> x = tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> relu(x).sum().backward()
    >>> x.grad
    array([0., 0., 1.])
    """
    return ops.relu(as_tensor(input))


def sigmoid(input: Tensor) -> Tensor:
    r""":math:`\sigma(x)`; gradient :math:`g\,\sigma(x)\sigma(-x)`, as ``Tensor.sigmoid``."""
    return ops.sigmoid(as_tensor(input))


def tanh(input: Tensor) -> Tensor:
    r""":math:`\tanh x`; gradient :math:`g\,\operatorname{sech}^2 x`, as ``Tensor.tanh``."""
    return ops.tanh(as_tensor(input))


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    r""":math:`x` for :math:`x > 0`, else :math:`a x`; :math:`f'(0) = a` as in PyTorch.

    See :class:`nnlib.activations.LeakyReLU`.
    """
    a = LeakyReLU.negative_slope.validate(negative_slope, "leaky_relu")
    return elementwise(
        "LeakyReluBackward0",
        input,
        lambda x: _leaky_relu(x, a),
        lambda x: _leaky_relu_derivative(x, a),
    )


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    r""":math:`x` for :math:`x > 0`, else :math:`\alpha(e^x - 1)`.

    See :class:`nnlib.activations.ELU`; :math:`f'(0) = \alpha` as in PyTorch.
    """
    a = ELU.alpha.validate(alpha, "elu")
    return elementwise(
        "EluBackward0", input, lambda x: _elu(x, a), lambda x: _elu_derivative(x, a)
    )


def gelu(input: Tensor, approximate: Approximate = "none") -> Tensor:
    r""":math:`x\,\Phi(x)` (or its tanh approximation); see :class:`nnlib.activations.GELU`."""
    mode = GELU.approximate.validate(approximate, "gelu")
    return elementwise(
        "GeluBackward0", input, lambda x: _gelu(x, mode), lambda x: _gelu_derivative(x, mode)
    )


def silu(input: Tensor) -> Tensor:
    r""":math:`x\,\sigma(x)`; see :class:`nnlib.activations.SiLU`."""
    return elementwise("SiluBackward0", input, _silu, _silu_derivative)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    r""":math:`\frac1\beta \log(1 + e^{\beta x})`, and :math:`x` where :math:`\beta x` > threshold.

    See :class:`nnlib.activations.Softplus`; the gradient is :math:`g\,\sigma(\beta x)`.
    """
    b = Softplus.beta.validate(beta, "softplus")
    t = Softplus.threshold.validate(threshold, "softplus")
    return elementwise(
        "SoftplusBackward0",
        input,
        lambda x: _softplus(x, b, t),
        lambda x: _softplus_derivative(x, b, t),
    )


def softmax(input: Tensor, dim: int) -> Tensor:
    r"""Softmax along ``dim``: :math:`y_i = e^{x_i} / \sum_j e^{x_j}`, max-shifted.

    Its VJP is :math:`y \odot (g - \sum_j g_j y_j)`; see
    :class:`nnlib.activations.Softmax` for the derivation.

    Examples
    --------
    >>> from nnlib.autograd import tensor
    >>> softmax(tensor([[0.0, 1000.0]]), dim=1)
    tensor([[0., 1.]])
    """
    x = as_tensor(input)
    axis = _axis(Softmax.dim.validate(dim, "softmax"), x.data.ndim, "softmax")
    y = _numerics.softmax(x.data, axis=axis)

    def vjp(grad: Any) -> Any:
        return y * (grad - (grad * y).sum(axis=axis, keepdims=True))

    return record("SoftmaxBackward0", y, (x,), (vjp,))


def log_softmax(input: Tensor, dim: int) -> Tensor:
    r"""Log-softmax along ``dim``: :math:`x_i - \log\sum_j e^{x_j}`, max-shifted.

    Its VJP is :math:`g - e^{y} \sum_j g_j`; see
    :class:`nnlib.activations.LogSoftmax`.

    Examples
    --------
    >>> from nnlib.autograd import tensor
    >>> log_softmax(tensor([[0.0, 1000.0]]), dim=-1)
    tensor([[-1000.,     0.]])
    """
    x = as_tensor(input)
    axis = _axis(LogSoftmax.dim.validate(dim, "log_softmax"), x.data.ndim, "log_softmax")
    y = _numerics.log_softmax(x.data, axis=axis)

    def vjp(grad: Any) -> Any:
        return grad - np.exp(y) * grad.sum(axis=axis, keepdims=True)

    return record("LogSoftmaxBackward0", y, (x,), (vjp,))
