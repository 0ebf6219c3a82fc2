"""The package as the Python package index would get it: sdist and wheel.

The source distribution is built from this checkout, unpacked into an empty
folder, and must build the wheel and run the library's tests (doctests
included) on its own. The wheel installs the distribution
``nnlib-first-principles`` and gives ``import nnlib``, with the metadata and
licence a user of the index sees.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.message import Message
from pathlib import Path

import pytest

import nnlib

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
DIST_NAME = "nnlib-first-principles"
# The tests of the book rather than the library (they need chapters/ or the site)
# live in tests/book/, which the sdist leaves out; every other file of tests/ ships.
BOOK_TESTS = Path("book")

pytestmark = pytest.mark.distribution


def _python(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The unpacked source distribution (its top folder)."""
    out = tmp_path_factory.mktemp("sdist")
    code = f"from setuptools import build_meta; print(build_meta.build_sdist({str(out)!r}))"
    name = _python("-c", code, cwd=ROOT).strip().splitlines()[-1]
    with tarfile.open(out / name) as archive:
        archive.extractall(out / "unpacked", filter="data")
    (top,) = (out / "unpacked").iterdir()
    return top


@pytest.fixture(scope="module")
def wheel(sdist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the unpacked sdist, as an installer builds it."""
    out = tmp_path_factory.mktemp("wheel")
    pip = ["-m", "pip", "--disable-pip-version-check", "--quiet"]
    _python(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), ".", cwd=sdist)
    (built,) = out.glob("*.whl")
    return built


def _metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name))


def test_the_distribution_name_is_not_the_import_name() -> None:
    assert PROJECT["name"] == DIST_NAME


def test_sdist_holds_the_licences_history_and_the_library_tests(sdist: Path) -> None:
    for name in ("LICENSE", "LICENSE-TEXT", "CHANGELOG.md", "CITATION.cff", "README.md"):
        assert (sdist / name).is_file(), f"{name} is missing from the sdist"
    shipped = {p.relative_to(sdist / "tests") for p in (sdist / "tests").rglob("*") if p.is_file()}
    for path in sorted((ROOT / "tests").rglob("*")):
        relative = path.relative_to(ROOT / "tests")
        if not path.is_file() or "__pycache__" in relative.parts or path.suffix == ".pyc":
            continue
        if relative.is_relative_to(BOOK_TESTS):
            assert relative not in shipped, f"tests/{relative} needs the book; keep it out"
        else:
            assert relative in shipped, f"tests/{relative} is missing from the sdist"
    assert not (sdist / "chapters").exists()


def test_library_tests_pass_in_the_unpacked_sdist(sdist: Path) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    output = _python(
        "-m", "pytest", "nnlib", "tests", "-q", "-p", "no:cacheprovider", cwd=sdist, env=env
    )
    summary = output.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary, summary
    assert int(summary.split()[0]) > 1000, summary


def test_wheel_metadata(wheel: Path) -> None:
    metadata = _metadata(wheel)
    assert metadata["Name"] == DIST_NAME
    assert metadata["Version"] == nnlib.__version__
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata["Author"] == "The nnlib authors"
    labels = {url.split(",")[0] for url in metadata.get_all("Project-URL") or []}
    assert labels == {"Homepage", "Source", "Issues", "Changelog"}
    assert "Typing :: Typed" in (metadata.get_all("Classifier") or [])
    assert metadata.get_all("Requires-Dist")[0].startswith("numpy")
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    assert tops == {"nnlib", f"nnlib_first_principles-{nnlib.__version__}.dist-info"}


def test_installed_wheel_is_imported_as_nnlib(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    pip = ["-m", "pip", "--disable-pip-version-check", "--quiet"]
    _python(*pip, "install", "--no-deps", "--target", str(target), str(wheel), cwd=tmp_path)
    code = (
        "import importlib.metadata as m, nnlib; "
        f"print(nnlib.__file__, nnlib.__version__, m.version({DIST_NAME!r}))"
    )
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONNOUSERSITE": "1"}
    location, version, dist_version = _python("-c", code, cwd=tmp_path, env=env).split()
    assert Path(location).is_relative_to(target)
    assert version == dist_version == nnlib.__version__
