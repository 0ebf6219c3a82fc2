"""Record PyTorch's values and gradients of tensor expressions as a JSON fixture.

Run by hand with an environment that has PyTorch (it is not a dependency):

    /path/to/torch-venv/bin/python tests/data/make_autograd_reference.py

It writes ``tests/data/autograd_torch_reference.json``, which
``tests/autograd/test_torch_reference.py`` replays with ``nnlib.autograd``.
Each case is a Python expression over tensors ``a``, ``b``, ``c`` (all
requiring grad), constants ``y`` (targets) and keyword arguments ``kw``,
evaluated here with ``torch`` and ``torch.nn.functional as F`` and there
with ``nnlib.autograd`` and its ``functional as F``; the output's backward
is seeded with a recorded random ``grad_output``. Everything is float64.
The cases: broadcasting both ways, Python numbers on either side, matmul of
every rank with broadcast batch dimensions, reductions over each axis with
and without keepdim and tuple dims, indexing with repeated indices, every
functional form with each reduction and logits of +-1000, kinks at 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).with_name("autograd_torch_reference.json")
rng = np.random.default_rng(0)
cases: list[dict] = []


def r(*shape: int, scale: float = 1.0) -> np.ndarray:
    return scale * rng.standard_normal(shape)


def positive(*shape: int) -> np.ndarray:
    return rng.uniform(0.5, 2.0, shape)


def add(case_id: str, expr: str, tensors: dict, y=None, kw=None) -> None:
    """Evaluate ``expr`` with torch; record inputs, output and every input's gradient."""
    kw = kw or {}
    ts = {
        name: torch.tensor(v, dtype=torch.float64, requires_grad=True)
        for name, v in tensors.items()
    }
    y_t = None if y is None else torch.tensor(y)
    kw_t = {
        k: torch.tensor(v, dtype=torch.float64) if isinstance(v, list) else v
        for k, v in kw.items()
    }
    out = eval(expr, {"F": F, "torch": torch, "y": y_t, "kw": kw_t, **ts})
    grad_output = r(*out.shape) if out.dim() else np.array(1.3)
    out.backward(torch.tensor(grad_output, dtype=torch.float64))
    cases.append(
        {
            "id": case_id,
            "expr": expr,
            "tensors": {k: np.asarray(v).tolist() for k, v in tensors.items()},
            "y": None if y is None else np.asarray(y).tolist(),
            "y_dtype": None if y is None else str(np.asarray(y).dtype),
            "kw": kw,
            "grad_output": grad_output.tolist(),
            "output": out.detach().numpy().tolist(),
            "grads": {k: t.grad.numpy().tolist() for k, t in ts.items()},
        }
    )


