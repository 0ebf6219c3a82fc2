r"""``Linear``: the affine map :math:`y = x W^\top + b` and its backward pass; ``Identity``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib import init
from nnlib._random import RNGLike, as_generator
from nnlib._validation import as_array, check_finite, check_grad_output, check_int
from nnlib.module import Module
from nnlib.parameter import Parameter

__all__ = ["Identity", "Linear"]

Array = NDArray[np.floating[Any]]


def _float_dtype(dtype: DTypeLike, owner: str) -> np.dtype[Any]:
    """``np.dtype(dtype)`` if it is float32 or float64, else an error."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{owner}: dtype {dtype!r} is not a NumPy dtype") from None
    if resolved not in (np.float32, np.float64):
        raise ValueError(
            f"{owner}: dtype {resolved} is not supported; expected float32 or float64"
        )
    return resolved


def _cast(x: Array, dtype: np.dtype[Any], name: str, owner: str) -> Array:
    """``x`` in ``dtype``; a float64 value beyond float32's range is an error, not inf."""
    if x.dtype == dtype:
        return x
    with np.errstate(over="ignore"):
        cast_x = x.astype(dtype)
    check_finite(cast_x, f"{name} (cast to the parameters' dtype {dtype})", owner)
    return cast_x


def _accumulate(param: Parameter, grad: Array) -> None:
    """Add a freshly computed ``grad`` (an array nobody else holds) into ``param.grad``."""
    if param.grad is None:
        param.grad = grad  # fresh array of the right shape and dtype: no copy needed
    else:
        param.grad += grad


