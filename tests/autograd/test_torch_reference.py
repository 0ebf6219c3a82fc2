"""Replay PyTorch's recorded values and gradients of tensor expressions with nnlib.autograd.

The fixture ``tests/data/autograd_torch_reference.json`` was written by
``tests/data/make_autograd_reference.py`` with PyTorch (version inside the
file), in float64. Each case is an expression (``a @ b``,
``F.cross_entropy(a, y, **kw)``) evaluated here with ``nnlib.autograd``;
output and every input's gradient must agree to ``rtol=1e-12``: the same
formulas in float64 agree to a few units in the last place, while a wrong
broadcast sum, a missed repeated index or a kink on the wrong side would be
off by far more.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nnlib import autograd
from nnlib.autograd import functional as F
from nnlib.autograd import tensor
from tests.conftest import SYMPY_RTOL

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "autograd_torch_reference.json"
REFERENCE = json.loads(FIXTURE.read_text(encoding="utf-8"))
CASES = REFERENCE["cases"]
# Where float64 arithmetic may differ in the last bits between the two libraries
# (sums in another order), values close to 0 are compared with this absolute slack.
ATOL = 1e-13


def test_fixture_records_its_provenance_and_covers_every_function() -> None:
    assert REFERENCE["torch_version"].startswith("2.")
    assert REFERENCE["generated_by"] == "tests/data/make_autograd_reference.py"
    assert REFERENCE["dtype"] == "float64"
    exprs = " ".join(case["expr"] for case in CASES)
    for name in F.__all__:
        assert f"F.{name}(" in exprs, name
    methods = "sum( mean( exp( log( sqrt( abs( tanh( sigmoid( relu( clamp( reshape( transpose("
    for method in [*methods.split(), ".T", "[", " @ ", " ** "]:
        assert method in exprs, method


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_value_and_gradients_match_pytorch(case: dict) -> None:
    tensors = {k: tensor(v, requires_grad=True) for k, v in case["tensors"].items()}
    y = None if case["y"] is None else np.array(case["y"], dtype=case["y_dtype"])
    kw = {k: np.array(v) if isinstance(v, list) else v for k, v in case["kw"].items()}
    out = eval(case["expr"], {"F": F, "autograd": autograd, "y": y, "kw": kw, **tensors})
    np.testing.assert_allclose(out.data, case["output"], rtol=SYMPY_RTOL, atol=ATOL)
    out.backward(np.array(case["grad_output"]))
    for name, expected in case["grads"].items():
        np.testing.assert_allclose(tensors[name].grad, expected, rtol=SYMPY_RTOL, atol=ATOL)
