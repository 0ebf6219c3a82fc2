"""The checks ``Module`` runs on its tree, its saved values and a state dict, with their messages.

Kept apart from :mod:`nnlib.module` so that the class reads as the chapter
explains it: registration, the two passes, traversal, modes and state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from numpy.typing import NDArray

from nnlib._validation import as_array, check_forward_done

if TYPE_CHECKING:
    from nnlib.module import Module
    from nnlib.parameter import Parameter

__all__ = ["RELEASED", "check_not_in_tree", "check_saved", "checked_state"]

Array = NDArray[np.floating[Any]]

RELEASED: Final = object()
"""What a module holds for backward once a backward pass has used it."""


def check_saved(saved: Any, owner: str) -> tuple[Any, ...]:
    """Return what forward saved; ``RuntimeError`` before any forward or after its backward."""
    saved = check_forward_done(saved, owner)
    if saved is RELEASED:
        raise RuntimeError(
            f"{owner}.backward was called a second time after one forward pass; the first "
            "call (even one that raised) released what forward saved. Call forward again "
            "before each backward"
        )
    values: tuple[Any, ...] = saved
    return values


def check_not_in_tree(parent: Module, name: str, module: Module) -> None:
    """Raise if ``module`` (or a module inside it) is already in ``parent``'s tree.

    A module caches only its last forward pass, so an instance that ran in
    two places would give the first place the second one's gradient. The
    module now registered under ``name``, which ``module`` replaces, does not
    count.
    """
    present = {id(parent)}
    for key, child in parent.named_children():
        if key != name:
            present.update(id(inner) for inner in child.modules())
    repeated = next((inner for inner in module.modules() if id(inner) in present), None)
    if repeated is not None:
        owner = type(parent).__name__
        what = "it" if repeated is module else f"the {type(repeated).__name__} inside it"
        raise ValueError(
            f"{owner}: cannot register the {type(module).__name__} {name!r}: {what} is "
            f"already part of this {owner}. A module caches only its last forward pass, "
            "so one instance cannot run in two places (backward would use the wrong "
            "cache); expected a separate instance for each place (to tie weights, "
            "assign the same Parameter to both)"
        )


def checked_state(
    own: Mapping[str, Parameter], state_dict: Mapping[str, Any], strict: bool, owner: str
) -> dict[str, Array]:
    """The entries of ``state_dict`` for the parameters ``own``, converted and checked.

    Raises one ``ValueError`` listing every missing key and unexpected key
    (when ``strict``), every entry of the wrong shape and every entry with
    values that overflow the parameter's dtype (1e39 into float32). A
    non-finite value raises ``ValueError`` at once (``as_array``).
    """
    missing = [key for key in own if key not in state_dict]
    unexpected = [key for key in state_dict if key not in own]
    problems: list[str] = []
    if strict and missing:
        problems.append("missing keys: " + ", ".join(missing))
    if strict and unexpected:
        problems.append("unexpected keys: " + ", ".join(unexpected))
    converted: dict[str, Array] = {}
    for key, param in own.items():
        if key not in state_dict:
            continue
        value = as_array(state_dict[key], f"entry {key!r}", owner)
        if value.shape != param.data.shape:
            problems.append(
                f"{key}: shape {value.shape} in the state, {param.data.shape} in the model"
            )
            continue
        with np.errstate(over="ignore"):  # checked just below
            cast = value.astype(param.data.dtype, copy=False)
        if not np.isfinite(cast).all():
            problems.append(
                f"{key}: values beyond the range of {param.data.dtype} (largest magnitude "
                f"{float(np.max(np.abs(value)))!r}); expected values that fit the parameter"
            )
        converted[key] = cast
    if problems:
        raise ValueError(f"{owner}: the state does not fit the model; " + "; ".join(problems))
    return converted
