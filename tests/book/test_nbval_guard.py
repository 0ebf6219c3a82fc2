"""The notebook checks can fail: proof on deliberately broken notebooks.

A stored output edited by hand must make strict nbval fail, and a cell left
unexecuted must be caught by the execution check (nbval alone passes it).
"""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.book.notebook_checks import (
    escape_problems,
    execution_problems,
    nbval_command,
    output_problems,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nanswer = 6 * 7"),
        nbformat.v4.new_code_cell("print(f'{answer} {np.sqrt(2.0):.6f}')"),
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    folder = tmp_path_factory.mktemp("run")
    NotebookClient(notebook, timeout=60, resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def _nbval(notebook: nbformat.NotebookNode, folder: Path) -> subprocess.CompletedProcess[str]:
    path = folder / "sample.ipynb"
    nbformat.write(notebook, path)
    return subprocess.run(
        nbval_command(folder, str(path)),
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_untouched_notebook_passes(executed: nbformat.NotebookNode, tmp_path: Path) -> None:
    result = _nbval(executed, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert execution_problems(executed) == []
    assert output_problems(executed) == []


def test_edited_output_fails_strict_nbval(executed: nbformat.NotebookNode, tmp_path: Path) -> None:
    edited = copy.deepcopy(executed)
    output = edited.cells[1].outputs[0]
    assert output.text == "42 1.414214\n"
    output.text = "42 1.414215\n"
    result = _nbval(edited, tmp_path)
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout


def test_unexecuted_cell_passes_nbval_but_not_our_check(
    executed: nbformat.NotebookNode, tmp_path: Path
) -> None:
    unexecuted = copy.deepcopy(executed)
    unexecuted.cells.append(nbformat.v4.new_code_cell("print('never run')"))
    # nbval alone lets the never-executed cell through: it has nothing to compare.
    result = _nbval(unexecuted, tmp_path)
    assert result.returncode == 0, result.stdout
    assert execution_problems(unexecuted) == ["code cells [2] were never executed"]


def test_out_of_order_execution_is_caught(executed: nbformat.NotebookNode) -> None:
    reordered = copy.deepcopy(executed)
    reordered.cells[0].execution_count, reordered.cells[1].execution_count = 2, 1
    assert execution_problems(reordered) != []


def test_skipped_and_unexplained_ignored_cells_are_caught(
    executed: nbformat.NotebookNode,
) -> None:
    tagged = copy.deepcopy(executed)
    tagged.cells[0].metadata["tags"] = ["nbval-skip"]
    tagged.cells[1].metadata["tags"] = ["nbval-ignore-output"]
    problems, ignored = escape_problems(tagged)
    assert ignored == 1
    assert problems == [
        "code cell 0 is skipped by nbval",
        "code cell 1 ignores its output without saying why",
    ]


def test_error_and_stderr_outputs_are_caught(executed: nbformat.NotebookNode) -> None:
    broken = copy.deepcopy(executed)
    broken.cells[1].outputs.append(
        nbformat.v4.new_output("stream", name="stderr", text="RuntimeWarning: overflow\n")
    )
    broken.cells[1].outputs.append(
        nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[])
    )
    problems = output_problems(broken)
    assert any("wrote to stderr" in p for p in problems)
    assert any("stored an error: ValueError" in p for p in problems)
