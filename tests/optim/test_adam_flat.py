"""Adam's flat path (parameters of a group updated together) against one parameter at a time.

``Adam.step`` lays the moments of a group's parameters end to end and runs
each operation once per group. Every operation is element-wise, so the
numbers must equal, bit for bit, those of the per-parameter code, which the
formula tests and the PyTorch fixtures check on their own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.optim import Adam, AdamW

SHAPES = [(3, 4), (4,), (2, 3), (2,)]


class OneByOne(Adam):
    """Adam restricted to its per-parameter path."""

    def _bank(self, group: dict[str, Any], params: list[Parameter]) -> None:
        return None


def make_params(dtype: type = np.float64, seed: int = 0) -> list[Parameter]:
    rng = np.random.default_rng(seed)
    return [Parameter(rng.standard_normal(shape).astype(dtype)) for shape in SHAPES]


def gradients(params: list[Parameter], rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal(p.shape).astype(p.dtype) for p in params]


def assert_same_bits(a: Adam, pa: list[Parameter], b: Adam, pb: list[Parameter]) -> None:
    for x, y in zip(pa, pb, strict=True):
        assert x.data.dtype == y.data.dtype
        np.testing.assert_array_equal(x.data, y.data, strict=True)
    sa, sb = a.state_dict(), b.state_dict()
    assert sa["state"].keys() == sb["state"].keys()
    for index, values in sa["state"].items():
        assert values.keys() == sb["state"][index].keys()
        for key, value in values.items():
            np.testing.assert_array_equal(value, sb["state"][index][key], strict=True)


def run_both(
    options: dict[str, Any], steps: int = 6, dtype: type = np.float64, cls: type = Adam
) -> None:
    flat_params, ref_params = make_params(dtype), make_params(dtype)
    flat = cls(flat_params, **options)
    ref = type("Ref", (OneByOne, cls), {})(ref_params, **options)
    rng = np.random.default_rng(1)
    for _ in range(steps):
        for p, q, g in zip(flat_params, ref_params, gradients(flat_params, rng), strict=True):
            p.grad, q.grad = g, g.copy()
        flat.step()
        ref.step()
    assert flat._banks, "the flat path was not taken"
    assert not ref._banks
    assert_same_bits(flat, flat_params, ref, ref_params)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"lr": 0.1, "betas": (0.5, 0.7)},
        {"maximize": True},
        {"weight_decay": 0.1},
        {"weight_decay": 0.1, "decoupled_weight_decay": True},
        {"amsgrad": True},
        {"eps": 0.0},
        {"amsgrad": True, "weight_decay": 0.05, "maximize": True, "eps": 1e-6},
    ],
    ids=lambda options: ",".join(f"{k}={v}" for k, v in options.items()) or "defaults",
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_flat_path_equals_one_parameter_at_a_time(options: dict[str, Any], dtype: type) -> None:
    run_both(options, dtype=dtype)


def test_adamw_takes_the_flat_path_with_the_same_bits() -> None:
    run_both({"weight_decay": 0.3, "lr": 0.05}, cls=AdamW)


def test_a_skipped_parameter_falls_back_and_stays_exact() -> None:
    flat_params, ref_params = make_params(), make_params()
    flat, ref = Adam(flat_params, lr=0.01), OneByOne(ref_params, lr=0.01)
    rng = np.random.default_rng(2)
    for step in range(8):
        grads = gradients(flat_params, rng)
        for i, (p, q, g) in enumerate(zip(flat_params, ref_params, grads, strict=True)):
            skip = i == 1 and step in (2, 3)  # parameter 1 has no gradient on two steps
            p.grad, q.grad = (None, None) if skip else (g, g.copy())
        flat.step()
        ref.step()
        assert_same_bits(flat, flat_params, ref, ref_params)
    # After the skips the step counts differ, so the group cannot move as one.
    assert flat.state[flat_params[1]]["step"] == flat.state[flat_params[0]]["step"] - 2
    assert not flat._banks


def test_parameters_without_gradients_are_left_out_of_the_flat_arrays() -> None:
    params = make_params()
    opt = Adam(params)
    for p in params[:3]:
        p.grad = np.ones(p.shape)
    before = params[3].data.copy()
    opt.step()
    (bank,) = opt._banks.values()
    assert bank.params == params[:3]
    assert params[3] not in opt.state
    np.testing.assert_array_equal(params[3].data, before)


def test_the_state_arrays_are_views_of_the_flat_arrays() -> None:
    params = make_params()
    opt = Adam(params)
    for p in params:
        p.grad = np.ones(p.shape)
    opt.step()
    (bank,) = opt._banks.values()
    for p in params:
        assert opt.state[p]["exp_avg"].base is bank.flat["exp_avg"]
        assert opt.state[p]["exp_avg"].shape == p.shape


def test_a_replaced_state_array_is_taken_up() -> None:
    # Replacing a moment by hand (not assigning into it) must not be ignored.
    flat_params, ref_params = make_params(), make_params()
    flat, ref = Adam(flat_params, lr=0.01), OneByOne(ref_params, lr=0.01)
    rng = np.random.default_rng(3)
    for step in range(5):
        for p, q, g in zip(flat_params, ref_params, gradients(flat_params, rng), strict=True):
            p.grad, q.grad = g, g.copy()
        if step == 2:
            for opt, params in ((flat, flat_params), (ref, ref_params)):
                opt.state[params[0]]["exp_avg"] = np.full(params[0].shape, 0.5)
        flat.step()
        ref.step()
    assert_same_bits(flat, flat_params, ref, ref_params)


def test_load_state_dict_then_continue_matches() -> None:
    flat_params, ref_params = make_params(), make_params()
    flat = Adam(flat_params, lr=0.02, amsgrad=True)
    ref = OneByOne(ref_params, lr=0.02, amsgrad=True)
    rng = np.random.default_rng(4)
    checkpoint = None
    for step in range(6):
        for p, q, g in zip(flat_params, ref_params, gradients(flat_params, rng), strict=True):
            p.grad, q.grad = g, g.copy()
        flat.step()
        ref.step()
        if step == 2:
            checkpoint = flat.state_dict()
        if step == 4:  # rewind the flat one's moments; the reference loads the same
            flat.load_state_dict(checkpoint)
            ref.load_state_dict(checkpoint)
    assert_same_bits(flat, flat_params, ref, ref_params)


def test_mixed_dtypes_in_a_group_go_one_by_one() -> None:
    params = [Parameter(np.ones(3)), Parameter(np.ones(2, dtype=np.float32))]
    opt = Adam(params)
    for p in params:
        p.grad = np.ones(p.shape, dtype=p.dtype)
    opt.step()
    assert not opt._banks
    assert params[1].data.dtype == np.float32
    np.testing.assert_allclose(params[0].data, 1 - 1e-3)


def test_groups_get_separate_flat_arrays() -> None:
    a, b = make_params(seed=5), make_params(seed=6)
    opt = Adam([{"params": a}, {"params": b, "lr": 0.5}])
    for p in a + b:
        p.grad = np.ones(p.shape)
    opt.step()
    assert len(opt._banks) == 2
    np.testing.assert_allclose(a[0].data, make_params(seed=5)[0].data - 1e-3)
    np.testing.assert_allclose(b[0].data, make_params(seed=6)[0].data - 0.5)


def test_a_non_finite_gradient_names_its_parameter_and_moves_nothing() -> None:
    params = make_params()
    opt = Adam(params)
    for p in params:
        p.grad = np.ones(p.shape)
    opt.step()  # the flat arrays exist now
    before = [p.data.copy() for p in params]
    moments = [opt.state[p]["exp_avg"].copy() for p in params]
    params[2].grad = np.ones(params[2].shape)
    params[2].grad[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"Adam\.step: the gradient of parameter 2 holds 1"):
        opt.step()
    for p, data, m in zip(params, before, moments, strict=True):
        np.testing.assert_array_equal(p.data, data)
        np.testing.assert_array_equal(opt.state[p]["exp_avg"], m)
    assert opt.state[params[0]]["step"] == 1


def test_zero_denominator_on_the_flat_path_names_its_parameter() -> None:
    params = make_params()
    opt = Adam(params, eps=0.0)
    for p in params:
        p.grad = np.ones(p.shape)
    params[3].grad[0] = 0.0
    with pytest.raises(ValueError, match=r"the denominator is 0 for parameter 3"):
        opt.step()
