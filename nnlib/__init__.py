"""nnlib: a small NumPy library of neural-network building blocks.

Each part is derived, implemented and verified in a chapter of the book
*Neural networks from first principles*; names and defaults follow PyTorch.
"""

from nnlib.gradcheck import GradcheckError, GradcheckResult, gradcheck
from nnlib.module import Module
from nnlib.parameter import Parameter

__version__ = "0.1.0"

__all__ = [
    "GradcheckError",
    "GradcheckResult",
    "Module",
    "Parameter",
    "__version__",
    "gradcheck",
]
