"""Tests of nnlib._hyperparameter: every module option is checked when set, however it is set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from nnlib import Module
from nnlib._hyperparameter import Hyperparameter
from nnlib._validation import check_number
from nnlib.activations import ELU, GELU, LeakyReLU, LogSoftmax, Softmax, Softplus
from nnlib.layers import Dropout, Flatten
from nnlib.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)

# (module, option, an invalid value, the error, its message)
INVALID: list[tuple[Callable[[], Module], str, Any, type, str]] = [
    (Dropout, "p", 1.5, ValueError, r"Dropout: p = 1.5 is out of range; expected .*\[0, 1\]"),
    (LeakyReLU, "negative_slope", np.nan, ValueError, r"LeakyReLU: negative_slope must be finite"),
    (Softplus, "beta", 0.0, ValueError, r"Softplus: beta = 0.0 is out of range"),
    (Softplus, "threshold", -1.0, ValueError, r"Softplus: threshold = -1.0 is out of range"),
    (ELU, "alpha", "1", TypeError, r"ELU: alpha must be a real number"),
    (GELU, "approximate", "fast", ValueError, r"GELU: approximate = 'fast' is not valid"),
    (Softmax, "dim", 1.5, TypeError, r"Softmax: dim must be an integer"),
    (LogSoftmax, "dim", True, TypeError, r"LogSoftmax: dim must be an integer"),
    (Flatten, "start_dim", "0", TypeError, r"Flatten: start_dim must be an integer"),
    (MSELoss, "reduction", "avg", ValueError, r"MSELoss: reduction = 'avg' is not valid"),
    (KLDivLoss, "reduction", "max", ValueError, r"KLDivLoss: reduction = 'max' is not valid"),
    (KLDivLoss, "log_target", 1, TypeError, r"KLDivLoss: log_target must be a bool"),
    (HuberLoss, "delta", 0.0, ValueError, r"HuberLoss: delta = 0.0 is out of range"),
    (SmoothL1Loss, "beta", -1.0, ValueError, r"SmoothL1Loss: beta = -1.0 is out of range"),
    (CrossEntropyLoss, "ignore_index", 1.5, TypeError, r"CrossEntropyLoss: ignore_index must"),
    (CrossEntropyLoss, "weight", [[1.0]], ValueError, r"CrossEntropyLoss: weight has shape"),
    (NLLLoss, "weight", [-1.0], ValueError, r"NLLLoss: weight\[0\] = -1.0 is negative"),
    (BCELoss, "weight", [-1.0], ValueError, r"BCELoss: weight\[0\] = -1.0 is negative"),
    (BCEWithLogitsLoss, "pos_weight", [np.inf], ValueError, r"pos_weight holds 1 non-finite"),
]


def _id(case: tuple[Any, ...]) -> str:
    return f"{case[0].__name__}.{case[1]}"


@pytest.mark.parametrize("case", INVALID, ids=_id)
def test_an_invalid_option_is_refused_in_the_constructor(case: tuple[Any, ...]) -> None:
    cls, name, value, error, message = case
    with pytest.raises(error, match=message):
        cls(**{name: value})


@pytest.mark.parametrize("case", INVALID, ids=_id)
def test_an_invalid_option_is_refused_on_assignment_and_the_old_value_stays(
    case: tuple[Any, ...],
) -> None:
    cls, name, value, error, message = case
    module = cls()
    before = getattr(module, name)
    with pytest.raises(error, match=message):
        setattr(module, name, value)
    assert getattr(module, name) is before


def test_an_assigned_option_is_stored_converted() -> None:
    dropout = Dropout()
    dropout.p = 1
    assert type(dropout.p) is float and dropout.p == 1.0
    loss = BCELoss()
    loss.weight = [1, 2]
    assert isinstance(loss.weight, np.ndarray) and loss.weight.dtype == np.float64
    loss.weight = None
    assert loss.weight is None


def test_an_assigned_option_is_used_by_the_next_call() -> None:
    act = LeakyReLU(0.1)
    act.negative_slope = 0.5
    np.testing.assert_array_equal(act(np.array([-2.0, 2.0])), [-1.0, 2.0])
    loss = HuberLoss(reduction="sum")
    loss.delta = 0.5
    np.testing.assert_array_equal(loss(np.array([3.0]), np.array([0.0])), 0.5 * (3.0 - 0.25))


def test_the_descriptor_on_its_own() -> None:
    class Scaled(Module):
        factor = Hyperparameter(check_number, low=0.0)

    assert isinstance(Scaled.factor, Hyperparameter)
    assert Scaled.factor.validate(2, "scaled") == 2.0
    with pytest.raises(ValueError, match=r"scaled: factor = -1 is out of range"):
        Scaled.factor.validate(-1, "scaled")
    module = Scaled()
    with pytest.raises(AttributeError, match=r"Scaled has no value for 'factor' yet"):
        _ = module.factor
    module.factor = 3
    assert module.factor == 3.0
    with pytest.raises(ValueError, match=r"Scaled: factor = -2 is out of range"):
        module.factor = -2
