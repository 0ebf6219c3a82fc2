"""Tests of nnlib.init: torch's gains and fans, variances within sampling error, in-place fills."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from nnlib import Parameter, init

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "init_reference.json").read_text(encoding="utf-8")
)
SHAPE = (500, 2000)  # fan_in 2000, fan_out 500: 10⁶ draws
FAN_IN, FAN_OUT = 2000, 500
N = SHAPE[0] * SHAPE[1]


def _check_moments(values: np.ndarray, variance: float, kurtosis: float) -> None:
    """Mean 0 and the given variance, within 5 standard errors.

    The sample mean has standard error sqrt(variance/n); the sample variance
    sqrt((kurtosis - 1)/n) * variance, with kurtosis E[w⁴]/Var(w)² (3 for a
    normal, 9/5 for a uniform).
    """
    assert abs(values.mean()) < 5 * math.sqrt(variance / values.size)
    assert abs(values.var() - variance) < 5 * variance * math.sqrt((kurtosis - 1) / values.size)


@pytest.mark.parametrize("name", sorted(REFERENCE["calculate_gain"]))
def test_calculate_gain_matches_torch(name: str) -> None:
    assert init.calculate_gain(name) == pytest.approx(REFERENCE["calculate_gain"][name], rel=1e-15)


@pytest.mark.parametrize(("slope", "gain"), REFERENCE["leaky_relu_gain"])
def test_leaky_relu_gain_matches_torch(slope: float, gain: float) -> None:
    assert init.calculate_gain("leaky_relu", slope) == pytest.approx(gain, rel=1e-15)


@pytest.mark.parametrize(("shape", "fans"), REFERENCE["fan_in_and_fan_out"])
def test_fans_match_torch(shape: list[int], fans: list[int]) -> None:
    assert init.calculate_fan_in_and_fan_out(np.empty(shape)) == tuple(fans)
    assert init._calculate_fan_in_and_fan_out(Parameter(np.zeros(shape))) == tuple(fans)


@pytest.mark.parametrize(("shape", "a", "mode", "bound"), REFERENCE["kaiming_uniform_bound"])
def test_kaiming_uniform_bound_matches_torch(
    shape: list[int], a: float, mode: str, bound: float
) -> None:
    """With the same seed, the draws are U(-bound, bound) with torch's bound."""
    got = init.kaiming_uniform_(np.empty(shape), a=a, mode=mode, rng=0)  # type: ignore[arg-type]
    want = np.random.default_rng(0).uniform(-bound, bound, shape)
    np.testing.assert_allclose(got, want, rtol=1e-14)


def test_uniform_and_normal_moments() -> None:
    _check_moments(init.uniform_(np.empty(SHAPE), -2.0, 2.0, rng=0), 16 / 12, 9 / 5)
    _check_moments(init.normal_(np.empty(SHAPE), 0.0, 0.3, rng=1), 0.09, 3.0)
    shifted = init.normal_(np.empty(SHAPE), mean=5.0, std=2.0, rng=2)
    _check_moments(shifted - 5.0, 4.0, 3.0)


@pytest.mark.parametrize("gain", [1.0, 5 / 3])
def test_xavier_variance_is_2_over_fan_sum(gain: float) -> None:
    variance = gain**2 * 2 / (FAN_IN + FAN_OUT)
    _check_moments(init.xavier_uniform_(np.empty(SHAPE), gain, rng=0), variance, 9 / 5)
    _check_moments(init.xavier_normal_(np.empty(SHAPE), gain, rng=1), variance, 3.0)


@pytest.mark.parametrize(("mode", "fan"), [("fan_in", FAN_IN), ("fan_out", FAN_OUT)])
@pytest.mark.parametrize(("nonlinearity", "a", "gain2"), [("relu", 0.0, 2.0),
                         ("leaky_relu", 0.2, 2 / 1.04), ("tanh", 0.0, 25 / 9)])  # fmt: skip
