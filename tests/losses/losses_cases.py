"""Every loss with a valid example input, for the tests that apply to all of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnlib import gradcheck
from nnlib import losses as L
from nnlib.gradcheck import GradcheckResult
from tests.conftest import FD_ATOL, FD_H, FD_RTOL


def _regression(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.standard_normal((4, 3)), rng.standard_normal((4, 3))


def _probabilities(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(0.05, 0.95, (4, 3)), rng.uniform(0.0, 1.0, (4, 3))


def _logits_binary(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return 3 * rng.standard_normal((4, 3)), rng.uniform(0.0, 1.0, (4, 3))


def _logits_classes(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return 3 * rng.standard_normal((4, 3)), np.array([0, 2, 1, 2])


def _log_probabilities_classes(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return np.log(rng.dirichlet(np.ones(3), size=4)), np.array([0, 2, 1, 2])


def _distributions(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return np.log(rng.dirichlet(np.ones(3), size=4)), rng.dirichlet(np.ones(3), size=4)


@dataclass(frozen=True)
class Case:
    name: str
    module: Callable[..., L._reduction._Loss]
    functional: Callable[..., Any]
    inputs: Callable[[np.random.Generator], tuple[np.ndarray, np.ndarray]]
    reductions: tuple[str, ...] = ("none", "mean", "sum")


CASES = [
    Case("MSELoss", L.MSELoss, L.mse_loss, _regression),
    Case("L1Loss", L.L1Loss, L.l1_loss, _regression),
    Case("HuberLoss", L.HuberLoss, L.huber_loss, _regression),
    Case("SmoothL1Loss", L.SmoothL1Loss, L.smooth_l1_loss, _regression),
    Case("BCELoss", L.BCELoss, L.binary_cross_entropy, _probabilities),
    Case(
        "BCEWithLogitsLoss",
        L.BCEWithLogitsLoss,
        L.binary_cross_entropy_with_logits,
        _logits_binary,
    ),
    Case("CrossEntropyLoss", L.CrossEntropyLoss, L.cross_entropy, _logits_classes),
    Case("NLLLoss", L.NLLLoss, L.nll_loss, _log_probabilities_classes),
    Case("KLDivLoss", L.KLDivLoss, L.kl_div, _distributions, ("none", "mean", "sum", "batchmean")),
]
BY_NAME = {case.name: case for case in CASES}
CASE_IDS = [case.name for case in CASES]
WITH_REDUCTION = [(case, r) for case in CASES for r in case.reductions]
WITH_REDUCTION_IDS = [f"{case.name}-{r}" for case, r in WITH_REDUCTION]


def fd_check(
    loss: L._reduction._Loss, x: np.ndarray, target: Any, **kwargs: Any
) -> GradcheckResult:
    """Central-difference check of ``loss.backward`` with respect to ``x``, target fixed.

    The plain-function form of gradcheck is used so that integer class
    targets stay integers.
    """

    def forward(z: np.ndarray) -> np.ndarray:
        return loss(z, target)

    def backward(g: np.ndarray, z: np.ndarray) -> np.ndarray:
        loss(z, target)
        return loss.backward(g)

    return gradcheck(forward, x, backward=backward, eps=FD_H, rtol=FD_RTOL, atol=FD_ATOL, **kwargs)
