"""Tests of ``nnlib.optim.AdamW``: Adam with decoupled weight decay."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.optim import Adam, AdamW
from tests.optim.optim_cases import gradients, make_params, run


def test_adamw_is_adam_with_decoupled_weight_decay_bit_for_bit() -> None:
    grads = gradients(6, seed=2)
    a, b = make_params(), make_params()
    run(AdamW(a, lr=0.05, weight_decay=0.1, amsgrad=True), a, grads)
    run(Adam(b, lr=0.05, weight_decay=0.1, amsgrad=True, decoupled_weight_decay=True), b, grads)
    for p, q in zip(a, b, strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_zero_gradient_only_shrinks_the_weights() -> None:
    # m = v = 0 when every gradient is 0 (eps > 0 keeps the division defined), so
    # theta_t = (1 - lr lambda)^t theta_0.
    lr, decay, steps = 0.1, 0.5, 7
    w = Parameter(np.array([10.0, -3.0]))
    opt = AdamW([w], lr=lr, weight_decay=decay)
    for _ in range(steps):
        w.grad = np.zeros(2)
        opt.step()
    np.testing.assert_allclose(w.data, (1 - lr * decay) ** steps * np.array([10.0, -3.0]))


def test_decoupled_decay_differs_from_the_l2_penalty() -> None:
    # The L2 gradient lambda*theta is rescaled by 1/sqrt(v): with a large loss gradient on
    # one coordinate, its decay nearly vanishes under Adam, not under AdamW.
    grads = [[[100.0, 0.01]] for _ in range(5)]
    w_l2, w_decoupled = Parameter(np.array([1.0, 1.0])), Parameter(np.array([1.0, 1.0]))
    l2, decoupled = Adam([w_l2], lr=0.01, weight_decay=0.1), AdamW([w_decoupled], lr=0.01)
    decoupled.param_groups[0]["weight_decay"] = 0.1
    for (g,) in grads:
        w_l2.grad = np.array(g)
        w_decoupled.grad = np.array(g)
        l2.step()
        decoupled.step()
    assert not np.allclose(w_l2.data, w_decoupled.data, rtol=1e-6)


def test_default_weight_decay_is_one_hundredth() -> None:
    opt = AdamW([Parameter([0.0])])
    assert opt.defaults["weight_decay"] == 1e-2
    assert opt.defaults["decoupled_weight_decay"] is True


def test_loading_an_adam_checkpoint_keeps_the_decay_decoupled() -> None:
    params = make_params()
    saved = Adam(params, lr=0.1, weight_decay=0.1).state_dict()
    opt = AdamW(params)
    opt.load_state_dict(saved)
    assert opt.param_groups[0]["decoupled_weight_decay"] is True


def test_bad_hyperparameters_are_refused() -> None:
    with pytest.raises(ValueError, match=r"AdamW: weight_decay = -0.01 is out of range"):
        AdamW([Parameter([0.0])], weight_decay=-0.01)
    with pytest.raises(ValueError, match=r"AdamW: betas\[0\] = 1.0 is out of range"):
        AdamW([Parameter([0.0])], betas=(1.0, 0.9))
