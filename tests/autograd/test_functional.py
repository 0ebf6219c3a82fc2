"""nnlib.autograd.functional: central differences, agreement with nnlib.functional, extremes."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import nnlib.functional as NF
from nnlib.autograd import functional as F
from nnlib.autograd import tensor
from tests.autograd.helpers import check_gradients

RNG = np.random.default_rng(1)
X = 2 * RNG.standard_normal((4, 5))
LABELS = np.array([1, 3, 0, 4])

ACTIVATIONS = {
    "relu": {},
    "leaky_relu": {"negative_slope": 0.2},
    "elu": {"alpha": 0.7},
    "gelu": {"approximate": "tanh"},
    "silu": {},
    "softplus": {"beta": 2.0, "threshold": 5.0},
    "sigmoid": {},
    "tanh": {},
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_match_central_differences_and_nnlib(name: str) -> None:
    kwargs = ACTIVATIONS[name]
    check_gradients(lambda a: getattr(F, name)(a, **kwargs), X)
    np.testing.assert_array_equal(
        getattr(F, name)(tensor(X), **kwargs).data, getattr(NF, name)(X, **kwargs)
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmaxes(name: str, dim: int) -> None:
    check_gradients(lambda a: getattr(F, name)(a, dim=dim), X)


def test_linear_against_central_differences() -> None:
    check_gradients(F.linear, RNG.standard_normal((2, 3, 4)), RNG.standard_normal((5, 4)))
    check_gradients(
        F.linear, RNG.standard_normal((3, 4)), RNG.standard_normal((5, 4)), RNG.standard_normal(5)
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_against_central_differences(reduction: str) -> None:
    probs = RNG.dirichlet(np.ones(5), size=4)
    targets = RNG.uniform(0, 1, (4, 5))
    check_gradients(lambda a: F.cross_entropy(a, LABELS, reduction=reduction), X)
    check_gradients(lambda a: F.cross_entropy(a, probs, reduction=reduction), X)
    check_gradients(
        lambda a: F.cross_entropy(a, LABELS, reduction=reduction, label_smoothing=0.2), X
    )
    check_gradients(lambda a: F.nll_loss(a, LABELS, reduction=reduction), X)
    check_gradients(
        lambda a: F.binary_cross_entropy_with_logits(a, targets, reduction=reduction), X
    )
    check_gradients(lambda a, b: F.mse_loss(a, b, reduction=reduction), X, targets)
    check_gradients(lambda a, b: F.l1_loss(a, b, reduction=reduction), X, targets)


def test_extreme_logits_give_finite_exact_gradients() -> None:
    logits = tensor([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]], requires_grad=True)
    loss = F.cross_entropy(logits, np.array([1, 2]))
    loss.backward()
    np.testing.assert_allclose(loss.item(), 1000.0, rtol=1e-15)
    np.testing.assert_allclose(logits.grad, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-300)
    for f in (F.log_softmax, F.softmax):
        logits.grad = None
        f(logits, dim=1).sum().backward()
        assert np.all(np.isfinite(logits.grad))
    logits.grad = None
    F.binary_cross_entropy_with_logits(logits, np.ones((2, 3))).backward()
    assert np.all(np.isfinite(logits.grad))


def test_one_node_per_functional_call() -> None:
    x = tensor(X, requires_grad=True)
    loss = F.cross_entropy(F.relu(x), LABELS)
    assert loss.grad_fn is not None and repr(loss.grad_fn) == "<NllLossBackward0>"
    ((parent, _),) = loss.grad_fn.next_functions
    assert repr(parent) == "<ReluBackward0>" and parent.next_functions == ((None, 0),)


def test_target_gradient_of_mse_and_l1() -> None:
    x, y = tensor([1.0, 2.0], requires_grad=True), tensor([0.5, 3.0], requires_grad=True)
    F.mse_loss(x, y).backward()
    np.testing.assert_array_equal(y.grad, [-0.5, 1.0])


def test_signatures_follow_nnlib_functional() -> None:
    for name in F.__all__:
        if name == "linear":
            continue
        ours = list(inspect.signature(getattr(F, name)).parameters)
        theirs = list(inspect.signature(getattr(NF, name)).parameters)
        assert ours == theirs, name
    assert list(inspect.signature(F.linear).parameters) == ["input", "weight", "bias"]


def test_errors() -> None:
    x = tensor(X, requires_grad=True)
    with pytest.raises(ValueError, match=r"cross_entropy: target requires grad"):
        F.cross_entropy(x, tensor(np.full((4, 5), 0.2), requires_grad=True))
    with pytest.raises(ValueError, match=r"cross_entropy: target\[1\] = 7 is out of range"):
        F.cross_entropy(x, np.array([0, 7, 1, 1]))
    with pytest.raises(ValueError, match=r"softmax: dim = 2 is out of range"):
        F.softmax(x, dim=2)
    with pytest.raises(ValueError, match=r"linear: input of shape \(4, 5\) and weight of shape"):
        F.linear(x, tensor(np.ones((3, 4))))
    with pytest.raises(ValueError, match=r"linear: bias has shape \(2,\); expected \(3,\)"):
        F.linear(x, tensor(np.ones((3, 5))), tensor(np.ones(2)))
    with pytest.raises(ValueError, match=r"leaky_relu: negative_slope"):
        F.leaky_relu(x, negative_slope=float("nan"))
    with pytest.raises(ValueError, match=r"cross_entropy: reduction"):
        F.cross_entropy(x, LABELS, reduction="avg")  # type: ignore[arg-type]
