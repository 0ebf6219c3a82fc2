"""What every loss shares: reductions, the Module protocol, dtypes, input checks."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import Module
from nnlib import losses as L
from nnlib.losses._reduction import check_reduction, reduce, upstream
from tests.conftest import SYMPY_RTOL
from tests.losses.losses_cases import (
    CASE_IDS,
    CASES,
    WITH_REDUCTION,
    WITH_REDUCTION_IDS,
    Case,
    fd_check,
)


def test_public_names() -> None:
    assert set(L.__all__) == {
        "MSELoss",
        "L1Loss",
        "HuberLoss",
        "SmoothL1Loss",
        "BCELoss",
        "BCEWithLogitsLoss",
        "CrossEntropyLoss",
        "NLLLoss",
        "KLDivLoss",
        "mse_loss",
        "l1_loss",
        "huber_loss",
        "smooth_l1_loss",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "cross_entropy",
        "nll_loss",
        "kl_div",
    }


def test_reduce_and_upstream() -> None:
    loss = np.array([1.0, 2.0, 6.0])
    assert reduce(loss, "none", 3.0) is loss
    assert reduce(loss, "sum", 3.0).shape == ()
    assert float(reduce(loss, "sum", 3.0)) == 9.0
    assert float(reduce(loss, "mean", 4.0)) == 2.25
    assert float(upstream(np.array(2.0), "mean", 4.0)) == 0.5
    assert float(upstream(np.array(2.0), "sum", 4.0)) == 2.0


def test_check_reduction_messages() -> None:
    with pytest.raises(ValueError, match=r"MSELoss: reduction = 'avg' is not valid; expected one"):
        check_reduction("avg", "MSELoss")
    with pytest.raises(TypeError, match=r"MSELoss: reduction must be a string"):
        check_reduction(None, "MSELoss")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_is_a_module_with_pytorch_defaults(case: Case) -> None:
    loss = case.module()
    assert isinstance(loss, Module)
    assert loss.reduction == "mean"
    assert list(loss.parameters()) == []
    assert repr(loss).startswith(f"{case.name}(")
    assert "reduction='mean'" in repr(loss)


@pytest.mark.parametrize(("case", "reduction"), WITH_REDUCTION, ids=WITH_REDUCTION_IDS)
def test_class_and_function_agree(case: Case, reduction: str) -> None:
    x, t = case.inputs(np.random.default_rng(0))
    out = case.module(reduction=reduction)(x, t)
    np.testing.assert_array_equal(out, case.functional(x, t, reduction=reduction))
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float64
    if reduction == "none":
        assert out.shape == (
            x.shape if case.name not in ("CrossEntropyLoss", "NLLLoss") else t.shape
        )
    else:
        assert out.shape == ()


@pytest.mark.parametrize(("case", "reduction"), WITH_REDUCTION, ids=WITH_REDUCTION_IDS)
def test_backward_matches_central_differences(case: Case, reduction: str) -> None:
    x, t = case.inputs(np.random.default_rng(1))
    assert fd_check(case.module(reduction=reduction), x, t)


@pytest.mark.parametrize(("case", "reduction"), WITH_REDUCTION, ids=WITH_REDUCTION_IDS)
def test_backward_is_linear_in_grad_output(case: Case, reduction: str) -> None:
    x, t = case.inputs(np.random.default_rng(2))
    loss = case.module(reduction=reduction)
    out = loss(x, t)
    g = np.random.default_rng(3).standard_normal(out.shape)
    unit = loss.backward(np.ones(out.shape))
    loss(x, t)  # each backward needs its own forward
    if reduction == "none":  # each output depends on its own inputs only
        scaled = loss.backward(g)
        expected = unit * (g if case.name not in ("CrossEntropyLoss", "NLLLoss") else g[:, None])
    else:
        scaled = loss.backward(float(g))
        expected = unit * float(g)
    np.testing.assert_allclose(scaled, expected, rtol=SYMPY_RTOL, atol=1e-300)
    assert scaled.shape == x.shape


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_float32_stays_float32(case: Case) -> None:
    x, t = case.inputs(np.random.default_rng(4))
    x32 = x.astype(np.float32)
    t32 = t if t.dtype.kind == "i" else t.astype(np.float32)
    for reduction in case.reductions:
        loss = case.module(reduction=reduction)
        out = loss(x32, t32)
        grad = loss.backward(np.ones(out.shape, dtype=np.float32))
        assert out.dtype == np.float32
        assert grad.dtype == np.float32
        np.testing.assert_allclose(out, case.module(reduction=reduction)(x, t), rtol=1e-5)


def test_integer_input_becomes_float64() -> None:
    loss = L.MSELoss()
    out = loss(np.array([1, 2, 3]), np.array([1, 1, 1]))
    assert out.dtype == np.float64
    assert float(out) == pytest.approx(5 / 3, rel=SYMPY_RTOL)
    assert loss.backward().dtype == np.float64


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_unknown_reduction(case: Case) -> None:
    with pytest.raises(ValueError, match=rf"{case.name}: reduction = 'average' is not valid"):
        case.module(reduction="average")
    x, t = case.inputs(np.random.default_rng(5))
    with pytest.raises(ValueError, match=r"reduction = 'average' is not valid"):
        case.functional(x, t, reduction="average")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_backward_before_forward(case: Case) -> None:
    with pytest.raises(RuntimeError, match=rf"{case.name}.backward was called before forward"):
        case.module().backward()


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_grad_output_of_wrong_shape(case: Case) -> None:
    x, t = case.inputs(np.random.default_rng(6))
    loss = case.module()
    loss(x, t)
    with pytest.raises(ValueError, match=r"grad_output has shape \(4,\); expected the shape"):
        loss.backward(np.ones(4))
    loss = case.module(reduction="none")
    out = loss(x, t)
    with pytest.raises(ValueError, match=r"grad_output has shape \(\); expected the shape"):
        loss.backward(1.0)
    loss(x, t)  # a backward that raised has used up its forward pass
    with pytest.raises(ValueError, match=r"grad_output holds 1 non-finite value"):
        loss.backward(np.where(np.arange(out.size).reshape(out.shape) == 0, np.nan, 1.0))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_non_finite_input(case: Case) -> None:
    x, t = case.inputs(np.random.default_rng(7))
    for bad in (np.nan, np.inf, -np.inf):
        x_bad = x.copy()
        x_bad[1, 2] = bad
        with pytest.raises(ValueError, match=rf"{case.name}: input holds 1 non-finite value"):
            case.module()(x_bad, t)


FLOAT_TARGETS = [case for case in CASES if case.name not in ("CrossEntropyLoss", "NLLLoss")]


@pytest.mark.parametrize("case", FLOAT_TARGETS, ids=[case.name for case in FLOAT_TARGETS])
def test_non_finite_target(case: Case) -> None:
    x, t = case.inputs(np.random.default_rng(8))
    t_bad = t.copy()
    t_bad[0, 1] = np.nan
    with pytest.raises(ValueError, match=rf"{case.name}: target holds 1 non-finite value"):
        case.module()(x, t_bad)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_empty_input(case: Case) -> None:
    x, t = case.inputs(np.random.default_rng(9))
    with pytest.raises(ValueError, match=rf"{case.name}: input is empty \(shape \(0, 3\)\)"):
        case.module(reduction="sum")(x[:0], t[:0])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_shape_mismatch(case: Case) -> None:
    x, t = case.inputs(np.random.default_rng(10))
    if t.dtype.kind == "i":
        match = r"target has shape \(3,\) for input of shape \(4, 3\); expected integer class"
    else:
        match = r"input has shape \(4, 3\) but target has shape \(3, 3\); expected the same shape"
    with pytest.raises(ValueError, match=rf"{case.name}: {match}"):
        case.module()(x, t[:3])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_non_numeric_input(case: Case) -> None:
    _, t = case.inputs(np.random.default_rng(11))
    with pytest.raises(TypeError, match=rf"{case.name}: input has dtype <U1 and is not numeric"):
        case.module()(np.array(["a", "b"]), t)
