"""Laws of reverse mode, checked by Hypothesis over shapes and values."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib.autograd import tensor
from nnlib.autograd.ops import unbroadcast

shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
finite = st.floats(-10, 10, allow_nan=False)


@given(shapes)
def test_broadcast_add_sends_each_operand_the_count_of_its_uses(shapes: object) -> None:
    # In sum(a + b), each element of a is used once per copy broadcasting makes.
    (shape_a, shape_b), result = shapes.input_shapes, shapes.result_shape  # type: ignore[attr-defined]
    a = tensor(np.zeros(shape_a), requires_grad=True)
    b = tensor(np.zeros(shape_b), requires_grad=True)
    (a + b).sum().backward()
    size = int(np.prod(result))
    np.testing.assert_array_equal(a.grad, np.full(shape_a, size // max(np.prod(shape_a), 1)))
    np.testing.assert_array_equal(b.grad, np.full(shape_b, size // max(np.prod(shape_b), 1)))


@given(shapes, st.data())
def test_unbroadcast_is_the_adjoint_of_broadcasting(shapes: object, data: st.DataObject) -> None:
    # <broadcast(u), g> = <u, unbroadcast(g)> for every u and g.
    shape, result = shapes.input_shapes[0], shapes.result_shape  # type: ignore[attr-defined]
    u = data.draw(hnp.arrays(np.float64, shape, elements=finite))
    g = data.draw(hnp.arrays(np.float64, result, elements=finite))
    left = np.sum(np.broadcast_to(u, result) * g)
    right = np.sum(u * unbroadcast(g, shape))
    np.testing.assert_allclose(left, right, rtol=1e-12, atol=1e-9)


@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=4), elements=finite))
def test_gradient_of_a_linear_function_is_its_coefficient(values: np.ndarray) -> None:
    x = tensor(values, requires_grad=True)
    (3.0 * x - x / 2.0 + 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, np.full(values.shape, 2.5))
