r"""Self-gated activations :math:`x\,g(x)`: SiLU (:math:`g = \sigma`) and GELU (:math:`g = \Phi`).

Derived, plotted and verified in the chapter *Activation functions*.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from nnlib import _numerics
from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import as_array, check_choice
from nnlib.activations._base import Array, ElementwiseActivation
from nnlib.activations._erf import erfc

__all__ = ["GELU", "SiLU", "gelu", "silu"]

Approximate = Literal["none", "tanh"]

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TANH_K = math.sqrt(2.0 / math.pi)  # constants of the tanh approximation
_TANH_KAPPA = 0.044715
# Beyond |x| = 40 the Gaussian density, and beyond 100 the tanh-approximation
# gate's slope, are 0 in float64; clipping there keeps x**2 and x**3 finite.
_DENSITY_CLIP = 40.0
_TANH_CLIP = 100.0


def _silu(x: Array) -> Array:
    result: Array = x * _numerics.sigmoid(x)
    return result


def _silu_derivative(x: Array) -> Array:
    # sigma(x) (1 + x (1 - sigma(x))), with 1 - sigma(x) written as sigma(-x).
    result: Array = _numerics.sigmoid(x) * (1.0 + x * _numerics.sigmoid(-x))
    return result


def _tanh_gate(x: Array) -> tuple[Array, Array]:
    # 1 + tanh(u) = 2 sigma(2u): the gate 0.5 (1 + tanh u) without cancellation.
    xc = np.clip(x, -_TANH_CLIP, _TANH_CLIP)
    two_u = 2.0 * _TANH_K * (xc + _TANH_KAPPA * xc**3)
    return _numerics.sigmoid(two_u), _numerics.sigmoid(-two_u)


def _gelu(x: Array, approximate: Approximate) -> Array:
    x64 = x.astype(np.float64)
    # Phi(x) = erfc(-x / sqrt 2) / 2: erfc keeps the negative tail accurate.
    gate = _tanh_gate(x64)[0] if approximate == "tanh" else 0.5 * erfc(-_SQRT_HALF * x64)
    result: Array = (x64 * gate).astype(x.dtype, copy=False)
    return result


def _gelu_derivative(x: Array, approximate: Approximate) -> Array:
    x64 = x.astype(np.float64)
    xc = np.clip(x64, -_DENSITY_CLIP, _DENSITY_CLIP)
    if approximate == "tanh":
        gate, one_minus_gate = _tanh_gate(x64)
        du_dx = _TANH_K * (1.0 + 3.0 * _TANH_KAPPA * xc * xc)
        slope = gate + 2.0 * xc * gate * one_minus_gate * du_dx
    else:
        cdf = 0.5 * erfc(-_SQRT_HALF * x64)
        density = _INV_SQRT_2PI * np.exp(-0.5 * xc * xc)
        slope = cdf + xc * density
    result: Array = slope.astype(x.dtype, copy=False)
    return result


class SiLU(ElementwiseActivation):
    r"""Sigmoid linear unit (swish), element-wise: :math:`x\,\sigma(x)`.

    Shape: any; the output has the input's shape and floating dtype.

    Notes
    -----
    .. math:: f(x) = x\,\sigma(x),

              f'(x) = \sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr)

    Smooth, non-monotonic (minimum :math:`\approx -0.278` at
    :math:`x \approx -1.278`), unbounded above and bounded below [1]_ [2]_.
    The derivative is evaluated as :math:`\sigma(x)(1 + x\,\sigma(-x))`,
    which stays accurate for large :math:`x`.

    Differences from PyTorch: no ``inplace`` argument; ``backward`` and
    ``derivative`` are explicit.

    References
    ----------
    .. [1] Elfwing, Uchibe & Doya (2018), Sigmoid-weighted linear units for
       neural network function approximation in reinforcement learning,
       Neural Networks 107, 3-11.
    .. [2] Ramachandran, Zoph & Le (2017), Searching for activation functions,
       arXiv:1710.05941.

    Examples
    --------
    >>> import numpy as np
    >>> SiLU()(np.array([-1000.0, 0.0, 1.0]))
    array([-0.        ,  0.        ,  0.73105858])
    """

    def _function(self, x: Array) -> Array:
        return _silu(x)

    def _derivative(self, x: Array) -> Array:
        return _silu_derivative(x)


class GELU(ElementwiseActivation):
    r"""Gaussian error linear unit, element-wise: :math:`x\,\Phi(x)`.

    Parameters
    ----------
    approximate : {'none', 'tanh'}, default 'none'
        ``'none'``: the exact :math:`\Phi` through the error function;
        ``'tanh'``: the tanh approximation of [1]_.

    Shape: any; the output has the input's shape and floating dtype.

    Notes
    -----
    With :math:`\Phi(x) = \tfrac12\bigl(1 + \operatorname{erf}(x/\sqrt2)\bigr)`
    and :math:`\varphi(x) = e^{-x^2/2}/\sqrt{2\pi}` the standard normal CDF and
    density,

    .. math:: f(x) = x\,\Phi(x), \qquad f'(x) = \Phi(x) + x\,\varphi(x).

    ``'tanh'`` replaces :math:`\Phi(x)` by
    :math:`\tfrac12(1 + \tanh u)` with
    :math:`u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)`, and the derivative is that
    of the replaced formula, :math:`\tfrac12(1 + \tanh u) +
    \tfrac12 x (1 - \tanh^2 u)\,u'`, as in PyTorch.

    NumPy has no ``erf``; :math:`\Phi(x) = \tfrac12\operatorname{erfc}(-x/\sqrt2)`
    is evaluated with Cody's rational approximations (``nnlib.activations._erf``),
    so the negative tail, where :math:`\Phi` is tiny, keeps full relative
    accuracy. Computation is in float64, cast back to the input's dtype.

    Differences from PyTorch: ``backward`` and ``derivative`` are explicit.
    An invalid ``approximate`` raises ``ValueError`` (PyTorch: RuntimeError).
    For the tanh form, :math:`\tfrac12(1 + \tanh u)` is computed as
    :math:`\sigma(2u)`, equal in exact arithmetic, so where PyTorch returns
    0 for :math:`x \lesssim -10` nnlib returns the tiny true value.

    References
    ----------
    .. [1] Hendrycks & Gimpel (2016), Gaussian error linear units (GELUs),
       arXiv:1606.08415.

    Examples
    --------
    >>> import numpy as np
    >>> act = GELU()
    >>> act(np.array([-1.0, 0.0, 1.0]))
    array([-0.15865525,  0.        ,  0.84134475])
    >>> GELU(approximate="tanh")(np.array([1.0]))
    array([0.84119199])
    """

    approximate: Hyperparameter[Approximate] = Hyperparameter(
        check_choice, choices=("none", "tanh")
    )

    def __init__(self, approximate: Approximate = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"

    def _function(self, x: Array) -> Array:
        return _gelu(x, self.approximate)

    def _derivative(self, x: Array) -> Array:
        return _gelu_derivative(x, self.approximate)


def silu(input: ArrayLike) -> Array:
    r"""Sigmoid linear unit :math:`x\,\sigma(x)`, element-wise; see :class:`SiLU`.

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
    >>> silu([0.0, 1.0])
    array([0.        , 0.73105858])
    """
    return _silu(as_array(input, "input", "silu"))


def gelu(input: ArrayLike, approximate: Approximate = "none") -> Array:
    r"""Gaussian error linear unit :math:`x\,\Phi(x)`, element-wise; see :class:`GELU`.

    Parameters
    ----------
    input : array_like, any shape
        Finite real numbers.
    approximate : {'none', 'tanh'}, default 'none'
        Exact (erf) or tanh-approximated :math:`\Phi`.

    Returns
    -------
    numpy.ndarray
        Same shape; float32 stays float32, anything else becomes float64.

    Raises
    ------
    TypeError
        If ``input`` is not real-valued numeric.
    ValueError
        If ``input`` holds NaN or infinity, or ``approximate`` is not valid.

    Examples
    --------
    >>> gelu([-1.0, 1.0])
    array([-0.15865525,  0.84134475])
    """
    approximate = GELU.approximate.validate(approximate, "gelu")
    return _gelu(as_array(input, "input", "gelu"), approximate)
