"""Record torch.nn.init reference values for tests/test_init.py.

Run by hand with a PyTorch installation (not a project dependency):

    python tests/data/make_init_reference.py

It writes tests/data/init_reference.json: calculate_gain for every
nonlinearity torch knows (and several leaky_relu slopes), the fans of a few
weight shapes, and the uniform bound torch's kaiming_uniform_ uses.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from torch.nn import init

NONLINEARITIES = [
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu",
]  # fmt: skip
SLOPES = [0.0, 0.01, 0.2, 1.0, math.sqrt(5.0)]
SHAPES = [(3, 4), (128, 64), (16, 3, 5, 5), (4, 2, 3), (10, 1)]


def main() -> None:
    gains = {name: init.calculate_gain(name) for name in NONLINEARITIES}
    leaky = [[slope, init.calculate_gain("leaky_relu", slope)] for slope in SLOPES]
    fans = [
        [list(shape), list(init._calculate_fan_in_and_fan_out(torch.empty(shape)))]
        for shape in SHAPES
    ]
    # kaiming_uniform_ draws U(-bound, bound); recover the bound from the
    # formula torch uses, evaluated with its own gain and fan helpers.
    bounds = []
    for shape in SHAPES:
        for a in (0.0, math.sqrt(5.0)):
            for mode in ("fan_in", "fan_out"):
                fan = init._calculate_correct_fan(torch.empty(shape), mode)
                std = init.calculate_gain("leaky_relu", a) / math.sqrt(fan)
                bounds.append([list(shape), a, mode, math.sqrt(3.0) * std])
    reference = {
        "torch_version": torch.__version__,
        "calculate_gain": gains,
        "leaky_relu_gain": leaky,
        "fan_in_and_fan_out": fans,
        "kaiming_uniform_bound": bounds,
    }
    path = Path(__file__).with_name("init_reference.json")
    path.write_text(json.dumps(reference, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
