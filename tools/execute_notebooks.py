"""Execute chapter notebooks in place, top to bottom, in a fresh kernel.

Used after editing a chapter so that the committed outputs are exactly what
a clean run prints: ``make notebooks`` (all) or
``python tools/execute_notebooks.py chapters/losses.ipynb``. The kernel runs
in the notebook's folder with this interpreter's environment.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def execute(path: Path, timeout: int) -> float:
    """Run every cell of ``path`` and write the outputs back; return seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["kernelspec"] = KERNELSPEC
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    # Keep the stored notebook free of per-run noise that is not output.
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args()
    paths = args.notebooks or sorted(Path("chapters").glob("*.ipynb"))
    for path in paths:
        seconds = execute(path, args.timeout)
        print(f"{path}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
