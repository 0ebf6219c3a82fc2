"""Tests of nnlib.autograd.Tensor: construction, dtypes, attributes, repr, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.autograd import Tensor, tensor


def test_python_floats_become_float64_and_integers_stay_integers() -> None:
    assert tensor([1.0, 2.0]).dtype == np.float64
    assert tensor(3.0).shape == ()
    assert tensor([1, 2]).dtype == np.int64
    assert tensor([1, 2], dtype=np.float64, requires_grad=True).dtype == np.float64
    assert tensor(np.ones(2, dtype=np.float32)).dtype == np.float32


def test_data_is_copied() -> None:
    array = np.ones(3)
    t = tensor(array)
    array[0] = 5.0
    assert t.data[0] == 1.0


def test_attributes_of_a_leaf_and_of_a_result() -> None:
    x = tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    assert x.is_leaf and x.grad_fn is None and x.grad is None and x.requires_grad
    assert (x.shape, x.ndim, x.dtype) == ((1, 3), 2, np.float64)
    y = x * 2
    assert not y.is_leaf and y.requires_grad and repr(y.grad_fn) == "<MulBackward0>"
    z = tensor([1.0]) * 2
    assert z.is_leaf and not z.requires_grad


def test_item_numpy_detach() -> None:
    x = tensor([2.5], requires_grad=True)
    assert x.item() == 2.5 and isinstance(x.item(), float)
    d = x.detach()
    assert d.data is x.data and not d.requires_grad and d.is_leaf
    assert d.numpy() is x.data
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        x.numpy()
    with pytest.raises(ValueError, match=r"item: the tensor has 2 elements"):
        tensor([1.0, 2.0]).item()


def test_repr_like_pytorch() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(tensor(3.0)) == "tensor(3.)"
    assert repr(tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tensor([1.0], dtype=np.float32)) == "tensor([1.], dtype=float32)"


def test_integer_or_bool_tensor_cannot_require_grad() -> None:
    with pytest.raises(RuntimeError, match=r"Only Tensors of floating point dtype can require"):
        tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Only Tensors of floating point dtype can require"):
        tensor([True], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Only Tensors of floating point dtype can require"):
        tensor([1, 2]).requires_grad_()
    with pytest.raises(TypeError, match=r"dtype <U1 is not supported"):
        tensor(["a"])


def test_comparisons_return_boolean_arrays() -> None:
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    np.testing.assert_array_equal(x > 1.5, [False, True, True])
    np.testing.assert_array_equal(x == tensor([1.0, 0.0, 3.0]), [True, False, True])
    np.testing.assert_array_equal(x <= 2.0, [True, True, False])
    assert isinstance(x < 2.0, np.ndarray)


def test_tensors_are_hashable_by_identity() -> None:
    a, b = tensor([1.0]), tensor([1.0])
    assert len({a, b}) == 2 and {a: 1}[a] == 1


def test_numpy_arrays_and_scalars_on_the_left_give_tensors() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    for y in (np.ones(2) + x, np.float64(2.0) * x, 1 - x, 2.0 / x, np.eye(2) @ x):
        assert isinstance(y, Tensor) and y.requires_grad


def test_float32_stays_float32_with_python_scalars() -> None:
    x = tensor([1.0, 2.0], dtype=np.float32, requires_grad=True)
    y = (x * 2.0 + 1).sum()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad is not None and x.grad.dtype == np.float32


def test_requires_grad_of_a_result_cannot_be_switched_off() -> None:
    y = tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"only change requires_grad flags of leaf"):
        y.requires_grad_(False)
