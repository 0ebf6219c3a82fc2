"""Record PyTorch's optimizer trajectories and learning-rate schedules as a JSON fixture.

Run by hand with an environment that has PyTorch (it is not a dependency):

    /path/to/torch-venv/bin/python tests/data/make_optim_reference.py

It writes ``nnlib/book/optim_torch_reference.json``, which
``tests/optim/test_torch_reference.py`` replays with nnlib. Everything runs
in float64 on the CPU with ``foreach=False`` (PyTorch's single-tensor code,
the one nnlib transcribes).

The problem: two parameters ``w`` (shape (3,)) and ``b`` (shape (2,)),
concatenated into ``z`` of size 5, with gradient ``A z + c_t`` at step
``t``: a convex quadratic whose minimizer moves with a fixed sequence of
shifts ``c_t``, like a noisy gradient. At the steps listed in ``skip_b``,
``b.grad`` is None, so the optimizer must skip ``b`` (and not count a step).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

STEPS = 12
EPOCHS = 30
SKIP_B = [3, 8]
OUT = Path(__file__).resolve().parents[2] / "nnlib" / "book" / "optim_torch_reference.json"

# (class name, case id, keyword arguments, parameter groups or None)
OPTIMIZER_CASES: list[tuple[str, str, dict, list[dict] | None]] = [
    ("SGD", "sgd-plain", {"lr": 0.1}, None),
    ("SGD", "sgd-default-lr", {}, None),
    ("SGD", "sgd-momentum", {"lr": 0.1, "momentum": 0.9}, None),
    ("SGD", "sgd-dampening", {"lr": 0.1, "momentum": 0.8, "dampening": 0.3}, None),
    ("SGD", "sgd-nesterov", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, None),
    ("SGD", "sgd-weight-decay", {"lr": 0.1, "weight_decay": 0.2}, None),
    ("SGD", "sgd-maximize", {"lr": 0.05, "momentum": 0.5, "maximize": True}, None),
    (
        "SGD",
        "sgd-everything",
        {"lr": 0.07, "momentum": 0.6, "weight_decay": 0.1, "nesterov": True, "maximize": True},
        None,
    ),
    (
        "SGD",
        "sgd-groups",
        {"lr": 0.1, "momentum": 0.5},
        [{"params": ["w"]}, {"params": ["b"], "lr": 0.02, "momentum": 0.9}],
    ),
    ("Adagrad", "adagrad-plain", {"lr": 0.3}, None),
    ("Adagrad", "adagrad-default", {}, None),
    ("Adagrad", "adagrad-lr-decay", {"lr": 0.3, "lr_decay": 0.1}, None),
    ("Adagrad", "adagrad-weight-decay", {"lr": 0.3, "weight_decay": 0.2}, None),
    (
        "Adagrad",
        "adagrad-initial-accumulator",
        {"lr": 0.3, "initial_accumulator_value": 0.5},
        None,
    ),
    ("Adagrad", "adagrad-eps", {"lr": 0.3, "eps": 0.01}, None),
    ("Adagrad", "adagrad-maximize", {"lr": 0.3, "maximize": True}, None),
    ("RMSprop", "rmsprop-plain", {"lr": 0.01}, None),
    ("RMSprop", "rmsprop-alpha", {"lr": 0.02, "alpha": 0.8}, None),
    ("RMSprop", "rmsprop-eps", {"lr": 0.02, "eps": 0.05}, None),
    ("RMSprop", "rmsprop-weight-decay", {"lr": 0.02, "weight_decay": 0.3}, None),
    ("RMSprop", "rmsprop-momentum", {"lr": 0.01, "momentum": 0.9}, None),
    ("RMSprop", "rmsprop-centered", {"lr": 0.01, "alpha": 0.9, "centered": True}, None),
    (
        "RMSprop",
        "rmsprop-centered-momentum",
        {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5},
        None,
    ),
    ("RMSprop", "rmsprop-maximize", {"lr": 0.01, "maximize": True}, None),
    ("Adam", "adam-plain", {"lr": 0.1}, None),
    ("Adam", "adam-default", {}, None),
    ("Adam", "adam-betas", {"lr": 0.1, "betas": [0.5, 0.9]}, None),
    ("Adam", "adam-eps", {"lr": 0.1, "eps": 0.1}, None),
    ("Adam", "adam-weight-decay", {"lr": 0.1, "weight_decay": 0.3}, None),
    ("Adam", "adam-amsgrad", {"lr": 0.1, "betas": [0.5, 0.6], "amsgrad": True}, None),
    ("Adam", "adam-maximize", {"lr": 0.1, "maximize": True}, None),
    (
        "Adam",
        "adam-decoupled",
        {"lr": 0.1, "weight_decay": 0.3, "decoupled_weight_decay": True},
        None,
    ),
    (
        "Adam",
        "adam-groups",
        {"lr": 0.1},
        [{"params": ["w"], "betas": [0.8, 0.99]}, {"params": ["b"], "lr": 0.03, "amsgrad": True}],
    ),
    ("AdamW", "adamw-plain", {"lr": 0.1}, None),
    ("AdamW", "adamw-default", {}, None),
    ("AdamW", "adamw-eps", {"lr": 0.1, "eps": 0.1}, None),
    ("AdamW", "adamw-weight-decay", {"lr": 0.1, "weight_decay": 0.5}, None),
    (
        "AdamW",
        "adamw-amsgrad",
        {"lr": 0.1, "betas": [0.5, 0.6], "weight_decay": 0.2, "amsgrad": True},
        None,
    ),
    ("AdamW", "adamw-maximize", {"lr": 0.1, "weight_decay": 0.2, "maximize": True}, None),
]

# (class name, case id, keyword arguments, initial lr of each group)
SCHEDULER_CASES: list[tuple[str, str, dict, list[float]]] = [
    ("StepLR", "step", {"step_size": 3, "gamma": 0.5}, [0.1]),
    ("StepLR", "step-default-gamma", {"step_size": 4}, [0.3, 0.07]),
    ("MultiStepLR", "multistep", {"milestones": [2, 5, 9], "gamma": 0.3}, [0.1, 1.0]),
    ("MultiStepLR", "multistep-zero", {"milestones": [0, 4]}, [0.2]),
    ("ExponentialLR", "exponential", {"gamma": 0.9}, [0.1, 0.5]),
    ("CosineAnnealingLR", "cosine", {"T_max": 7, "eta_min": 0.01}, [0.1, 0.4]),
    ("CosineAnnealingLR", "cosine-default", {"T_max": 10}, [0.3]),
    ("CosineAnnealingLR", "cosine-short", {"T_max": 1}, [0.3]),
    ("LinearLR", "linear-default", {}, [0.1]),
    (
        "LinearLR",
        "linear-decay",
        {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 8},
        [0.2],
    ),
    ("LinearLR", "linear-warmup", {"start_factor": 0.1, "total_iters": 4}, [0.1, 0.03]),
    ("LambdaLR", "lambda-inverse", {"lr_lambda": "inverse"}, [0.1]),
    ("LambdaLR", "lambda-per-group", {"lr_lambda": ["inverse", "warmup"]}, [0.1, 0.2]),
]

# The lambdas, named so the replaying test can define the same functions.
LAMBDAS = {
    "inverse": lambda epoch: 1.0 / (1.0 + 0.5 * epoch),
    "warmup": lambda epoch: min(1.0, (epoch + 1) / 5),
}


def problem() -> dict:
    """The quadratic's matrix, the shifts c_t and the starting point, as lists."""
    rng = np.random.default_rng(20240611)
    q = rng.standard_normal((5, 5))
    matrix = q @ q.T / 5 + 0.2 * np.eye(5)
    return {
        "A": matrix.tolist(),
        "shifts": rng.standard_normal((STEPS, 5)).tolist(),
        "w0": rng.standard_normal(3).tolist(),
        "b0": rng.standard_normal(2).tolist(),
        "steps": STEPS,
        "skip_b": SKIP_B,
    }


