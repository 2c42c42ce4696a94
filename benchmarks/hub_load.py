"""How a class on a JupyterHub grows: the figures an administrator sizes a hub with.

    uv run python benchmarks/hub_load.py [--sizes 1 5 10 25 50] [--deadline SECONDS]

For each class size, a new JupyterHub on 127.0.0.1 (``tests/hubload.py``: the
deployment's config, the proxy from ``deploy/jupyterhub/proxy``, a home per student)
and that many simulated students at once, each doing what ``tests/test_hub.py``'s
students do (click the link, log in, pull, open lesson 00, run every cell, answer,
restart, export). The one-student class is the baseline: each larger class's times
are also given as a ratio to it, measured in the same run. The lone student then
also opens every other lesson, each in a kernel of its own, so that the memory of
a student with several lessons open is measured too.

Prints the machine, the load average before and after each class, and a Markdown
table; writes every student's times and memory to
``benchmarks/results/hub-<UTC time>.json`` (git-ignored). Needs what the hub test
needs: node, and ``npm ci`` in deploy/jupyterhub/proxy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

from run import machine, machine_block  # noqa: E402

import hubload  # noqa: E402  (tests/ is a folder of modules, not a package)
from analogylab.hub import hub_link  # noqa: E402

MB = 1024 * 1024
RESULTS = HERE / "results"


class TouringStudent(hubload.Student):
    """The lone student of the baseline: after lesson 00, opens every other lesson too."""

    def open_lesson(self) -> None:
        """Lesson 00 as every student does it, then lessons 01-07, each left open."""
        super().open_lesson()
        folder = self.lesson_path.rsplit("/", 1)[0]
        tour: dict[str, Any] = {}
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))[1:]:
            self.visit.step = f"touring {path.name}"
            before = self.measure()[0].get("kernel_rss", 0)
            began = time.monotonic()
            nb, kernel = self.start_kernel(f"{folder}/{path.name}")
            k = self.connect(kernel)
            try:
                self.run_all(k, nb, path.name)
            finally:
                k.close()
            mem, _ = self.measure()
            tour[path.name] = {
                "seconds": time.monotonic() - began,
                "kernel_rss": mem.get("kernel_rss", 0) - before,
            }
        mem, _ = self.measure()
        self.visit.extra = {"tour": tour, "all_open": mem}
        self.visit.step = "done"


def nearest_rank(values: list[float], share: float) -> float:
    """The ``share`` quantile by nearest rank (p95 of 5 values is the largest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class LoadWatch(threading.Thread):
    """The machine's 1-minute load average every 5 s while a class runs (its peak matters)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        """Sample until told to stop."""
        while not self.done.wait(5.0):
            self.samples.append(os.getloadavg()[0])


def run_size(size: int, deadline: float) -> dict[str, Any]:
    """One class of ``size`` students on a new hub; its figures and every raw value."""
    load_before = os.getloadavg()
    watch = LoadWatch()
    watch.start()
    with tempfile.TemporaryDirectory(prefix=f"analogylab-hub-{size}-") as tmp:
        state = Path(tmp)
        repo = hubload.lessons_repository(state / "git")
        began = time.monotonic()
        with hubload.hub_server(state / "hub", repo) as hub:
            link = hub_link(hub.url, hub.repo_url)
            kind = TouringStudent if size == 1 else hubload.Student
            visits, failures = hubload.run_class(
                hub, hubload.class_plans(size), link, deadline, kind
            )
            wall = time.monotonic() - began
            hub_rss = 0
            for p in hub.processes():
                with contextlib.suppress(psutil.Error):
                    if "JUPYTERHUB_USER" not in p.environ():
                        hub_rss += p.memory_info().rss
        if failures or hub.leftovers:  # keep the log for a look, beside the results
            RESULTS.mkdir(exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            shutil.copy(hub.log, RESULTS / f"hub-failed-{size}-{stamp}.log")
    watch.done.set()
    if hub.leftovers:
        raise SystemExit(f"processes did not stop by themselves: {hub.leftovers}")
    for user, exc in failures.items():
        print(f"\n  {user}: {str(exc).splitlines()[0]}", end="")
    visits = [v for v in visits if v.user not in failures]
    login = [v.marks["logged in"] for v in visits]
    ready = [v.marks["lesson ready"] - t for v, t in zip(visits, login, strict=True)]
    last = [v.marks["last cell run"] - t for v, t in zip(visits, login, strict=True)]
    whole = [v.marks["answers exported"] for v in visits]

    def mem(key: str) -> float:
        return statistics.median(v.memory.get(key, 0) for v in visits) / MB

    return {
        "size": size,
        "failed": len(failures),
        "reconnects": sum(v.reconnects for v in visits),
        "wall_seconds": wall,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "load_peak": max(watch.samples, default=os.getloadavg()[0]),
        "ready_p50": statistics.median(ready),
        "ready_p95": nearest_rank(ready, 0.95),
        "last_cell_p50": statistics.median(last),
        "last_cell_p95": nearest_rank(last, 0.95),
        "visit_p95": nearest_rank(whole, 0.95),
        "server_rss_mb": mem("server_rss"),
        "server_pss_mb": mem("server_pss"),
        "kernel_rss_mb": mem("kernel_rss"),
        "kernel_pss_mb": mem("kernel_pss"),
        "cpu_seconds": statistics.median(v.cpu_seconds for v in visits),
        "hub_and_proxy_rss_mb": hub_rss / MB,
        "extra": visits[0].extra,
        "visits": [
            {"user": v.user, "marks": v.marks, "memory": v.memory, "cpu": v.cpu_seconds}
            for v in visits
        ],
    }


def table(results: list[dict[str, Any]]) -> str:
    """The figures as a Markdown table, times also as a ratio to the lone student's."""
    base = results[0]
    head = (
        "| students | login to lesson ready p50 / p95 (s) | to last cell p50 / p95 (s) "
        "| ready p50 vs 1 student | server + kernel per student, PSS (RSS) MB "
        "| CPU s per student | hub + proxy RSS MB | whole class (s) "
        "| load avg before, peak, after | failed, websockets reopened |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = [head]
    for r in results:
        per = r["server_pss_mb"] + r["kernel_pss_mb"]
        rss = r["server_rss_mb"] + r["kernel_rss_mb"]
        rows.append(
            f"| {r['size']} | {r['ready_p50']:.1f} / {r['ready_p95']:.1f} "
            f"| {r['last_cell_p50']:.1f} / {r['last_cell_p95']:.1f} "
            f"| {r['ready_p50'] / base['ready_p50']:.1f}x "
            f"| {per:.0f} ({rss:.0f}) | {r['cpu_seconds']:.1f} "
            f"| {r['hub_and_proxy_rss_mb']:.0f} | {r['wall_seconds']:.0f} "
            f"| {r['load_before'][0]:.1f}, {r['load_peak']:.1f}, {r['load_after'][0]:.1f} "
            f"| {r['failed']}, {r['reconnects']} |"
        )
    tour = base["extra"].get("tour", {})
    if tour:
        rows.append("\nOne student, each lesson opened in a kernel of its own and left open:\n")
        rows.append("| lesson | run all (s) | kernel RSS MB |\n|---|---|---|")
        rows += [
            f"| {name} | {t['seconds']:.1f} | {t['kernel_rss'] / MB:.0f} |"
            for name, t in tour.items()
        ]
        everything = base["extra"]["all_open"]
        rows.append(
            f"\nWith all eight lessons open: server {everything.get('server_rss', 0) / MB:.0f} "
            f"MB RSS, {everything.get('kernels', 0)} kernels "
            f"{everything.get('kernel_rss', 0) / MB:.0f} MB RSS "
            f"({everything.get('kernel_pss', 0) / MB:.0f} MB PSS)."
        )
    return "\n".join(rows)


def main() -> int:
    """Run the classes, print the machine and the table, write the raw figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 10, 25])
    parser.add_argument("--deadline", type=float, default=1800.0, help="seconds per class")
    args = parser.parse_args()
    reason = hubload.missing_parts()
    if reason:
        print(f"cannot start a hub here: {reason}", file=sys.stderr)
        return 1
    sizes = sorted(set(args.sizes) | {1})
    m = machine()
    print(machine_block(m), flush=True)
    results = []
    for size in sizes:
        print(f"class of {size}: ", end="", flush=True)
        results.append(run_size(size, args.deadline))
        r = results[-1]
        print(f"{r['wall_seconds']:.0f} s, load {r['load_after'][0]:.1f}", flush=True)
    print()
    print(table(results))
    out = RESULTS / f"hub-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": m, "results": results}, indent=1, default=str))
    print(f"\nraw figures: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
