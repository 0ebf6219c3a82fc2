"""Tests of fit's checkpoints: a run resumed in fresh objects ends bit for bit as the whole run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nnlib
from nnlib.activations import ReLU
from nnlib.data import DataLoader
from nnlib.layers import Dropout, Linear, Sequential
from nnlib.losses import CrossEntropyLoss
from nnlib.optim import SGD, AdamW
from nnlib.optim.lr_scheduler import CosineAnnealingLR
from nnlib.train import History, fit
from nnlib.train import checkpoint as checkpoint_module
from nnlib.train import loop as loop_module

_data = np.random.default_rng(0)
X = _data.standard_normal((60, 5))
Y = (X[:, 0] + X[:, 1] > 0).astype(np.intp) + (X[:, 2] > 1).astype(np.intp)
VAL = (X[:12] + 0.1, Y[:12])


def _run(own_rng: bool, seed: int) -> tuple[Sequential, Any, Any, DataLoader]:
    """A run's objects; with own_rng the loader and dropout have generators of their own."""
    nnlib.manual_seed(seed)
    model = Sequential(
        Linear(5, 16), ReLU(), Dropout(0.3, rng=2 if own_rng else None), Linear(16, 3)
    )
    optimizer = AdamW(model.parameters(), lr=0.01)
    scheduler = CosineAnnealingLR(optimizer, T_max=6)
    loader = DataLoader(X, Y, batch_size=16, shuffle=True, rng=1 if own_rng else None)
    return model, optimizer, scheduler, loader


def _fit(objects: tuple[Any, ...], epochs: int, **kwargs: Any) -> History:
    model, optimizer, scheduler, loader = objects
    return fit(
        model, CrossEntropyLoss(), optimizer, loader, epochs=epochs, scheduler=scheduler,
        val_data=VAL, early_stopping=10, **kwargs,
    )  # fmt: skip


def _weights(model: Sequential) -> list[np.ndarray]:
    return [p.data for p in model.parameters()]


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("own_rng", [False, True], ids=["default generator", "rng="])
def test_resume_in_fresh_objects_is_bit_identical(tmp_path: Path, own_rng: bool) -> None:
    whole = _run(own_rng, seed=0)
    expected = _fit(whole, 6)
    path = tmp_path / "run.npz"
    _fit(_run(own_rng, seed=0), 3, checkpoint_path=path)  # interrupted after epoch 3
    assert nnlib.load(path)["epoch"] == 3
    fresh = _run(own_rng, seed=12345)  # another seed: only the checkpoint can make it agree
    resumed = _fit(fresh, 6, resume_from=path)
    assert _same(_weights(fresh[0]), _weights(whole[0]))
    assert resumed.history == expected.history and resumed.best_epoch == expected.best_epoch
    assert fresh[2].get_last_lr() == whole[2].get_last_lr()


@pytest.mark.parametrize("own_rng", [False, True], ids=["default generator", "rng="])
def test_without_the_random_states_the_resumed_run_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_rng: bool
) -> None:
    whole = _run(own_rng, seed=0)
    _fit(whole, 6)
    path = tmp_path / "run.npz"
    _fit(_run(own_rng, seed=0), 3, checkpoint_path=path)
    forget = "set_generator_state" if own_rng else "set_rng_state"
    monkeypatch.setattr(checkpoint_module, forget, lambda *args: None)
    fresh = _run(own_rng, seed=12345)
    _fit(fresh, 6, resume_from=path)
    assert not _same(_weights(fresh[0]), _weights(whole[0]))


def test_checkpoints_every_k_epochs_and_after_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[int] = []
    original = loop_module.write_checkpoint

    def spy(path: Any, *args: Any) -> None:
        written.append(args[-1].epoch)
        original(path, *args)

    monkeypatch.setattr(loop_module, "write_checkpoint", spy)
    path = tmp_path / "run.npz"
    _fit(_run(False, 0), 5, checkpoint_path=path, checkpoint_every=2)
    assert written == [2, 4, 5]
    model = _run(False, 1)
    history = _fit(model, 5, resume_from=path)  # nothing left to do
    assert written == [2, 4, 5] and history.epochs == 5


