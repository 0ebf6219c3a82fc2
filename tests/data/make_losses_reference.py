"""Record PyTorch's loss values, input gradients and signatures as a JSON fixture.

Run by hand with an environment that has PyTorch (it is not a dependency):

    /path/to/torch-venv/bin/python tests/data/make_losses_reference.py

It writes ``tests/data/losses_torch_reference.json``, which
``tests/losses/test_losses_torch_reference.py`` replays with nnlib. Everything
is float64 on the CPU. The cases cover every loss and reduction and the
options whose semantics are easy to get wrong: class weights and
ignore_index in the mean, label smoothing combined with both, probability
targets with weights, pos_weight, extra spatial dimensions, a single
unbatched sample, ``beta=0``, BCE's clamp at probabilities 0 and 1, and
logits of +-1000.
"""

from __future__ import annotations

import inspect
import json
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).with_name("losses_torch_reference.json")
REDUCTIONS = ["none", "mean", "sum"]
CLASSES = [
    "MSELoss",
    "L1Loss",
    "HuberLoss",
    "SmoothL1Loss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "KLDivLoss",
]
FUNCTIONS = [
    "mse_loss",
    "l1_loss",
    "huber_loss",
    "smooth_l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll_loss",
    "kl_div",
]
DEPRECATED = {"size_average", "reduce"}


def _signature(obj) -> list[list]:
    """[name, default] of each parameter, without self and the deprecated ones."""
    params = inspect.signature(obj).parameters.values()
    return [
        [p.name, None if p.default is inspect.Parameter.empty else p.default]
        for p in params
        if p.name not in DEPRECATED | {"self"}
    ]


def _tensor(value):
    if isinstance(value, list):
        return torch.tensor(value, dtype=torch.float64)
    return value


