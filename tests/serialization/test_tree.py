"""Tests of nested checkpoints: values round-trip with their types; bad trees are refused."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnlib.serialization import load, save
from nnlib.serialization._archive import TREE_MEMBER


def _same(a: Any, b: Any) -> bool:
    """Equal values and equal types, all the way down (NaN equals NaN, -0.0 differs from 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, float):
        return math.copysign(1.0, a) == math.copysign(1.0, b) and (
            a == b or (math.isnan(a) and math.isnan(b))
        )
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def test_every_kind_of_value_round_trips_with_its_type(tmp_path: Path) -> None:
    checkpoint = {
        "model": {"0.weight": np.arange(6.0).reshape(2, 3), "0.bias": np.zeros(2, np.float32)},
        "optimizer": {
            "state": {0: {"step": 3, "exp_avg": np.ones((2, 3))}, 1: {"step": 3}},
            "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1]}],
        },
        "epoch": 7,
        "rng": {"state": {"state": 2**128 - 1, "inc": 2**127 + 1}, "has_uint32": 0},
        "floats": [math.nan, math.inf, -math.inf, -0.0, 5e-324, 0.1],
        "misc": (None, True, False, "é ✓", "", (), [], {}),
        "numpy scalars": [np.float32(1.5), np.int64(-3), np.bool_(True), np.float64(0.1)],
        "arrays": [
            np.array(2.5),
            np.zeros((0, 3)),
            np.array([True]),
            np.arange(4, dtype=np.uint8),
        ],
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    }
    path = tmp_path / "run.npz"
    save(checkpoint, path)
    loaded = load(path)
    assert _same(loaded, checkpoint)
    assert not _same({"a": (1,)}, {"a": [1]})  # the comparison itself sees tuple vs list
    assert not _same(1, 1.0) and not _same(-0.0, 0.0)


def test_the_same_array_twice_and_shared_subtrees_are_fine_but_cycles_are_not(
    tmp_path: Path,
) -> None:
    w = np.ones(2)
    shared = {"w": w}
    save({"a": shared, "b": shared, "c": [w, w]}, tmp_path / "x.npz")
    loaded = load(tmp_path / "x.npz")
    np.testing.assert_array_equal(loaded["c"][1], w)
    cycle: list[Any] = [1]
    cycle.append(cycle)
    with pytest.raises(ValueError, match=r"save: obj\[1\] contains itself; expected a tree"):
        save(cycle, tmp_path / "y.npz")
    deep: Any = 0
    for _ in range(150):
        deep = [deep]
    with pytest.raises(ValueError, match=r"save: .* nested too deeply; expected at most 100"):
        save(deep, tmp_path / "y.npz")
    assert not (tmp_path / "y.npz").exists()


def test_values_that_need_pickle_are_refused_when_saving(tmp_path: Path) -> None:
    for bad, message in [
        ({"f": len}, r"obj\['f'\] is a builtin_function_or_method"),
        ({"c": 1j}, r"obj\['c'\] is a complex"),
        ({"a": np.array(["x"])}, r"obj\['a'\] has dtype <U1; expected a numeric array"),
        ({(1, 2): 0}, r"obj has the key \(1, 2\), a tuple; expected str or int keys"),
        ({True: 0}, r"obj has the key True, a bool"),
        ({"s": np.str_("x")}, r"obj\['s'\] is a str_"),
    ]:
        with pytest.raises(TypeError, match=message):
            save(bad, tmp_path / "x.npz")


def _forge(path: Path, document: Any, arrays: dict[str, np.ndarray] | None = None) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in (arrays or {}).items():
            with archive.open(name, "w") as member:
                np.lib.format.write_array(member, array)
        archive.writestr(
            TREE_MEMBER, document if isinstance(document, str) else json.dumps(document)
        )


def _doc(root: Any, version: int = 1) -> dict[str, Any]:
    return {"format": "nnlib.tree", "version": version, "root": root}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", r"the member nnlib-tree.json is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, r"is not valid JSON"),
        ({"format": "other"}, r"the tree member is not an nnlib.tree document"),
        (_doc({"none": None}, version=2), r"tree format version 2; expected 1"),
        (_doc({"pickle": "cos\nsystem"}), r"unknown tree node \{'pickle'"),
        (_doc({"int": "12", "str": "x"}), r"malformed tree node"),
        (_doc({"int": "1e5"}), r"malformed int '1e5'"),
        (_doc({"int": "9" * 5000}), r"malformed int"),
        (_doc({"float": "0xZZ"}), r"malformed float '0xZZ'"),
        (_doc({"float": 1.5}), r"unknown tree node"),
        (_doc({"array": "7.npy"}), r"refers to a missing member '7.npy'"),
        (_doc({"array": "nnlib-tree.json"}), r"refers to a missing member"),
        (
            _doc({"dict": [[{"float": "0x1p+0"}, {"none": None}]]}),
            r"dict key .*expected a str or int",
        ),
        (_doc({"dict": [[{"str": "a"}]]}), r"malformed dict entry"),
        (_doc({"scalar": "0.npy"}), r"scalar member '0.npy' has shape \(2,\)"),
    ],
)
def test_malformed_trees_are_refused_by_name(tmp_path: Path, document: Any, message: str) -> None:
    path = tmp_path / "forged.npz"
    _forge(path, document, {"0.npy": np.zeros(2)})
    with pytest.raises(ValueError, match=r"load: .*forged.npz: .*" + message):
        load(path)


def test_deep_but_legal_nesting_round_trips(tmp_path: Path) -> None:
    deep: Any = 1
    for _ in range(99):
        deep = (deep,)
    save(deep, tmp_path / "x.npz")
    assert load(tmp_path / "x.npz") == deep
