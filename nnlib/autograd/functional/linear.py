r"""The affine map of a fully connected layer, :math:`y = x W^\top + b`, as one node.

With the leading dimensions of :math:`x` flattened into rows :math:`X`
(shape ``(N, in)``) and :math:`G = \partial L/\partial Y` (``(N, out)``),
the three VJPs are those of :class:`nnlib.layers.Linear`:

.. math:: \frac{\partial L}{\partial X} = G W, \qquad
          \frac{\partial L}{\partial W} = G^\top X,

          \frac{\partial L}{\partial b} = \textstyle\sum_n G_n.
"""

from __future__ import annotations

from typing import Any

from numpy.typing import NDArray

from nnlib.autograd.functional._common import as_tensor
from nnlib.autograd.recording import record
from nnlib.autograd.tensor import Tensor

__all__ = ["linear"]

Array = NDArray[Any]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    r""":math:`x W^\top + b`: ``input`` ``(*, in)``, ``weight`` ``(out, in)``, ``bias`` ``(out,)``.

    Returns a tensor of shape ``(*, out)``. One node: the three products of
    its backward pass are computed only for the operands that need them.

    Raises
    ------
    ValueError
        If the last dimension of ``input`` is not ``weight.shape[1]``, or
        ``bias`` is not of shape ``(out,)``.

    Examples
    --------
    >>> from nnlib.autograd import tensor
    >>> w = tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]], requires_grad=True)
    >>> b = tensor([0.0, 1.0], requires_grad=True)
    >>> y = linear(tensor([[1.0, 2.0, 3.0]]), w, b)
    >>> y
    tensor([[-2.,  4.]], grad_fn=<AddmmBackward0>)
    >>> y.sum().backward()
    >>> w.grad
    array([[1., 2., 3.],
           [1., 2., 3.]])
    """
    x = as_tensor(input)
    w = weight.data
    if w.ndim != 2 or x.data.ndim == 0 or x.data.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input of shape {x.data.shape} and weight of shape {w.shape}; expected "
            "weight (out_features, in_features) and input (*, in_features)"
        )
    if bias is not None and bias.data.shape != (w.shape[0],):
        raise ValueError(
            f"linear: bias has shape {bias.data.shape}; expected ({w.shape[0]},), one per "
            "output feature"
        )
    rows = x.data.reshape(-1, w.shape[1])  # X: leading dimensions as rows, (N, in)
    out = rows @ w.T  # Y = X W^T + b
    if bias is not None:
        out += bias.data
    out = out.reshape(*x.data.shape[:-1], w.shape[0])

    def grad_rows(grad: Array) -> Array:
        return grad.reshape(-1, w.shape[0])  # G, (N, out)

    return record(
        "AddmmBackward0",
        out,
        (x, weight, bias),
        (
            lambda grad: (grad_rows(grad) @ w).reshape(x.data.shape),  # dL/dX = G W
            lambda grad: grad_rows(grad).T @ rows,  # dL/dW = G^T X
            lambda grad: grad_rows(grad).sum(axis=0),  # dL/db = sum_n G_n
        ),
    )
