"""Checking analytic gradients against central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._random import RNGLike, as_generator
from nnlib._validation import as_array, check_number
from nnlib.module import Module

__all__ = ["GradcheckError", "GradcheckResult", "gradcheck"]

Array = NDArray[np.float64]
BackwardFn = Callable[..., Any]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` when an analytic gradient is wrong."""


@dataclass(frozen=True)
class GradcheckResult:
    r"""What :func:`gradcheck` measured.

    Attributes
    ----------
    passed : bool
        Every entry satisfied :math:`|a - n| \le \text{atol} + \text{rtol}\,|n|`.
    max_rel_error : float
        The largest relative error :math:`|a - n| / \max(|a|, |n|)` over all
        entries (entries where both are below ``atol`` count as 0).
    worst : str
        Where that error occurred, e.g. ``"weight[2, 0]"`` or ``"input 0[3]"``.
    analytic : float
        The analytic partial derivative at that place.
    numeric : float
        The finite-difference estimate at that place.
    num_checked : int
        How many partial derivatives were compared.
    """

    passed: bool
    max_rel_error: float
    worst: str
    analytic: float
    numeric: float
    num_checked: int

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"gradcheck {verdict}: {self.num_checked} partial derivatives, worst relative "
            f"error {self.max_rel_error:.2e} at {self.worst} "
            f"(analytic {self.analytic:.6g}, numeric {self.numeric:.6g})"
        )


def _index_text(name: str, index: tuple[int, ...]) -> str:
    return f"{name}[{', '.join(str(i) for i in index)}]" if index else name