def test_kaiming_variance_is_gain2_over_fan(
    mode: str, fan: int, nonlinearity: str, a: float, gain2: float
) -> None:
    kwargs = {"a": a, "mode": mode, "nonlinearity": nonlinearity}
    _check_moments(init.kaiming_uniform_(np.empty(SHAPE), **kwargs, rng=0), gain2 / fan, 9 / 5)  # type: ignore[arg-type]
    _check_moments(init.kaiming_normal_(np.empty(SHAPE), **kwargs, rng=1), gain2 / fan, 3.0)  # type: ignore[arg-type]


def test_fills_in_place_and_returns_the_argument() -> None:
    array = np.empty((3, 4))
    assert init.zeros_(array) is array and not array.any()
    assert init.ones_(array) is array and np.all(array == 1.0)
    assert init.constant_(array, 2.5) is array and np.all(array == 2.5)
    param = Parameter(np.zeros((3, 4)))
    data = param.data
    assert init.xavier_uniform_(param, rng=0) is param and param.data is data
    assert np.any(data != 0.0)


@pytest.mark.parametrize(
    "fill",
    [init.uniform_, init.normal_, init.xavier_uniform_, init.xavier_normal_,
     init.kaiming_uniform_, init.kaiming_normal_],
)  # fmt: skip
def test_seeding_dtype_and_generator_alias(fill) -> None:  # type: ignore[no-untyped-def]
    a = fill(np.empty((30, 20), dtype=np.float32), rng=4)
    b = fill(np.empty((30, 20), dtype=np.float32), generator=np.random.default_rng(4))
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, fill(np.empty((30, 20), dtype=np.float32), rng=5))
    with pytest.raises(TypeError, match=r"pass rng or its alias generator, not both"):
        fill(np.empty((2, 2)), rng=0, generator=0)


def test_a_shared_generator_gives_fresh_draws() -> None:
    generator = np.random.default_rng(0)
    first = init.normal_(np.empty(5), rng=generator).copy()
    assert not np.array_equal(first, init.normal_(np.empty(5), rng=generator))


def test_zero_sized_tensors_are_returned_unchanged() -> None:
    for fill in (init.kaiming_uniform_, init.kaiming_normal_, init.xavier_uniform_):
        empty = np.empty((0, 3))
        assert fill(empty, rng=0) is empty


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: init.calculate_gain("gelu"), ValueError,
         r"calculate_gain: nonlinearity = 'gelu' is not valid; expected one of 'linear'"),
        (lambda: init.calculate_gain("leaky_relu", True), ValueError,  # type: ignore[arg-type]
         r"calculate_gain: negative_slope True is not a valid number"),
        (lambda: init.calculate_gain("leaky_relu", float("nan")), ValueError,
         r"calculate_gain: negative_slope must be finite"),
        (lambda: init.xavier_uniform_(np.empty(3)), ValueError,
         r"calculate_fan_in_and_fan_out: tensor has shape \(3,\); fan in and fan out need at "
         r"least 2 dimensions"),
        (lambda: init.kaiming_normal_(np.empty((2, 2)), mode="fan_avg"), ValueError,  # type: ignore[arg-type]
         r"kaiming_normal_: mode = 'fan_avg' is not valid; expected one of 'fan_in', 'fan_out'"),
        (lambda: init.uniform_(np.empty(2), 1.0, 0.0), ValueError,
         r"uniform_: b = 0.0 is out of range; expected a value in \[1, inf\)"),
        (lambda: init.normal_(np.empty(2), 0.0, -1.0), ValueError,
         r"normal_: std = -1.0 is out of range"),
        (lambda: init.zeros_(np.zeros(2, dtype=np.int64)), TypeError,
         r"zeros_: tensor has dtype int64; expected a floating-point array"),
        (lambda: init.ones_([1.0, 2.0]), TypeError,  # type: ignore[type-var]
         r"ones_: tensor must be a Parameter or a numpy.ndarray, got list"),
        (lambda: init.constant_(np.broadcast_to(np.zeros(1), (3,)), 1.0), ValueError,
         r"constant_: tensor is read-only"),
        (lambda: init.uniform_(np.empty(2), rng=-1), ValueError,
         r"uniform_: rng seed = -1 is negative"),
    ],
)  # fmt: skip
def test_bad_arguments(call, error: type, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()
