r"""``fit``: the mini-batch training loop, with validation, metrics and early stopping."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlib._validation import NonFiniteError, check_int, first_nonfinite
from nnlib.module import Module
from nnlib.parameter import Parameter
from nnlib.train._checks import Metric, check_fit_arguments, clipper
from nnlib.train.checkpoint import Progress, read_checkpoint, write_checkpoint
from nnlib.train.history import History
from nnlib.train.metrics import predict

__all__ = ["History", "fit"]


def fit(
    model: Module,
    loss_fn: Module,
    optimizer: Any,
    train_loader: Iterable[tuple[ArrayLike, ArrayLike]],
    *,
    epochs: int,
    val_data: tuple[ArrayLike, ArrayLike] | None = None,
    metrics: Mapping[str, Metric] | None = None,
    early_stopping: int | None = None,
    scheduler: Any = None,
    progress: bool = False,
    checkpoint_path: str | os.PathLike[str] | None = None,
    checkpoint_every: int = 1,
    resume_from: str | os.PathLike[str] | None = None,
    clip_grad_norm: float | None = None,
    clip_grad_value: float | None = None,
) -> History:
    r"""Train ``model`` by mini-batch gradient descent; return the per-epoch :class:`History`.

    Parameters
    ----------
    model : Module
        Put in training mode for each epoch; its parameters keep their dtype.
    loss_fn : Module
        A loss with ``reduction='mean'`` or ``'sum'``, called as
        ``loss_fn(output, target)``; its ``backward()`` gives
        :math:`\partial L/\partial\,\text{output}`.
    optimizer : Optimizer
        Over ``model.parameters()``; ``zero_grad`` and ``step`` run once per batch.
    train_loader : iterable of (inputs, targets)
        Re-iterated every epoch, e.g. a :class:`~nnlib.data.DataLoader`.
    epochs : int
        Maximum number of passes over ``train_loader``.
    val_data : (inputs, targets), optional
        Evaluated after every epoch in eval mode (one forward pass).
    metrics : mapping of str to callable, optional
        ``fn(output, target) -> float``, e.g. ``{"accuracy": accuracy}``;
        applied to the epoch's training outputs and to the validation outputs.
    early_stopping : int, optional
        Patience: stop when the validation loss has not decreased for this
        many epochs, then **restore the weights of the best epoch**. Needs
        ``val_data``.
    scheduler : learning-rate scheduler, optional
        Its ``step()`` is called after each epoch.
    progress : bool, default False
        Print one line per epoch to standard error (a bar, losses, metrics).
    checkpoint_path : str or path-like, optional
        Write a checkpoint of the whole run to this file (with
        :func:`~nnlib.serialization.save`, atomically, replacing the previous one) after
        every ``checkpoint_every``-th epoch and after the last epoch run.
    checkpoint_every : int, default 1
        How many epochs between checkpoints.
    resume_from : str or path-like, optional
        A checkpoint written by ``fit``: restore it into ``model``,
        ``optimizer`` and ``scheduler`` (built as for the original run), then
        continue with the epoch after it, up to ``epochs`` in all. The
        returned history includes the epochs before the checkpoint.
    clip_grad_norm : float, optional
        Clip the gradients of ``model.parameters()`` after each backward
        pass, before ``optimizer.step()``, with
        :func:`~nnlib.utils.clip_grad_norm_` (2-norm, this ``max_norm``).
    clip_grad_value : float, optional
        Clamp each gradient entry to ``[-clip_grad_value, clip_grad_value]``
        at the same point, with :func:`~nnlib.utils.clip_grad_value_`. At
        most one of the two clipping options may be given.

    Returns
    -------
    History

    Raises
    ------
    TypeError, ValueError
        For arguments of the wrong kind, a batch that is not a pair, or an
        empty loader.
    FloatingPointError
        If training diverges: a loss, a gradient or a parameter becomes NaN
        or infinite (lower the learning rate). An error raised for another
        reason while the parameters and gradients are finite (a bad batch, a
        bug in a custom module) propagates unchanged; so do NumPy's warnings,
        which ``fit`` leaves as warnings.

    Notes
    -----
    One step on a batch :math:`B` is: ``zero_grad``; forward;
    :math:`L_B`; backward of the loss then of the model (which accumulates
    every :math:`\partial L_B/\partial\theta`, and skips the gradient with
    respect to the batch itself, which nothing uses: the model's optional
    hook ``_backward_parameters``); clipping, if asked for; ``optimizer.step()``.
    The work per step is a fixed number of array operations, independent of
    the batch size: there is no Python loop over samples. The epoch's
    training loss is the per-sample mean,
    :math:`\sum_B |B|\,L_B / \sum_B |B|` for ``'mean'``.

    Divergence is detected from what it produces, at no cost per step: a
    non-finite loss; an error during a step (the optimizer refusing a
    non-finite gradient, the loss refusing a non-finite output) while a
    gradient, a parameter or the model's output is non-finite; and a scan of
    the parameters after each epoch.

    **Checkpoints.** A checkpoint holds the epoch, the model's, the
    optimizer's and the scheduler's ``state_dict()``, the history, the
    early-stopping state, the default generator's state
    (:func:`~nnlib.get_rng_state`, which dropout masks and shuffling draw
    from when built without ``rng``), and the state of every generator of
    its own (``rng=``) that ``train_loader`` or a module of the model holds
    as ``generator``. So a run resumed from it in a fresh process ends with
    the same weights, bit for bit, as the uninterrupted run. The file is a
    nested dict; ``nnlib.load(path)["model"]`` is the model's state dict.

    Differences from PyTorch: PyTorch has no ``fit``; this is the loop its
    tutorials write by hand, packaged. Keras's ``fit`` is the model for the
    names (``history``, early-stopping patience with best-weight restoring).

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib.data import DataLoader
    >>> from nnlib.layers import Linear
    >>> from nnlib.losses import MSELoss
    >>> from nnlib.optim import SGD
    >>> X = np.linspace(-1, 1, 32)[:, None]; y = 3 * X - 1
    >>> model = Linear(1, 1, rng=0)
    >>> history = fit(model, MSELoss(), SGD(model.parameters(), lr=0.5),
    ...               DataLoader(X, y, batch_size=8), epochs=20)
    >>> history["train_loss"][-1] < 1e-6, round(float(model.weight.data[0, 0]), 4)
    (True, 3.0)
    """
    owner = "fit"
    epochs = check_int(epochs, "epochs", owner, low=1)
    reduction, metric_fns, val = check_fit_arguments(model, loss_fn, optimizer, val_data, metrics)
    patience = None
    if early_stopping is not None:
        patience = check_int(early_stopping, "early_stopping", owner, low=1)
        if val is None:
            raise ValueError(f"{owner}: early_stopping needs val_data to monitor")
    every = check_int(checkpoint_every, "checkpoint_every", owner, low=1)
    clip = clipper(clip_grad_norm, clip_grad_value)
    run = Progress()
    if resume_from is not None:
        run = read_checkpoint(resume_from, model, optimizer, scheduler, train_loader)
    history, best_state = run.history, run.best_state
    best_loss, waited = run.best_loss, run.waited
    first = epochs + 1 if history.stopped_epoch is not None else run.epoch + 1
    for epoch in range(first, epochs + 1):
        start = time.perf_counter()
        train_loss, outputs, targets = _train_epoch(
            model, loss_fn, optimizer, train_loader, reduction, bool(metric_fns), epoch, clip
        )
        history._record("train_loss", train_loss)
        for name, fn in metric_fns.items():
            value = fn(np.concatenate(outputs), np.concatenate(targets))
            history._record(f"train_{name}", float(value))
        if val is not None:
            val_output = predict(model, val[0])
            val_loss = float(loss_fn(val_output, val[1]))
            history._record("val_loss", val_loss / (len(val[1]) if reduction == "sum" else 1))
            for name, fn in metric_fns.items():
                history._record(f"val_{name}", float(fn(val_output, val[1])))
            if val_loss < best_loss:
                best_loss, history.best_epoch, waited = val_loss, epoch, 0
                if patience is not None:
                    best_state = model.state_dict()
            else:
                waited += 1
        if scheduler is not None:
            scheduler.step()
        if progress:
            _print_progress(history, epoch, epochs, time.perf_counter() - start)
        stop = patience is not None and waited >= patience
        if stop:
            history.stopped_epoch = epoch
        if checkpoint_path is not None and (epoch % every == 0 or stop or epoch == epochs):
            state = Progress(epoch, history, best_loss, best_state, waited)
            write_checkpoint(checkpoint_path, model, optimizer, scheduler, train_loader, state)
        if stop:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


def _train_epoch(
    model: Module,
    loss_fn: Module,
    optimizer: Any,
    train_loader: Iterable[tuple[ArrayLike, ArrayLike]],
    reduction: str,
    keep_outputs: bool,
    epoch: int,
    clip: Callable[[list[Parameter]], Any] | None = None,
) -> tuple[float, list[Any], list[Any]]:
    """One pass over ``train_loader``: a gradient step per batch; the mean loss per sample."""
    owner = "fit"
    model.train()
    params = list(model.parameters()) if clip is not None else []
    total, count = 0.0, 0
    outputs: list[Any] = []
    targets: list[Any] = []
    for batch in train_loader:
        if len(batch) != 2:
            raise ValueError(f"{owner}: train_loader yielded {len(batch)} arrays; expected (x, y)")
        inputs, target = batch
        output = None
        try:
            optimizer.zero_grad()
            output = model(inputs)
            loss = float(loss_fn(output, target))
            if math.isfinite(loss):
                model._backward_parameters(loss_fn.backward(1.0))  # none for the batch
                if clip is not None:
                    clip(params)
                optimizer.step()
        except ValueError as error:  # such as a non-finite gradient or activation
            problem = _nonfinite(model, output)
            if problem is None and isinstance(error, NonFiniteError) and _finite(inputs):
                problem = str(error)  # a value this step computed from finite ones
            if problem is None:  # not divergence: the error speaks for itself
                raise
            raise _diverged(epoch, problem) from error
        if not math.isfinite(loss):
            raise _diverged(epoch, f"the loss is {loss}")
        target_array = np.asarray(target)
        size = len(target_array) if target_array.ndim else 1
        total += loss * size if reduction == "mean" else loss
        count += size
        if keep_outputs:
            outputs.append(output)
            targets.append(target)
    problem = _nonfinite(model, None)
    if problem is not None:
        raise _diverged(epoch, problem)
    if count == 0:
        raise ValueError(f"{owner}: train_loader yielded no samples; expected at least one")
    return total / count, outputs, targets


def _nonfinite(model: Module, output: Any) -> str | None:
    """``None`` if the parameters, gradients and ``output`` are finite, else what is not.

    An ``output`` that overflowed from a finite batch (the model checked it)
    is divergence too: the weights have grown too large.
    """
    for name, param in model.named_parameters():
        for what, array in (("parameter", param.data), ("gradient of", param.grad)):
            problem = None if array is None else first_nonfinite(array)
            if problem is not None:
                return f"the {what} {name!r} holds {problem}"
    if isinstance(output, np.ndarray) and output.dtype.kind == "f":
        problem = first_nonfinite(output)
        if problem is not None:
            return f"the model's output holds {problem}"
    return None


def _finite(inputs: Any) -> bool:
    """Whether a batch's inputs are finite (non-numeric inputs are the model's business)."""
    array = np.asarray(inputs)
    return array.dtype.kind not in "fc" or first_nonfinite(array) is None


def _diverged(epoch: int, problem: str) -> FloatingPointError:
    """The error that reports divergence, saying what became non-finite."""
    return FloatingPointError(
        f"fit: training diverged in epoch {epoch} ({problem}); try a smaller learning rate"
    )


def _print_progress(history: History, epoch: int, epochs: int, seconds: float) -> None:
    """One plain-text line per epoch on standard error."""
    width = 20
    done = round(width * epoch / epochs)
    bar = "#" * done + "-" * (width - done)
    values = "  ".join(f"{key} {values[-1]:.4f}" for key, values in history.history.items())
    digits = len(str(epochs))
    print(
        f"epoch {epoch:>{digits}}/{epochs} [{bar}] {values}  ({seconds:.2f} s)",
        file=sys.stderr,
        flush=True,
    )
