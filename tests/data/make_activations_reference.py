"""Record PyTorch's activation values, gradients and defaults as a JSON fixture.

Run by hand with an environment that has PyTorch (it is not a dependency):

    /path/to/torch-venv/bin/python tests/data/make_activations_reference.py

It writes ``tests/data/activations_torch_reference.json``, which
``tests/activations/test_activations_torch_reference.py`` replays with nnlib. Everything
is float64 on the CPU. The points include the kinks (0) and Softplus's
threshold, where the conventions live: which one-sided slope ``backward``
uses, and where Softplus switches to the identity.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).with_name("activations_torch_reference.json")
POINTS = [-3.0, -1.0, -0.5, -1e-6, 0.0, 1e-6, 0.5, 1.0, 3.0]

# (case id, nnlib class name, keyword arguments, torch functional)
ELEMENTWISE = [
    ("sigmoid", "Sigmoid", {}, torch.sigmoid),
    ("tanh", "Tanh", {}, torch.tanh),
    ("relu", "ReLU", {}, F.relu),
    ("leaky_relu", "LeakyReLU", {}, F.leaky_relu),
    ("leaky_relu-0.3", "LeakyReLU", {"negative_slope": 0.3}, F.leaky_relu),
    ("leaky_relu-neg", "LeakyReLU", {"negative_slope": -0.5}, F.leaky_relu),
    ("elu", "ELU", {}, F.elu),
    ("elu-0.4", "ELU", {"alpha": 0.4}, F.elu),
    ("elu-neg", "ELU", {"alpha": -1.5}, F.elu),
    ("selu", "SELU", {}, F.selu),
    ("softplus", "Softplus", {}, F.softplus),
    ("softplus-2-5", "Softplus", {"beta": 2.0, "threshold": 5.0}, F.softplus),
    ("silu", "SiLU", {}, F.silu),
    ("gelu", "GELU", {}, F.gelu),
    ("gelu-tanh", "GELU", {"approximate": "tanh"}, F.gelu),
]
EXTRA_POINTS = {"softplus": [19.99, 20.0, 20.01, 25.0], "softplus-2-5": [2.49, 2.5, 2.51, 4.0]}
CLASSES = [
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "SELU",
    "Softplus",
    "SiLU",
    "GELU",
    "Softmax",
    "LogSoftmax",
]


def _value_and_grad(function, x: np.ndarray, grad_output: np.ndarray, **kwargs):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = function(t, **kwargs)
    y.backward(torch.tensor(grad_output, dtype=torch.float64))
    return y.detach().numpy().tolist(), t.grad.numpy().tolist()


def main() -> None:
    rng = np.random.default_rng(0)
    cases = []
    for case_id, class_name, kwargs, function in ELEMENTWISE:
        x = np.array(POINTS + EXTRA_POINTS.get(case_id, []))
        grad_output = np.ones_like(x)
        value, grad = _value_and_grad(function, x, grad_output, **kwargs)
        cases.append(
            {
                "id": case_id,
                "class": class_name,
                "kwargs": kwargs,
                "input": x.tolist(),
                "grad_output": grad_output.tolist(),
                "output": value,
                "grad_input": grad,
            }
        )
    x = rng.standard_normal((3, 4)) * 3.0
    grad_output = rng.standard_normal((3, 4))
    for class_name, function in (("Softmax", F.softmax), ("LogSoftmax", F.log_softmax)):
        for dim in (0, 1, -1):
            value, grad = _value_and_grad(function, x, grad_output, dim=dim)
            cases.append(
                {
                    "id": f"{class_name}-dim{dim}",
                    "class": class_name,
                    "kwargs": {"dim": dim},
                    "input": x.tolist(),
                    "grad_output": grad_output.tolist(),
                    "output": value,
                    "grad_input": grad,
                }
            )
    defaults = {}
    reprs = {}
    for name in CLASSES:
        cls = getattr(torch.nn, name)
        signature = inspect.signature(cls.__init__)
        defaults[name] = {
            key: param.default
            for key, param in signature.parameters.items()
            if key not in ("self", "inplace") and param.default is not inspect.Parameter.empty
        }
        reprs[name] = repr(cls(dim=1) if name in ("Softmax", "LogSoftmax") else cls())
    data = {
        "torch_version": torch.__version__,
        "cases": cases,
        "defaults": defaults,
        "reprs": reprs,
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(cases)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
