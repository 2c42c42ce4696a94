"""The offline guard: lessons and tests cannot reach the network, even by accident.

192.0.2.1 is a documentation address (TEST-NET-1): the guard refuses it before any
packet is sent, so these tests send nothing anywhere.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import netguard


@pytest.fixture
def private_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the guard's log elsewhere, so these deliberate attempts do not fail the run."""
    log = tmp_path / "net.log"
    monkeypatch.setenv("ANALOGYLAB_NETGUARD_LOG", str(log))
    return log


def test_connect_to_another_host_is_refused_and_logged(private_log: Path) -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(netguard.NetworkBlockedError, match=r"connect 192\.0\.2\.1:80"):
        s.connect(("192.0.2.1", 80))
    s.close()
    assert "connect 192.0.2.1:80" in private_log.read_text()


@pytest.mark.usefixtures("private_log")
def test_name_lookup_is_refused() -> None:
    with pytest.raises(netguard.NetworkBlockedError, match=r"lookup example\.org"):
        socket.getaddrinfo("example.org", 443)


def test_loopback_is_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=5)
    client.close()
    server.close()


@pytest.mark.slow
def test_subprocesses_are_guarded_too(private_log: Path) -> None:
    code = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)"
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    assert r.returncode != 0
    assert "NetworkBlockedError" in r.stderr
    assert "192.0.2.1:80" in private_log.read_text()


@pytest.mark.slow
def test_lesson_kernels_are_guarded(private_log: Path) -> None:
    """A kernel started like nbval starts one refuses the network."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        outputs: list[dict] = []  # type: ignore[type-arg]
        kc.execute_interactive(
            "import urllib.request\n"
            "try:\n    urllib.request.urlopen('http://192.0.2.1/', timeout=1)\n"
            "except Exception as e:\n    print(type(e).__name__, e)",
            output_hook=outputs.append,
            timeout=60,
        )
        text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert "network access blocked" in text
    assert "192.0.2.1:80" in private_log.read_text()
