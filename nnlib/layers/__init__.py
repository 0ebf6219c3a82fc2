"""Layers: ``Linear``, containers, ``Residual``, normalization, ``Dropout``, ``Flatten``.

Each layer implements the forward pass and its own backward pass, derived in
the chapter *Backpropagation and training a network*.
"""

from nnlib.layers.container import ModuleDict, ModuleList, Sequential
from nnlib.layers.dropout import Dropout
from nnlib.layers.flatten import Flatten
from nnlib.layers.linear import Identity, Linear
from nnlib.layers.normalization import BatchNorm1d, LayerNorm
from nnlib.layers.residual import Residual

__all__ = [
    "BatchNorm1d",
    "Dropout",
    "Flatten",
    "Identity",
    "LayerNorm",
    "Linear",
    "ModuleDict",
    "ModuleList",
    "Residual",
    "Sequential",
]
