"""Checks on the stored chapter notebooks that nbval alone cannot make.

nbval re-executes each notebook and compares outputs, but a cell stored
without outputs passes it trivially, and a skipped cell is never run. These
tests close those holes: every code cell was executed, top to bottom, with
no error or warning in what it printed, and the cells whose output is not
compared are few, known and explained.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.book.notebook_checks import escape_problems, execution_problems, load, output_problems

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))

# Cells tagged `nbval-ignore-output` (timings), per notebook. A new one must
# be added here on purpose, so that their number stays small.
IGNORED_OUTPUT_CELLS: dict[str, int] = {
    "activations.ipynb": 1,
    "autodiff.ipynb": 2,
    "backprop.ipynb": 2,
    "checking.ipynb": 0,
    "deep_networks.ipynb": 1,
    "end_to_end.ipynb": 0,
    "losses.ipynb": 0,
    "optimizers.ipynb": 0,
    "training.ipynb": 0,
}


def test_there_are_chapters() -> None:
    assert len(NOTEBOOKS) >= 1, f"no notebooks found in {CHAPTERS}"


def test_every_chapter_is_in_the_table_of_contents() -> None:
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"file:\s*chapters/([\w-]+)", toc))
    assert {path.stem for path in NOTEBOOKS} - listed == set(), "notebooks missing from _toc.yml"
    for name in listed:
        assert (CHAPTERS / f"{name}.ipynb").exists() or (CHAPTERS / f"{name}.md").exists(), (
            f"_toc.yml lists chapters/{name}, which does not exist"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_top_to_bottom(path: Path) -> None:
    assert execution_problems(load(path)) == [], path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_errors_or_warnings_in_outputs(path: Path) -> None:
    assert output_problems(load(path)) == [], path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_metadata(path: Path) -> None:
    metadata = load(path)["metadata"]
    assert metadata.get("kernelspec", {}).get("name") == "python3", path.name
    assert metadata.get("language_info", {}).get("name") == "python", path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_escapes_comparison(path: Path) -> None:
    problems, ignored = escape_problems(load(path))
    assert problems == [], path.name
    expected = IGNORED_OUTPUT_CELLS.get(path.name)
    assert expected is not None, f"{path.name}: add it to IGNORED_OUTPUT_CELLS"
    assert ignored == expected, (
        f"{path.name}: {ignored} cells have their output ignored; the inventory says {expected}"
    )
