"""Layers: ``Linear``, ``Sequential``, ``Dropout`` and ``Flatten``.

Each layer implements the forward pass and its own backward pass, derived in
the chapter *Backpropagation and training a network*.
"""

from nnlib.layers.container import Sequential
from nnlib.layers.dropout import Dropout
from nnlib.layers.flatten import Flatten
from nnlib.layers.linear import Linear

__all__ = ["Dropout", "Flatten", "Linear", "Sequential"]
