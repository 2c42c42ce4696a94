"""Benchmarks of issue 6: each figure a ratio to a baseline measured beside it in the same run.

    uv run python benchmarks/run.py [--quick] [--only NAME] [--repeat N]

NAME is one of ``lessons``, ``widgets``, ``import``, ``data``. Prints the machine
(a block to paste into benchmarks/README.md) and a table: measure, value,
baseline, ratio (median of the paired ratios, with their min-max spread),
target, met?. Writes every raw sample, the machine and the load average before
and after each measure to ``benchmarks/results/run-<UTC time>.json``.

What each measure times is said in benchmarks/README.md and in the docstring of
its function below. A measure and its baseline always alternate (A B, then B A,
...) so that a change in machine load during the run hits both alike. ``--quick``
takes one round of each, and scales the data to 10x only: a smoke run, not
figures to quote.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOKS = ROOT / "notebooks"
RESULTS = HERE / "results"
MEASURES = ("lessons", "widgets", "import", "data")
PACKAGES = (
    "analogylab",
    "pandas",
    "numpy",
    "matplotlib",
    "ipywidgets",
    "ipykernel",
    "jupyter_client",
    "nbclient",
    "frictionless",
    "pyyaml",
)

# The floor notebook: what every lesson's first cell must pay anyway.
FLOOR_CELLS = ("%matplotlib inline", "import pandas\nimport matplotlib\nimport ipywidgets")


# --- figures and the table ----------------------------------------------------------------


@dataclass
class Row:
    """One line of the table, with the samples it was computed from."""

    measure: str
    value: list[float]  # seconds (or seconds per row), one per round
    baseline: list[float]
    target: str = "-"
    met: str = "-"
    unit: str = "ms"
    note: str = ""
    ratios: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.ratios and self.baseline and len(self.baseline) == len(self.value):
            self.ratios = [v / b for v, b in zip(self.value, self.baseline, strict=True) if b]

    @property
    def median(self) -> float:
        """The median of the value's samples."""
        return statistics.median(self.value)

    @property
    def base_median(self) -> float | None:
        """The median of the baseline's samples (None where there is no baseline)."""
        return statistics.median(self.baseline) if self.baseline else None

    @property
    def ratio(self) -> float | None:
        """The median of the paired ratios value / baseline (each round's own pair)."""
        return statistics.median(self.ratios) if self.ratios else None


def _fmt(seconds: float | None, unit: str) -> str:
    if seconds is None:
        return "-"
    if unit == "ms":
        return f"{seconds * 1000:.1f} ms"
    if unit == "us/row":
        return f"{seconds * 1e6:.2f} us/row"
    return f"{seconds:.2f} {unit}"


