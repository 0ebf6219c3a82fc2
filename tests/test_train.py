"""Tests of nnlib.train: fit (history, early stopping, dtypes, progress), metrics, predict."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

from nnlib import Module, Parameter
from nnlib.activations import ReLU, Tanh
from nnlib.data import DataLoader, StandardScaler, train_test_split
from nnlib.layers import Dropout, Linear, Sequential
from nnlib.losses import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from nnlib.optim import SGD, Adam
from nnlib.optim.lr_scheduler import StepLR
from nnlib.train import History, accuracy, confusion_matrix, fit, predict, predicted_labels
from nnlib.utils import clip_grad_norm_, clip_grad_value_


def _digits(dtype: type = np.float64) -> tuple[np.ndarray, ...]:
    digits = load_digits()
    X_tr, X_te, y_tr, y_te = train_test_split(
        digits.data, digits.target, test_size=0.2, rng=0, stratify=digits.target
    )
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr).astype(dtype), scaler.transform(X_te).astype(dtype), y_tr, y_te


def _mlp(sizes: list[int], seed: int = 0, dtype: type = np.float64) -> Sequential:
    layers: list[Module] = []
    for i in range(len(sizes) - 1):
        layers.append(Linear(sizes[i], sizes[i + 1], rng=seed + i, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(ReLU())
    return Sequential(*layers)


# -- end to end ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_digits_reaches_95_percent_test_accuracy(dtype: type) -> None:
    """A [64, 64, 10] MLP, 10 epochs of Adam: at least 95% on the held-out 20%."""
    X_tr, X_te, y_tr, y_te = _digits(np.float64)
    model = _mlp([64, 64, 10], dtype=dtype)
    loader = DataLoader(X_tr, y_tr, batch_size=32, shuffle=True, rng=0)
    history = fit(
        model, CrossEntropyLoss(), Adam(model.parameters(), lr=1e-3), loader, epochs=10,
        val_data=(X_te, y_te), metrics={"accuracy": accuracy},
    )  # fmt: skip
    assert all(p.dtype == dtype for p in model.parameters())
    assert predict(model, X_te).dtype == dtype
    assert accuracy(predict(model, X_te), y_te) >= 0.95
    assert history["val_accuracy"][-1] == accuracy(predict(model, X_te), y_te)
    assert history["train_loss"][-1] < history["train_loss"][0] / 5


def test_xor_is_learned_exactly() -> None:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    model = Sequential(Linear(2, 8, rng=0), Tanh(), Linear(8, 1, rng=1))
    fit(
        model,
        BCEWithLogitsLoss(),
        Adam(model.parameters(), lr=0.05),
        DataLoader(X, y, batch_size=4),
        epochs=300,
    )
    assert accuracy(predict(model, X), y.ravel().astype(int)) == 1.0


# -- fit ------------------------------------------------------------------------------


def _regression(n: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    return X, X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3


def test_history_records_every_epoch() -> None:
    X, y = _regression()
    model = Linear(3, 1, rng=0)
    history = fit(
        model,
        MSELoss(),
        SGD(model.parameters(), lr=0.1),
        DataLoader(X, y, batch_size=16),
        epochs=5,
        val_data=(X[:10], y[:10]),
    )
    assert isinstance(history, History) and history.epochs == 5
    assert sorted(history.history) == ["train_loss", "val_loss"]
    assert all(len(values) == 5 for values in history.history.values())
    assert all(isinstance(v, float) for v in history["train_loss"])
    assert history.best_epoch == 5 and history.stopped_epoch is None
    assert np.all(np.diff(history["val_loss"]) < 0)


def test_train_loss_is_the_per_sample_mean_of_the_epoch() -> None:
    """With lr = 0 nothing moves, so the epoch's train loss is the loss on all the data."""
    X, y = _regression(50)
    model = Linear(3, 1, rng=0)
    expected = float(MSELoss()(model(X), y))
    for loss_fn in (MSELoss(), MSELoss(reduction="sum")):
        history = fit(
            model,
            loss_fn,
            SGD(model.parameters(), lr=0.0),
            DataLoader(X, y, batch_size=16),
            epochs=1,
            val_data=(X, y),
        )
        assert history["train_loss"][0] == pytest.approx(expected, rel=1e-12)
        assert history["val_loss"][0] == pytest.approx(expected, rel=1e-12)


