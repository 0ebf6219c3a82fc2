r"""Saving and loading parameters: ``.npz`` files, no pickle, written atomically."""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib.module import Module

__all__ = ["load", "save"]

PathLike = str | os.PathLike[str]


def save(obj: Module | Mapping[str, ArrayLike], f: PathLike) -> None:
    r"""Write a module's ``state_dict()`` (or any mapping of names to arrays) to ``f``.

    Parameters
    ----------
    obj : Module or mapping of str to array_like
        A module (its :meth:`~nnlib.Module.state_dict` is saved) or a state
        dict, e.g. ``{"0.weight": W, "0.bias": b}``.
    f : str or path-like
        The file to write, used exactly as given (no ``.npz`` is appended).

    Raises
    ------
    TypeError
        For a non-string key or a value that is not a numeric array (object
        arrays would need pickle, which this format refuses).

    Notes
    -----
    The file is an uncompressed NumPy ``.npz`` archive (a zip of ``.npy``
    files, one per key) that :func:`numpy.load` reads with
    ``allow_pickle=False``, so loading it can never run code. It is written
    **atomically**: to a temporary file in the same directory, flushed to
    disk with ``fsync``, then renamed over ``f`` with :func:`os.replace`. A
    crash or an error mid-write therefore leaves either the old file or the
    new one, never a truncated mix, and the temporary file is removed.

    Differences from PyTorch: ``torch.save`` pickles arbitrary objects;
    this stores only flat mappings of names to numeric arrays.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "weights.npz")
    >>> save({"w": np.eye(2)}, path)
    >>> load(path)["w"]
    array([[1., 0.],
           [0., 1.]])
    """
    owner = "save"
    state = obj.state_dict() if isinstance(obj, Module) else obj
    if not isinstance(state, Mapping):
        raise TypeError(
            f"{owner}: obj is a {type(obj).__name__}; expected a Module or a mapping of "
            "names to arrays"
        )
    arrays: dict[str, NDArray[Any]] = {}
    for key, value in state.items():
        if not isinstance(key, str):
            raise TypeError(f"{owner}: key {key!r} is a {type(key).__name__}; expected str")
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"{owner}: entry {key!r} has dtype {array.dtype}; expected a numeric array"
            )
        arrays[key] = array
    path = Path(os.fspath(f))
    directory = path.parent
    descriptor, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            _write_npz(handle, arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)


def _write_npz(handle: BinaryIO, arrays: Mapping[str, NDArray[Any]]) -> None:
    """Write what ``numpy.savez`` writes: a zip of one ``<key>.npy`` member per entry.

    Written member by member because ``numpy.savez`` takes the names as keywords
    beside its own: a key ``file`` clashes with its first argument, and before
    NumPy 2.2 a key ``allow_pickle`` (or the option itself) becomes an entry.
    """
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key, array in arrays.items():
            with archive.open(f"{key}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable where the platform allows it (POSIX)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a directory
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load(f: PathLike) -> dict[str, NDArray[Any]]:
    r"""Read a file written by :func:`save`; return its state dict.

    Pass the result to :meth:`~nnlib.Module.load_state_dict`, which raises
    an error listing missing, unexpected and mis-shaped entries.

    Parameters
    ----------
    f : str or path-like

    Returns
    -------
    dict of str to numpy.ndarray
        Every array, read eagerly (the file is closed on return).

    Raises
    ------
    FileNotFoundError
        If ``f`` does not exist.
    ValueError
        If ``f`` is not a readable ``.npz`` archive (truncated, corrupted, or
        another format), or holds object arrays.

    Notes
    -----
    Differences from PyTorch: ``torch.load`` unpickles (and has
    ``map_location``); this reads NumPy arrays only, with
    ``allow_pickle=False``.
    """
    owner = "load"
    path = Path(os.fspath(f))
    if not path.is_file():
        raise FileNotFoundError(f"{owner}: {path} does not exist or is not a file")
    problems = (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError)
    try:
        with open(path, "rb") as handle:  # closed even when the archive is unreadable
            archive = np.load(handle, allow_pickle=False)
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise ValueError("it holds a single .npy array, not an .npz archive")
            with archive:
                return {key: archive[key] for key in archive.files}
    except problems as error:
        raise ValueError(
            f"{owner}: {path} is not a readable .npz file written by nnlib.save ({error}); "
            "it may be truncated or corrupted"
        ) from error
