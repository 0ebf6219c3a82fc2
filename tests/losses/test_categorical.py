"""CrossEntropyLoss against SymPy for every option, its laws, extremes and bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib._numerics import log_softmax
from nnlib.losses import CrossEntropyLoss, categorical, cross_entropy
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL
from tests.losses import losses_sympy as ref
from tests.losses.losses_cases import fd_check

REDUCTIONS = ["none", "mean", "sum"]
SHAPES = [(5,), (6, 4), (3, 4, 2), (2, 3, 2, 2)]
logit = st.floats(-50, 50)


def _case(shape: tuple[int, ...], seed: int, ignore: bool, probabilities: bool):
    rng = np.random.default_rng(seed)
    x = 3 * rng.standard_normal(shape)
    num_classes = shape[1] if len(shape) > 1 else shape[0]
    sample_shape = () if len(shape) == 1 else (shape[0], *shape[2:])
    if probabilities:
        t = np.moveaxis(
            rng.dirichlet(np.ones(num_classes), size=sample_shape), -1, min(1, len(shape) - 1)
        )
        return x, t, num_classes
    t = rng.integers(0, num_classes, size=sample_shape)
    if ignore and t.ndim:
        t.flat[::3] = -100  # some targets ignored, at least one kept
    return x, t, num_classes


INDEX_CASES = list(
    itertools.product(SHAPES, REDUCTIONS, [False, True], [False, True], [0.0, 0.2, 1.0])
)


@pytest.mark.parametrize(("shape", "reduction", "weighted", "ignore", "smoothing"), INDEX_CASES)
def test_class_index_targets_match_sympy(shape, reduction, weighted, ignore, smoothing) -> None:
    x, t, num_classes = _case(shape, len(shape), ignore, probabilities=False)
    w = np.random.default_rng(9).uniform(0.1, 2.0, num_classes) if weighted else None
    sample_shape = t.shape
    g = np.random.default_rng(10).standard_normal(sample_shape) if reduction == "none" else 0.9
    expected, expected_grad = ref.cross_entropy(x, t, w, -100, reduction, smoothing, g)
    loss = CrossEntropyLoss(w, -100, reduction, smoothing)
    np.testing.assert_allclose(loss(x, t), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(loss.backward(g), expected_grad, rtol=SYMPY_RTOL, atol=1e-15)
    out = cross_entropy(x, t, w, -100, reduction, smoothing)
    np.testing.assert_allclose(out, expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)


PROBABILITY_CASES = list(itertools.product(SHAPES, REDUCTIONS, [False, True], [0.0, 0.3]))


@pytest.mark.parametrize(("shape", "reduction", "weighted", "smoothing"), PROBABILITY_CASES)
def test_probability_targets_match_sympy(shape, reduction, weighted, smoothing) -> None:
    x, t, num_classes = _case(shape, 20 + len(shape), False, probabilities=True)
    w = np.random.default_rng(11).uniform(0.1, 2.0, num_classes) if weighted else None
    sample_shape = () if len(shape) == 1 else (shape[0], *shape[2:])
    g = np.random.default_rng(12).standard_normal(sample_shape) if reduction == "none" else 0.9
    expected, expected_grad = ref.cross_entropy(x, t, w, -100, reduction, smoothing, g)
    loss = CrossEntropyLoss(w, -100, reduction, smoothing)
    np.testing.assert_allclose(loss(x, t), expected, rtol=SYMPY_RTOL, atol=SYMPY_ATOL)
    np.testing.assert_allclose(loss.backward(g), expected_grad, rtol=SYMPY_RTOL, atol=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("probabilities", [False, True])
def test_gradient_matches_central_differences(reduction: str, probabilities: bool) -> None:
    x, t, _ = _case((4, 3, 2), 30, ignore=True, probabilities=probabilities)
    loss = CrossEntropyLoss(np.array([0.5, 1.0, 2.0]), -100, reduction, label_smoothing=0.15)
    assert fd_check(loss, x, t)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("seed", range(4))
def test_one_hot_path_equals_the_general_path(monkeypatch, dtype, reduction, seed) -> None:
    # Unweighted, unsmoothed (N, C) scores with class indices that all count take a
    # shorter path; a weight of ones forces the general path, which must give the same bits.
    rng = np.random.default_rng(seed)
    n, c = int(rng.integers(1, 9)), int(rng.integers(2, 7))
    x = (10 * rng.standard_normal((n, c))).astype(dtype)
    t = rng.integers(0, c - 1, n)
    g = rng.standard_normal(n).astype(dtype) if reduction == "none" else 0.7
    calls: list[int] = []
    one_hot_path = categorical._cross_entropy_one_hot

    def counted_one_hot_path(*args):
        calls.append(1)
        return one_hot_path(*args)

    monkeypatch.setattr(categorical, "_cross_entropy_one_hot", counted_one_hot_path)
    ignore_index = -100 if seed % 2 else c - 1  # unused: no target is the last class
    fast = CrossEntropyLoss(ignore_index=ignore_index, reduction=reduction)
    general = CrossEntropyLoss(np.ones(c), ignore_index=ignore_index, reduction=reduction)
    value, reference = fast(x, t), general(x, t)
    assert calls == [1]  # only the unweighted loss took the shorter path
    grad, reference_grad = fast.backward(g), general.backward(g)
    assert value.dtype == grad.dtype == dtype
    np.testing.assert_array_equal(value, reference)
    np.testing.assert_array_equal(grad, reference_grad)
    np.testing.assert_array_equal(cross_entropy(x, t, reduction=reduction), reference)


def test_ignore_index_can_be_a_real_class() -> None:
    x, t, _ = _case((8, 4), 31, ignore=False, probabilities=False)
    t[:3] = 2
    kept = t != 2
    loss = CrossEntropyLoss(ignore_index=2)
    value = loss(x, t)
    grad = loss.backward()
    np.testing.assert_allclose(value, cross_entropy(x[kept], t[kept]), rtol=SYMPY_RTOL)
    np.testing.assert_array_equal(grad[~kept], 0.0)
    reference = CrossEntropyLoss()
    reference(x[kept], t[kept])
    np.testing.assert_allclose(grad[kept], reference.backward(), rtol=SYMPY_RTOL)


def test_all_ignored() -> None:
    x = np.zeros((3, 4))
    t = np.full(3, -100)
    with pytest.raises(
        ValueError,
        match=r"CrossEntropyLoss: with reduction='mean' the loss is divided by the total "
        r"weight of the targets not equal to ignore_index \(-100\), and that total is 0",
    ):
        CrossEntropyLoss()(x, t)
    loss = CrossEntropyLoss(reduction="sum")
    np.testing.assert_array_equal(loss(x, t), 0.0)
    np.testing.assert_array_equal(loss.backward(), np.zeros((3, 4)))
    np.testing.assert_array_equal(CrossEntropyLoss(reduction="none")(x, t), np.zeros(3))
    with pytest.raises(
        ValueError,
        match=r"cross_entropy: with reduction='mean'.*every target is ignored or has weight 0",
    ):
        cross_entropy(x, np.array([1, 1, -100]), weight=np.array([1.0, 0.0, 1.0, 1.0]))


@given(st.integers(1, 5), st.integers(2, 5), st.data())
def test_one_hot_probabilities_equal_indices(n: int, c: int, data: st.DataObject) -> None:
    x = data.draw(hnp.arrays(np.float64, (n, c), elements=logit))
    t = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    one_hot = np.eye(c)[t]
    eps = data.draw(st.floats(0.0, 1.0))
    for reduction in REDUCTIONS:
        a = CrossEntropyLoss(reduction=reduction, label_smoothing=eps)
        b = CrossEntropyLoss(reduction=reduction, label_smoothing=eps)
        np.testing.assert_allclose(a(x, t), b(x, one_hot), rtol=1e-12, atol=1e-300)
        g = np.ones(n) if reduction == "none" else 1.0
        np.testing.assert_allclose(a.backward(g), b.backward(g), rtol=1e-12, atol=1e-15)


@given(st.integers(1, 5), st.integers(2, 5), st.data())
def test_label_smoothing_identity(n: int, c: int, data: st.DataObject) -> None:
    # CE_eps = (1 - eps) CE + eps * mean_c(-log p_c), per sample.
    x = data.draw(hnp.arrays(np.float64, (n, c), elements=logit))
    t = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    eps = data.draw(st.floats(0.0, 1.0))
    smoothed = cross_entropy(x, t, reduction="none", label_smoothing=eps)
    plain = cross_entropy(x, t, reduction="none")
    uniform = -np.mean(log_softmax(x, axis=1), axis=1)
    np.testing.assert_allclose(smoothed, (1 - eps) * plain + eps * uniform, rtol=1e-12, atol=1e-13)
    assert np.all(plain >= 0) and np.all(smoothed >= 0)


@given(st.integers(2, 5), st.data())
def test_cross_entropy_is_at_least_the_entropy(c: int, data: st.DataObject) -> None:
    x = data.draw(hnp.arrays(np.float64, (3, c), elements=logit))
    raw = data.draw(hnp.arrays(np.float64, (3, c), elements=st.floats(0.01, 1.0)))
    p = raw / raw.sum(axis=1, keepdims=True)
    entropy = -np.sum(p * np.log(p), axis=1)
    assert np.all(cross_entropy(x, p, reduction="none") >= entropy - 1e-12)
    np.testing.assert_allclose(cross_entropy(np.log(p), p, reduction="none"), entropy, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("scale", [1000.0, 1e4])
def test_extreme_logits(dtype, scale: float) -> None:
    x = np.array(
        [[scale, 0.0, -scale], [scale, 0.0, -scale], [-scale, -scale, -scale]], dtype=dtype
    )
    t = np.array([0, 2, 1])
    loss = CrossEntropyLoss(reduction="none", label_smoothing=0.0)
    out = loss(x, t)
    grad = loss.backward(np.ones(3, dtype=dtype))
    assert out.dtype == grad.dtype == dtype
    np.testing.assert_allclose(
        out, [0.0, 2 * scale, np.log(3)], rtol=1e-6 if dtype == np.float32 else 1e-15
    )
    expected_grad = [[0, 0, 0], [1, 0, -1], [1 / 3, -2 / 3, 1 / 3]]
    np.testing.assert_allclose(
        grad, expected_grad, rtol=1e-6 if dtype == np.float32 else 1e-15, atol=1e-7
    )
    smoothed = CrossEntropyLoss(label_smoothing=0.1)(x, t)
    assert np.isfinite(smoothed)


def test_unbatched_input() -> None:
    x = np.array([1.0, -2.0, 0.5])
    loss = CrossEntropyLoss(reduction="none")
    out = loss(x, np.array(2))
    assert out.shape == ()
    np.testing.assert_allclose(out, cross_entropy(x[None], np.array([2]), reduction="none")[0])
    assert loss.backward(1.0).shape == (3,)
    probs = np.array([0.2, 0.3, 0.5])
    np.testing.assert_allclose(cross_entropy(x, probs), cross_entropy(x[None], probs[None]))


def test_target_errors() -> None:
    x = np.zeros((4, 5))
    with pytest.raises(
        ValueError,
        match=r"^CrossEntropyLoss: target\[3\] = 7 is out of range; "
        r"expected class indices in \[0, 5\)",
    ):
        CrossEntropyLoss()(x, np.array([0, 1, 2, 7]))
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: target\[1\] = -1 is out of range"):
        CrossEntropyLoss()(x, np.array([0, -1, 2, 3]))
    with pytest.raises(
        ValueError,
        match=r"CrossEntropyLoss: target\[1, 0\] = 3 is out of range; "
        r"expected class indices in \[0, 3\)",
    ):
        CrossEntropyLoss()(np.zeros((2, 3, 2)), np.array([[0, 1], [3, 0]]))
    with pytest.raises(
        ValueError,
        match=r"target has floating dtype float64 and shape \(4,\) for input of shape \(4, 5\); "
        r"expected integer class indices of shape \(4,\) or class probabilities of the "
        r"input's shape \(4, 5\)",
    ):
        CrossEntropyLoss()(x, np.array([0.0, 1.0, 2.0, 3.0]))
    with pytest.raises(
        ValueError,
        match=r"CrossEntropyLoss: target has shape \(4, 5\) for input of shape \(4, 5\); expected "
        r"integer class indices of shape \(4,\)",
    ):
        CrossEntropyLoss()(x, np.ones((4, 5), dtype=int))
    with pytest.raises(
        TypeError, match=r"CrossEntropyLoss: target has dtype bool; expected integer class indices"
    ):
        CrossEntropyLoss()(x, np.ones(4, dtype=bool))
    with pytest.raises(
        ValueError, match=r"CrossEntropyLoss: target\[0, 1\] = 1.2 is outside \[0, 1\]"
    ):
        CrossEntropyLoss()(x, np.full((4, 5), 0.2) + np.eye(4, 5, 1))
    with pytest.raises(
        ValueError,
        match=r"CrossEntropyLoss: input has shape \(\); expected scores of shape "
        r"\(C,\), \(N, C\) or \(N, C, d1, ...\)",
    ):
        CrossEntropyLoss()(np.array(1.0), np.array(0))


def test_hyperparameter_errors() -> None:
    x, t = np.zeros((4, 5)), np.zeros(4, dtype=int)
    with pytest.raises(
        ValueError,
        match=r"CrossEntropyLoss: weight has shape \(3,\); expected one weight per class, shape "
        r"\(5,\)",
    ):
        CrossEntropyLoss(weight=np.ones(3))(x, t)
    with pytest.raises(
        ValueError, match=r"CrossEntropyLoss: weight has shape \(5, 1\); expected a 1-D array"
    ):
        CrossEntropyLoss(weight=np.ones((5, 1)))
    with pytest.raises(
        ValueError,
        match=r"CrossEntropyLoss: weight\[2\] = -1.0 is negative; expected weights >= 0",
    ):
        CrossEntropyLoss(weight=np.array([1.0, 1.0, -1.0, 1.0, 1.0]))
    with pytest.raises(
        ValueError, match=r"cross_entropy: weight has shape \(2,\); expected one weight per class"
    ):
        cross_entropy(x, t, weight=np.ones(2))
    for bad in (-0.1, 1.5):
        with pytest.raises(
            ValueError,
            match=rf"CrossEntropyLoss: label_smoothing = {bad} is out of range; "
            r"expected a value in \[0, 1\]",
        ):
            CrossEntropyLoss(label_smoothing=bad)
    with pytest.raises(ValueError, match=r"cross_entropy: label_smoothing = 2.0 is out of range"):
        cross_entropy(x, t, label_smoothing=2.0)
    with pytest.raises(
        TypeError, match=r"CrossEntropyLoss: ignore_index must be an integer, got 0.5"
    ):
        CrossEntropyLoss(ignore_index=0.5)  # type: ignore[arg-type]


def test_options_are_checked_when_assigned() -> None:
    # The loss trusts its options on every call, so setting one checks it.
    loss = CrossEntropyLoss()
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: label_smoothing = 2.0 is out of"):
        loss.label_smoothing = 2.0
    with pytest.raises(TypeError, match=r"CrossEntropyLoss: ignore_index must be an integer"):
        loss.ignore_index = 1.5
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: reduction = 'avg' is not valid"):
        loss.reduction = "avg"
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: weight\[0\] = -1.0 is negative"):
        loss.weight = [-1.0, 1.0]
    assert loss.label_smoothing == 0.0 and loss.reduction == "mean" and loss.weight is None
    loss.weight = [1.0, 3.0]  # a valid change takes effect, converted to an array
    x, t = np.zeros((2, 2)), np.array([0, 1])
    assert loss.weight.dtype == np.float64
    np.testing.assert_allclose(loss(x, t), np.log(2.0), rtol=1e-15)
    loss.label_smoothing = 0.5
    np.testing.assert_allclose(loss(x, t), np.log(2.0), rtol=1e-15)  # uniform logits
