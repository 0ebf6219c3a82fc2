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
