"""Tests of the ``Optimizer`` base class: groups, gradients, checkpoints, checks, dtypes."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib import Module, Parameter
from nnlib.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from nnlib.optim._common import _lerp_
from tests.optim.optim_cases import CASES, case_id, gradients, make_params, run

ALL = [SGD, Adagrad, RMSprop, Adam, AdamW]


# -- parameters and groups -------------------------------------------------


def test_plain_list_becomes_one_group_with_every_default() -> None:
    params = make_params()
    opt = Adam(params, lr=0.5)
    assert len(opt.param_groups) == 1
    group = opt.param_groups[0]
    assert group["params"] == params
    assert group["lr"] == 0.5
    assert group["betas"] == (0.9, 0.999)
    assert set(group) == {"params", *opt.defaults}


def test_generator_of_parameters_is_accepted() -> None:
    params = make_params()
    opt = SGD(iter(params), lr=0.1)
    assert opt.param_groups[0]["params"] == params


def test_groups_take_their_own_options_and_defaults_for_the_rest() -> None:
    w, b = make_params()
    opt = SGD([{"params": [w]}, {"params": b, "lr": 0.01, "momentum": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert [g["momentum"] for g in opt.param_groups] == [0, 0.5]
    assert opt.param_groups[1]["params"] == [b]


def test_groups_with_different_learning_rates_move_by_their_own_rate() -> None:
    w, b = make_params()
    w0, b0 = w.data.copy(), b.data.copy()
    opt = SGD([{"params": [w], "lr": 0.1}, {"params": [b], "lr": 0.01}])
    w.grad, b.grad = np.ones_like(w.data), np.ones_like(b.data)
    opt.step()
    np.testing.assert_array_equal(w.data, w0 - 0.1)
    np.testing.assert_array_equal(b.data, b0 - 0.01)


def test_add_param_group_extends_the_optimizer() -> None:
    w, b = make_params()
    opt = Adam([w], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.2})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["lr"] == 0.2
    assert opt.param_groups[1]["eps"] == 1e-8
    b.grad = np.ones(2)
    opt.step()
    assert opt.state[b]["step"] == 1


def test_module_parameters_can_be_optimized() -> None:
    class Affine(Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = Parameter(np.ones((2, 3)))
            self.bias = Parameter(np.zeros(2))

    model = Affine()
    opt = SGD(model.parameters(), lr=0.1)
    assert opt.param_groups[0]["params"] == [model.weight, model.bias]


# -- gradients ---------------------------------------------------------------


def test_parameter_without_gradient_is_skipped_and_gets_no_state() -> None:
    w, b = make_params()
    b0 = b.data.copy()
    opt = Adam([w, b], lr=0.1)
    w.grad = np.ones_like(w.data)
    opt.step()
    np.testing.assert_array_equal(b.data, b0)
    assert b not in opt.state
    assert opt.state[w]["step"] == 1


def test_zero_grad_sets_to_none_by_default() -> None:
    w, b = make_params()
    opt = SGD([w, b], lr=0.1)
    w.grad = np.ones_like(w.data)
    opt.zero_grad()
    assert w.grad is None
    assert b.grad is None


def test_zero_grad_can_fill_zeros_in_place() -> None:
    w, b = make_params()
    opt = SGD([w, b], lr=0.1)
    w.grad = np.ones_like(w.data)
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad
    np.testing.assert_array_equal(w.grad, np.zeros_like(w.data))
    assert b.grad is None


def test_without_zero_grad_gradients_accumulate() -> None:
    (w,) = make_params()[:1]
    opt = SGD([w], lr=0.1)
    w.accumulate_grad(np.ones_like(w.data))
    w.accumulate_grad(np.ones_like(w.data))
    np.testing.assert_array_equal(w.grad, 2 * np.ones_like(w.data))
    opt.zero_grad()
    w.accumulate_grad(np.ones_like(w.data))
    np.testing.assert_array_equal(w.grad, np.ones_like(w.data))


def test_step_calls_the_closure_first_and_returns_its_value() -> None:
    w = Parameter(np.array([2.0]))
    opt = SGD([w], lr=0.25)

    def closure() -> float:
        opt.zero_grad()
        w.grad = 2 * w.data
        return float(w.data[0] ** 2)

    assert opt.step(closure) == 4.0
    np.testing.assert_array_equal(w.data, [1.0])
    assert opt.step() is None


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_bad_gradient_shape_is_refused_before_anything_moves(cls: type[Optimizer]) -> None:
    w, b = make_params()
    w0 = w.data.copy()
    opt = cls([w, b], lr=0.1)
    w.grad = np.ones_like(w.data)
    b.grad = np.ones(3)
    with pytest.raises(ValueError, match=r"gradient of parameter 1 has shape \(3,\); expected"):
        opt.step()
    np.testing.assert_array_equal(w.data, w0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_non_finite_gradient_names_the_parameter(cls: type[Optimizer], bad: float) -> None:
    w, b = make_params()
    opt = cls([w, b], lr=0.1)
    w.grad = np.ones_like(w.data)
    b.grad = np.array([0.0, bad])
    with pytest.raises(ValueError, match=r"gradient of parameter 1 holds 1 non-finite value"):
        opt.step()


# -- dtypes and extremes -----------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_float32_stays_float32_and_tracks_float64(case: tuple) -> None:
    cls, kwargs = case
    single, double = make_params(np.float32), make_params(np.float64)
    grads = gradients(5)
    opt32, opt64 = cls(single, **kwargs), cls(double, **kwargs)
    run(opt32, single, grads)
    run(opt64, double, grads)
    for p32, p64 in zip(single, double, strict=True):
        assert p32.dtype == np.float32
        for value in opt32.state.get(p32, {}).values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32
        np.testing.assert_allclose(p32.data, p64.data, rtol=1e-5, atol=1e-5)


def test_float64_gradient_on_float32_parameter_keeps_float32() -> None:
    w = Parameter(np.array([1.0, 2.0], dtype=np.float32))
    opt = Adam([w], lr=0.1)
    w.grad = np.array([0.5, -0.5])  # float64
    opt.step()
    assert w.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_extreme_gradients_give_finite_steps(case: tuple, dtype: type) -> None:
    cls, kwargs = case
    params = make_params(dtype)
    grads = [[np.full((2, 3), 1e4), np.array([-1e4, 1e3])] for _ in range(3)]
    run(cls(params, **kwargs), params, grads)
    for param in params:
        assert np.all(np.isfinite(param.data))


def test_updates_happen_in_place() -> None:
    w = Parameter(np.array([1.0, 2.0]))
    data = w.data
    opt = Adam([w], lr=0.1)
    w.grad = np.ones(2)
    opt.step()
    assert w.data is data


# -- laws over every optimizer -----------------------------------------------


@given(
    grads=st.lists(
        st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=2),
        min_size=1,
        max_size=5,
    ),
    case=st.sampled_from(CASES),
)
def test_maximize_equals_minimizing_the_negated_gradient(grads: list, case: tuple) -> None:
    cls, kwargs = case
    up, down = Parameter(np.array([0.5, -1.5])), Parameter(np.array([0.5, -1.5]))
    climbing, descending = cls([up], **kwargs, maximize=True), cls([down], **kwargs)
    for grad in grads:
        up.grad, down.grad = np.array(grad), -np.array(grad)
        climbing.step()
        descending.step()
    np.testing.assert_array_equal(up.data, down.data)


@given(
    grads=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=6, max_size=6),
    case=st.sampled_from(CASES),
)
def test_zero_learning_rate_never_moves_the_parameters(grads: list[float], case: tuple) -> None:
    cls, kwargs = case
    kwargs = {**kwargs, "lr": 0.0}
    if cls is AdamW:
        kwargs["weight_decay"] = 0.5  # decoupled decay is scaled by lr too
    w = Parameter(np.array([0.3, -4.0]))
    opt = cls([w], **kwargs)
    for i in range(3):
        w.grad = np.array(grads[2 * i : 2 * i + 2])
        opt.step()
    np.testing.assert_array_equal(w.data, [0.3, -4.0])


# -- checkpoints -------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_state_dict_round_trip_continues_bit_for_bit(case: tuple) -> None:
    cls, kwargs = case
    grads = gradients(9, seed=1)
    params = make_params()
    opt = cls(params, **kwargs)
    run(opt, params, grads[:4])
    saved = opt.state_dict()
    fresh_params = [Parameter(p.data) for p in params]
    fresh = cls(fresh_params, lr=0.5)  # different options: loading must restore them
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == kwargs["lr"]
    run(opt, params, grads[4:])
    run(fresh, fresh_params, grads[4:])
    for a, b in zip(params, fresh_params, strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_state_dict_is_keyed_by_position_and_holds_copies() -> None:
    w, b = make_params()
    opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    w.grad, b.grad = np.ones_like(w.data), np.ones_like(b.data)
    opt.step()
    saved = opt.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [[0], [1]]
    assert sorted(saved["state"]) == [0, 1]
    saved["state"][0]["momentum_buffer"][...] = 99.0
    assert np.all(opt.state[w]["momentum_buffer"] == 1.0)


def test_load_state_dict_does_not_alias_the_checkpoint() -> None:
    w = Parameter(np.array([1.0]))
    opt = Adam([w], lr=0.1)
    w.grad = np.array([1.0])
    opt.step()
    saved = opt.state_dict()
    original = copy.deepcopy(saved)
    opt.load_state_dict(saved)
    w.grad = np.array([2.0])
    opt.step()
    np.testing.assert_array_equal(saved["state"][0]["exp_avg"], original["state"][0]["exp_avg"])


def test_load_state_dict_refuses_a_different_layout() -> None:
    w, b = make_params()
    saved = SGD([w, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match=r"param_groups\[0\] has 2 parameters in the checkpoint"):
        SGD([w], lr=0.1).load_state_dict(saved)
    with pytest.raises(ValueError, match="checkpoint has 1 parameter groups; expected 2"):
        SGD([{"params": [w]}, {"params": [b]}], lr=0.1).load_state_dict(saved)
    with pytest.raises(ValueError, match=r"lacks \['betas', 'eps', 'amsgrad'"):
        Adam([w, b]).load_state_dict(saved)
    with pytest.raises(ValueError, match="expected a dict with keys 'param_groups' and 'state'"):
        SGD([w, b], lr=0.1).load_state_dict({"state": {}})


def test_load_state_dict_refuses_arrays_of_the_wrong_shape() -> None:
    w = Parameter(np.ones(3))
    opt = SGD([w], lr=0.1, momentum=0.9)
    w.grad = np.ones(3)
    opt.step()
    saved = opt.state_dict()
    saved["state"][0]["momentum_buffer"] = np.ones(4)
    with pytest.raises(ValueError, match=r"state\[0\]\['momentum_buffer'\] has shape \(4,\)"):
        opt.load_state_dict(saved)


def test_load_state_dict_refuses_state_for_an_unknown_parameter() -> None:
    w = Parameter(np.ones(3))
    opt = SGD([w], lr=0.1)
    saved = opt.state_dict()
    saved["state"][5] = {"momentum_buffer": np.ones(3)}
    with pytest.raises(ValueError, match="state for parameter 5, which none"):
        opt.load_state_dict(saved)


def test_load_state_dict_checks_the_loaded_options() -> None:
    w = Parameter(np.ones(3))
    opt = SGD([w], lr=0.1)
    saved = opt.state_dict()
    saved["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError, match=r"param_groups\[0\]: lr = -1.0 is out of range"):
        opt.load_state_dict(saved)
    assert opt.param_groups[0]["lr"] == 0.1


# -- hyperparameters assigned to a group ---------------------------------------------------

# (optimizer, an option of it, an invalid value, the message)
INVALID_OPTIONS = [
    (SGD, "lr", -1.0, r"SGD param_groups\[0\]: lr = -1.0 is out of range"),
    (SGD, "momentum", -0.5, r"SGD param_groups\[0\]: momentum = -0.5 is out of range"),
    (Adagrad, "lr_decay", -1.0, r"Adagrad param_groups\[0\]: lr_decay = -1.0 is out of range"),
    (RMSprop, "alpha", 1.0, r"RMSprop param_groups\[0\]: alpha = 1.0 is out of range"),
    (Adam, "betas", (0.9, 1.0), r"Adam param_groups\[0\]: betas\[1\] = 1.0 is out of range"),
    (AdamW, "eps", float("nan"), r"AdamW param_groups\[0\]: eps must be finite"),
    (Adam, "amsgrad", 1, r"Adam param_groups\[0\]: amsgrad must be True or False"),
]


@pytest.mark.parametrize("case", INVALID_OPTIONS, ids=lambda c: f"{c[0].__name__}-{c[1]}")
def test_an_assigned_option_is_checked_and_the_old_value_stays(case: tuple) -> None:
    cls, name, value, message = case
    w = Parameter(np.ones(2))
    opt = cls([w], lr=0.1)
    group = opt.param_groups[0]
    before = group[name]
    for assign in (
        lambda: group.__setitem__(name, value),
        lambda: group.update({name: value}),
        lambda: group.update(**{name: value}),
    ):
        with pytest.raises((ValueError, TypeError), match=message):
            assign()
        assert group[name] == before
    with pytest.raises((ValueError, TypeError), match=message):
        group |= {name: value}
    assert group[name] == before


def test_options_that_depend_on_each_other_are_checked_together() -> None:
    opt = SGD([Parameter(np.ones(2))], lr=0.1, momentum=0.9, nesterov=True)
    with pytest.raises(ValueError, match=r"nesterov=True needs momentum > 0"):
        opt.param_groups[0]["momentum"] = 0.0
    assert opt.param_groups[0]["momentum"] == 0.9


def test_a_valid_assignment_takes_effect_and_new_keys_are_allowed() -> None:
    w = Parameter(np.ones(2))
    opt = SGD([w], lr=0.1)
    opt.param_groups[0]["lr"] = 0.5
    assert opt.param_groups[0].setdefault("initial_lr", 0.5) == 0.5
    w.grad = np.ones(2)
    opt.step()
    np.testing.assert_array_equal(w.data, [0.5, 0.5])


def test_a_copied_optimizer_keeps_checking_its_groups() -> None:
    opt = Adam([Parameter(np.ones(2))], lr=0.1)
    clone = copy.deepcopy(opt)
    assert clone.param_groups[0]["lr"] == 0.1
    assert clone.param_groups[0]["params"][0] is not opt.param_groups[0]["params"][0]
    with pytest.raises(ValueError, match=r"lr = -1.0 is out of range"):
        clone.param_groups[0]["lr"] = -1.0


# -- bad construction ----------------------------------------------------------


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_empty_parameter_list_is_refused(cls: type[Optimizer]) -> None:
    with pytest.raises(ValueError, match=f"{cls.__name__}: got an empty parameter list"):
        cls([])


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_negative_learning_rate_is_refused(cls: type[Optimizer]) -> None:
    with pytest.raises(
        ValueError, match=r"lr = -0.1 is out of range; expected a value in \[0, inf"
    ):
        cls(make_params(), lr=-0.1)


def test_non_parameter_is_refused_with_its_position() -> None:
    w, _ = make_params()
    with pytest.raises(
        TypeError, match=r"SGD: params\[1\] is a ndarray; expected an nnlib.Parameter"
    ):
        SGD([w, np.ones(3)], lr=0.1)


def test_single_parameter_instead_of_a_list_is_refused() -> None:
    w, _ = make_params()
    with pytest.raises(TypeError, match="params is a single Parameter; expected an iterable"):
        SGD(w, lr=0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="params is a dict; expected an iterable"):
        SGD({"params": [w]}, lr=0.1)  # type: ignore[arg-type]


def test_parameter_twice_is_refused() -> None:
    w, b = make_params()
    with pytest.raises(ValueError, match=r"params\[2\] appears more than once"):
        SGD([w, b, w], lr=0.1)
    with pytest.raises(ValueError, match=r"params\[1\] appears more than once"):
        SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    opt = SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="appears more than once"):
        opt.add_param_group({"params": [w]})


def test_bad_groups_are_refused() -> None:
    w, _ = make_params()
    with pytest.raises(ValueError, match=r"SGD param_groups\[0\] has no 'params' entry"):
        SGD([{"lr": 0.1}])
    with pytest.raises(TypeError, match=r"param_groups\[0\]\['params'\] is a set"):
        SGD([{"params": {w}}])
    with pytest.raises(ValueError, match=r"SGD param_groups\[1\]: lr = -2.0 is out of range"):
        SGD([{"params": [w]}, {"params": make_params()[1:], "lr": -2.0}])
    opt = SGD([w])
    with pytest.raises(TypeError, match=r"param_groups\[1\] is a list; expected a dict"):
        opt.add_param_group([w])  # type: ignore[arg-type]


def test_boolean_flags_must_be_booleans() -> None:
    with pytest.raises(TypeError, match="SGD: maximize must be True or False, got 'yes'"):
        SGD(make_params(), maximize="yes")  # type: ignore[arg-type]


def test_base_class_step_is_abstract() -> None:
    opt = Optimizer(make_params(), {"lr": 0.1})
    with pytest.raises(NotImplementedError, match="Optimizer does not implement step"):
        opt.step()


def test_repr_lists_groups_and_options() -> None:
    text = repr(SGD(make_params(), lr=0.1, momentum=0.9))
    assert text.startswith("SGD (\nParameter Group 0\n")
    assert "    momentum: 0.9\n" in text


# -- the lerp helper -----------------------------------------------------------


@given(
    start=st.floats(-1e6, 1e6),
    end=st.floats(-1e6, 1e6),
    weight=st.floats(0.0, 1.0),
)
def test_lerp_matches_the_convex_combination(start: float, end: float, weight: float) -> None:
    value = np.array([start])
    _lerp_(value, np.array([end]), weight)
    exact = start + weight * (end - start)
    assert abs(value[0] - exact) <= 4e-16 * (abs(start) + abs(end)) + 1e-300
    for w, expected in ((0.0, start), (1.0, end)):
        value = np.array([start])
        _lerp_(value, np.array([end]), w)
        assert value[0] == expected
