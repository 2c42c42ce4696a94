"""A real JupyterLab server for tests, isolated from the user's own Jupyter.

Tests that need JupyterLab (the quick start, the browser tests) start it with
:func:`lab_server`. Everything the server could read or write about the user
lives in one temporary folder: Jupyter config, runtime, data, IPython profile,
JupyterLab user settings and workspaces, and the answer store
(``ANALOGYLAB_HOME``). The settings turn off what would reach the network or
change files behind a test's back: the news feed and update checks (their
toasts also cover the page), the extension manager's package-index queries,
and autosave, which would write re-executed outputs into the committed lessons.

The server listens on 127.0.0.1 on a free port, with a random token, and runs
in the project folder as ``jupyter lab`` does in the README. It is stopped
through its own ``/api/shutdown``, so that it stops its kernels too; if that
fails, the process group is terminated, then killed, and the test fails with
the server's log.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# User settings, by "<plugin folder>/<plugin>.jupyterlab-settings" under JUPYTERLAB_SETTINGS_DIR.
QUIET_SETTINGS: dict[str, dict[str, Any]] = {
    # news_url=None alone still shows the "get notified about news?" toast; this stops it.
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # The committed lessons must not change while a test runs them.
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}
START_TIMEOUT = 60.0  # seconds; the server is usually ready in 3-5 s
STOP_TIMEOUT = 20.0  # after /api/shutdown; usually 3 s with a kernel running


class LabServerError(AssertionError):
    """The server did not start or stop as it should; the message ends with its log."""


@dataclass
class LabServer:
    """A running JupyterLab: where it listens, its token, and its private folders."""

    port: int
    token: str
    state: Path  # the temporary folder that holds everything the server writes
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def home(self) -> Path:
        """The server's (and its kernels') ``ANALOGYLAB_HOME``: the answer store."""
        return self.state / "analogylab-home"

    @property
    def log(self) -> Path:
        """The file that holds the server's (and its kernels') stdout and stderr."""
        return self.state / "lab.log"

    def url(self, path: str) -> str:
        """The address of ``path`` on the server, with the token, for a browser to open."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{sep}token={self.token}"

    def request(
        self, method: str, path: str, body: Any = None, timeout: float = 10.0
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """One HTTP request, authenticated with the token: the response and its body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Authorization": f"token {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """A REST call that must succeed: its JSON answer (None for an empty body)."""
        response, raw = self.request(method, path, body)
        if response.status >= 300:
            raise LabServerError(
                f"{method} {path} answered {response.status}: {raw[:500]!r}" + self.log_tail()
            )
        return json.loads(raw) if raw else None

    def log_tail(self, chars: int = 6000) -> str:
        """The end of the server's log, to put under a failure message."""
        text = self.log.read_text(errors="replace") if self.log.exists() else "(no log written)"
        return f"\n--- end of the JupyterLab log ({self.log}) ---\n{text[-chars:]}"

    def stop(self) -> None:
        """Shut the server down through its API; kill it if that fails, and say so."""
        if self.process.poll() is not None:
            return
        problem = ""
        try:
            status = self.request("POST", "/api/shutdown")[0].status
            if status != 200:
                problem = f"POST /api/shutdown answered {status}"
        except OSError as e:
            problem = f"POST /api/shutdown failed: {e}"
        if not problem:
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                problem = f"the server was still running {STOP_TIMEOUT:g} s after /api/shutdown"
        if problem:
            self._kill()
            raise LabServerError(
                f"JupyterLab did not shut down cleanly: {problem}" + self.log_tail()
            )

    def _kill(self) -> None:
        """Terminate the server's process group (it and its kernels), then kill it."""
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_settings(folder: Path, settings: Mapping[str, Mapping[str, Any]]) -> None:
    """Write JupyterLab user settings files (``plugin id -> values``) under ``folder``."""
    for plugin, values in settings.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextlib.contextmanager
def lab_server(
    state: Path,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    command: Sequence[str] = (sys.executable, "-m", "jupyter", "lab"),
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    start_timeout: float = START_TIMEOUT,
) -> Iterator[LabServer]:
    """Start JupyterLab with all its state in ``state`` (an empty folder); stop it after.

    ``settings`` adds user settings (plugin id -> values) to :data:`QUIET_SETTINGS`.
    ``command`` starts JupyterLab (the test's own environment by default; the
    fresh-machine test passes the README's ``uv run jupyter lab``), in ``cwd`` with
    ``env`` (default: this process's) plus the private folders; the options that
    isolate and quieten the server are added after it.
    """
    state.mkdir(parents=True, exist_ok=True)
    write_settings(state / "settings", {**QUIET_SETTINGS, **(settings or {})})
    env = {
        **(os.environ if env is None else env),
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "JUPYTER_DATA_DIR": str(state / "data"),  # trust database, user kernelspecs
        "IPYTHONDIR": str(state / "ipython"),  # no user startup files in the kernels
        "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
        "ANALOGYLAB_HOME": str(state / "analogylab-home"),
    }
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        *command, "--no-browser",
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", "--allow-root",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",
        # Opening a file writes a checkpoint next to it; keep those out of the project.
        f"--FileCheckpoints.checkpoint_dir={state / 'checkpoints'}",
    ]  # fmt: skip
    with (state / "lab.log").open("wb") as log:
        process = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = LabServer(port, token, state, process)
    try:
        _wait_until_ready(server, start_timeout)
        yield server
    finally:
        server.stop()


def _wait_until_ready(server: LabServer, start_timeout: float) -> None:
    deadline = time.monotonic() + start_timeout
    while True:
        try:
            if server.request("GET", "/api/status", timeout=5)[0].status == 200:
                return
        except OSError:
            pass
        if server.process.poll() is not None:
            raise LabServerError(
                f"JupyterLab exited with code {server.process.returncode} before answering "
                "/api/status" + server.log_tail()
            )
        if time.monotonic() > deadline:
            raise LabServerError(
                f"JupyterLab did not answer /api/status within {start_timeout:g} s"
                + server.log_tail()
            )
        time.sleep(0.3)
