"""Reverse-mode automatic differentiation on NumPy arrays, under PyTorch's names.

``tensor(data, requires_grad=True)`` makes a leaf; every operation on it is
recorded, and ``loss.backward()`` fills the leaves' ``grad``. Derived and
built step by step in the chapter *Automatic differentiation*.
"""

from nnlib.autograd import functional, ops
from nnlib.autograd.function import Function, FunctionCtx
from nnlib.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from nnlib.autograd.graph import Node
from nnlib.autograd.tensor import Tensor, tensor

__all__ = [
    "Function",
    "FunctionCtx",
    "Node",
    "Tensor",
    "enable_grad",
    "functional",
    "is_grad_enabled",
    "no_grad",
    "ops",
    "set_grad_enabled",
    "tensor",
]
