"""A lesson's session in the kernel: cells run out of order, and a kernel that restarted.

Two mistakes every student makes once: running a cell before the lesson's setup cell
(``NameError: name 'analogylab' is not defined``), and carrying on after the kernel
restarted, when every widget on the page is dead. This module turns both into sentences.

* **Cells run out of order.** :func:`load_ipython_extension` gives the kernel a handler for
  ``NameError`` raised by a cell's own code. If the setup cell has not run in this kernel
  (``analogylab`` is not defined), it says so and names the cell to run; otherwise it says
  which name is missing and that an earlier cell makes it. Installing the package puts
  ``etc/ipython/ipython_kernel_config.json`` into the environment (``pyproject.toml``,
  shared-data), which IPython reads from ``<sys.prefix>/etc/ipython``: every kernel of that
  environment loads the extension at start, in a plain JupyterLab and on a JupyterHub alike.
  :func:`ready` installs the handler too, for kernels that did not read the file.
* **A kernel that restarted.** When the kernel restarts (Kernel > Restart, or after a
  crash), JupyterLab's widget manager marks every widget view on the page with the CSS
  class ``jupyter-widgets-disconnected`` (and a red broken-link icon); the controls still
  show but nothing reaches Python. :data:`STALE_STYLE` shows a note in words inside each
  such view: :func:`ready`'s status in the setup cell says once, in full, to run the setup
  cell again; each exercise and explorer says in a line that it no longer responds. Pure
  CSS: nothing to install in JupyterLab, no script. What it cannot see: a kernel shut down
  (Kernel > Shut Down) and then started afresh leaves the old widgets unmarked, and their
  buttons send nothing at all (seen in Chromium with JupyterLab 4 and ipywidgets 8), so no
  code in the kernel can answer them; the setup status's standing sentence is the only help.
"""

from __future__ import annotations

import builtins
import difflib
import html
import textwrap
from typing import Any

__all__ = [
    "SETUP_NAMES",
    "STALE_STYLE",
    "install",
    "load_ipython_extension",
    "name_error_message",
    "ready",
    "stale_note",
    "unload_ipython_extension",
]

#: The names a lesson's setup cell defines (CONTRIBUTING, "Add or change a lesson").
SETUP_NAMES = frozenset({"analogylab", "ds", "charts", "widgets", "analysis", "cited", "pd"})

_SETUP_CELL = "the lesson's setup cell (the first code cell, the one with “import analogylab”)"
_HOW_TO_RUN = "click in it and press Shift+Enter"
_RUN_ABOVE = "Run > Run All Above Selected Cell"

# Shown by the widget manager's class for a view whose kernel went away. Scoped to
# analogylab's own boxes; explorers get their line from CSS content (they are built in
# widgets.py), exercises and the setup status from an element of their own, which also
# carries the `hidden` attribute: where this style is dropped (the reader edition keeps no
# <style>), the note stays hidden rather than showing on a page whose kernel is fine.
STALE_STYLE = """<style>
.analogylab-stale { display: none; }
.jupyter-widgets-disconnected .analogylab-stale {
  display: block; border-left: 4px solid #d55e00; background: #fdf0e6; color: #000;
  padding: 0.4em 0.7em; margin: 0.3em 0; line-height: 1.4; white-space: normal; }
.jupyter-widgets-disconnected .analogylab-connected { display: none; }
.analogylab-exercise .jupyter-widgets-disconnected::before,
.analogylab-ready .jupyter-widgets-disconnected::before,
.analogylab-explorer .jupyter-widgets-disconnected::before { display: none; }
.jupyter-widgets-disconnected.analogylab-exercise button,
.jupyter-widgets-disconnected.analogylab-exercise select,
.jupyter-widgets-disconnected.analogylab-explorer button,
.jupyter-widgets-disconnected.analogylab-explorer select { opacity: 0.55; cursor: not-allowed; }
.analogylab-explorer.jupyter-widgets-disconnected::after {
  content: "Not connected: the kernel restarted or stopped, so this chart no longer \
responds. Run the lesson's setup cell again, then this cell.";
  display: block; order: -1; border-left: 4px solid #d55e00; background: #fdf0e6;
  color: #000; padding: 0.4em 0.7em; margin: 0.3em 0; font-weight: bold; }
</style>"""


def stale_note(what: str) -> str:
    """The hidden note a widget shows once its kernel has gone (``what``: 'exercise', ...)."""
    return (
        '<div class="analogylab-stale" role="note" hidden><b>Not connected.</b> The kernel '
        "(the Python behind this page) restarted or stopped, so this "
        f"{html.escape(what)} no longer responds. Run {html.escape(_SETUP_CELL)} again, "
        "then this cell. Your answers are kept.</div>"
    )


# --- cells run out of order -------------------------------------------------------------------