def _spread(xs: list[float]) -> str:
    return f"{min(xs):.2f}-{max(xs):.2f}" if len(xs) > 1 else ""


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (readable in a terminal, pasteable into the README)."""
    head = [
        "measure",
        "value (median)",
        "baseline (median)",
        "ratio",
        "spread",
        "n",
        "target",
        "met?",
    ]
    lines = [head]
    for r in rows:
        ratio = r.ratio
        lines.append(
            [
                r.measure,
                _fmt(r.median, r.unit),
                _fmt(r.base_median, r.unit),
                "-" if ratio is None else f"{ratio:.2f}x",
                _spread(r.ratios),
                str(len(r.value)),
                r.target,
                r.met,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def _alternate(
    a: Callable[[], float], b: Callable[[], float], rounds: int
) -> tuple[list[float], list[float]]:
    """Run a and b ``rounds`` times each, A B then B A, and return their times."""
    ta: list[float] = []
    tb: list[float] = []
    for i in range(rounds):
        if i % 2 == 0:
            ta.append(a())
            tb.append(b())
        else:
            tb.append(b())
            ta.append(a())
    return ta, tb


def _timed(fn: Callable[[], object]) -> Callable[[], float]:
    def run() -> float:
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    return run


# --- the machine ---------------------------------------------------------------------------


def _load() -> str:
    """The output of ``uptime`` (its load averages: other work on the machine skews figures)."""
    return _command("uptime") or " ".join(f"{x:.2f}" for x in os.getloadavg())


def _command(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "(not available)"


def machine() -> dict[str, Any]:
    """What the figures ran on: printed first, and stored with them."""
    mem = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = "not installed"
    return {
        "uname": " ".join(platform.uname()),
        "nproc": os.cpu_count(),
        "lscpu": "\n".join(_command("lscpu").splitlines()[:10]),
        "memory": mem,
        "python": sys.version.split()[0],
        "packages": versions,
        "load_at_start": _load(),
    }


def machine_block(m: dict[str, Any]) -> str:
    pkgs = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    return "\n".join(
        [
            f"uname -a: {m['uname']}",
            f"nproc: {m['nproc']}; memory: {m['memory']}; Python {m['python']}",
            m["lscpu"],
            pkgs,
            f"uptime at start: {m['load_at_start']}",
        ]
    )


# --- measure 1: lessons against the floor notebook -------------------------------------------


def _lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


CELL_TIMES: dict[str, list[list[float]]] = {}  # per notebook, per run: seconds of each cell
HUNG: list[str] = []  # runs abandoned by the watchdog (and run again)
RUN_LIMIT = 240  # seconds: a run that takes longer is stuck, not slow
CELL_TIMEOUT = 60  # seconds: no lesson cell takes a tenth of this
ATTEMPTS = 4


def _run_cells(nb: Any, cache: Path) -> float:
    """Execute every cell of ``nb`` in a new python3 kernel; return the seconds of the cells.

    The kernel is started and ready before the clock starts; the clock stops when
    the last cell's reply and outputs are in (nbclient waits for the kernel to go
    idle after each cell). Each run gets a new, empty ANALOGYLAB_HOME and the
    shared, primed validation cache; the kernel runs in notebooks/.

    Now and then a run stalls on an explorer cell with the kernel idle, a message
    lost between kernel and client (../shared/notes/toolchain.md; nbclient#312):
    the cell then ends after nbclient's timeout with no error, or never (nbclient's
    timeout did not fire). A cell that took CELL_TIMEOUT, or a run past RUN_LIMIT
    (a watchdog then kills its kernel), is not a measurement: the run is made again
    from the start, up to ATTEMPTS times, and HUNG (also in the results file) says
    which. nbclient's warnings are printed, to show what it was waiting for.
    """
    import nbformat  # noqa: PLC0415

    fresh = nbformat.from_dict(nb)  # a clean copy for another try
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _run_cells_once(nb, cache)
        except _StuckRunError as err:
            HUNG.append(f"{nb.metadata.get('bench_name', '?')}: {err}")
            print(f"  (a run was stuck, {HUNG[-1]}; attempt {attempt} of {ATTEMPTS})", flush=True)
            if attempt == ATTEMPTS:
                raise
            nb.cells = nbformat.from_dict(fresh).cells
    raise AssertionError("unreachable")


def _local_sockets(km: Any, folder: Path) -> None:
    """Connect to the kernel by Unix sockets in ``folder`` rather than TCP ports.

    Other programs on the machine (tests, other kernels) pick free TCP ports at the
    same time; sockets in a folder of our own cannot be taken by them.
    """
    km.transport = "ipc"
    km.ip = str(folder / "kernel")


class _StuckRunError(RuntimeError):
    """A notebook run stalled: a cell took CELL_TIMEOUT, or the run outlived RUN_LIMIT."""


def _run_cells_once(nb: Any, cache: Path) -> float:
    from nbclient import NotebookClient  # noqa: PLC0415

    os.environ["ANALOGYLAB_HOME"] = tempfile.mkdtemp(prefix="analogylab-bench-home-")
    os.environ["ANALOGYLAB_CACHE"] = str(cache)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    ipc = Path(tempfile.mkdtemp(prefix="analogylab-bench-ipc-"))
    _local_sockets(client.create_kernel_manager(), ipc)
    killed = threading.Event()

    def kill() -> None:
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
        if pid:
            killed.set()
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    cells: list[float] = []
    watchdog = threading.Timer(RUN_LIMIT, kill)
    try:
        with client.setup_kernel():
            watchdog.start()
            t = time.perf_counter()
            for i, cell in enumerate(nb.cells):
                c = time.perf_counter()
                client.execute_cell(cell, i)
                cells.append(time.perf_counter() - c)
            elapsed = time.perf_counter() - t
    except Exception as err:
        if killed.is_set():
            raise _StuckRunError(str(err)) from err
        raise
    finally:
        watchdog.cancel()
        shutil.rmtree(os.environ["ANALOGYLAB_HOME"], ignore_errors=True)
        shutil.rmtree(ipc, ignore_errors=True)
    stalled = [i for i, c in enumerate(cells) if c >= CELL_TIMEOUT - 1]
    if stalled:
        raise _StuckRunError(f"cell {stalled[0]} took {cells[stalled[0]]:.0f} s")
    CELL_TIMES.setdefault(str(nb.metadata.get("bench_name", "?")), []).append(cells)
    return elapsed


# Run before a lesson's first cell in an extra, untimed run: adds up the time spent in the
# three things that cost a lesson most beyond its imports. Every name a lesson reaches them by
# is wrapped (the package re-exports them), and a call from one wrapper to another counts once.
_PROBE = """
import sys as _s, time as _t
import IPython.core.pylabtools
import analogylab, analogylab.charts, analogylab.data, analogylab.exercise_widgets
_bench = {"png": [0.0, 0], "validate": [0.0, 0], "exercise": [0.0, 0]}
_bench_depth = [0]
def _bench_wrap(module, name, what):
    inner = getattr(module, name)
    def timed(*args, **kwargs):
        _bench_depth[0] += 1
        start = _t.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            _bench_depth[0] -= 1
            if _bench_depth[0] == 0:
                _bench[what][0] += _t.perf_counter() - start
                _bench[what][1] += 1
    setattr(module, name, timed)
