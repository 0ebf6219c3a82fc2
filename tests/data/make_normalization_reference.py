"""Record PyTorch's normalization layers and gradient clipping as a JSON fixture.

Run by hand with an environment that has PyTorch (it is not a dependency):

    /path/to/torch-venv/bin/python tests/data/make_normalization_reference.py

It writes ``tests/data/normalization_torch_reference.json``, which
``tests/layers/test_normalization_torch_reference.py`` and
``tests/utils/test_clip_grad.py`` replay with nnlib. Everything is float64
on the CPU. For ``BatchNorm1d`` each case is a sequence of steps (training
steps that update the running statistics, then evaluation), and each step
records the output, the input gradient, the parameter gradients, the
running statistics and ``num_batches_tracked``; the cases cover 2-D and 3-D
input, ``momentum=None``, ``affine=False``, ``bias=False``,
``track_running_stats=False`` (batch statistics in both modes) and a channel
of constant values. ``LayerNorm`` cases cover several ``normalized_shape``,
no affine parameters and no bias. ``clip_grad_norm_`` is recorded for norm
types 1, 2, inf and 3 with and without clipping; ``clip_grad_value_`` too.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).with_name("normalization_torch_reference.json")
HIDDEN = {"self", "device", "dtype"}


def _signature(obj) -> list[list]:
    """[name, default] of each parameter, without self, device and dtype."""
    params = inspect.signature(obj).parameters.values()
    return [
        [p.name, None if p.default is inspect.Parameter.empty else p.default]
        for p in params
        if p.name not in HIDDEN
    ]


def _t(array: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(array, dtype=torch.float64, requires_grad=grad)


def _list(tensor) -> list | None:
    return None if tensor is None else tensor.detach().numpy().tolist()


def _random_affine(module, rng) -> dict:
    """Set weight and bias to random values (so their gradients matter); return them."""
    values = {}
    with torch.no_grad():
        for name in ("weight", "bias"):
            param = getattr(module, name)
            if param is not None:
                value = rng.uniform(0.5, 1.5, tuple(param.shape)) * rng.choice([-1, 1])
                param.copy_(_t(value))
                values[name] = value.tolist()
    return values


def _steps(module, inputs: list[np.ndarray], modes: list[str], rng) -> list[dict]:
    steps = []
    for x, mode in zip(inputs, modes, strict=True):
        module.train(mode == "train")
        module.zero_grad()
        xt = _t(x, grad=True)
        out = module(xt)
        grad_output = rng.standard_normal(out.shape)
        out.backward(_t(grad_output))
        steps.append(
            {
                "mode": mode,
                "input": x.tolist(),
                "grad_output": grad_output.tolist(),
                "output": _list(out),
                "grad_input": _list(xt.grad),
                "grad_weight": None if module.weight is None else _list(module.weight.grad),
                "grad_bias": None if module.bias is None else _list(module.bias.grad),
                "running_mean": _list(getattr(module, "running_mean", None)),
                "running_var": _list(getattr(module, "running_var", None)),
                "num_batches_tracked": (
                    None
                    if getattr(module, "num_batches_tracked", None) is None
                    else int(module.num_batches_tracked)
                ),
            }
        )
    return steps


def _batchnorm_cases(rng) -> list[dict]:
    specs = [
        ("2d", {"num_features": 3}, [(8, 3)] * 3, ["train"] * 3 + ["eval"]),
        ("3d", {"num_features": 4}, [(5, 4, 6)] * 2, ["train"] * 2 + ["eval"]),
        (
            "momentum-none",
            {"num_features": 3, "momentum": None},
            [(6, 3), (4, 3), (9, 3)],
            ["train"] * 3 + ["eval"],
        ),
        (
            "momentum-none-3d",
            {"num_features": 2, "momentum": None},
            [(3, 2, 4)] * 3,
            ["train"] * 3 + ["eval"],
        ),
        (
            "affine-false",
            {"num_features": 3, "affine": False},
            [(7, 3)] * 2,
            ["train"] * 2 + ["eval"],
        ),
        ("bias-false", {"num_features": 3, "bias": False}, [(7, 3)] * 2, ["train"] * 2 + ["eval"]),
        (
            "no-running-stats",
            {"num_features": 3, "track_running_stats": False},
            [(6, 3), (6, 3)],
            ["train", "eval"],
        ),
        (
            "no-running-stats-3d",
            {"num_features": 2, "track_running_stats": False},
            [(2, 2, 3), (1, 2, 5)],
            ["train", "eval"],
        ),
        (
            "momentum-eps",
            {"num_features": 3, "momentum": 0.5, "eps": 1e-3},
            [(5, 3)] * 2,
            ["train"] * 2 + ["eval"],
        ),
        ("two-samples", {"num_features": 2}, [(2, 2)], ["train", "eval"]),
        ("constant-channel", {"num_features": 3}, [(6, 3), (6, 3)], ["train", "eval"]),
        ("eval-first", {"num_features": 3}, [(4, 3)], ["eval", "train"]),
    ]
    cases = []
    for case_id, kwargs, shapes, modes in specs:
        module = torch.nn.BatchNorm1d(**kwargs, dtype=torch.float64)
        affine = _random_affine(module, rng)
        state_before = {k: _list(v) for k, v in module.state_dict().items()}
        shapes = list(shapes) + [shapes[-1]] * (len(modes) - len(shapes))
        inputs = [rng.standard_normal(shape) * 2.0 + 3.0 for shape in shapes]
        if case_id == "constant-channel":
            for x in inputs:
                x[:, 1] = 0.7
        cases.append(
            {
                "id": case_id,
                "kwargs": kwargs,
                "initial": affine,
                "initial_state_keys": list(state_before),
                "steps": _steps(module, inputs, modes, rng),
                "state_dict": {k: _list(v) for k, v in module.state_dict().items()},
            }
        )
    return cases


def _layernorm_cases(rng) -> list[dict]:
    specs = [
        ("last-dim", {"normalized_shape": 5}, (4, 5)),
        ("last-dim-list", {"normalized_shape": [4]}, (2, 3, 4)),
        ("two-dims", {"normalized_shape": [3, 4]}, (2, 3, 4)),
        ("all-dims", {"normalized_shape": [2, 3]}, (2, 3)),
        ("no-affine", {"normalized_shape": 6, "elementwise_affine": False}, (3, 6)),
        ("no-bias", {"normalized_shape": [2, 3], "bias": False}, (4, 2, 3)),
        ("eps", {"normalized_shape": 3, "eps": 1e-3}, (5, 3)),
        ("single-vector", {"normalized_shape": 4}, (4,)),
        ("constant-row", {"normalized_shape": 4}, (3, 4)),
    ]
    cases = []
    for case_id, kwargs, shape in specs:
        module = torch.nn.LayerNorm(**kwargs, dtype=torch.float64)
        affine = _random_affine(module, rng)
        x = rng.standard_normal(shape) * 2.0 - 1.0
        if case_id == "constant-row":
            x[1] = -2.5
        cases.append(
            {
                "id": case_id,
                "kwargs": kwargs,
                "initial": affine,
                "steps": _steps(module, [x], ["train"], rng),
                "state_dict_keys": list(module.state_dict()),
            }
        )
    return cases


def _clip_cases(rng) -> list[dict]:
    shapes = [(3, 4), (4,), (2, 2, 2), (5,)]
    grads = [rng.standard_normal(shape) for shape in shapes]
    grads[3] = None  # a parameter without a gradient is skipped
    cases = []
    for norm_type in (1.0, 2.0, float("inf"), 3.0):
        for max_norm in (0.5, 1e3):
            params = [torch.zeros(shape, dtype=torch.float64) for shape in shapes]
            for param, grad in zip(params, grads, strict=True):
                param.grad = None if grad is None else _t(grad)
            total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
            cases.append(
                {
                    "function": "clip_grad_norm_",
                    "norm_type": "inf" if norm_type == float("inf") else norm_type,
                    "max_norm": max_norm,
                    "grads": [None if g is None else g.tolist() for g in grads],
                    "total_norm": float(total),
                    "clipped": [_list(p.grad) for p in params],
                }
            )
    for clip_value in (0.3, 10.0):
        params = [torch.zeros(shape, dtype=torch.float64) for shape in shapes]
        for param, grad in zip(params, grads, strict=True):
            param.grad = None if grad is None else _t(grad)
        torch.nn.utils.clip_grad_value_(params, clip_value)
        cases.append(
            {
                "function": "clip_grad_value_",
                "clip_value": clip_value,
                "grads": [None if g is None else g.tolist() for g in grads],
                "clipped": [_list(p.grad) for p in params],
            }
        )
    return cases


def main() -> None:
    rng = np.random.default_rng(20261130)
    torch.manual_seed(0)
    signatures = {
        "BatchNorm1d": _signature(torch.nn.BatchNorm1d.__init__),
        "LayerNorm": _signature(torch.nn.LayerNorm.__init__),
        "clip_grad_norm_": _signature(torch.nn.utils.clip_grad_norm_),
        "clip_grad_value_": _signature(torch.nn.utils.clip_grad_value_),
    }
    payload = {
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "generated_by": "tests/data/make_normalization_reference.py",
        "dtype": "float64",
        "signatures": signatures,
        "batchnorm1d": _batchnorm_cases(rng),
        "layernorm": _layernorm_cases(rng),
        "clip_grad": _clip_cases(rng),
    }
    OUT.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
