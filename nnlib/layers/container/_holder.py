"""What ``ModuleList`` and ``ModuleDict`` share: type checks and the missing forward pass."""

from __future__ import annotations

from typing import Any

from nnlib.module import Module

__all__ = ["Holder", "check_module"]


def check_module(module: Any, where: str, owner: str) -> Module:
    """Return ``module`` if it is a Module, else raise ``TypeError`` naming ``where``."""
    if not isinstance(module, Module):
        raise TypeError(f"{owner}: {where} is a {type(module).__name__}; expected a Module")
    return module


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
