r"""``ModuleDict``: a mapping of names to registered submodules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from nnlib.layers.container._holder import Holder, check_module
from nnlib.module import Module

__all__ = ["ModuleDict"]


class ModuleDict(Holder):
    r"""Hold submodules by name, registered under their keys so training sees them.

    Parameters
    ----------
    modules : mapping of str to Module, or iterable of (str, Module) pairs, optional
        The initial entries; their order is kept.

    Notes
    -----
    The mapping counterpart of :class:`ModuleList`: a model that assigns
    ``self.heads = ModuleDict({"class": ..., "box": ...})`` has parameters
    named ``"heads.class.weight"``, ... It supports ``d[key]``,
    ``d[key] = module``, ``del d[key]``, ``key in d``, ``len``, iteration
    over the keys, ``keys``, ``values``, ``items``, ``update``, ``pop`` and
    ``clear``, and keeps insertion order. A key must be a non-empty str
    without ``"."`` that is not already an attribute of the ``ModuleDict``
    (``"train"`` or ``"keys"`` would hide a method), as in PyTorch.

    It has no forward pass (calling it raises ``NotImplementedError``, as in
    PyTorch). One module instance cannot be registered twice in a model (see
    :class:`~nnlib.Module`).

    Differences from PyTorch: a bad key raises ``ValueError`` (torch:
    ``KeyError``), and a missing one ``KeyError`` (as torch).

    Examples
    --------
    >>> from nnlib.activations import ReLU, Tanh
    >>> from nnlib.layers import Linear
    >>> blocks = ModuleDict({"hidden": Linear(2, 3, rng=0), "act": ReLU()})
    >>> blocks["act"] = Tanh()
    >>> list(blocks.keys()), "hidden" in blocks
    (['hidden', 'act'], True)
    >>> sorted(blocks.state_dict())
    ['hidden.bias', 'hidden.weight']
    >>> blocks.pop("act")
    Tanh()
    >>> len(blocks)
    1
    """

    def __init__(
        self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
    ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def _key(self, key: Any) -> str:
        """``key`` if it can name an entry, else ``TypeError``/``ValueError``."""
        if not isinstance(key, str):
            raise TypeError(f"ModuleDict: key must be a str, got {type(key).__name__}")
        if not key or "." in key:
            raise ValueError(
                f"ModuleDict: key {key!r} is not valid; expected a non-empty str without '.'"
            )
        if key not in self._modules and hasattr(self, key):
            raise ValueError(
                f"ModuleDict: key {key!r} is already an attribute of ModuleDict; expected "
                "another name (an entry would hide it)"
            )
        return key

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(key)
        module: Module = self._modules[key]
        return module

    def __setitem__(self, key: str, module: Module) -> None:
        key = self._key(key)
        setattr(self, key, check_module(module, f"the value for {key!r}", "ModuleDict"))

    def __delitem__(self, key: str) -> None:
        if key not in self._modules:
            raise KeyError(key)
        delattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def keys(self) -> KeysView[str]:
        """The keys, in insertion order."""
        return self._modules.keys()

    def values(self) -> ValuesView[Module]:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """The ``(key, module)`` pairs, in insertion order."""
        return self._modules.items()

    def update(
        self, modules: Mapping[str, Module] | ModuleDict | Iterable[tuple[str, Module]]
    ) -> None:
        """Set each entry of a mapping, a ``ModuleDict`` or an iterable of pairs, in order."""
        if isinstance(modules, (Mapping, ModuleDict)):
            pairs = list(modules.items())
        elif isinstance(modules, Iterable) and not isinstance(modules, (str, Module)):
            pairs = []
            for position, pair in enumerate(modules):
                if isinstance(pair, str) or not isinstance(pair, Iterable):
                    raise TypeError(
                        f"ModuleDict.update: element {position} is a {type(pair).__name__}; "
                        "expected a (key, module) pair"
                    )
                items = tuple(pair)
                if len(items) != 2:
                    raise ValueError(
                        f"ModuleDict.update: element {position} has length {len(items)}; "
                        "expected a (key, module) pair"
                    )
                pairs.append(items)
        else:
            raise TypeError(
                "ModuleDict.update: expected a mapping or an iterable of (key, module) pairs, "
                f"got {type(modules).__name__}"
            )
        for key, module in pairs:
            self[key] = module

    def pop(self, key: str) -> Module:
        """Remove the entry ``key`` and return its module."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every entry."""
        for key in list(self._modules):
            delattr(self, key)
