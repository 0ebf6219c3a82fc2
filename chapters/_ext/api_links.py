"""Sphinx extension: names of nnlib's objects in the chapters link to the API reference.

A chapter writes ``Linear``, ``nnlib.optim.Adam`` or ``fit()`` as inline code.
Once every page is read, each such literal outside the API pages whose text
names one documented object becomes a link to that object's entry: by its
full name (``nnlib.layers.Linear``), its name without ``nnlib.``
(``optim.Adam``), ``Class.method`` (``Linear.backward``), or its bare name
(``Linear``) when only one object has it. A trailing ``()`` is allowed.
Literals already inside a link, and names shared by several objects (such as
``backward``), stay as they are.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

_API_PREFIX = "chapters/api"


def _names(fullname: str) -> list[str]:
    """The spellings under which a chapter may name ``fullname``."""
    parts = fullname.split(".")
    spellings = {fullname, ".".join(parts[1:]), parts[-1]}
    if len(parts) >= 2:
        spellings.add(".".join(parts[-2:]))
    return [name for name in spellings if name]


def _targets(app: Sphinx) -> dict[str, tuple[str, str]]:
    """Spelling -> (docname, anchor) for every spelling that names one object."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for fullname, entry in app.env.get_domain("py").objects.items():
        if not fullname.startswith("nnlib") or entry.aliased:
            continue
        for name in _names(fullname):
            found[name].add((entry.docname, entry.node_id))
    return {name: next(iter(places)) for name, places in found.items() if len(places) == 1}


def _collect(app: Sphinx, env: Any) -> None:
    """Once all pages are read, and before any is written: the link targets."""
    env.nnlib_api_targets = _targets(app)


def _link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if docname.startswith(_API_PREFIX) or not docname.startswith("chapters/"):
        return
    targets = app.env.nnlib_api_targets
    for literal in list(doctree.findall(nodes.literal)):
        if any(isinstance(parent, nodes.reference) for parent in _ancestors(literal)):
            continue
        text = literal.astext().strip()
        name = text[:-2] if text.endswith("()") else text
        if name not in targets:
            continue
        target_doc, anchor = targets[name]
        page = (
            ""
            if app.builder.name == "singlehtml"
            else app.builder.get_relative_uri(docname, target_doc)
        )
        uri = f"{page}#{anchor}"
        link = nodes.reference("", "", internal=True, refuri=uri, classes=["api-link"])
        literal.replace_self(link)
        link.append(literal)


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-updated", _collect)
    app.connect("doctree-resolved", _link)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
