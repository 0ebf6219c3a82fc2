"""Checks on stored notebooks, as functions returning a list of problems.

Used by ``test_notebooks.py`` on the chapters, and by ``test_nbval_guard.py``
on deliberately broken notebooks to show that the checks can fail.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

Notebook = dict[str, Any]


def load(path: Path) -> Notebook:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(notebook: Notebook) -> list[dict[str, Any]]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def execution_problems(notebook: Notebook) -> list[str]:
    """Cells not executed, or not executed once each from top to bottom."""
    cells = code_cells(notebook)
    if not cells:
        return ["no code cells"]
    counts = [cell.get("execution_count") for cell in cells]
    unexecuted = [i for i, count in enumerate(counts) if count is None]
    if unexecuted:
        return [f"code cells {unexecuted} were never executed"]
    if counts != list(range(1, len(cells) + 1)):
        return [
            f"execution counts are {counts}; expected 1..{len(cells)} from one top-to-bottom "
            "run (python tools/execute_notebooks.py)"
        ]
    return []


def output_problems(notebook: Notebook) -> list[str]:
    """Stored errors, anything written to stderr, and visible warnings."""
    problems = []
    for index, cell in enumerate(code_cells(notebook)):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                problems.append(f"code cell {index} stored an error: {output.get('ename')}")
            if output["output_type"] == "stream" and output["name"] != "stdout":
                text = "".join(output["text"])[:200]
                problems.append(f"code cell {index} wrote to {output['name']}: {text!r}")
            text = json.dumps(output.get("data", {})) + "".join(output.get("text", ""))
            if "Warning:" in text:
                problems.append(f"code cell {index} shows a warning")
    return problems


def escape_problems(notebook: Notebook) -> tuple[list[str], int]:
    """Cells that nbval would skip, and the number whose output it ignores.

    An ignored cell must carry a comment saying why.
    """
    problems = []
    ignored = 0
    for index, cell in enumerate(code_cells(notebook)):
        tags = cell.get("metadata", {}).get("tags", [])
        first_line = source(cell).split("\n", 1)[0].strip()
        if "nbval-skip" in tags or first_line == "# NBVAL_SKIP":
            problems.append(f"code cell {index} is skipped by nbval")
        if "raises-exception" in tags or first_line == "# NBVAL_RAISES_EXCEPTION":
            problems.append(f"code cell {index} is allowed to raise")
        if "nbval-ignore-output" in tags or first_line == "# NBVAL_IGNORE_OUTPUT":
            ignored += 1
            comments = [line for line in source(cell).splitlines() if line.strip().startswith("#")]
            if not comments:
                problems.append(f"code cell {index} ignores its output without saying why")
    return problems, ignored


def nbval_command(folder: Path, *arguments: str) -> list[str]:
    """The command that runs strict nbval on notebooks in ``folder``, as its own root.

    ``arguments`` name the notebooks (relative to ``folder``) and any further
    options; the test session's cache and configuration stay out of it.
    """
    return [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-current-env",
        "-p",
        "no:cacheprovider",
        "-q",
        "--rootdir",
        str(folder),
        *arguments,
    ]