def test_fit_takes_the_steps_of_the_hand_written_loop() -> None:
    # fit asks the model for parameter gradients only; the weights must not notice.
    X_tr, _, y_tr, _ = _digits()
    X, y = X_tr[:200], y_tr[:200]
    trained, by_hand = _mlp([64, 16, 10], seed=3), _mlp([64, 16, 10], seed=3)
    fit(trained, CrossEntropyLoss(), Adam(trained.parameters()),
        DataLoader(X, y, batch_size=32, shuffle=True, rng=1), epochs=2)  # fmt: skip
    loss, optimizer = CrossEntropyLoss(), Adam(by_hand.parameters())
    loader = DataLoader(X, y, batch_size=32, shuffle=True, rng=1)
    for _ in range(2):
        for inputs, target in loader:
            optimizer.zero_grad()
            loss(by_hand(inputs), target)
            by_hand.backward(loss.backward())
            optimizer.step()
    for got, expected in zip(trained.parameters(), by_hand.parameters(), strict=True):
        np.testing.assert_array_equal(got.data, expected.data)


def test_one_optimizer_step_per_batch() -> None:
    X, y = _regression(50)
    model = Linear(3, 1, rng=0)

    class CountingSGD(SGD):
        steps = 0

        def step(self, closure: Any = None) -> Any:
            CountingSGD.steps += 1
            return super().step(closure)

    fit(
        model,
        MSELoss(),
        CountingSGD(model.parameters(), lr=0.01),
        DataLoader(X, y, batch_size=16),
        epochs=3,
    )
    assert CountingSGD.steps == 3 * 4


def test_early_stopping_restores_the_best_weights() -> None:
    """Memorising random labels: the validation loss soon rises and training stops."""
    rng = np.random.default_rng(0)
    X_tr, y_tr = rng.standard_normal((40, 10)), rng.integers(0, 3, 40)
    X_val, y_val = rng.standard_normal((40, 10)), rng.integers(0, 3, 40)
    model = _mlp([10, 64, 3])
    loss_fn = CrossEntropyLoss()
    history = fit(
        model,
        loss_fn,
        Adam(model.parameters(), lr=0.01),
        DataLoader(X_tr, y_tr, batch_size=8, shuffle=True, rng=0),
        epochs=100,
        val_data=(X_val, y_val),
        early_stopping=3,
    )
    best = history.best_epoch
    assert best is not None and history.stopped_epoch == best + 3 < 100
    assert history.epochs == history.stopped_epoch
    assert min(history["val_loss"]) == history["val_loss"][best - 1]
    restored = float(loss_fn(predict(model, X_val), y_val))
    assert restored == pytest.approx(history["val_loss"][best - 1], rel=1e-12)


def test_dropout_is_off_for_validation_and_on_for_training() -> None:
    X, y = _regression()
    model = Sequential(Linear(3, 16, rng=0), Dropout(0.5, rng=0), Linear(16, 1, rng=1))
    history = fit(
        model,
        MSELoss(),
        SGD(model.parameters(), lr=0.0),
        DataLoader(X, y, batch_size=64),
        epochs=2,
        val_data=(X, y),
    )
    assert history["val_loss"][0] == history["val_loss"][1]  # deterministic in eval mode
    assert history["train_loss"][0] != history["train_loss"][1]  # a new mask each epoch
    assert model.training  # predict restored training mode


def test_scheduler_steps_once_per_epoch() -> None:
    X, y = _regression()
    model = Linear(3, 1, rng=0)
    optimizer = SGD(model.parameters(), lr=0.1)
    fit(
        model,
        MSELoss(),
        optimizer,
        DataLoader(X, y, batch_size=16),
        epochs=4,
        scheduler=StepLR(optimizer, step_size=2, gamma=0.5),
    )
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.025)


def test_progress_goes_to_stderr_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    X, y = _regression()
    model = Linear(3, 1, rng=0)
    args = (model, MSELoss(), SGD(model.parameters(), lr=0.1), DataLoader(X, y, batch_size=16))
    fit(*args, epochs=2)
    assert capsys.readouterr() == ("", "")
    fit(*args, epochs=2, val_data=(X, y), progress=True)
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == "" and len(lines) == 2
    pattern = r"epoch 2/2 \[#{20}\] train_loss \d+\.\d{4}  val_loss \d+\.\d{4}  \(\d+\.\d\d s\)"
    assert re.fullmatch(pattern, lines[1])
    assert lines[0].startswith("epoch 1/2 [" + "#" * 10 + "-" * 10 + "]")


