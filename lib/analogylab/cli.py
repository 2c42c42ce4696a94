"""The ``analogylab`` command.

``analogylab validate [PATH]``  check a data folder; exit 0 if good, 1 if not, and
                                print one ``FILE:ROW:COLUMN: problem; fix`` line each.
``analogylab info [PATH]``      list the tables, their row counts and where the data
                                was read from.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analogylab._version import __version__
from analogylab.errors import AnalogylabError
from analogylab.schema import read_package
from analogylab.validate import find_data, validate

__all__ = ["main"]


def _validate(args: argparse.Namespace) -> int:
    report = validate(args.path)
    for p in report.problems:
        print(p)
    print(report.summary())
    return 0 if report.ok else 1


def _info(args: argparse.Namespace) -> int:
    root = find_data(args.path)
    pkg = read_package(root)
    report = validate(root)
    print(f"data read from: {root.resolve()}")
    print(f"{pkg.descriptor.get('title', pkg.descriptor.get('name', ''))}")
    width = max(len(n) for n in pkg.names)
    for r in pkg.resources:
        rows = report.rows.get(r.name)
        count = "missing" if rows is None else f"{rows:>5} rows"
        print(f"  {r.name:<{width}}  {count}  {r.title}")
    print(report.summary())
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and for --help)."""
    parser = argparse.ArgumentParser(
        prog="analogylab",
        description="Lessons and data for testing a historical analogy with evidence.",
    )
    parser.add_argument("--version", action="version", version=f"analogylab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("validate", help="check a data folder and report every problem")
    p.add_argument("path", nargs="?", help="folder with datapackage.json (default: shipped data)")
    p.set_defaults(func=_validate)
    p = sub.add_parser("info", help="list the tables, their rows and where the data is")
    p.add_argument("path", nargs="?", help="folder with datapackage.json (default: shipped data)")
    p.set_defaults(func=_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AnalogylabError as e:
        print(f"analogylab: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
