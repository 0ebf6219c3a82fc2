"""``train_test_split``: a seeded (optionally stratified) split of arrays."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._random import RNGLike, as_generator
from nnlib._validation import check_int, check_number
from nnlib.data.loader import _as_arrays

__all__ = ["train_test_split"]


def train_test_split(
    *arrays: ArrayLike,
    test_size: float | int = 0.25,
    rng: RNGLike = None,
    shuffle: bool = True,
    stratify: ArrayLike | None = None,
) -> list[NDArray[Any]]:
    r"""Split arrays into a training part and a test (or validation) part.

    Parameters
    ----------
    *arrays : array_like
        Arrays with the same first dimension :math:`n`.
    test_size : float in (0, 1) or int in [1, n - 1], default 0.25
        Fraction or number of samples in the test part. A fraction gives
        :math:`\lceil \text{test\_size} \cdot n \rceil` samples.
    rng : numpy.random.Generator or int, optional
        Source of the shuffle; an int seed makes the split reproducible, and
        None (the default) draws from nnlib's default generator
        (:func:`~nnlib.manual_seed`).
    shuffle : bool, default True
        Shuffle before splitting. Without it the last samples form the test
        part, in their original order.
    stratify : array_like of shape (n,), optional
        Class labels: each class is split in the same proportion, so both
        parts keep the class frequencies (up to rounding). Needs
        ``shuffle=True`` and at least two samples per class.

    Returns
    -------
    list of numpy.ndarray
        ``[a_train, a_test, b_train, b_test, ...]``, as scikit-learn.

    Notes
    -----
    Stratified counts use the largest-remainder rule: class :math:`c` with
    :math:`n_c` samples gets :math:`\lfloor n_c t / n \rfloor` test samples,
    plus one for the classes with the largest fractional parts until the
    test part has exactly :math:`t` samples; every class keeps at least one
    sample on each side.

    Differences from scikit-learn (``sklearn.model_selection.train_test_split``,
    PyTorch has only ``random_split``): the seed is ``rng`` instead of
    ``random_state``, there is no ``train_size``, and stratified rounding may
    differ by one sample per class.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(20).reshape(10, 2), np.array([0] * 5 + [1] * 5)
    >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.4, rng=0, stratify=y)
    >>> X_tr.shape, X_te.shape, np.bincount(y_te).tolist()
    ((6, 2), (4, 2), [2, 2])
    """
    owner = "train_test_split"
    converted = _as_arrays(arrays, owner)
    n = len(converted[0])
    if isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = check_int(test_size, "test_size", owner, low=1, high=max(n - 1, 1))
    else:
        fraction = check_number(
            test_size, "test_size", owner, low=0.0, high=1.0, low_inclusive=False
        )
        n_test = math.ceil(fraction * n)
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"{owner}: test_size = {test_size!r} gives {n_test} test samples out of {n}; "
            "expected both parts to be non-empty"
        )
    generator = as_generator(rng, owner)
    if stratify is None:
        order = generator.permutation(n) if shuffle else np.arange(n)
        train_idx, test_idx = order[: n - n_test], order[n - n_test :]
    else:
        if not shuffle:
            raise ValueError(f"{owner}: stratify needs shuffle=True")
        train_idx, test_idx = _stratified(np.asarray(stratify), n, n_test, generator)
    return [part for a in converted for part in (a[train_idx], a[test_idx])]


def _stratified(
    labels: NDArray[Any], n: int, n_test: int, generator: np.random.Generator
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    owner = "train_test_split"
    if labels.shape != (n,):
        raise ValueError(
            f"{owner}: stratify has shape {labels.shape}; expected ({n},), one label per sample"
        )
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            f"{owner}: class {classes[counts.argmin()].item()!r} of stratify has only "
            f"{counts.min()} sample; expected at least 2 per class"
        )
    if not len(classes) <= n_test <= n - len(classes):
        raise ValueError(
            f"{owner}: {n_test} test samples cannot hold all {len(classes)} classes on both "
            f"sides; expected a test size between {len(classes)} and {n - len(classes)}"
        )
    exact = counts * n_test / n
    per_class = np.clip(np.floor(exact).astype(np.intp), 1, counts - 1)
    remainder = n_test - int(per_class.sum())
    order = np.argsort(-(exact - np.floor(exact)), kind="stable")
    step = 1 if remainder > 0 else -1
    while remainder != 0:  # each pass moves one sample per class, largest remainders first
        for c in order if step > 0 else order[::-1]:
            if remainder != 0 and 1 <= per_class[c] + step <= counts[c] - 1:
                per_class[c] += step
                remainder -= step
    # Shuffle, then sort by class (stably): each class's samples are in random order.
    shuffled = generator.permutation(n)
    grouped = shuffled[np.argsort(inverse[shuffled], kind="stable")]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(n) - np.repeat(starts, counts)  # position within its class
    is_test = rank < np.repeat(per_class, counts)
    return np.sort(grouped[~is_test]), np.sort(grouped[is_test])
