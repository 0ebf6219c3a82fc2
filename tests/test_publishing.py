"""What publishing the book needs: one repository address, used everywhere."""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = CONFIG["repository"]["url"].rstrip("/")


def _pages_site(repository: str) -> str:
    """The GitHub Pages address of a repository's project site."""
    owner, name = urlparse(repository).path.strip("/").split("/")
    return f"https://{owner}.github.io/{name}/"


def test_repository_address_is_set_once() -> None:
    # _config.yml holds the address; the package metadata and the citation
    # repeat it and must agree with it.
    assert urlparse(REPOSITORY).hostname == "github.com"
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    branch = CONFIG["repository"]["branch"]
    assert urls == {
        "Homepage": _pages_site(REPOSITORY),
        "Source": REPOSITORY,
        "Issues": f"{REPOSITORY}/issues",
        "Changelog": f"{REPOSITORY}/blob/{branch}/CHANGELOG.md",
    }
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["repository-code"] == REPOSITORY
    assert citation["url"] == _pages_site(REPOSITORY)


def _imported_distributions(notebook: Path) -> set[str]:
    """The installed distributions that a chapter's code cells import from."""
    import ast
    import importlib.metadata
    import sys

    from tests.notebook_checks import code_cells, load, source

    modules: set[str] = set()
    for cell in code_cells(load(notebook)):
        lines = [line for line in source(cell).splitlines() if not line.startswith(("%", "!"))]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    providers = importlib.metadata.packages_distributions()
    third_party = modules - set(sys.stdlib_module_names) - {"nnlib"}
    return {providers[module][0].lower() for module in third_party}


def test_the_chapters_extra_installs_what_the_chapters_import() -> None:
    # A reader who downloads a chapter installs "nnlib-first-principles[chapters]"
    # (the note on each chapter page says so); that must bring every import.
    optional = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    extra = {requirement.lower() for requirement in optional["chapters"]}
    assert "jupyterlab" in extra
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        missing = _imported_distributions(notebook) - extra - {"numpy"}
        assert not missing, f"{notebook.name} imports from {sorted(missing)}, not in [chapters]"
