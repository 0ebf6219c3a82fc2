r"""Evaluation helpers: ``predict`` in eval mode, ``accuracy`` and ``confusion_matrix``."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._validation import check_int
from nnlib.module import Module

__all__ = ["accuracy", "confusion_matrix", "predict", "predicted_labels"]


def predicted_labels(output: ArrayLike, owner: str = "predicted_labels") -> NDArray[np.int64]:
    r"""Class labels from a model's output.

    * scores (logits or probabilities) of shape ``(N, C)`` with
      :math:`C \ge 2`: the arg-max of each row;
    * floating ``(N,)`` or ``(N, 1)``: binary logits, label
      :math:`[\,z > 0\,]` (the class whose sigmoid probability exceeds 1/2);
    * integer ``(N,)``: already labels, returned as int64.

    Examples
    --------
    >>> import numpy as np
    >>> predicted_labels(np.array([[0.1, 2.0], [3.0, -1.0]])).tolist()
    [1, 0]
    >>> predicted_labels(np.array([-0.5, 0.5])).tolist()
    [0, 1]
    """
    array: NDArray[Any] = np.asarray(output)
    kind = array.dtype.kind
    labels: NDArray[np.int64]
    if kind in "iu" and array.ndim == 1:
        labels = array.astype(np.int64)
    elif kind == "f" and array.ndim == 2 and array.shape[1] >= 2:
        labels = np.argmax(array, axis=1).astype(np.int64)
    elif kind == "f" and (array.ndim == 1 or (array.ndim == 2 and array.shape[1] == 1)):
        labels = (array.reshape(-1) > 0).astype(np.int64)
    else:
        raise ValueError(
            f"{owner}: output has shape {array.shape} and dtype {array.dtype}; expected scores "
            "(N, C), binary logits (N,) or (N, 1), or integer labels (N,)"
        )
    return labels


def _labels_pair(
    output: ArrayLike, target: ArrayLike, owner: str
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    predicted = predicted_labels(output, owner)
    true = np.asarray(target)
    if true.dtype.kind not in "iu" or true.ndim != 1:
        raise ValueError(
            f"{owner}: target has shape {true.shape} and dtype {true.dtype}; expected integer "
            "class labels of shape (N,)"
        )
    if true.shape != predicted.shape:
        raise ValueError(
            f"{owner}: {len(predicted)} predictions but {len(true)} targets; expected the same N"
        )
    return predicted, true.astype(np.int64)


def accuracy(output: ArrayLike, target: ArrayLike) -> float:
    r"""Fraction of correct predictions, :math:`\frac1N\sum_n [\hat y_n = y_n]`.

    Parameters
    ----------
    output : array_like
        Scores ``(N, C)``, binary logits ``(N,)``/``(N, 1)`` or labels
        ``(N,)``; see :func:`predicted_labels`.
    target : array_like of int, shape (N,)

    Returns
    -------
    float
        In :math:`[0, 1]`; NaN-free (an empty batch is an error).

    Examples
    --------
    >>> import numpy as np
    >>> accuracy(np.array([[2.0, 1.0], [0.0, 1.0], [5.0, 0.0]]), np.array([0, 1, 1]))
    0.6666666666666666
    """
    predicted, true = _labels_pair(output, target, "accuracy")
    if len(true) == 0:
        raise ValueError("accuracy: no samples; expected at least one")
    return float(np.mean(predicted == true))


def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, num_classes: int | None = None
) -> NDArray[np.int64]:
    r"""Counts :math:`M_{ij}` of samples of true class :math:`i` predicted as class :math:`j`.

    Parameters
    ----------
    y_true : array_like of int, shape (N,)
    y_pred : array_like
        Labels ``(N,)`` or scores/logits, converted by :func:`predicted_labels`.
    num_classes : int, optional
        :math:`C`; by default one more than the largest label seen.

    Returns
    -------
    numpy.ndarray of int64, shape (C, C)
        Rows are true classes, columns predicted classes (scikit-learn's
        convention); the diagonal holds the correct predictions and
        ``M.sum()`` is :math:`N`.

    Notes
    -----
    Computed in one pass with ``np.bincount(C * y_true + y_pred)``.
    Differences from scikit-learn: classes are the integers
    :math:`0..C-1` (no ``labels``), no ``normalize``.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    owner = "confusion_matrix"
    predicted, true = _labels_pair(y_pred, y_true, owner)
    largest = int(max(predicted.max(initial=-1), true.max(initial=-1)))
    count = (
        largest + 1 if num_classes is None else check_int(num_classes, "num_classes", owner, low=1)
    )
    if min(predicted.min(initial=0), true.min(initial=0)) < 0 or largest >= count:
        raise ValueError(
            f"{owner}: labels must lie in [0, {count}); got values from "
            f"{int(min(predicted.min(initial=0), true.min(initial=0)))} to {largest}"
        )
    counts = np.bincount(count * true + predicted, minlength=count * count)
    return counts.reshape(count, count).astype(np.int64)


def predict(model: Module, input: ArrayLike, batch_size: int | None = None) -> Any:
    """Run ``model`` on ``input`` in evaluation mode, restoring every module's mode afterwards.

    Parameters
    ----------
    model : Module
    input : array_like, shape (N, ...)
    batch_size : int, optional
        Evaluate in slices of this many rows (to bound memory); by default
        all at once.

    Returns
    -------
    numpy.ndarray
        The outputs, concatenated along the first axis.

    Notes
    -----
    Evaluation mode matters for layers such as ``Dropout`` (the identity in
    eval mode). Differences from PyTorch: there is no ``torch.no_grad``;
    nnlib computes no gradients unless ``backward`` is called.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib.layers import Dropout
    >>> predict(Dropout(0.5), np.ones(3))
    array([1., 1., 1.])
    """
    if not isinstance(model, Module):
        raise TypeError(f"predict: model is a {type(model).__name__}; expected a Module")
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        if batch_size is None:
            return model(input)
        size = check_int(batch_size, "batch_size", "predict", low=1)
        array = np.asarray(input)
        parts = [model(array[start : start + size]) for start in range(0, len(array), size)]
        return np.concatenate(parts, axis=0)
    finally:
        for module, mode in modes:  # parents come first, so each ends in its own mode
            module.train(mode)
