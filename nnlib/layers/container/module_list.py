r"""``ModuleList``: a list of registered submodules, indexed like a Python list."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import overload

from nnlib.layers.container._holder import Holder, check_index, check_module
from nnlib.module import Module
from nnlib.module._checks import check_not_in_tree

__all__ = ["ModuleList"]


class ModuleList(Holder):
    r"""Hold submodules in a list, registered as ``"0"``, ``"1"``, ... so training sees them.

    Parameters
    ----------
    modules : iterable of Module, optional
        The initial modules, in order.

    Notes
    -----
    A plain Python list of layers inside a model would hide them:
    :meth:`~nnlib.Module.parameters`, :meth:`~nnlib.Module.state_dict`,
    :meth:`~nnlib.Module.train` and so an optimizer would never see their
    parameters. A ``ModuleList`` registers each one under its position, so a
    model that assigns ``self.layers = ModuleList([...])`` has parameters
    named ``"layers.0.weight"``, ``"layers.1.weight"``, ... It supports
    ``append``, ``extend``, ``insert``, ``pop``, ``+=``, ``len``, iteration
    and indexing with ints (negative ones too) and slices; after an
    ``insert`` or a deletion the modules are renumbered, so the names always
    run ``0, 1, ...``.

    It has no forward pass (calling it raises ``NotImplementedError``, as in
    PyTorch): the module that owns it decides how its entries are combined,
    in ``forward``, and calls their ``backward`` in reverse order in its own
    ``backward``. As everywhere in nnlib, one module instance cannot be
    registered twice in a model (see :class:`~nnlib.Module`):
    ``ModuleList([layer, layer])`` raises ``ValueError``.

    Differences from PyTorch: ``insert`` treats a negative index as
    ``list.insert`` does; ``__setitem__`` takes an int only (as torch);
    ``+`` (a new list) is not provided, ``+=`` is.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib.layers import Linear
    >>> layers = ModuleList([Linear(2, 3, rng=0), Linear(3, 1, rng=1)])
    >>> layers.append(Linear(1, 1, rng=2))[-1]
    Linear(in_features=1, out_features=1, bias=True)
    >>> len(layers), [name for name, _ in layers.named_parameters()][:3]
    (3, ['0.weight', '0.bias', '1.weight'])
    >>> del layers[0]
    >>> [module.in_features for module in layers]
    [3, 1]
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, index: object) -> int:
        """``index`` as a position in ``[0, len)``, or ``TypeError``/``IndexError``."""
        return check_index(index, len(self), "modules", "ModuleList")

    def _rebuild(self, modules: list[Module]) -> None:
        """Register ``modules`` as ``"0"``, ``"1"``, ... in place of the current ones."""
        for name in list(self._modules):
            delattr(self, name)
        for position, module in enumerate(modules):
            setattr(self, str(position), module)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; return ``self``."""
        setattr(self, str(len(self)), check_module(module, "the appended object", "ModuleList"))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each module of ``modules`` in order; return ``self``."""
        if isinstance(modules, Module) or not isinstance(modules, Iterable):
            raise TypeError(
                f"ModuleList.extend: expected an iterable of modules, got {type(modules).__name__}"
            )
        items = list(modules)
        for position, module in enumerate(items):
            check_module(module, f"entry {position}", "ModuleList")
        for module in items:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index`` (as ``list.insert``) and renumber."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"ModuleList.insert: index must be an int, got {type(index).__name__}")
        check_module(module, "the inserted object", "ModuleList")
        check_not_in_tree(self, str(len(self)), module)  # before anything changes
        modules = list(self)
        modules.insert(index, module)
        self._rebuild(modules)

    def pop(self, index: int = -1) -> Module:
        """Remove the module at ``index`` (the last by default), renumber, and return it."""
        module = self[index]
        del self[index]
        return module

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __reversed__(self) -> Iterator[Module]:
        return reversed(self._modules.values())

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> ModuleList: ...

    def __getitem__(self, index: int | slice) -> Module | ModuleList:
        if isinstance(index, slice):
            return ModuleList(list(self)[index])
        module: Module = self._modules[str(self._index(index))]
        return module

    def __setitem__(self, index: int, module: Module) -> None:
        position = self._index(index)
        setattr(self, str(position), check_module(module, "the new entry", "ModuleList"))

    def __delitem__(self, index: int | slice) -> None:
        modules = list(self)
        if isinstance(index, slice):
            del modules[index]
        else:
            del modules[self._index(index)]
        self._rebuild(modules)
