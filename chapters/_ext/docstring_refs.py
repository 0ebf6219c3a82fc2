"""Sphinx extension: make numpydoc reference labels unique per docstring.

nnlib's docstrings cite their sources numpydoc-style, ``[1]_`` in the text
and ``.. [1] Author (year), ...`` under References. Several docstrings on one
API page would then define the same label ``1`` and collide. In a docstring
that cites its references in the text, each becomes an auto-numbered
footnote with a label private to its object, so every link finds its own
entry. In a docstring that only lists them, they become a numbered list.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx

_REFERENCE = re.compile(r"\[(\d+)\]_")
_DEFINITION = re.compile(r"^(\s*)\.\. \[(\d+)\]")


def _relabel(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    cited = any(_REFERENCE.search(line) for line in lines)
    key = re.sub(r"[^0-9A-Za-z]+", "-", name).strip("-").lower()
    for index, line in enumerate(lines):
        if cited:
            line = _REFERENCE.sub(lambda m: f"[#{key}-{m.group(1)}]_", line)
            line = _DEFINITION.sub(lambda m: f"{m.group(1)}.. [#{key}-{m.group(2)}]", line)
        else:
            # ".. [1] " and "1.  " both indent their continuation lines by 3.
            line = _DEFINITION.sub(lambda m: f"{m.group(1)}{m.group(2)}.", line)
        lines[index] = line


def setup(app: Sphinx) -> dict[str, Any]:
    # Napoleon converts numpydoc sections at priority 500; relabel afterwards.
    app.connect("autodoc-process-docstring", _relabel, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
