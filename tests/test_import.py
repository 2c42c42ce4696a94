"""Importing analogylab stays light, and a validated dataset is not validated again.

Lessons start a fresh kernel each time; the slow validator (Frictionless) must be
imported only when data is actually being checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = (
    "import sys, json, analogylab\n"
    "before = 'frictionless' in sys.modules\n"
    "analogylab.load_dataset()\n"
    "print(json.dumps({'at_import': before, 'after_load': 'frictionless' in sys.modules}))\n"
)


def _probe(cache: Path) -> dict[str, bool]:
    env = {**os.environ, "ANALOGYLAB_CACHE": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


@pytest.mark.slow
def test_validator_is_imported_only_when_needed(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    assert first == {"at_import": False, "after_load": True}, "the first load validates"
    assert any(tmp_path.glob("valid-*")), "and remembers the fingerprint on disk"
    second = _probe(tmp_path)
    assert second == {"at_import": False, "after_load": False}, "the next kernel skips it"


@pytest.mark.slow
def test_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    assert _probe(blocked)["after_load"] is True


def _loaded(mods: tuple[str, ...], use: str) -> tuple[dict[str, bool], dict[str, bool]]:
    """Which of ``mods`` are imported after `import analogylab`, and after running ``use``."""
    code = (
        "import sys, json, analogylab\n"
        f"mods = {mods!r}\n"
        "before = {m: m in sys.modules for m in mods}\n"
        f"{use}\n"
        "after = {m: m in sys.modules for m in mods}\n"
        "print(json.dumps([before, after]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    before, after = json.loads(out.strip().splitlines()[-1])
    return before, after


def test_exercise_modules_load_on_first_use() -> None:
    """`import analogylab` leaves YAML, the answer store and ipywidgets for the first exercise."""
    before, after = _loaded(("yaml", "analogylab.store", "ipywidgets"), "analogylab.exercise")
    assert before == {"yaml": False, "analogylab.store": False, "ipywidgets": False}
    assert after == {"yaml": True, "analogylab.store": True, "ipywidgets": True}


def test_charts_and_widgets_load_on_first_use() -> None:
    """`import analogylab` loads neither matplotlib nor ipywidgets; the modules still resolve."""
    use = (
        "assert callable(analogylab.charts.timeline)\n"
        "assert callable(analogylab.widgets.timeline_explorer)"
    )
    before, after = _loaded(("matplotlib", "ipywidgets", "analogylab.charts"), use)
    assert before == {"matplotlib": False, "ipywidgets": False, "analogylab.charts": False}
    assert after["ipywidgets"] is True and after["analogylab.charts"] is True
