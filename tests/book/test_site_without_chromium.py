"""Without Chromium the site checks skip loudly, except under CI, where they fail.

Each case runs a small pytest session whose one test asks ``tests/book/test_site.py``
for the browser, with a PATH on which there is none.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEEDS_A_BROWSER = """
import pytest

from tests.book.test_site import _chromium

pytestmark = pytest.mark.browser


def test_needs_a_browser():
    _chromium()
"""


def _run_without_chromium(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_needs_a_browser.py"
    test.write_text(NEEDS_A_BROWSER)
    env = {name: value for name, value in os.environ.items() if name != "CI"}
    env["PATH"] = str(tmp_path)
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-c", "pyproject.toml", "--rootdir", "."]
    command += ["-p", "tests.conftest", "-p", "no:cacheprovider", str(test)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def test_outside_ci_the_checks_skip_and_the_summary_ends_saying_so(tmp_path: Path) -> None:
    result = _run_without_chromium(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert "BROWSER CHECKS SKIPPED" in lines[-4]
    assert "Chromium is not installed. The site is NOT verified." in lines[-3]
    assert "'sudo apt-get install chromium' on Debian or Ubuntu" in lines[-2]
    assert " 1 skipped in " in lines[-1]


def test_under_ci_the_checks_fail_and_say_how_to_install_chromium(tmp_path: Path) -> None:
    result = _run_without_chromium(tmp_path, ci="true")
    assert result.returncode == 1, result.stdout
    output = result.stdout
    assert "Failed: Chromium is not installed, and CI must check the site in a browser" in output
    assert "'sudo apt-get install chromium' on Debian or Ubuntu" in output
    assert "BROWSER CHECKS SKIPPED" not in output
    assert " 1 failed in " in output.splitlines()[-1]
