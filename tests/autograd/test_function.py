"""Tests of nnlib.autograd.Function: a custom operation with a hand-written backward."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

from nnlib.autograd import Function, FunctionCtx, tensor
from tests.autograd.helpers import check_gradients


class ScaledExp(Function):
    """y = exp(s x) for a tensor x and a number s: dy/dx = s y."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Any, scale: float) -> Any:
        result = (x * scale).exp()
        ctx.save_for_backward(result)
        ctx.scale = scale
        return result

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: Any) -> Any:
        (result,) = ctx.saved_tensors
        return grad_output * ctx.scale * result, None


class Product(Function):
    """z = x * y with broadcasting left to the caller: the two VJPs, skipped when unneeded."""

    calls: ClassVar[list[tuple[bool, ...]]] = []

    @staticmethod
    def forward(ctx: FunctionCtx, x: Any, y: Any) -> Any:
        ctx.save_for_backward(x, y)
        Product.calls.append(ctx.needs_input_grad)
        return x.data * y.data  # an array is accepted as the output

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: Any) -> Any:
        x, y = ctx.saved_tensors
        grad_x = grad_output * y if ctx.needs_input_grad[0] else None
        grad_y = grad_output * x if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class WrongShape(Function):
    @staticmethod
    def forward(ctx: FunctionCtx, x: Any) -> Any:
        return x.sum()

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: Any) -> Any:
        return grad_output.data * np.ones(5)


class TooMany(Function):
    @staticmethod
    def forward(ctx: FunctionCtx, x: Any) -> Any:
        return x * 1.0

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: Any) -> Any:
        return grad_output, grad_output


def test_custom_function_matches_central_differences() -> None:
    x = np.random.default_rng(0).standard_normal((3, 2))
    grads = check_gradients(lambda a: ScaledExp.apply(a, 0.7), x)
    np.testing.assert_allclose(grads[0].shape, (3, 2))
    check_gradients(lambda a, b: Product.apply(a, b) * a, x, x[::-1].copy())


def test_output_is_recorded_and_composes_with_other_operations() -> None:
    x = tensor([0.0, 1.0], requires_grad=True)
    y = ScaledExp.apply(x, 2.0)
    assert repr(y.grad_fn) == "<ScaledExpBackward>" and y.requires_grad
    (y * 3).sum().backward()
    np.testing.assert_allclose(x.grad, 6 * np.exp([0.0, 2.0]), rtol=1e-15)


def test_needs_input_grad_and_none_gradients() -> None:
    Product.calls.clear()
    x, c = tensor([1.0, 2.0], requires_grad=True), tensor([3.0, 4.0])
    Product.apply(x, c).sum().backward()
    assert Product.calls == [(True, False)]
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    assert c.grad is None


def test_no_node_without_inputs_needing_grad() -> None:
    y = ScaledExp.apply(tensor([1.0]), 1.0)
    assert y.grad_fn is None and not y.requires_grad


def test_wrong_gradient_shape_or_count_names_the_function() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError,
        match=r"function WrongShapeBackward returned a gradient for input 0 that has shape "
        r"\(5,\); expected the shape \(2,\)",
    ):
        WrongShape.apply(x).backward()
    with pytest.raises(RuntimeError, match=r"TooManyBackward returned an incorrect number of gr"):
        TooMany.apply(x).sum().backward()


def test_saved_tensors_are_freed_after_backward() -> None:
    x = tensor([1.0], requires_grad=True)
    y = ScaledExp.apply(x, 1.0).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * np.e, rtol=1e-15)
    with pytest.raises(RuntimeError, match=r"backward through the graph a second time"):
        y.backward()