class Linear(Module):
    r"""Affine layer :math:`y = x W^\top + b`.

    Parameters
    ----------
    in_features : int
        Size :math:`n_{in}` of the last dimension of the input, >= 1.
    out_features : int
        Size :math:`n_{out}` of the last dimension of the output, >= 1.
    bias : bool, default True
        Learn the additive bias :math:`b`.
    rng : numpy.random.Generator or int, optional
        Source of the initial weights; an int seed makes them reproducible;
        None (the default) draws from nnlib's default generator
        (:func:`~nnlib.manual_seed`).
    dtype : float32 or float64, default float64
        dtype of the parameters, kept through training. Inputs are cast to it.

    Attributes
    ----------
    weight : Parameter, shape (out_features, in_features)
        :math:`W`, initialised from :math:`U(-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}})`
        (``init.kaiming_uniform_`` with ``a = sqrt(5)``, as PyTorch).
    bias : Parameter, shape (out_features,), or None
        :math:`b`, initialised from the same uniform distribution.

    Notes
    -----
    Shapes: input :math:`(*, n_{in})`, output :math:`(*, n_{out})`, where
    :math:`*` is any number of leading dimensions (none for a single vector).
    With the leading dimensions flattened into :math:`N` rows, the forward
    pass is :math:`Y = X W^\top + \mathbf 1 b^\top` and, given
    :math:`G = \partial L/\partial Y` of shape :math:`(N, n_{out})`,

    .. math:: \frac{\partial L}{\partial X} = G W, \qquad
              \frac{\partial L}{\partial W} = G^\top X,

              \frac{\partial L}{\partial b} = \sum_{n=1}^{N} G_{n,:}.

    A loss with ``reduction="mean"`` has already put the factor :math:`1/N`
    into :math:`G`, so nothing here divides by the batch size. Derived in the
    chapter *Backpropagation and training a network*.

    Differences from PyTorch: ``rng`` and ``dtype`` are keyword-only and
    there is no ``device``. An input whose dtype differs from the parameters'
    is cast to the parameters' dtype (torch raises), and the gradient
    returned by :meth:`backward` has the parameters' dtype. Parameter
    gradients accumulate across backward calls as in PyTorch; each
    ``backward`` uses, and releases, the input of the forward pass before it.

    References
    ----------
    .. [1] Rumelhart, Hinton & Williams (1986), Learning representations by
       back-propagating errors. Nature 323.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Linear(3, 2, rng=0)
    >>> layer.weight.data[...] = [[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]
    >>> layer.bias.data[...] = [0.0, 1.0]
    >>> layer(np.array([[1.0, 2.0, 3.0]]))
    array([[-2.,  4.]])
    >>> layer.backward(np.array([[1.0, 1.0]]))
    array([[ 1.5,  0.5, -0.5]])
    >>> layer.weight.grad
    array([[1., 2., 3.],
           [1., 2., 3.]])
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        rng: RNGLike = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        self.in_features = check_int(in_features, "in_features", "Linear", low=1)
        self.out_features = check_int(out_features, "out_features", "Linear", low=1)
        if not isinstance(bias, bool):
            raise TypeError(f"Linear: bias must be a bool, got {type(bias).__name__}")
        resolved = _float_dtype(dtype, "Linear")
        generator = as_generator(rng, "Linear")
        self.weight = Parameter(np.zeros((self.out_features, self.in_features), dtype=resolved))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5.0), rng=generator)
        self.bias: Parameter | None = None
        if bias:
            bound = 1.0 / math.sqrt(self.in_features)
            self.bias = Parameter(np.zeros(self.out_features, dtype=resolved))
            init.uniform_(self.bias, -bound, bound, rng=generator)

    def forward(self, input: ArrayLike) -> Array:
        r"""Return :math:`x W^\top + b` for ``input`` of shape :math:`(*, n_{in})`."""
        x = as_array(input, "input", "Linear")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            got = "a scalar" if x.ndim == 0 else f"{x.shape[-1]} features in its last dimension"
            raise ValueError(
                f"Linear: input of shape {x.shape} has {got}; expected in_features = "
                f"{self.in_features} in the last dimension, shape (*, {self.in_features})"
            )
        weight = self.weight.data
        x = _cast(x, weight.dtype, "input", "Linear")
        rows = x.reshape(-1, self.in_features)  # X: leading dimensions as rows, (N, in)
        self.save_for_backward(rows, x.shape)
        out = rows @ weight.T  # Y = X W^T + b
        if self.bias is not None:
            out += self.bias.data
        return out.reshape(*x.shape[:-1], self.out_features)

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Add :math:`G^\top X`, :math:`\sum_n G_n` to the grads; return :math:`G W`."""
        g, input_shape = self._accumulate_parameter_grads(grad_output)
        grad_input = g @ self.weight.data  # dL/dX = G W
        return grad_input.reshape(input_shape)

    def _backward_parameters(self, grad_output: ArrayLike) -> None:
        r""":meth:`backward` without the product :math:`G W`, for an input needing no gradient."""
        self._accumulate_parameter_grads(grad_output)

    def _accumulate_parameter_grads(self, grad_output: ArrayLike) -> tuple[Array, tuple[int, ...]]:
        r"""Add :math:`G^\top X` and :math:`\sum_n G_n` to the grads; return G, the input shape."""
        rows, input_shape = self.saved_for_backward()
        expected = (*input_shape[:-1], self.out_features)
        grad = check_grad_output(grad_output, expected, "Linear")
        g = _cast(grad, self.weight.data.dtype, "grad_output", "Linear.backward")
        g = g.reshape(-1, self.out_features)  # G, shape (N, out)
        _accumulate(self.weight, g.T @ rows)  # dL/dW = G^T X
        if self.bias is not None:
            _accumulate(self.bias, g.sum(axis=0))  # dL/db = sum over the batch of G
        return g, input_shape

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    r"""Return the input unchanged: :math:`y = x`, so the backward pass returns its gradient.

    Parameters
    ----------
    *args, **kwargs
        Accepted and ignored, as in PyTorch, so ``Identity`` can stand in
        for a layer built with arguments (``norm = BatchNorm1d(64) if
        use_norm else Identity(64)``).

    Notes
    -----
    ``forward`` returns the very object it receives; ``backward`` returns
    ``grad_output`` after checking it has the input's shape.

    Examples
    --------
    >>> import numpy as np
    >>> identity = Identity(54, unused="ignored")
    >>> x = np.array([1.0, -2.0])
    >>> identity(x) is x
    True
    >>> identity.backward(np.array([0.5, 0.5]))
    array([0.5, 0.5])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Any:
        """Return ``input`` itself."""
        self.save_for_backward(np.shape(input))
        return input

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Return :math:`\partial L/\partial y`, checked against the input's shape."""
        (shape,) = self.saved_for_backward()
        return check_grad_output(grad_output, shape, "Identity")