def run_optimizer(torch, spec: dict, name: str, kwargs: dict, groups: list[dict] | None) -> dict:
    """Trajectories of w and b (STEPS + 1 points each) under torch.optim.<name>."""
    w = torch.tensor(spec["w0"], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(spec["b0"], dtype=torch.float64, requires_grad=True)
    by_name = {"w": w, "b": b}
    options = {key: tuple(v) if key == "betas" else v for key, v in kwargs.items()}
    if groups is None:
        params = [w, b]
    else:
        params = []
        for group in groups:
            group = {k: tuple(v) if k == "betas" else v for k, v in group.items()}
            group["params"] = [by_name[p] for p in group["params"]]
            params.append(group)
    optimizer = getattr(torch.optim, name)(params, foreach=False, **options)
    matrix = torch.tensor(spec["A"], dtype=torch.float64)
    trajectory = {"w": [w.tolist()], "b": [b.tolist()]}
    for t in range(STEPS):
        optimizer.zero_grad(set_to_none=True)
        with torch.no_grad():
            z = torch.cat([w, b])
            grad = matrix @ z + torch.tensor(spec["shifts"][t], dtype=torch.float64)
        w.grad = grad[:3].clone()
        if t not in SKIP_B:
            b.grad = grad[3:].clone()
        optimizer.step()
        trajectory["w"].append(w.tolist())
        trajectory["b"].append(b.tolist())
    return trajectory


def run_scheduler(torch, name: str, kwargs: dict, lrs: list[float]) -> list[list[float]]:
    """get_last_lr() right after construction and after each of EPOCHS steps."""
    groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs]
    optimizer = torch.optim.SGD(groups, lr=lrs[0])
    options = dict(kwargs)
    if "lr_lambda" in options:
        chosen = options["lr_lambda"]
        options["lr_lambda"] = (
            [LAMBDAS[c] for c in chosen] if isinstance(chosen, list) else LAMBDAS[chosen]
        )
    scheduler = getattr(torch.optim.lr_scheduler, name)(optimizer, **options)
    sequence = [list(scheduler.get_last_lr())]
    for _ in range(EPOCHS):
        optimizer.step()
        scheduler.step()
        sequence.append(list(scheduler.get_last_lr()))
    return sequence