def _record(cases, case_id, cls, kwargs, x, target, rng) -> None:
    module = getattr(torch.nn, cls)(**{k: _tensor(v) for k, v in kwargs.items()})
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tt = torch.tensor(target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KLDivLoss warns about reduction='mean'
        out = module(xt, tt)
    grad_output = rng.standard_normal(out.shape) if out.dim() else np.array(1.3)
    out.backward(torch.tensor(grad_output, dtype=torch.float64))
    cases.append(
        {
            "id": case_id,
            "class": cls,
            "kwargs": kwargs,
            "input": x.tolist(),
            "target": target.tolist(),
            "target_dtype": "int" if target.dtype.kind == "i" else "float",
            "grad_output": grad_output.tolist(),
            "output": out.detach().numpy().tolist(),
            "grad_input": xt.grad.numpy().tolist(),
        }
    )


def main() -> None:
    rng = np.random.default_rng(0)
    cases: list[dict] = []
    x = 2 * rng.standard_normal((4, 3))
    y = 2 * rng.standard_normal((4, 3))
    for red in REDUCTIONS:
        _record(cases, f"mse-{red}", "MSELoss", {"reduction": red}, x, y, rng)
        _record(cases, f"l1-{red}", "L1Loss", {"reduction": red}, x, y, rng)
        _record(cases, f"huber-{red}", "HuberLoss", {"reduction": red, "delta": 0.7}, x, y, rng)
        for beta in (0.0, 1.5):
            kwargs = {"reduction": red, "beta": beta}
            _record(cases, f"smooth_l1-{beta}-{red}", "SmoothL1Loss", kwargs, x, y, rng)

    p = rng.uniform(0.02, 0.98, (4, 3))
    p[0, 0], p[1, 1], p[2, 2] = 0.0, 1.0, 1.0  # the clamp at log 0
    t = rng.uniform(0.0, 1.0, (4, 3))
    t[2, 2] = 1.0
    logits = 3 * rng.standard_normal((4, 3))
    logits[0, 0], logits[3, 2] = 1000.0, -1000.0
    w_row = rng.uniform(0.2, 2.0, (4, 1)).tolist()
    pw = rng.uniform(0.2, 4.0, 3).tolist()
    for red in REDUCTIONS:
        _record(cases, f"bce-{red}", "BCELoss", {"reduction": red}, p, t, rng)
        _record(cases, f"bce-w-{red}", "BCELoss", {"reduction": red, "weight": w_row}, p, t, rng)
        for name, extra in [
            ("", {}),
            ("-w", {"weight": w_row}),
            ("-pw", {"pos_weight": pw}),
            ("-w-pw", {"weight": w_row, "pos_weight": pw}),
        ]:
            kwargs = {"reduction": red, **extra}
            _record(cases, f"bce_logits{name}-{red}", "BCEWithLogitsLoss", kwargs, logits, t, rng)

    scores = 3 * rng.standard_normal((6, 4))
    scores[0, 1], scores[5, 3] = 1000.0, -1000.0
    labels = np.array([1, 3, -100, 2, 0, 3])
    weight = rng.uniform(0.2, 2.0, 4).tolist()
    probs = rng.dirichlet(np.ones(4), size=6)
    spatial = 2 * rng.standard_normal((2, 4, 3))
    spatial_labels = np.array([[0, 3, -100], [2, 2, 1]])
    spatial_probs = np.moveaxis(rng.dirichlet(np.ones(4), size=(2, 3)), -1, 1)
    for red in REDUCTIONS:
        for ls in (0.0, 0.2):
            for wname, extra in [("", {}), ("-w", {"weight": weight})]:
                kw = {"reduction": red, "label_smoothing": ls, **extra}
                _record(
                    cases,
                    f"ce-idx{wname}-ls{ls}-{red}",
                    "CrossEntropyLoss",
                    kw,
                    scores,
                    labels,
                    rng,
                )
                _record(
                    cases,
                    f"ce-prob{wname}-ls{ls}-{red}",
                    "CrossEntropyLoss",
                    kw,
                    scores,
                    probs,
                    rng,
                )
                _record(
                    cases,
                    f"ce-spatial{wname}-ls{ls}-{red}",
                    "CrossEntropyLoss",
                    kw,
                    spatial,
                    spatial_labels,
                    rng,
                )
                _record(
                    cases,
                    f"ce-spatial-prob{wname}-ls{ls}-{red}",
                    "CrossEntropyLoss",
                    kw,
                    spatial,
                    spatial_probs,
                    rng,
                )
        kw = {"reduction": red, "ignore_index": 2, "weight": weight, "label_smoothing": 0.1}
        _record(
            cases,
            f"ce-ignore2-{red}",
            "CrossEntropyLoss",
            kw,
            scores,
            np.array([2, 0, 1, 2, 3, 3]),
            rng,
        )
        _record(
            cases,
            f"ce-unbatched-{red}",
            "CrossEntropyLoss",
            {"reduction": red},
            scores[1],
            np.array(3),
            rng,
        )
        log_p = torch.log_softmax(torch.tensor(scores), 1).numpy()
        for wname, extra in [("", {}), ("-w", {"weight": weight})]:
            kw = {"reduction": red, **extra}
            _record(cases, f"nll{wname}-{red}", "NLLLoss", kw, log_p, labels, rng)
        _record(
            cases,
            f"nll-spatial-{red}",
            "NLLLoss",
            {"reduction": red},
            spatial,
            spatial_labels,
            rng,
        )

    log_q = np.log(rng.dirichlet(np.ones(4), size=5))
    target_p = rng.dirichlet(np.ones(4), size=5)
    target_p[0, 0] = 0.0
    for red in ["none", "mean", "sum", "batchmean"]:
        _record(cases, f"kl-{red}", "KLDivLoss", {"reduction": red}, log_q, target_p, rng)
        kw = {"reduction": red, "log_target": True}
        _record(
            cases,
            f"kl-log-{red}",
            "KLDivLoss",
            kw,
            log_q,
            np.log(rng.dirichlet(np.ones(4), size=5)),
            rng,
        )

    weighted = []
    w_elem = rng.uniform(0.0, 2.0, (4, 3))
    for name in ("mse_loss", "l1_loss", "huber_loss"):
        for red in REDUCTIONS:
            out = getattr(F, name)(
                torch.tensor(x), torch.tensor(y), reduction=red, weight=torch.tensor(w_elem)
            )
            weighted.append(
                {
                    "id": f"{name}-weight-{red}",
                    "function": name,
                    "reduction": red,
                    "input": x.tolist(),
                    "target": y.tolist(),
                    "weight": w_elem.tolist(),
                    "output": out.numpy().tolist(),
                }
            )

    signatures = {name: _signature(getattr(torch.nn, name).__init__) for name in CLASSES}
    signatures.update({name: _signature(getattr(F, name)) for name in FUNCTIONS})
    payload = {
        "torch_version": torch.__version__,
        "generated_by": "tests/data/make_losses_reference.py",
        "signatures": signatures,
        "cases": cases,
        "functional_weight_cases": weighted,
    }
    OUT.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} module cases and {len(weighted)} functional cases to {OUT}")


if __name__ == "__main__":
    main()
