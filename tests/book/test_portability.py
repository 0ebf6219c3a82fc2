"""Every chapter reproduces its stored outputs on other machines, wherever it is opened.

The notebooks were executed on one machine. A reader's machine has another
CPU, so OpenBLAS picks another kernel for matrix products and NumPy other
SIMD loops for sums and elementary functions; both change the last bits of
results. A chapter that prints such bits (a round-off error, the loss of a
run that diverges) passes nbval only where it was executed. Two numeric
environments imitate other machines on this one:

- OpenBLAS's Sandybridge kernel (AVX, no FMA) and a single BLAS thread;
- OpenBLAS's Prescott kernel (SSE3 only) and NumPy with every optional SIMD
  extension this CPU has turned off (``NPY_DISABLE_CPU_FEATURES``).

Each runs strict nbval on copies of all chapters placed alone in an empty
temporary folder, with nnlib imported from a wheel built from this checkout
and installed into another temporary folder (not the editable install): the
chapters must find everything they need, such as the figure style and the
recorded PyTorch results, through the installed package, as they do when a
reader downloads one from the website.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.book.notebook_checks import load, nbval_command

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")  # beside this file

pytestmark = pytest.mark.portability


def _numpy_simd_features() -> str:
    """The optional SIMD extensions NumPy found on this CPU, comma-separated."""
    from numpy._core import _multiarray_umath as umath

    found = umath.__cpu_features__
    return ",".join(name for name in umath.__cpu_dispatch__ if found.get(name))


ENVIRONMENTS = {
    "sandybridge-blas-one-thread": {
        "OPENBLAS_CORETYPE": "Sandybridge",
        "OPENBLAS_NUM_THREADS": "1",
    },
    "prescott-blas-numpy-without-simd": {
        "OPENBLAS_CORETYPE": "Prescott",
        "NPY_DISABLE_CPU_FEATURES": _numpy_simd_features(),
    },
}


@pytest.fixture(scope="session")
def installed_nnlib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding nnlib installed from a freshly built wheel, for PYTHONPATH.

    The wheel is built from a copy of the package's sources, so that the build
    leaves nothing behind in the checkout.
    """
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(ROOT / "nnlib", source / "nnlib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp_path_factory.mktemp("wheel")
    target = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(wheels)]
    subprocess.run([*build, str(source)], check=True, cwd=source)
    (wheel,) = wheels.glob("*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True)
    return target


def run_notebooks(
    notebooks: list[Path], folder: Path, site: Path, environment: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Copy ``notebooks`` alone into ``folder`` and run strict nbval on them there.

    nnlib comes from ``site`` (first on PYTHONPATH), and ``environment`` is
    added to this process's environment.
    """
    for notebook in notebooks:
        shutil.copy(notebook, folder / notebook.name)
    env = {**os.environ, **environment, "PYTHONPATH": str(site)}
    notebooks_here = sorted(p.name for p in folder.glob("*.ipynb"))
    return subprocess.run(
        nbval_command(
            folder, "--nbval-sanitize-with", str(SANITIZE), "-c", os.devnull, *notebooks_here
        ),
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_the_copies_import_the_installed_wheel(installed_nnlib: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(installed_nnlib)}
    code = "import nnlib, nnlib.book; print(nnlib.__file__); print(nnlib.book.STYLE)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    module_file, style = result.stdout.split()
    assert Path(module_file).is_relative_to(installed_nnlib), module_file
    assert Path(style).is_file(), f"the wheel lacks the figure style {style}"


@pytest.mark.parametrize("name", sorted(ENVIRONMENTS))
def test_chapters_reproduce_in_another_environment(
    name: str, installed_nnlib: Path, tmp_path: Path
) -> None:
    result = run_notebooks(CHAPTERS, tmp_path, installed_nnlib, ENVIRONMENTS[name])
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, (
        f"under {ENVIRONMENTS[name]}, from an empty folder, the chapters do not reproduce "
        f"their stored outputs ({summary}); a printed figure depends on the machine:\n"
        + result.stdout[-6000:]
        + result.stderr[-2000:]
    )
    cells = sum(
        1 for path in CHAPTERS for cell in load(path)["cells"] if cell["cell_type"] == "code"
    )
    assert f"{cells} passed" in summary, summary


def test_a_changed_stored_output_fails_the_check(installed_nnlib: Path, tmp_path: Path) -> None:
    # The check can fail: a notebook whose stored output was changed to another
    # round-off figure is caught, as a machine-dependent one would be.
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "roundoff",
                "metadata": {},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": ["2e-16\n"]}],
                "source": ["print(f'{abs(0.1 + 0.2 - 0.3):.0e}')"],
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    source = tmp_path / "source"
    source.mkdir()
    path = source / "roundoff.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    run = tmp_path / "run"
    run.mkdir()
    result = run_notebooks([path], run, installed_nnlib, ENVIRONMENTS[sorted(ENVIRONMENTS)[0]])
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout, result.stdout
