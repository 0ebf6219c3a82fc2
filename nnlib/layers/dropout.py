r"""``Dropout``: inverted dropout, random in training mode, the identity in eval mode."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._hyperparameter import Hyperparameter
from nnlib._random import RNGLike, as_generator, default_generator
from nnlib._validation import as_array, check_grad_output, check_number
from nnlib.module import Module

__all__ = ["Dropout"]

Array = NDArray[np.floating[Any]]


class Dropout(Module):
    r"""Zero each element with probability :math:`p` and scale the rest by :math:`1/(1-p)`.

    Parameters
    ----------
    p : float, default 0.5
        Probability of zeroing an element, in :math:`[0, 1]`. ``p = 1`` zeroes
        everything (as in PyTorch); ``p = 0`` is the identity.
    rng : numpy.random.Generator or int, optional
        Source of the masks. An int seed gives the same sequence of masks on
        every run; each forward call in training mode draws a new mask. None
        (the default) draws each mask from nnlib's default generator at the
        time of the call (:func:`~nnlib.manual_seed`,
        :func:`~nnlib.get_rng_state`).

    Attributes
    ----------
    generator : numpy.random.Generator or None
        Its own generator (from ``rng``), or None when it draws from the
        default one. A checkpoint that should resume bit for bit saves
        ``generator.bit_generator.state`` (:func:`~nnlib.train.fit` does).

    Notes
    -----
    In training mode, with independent :math:`m_i \sim \text{Bernoulli}(1-p)`,

    .. math:: y_i = \frac{m_i\, x_i}{1 - p}, \qquad
              \frac{\partial L}{\partial x_i} = \frac{m_i}{1-p}
              \frac{\partial L}{\partial y_i},

    so :math:`E[y_i] = x_i`: the expected activation is unchanged, which is
    why evaluation mode (:meth:`~nnlib.Module.eval`) can simply return the
    input ("inverted" dropout: the scaling happens during training, not at
    test time) [1]_. Shapes: any input shape; the output has the same shape
    and dtype.

    Differences from PyTorch: no ``inplace`` argument; a generator of its
    own can be given as ``rng`` (keyword-only); by default it uses the
    global one, as in PyTorch.

    References
    ----------
    .. [1] Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov (2014),
       Dropout: a simple way to prevent neural networks from overfitting.
       JMLR 15.

    Examples
    --------
    >>> import numpy as np
    >>> drop = Dropout(0.5, rng=0)
    >>> drop(np.ones(6))
    array([2., 0., 0., 0., 2., 2.])
    >>> drop.backward(np.ones(6))
    array([2., 0., 0., 0., 2., 2.])
    >>> drop.eval()(np.ones(3))
    array([1., 1., 1.])
    """

    p = Hyperparameter(check_number, low=0.0, high=1.0)

    def __init__(self, p: float = 0.5, *, rng: RNGLike = None) -> None:
        super().__init__()
        self.p = p
        self.generator = None if rng is None else as_generator(rng, "Dropout")

    def forward(self, input: ArrayLike) -> Array:
        """Apply a fresh mask in training mode; return ``input`` unchanged in eval mode."""
        x = as_array(input, "input", "Dropout")
        if not self.training or self.p == 0.0:
            self.save_for_backward(None, x.shape)  # no mask: the identity
            return x
        if self.p == 1.0:
            mask = np.zeros(x.shape, dtype=x.dtype)
        else:
            generator = default_generator() if self.generator is None else self.generator
            keep = generator.random(x.shape) >= self.p
            mask = keep.astype(x.dtype)
            mask *= x.dtype.type(1.0 / (1.0 - self.p))  # m / (1 - p)
        self.save_for_backward(mask, x.shape)
        out: Array = x * mask
        return out

    def backward(self, grad_output: ArrayLike) -> Array:
        r"""Return :math:`\partial L/\partial y` times the mask of the last forward pass."""
        mask, shape = self.saved_for_backward()
        grad = check_grad_output(grad_output, shape, "Dropout")
        if mask is None:
            return grad
        grad_input: Array = grad * mask
        return grad_input

    def extra_repr(self) -> str:
        return f"p={self.p:g}"
