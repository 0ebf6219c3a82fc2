r"""The checkpoint of a training run that :func:`~nnlib.train.fit` writes and resumes from."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnlib._random import get_rng_state, set_generator_state, set_rng_state
from nnlib.module import Module
from nnlib.serialization import load, save
from nnlib.train.history import History

__all__ = ["Progress", "read_checkpoint", "write_checkpoint"]

FORMAT = "nnlib.train.fit checkpoint"


@dataclass
class Progress:
    """Where a run stands after an epoch: what ``fit`` needs besides the objects' own state."""

    epoch: int = 0
    history: History = field(default_factory=History)
    best_loss: float = math.inf
    best_state: dict[str, Any] | None = None
    waited: int = 0


def _own_generators(model: Module, loader: Any) -> dict[str, Any]:
    """The states of the generators of their own (``rng=``) in the loader and the model."""
    found: dict[str, Any] = {}
    generator = getattr(loader, "generator", None)
    if isinstance(generator, np.random.Generator):
        found["train_loader"] = generator
    for name, module in model.named_modules("model"):
        generator = getattr(module, "generator", None)
        if isinstance(generator, np.random.Generator):
            found[name] = generator
    return found


def _check_stateful(optimizer: Any, scheduler: Any) -> None:
    for what, value in (("optimizer", optimizer), ("scheduler", scheduler)):
        if value is not None and not all(
            callable(getattr(value, m, None)) for m in ("state_dict", "load_state_dict")
        ):
            raise TypeError(
                f"fit: the {what} ({type(value).__name__}) has no state_dict() and "
                "load_state_dict(); checkpoints need them"
            )


def write_checkpoint(
    path: str | os.PathLike[str],
    model: Module,
    optimizer: Any,
    scheduler: Any,
    loader: Any,
    progress: Progress,
) -> None:
    """Save everything a bit-identical resume needs, atomically (with ``nnlib.save``)."""
    _check_stateful(optimizer, scheduler)
    history = progress.history
    save(
        {
            "format": FORMAT,
            "epoch": progress.epoch,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": None if scheduler is None else scheduler.state_dict(),
            "history": {
                "history": history.history,
                "best_epoch": history.best_epoch,
                "stopped_epoch": history.stopped_epoch,
            },
            "early_stopping": {
                "best_loss": progress.best_loss,
                "best_state": progress.best_state,
                "waited": progress.waited,
            },
            "rng": get_rng_state(),
            "generators": {
                name: generator.bit_generator.state
                for name, generator in _own_generators(model, loader).items()
            },
        },
        path,
    )


def read_checkpoint(
    path: str | os.PathLike[str], model: Module, optimizer: Any, scheduler: Any, loader: Any
) -> Progress:
    """Restore a checkpoint of :func:`write_checkpoint` into the objects; return the progress.

    Raises ``ValueError`` if the file is not such a checkpoint or does not
    fit the objects (each ``load_state_dict`` checks its part).
    """
    owner = "fit"
    _check_stateful(optimizer, scheduler)
    checkpoint = load(path)
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != FORMAT:
        raise ValueError(
            f"{owner}: {path} is not a checkpoint written by fit(checkpoint_path=...)"
        )
    if (checkpoint["scheduler"] is None) != (scheduler is None):
        raise ValueError(
            f"{owner}: the checkpoint was written {'without' if scheduler else 'with'} a "
            f"scheduler; expected the same run {'without' if scheduler else 'with'} one"
        )
    generators = _own_generators(model, loader)
    saved_generators = checkpoint["generators"]
    if set(saved_generators) != set(generators):
        raise ValueError(
            f"{owner}: the checkpoint has generators of their own (rng=...) for "
            f"{sorted(saved_generators)}; this run has them for {sorted(generators)}"
        )
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
    set_rng_state(checkpoint["rng"])
    for name, generator in generators.items():
        set_generator_state(generator, saved_generators[name], f"{owner}: generator of {name}")
    saved_history = checkpoint["history"]
    early = checkpoint["early_stopping"]
    return Progress(
        epoch=checkpoint["epoch"],
        history=History(
            history=saved_history["history"],
            best_epoch=saved_history["best_epoch"],
            stopped_epoch=saved_history["stopped_epoch"],
        ),
        best_loss=early["best_loss"],
        best_state=early["best_state"],
        waited=early["waited"],
    )
