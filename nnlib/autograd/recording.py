"""``record``: how every operation turns its result into a tensor, with a node if needed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from numpy.typing import NDArray

from nnlib.autograd import grad_mode
from nnlib.autograd.graph import VJP, Node
from nnlib.autograd.tensor import Tensor

__all__ = ["record"]

Array = NDArray[Any]


def record(name: str, data: Array, inputs: Sequence[Any], vjps: Sequence[VJP | None]) -> Tensor:
    r"""Wrap the result ``data`` of an operation; record a node if gradients are needed.

    ``inputs`` are the operands as given (tensors, numbers, arrays);
    ``vjps[i]`` maps the output's gradient to that of ``inputs[i]``. The
    node keeps only the inputs that require grad; if none does, or
    recording is off (``no_grad``), the result is a constant.
    """
    out = Tensor.__new__(Tensor)
    out.data, out.grad, out.grad_fn, out.requires_grad = data, None, None, False
    if grad_mode._enabled:
        needing = [x if isinstance(x, Tensor) and x.requires_grad else None for x in inputs]
        if any(x is not None for x in needing):
            out.requires_grad = True
            out.grad_fn = Node(name, needing, vjps)
    return out
