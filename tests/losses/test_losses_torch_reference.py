"""Replay PyTorch's recorded loss values and input gradients with nnlib.

The fixture ``tests/data/losses_torch_reference.json`` was written by
``tests/data/make_losses_reference.py`` with PyTorch (version inside the
file), in float64. nnlib must agree to ``rtol=1e-12``: the same formulas in
float64 agree to a few units in the last place, while a wrong divisor in a
weighted mean, label smoothing applied to ignored targets, or pos_weight on
the wrong term would be off by far more.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pytest

from nnlib import losses as L
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "losses_torch_reference.json"
REFERENCE = json.loads(FIXTURE.read_text(encoding="utf-8"))
CASES = REFERENCE["cases"]
WEIGHTED = REFERENCE["functional_weight_cases"]


def _kwargs(raw: dict) -> dict:
    return {k: np.array(v) if isinstance(v, list) else v for k, v in raw.items()}


def test_fixture_records_its_provenance_and_covers_every_option() -> None:
    assert REFERENCE["torch_version"].startswith("2.")
    assert REFERENCE["generated_by"] == "tests/data/make_losses_reference.py"
    assert {case["class"] for case in CASES} == {name for name in L.__all__ if name[0].isupper()}
    options = set().union(*(case["kwargs"] for case in CASES))
    assert options >= {
        "reduction",
        "weight",
        "pos_weight",
        "ignore_index",
        "label_smoothing",
        "delta",
        "beta",
        "log_target",
    }
    reductions = {case["kwargs"]["reduction"] for case in CASES}
    assert reductions == {"none", "mean", "sum", "batchmean"}


@pytest.mark.parametrize("name", sorted(REFERENCE["signatures"]))
def test_signatures_match_pytorch(name: str) -> None:
    # Same parameter names, order and defaults, without the deprecated size_average/reduce.
    obj = getattr(L, name)
    params = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj).parameters.values()
    ours = [
        [p.name, None if p.default is inspect.Parameter.empty else p.default]
        for p in params
        if p.name != "self"
    ]
    assert ours == REFERENCE["signatures"][name]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_module_matches_pytorch(case: dict) -> None:
    loss = getattr(L, case["class"])(**_kwargs(case["kwargs"]))
    x = np.array(case["input"], dtype=np.float64)
    dtype = np.int64 if case["target_dtype"] == "int" else np.float64
    target = np.array(case["target"], dtype=dtype)
    out = loss(x, target)
    grad = loss.backward(np.array(case["grad_output"]))
    np.testing.assert_allclose(out, case["output"], rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(grad, case["grad_input"], rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    functional = getattr(L, REFERENCE_FUNCTIONS[case["class"]])
    np.testing.assert_array_equal(functional(x, target, **_kwargs(case["kwargs"])), out)


REFERENCE_FUNCTIONS = {
    "MSELoss": "mse_loss",
    "L1Loss": "l1_loss",
    "HuberLoss": "huber_loss",
    "SmoothL1Loss": "smooth_l1_loss",
    "BCELoss": "binary_cross_entropy",
    "BCEWithLogitsLoss": "binary_cross_entropy_with_logits",
    "CrossEntropyLoss": "cross_entropy",
    "NLLLoss": "nll_loss",
    "KLDivLoss": "kl_div",
}


@pytest.mark.parametrize("case", WEIGHTED, ids=[case["id"] for case in WEIGHTED])
def test_functional_weight_matches_pytorch(case: dict) -> None:
    function = getattr(L, case["function"])
    out = function(
        np.array(case["input"]),
        np.array(case["target"]),
        case["reduction"],
        weight=np.array(case["weight"]),
    )
    np.testing.assert_allclose(out, case["output"], rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
