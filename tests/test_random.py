"""Tests of the default generator: manual_seed, get/set_rng_state, and rng=None everywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nnlib
from nnlib import init
from nnlib._random import DEFAULT_SEED, default_generator
from nnlib.data import DataLoader, train_test_split
from nnlib.layers import Dropout, Linear


def _program() -> list[np.ndarray]:
    """Everything that draws with rng=None: init, Linear, Dropout, shuffling, splitting."""
    X = np.arange(20.0).reshape(10, 2)
    split = train_test_split(X, test_size=0.3)
    drop = Dropout(0.5)
    batches = [xb for (xb,) in DataLoader(X, batch_size=4, shuffle=True)]
    return [
        Linear(3, 2).weight.data.copy(),
        init.normal_(np.empty(3)),
        drop(np.ones(8)),
        drop(np.ones(8)),
        *split,
        *batches,
    ]


def _equal(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_manual_seed_makes_every_default_draw_reproducible() -> None:
    nnlib.manual_seed(0)
    first = _program()
    second = _program()
    nnlib.manual_seed(0)
    assert _equal(_program(), first)
    assert not _equal(first, second)  # the stream moves on
    nnlib.manual_seed(1)
    assert not _equal(_program(), first)


def test_fresh_processes_start_from_the_same_documented_seed() -> None:
    code = "import nnlib; print(nnlib.Linear(2, 2).weight.data.tobytes().hex())"
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout
    nnlib.manual_seed(DEFAULT_SEED)
    assert runs[0].stdout.strip() == Linear(2, 2).weight.data.tobytes().hex()
    assert nnlib.initial_seed() == DEFAULT_SEED


def test_numpy_legacy_seed_is_not_nnlib_seed() -> None:
    nnlib.manual_seed(3)
    a = Linear(2, 2).weight.data.copy()
    nnlib.manual_seed(3)
    np.random.seed(0)  # noqa: NPY002 (the legacy global state: nnlib does not use it)
    np.testing.assert_array_equal(Linear(2, 2).weight.data, a)


def test_get_and_set_rng_state_resume_the_stream_also_through_a_file(tmp_path: Path) -> None:
    nnlib.manual_seed(5)
    _program()
    state = nnlib.get_rng_state()
    expected = _program()
    nnlib.save({"rng": state}, tmp_path / "rng.npz")
    nnlib.manual_seed(99)
    nnlib.set_rng_state(nnlib.load(tmp_path / "rng.npz")["rng"])
    assert _equal(_program(), expected)
    state["state"]["state"] += 1  # a copy: the generator is untouched
    assert nnlib.get_rng_state() != state


def test_dropout_draws_from_the_default_generator_at_each_forward() -> None:
    drop = Dropout(0.5)  # built before seeding: must not have captured a generator
    nnlib.manual_seed(7)
    out = drop(np.ones(16))
    nnlib.manual_seed(7)
    keep = default_generator().random(16) >= 0.5
    np.testing.assert_array_equal(out, keep * 2.0)
    assert drop.generator is None and Dropout(0.5, rng=0).generator is not None


def test_explicit_rng_keeps_its_own_stream() -> None:
    nnlib.manual_seed(0)
    a = Dropout(0.5, rng=3)(np.ones(16))
    nnlib.manual_seed(1)
    np.testing.assert_array_equal(Dropout(0.5, rng=3)(np.ones(16)), a)
    before = nnlib.get_rng_state()
    list(DataLoader(np.arange(6), shuffle=True, rng=1))
    Linear(2, 2, rng=0)
    assert nnlib.get_rng_state() == before


def test_seed_and_initial_seed() -> None:
    s = nnlib.seed()
    assert nnlib.initial_seed() == s and s >= 0
    a = Linear(2, 2).weight.data.copy()
    nnlib.manual_seed(s)
    np.testing.assert_array_equal(Linear(2, 2).weight.data, a)
    assert nnlib.manual_seed(4) is default_generator()
    assert nnlib.initial_seed() == 4


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [(-1, ValueError, r"seed = -1 is negative"), (1.5, TypeError, r"seed is a float"),
     (True, TypeError, r"seed is a bool"), ("0", TypeError, r"seed is a str")],
)  # fmt: skip
def test_manual_seed_refuses_bad_seeds(seed: object, error: type, message: str) -> None:
    with pytest.raises(error, match=r"manual_seed: " + message):
        nnlib.manual_seed(seed)  # type: ignore[arg-type]


def test_set_rng_state_refuses_garbage_and_leaves_the_generator_alone() -> None:
    good = nnlib.get_rng_state()
    bad_states = [
        None,
        [1, 2],
        {},
        {**good, "bit_generator": "MT19937"},
        {**good, "state": {"state": -1, "inc": 1}},
        {**good, "state": {"state": 2**128, "inc": 1}},
        {**good, "state": {"state": 1.5, "inc": 1}},
        {**good, "has_uint32": 2},
        {**good, "extra": 0},
    ]
    for bad in bad_states:
        with pytest.raises(ValueError, match=r"set_rng_state: "):
            nnlib.set_rng_state(bad)  # type: ignore[arg-type]
    assert nnlib.get_rng_state() == good


def test_data_loader_state_dict_resumes_its_own_generator(tmp_path: Path) -> None:
    X = np.arange(10)
    loader = DataLoader(X, batch_size=3, shuffle=True, rng=0)
    list(loader)
    nnlib.save(loader.state_dict(), tmp_path / "loader.npz")
    expected = [xb for (xb,) in loader]
    fresh = DataLoader(X, batch_size=3, shuffle=True, rng=0)
    fresh.load_state_dict(nnlib.load(tmp_path / "loader.npz"))
    assert _equal([xb for (xb,) in fresh], expected)
    assert DataLoader(X, shuffle=True).state_dict() == {"generator": None}
    with pytest.raises(ValueError, match=r"has a generator of its own but this loader has none"):
        DataLoader(X).load_state_dict(loader.state_dict())
    with pytest.raises(ValueError, match=r"has no generator of its own but this loader has"):
        fresh.load_state_dict({"generator": None})
    with pytest.raises(ValueError, match=r"expected a dict with the one key 'generator'"):
        fresh.load_state_dict({"rng": None})
    with pytest.raises(ValueError, match=r"DataLoader.load_state_dict: malformed state"):
        fresh.load_state_dict({"generator": {**loader.state_dict()["generator"], "uinteger": -1}})
