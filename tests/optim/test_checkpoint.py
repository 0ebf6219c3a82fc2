"""Every optimizer and scheduler resumes bit for bit from a checkpoint written by nnlib.save."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nnlib
from nnlib import Parameter
from nnlib.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from nnlib.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    MultiStepLR,
    StepLR,
)

OPTIMIZERS: dict[str, Callable[[list[Parameter]], Optimizer]] = {
    "SGD momentum": lambda p: SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01),
    "SGD nesterov": lambda p: SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "Adagrad": lambda p: Adagrad(p, lr=0.1, lr_decay=0.01),
    "RMSprop centered": lambda p: RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    "Adam": lambda p: Adam(p, lr=0.1, betas=(0.8, 0.99)),
    "Adam amsgrad": lambda p: Adam(p, lr=0.1, amsgrad=True),
    "AdamW amsgrad": lambda p: AdamW(p, lr=0.1, amsgrad=True),
}
SCHEDULERS: dict[str, Callable[[Optimizer], LRScheduler]] = {
    "CosineAnnealingLR": lambda o: CosineAnnealingLR(o, T_max=6, eta_min=0.001),
    "StepLR": lambda o: StepLR(o, step_size=2, gamma=0.5),
    "MultiStepLR": lambda o: MultiStepLR(o, milestones=[1, 4], gamma=0.3),
    "ExponentialLR": lambda o: ExponentialLR(o, gamma=0.9),
    "LinearLR": lambda o: LinearLR(o, start_factor=0.2, total_iters=4),
    "LambdaLR": lambda o: LambdaLR(o, lambda epoch: 1.0 / (1 + epoch)),
}


def _setup(optimizer: str, scheduler: str) -> tuple[list[Parameter], Optimizer, LRScheduler]:
    params = [Parameter(np.array([1.0, -2.0, 0.5])), Parameter(np.array([[0.3], [0.0]]))]
    opt = OPTIMIZERS[optimizer]([{"params": params[:1]}, {"params": params[1:], "lr": 0.05}])
    return params, opt, SCHEDULERS[scheduler](opt)


def _train(params: list[Parameter], opt: Optimizer, sched: LRScheduler, steps: range) -> None:
    for step in steps:  # a non-quadratic loss, with gradients that depend on the step
        for param in params:
            param.grad = np.sin(3 * param.data) + 0.1 * step
        opt.step()
        sched.step()


@pytest.mark.parametrize("scheduler", SCHEDULERS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_resume_from_a_file_is_bit_identical(
    tmp_path: Path, optimizer: str, scheduler: str
) -> None:
    params, opt, sched = _setup(optimizer, scheduler)
    _train(params, opt, sched, range(6))

    params2, opt2, sched2 = _setup(optimizer, scheduler)
    _train(params2, opt2, sched2, range(3))
    path = tmp_path / "run.npz"
    nnlib.save(
        {
            "params": [p.data for p in params2],
            "optimizer": opt2.state_dict(),
            "scheduler": sched2.state_dict(),
        },
        path,
    )
    checkpoint = nnlib.load(path)
    params3, opt3, sched3 = _setup(optimizer, scheduler)  # fresh objects
    for param, value in zip(params3, checkpoint["params"], strict=True):
        param.data[...] = value
    opt3.load_state_dict(checkpoint["optimizer"])
    sched3.load_state_dict(checkpoint["scheduler"])
    _train(params3, opt3, sched3, range(3, 6))
    for a, b in zip(params, params3, strict=True):
        assert np.array_equal(a.data, b.data)
    assert sched3.get_last_lr() == sched.get_last_lr()
    assert _same_types(opt3.state_dict(), opt.state_dict())


def _same_types(a: Any, b: Any) -> bool:
    """Same structure and types (a tuple stays a tuple, an int an int) and equal values."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    return bool(a == b)


def test_a_step_count_stored_as_a_0d_array_is_accepted(tmp_path: Path) -> None:
    params, opt, sched = _setup("Adam", "StepLR")
    _train(params, opt, sched, range(2))
    state = opt.state_dict()
    for values in state["state"].values():
        values["step"] = np.array(values["step"])  # as a flat array file would give it
    fresh = _setup("Adam", "StepLR")[1]
    fresh.load_state_dict(state)
    assert all(type(values["step"]) is int for values in fresh.state.values())
    state["state"][0]["step"] = np.array([1, 2])
    with pytest.raises(
        ValueError, match=r"state\[0\]\['step'\] has shape \(2,\); expected an int"
    ):
        fresh.load_state_dict(state)
