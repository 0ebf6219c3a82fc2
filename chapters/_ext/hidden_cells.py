"""Sphinx extension: collapsed code cells also build as one page (the PDF's source).

myst-nb wraps a cell tagged ``hide-cell``, ``hide-input`` or ``hide-output`` in
a node that it teaches only the ``html`` builder to write, so the
``singlehtml`` build behind ``tools/make_pdf.py`` stops on it. The same
visitors serve that builder: it writes HTML too.
"""

from __future__ import annotations

from typing import Any

from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput
from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.add_node(
        HideCodeCellNode,
        override=True,
        html=(visit_HideCellInput, depart_HideCellInput),
        singlehtml=(visit_HideCellInput, depart_HideCellInput),
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
