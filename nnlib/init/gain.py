"""``calculate_gain`` and the fans of a weight tensor."""

from __future__ import annotations

import math
import numbers
from typing import Any

from numpy.typing import NDArray

from nnlib._validation import check_choice, check_number
from nnlib.init.basic import _target
from nnlib.parameter import Parameter

__all__ = ["NONLINEARITIES", "calculate_fan_in_and_fan_out", "calculate_gain"]

_CONV = tuple(f"conv{kind}{d}d" for kind in ("", "_transpose") for d in (1, 2, 3))
_UNIT_GAIN = ("linear", *_CONV, "sigmoid")
NONLINEARITIES = (*_UNIT_GAIN, "tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The recommended gain :math:`g` for a nonlinearity: weights get std :math:`g/\sqrt{fan}`.

    ========================  ===========================================
    nonlinearity              gain
    ========================  ===========================================
    linear, conv*, sigmoid    :math:`1`
    tanh                      :math:`5/3`
    relu                      :math:`\sqrt{2}`
    leaky_relu                :math:`\sqrt{2/(1 + a^2)}`, ``a = param`` (default 0.01)
    selu                      :math:`3/4`
    ========================  ===========================================

    Parameters
    ----------
    nonlinearity : str
        One of the names above.
    param : float, optional
        The negative slope of ``leaky_relu``; ignored by the others.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For an unknown name or a ``param`` that is not a finite number.

    Notes
    -----
    For ReLU, :math:`E[\max(0, z)^2] = \operatorname{Var}(z)/2` for a
    symmetric zero-mean :math:`z`; the gain :math:`\sqrt 2` restores the
    halved second moment. Leaky ReLU keeps :math:`(1 + a^2)/2` of it.

    Examples
    --------
    >>> calculate_gain("relu") == 2 ** 0.5
    True
    >>> round(calculate_gain("leaky_relu", 0.2), 6)
    1.38675
    """
    check_choice(nonlinearity, NONLINEARITIES, "nonlinearity", "calculate_gain")
    if nonlinearity in _UNIT_GAIN:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    value: object = 0.01 if param is None else param
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"calculate_gain: negative_slope {value!r} is not a valid number; expected a real"
        )
    slope = check_number(value, "negative_slope", "calculate_gain")
    return math.sqrt(2.0 / (1.0 + slope**2))


def calculate_fan_in_and_fan_out(tensor: Parameter | NDArray[Any]) -> tuple[int, int]:
    r"""``(fan_in, fan_out)`` of a weight of shape ``(out, in, *kernel)``.

    :math:`fan_{in} = in \cdot \prod kernel` and
    :math:`fan_{out} = out \cdot \prod kernel`; for a ``Linear`` weight
    ``(out_features, in_features)`` these are ``in_features`` and
    ``out_features``. Also available as ``_calculate_fan_in_and_fan_out``,
    PyTorch's (private) name.

    Raises
    ------
    ValueError
        For fewer than 2 dimensions.

    Examples
    --------
    >>> import numpy as np
    >>> calculate_fan_in_and_fan_out(np.zeros((128, 64)))
    (64, 128)
    """
    array = _target(tensor, "calculate_fan_in_and_fan_out")
    if array.ndim < 2:
        raise ValueError(
            f"calculate_fan_in_and_fan_out: tensor has shape {array.shape}; fan in and fan out "
            "need at least 2 dimensions (out, in, *kernel)"
        )
    receptive_field = math.prod(array.shape[2:])
    return array.shape[1] * receptive_field, array.shape[0] * receptive_field


_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out
