"""Gradients of the element-wise operations against SymPy derivatives, evaluated with mpmath.

Each operation's backward, seeded with ones, returns :math:`f'(x)` at every
point of a grid; SymPy differentiates the same :math:`f` symbolically and
mpmath evaluates the derivative at 50 significant digits, at the exact
binary value of each float. They must agree to ``SYMPY_RTOL``. The grid
includes saturated inputs (where :math:`1 - \\tanh^2` would cancel and
:math:`\\sigma(1 - \\sigma)` would round), so the stable forms are tested.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from nnlib.autograd import tensor
from tests.conftest import SYMPY_ATOL, SYMPY_RTOL

X = sp.Symbol("x", real=True)
DIGITS = 50
SIGNED = np.array([-300.0, -36.0, -19.5, -3.0, -0.7, -1e-6, 1e-6, 0.3, 2.0, 19.5, 36.0, 300.0])
POSITIVE = np.array([1e-300, 1e-8, 0.01, 0.5, 1.0, 3.0, 1e8, 1e300])

CASES = {
    "exp": (lambda t: t.exp(), sp.exp(X), SIGNED[2:-2]),
    "log": (lambda t: t.log(), sp.log(X), POSITIVE),
    "sqrt": (lambda t: t.sqrt(), sp.sqrt(X), POSITIVE),
    "tanh": (lambda t: t.tanh(), sp.tanh(X), SIGNED),
    "sigmoid": (lambda t: t.sigmoid(), 1 / (1 + sp.exp(-X)), SIGNED),
    "abs": (lambda t: t.abs(), sp.Abs(X), SIGNED),
    "cube": (lambda t: t**3, X**3, SIGNED[1:-1]),
    "inverse_sqrt": (lambda t: t**-0.5, X ** sp.Rational(-1, 2), POSITIVE[1:-1]),
    "reciprocal": (lambda t: 1.0 / t, 1 / X, SIGNED),
}


# 1 - tanh^2, SymPy's form of tanh', cancels even at 50 digits for |x| = 300: use
# 1 / cosh^2, checked equal to it symbolically below.
STABLE_FORM = {"tanh": sp.cosh(X) ** -2}


def _reference(name: str, expr: sp.Expr, points: np.ndarray) -> np.ndarray:
    derivative = sp.diff(expr, X)
    if name in STABLE_FORM:
        assert sp.simplify(derivative - STABLE_FORM[name]) == 0
        derivative = STABLE_FORM[name]
    with mpmath.workdps(DIGITS):
        f = sp.lambdify(X, derivative, modules="mpmath")
        return np.array([float(f(mpmath.mpf(sp.Rational(p)))) for p in points])


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_equals_sympy_derivative(name: str) -> None:
    op, expr, points = CASES[name]
    x = tensor(points, requires_grad=True)
    op(x).sum().backward()
    np.testing.assert_allclose(
        x.grad, _reference(name, expr, points), rtol=SYMPY_RTOL, atol=SYMPY_ATOL
    )
