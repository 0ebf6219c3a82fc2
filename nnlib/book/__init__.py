"""Files the book's chapters use, shipped with the library.

A chapter opened anywhere (downloaded from the website into an empty folder,
say) finds these through the installed package rather than by a path into
the book's repository:

- :data:`STYLE`, the path of the matplotlib style every figure uses: white
  background (legible in light and dark themes), fixed size and resolution,
  colour-blind-safe colours paired with distinct line styles. Use it with
  ``matplotlib.pyplot.style.use(nnlib.book.STYLE)``.
- :func:`torch_reference`, trajectories recorded with PyTorch that the
  chapter *Gradient descent and its variants* replays with nnlib (and the
  tests check to float64 precision).

Nothing here imports matplotlib or any other package beyond the standard
library.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

__all__ = ["STYLE", "torch_reference"]

STYLE: str = str(files(__name__) / "book.mplstyle")


def torch_reference(topic: str) -> dict[str, Any]:
    """Reference results recorded with PyTorch for one topic of the book.

    Parameters
    ----------
    topic : {"optim"}
        The topic: ``"optim"``, optimizer trajectories on a small problem,
        written by ``tests/data/make_optim_reference.py``.

    Returns
    -------
    dict
        The parsed JSON document; its ``"torch_version"`` entry names the
        PyTorch release that produced it.

    Raises
    ------
    ValueError
        If no reference is shipped for ``topic``.

    Examples
    --------
    >>> sorted(torch_reference("optim"))[:2]
    ['description', 'generated_by']
    """
    resource = files(__name__) / f"{topic}_torch_reference.json"
    if not resource.is_file():
        raise ValueError(f"torch_reference: no reference for topic {topic!r}; expected 'optim'")
    document: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return document
