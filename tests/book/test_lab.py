"""`make lab` opens the chapters in JupyterLab from the pinned environment.

It is started on a free port, must print the URL to open on 127.0.0.1 and
serve the lab page there, and is then stopped. Run as root, as in a
container, this also proves that the recipe passes ``--allow-root``, without
which JupyterLab refuses to start.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
STOP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_url(log: Path, port: int, process: subprocess.Popen[bytes]) -> str:
    pattern = re.compile(rf"http://127\.0\.0\.1:{port}/lab\?token=\w+")
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        found = pattern.search(log.read_text())
        if found:
            return found.group()
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"'make lab PORT={port}' printed no lab URL:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    # make, its shell and JupyterLab share the process group the test started.
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_make_lab_serves_the_lab_page_on_the_given_port(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "lab.log"
    # Jupyter's own folders in tmp_path, so no personal configuration changes the run,
    # configured to open no browser window on a desktop.
    env = dict(os.environ)
    for kind in ("config", "data", "runtime"):
        env[f"JUPYTER_{kind.upper()}_DIR"] = str(tmp_path / kind)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"open_browser": False}})
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = _wait_for_url(log, port, process)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert "<title>JupyterLab</title>" in response.read().decode()
    finally:
        _stop(process)
