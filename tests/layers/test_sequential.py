"""Tests of nnlib.layers.Sequential: chaining, indexing, backward through the chain."""

from __future__ import annotations

import tracemalloc
from collections import OrderedDict

import numpy as np
import pytest

from nnlib import Module, gradcheck
from nnlib.activations import ReLU, Tanh
from nnlib.layers import Dropout, Flatten, Linear, Sequential
from nnlib.losses import CrossEntropyLoss, MSELoss
from tests.conftest import FD_ATOL, FD_H, FD_RTOL


class _WithLoss(Module):
    """A model followed by a loss against a fixed target: a scalar function of the input."""

    def __init__(self, model: Module, loss: Module, target: np.ndarray) -> None:
        super().__init__()
        self.model, self.loss, self.target = model, loss, target

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.loss(self.model(x), self.target)

    def backward(self, grad_output: float = 1.0) -> np.ndarray:
        return self.model.backward(self.loss.backward(grad_output))


def _mlp(seed: int = 0) -> Sequential:
    return Sequential(Linear(4, 5, rng=seed), ReLU(), Linear(5, 3, rng=seed + 1))


def test_forward_is_the_composition() -> None:
    model = _mlp()
    x = np.random.default_rng(0).standard_normal((6, 4))
    want = model[2](np.maximum(model[0](x), 0.0))
    np.testing.assert_allclose(model(x), want, rtol=1e-15)


@pytest.mark.parametrize("loss", [CrossEntropyLoss(), MSELoss()], ids=["cross-entropy", "mse"])
def test_linear_relu_linear_with_a_loss_passes_gradcheck(loss: Module) -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 4))
    target = rng.integers(0, 3, 6) if isinstance(loss, CrossEntropyLoss) else rng.random((6, 3))
    result = gradcheck(_WithLoss(_mlp(), loss, target), x, eps=FD_H, rtol=FD_RTOL, atol=FD_ATOL)
    assert result.passed and result.num_checked == 6 * 4 + (20 + 5) + (15 + 3)


def test_deeper_chain_with_tanh_flatten_and_eval_dropout() -> None:
    model = Sequential(
        Flatten(), Linear(6, 4, rng=0), Tanh(), Dropout(0.3, rng=0), Linear(4, 2, rng=1)
    ).eval()
    x = np.random.default_rng(2).standard_normal((3, 2, 3))
    assert gradcheck(model, x, eps=FD_H, rtol=FD_RTOL, atol=FD_ATOL).passed


def test_backward_runs_in_reverse_order() -> None:
    calls: list[str] = []

    class Tracer(Module):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

        def forward(self, x: np.ndarray) -> np.ndarray:
            calls.append(f"forward {self.name}")
            return x

        def backward(self, grad_output: np.ndarray) -> np.ndarray:
            calls.append(f"backward {self.name}")
            return grad_output

    model = Sequential(Tracer("a"), Tracer("b"))
    model.backward(model(np.ones(1)))
    assert calls == ["forward a", "forward b", "backward b", "backward a"]


@pytest.mark.parametrize(
    "build",
    [
        lambda: _mlp(),
        lambda: Sequential(ReLU(), _mlp()),  # first stage without a shortcut
        lambda: Sequential(_mlp(), Tanh()),  # nested: the inner first stage is asked
        lambda: Sequential(),
    ],
    ids=["mlp", "relu-first", "nested", "empty"],
)
def test_backward_parameters_gives_backwards_parameter_gradients(build) -> None:
    x = np.random.default_rng(4).standard_normal((6, 4))
    full, params_only = build(), build()
    g = np.random.default_rng(5).standard_normal(full(x).shape)
    full.backward(g)
    params_only(x)
    assert params_only._backward_parameters(g) is None
    pairs = zip(full.parameters(), params_only.parameters(), strict=True)
    for expected, got in pairs:
        np.testing.assert_array_equal(got.grad, expected.grad)


def test_backward_parameters_runs_a_subclass_backward() -> None:
    calls: list[str] = []

    class Traced(Sequential):
        def backward(self, grad_output: np.ndarray) -> np.ndarray:
            calls.append("backward")
            return super().backward(grad_output)

    model = Traced(Linear(2, 2, rng=0))
    model(np.ones((1, 2)))
    model._backward_parameters(np.ones((1, 2)))
    assert calls == ["backward"] and model[0].weight.grad is not None


def test_indexing_slicing_iteration_and_len() -> None:
    model = _mlp()
    assert len(model) == 3
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear"]
    assert model[-1] is model[2]
    head = model[:2]
    assert isinstance(head, Sequential) and len(head) == 2 and head[0] is model[0]
    assert sorted(head.state_dict()) == ["0.bias", "0.weight"]


def test_state_dict_keys_follow_pytorch() -> None:
    assert list(_mlp().state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_named_stages_from_a_mapping() -> None:
    model = Sequential(OrderedDict([("hidden", Linear(2, 3, rng=0)), ("act", ReLU())]))
    assert list(model.state_dict()) == ["hidden.weight", "hidden.bias"]
    assert model[0] is model.hidden


def test_append_and_train_eval_reach_every_stage() -> None:
    model = Sequential(Linear(2, 2, rng=0)).append(Dropout(0.5))
    assert len(model) == 2 and isinstance(model[1], Dropout)
    model.eval()
    assert not model[1].training
    model.train()
    assert model[1].training


def test_empty_sequential_is_the_identity() -> None:
    model = Sequential()
    x = np.ones(3)
    assert model(x) is x and model.backward(x) is x


def test_repr_matches_pytorch() -> None:
    model = Sequential(Linear(3, 4), ReLU(), Dropout(0.2), Flatten())
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=3, out_features=4, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Dropout(p=0.2)\n"
        "  (3): Flatten(start_dim=1, end_dim=-1)\n"
        ")"
    )


def test_the_same_module_twice_is_refused() -> None:
    act = ReLU()
    with pytest.raises(
        ValueError,
        match=r"Sequential: cannot register the ReLU '1': it is already part of this "
        r"Sequential\. A module caches only its last forward pass",
    ):
        Sequential(act, act)
    model = _mlp()
    with pytest.raises(ValueError, match=r"the Linear inside it is already part"):
        model.append(Sequential(model[0]))
    assert len(model) == 3
    assert len(model[:2]) == 2  # a slice is a new container of the same modules: allowed


def _extra_memory_of_backward(depth: int, batch: int = 256, width: int = 64) -> float:
    """Peak memory that ``backward`` allocates, in activation-sized arrays (batch x width)."""
    stages = [m for i in range(depth) for m in (Linear(width, width, rng=i), ReLU())]
    model = Sequential(*stages)
    for param in model.parameters():  # accumulate into existing gradients, as in training
        param.grad = np.zeros_like(param.data)
    out = model(np.random.default_rng(0).standard_normal((batch, width)))
    grad_output = np.ones_like(out)
    tracemalloc.start()
    try:
        model.backward(grad_output)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak / (batch * width * 8)


def test_backward_memory_does_not_grow_with_depth() -> None:
    # Each gradient is dropped once the stage before has used it: a few arrays at a time.
    # (Keeping every stage's gradient until the end would need 2 more per Linear + ReLU.)
    # ReLU's backward holds three: the incoming gradient, its mask and the product.
    extra = {depth: _extra_memory_of_backward(depth) for depth in (2, 4, 8, 16)}
    assert max(extra.values()) < 3.5, extra
    assert extra[16] - extra[2] < 0.5, extra


def test_errors() -> None:
    with pytest.raises(TypeError, match=r"Sequential: stage '1' is a ufunc; expected a Module"):
        Sequential(Linear(2, 2), np.tanh)
    with pytest.raises(ValueError, match=r"Sequential: stage name 'a.b' is not valid"):
        Sequential({"a.b": ReLU()})
    model = _mlp()
    with pytest.raises(IndexError, match=r"Sequential: index 3 is out of range for 3 stages"):
        model[3]
    with pytest.raises(TypeError, match=r"Sequential: index must be an int or a slice"):
        model["0"]  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=r"Linear: input of shape \(2, 3\) has 3 features"):
        model(np.ones((2, 3)))


# -- every stage checks what it receives, as it would alone ------------------------------


class _Poison(Module):
    """A stage that writes NaN into its output (forward) or its gradient (backward)."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.array(x, dtype=float)
        if self.where == "forward":
            out[0, 1] = np.nan
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        grad = np.array(grad_output, dtype=float)
        if self.where == "backward":
            grad[0, 0] = np.nan
        return grad


def test_a_non_finite_output_is_refused_by_the_next_stage() -> None:
    model = Sequential(Linear(4, 5, rng=0), _Poison("forward"), Tanh(), Linear(5, 3, rng=1))
    with pytest.raises(
        ValueError,
        match=r"Tanh: input holds 1 non-finite value \(first at index \(0, 1\): nan\); "
        r"expected finite numbers",
    ):
        model(np.ones((2, 4)))


def test_a_non_finite_gradient_is_refused_by_the_stage_before() -> None:
    model = Sequential(Linear(4, 5, rng=0), _Poison("backward"), Tanh(), Linear(5, 3, rng=1))
    model(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"Linear.backward: grad_output holds 1 non-finite value"):
        model.backward(np.ones((2, 3)))


def _scaled(weight: float) -> Linear:
    layer = Linear(1, 1, bias=False, rng=0)
    layer.weight.data[...] = weight
    return layer


def test_an_overflow_followed_by_a_saturating_stage_raises_as_the_composition_does() -> None:
    # tanh(inf) would be 1: a chain that passed the overflow on would hide it.
    x = np.full((1, 1), 1e10)  # 1e210 after stage 0, 1e410 = inf after stage 2
    with np.errstate(over="ignore"):
        overflowed = _scaled(1e200)(_scaled(1e200)(x))
    with pytest.raises(ValueError, match=r"Tanh: input holds 1 non-finite value") as alone:
        Tanh()(overflowed)
    model = Sequential(_scaled(1e200), ReLU(), _scaled(1e200), Tanh())
    with np.errstate(over="ignore"), pytest.raises(ValueError) as chained:
        model(x)
    assert str(chained.value) == str(alone.value)


def test_an_overflow_in_the_last_stage_is_returned_as_the_composition_returns_it() -> None:
    # Sequential adds no check of its own; the loss that receives the result refuses it.
    model = Sequential(_scaled(1e200), ReLU(), _scaled(1e200))
    x = np.full((1, 1), 1e10)
    with np.errstate(over="ignore"):
        out = model(x)
        np.testing.assert_array_equal(out, model[2](model[1](model[0](x))))
    assert out[0, 0] == np.inf
    with pytest.raises(ValueError, match=r"MSELoss: input holds 1 non-finite value"):
        MSELoss()(out, np.zeros((1, 1)))


def test_every_stage_scans_its_input_and_a_subclass_forward_runs() -> None:
    model = _mlp()
    x = np.ones((2, 4))
    x[1, 2] = np.inf
    with pytest.raises(ValueError, match=r"Linear: input holds 1 non-finite value"):
        model(x)
    scanned: list[str] = []

    class Counting(Linear):
        def forward(self, input: np.ndarray) -> np.ndarray:
            scanned.append("public forward")
            return super().forward(input)

    inner = Sequential(Linear(4, 5, rng=0), Counting(5, 3, rng=1))
    inner(np.ones((2, 4)))
    assert scanned == ["public forward"]


def test_stages_inside_check_shapes() -> None:
    model = Sequential(Linear(4, 5, rng=0), ReLU(), Linear(6, 2, rng=1))
    with pytest.raises(ValueError, match=r"Linear: input of shape \(3, 5\) has 5 features"):
        model(np.ones((3, 4)))
    ok = _mlp()
    ok(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"Linear.backward: grad_output has shape \(3, 2\)"):
        ok.backward(np.ones((3, 2)))


def test_a_stage_returning_a_list_is_converted_by_the_next() -> None:
    class ToList(Module):
        def forward(self, x: np.ndarray) -> list:
            return np.asarray(x).tolist()

        def backward(self, grad_output: np.ndarray) -> np.ndarray:
            return np.asarray(grad_output)

    model = Sequential(Linear(2, 2, rng=0), ToList(), Linear(2, 1, rng=1))
    x = np.array([[1.0, 2.0]])
    np.testing.assert_allclose(model(x), model[2](model[0](x)), rtol=1e-15)


@pytest.mark.parametrize("nested", [False, True])
def test_the_chain_gives_the_numbers_of_the_stages_called_one_by_one(nested: bool) -> None:
    rng = np.random.default_rng(7)
    x, g = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))

    def build() -> Sequential:
        if nested:
            return Sequential(Sequential(Linear(4, 5, rng=0), ReLU()), Linear(5, 3, rng=1))
        return _mlp()

    model, by_hand = build(), build()
    out = model(x)
    grad_in = model.backward(g)
    # The same stages called one by one through their public methods.
    stages = [m for s in by_hand for m in (s if isinstance(s, Sequential) else [s])]
    h = x
    for stage in stages:
        h = stage(h)
    np.testing.assert_array_equal(out, h)
    for stage in reversed(stages):
        g = stage.backward(g)
    np.testing.assert_array_equal(grad_in, g)
    for a, b in zip(model.parameters(), by_hand.parameters(), strict=True):
        np.testing.assert_array_equal(a.grad, b.grad)


def test_subclass_overrides_run_inside_a_sequential() -> None:
    calls: list[str] = []

    class LoudReLU(ReLU):
        def forward(self, input: np.ndarray) -> np.ndarray:
            calls.append("relu forward")
            return super().forward(input)

        def backward(self, grad_output: np.ndarray) -> np.ndarray:
            calls.append("relu backward")
            return super().backward(grad_output)

    class LoudLinear(Linear):
        def backward(self, grad_output: np.ndarray) -> np.ndarray:
            calls.append("linear backward")
            return super().backward(grad_output)

    model = Sequential(Linear(3, 4, rng=0), LoudReLU(), LoudLinear(4, 2, rng=1))
    model(np.ones((2, 3)))
    model.backward(np.ones((2, 2)))
    assert calls == ["relu forward", "linear backward", "relu backward"]
