"""What publishing the book needs: one repository address, the chapters' install
recipe, and a workflow that builds, tests and deploys the site."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

import nnlib

ROOT = Path(__file__).resolve().parents[2]
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

    from tests.book.notebook_checks import code_cells, load, source

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


# --- The workflow that publishes the site -----------------------------------

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
ZIZMOR = Path(sys.executable).parent / "zizmor"


def _workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean True.
    document["on"] = document.pop(True)
    return document


def _zizmor(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ZIZMOR), "--offline", "--no-progress", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_workflow_passes_zizmor() -> None:
    result = _zizmor(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_rejects_a_faulty_workflow(tmp_path: Path) -> None:
    # The linter is really run: an unpinned action and a title injected into a
    # shell command are caught.
    faulty = tmp_path / ".github" / "workflows" / "faulty.yml"
    faulty.parent.mkdir(parents=True)
    faulty.write_text(
        "on: issues\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: someone/something@main\n"
        '      - run: echo "${{ github.event.issue.title }}"\n',
        encoding="utf-8",
    )
    result = _zizmor(faulty)
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout and "template-injection" in result.stdout


def test_workflow_builds_with_the_readme_commands_and_deploys_the_site() -> None:
    workflow = _workflow()
    assert workflow["on"]["push"]["branches"] == [CONFIG["repository"]["branch"]]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    # The machine the book is built and tested on: Python 3.11, Debian.
    assert build["container"].startswith("python:3.11-")
    commands = [
        line.strip()
        for step in build["steps"]
        if "run" in step
        for line in step["run"].splitlines()
        if line.strip().startswith("make ")
    ]
    assert commands[0] == "make test", "the book is built and tested first"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in commands:
        assert f"`{command}`" in readme, f"the workflow runs {command!r}; the README does not"
    (upload,) = [
        step for step in build["steps"] if "upload-pages-artifact" in step.get("uses", "")
    ]
    assert upload["with"]["path"] == "_build/html"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("actions/deploy-pages@" in step.get("uses", "") for step in deploy["steps"])
    for job in (build, deploy):
        for step in job["steps"]:
            if "uses" in step:
                reference = step["uses"].split("@")[1]
                assert re.fullmatch(r"[0-9a-f]{40}", reference), f"{step['uses']} is not pinned"


def test_version_is_released_in_the_changelog_and_the_citation() -> None:
    # One version for the library and the book: nnlib.__version__. A release
    # records it in CHANGELOG.md and CITATION.cff.
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [line[3:].strip() for line in changelog.splitlines() if line.startswith("## ")]
    assert headings[0] == "Unreleased", headings[:2]
    assert headings[1] == nnlib.__version__, f"CHANGELOG.md has no section {nnlib.__version__}"
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == nnlib.__version__
    assert citation["cff-version"] == "1.2.0"
    for key in ("title", "authors", "message", "license", "repository-code"):
        assert citation.get(key), f"CITATION.cff lacks {key}"


def test_licences_are_shipped() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    text_licence = (ROOT / "LICENSE-TEXT").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in text_licence
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
