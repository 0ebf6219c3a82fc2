"""Buffers and state dicts: the checks ``Module`` runs on them, with their messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from nnlib._validation import as_array

if TYPE_CHECKING:
    from nnlib.module import Module

__all__ = ["add_buffer", "check_buffer", "checked_state", "state_arrays"]


def add_buffer(module: Module, name: Any, tensor: Any, persistent: Any) -> None:
    """``module.register_buffer(name, tensor, persistent)``: check, then register."""
    if "_buffers" not in module.__dict__:
        raise RuntimeError(
            f"{type(module).__name__}: call super().__init__() before register_buffer"
        )
    name = check_buffer_name(module, name)
    tensor = check_buffer(module, name, tensor)
    if not isinstance(persistent, bool):
        raise TypeError(
            f"{type(module).__name__}.register_buffer: persistent must be a bool, got "
            f"{persistent!r}"
        )
    module.__dict__["_buffers"][name] = tensor
    if persistent:
        module.__dict__["_non_persistent_buffers"].discard(name)
    else:
        module.__dict__["_non_persistent_buffers"].add(name)
    object.__setattr__(module, name, tensor)


def state_arrays(module: Module) -> dict[str, NDArray[Any]]:
    """The arrays ``module.state_dict()`` copies: parameters' data and persistent buffers.

    Module by module, each one's parameters then its buffers (PyTorch's
    order); a parameter shared by two modules under its first name only.
    """
    arrays: dict[str, NDArray[Any]] = {}
    first_names = {id(param): name for name, param in module.named_parameters()}
    for module_name, inner in module.named_modules():
        dot = f"{module_name}." if module_name else ""
        for name, param in inner.__dict__["_parameters"].items():
            if first_names.get(id(param)) == dot + name:
                arrays[dot + name] = param.data
        skip = inner.__dict__["_non_persistent_buffers"]
        for name, buffer in inner.__dict__["_buffers"].items():
            if buffer is not None and name not in skip:
                arrays[dot + name] = buffer
    return arrays


def check_buffer_name(module: Module, name: Any) -> str:
    """Return ``name`` if ``module`` can register a buffer under it, else raise.

    As in PyTorch: a non-empty str without ``"."`` that is not already an
    attribute other than a buffer.
    """
    owner = f"{type(module).__name__}.register_buffer"
    if not isinstance(name, str):
        raise TypeError(f"{owner}: the buffer name must be a str, got {type(name).__name__}")
    if not name or "." in name:
        raise ValueError(
            f"{owner}: buffer name {name!r} is not valid; expected a non-empty str without '.'"
        )
    if name not in module.__dict__["_buffers"] and hasattr(module, name):
        raise ValueError(
            f"{owner}: the attribute {name!r} already exists; expected a new name (or the "
            "name of a buffer, to replace it)"
        )
    return name


def check_buffer(module: Module, name: str, tensor: Any) -> NDArray[Any] | None:
    """Return ``tensor`` if it can be the buffer ``name``: a numeric ndarray or None."""
    if tensor is None:
        return None
    if not isinstance(tensor, np.ndarray) or tensor.dtype.kind not in "biuf":
        what = f"an array of dtype {tensor.dtype}" if isinstance(tensor, np.ndarray) else None
        raise TypeError(
            f"{type(module).__name__}: cannot use {what or 'a ' + type(tensor).__name__} as the "
            f"buffer {name!r}; expected a numpy.ndarray of bool, int or float, or None"
        )
    return tensor


def checked_state(
    own: Mapping[str, NDArray[Any]], state_dict: Mapping[str, Any], strict: bool, owner: str
) -> dict[str, NDArray[Any]]:
    """The entries of ``state_dict`` for the arrays ``own``, converted to their dtypes and checked.

    ``own`` maps each key to the array it will be copied into: a parameter's
    ``data`` or a buffer. Raises one ``ValueError`` listing every missing key
    and unexpected key (when ``strict``), every entry of the wrong shape,
    every entry with values that overflow the target's dtype (1e39 into
    float32) and every non-integral entry for an integer buffer. A
    non-finite value for a float target raises ``ValueError`` at once
    (``as_array``).
    """
    missing = [key for key in own if key not in state_dict]
    unexpected = [key for key in state_dict if key not in own]
    problems: list[str] = []
    if strict and missing:
        problems.append("missing keys: " + ", ".join(missing))
    if strict and unexpected:
        problems.append("unexpected keys: " + ", ".join(unexpected))
    converted: dict[str, NDArray[Any]] = {}
    for key, target in own.items():
        if key not in state_dict:
            continue
        if target.dtype.kind == "f":
            value: NDArray[Any] = as_array(state_dict[key], f"entry {key!r}", owner)
        else:
            value = np.asarray(state_dict[key])
            problem = _not_integral(value)
            if problem is not None:
                problems.append(f"{key}: {problem}; expected whole numbers for an integer buffer")
                continue
        if value.shape != target.shape:
            problems.append(
                f"{key}: shape {value.shape} in the state, {target.shape} in the model"
            )
            continue
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            cast = value.astype(target.dtype, copy=False)
            fits = np.isfinite(cast).all() if target.dtype.kind == "f" else _same(cast, value)
        if not fits:
            problems.append(
                f"{key}: values beyond the range of {target.dtype} (largest magnitude "
                f"{float(np.max(np.abs(value)))!r}); expected values that fit the model's array"
            )
        converted[key] = cast
    if problems:
        raise ValueError(f"{owner}: the state does not fit the model; " + "; ".join(problems))
    return converted


def _not_integral(value: NDArray[Any]) -> str | None:
    """None if ``value`` holds only whole numbers (int, bool, or integral floats), else why not."""
    if value.dtype.kind in "biu":
        return None
    if value.dtype.kind == "f" and np.isfinite(value).all() and (value == np.round(value)).all():
        return None
    return f"{value.dtype} values {_short(value)}"


def _same(cast: NDArray[Any], value: NDArray[Any]) -> bool:
    """Whether an integer cast kept every value (nothing wrapped around)."""
    return bool((cast == value).all())


def _short(value: NDArray[Any]) -> str:
    text = np.array2string(value, threshold=5)
    return text if len(text) <= 40 else text[:37] + "..."
