r"""Exponential linear units: ELU and its self-normalising scaling, SELU.

Derived, plotted and verified in the chapter *Activation functions*.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import as_array, check_number
from nnlib.activations._base import Array, ElementwiseActivation

__all__ = ["ELU", "SELU", "elu", "selu"]

# PyTorch's constants (Klambauer et al. 2017, eqs. 14-15), to float64 precision.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _elu(x: Array, alpha: float, scale: float = 1.0) -> Array:
    # expm1 keeps e^x - 1 accurate near 0; min(x, 0) keeps exp from overflowing
    # in the branch np.where discards.
    negative = alpha * np.expm1(np.minimum(x, 0))
    result: Array = (scale * np.where(x > 0, x, negative)).astype(x.dtype, copy=False)
    return result


def _elu_derivative(x: Array, alpha: float, scale: float = 1.0) -> Array:
    # PyTorch's convention: the x <= 0 branch at the kink, so f'(0) = scale * alpha.
    negative = alpha * np.exp(np.minimum(x, 0))
    result: Array = (scale * np.where(x > 0, 1.0, negative)).astype(x.dtype, copy=False)
    return result


class ELU(ElementwiseActivation):
    r"""Exponential linear unit, element-wise.

    Parameters
    ----------
    alpha : float, default 1.0
        Value :math:`-\alpha` the function approaches as :math:`x \to -\infty`;
        any finite real number.

    Shape: any; the output has the input's shape and floating dtype.

    Notes
    -----
    .. math:: f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases},

              f'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} = f(x) + \alpha & x \le 0 \end{cases}

    Negative inputs give negative outputs, so mean activations sit closer to
    zero than with ReLU, and the gradient for :math:`x < 0` is small but never
    exactly zero [1]_. At the kink PyTorch uses the left branch,
    :math:`f'(0) = \alpha`, and so does nnlib: the function is differentiable
    at 0 only for :math:`\alpha = 1`. Any finite :math:`\alpha` is accepted
    (the formula is defined for all); :math:`\alpha < 0` makes it
    non-monotonic.

    Differences from PyTorch: no ``inplace`` argument; ``backward`` and
    ``derivative`` are explicit; a non-finite ``alpha`` raises ``ValueError``.

    References
    ----------
    .. [1] Clevert, Unterthiner & Hochreiter (2016), Fast and accurate deep
       network learning by exponential linear units (ELUs), ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> act = ELU()
    >>> act(np.array([-1000.0, -1.0, 2.0]))
    array([-1.        , -0.63212056,  2.        ])
    >>> act.derivative(np.array([-1.0, 0.0, 2.0]))
    array([0.36787944, 1.        , 1.        ])
    """

    alpha = Hyperparameter(check_number)

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"

    def _function(self, x: Array) -> Array:
        return _elu(x, self.alpha)

    def _derivative(self, x: Array) -> Array:
        return _elu_derivative(x, self.alpha)


class SELU(ElementwiseActivation):
    r"""Scaled exponential linear unit, element-wise: :math:`\lambda\,\mathrm{ELU}_\alpha(x)`.

    Shape: any; the output has the input's shape and floating dtype.

    Notes
    -----
    .. math:: f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0
              \end{cases},

              f'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}

    with :math:`\alpha \approx 1.6733` and :math:`\lambda \approx 1.0507`
    (``SELU_ALPHA``, ``SELU_SCALE``; the same digits as PyTorch). They are
    chosen so that, for standard normal pre-activations and weights of
    variance :math:`1/n`, the activations keep mean 0 and variance 1 from layer
    to layer [1]_. As in PyTorch, :math:`f'(0) = \lambda\alpha`.

    Differences from PyTorch: no ``inplace`` argument; ``backward`` and
    ``derivative`` are explicit.

    References
    ----------
    .. [1] Klambauer, Unterthiner, Mayr & Hochreiter (2017), Self-normalizing
       neural networks, NeurIPS.

    Examples
    --------
    >>> import numpy as np
    >>> SELU()(np.array([-1000.0, 0.0, 1.0]))
    array([-1.75809934,  0.        ,  1.05070099])
    """

    def _function(self, x: Array) -> Array:
        return _elu(x, SELU_ALPHA, SELU_SCALE)

    def _derivative(self, x: Array) -> Array:
        return _elu_derivative(x, SELU_ALPHA, SELU_SCALE)


def elu(input: ArrayLike, alpha: float = 1.0) -> Array:
    r"""Exponential linear unit, element-wise; see :class:`ELU`.

    Parameters
    ----------
    input : array_like, any shape
        Finite real numbers.
    alpha : float, default 1.0
        Finite; the negative saturation value is :math:`-\alpha`.

    Returns
    -------
    numpy.ndarray
        Same shape; float32 stays float32, anything else becomes float64.

    Raises
    ------
    TypeError
        If ``input`` is not real-valued numeric.
    ValueError
        If ``input`` holds NaN or infinity, or ``alpha`` is not finite.

    Examples
    --------
    >>> elu([-1.0, 1.0], alpha=2.0)
    array([-1.26424112,  1.        ])
    """
    alpha = ELU.alpha.validate(alpha, "elu")
    return _elu(as_array(input, "input", "elu"), alpha)


def selu(input: ArrayLike) -> Array:
    r"""Scaled exponential linear unit, element-wise; see :class:`SELU`.

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
    >>> selu([0.0, 1.0])
    array([0.        , 1.05070099])
    """
    return _elu(as_array(input, "input", "selu"), SELU_ALPHA, SELU_SCALE)
