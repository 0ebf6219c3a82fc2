"""Tests of nnlib.layers.Dropout: statistics, seeding, modes, backward, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlib import gradcheck
from nnlib.layers import Dropout

SIZE = 1_000_000


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_fraction_dropped_and_mean_within_sampling_error(p: float) -> None:
    """Each element is dropped with probability p and E[y] = x.

    The dropped fraction has standard error sqrt(p(1-p)/n); for x = 1 the
    output is 0 or 1/(1-p), with variance p/(1-p), so its mean has standard
    error sqrt(p/((1-p) n)). Both must lie within 5 standard errors.
    """
    out = Dropout(p, rng=0)(np.ones(SIZE))
    dropped = np.mean(out == 0.0)
    assert abs(dropped - p) < 5 * math.sqrt(p * (1 - p) / SIZE)
    assert abs(out.mean() - 1.0) < 5 * math.sqrt(p / ((1 - p) * SIZE))
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / (1 - p)], rtol=1e-15)


def test_same_seed_same_masks_and_each_call_draws_a_new_mask() -> None:
    x = np.ones((20, 30))
    a, b = Dropout(0.5, rng=3), Dropout(0.5, rng=3)
    first_a, first_b = a(x), b(x)
    np.testing.assert_array_equal(first_a, first_b)
    np.testing.assert_array_equal(a(x), b(x))
    assert not np.array_equal(first_a, a(x))


def test_backward_applies_the_forward_mask() -> None:
    drop = Dropout(0.4, rng=0)
    x = np.random.default_rng(1).uniform(1.0, 2.0, (50, 8))
    out = drop(x)
    g = np.random.default_rng(2).standard_normal((50, 8))
    np.testing.assert_allclose(drop.backward(g), g * out / x, rtol=1e-14)


def test_eval_mode_is_the_identity_and_passes_gradcheck() -> None:
    drop = Dropout(0.5, rng=0).eval()
    x = np.random.default_rng(0).standard_normal((4, 3))
    assert drop(x) is not None and np.array_equal(drop(x), x)
    assert gradcheck(drop, x).passed


def test_p_zero_is_the_identity_and_p_one_zeros_everything() -> None:
    x = np.arange(1.0, 7.0)
    np.testing.assert_array_equal(Dropout(0.0)(x), x)
    full = Dropout(1.0)
    np.testing.assert_array_equal(full(x), np.zeros(6))
    np.testing.assert_array_equal(full.backward(np.ones(6)), np.zeros(6))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype: type) -> None:
    drop = Dropout(0.5, rng=0)
    assert drop(np.ones(10, dtype=dtype)).dtype == dtype
    assert drop.backward(np.ones(10, dtype=dtype)).dtype == dtype


def test_repr() -> None:
    assert repr(Dropout()) == "Dropout(p=0.5)"


@pytest.mark.parametrize(
    ("p", "error", "message"),
    [
        (-0.1, ValueError, r"Dropout: p = -0.1 is out of range; expected a value in \[0, 1\]"),
        (1.5, ValueError, r"Dropout: p = 1.5 is out of range"),
        (float("nan"), ValueError, r"Dropout: p must be finite"),
        ("0.5", TypeError, r"Dropout: p must be a real number"),
    ],
)
def test_bad_p(p: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        Dropout(p)  # type: ignore[arg-type]


def test_backward_errors() -> None:
    drop = Dropout(0.5, rng=0)
    with pytest.raises(RuntimeError, match=r"Dropout.backward was called before forward"):
        drop.backward(np.ones(3))
    drop(np.ones(3))
    with pytest.raises(ValueError, match=r"Dropout.backward: grad_output has shape \(4,\)"):
        drop.backward(np.ones(4))
    with pytest.raises(ValueError, match=r"Dropout: input holds 1 non-finite value"):
        drop(np.array([np.inf]))
