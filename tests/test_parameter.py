"""Tests of nnlib.parameter.Parameter."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import Parameter


def test_data_is_a_float_copy() -> None:
    source = np.array([1, 2, 3])
    param = Parameter(source)
    assert param.data.dtype == np.float64
    param.data[0] = 10.0
    assert source[0] == 1


def test_float32_is_kept() -> None:
    assert Parameter(np.ones(3, dtype=np.float32)).dtype == np.float32


def test_grad_starts_none_and_accumulates() -> None:
    param = Parameter(np.zeros((2, 2)))
    assert param.grad is None
    param.accumulate_grad(np.ones((2, 2)))
    param.accumulate_grad(2 * np.ones((2, 2)))
    np.testing.assert_array_equal(param.grad, 3 * np.ones((2, 2)))


def test_first_accumulated_grad_is_a_copy() -> None:
    param = Parameter(np.zeros(2))
    grad = np.ones(2)
    param.accumulate_grad(grad)
    param.accumulate_grad(grad)
    np.testing.assert_array_equal(grad, np.ones(2))


def test_grad_of_wrong_shape_is_rejected() -> None:
    param = Parameter(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"gradient has shape \(3, 2\); expected .*\(2, 3\)"):
        param.accumulate_grad(np.zeros((3, 2)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_data_is_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        Parameter([1.0, bad])


def test_non_numeric_data_is_rejected() -> None:
    with pytest.raises(TypeError, match="not numeric"):
        Parameter(["a", "b"])


def test_repr_shows_shape_and_dtype() -> None:
    assert repr(Parameter([1.0, 2.0])).startswith("Parameter(shape=(2,), dtype=float64")


def test_properties() -> None:
    param = Parameter(np.zeros((4, 5), dtype=np.float32))
    assert (param.shape, param.size, param.dtype) == ((4, 5), 20, np.float32)
