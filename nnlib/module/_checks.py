"""The checks ``Module`` runs on its tree and its saved values, with their messages.

Kept apart from the class so that it reads as the chapter explains it:
registration, the two passes, traversal, modes and state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from nnlib._validation import check_forward_done

if TYPE_CHECKING:
    from nnlib.module import Module

__all__ = ["RELEASED", "check_not_in_tree", "check_saved"]

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
