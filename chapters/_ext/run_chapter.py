"""Sphinx extension: every chapter says how to run it.

Each page built from a notebook opens with a note, "Run this chapter": a
download of the notebook, a link to all chapters as one archive, the two
commands that install what the chapters need and open it, and ``make lab``
for a checkout of the repository. The chapters run from any folder once the
library is installed: their figure style and reference data ship inside it
(``nnlib.book``).

The archive, ``nnlib-chapters.zip`` at the site's root, holds every chapter
notebook and a README with the same commands; it is written after the build
with fixed timestamps, so that the same chapters give the same bytes. The
role ``{chapters-archive}`text``` links to it from any page.

The note is left out of print (and so of the PDF), where its links lead
nowhere.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst.states import Inliner
from sphinx import addnodes
from sphinx.application import Sphinx

ARCHIVE = "nnlib-chapters.zip"
ARCHIVE_FOLDER = "nnlib-chapters"
# The distribution's name on the package index, with the extra that brings
# what the chapters import (pyproject.toml, [project.optional-dependencies]).
INSTALL = 'pip install "nnlib-first-principles[chapters]"'
README = """\
Neural networks from first principles: the chapters as Jupyter notebooks.

Each runs on its own, from any folder, once the library and what the chapters
import are installed:

    {install}
    jupyter lab activations.ipynb

In a checkout of the book's repository, `make lab` opens them in the exact
environment the book is built and tested with.
"""


def _is_chapter(app: Sphinx, docname: str) -> bool:
    return Path(app.env.doc2path(docname)).suffix == ".ipynb"


def _archive_reference(*children: nodes.Node) -> nodes.reference:
    """A link to the archive; its address is filled in per builder (see _resolve)."""
    return nodes.reference("", "", *children, internal=False, chapters_archive=True)


def _note(docname: str) -> nodes.admonition:
    filename = posixpath.basename(docname) + ".ipynb"
    download = addnodes.download_reference(
        "", "", nodes.literal(filename, filename), reftarget=filename, refexplicit=True
    )
    intro = nodes.paragraph()
    intro += [
        nodes.Text("Download "),
        download,
        nodes.Text(" (or "),
        _archive_reference(nodes.Text("all chapters as one archive")),
        nodes.Text("), then run it with:"),
    ]
    commands = f"{INSTALL}\njupyter lab {filename}"
    block = nodes.literal_block(commands, commands, language="bash")
    checkout = nodes.paragraph()
    checkout += [
        nodes.Text("In a checkout of the book's repository, "),
        nodes.literal("make lab", "make lab"),
        nodes.Text(" opens every chapter in the environment the book is built and tested with."),
    ]
    note = nodes.admonition("", classes=["tip", "run-this-chapter", "d-print-none"])
    note += nodes.title("Run this chapter", "Run this chapter")
    note += [intro, block, checkout]
    return note


def _add_note(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not _is_chapter(app, docname):
        return
    section = doctree.next_node(nodes.section)
    if section is None:
        return
    title = section.next_node(nodes.title)
    section.insert(section.index(title) + 1 if title is not None else 0, _note(docname))


def _archive_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    return [_archive_reference(nodes.Text(text))], []


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    page = app.builder.get_target_uri(docname).split("#")[0]
    href = posixpath.relpath(ARCHIVE, posixpath.dirname(page) or ".")
    for reference in doctree.findall(nodes.reference):
        if reference.get("chapters_archive"):
            reference["refuri"] = href


def _write_archive(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    chapters = sorted(
        Path(app.env.doc2path(docname))
        for docname in app.env.all_docs
        if _is_chapter(app, docname)
    )
    with zipfile.ZipFile(Path(app.outdir) / ARCHIVE, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [
            ("README.txt", README.format(install=INSTALL).encode()),
            *((path.name, path.read_bytes()) for path in chapters),
        ]:
            entry = zipfile.ZipInfo(f"{ARCHIVE_FOLDER}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)


def setup(app: Sphinx) -> dict[str, Any]:
    # Before Sphinx collects download links from the doctree (priority 500).
    app.connect("doctree-read", _add_note, priority=400)
    app.connect("doctree-resolved", _resolve)
    app.connect("build-finished", _write_archive)
    app.add_role("chapters-archive", _archive_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
