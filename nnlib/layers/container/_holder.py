"""What the containers share: type and index checks, and the holders' missing forward pass."""

from __future__ import annotations

from typing import Any

from nnlib.module import Module

__all__ = ["Holder", "check_index", "check_module"]


def check_module(module: Any, where: str, owner: str) -> Module:
    """Return ``module`` if it is a Module, else raise ``TypeError`` naming ``where``."""
    if not isinstance(module, Module):
        raise TypeError(f"{owner}: {where} is a {type(module).__name__}; expected a Module")
    return module


def check_index(index: Any, size: int, items: str, owner: str, accepted: str = "an int") -> int:
    """``index`` as a position in ``[0, size)``; ``TypeError`` or ``IndexError`` otherwise.

    ``items`` names what is counted (``"stages"``), ``accepted`` what an index may be.
    """
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"{owner}: index must be {accepted}, got {type(index).__name__}")
    if not -size <= index < size:
        raise IndexError(
            f"{owner}: index {index} is out of range for {size} {items}; expected an "
            f"index in [{-size}, {size})"
        )
    return index % size


class Holder(Module):
    """A module that only holds submodules: calling it or its backward is an error."""

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Raise ``NotImplementedError``: a holder has no forward pass of its own."""
        name = type(self).__name__
        raise NotImplementedError(
            f"{name} has no forward: it only holds modules (registered, so parameters() and "
            f"state_dict() reach them); call them from the forward of the module that owns "
            f"the {name}"
        )

    def backward(self, grad_output: Any) -> Any:
        """Raise ``NotImplementedError``: a holder has no backward pass of its own."""
        name = type(self).__name__
        raise NotImplementedError(
            f"{name} has no backward: call the backward of the modules it holds, in reverse "
            "order of their forward calls, from the backward of the module that owns it"
        )
