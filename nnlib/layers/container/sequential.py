r"""``Sequential``: a chain of modules, run forward in order and backward in reverse."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, overload

from nnlib.layers.container._holder import check_index, check_module
from nnlib.module import Module

__all__ = ["Sequential"]


class Sequential(Module):
    r"""Apply modules one after another: :math:`f = f_K \circ \dots \circ f_2 \circ f_1`.

    Parameters
    ----------
    *modules : Module
        The stages, in forward order; they are registered as submodules named
        ``"0"``, ``"1"``, ... (so a state dict has keys like ``"0.weight"``).
        A single mapping of names to modules (e.g. an ``OrderedDict``) names
        them instead.

    Notes
    -----
    With :math:`h_0 = x` and :math:`h_k = f_k(h_{k-1})`, the chain rule gives
    the backward recursion

    .. math:: \frac{\partial L}{\partial h_{k-1}} =
              \Big(\frac{\partial h_k}{\partial h_{k-1}}\Big)^{\!\top}
              \frac{\partial L}{\partial h_k}, \qquad k = K, \dots, 1,

    where each factor is applied by ``f_k.backward`` without ever forming the
    Jacobian: :meth:`backward` hands each module's returned gradient to the
    module before it. Each gradient is dropped as soon as the module before
    it has used it, and each module releases what its forward pass saved, so
    the backward pass holds a few activation-sized arrays at a time, however
    deep the chain.

    ``Sequential(a, b)(x)`` is exactly ``b(a(x))``: every stage checks its
    own input (a NaN or an overflow to infinity is reported by the stage that
    receives it) and ``backward`` its own gradient.

    Differences from PyTorch: PyTorch needs no ``backward`` here (autograd
    records the chain); ``insert``, ``extend`` and ``pop`` are not provided.
    Indexing with an int returns the module, with a slice a new
    ``Sequential`` sharing the same modules, as in PyTorch. The same module
    instance cannot be a stage twice (see :class:`~nnlib.Module`): it caches
    only its last forward pass.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib.layers import Linear
    >>> model = Sequential(Linear(4, 3, rng=0), Linear(3, 2, rng=1))
    >>> len(model), model[0]
    (2, Linear(in_features=4, out_features=3, bias=True))
    >>> model(np.ones((5, 4))).shape
    (5, 2)
    >>> model.backward(np.ones((5, 2))).shape
    (5, 4)
    >>> sorted(model.state_dict())
    ['0.bias', '0.weight', '1.bias', '1.weight']
    """

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        super().__init__()
        items: list[tuple[Any, Any]]
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            items = list(modules[0].items())
        else:
            items = [(str(index), module) for index, module in enumerate(modules)]
        for name, module in items:
            self._register(name, module)

    def _register(self, name: Any, module: Any) -> None:
        check_module(module, f"stage {name!r}", "Sequential")
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(
                f"Sequential: stage name {name!r} is not valid; expected a non-empty str "
                "without '.'"
            )
        if name in self._modules:
            raise ValueError(
                f"Sequential: stage name {name!r} is used twice; expected unique names"
            )
        setattr(self, name, module)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end (named by its position); return ``self``."""
        self._register(str(len(self)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __reversed__(self) -> Iterator[Module]:
        return reversed(self._modules.values())

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module | Sequential:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(dict(items[index]))
        position = check_index(index, len(items), "stages", "Sequential", "an int or a slice")
        module: Module = items[position][1]
        return module

    def forward(self, input: Any) -> Any:
        """Feed ``input`` through every stage in order; return the last output."""
        for module in self:
            input = module(input)
        return input

    def backward(self, grad_output: Any) -> Any:
        r"""Pass :math:`\partial L/\partial y` back through the stages in reverse order."""
        for module in reversed(self):
            grad_output = module.backward(grad_output)
        return grad_output

    def _backward_parameters(self, grad_output: Any) -> None:
        """:meth:`backward`, asking the first stage for its parameter gradients only."""
        stages = list(self)
        for module in reversed(stages[1:]):
            grad_output = module.backward(grad_output)
        if stages:
            stages[0]._backward_parameters(grad_output)
