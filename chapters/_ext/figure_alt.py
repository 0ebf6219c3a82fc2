"""Sphinx extension: a chapter's figures are described by their captions, not their paths.

A figure made by a notebook cell has no alt text of its own, so the HTML
shows the image's file path to a screen reader, or where the image fails to
load. Each image inside a captioned figure takes the caption's text as its
alt text; an image without a caption is marked as decorative (empty alt)
rather than announced by its file name.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


def _describe(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        alt = image.get("alt", "")
        if alt and alt != image.get("uri") and not alt.endswith((".png", ".svg", ".jpg")):
            continue  # an alt text written by hand
        figure = image.parent
        while figure is not None and not isinstance(figure, nodes.figure):
            figure = figure.parent
        captions = list(figure.findall(nodes.caption)) if figure is not None else []
        image["alt"] = captions[0].astext() if captions else ""


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", _describe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
