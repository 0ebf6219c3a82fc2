"""Optimizers on leaf tensors of nnlib.autograd: the same steps as on Parameters."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.autograd import tensor
from nnlib.optim import SGD, Adagrad, Adam, AdamW, RMSprop

OPTIMIZERS = [
    (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (Adam, {"lr": 0.01, "amsgrad": True}),
    (AdamW, {"lr": 0.01}),
    (RMSprop, {"lr": 0.01, "centered": True}),
    (Adagrad, {"lr": 0.1}),
]


@pytest.mark.parametrize(("cls", "kwargs"), OPTIMIZERS, ids=[c.__name__ for c, _ in OPTIMIZERS])
def test_tensor_parameters_take_the_same_steps_as_parameters(cls: type, kwargs: dict) -> None:
    rng = np.random.default_rng(0)
    start = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    tensors = [tensor(a, requires_grad=True) for a in start]
    params = [Parameter(a) for a in start]
    opt_t, opt_p = cls(tensors, **kwargs), cls(params, **kwargs)
    x = rng.standard_normal((5, 3))
    for _ in range(4):
        opt_t.zero_grad()
        opt_p.zero_grad()
        w, b = tensors
        loss = ((x @ w + b) ** 2).mean()
        loss.backward()
        for p, t in zip(params, tensors, strict=True):
            p.grad = t.grad.copy()  # the same gradient, computed once
        opt_t.step()
        opt_p.step()
    for p, t in zip(params, tensors, strict=True):
        np.testing.assert_array_equal(t.data, p.data)


def test_zero_grad_and_checkpoints_work_on_tensors() -> None:
    w = tensor([1.0, -2.0], requires_grad=True)
    opt = Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(w.grad, [0.0, 0.0])
    opt.zero_grad()
    assert w.grad is None
    state = opt.state_dict()
    assert state["state"][0]["step"] == 1
    w2 = tensor(w.data, requires_grad=True)
    opt2 = Adam([w2], lr=0.1)
    opt2.load_state_dict(state)
    for opt_, param in ((opt, w), (opt2, w2)):
        (param * param).sum().backward()
        opt_.step()
    np.testing.assert_array_equal(w.data, w2.data)


def test_tensors_that_cannot_be_optimized_are_refused() -> None:
    w = tensor([1.0], requires_grad=True)
    with pytest.raises(
        ValueError, match=r"Adam: params\[1\] is a non-leaf Tensor .* can't be opt"
    ):
        Adam([w, w * 2])
    with pytest.raises(ValueError, match=r"SGD: params\[0\] is a Tensor with requires_grad=False"):
        SGD([tensor([1.0])], lr=0.1)
    with pytest.raises(TypeError, match=r"Adam: params is a single Tensor; expected an iterable"):
        Adam(w)
    with pytest.raises(TypeError, match=r"params\[0\] is a ndarray; expected an nnlib.Parameter "):
        Adam([np.ones(2)])
    with pytest.raises(ValueError, match=r"params\[1\] appears more than once"):
        Adam([w, w])
