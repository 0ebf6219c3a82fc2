"""Tests of nnlib.module.Module: registration, traversal, modes, state."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nnlib import Linear, Module, Parameter


class Affine(Module):
    """y = a * x + b element-wise, a tiny module with two parameters."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.a = Parameter(np.full(size, 2.0))
        self.b = Parameter(np.zeros(size))
        self._x: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        return self.a.data * x + self.b.data

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        self.a.accumulate_grad(grad_output * self._x)
        self.b.accumulate_grad(grad_output)
        return grad_output * self.a.data

    def extra_repr(self) -> str:
        return f"size={self.a.size}"


class Pair(Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = Affine(3)
        self.second = Affine(3)

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.second(self.first(x))

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        return self.first.backward(self.second.backward(grad_output))


def test_parameters_are_registered_in_order() -> None:
    names = [name for name, _ in Pair().named_parameters()]
    assert names == ["first.a", "first.b", "second.a", "second.b"]


def test_parameters_without_recursion() -> None:
    assert list(Pair().parameters(recurse=False)) == []
    assert len(list(Affine(2).parameters(recurse=False))) == 2


def test_shared_parameter_is_listed_once() -> None:
    model = Pair()
    model.second.a = model.first.a
    assert [name for name, _ in model.named_parameters()] == ["first.a", "first.b", "second.b"]


def test_reassigning_an_attribute_unregisters_it() -> None:
    model = Affine(2)
    model.a = None  # type: ignore[assignment]
    assert [name for name, _ in model.named_parameters()] == ["b"]
    del model.b
    assert list(model.parameters()) == []


def test_named_modules_and_children() -> None:
    model = Pair()
    assert [name for name, _ in model.named_modules()] == ["", "first", "second"]
    assert [type(child).__name__ for child in model.children()] == ["Affine", "Affine"]
    assert len(list(model.modules())) == 3


def test_call_runs_forward_and_backward_accumulates() -> None:
    model = Pair()
    x = np.array([1.0, -1.0, 0.5])
    np.testing.assert_allclose(model(x), 4 * x)
    grad_input = model.backward(np.ones(3))
    np.testing.assert_allclose(grad_input, np.full(3, 4.0))
    # d/da1 of a2 * (a1 x + b1) + b2 is a2 * x.
    np.testing.assert_allclose(model.first.a.grad, 2 * x)
    model.backward(np.ones(3))
    np.testing.assert_allclose(model.first.a.grad, 4 * x)


def test_backward_parameters_defaults_to_backward() -> None:
    model, reference = Pair(), Pair()
    x = np.array([1.0, -1.0, 0.5])
    model(x)
    reference(x)
    assert model._backward_parameters(np.ones(3)) is None
    reference.backward(np.ones(3))
    np.testing.assert_array_equal(model.first.a.grad, reference.first.a.grad)


def test_zero_grad_sets_none_or_zeros() -> None:
    model = Affine(2)
    model(np.ones(2))
    model.backward(np.ones(2))
    model.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(model.a.grad, np.zeros(2))
    model.zero_grad()
    assert model.a.grad is None and model.b.grad is None


def test_train_and_eval_reach_every_submodule() -> None:
    model = Pair()
    assert model.training and model.first.training
    assert model.eval() is model
    assert not model.training and not model.first.training and not model.second.training
    model.train()
    assert model.second.training


def test_train_rejects_non_bool() -> None:
    with pytest.raises(TypeError, match="mode must be a bool"):
        Pair().train(1)  # type: ignore[arg-type]


def test_unimplemented_passes_raise() -> None:
    with pytest.raises(NotImplementedError, match="Module does not implement forward"):
        Module()(np.zeros(1))
    with pytest.raises(NotImplementedError, match="does not implement backward"):
        Module().backward(np.zeros(1))


def test_assignment_before_init_is_explained() -> None:
    class Broken(Module):
        def __init__(self) -> None:
            self.w = Parameter([1.0])

    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\)"):
        Broken()


