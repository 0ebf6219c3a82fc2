"""``Module``: the base class of every layer, activation, loss and model."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib.module._checks import RELEASED, check_not_in_tree, check_saved
from nnlib.module._state import add_buffer, check_buffer, checked_state, state_arrays
from nnlib.parameter import Parameter

__all__ = ["Module"]

Array = NDArray[np.floating[Any]]


class Module:
    r"""Base class for everything with a forward and a backward pass.

    A subclass implements :meth:`forward`, which computes the output and
    saves what the backward pass will need (:meth:`save_for_backward`), and
    :meth:`backward`, which takes :math:`\partial L / \partial y`
    (``grad_output``, the gradient of the loss with respect to the module's
    output), **adds** the gradients with respect to its parameters into their
    ``.grad`` and **returns** :math:`\partial L / \partial x`, the gradient
    with respect to its (first) input. Calling the module, ``module(x)``,
    runs ``forward``.

    Attributes that are :class:`~nnlib.Parameter` or ``Module`` instances are
    registered automatically, in assignment order, so :meth:`parameters`,
    :meth:`named_parameters`, :meth:`state_dict`, :meth:`train` and
    :meth:`zero_grad` reach every submodule. Arrays that are state but not
    learned, such as the running statistics of
    :class:`~nnlib.layers.BatchNorm1d`, are registered with
    :meth:`register_buffer`: :meth:`state_dict` saves them (unless
    ``persistent=False``), optimizers never see them.

    Attributes
    ----------
    training : bool
        True in training mode (the default), False after :meth:`eval`.
        Modules such as ``Dropout`` behave differently in the two modes.

    Notes
    -----
    **One forward, one backward.** A module caches only its **last** forward
    pass, and :meth:`saved_for_backward` releases the cache: call
    ``backward`` once per ``forward``, in reverse order of the forward calls.
    A second ``backward`` after one ``forward`` raises ``RuntimeError``, as
    in PyTorch without ``retain_graph``. For the same reason one instance
    cannot be registered twice in a model (``Sequential(act, act)`` raises
    ``ValueError``): its second call would overwrite the cache the first
    call's backward needs. Use one instance per place; to tie weights, assign
    the same ``Parameter`` to two modules.

    **Arrays are shared, not copied.** ``forward`` may return its input
    itself or a view of it (``Dropout`` in eval mode, ``Flatten``), and what
    it saves for backward are references: ``Linear`` keeps its input,
    ``Sigmoid`` and ``Tanh`` their output. Editing such an array in place
    between ``forward`` and ``backward`` (``y *= 2`` on a returned ``y``, or
    on the input you passed) changes the gradient that ``backward``
    computes, silently. PyTorch detects this (version counters) and raises;
    nnlib does not. Copy first (``y = y.copy()``) to edit a result. The
    optimizers update ``Parameter.data`` in place, which is safe after
    ``backward``.

    **Parameter gradients only.** ``_backward_parameters`` is an optional
    hook: the backward pass when the input's gradient is not needed (the
    training loop :func:`~nnlib.train.fit` asks the model for it). The
    default runs :meth:`backward`; a module that can skip work overrides it.

    Differences from PyTorch: ``torch.nn.Module`` relies on autograd, so it
    has no ``backward`` method; the graph of operations recorded during the
    forward pass is differentiated automatically. Here each module implements
    its own ``backward``, which is exactly what the chapter on
    backpropagation derives, and :meth:`save_for_backward` plays the part of
    ``ctx.save_for_backward`` in a ``torch.autograd.Function``. Registering
    one instance twice is allowed in PyTorch. Buffers are NumPy arrays
    (``register_buffer`` raises ``ValueError`` where PyTorch raises
    ``KeyError`` for a bad name). Hooks and devices do not exist in nnlib.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Module, Parameter
    >>> class Scale(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.a = Parameter(np.array([2.0]))
    ...     def forward(self, x):
    ...         self.save_for_backward(x)
    ...         return self.a.data * x
    ...     def backward(self, grad_output):
    ...         (x,) = self.saved_for_backward()
    ...         self.a.accumulate_grad(np.array([np.sum(grad_output * x)]))
    ...         return grad_output * self.a.data
    >>> m = Scale()
    >>> m(np.array([1.0, 3.0]))
    array([2., 6.])
    >>> m.backward(np.ones(2))
    array([2., 2.])
    >>> m.a.grad
    array([4.])
    >>> m.backward(np.ones(2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    RuntimeError: Scale.backward was called a second time after one forward pass; ...
    """

    training: bool
    _parameters: dict[str, Parameter]
    _modules: dict[str, Module]
    _buffers: dict[str, NDArray[Any] | None]
    _non_persistent_buffers: set[str]

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "training", True)

    # -- registration -----------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        attributes = self.__dict__
        if "_parameters" not in attributes:
            raise RuntimeError(
                f"{type(self).__name__}: assign attributes only after calling "
                "super().__init__() in __init__"
            )
        params: dict[str, Parameter] = attributes["_parameters"]
        modules: dict[str, Module] = attributes["_modules"]
        buffers: dict[str, NDArray[Any] | None] = attributes["_buffers"]
        if isinstance(value, Parameter):
            self._unregister(name, keep="_parameters")  # a replaced one keeps its place
            params[name] = value
        elif isinstance(value, Module):
            check_not_in_tree(self, name, value)
            self._unregister(name, keep="_modules")
            modules[name] = value
        elif name in buffers:  # an array assigned to a buffer stays a buffer, as in PyTorch
            buffers[name] = check_buffer(self, name, value)
        else:  # a registered name becomes a plain one
            self._unregister(name)
        object.__setattr__(self, name, value)  # honours properties of subclasses

    def __delattr__(self, name: str) -> None:
        self._unregister(name)
        object.__delattr__(self, name)

    def _unregister(self, name: str, keep: str = "") -> None:
        """Forget ``name`` as a parameter, submodule or buffer, except in ``keep``."""
        for registry in ("_parameters", "_modules", "_buffers"):
            if registry != keep:
                self.__dict__[registry].pop(name, None)
        self.__dict__["_non_persistent_buffers"].discard(name)

    def register_buffer(
        self, name: str, tensor: NDArray[Any] | None, persistent: bool = True
    ) -> None:
        """Register the array ``tensor`` as the buffer ``name``: state that is not learned.

        A buffer is an attribute (``self.name``) that :meth:`buffers` and
        :meth:`named_buffers` list and, if ``persistent``, :meth:`state_dict`
        saves and :meth:`load_state_dict` restores; optimizers never see it
        (it is not a :class:`~nnlib.Parameter`). Assigning an array or None
        to the name later keeps it a buffer, as in PyTorch; assigning a
        Parameter or a Module makes it one of those.

        Parameters
        ----------
        name : str
            Non-empty, without ``"."``, not already an attribute other than a
            buffer.
        tensor : numpy.ndarray or None
            Kept by reference, not copied. A None buffer is listed nowhere
            until an array is assigned to it.
        persistent : bool, default True
            Whether :meth:`state_dict` includes it.

        Raises
        ------
        TypeError
            If ``name`` is not a str or ``tensor`` is neither a numeric
            ndarray nor None.
        ValueError
            If ``name`` is empty, contains ``"."`` or is already taken.
        """
        add_buffer(self, name, tensor, persistent)

    # -- the two passes -----------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the output; subclasses override this."""
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def backward(self, grad_output: Any) -> Any:
        r"""Given :math:`\partial L/\partial y`, return :math:`\partial L/\partial x`.

        Subclasses override this; it must also add parameter gradients into
        each parameter's ``.grad``.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement backward")

    def _backward_parameters(self, grad_output: Any) -> None:
        r"""The backward pass for the parameter gradients only (see the class notes).

        This default runs :meth:`backward` and drops the result; ``Linear``
        skips the product :math:`G W`, ``Sequential`` asks its first stage. A
        class that redefines :meth:`backward` but not this hook gets this
        default again, so the hook never bypasses a subclass's backward.
        """
        self.backward(grad_output)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "backward" in cls.__dict__ and "_backward_parameters" not in cls.__dict__:
            cls._backward_parameters = Module._backward_parameters  # type: ignore[method-assign]

    def save_for_backward(self, *values: Any) -> None:
        """Keep what :meth:`backward` needs from this forward pass, replacing the last.

        The values are kept by reference, not copied (see the class notes on
        editing arrays in place).
        """
        object.__setattr__(self, "_saved", values)  # a plain value: no registration needed

    def saved_for_backward(self) -> tuple[Any, ...]:
        """Return what the last forward pass saved, and release it; first thing in backward.

        Raises
        ------
        RuntimeError
            If there was no forward pass, or a backward call (even one that
            raised) has already used it: each backward needs its own forward,
            as in PyTorch without ``retain_graph``.
        """
        saved = check_saved(self.__dict__.get("_saved"), type(self).__name__)
        object.__setattr__(self, "_saved", RELEASED)
        return saved

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- traversal ----------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for each direct submodule."""
        yield from self.__dict__["_modules"].items()

    def children(self) -> Iterator[Module]:
        """Yield each direct submodule."""
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """Yield ``(qualified name, module)`` for this module and all below it."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        """Yield this module and every module below it."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(qualified name, parameter)`` pairs, e.g. ``("0.weight", p)``.

        A parameter shared by two submodules is yielded once, under its first
        name, as in PyTorch.
        """
        seen: set[int] = set()
        owners = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for module_name, module in owners:
            for name, param in module.__dict__["_parameters"].items():
                if id(param) in seen:
                    continue
                seen.add(id(param))
                yield (f"{module_name}.{name}" if module_name else name), param

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Yield every parameter of this module (and, by default, its submodules)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, NDArray[Any]]]:
        """Yield ``(qualified name, array)`` for each buffer, e.g. ``("0.running_mean", a)``.

        Persistent or not; None buffers are skipped and an array shared by
        two modules is yielded once, as in PyTorch.
        """
        seen: set[int] = set()
        owners = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for module_name, module in owners:
            for name, buffer in module.__dict__["_buffers"].items():
                if buffer is None or id(buffer) in seen:
                    continue
                seen.add(id(buffer))
                yield (f"{module_name}.{name}" if module_name else name), buffer

    def buffers(self, recurse: bool = True) -> Iterator[NDArray[Any]]:
        """Yield every buffer of this module (and, by default, its submodules)."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    # -- modes and gradients ---------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on every submodule.

        Returns the module itself, so ``model.train()`` can be chained.
        """
        if not isinstance(mode, bool):
            raise TypeError(f"{type(self).__name__}.train: mode must be a bool, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode; the same as ``train(False)``."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters.

        Parameters
        ----------
        set_to_none : bool, default True
            Set ``.grad`` to None (PyTorch's default) rather than to zeros.
            Optimizers skip parameters whose gradient is None.
        """
        for param in self.parameters():
            if set_to_none:
                param.grad = None
            elif param.grad is not None:
                param.grad.fill(0.0)

    # -- saving and loading ------------------------------------------------------

    def state_dict(self) -> dict[str, NDArray[Any]]:
        """Return a copy of every parameter and persistent buffer, keyed by qualified name.

        Module by module, each one's parameters then its buffers, as in
        PyTorch: ``["0.weight", "0.bias", "0.running_mean", ...]``.
        """
        return {name: array.copy() for name, array in state_arrays(self).items()}

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> None:
        """Copy values from ``state_dict`` into this module's parameters and persistent buffers.

        Parameters
        ----------
        state_dict : mapping of str to array_like
            As returned by :meth:`state_dict`.
        strict : bool, default True
            Require the keys to match exactly. With ``strict=False`` missing
            and unexpected keys are ignored; shapes must match either way.

        Raises
        ------
        ValueError
            Listing every missing key, unexpected key, mis-shaped entry and
            entry whose values do not fit the target's dtype (1e39 into
            float32 would become infinity, 2.5 into an integer buffer), all
            at once; or naming an entry that holds NaN or infinity. Nothing
            is loaded unless everything fits. Values are copied into the
            existing arrays, which keep their dtype.
        """
        owner = f"{type(self).__name__}.load_state_dict"
        own = state_arrays(self)
        for key, value in checked_state(own, state_dict, strict, owner).items():
            own[key][...] = value

    # -- display ----------------------------------------------------------------

    def extra_repr(self) -> str:
        """Hyperparameters shown inside the parentheses of ``repr``; override it."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        extra = self.extra_repr()
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = [extra] if extra else []
        for name, child in children:
            child_text = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {child_text}")
        body = "\n  ".join(lines)
        return f"{type(self).__name__}(\n  {body}\n)"
