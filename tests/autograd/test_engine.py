"""Tests of backward: accumulation, retain_graph, no_grad, shared uses, deep graphs, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled, tensor


def test_a_value_used_twice_gets_both_gradients() -> None:
    x = tensor([3.0, -2.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, -4.0])


def test_diamond_graph() -> None:
    # y = a * b with a = 2x, b = x + 1: dy/dx = 2 (x + 1) + 2x = 4x + 2
    x = tensor([1.0, 5.0], requires_grad=True)
    a = x * 2
    b = x + 1
    (a * b).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 22.0])


def test_gradients_accumulate_across_backward_calls() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0 + 2.0, 3.0 + 4.0])


def test_retain_graph_allows_a_second_backward_and_its_absence_forbids_it() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])
    with pytest.raises(RuntimeError, match=r"backward through the graph a second time"):
        y.backward()


def test_freed_graph_releases_the_saved_arrays() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    node = y.grad_fn
    y.backward()
    assert node is not None and node.inputs is None and node.vjps is None


def test_non_leaf_grad_stays_none_unless_retained() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    k = h * 3
    k.retain_grad()
    (k * k).sum().backward()
    assert h.grad is None
    np.testing.assert_array_equal(k.grad, 2 * k.data)
    np.testing.assert_array_equal(x.grad, 2 * k.data * 6)


def test_backward_with_explicit_gradient() -> None:
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(np.array([1.0, 0.5, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, -6.0])


def test_backward_of_a_leaf() -> None:
    x = tensor(2.0, requires_grad=True)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_leaf_gradients_do_not_alias_each_other() -> None:
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([3.0, 4.0], requires_grad=True)
    (a + b).backward(np.ones(2))
    assert a.grad is not None and b.grad is not None
    a.grad *= 10  # e.g. gradient clipping in place
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_errors_of_backward() -> None:
    with pytest.raises(RuntimeError, match=r"does not require grad and does not have a grad_fn"):
        tensor([1.0]).sum().backward()
    x = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"grad can be implicitly created only for scalar"):
        (x * 2).backward()
    with pytest.raises(
        RuntimeError, match=r"gradient has shape \(3,\); expected the shape \(2,\)"
    ):
        (x * 2).backward(np.ones(3))


def test_no_grad_records_nothing_and_restores_the_mode() -> None:
    x = tensor([1.0], requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        y = x * 2
        with enable_grad():
            z = x * 2
    assert is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad

    @no_grad()
    def double(t):  # type: ignore[no-untyped-def]
        return t * 2

    assert not double(x).requires_grad and is_grad_enabled()
    with set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert is_grad_enabled()

    @set_grad_enabled(False)
    def triple(t):  # type: ignore[no-untyped-def]
        return t * 3

    assert is_grad_enabled()  # decorating changes nothing
    assert not triple(x).requires_grad and is_grad_enabled()
    set_grad_enabled(False)
    assert not is_grad_enabled()
    set_grad_enabled(True)


def test_no_grad_restores_the_mode_after_an_exception() -> None:
    with pytest.raises(KeyError), no_grad():
        raise KeyError("x")
    assert is_grad_enabled()


def test_a_chain_of_5000_operations_needs_no_recursion() -> None:
    x = tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad, 1.0001**5000, rtol=1e-12)


def test_wide_reuse_is_linear_not_exponential() -> None:
    # y_{k+1} = y_k + y_k doubles the gradient at each of 60 levels: a graph with
    # 2^60 paths must be walked node by node.
    x = tensor(1.0, requires_grad=True)
    y = x
    for _ in range(60):
        y = y + y
    y.backward()
    assert x.grad == 2.0**60


def test_only_branches_that_need_grad_are_computed() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    c = tensor([5.0, 6.0])
    y = x * c
    assert y.grad_fn is not None and y.grad_fn.inputs is not None
    assert y.grad_fn.inputs[1] is None
    y.sum().backward()
    assert c.grad is None


def test_backward_frees_the_saved_arrays() -> None:
    import weakref

    x = tensor(np.ones(3), requires_grad=True)
    hidden = x.exp()
    saved = weakref.ref(hidden.data)  # exp's VJP keeps its output
    y = (hidden * 2).sum()
    del hidden
    assert saved() is not None
    y.backward()
    assert saved() is None


def test_nnlib_autograd_is_reachable_from_import_nnlib() -> None:
    import nnlib

    assert nnlib.autograd.tensor is tensor
