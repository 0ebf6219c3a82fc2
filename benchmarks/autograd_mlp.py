"""Time the digits MLP trained with nnlib.autograd against the explicit-backward model and PyTorch.

The case of ``digits_mlp.py``: [64, 128, 128, 10], ReLU, softmax
cross-entropy, Adam (lr 1e-3), float64, batches of 64, 30 epochs on the
standardised digits training split. Four implementations start from the
same weights and see the same batches:

* ``nnlib``: ``Sequential`` of ``Linear``/``ReLU`` with their explicit
  ``backward`` methods, trained by ``fit``;
* ``autograd``: leaf tensors, ``functional.linear``/``relu``/``cross_entropy``
  and ``loss.backward()``, the loss read with ``loss.item()`` every batch;
* ``numpy``: the hand-written loop of ``_trainers.py``;
* ``torch`` (only with ``--torch-python``): the autograd loop in PyTorch,
  float64 on the CPU, ``torch.optim.Adam``, run by that interpreter in a
  subprocess.

nnlib, autograd and numpy run in turns, epoch by epoch (in rotating order),
so drifting machine speed affects them alike; each ratio is the median over
epochs of the two epoch times. PyTorch runs whole, in its subprocess,
between repeats, with ``torch.set_num_threads`` equal to the BLAS threads
given to NumPy (``--threads``, default 1). The final weights of nnlib and
autograd must agree to 1e-12 (they do the same arithmetic); PyTorch's are
reported. Run with ``python benchmarks/autograd_mlp.py [--repeats N]
[--torch-python /path/to/python-with-torch]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from _trainers import BETAS, EPS, LR, SEED, initial_weights, nnlib_epochs, numpy_epochs
from digits_mlp import CASES, digits_data
from threadpoolctl import threadpool_limits

from nnlib import autograd
from nnlib.autograd import functional as F
from nnlib.data import DataLoader
from nnlib.optim import Adam

CASE = CASES["digits"]
TARGET = 1.3  # autograd / nnlib


def autograd_epochs(data: Any, initial: list[np.ndarray]) -> Iterator[float]:
    """Train with nnlib.autograd one epoch at a time, yielding each epoch's seconds."""
    X_tr, _, y_tr, _ = data
    params = [autograd.tensor(p, requires_grad=True) for p in initial]
    w1, b1, w2, b2, w3, b3 = params
    loader = DataLoader(X_tr, y_tr, batch_size=CASE.batch, shuffle=True, rng=SEED)
    optimizer = Adam(params, lr=LR, betas=BETAS, eps=EPS)
    for _ in range(CASE.epochs):
        start = time.perf_counter()
        for x, y in loader:
            optimizer.zero_grad()
            h = F.relu(F.linear(autograd.tensor(x), w1, b1))
            h = F.relu(F.linear(h, w2, b2))
            loss = F.cross_entropy(F.linear(h, w3, b3), y)
            loss.item()
            loss.backward()
            optimizer.step()
        yield time.perf_counter() - start
    return [p.data for p in params]


TORCH_WORKER = r"""
import json, sys, time
import numpy as np
import torch
import torch.nn.functional as F

path, epochs, batch, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if threads:
    torch.set_num_threads(threads)
saved = np.load(path)
X = torch.tensor(saved["X"], dtype=torch.float64)
y = torch.tensor(saved["y"], dtype=torch.int64)
params = [torch.tensor(saved[f"p{i}"], dtype=torch.float64, requires_grad=True) for i in range(6)]
w1, b1, w2, b2, w3, b3 = params
opt = torch.optim.Adam(params, lr=float(saved["lr"]), betas=(0.9, 0.999), eps=1e-8)
rng = np.random.default_rng(int(saved["seed"]))  # the DataLoader's shuffling
times = []
for _ in range(epochs):
    start = time.perf_counter()
    order = torch.tensor(rng.permutation(len(X)))
    for begin in range(0, len(X), batch):
        idx = order[begin : begin + batch]
        opt.zero_grad()
        h = F.relu(F.linear(X[idx], w1, b1))
        h = F.relu(F.linear(h, w2, b2))
        loss = F.cross_entropy(F.linear(h, w3, b3), y[idx])
        loss.item()
        loss.backward()
        opt.step()
    times.append(time.perf_counter() - start)
print(json.dumps({"times": times, "version": torch.__version__,
                  "threads": torch.get_num_threads(),
                  "params": [p.detach().numpy().tolist() for p in params]}))
"""


