"""``DataLoader``: shuffled mini-batches of in-memory arrays, by index arrays."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._random import RNGLike, as_generator, default_generator, set_generator_state
from nnlib._validation import check_int

__all__ = ["DataLoader"]


def _as_arrays(arrays: tuple[ArrayLike, ...], owner: str) -> list[NDArray[Any]]:
    """Convert to arrays with at least one dimension and a common first length."""
    if not arrays:
        raise ValueError(f"{owner}: no arrays given; expected at least one array")
    converted = [np.asarray(a) for a in arrays]
    for index, array in enumerate(converted):
        if array.ndim == 0:
            raise ValueError(
                f"{owner}: array {index} is a scalar; expected arrays whose first "
                "dimension indexes the samples"
            )
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"{owner}: array {index} has dtype {array.dtype}; expected numbers "
                "(bool, int or float)"
            )
    lengths = [len(a) for a in converted]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"{owner}: the arrays have different numbers of samples {lengths}; expected "
            "the same first dimension"
        )
    return converted


class DataLoader:
    r"""Iterate over mini-batches of in-memory arrays, optionally shuffled.

    Parameters
    ----------
    *arrays : array_like
        One or more arrays with the same first dimension :math:`n` (e.g.
        inputs ``X`` and labels ``y``). They are not copied or converted.
    batch_size : int, default 1
        Samples per batch. The last batch is smaller when :math:`n` is not a
        multiple of it, unless ``drop_last``.
    shuffle : bool, default False
        Visit the samples in a new random order each epoch (each ``iter``).
    drop_last : bool, default False
        Skip the last, incomplete batch.
    rng : numpy.random.Generator or int, optional
        Source of the permutations. With an int seed, a new loader repeats
        the same sequence of epochs. None (the default) draws each epoch's
        permutation, when the epoch starts, from nnlib's default generator
        (:func:`~nnlib.manual_seed`).

    Attributes
    ----------
    generator : numpy.random.Generator or None
        Its own generator (from ``rng``), or None for the default one; its
        state is what :meth:`state_dict` saves.

    Notes
    -----
    Each epoch draws one permutation of :math:`0..n-1` and each batch takes
    ``array[indices]`` for a slice of it, so every sample appears exactly
    once per epoch (except those dropped by ``drop_last``). Without
    shuffling, batches are slices (views, no copy). ``len(loader)`` is
    :math:`\lceil n/b \rceil`, or :math:`\lfloor n/b \rfloor` with
    ``drop_last``.

    Differences from PyTorch: ``torch.utils.data.DataLoader`` takes a
    ``Dataset``; this one takes the arrays directly (like a
    ``TensorDataset``), always yields a tuple with one batch per array, and
    has no workers, samplers or ``collate_fn``. The random source is given
    as ``rng`` instead of ``generator``, and the loader has
    :meth:`state_dict` (as torchdata's ``StatefulDataLoader``).

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(10).reshape(5, 2), np.arange(5)
    >>> loader = DataLoader(X, y, batch_size=2)
    >>> len(loader), [yb.tolist() for _, yb in loader]
    (3, [[0, 1], [2, 3], [4]])
    >>> sorted(int(i) for _, yb in DataLoader(X, y, batch_size=2, shuffle=True, rng=0) for i in yb)
    [0, 1, 2, 3, 4]
    """

    def __init__(
        self,
        *arrays: ArrayLike,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        rng: RNGLike = None,
    ) -> None:
        self.arrays = _as_arrays(arrays, "DataLoader")
        self.batch_size = check_int(batch_size, "batch_size", "DataLoader", low=1)
        for name, flag in (("shuffle", shuffle), ("drop_last", drop_last)):
            if not isinstance(flag, bool):
                raise TypeError(f"DataLoader: {name} must be a bool, got {type(flag).__name__}")
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = None if rng is None else as_generator(rng, "DataLoader")

    @property
    def num_samples(self) -> int:
        """Number of samples :math:`n` (the common first dimension)."""
        return len(self.arrays[0])

    def __len__(self) -> int:
        n, b = self.num_samples, self.batch_size
        return n // b if self.drop_last else math.ceil(n / b)

    def state_dict(self) -> dict[str, Any]:
        """The state of the loader's own generator, ``{"generator": state or None}``.

        None when the loader draws from the default generator (whose state
        :func:`~nnlib.get_rng_state` gives). Between epochs, this is all a
        checkpoint needs to continue the same sequence of permutations.
        """
        state = None if self.generator is None else self.generator.bit_generator.state
        return {"generator": state}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict` (or a loaded checkpoint of it).

        Raises
        ------
        ValueError
            If the dict is not such a state, or its generator state is given
            to a loader without one (or the other way round).
        """
        owner = "DataLoader.load_state_dict"
        if not isinstance(state_dict, Mapping) or set(state_dict) != {"generator"}:
            raise ValueError(f"{owner}: expected a dict with the one key 'generator'")
        state = state_dict["generator"]
        if (state is None) != (self.generator is None):
            raise ValueError(
                f"{owner}: the state {'has no' if state is None else 'has a'} generator of its "
                f"own but this loader {'has' if state is None else 'has none'} (rng=...); "
                "expected loaders built the same way"
            )
        if self.generator is not None:
            set_generator_state(self.generator, state, owner)

    def __iter__(self) -> Iterator[tuple[NDArray[Any], ...]]:
        n, b = self.num_samples, self.batch_size
        stop = len(self) * b
        if self.shuffle:
            generator = default_generator() if self.generator is None else self.generator
            order = generator.permutation(n)
            for start in range(0, stop, b):
                indices = order[start : start + b]
                yield tuple([array[indices] for array in self.arrays])
        else:
            for start in range(0, stop, b):
                yield tuple([array[start : start + b] for array in self.arrays])
