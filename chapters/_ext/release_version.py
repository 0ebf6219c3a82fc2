"""Sphinx extension: the book's version is the library's, ``nnlib.__version__``.

The library and the book are released together under one version number, kept
in one place. This sets Sphinx's ``version`` and ``release`` from it and shows
it in the footer of every page, before the theme's ``extra_footer``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

import nnlib


def _set_version(app: Sphinx, config: Config) -> None:
    config.version = config.release = nnlib.__version__
    options = config.html_theme_options
    line = f'<p class="component-version">Version {nnlib.__version__}</p>'
    options["extra_footer"] = line + options.get("extra_footer", "")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _set_version)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
