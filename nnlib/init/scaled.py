r"""Variance-scaled fills: Xavier/Glorot and Kaiming/He, uniform and normal.

References
----------
.. [1] Glorot & Bengio (2010), Understanding the difficulty of training deep
   feedforward neural networks. AISTATS.
.. [2] He, Zhang, Ren & Sun (2015), Delving deep into rectifiers. ICCV.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from numpy.typing import NDArray

from nnlib._random import RNGLike
from nnlib._validation import check_choice, check_number
from nnlib.init.basic import T, _fill, _generator, _target
from nnlib.init.gain import calculate_fan_in_and_fan_out, calculate_gain

__all__ = ["kaiming_normal_", "kaiming_uniform_", "xavier_normal_", "xavier_uniform_"]

FanMode = Literal["fan_in", "fan_out"]


def xavier_uniform_(
    tensor: T, gain: float = 1.0, rng: RNGLike = None, *, generator: RNGLike = None
) -> T:
    r"""Glorot uniform: :math:`U(-c, c)`, :math:`c = g\sqrt{6/(fan_{in} + fan_{out})}`.

    The variance :math:`c^2/3 = g^2 \cdot 2/(fan_{in} + fan_{out})` is the
    compromise between keeping forward activations (:math:`1/fan_{in}`) and
    backward gradients (:math:`1/fan_{out}`) at constant scale [1]_.

    References
    ----------
    .. [1] Glorot & Bengio (2010), Understanding the difficulty of training deep
       feedforward neural networks. AISTATS.

    Examples
    --------
    >>> import numpy as np
    >>> w = xavier_uniform_(np.empty((3, 5)), rng=0)
    >>> bool(np.all(np.abs(w) <= np.sqrt(6 / 8)))
    True
    """
    array = _target(tensor, "xavier_uniform_")
    g = check_number(gain, "gain", "xavier_uniform_", low=0.0)
    if array.size == 0:
        return tensor
    fan_in, fan_out = calculate_fan_in_and_fan_out(array)
    bound = math.sqrt(3.0) * g * math.sqrt(2.0 / (fan_in + fan_out))
    _fill(array, _generator(rng, generator, "xavier_uniform_").uniform(-bound, bound, array.shape))
    return tensor


def xavier_normal_(
    tensor: T, gain: float = 1.0, rng: RNGLike = None, *, generator: RNGLike = None
) -> T:
    r"""Glorot normal :math:`\mathcal N(0, \sigma^2)`, :math:`\sigma = g\sqrt{2/(n_{in}+n_{out})}`.

    Examples
    --------
    >>> import numpy as np
    >>> xavier_normal_(np.empty((4, 4)), rng=0).shape
    (4, 4)
    """
    array = _target(tensor, "xavier_normal_")
    g = check_number(gain, "gain", "xavier_normal_", low=0.0)
    if array.size == 0:
        return tensor
    fan_in, fan_out = calculate_fan_in_and_fan_out(array)
    std = g * math.sqrt(2.0 / (fan_in + fan_out))
    _fill(array, _generator(rng, generator, "xavier_normal_").normal(0.0, std, array.shape))
    return tensor


def _kaiming_std(array: NDArray[Any], a: float, mode: str, nonlinearity: str, owner: str) -> float:
    check_choice(mode, ("fan_in", "fan_out"), "mode", owner)
    fan_in, fan_out = calculate_fan_in_and_fan_out(array)
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def kaiming_uniform_(
    tensor: T,
    a: float = 0.0,
    mode: FanMode = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: RNGLike = None,
    *,
    generator: RNGLike = None,
) -> T:
    r"""He uniform: :math:`U(-c, c)` with :math:`c = \sqrt{3}\, g/\sqrt{fan}`.

    :math:`g` = ``calculate_gain(nonlinearity, a)`` and :math:`fan` is
    ``fan_in`` (preserves forward activations) or ``fan_out`` (preserves
    backward gradients) [1]_. With ``a = sqrt(5)`` and the default
    ``leaky_relu`` this is :math:`U(-1/\sqrt{fan_{in}}, 1/\sqrt{fan_{in}})`,
    the default of ``Linear``.

    References
    ----------
    .. [1] He, Zhang, Ren & Sun (2015), Delving deep into rectifiers. ICCV.

    Examples
    --------
    >>> import numpy as np
    >>> w = kaiming_uniform_(np.empty((2, 4)), a=5 ** 0.5, rng=0)
    >>> bool(np.all(np.abs(w) <= 0.5))
    True
    """
    array = _target(tensor, "kaiming_uniform_")
    if array.size == 0:
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(array, a, mode, nonlinearity, "kaiming_uniform_")
    _fill(
        array, _generator(rng, generator, "kaiming_uniform_").uniform(-bound, bound, array.shape)
    )
    return tensor


def kaiming_normal_(
    tensor: T,
    a: float = 0.0,
    mode: FanMode = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: RNGLike = None,
    *,
    generator: RNGLike = None,
) -> T:
    r"""He normal: :math:`\mathcal N(0, \sigma^2)` with :math:`\sigma = g/\sqrt{fan}`.

    Examples
    --------
    >>> import numpy as np
    >>> kaiming_normal_(np.empty((3, 2)), nonlinearity="relu", rng=0).shape
    (3, 2)
    """
    array = _target(tensor, "kaiming_normal_")
    if array.size == 0:
        return tensor
    std = _kaiming_std(array, a, mode, nonlinearity, "kaiming_normal_")
    _fill(array, _generator(rng, generator, "kaiming_normal_").normal(0.0, std, array.shape))
    return tensor
