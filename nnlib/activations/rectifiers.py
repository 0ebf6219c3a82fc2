r"""Rectifiers: ReLU, its leaky variant, and the smooth rectifier softplus.

Derived, plotted and verified in the chapter *Activation functions*.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnlib import _numerics
from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import as_array, check_number
from nnlib.activations._base import Array, ElementwiseActivation

__all__ = ["LeakyReLU", "ReLU", "Softplus", "leaky_relu", "relu", "softplus"]


def _relu(x: Array) -> Array:
    result: Array = np.maximum(x, 0.0)
    return result


def _relu_derivative(x: Array) -> Array:
    # 1 for x > 0, else 0 (so f'(0) = 0, as in PyTorch): the comparison's
    # booleans converted to x's dtype, one pass where np.where takes several.
    result: Array = (x > 0).astype(x.dtype)
    return result


def _leaky_relu(x: Array, negative_slope: float) -> Array:
    result: Array = np.where(x > 0, x, negative_slope * x).astype(x.dtype, copy=False)
    return result


def _leaky_relu_derivative(x: Array, negative_slope: float) -> Array:
    # PyTorch's convention: slope 1 only for x > 0, so f'(0) = negative_slope.
    result: Array = np.where(x > 0, 1.0, negative_slope).astype(x.dtype)
    return result


def _scaled_input(x: Array, beta: float) -> Array:
    # beta * x without overflow: where |beta x| would come near the float range
    # the result no longer depends on it (identity branch, or softplus = 0).
    limit = float(np.finfo(x.dtype).max) / (2.0 * max(beta, 1.0))
    result: Array = beta * np.clip(x, -limit, limit)
    return result


def _softplus(x: Array, beta: float, threshold: float) -> Array:
    z = _scaled_input(x, beta)
    smooth = _numerics.softplus(np.minimum(z, threshold)) / beta
    result: Array = np.where(z > threshold, x, smooth).astype(x.dtype, copy=False)
    return result


def _softplus_derivative(x: Array, beta: float, threshold: float) -> Array:
    z = _scaled_input(x, beta)
    result: Array = np.where(z > threshold, 1.0, _numerics.sigmoid(z)).astype(x.dtype)
    return result


class ReLU(ElementwiseActivation):
    r"""Rectified linear unit, element-wise: :math:`\max(0, x)`.

    Shape: any; the output has the input's shape and floating dtype.

    Notes
    -----
    .. math:: \operatorname{ReLU}(x) = \max(0, x),

              \operatorname{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}

    The kink at 0 has no derivative; like PyTorch, nnlib uses 0 there. The
    slope is exactly 1 for positive inputs, so gradients pass unchanged, and
    exactly 0 for negative ones: a unit whose input is negative for every
    example gets no gradient at all (a "dead" unit) [1]_.

    Differences from PyTorch: no ``inplace`` argument; ``backward`` and
    ``derivative`` are explicit.

    References
    ----------
    .. [1] Nair & Hinton (2010), Rectified linear units improve restricted
       Boltzmann machines, ICML.

    Examples
    --------
    >>> import numpy as np
    >>> act = ReLU()
    >>> act(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    >>> act.derivative(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """

    def _function(self, x: Array) -> Array:
        return _relu(x)

    def _derivative(self, x: Array) -> Array:
        return _relu_derivative(x)


class LeakyReLU(ElementwiseActivation):
    r"""Leaky rectified linear unit, element-wise.

    Parameters
    ----------
    negative_slope : float, default 0.01
        Slope :math:`a` for inputs :math:`x \le 0`; any finite real number.

    Shape: any; the output has the input's shape and floating dtype.

    Notes
    -----
    .. math:: f(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}, \qquad
              f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}

    At the kink :math:`f'(0) = a`, PyTorch's convention. A small positive
    :math:`a` keeps a gradient flowing for negative inputs, so units cannot
    die as with ReLU [1]_. A negative :math:`a` is accepted, as in PyTorch,
    but makes the function non-monotonic.

    Differences from PyTorch: no ``inplace`` argument; ``backward`` and
    ``derivative`` are explicit; a non-finite slope raises ``ValueError``.

    References
    ----------
    .. [1] Maas, Hannun & Ng (2013), Rectifier nonlinearities improve neural
       network acoustic models, ICML Workshop on Deep Learning.

    Examples
    --------
    >>> import numpy as np
    >>> LeakyReLU(0.1)(np.array([-2.0, 3.0]))
    array([-0.2,  3. ])
    """

    negative_slope = Hyperparameter(check_number)

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"

    def _function(self, x: Array) -> Array:
        return _leaky_relu(x, self.negative_slope)

    def _derivative(self, x: Array) -> Array:
        return _leaky_relu_derivative(x, self.negative_slope)


class Softplus(ElementwiseActivation):
    r"""Softplus, a smooth rectifier, element-wise.

    Parameters
    ----------
    beta : float, default 1.0
        Sharpness :math:`\beta > 0`; large :math:`\beta` approaches ReLU.
    threshold : float, default 20.0
        Where :math:`\beta x >` ``threshold`` the function returns :math:`x`
        itself; must be :math:`> 0`.

    Shape: any; the output has the input's shape and floating dtype.

    Notes
    -----
    .. math:: f(x) = \frac{1}{\beta}\log\bigl(1 + e^{\beta x}\bigr), \qquad
              f'(x) = \sigma(\beta x),

    the derivative of softplus is the sigmoid [1]_. As in PyTorch, where
    :math:`\beta x > \text{threshold}` the value is :math:`x` and the derivative
    1 (at the default threshold the two differ by :math:`e^{-20}/\beta`). The
    smooth branch is :math:`\max(z, 0) + \log(1 + e^{-|z|})` with
    :math:`z = \beta x`, so it never overflows.

    Differences from PyTorch: ``beta`` must be positive and ``threshold``
    positive (PyTorch accepts any values); ``backward`` and ``derivative``
    are explicit.

    References
    ----------
    .. [1] Dugas, Bengio, Bélisle, Nadeau & Garcia (2001), Incorporating
       second-order functional knowledge for better option pricing, NIPS.

    Examples
    --------
    >>> import numpy as np
    >>> act = Softplus()
    >>> act(np.array([-1.0, 0.0, 25.0]))
    array([ 0.31326169,  0.69314718, 25.        ])
    >>> act.derivative(np.array([0.0, 25.0]))
    array([0.5, 1. ])
    """

    beta = Hyperparameter(check_number, low=0.0, low_inclusive=False)
    threshold = Hyperparameter(check_number, low=0.0, low_inclusive=False)

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"

    def _function(self, x: Array) -> Array:
        return _softplus(x, self.beta, self.threshold)

    def _derivative(self, x: Array) -> Array:
        return _softplus_derivative(x, self.beta, self.threshold)


def relu(input: ArrayLike) -> Array:
    r"""Rectified linear unit :math:`\max(0, x)`, element-wise; see :class:`ReLU`.

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
        If ``input`` holds NaN or infinity.

    Examples
    --------
    >>> relu([-1.0, 2.0])
    array([0., 2.])
    """
    return _relu(as_array(input, "input", "relu"))


def leaky_relu(input: ArrayLike, negative_slope: float = 0.01) -> Array:
    r"""Leaky ReLU, element-wise; see :class:`LeakyReLU`.

    Parameters
    ----------
    input : array_like, any shape
        Finite real numbers.
    negative_slope : float, default 0.01
        Slope for inputs :math:`\le 0`; finite.

    Returns
    -------
    numpy.ndarray
        Same shape; float32 stays float32, anything else becomes float64.

    Raises
    ------
    TypeError
        If ``input`` is not real-valued numeric.
    ValueError
        If ``input`` holds NaN or infinity, or ``negative_slope`` is not finite.

    Examples
    --------
    >>> leaky_relu([-1.0, 2.0], negative_slope=0.2)
    array([-0.2,  2. ])
    """
    slope = LeakyReLU.negative_slope.validate(negative_slope, "leaky_relu")
    return _leaky_relu(as_array(input, "input", "leaky_relu"), slope)


def softplus(input: ArrayLike, beta: float = 1.0, threshold: float = 20.0) -> Array:
    r"""Softplus :math:`\frac{1}{\beta}\log(1+e^{\beta x})`, element-wise; see :class:`Softplus`.

    Parameters
    ----------
    input : array_like, any shape
        Finite real numbers.
    beta : float, default 1.0
        Positive sharpness.
    threshold : float, default 20.0
        Positive; above it (in :math:`\beta x`) the function is the identity.

    Returns
    -------
    numpy.ndarray
        Same shape; float32 stays float32, anything else becomes float64.

    Raises
    ------
    TypeError
        If ``input`` is not real-valued numeric.
    ValueError
        If ``input`` holds NaN or infinity, or ``beta`` or ``threshold`` is not positive.

    Examples
    --------
    >>> softplus([0.0, 30.0], beta=2.0)
    array([ 0.34657359, 30.        ])
    """
    beta = Softplus.beta.validate(beta, "softplus")
    threshold = Softplus.threshold.validate(threshold, "softplus")
    return _softplus(as_array(input, "input", "softplus"), beta, threshold)
