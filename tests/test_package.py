"""The package as a user sees it: public names, dependencies, typing marker."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import nnlib

ROOT = Path(__file__).resolve().parent.parent


def test_every_public_name_exists_and_all_is_sorted() -> None:
    for name in nnlib.__all__:
        assert hasattr(nnlib, name), name
    assert nnlib.__all__ == sorted(nnlib.__all__)


def test_version_matches_the_package_metadata_source() -> None:
    assert nnlib.__version__.count(".") == 2
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["dynamic"] == ["version"]


def test_numpy_is_the_only_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [d.split(">")[0].split("=")[0] for d in project["dependencies"]] == ["numpy"]


def test_importing_nnlib_loads_no_book_or_test_tool() -> None:
    code = (
        "import sys, nnlib; "
        "heavy = {'sympy', 'mpmath', 'matplotlib', 'sklearn', 'scipy', 'pytest', 'torch'}; "
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_package_is_marked_as_typed() -> None:
    assert (Path(nnlib.__file__).parent / "py.typed").is_file()
