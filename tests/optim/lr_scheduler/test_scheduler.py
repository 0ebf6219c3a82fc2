"""Tests of ``LRScheduler`` (the base) and ``LambdaLR``."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.optim import SGD, Adam
from nnlib.optim.lr_scheduler import ExponentialLR, LambdaLR, LinearLR, LRScheduler, StepLR
from tests.conftest import SYMPY_RTOL


def make_optimizer(*lrs: float) -> SGD:
    return SGD([{"params": [Parameter(np.zeros(1))], "lr": lr} for lr in lrs])


def sequence(scheduler: LRScheduler, epochs: int) -> np.ndarray:
    """get_last_lr() after construction and after each of ``epochs`` steps."""
    values = [scheduler.get_last_lr()]
    for _ in range(epochs):
        scheduler.optimizer.step()
        scheduler.step()
        values.append(scheduler.get_last_lr())
    return np.array(values)


def test_construction_records_initial_lr_and_counts_as_epoch_zero() -> None:
    opt = make_optimizer(0.1, 0.2)
    scheduler = LambdaLR(opt, lambda epoch: 0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.2]
    assert scheduler.base_lrs == [0.1, 0.2]
    assert scheduler.last_epoch == 0
    assert [g["lr"] for g in opt.param_groups] == [0.05, 0.1]


def test_lambda_schedule_is_initial_lr_times_the_function() -> None:
    def factor(epoch: int) -> float:
        return 1.0 / (1.0 + epoch) ** 0.5

    got = sequence(LambdaLR(make_optimizer(0.3), factor), 12)
    np.testing.assert_allclose(got[:, 0], [0.3 * factor(t) for t in range(13)], rtol=SYMPY_RTOL)


def test_one_lambda_per_group() -> None:
    scheduler = LambdaLR(make_optimizer(1.0, 2.0), [lambda t: 0.5**t, lambda t: 1.0 + t])
    got = sequence(scheduler, 3)
    np.testing.assert_allclose(got, [[1.0, 2.0], [0.5, 4.0], [0.25, 6.0], [0.125, 8.0]])


def test_get_last_lr_returns_a_copy() -> None:
    scheduler = LambdaLR(make_optimizer(0.1), lambda t: 1.0)
    scheduler.get_last_lr()[0] = 5.0
    assert scheduler.get_last_lr() == [0.1]


def test_schedulers_chain_multiplicatively() -> None:
    # Each chainable step multiplies the current lr, so warm-up and decay compose:
    # lr_t = lr_0 * warm-up factor(t) * 0.9^t.
    opt = make_optimizer(1.0)
    warmup, decay = LinearLR(opt, start_factor=0.5, total_iters=4), ExponentialLR(opt, 0.9)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(8):
        opt.step()
        warmup.step()
        decay.step()
        lrs.append(opt.param_groups[0]["lr"])
    expected = [(0.5 + 0.5 * min(t, 4) / 4) * 0.9**t for t in range(9)]
    np.testing.assert_allclose(lrs, expected, rtol=SYMPY_RTOL)


def test_existing_initial_lr_is_kept() -> None:
    opt = make_optimizer(0.1)
    opt.param_groups[0]["initial_lr"] = 0.4
    scheduler = StepLR(opt, step_size=2)
    assert scheduler.base_lrs == [0.4]


def test_state_dict_round_trip_continues_identically() -> None:
    opt = Adam([Parameter(np.zeros(2))], lr=0.1)
    scheduler = StepLR(opt, step_size=3, gamma=0.5)
    for _ in range(4):
        opt.step()
        scheduler.step()
    saved_opt, saved = opt.state_dict(), scheduler.state_dict()
    fresh_opt = Adam([Parameter(np.zeros(2))], lr=0.1)
    fresh = StepLR(fresh_opt, step_size=1, gamma=0.9)
    fresh_opt.load_state_dict(saved_opt)
    fresh.load_state_dict(saved)
    assert (fresh.step_size, fresh.gamma, fresh.last_epoch) == (3, 0.5, 4)
    for _ in range(6):
        for o, s in ((opt, scheduler), (fresh_opt, fresh)):
            o.step()
            s.step()
        assert fresh.get_last_lr() == scheduler.get_last_lr()


class Halving:
    """A callable object: its attributes are part of LambdaLR's state_dict."""

    def __init__(self) -> None:
        self.base = 0.5

    def __call__(self, epoch: int) -> float:
        return self.base**epoch


def test_lambda_state_dict_skips_functions_and_keeps_object_attributes() -> None:
    halving = Halving()
    scheduler = LambdaLR(make_optimizer(1.0, 1.0), [lambda t: 1.0, halving])
    halving.base = 0.25
    saved = scheduler.state_dict()
    assert saved["lr_lambdas"] == [None, {"base": 0.25}]
    other = Halving()
    restored = LambdaLR(make_optimizer(1.0, 1.0), [lambda t: 1.0, other])
    restored.load_state_dict(saved)
    assert other.base == 0.25
    assert restored.last_epoch == scheduler.last_epoch


def test_load_state_dict_refuses_unknown_keys() -> None:
    scheduler = StepLR(make_optimizer(0.1), step_size=2)
    with pytest.raises(ValueError, match=r"StepLR.load_state_dict: unexpected keys \['T_max'\]"):
        scheduler.load_state_dict({"T_max": 3})


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(TypeError, match="StepLR: optimizer is a list; expected an nnlib.optim"):
        StepLR([], step_size=2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"LambdaLR: got 1 lr_lambdas; expected one per .* \(2\)"):
        LambdaLR(make_optimizer(0.1, 0.2), [lambda t: 1.0])
    with pytest.raises(TypeError, match="LambdaLR: lr_lambda 0.5 is not callable"):
        LambdaLR(make_optimizer(0.1), 0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"LambdaLR: lr_lambda\(0\) = -1.0 is out of range"):
        LambdaLR(make_optimizer(0.1), lambda t: -1.0)
    with pytest.raises(NotImplementedError, match="LRScheduler does not implement get_lr"):
        LRScheduler(make_optimizer(0.1))


@pytest.mark.parametrize(
    ("build", "name", "value", "message"),
    [
        (lambda o: StepLR(o, 2), "gamma", 0.0, r"StepLR: gamma = 0.0 is out of range"),
        (lambda o: StepLR(o, 2), "step_size", 0, r"StepLR: step_size = 0 is out of range"),
        (lambda o: ExponentialLR(o, 0.5), "gamma", -1.0, r"ExponentialLR: gamma = -1.0 is out"),
        (lambda o: LinearLR(o), "end_factor", 2.0, r"LinearLR: end_factor = 2.0 is out of range"),
    ],
    ids=["StepLR.gamma", "StepLR.step_size", "ExponentialLR.gamma", "LinearLR.end_factor"],
)
def test_an_option_assigned_after_construction_is_checked(build, name, value, message) -> None:
    scheduler = build(make_optimizer(0.1))
    before = getattr(scheduler, name)
    with pytest.raises(ValueError, match=message):
        setattr(scheduler, name, value)
    assert getattr(scheduler, name) == before
