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
    utils,
)
from nnlib._random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from nnlib.gradcheck import GradcheckError, GradcheckResult, gradcheck
from nnlib.layers import (
    BatchNorm1d,
    Dropout,
    Flatten,
    Identity,
    LayerNorm,
    Linear,
    ModuleDict,
    ModuleList,
    Residual,
    Sequential,
)
from nnlib.module import Module
from nnlib.parameter import Parameter
from nnlib.serialization import load, save

__version__ = "0.1.0"

__all__ = [
    "BatchNorm1d",
    "Dropout",
    "Flatten",
    "GradcheckError",
    "GradcheckResult",
    "Identity",
    "LayerNorm",
    "Linear",
    "Module",
    "ModuleDict",
    "ModuleList",
    "Parameter",
    "Residual",
    "Sequential",
    "__version__",
    "activations",
    "data",
    "functional",
    "get_rng_state",
    "gradcheck",
    "init",
    "initial_seed",
    "layers",
    "load",
    "losses",
    "manual_seed",
    "optim",
    "save",
    "seed",
    "serialization",
    "set_rng_state",
    "train",
    "utils",
]
