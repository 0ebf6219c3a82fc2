"""``Parameter``: an array a model learns, with a slot for its gradient."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._validation import as_array

__all__ = ["Parameter"]


class Parameter:
    r"""A learnable array together with the gradient of the loss with respect to it.

    Parameters
    ----------
    data : array_like
        The initial value. Floating arrays keep their dtype; integers become
        float64. It must be finite.

    Attributes
    ----------
    data : numpy.ndarray
        The current value. Optimizers update it in place.
    grad : numpy.ndarray or None
        :math:`\partial L / \partial \theta`, same shape and dtype as ``data``,
        or ``None`` before any backward pass has reached this parameter.
        ``Module.backward`` *adds* into it (gradients accumulate, as in
        PyTorch), so call ``zero_grad`` between steps.

    Notes
    -----
    Differences from PyTorch: ``torch.nn.Parameter`` is a tensor subclass
    whose ``.grad`` autograd fills. Here ``Parameter`` is a plain holder of
    two NumPy arrays and the modules' explicit ``backward`` methods fill
    ``.grad`` through :meth:`accumulate_grad`; it is not an
    :class:`nnlib.autograd.Tensor`, and operations on it are not recorded.
    For automatic differentiation, use a leaf tensor
    (``nnlib.autograd.tensor(p.data, requires_grad=True)``); the optimizers
    accept both, since both have ``.data`` and ``.grad``.

    Examples
    --------
    >>> import numpy as np
    >>> p = Parameter([1.0, 2.0])
    >>> p.accumulate_grad(np.array([0.5, 0.5]))
    >>> p.accumulate_grad(np.array([0.5, 0.5]))
    >>> p.grad
    array([1., 1.])
    """

    def __init__(self, data: ArrayLike) -> None:
        array = as_array(data, "data", "Parameter")
        # A parameter owns its memory: optimizers update it in place.
        self.data: NDArray[np.floating[Any]] = np.array(array, copy=True)
        self.grad: NDArray[np.floating[Any]] | None = None

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of ``data``."""
        return self.data.shape

    @property
    def dtype(self) -> np.dtype[Any]:
        """dtype of ``data``."""
        return self.data.dtype

    @property
    def size(self) -> int:
        """Number of elements of ``data``."""
        return int(self.data.size)

    def accumulate_grad(self, grad: NDArray[np.floating[Any]]) -> None:
        r"""Add ``grad`` into ``.grad`` (creating it on first use).

        Parameters
        ----------
        grad : numpy.ndarray, same shape as ``data``
            A contribution to :math:`\partial L / \partial \theta`.

        Raises
        ------
        ValueError
            If the shape differs from the parameter's.
        """
        if grad.shape != self.data.shape:
            raise ValueError(
                f"Parameter.accumulate_grad: gradient has shape {grad.shape}; expected the "
                f"parameter's shape {self.data.shape}"
            )
        if self.grad is None:
            self.grad = np.array(grad, dtype=self.data.dtype, copy=True)
        else:
            self.grad += grad

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype}, data={body})"
