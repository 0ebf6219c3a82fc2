"""Sphinx extension: each page loads the scripts it uses, and no others.

Three scripts would otherwise load on every page:

- MathJax (1.2 MB). Sphinx includes it on a page whose own text has no
  mathematics when a page under it in the table of contents has some (the
  root page, the API index); here it stays only where there is math to
  typeset.
- Font Awesome's JavaScript (1.5 MB), which the theme adds so that a site can
  draw icons of its own as SVG. This book draws none: the theme's style sheet
  already draws every icon it shows with Font Awesome's web font. The tag is
  removed from each page after the build, and the script from the site.
- The search index and Sphinx's search scripts. The theme uses them on pages
  other than the search page only for search-as-you-type, which is off; they
  stay on the search page.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_MATH_MARKERS = ('class="math', "\\(", "\\[", "$$")
_FONTAWESOME_TAG = re.compile(
    r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*">\s*</script>'
)
_SEARCH_TAGS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)">'
    r"\s*</script>"
)
_FONTAWESOME_FILES = ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt")


def _drop_unused_mathjax(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    body = context.get("body", "")
    if any(marker in body for marker in _MATH_MARKERS):
        return
    mathjax = posixpath.join("_static", app.config.mathjax_path)
    scripts = context.get("script_files", [])
    scripts[:] = [
        script
        for script in scripts
        if script.filename != mathjax
        and not str(script.attributes.get("body", "")).startswith("window.MathJax")
    ]


def _strip_unused_scripts(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    search_as_you_type = app.config.html_theme_options.get("search_as_you_type", False)
    stripped = 0
    for page in outdir.rglob("*.html"):
        if {"_static", "_sources"} & set(page.relative_to(outdir).parts):
            continue
        html = page.read_text(encoding="utf-8")
        new, count = _FONTAWESOME_TAG.subn("", html)
        stripped += count
        if page.name != "search.html" and not search_as_you_type:
            new = _SEARCH_TAGS.sub("", new)
        if new != html:
            page.write_text(new, encoding="utf-8")
    for name in _FONTAWESOME_FILES:
        (outdir / "_static" / "scripts" / name).unlink(missing_ok=True)
    if stripped == 0 and app.builder.name == "html" and app.env.all_docs:
        logger.warning("page_assets: no page loaded fontawesome.js; has the theme changed?")


def setup(app: Sphinx) -> dict[str, Any]:
    # Sphinx adds MathJax at the default priority (500); this runs after it.
    app.connect("html-page-context", _drop_unused_mathjax, priority=800)
    app.connect("build-finished", _strip_unused_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
