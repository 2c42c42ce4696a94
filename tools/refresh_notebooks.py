"""Re-execute lessons in place so their stored outputs match the current code and data.

    uv run python tools/refresh_notebooks.py                 # every lesson
    uv run python tools/refresh_notebooks.py notebooks/00-start-here.ipynb

nbval compares these stored outputs on every test run, so refresh deliberately,
after a change you mean, and review the diff before committing. Each cell has a
timeout; a cell that raises fails the refresh unless it is tagged
``raises-exception``. Execution counts and metadata are normalised so that a
refresh with no real change leaves the file byte-for-byte the same.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def refresh(path: Path, timeout: int) -> None:
    # A fresh, empty answer store, as in a test run: stored outputs must not depend on
    # the answers of whoever refreshes the lessons.
    os.environ["ANALOGYLAB_HOME"] = tempfile.mkdtemp(prefix="analogylab-refresh-")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.metadata = {
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python", "pygments_lexer": "ipython3"},
    }
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"
        cell.metadata.pop("execution", None)
        for out in cell.get("outputs", []):
            # A saved widget view points at a model that no longer exists once the
            # kernel is gone, and JupyterLab would show "model not found". Keep the
            # text form, which says what the cell shows; nbval ignores the view anyway.
            out.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for p in paths:
        print(f"refreshing {p.relative_to(ROOT) if p.is_absolute() else p}", flush=True)
        refresh(p.resolve(), args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
