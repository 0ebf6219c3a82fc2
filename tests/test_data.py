"""Tests of nnlib.data: DataLoader coverage and seeding, splits, one_hot, StandardScaler."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib.data import DataLoader, StandardScaler, one_hot, train_test_split

# -- DataLoader ---------------------------------------------------------------


@given(st.integers(1, 60), st.integers(1, 70), st.booleans(), st.booleans())
def test_every_sample_once_per_epoch(
    n: int, batch_size: int, shuffle: bool, drop_last: bool
) -> None:
    """Law: the batches of one epoch partition the samples (minus a dropped remainder)."""
    X = np.arange(2 * n).reshape(n, 2)
    y = np.arange(n)
    loader = DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, rng=0)
    for _ in range(2):  # two epochs
        batches = list(loader)
        assert len(batches) == len(loader)
        seen = np.concatenate([yb for _, yb in batches]) if batches else np.array([], int)
        for xb, yb in batches:
            np.testing.assert_array_equal(xb, X[yb])  # arrays stay aligned
        sizes = [len(yb) for _, yb in batches]
        if drop_last:
            assert len(seen) == (n // batch_size) * batch_size
            assert all(size == batch_size for size in sizes)
            assert len(np.unique(seen)) == len(seen)
        else:
            np.testing.assert_array_equal(np.sort(seen), y)
            assert all(size == batch_size for size in sizes[:-1])
        if not shuffle:
            np.testing.assert_array_equal(seen, y[: len(seen)])


def test_len_and_drop_last() -> None:
    X = np.zeros((10, 3))
    assert len(DataLoader(X, batch_size=3)) == 4
    assert len(DataLoader(X, batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(X, batch_size=20, drop_last=True)) == 0
    assert [len(b) for (b,) in DataLoader(X, batch_size=4)] == [4, 4, 2]


def test_shuffle_is_seeded_and_differs_between_epochs() -> None:
    y = np.arange(50)

    def orders(seed: int) -> list[np.ndarray]:
        loader = DataLoader(y, batch_size=50, shuffle=True, rng=seed)
        return [next(iter(loader))[0] for _ in range(3)]

    first, again, other = orders(1), orders(1), orders(2)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])
    assert not np.array_equal(first[0], other[0])
    assert not np.array_equal(first[0], y)


def test_without_shuffle_batches_are_views() -> None:
    X = np.zeros((6, 2))
    (batch,) = next(iter(DataLoader(X, batch_size=4)))
    assert np.shares_memory(batch, X)


def test_dtypes_are_kept() -> None:
    X, y = np.zeros((4, 2), dtype=np.float32), np.zeros(4, dtype=np.int32)
    xb, yb = next(iter(DataLoader(X, y, batch_size=2, shuffle=True, rng=0)))
    assert xb.dtype == np.float32 and yb.dtype == np.int32


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((), {}, ValueError, r"DataLoader: no arrays given"),
        ((np.zeros(3), np.zeros(4)), {}, ValueError,
         r"DataLoader: the arrays have different numbers of samples \[3, 4\]"),
        ((np.float64(1.0),), {}, ValueError, r"DataLoader: array 0 is a scalar"),
        ((np.array(["a"]),), {}, TypeError, r"DataLoader: array 0 has dtype <U1"),
        ((np.zeros(3),), {"batch_size": 0}, ValueError, r"DataLoader: batch_size = 0 is out"),
        ((np.zeros(3),), {"shuffle": 1}, TypeError, r"DataLoader: shuffle must be a bool"),
    ],
)  # fmt: skip
def test_loader_errors(args: tuple, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        DataLoader(*args, **kwargs)


# -- train_test_split --------------------------------------------------------------


def test_split_partitions_and_keeps_arrays_aligned() -> None:
    X, y = np.arange(40).reshape(20, 2), np.arange(20)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, rng=0)
    assert (len(y_tr), len(y_te)) == (14, 6)
    np.testing.assert_array_equal(np.sort(np.concatenate([y_tr, y_te])), y)
    np.testing.assert_array_equal(X_tr, X[y_tr])
    np.testing.assert_array_equal(X_te, X[y_te])


def test_split_sizes_seeding_and_no_shuffle() -> None:
    y = np.arange(10)
    assert len(train_test_split(y, test_size=3, rng=0)[1]) == 3
    assert len(train_test_split(y, test_size=0.25, rng=0)[1]) == 3  # ceil(2.5)
    a, b = train_test_split(y, rng=5), train_test_split(y, rng=5)
    np.testing.assert_array_equal(a[1], b[1])
    train, test = train_test_split(y, test_size=2, shuffle=False)
    np.testing.assert_array_equal(test, [8, 9])
    np.testing.assert_array_equal(train, np.arange(8))


def test_stratified_split_keeps_class_proportions() -> None:
    y = np.repeat(np.arange(4), [40, 30, 20, 10])
    rng = np.random.default_rng(0)
    y = y[rng.permutation(len(y))]
    y_tr, y_te = train_test_split(y, test_size=0.25, rng=1, stratify=y)
    assert len(y_te) == 25
    np.testing.assert_array_equal(np.bincount(y_te), [10, 8, 5, 2])  # 7.5 -> 8 and 2.5 -> 2
    np.testing.assert_array_equal(np.bincount(y_tr) + np.bincount(y_te), [40, 30, 20, 10])


@given(st.lists(st.integers(2, 15), min_size=1, max_size=5), st.floats(0.05, 0.95))
def test_stratified_split_law(counts: list[int], fraction: float) -> None:
    """Each class gets floor or ceil of its exact share, and both sides see every class."""
    y = np.repeat(np.arange(len(counts)), counts)
    n, k = len(y), len(counts)
    n_test = int(np.ceil(fraction * n))
    if not k <= n_test <= n - k:
        return
    _, y_te = train_test_split(y, test_size=fraction, rng=0, stratify=y)
    got = np.bincount(y_te, minlength=k)
    exact = np.array(counts) * n_test / n
    assert got.sum() == n_test
    assert np.all(got >= 1) and np.all(got <= np.array(counts) - 1)
    if np.all(np.floor(exact) >= 1) and np.all(np.ceil(exact) <= np.array(counts) - 1):
        assert np.all(np.abs(got - exact) < 1)  # largest remainders: floor or ceil


@pytest.mark.parametrize(
    ("test_size", "message"),
    [
        (0.0, r"train_test_split: test_size = 0.0 is out of range; expected a value in \(0, 1\]"),
        (10, r"train_test_split: test_size = 10 is out of range; expected an integer in \[1, 9\]"),
        (0.99, r"train_test_split: test_size = 0.99 gives 10 test samples out of 10; expected "
         r"both parts to be non-empty"),
        ("0.2", r"train_test_split: test_size must be a real number"),
    ],
)  # fmt: skip
def test_split_errors(test_size: object, message: str) -> None:
    error = TypeError if isinstance(test_size, str) else ValueError
    with pytest.raises(error, match=message):
        train_test_split(np.arange(10), test_size=test_size)  # type: ignore[arg-type]


def test_stratify_errors() -> None:
    y = np.array([0, 0, 0, 1, 1, 2])
    with pytest.raises(ValueError, match=r"class 2 of stratify has only 1 sample"):
        train_test_split(y, stratify=y)
    with pytest.raises(ValueError, match=r"stratify has shape \(3,\); expected \(6,\)"):
        train_test_split(y, stratify=y[:3])
    with pytest.raises(ValueError, match=r"stratify needs shuffle=True"):
        train_test_split(y, stratify=y, shuffle=False)
    z = np.repeat(np.arange(3), 2)
    with pytest.raises(ValueError, match=r"2 test samples cannot hold all 3 classes"):
        train_test_split(z, test_size=2, stratify=z)


# -- one_hot -------------------------------------------------------------------------


def test_one_hot_matches_torch_semantics() -> None:
    labels = np.array([[0, 2], [1, 1]])
    codes = one_hot(labels)
    assert codes.shape == (2, 2, 3) and codes.dtype == np.int64
    np.testing.assert_array_equal(codes.argmax(axis=-1), labels)
    np.testing.assert_array_equal(codes.sum(axis=-1), np.ones((2, 2)))
    assert one_hot(np.array([], dtype=int), 3).shape == (0, 3)
    np.testing.assert_array_equal(one_hot(np.int64(2), 3), [0, 0, 1])
    assert one_hot([1], num_classes=4).tolist() == [[0, 1, 0, 0]]


@pytest.mark.parametrize(
    ("labels", "kwargs", "error", "message"),
    [
        (np.array([0.0, 1.0]), {}, TypeError, r"one_hot: labels have dtype float64"),
        (np.array([True]), {}, TypeError, r"one_hot: labels have dtype bool"),
        (np.array([0, 3]), {"num_classes": 3}, ValueError,
         r"one_hot: labels hold 3; expected labels < num_classes = 3"),
        (np.array([-1, 0]), {}, ValueError, r"one_hot: labels hold -1; expected labels >= 0"),
        (np.array([], dtype=int), {}, ValueError, r"one_hot: cannot infer the number of classes"),
        (np.array([0]), {"num_classes": 0}, ValueError, r"one_hot: num_classes = 0 is out of"),
    ],
)  # fmt: skip
def test_one_hot_errors(labels: np.ndarray, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        one_hot(labels, **kwargs)


# -- StandardScaler -----------------------------------------------------------------


def test_scaler_standardises_with_training_statistics() -> None:
    rng = np.random.default_rng(0)
    X_train = rng.normal(3.0, 2.0, (200, 4))
    X_test = rng.normal(3.0, 2.0, (50, 4))
    scaler = StandardScaler().fit(X_train)
    Z = scaler.transform(X_train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-14)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-14)
    np.testing.assert_allclose(
        scaler.transform(X_test), (X_test - X_train.mean(0)) / X_train.std(0), rtol=1e-13
    )
    np.testing.assert_allclose(
        scaler.inverse_transform(scaler.transform(X_test)), X_test, rtol=1e-13
    )
    np.testing.assert_allclose(StandardScaler().fit_transform(X_train), Z, rtol=1e-15)


def test_scaler_zero_variance_features_become_zero_without_warnings() -> None:
    X = np.array([[0.0, 1.0, 7.0], [0.0, 3.0, 7.0], [0.0, 5.0, 7.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaler = StandardScaler().fit(X)
        Z = scaler.transform(X)
    np.testing.assert_array_equal(scaler.scale_[[0, 2]], [1.0, 1.0])
    np.testing.assert_array_equal(Z[:, [0, 2]], np.zeros((3, 2)))
    np.testing.assert_array_equal(scaler.transform([[2.0, 3.0, 8.0]])[0, [0, 2]], [2.0, 1.0])


def test_scaler_constant_up_to_rounding_counts_as_zero_variance() -> None:
    X = np.full((10, 1), 0.1) + np.array([[0.0], [1e-17]] * 5)
    assert StandardScaler().fit(X).scale_[0] == 1.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scaler_keeps_float_dtype(dtype: type) -> None:
    X = np.arange(12, dtype=dtype).reshape(4, 3)
    assert StandardScaler().fit_transform(X).dtype == dtype
    assert StandardScaler().fit_transform(np.arange(6).reshape(3, 2)).dtype == np.float64


def test_scaler_errors() -> None:
    with pytest.raises(RuntimeError, match=r"StandardScaler.transform was called before fit"):
        StandardScaler().transform(np.zeros((2, 2)))
    scaler = StandardScaler().fit(np.zeros((2, 3)))
    with pytest.raises(
        ValueError, match=r"StandardScaler.transform: X has 2 features; expected 3"
    ):
        scaler.transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"StandardScaler.fit: X has shape \(3,\); expected a "
                       r"non-empty 2-d array"):  # fmt: skip
        StandardScaler().fit(np.zeros(3))
    with pytest.raises(ValueError, match=r"StandardScaler.fit: X holds 1 non-finite value"):
        StandardScaler().fit(np.array([[np.nan]]))
