"""How fast the class report is for a class of 300, against reading the same answers.

    uv run python benchmarks/class_report.py [--students 300] [--repeat 5]

Makes a synthetic class first (not timed): each student answers every exercise of
every lesson through the real marking and answer store (``exercises.record``), with
0 to 2 wrong answers before the right one, a tenth of the exercises skipped, and
rating grids rated with one random cell changed; each exports a CSV, and
``analogylab merge`` makes the class table, as a teacher would. Then it times, in
alternating pairs (A B, then B A, ...), as benchmarks/README.md describes:

- ``analogylab report class.csv --out DIR`` in-process (reading, figures and the
  page) against ``pandas.read_csv`` of the same table: how much the report costs over
  the bare read of its input;
- the same report against ``analogylab merge`` of the 300 exports: the step a teacher
  runs just before it;
- ``python -m analogylab report`` in a new process, as a teacher runs it, against a new
  process that only imports what it needs (pandas, mistune, PyYAML): its start-up.

Prints the machine, the load average before and after, and a table (median of the
paired ratios, their spread, the absolute times, and the issue's target: "in
seconds", taken here as under 5 s for 300 students); writes the raw samples to
``benchmarks/results/report-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from run import machine, machine_block  # noqa: E402

import hubload  # noqa: E402  (tests/ is a folder of modules, not a package)

TARGET_SECONDS = 5.0


def make_class(folder: Path, students: int, seed: int = 16) -> list[Path]:
    """``students`` exports in ``folder`` (see the module's documentation)."""
    from analogylab.exercises import load_bank, record  # noqa: PLC0415
    from analogylab.store import AnswerStore, export_answers  # noqa: PLC0415

    rng = random.Random(seed)
    bank = load_bank()
    files = []
    for i in range(1, students + 1):
        name = f"Student {i:03d}"
        store = AnswerStore(folder / "stores" / f"s{i:03d}")
        store.set_meta("student", name)
        for ex in sorted(bank, key=lambda e: (e.lesson, e.number)):
            if rng.random() < 0.1:
                continue
            right, wrong, _ = hubload.right_and_wrong(ex, name)
            if ex.kind == "grid":
                wrong = {r: dict(cols) for r, cols in right.items()}
                row = rng.choice(list(wrong))
                wrong[row][rng.choice(list(wrong[row]))] = rng.choice(ex.scale)
            if ex.kind == "text":
                record(ex.id, right, store=store)
                record(ex.id, right, ticked=[r.id for r in ex.rubric[: rng.randint(0, 3)]],
                       store=store)  # fmt: skip
                continue
            for _ in range(rng.randint(0, 2)):
                record(ex.id, wrong, store=store)
            record(ex.id, right, store=store)
        out = folder / "hand-in" / f"s{i:03d}.csv"
        export_answers(store, "csv", out)
        store.close()
        files.append(out)
    return files


def paired(a: Callable[[], Any], b: Callable[[], Any], rounds: int) -> dict[str, Any]:
    """Time ``a`` and ``b`` alternately (A B, B A, ...): samples and paired ratios."""
    ta: list[float] = []
    tb: list[float] = []
    for r in range(rounds):
        order = [(a, ta), (b, tb)] if r % 2 == 0 else [(b, tb), (a, ta)]
        for fn, samples in order:
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    ratios = [x / y for x, y in zip(ta, tb, strict=True)]
    return {"value": ta, "baseline": tb, "ratios": ratios}


def main() -> int:
    """Make the class, time the report against its baselines, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import pandas as pd  # noqa: PLC0415

    from analogylab.cli import main as cli  # noqa: PLC0415
    from analogylab.store import merge_exports  # noqa: PLC0415

    m = machine()
    print(machine_block(m), flush=True)
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        folder = Path(tmp)
        os.environ["ANALOGYLAB_HOME"] = str(folder / "unused")
        began = time.perf_counter()
        files = make_class(folder, args.students)
        merged = folder / "class.csv"
        table = merge_exports(files, merged)
        print(
            f"made {args.students} students, {len(table)} attempts in "
            f"{time.perf_counter() - began:.0f} s",
            flush=True,
        )

        def report() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                code = cli(["report", str(merged), "--out", str(folder / "report"), "--force"])
            assert code == 0

        def read() -> None:
            pd.read_csv(merged, dtype=str, keep_default_na=False)

        def merge() -> None:
            merge_exports(files)

        command = [sys.executable, "-m", "analogylab", "report", str(merged), "--out",
                   str(folder / "report2"), "--force"]  # fmt: skip

        def new_process() -> None:
            subprocess.run(command, check=True, capture_output=True)

        def imports() -> None:
            subprocess.run([sys.executable, "-c", "import pandas, mistune, yaml"], check=True)

        report()  # warm: imports and the question bank, as in a teacher's second run
        load_before = os.getloadavg()
        results = {
            "report vs read_csv of class.csv": paired(report, read, args.repeat),
            "report vs merge of the exports": paired(report, merge, args.repeat),
            "report in a new process vs its imports": paired(new_process, imports, args.repeat),
        }
        load_after = os.getloadavg()
        size = (folder / "report" / "index.html").stat().st_size
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print("\n| measure | value (median) | baseline (median) | ratio | spread | n | target | met? |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        value, base = statistics.median(r["value"]), statistics.median(r["baseline"])
        met = "yes" if value < TARGET_SECONDS else "NO"
        print(
            f"| {name}, {args.students} students, {len(table)} attempts | {value:.2f} s "
            f"| {base:.2f} s | {statistics.median(r['ratios']):.1f}x "
            f"| {min(r['ratios']):.1f}-{max(r['ratios']):.1f} | {args.repeat} "
            f"| < {TARGET_SECONDS:g} s | {met} |"
        )
    print(f"\nthe page: {size / 1e3:.0f} kB")
    out = HERE / "results" / f"report-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.parent.mkdir(exist_ok=True)
    raw = {"machine": m, "students": args.students, "attempts": len(table), "results": results,
           "load": [load_before, load_after], "page_bytes": size}  # fmt: skip
    out.write_text(json.dumps(raw, indent=1))
    print(f"raw figures: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
