"""Gradients of every operation against central differences; broadcasting; kinks; errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.autograd import tensor
from nnlib.autograd.ops import unbroadcast
from tests.autograd.helpers import check_gradients

RNG = np.random.default_rng(0)


def _r(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape)


def _positive(*shape: int) -> np.ndarray:
    return RNG.uniform(0.5, 2.0, shape)


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}
SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 1, 4), (3, 1)), ((), (2, 2))]


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize(("shape_a", "shape_b"), SHAPES)
def test_binary_operators_with_broadcasting(name: str, shape_a: tuple, shape_b: tuple) -> None:
    f = BINARY[name]
    grads = check_gradients(f, _r(*shape_a), _positive(*shape_b))
    assert grads[0].shape == shape_a and grads[1].shape == shape_b


@pytest.mark.parametrize("name", sorted(BINARY))
def test_python_numbers_on_either_side(name: str) -> None:
    f = BINARY[name]
    check_gradients(lambda a: f(a, 1.5), _positive(2, 3))
    check_gradients(lambda a: f(-2.5, a), _positive(2, 3))
    check_gradients(lambda a: f(a, np.full(3, 0.7)), _positive(2, 3))


def test_neg_and_pow() -> None:
    check_gradients(lambda a: -a, _r(3))
    for p in (2, 3, 0.5, -1.5, 1):
        check_gradients(lambda a, p=p: a**p, _positive(4))


def test_pow_at_zero_follows_pytorch() -> None:
    x = tensor([0.0, 1.0, 2.0], requires_grad=True)
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    x.grad = None
    (x**0.5).sum().backward()
    np.testing.assert_allclose(x.grad, [np.inf, 0.5, 0.5 / np.sqrt(2.0)], rtol=1e-15)
    with pytest.raises(TypeError, match=r"pow: the exponent must be a Python number"):
        x ** tensor(2.0)


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)),
     ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3))],
)  # fmt: skip
def test_matmul_all_ranks_and_broadcast_batches(shape_a: tuple, shape_b: tuple) -> None:
    grads = check_gradients(lambda a, b: a @ b, _r(*shape_a), _r(*shape_b))
    assert grads[0].shape == shape_a and grads[1].shape == shape_b


UNARY = {
    "exp": (lambda a: a.exp(), _r),
    "log": (lambda a: a.log(), _positive),
    "sqrt": (lambda a: a.sqrt(), _positive),
    "abs": (lambda a: a.abs(), _r),
    "tanh": (lambda a: a.tanh(), _r),
    "sigmoid": (lambda a: a.sigmoid(), _r),
    "relu": (lambda a: a.relu(), _r),
    "clamp": (lambda a: a.clamp(-0.5, 0.5), _r),
    "clamp_min": (lambda a: a.clamp(min=0.1), _r),
    "clamp_max": (lambda a: a.clamp(max=0.1), _r),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_elementwise_functions(name: str) -> None:
    f, make = UNARY[name]
    check_gradients(f, make(3, 4))


def test_kinks_follow_pytorch() -> None:
    x = tensor([-1.0, 0.0, 1.0, 2.0, 3.0], requires_grad=True)
    for f, expected in [
        (lambda t: t.relu(), [0, 0, 1, 1, 1]),
        (lambda t: t.abs(), [-1, 0, 1, 1, 1]),
        (lambda t: t.clamp(1.0, 2.0), [0, 0, 1, 1, 0]),  # both ends included, as torch
        (lambda t: t.clamp(min=2.0, max=1.0), [0, 0, 0, 0, 0]),
    ]:
        x.grad = None
        f(x).sum().backward()
        np.testing.assert_array_equal(x.grad, expected)
    z = tensor([0.0], requires_grad=True)
    z.sqrt().sum().backward()
    assert z.grad is not None and z.grad[0] == np.inf


def test_saturated_tanh_and_sigmoid_keep_their_small_gradients() -> None:
    x = tensor([-40.0, 40.0], requires_grad=True)
    x.tanh().sum().backward()
    np.testing.assert_allclose(x.grad, 4 * np.exp(-80.0), rtol=1e-12)
    x.grad = None
    x.sigmoid().sum().backward()
    np.testing.assert_allclose(x.grad, np.exp(-40.0) / (1 + np.exp(-40.0)) ** 2, rtol=1e-12)


@pytest.mark.parametrize("dim", [None, 0, 1, -1, 2, (0, 2), (1,), (-1, 0)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_sum_and_mean_over_any_dims(dim: object, keepdim: bool) -> None:
    x = _r(2, 3, 4)
    check_gradients(lambda a: a.sum(dim=dim, keepdim=keepdim), x)
    check_gradients(lambda a: a.mean(dim=dim, keepdim=keepdim), x)
    expected = np.sum(x, axis=dim if not isinstance(dim, list) else tuple(dim), keepdims=keepdim)
    np.testing.assert_allclose(tensor(x).sum(dim=dim, keepdim=keepdim).data, expected)


def test_shape_operations() -> None:
    x = _r(2, 3, 4)
    check_gradients(lambda a: a.reshape(4, 6), x)
    check_gradients(lambda a: a.reshape((-1,)), x)
    check_gradients(lambda a: a.transpose(0, 2), x)
    check_gradients(lambda a: a.T, _r(3, 5))
    check_gradients(lambda a: a.T, _r(3))


@pytest.mark.parametrize(
    "index",
    [1, -1, slice(0, 2), (slice(None), 2), (0, slice(1, 3)), np.array([2, 0, 2, 2]),
     (np.array([0, 1, 1]), np.array([3, 3, 0])), (Ellipsis, 1), np.array([True, False, True])],
)  # fmt: skip
def test_indexing(index: object) -> None:
    check_gradients(lambda a: a[index], _r(3, 4))


def test_repeated_indices_accumulate() -> None:
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])
    y = tensor([1.0, 2.0, 3.0], requires_grad=True)
    y[tensor([1, 1])].sum().backward()
    np.testing.assert_array_equal(y.grad, [0.0, 2.0, 0.0])


def test_unbroadcast_sums_over_broadcast_dimensions() -> None:
    grad = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(unbroadcast(grad, (3, 1)), grad.sum(axis=(0, 2))[:, None])
    np.testing.assert_array_equal(unbroadcast(grad, (4,)), grad.sum(axis=(0, 1)))
    np.testing.assert_array_equal(unbroadcast(grad, ()), grad.sum())
    assert unbroadcast(grad, (2, 3, 4)) is grad


def test_errors_name_the_operation_and_the_shapes() -> None:
    a, b = tensor(np.ones((2, 3)), requires_grad=True), tensor(np.ones((4,)))
    with pytest.raises(ValueError, match=r"add: operands of shapes \(2, 3\) and \(4,\) do not"):
        a + b
    with pytest.raises(ValueError, match=r"mul: operands of shapes \(2, 3\) and \(4,\) do not"):
        a * b
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4,\) cannot be multi"):
        a @ b
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(2, 3\) cannot be mul"):
        a @ a
    with pytest.raises(ValueError, match=r"matmul: the batch dimensions \(2,\) and \(3,\)"):
        tensor(np.ones((2, 2, 3))) @ tensor(np.ones((3, 3, 4)))
    with pytest.raises(ValueError, match=r"both arguments to matmul need to be at least 1-D"):
        a @ tensor(2.0)
    with pytest.raises(ValueError, match=r"sum: dim = 2 is out of range for a tensor with 2 "):
        a.sum(dim=2)
    with pytest.raises(ValueError, match=r"mean: dim = -3 is out of range .* \[-2, 1\]"):
        a.mean(dim=(0, -3))
    with pytest.raises(ValueError, match=r"names a dimension twice"):
        a.sum(dim=(0, -2))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape a tensor of shape \(2, 3\)"):
        a.reshape(4, 2)
    with pytest.raises(ValueError, match=r"transpose: dim = 2 is out of range"):
        a.transpose(0, 2)
    with pytest.raises(ValueError, match=r"clamp: at least one of min and max"):
        a.clamp()
    with pytest.raises(ValueError, match=r"T: the tensor has 3 dimensions"):
        _ = tensor(np.ones((2, 2, 2))).T
    with pytest.raises(IndexError, match=r"getitem: index 5 on a tensor of shape \(2, 3\)"):
        a[5]


def test_division_by_zero_gives_inf_as_pytorch_without_warning() -> None:
    x = tensor([1.0, -1.0], requires_grad=True)
    y = x / 0.0
    np.testing.assert_array_equal(y.data, [np.inf, -np.inf])
    np.testing.assert_array_equal(tensor([0.0], requires_grad=True).log().data, [-np.inf])
