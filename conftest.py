"""The offline guard and a private answer store for every test and lesson.

This file sits at the top of the project, not in ``tests/``, so that it applies
however pytest is started: ``uv run pytest``, ``uv run pytest tests`` or
``uv run pytest notebooks`` (a conftest in ``tests/`` would not cover the
lessons when only ``notebooks/`` is collected).

At import time (before nbval starts any kernel) this puts ``tests/netguard`` on
PYTHONPATH with ``ANALOGYLAB_NETGUARD=1``, so every Python process the tests
start (lesson kernels, command-line runs) refuses non-local connections; the
test process itself is guarded too. Attempts are logged, and a run with any
logged attempt fails even if the code swallowed the error. The validation cache
and the answer store go to a temporary folder, never the user's own.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "tests"
_state = Path(tempfile.mkdtemp(prefix="analogylab-tests-"))
NETGUARD_LOG = _state / "netguard.log"

os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(HERE / "netguard"), *filter(None, [os.environ.get("PYTHONPATH")])]
)
os.environ["ANALOGYLAB_NETGUARD"] = "1"
os.environ["ANALOGYLAB_NETGUARD_LOG"] = str(NETGUARD_LOG)
os.environ["ANALOGYLAB_CACHE"] = str(_state / "cache")
os.environ["ANALOGYLAB_HOME"] = str(_state / "home")
os.environ.pop("ANALOGYLAB_DATA", None)

sys.path.insert(0, str(HERE / "netguard"))
import netguard  # noqa: E402

netguard.install()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report any network attempt made anywhere in the run."""
    if NETGUARD_LOG.exists() and NETGUARD_LOG.read_text().strip():
        terminalreporter.section("network access attempted (offline rule broken)", red=True)
        terminalreporter.write(NETGUARD_LOG.read_text())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any process tried to reach the network."""
    if NETGUARD_LOG.exists() and NETGUARD_LOG.read_text().strip() and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
