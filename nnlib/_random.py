"""Turning a user's ``rng`` argument into a NumPy ``Generator``."""

from __future__ import annotations

import numpy as np

__all__ = ["RNGLike", "as_generator"]

RNGLike = np.random.Generator | int | None
"""What every random function in nnlib accepts: a ``Generator``, an int seed, or None."""


def as_generator(rng: object, owner: str) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng``.

    A ``Generator`` is used as is (so consecutive calls draw fresh numbers
    from its stream); an int seeds a new one, so the same seed gives the same
    bits; ``None`` draws fresh entropy from the operating system and is the
    only non-reproducible choice.

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
        return np.random.default_rng()
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ValueError(f"{owner}: rng seed = {int(rng)} is negative; expected a seed >= 0")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{owner}: rng must be a numpy.random.Generator, an int seed or None, "
        f"got {type(rng).__name__}"
    )
