"""Reference losses in SymPy, evaluated with mpmath at 50 significant digits.

Each loss is written as PyTorch's documentation defines it (per-element or
per-sample formula, then the reduction), and its gradient comes from
``sympy.diff``, so the reference shares no code with nnlib. Results are
rounded to float64 only at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import mpmath
import numpy as np
import sympy as sp

X, Y = sp.symbols("x y", real=True)
DIGITS = 50


def mp(value: Any) -> mpmath.mpf:
    """An exact mpmath copy of a float64 (no rounding through decimal strings)."""
    return mpmath.mpf(float(value))


@cache
def _pointwise(expr: sp.Expr) -> tuple[Callable[..., Any], Callable[..., Any]]:
    return (
        sp.lambdify((X, Y), expr, modules="mpmath"),
        sp.lambdify((X, Y), sp.diff(expr, X), modules="mpmath"),
    )


def pointwise(
    expr: sp.Expr,
    x: np.ndarray,
    y: np.ndarray,
    reduction: str,
    grad_output: Any = 1.0,
    weight: np.ndarray | None = None,
    divisor: str | float = "count",
) -> tuple[np.ndarray, np.ndarray]:
    """Value and input gradient of an element-wise loss ``expr(x, y)`` after ``reduction``.

    ``weight`` multiplies each element's loss; ``divisor`` says what ``'mean'``
    (or ``'batchmean'``) divides by: ``"count"`` (number of elements),
    ``"weight"`` (sum of weights) or a given number.
    """
    f, df = _pointwise(expr)
    w = np.ones_like(x) if weight is None else weight
    with mpmath.workdps(DIGITS):
        values = [
            mp(wi) * f(mp(a), mp(b)) for a, b, wi in zip(x.flat, y.flat, w.flat, strict=True)
        ]
        slopes = [
            mp(wi) * df(mp(a), mp(b)) for a, b, wi in zip(x.flat, y.flat, w.flat, strict=True)
        ]
        if divisor == "count":
            d = mp(x.size)
        elif divisor == "weight":
            d = mpmath.fsum(mp(wi) for wi in w.flat)
        else:
            d = mp(divisor)
        return finish(values, slopes, x.shape, reduction, d, grad_output)


def finish(
    values: Sequence[Any],
    slopes: Sequence[Any],
    shape: tuple[int, ...],
    reduction: str,
    divisor: Any,
    grad_output: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply a reduction in mpmath; ``slopes`` are d(element loss)/d(element input)."""
    if reduction == "none":
        g = np.broadcast_to(np.asarray(grad_output, dtype=float), shape)
        grads = [s * mp(gi) for s, gi in zip(slopes, g.flat, strict=True)]
        out = np.array([float(v) for v in values]).reshape(shape)
    else:
        total = mpmath.fsum(values)
        scale = mp(grad_output)
        if reduction in ("mean", "batchmean"):
            total = total / divisor
            scale = scale / divisor
        grads = [s * scale for s in slopes]
        out = np.array(float(total))
    return out, np.array([float(g) for g in grads]).reshape(shape)


# -- element-wise losses as PyTorch documents them ---------------------------------

MSE = (X - Y) ** 2
L1 = sp.Abs(X - Y)


def huber(delta: float) -> sp.Expr:
    d = sp.Float(delta, 60)
    return sp.Piecewise(((X - Y) ** 2 / 2, sp.Abs(X - Y) < d), (d * (sp.Abs(X - Y) - d / 2), True))


def smooth_l1(beta: float) -> sp.Expr:
    b = sp.Float(beta, 60)
    return sp.Piecewise(((X - Y) ** 2 / (2 * b), sp.Abs(X - Y) < b), (sp.Abs(X - Y) - b / 2, True))


BCE = -(Y * sp.log(X) + (1 - Y) * sp.log(1 - X))


def bce_logits(pos_weight: float = 1.0) -> sp.Expr:
    c = sp.Float(pos_weight, 60)
    sig = 1 / (1 + sp.exp(-X))
    return -(c * Y * sp.log(sig) + (1 - Y) * sp.log(1 - sig))


KL = Y * (sp.log(Y) - X)  # target y > 0 here; 0 log 0 = 0 is tested separately
KL_LOG_TARGET = sp.exp(Y) * (Y - X)


# -- per-sample losses over C classes ------------------------------------------------