def main() -> None:
    # Arithmetic with broadcasting both ways, and numbers on either side.
    for op, sym in [("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/")]:
        for sa, sb in [((2, 3), (2, 3)), ((2, 3), (3,)), ((3, 1), (2, 1, 4)), ((), (2, 2))]:
            add(f"{op}-{sa}-{sb}", f"a {sym} b", {"a": r(*sa), "b": positive(*sb)})
        add(f"{op}-number-right", f"a {sym} 2.5", {"a": positive(2, 3)})
        add(f"{op}-number-left", f"-1.5 {sym} a", {"a": positive(2, 3)})
    add("neg", "-a", {"a": r(3)})
    for p in (2, 3, 0.5, -1.5, 0):
        add(f"pow-{p}", f"a ** {p}", {"a": positive(2, 3)})
    add("pow-kinks", "a ** 2 + a ** 0", {"a": np.array([0.0, -1.0, 2.0])})
    # Matrix products of every rank.
    for sa, sb in [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
                   ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3))]:  # fmt: skip
        add(f"matmul-{sa}-{sb}", "a @ b", {"a": r(*sa), "b": r(*sb)})
    # Element-wise functions, with kinks at 0 and saturated inputs.
    x = np.array([[-1000.0, -3.0, -0.5, 0.0], [0.25, 1.0, 4.0, 1000.0]])
    for f in ["exp", "tanh", "sigmoid", "relu", "abs"]:
        expr = f"a.{f}()" if f != "exp" else "a.clamp(max=5.0).exp()"
        add(f"{f}", expr, {"a": x})
    add("log", "a.log()", {"a": positive(2, 3)})
    add("sqrt", "a.sqrt()", {"a": np.array([0.0, 0.25, 4.0])})
    add("clamp", "a.clamp(-0.5, 0.25)", {"a": np.array([-1.0, -0.5, 0.0, 0.25, 1.0])})
    add("clamp-min", "a.clamp(min=0.0)", {"a": np.array([-1.0, 0.0, 1.0])})
    add("clamp-max", "a.clamp(max=0.0)", {"a": np.array([-1.0, 0.0, 1.0])})
    # Reductions over each axis, with and without keepdim, and tuples of axes.
    x = r(2, 3, 4)
    for dim in [None, 0, 1, 2, -1, [0, 2], [-1, 0, 1]]:
        for keepdim in (False, True):
            dims = "None" if dim is None else str(tuple(dim) if isinstance(dim, list) else dim)
            add(f"sum-{dims}-{keepdim}", f"a.sum(dim={dims}, keepdim={keepdim})", {"a": x})
            add(f"mean-{dims}-{keepdim}", f"a.mean(dim={dims}, keepdim={keepdim})", {"a": x})
    # Shapes and indexing, repeated indices included.
    add("reshape", "a.reshape(4, 6)", {"a": x})
    add("transpose", "a.transpose(0, 2)", {"a": x})
    add("T", "a.T", {"a": r(3, 5)})
    for index in ["1", "-1", "1:3", ":, 2", "[2, 0, 2, 2]", "[0, 1, 1], [3, 3, 0]", "..., 1"]:
        add(f"getitem-{index}", f"a[{index}]", {"a": r(3, 4)})
    # Uses of one value several times.
    add("square-by-product", "a * a", {"a": r(3)})
    add("diamond", "(a * 2.0) * (a + 1.0) / (a * a + 1.0)", {"a": r(3)})

    # The functional forms.
    w, bias = r(5, 4), r(5)
    add("linear", "F.linear(a, b, c)", {"a": r(3, 4), "b": w, "c": bias})
    add("linear-3d", "F.linear(a, b, c)", {"a": r(2, 3, 4), "b": w, "c": bias})
    add("linear-nobias", "F.linear(a, b)", {"a": r(3, 4), "b": w})
    logits = r(4, 5, scale=3.0)
    logits[0, 0], logits[3, 2], logits[1, 4] = 1000.0, -1000.0, 0.0
    for f, extra in [("relu", ""), ("leaky_relu", ", negative_slope=0.2"), ("elu", ", alpha=0.7"),
                     ("gelu", ""), ("gelu", ", approximate='tanh'"), ("silu", ""),
                     ("softplus", ""), ("softplus", ", beta=2.0, threshold=5.0"),
                     ("sigmoid", ""), ("tanh", "")]:  # fmt: skip
        add(f"F.{f}{extra}", f"F.{f}(a{extra})", {"a": logits})
    for dim in (0, 1, -1):
        add(f"softmax-{dim}", f"F.softmax(a, dim={dim})", {"a": logits})
        add(f"log_softmax-{dim}", f"F.log_softmax(a, dim={dim})", {"a": logits})
    labels = np.array([1, 3, -100, 2])
    targets = rng.uniform(0.0, 1.0, (4, 5))
    probs = rng.dirichlet(np.ones(5), size=4)
    class_weight = rng.uniform(0.2, 2.0, 5).tolist()
    for red in ["mean", "sum", "none"]:
        kw = {"reduction": red}
        add(f"mse-{red}", "F.mse_loss(a, b, **kw)", {"a": r(4, 5), "b": r(4, 5)}, kw=kw)
        add(f"l1-{red}", "F.l1_loss(a, b, **kw)", {"a": r(4, 5), "b": r(4, 5)}, kw=kw)
        add(f"bce-logits-{red}", "F.binary_cross_entropy_with_logits(a, y, **kw)",
            {"a": logits}, y=targets, kw=kw)  # fmt: skip
        kw_pw = {"reduction": red, "pos_weight": rng.uniform(0.5, 3.0, 5).tolist()}
        add(f"bce-logits-pw-{red}", "F.binary_cross_entropy_with_logits(a, y, **kw)",
            {"a": logits}, y=targets, kw=kw_pw)  # fmt: skip
        add(f"ce-{red}", "F.cross_entropy(a, y, **kw)", {"a": logits}, y=labels, kw=kw)
        add(f"ce-prob-{red}", "F.cross_entropy(a, y, **kw)", {"a": logits}, y=probs, kw=kw)
        kw_all = {"reduction": red, "weight": class_weight, "label_smoothing": 0.1}
        add(f"ce-w-ls-{red}", "F.cross_entropy(a, y, **kw)", {"a": logits}, y=labels, kw=kw_all)
        add(f"nll-{red}", "F.nll_loss(F.log_softmax(a, dim=1), y, **kw)",
            {"a": logits}, y=labels, kw=kw)  # fmt: skip
        kw_w = {"reduction": red, "weight": class_weight}
        add(f"nll-w-{red}", "F.nll_loss(a, y, **kw)", {"a": r(4, 5)}, y=labels, kw=kw_w)
    # A small network, end to end.
    add("mlp", "F.cross_entropy(F.linear(F.relu(F.linear(a, b)), c), y)",
        {"a": r(6, 4), "b": r(5, 4), "c": r(3, 5)}, y=np.array([0, 2, 1, 1, 0, 2]))  # fmt: skip

    OUT.write_text(
        json.dumps(
            {
                "generated_by": "tests/data/make_autograd_reference.py",
                "torch_version": torch.__version__,
                "numpy_version": np.__version__,
                "dtype": "float64",
                "cases": cases,
            },
            indent=0,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
