r"""Reverse mode: walk the recorded graph from the output back to the leaves.

``loss.backward()`` seeds :math:`\partial L/\partial L = 1`, then visits the
nodes in *topological order*: a node only after every node that consumes its
output, so that the gradient of its output is complete (summed over all its
uses) before it is sent further back. Leaves, the tensors a user created
with ``requires_grad=True``, collect their gradient in ``.grad``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from nnlib.autograd.graph import Node, check_gradient_shape

if TYPE_CHECKING:
    from nnlib.autograd._base import TensorBase as Tensor

__all__ = ["backward", "topological_order"]

Array = NDArray[Any]


def topological_order(root: Node) -> list[Node]:
    """Every node ``root`` depends on, each before all the nodes it feeds.

    A depth-first search that appends a node once all its parents are done
    gives the reverse of the wanted order. It keeps its own stack, not
    Python's: a chain of a million operations needs no recursion.
    """
    visited = {root}
    finished: list[Node] = []
    stack = [(root, iter(root.parents()))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in visited:
                visited.add(parent)
                stack.append((parent, iter(parent.parents())))
                break
        else:  # every parent finished: so is this node
            stack.pop()
            finished.append(node)
    finished.reverse()
    return finished


def accumulate(tensor: Tensor, grad: Array) -> None:
    """Add ``grad`` into ``tensor.grad``; the first time, store a copy the tensor owns."""
    if tensor.grad is None:
        tensor.grad = np.array(grad, dtype=tensor.data.dtype, copy=True)
    else:
        tensor.grad += grad


def backward(root: Tensor, gradient: Any = None, retain_graph: bool = False) -> None:
    r"""Add :math:`\partial\,(\text{gradient} \cdot \text{root}) / \partial x` into ``x.grad``.

    For every leaf ``x`` that ``root`` depends on and that requires grad.
    See :meth:`Tensor.backward`.
    """
    if not root.requires_grad:
        raise RuntimeError(
            "backward: the tensor does not require grad and does not have a grad_fn; "
            "expected a result computed from a tensor created with requires_grad=True "
            "(and not inside no_grad)"
        )
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this tensor has "
                f"shape {root.data.shape}: pass gradient= of that shape, or reduce it first"
            )
        seed = np.ones_like(root.data)
    else:
        raw = gradient.data if hasattr(gradient, "grad_fn") else gradient
        seed = check_gradient_shape(raw, root.data.shape, "backward: gradient")
    if root.grad_fn is None:  # a leaf: the seed is its gradient
        accumulate(root, seed)
        return
    grads: dict[Node, Array] = {root.grad_fn: seed}
    for node in topological_order(root.grad_fn):
        grad_output = grads.pop(node, None)
        if grad_output is None:  # a custom backward returned None for this branch
            continue
        input_grads = node.backward(grad_output)
        if node.retained is not None and (output := node.retained()) is not None:
            accumulate(output, grad_output)
        for x, grad in zip(node.inputs or (), input_grads, strict=True):
            if x is None or grad is None:
                continue
            if x.grad_fn is None:
                accumulate(x, grad)
            elif x.grad_fn in grads:  # x is used more than once: the gradients add up
                grads[x.grad_fn] = grads[x.grad_fn] + grad
            else:
                grads[x.grad_fn] = grad
        if not retain_graph:
            node.release()
