"""Tests of Module buffers: registration, traversal, state dicts, saving and checkpoints."""

from __future__ import annotations

import numpy as np
import pytest

import nnlib
from nnlib import Module, Parameter
from nnlib.layers import Linear, Sequential


class Stats(Module):
    """A parameter, a persistent buffer, a non-persistent one and a None one."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = Parameter(np.ones(2))
        self.register_buffer("mean", np.zeros(2))
        self.register_buffer("count", np.array(0, dtype=np.int64))
        self.register_buffer("scratch", np.ones(3), persistent=False)
        self.register_buffer("unused", None)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mean[...] = x.mean(axis=0)
        self.count += 1
        return x * self.weight.data


def test_buffers_are_listed_but_not_parameters() -> None:
    model = Sequential(Linear(2, 2, rng=0), Stats())
    assert [name for name, _ in model.named_buffers()] == ["1.mean", "1.count", "1.scratch"]
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "1.weight"]
    assert next(model.buffers()) is model[1].mean
    assert list(model.buffers(recurse=False)) == []
    inner = [name for name, _ in model[1].named_buffers(prefix="x", recurse=False)]
    assert inner == ["x.mean", "x.count", "x.scratch"]


def test_state_dict_holds_persistent_buffers_after_each_modules_parameters() -> None:
    model = Sequential(Stats(), Linear(2, 2, rng=0))
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.mean", "0.count", "1.weight", "1.bias"]
    assert state["0.count"].dtype == np.int64 and state["0.count"].shape == ()
    state["0.mean"][0] = 5.0  # a copy
    assert model[0].mean[0] == 0.0


def test_load_state_dict_restores_buffers_in_place_keeping_their_dtype() -> None:
    source, target = Stats(), Stats()
    source(np.array([[1.0, 2.0], [3.0, 4.0]]))
    mean = target.mean
    target.load_state_dict(source.state_dict())
    assert target.mean is mean
    np.testing.assert_array_equal(target.mean, [2.0, 3.0])
    assert target.count.dtype == np.int64 and int(target.count) == 1
    target.load_state_dict({**source.state_dict(), "count": np.array(7.0)})  # whole: fine
    assert target.count.dtype == np.int64 and int(target.count) == 7


def test_load_state_dict_checks_buffers_all_or_nothing() -> None:
    model = Stats()
    state = model.state_dict()
    state["mean"] = np.ones(3)
    state["count"] = np.array(2.5)
    del state["weight"]
    state["scratch"] = np.ones(3)  # not persistent: unexpected
    with pytest.raises(ValueError) as error:
        model.load_state_dict(state)
    message = str(error.value)
    assert "missing keys: weight" in message and "unexpected keys: scratch" in message
    assert "mean: shape (3,) in the state, (2,) in the model" in message
    assert "count: float64 values 2.5; expected whole numbers for an integer buffer" in message
    model.load_state_dict({**model.state_dict(), "mean": np.ones(2)})
    with pytest.raises(ValueError, match=r"mean: shape \(3,\) in the state, \(2,\) in the model"):
        model.load_state_dict({**model.state_dict(), "mean": np.ones(3)})
    with pytest.raises(ValueError, match=r"count: values beyond the range of int64"):
        model.load_state_dict({**model.state_dict(), "count": np.array(2.0**70)})
    np.testing.assert_array_equal(model.mean, np.ones(2))


def test_assigning_an_array_keeps_a_buffer_and_a_parameter_replaces_it() -> None:
    model = Stats()
    model.mean = np.full(2, 4.0)
    assert "mean" in dict(model.named_buffers()) and model.state_dict()["mean"][0] == 4.0
    model.mean = None
    assert "mean" not in model.state_dict() and "mean" in model._buffers
    with pytest.raises(TypeError, match=r"cannot use a float as the buffer 'count'"):
        model.count = 3.0
    model.mean = Parameter(np.zeros(2))
    assert "mean" in dict(model.named_parameters()) and "mean" not in model._buffers
    del model.scratch
    assert "scratch" not in model._buffers and "scratch" not in model._non_persistent_buffers
    model.plain = 1.0
    assert "plain" not in model._buffers


def test_register_buffer_rejects_bad_names_and_values() -> None:
    model = Stats()
    with pytest.raises(TypeError, match=r"buffer name must be a str, got int"):
        model.register_buffer(1, np.zeros(1))  # type: ignore[arg-type]
    for name in ("", "a.b"):
        with pytest.raises(ValueError, match=r"buffer name .* is not valid; expected a non-empty"):
            model.register_buffer(name, np.zeros(1))
    with pytest.raises(ValueError, match=r"the attribute 'weight' already exists"):
        model.register_buffer("weight", np.zeros(1))
    with pytest.raises(TypeError, match=r"cannot use a list as the buffer 'x'; expected a numpy"):
        model.register_buffer("x", [1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"an array of dtype <U1 as the buffer 'x'"):
        model.register_buffer("x", np.array(["a"]))
    with pytest.raises(TypeError, match=r"persistent must be a bool"):
        model.register_buffer("x", np.zeros(1), persistent=1)  # type: ignore[arg-type]
    model.register_buffer("mean", np.ones(2), persistent=False)  # re-registering a buffer
    assert "mean" not in model.state_dict()

    class Early(Module):
        def __init__(self) -> None:
            self.register_buffer("x", np.zeros(1))

    with pytest.raises(RuntimeError, match=r"call super\(\).__init__\(\) before register_buffer"):
        Early()


def test_a_shared_buffer_is_listed_once() -> None:
    first, second = Stats(), Stats()
    second.mean = first.mean
    model = Sequential(first, second)
    assert [name for name, _ in model.named_buffers()].count("1.mean") == 0


def test_save_and_load_carry_buffers(tmp_path) -> None:
    model = Stats()
    model(np.array([[1.0, 2.0], [5.0, 6.0]]))
    nnlib.save(model, tmp_path / "stats.npz")
    state = nnlib.load(tmp_path / "stats.npz")
    assert state["count"].dtype == np.int64
    fresh = Stats()
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh.mean, [3.0, 4.0])
    assert int(fresh.count) == 1
