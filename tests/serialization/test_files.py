"""Tests of how save writes: file mode, symbolic links, temporaries of killed processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from nnlib.serialization import load, save

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes, links and signals")


@posix_only
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_follows_the_umask(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        save({"w": np.zeros(2)}, tmp_path / "w.npz")
        save({"w": [1, (2,)]}, tmp_path / "tree.npz")
    finally:
        os.umask(previous)
    for name in ("w.npz", "tree.npz"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask


@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664])
def test_an_overwritten_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "w.npz"
    save({"w": np.zeros(2)}, path)
    path.chmod(mode)
    save({"w": np.ones(2)}, path)
    assert path.stat().st_mode & 0o777 == mode
    np.testing.assert_array_equal(load(path)["w"], np.ones(2))


@posix_only
def test_saving_through_a_symbolic_link_updates_its_target(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "epoch3.npz"
    save({"w": np.zeros(2)}, target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    save({"w": np.ones(2)}, link)
    assert link.is_symlink() and link.resolve() == target.resolve()
    np.testing.assert_array_equal(load(target)["w"], np.ones(2))
    dangling = tmp_path / "next.npz"
    dangling.symlink_to(tmp_path / "runs" / "epoch4.npz")
    save({"w": np.full(2, 4.0)}, dangling)
    assert dangling.is_symlink()
    np.testing.assert_array_equal(load(tmp_path / "runs" / "epoch4.npz")["w"], np.full(2, 4.0))
    assert sorted(os.listdir(tmp_path / "runs")) == ["epoch3.npz", "epoch4.npz"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@posix_only
def test_temporaries_of_dead_processes_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = {
            "dead": f".w.npz.{_dead_pid()}.0a1b2c3d.tmp",
            "live": f".w.npz.{live.pid}.0a1b2c3d.tmp",
            "ours": f".w.npz.{os.getpid()}.0a1b2c3d.tmp",
            "other file": f".x.npz.{_dead_pid()}.0a1b2c3d.tmp",
            "not ours": f".w.npz.{_dead_pid()}.notes.tmp",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"partial")
        save({"w": np.zeros(2)}, tmp_path / "w.npz")
        left = set(os.listdir(tmp_path))
    finally:
        live.kill()
        live.wait()
    assert left == {"w.npz"} | {names[k] for k in ("live", "ours", "other file", "not ours")}


@posix_only
def test_a_process_killed_mid_save_leaves_a_temporary_that_the_next_save_removes(
    tmp_path: Path,
) -> None:
    script = textwrap.dedent(
        """
        import sys, time
        import numpy as np
        from nnlib.serialization import save

        def slow_write(member, array, **kwargs):
            member.write(b"x" * 1000)
            print("writing", flush=True)
            time.sleep(60)

        np.lib.format.write_array = slow_write
        save({"w": np.zeros(2)}, sys.argv[1])
        """
    )
    path = tmp_path / "w.npz"
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "writing\n"
    child.kill()
    child.wait()
    child.stdout.close()
    leftovers = os.listdir(tmp_path)
    assert len(leftovers) == 1 and leftovers[0].startswith(f".w.npz.{child.pid}.")
    save({"w": np.ones(2)}, path)
    assert os.listdir(tmp_path) == ["w.npz"]