def test_diverging_loss_is_reported() -> None:
    class InfiniteLoss(Module):
        reduction = "mean"

        def forward(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
            self._shape = input.shape
            return np.array(np.inf)

        def backward(self, grad_output: float = 1.0) -> np.ndarray:
            return np.zeros(self._shape)

    X, y = _regression()
    model = Linear(3, 1, rng=0)
    with pytest.raises(
        FloatingPointError, match=r"fit: training diverged in epoch 1 \(the loss is inf\)"
    ):
        fit(model, InfiniteLoss(), SGD(model.parameters(), lr=0.1), DataLoader(X, y), epochs=1)


def test_divergence_is_reported_from_the_non_finite_loss() -> None:
    # NumPy's overflow warning stays a warning; the infinite loss it leads to is divergence.
    X, y = _regression()
    model = Linear(3, 1, rng=0)
    with (
        pytest.warns(RuntimeWarning, match="overflow"),
        pytest.raises(
            FloatingPointError, match=r"fit: training diverged in epoch \d+ \(the loss is inf\)"
        ),
    ):
        fit(
            model,
            MSELoss(),
            SGD(model.parameters(), lr=100.0),
            DataLoader(X, y, batch_size=8),
            epochs=50,
        )


def test_weights_grown_until_the_output_overflows_is_divergence() -> None:
    X_tr, _, y_tr, _ = _digits()
    model = _mlp([64, 128, 128, 10])
    with (
        pytest.warns(RuntimeWarning, match="overflow encountered in matmul"),
        pytest.raises(
            FloatingPointError,
            match=r"fit: training diverged in epoch \d+ \(the model's output holds \d+ non-finite",
        ) as error,
    ):
        fit(
            model,
            CrossEntropyLoss(),
            SGD(model.parameters(), lr=20.0),
            DataLoader(X_tr, y_tr, batch_size=64, shuffle=True, rng=0),
            epochs=5,
        )
    assert "CrossEntropyLoss: input holds" in str(error.value.__cause__)


class _Saturating(Module):
    """exp(-x) overflows for very negative x, yet 1 / (1 + exp(-x)) is then exactly 0."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return 1.0 / (1.0 + np.exp(-np.asarray(x) * 1e3))

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        (x,) = self.saved_for_backward()
        return np.zeros_like(x) * grad_output


def test_an_overflow_numpy_only_warns_about_is_not_called_divergence() -> None:
    X, y = _regression()
    model = Sequential(Linear(3, 1, rng=0), _Saturating())
    with pytest.warns(RuntimeWarning, match="overflow encountered in exp"):
        history = fit(
            model, MSELoss(), SGD(model.parameters(), lr=0.1), DataLoader(X, y), epochs=1
        )
    assert history.epochs == 1


class _BadGradient(Module):
    """The identity, whose backward puts an infinity into its parameter's gradient."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = Parameter(np.ones(1))

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward()
        return np.asarray(x)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        self.saved_for_backward()
        self.scale.grad = np.array([np.inf])
        return np.asarray(grad_output)


def test_a_non_finite_gradient_is_divergence_naming_the_parameter() -> None:
    X, y = _regression()
    model = Sequential(Linear(3, 1, rng=0), _BadGradient())
    with pytest.raises(
        FloatingPointError,
        match=r"fit: training diverged in epoch 1 \(the gradient of '1.scale' holds 1 "
        r"non-finite value \(first at index 0: inf\)\)",
    ) as error:
        fit(model, MSELoss(), SGD(model.parameters(), lr=0.1), DataLoader(X, y), epochs=1)
    assert "SGD.step: the gradient of parameter 2 holds" in str(error.value.__cause__)


class _OverflowingGradient(Module):
    """The identity, whose backward multiplies the gradient by 1e308 (it overflows)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward()
        return np.asarray(x)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        self.saved_for_backward()
        with np.errstate(over="ignore"):
            return np.asarray(grad_output) * 1e308 * 1e308


def test_a_gradient_that_overflows_between_stages_is_divergence() -> None:
    # The infinite gradient is refused by the first Linear's backward; parameters,
    # parameter gradients and output are all still finite.
    X, y = _regression()
    model = Sequential(Linear(3, 2, rng=0), _OverflowingGradient(), Linear(2, 1, rng=1))
    with pytest.raises(
        FloatingPointError,
        match=r"fit: training diverged in epoch 1 \(Linear.backward: grad_output holds \d+ "
        r"non-finite values?",
    ) as error:
        fit(model, MSELoss(), SGD(model.parameters(), lr=0.1), DataLoader(X, y), epochs=1)
    assert isinstance(error.value.__cause__, ValueError)


def test_non_finite_data_is_not_called_divergence() -> None:
    X, y = _regression()
    X[2, 1] = np.nan
    model = Sequential(Linear(3, 2, rng=0), Linear(2, 1, rng=1))
    with pytest.raises(ValueError, match=r"^Linear: input holds 1 non-finite value"):
        fit(model, MSELoss(), SGD(model.parameters(), lr=0.1), DataLoader(X, y), epochs=1)


def test_a_parameter_that_overflows_in_the_last_step_is_divergence() -> None:
    X, y = _regression(n=8)
    model = Linear(3, 1, rng=0)
    with (
        pytest.warns(RuntimeWarning, match="overflow"),
        pytest.raises(
            FloatingPointError,
            match=r"fit: training diverged in epoch 1 \(the parameter 'weight' holds",
        ),
    ):
        loader = DataLoader(X, y, batch_size=8)  # one step, which overflows the weights
        fit(model, MSELoss(), SGD(model.parameters(), lr=1e308), loader, epochs=1)


def test_an_error_with_finite_parameters_propagates_unchanged() -> None:
    X, y = _regression()
    model = Linear(3, 1, rng=0)
    with pytest.raises(ValueError, match=r"^MSELoss: input has shape \(8, 1\) but target"):
        fit(
            model,
            MSELoss(),
            SGD(model.parameters(), lr=0.1),
            DataLoader(X, y[:, 0], batch_size=8),
            epochs=1,
        )


def test_fit_errors() -> None:
    X, y = _regression()
    model = Linear(3, 1, rng=0)
    opt = SGD(model.parameters(), lr=0.1)
    loader = DataLoader(X, y, batch_size=16)
    cases: list[tuple[dict[str, Any], type, str]] = [
        ({"model": np.tanh}, TypeError, r"fit: model is a ufunc; expected a Module"),
        ({"optimizer": object()}, TypeError, r"fit: optimizer \(object\) has no zero_grad\(\)"),
        ({"loss_fn": MSELoss(reduction="none")}, ValueError, r"fit: loss_fn has reduction='none'"),
        ({"epochs": 0}, ValueError, r"fit: epochs = 0 is out of range"),
        ({"early_stopping": 2}, ValueError, r"fit: early_stopping needs val_data"),
        ({"val_data": (X,)}, ValueError, r"fit: val_data must be a pair"),
        ({"metrics": {"acc": 1}}, TypeError, r"fit: metrics must map names to callables"),
        ({"train_loader": [(X,)]}, ValueError, r"fit: train_loader yielded 1 arrays"),
        ({"train_loader": []}, ValueError, r"fit: train_loader yielded no samples"),
    ]
    for override, error, message in cases:
        kwargs: dict[str, Any] = {
            "model": model,
            "loss_fn": MSELoss(),
            "optimizer": opt,
            "train_loader": loader,
            "epochs": 1,
        } | override
        with pytest.raises(error, match=message):
            fit(**kwargs)


# -- metrics and predict -----------------------------------------------------------------


def test_accuracy_and_predicted_labels() -> None:
    assert accuracy(np.array([[2.0, 1.0], [0.0, 1.0], [5.0, 0.0]]), np.array([0, 1, 1])) == 2 / 3
    assert accuracy(np.array([[-1.0], [3.0]]), np.array([0, 1])) == 1.0  # binary logits
    assert accuracy(np.array([1, 2, 3]), np.array([1, 2, 0])) == 2 / 3  # labels
    np.testing.assert_array_equal(predicted_labels(np.array([-0.1, 0.0, 0.1])), [0, 0, 1])


def test_confusion_matrix_matches_sklearn() -> None:
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 5, 200), rng.integers(0, 5, 200)
    got = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(got, sklearn_confusion_matrix(y_true, y_pred))
    assert got.sum() == 200 and got.dtype == np.int64
    scores = np.eye(5)[y_pred]
    np.testing.assert_array_equal(confusion_matrix(y_true, scores), got)
    assert confusion_matrix([0, 1], [0, 1], num_classes=4).shape == (4, 4)


def test_metric_errors() -> None:
    with pytest.raises(ValueError, match=r"accuracy: 3 predictions but 2 targets"):
        accuracy(np.array([1, 2, 3]), np.array([1, 2]))
    with pytest.raises(ValueError, match=r"accuracy: target has shape \(2, 1\)"):
        accuracy(np.array([1, 2]), np.array([[1], [2]]))
    with pytest.raises(ValueError, match=r"accuracy: output has shape \(2, 2, 2\)"):
        accuracy(np.zeros((2, 2, 2)), np.array([1, 2]))
    with pytest.raises(ValueError, match=r"accuracy: no samples"):
        accuracy(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match=r"confusion_matrix: labels must lie in \[0, 2\)"):
        confusion_matrix([0, 2], [0, 1], num_classes=2)


def test_predict_batches_and_restores_modes() -> None:
    model = Sequential(Linear(3, 8, rng=0), Dropout(0.5, rng=0), Linear(8, 2, rng=1))
    model[1].eval()  # a mixed state: the container trains, the dropout does not
    X = np.random.default_rng(0).standard_normal((10, 3))
    full = predict(model, X)
    np.testing.assert_allclose(predict(model, X, batch_size=3), full, rtol=1e-15)
    assert model.training and model[0].training and not model[1].training
    with pytest.raises(TypeError, match=r"predict: model is a function; expected a Module"):
        predict(lambda x: x, X)  # type: ignore[arg-type]


# -- gradient clipping -----------------------------------------------------------------------


def _hand_written_loop(model, loader, lr: float, epochs: int, clip) -> None:
    """The loop fit runs, written out: zero_grad, forward, loss, backward, clip, step."""
    loss_fn, optimizer = CrossEntropyLoss(), SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        model.train()
        for inputs, target in loader:
            optimizer.zero_grad()
            loss_fn(model(inputs), target)
            model.backward(loss_fn.backward(1.0))
            clip(list(model.parameters()))
            optimizer.step()


@pytest.mark.parametrize(
    ("option", "clip"),
    [
        ({"clip_grad_norm": 0.3}, lambda params: clip_grad_norm_(params, 0.3)),
        ({"clip_grad_value": 0.01}, lambda params: clip_grad_value_(params, 0.01)),
    ],
    ids=["norm", "value"],
)
def test_fit_with_clipping_equals_a_hand_written_loop_with_clipping(option, clip) -> None:
    X_tr, _, y_tr, _ = _digits()
    X_tr, y_tr = X_tr[:200], y_tr[:200]
    fitted, by_hand, unclipped = (_mlp([64, 16, 10], seed=3) for _ in range(3))
    fit(fitted, CrossEntropyLoss(), SGD(fitted.parameters(), lr=0.5),
        DataLoader(X_tr, y_tr, batch_size=32), epochs=2, **option)  # fmt: skip
    _hand_written_loop(by_hand, DataLoader(X_tr, y_tr, batch_size=32), 0.5, 2, clip)
    fit(unclipped, CrossEntropyLoss(), SGD(unclipped.parameters(), lr=0.5),
        DataLoader(X_tr, y_tr, batch_size=32), epochs=2)  # fmt: skip
    for got, want, free in zip(
        fitted.parameters(), by_hand.parameters(), unclipped.parameters(), strict=True
    ):
        np.testing.assert_allclose(got.data, want.data, rtol=1e-13, atol=1e-15)
        assert not np.allclose(got.data, free.data)  # the clipping did act


def test_fit_refuses_bad_clipping_options() -> None:
    model = _mlp([2, 2])
    loader = DataLoader(np.zeros((4, 2)), np.zeros(4, dtype=np.intp), batch_size=2)
    args = (model, CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), loader)
    with pytest.raises(ValueError, match=r"clip_grad_norm and clip_grad_value were both given"):
        fit(*args, epochs=1, clip_grad_norm=1.0, clip_grad_value=1.0)
    with pytest.raises(ValueError, match=r"fit: clip_grad_norm = -1.0 is out of range"):
        fit(*args, epochs=1, clip_grad_norm=-1.0)
    with pytest.raises(ValueError, match=r"fit: clip_grad_value must be finite"):
        fit(*args, epochs=1, clip_grad_value=float("nan"))
