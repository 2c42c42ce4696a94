"""Cells run out of order and kernels that restarted explain themselves in words.

The NameError handler is tested in a real kernel started from this environment, as
JupyterLab starts one: it must be loaded by the IPython configuration that installing the
package writes to ``<sys.prefix>/etc/ipython``, with no cell of the notebook asking for it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from analogylab import session

ROOT = Path(__file__).resolve().parents[1]


def _run(*cells: str) -> list[dict[str, Any]]:
    """Run cells in a fresh kernel (errors allowed); each cell's error output, or {}."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    return [next((o for o in c.outputs if o.output_type == "error"), {}) for c in nb.cells]


def _text(error: dict[str, Any]) -> str:
    """The error as shown, with its lines joined (the handler breaks long lines itself)."""
    return " ".join("\n".join(error.get("traceback", [])).split())


def test_installing_the_package_configures_every_kernel_of_the_environment() -> None:
    """Installing writes the kernel config into <sys.prefix>/etc/ipython, where IPython looks."""
    from IPython.core.application import ENV_CONFIG_DIRS

    installed = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.json"
    assert str(installed.parent) in ENV_CONFIG_DIRS, "IPython no longer reads <sys.prefix>/etc"
    assert installed.exists(), f"{installed} is missing: run `uv sync` (or pip install -e .)"
    config = json.loads(installed.read_text())
    assert config == json.loads((ROOT / "jupyter-config/ipython_kernel_config.json").read_text())
    assert "analogylab.session" in config["InteractiveShellApp"]["extra_extensions"]
    assert '"jupyter-config/ipython_kernel_config.json"' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.slow
def test_a_cell_run_before_the_setup_cell_names_the_cell_to_run() -> None:
    """In a new kernel, an exercise cell run first says to run the setup cell, in words."""
    before, after, typo, inside, light = _run(
        'analogylab.exercise("ex-00-1")',
        "import analogylab\nwidgets.ach_explorer(ds, 'russia-taliban-2018', exercise=grid)",
        "prnt('hello')",
        "import json\njson.loads('[')",
        "import sys\nassert 'pandas' not in sys.modules, 'the extension imported pandas'",
    )
    assert before["ename"] == "NameError"
    assert before["traceback"][0] == "NameError: name 'analogylab' is not defined."
    assert "The lesson's setup has not run in this kernel yet" in _text(before)
    assert "First run the lesson's setup cell (the first code cell, the one with" in _text(before)
    assert "Shift+Enter" in _text(before)
    assert "Traceback" not in _text(before)
    # The setup has run (analogylab is defined): the message names the missing name.
    assert "This cell uses “widgets”, which the lesson's setup cell" in _text(after)
    assert "did you mean “print”?" in _text(typo)
    # Other errors, and NameErrors inside libraries, keep their ordinary traceback.
    assert inside["ename"] == "JSONDecodeError" and "Traceback" in _text(inside)
    assert light == {}, _text(light)


@pytest.mark.slow
def test_a_name_error_inside_a_library_keeps_its_traceback(tmp_path: Path) -> None:
    """A library's NameError is a bug to report, an UnboundLocalError a function's own slip."""
    (tmp_path / "buggy.py").write_text("def f():\n    return not_defined_anywhere\n")
    code = f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nimport buggy\nbuggy.f()"
    error, local, ours = _run(code, "def f():\n    x += 1\n    return x\nf()", "undefined_name")
    assert error["ename"] == "NameError"
    assert "Traceback" in _text(error) and "buggy.py" in _text(error)
    assert "setup" not in _text(error)
    assert local["ename"] == "UnboundLocalError" and "Traceback" in _text(local)
    shown = "\n".join(ours["traceback"]).splitlines()
    assert all(len(line) <= 88 for line in shown), "long lines are broken between words"


def test_messages_say_what_to_run() -> None:
    """Before setup: run the setup cell; after: which name is missing, and a spelling hint."""
    text = session.name_error_message("ds", setup_done=False)
    assert "Run > Run All Above Selected Cell" in text
    text = session.name_error_message("ds", setup_done=True)
    assert "the lesson's setup cell (the first code cell" in text
    text = session.name_error_message("grid", setup_done=True, known=["grid2", "gird"])
    assert "This cell uses “grid”, which no cell has made yet" in text
    assert "did you mean “gird”?" in text or "did you mean “grid2”?" in text


class FakeShell:
    """Just enough of IPython's shell to install a custom exception handler."""

    def __init__(self, custom: tuple[type[BaseException], ...] = ()) -> None:
        self.custom_exceptions = custom
        self.handler: Any = None

    def set_custom_exc(self, exc: tuple[type[BaseException], ...], handler: Any) -> None:
        """Keep what IPython would keep."""
        self.custom_exceptions, self.handler = exc, handler


def test_the_handler_leaves_another_handler_alone() -> None:
    """Installing twice is harmless; someone else's custom handler is never replaced."""
    shell = FakeShell()
    assert session.install(shell) and session.install(shell)
    assert shell.custom_exceptions == (NameError,)
    session.unload_ipython_extension(shell)
    assert shell.custom_exceptions == ()
    theirs = FakeShell((KeyError,))
    assert not session.install(theirs)
    assert theirs.custom_exceptions == (KeyError,)
    assert not session.install(None)


def test_ready_says_setup_done_and_hides_the_restart_note() -> None:
    """The setup cell's status: 'Setup done' now; after a restart, the hidden note shows."""
    import analogylab

    ds = analogylab.load_dataset()
    status = analogylab.ready(ds)
    value = status.value
    assert f"<b>Setup done.</b> The library and the data are loaded ({len(ds.names)} tables)" in (
        value
    )
    assert (
        '<div class="analogylab-stale" role="note" hidden><b>The kernel restarted or stopped.</b>'
        in (value)
    )
    assert "Run this cell again" in value
    # The widget manager puts this class on every view whose kernel went away.
    assert ".jupyter-widgets-disconnected .analogylab-stale" in value
    assert "analogylab-ready" in status._dom_classes
    assert repr(status) == "The setup cell: run it first, and again after the kernel restarts."


@pytest.mark.usefixtures("answers_home")
def test_stale_style_covers_exercises_and_explorers() -> None:
    """Each exercise carries the note; explorers get theirs from the style, by CSS content."""
    import analogylab

    widget = analogylab.exercise("ex-00-1")
    assert session.STALE_STYLE in widget.header.value
    assert "this exercise no longer responds" in widget.header.value
    assert ".analogylab-explorer.jupyter-widgets-disconnected::after" in session.STALE_STYLE


@pytest.mark.slow
def test_the_wheel_carries_the_kernel_config(tmp_path: Path) -> None:
    """`uv build` (the sdist, then the wheel from it) ships etc/ipython and etc/jupyter.

    A JupyterHub that installs nothing but the package gets its out-of-order messages
    from this file; the sdist once left jupyter-config/ out, so the wheel built from it
    silently had neither config.
    """
    import shutil
    import subprocess
    import zipfile

    if shutil.which("uv") is None:
        pytest.skip("uv is not on PATH: it builds the package here")
    subprocess.run(
        ["uv", "build", "--offline", "--out-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("analogylab-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for config in ("etc/ipython/ipython_kernel_config.json", "etc/jupyter/jupyter_lab_config.json"):
        assert any(n.endswith(f".data/data/{config}") for n in names), f"{config} not in {wheel}"
