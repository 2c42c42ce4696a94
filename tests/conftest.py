"""Shared fixtures.

The offline guard and the private answer store are set up by ``conftest.py`` at
the top of the project, which applies to tests and lessons alike.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shipped() -> Path:
    """The folder of the shipped data package."""
    from analogylab import find_data

    return find_data()


@pytest.fixture(scope="session")
def ds():  # type: ignore[no-untyped-def]
    """The shipped dataset, loaded once."""
    from analogylab import load_dataset

    return load_dataset()


@pytest.fixture
def data_copy(shipped: Path, tmp_path: Path) -> Path:
    """A private copy of the shipped data, as a teacher would make to edit it."""
    dest = tmp_path / "data"
    shutil.copytree(shipped, dest)
    return dest


@pytest.fixture
def answers_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty answer store of this test's own (ANALOGYLAB_HOME points at it)."""
    home = tmp_path / "answers"
    monkeypatch.setenv("ANALOGYLAB_HOME", str(home))
    return home


@pytest.fixture
def close_explorers() -> Iterator[None]:
    """Close every explorer and figure a test left open (for tests that draw)."""
    yield
    import matplotlib.pyplot as plt

    from analogylab import widgets

    for ex in list(widgets._live.values()):
        ex.close_all()
    widgets._live.clear()
    plt.close("all")


@pytest.fixture
def methods_data(
    data_copy: Path,
    answers_home: Path,  # noqa: ARG001  (requested for its effect: an empty store)
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A data copy whose bank has issue 14's scratch lesson 98 (tests/methods_bank.py), in use.

    ``ANALOGYLAB_DATA`` points at the copy and the answer store is empty, so exercises
    ex-98-1 ... are found by id like any other.
    """
    import methods_bank

    methods_bank.install(data_copy)
    monkeypatch.setenv("ANALOGYLAB_DATA", str(data_copy))
    return data_copy