def main() -> None:
    import torch  # only this hand-run script needs PyTorch

    spec = problem()
    optimizers = [
        {
            "name": name,
            "id": case,
            "kwargs": kwargs,
            "groups": groups,
            "trajectory": run_optimizer(torch, spec, name, kwargs, groups),
        }
        for name, case, kwargs, groups in OPTIMIZER_CASES
    ]
    schedulers = [
        {
            "name": name,
            "id": case,
            "kwargs": kwargs,
            "lrs": lrs,
            "epochs": EPOCHS,
            "sequence": run_scheduler(torch, name, kwargs, lrs),
        }
        for name, case, kwargs, lrs in SCHEDULER_CASES
    ]
    fixture = {
        "description": (
            "Parameter trajectories of torch.optim optimizers (float64, CPU, foreach=False) and "
            "learning-rate sequences of torch.optim.lr_scheduler, replayed by "
            "tests/optim/test_torch_reference.py."
        ),
        "generated_by": "tests/data/make_optim_reference.py",
        "torch_version": torch.__version__,
        "problem": spec,
        "lambdas": {
            "inverse": "1 / (1 + 0.5 * epoch)",
            "warmup": "min(1, (epoch + 1) / 5)",
        },
        "optimizers": optimizers,
        "schedulers": schedulers,
    }
    OUT.write_text(json.dumps(fixture, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(optimizers)} optimizer and {len(schedulers)} scheduler cases)")


if __name__ == "__main__":
    main()
