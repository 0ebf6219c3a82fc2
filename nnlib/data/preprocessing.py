"""Preprocessing: ``one_hot`` codes and ``StandardScaler`` standardisation."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._validation import as_array, check_int

__all__ = ["StandardScaler", "one_hot"]


def one_hot(labels: ArrayLike, num_classes: int = -1) -> NDArray[np.int64]:
    r"""One-hot codes: ``out[..., k] = 1`` where ``labels == k``, else 0.

    Parameters
    ----------
    labels : array_like of int, any shape
        Class indices in :math:`[0, C)`.
    num_classes : int, default -1
        :math:`C`; with -1, one more than the largest label.

    Returns
    -------
    numpy.ndarray of int64, shape ``labels.shape + (C,)``

    Raises
    ------
    TypeError
        For non-integer labels (floats are refused, even whole ones).
    ValueError
        For negative labels, labels :math:`\ge C`, or ``num_classes=-1`` with
        no labels.

    Notes
    -----
    Semantics of ``torch.nn.functional.one_hot``. Differences from PyTorch:
    ``ValueError`` instead of ``RuntimeError``; bool labels are refused.

    Examples
    --------
    >>> one_hot([0, 2, 1])
    array([[1, 0, 0],
           [0, 0, 1],
           [0, 1, 0]])
    """
    owner = "one_hot"
    array = np.asarray(labels)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{owner}: labels have dtype {array.dtype}; expected integer class indices"
        )
    if num_classes == -1:
        if array.size == 0:
            raise ValueError(
                f"{owner}: cannot infer the number of classes from empty labels; pass num_classes"
            )
        count = int(array.max()) + 1
    else:
        count = check_int(num_classes, "num_classes", owner, low=1)
    if array.size and array.min() < 0:
        raise ValueError(f"{owner}: labels hold {int(array.min())}; expected labels >= 0")
    if array.size and array.max() >= count:
        raise ValueError(
            f"{owner}: labels hold {int(array.max())}; expected labels < num_classes = {count}"
        )
    result: NDArray[np.int64] = (array[..., None] == np.arange(count)).astype(np.int64)
    return result


class StandardScaler:
    r"""Standardise features to zero mean and unit variance, using training statistics.

    Notes
    -----
    :meth:`fit` computes, per feature :math:`j` over the training rows, the
    mean :math:`\mu_j` and the population standard deviation
    :math:`\sigma_j` (``ddof=0``); :meth:`transform` returns
    :math:`(x_j - \mu_j)/s_j`. Fitting on the training part only and
    applying the same :math:`\mu, s` to validation and test data keeps
    information about them out of training.

    **Zero-variance features** (:math:`\sigma_j \le 10\,\varepsilon
    \max(1, |\mu_j|)`, i.e. constant up to round-off, like the always-blank
    corner pixels of the digits) get :math:`s_j = 1` instead of
    :math:`\sigma_j`: they become exactly 0 on the training data rather than
    0/0, and new data is only shifted. ``scale_`` stores :math:`s`.

    Differences from scikit-learn: no ``with_mean``/``with_std``, no sample
    weights or sparse input. Float input keeps its dtype; ints become float64.

    Attributes
    ----------
    mean_, scale_, var_ : numpy.ndarray, shape (n_features,)
        Set by :meth:`fit`.

    Examples
    --------
    >>> import numpy as np
    >>> scaler = StandardScaler().fit(np.array([[0.0, 5.0], [2.0, 5.0]]))
    >>> scaler.transform(np.array([[1.0, 5.0], [3.0, 6.0]]))
    array([[0., 0.],
           [2., 1.]])
    """

    def __init__(self) -> None:
        self.mean_: NDArray[np.floating[Any]] | None = None
        self.var_: NDArray[np.floating[Any]] | None = None
        self.scale_: NDArray[np.floating[Any]] | None = None

    def _check(self, X: ArrayLike, name: str, owner: str) -> NDArray[np.floating[Any]]:
        array = as_array(X, name, owner)
        if array.ndim != 2 or array.shape[0] == 0:
            raise ValueError(
                f"{owner}: {name} has shape {array.shape}; expected a non-empty 2-d array "
                "(n_samples, n_features)"
            )
        return array

    def fit(self, X: ArrayLike) -> StandardScaler:
        """Compute the mean and scale of each column of ``X``; return ``self``."""
        array = self._check(X, "X", "StandardScaler.fit")
        mean = array.mean(axis=0)
        var = array.var(axis=0)
        std = np.sqrt(var)
        tiny = 10 * np.finfo(array.dtype).eps * np.maximum(1.0, np.abs(mean))
        self.mean_, self.var_ = mean, var
        self.scale_ = np.where(std <= tiny, 1.0, std).astype(array.dtype)
        return self

    def _fitted(self, owner: str) -> tuple[NDArray[np.floating[Any]], NDArray[np.floating[Any]]]:
        if self.mean_ is None or self.scale_ is None:
            raise RuntimeError(f"{owner} was called before fit; call fit(X_train) first")
        return self.mean_, self.scale_

    def _check_features(self, X: ArrayLike, owner: str) -> NDArray[np.floating[Any]]:
        mean, _ = self._fitted(owner)
        array = self._check(X, "X", owner)
        if array.shape[1] != mean.shape[0]:
            raise ValueError(
                f"{owner}: X has {array.shape[1]} features; expected {mean.shape[0]}, as in fit"
            )
        return array

    def transform(self, X: ArrayLike) -> NDArray[np.floating[Any]]:
        r"""Return :math:`(X - \mu)/s` with the statistics from :meth:`fit`."""
        array = self._check_features(X, "StandardScaler.transform")
        mean, scale = self._fitted("StandardScaler.transform")
        result: NDArray[np.floating[Any]] = ((array - mean) / scale).astype(array.dtype)
        return result

    def fit_transform(self, X: ArrayLike) -> NDArray[np.floating[Any]]:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X: ArrayLike) -> NDArray[np.floating[Any]]:
        r"""Undo :meth:`transform`: :math:`X s + \mu`."""
        array = self._check_features(X, "StandardScaler.inverse_transform")
        mean, scale = self._fitted("StandardScaler.inverse_transform")
        result: NDArray[np.floating[Any]] = (array * scale + mean).astype(array.dtype)
        return result
