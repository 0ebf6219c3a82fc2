"""``History``: what :func:`~nnlib.train.fit` records, one entry per epoch."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History"]


@dataclass
class History:
    """What :func:`fit` recorded, one entry per epoch.

    Attributes
    ----------
    history : dict of str to list of float
        ``"train_loss"`` (mean loss per sample over the epoch's batches,
        measured while the weights were changing), ``"val_loss"`` (after the
        epoch, in eval mode), and ``"train_<name>"`` / ``"val_<name>"`` for
        each metric.
    best_epoch : int or None
        The epoch (counted from 1) with the lowest validation loss, if there
        was validation data.
    stopped_epoch : int or None
        The last epoch run when early stopping ended training, else None.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_epoch: int | None = None

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.history.get("train_loss", []))

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def _record(self, key: str, value: float) -> None:
        self.history.setdefault(key, []).append(value)