_bench_wrap(IPython.core.pylabtools, "print_figure", "png")
_bench_wrap(analogylab.charts.Canvas, "png", "png")  # an explorer's figure
for _m in (analogylab, analogylab.data, _s.modules["analogylab.validate"]):
    _bench_wrap(_m, "validate", "validate")
for _m in (analogylab, analogylab.exercise_widgets):
    _bench_wrap(_m, "exercise", "exercise")
"""


def _breakdown(path: Path, cache: Path) -> dict[str, list[float]]:
    """Seconds and calls of PNG drawing, validation and exercise widgets in one lesson run.

    ``png``: IPython's print_figure, which charts.show calls, and an explorer's
    ``Canvas.png``: drawing a figure and encoding it. ``validate``: analogylab's
    validator (with Frictionless's import on first use), whether the lesson calls it
    or load_dataset does. ``exercise``:
    building exercise widgets, with the first read of the question bank.
    """
    import nbformat  # noqa: PLC0415

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(_PROBE))
    nb.cells.append(nbformat.v4.new_code_cell("import json; print(json.dumps(_bench))"))
    nb.metadata["bench_name"] = "breakdown"
    _run_cells(nb, cache)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    return dict(json.loads(text))


def measure_lessons(rounds: int, cache: Path) -> tuple[list[Row], dict[str, Any]]:
    """Each lesson's run-all time against the floor notebook, in alternating fresh kernels.

    One more run of each lesson, not timed against the floor, adds up where the time
    over the floor goes (see ``_breakdown``).
    """
    import nbformat  # noqa: PLC0415

    def floor() -> Any:
        cells = [nbformat.v4.new_code_cell(s) for s in FLOOR_CELLS]
        return nbformat.v4.new_notebook(cells=cells, metadata={"bench_name": "floor"})

    def lesson(path: Path) -> Any:
        nb = nbformat.read(path, as_version=4)
        nb.metadata["bench_name"] = path.stem
        return nb

    CELL_TIMES.clear()
    _run_cells(floor(), cache)  # warms the disk cache; not kept
    rows = []
    breakdown: dict[str, dict[str, list[float]]] = {}
    for path in _lessons():
        mine, base = _alternate(
            lambda p=path: _run_cells(lesson(p), cache),
            lambda: _run_cells(floor(), cache),
            rounds,
        )
        r = Row(f"lesson {path.stem[:2]} run-all vs floor", mine, base, "<= 1.5x", unit="s")
        r.met = _yes(r.ratio is not None and r.ratio <= 1.5)
        parts = breakdown[path.stem] = _breakdown(path, cache)
        r.note = (
            f"1.5x the floor allows {statistics.median(base) * 0.5:.2f} s over it; "
            "in an extra run, "
            + ", ".join(f"{k} {v[0]:.2f} s ({v[1]} calls)" for k, v in parts.items())
        )
        rows.append(r)
        print(f"  {r.measure}: {r.median:.2f} s vs floor {r.base_median:.2f} s", flush=True)
    CELL_TIMES.pop("breakdown", None)
    return rows, {
        "cell_seconds": dict(CELL_TIMES),
        "breakdown_seconds_calls": breakdown,
        "stuck_runs_repeated": list(HUNG),
    }


# --- measure 2: explorer redraws against their floor and the full rebuild ------------------


def _run_probe(cells: tuple[str, ...], cache: Path) -> tuple[list[str], int]:
    """Run ``cells`` in a new python3 kernel; its stdout lines, and how many charts it sent.

    A chart is a display of a PNG image or of a rating table (an HTML table).
    """
    from jupyter_client.manager import KernelManager  # noqa: PLC0415

    env = {**os.environ, "ANALOGYLAB_CACHE": str(cache)}
    env["ANALOGYLAB_HOME"] = tempfile.mkdtemp(prefix="analogylab-bench-home-")
    km = KernelManager(kernel_name="python3")
    ipc = Path(tempfile.mkdtemp(prefix="analogylab-bench-ipc-"))
    _local_sockets(km, ipc)
    km.start_kernel(cwd=str(NOTEBOOKS), env=env)
    kc = km.blocking_client()
    stdout: list[str] = []
    charts_sent = 0

    def hook(msg: dict[str, Any]) -> None:
        nonlocal charts_sent
        kind, content = msg["header"]["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            stdout.append(content["text"])
        elif kind in {"display_data", "update_display_data"} and (
            "image/png" in content["data"]
            or "analogylab-rating-table" in content["data"].get("text/html", "")
        ):
            charts_sent += 1
        elif kind == "error":
            stdout.append("\n".join(content["traceback"]))

    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        for code in cells:
            reply = kc.execute_interactive(code, output_hook=hook, timeout=900)
            if reply["content"]["status"] != "ok":
                raise RuntimeError("the widget probe failed in the kernel:\n" + "".join(stdout))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        shutil.rmtree(env["ANALOGYLAB_HOME"], ignore_errors=True)
        shutil.rmtree(ipc, ignore_errors=True)
    return "".join(stdout).splitlines(), charts_sent


def measure_widgets(rounds: int, cache: Path) -> tuple[list[Row], dict[str, Any]]:
    """Explorer redraws against the floor and the full rebuild, in one real python3 kernel.

    See widget_probe.py. The client also counts the charts the kernel sent (a PNG
    image or a rating table per drawing), as a check that each timed update really
    put a new chart into the output. An untimed run after it profiles where each
    redraw's time goes (``widget_probe.breakdown``).
    """
    setup = f"import sys; sys.path.insert(0, {str(HERE)!r})\nimport widget_probe"
    lines, charts_sent = _run_probe(
        (
            "%matplotlib inline",
            f"{setup}\nwidget_probe.measure({rounds})",
            "widget_probe.breakdown(9)",
        ),
        cache,
    )
    found = json.loads(next(x for x in lines if x.startswith("WIDGET-TIMINGS ")).split(" ", 1)[1])
    parts = json.loads(next(x for x in lines if x.startswith("WIDGET-BREAKDOWN ")).split(" ", 1)[1])
    drawn = sum(v["redraws"] for v in found.values())
    if charts_sent < drawn:
        raise RuntimeError(f"the kernel sent {charts_sent} charts for {drawn} explorer drawings")
    rows = []
    for kind, v in found.items():
        lesson = f", lesson {v['lesson']}" if v["lesson"] != "-" else ", no lesson"
        name = f"widget {kind} ({v['control']}{lesson})"
        if not v["figure"]:
            r = Row(f"{name} vs table alone", v["update"], v["table"], "< 50 ms")
            r.met = _yes(r.median < 0.050)
            rows.append(r)
            continue
        floor = Row(f"{name} vs floor", v["update"], v["floor"], "<= 2x floor")
        floor.met = _yes(floor.ratio is not None and floor.ratio <= 2)
        rebuild = Row(f"{name} vs rebuild", v["update"], v["rebuild"], "<= 0.5x rebuild")
        rebuild.met = _yes(rebuild.ratio is not None and rebuild.ratio <= 0.5)
        rows += [floor, rebuild]
    return rows, {"breakdown_ms": parts}


def breakdown_table(parts: dict[str, Any]) -> str:
    """Where a redraw's time goes, per explorer: milliseconds per phase (Markdown)."""
    kinds = list(parts)
    phases = list(next(iter(parts.values()))["phases_ms"])
    head = ["phase (ms per redraw)", *kinds]
    lines = [head, *([p] + [f"{parts[k]['phases_ms'][p]:.1f}" for k in kinds] for p in phases)]
    lines.append(["redraw in all (profiled)", *(f"{parts[k]['redraw_ms']:.1f}" for k in kinds)])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


# --- measure 3: import analogylab against its dependencies -----------------------------------

_DEPS = (
    "import sys, json\n"
    "before = set(sys.modules)\n"
    "import analogylab\n"
    "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
    "std = set(sys.stdlib_module_names)\n"
    "print(json.dumps(sorted(m for m in new if m not in std and m != 'analogylab'"
    " and not m.startswith('_') and getattr(sys.modules[m], '__spec__', None))))\n"
)


def dependencies() -> list[str]:
    """The third-party top-level packages a plain ``import analogylab`` loads."""
    out = subprocess.run([sys.executable, "-c", _DEPS], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def _import_seconds(statement: str) -> float:
    """Seconds of ``statement`` alone, in a fresh interpreter (its start-up not counted)."""
    code = f"import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def measure_import(rounds: int) -> tuple[list[Row], dict[str, Any]]:
    """``import analogylab`` against importing its third-party dependencies, fresh each time."""
    deps = dependencies()
    mine, base = _alternate(
        lambda: _import_seconds("import analogylab"),
        # a plain import may load no third-party package at all (it loads pandas lazily)
        lambda: _import_seconds("import " + ", ".join(deps) if deps else "pass"),
        rounds,
    )
    extra = [m - b for m, b in zip(mine, base, strict=True)]
    r = Row(
        f"import analogylab (deps: {', '.join(deps) or 'none'})", mine, base, "< +50 ms over deps"
    )
    r.met = _yes(statistics.median(extra) < 0.050)
    r.note = f"median extra {statistics.median(extra) * 1000:.1f} ms"
    extra_row = Row("  extra time of import analogylab", extra, [], "< 50 ms", met=r.met)
    return [r, extra_row], {"dependencies": deps, "extra": extra}


# --- measure 4: validate and load_dataset as the data grows ----------------------------------


def _quiet(fn: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        with contextlib.redirect_stdout(io.StringIO()):
            return fn()

    return run


def measure_data(
    rounds: int, factors: tuple[int, ...], work: Path
) -> tuple[list[Row], dict[str, Any]]:
    """``analogylab validate`` and ``load_dataset()`` on the data scaled 1x, 10x and 100x.

    Baselines: for ``load_dataset()`` (warm: these bytes already validated), bare
    ``pandas.read_csv`` of every CSV; for ``analogylab validate``, Frictionless's
    own validation of the same package (the standard checks, which analogylab's
    validator runs as one of its passes). Every figure is also given per row, and
    as a growth factor over the shipped data.
    """
    import pandas as pd  # noqa: PLC0415

    import analogylab  # noqa: PLC0415
    from analogylab import cli  # noqa: PLC0415
    from analogylab import data as data_module  # noqa: PLC0415
    from analogylab.validate import _import_frictionless  # noqa: PLC0415

    sys.path.insert(0, str(HERE))
    from scale_data import scale  # noqa: PLC0415

    frictionless = _import_frictionless()  # its import is measured by the cold process below
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    per_row: dict[str, dict[int, float]] = {}
    for factor in factors:
        root = analogylab.find_data() if factor == 1 else scale(factor, work / f"x{factor}")
        pkg = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        files = [root / r["path"] for r in pkg["resources"]]
        nrows = sum(len(pd.read_csv(f)) for f in files)

        def bare(files: list[Path] = files) -> None:
            for f in files:
                pd.read_csv(f)

        def friction(root: Path = root) -> None:
            descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
            report = frictionless.Package(descriptor, basepath=str(root)).validate(
                limit_errors=10_000
            )
            assert report.valid, "the baseline must validate the same, clean data"

        def cli_validate(root: Path = root) -> None:
            assert cli.main(["validate", str(root)]) == 0

        def cold(root: Path = root) -> None:
            data_module._validated.clear()  # forget this process's checks: validate again
            analogylab.load_dataset(root)

        os.environ["ANALOGYLAB_CACHE"] = ""  # no disk cache: a cold load validates
        analogylab.load_dataset(root)  # prime the in-memory fingerprint for the warm load
        n = rounds if factor < 100 else max(1, rounds // 2 + 1)
        warm, base = _alternate(
            _timed(lambda root=root: analogylab.load_dataset(root)), _timed(bare), n
        )
        val, fric = _alternate(_timed(_quiet(cli_validate)), _timed(friction), n)
        cold_t, base2 = _alternate(_timed(cold), _timed(bare), n)
        tag = f"{factor}x ({nrows} rows)"
        r = Row(f"load_dataset() warm vs read_csv, {tag}", warm, base, "<= 2x (issue 2)")
        r.met = _yes(r.ratio is not None and r.ratio <= 2)
        rows += [
            r,
            Row(f"load_dataset() cold (validates) vs read_csv, {tag}", cold_t, base2),
            Row(f"validate CLI in-process vs frictionless, {tag}", val, fric),
        ]
        for name, xs in (("load warm", warm), ("load cold", cold_t), ("validate", val)):
            per_row.setdefault(name, {})[factor] = statistics.median(xs) / nrows
        raw[tag] = {
            "rows": nrows,
            "warm": warm,
            "read_csv": base,
            "validate": val,
            "frictionless": fric,
            "cold": cold_t,
            "read_csv_2": base2,
        }
    for name, by in per_row.items():
        for factor, cost in by.items():
            if factor == 1:
                continue
            growth = cost / by[1]
            rows.append(
                Row(
                    f"{name} per row, {factor}x vs 1x (growth)",
                    [cost],
                    [by[1]],
                    "<= 1.5 (about linear)",
                    _yes(growth <= 1.5),
                    unit="us/row",
                )
            )
    rows += measure_cli_process(rounds)
    raw["per_row_seconds"] = per_row
    return rows, raw


def measure_cli_process(rounds: int) -> list[Row]:
    """``analogylab validate`` as a teacher runs it: a new process, shipped data.

    Baseline: a new process that imports Frictionless (as the validator does) and
    pandas, and nothing else: what the command must pay before checking a row.
    """

    def run(args: list[str]) -> Callable[[], float]:
        def go() -> float:
            t = time.perf_counter()
            subprocess.run([sys.executable, *args], capture_output=True, check=True)
            return time.perf_counter() - t

        return go

    imports = "from analogylab.validate import _import_frictionless; _import_frictionless()"
    cmd, base = _alternate(
        run(["-m", "analogylab", "validate"]), run(["-c", f"import pandas; {imports}"]), rounds
    )
    return [Row("validate CLI new process vs its imports, 1x", cmd, base)]


# --- main ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _env_kept() -> Iterator[None]:
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round of each; data to 10x")
    parser.add_argument("--only", choices=MEASURES, help="run one measure")
    parser.add_argument("--repeat", type=int, default=None, help="rounds per figure (default 3)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="  [%(name)s %(levelname)s] %(message)s")
    rounds = args.repeat or (1 if args.quick else 3)
    chosen = [args.only] if args.only else list(MEASURES)
    info = machine()
    print(machine_block(info), flush=True)
    result: dict[str, Any] = {"machine": info, "args": vars(args), "rounds": rounds, "measures": {}}
    rows: list[Row] = []
    with _env_kept(), tempfile.TemporaryDirectory(prefix="analogylab-bench-") as tmp:
        work = Path(tmp)
        os.environ.pop("ANALOGYLAB_DATA", None)
        cache = work / "cache"  # a validation cache of our own, primed once
        for name in chosen:
            print(f"measuring {name} (load {_load()}) ...", flush=True)
            start, t0 = _load(), time.perf_counter()
            extra: dict[str, Any] = {}
            if name in {"lessons", "widgets"}:
                subprocess.run(
                    [sys.executable, "-c", "import analogylab; analogylab.load_dataset()"],
                    env={**os.environ, "ANALOGYLAB_CACHE": str(cache)},
                    check=True,
                )
            if name == "lessons":
                got, extra = measure_lessons(rounds, cache)
            elif name == "widgets":
                got, extra = measure_widgets(4 * rounds if not args.quick else 3, cache)
            elif name == "import":
                got, extra = measure_import(4 * rounds if not args.quick else 2)
            else:
                factors = (1, 10) if args.quick else (1, 10, 100)
                got, extra = measure_data(rounds, factors, work)
            rows += got
            result["measures"][name] = {
                "load_before": start,
                "load_after": _load(),
                "seconds": time.perf_counter() - t0,
                "rows": [asdict(r) | {"ratio": r.ratio} for r in got],
                **extra,
            }
    print()
    print(table(rows))
    for r in rows:
        if r.note:
            print(f"  {r.measure}: {r.note}")
    if "widgets" in result["measures"]:
        print("\nWhere a redraw's time goes (an untimed, profiled run in the same kernel):\n")
        print(breakdown_table(result["measures"]["widgets"]["breakdown_ms"]))
    print(f"uptime at end: {_load()}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"run-{stamp}{'-quick' if args.quick else ''}.json"
    result["table"] = table(rows)
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"raw figures: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
