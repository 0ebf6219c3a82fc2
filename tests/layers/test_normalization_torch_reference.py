"""Replay PyTorch's recorded BatchNorm1d and LayerNorm steps with nnlib.

The fixture ``tests/data/normalization_torch_reference.json`` was written by
``tests/data/make_normalization_reference.py`` with PyTorch (version inside
the file), in float64. Outputs, input gradients, parameter gradients,
running statistics, ``num_batches_tracked`` and state-dict keys must agree
to ``rtol=1e-12``: a biased variance where the unbiased one belongs (or the
reverse) or a momentum applied the wrong way round is off by far more.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pytest

from nnlib.layers import BatchNorm1d, LayerNorm
from tests.conftest import SYMPY_RTOL

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "normalization_torch_reference.json"
REFERENCE = json.loads(FIXTURE.read_text(encoding="utf-8"))
# Values that are 0 up to round-off (a centred channel's sum) are compared with this.
ATOL = 1e-13
# A channel of constant values has x - mean = round-off (~1e-16), which 1/sqrt(eps) ~ 316
# turns into x_hat ~ 1e-14 of either sign, in PyTorch as here; the exact value is 0.
CONSTANT_ATOL = 1e-12


def _close(actual, expected, atol: float = ATOL) -> None:
    np.testing.assert_allclose(actual, np.array(expected), rtol=SYMPY_RTOL, atol=atol)


def test_fixture_records_its_provenance() -> None:
    assert REFERENCE["torch_version"].startswith("2.")
    assert REFERENCE["generated_by"] == "tests/data/make_normalization_reference.py"
    assert REFERENCE["dtype"] == "float64"
    ids = {case["id"] for case in REFERENCE["batchnorm1d"]}
    assert {"2d", "3d", "momentum-none", "affine-false", "no-running-stats"} <= ids
    assert {mode for case in REFERENCE["batchnorm1d"] for mode in ("train", "eval")} == {
        step["mode"] for case in REFERENCE["batchnorm1d"] for step in case["steps"]
    }


@pytest.mark.parametrize("cls", [BatchNorm1d, LayerNorm])
def test_signatures_match_pytorch(cls: type) -> None:
    # Same names, order and defaults; PyTorch's device and dtype are left out.
    params = inspect.signature(cls.__init__).parameters.values()
    ours = [
        [p.name, None if p.default is inspect.Parameter.empty else p.default]
        for p in params
        if p.name not in {"self", "dtype"}
    ]
    assert ours == REFERENCE["signatures"][cls.__name__]


def _replay(module, case: dict) -> None:
    atol = CONSTANT_ATOL if case["id"].startswith("constant") else ATOL
    for name, value in case["initial"].items():
        getattr(module, name).data[...] = value
    for step in case["steps"]:
        module.train(step["mode"] == "train")
        module.zero_grad()
        out = module(np.array(step["input"]))
        _close(out, step["output"])
        _close(module.backward(np.array(step["grad_output"])), step["grad_input"])
        for name in ("weight", "bias"):
            param = getattr(module, name)
            expected = step[f"grad_{name}"]
            assert (param is None) == (expected is None)
            if param is not None:
                _close(param.grad, expected, atol)
        for name in ("running_mean", "running_var"):
            if step[name] is None:
                assert getattr(module, name, None) is None
            else:
                _close(getattr(module, name), step[name])
        if step["num_batches_tracked"] is not None:
            assert module.num_batches_tracked.dtype == np.int64
            assert int(module.num_batches_tracked) == step["num_batches_tracked"]


@pytest.mark.parametrize("case", REFERENCE["batchnorm1d"], ids=lambda case: case["id"])
def test_batchnorm1d_matches_pytorch(case: dict) -> None:
    module = BatchNorm1d(**case["kwargs"])
    assert list(module.state_dict()) == case["initial_state_keys"]
    _replay(module, case)
    state = module.state_dict()
    assert list(state) == list(case["state_dict"])
    for key, value in case["state_dict"].items():
        _close(state[key], value)


@pytest.mark.parametrize("case", REFERENCE["layernorm"], ids=lambda case: case["id"])
def test_layernorm_matches_pytorch(case: dict) -> None:
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs["normalized_shape"], list):
        kwargs["normalized_shape"] = tuple(kwargs["normalized_shape"])
    module = LayerNorm(**kwargs)
    assert list(module.state_dict()) == case["state_dict_keys"]
    _replay(module, case)