@cache
def _cross_entropy_sample(num_classes: int) -> tuple[Callable[..., Any], Callable[..., Any]]:
    r"""-sum_c w_c t_c log p_c with log p_c = z_c - log sum_j e^{z_j}; symbols z, w, t."""
    z = sp.symbols(f"z0:{num_classes}", real=True)
    w = sp.symbols(f"w0:{num_classes}", real=True)
    t = sp.symbols(f"t0:{num_classes}", real=True)
    log_norm = sp.log(sum(sp.exp(zj) for zj in z))
    loss = -sum(w[c] * t[c] * (z[c] - log_norm) for c in range(num_classes))
    args = (*z, *w, *t)
    value = sp.lambdify(args, loss, modules="mpmath")
    grads = sp.lambdify(args, [sp.diff(loss, zk) for zk in z], modules="mpmath")
    return value, grads


def _samples(x: np.ndarray) -> np.ndarray:
    """Logits (C,), (N, C) or (N, C, d...) -> rows of shape (S, C), class axis last."""
    if x.ndim == 1:
        return x[None]
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _unsamples(rows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    if len(shape) == 1:
        return rows[0]
    moved = rows.reshape((shape[0], *shape[2:], shape[1]))
    return np.moveaxis(moved, -1, 1)


def cross_entropy(
    x: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    grad_output: Any = 1.0,
    nll: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's cross_entropy (or nll_loss when ``nll``, x then being log-probabilities).

    Index targets: (1 - eps) * NLL_w + eps / C * sum_c(-w_c log p_c), both
    divided for 'mean' by the sum of w[y] over targets != ignore_index.
    Probability targets: -sum_c w_c ((1 - eps) t_c + eps / C) log p_c,
    'mean' dividing by the number of samples.
    """
    num_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    rows = _samples(x)
    w = np.ones(num_classes) if weight is None else weight
    value_fn, grad_fn = _cross_entropy_sample(num_classes)
    eps = mpmath.mpf(float(label_smoothing))
    index_target = np.issubdtype(target.dtype, np.integer)
    values, grads = [], []
    with mpmath.workdps(DIGITS):
        if index_target:
            labels = target.reshape(-1)
            uniform = [mpmath.mpf(1) / num_classes] * num_classes
            divisor = mpmath.fsum(mp(w[y]) for y in labels if y != ignore_index)
            for row, y in zip(rows, labels, strict=True):
                z = [mp(v) for v in row]
                wc = [mp(v) for v in w]
                if y == ignore_index:
                    values.append(mpmath.mpf(0))
                    grads.append([mpmath.mpf(0)] * num_classes)
                    continue
                one_hot = [mpmath.mpf(int(c == y)) for c in range(num_classes)]
                if nll:  # x holds log-probabilities: loss -w_y x_y
                    values.append(-wc[y] * z[y])
                    grads.append([-wc[y] * one_hot[c] for c in range(num_classes)])
                    continue
                main, smooth = value_fn(*z, *wc, *one_hot), value_fn(*z, *wc, *uniform)
                g_main, g_smooth = grad_fn(*z, *wc, *one_hot), grad_fn(*z, *wc, *uniform)
                values.append((1 - eps) * main + eps * smooth)
                grads.append(
                    [(1 - eps) * a + eps * b for a, b in zip(g_main, g_smooth, strict=True)]
                )
        else:
            divisor = mpmath.mpf(rows.shape[0])
            t_rows = _samples(target)
            for row, t in zip(rows, t_rows, strict=True):
                z = [mp(v) for v in row]
                wc = [mp(v) for v in w]
                tc = [(1 - eps) * mp(v) + eps / num_classes for v in t]
                values.append(value_fn(*z, *wc, *tc))
                grads.append(list(grad_fn(*z, *wc, *tc)))
        sample_shape = () if x.ndim == 1 else (x.shape[0], *x.shape[2:])
        if reduction == "none":
            g = np.broadcast_to(np.asarray(grad_output, dtype=float), sample_shape).reshape(-1)
            scales = [mp(v) for v in g]
            out = np.array([float(v) for v in values]).reshape(sample_shape)
        else:
            total = mpmath.fsum(values)
            scale = mp(grad_output)
            if reduction == "mean":
                total, scale = total / divisor, scale / divisor
            scales = [scale] * len(values)
            out = np.array(float(total))
        grad_rows = np.array(
            [[float(gc * s) for gc in row] for row, s in zip(grads, scales, strict=True)]
        )
    return out, _unsamples(grad_rows, x.shape)