def gradcheck(
    func: Module | Callable[..., Any],
    inputs: ArrayLike | Sequence[ArrayLike],
    *,
    backward: BackwardFn | None = None,
    grad_output: ArrayLike | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    rng: RNGLike = 0,
) -> GradcheckResult:
    r"""Compare a backward pass with central finite differences in float64.

    The scalar :math:`s = \sum_i g_i\, y_i` is formed from the output
    :math:`y` and a fixed random ``grad_output`` :math:`g`, so that by the
    chain rule the analytic gradient of :math:`s` with respect to any
    quantity :math:`\theta` is exactly what backward returns for it. Each
    entry is then perturbed by :math:`\pm` ``eps`` and

    .. math:: \frac{\partial s}{\partial \theta_j} \approx
              \frac{s(\theta_j + h) - s(\theta_j - h)}{2h},

    whose error is :math:`O(h^2)` from truncation plus
    :math:`O(\varepsilon_{\text{mach}}/h)` from rounding.

    Parameters
    ----------
    func : Module or callable
        A ``Module``: its input gradient (for ``inputs[0]``; further inputs,
        such as a loss's target, are held fixed and passed as given, so
        integer class indices stay integers) and the gradients of all its
        parameters are checked. The module's parameters must be float64 and
        its forward deterministic (put dropout in eval mode or seed it).
        A plain callable: ``backward`` must be given.
    inputs : array_like or sequence of array_like
        The point at which to check. Differentiated inputs are converted to
        float64 copies.
    backward : callable, optional
        For a plain ``func`` only: ``backward(grad_output, *inputs)`` returns
        the gradient with respect to each input (a single array when there is
        one input, else a tuple).
    grad_output : array_like, optional
        The upstream gradient :math:`g`; by default standard normal numbers
        drawn with ``rng`` (a scalar 1.0 for a scalar output).
    eps : float, default 1e-6
        The step :math:`h`.
    atol : float, default 1e-5
        Absolute tolerance, as in ``torch.autograd.gradcheck``.
    rtol : float, default 1e-3
        Relative tolerance, as in ``torch.autograd.gradcheck``.
    raise_exception : bool, default True
        Raise :class:`GradcheckError` on failure instead of returning a
        result whose ``passed`` is False.
    rng : numpy.random.Generator or int, default 0
        Source of the default ``grad_output``.

    Returns
    -------
    GradcheckResult
        Truthy when the check passed; ``str()`` gives a one-line report.

    Raises
    ------
    GradcheckError
        On a mismatch, if ``raise_exception``; the message names the worst
        entry and both values.
    TypeError, ValueError
        For bad arguments (a callable without ``backward``, float32
        parameters, non-positive ``eps``).

    Notes
    -----
    Differences from PyTorch: ``torch.autograd.gradcheck`` compares whole
    Jacobians built column by column; this function compares one
    vector-Jacobian product, which checks the same backward code with two
    function evaluations per checked entry, and it also checks parameter
    gradients. It returns a result object rather than a bare bool.

    Examples
    --------
    >>> import numpy as np
    >>> square = lambda x: x**2
    >>> bool(gradcheck(square, np.array([1.0, -2.0]), backward=lambda g, x: 2 * x * g))
    True
    """
    owner = "gradcheck"
    h = check_number(eps, "eps", owner, low=0.0, low_inclusive=False)
    atol = check_number(atol, "atol", owner, low=0.0)
    rtol = check_number(rtol, "rtol", owner, low=0.0)
    if isinstance(inputs, (tuple, list)):
        raw_inputs: Sequence[Any] = inputs
    else:
        raw_inputs = [inputs]
    if len(raw_inputs) == 0:
        raise ValueError(f"{owner}: inputs is empty; expected at least one array")
    # Differentiated inputs become float64 copies. A Module is differentiated
    # with respect to its first input only; the others (a loss's integer class
    # targets, say) are passed through unchanged.
    differentiated = 1 if isinstance(func, Module) else len(raw_inputs)
    xs: list[Any] = [
        np.array(as_array(x, f"input {i}", owner), dtype=np.float64) if i < differentiated else x
        for i, x in enumerate(raw_inputs)
    ]

    if isinstance(func, Module):
        if backward is not None:
            raise TypeError(f"{owner}: backward is given by the Module; do not pass it")
        module = func
        params = list(module.named_parameters())
        for name, param in params:
            if param.data.dtype != np.float64:
                raise ValueError(
                    f"{owner}: parameter {name!r} has dtype {param.data.dtype}; finite "
                    "differences need float64 parameters"
                )
        checked = [("input 0", xs[0])] + [(name, param.data) for name, param in params]
    elif callable(func):
        if backward is None:
            raise TypeError(
                f"{owner}: a plain function needs backward=, a callable "
                "backward(grad_output, *inputs) returning the input gradients"
            )
        module = None
        params = []
        checked = [(f"input {i}", x) for i, x in enumerate(xs)]
    else:
        raise TypeError(f"{owner}: func must be a Module or a callable, got {type(func).__name__}")

    def evaluate() -> Array:
        out = func(*xs)
        return np.asarray(out, dtype=np.float64)

    output = evaluate()
    if grad_output is None:
        generator = as_generator(rng, owner)
        g = np.ones(()) if output.ndim == 0 else generator.standard_normal(output.shape)
    else:
        g = np.array(as_array(grad_output, "grad_output", owner), dtype=np.float64)
        if g.shape != output.shape:
            raise ValueError(
                f"{owner}: grad_output has shape {g.shape}; expected the output's shape "
                f"{output.shape}"
            )

    # Analytic gradients, leaving the parameters' .grad as they were.
    analytic: list[Array]
    if module is not None:
        saved = [param.grad for _, param in params]
        for _, param in params:
            param.grad = None
        try:
            grad_input = module.backward(g if output.ndim else float(g))
            analytic = [np.asarray(grad_input, dtype=np.float64)]
            for _, param in params:
                grad = param.grad
                analytic.append(
                    np.zeros(param.data.shape)
                    if grad is None
                    else np.asarray(grad, dtype=np.float64)
                )
        finally:
            for (_, param), grad in zip(params, saved, strict=True):
                param.grad = grad
    else:
        result = cast(BackwardFn, backward)(g, *xs)
        grads = result if isinstance(result, (tuple, list)) else (result,)
        if len(grads) != len(xs):
            raise ValueError(
                f"{owner}: backward returned {len(grads)} gradients; expected one per input "
                f"({len(xs)})"
            )
        analytic = [np.asarray(grad, dtype=np.float64) for grad in grads]

    worst = ("", 0.0, 0.0)  # largest relative error: what the report shows
    failing = ("", 0.0, 0.0)  # largest violation of the tolerance: what an error shows
    worst_ratio = -1.0
    max_rel = -1.0
    count = 0
    for (name, target), grad in zip(checked, analytic, strict=True):
        if grad.shape != target.shape:
            raise ValueError(
                f"{owner}: the analytic gradient for {name} has shape {grad.shape}; expected "
                f"{target.shape}"
            )
        for index in np.ndindex(target.shape):
            original = target[index]
            target[index] = original + h
            plus = float(np.sum(g * evaluate()))
            target[index] = original - h
            minus = float(np.sum(g * evaluate()))
            target[index] = original
            numeric = (plus - minus) / (2.0 * h)
            value = float(grad[index])
            diff = abs(value - numeric)
            scale = max(abs(value), abs(numeric))
            rel = 0.0 if scale < atol else diff / scale
            ratio = diff / (atol + rtol * abs(numeric))
            count += 1
            place = (_index_text(name, index), value, numeric)
            if rel > max_rel:
                max_rel, worst = rel, place
            if ratio > worst_ratio:
                worst_ratio, failing = ratio, place
    passed = worst_ratio <= 1.0
    report = GradcheckResult(passed, max_rel, worst[0], worst[1], worst[2], count)
    if not passed and raise_exception:
        raise GradcheckError(
            f"{owner}: analytic and numerical gradients differ; worst at {failing[0]}: "
            f"analytic {failing[1]:.6g}, numeric {failing[2]:.6g} "
            f"(tolerance atol={atol:g} + rtol={rtol:g} * |numeric|)"
        )
    return report
