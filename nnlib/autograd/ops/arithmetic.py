r"""Arithmetic with NumPy broadcasting: ``+ - * /``, negation, powers, matrix products.

Each function computes the forward value and gives, per operand, the
vector-Jacobian product: for :math:`y = a b`, :math:`\partial L/\partial a =
\partial L/\partial y \cdot b`. Broadcasting copies an operand along the
dimensions it lacks (or has with length 1); the copies all feed the output,
so their gradients add up: :func:`unbroadcast` sums them back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib.autograd.recording import record
from nnlib.autograd.tensor import Operand, Tensor, _value

__all__ = ["add", "div", "matmul", "mul", "neg", "pow", "sub", "unbroadcast"]

Array = NDArray[Any]


def unbroadcast(grad: Array, shape: tuple[int, ...]) -> Array:
    r"""Sum ``grad`` over the dimensions along which an operand of ``shape`` was broadcast.

    An operand of shape ``(3,)`` added to a ``(2, 3)`` array is used twice,
    once per row; the chain rule adds the gradients of both uses. So the
    leading dimensions the operand lacks are summed away, and so are those
    where it has length 1 but the result does not.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    summed: Array = grad.sum(axis=axes, keepdims=True).reshape(shape)
    return summed


def _shape(x: Any) -> tuple[int, ...]:
    return np.shape(x)


def _broadcasting(ufunc: Callable[..., Array], a: Any, b: Any, symbol: str) -> Array:
    """``ufunc(a, b)``, with a clear error if the shapes do not broadcast."""
    try:
        result: Array = ufunc(a, b)
    except ValueError:
        if np.shape(a) == np.shape(b) or _broadcasts(a, b):
            raise
        raise ValueError(
            f"{symbol}: operands of shapes {np.shape(a)} and {np.shape(b)} do not broadcast; "
            "expected equal lengths, or 1, in each trailing dimension"
        ) from None
    return result


def _broadcasts(a: Any, b: Any) -> bool:
    try:
        np.broadcast_shapes(np.shape(a), np.shape(b))
    except ValueError:
        return False
    return True


def add(a: Operand, b: Operand) -> Tensor:
    r""":math:`a + b`; each operand receives the output gradient (summed where broadcast)."""
    x, y = _value(a), _value(b)
    return record(
        "AddBackward0",
        _broadcasting(np.add, x, y, "add"),
        (a, b),
        (
            lambda grad: unbroadcast(grad, _shape(x)),  # d(x + y)/dx = 1
            lambda grad: unbroadcast(grad, _shape(y)),  # d(x + y)/dy = 1
        ),
    )


def sub(a: Operand, b: Operand) -> Tensor:
    r""":math:`a - b`; the gradient of :math:`b` is the output gradient negated."""
    x, y = _value(a), _value(b)
    return record(
        "SubBackward0",
        _broadcasting(np.subtract, x, y, "sub"),
        (a, b),
        (
            lambda grad: unbroadcast(grad, _shape(x)),  # d(x - y)/dx = 1
            lambda grad: unbroadcast(-grad, _shape(y)),  # d(x - y)/dy = -1
        ),
    )


def mul(a: Operand, b: Operand) -> Tensor:
    r""":math:`a \odot b`; the gradient of each factor is the output gradient times the other."""
    x, y = _value(a), _value(b)
    return record(
        "MulBackward0",
        _broadcasting(np.multiply, x, y, "mul"),
        (a, b),
        (
            lambda grad: unbroadcast(grad * y, _shape(x)),  # d(xy)/dx = y
            lambda grad: unbroadcast(grad * x, _shape(y)),  # d(xy)/dy = x
        ),
    )


def div(a: Operand, b: Operand) -> Tensor:
    r""":math:`a / b`: gradients :math:`g / b` and :math:`-g\,a/b^2 = -g\,(a/b)/b`."""
    x, y = _value(a), _value(b)
    with np.errstate(divide="ignore"):  # x / 0 is +-inf, as in PyTorch
        out = _broadcasting(np.true_divide, x, y, "div")
    return record(
        "DivBackward0",
        out,
        (a, b),
        (
            lambda grad: unbroadcast(grad / y, _shape(x)),  # d(x/y)/dx = 1/y
            lambda grad: unbroadcast(-grad * (out / y), _shape(y)),  # d(x/y)/dy = -x/y^2
        ),
    )


