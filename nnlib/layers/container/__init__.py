"""Containers: ``Sequential`` (a chain), ``ModuleList`` and ``ModuleDict`` (holders)."""

from nnlib.layers.container.module_dict import ModuleDict
from nnlib.layers.container.module_list import ModuleList
from nnlib.layers.container.sequential import Sequential

__all__ = ["ModuleDict", "ModuleList", "Sequential"]
