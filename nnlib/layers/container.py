r"""``Sequential``: a chain of modules, run forward in order and backward in reverse."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, overload

import numpy as np

from nnlib._validation import first_nonfinite
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
    module before it.

    Checks happen at the boundary. The first stage validates the input (and
    the last stage the incoming gradient) in full; the stages in between
    receive arrays that nnlib stages produced, so they check shapes but skip
    the scan for NaN and infinity. Instead the container scans the result it
    returns once: a non-finite value there is traced to the stage that first
    produced one from finite inputs (typically an overflow), and reported as a
    ``FloatingPointError`` naming it.

    Differences from PyTorch: PyTorch needs no ``backward`` here (autograd
    records the chain); ``insert``, ``extend`` and ``pop`` are not provided.
    Indexing with an int returns the module, with a slice a new
    ``Sequential`` sharing the same modules, as in PyTorch.

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
        if not isinstance(module, Module):
            raise TypeError(
                f"Sequential: stage {name!r} is a {type(module).__name__}; expected a Module"
            )
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(
                f"Sequential: stage name {name!r} is not valid; expected a non-empty str "
                "without '.'"
            )
        if name in self.__dict__["_modules"]:
            raise ValueError(
                f"Sequential: stage name {name!r} is used twice; expected unique names"
            )
        setattr(self, name, module)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end (named by its position); return ``self``."""
        self._register(str(len(self)), module)
        return self

    def __len__(self) -> int:
        return len(self.__dict__["_modules"])

    def __iter__(self) -> Iterator[Module]:
        return iter(self.__dict__["_modules"].values())

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module | Sequential:
        items = list(self.__dict__["_modules"].items())
        if isinstance(index, slice):
            return Sequential(dict(items[index]))
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(
                f"Sequential: index must be an int or a slice, got {type(index).__name__}"
            )
        if not -len(items) <= index < len(items):
            raise IndexError(
                f"Sequential: index {index} is out of range for {len(items)} stages; "
                f"expected an index in [{-len(items)}, {len(items)})"
            )
        module: Module = items[index][1]
        return module

    def forward(self, input: Any) -> Any:
        """Feed ``input`` through every stage in order; return the last output."""
        return self._forward(input, inner=False)

    def _forward_inner(self, input: Any) -> Any:
        if type(self).forward is not Sequential.forward:  # a subclass's own forward runs
            return self.forward(input)
        return self._forward(input, inner=True)

    def _forward(self, input: Any, inner: bool) -> Any:
        """The forward pass; ``inner`` when this container is itself a stage of another."""
        outputs: list[Any] = []
        for module in self.__dict__["_modules"].values():
            trusted = inner or bool(outputs)  # the input came from an nnlib stage
            input = module._forward_inner(input) if trusted else module(input)
            outputs.append(input)
        if not inner:
            self._check_result(outputs, "forward", "an output")
        return input

    def backward(self, grad_output: Any) -> Any:
        r"""Pass :math:`\partial L/\partial y` back through the stages in reverse order."""
        return self._backward(grad_output, inner=False, parameters_only=False)

    def _backward_inner(self, grad_output: Any) -> Any:
        if type(self).backward is not Sequential.backward:  # a subclass's own backward runs
            return self.backward(grad_output)
        return self._backward(grad_output, inner=True, parameters_only=False)

    def _backward_parameters(self, grad_output: Any, *, inner: bool = False) -> None:
        """:meth:`backward`, asking the first stage for its parameter gradients only."""
        if type(self).backward is not Sequential.backward:  # a subclass's own backward runs
            self.backward(grad_output)
            return
        self._backward(grad_output, inner=inner, parameters_only=True)

    def _backward(self, grad_output: Any, inner: bool, parameters_only: bool) -> Any:
        """The backward pass; ``parameters_only`` skips the first stage's input gradient."""
        stages = list(self.__dict__["_modules"].values())
        grads: list[Any] = []
        for position in range(len(stages) - 1, -1, -1):
            module = stages[position]
            trusted = inner or bool(grads)  # the gradient came from an nnlib stage
            if position == 0 and parameters_only:
                module._backward_parameters(grad_output, inner=trusted)
                return None
            if trusted:
                grad_output = module._backward_inner(grad_output)
            else:
                grad_output = module.backward(grad_output)
            grads.append(grad_output)
        if not inner:
            self._check_result(grads, "backward", "a gradient")
        return grad_output

    def _check_result(self, results: list[Any], pass_name: str, what: str) -> None:
        """Raise if the last of ``results`` (one per stage, in order) is not finite.

        The error names the first stage whose result holds NaN or infinity:
        its inputs were finite, so that is where they appeared.
        """
        if not results or not _is_float_array(results[-1]):
            return
        if first_nonfinite(results[-1]) is None:
            return
        names = list(self.__dict__["_modules"])
        if pass_name == "backward":
            names.reverse()
        for name, result in zip(names, results, strict=True):
            problem = first_nonfinite(result) if _is_float_array(result) else None
            if problem is not None:
                stage = self.__dict__["_modules"][name]
                raise FloatingPointError(
                    f"Sequential.{pass_name}: stage {name!r} ({type(stage).__name__}) "
                    f"produced {what} with {problem} from finite values (an overflow, or "
                    "an invalid operation such as inf - inf). Expected finite results: scale "
                    "the inputs or the weights down, lower the learning rate, or use float64"
                )


def _is_float_array(value: Any) -> bool:
    """Any floating-point ndarray, subclasses included: what the result scan must look at.

    (``trusted_array`` asks a narrower question, whether ``as_array`` would
    return the value unconverted, so it tests the exact type.)
    """
    return isinstance(value, np.ndarray) and value.dtype.kind == "f"