def torch_run(python: str, data: Any, initial: list[np.ndarray], threads: int) -> dict[str, Any]:
    """One whole PyTorch run in a subprocess: its epoch times and final weights."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.npz"
        arrays = {f"p{i}": p for i, p in enumerate(initial)}
        np.savez(path, X=data[0], y=data[2], lr=LR, seed=SEED, **arrays)
        result = subprocess.run(
            [python, "-c", TORCH_WORKER, str(path), *map(str, (CASE.epochs, CASE.batch, threads))],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def interleaved(data: Any, initial: list[np.ndarray]) -> tuple[dict[str, list[float]], Any]:
    """Epoch times of nnlib, autograd and numpy, run in turns epoch by epoch."""
    runs = {
        "nnlib": nnlib_epochs(CASE, data),
        "autograd": autograd_epochs(data, initial),
        "numpy": numpy_epochs(CASE, data, initial),
    }
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, Any] = {}
    for epoch in range(CASE.epochs + 1):
        shift = epoch % len(names)
        for name in names[shift:] + names[:shift]:
            try:
                times[name].append(next(runs[name]))
            except StopIteration as done:
                results[name] = done.value
    return times, results


def overhead(repeats: int = 20, length: int = 1000) -> dict[str, float]:
    """Microseconds per operation of a chain ``y = y * c`` on one element (best of repeats).

    The arithmetic is negligible, so this is the bookkeeping of one
    operation: NumPy's own dispatch, autograd's recording (forward), and
    autograd's backward pass per node.
    """
    best = {"numpy": np.inf, "autograd forward": np.inf, "autograd backward": np.inf}
    for _ in range(repeats):
        value = np.ones(1)
        start = time.perf_counter()
        for _ in range(length):
            value = value * 1.0001
        best["numpy"] = min(best["numpy"], time.perf_counter() - start)
        x = autograd.tensor([1.0], requires_grad=True)
        y = x
        start = time.perf_counter()
        for _ in range(length):
            y = y * 1.0001
        best["autograd forward"] = min(best["autograd forward"], time.perf_counter() - start)
        start = time.perf_counter()
        y.backward(np.ones(1))
        best["autograd backward"] = min(best["autograd backward"], time.perf_counter() - start)
    return {name: 1e6 * seconds / length for name, seconds in best.items()}


def relative_difference(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(x - y)) / np.max(np.abs(y))) for x, y in zip(a, b, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--threads", type=int, default=1,
        help="BLAS threads for NumPy and PyTorch (default 1; 0 leaves the library default)",
    )  # fmt: skip
    parser.add_argument("--torch-python", help="a Python interpreter that can import torch")
    args = parser.parse_args()
    data = digits_data(CASE.dtype)
    initial = initial_weights(CASE)
    epoch_times: dict[str, list[float]] = {"nnlib": [], "autograd": [], "numpy": []}
    torch_times: list[float] = []
    torch_info: dict[str, Any] = {}
    limits = threadpool_limits(args.threads) if args.threads else contextlib.nullcontext()
    with limits:
        for _ in range(args.repeats):
            times, results = interleaved(data, initial)
            for name in epoch_times:
                epoch_times[name] += times[name]
            if args.torch_python:
                torch_info = torch_run(args.torch_python, data, initial, args.threads)
                torch_times += torch_info["times"]
    nnlib_params = [p.data for p in results["nnlib"].parameters()]
    autograd_params = results["autograd"]
    worst = relative_difference(autograd_params, nnlib_params)
    if worst > 1e-12:
        raise RuntimeError(f"autograd and nnlib disagree: relative difference {worst:.2e}")
    ms = {name: 1000 * statistics.median(values) for name, values in epoch_times.items()}

    def paired(a: str, b: str) -> float:
        pairs = zip(epoch_times[a], epoch_times[b], strict=True)
        return statistics.median(x / y for x, y in pairs)

    print(
        f"digits: MLP {CASE.sizes}, ReLU, Adam lr={LR:g}, batch {CASE.batch}, {CASE.epochs} "
        f"epochs, float64, {len(data[0])} training samples"
    )
    print(
        f"  ({args.repeats} runs; nnlib, autograd and numpy alternate epoch by epoch; medians; "
        f"BLAS threads: {args.threads or 'default'}; Python {sys.version.split()[0]}, "
        f"NumPy {np.__version__})"
    )
    for name, value in ms.items():
        print(f"  {name:9s} {value:8.2f} ms/epoch")
    if torch_times:
        ms["torch"] = 1000 * statistics.median(torch_times)
        print(
            f"  {'torch':9s} {ms['torch']:8.2f} ms/epoch   (PyTorch {torch_info['version']}, "
            f"float64, CPU, torch threads {torch_info['threads']})"
        )
    print(f"  autograd / nnlib = {paired('autograd', 'nnlib'):.2f}  (target <= {TARGET})")
    print(f"  autograd / numpy = {paired('autograd', 'numpy'):.2f}")
    if torch_times:
        print(f"  torch / autograd = {ms['torch'] / ms['autograd']:.2f}  (target > 1)")
        torch_difference = relative_difference(
            [np.array(p) for p in torch_info["params"]], autograd_params
        )
        print(f"  final weights torch vs autograd: max relative difference {torch_difference:.1e}")
    print(f"  final weights autograd vs nnlib: max relative difference {worst:.1e}")
    per_op = overhead()
    print(
        "  per operation (a chain of 1000 multiplications of one element, best of 20): "
        + ", ".join(f"{name} {value:.2f} us" for name, value in per_op.items())
    )


if __name__ == "__main__":
    main()
