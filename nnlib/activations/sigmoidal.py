r"""S-shaped, saturating activations: the logistic sigmoid and the hyperbolic tangent.

Derived, plotted and verified in the chapter *Activation functions*.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnlib import _numerics
from nnlib._validation import as_array
from nnlib.activations._base import Array, ElementwiseActivation

__all__ = ["Sigmoid", "Tanh", "sigmoid", "tanh"]


def _sigmoid_derivative(x: Array) -> Array:
    # sigma(x) * sigma(-x) equals sigma(1 - sigma) but keeps full relative
    # accuracy where 1 - sigma(x) would round (large positive x).
    result: Array = _numerics.sigmoid(x) * _numerics.sigmoid(-x)
    return result


def _tanh_derivative(x: Array) -> Array:
    # sech(x) = 2 e^{-|x|} / (1 + e^{-2|x|}): no overflow, and accurate where
    # 1 - tanh(x)^2 would cancel to 0 (|x| > 19).
    e = np.exp(-np.abs(x))
    sech = 2.0 * e / (1.0 + e * e)
    result: Array = sech * sech
    return result


class Sigmoid(ElementwiseActivation):
    r"""Logistic sigmoid, element-wise: :math:`\sigma(x) = 1/(1 + e^{-x})`.

    Shape: any; the output has the input's shape and floating dtype.

    Notes
    -----
    .. math:: \sigma(x) = \frac{1}{1+e^{-x}} \in (0, 1),

              \sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr) \in (0, \tfrac14].

    ``forward`` never overflows: for :math:`x < 0` it uses the equal form
    :math:`e^{x}/(1+e^{x})`. ``backward`` uses the cached output,
    :math:`y(1-y)`, as PyTorch does; ``derivative`` evaluates
    :math:`\sigma(x)\sigma(-x)`, the same number with full relative accuracy
    for large :math:`x`, where :math:`1 - y` rounds. The slope is at most 1/4,
    which is why deep sigmoid networks suffer vanishing gradients [2]_.

    Differences from PyTorch: ``torch.nn.Sigmoid`` has no ``backward`` (autograd
    differentiates it); nnlib's does, and adds ``derivative``.

    References
    ----------
    .. [1] Rumelhart, Hinton & Williams (1986), Learning representations by
       back-propagating errors, Nature 323, 533-536.
    .. [2] Glorot & Bengio (2010), Understanding the difficulty of training
       deep feedforward neural networks, AISTATS.

    Examples
    --------
    >>> import numpy as np
    >>> act = Sigmoid()
    >>> act(np.array([-1000.0, 0.0, 2.0]))
    array([0.        , 0.5       , 0.88079708])
    >>> act.backward(np.ones(3))
    array([0.        , 0.25      , 0.10499359])
    """

    def _function(self, x: Array) -> Array:
        return _numerics.sigmoid(x)

    def _derivative(self, x: Array) -> Array:
        return _sigmoid_derivative(x)

    def _local_gradient(self, x: Array, y: Array) -> Array:
        # The derivative as a function of the OUTPUT y = sigma(x): y (1 - y).
        result: Array = y * (1.0 - y)
        return result


class Tanh(ElementwiseActivation):
    r"""Hyperbolic tangent, element-wise: a sigmoid rescaled to :math:`(-1, 1)`.

    Shape: any; the output has the input's shape and floating dtype.

    Notes
    -----
    .. math:: \tanh(x) = \frac{e^{x}-e^{-x}}{e^{x}+e^{-x}} = 2\sigma(2x) - 1,

              \tanh'(x) = 1 - \tanh^2(x) = \operatorname{sech}^2(x) \in (0, 1].

    Zero-centred with slope 1 at the origin, so it saturates like the
    sigmoid but passes gradients four times better near 0 [1]_. ``backward``
    uses the cached output, :math:`1 - y^2`, as PyTorch does; ``derivative``
    evaluates :math:`\operatorname{sech}^2 x` directly, which keeps its relative
    accuracy where :math:`1 - y^2` cancels.

    Differences from PyTorch: ``torch.nn.Tanh`` has no ``backward``; nnlib's
    does, and adds ``derivative``.

    References
    ----------
    .. [1] LeCun, Bottou, Orr & Müller (2012), Efficient BackProp, in Neural
       Networks: Tricks of the Trade, Springer.

    Examples
    --------
    >>> import numpy as np
    >>> act = Tanh()
    >>> act(np.array([-1000.0, 0.0, 0.5]))
    array([-1.        ,  0.        ,  0.46211716])
    >>> act.backward(np.ones(3))
    array([0.        , 1.        , 0.78644773])
    """

    def _function(self, x: Array) -> Array:
        return np.tanh(x)

    def _derivative(self, x: Array) -> Array:
        return _tanh_derivative(x)

    def _local_gradient(self, x: Array, y: Array) -> Array:
        # The derivative as a function of the OUTPUT y = tanh(x): 1 - y^2.
        result: Array = 1.0 - y * y
        return result


def sigmoid(input: ArrayLike) -> Array:
    r"""Logistic sigmoid :math:`1/(1+e^{-x})`, element-wise; see :class:`Sigmoid`.

    Parameters
    ----------
    input : array_like, any shape
        Finite real numbers.

    Returns
    -------
    numpy.ndarray
        Same shape; float32 stays float32, anything else becomes float64.

    Raises
    ------
    TypeError
        If ``input`` is not real-valued numeric.
    ValueError
        If it holds NaN or infinity.

    Examples
    --------
    >>> sigmoid([0.0, 1000.0])
    array([0.5, 1. ])
    """
    return _numerics.sigmoid(as_array(input, "input", "sigmoid"))


def tanh(input: ArrayLike) -> Array:
    r"""Hyperbolic tangent, element-wise; see :class:`Tanh`.

    Parameters
    ----------
    input : array_like, any shape
        Finite real numbers.

    Returns
    -------
    numpy.ndarray
        Same shape; float32 stays float32, anything else becomes float64.

    Raises
    ------
    TypeError
        If ``input`` is not real-valued numeric.
    ValueError
        If it holds NaN or infinity.

    Examples
    --------
    >>> tanh([0.0, -1000.0])
    array([ 0., -1.])
    """
    result: Array = np.tanh(as_array(input, "input", "tanh"))
    return result