def name_error_message(name: str, *, setup_done: bool, known: list[str] | None = None) -> str:
    """What a student reads when a cell uses ``name`` and no cell has defined it yet.

    ``setup_done``: whether the setup cell has run in this kernel (``analogylab`` is
    defined); ``known``: the names that are defined, for a spelling suggestion.
    """
    head = f"NameError: name '{name}' is not defined."
    if not setup_done:
        return (
            f"{head}\n\nThe lesson's setup has not run in this kernel yet: after opening a "
            "lesson or restarting the kernel, nothing from it is loaded. First run "
            f"{_SETUP_CELL}: {_HOW_TO_RUN}. Or run every cell above this one: {_RUN_ABOVE}. "
            "Then run this cell again."
        )
    close = difflib.get_close_matches(name, known or [], n=1, cutoff=0.8)
    spelling = f" (did you mean “{close[0]}”?)" if close else ""
    if name in SETUP_NAMES:
        return (
            f"{head}\n\nThis cell uses “{name}”, which {_SETUP_CELL} makes. Run that cell "
            f"again ({_HOW_TO_RUN}), then this one."
        )
    return (
        f"{head}\n\nThis cell uses “{name}”, which no cell has made yet in this kernel. If "
        f"an earlier cell of the lesson makes it, run the cells above this one ({_RUN_ABOVE}), "
        f"then this cell again. If you typed the name yourself, check its spelling{spelling}."
    )


def _from_user_code(shell: Any, tb: Any) -> bool:
    """Whether the innermost frame of ``tb`` ran in the notebook's own namespace (a cell)."""
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_globals is shell.user_global_ns


def _handle_name_error(
    shell: Any, etype: type[BaseException], value: BaseException, tb: Any, tb_offset: Any = None
) -> list[str] | None:
    """IPython's custom exception handler: a sentence for a cell's own NameError.

    IPython leaves the showing to the handler (``run_code`` drops what it returns). A
    NameError from inside a library is a bug, not a cell run too early, and an
    UnboundLocalError (a NameError too) is a function's own mistake: both keep their
    ordinary traceback.
    """
    name = getattr(value, "name", None)
    plain = isinstance(value, NameError) and not isinstance(value, UnboundLocalError)
    if not plain or not name or not _from_user_code(shell, tb):
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    ns = shell.user_ns
    known = [k for k in ns if not k.startswith("_")] + dir(builtins)
    text = name_error_message(name, setup_done="analogylab" in ns, known=known)
    # JupyterLab breaks an error's lines anywhere, even inside a word: break them first.
    stb = [textwrap.fill(line, 88) if line else "" for line in text.splitlines()]
    shell._showtraceback(etype, value, stb)  # IPython's (and ipykernel's) way to show one
    return stb


def install(shell: Any) -> bool:
    """Give ``shell`` the NameError handler, unless another handler is installed; True if done."""
    if shell is None:
        return False
    current = getattr(shell, "custom_exceptions", ())
    if current and current != (NameError,):
        return False  # someone else's handler: leave it
    shell.set_custom_exc((NameError,), _handle_name_error)
    return True


def load_ipython_extension(shell: Any) -> None:
    """Loaded by every kernel of an environment that has the package (IPython config)."""
    install(shell)


def unload_ipython_extension(shell: Any) -> None:
    """``%unload_ext analogylab.session``: the ordinary tracebacks again."""
    if getattr(shell, "custom_exceptions", ()) == (NameError,):
        shell.set_custom_exc((), None)


# --- the setup cell's status --------------------------------------------------------------


def _shell() -> Any:
    import sys  # noqa: PLC0415

    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython  # noqa: PLC0415

    return get_ipython()


def _ready_html(ds: Any) -> str:
    loaded = "The library and the data are loaded"
    if ds is not None:
        loaded += f" ({len(ds.names)} tables)"
    return (
        f"{STALE_STYLE}"
        f'<p class="analogylab-connected" role="status"><b>Setup done.</b> {loaded}. If you '
        "restart the kernel, or it stops, run this cell again before any other.</p>"
        '<div class="analogylab-stale" role="note" hidden><b>The kernel restarted or stopped.</b> '
        "Nothing this lesson loaded is there any more, and the exercises and charts on this "
        f"page no longer respond. Run this cell again ({_HOW_TO_RUN}), then the cell you "
        "want, or every cell with Run > Run All Cells. Your answers are kept.</div>"
    )


def _ready_class() -> type:
    import ipywidgets as w  # noqa: PLC0415

    class Ready(w.HTML):  # type: ignore[misc]  # ipywidgets has no type hints
        """The setup cell's status: 'Setup done', or, once the kernel has gone, what to do."""

        def __repr__(self) -> str:
            # The stored output and a lesson opened before it runs show this text.
            return "The setup cell: run it first, and again after the kernel restarts."

    return Ready


Ready: Any = None  # the widget class, made on first use (ipywidgets loads on demand)


def ready(ds: Any = None) -> Any:
    """The last line of a lesson's setup cell: says the setup is done, or what to do.

    Shows "Setup done" while the kernel lives; after a restart, the same output says, in
    words, to run the setup cell again (see :data:`STALE_STYLE`). Also gives the kernel the
    out-of-order messages, if its IPython configuration did not. ``ds``, the dataset the
    cell loaded, adds its number of tables.
    """
    global Ready  # noqa: PLW0603  (the class is made once, when ipywidgets is first needed)
    if Ready is None:
        Ready = _ready_class()
    install(_shell())
    status = Ready(value=_ready_html(ds))
    status.add_class("analogylab-ready")
    return status
