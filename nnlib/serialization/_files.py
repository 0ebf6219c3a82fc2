"""Writing a file atomically: a temporary sibling, its mode, fsync, rename, and cleanup."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["write_atomically"]

_UMASK_LOCK = threading.Lock()


def write_atomically(f: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(handle)`` on a temporary file beside ``f``, then rename it onto ``f``.

    ``f`` is resolved first, so a symbolic link stays a link and its target
    is replaced. The new file gets the mode of the file it replaces, or
    ``0o666`` minus the umask. The temporary file is named
    ``.<name>.<pid>.<random>.tmp``; it is removed if anything fails, and
    those left behind by processes that no longer run (killed mid-save) are
    removed by the next save to the same file.
    """
    target = Path(os.path.realpath(os.fspath(f)))
    directory = target.parent
    _remove_stale_temporaries(directory, target.name)
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    temp = directory / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temp, flags, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if not hasattr(os, "fchmod"):
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(directory)


def _umask() -> int:
    """The process's umask, read without changing it where /proc allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:  # set and restore: other threads of nnlib never see the change
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _remove_stale_temporaries(directory: Path, name: str) -> None:
    """Remove ``.<name>.<pid>.<hex>.tmp`` files whose process no longer exists (POSIX only)."""
    if os.name != "posix":  # os.kill(pid, 0) would terminate a process on Windows
        return
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)\.[0-9a-f]+\.tmp")
    try:
        entries = os.listdir(directory)
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry)
        if match is None or _is_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):  # removed meanwhile, or not ours to remove
            os.unlink(directory / entry)


def _is_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):  # exists (another user's), or odd
        return True
    return True


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
