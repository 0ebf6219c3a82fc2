"""Tests of nnlib.layers.Flatten: shapes as torch.flatten, backward, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import gradcheck
from nnlib.layers import Flatten


@pytest.mark.parametrize(
    ("start", "end", "shape", "expected"),
    [
        (1, -1, (2, 3, 4), (2, 12)),
        (1, -1, (2, 3), (2, 3)),
        (0, -1, (2, 3, 4), (24,)),
        (1, 2, (2, 3, 4, 5), (2, 12, 5)),
        (-2, -1, (2, 3, 4), (2, 12)),
        (1, 1, (2, 3, 4), (2, 3, 4)),
        (0, -1, (), (1,)),
        (1, -1, (0, 3, 4), (0, 12)),
    ],
)
def test_shapes_match_torch_flatten(
    start: int, end: int, shape: tuple[int, ...], expected: tuple[int, ...]
) -> None:
    layer = Flatten(start, end)
    x = np.arange(float(np.prod(shape))).reshape(shape)
    out = layer(x)
    assert out.shape == expected
    np.testing.assert_array_equal(out.ravel(), x.ravel())
    assert layer.backward(np.ones(expected)).shape == shape


def test_gradcheck() -> None:
    assert gradcheck(Flatten(), np.random.default_rng(0).standard_normal((2, 3, 2))).passed


def test_dtype_is_kept() -> None:
    assert Flatten()(np.ones((2, 2, 2), dtype=np.float32)).dtype == np.float32


def test_repr_matches_pytorch() -> None:
    assert repr(Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


def test_errors() -> None:
    with pytest.raises(ValueError, match=r"Flatten: start_dim = 1 is out of range for an input "
                       r"with 1 dimension; expected a dim in \[-1, 0\]"):  # fmt: skip
        Flatten()(np.ones(5))
    with pytest.raises(ValueError, match=r"Flatten: start_dim = 2 comes after end_dim = 1"):
        Flatten(2, 1)(np.ones((2, 3, 4)))
    with pytest.raises(TypeError, match=r"Flatten: start_dim must be an integer"):
        Flatten(1.0)  # type: ignore[arg-type]
    layer = Flatten()
    with pytest.raises(RuntimeError, match=r"Flatten.backward was called before forward"):
        layer.backward(np.ones(2))
    layer(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=r"Flatten.backward: grad_output has shape \(2, 3, 4\)"):
        layer.backward(np.ones((2, 3, 4)))
