"""Tests of nnlib.save and nnlib.load on state dicts: round trips, no pickle, atomic writes."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nnlib.layers import Flatten, Linear, Sequential
from nnlib.serialization import load, save


def _model(seed: int, dtype: type = np.float64) -> Sequential:
    return Sequential(
        Linear(4, 8, rng=seed, dtype=dtype), Flatten(), Linear(8, 3, rng=seed + 1, dtype=dtype)
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_module_round_trip(tmp_path: Path, dtype: type) -> None:
    path = tmp_path / "model.npz"
    source, target = _model(0, dtype), _model(10, dtype)
    save(source, path)
    state = load(path)
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(value.dtype == dtype for value in state.values())
    target.load_state_dict(state)
    x = np.random.default_rng(0).standard_normal((5, 4))
    np.testing.assert_array_equal(target(x), source(x))


def test_state_dict_round_trip_with_exact_path(tmp_path: Path) -> None:
    path = tmp_path / "weights.bin"  # no .npz is appended
    state = {"a": np.arange(6.0).reshape(2, 3), "b.c": np.array(2.5), "n": np.arange(3)}
    save(state, str(path))
    assert sorted(os.listdir(tmp_path)) == ["weights.bin"]
    loaded = load(path)
    assert loaded.keys() == state.keys()
    for key, value in state.items():
        np.testing.assert_array_equal(loaded[key], value)
        assert loaded[key].dtype == value.dtype


def test_keys_that_are_numpy_savez_keywords_are_plain_entries(tmp_path: Path) -> None:
    # numpy.savez(file, allow_pickle=..., **arrays) takes the names as keywords:
    # a key `file` clashes with its argument, and before NumPy 2.2 the option
    # `allow_pickle` is stored as an entry of that name. save writes the members
    # itself, so these are plain entries, and numpy.load reads them back too.
    path = tmp_path / "w.npz"
    state = {"file": np.arange(3.0), "allow_pickle": np.array([1, 2]), "w": np.eye(2)}
    save(state, path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["file.npy", "allow_pickle.npy", "w.npy"]
    with np.load(path, allow_pickle=False) as npz:
        read_by_numpy = dict(npz)
    for loaded in (load(path), read_by_numpy):
        assert list(loaded) == list(state)
        for key, value in state.items():
            np.testing.assert_array_equal(loaded[key], value)
            assert loaded[key].dtype == value.dtype


def test_overwrite_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    save({"w": np.zeros(2)}, path)
    save({"w": np.ones(3)}, path)
    np.testing.assert_array_equal(load(path)["w"], np.ones(3))


def test_a_failure_mid_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.npz"
    save({"w": np.zeros(3)}, path)
    before = path.read_bytes()

    def broken_write_array(member, *args, **kwargs):  # type: ignore[no-untyped-def]
        member.write(b"\x93NUMPY half an array")  # something reaches the disk...
        raise OSError("disk full")  # ...then the write fails

    monkeypatch.setattr(np.lib.format, "write_array", broken_write_array)
    with pytest.raises(OSError, match="disk full"):
        save({"w": np.ones(3)}, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]
    monkeypatch.undo()
    np.testing.assert_array_equal(load(path)["w"], np.zeros(3))


def test_an_interrupt_mid_write_also_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, "write_array", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save({"w": np.ones(3)}, tmp_path / "new.npz")
    assert os.listdir(tmp_path) == []


def test_no_pickle_in_either_direction(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"save: obj\['w'\] has dtype object; expected a numeric"):
        save({"w": np.array([{"a": 1}], dtype=object)}, tmp_path / "x.npz")
    path = tmp_path / "pickled.npz"
    np.savez(path, w=np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(
        ValueError,
        match=r"load: .*pickled.npz: member 'w.npy' holds Python "
        r"objects \(dtype object\), which would need pickle",
    ):
        load(path)


@pytest.mark.parametrize("keep", [0.0, 0.3, 0.9])
def test_truncated_file_gives_a_clear_error(tmp_path: Path, keep: float) -> None:
    path = tmp_path / "model.npz"
    save(_model(0), path)
    data = path.read_bytes()
    path.write_bytes(data[: int(keep * len(data))])
    with pytest.raises(
        ValueError,
        match=r"is not a readable .npz file written by nnlib.save .*"
        r"it may be truncated or corrupted",
    ):
        load(path)


def test_corrupted_bytes_give_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save({"w": np.arange(1000.0)}, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # flip one byte in the middle of the array data
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"it may be truncated or corrupted"):
        load(path)


def test_other_formats_and_missing_files(tmp_path: Path) -> None:
    npy = tmp_path / "plain.npy"
    np.save(npy, np.zeros(3))
    with pytest.raises(ValueError, match=r"a single .npy array, not an .npz archive"):
        load(npy)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match=r"notes.txt is not a readable .npz file"):
        load(text)
    with pytest.raises(FileNotFoundError, match=r"load: .*absent.npz does not exist"):
        load(tmp_path / "absent.npz")


def test_loading_into_a_different_architecture_lists_every_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save(_model(0), path)
    other = Sequential(
        Linear(4, 6, rng=0), Flatten(), Linear(6, 3, rng=1), Flatten(), Linear(3, 2)
    )
    with pytest.raises(ValueError) as info:
        other.load_state_dict(load(path))
    message = str(info.value)
    assert "missing keys: 4.weight, 4.bias" in message
    assert r"0.weight: shape (8, 4) in the state, (6, 4) in the model" in message
    assert r"2.weight: shape (3, 8) in the state, (3, 6) in the model" in message
    state = load(path)
    state["extra"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"unexpected keys: extra"):
        _model(1).load_state_dict(state)


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(
        TypeError, match=r"save: obj has the key 1.5, a float; expected str or int"
    ):
        save({1.5: np.zeros(1)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match=r"save: obj\[0\] is a set; expected arrays, int"):
        save([{1, 2}], tmp_path / "x.npz")
    with pytest.raises(TypeError, match=r"save: obj\['m'\] is a Linear; .*state_dict"):
        save({"m": Linear(1, 1)}, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


def test_a_member_that_is_not_npy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.npz"
    with zipfile.ZipFile(path, "w") as archive:
        with archive.open("w.npy", "w") as member:
            np.lib.format.write_array(member, np.zeros(2))
        archive.writestr("notes.txt", b"raw bytes")
    with pytest.raises(ValueError, match=r"member 'notes.txt' is not a .npy array"):
        load(path)


def _forged_header(path: Path, shape: tuple[int, ...], data: bytes) -> None:
    with zipfile.ZipFile(path, "w") as archive, archive.open("w.npy", "w") as member:
        header = {"descr": "<f8", "fortran_order": False, "shape": shape}
        np.lib.format.write_array_header_1_0(member, header)
        member.write(data)


def test_a_header_claiming_more_than_the_member_holds_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "huge.npz"
    _forged_header(path, (10**12,), b"\0" * 64)
    with pytest.raises(
        ValueError,
        match=r"member 'w.npy' claims shape \(1000000000000,\) of "
        r"float64 \(8000000000000 bytes\) but holds 64 bytes",
    ):
        load(path)
    _forged_header(path, (3,), b"\0" * 16)  # too little: also refused before reading
    with pytest.raises(
        ValueError, match=r"claims shape \(3,\) of float64 \(24 bytes\) but holds 16"
    ):
        load(path)


def test_unreadable_paths_raise_what_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(IsADirectoryError, match=r"load: .* is a directory"):
        load(tmp_path)
    path = tmp_path / "w.npz"
    save({"w": np.zeros(2)}, path)
    if os.name == "posix" and os.geteuid() != 0:  # root reads anything: simulate below too
        path.chmod(0)
        with pytest.raises(PermissionError, match=r"load: permission denied to read .*w.npz"):
            load(path)
        path.chmod(0o644)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    from nnlib.serialization import _archive

    monkeypatch.setattr(_archive, "open", denied, raising=False)
    with pytest.raises(PermissionError, match=r"load: permission denied to read .*w.npz"):
        load(path)
