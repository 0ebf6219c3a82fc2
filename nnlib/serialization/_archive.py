r"""``save`` and ``load``: checkpoints in an ``.npz`` file, no pickle, written atomically."""

from __future__ import annotations

import errno
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from nnlib.module import Module
from nnlib.serialization import _tree
from nnlib.serialization._files import write_atomically

__all__ = ["load", "save"]

PathLike = str | os.PathLike[str]
TREE_MEMBER = "nnlib-tree.json"
"""The archive member describing a nested structure (absent for a flat state dict)."""

_MAX_DEFLATE_RATIO = 1100  # deflate cannot expand data more than 1032-fold


def save(obj: Any, f: PathLike) -> None:
    r"""Write a module's ``state_dict()``, or a nested checkpoint, to the file ``f``.

    Parameters
    ----------
    obj : Module, or a nested structure
        A module (its :meth:`~nnlib.Module.state_dict` is saved), or dicts
        (keys str or int), lists and tuples of NumPy arrays (bool, int or
        float), NumPy scalars, Python ``int`` (any size), ``float``
        (including NaN and infinities), ``bool``, ``str`` and ``None``: what
        ``state_dict()`` of a model, an optimizer or a scheduler returns,
        and :func:`~nnlib.get_rng_state`.
    f : str or path-like
        The file to write, used exactly as given (no ``.npz`` is appended).
        A symbolic link is followed: its target is replaced, the link stays.

    Raises
    ------
    TypeError
        For a value or a key of another type (object arrays, for instance,
        would need pickle, which this format refuses).
    ValueError
        For a structure that contains itself or is nested more than 100 levels.
    OSError
        If the file cannot be written (its directory is missing or read-only).

    Notes
    -----
    The file is an uncompressed NumPy ``.npz`` archive (a zip of ``.npy``
    members). A flat mapping of names to arrays, such as a module's state
    dict, is stored exactly as :func:`numpy.savez` would store it, one
    ``<name>.npy`` per entry. Anything else adds a member
    ``nnlib-tree.json`` describing the structure, with the arrays in
    numbered members, so :func:`load` returns the same types: tuples stay
    tuples, ints stay ints, float values are exact to the bit.

    The file is written **atomically**: to a temporary file in the same
    directory (``.<name>.<pid>.<random>.tmp``), flushed to disk with
    ``fsync``, then renamed over ``f`` with :func:`os.replace`. A crash or an
    error mid-write leaves either the old file or the new one, never a
    truncated mix. The temporary file is removed on an error, and a later
    save to the same file removes those left by processes that were killed.
    A new file gets the mode ``0o666`` minus the umask, as ``open`` would
    create it; an overwritten file keeps its mode.

    Differences from PyTorch: ``torch.save`` pickles arbitrary objects;
    this stores only the plain structures above (a module through its state
    dict), and loading never runs code.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "checkpoint.npz")
    >>> save({"w": np.eye(2), "epoch": 7, "betas": (0.9, 0.999)}, path)
    >>> checkpoint = load(path)
    >>> checkpoint["epoch"], checkpoint["betas"]
    (7, (0.9, 0.999))
    >>> checkpoint["w"]
    array([[1., 0.],
           [0., 1.]])
    """
    owner = "save"
    state = obj.state_dict() if isinstance(obj, Module) else obj
    if _is_flat(state):
        arrays = {f"{key}.npy": value for key, value in state.items()}
        document = None
    else:
        document, arrays = _tree.encode(state, owner)
    write_atomically(f, lambda handle: _write_npz(handle, arrays, document))


def _is_flat(state: Any) -> bool:
    """A mapping of str to numeric arrays: stored as ``numpy.savez`` stores it."""
    return (
        isinstance(state, Mapping)
        and all(isinstance(key, str) for key in state)
        and all(isinstance(v, np.ndarray) and v.dtype.kind in "biuf" for v in state.values())
    )


