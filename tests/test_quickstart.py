"""The README's first command: `jupyter lab` in this folder opens on the first lesson, offline.

Starts a real JupyterLab server on 127.0.0.1 (a free port, a token, config and
settings in a temporary folder, no news or update checks; see ``labserver.py``),
asks it where "/" leads, lists the lessons folder through its API, and shuts it down.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labserver import lab_server


@pytest.mark.slow
def test_jupyter_lab_opens_on_the_first_lesson(tmp_path: Path) -> None:
    with lab_server(tmp_path / "lab") as lab:
        home, _ = lab.request("GET", "/")
        assert home.status == 302
        assert home.getheader("Location", "").startswith("/lab/tree/notebooks/00-start-here.ipynb")
        _, body = lab.request("GET", "/api/contents/notebooks")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert "00-start-here.ipynb" in names
        _, body = lab.request("GET", "/api/contents/data")
        assert "datapackage.json" in {item["name"] for item in json.loads(body)["content"]}
