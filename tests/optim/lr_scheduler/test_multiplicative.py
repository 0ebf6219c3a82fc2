"""Tests of ``StepLR``, ``MultiStepLR`` and ``ExponentialLR`` against their closed forms."""

from __future__ import annotations

import bisect

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.optim import SGD
from nnlib.optim.lr_scheduler import ExponentialLR, LRScheduler, MultiStepLR, StepLR
from tests.conftest import SYMPY_RTOL

EPOCHS = 40


def run(scheduler: LRScheduler) -> np.ndarray:
    values = [scheduler.get_last_lr()[0]]
    for _ in range(EPOCHS):
        scheduler.optimizer.step()
        scheduler.step()
        values.append(scheduler.get_last_lr()[0])
    return np.array(values)


def make_optimizer(lr: float = 0.2) -> SGD:
    return SGD([Parameter(np.zeros(1))], lr=lr)


@pytest.mark.parametrize(("step_size", "gamma"), [(1, 0.9), (3, 0.5), (7, 0.1), (4, 1.5)])
def test_step_matches_closed_form(step_size: int, gamma: float) -> None:
    got = run(StepLR(make_optimizer(), step_size, gamma))
    expected = [0.2 * gamma ** (t // step_size) for t in range(EPOCHS + 1)]
    np.testing.assert_allclose(got, expected, rtol=SYMPY_RTOL)


def test_step_default_gamma_is_a_tenth() -> None:
    assert StepLR(make_optimizer(), 2).gamma == 0.1


@pytest.mark.parametrize("milestones", [[3, 10, 25], [0, 1, 2], [39]])
def test_multistep_matches_closed_form(milestones: list[int]) -> None:
    got = run(MultiStepLR(make_optimizer(), milestones, gamma=0.3))
    expected = [0.2 * 0.3 ** bisect.bisect_right(milestones, t) for t in range(EPOCHS + 1)]
    np.testing.assert_allclose(got, expected, rtol=SYMPY_RTOL)


@pytest.mark.parametrize("gamma", [0.5, 0.95, 1.0])
def test_exponential_matches_closed_form(gamma: float) -> None:
    got = run(ExponentialLR(make_optimizer(), gamma))
    np.testing.assert_allclose(got, [0.2 * gamma**t for t in range(EPOCHS + 1)], rtol=SYMPY_RTOL)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda o: StepLR(o, 0), r"StepLR: step_size = 0 is out of range; expected an integer"),
        (
            lambda o: StepLR(o, 2, gamma=0.0),
            r"StepLR: gamma = 0.0 is out of range; expected .*\(0",
        ),
        (lambda o: StepLR(o, 2, gamma=-0.5), r"StepLR: gamma = -0.5 is out of range"),
        (
            lambda o: MultiStepLR(o, [3, 3]),
            r"milestones \[3, 3\] are not increasing at position 1",
        ),
        (lambda o: MultiStepLR(o, [5, 2]), r"milestones \[5, 2\] are not increasing"),
        (lambda o: MultiStepLR(o, [-1, 2]), r"MultiStepLR: milestones\[0\] = -1 is out of range"),
        (lambda o: MultiStepLR(o, [1], gamma=0), r"MultiStepLR: gamma = 0 is out of range"),
        (lambda o: ExponentialLR(o, 0.0), r"ExponentialLR: gamma = 0.0 is out of range"),
        (lambda o: ExponentialLR(o, float("inf")), r"ExponentialLR: gamma must be finite"),
    ],
)
def test_bad_hyperparameters_are_refused(build, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build(make_optimizer())


def test_wrong_types_are_refused() -> None:
    with pytest.raises(TypeError, match="StepLR: step_size must be an integer, got 2.5"):
        StepLR(make_optimizer(), 2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="MultiStepLR: milestones is a int; expected a list"):
        MultiStepLR(make_optimizer(), 5)  # type: ignore[arg-type]