def _write_npz(
    handle: BinaryIO, arrays: Mapping[str, NDArray[Any]], document: dict[str, Any] | None
) -> None:
    """Write what ``numpy.savez`` writes, member by member, plus the tree if there is one.

    Not ``numpy.savez`` itself, which takes the names as keywords beside its
    own: a key ``file`` clashes with its first argument, and before NumPy 2.2
    a key ``allow_pickle`` (or the option itself) becomes an entry.
    """
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():
            with archive.open(name, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
        if document is not None:
            archive.writestr(TREE_MEMBER, json.dumps(document, ensure_ascii=True))


def load(f: PathLike) -> Any:
    r"""Read a file written by :func:`save`; return what was saved.

    A module's state dict comes back as a dict of arrays: pass it to
    :meth:`~nnlib.Module.load_state_dict`, which lists missing, unexpected
    and mis-shaped entries. A nested checkpoint comes back with the same
    structure and types; pass its parts to the ``load_state_dict`` of the
    model, optimizer and scheduler, and to :func:`~nnlib.set_rng_state`.

    Parameters
    ----------
    f : str or path-like

    Returns
    -------
    dict of str to numpy.ndarray, or the saved structure
        Every array read eagerly (the file is closed on return).

    Raises
    ------
    FileNotFoundError
        If ``f`` does not exist.
    IsADirectoryError
        If ``f`` is a directory.
    PermissionError
        If ``f`` may not be read.
    ValueError
        If ``f`` is not an archive written by :func:`save` or
        :func:`numpy.savez`: truncated or corrupted, another format, a
        member that is not a ``.npy`` array, an array of objects (which
        would need pickle), a header whose shape does not match the
        member's size, or an unknown entry in the structure.

    Notes
    -----
    Arrays are read with ``allow_pickle=False`` and each header is checked
    against the member's size before anything is allocated, so a file
    cannot run code or make ``load`` allocate more than the file holds.

    Differences from PyTorch: ``torch.load`` unpickles (and has
    ``map_location``); this reads NumPy arrays and plain values only.
    """
    path = Path(os.fspath(f))
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the with below)
    except FileNotFoundError:
        raise FileNotFoundError(
            errno.ENOENT, f"load: {path} does not exist; expected a file written by nnlib.save"
        ) from None
    except IsADirectoryError:
        raise IsADirectoryError(
            errno.EISDIR, f"load: {path} is a directory; expected a file written by nnlib.save"
        ) from None
    except PermissionError:
        raise PermissionError(
            errno.EACCES, f"load: permission denied to read {path}; the file exists"
        ) from None
    with handle:
        if os.path.isdir(path):  # Windows opens nothing; POSIX raised above
            raise IsADirectoryError(errno.EISDIR, f"load: {path} is a directory")
        if handle.read(6) == b"\x93NUMPY":
            raise ValueError(
                f"load: {path} holds a single .npy array, not an .npz archive; read it with "
                "numpy.load"
            )
        handle.seek(0)
        try:
            return _read_archive(handle, os.fstat(handle.fileno()).st_size)
        except _Refused as error:
            raise ValueError(f"load: {path}: {error}") from None
        except (zipfile.BadZipFile, ValueError, EOFError, KeyError, OSError) as error:
            raise ValueError(
                f"load: {path} is not a readable .npz file written by nnlib.save ({error}); "
                "it may be truncated or corrupted"
            ) from error


class _Refused(Exception):
    """A readable archive with something ``load`` will not read (said as is, not 'corrupted')."""


def _read_archive(handle: BinaryIO, file_size: int) -> Any:
    with zipfile.ZipFile(handle) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        for name, info in infos.items():
            if name != TREE_MEMBER and not name.endswith(".npy"):
                raise _Refused(f"member {name!r} is not a .npy array; expected only .npy members")
            _check_member_size(info, file_size)

        def read(name: str) -> NDArray[Any]:
            if name not in infos or name == TREE_MEMBER:
                raise _Refused(f"the structure refers to a missing member {name!r}")
            return _read_member(archive, infos[name])

        if TREE_MEMBER not in infos:
            return {name[: -len(".npy")]: read(name) for name in infos}
        try:
            document = json.loads(archive.read(TREE_MEMBER).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise _Refused(f"the member {TREE_MEMBER} is not valid JSON ({error})") from None
        try:
            return _tree.decode(document, read, "the structure")
        except ValueError as error:
            if isinstance(error, _Refused):
                raise
            raise _Refused(str(error)) from None


def _check_member_size(info: zipfile.ZipInfo, file_size: int) -> None:
    """Refuse sizes the file cannot hold before anything of that size is allocated."""
    if info.compress_type == zipfile.ZIP_STORED:
        limit = file_size
    elif info.compress_type == zipfile.ZIP_DEFLATED:  # numpy.savez_compressed
        limit = _MAX_DEFLATE_RATIO * info.compress_size
    else:
        raise _Refused(
            f"member {info.filename!r} uses compression {info.compress_type}; "
            "expected stored or deflated members"
        )
    if info.file_size > limit:
        raise ValueError(
            f"member {info.filename!r} claims {info.file_size} bytes, more than the file can hold"
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> NDArray[Any]:
    """One ``.npy`` member: the header checked against the member's size, then the data."""
    name = info.filename
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(member)
        else:
            shape, _, dtype = np.lib.format.read_array_header_2_0(member)
        header_size = member.tell()
    if dtype.hasobject:
        raise _Refused(
            f"member {name!r} holds Python objects (dtype {dtype}), which would need pickle; "
            "expected numeric arrays"
        )
    if dtype.kind not in "biufc":
        raise _Refused(f"member {name!r} has dtype {dtype}; expected a numeric array")
    count = 1
    for length in shape:
        count *= int(length)
    if count * dtype.itemsize != info.file_size - header_size:
        raise ValueError(
            f"member {name!r} claims shape {shape} of {dtype} ({count * dtype.itemsize} bytes) "
            f"but holds {info.file_size - header_size} bytes of data"
        )
    with archive.open(info) as member:
        array: NDArray[Any] = np.lib.format.read_array(member, allow_pickle=False)
    return array
