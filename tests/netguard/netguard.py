"""Refuse network connections that leave this machine, and record each attempt.

Lessons must run offline (classrooms may have none), so the test suite runs
every test and every lesson kernel with this guard: a connection or a name
lookup for anything but this machine raises ``NetworkBlockedError`` before any
packet is sent, and a line is appended to the file named by
``ANALOGYLAB_NETGUARD_LOG`` so that an attempt swallowed by a ``try`` still
fails the run (see ``conftest.py``).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path
from typing import Any

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_installed = False


class NetworkBlockedError(ConnectionRefusedError):
    """A lesson or test tried to reach the network."""


def _is_local(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]").split("%")[0]
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name other than localhost needs DNS: that is the network
    return ip.is_loopback or ip.is_unspecified


def _refuse(what: str, host: Any, port: Any = None) -> None:
    where = f"{host}:{port}" if port is not None else str(host)
    log = os.environ.get("ANALOGYLAB_NETGUARD_LOG")
    if log:
        try:
            with Path(log).open("a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} {' '.join(sys.argv[:2])} {what} {where}\n")
        except OSError:
            pass
    raise NetworkBlockedError(f"network access blocked in tests: {what} {where}")


def install() -> None:
    """Patch the socket module of this process (idempotent)."""
    global _installed  # noqa: PLW0603
    if _installed:
        return
    _installed = True
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            _refuse("connect", address[0], address[1])
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            _refuse("connect", address[0], address[1])
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host):
            _refuse("lookup", host, port)
        return real_getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
