"""The README's first command: `jupyter lab` in this folder opens on the first lesson, offline.

Starts a real JupyterLab server on 127.0.0.1 (a free port, a token, config and
settings in a temporary folder, no news or update checks), asks it where "/" leads,
lists the lessons folder through its API, and shuts it down.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, token: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers={"Authorization": f"token {token}"})
    return conn.getresponse()


@pytest.mark.slow
def test_jupyter_lab_opens_on_the_first_lesson(tmp_path: Path) -> None:
    port, token = _free_port(), "analogylab-test-token"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--IdentityProvider.token={token}", "--allow-root",
           "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly"]
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/api/status", token).status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "lab.log").read_text()
            assert time.monotonic() < deadline, "JupyterLab did not start within 60 s"
            time.sleep(0.5)
        home = _get(port, "/", token)
        assert home.status == 302
        assert home.getheader("Location", "").startswith(
            "/lab/tree/notebooks/00-start-here.ipynb")
        listing = json.loads(_get(port, "/api/contents/notebooks", token).read())
        names = {item["name"] for item in listing["content"]}
        assert "00-start-here.ipynb" in names
        data = json.loads(_get(port, "/api/contents/data", token).read())
        assert "datapackage.json" in {item["name"] for item in data["content"]}
    finally:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("POST", "/api/shutdown", headers={"Authorization": f"token {token}"})
            conn.getresponse()
        except OSError:
            pass
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
