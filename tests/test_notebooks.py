"""Checks on the stored chapter notebooks that nbval alone cannot make.

nbval re-executes each notebook and compares outputs, but a cell stored
without outputs passes it trivially, and a skipped cell is never run. These
tests close those holes: every code cell was executed, top to bottom, with
no error or warning in what it printed, and the cells whose output is not
compared are few, known and explained.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))

# Cells tagged `nbval-ignore-output` (timings, mostly), per notebook. A new
# one must be added here on purpose, so their number stays small.
IGNORED_OUTPUT_CELLS: dict[str, int] = {
    "checking.ipynb": 0,
}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def test_there_are_chapters() -> None:
    assert len(NOTEBOOKS) >= 1, f"no notebooks found in {CHAPTERS}"


def test_every_notebook_is_in_the_table_of_contents() -> None:
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"file:\s*chapters/([\w-]+)", toc))
    stems = {path.stem for path in NOTEBOOKS}
    assert stems - listed == set(), "notebooks missing from _toc.yml"
    for name in listed:
        assert (CHAPTERS / f"{name}.ipynb").exists() or (CHAPTERS / f"{name}.md").exists(), (
            f"_toc.yml lists chapters/{name}, which does not exist"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_top_to_bottom(path: Path) -> None:
    cells = _code_cells(_load(path))
    assert cells, f"{path.name} has no code cells"
    counts = [cell.get("execution_count") for cell in cells]
    unexecuted = [i for i, count in enumerate(counts) if count is None]
    assert not unexecuted, f"{path.name}: code cells {unexecuted} were never executed"
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts are {counts}; expected 1..{len(cells)} from one "
        "top-to-bottom run (python tools/execute_notebooks.py)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_errors_or_warnings_in_outputs(path: Path) -> None:
    for index, cell in enumerate(_code_cells(_load(path))):
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", (
                f"{path.name}: code cell {index} stored an error: {output.get('ename')}"
            )
            if output["output_type"] == "stream":
                assert output["name"] == "stdout", (
                    f"{path.name}: code cell {index} wrote to stderr: "
                    f"{''.join(output['text'])[:200]!r}"
                )
            text = json.dumps(output.get("data", {})) + "".join(output.get("text", ""))
            assert "Warning:" not in text, f"{path.name}: code cell {index} shows a warning"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_metadata(path: Path) -> None:
    metadata = _load(path)["metadata"]
    assert metadata.get("kernelspec", {}).get("name") == "python3", path.name
    assert metadata.get("language_info", {}).get("name") == "python", path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_escapes_comparison(path: Path) -> None:
    """No skipped cells; ignored outputs are counted and each says why."""
    ignored = 0
    for index, cell in enumerate(_code_cells(_load(path))):
        tags = _tags(cell)
        first_line = _source(cell).split("\n", 1)[0].strip()
        assert "nbval-skip" not in tags and first_line != "# NBVAL_SKIP", (
            f"{path.name}: code cell {index} is skipped by nbval; make it reproducible instead"
        )
        assert "raises-exception" not in tags, f"{path.name}: cell {index} expects an error"
        if "nbval-ignore-output" in tags or first_line == "# NBVAL_IGNORE_OUTPUT":
            ignored += 1
            comments = [
                line for line in _source(cell).splitlines() if line.strip().startswith("#")
            ]
            assert comments, (
                f"{path.name}: code cell {index} ignores its output without a comment "
                "saying why"
            )
    expected = IGNORED_OUTPUT_CELLS.get(path.name)
    assert expected is not None, f"{path.name}: add it to IGNORED_OUTPUT_CELLS"
    assert ignored == expected, (
        f"{path.name}: {ignored} cells have their output ignored; the inventory says "
        f"{expected}"
    )
