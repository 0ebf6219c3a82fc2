"""Reference definitions of the element-wise activations in SymPy, evaluated with mpmath.

Each case pairs an nnlib module (and its functional form) with a SymPy
expression in ``X``. The expressions are written in forms that do not cancel
in high precision: ``log1p`` for softplus, ``erfc`` of a negative argument
(kept unevaluated, since SymPy would rewrite ``erfc(-z)`` as ``2 - erfc(z)``)
for GELU's tail. Derivatives come from ``sympy.diff``; tanh's is simplified to
``cosh(x)**-2`` for the same reason, and the tanh form of GELU uses
``1 + tanh(u) = 2 sigma(2u)``. :func:`reference` evaluates at 50
significant digits and checks that 100 digits give the same float64, so the
reference is never the weaker side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import log1p

from nnlib import activations as act

X = sp.Symbol("x", real=True)
DIGITS = 50

# The exact digits PyTorch uses for SELU (torch/nn/modules/activation.py docs).
SELU_ALPHA_DIGITS = "1.6732632423543772848170429916717"
SELU_SCALE_DIGITS = "1.0507009873554804934193349852946"

# Points where every activation and derivative is a normal float64 (or exactly
# 0/1 after rounding): the subnormal range is left out on purpose. 0 is the
# kink of the piecewise ones; SymPy's Piecewise takes the x <= 0 branch there,
# which is PyTorch's convention too.
GRID = np.concatenate(
    [
        [-1e4, -1000.0, -37.0, -30.0, -20.0, -12.5, -7.0],
        np.linspace(-5.0, 5.0, 41),
        [-1e-3, -1e-8, 1e-8, 1e-3, 7.0, 12.5, 19.99, 20.0, 20.01, 30.0, 37.0, 1000.0, 1e4],
    ]
)


def _rational(value: float) -> sp.Rational:
    """The float's exact binary value, so SymPy sees what nnlib sees."""
    return sp.Rational(value)


def _piecewise(positive: sp.Expr, non_positive: sp.Expr) -> sp.Expr:
    return sp.Piecewise((positive, X > 0), (non_positive, True))


def _elu_expr(alpha: sp.Expr, scale: sp.Expr = sp.S.One) -> sp.Expr:
    return scale * _piecewise(X, alpha * (sp.exp(X) - 1))


def _softplus_expr(beta: float, threshold: float) -> sp.Expr:
    b, t = _rational(beta), _rational(threshold)
    return sp.Piecewise((X, b * X > t), (log1p(sp.exp(b * X)) / b, True))


def _phi_expr() -> sp.Expr:
    return sp.erfc(-X / sp.sqrt(2), evaluate=False) / 2


def gelu_tanh_exprs() -> tuple[sp.Expr, sp.Expr]:
    """PyTorch's tanh-approximated GELU, and the same with 1 + tanh(u) = 2 sigma(2u).

    The second form is the reference: the first cancels for x < -10.
    """
    u = sp.sqrt(2 / sp.pi) * (X + _rational(0.044715) * X**3)
    return X / 2 * (1 + sp.tanh(u)), X / (1 + sp.exp(-2 * u))


@dataclass(frozen=True)
class Case:
    """One element-wise activation: how nnlib builds it and what it should equal."""

    name: str
    module: Callable[[], act.ElementwiseActivation]
    functional: Callable[[Any], np.ndarray]
    expr: sp.Expr
    derivative_expr: sp.Expr
    output_form_backward: bool = False  # backward uses the cached output (y(1-y), 1-y^2)

    def __str__(self) -> str:
        return self.name


def _case(
    name: str,
    module: Callable[[], Any],
    functional: Callable[[Any], Any],
    expr: sp.Expr,
    derivative: sp.Expr | None = None,
    output_form: bool = False,
) -> Case:
    return Case(
        name,
        module,
        functional,
        expr,
        sp.diff(expr, X) if derivative is None else derivative,
        output_form,
    )


_SIGMOID = 1 / (1 + sp.exp(-X))
_SELU = _elu_expr(sp.Float(SELU_ALPHA_DIGITS, DIGITS), sp.Float(SELU_SCALE_DIGITS, DIGITS))

CASES = [
    _case("Sigmoid", act.Sigmoid, act.sigmoid, _SIGMOID, output_form=True),
    _case("Tanh", act.Tanh, act.tanh, sp.tanh(X), sp.simplify(sp.diff(sp.tanh(X), X)), True),
    _case("ReLU", act.ReLU, act.relu, _piecewise(X, sp.Integer(0))),
    _case("LeakyReLU", act.LeakyReLU, act.leaky_relu, _piecewise(X, _rational(0.01) * X)),
    _case(
        "LeakyReLU(0.2)",
        lambda: act.LeakyReLU(0.2),
        lambda x: act.leaky_relu(x, 0.2),
        _piecewise(X, _rational(0.2) * X),
    ),
    _case(
        "LeakyReLU(-0.5)",
        lambda: act.LeakyReLU(-0.5),
        lambda x: act.leaky_relu(x, -0.5),
        _piecewise(X, _rational(-0.5) * X),
    ),
    _case("ELU", act.ELU, act.elu, _elu_expr(sp.Integer(1))),
    _case("ELU(0.5)", lambda: act.ELU(0.5), lambda x: act.elu(x, 0.5), _elu_expr(_rational(0.5))),
    _case("ELU(-2)", lambda: act.ELU(-2.0), lambda x: act.elu(x, -2.0), _elu_expr(sp.Integer(-2))),
    _case("SELU", act.SELU, act.selu, _SELU),
    _case("Softplus", act.Softplus, act.softplus, _softplus_expr(1.0, 20.0)),
    _case(
        "Softplus(2, 5)",
        lambda: act.Softplus(2.0, 5.0),
        lambda x: act.softplus(x, 2.0, 5.0),
        _softplus_expr(2.0, 5.0),
    ),
    _case(
        "Softplus(0.3, 4)",
        lambda: act.Softplus(0.3, 4.0),
        lambda x: act.softplus(x, beta=0.3, threshold=4.0),
        _softplus_expr(0.3, 4.0),
    ),
    _case("SiLU", act.SiLU, act.silu, X * _SIGMOID),
    _case("GELU", act.GELU, act.gelu, X * _phi_expr()),
    _case(
        "GELU(tanh)",
        lambda: act.GELU("tanh"),
        lambda x: act.gelu(x, approximate="tanh"),
        gelu_tanh_exprs()[1],
    ),
]
CASE_IDS = [case.name for case in CASES]


def reference(expr: sp.Expr, values: np.ndarray) -> np.ndarray:
    """Evaluate ``expr`` at each value with mpmath; return float64 results.

    Raises AssertionError if 50 and 100 significant digits round to different
    float64 numbers (the expression cancels too badly to be a reference there).
    """
    function = sp.lambdify(X, expr, modules="mpmath")
    flat = np.asarray(values, dtype=np.float64).ravel()
    results = []
    for value in flat:
        with mpmath.workdps(DIGITS):
            low = float(function(mpmath.mpf(float(value))))
        with mpmath.workdps(2 * DIGITS):
            high = float(function(mpmath.mpf(float(value))))
        if low != high and abs(low - high) > 1e-30 * abs(high):
            raise AssertionError(f"reference for {expr} at x={value} is not converged")
        results.append(high)
    return np.array(results).reshape(np.shape(values))
