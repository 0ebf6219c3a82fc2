"""Tests of nnlib.gradcheck: it passes correct gradients and catches wrong ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nnlib import GradcheckError, Module, Parameter, gradcheck


class Scale(Module):
    """y = w * x with a deliberately adjustable error in the weight gradient."""

    def __init__(self, weight_grad_factor: float = 1.0, dtype: Any = np.float64) -> None:
        super().__init__()
        self.w = Parameter(np.array([0.5, -1.5, 2.0], dtype=dtype))
        self.factor = weight_grad_factor
        self._x: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        return self.w.data * x

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        self.w.accumulate_grad(self.factor * grad_output * self._x)
        return grad_output * self.w.data


class SquaredError(Module):
    """Mean squared error against a fixed target: a module with two inputs."""

    def forward(self, x: np.ndarray, target: np.ndarray) -> np.ndarray:
        self._diff = x - target
        return np.mean(self._diff**2)

    def backward(self, grad_output: float = 1.0) -> np.ndarray:
        return grad_output * 2.0 * self._diff / self._diff.size


X = np.array([1.0, 2.0, -3.0])


def test_correct_function_gradient_passes() -> None:
    result = gradcheck(np.sin, X, backward=lambda g, x: g * np.cos(x))
    assert result.passed and bool(result)
    assert result.num_checked == 3
    assert result.max_rel_error < 1e-8


def test_wrong_function_gradient_raises_naming_the_entry() -> None:
    with pytest.raises(GradcheckError, match=r"worst at input 0\[\d\]: analytic .* numeric"):
        gradcheck(np.sin, X, backward=lambda g, x: -g * np.cos(x))


def test_wrong_gradient_reported_without_raising() -> None:
    result = gradcheck(np.sin, X, backward=lambda g, x: g * np.sin(x), raise_exception=False)
    assert not result.passed and not bool(result)
    assert result.max_rel_error > 0.1
    assert "FAILED" in str(result)


def test_function_of_two_inputs() -> None:
    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    assert gradcheck(np.multiply, (a, b), backward=lambda g, x, y: (g * y, g * x))
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(np.multiply, (a, b), backward=lambda g, x, y: (g * y, g * y))


def test_module_input_and_parameter_gradients() -> None:
    assert gradcheck(Scale(), X)
    with pytest.raises(GradcheckError, match=r"worst at w\[\d\]"):
        gradcheck(Scale(weight_grad_factor=1.1), X)


def test_module_parameter_grads_are_left_untouched() -> None:
    module = Scale()
    module.w.grad = np.array([1.0, 2.0, 3.0])
    gradcheck(module, X)
    np.testing.assert_array_equal(module.w.grad, [1.0, 2.0, 3.0])


def test_module_with_a_fixed_second_input_and_scalar_output() -> None:
    target = np.array([0.0, 1.0, 1.0])
    result = gradcheck(SquaredError(), (X, target))
    assert result.passed and result.num_checked == 3


def test_float32_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="parameter 'w' has dtype float32"):
        gradcheck(Scale(dtype=np.float32), X)


def test_given_grad_output_is_used_and_checked() -> None:
    assert gradcheck(Scale(), X, grad_output=np.array([0.0, 1.0, 0.0]))
    with pytest.raises(ValueError, match=r"grad_output has shape \(2,\); expected .*\(3,\)"):
        gradcheck(Scale(), X, grad_output=np.ones(2))


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="needs backward="):
        gradcheck(np.sin, X)
    with pytest.raises(TypeError, match="backward is given by the Module"):
        gradcheck(Scale(), X, backward=lambda g, x: g)
    with pytest.raises(ValueError, match="eps = 0"):
        gradcheck(np.sin, X, backward=lambda g, x: g, eps=0)
    with pytest.raises(ValueError, match="returned 1 gradients; expected one per input"):
        gradcheck(np.multiply, (X, X), backward=lambda g, x, y: g * y)
    with pytest.raises(ValueError, match="analytic gradient for input 0 has shape"):
        gradcheck(np.sin, X, backward=lambda g, x: g[:2])
    with pytest.raises(TypeError, match="must be a Module or a callable"):
        gradcheck(3, X)  # type: ignore[arg-type]


def test_error_has_the_expected_order_of_magnitude() -> None:
    """Central differences of a cubic at h = 1e-6: error ~ h^2 + eps/h, far below 1e-6."""
    result = gradcheck(lambda x: x**3, X, backward=lambda g, x: 3 * x**2 * g)
    assert result.max_rel_error < 1e-7


def test_module_targets_are_passed_through_unconverted() -> None:
    from nnlib.losses import CrossEntropyLoss

    logits = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, -3.0]])
    target = np.array([2, 0])
    result = gradcheck(CrossEntropyLoss(), (logits, target))
    assert result.passed and result.num_checked == 6


def test_empty_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="inputs is empty"):
        gradcheck(np.sin, [], backward=lambda g: ())
