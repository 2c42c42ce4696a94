"""Run inside a Jupyter kernel by ``run.py``: time explorer redraws against their floor and rebuild.

Not meant to be run by hand. ``run.py`` starts a python3 kernel, runs
``%matplotlib inline`` and then a cell that imports this file and calls
:func:`measure`, which prints one JSON line with the timings, then
:func:`breakdown`, which prints where a redraw's time goes.

For each kind of explorer the lessons use (built as the lessons build it), one
control is set to another value, alternating between two values so that every
set is a real change. The explorer redraws synchronously inside the control's
observer, so the time of ``control.value = v`` is the time until the new chart
(PNG encoded, or the HTML table), its text twin and any tables under it have been
sent to the front end. Beside each update, in the same rotation (update, rebuild,
floor; then floor, rebuild, update; ...), so that drift in machine load hits all
three alike:

- **floor**: the explorer's own figure, unchanged, drawn and encoded as PNG the
  way the explorer encodes it (``Canvas.png``): what any redraw of a figure of
  that size and content must pay.
- **rebuild**: what an explorer did before issue 17: the chart function with the
  same arguments on a new figure, encoded by IPython's ``print_figure`` with
  ``bbox_inches="tight"`` as the inline backend does, then closed.

A table explorer (ACH, hindsight) has no figure; its baseline is the table
function alone (``charts.ach_matrix`` ...), so the ratio is what the explorer adds.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import IPython.display
import ipywidgets
import matplotlib.figure
import matplotlib.image
import matplotlib.layout_engine
import matplotlib.pyplot as plt
import matplotlib.text
from IPython.core.pylabtools import print_figure
from IPython.display import display

import analogylab
from analogylab import charts, widgets

A, B = "us-mujahideen-1980s", "russia-taliban-2018"


@dataclass
class Spec:
    """One explorer kind: how the lessons build it, which control moves, the same chart bare."""

    lesson: str
    build: Callable[[Any], widgets.Explorer]
    control: str
    values: tuple[Any, Any]
    bare: Callable[[Any, dict[str, Any]], Any]  # (ds, the explorer's control values) -> chart


def _specs() -> dict[str, Spec]:
    troops = ["soviet-troops-afghanistan", "us-troops-afghanistan"]
    return {
        "series": Spec(
            "00",
            lambda ds: widgets.series_explorer(ds, troops),
            "years",
            ((1985, 2015), (1979, 2021)),
            lambda ds, v: charts.series_chart(ds, list(v["series_ids"]), years=v["years"]),
        ),
        "aligned": Spec(
            "01",
            lambda ds: widgets.aligned_explorer(ds, A, B),
            "window",
            ((-3, 10), (-5, 15)),
            lambda ds, v: charts.aligned_timelines(ds, A, B, align=v["align"], window=v["window"]),
        ),
        "timeline": Spec(
            "02",
            lambda ds: widgets.timeline_explorer(ds, case=A),
            "years",
            ((1980, 1986), (1979, 1992)),
            lambda ds, v: charts.timeline(ds, v["case"], kinds=list(v["kinds"]), years=v["years"]),
        ),
        "goal": Spec(
            "-",
            lambda ds: widgets.goal_explorer(ds, A),
            "case",
            (B, A),
            lambda ds, v: charts.actor_goal_matrix(ds, v["case"]),
        ),
        "counterpart": Spec(
            "-",
            lambda ds: widgets.counterpart_explorer(ds, A, B),
            "case_b",
            ("ussr-north-vietnam-1965", B),
            lambda ds, v: charts.counterpart_map(ds, v["case_a"], v["case_b"]),
        ),
        "analogy": Spec(
            "04",
            lambda ds: widgets.analogy_explorer(ds, A, B),
            "deniability",
            (3.0, 1.0),
            lambda ds, v: charts.likeness_chart(
                ds,
                v["case_a"],
                v["case_b"],
                weights={k: x for k, x in v.items() if k not in {"case_a", "case_b"}},
            ),
        ),
        "ach": Spec(
            "05",
            lambda ds: widgets.ach_explorer(ds, B),
            "weighted",
            (True, False),
            lambda ds, v: charts.ach_matrix(ds, B, ratings=None, weighted=v["weighted"]),
        ),
        "hindsight": Spec(
            "06",
            lambda ds: widgets.hindsight_explorer(ds, B),
            "contested",
            (True, False),
            lambda ds, v: charts.hindsight_chart(
                ds, B, ratings=None, include_contested=not v["contested"]
            ),
        ),
    }


def _rebuild(spec: Spec, ds: Any, values: dict[str, Any]) -> float:
    """The pre-issue-17 redraw: a new figure from the chart function, PNG with a tight box."""
    t = time.perf_counter()
    ax = spec.bare(ds, values)
    print_figure(ax.figure, "png", bbox_inches="tight", base64=True)
    plt.close(ax.figure)
    return time.perf_counter() - t


def _table(spec: Spec, ds: Any, values: dict[str, Any]) -> float:
    t = time.perf_counter()
    spec.bare(ds, values)
    return time.perf_counter() - t


def _floor(ex: widgets.Explorer) -> float:
    """Draw and encode the explorer's figure as it stands: nothing changed."""
    assert ex.canvas is not None
    t = time.perf_counter()
    ex.canvas.png()
    return time.perf_counter() - t


def _update(ex: widgets.Explorer, control: str, value: Any) -> float:
    before = ex.redraws
    t = time.perf_counter()
    ex.controls[control].value = value
    elapsed = time.perf_counter() - t
    if ex.redraws != before + 1 or ex.error is not None or ex.description is None:
        raise RuntimeError(f"setting {control}={value!r} did not draw one chart: {ex.error}")
    return elapsed