def test_early_stopping_state_survives_a_resume(tmp_path: Path) -> None:
    noisy_val = (X[:12], _data.permutation(Y[:12]))  # labels unrelated to the inputs

    def run(epochs: int, seed: int, **kwargs: Any) -> tuple[Sequential, History]:
        model, optimizer, scheduler, loader = _run(False, seed)
        history = fit(
            model, CrossEntropyLoss(), optimizer, loader, epochs=epochs, val_data=noisy_val,
            early_stopping=2, scheduler=scheduler, **kwargs,
        )  # fmt: skip
        return model, history

    model, whole = run(40, 0)
    assert whole.stopped_epoch is not None and whole.best_epoch is not None
    path = tmp_path / "run.npz"
    run(whole.best_epoch + 1, 0, checkpoint_path=path)  # one epoch past the best
    resumed_model, resumed = run(40, 5, resume_from=path)
    assert (resumed.stopped_epoch, resumed.best_epoch) == (whole.stopped_epoch, whole.best_epoch)
    assert _same(_weights(resumed_model), _weights(model))  # the best weights, restored


def test_bad_checkpoints_and_arguments(tmp_path: Path) -> None:
    path = tmp_path / "run.npz"
    _fit(_run(False, 0), 1, checkpoint_path=path)
    model, optimizer, _, loader = _run(False, 0)
    with pytest.raises(ValueError, match=r"fit: the checkpoint was written with a scheduler"):
        fit(model, CrossEntropyLoss(), optimizer, loader, epochs=2, resume_from=path)
    with pytest.raises(ValueError, match=r"generators of their own .* for \[\]; this run has "
                       r"them for \['model.2', 'train_loader'\]"):  # fmt: skip
        _fit(_run(True, 0), 2, resume_from=path)
    nnlib.save(model, tmp_path / "weights.npz")
    with pytest.raises(ValueError, match=r"is not a checkpoint written by fit"):
        _fit(_run(False, 0), 2, resume_from=tmp_path / "weights.npz")
    with pytest.raises(ValueError, match=r"checkpoint_every"):
        _fit(_run(False, 0), 2, checkpoint_path=path, checkpoint_every=0)

    class Plain:
        def __init__(self) -> None:
            self.inner = SGD(model.parameters(), lr=0.1)

        def zero_grad(self) -> None:
            self.inner.zero_grad()

        def step(self) -> None:
            self.inner.step()

    with pytest.raises(TypeError, match=r"the optimizer \(Plain\) has no state_dict"):
        fit(model, CrossEntropyLoss(), Plain(), loader, epochs=1, checkpoint_path=path)


def test_batchnorm_running_statistics_survive_a_resume(tmp_path: Path) -> None:
    from nnlib.layers import BatchNorm1d

    def run(seed: int) -> tuple[Any, ...]:
        nnlib.manual_seed(seed)
        model = Sequential(Linear(5, 8), BatchNorm1d(8), ReLU(), Linear(8, 3))
        loader = DataLoader(X, Y, batch_size=16, shuffle=True, rng=1)
        return model, SGD(model.parameters(), lr=0.1), None, loader

    whole = run(0)
    _fit(whole, 4)
    path = tmp_path / "run.npz"
    _fit(run(0), 2, checkpoint_path=path)
    saved = nnlib.load(path)["model"]
    assert int(saved["1.num_batches_tracked"]) == 2 * 4  # 60 samples in batches of 16
    fresh = run(7)
    _fit(fresh, 4, resume_from=path)
    for key, value in whole[0].state_dict().items():
        np.testing.assert_array_equal(fresh[0].state_dict()[key], value)
    assert int(fresh[0][1].num_batches_tracked) == 4 * 4
