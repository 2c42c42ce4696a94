"""Run inside a Jupyter kernel by ``run.py``: time explorer redraws beside bare chart draws.

Not meant to be run by hand. ``run.py`` starts a python3 kernel, runs
``%matplotlib inline`` and then a cell that imports this file and calls
:func:`measure`, which prints one JSON line with the timings.

For each kind of explorer the lessons use (built as the lessons build it), one
control is set to another value, alternating between two values so that every
set is a real change. ``ipywidgets.interactive_output`` redraws synchronously
inside the control's observer, so the time of ``control.value = v`` is the time
until the new chart (PNG encoded, with its text twin and any tables under it)
has been sent to the front end. Beside each update, the baseline draws the same
figure with the chart function the explorer calls and encodes it to PNG the way
the inline backend does (``IPython.core.pylabtools.print_figure``, bbox
"tight"), then closes it. The two alternate (update then bare, then bare then
update) so that any drift in machine load hits both.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
from IPython.core.pylabtools import print_figure
from IPython.display import display

import analogylab
from analogylab import charts, widgets

A, B = "us-mujahideen-1980s", "russia-taliban-2018"


@dataclass
class Spec:
    """One explorer kind: how the lessons build it, which control moves, the bare draw."""

    lesson: str
    build: Callable[[Any], widgets.Explorer]
    control: str
    values: tuple[Any, Any]
    bare: Callable[[Any, dict[str, Any]], Any]  # (ds, the explorer's control values) -> Axes


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


def _bare(spec: Spec, ds: Any, values: dict[str, Any]) -> float:
    t = time.perf_counter()
    ax = spec.bare(ds, values)
    print_figure(ax.figure, "png", bbox_inches="tight", base64=True)
    plt.close(ax.figure)
    return time.perf_counter() - t


def _update(ex: widgets.Explorer, control: str, value: Any) -> float:
    before = ex.redraws
    t = time.perf_counter()
    ex.controls[control].value = value
    elapsed = time.perf_counter() - t
    if ex.redraws != before + 1 or ex.error is not None or ex.description is None:
        raise RuntimeError(f"setting {control}={value!r} did not draw one chart: {ex.error}")
    return elapsed


def measure(repeat: int, only: str | None = None) -> None:
    """Print JSON: for each kind, the update and bare times (seconds) and the redraw count."""
    ds = analogylab.load_dataset()
    out: dict[str, Any] = {}
    for kind, spec in _specs().items():
        if only is not None and kind != only:
            continue
        ex = spec.build(ds)
        if spec.control not in ex.controls:
            raise RuntimeError(f"{kind}: no control {spec.control!r} in {sorted(ex.controls)}")
        display(ex)
        updates: list[float] = []
        bares: list[float] = []
        for i in range(repeat + 1):  # the first pair warms caches and is not kept
            value = spec.values[i % 2]
            if i % 2 == 0:
                u = _update(ex, spec.control, value)
                b = _bare(spec, ds, {n: c.value for n, c in ex.controls.items()})
            else:
                b = _bare(
                    spec, ds, {n: c.value for n, c in ex.controls.items()} | {spec.control: value}
                )
                u = _update(ex, spec.control, value)
            if i:
                updates.append(u)
                bares.append(b)
        out[kind] = {
            "lesson": spec.lesson,
            "control": spec.control,
            "update": updates,
            "bare": bares,
            "redraws": ex.redraws,
        }
        ex.close_all()
    print("WIDGET-TIMINGS " + json.dumps(out))
