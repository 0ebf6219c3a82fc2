"""Replay PyTorch's recorded optimizer trajectories and schedules with nnlib.

The fixture ``nnlib/book/optim_torch_reference.json`` (shipped with the library
because a chapter replays it too) was written by
``tests/data/make_optim_reference.py`` with PyTorch (version inside the
file), in float64 with ``foreach=False``. Every optimizer option appears in
at least one case. nnlib must follow the same path to ``rtol=1e-12``: the
same formulas evaluated in the same order agree to a few units in the last
place; a different order of operations or an off-by-one in a step count
would show up as a relative error of 1e-3 or more.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.book import torch_reference
from nnlib.optim import SGD, Adagrad, Adam, AdamW, RMSprop, lr_scheduler
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL

REFERENCE = torch_reference("optim")
OPTIMIZERS = {"SGD": SGD, "Adagrad": Adagrad, "RMSprop": RMSprop, "Adam": Adam, "AdamW": AdamW}
# The same functions the generating script names (its "lambdas" entry says which).
LAMBDAS = {
    "inverse": lambda epoch: 1.0 / (1.0 + 0.5 * epoch),
    "warmup": lambda epoch: min(1.0, (epoch + 1) / 5),
}


def _tuple_betas(options: dict) -> dict:
    return {k: tuple(v) if k == "betas" else v for k, v in options.items()}


def test_fixture_records_its_provenance() -> None:
    assert REFERENCE["torch_version"].startswith("2.")
    assert REFERENCE["generated_by"] == "tests/data/make_optim_reference.py"
    options = {
        name: set().union(*(c["kwargs"] for c in REFERENCE["optimizers"] if c["name"] == name))
        for name in OPTIMIZERS
    }
    # Every hyperparameter of every optimizer is exercised by some case.
    assert options["SGD"] >= {
        "lr",
        "momentum",
        "dampening",
        "weight_decay",
        "nesterov",
        "maximize",
    }
    assert options["Adagrad"] >= {
        "lr",
        "lr_decay",
        "weight_decay",
        "initial_accumulator_value",
        "eps",
        "maximize",
    }
    assert options["RMSprop"] >= {
        "lr",
        "alpha",
        "eps",
        "weight_decay",
        "momentum",
        "centered",
        "maximize",
    }
    adam = {"lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"}
    assert options["Adam"] >= adam | {"decoupled_weight_decay"}
    assert options["AdamW"] >= adam


@pytest.mark.parametrize("case", REFERENCE["optimizers"], ids=lambda c: c["id"])
def test_optimizer_trajectory_matches_torch(case: dict) -> None:
    spec = REFERENCE["problem"]
    w, b = Parameter(np.array(spec["w0"])), Parameter(np.array(spec["b0"]))
    by_name = {"w": w, "b": b}
    if case["groups"] is None:
        params: list = [w, b]
    else:
        params = [
            {**_tuple_betas(g), "params": [by_name[n] for n in g["params"]]}
            for g in case["groups"]
        ]
    optimizer = OPTIMIZERS[case["name"]](params, **_tuple_betas(case["kwargs"]))
    matrix = np.array(spec["A"])
    trajectory = {"w": [w.data.copy()], "b": [b.data.copy()]}
    for t in range(spec["steps"]):
        optimizer.zero_grad()
        grad = matrix @ np.concatenate([w.data, b.data]) + np.array(spec["shifts"][t])
        w.grad = grad[:3]
        if t not in spec["skip_b"]:
            b.grad = grad[3:]
        optimizer.step()
        trajectory["w"].append(w.data.copy())
        trajectory["b"].append(b.data.copy())
    for name in ("w", "b"):
        np.testing.assert_allclose(
            np.array(trajectory[name]),
            np.array(case["trajectory"][name]),
            rtol=SYMPY_RTOL,
            atol=SYMPY_ATOL,
            err_msg=f"{case['id']}: parameter {name}",
        )


@pytest.mark.parametrize("case", REFERENCE["schedulers"], ids=lambda c: c["id"])
def test_schedule_matches_torch(case: dict) -> None:
    groups = [{"params": [Parameter(np.zeros(1))], "lr": lr} for lr in case["lrs"]]
    optimizer = SGD(groups, lr=case["lrs"][0])
    options = dict(case["kwargs"])
    if "lr_lambda" in options:
        chosen = options["lr_lambda"]
        options["lr_lambda"] = (
            [LAMBDAS[c] for c in chosen] if isinstance(chosen, list) else LAMBDAS[chosen]
        )
    scheduler = getattr(lr_scheduler, case["name"])(optimizer, **options)
    sequence = [scheduler.get_last_lr()]
    for _ in range(case["epochs"]):
        optimizer.step()
        scheduler.step()
        sequence.append(scheduler.get_last_lr())
    np.testing.assert_allclose(
        np.array(sequence), np.array(case["sequence"]), rtol=SYMPY_RTOL, atol=SYMPY_ATOL
    )
