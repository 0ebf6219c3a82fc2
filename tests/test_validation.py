"""Tests of the shared input checks in nnlib._validation."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib._random import as_generator
from nnlib._validation import (
    as_array,
    check_bool,
    check_choice,
    check_finite,
    check_forward_done,
    check_grad_output,
    check_int,
    check_nonempty,
    check_number,
    check_same_shape,
    check_shape,
    first_nonfinite,
)


def test_as_array_keeps_float_dtypes_and_promotes_the_rest() -> None:
    assert as_array(np.ones(2, dtype=np.float32), "x", "F").dtype == np.float32
    assert as_array([1, 2], "x", "F").dtype == np.float64
    assert as_array([True, False], "x", "F").dtype == np.float64


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["a"], "F: x has dtype <U1 and is not numeric"),
        ([1 + 2j], "F: x has complex dtype"),
        ([[1.0], [1.0, 2.0]], "F: x could not be converted"),
        (object(), "is not numeric"),
    ],
)
def test_as_array_refuses_non_numbers(value: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        as_array(value, "x", "F")


def test_as_array_names_the_first_non_finite_entry() -> None:
    with pytest.raises(
        ValueError, match=r"F: x holds 2 non-finite values \(first at index \(0, 1\): nan\)"
    ):
        as_array([[1.0, np.nan], [np.inf, 0.0]], "x", "F")
    with pytest.raises(ValueError, match=r"1 non-finite value \(first at index 2: inf\)"):
        as_array([0.0, 1.0, np.inf], "x", "F")
    assert np.isnan(as_array([np.nan], "x", "F", allow_nonfinite=True)[0])


def test_as_array_of_a_python_float() -> None:
    value = as_array(1.5, "grad_output", "F")
    assert value.shape == () and value.dtype == np.float64 and value == 1.5
    with pytest.raises(
        ValueError, match=r"F: grad_output holds 1 non-finite value \(first at index \(\): nan\)"
    ):
        as_array(float("nan"), "grad_output", "F")
    assert as_array(float("-inf"), "x", "F", allow_nonfinite=True) == -np.inf


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_check_finite_accepts_the_largest_finite_values(dtype: type) -> None:
    # Their sum or sum of squares would overflow: the check must not rely on one.
    big = np.finfo(dtype).max
    values = np.array([[big, big], [-big, -big]], dtype=dtype)
    with np.errstate(all="raise"):
        check_finite(values, "x", "F")
        check_finite(values.T, "x", "F")  # not C-contiguous
        np.testing.assert_array_equal(as_array(values, "x", "F"), values)
    with pytest.raises(
        ValueError, match=r"F: x holds 1 non-finite value \(first at index 3: -inf\)"
    ):
        check_finite(np.array([big, big, -big, -np.inf], dtype=dtype), "x", "F")


def test_check_number_ranges() -> None:
    assert check_number(1, "lr", "SGD", low=0.0) == 1.0
    with pytest.raises(
        ValueError, match=r"SGD: lr = -0.1 is out of range; expected a value in \[0, inf\)"
    ):
        check_number(-0.1, "lr", "SGD", low=0.0)
    with pytest.raises(ValueError, match=r"expected a value in \[0, 1\)"):
        check_number(1.0, "beta", "Adam", low=0.0, high=1.0, high_inclusive=False)
    with pytest.raises(ValueError, match=r"expected a value in \(0, inf\)"):
        check_number(0.0, "eps", "F", low=0.0, low_inclusive=False)
    with pytest.raises(ValueError, match="must be finite"):
        check_number(float("nan"), "lr", "SGD")
    with pytest.raises(TypeError, match="lr must be a real number"):
        check_number(True, "lr", "SGD")
    with pytest.raises(TypeError, match="must be a real number"):
        check_number("0.1", "lr", "SGD")


def test_check_int() -> None:
    assert check_int(np.int64(3), "n", "F", low=1) == 3
    with pytest.raises(
        ValueError, match=r"F: n = 0 is out of range; expected an integer in \[1, inf\]"
    ):
        check_int(0, "n", "F", low=1)
    with pytest.raises(TypeError, match="n must be an integer"):
        check_int(2.0, "n", "F")


def test_check_choice() -> None:
    assert check_choice("mean", ("mean", "sum"), "reduction", "L") == "mean"
    with pytest.raises(
        ValueError, match="reduction = 'avg' is not valid; expected one of 'mean', 'sum'"
    ):
        check_choice("avg", ("mean", "sum"), "reduction", "L")


def test_shape_checks() -> None:
    check_shape(np.zeros((2, 3)), (2, 3), "x", "F")
    with pytest.raises(ValueError, match=r"x has shape \(3, 2\); expected shape \(2, 3\)"):
        check_shape(np.zeros((3, 2)), (2, 3), "x", "F")
    with pytest.raises(ValueError, match=r"input has shape \(2,\) but target has shape \(3,\)"):
        check_same_shape(np.zeros(2), np.zeros(3), ("input", "target"), "L")
    with pytest.raises(ValueError, match=r"x is empty \(shape \(0, 3\)\)"):
        check_nonempty(np.zeros((0, 3)), "x", "F")


def test_backward_helpers() -> None:
    with pytest.raises(RuntimeError, match="ReLU.backward was called before forward"):
        check_forward_done(None, "ReLU")
    check_forward_done(np.zeros(1), "ReLU")
    with pytest.raises(ValueError, match=r"grad_output has shape \(2,\); expected .* \(3,\)"):
        check_grad_output(np.zeros(2), (3,), "ReLU")
    assert check_grad_output([1.0, 2.0, 3.0], (3,), "ReLU").shape == (3,)


def test_as_generator() -> None:
    generator = np.random.default_rng(1)
    assert as_generator(generator, "F") is generator
    np.testing.assert_array_equal(
        as_generator(5, "F").standard_normal(3), np.random.default_rng(5).standard_normal(3)
    )
    assert isinstance(as_generator(None, "F"), np.random.Generator)
    with pytest.raises(ValueError, match="seed = -1 is negative"):
        as_generator(-1, "F")
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        as_generator(np.random.RandomState(0), "F")
    with pytest.raises(TypeError, match="got bool"):
        as_generator(True, "F")


def test_check_grad_output_checks_values_and_shape() -> None:
    g = np.array([[1.0, 0.0]])
    assert check_grad_output(g, (1, 2), "Stage") is g
    with pytest.raises(ValueError, match=r"Stage.backward: grad_output holds 1 non-finite"):
        check_grad_output(np.array([[np.inf, 0.0]]), (1, 2), "Stage")
    with pytest.raises(ValueError, match=r"Stage.backward: grad_output has shape \(1, 2\)"):
        check_grad_output(g, (2, 1), "Stage")


def test_check_bool_accepts_numpy_bools_and_refuses_numbers() -> None:
    assert check_bool(np.True_, "amsgrad", "Adam") is True
    assert check_bool(False, "amsgrad", "Adam") is False
    with pytest.raises(TypeError, match=r"Adam: amsgrad must be True or False, got 1"):
        check_bool(1, "amsgrad", "Adam")


def test_first_nonfinite_describes_the_first_bad_entry() -> None:
    assert first_nonfinite(np.ones((2, 3))) is None
    a = np.ones((2, 3))
    a[1, 0], a[1, 2] = -np.inf, np.nan
    assert first_nonfinite(a) == "2 non-finite values (first at index (1, 0): -inf)"
    assert first_nonfinite(np.array([0.0, np.nan])) == "1 non-finite value (first at index 1: nan)"


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_first_nonfinite_agrees_with_isfinite_whatever_the_magnitudes(dtype: type) -> None:
    # The fast path sums squares; huge finite values overflow that sum and must
    # still be found finite, and every non-finite value must be found.
    rng = np.random.default_rng(0)
    big = float(np.finfo(dtype).max)
    specials = np.array([np.nan, np.inf, -np.inf, big, -big, 0.0, 1.0], dtype=dtype)
    for _ in range(300):
        a = (rng.standard_normal((5, 6)) * 10.0 ** rng.integers(-3, 4)).astype(dtype)
        spots = rng.integers(0, a.size, size=rng.integers(0, 4))
        a.flat[spots] = rng.choice(specials, size=len(spots))
        for view in (a, a.T, a[:, ::2]):  # contiguous and strided
            assert (first_nonfinite(view) is None) == bool(np.isfinite(view).all())


def test_check_forward_done_returns_the_cache() -> None:
    cache = (np.ones(2), (2,))
    assert check_forward_done(cache, "Stage") is cache
    with pytest.raises(RuntimeError, match=r"Stage.backward was called before forward"):
        check_forward_done(None, "Stage")