def _rounds(spec: Spec, ds: Any, ex: widgets.Explorer, repeat: int) -> dict[str, list[float]]:
    """Update, rebuild and floor (or update and table) in turn, ``repeat`` times after a warm-up."""
    figure = ex.canvas is not None
    times: dict[str, list[float]] = {"update": [], "floor": [], "rebuild": [], "table": []}
    for i in range(repeat + 1):  # the first round warms caches and is not kept
        value = spec.values[i % 2]
        after = {n: c.value for n, c in ex.controls.items()} | {spec.control: value}
        steps: list[tuple[str, Callable[[], float]]] = [
            ("update", lambda value=value: _update(ex, spec.control, value))
        ]
        if figure:
            steps += [
                ("rebuild", lambda after=after: _rebuild(spec, ds, after)),
                ("floor", lambda: _floor(ex)),
            ]
        else:
            steps.append(("table", lambda after=after: _table(spec, ds, after)))
        if i % 2:  # backwards on odd rounds (A B C, then C B A)
            steps.reverse()
        for name, step in steps:
            took = step()
            if i:
                times[name].append(took)
    return {k: v for k, v in times.items() if v}


def measure(repeat: int, only: str | None = None) -> None:
    """Print JSON: for each kind, the update, floor and rebuild times (seconds), and the redraws."""
    ds = analogylab.load_dataset()
    out: dict[str, Any] = {}
    for kind, spec in _specs().items():
        if only is not None and kind != only:
            continue
        ex = spec.build(ds)
        if spec.control not in ex.controls:
            raise RuntimeError(f"{kind}: no control {spec.control!r} in {sorted(ex.controls)}")
        display(ex)
        out[kind] = {
            "lesson": spec.lesson,
            "control": spec.control,
            "figure": ex.canvas is not None,
            **_rounds(spec, ds, ex, repeat),
            "redraws": ex.redraws,
        }
        ex.close_all()
    print("WIDGET-TIMINGS " + json.dumps(out))


# Where a redraw's time goes: each phase's wall time, from timers put around the functions
# that do it (the outermost call counts; a phase inside another is subtracted from it).
CHART_FUNCTIONS = (
    "series_chart",
    "aligned_timelines",
    "timeline",
    "actor_goal_matrix",
    "counterpart_map",
    "likeness_chart",
    "ach_matrix",
    "hindsight_chart",
)


def _timers() -> tuple[dict[str, float], Callable[[], None]]:
    """Put a timer around each phase's function; returns the totals and a function to undo it."""
    totals: dict[str, float] = {}
    depth: dict[str, int] = {}
    undo: list[Callable[[], None]] = []

    def wrap(owner: Any, name: str, phase: str) -> None:
        inner = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            depth[phase] = depth.get(phase, 0) + 1
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                depth[phase] -= 1
                if not depth[phase]:
                    totals[phase] = totals.get(phase, 0.0) + time.perf_counter() - start

        setattr(owner, name, timed)
        undo.append(lambda: setattr(owner, name, inner))

    wrap(widgets.Explorer, "refresh", "total")
    wrap(charts.Canvas, "axes", "clear")
    for f in CHART_FUNCTIONS:
        wrap(charts, f, "chart")
    wrap(matplotlib.layout_engine.ConstrainedLayoutEngine, "execute", "layout")
    wrap(matplotlib.figure.Figure, "draw", "draw")
    wrap(matplotlib.text.Text, "draw", "text")
    wrap(matplotlib.image, "imsave", "encode")
    wrap(IPython.display, "display", "send")
    wrap(ipywidgets.Widget, "_send", "send")

    def restore() -> None:
        for u in reversed(undo):
            u()

    return totals, restore


def breakdown(repeat: int) -> None:
    """Print JSON: per explorer, the median milliseconds of each phase over ``repeat`` redraws.

    An untimed extra run: medians, so that one redraw that met a busy moment does not
    speak for the rest.
    """
    ds = analogylab.load_dataset()
    out: dict[str, Any] = {}
    for kind, spec in _specs().items():
        ex = spec.build(ds)
        display(ex)
        ex.controls[spec.control].value = spec.values[0]  # warm
        runs: list[dict[str, float]] = []
        totals, restore = _timers()
        try:
            for i in range(repeat):
                totals.clear()
                ex.controls[spec.control].value = spec.values[(i + 1) % 2]
                runs.append({k: 1000 * v for k, v in totals.items()})
        finally:
            restore()
        phases = dict.fromkeys(PHASES, 0.0)
        for label, (name, minus) in PHASES.items():
            phases[label] = statistics.median(
                r.get(name, 0.0) - (r.get(minus, 0.0) if minus else 0.0) for r in runs
            )
        total = statistics.median(r.get("total", 0.0) for r in runs)
        top = sum(v for label, v in phases.items() if not label.startswith(" "))
        phases["other (analysis under the chart, widgets)"] = total - top
        out[kind] = {"redraw_ms": total, "phases_ms": phases}
        ex.close_all()
    print("WIDGET-BREAKDOWN " + json.dumps(out))


PHASES = {  # label: (timer, a timer inside it to subtract)
    "clear the last drawing (Canvas.axes)": ("clear", None),
    "chart function: artists and text twin": ("chart", None),
    "lay out (constrained layout, new key)": ("layout", None),
    "draw: render the artists": ("draw", "layout"),
    "  of which text": ("text", None),
    "encode PNG": ("encode", None),
    "send chart, twin and tables": ("send", None),
}
