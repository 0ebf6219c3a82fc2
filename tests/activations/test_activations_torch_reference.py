"""Replay PyTorch's activations from a recorded fixture (no PyTorch needed).

``tests/data/activations_torch_reference.json`` was written by
``tests/data/make_activations_reference.py`` (the PyTorch version is stored in
it). It pins the conventions PyTorch chose where mathematics leaves a choice:
the slope used at kinks, where Softplus switches to the identity, the
default hyperparameters and the reprs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nnlib import activations
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL

DATA = json.loads(
    (Path(__file__).parent.parent / "data" / "activations_torch_reference.json").read_text(
        encoding="utf-8"
    )
)
CASES = DATA["cases"]


def test_fixture_names_its_torch_version() -> None:
    assert DATA["torch_version"].startswith("2.")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_values_and_gradients_match_pytorch(case: dict) -> None:
    module = getattr(activations, case["class"])(**case["kwargs"])
    x = np.array(case["input"])
    np.testing.assert_allclose(module(x), case["output"], rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(
        module.backward(np.array(case["grad_output"])),
        case["grad_input"],
        rtol=SYMPY_RTOL,
        atol=SYMPY_ATOL,
    )


@pytest.mark.parametrize("name", sorted(DATA["defaults"]))
def test_defaults_match_pytorch(name: str) -> None:
    import inspect

    signature = inspect.signature(getattr(activations, name))
    ours = {key: p.default for key, p in signature.parameters.items()}
    theirs = DATA["defaults"][name]
    if name in ("Softmax", "LogSoftmax"):
        # The one documented difference: dim=-1 instead of the legacy dim=None.
        assert theirs == {"dim": None} and ours == {"dim": -1}
    else:
        assert ours == theirs


@pytest.mark.parametrize("name", sorted(DATA["reprs"]))
def test_reprs_match_pytorch(name: str) -> None:
    cls = getattr(activations, name)
    module = cls(dim=1) if name in ("Softmax", "LogSoftmax") else cls()
    assert repr(module) == DATA["reprs"][name]
