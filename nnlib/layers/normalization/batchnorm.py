r"""``BatchNorm1d``: normalise each channel with batch statistics, and its backward pass."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import as_array, check_bool, check_grad_output, check_int, check_number
from nnlib.layers.linear import _accumulate, _cast, _float_dtype
from nnlib.layers.normalization._common import check_momentum, normalized_backward
from nnlib.module import Module
from nnlib.parameter import Parameter

__all__ = ["BatchNorm1d"]

Array = NDArray[np.floating[Any]]


class BatchNorm1d(Module):
    r"""Batch normalization over the batch (and length) dimension of ``(N, C)`` or ``(N, C, L)``.

    Parameters
    ----------
    num_features : int
        :math:`C`, the number of channels (dimension 1 of the input), >= 1.
    eps : float, default 1e-5
        Added to the variance before the square root; > 0.
    momentum : float or None, default 0.1
        Weight of the newest batch in the running statistics, in
        :math:`[0, 1]`; None gives their plain average over all batches
        (a cumulative moving average).
    affine : bool, default True
        Learn a per-channel scale :math:`\gamma` (``weight``, initialised to
        ones) and shift :math:`\beta` (``bias``, zeros).
    track_running_stats : bool, default True
        Keep running estimates of each channel's mean and variance in
        training mode and use them in evaluation mode. Without them, both
        modes use the batch's statistics.
    bias : bool, default True
        Learn :math:`\beta` (only with ``affine``; keyword-only, as in PyTorch).
    dtype : float32 or float64, default float64
        dtype of the parameters and buffers (keyword-only); inputs are cast
        to it.

    Attributes
    ----------
    weight, bias : Parameter, shape (C,), or None
        :math:`\gamma` and :math:`\beta` (None without ``affine``; ``bias``
        also None with ``bias=False``).
    running_mean, running_var : numpy.ndarray, shape (C,), or None
        Buffers, starting at zeros and ones (None without
        ``track_running_stats``).
    num_batches_tracked : numpy.ndarray, shape (), int64, or None
        Buffer: how many training batches updated the running statistics.

    Notes
    -----
    In training mode each channel :math:`c` is normalised with the mean and
    the **biased** variance of its :math:`m` values in the batch
    (:math:`m = N` or :math:`N L`):

    .. math:: \mu = \frac1m \sum_i x_i, \quad
              \sigma^2 = \frac1m \sum_i (x_i - \mu)^2,

              \hat x_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \epsilon}}, \quad
              y_i = \gamma \hat x_i + \beta.

    Each batch then updates the running statistics with the **unbiased**
    variance, :math:`r \leftarrow (1 - \alpha) r + \alpha s` with
    :math:`\alpha` = ``momentum`` (or :math:`1/t` after :math:`t` batches
    when ``momentum`` is None), :math:`s` being :math:`\mu` or
    :math:`\sigma^2 m/(m-1)`. Evaluation mode uses the running statistics
    in place of :math:`\mu, \sigma^2`, so the layer is a fixed affine map.

    Backward: with :math:`g_i = \partial L/\partial y_i` and
    :math:`\hat\sigma = \sqrt{\sigma^2 + \epsilon}`, since :math:`\mu` and
    :math:`\sigma` depend on every :math:`x_i` of the channel,

    .. math:: \frac{\partial L}{\partial x_i} = \frac{\gamma}{m \hat\sigma}
              \Big(m g_i - \sum_j g_j - \hat x_i \sum_j g_j \hat x_j\Big),

              \frac{\partial L}{\partial \gamma} = \sum_i g_i \hat x_i, \quad
              \frac{\partial L}{\partial \beta} = \sum_i g_i,

    and in evaluation mode simply
    :math:`\partial L/\partial x_i = \gamma g_i / \hat\sigma`. A channel with
    constant values has :math:`\sigma = 0`: :math:`\hat x = 0` and
    :math:`y = \beta`, finite because :math:`\epsilon > 0`.

    Differences from PyTorch: no ``device``; ``dtype`` is keyword-only and
    an input of another dtype is cast to it (torch raises); bad input raises
    ``ValueError`` (torch: ``ValueError`` for one value per channel,
    ``RuntimeError`` otherwise).

    References
    ----------
    .. [1] Ioffe & Szegedy (2015), Batch normalization: accelerating deep
       network training by reducing internal covariate shift. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> bn = BatchNorm1d(2)
    >>> bn(np.array([[1.0, 10.0], [3.0, 30.0]])).round(4)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean, bn.running_var, int(bn.num_batches_tracked)
    (array([0.2, 2. ]), array([ 1.1, 20.9]), 1)
    >>> list(bn.state_dict())
    ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    eps = Hyperparameter(check_number, low=0.0, low_inclusive=False)
    momentum = Hyperparameter(check_momentum)
    running_mean: Array | None
    running_var: Array | None
    num_batches_tracked: NDArray[np.int64] | None

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
        dtype: DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        owner = "BatchNorm1d"
        self.num_features = check_int(num_features, "num_features", owner, low=1)
        self.eps = eps
        self.momentum = momentum
        self.affine = check_bool(affine, "affine", owner)
        self.track_running_stats = check_bool(track_running_stats, "track_running_stats", owner)
        resolved = _float_dtype(dtype, owner)
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        use_bias = check_bool(bias, "bias", owner)
        if self.affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=resolved))
            if use_bias:
                self.bias = Parameter(np.zeros(self.num_features, dtype=resolved))
        tracked = self.track_running_stats
        self.register_buffer(
            "running_mean", np.zeros(self.num_features, resolved) if tracked else None
        )
        self.register_buffer(
            "running_var", np.ones(self.num_features, resolved) if tracked else None
        )
        self.register_buffer("num_batches_tracked", np.array(0, np.int64) if tracked else None)
        self._dtype = resolved

    def forward(self, input: ArrayLike) -> Array:
        """Normalise with the batch's statistics (training) or the running ones (evaluation)."""
        owner = "BatchNorm1d"
        x = as_array(input, "input", owner)
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            got = f"{x.ndim} dimensions" if x.ndim not in (2, 3) else f"{x.shape[1]} channels"
            raise ValueError(
                f"{owner}: input of shape {x.shape} has {got}; expected shape (N, C) or "
                f"(N, C, L) with C = num_features = {self.num_features}"
            )
        x = _cast(x, self._dtype, "input", owner)
        axes = (0,) if x.ndim == 2 else (0, 2)
        shape = (1, -1) if x.ndim == 2 else (1, -1, 1)  # a channel's values broadcast
        running_mean, running_var = self.running_mean, self.running_var
        use_batch = self.training or running_mean is None or running_var is None
        if running_mean is None or running_var is None or self.training:
            count = x.size // self.num_features  # m values per channel
            if count <= 1:
                raise ValueError(
                    f"{owner}: Expected more than 1 value per channel when training, got input "
                    f"of shape {x.shape}; use a batch of 2 or more (or eval mode)"
                )
            mean = x.mean(axis=axes, keepdims=True)
            centered = x - mean
            var = np.mean(centered * centered, axis=axes, keepdims=True)  # biased
            if self.training and running_mean is not None and running_var is not None:
                unbiased = var.reshape(-1) * (count / (count - 1))
                self._update_running_stats(running_mean, mean.reshape(-1))
                self._update_running_stats(running_var, unbiased, count_batch=False)
        else:
            centered = x - running_mean.reshape(shape)
            var = running_var.reshape(shape)
        inv_std: Array = 1.0 / np.sqrt(var + self.eps)
        x_hat: Array = centered * inv_std
        self.save_for_backward(x_hat, inv_std, axes, shape, use_batch)
        out = x_hat
        if self.weight is not None:
            out = out * self.weight.data.reshape(shape)
        if self.bias is not None:
            out = out + self.bias.data.reshape(shape)
        return out

    def _update_running_stats(
        self, running: Array, value: Array, count_batch: bool = True
    ) -> None:
        r""":math:`r \leftarrow \alpha s + (1 - \alpha) r` in place (counting the batch first)."""
        tracked = self.num_batches_tracked
        if count_batch and tracked is not None:
            tracked += 1  # in place: the buffer stays the same 0-d array
        if self.momentum is not None:
            factor = self.momentum
        else:  # the cumulative average, 1/t after t batches (no update without a count)
            factor = 0.0 if tracked is None else 1.0 / float(tracked)
        running[...] = factor * value + (1.0 - factor) * running

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Add :math:`\sum g \hat x`, :math:`\sum g` to the grads; return the input's gradient."""
        grad_x_hat, (x_hat, inv_std, axes, _, use_batch) = self._parameter_grads(grad_output)
        if use_batch:
            return normalized_backward(grad_x_hat, x_hat, inv_std, axes)
        grad_input: Array = grad_x_hat * inv_std
        return grad_input

    def _backward_parameters(self, grad_output: ArrayLike) -> None:
        """:meth:`backward` without the gradient with respect to the input."""
        self._parameter_grads(grad_output)

    def _parameter_grads(self, grad_output: ArrayLike) -> tuple[Array, tuple[Any, ...]]:
        r"""Accumulate the parameter grads; return :math:`\partial L/\partial \hat x`."""
        saved = self.saved_for_backward()
        x_hat, _, axes, shape, _ = saved
        grad = check_grad_output(grad_output, x_hat.shape, "BatchNorm1d")
        g = _cast(grad, self._dtype, "grad_output", "BatchNorm1d.backward")
        if self.bias is not None:
            _accumulate(self.bias, g.sum(axis=axes))  # dL/dbeta = sum g
        if self.weight is None:
            return g, saved
        _accumulate(self.weight, (g * x_hat).sum(axis=axes))  # dL/dgamma = sum g x_hat
        grad_x_hat: Array = g * self.weight.data.reshape(shape)
        return grad_x_hat, saved

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )
