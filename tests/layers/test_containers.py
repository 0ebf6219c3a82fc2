"""Tests of nnlib.layers.ModuleList, ModuleDict, Residual and Identity."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import Module, gradcheck
from nnlib.activations import ReLU, Tanh
from nnlib.layers import Identity, Linear, ModuleDict, ModuleList, Residual, Sequential
from nnlib.optim import SGD
from tests.conftest import FD_ATOL, FD_H, FD_RTOL


class Stack(Module):
    """A model that keeps its layers in a ModuleList and chains them by hand."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = ModuleList([Linear(3, 4, rng=0), Tanh(), Linear(4, 2, rng=1)])

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            grad_output = layer.backward(grad_output)
        return grad_output


# -- ModuleList ------------------------------------------------------------------------------


def test_module_list_registers_its_entries_for_parameters_and_optimizers() -> None:
    model = Stack()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]
    assert list(model.state_dict()) == names
    x = np.random.default_rng(0).standard_normal((5, 3))
    model.backward(np.ones_like(model(x)))
    before = model.layers[0].weight.data.copy()
    SGD(model.parameters(), lr=0.1).step()
    assert not np.array_equal(model.layers[0].weight.data, before)
    model.eval()
    assert not model.layers[1].training


def test_a_model_built_on_a_module_list_passes_gradcheck() -> None:
    x = np.random.default_rng(1).standard_normal((4, 3))
    assert gradcheck(Stack(), x, eps=FD_H, rtol=FD_RTOL, atol=FD_ATOL).passed


def test_module_list_indexing_slicing_and_iteration() -> None:
    a, b, c = Linear(1, 1, rng=0), ReLU(), Tanh()
    layers = ModuleList([a, b, c])
    assert len(layers) == 3 and list(layers) == [a, b, c] and list(reversed(layers)) == [c, b, a]
    assert layers[0] is a and layers[-1] is c and layers[-3] is a
    head = layers[1:]
    assert isinstance(head, ModuleList) and list(head) == [b, c]
    assert [name for name, _ in head.named_children()] == ["0", "1"]
    for index in (3, -4):
        with pytest.raises(IndexError, match=r"index .* is out of range for 3 modules"):
            layers[index]
    with pytest.raises(TypeError, match=r"index must be an int, got str"):
        layers["0"]  # type: ignore[call-overload]


def test_module_list_mutation_renumbers() -> None:
    a, b, c, d = (Linear(1, 1, rng=seed) for seed in range(4))
    layers = ModuleList([a])
    assert layers.append(b) is layers and layers.extend([c]) is layers
    layers.insert(1, d)
    assert list(layers) == [a, d, b, c]
    assert [name for name, _ in layers.named_children()] == ["0", "1", "2", "3"]
    assert layers[1] is d and layers._modules["1"] is d
    layers.insert(-1, Tanh())  # before the last, as list.insert
    assert isinstance(layers[3], Tanh) and layers[4] is c
    del layers[3]
    del layers[-1]
    assert list(layers) == [a, d, b]
    del layers[:2]
    assert list(layers) == [b] and layers[0] is b and "2" not in layers.__dict__
    e = Linear(1, 1, rng=5)
    layers[0] = e
    assert list(layers) == [e]
    layers += [a, d]
    assert list(layers) == [e, a, d]
    assert layers.pop() is d and layers.pop(0) is e and list(layers) == [a]
    assert list(layers.state_dict()) == ["0.weight", "0.bias"]


def test_module_list_refuses_non_modules_and_a_module_twice() -> None:
    layer = Linear(1, 1, rng=0)
    with pytest.raises(TypeError, match=r"ModuleList: entry 1 is a int; expected a Module"):
        ModuleList([layer, 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"expected an iterable of modules, got Linear"):
        ModuleList(layer)  # type: ignore[arg-type]
    layers = ModuleList([layer, Tanh()])
    with pytest.raises(ValueError, match=r"cannot register the Linear '2': it is already part"):
        layers.append(layer)
    with pytest.raises(ValueError, match=r"cannot register the Linear '1': it is already part"):
        layers[1] = layer
    with pytest.raises(ValueError, match=r"it is already part of this ModuleList"):
        layers.insert(0, layer)
    assert list(layers) == [layer, layers[1]] and len(layers) == 2  # nothing changed
    layers[0] = layer  # the same place again is allowed
    with pytest.raises(ValueError, match=r"already part of this ModuleList"):
        ModuleList([layer, layer])
    with pytest.raises(TypeError, match=r"the new entry is a float"):
        layers[0] = 1.0  # type: ignore[assignment]


@pytest.mark.parametrize("holder", [ModuleList([Tanh()]), ModuleDict({"a": Tanh()})])
def test_holders_have_no_forward_or_backward(holder: Module) -> None:
    name = type(holder).__name__
    with pytest.raises(NotImplementedError, match=rf"{name} has no forward: it only holds"):
        holder(np.ones(2))
    with pytest.raises(NotImplementedError, match=rf"{name} has no backward"):
        holder.backward(np.ones(2))


# -- ModuleDict ------------------------------------------------------------------------------


def test_module_dict_mapping_api() -> None:
    hidden, act, out = Linear(2, 3, rng=0), ReLU(), Linear(3, 1, rng=1)
    blocks = ModuleDict({"hidden": hidden, "act": act})
    blocks.update([("out", out)])
    assert list(blocks) == ["hidden", "act", "out"] and list(blocks.keys()) == list(blocks)
    assert list(blocks.values()) == [hidden, act, out]
    assert list(blocks.items()) == [("hidden", hidden), ("act", act), ("out", out)]
    assert (
        blocks["out"] is out and "act" in blocks and "missing" not in blocks and len(blocks) == 3
    )
    names = ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert [name for name, _ in blocks.named_parameters()] == names
    tanh = Tanh()
    blocks["act"] = tanh
    assert list(blocks.values())[1] is tanh
    del blocks["hidden"]
    assert list(blocks) == ["act", "out"] and not hasattr(blocks, "hidden")
    assert blocks.pop("out") is out and list(blocks) == ["act"]
    blocks.update(ModuleDict({"z": Linear(1, 1, rng=2)}))
    blocks.clear()
    assert len(blocks) == 0 and list(blocks.parameters()) == []
    with pytest.raises(KeyError, match="missing"):
        blocks["missing"]
    with pytest.raises(KeyError, match="missing"):
        del blocks["missing"]


def test_module_dict_refuses_bad_keys_values_and_a_module_twice() -> None:
    layer = Linear(1, 1, rng=0)
    blocks = ModuleDict({"a": layer})
    with pytest.raises(TypeError, match=r"key must be a str, got int"):
        blocks[1] = Tanh()  # type: ignore[index]
    for key in ("", "a.b"):
        with pytest.raises(ValueError, match=r"is not valid; expected a non-empty str"):
            blocks[key] = Tanh()
    for key in ("keys", "training", "forward"):
        with pytest.raises(ValueError, match=rf"key '{key}' is already an attribute"):
            blocks[key] = Tanh()
    with pytest.raises(TypeError, match=r"the value for 'b' is a str; expected a Module"):
        blocks["b"] = "relu"  # type: ignore[assignment]
    with pytest.raises(ValueError, match=r"cannot register the Linear 'b': it is already part"):
        blocks["b"] = layer
    with pytest.raises(ValueError, match=r"element 0 has length 3; expected a \(key, module\)"):
        blocks.update([("c", Tanh(), 1)])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"element 0 is a int; expected a \(key, module\) pair"):
        blocks.update([1])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"expected a mapping or an iterable"):
        blocks.update(3)  # type: ignore[arg-type]
    assert list(blocks) == ["a"]


# -- Residual and Identity ---------------------------------------------------------------------


def test_residual_forward_and_backward_add_the_skip_path() -> None:
    rng = np.random.default_rng(2)
    x, g = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    branch, reference = Linear(4, 4, rng=0), Linear(4, 4, rng=0)
    block = Residual(branch)
    np.testing.assert_allclose(block(x), x + reference(x), rtol=1e-15)
    np.testing.assert_allclose(block.backward(g), g + reference.backward(g), rtol=1e-15)
    np.testing.assert_allclose(branch.weight.grad, reference.weight.grad, rtol=1e-15)
    assert list(block.state_dict()) == ["module.weight", "module.bias"]


def test_a_stack_of_residual_blocks_passes_gradcheck() -> None:
    model = Sequential(
        Residual(Sequential(Linear(3, 3, rng=0), Tanh(), Linear(3, 3, rng=1))),
        Residual(Sequential(Linear(3, 3, rng=2), Tanh())),
    )
    x = np.random.default_rng(3).standard_normal((4, 3))
    result = gradcheck(model, x, eps=FD_H, rtol=FD_RTOL, atol=FD_ATOL)
    assert result.passed and result.num_checked == 4 * 3 + 2 * 12 + 12


def test_residual_backward_parameters_matches_backward() -> None:
    x = np.random.default_rng(4).standard_normal((3, 2))
    full, params_only = Residual(Linear(2, 2, rng=0)), Residual(Linear(2, 2, rng=0))
    full(x)
    params_only(x)
    full.backward(np.ones((3, 2)))
    assert params_only._backward_parameters(np.ones((3, 2))) is None
    np.testing.assert_array_equal(params_only.module.weight.grad, full.module.weight.grad)


def test_residual_refuses_a_branch_that_changes_the_shape() -> None:
    with pytest.raises(TypeError, match=r"Residual: module is a int; expected a Module"):
        Residual(3)  # type: ignore[arg-type]
    block = Residual(Linear(3, 2, rng=0))
    with pytest.raises(ValueError, match=r"the Linear maps shape \(4, 3\) to \(4, 2\); expected"):
        block(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"Residual: input holds 1 non-finite value"):
        Residual(Tanh())(np.array([np.nan]))
    block = Residual(Tanh())
    block(np.ones(2))
    with pytest.raises(ValueError, match=r"Residual.backward: grad_output has shape \(3,\)"):
        block.backward(np.ones(3))


def test_identity_ignores_its_arguments_and_passes_everything_through() -> None:
    identity = Identity(3, 4, bias=False)
    x = np.arange(6.0).reshape(2, 3)
    assert identity(x) is x and list(identity.parameters()) == []
    g = np.ones((2, 3))
    np.testing.assert_array_equal(identity.backward(g), g)
    with pytest.raises(RuntimeError, match=r"Identity.backward was called a second time"):
        identity.backward(g)
    identity(x)
    with pytest.raises(ValueError, match=r"Identity.backward: grad_output has shape \(3,\)"):
        identity.backward(np.ones(3))
    assert repr(identity) == "Identity()"
