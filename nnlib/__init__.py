"""nnlib: a small NumPy library of neural-network building blocks.

Each part is derived, implemented and verified in a chapter of the book
*Neural networks from first principles*; names and defaults follow PyTorch.
"""

from nnlib import (
    activations,
    data,
    functional,
    init,
    layers,
    losses,
    optim,
    serialization,
    train,
)
from nnlib.gradcheck import GradcheckError, GradcheckResult, gradcheck
from nnlib.layers import Dropout, Flatten, Linear, Sequential
from nnlib.module import Module
from nnlib.parameter import Parameter
from nnlib.serialization import load, save

__version__ = "0.1.0"

__all__ = [
    "Dropout",
    "Flatten",
    "GradcheckError",
    "GradcheckResult",
    "Linear",
    "Module",
    "Parameter",
    "Sequential",
    "__version__",
    "activations",
    "data",
    "functional",
    "gradcheck",
    "init",
    "layers",
    "load",
    "losses",
    "optim",
    "save",
    "serialization",
    "train",
]
