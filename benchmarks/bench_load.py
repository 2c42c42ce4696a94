"""How long ``load_dataset()`` takes, beside bare ``pandas.read_csv`` of the same files.

    uv run python benchmarks/bench_load.py [--repeat N] [PATH]

Prints, in one run on one machine:

* bare:  ``pandas.read_csv`` of every CSV of the package, default options (the floor);
* warm:  ``load_dataset()`` when these exact bytes were already validated (the usual case
  in a lesson: fingerprint check, parse, types from the schema);
* cold:  ``load_dataset()`` in a fresh process with an empty validation cache (imports
  Frictionless and validates everything), and ``validate()`` alone.

Target (issue 2): warm within 2x bare. Medians of N repeats; the ratio is the figure to quote.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import analogylab


def _median_seconds(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _cold(path: Path) -> dict[str, float]:
    code = (
        "import time, json, sys\n"
        "t = time.perf_counter(); import analogylab; imp = time.perf_counter() - t\n"
        f"t = time.perf_counter(); analogylab.load_dataset({str(path)!r}); "
        "load = time.perf_counter() - t\n"
        f"t = time.perf_counter(); analogylab.validate({str(path)!r}); "
        "val = time.perf_counter() - t\n"
        "print(json.dumps({'import': imp, 'load': load, 'validate_again': val}))\n"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "ANALOGYLAB_CACHE": cache}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    root = analogylab.find_data(args.path)
    pkg = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    files = [root / r["path"] for r in pkg["resources"]]
    rows = sum(len(pd.read_csv(f)) for f in files)

    def bare() -> None:
        for f in files:
            pd.read_csv(f)

    analogylab.load_dataset(root)  # prime: validates once, then the fingerprint is known
    t_bare = _median_seconds(bare, args.repeat)
    t_warm = _median_seconds(lambda: analogylab.load_dataset(root), args.repeat)
    t_nocheck = _median_seconds(
        lambda: analogylab.load_dataset(root, validate_first=False), args.repeat
    )
    cold = _cold(root)

    print(f"data: {root} ({len(files)} tables, {rows} rows)")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, pandas {pd.__version__}"
    )
    print(f"{'measure':<46}{'median ms':>10}{'x bare':>9}")
    for name, t in [
        ("bare pandas.read_csv of every file", t_bare),
        ("load_dataset(), warm (validated bytes)", t_warm),
        ("load_dataset(validate_first=False)", t_nocheck),
        ("load_dataset(), cold process, empty cache", cold["load"]),
        ("validate() again in that process", cold["validate_again"]),
        ("import analogylab in that process", cold["import"]),
    ]:
        print(f"{name:<46}{t * 1000:>10.1f}{t / t_bare:>9.2f}")
    ratio = t_warm / t_bare
    verdict = "meets" if ratio <= 2 else "MISSES"
    print(f"warm load / bare reads = {ratio:.2f}x: {verdict} the 2x target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
