"""The recorded operations on tensors, each with its vector-Jacobian products."""

from nnlib.autograd.ops.arithmetic import add, div, matmul, mul, neg, pow, sub, unbroadcast
from nnlib.autograd.ops.elementwise import abs, clamp, exp, log, relu, sigmoid, sqrt, tanh
from nnlib.autograd.ops.reductions import mean, sum
from nnlib.autograd.ops.shape import getitem, reshape, t, transpose

__all__ = [
    "abs",
    "add",
    "clamp",
    "div",
    "exp",
    "getitem",
    "log",
    "matmul",
    "mean",
    "mul",
    "neg",
    "pow",
    "relu",
    "reshape",
    "sigmoid",
    "sqrt",
    "sub",
    "sum",
    "t",
    "tanh",
    "transpose",
    "unbroadcast",
]
