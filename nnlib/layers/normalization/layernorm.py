r"""``LayerNorm``: normalise each sample over its trailing dimensions, and its backward pass."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import as_array, check_bool, check_grad_output, check_int, check_number
from nnlib.layers.linear import _accumulate, _cast, _float_dtype
from nnlib.layers.normalization._common import normalized_backward
from nnlib.module import Module
from nnlib.parameter import Parameter

__all__ = ["LayerNorm"]

Array = NDArray[np.floating[Any]]


def _check_shape(normalized_shape: Any, owner: str) -> tuple[int, ...]:
    """An int or a non-empty sequence of ints >= 1, as a tuple."""
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)  # a bool is refused by check_int below
    if not isinstance(normalized_shape, (tuple, list)) or not normalized_shape:
        raise TypeError(
            f"{owner}: normalized_shape must be an int or a non-empty tuple of ints, got "
            f"{normalized_shape!r}"
        )
    return tuple(check_int(size, "normalized_shape", owner, low=1) for size in normalized_shape)


class LayerNorm(Module):
    r"""Layer normalization: normalise each sample over its last ``len(normalized_shape)`` dims.

    Parameters
    ----------
    normalized_shape : int or tuple of int
        The trailing shape :math:`S` to normalise over; an int ``d`` means
        ``(d,)``. The input has shape :math:`(*, S)`.
    eps : float, default 1e-5
        Added to the variance before the square root; > 0.
    elementwise_affine : bool, default True
        Learn a scale :math:`\gamma` (``weight``, ones) of shape :math:`S`
        and, if ``bias``, a shift :math:`\beta` (``bias``, zeros).
    bias : bool, default True
        Learn :math:`\beta` (only with ``elementwise_affine``).
    dtype : float32 or float64, default float64
        dtype of the parameters (keyword-only); inputs are cast to it.

    Notes
    -----
    For each sample (each index of the leading dimensions :math:`*`), over
    its :math:`m = \prod S` values:

    .. math:: \mu = \frac1m \sum_i x_i, \quad
              \sigma^2 = \frac1m \sum_i (x_i - \mu)^2,

              y_i = \gamma_i \frac{x_i - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta_i,

    the same in training and evaluation mode (no running statistics, no
    dependence on the other samples of the batch). The backward pass is
    batch normalization's with the roles of the axes swapped: with
    :math:`h_i = \gamma_i\, \partial L/\partial y_i`,

    .. math:: \frac{\partial L}{\partial x_i} = \frac{1}{m \hat\sigma}
              \Big(m h_i - \sum_j h_j - \hat x_i \sum_j h_j \hat x_j\Big),

    and :math:`\partial L/\partial\gamma`, :math:`\partial L/\partial\beta`
    are the sums of :math:`g \hat x` and :math:`g` over the leading
    dimensions.

    Differences from PyTorch: no ``device``; ``dtype`` is keyword-only and
    an input of another dtype is cast to it.

    References
    ----------
    .. [1] Ba, Kiros & Hinton (2016), Layer normalization. arXiv:1607.06450.

    Examples
    --------
    >>> import numpy as np
    >>> ln = LayerNorm(3)
    >>> ln(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 3.0]])).round(4)
    array([[-1.2247,  0.    ,  1.2247],
           [-0.7071, -0.7071,  1.4142]])
    >>> ln.backward(np.ones((2, 3))).round(12) + 0.0
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """

    eps = Hyperparameter(check_number, low=0.0, low_inclusive=False)

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        owner = "LayerNorm"
        self.normalized_shape = _check_shape(normalized_shape, owner)
        self.eps = eps
        self.elementwise_affine = check_bool(elementwise_affine, "elementwise_affine", owner)
        use_bias = check_bool(bias, "bias", owner)
        resolved = _float_dtype(dtype, owner)
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=resolved))
            if use_bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=resolved))
        self._dtype = resolved

    def forward(self, input: ArrayLike) -> Array:
        r"""Return :math:`\gamma \hat x + \beta`, normalised over the trailing dimensions."""
        owner = "LayerNorm"
        x = as_array(input, "input", owner)
        size = len(self.normalized_shape)
        if x.ndim < size or x.shape[x.ndim - size :] != self.normalized_shape:
            trailing = ", ".join(map(str, self.normalized_shape))
            raise ValueError(
                f"{owner}: input of shape {x.shape} does not end in normalized_shape = "
                f"{self.normalized_shape}; expected shape (*, {trailing})"
            )
        x = _cast(x, self._dtype, "input", owner)
        axes = tuple(range(x.ndim - size, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = np.mean(centered * centered, axis=axes, keepdims=True)  # biased
        inv_std: Array = 1.0 / np.sqrt(var + self.eps)
        x_hat: Array = centered * inv_std
        self.save_for_backward(x_hat, inv_std, axes)
        out = x_hat
        if self.weight is not None:
            out = out * self.weight.data
        if self.bias is not None:
            out = out + self.bias.data
        return out

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Add :math:`\sum g \hat x`, :math:`\sum g` to the grads; return the input's gradient."""
        grad_x_hat, (x_hat, inv_std, axes) = self._parameter_grads(grad_output)
        return normalized_backward(grad_x_hat, x_hat, inv_std, axes)

    def _backward_parameters(self, grad_output: ArrayLike) -> None:
        """:meth:`backward` without the gradient with respect to the input."""
        self._parameter_grads(grad_output)

    def _parameter_grads(self, grad_output: ArrayLike) -> tuple[Array, tuple[Any, ...]]:
        r"""Accumulate the parameter grads; return :math:`\partial L/\partial \hat x`."""
        saved = self.saved_for_backward()
        x_hat, _, axes = saved
        grad = check_grad_output(grad_output, x_hat.shape, "LayerNorm")
        g = _cast(grad, self._dtype, "grad_output", "LayerNorm.backward")
        leading = tuple(range(x_hat.ndim - len(axes)))
        if self.bias is not None:
            _accumulate(self.bias, g.sum(axis=leading))  # dL/dbeta = sum over samples of g
        if self.weight is None:
            return g, saved
        _accumulate(self.weight, (g * x_hat).sum(axis=leading))  # dL/dgamma = sum g x_hat
        grad_x_hat: Array = g * self.weight.data
        return grad_x_hat, saved

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}"
        )
