"""Keep the lessons' generated cells in step: today, the navigation cell of every lesson.

    uv run python tools/notebooks.py            # rewrite the navigation cells
    uv run python tools/notebooks.py --check    # only report; exit 1 if any is out of date

Run it after adding, renaming or retitling a lesson. The test suite runs the check,
so a stale navigation cell fails CI with this command as the fix. Only the
navigation cell's text changes; outputs and everything else are left as they are.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analogylab.errors import NotebookError
from analogylab.lessons import update_navigation

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report stale cells, change nothing")
    parser.add_argument("--folder", type=Path, default=ROOT / "notebooks")
    args = parser.parse_args(argv)
    try:
        changed = update_navigation(args.folder, check=args.check)
    except NotebookError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in changed:
        verb = "out of date" if args.check else "updated"
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: navigation {verb}")
    if args.check and changed:
        print("fix: uv run python tools/notebooks.py", file=sys.stderr)
        return 1
    if not changed:
        print("navigation cells are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
