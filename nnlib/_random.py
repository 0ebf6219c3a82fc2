r"""The default generator, seeding (``manual_seed``, ``get_rng_state``), and ``rng`` arguments.

Every random function and class in nnlib takes ``rng``: a NumPy
``Generator`` (used as is), an int seed (a new generator seeded with it), or
None, the default, meaning **nnlib's default generator**, which
:func:`manual_seed` seeds. So after ``nnlib.manual_seed(0)`` a program that
passes no ``rng`` draws the same numbers in every process, and a checkpoint
that includes :func:`get_rng_state` resumes bit for bit.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "RNGLike",
    "as_generator",
    "default_generator",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]

RNGLike = np.random.Generator | int | None
"""What every random function in nnlib accepts: a ``Generator``, an int seed, or None."""

DEFAULT_SEED = 67280421310721
"""The seed of the default generator at import: PyTorch's default CPU seed."""

_default = np.random.Generator(np.random.PCG64(DEFAULT_SEED))
_initial_seed = DEFAULT_SEED
_lock = threading.Lock()


def default_generator() -> np.random.Generator:
    """The generator used wherever ``rng`` is None; always the same object."""
    return _default


def as_generator(rng: object, owner: str) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng``.

    A ``Generator`` is used as is (so consecutive calls draw fresh numbers
    from its stream); an int seeds a new one, so the same seed gives the same
    bits; ``None`` gives nnlib's default generator (seeded by
    :func:`manual_seed`, and with a fixed seed at import).

    Raises
    ------
    TypeError
        If ``rng`` is none of these (a float or a legacy ``RandomState``).
    ValueError
        If an int seed is negative.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return _default
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ValueError(f"{owner}: rng seed = {int(rng)} is negative; expected a seed >= 0")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{owner}: rng must be a numpy.random.Generator, an int seed or None, "
        f"got {type(rng).__name__}"
    )


def manual_seed(seed: int) -> np.random.Generator:
    r"""Seed the default generator, which everything given ``rng=None`` draws from.

    Parameters
    ----------
    seed : int
        Any int :math:`\ge 0` (of any size).

    Returns
    -------
    numpy.random.Generator
        The default generator (the same object before and after).

    Raises
    ------
    TypeError
        If ``seed`` is not an int.
    ValueError
        If it is negative.

    Notes
    -----
    The default generator is a NumPy ``PCG64``; ``manual_seed(s)`` puts it
    in the state of ``numpy.random.default_rng(s)``. It starts, at import,
    from the seed 67280421310721 (:data:`DEFAULT_SEED`, PyTorch's default),
    so even without a call two processes draw the same numbers.
    ``numpy.random.seed`` has no effect on nnlib: it seeds NumPy's legacy
    global ``RandomState``, which nnlib never uses.

    Differences from PyTorch: the generator is NumPy's, so the same seed
    gives other numbers than in PyTorch; there are no CUDA generators.

    Examples
    --------
    >>> import nnlib
    >>> _ = nnlib.manual_seed(0)
    >>> a = nnlib.Linear(2, 2).weight.data.copy()
    >>> _ = nnlib.manual_seed(0)
    >>> bool((nnlib.Linear(2, 2).weight.data == a).all())
    True
    """
    global _initial_seed
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: seed is a {type(seed).__name__}; expected an int >= 0")
    if int(seed) < 0:
        raise ValueError(f"manual_seed: seed = {int(seed)} is negative; expected an int >= 0")
    with _lock:
        _default.bit_generator.state = np.random.PCG64(int(seed)).state
        _initial_seed = int(seed)
    return _default


def seed() -> int:
    """Seed the default generator from the operating system's entropy; return that seed.

    Examples
    --------
    >>> import nnlib
    >>> s = nnlib.seed()
    >>> nnlib.initial_seed() == s
    True
    """
    value = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    manual_seed(value)
    return value


def initial_seed() -> int:
    """The seed last given to :func:`manual_seed` or drawn by :func:`seed` (else the default).

    Examples
    --------
    >>> import nnlib
    >>> _ = nnlib.manual_seed(42)
    >>> nnlib.initial_seed()
    42
    """
    return _initial_seed


def get_rng_state() -> dict[str, Any]:
    """A copy of the default generator's state: a plain dict, which ``save`` can store.

    Returns
    -------
    dict
        NumPy's ``bit_generator.state`` for ``PCG64``:
        ``{"bit_generator": "PCG64", "state": {"state": int, "inc": int},
        "has_uint32": int, "uinteger": int}`` (the ints are 128-bit).

    Differences from PyTorch: ``torch.get_rng_state`` returns a byte tensor.

    Examples
    --------
    >>> import nnlib
    >>> state = nnlib.get_rng_state()
    >>> a = nnlib.Linear(2, 2).weight.data.copy()
    >>> nnlib.set_rng_state(state)
    >>> bool((nnlib.Linear(2, 2).weight.data == a).all())
    True
    """
    state: dict[str, Any] = copy.deepcopy(dict(_default.bit_generator.state))
    return state


def set_rng_state(new_state: Mapping[str, Any]) -> None:
    """Restore the default generator from :func:`get_rng_state` (or a loaded checkpoint).

    Raises
    ------
    ValueError
        If ``new_state`` is not a ``PCG64`` state as :func:`get_rng_state` returns.
    """
    with _lock:
        set_generator_state(_default, new_state, "set_rng_state")


def set_generator_state(generator: np.random.Generator, new_state: Any, owner: str) -> None:
    """Check a bit generator's state dict, then put ``generator`` in it; ``ValueError`` if not."""
    kind = type(generator.bit_generator).__name__
    name = new_state.get("bit_generator") if isinstance(new_state, Mapping) else None
    if name != kind:
        raise ValueError(
            f"{owner}: got {_short(new_state)}; expected the state dict of a {kind} generator, "
            "as get_rng_state() returns it"
        )
    if kind == "PCG64" and not _is_pcg64_state(new_state):
        raise ValueError(
            f"{owner}: malformed state {_short(new_state)}; expected {{'bit_generator': "
            "'PCG64', 'state': {'state': int, 'inc': int}, 'has_uint32': 0 or 1, "
            "'uinteger': int}, as get_rng_state() returns it"
        )
    try:
        generator.bit_generator.state = copy.deepcopy(dict(new_state))
    except (TypeError, ValueError, KeyError, OverflowError) as error:
        raise ValueError(f"{owner}: malformed state {_short(new_state)} ({error})") from None


def _is_pcg64_state(state: Mapping[str, Any]) -> bool:
    inner = state.get("state")
    if set(state) != {"bit_generator", "state", "has_uint32", "uinteger"}:
        return False
    if not isinstance(inner, Mapping) or set(inner) != {"state", "inc"}:
        return False
    words = [state["has_uint32"], state["uinteger"], inner["state"], inner["inc"]]
    limits = [2, 2**32, 2**128, 2**128]
    return all(
        isinstance(w, (int, np.integer)) and not isinstance(w, bool) and 0 <= int(w) < limit
        for w, limit in zip(words, limits, strict=True)
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
