"""Shared test settings: tolerances, Hypothesis profile, helpers.

Tolerances are named once here. Against SymPy (evaluated in high precision
with mpmath, so the reference is never the weaker side) we ask for float64
round-off: ``SYMPY_RTOL``, with ``SYMPY_ATOL`` only for values that are
exactly 0. Central differences with step ``FD_H`` carry an error of about
h² + ε/h, so they are a cross-check with looser ``FD_RTOL``/``FD_ATOL``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# tests/data holds reference fixtures and the scripts that recorded them with
# PyTorch (run by hand in an environment that has it); they are not tests.
collect_ignore = ["data"]

SYMPY_RTOL = 1e-12
SYMPY_ATOL = 1e-300
FD_H = 1e-6
FD_RTOL = 1e-6
FD_ATOL = 1e-9

# Property tests are derandomized: the same examples every run, in CI and locally.
settings.register_profile(
    "book",
    derandomize=True,
    deadline=None,
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "100")),
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("book")


def pytest_report_header() -> str:
    """Which NumPy and which copy of nnlib are under test (``make test-min`` checks both)."""
    import nnlib

    return f"numpy {np.__version__}, nnlib {nnlib.__version__} from {Path(nnlib.__file__).parent}"


def central_difference(f, x: np.ndarray, h: float = FD_H) -> np.ndarray:
    """Element-wise central difference (f(x + h) - f(x - h)) / 2h of an element-wise f."""
    return (f(x + h) - f(x - h)) / (2.0 * h)


# The site checks (tests/book/test_site.py) need Chromium. Without it they fail under
# CI and are skipped elsewhere, and the summary then ends with a loud note.
CHROMIUM_MISSING = "Chromium is not installed"
INSTALL_CHROMIUM = (
    "install it ('sudo apt-get install chromium' on Debian or Ubuntu) and run 'make test' again"
)


@pytest.hookimpl(wrapper=True, tryfirst=True)  # around pytest's own summary: print after it
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    yield
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if CHROMIUM_MISSING in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep("!", "BROWSER CHECKS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} checks of the built site in a browser did not run: "
            f"{CHROMIUM_MISSING}. The site is NOT verified.",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(f"To run them, {INSTALL_CHROMIUM}.", red=True, bold=True)
