"""Tests of nnlib.utils.clip_grad_norm_ and clip_grad_value_, against recorded PyTorch values."""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.utils import clip_grad_norm_, clip_grad_value_
from tests.conftest import SYMPY_RTOL

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "normalization_torch_reference.json"
REFERENCE = json.loads(FIXTURE.read_text(encoding="utf-8"))
CASES = REFERENCE["clip_grad"]


def _params(grads: list) -> list[Parameter]:
    params = []
    for grad in grads:
        param = Parameter(np.zeros(np.shape(grad) if grad is not None else 5))
        param.grad = None if grad is None else np.array(grad)
        params.append(param)
    return params


@pytest.mark.parametrize("function", [clip_grad_norm_, clip_grad_value_])
def test_signatures_match_pytorch(function) -> None:
    params = inspect.signature(function).parameters.values()
    ours = [[p.name, None if p.default is inspect.Parameter.empty else p.default] for p in params]
    assert ours == REFERENCE["signatures"][function.__name__]


def test_the_fixture_covers_every_norm_type_with_and_without_clipping() -> None:
    norm_cases = [case for case in CASES if case["function"] == "clip_grad_norm_"]
    assert {case["norm_type"] for case in norm_cases} == {1.0, 2.0, "inf", 3.0}
    assert any(case["total_norm"] > case["max_norm"] for case in norm_cases)
    assert any(case["total_norm"] < case["max_norm"] for case in norm_cases)


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=lambda c: (
        f"{c['function']}-{c.get('norm_type', '')}-{c.get('max_norm', c.get('clip_value'))}"
    ),
)
def test_clipping_matches_pytorch(case: dict) -> None:
    params = _params(case["grads"])
    if case["function"] == "clip_grad_norm_":
        norm_type = math.inf if case["norm_type"] == "inf" else case["norm_type"]
        total = clip_grad_norm_(params, case["max_norm"], norm_type=norm_type)
        assert isinstance(total, np.float64)
        np.testing.assert_allclose(total, case["total_norm"], rtol=SYMPY_RTOL)
    else:
        assert clip_grad_value_(params, case["clip_value"]) is None
    for param, expected in zip(params, case["clipped"], strict=True):
        if expected is None:
            assert param.grad is None
        else:
            np.testing.assert_allclose(param.grad, expected, rtol=SYMPY_RTOL)


def test_clip_grad_norm_scales_to_the_maximum_and_keeps_the_direction() -> None:
    grad = np.random.default_rng(0).standard_normal(10) * 5.0
    param = Parameter(np.zeros(10))
    param.grad = grad.copy()
    total = clip_grad_norm_(param, 1.0)  # a single Parameter
    np.testing.assert_allclose(total, np.linalg.norm(grad), rtol=1e-14)
    np.testing.assert_allclose(np.linalg.norm(param.grad), 1.0 / (1.0 + 1e-6 / total), rtol=1e-14)
    np.testing.assert_allclose(param.grad, grad * (1.0 / (total + 1e-6)), rtol=1e-14)
    assert clip_grad_norm_([Parameter(np.zeros(2))], 1.0) == 0.0  # no gradients: norm 0
    assert clip_grad_norm_(iter([param]), 0.0) > 0 and not param.grad.any()


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_extreme_gradients_give_their_true_norm(scale: float) -> None:
    params = _params([[3.0 * scale, 0.0], [4.0 * scale]])
    total = clip_grad_norm_(params, max_norm=1e300, norm_type=2.0)
    np.testing.assert_allclose(total, 5.0 * scale, rtol=1e-15)
    total3 = clip_grad_norm_(params, max_norm=1e300, norm_type=3)
    np.testing.assert_allclose(total3, scale * (27.0 + 64.0) ** (1 / 3), rtol=1e-14)
    assert np.isfinite(params[0].grad).all()


def test_non_finite_gradients_raise_or_spread_nan_as_pytorch() -> None:
    params = _params([[1.0, np.inf], [2.0]])
    with pytest.raises(RuntimeError, match=r"total norm of order 2.0 of the gradients is inf"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert params[0].grad[0] == 1.0  # nothing scaled
    total = clip_grad_norm_(params, 1.0)
    assert total == np.inf and np.isnan(params[0].grad[1]) and params[1].grad[0] == 0.0
    params = _params([[np.nan, 1.0]])
    assert np.isnan(clip_grad_norm_(params, 1.0, norm_type=math.inf))


def test_clip_grad_value_clamps_each_entry() -> None:
    params = _params([[-3.0, 0.2, 7.0], None])
    clip_grad_value_(params, 0.5)
    np.testing.assert_array_equal(params[0].grad, [-0.5, 0.2, 0.5])
    assert params[1].grad is None


def test_bad_arguments_raise() -> None:
    param = Parameter(np.zeros(1))
    param.grad = np.ones(1)
    for bad in (-1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match=r"clip_grad_norm_: max_norm"):
            clip_grad_norm_(param, bad)
        with pytest.raises(ValueError, match=r"clip_grad_value_: clip_value"):
            clip_grad_value_(param, bad)
    for bad in (0.0, -2.0):
        with pytest.raises(
            ValueError, match=r"norm_type .* is out of range; expected a value in \(0"
        ):
            clip_grad_norm_(param, 1.0, norm_type=bad)
    with pytest.raises(ValueError, match=r"norm_type must be finite, got -inf"):
        clip_grad_norm_(param, 1.0, norm_type=-math.inf)
    with pytest.raises(TypeError, match=r"parameters\[1\] is a ndarray; expected a Parameter"):
        clip_grad_norm_([param, np.ones(1)], 1.0)  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"parameters is a float; expected a Parameter or an"):
        clip_grad_value_(1.0, 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"foreach must be True or False"):
        clip_grad_norm_(param, 1.0, foreach="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"error_if_nonfinite must be True or False"):
        clip_grad_norm_(param, 1.0, error_if_nonfinite=None)  # type: ignore[arg-type]
    np.testing.assert_array_equal(param.grad, np.ones(1))
