"""Functional forms under ``torch.nn.functional``'s names.

``nnlib.functional.relu(x)`` computes what ``nnlib.activations.ReLU()(x)``
does, without a module and without caching anything for a backward pass.
This file only gathers names; each function lives, with its documentation,
in its topic module.
"""

from nnlib.activations import (
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    tanh,
)

__all__ = [
    "elu",
    "gelu",
    "leaky_relu",
    "log_softmax",
    "relu",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "tanh",
]