def test_state_dict_round_trip() -> None:
    source, target = Pair(), Pair()
    source.first.a.data[:] = [1.0, 2.0, 3.0]
    state = source.state_dict()
    assert list(state) == ["first.a", "first.b", "second.a", "second.b"]
    state["first.a"][0] = 99.0  # a copy: the model is untouched
    assert source.first.a.data[0] == 1.0
    target.load_state_dict(source.state_dict())
    for (_, p), (_, q) in zip(source.named_parameters(), target.named_parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_load_state_dict_lists_every_problem_and_loads_nothing() -> None:
    model = Pair()
    state = model.state_dict()
    del state["first.b"]
    state["third.a"] = np.zeros(3)
    state["second.a"] = np.zeros(4)
    state["first.a"] = np.full(3, 7.0)
    with pytest.raises(ValueError) as error:
        model.load_state_dict(state)
    message = str(error.value)
    assert "missing keys: first.b" in message
    assert "unexpected keys: third.a" in message
    assert "second.a: shape (4,) in the state, (3,) in the model" in message
    np.testing.assert_array_equal(model.first.a.data, np.full(3, 2.0))


def test_load_state_dict_non_strict_ignores_key_mismatch() -> None:
    model = Pair()
    model.load_state_dict({"first.a": np.ones(3), "extra": np.zeros(1)}, strict=False)
    np.testing.assert_array_equal(model.first.a.data, np.ones(3))


def test_repr_nests_children() -> None:
    assert repr(Affine(3)) == "Affine(size=3)"
    assert repr(Pair()) == "Pair(\n  (first): Affine(size=3)\n  (second): Affine(size=3)\n)"


# -- one forward, one backward ---------------------------------------------------------------


def _built_in_modules() -> list[tuple[str, Module, tuple[Any, ...]]]:
    from nnlib.activations import GELU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
    from nnlib.layers import (
        BatchNorm1d,
        Dropout,
        Flatten,
        Identity,
        LayerNorm,
        Linear,
        Residual,
        Sequential,
    )
    from nnlib.losses import CrossEntropyLoss, MSELoss

    x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    return [
        ("Linear", Linear(3, 2, rng=0), (x,)),
        ("ReLU", ReLU(), (x,)),
        ("Sigmoid", Sigmoid(), (x,)),
        ("Tanh", Tanh(), (x,)),
        ("GELU", GELU(), (x,)),
        ("Softmax", Softmax(), (x,)),
        ("LogSoftmax", LogSoftmax(), (x,)),
        ("Dropout", Dropout(1.0), (x,)),  # a mask (of zeros), the same every time
        ("Dropout", Dropout(0.5).eval(), (x,)),
        ("Flatten", Flatten(), (x,)),
        ("BatchNorm1d", BatchNorm1d(3), (x,)),
        ("LayerNorm", LayerNorm(3), (x,)),
        ("Identity", Identity(), (x,)),
        ("Residual", Residual(Linear(3, 3, rng=0)), (x,)),
        ("Linear", Sequential(ReLU(), Linear(3, 2, rng=0)), (x,)),
        ("MSELoss", MSELoss(), (x, np.zeros((2, 3)))),
        ("CrossEntropyLoss", CrossEntropyLoss(), (x, np.array([0, 2]))),
    ]


@pytest.mark.parametrize(
    ("owner", "module", "inputs"),
    _built_in_modules(),
    ids=lambda value: type(value).__name__ if isinstance(value, Module) else "",
)
def test_a_second_backward_after_one_forward_raises(
    owner: str, module: Module, inputs: tuple[Any, ...]
) -> None:
    out = module(*inputs)
    grad = np.ones(np.shape(out))
    first = module.backward(grad)
    with pytest.raises(RuntimeError, match=rf"{owner}.backward was called a second time"):
        module.backward(grad)
    module(*inputs)  # a new forward pass makes backward possible again
    np.testing.assert_array_equal(module.backward(grad), first)


def test_backward_before_forward_raises() -> None:
    from nnlib.activations import ReLU

    with pytest.raises(RuntimeError, match=r"ReLU.backward was called before forward"):
        ReLU().backward(np.ones(2))


def test_save_for_backward_keeps_only_the_last_forward() -> None:
    module = Module()
    module.save_for_backward(1, "a")
    module.save_for_backward(2)
    assert module.saved_for_backward() == (2,)


# -- one instance, one place -------------------------------------------------------------


def test_a_module_registered_twice_is_refused() -> None:
    shared = Affine(3)
    model = Pair()
    with pytest.raises(
        ValueError,
        match=r"Pair: cannot register the Affine 'second': it is already part of this Pair\. "
        r"A module caches only its last forward pass",
    ):
        model.second = model.first
    model.first = model.first  # the same place again is not a second one
    model.second = shared
    other = Pair()
    other.first = shared
    with pytest.raises(ValueError, match=r"the Affine inside it is already part of this Pair"):
        model.third = other


def test_a_module_cannot_contain_itself() -> None:
    model = Pair()
    with pytest.raises(ValueError, match=r"cannot register the Pair 'me': it is already part"):
        model.me = model


def test_load_state_dict_refuses_values_that_overflow_the_parameter_dtype() -> None:
    layer = Linear(2, 1, rng=0, dtype=np.float32)
    before = layer.weight.data.copy()
    state = {"weight": np.array([[1e39, 0.0]]), "bias": np.array([1e300])}
    with pytest.raises(
        ValueError,
        match=r"weight: values beyond the range of float32 \(largest "
        r"magnitude 1e\+39\).*bias: values beyond the range of float32",
    ):
        layer.load_state_dict(state)
    np.testing.assert_array_equal(layer.weight.data, before)
    with pytest.raises(ValueError, match=r"entry 'weight'.*non-finite|entry 'weight'.*inf"):
        layer.load_state_dict({"weight": np.array([[np.inf, 0.0]]), "bias": np.zeros(1)})
    layer.load_state_dict({"weight": np.array([[3e38, -1.0]]), "bias": np.zeros(1)})
    assert layer.weight.data.dtype == np.float32 and np.isfinite(layer.weight.data).all()