def neg(a: Tensor) -> Tensor:
    r""":math:`-a`; the gradient is negated."""
    return record("NegBackward0", -a.data, (a,), (lambda grad: -grad,))


def pow(a: Tensor, exponent: float) -> Tensor:
    r""":math:`a^p` for a number :math:`p`: gradient :math:`g\,p\,a^{p-1}` (0 when :math:`p = 0`).

    As in PyTorch, :math:`p = 0` gives gradient 0 everywhere (even at
    :math:`a = 0`, where :math:`0 \cdot 0^{-1}` would be NaN), and a
    fractional power at 0 gives an infinite gradient.
    """
    if not isinstance(exponent, (int, float, np.number)):
        raise TypeError(
            f"pow: the exponent must be a Python number, got {type(exponent).__name__}; "
            "powers with a tensor exponent are not supported (use exp(p * log(a)))"
        )
    x = a.data
    p = float(exponent) if isinstance(exponent, (float, np.floating)) else exponent

    def vjp(grad: Array) -> Array:
        if p == 0:
            return np.zeros_like(grad)
        with np.errstate(divide="ignore"):  # 0 ** negative is inf, as in PyTorch
            slope: Array = p * x ** (p - 1)
        return grad * slope

    with np.errstate(divide="ignore"):
        return record("PowBackward0", x**p, (a,), (vjp,))


def matmul(a: Operand, b: Operand) -> Tensor:
    r"""Matrix product :math:`C = A B`: gradients :math:`G B^\top` and :math:`A^\top G`.

    As ``numpy.matmul``: a 1-D first operand is a row vector and a 1-D
    second operand a column vector (the added dimension is removed from the
    result); leading (batch) dimensions broadcast, and their gradients are
    summed back like any broadcast.
    """
    x, y = np.asarray(_value(a)), np.asarray(_value(b))
    out = _checked_matmul(x, y)
    # 1-D operands as matrices, and the output gradient in the matching shape.
    x2 = x[None, :] if x.ndim == 1 else x
    y2 = y[:, None] if y.ndim == 1 else y
    batch = np.broadcast_shapes(x2.shape[:-2], y2.shape[:-2])
    out_shape = (*batch, x2.shape[-2], y2.shape[-1])

    def vjp_a(grad: Array) -> Array:
        g = grad.reshape(out_shape) @ np.swapaxes(y2, -1, -2)  # dL/dA = G B^T
        return unbroadcast(g, x2.shape).reshape(x.shape)

    def vjp_b(grad: Array) -> Array:
        g = np.swapaxes(x2, -1, -2) @ grad.reshape(out_shape)  # dL/dB = A^T G
        return unbroadcast(g, y2.shape).reshape(y.shape)

    return record("MmBackward0", out, (a, b), (vjp_a, vjp_b))


def _checked_matmul(x: Any, y: Any) -> Array:
    """``x @ y`` for arrays of at least one dimension, with errors that name both shapes."""
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        raise ValueError(
            f"matmul: operands of shapes {np.shape(x)} and {np.shape(y)}; both arguments to "
            "matmul need to be at least 1-D (use * for a scalar)"
        )
    try:
        result: Array = np.matmul(x, y)
    except ValueError:
        k_y = y.shape[0] if y.ndim == 1 else y.shape[-2]
        if x.shape[-1] != k_y:
            raise ValueError(
                f"matmul: shapes {x.shape} and {y.shape} cannot be multiplied; expected the "
                f"last dimension of the first ({x.shape[-1]}) to equal the "
                f"{'length' if y.ndim == 1 else 'second-to-last dimension'} of the second "
                f"({k_y})"
            ) from None
        raise ValueError(
            f"matmul: the batch dimensions {x.shape[:-2]} and {y.shape[:-2]} of shapes "
            f"{x.shape} and {y.shape} do not broadcast"
        ) from None
    return result
