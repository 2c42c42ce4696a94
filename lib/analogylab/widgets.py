"""Interactive charts: labelled controls wired to the chart functions of :mod:`analogylab.charts`.

Each function returns an :class:`Explorer`, a box of controls above an output area
of fixed height (so the page does not jump as the chart is redrawn). The output
shows the chart and, folded under it, its text twin. The controls are wired with
``ipywidgets.interactive_output``; sliders redraw only when released
(``continuous_update=False``). A choice the data cannot draw (no series picked,
three different units, two cases with no recorded counterparts) shows a message
in the output area saying what to change, never a traceback.

Running the same cell again replaces its explorer: the previous one is closed,
with its controls and their handlers, so handlers never pile up on a control.

>>> widgets.timeline_explorer(ds, case="us-mujahideen-1980s")
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as ipw
import pandas as pd

from analogylab import charts
from analogylab.data import Dataset
from analogylab.errors import AnalogylabError

__all__ = [
    "Explorer",
    "aligned_explorer",
    "counterpart_explorer",
    "goal_explorer",
    "series_explorer",
    "timeline_explorer",
]

OUTPUT_HEIGHT = "620px"
_STYLE = {"description_width": "initial"}
_live: dict[Hashable, Explorer] = {}  # one explorer per (function, arguments): the latest


class Explorer(ipw.VBox):  # type: ignore[misc]
    """An interactive chart: ``controls`` (by name) above ``output``.

    ``redraws`` counts the drawings, ``description`` is the text twin of the
    chart on show and ``error`` the message shown instead of a chart, if any.
    """

    def __init__(
        self,
        title: str,
        help_text: str,
        controls: dict[str, ipw.Widget],
        draw: Callable[..., Any],
        before: Callable[[Explorer], None] | None = None,
    ) -> None:
        self.title = title
        self.controls = controls
        self.redraws = 0
        self.description: charts.Description | None = None
        self.error: str | None = None
        self._draw = draw
        self._paused = False
        if before is not None:
            before(self)  # observers that must run before a redraw (e.g. reset the years)
        self.output = ipw.interactive_output(self._render, controls)
        self.output.layout = ipw.Layout(
            height=OUTPUT_HEIGHT, overflow="auto", border="1px solid #ddd"
        )
        heading = ipw.HTML(f"<b>{html.escape(title)}</b><br><span>{html.escape(help_text)}</span>")
        boxes = list(controls.values())
        super().__init__(children=[heading, *boxes, self.output])
        self.add_class("analogylab-explorer")

    def _render(self, **values: Any) -> None:
        if self._paused:
            return
        import matplotlib.pyplot as plt  # noqa: PLC0415
        from IPython.display import HTML, display  # noqa: PLC0415

        self.redraws += 1
        open_before = set(plt.get_fignums())
        try:
            ax = self._draw(**values)
        except (AnalogylabError, ValueError) as err:
            for num in set(plt.get_fignums()) - open_before:  # a half-drawn figure is not shown
                plt.close(num)
            self.description, self.error = None, str(err)
            message = f'<p role="alert"><b>Cannot draw this chart:</b> {html.escape(str(err))}</p>'
            display(HTML(message))  # type: ignore[no-untyped-call]
            return
        self.error = None
        self.description = charts.show(ax)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Set several controls together with no redraw for each; the change that led here draws."""
        self._paused = True
        try:
            yield
        finally:
            self._paused = False

    def close_all(self) -> None:
        """Close the explorer, its controls and its output, which drops their handlers."""
        for c in self.controls.values():
            c.close()
        self.output.close()
        self.close()

    def __repr__(self) -> str:
        # ipywidgets cuts the plain-text form of a widget at 110 characters: keep it short.
        return f"Interactive chart: {self.title}. Run this cell to use its controls."


def _register(key: Hashable, explorer: Explorer) -> Explorer:
    old = _live.pop(key, None)
    if old is not None:
        old.close_all()
    _live[key] = explorer
    return explorer


def _key(*parts: Any) -> Hashable:
    return tuple(tuple(p) if isinstance(p, list) else p for p in parts)


def _cases(ds: Dataset) -> list[tuple[str, str]]:
    return [(str(r.short_label), str(r.case_id)) for r in ds.cases.itertuples()]


def _case_or_first(ds: Dataset, case: str | None) -> str:
    ids = list(ds.cases["case_id"])
    if case is None:
        return str(ids[0])
    if case not in ids:
        raise charts.ChartError(f"unknown case {case!r}; the cases are: {', '.join(ids)}")
    return case


def _pair(ds: Dataset, case_a: str | None, case_b: str | None) -> tuple[str, str]:
    """Two cases: as given, else the first case and the next one after it."""
    a = _case_or_first(ds, case_a)
    if case_b is None:
        return a, next((str(c) for c in ds.cases["case_id"] if c != a), a)
    return a, _case_or_first(ds, case_b)


def _event_years(ds: Dataset, case: str) -> tuple[int, int]:
    years = pd.to_datetime(ds.events.loc[ds.events["case_id"] == case, "date"]).dt.year
    return int(years.min()), int(years.max())


def _years_slider(
    lo: int, hi: int, value: Sequence[int] | None, label: str = "Years"
) -> ipw.IntRangeSlider:
    first, last = (lo, hi) if value is None else (int(value[0]), int(value[1]))
    return ipw.IntRangeSlider(
        value=(max(lo, first), min(hi, last)),
        min=lo,
        max=hi,
        step=1,
        description=label,
        continuous_update=False,
        style=_STYLE,
        layout=ipw.Layout(width="640px"),
    )


# --- explorers -------------------------------------------------------------------------------


def timeline_explorer(
    ds: Dataset,
    case: str | None = None,
    kinds: Iterable[str] | None = None,
    years: Sequence[int] | None = None,
) -> Explorer:
    """A timeline with a case picker, a choice of kinds of event and a span of years."""
    case_id = _case_or_first(ds, case)
    all_kinds = list(ds.vocabulary("events", "kind")["value"])
    lo, hi = _event_years(ds, case_id)
    case_w = ipw.Dropdown(options=_cases(ds), value=case_id, description="Case", style=_STYLE)
    kinds_w = ipw.SelectMultiple(
        options=all_kinds,
        value=tuple(kinds) if kinds is not None else tuple(all_kinds),
        rows=6,
        description="Kinds of event (Ctrl- or Cmd-click to pick several)",
        style=_STYLE,
        layout=ipw.Layout(width="640px"),
    )
    years_w = _years_slider(lo, hi, years)

    def draw(case: str, kinds: tuple[str, ...], years: tuple[int, int]) -> Any:
        if not kinds:
            raise charts.ChartError("no kind of event is selected; pick at least one in the list")
        return charts.timeline(ds, case, kinds=list(kinds), years=years)

    def before(ex: Explorer) -> None:
        def new_case(change: dict[str, Any]) -> None:
            # A new case gets its own span of years; draw once, with both changes made.
            lo, hi = _event_years(ds, change["new"])
            with ex.held():
                years_w.min, years_w.max = min(lo, years_w.min), max(hi, years_w.max)
                years_w.value = (lo, hi)
                years_w.min, years_w.max = lo, hi

        case_w.observe(new_case, names="value")

    ex = Explorer(
        "Timeline of events",
        "Pick a case, the kinds of event and the years; hollow marks are contested events.",
        {"case": case_w, "kinds": kinds_w, "years": years_w},
        draw,
        before,
    )
    return _register(_key("timeline", case, kinds and list(kinds), years and list(years)), ex)


def aligned_explorer(
    ds: Dataset,
    case_a: str | None = None,
    case_b: str | None = None,
    align: tuple[str, str] | None = None,
    window: Sequence[int] | None = None,
) -> Explorer:
    """Two cases lined up on a chosen pair of events, with a window of years around it."""
    a, b = _pair(ds, case_a, case_b)
    pairs = charts.alignment_pairs(ds, a, b)
    if align is not None and tuple(align) not in pairs.values():
        ea, eb = (ds.row("events", e)["title"] for e in align)
        pairs = {f"{ea} with {eb}": (align[0], align[1]), **pairs}
    if not pairs:
        raise charts.ChartError(
            f"the cases {a!r} and {b!r} share no kind of event to line up on "
            f"({', '.join(charts.ALIGN_KINDS)}); pass align=(event_a, event_b)"
        )
    first = tuple(align) if align is not None else next(iter(pairs.values()))
    align_w = ipw.Dropdown(
        options=list(pairs.items()),
        value=first,
        description="Line up",
        style=_STYLE,
        layout=ipw.Layout(width="640px"),
    )
    win = (-5, 15) if window is None else (int(window[0]), int(window[1]))
    window_w = _years_slider(
        min(-20, win[0]), max(40, win[1]), win, label="Years before and after the aligned events"
    )

    def draw(align: tuple[str, str], window: tuple[int, int]) -> Any:
        return charts.aligned_timelines(ds, a, b, align=align, window=window)

    ex = Explorer(
        "The two cases lined up",
        "Choose which pair of events to put at year 0, and how many years either side to show.",
        {"align": align_w, "window": window_w},
        draw,
    )
    return _register(_key("aligned", a, b, align and list(align), window and list(window)), ex)


def series_explorer(
    ds: Dataset,
    series_ids: Iterable[str] | None = None,
    case: str | None = None,
    years: Sequence[int] | None = None,
) -> Explorer:
    """Yearly series with a series picker and a span of years; ranges where sources disagree."""
    info = ds.series_info
    if case is not None:
        _case_or_first(ds, case)
        info = info[info["case_id"] == case]
    if info.empty:
        raise charts.ChartError(
            f"the case {case!r} has no series; add rows to data/series_info.csv"
        )
    options = [(f"{r.title} ({r.unit})", str(r.series_id)) for r in info.itertuples()]
    chosen = tuple(series_ids) if series_ids is not None else (options[0][1],)
    known = {v for _, v in options}
    for s in chosen:
        if s not in known:
            raise charts.ChartError(
                f"unknown series {s!r} here; choose from: {', '.join(sorted(known))}"
            )
    rows = ds.series[ds.series["series_id"].isin(known)]
    lo, hi = int(rows["year"].min()), int(rows["year"].max())
    series_w = ipw.SelectMultiple(
        options=options,
        value=chosen,
        rows=min(len(options), 6),
        description="Series (Ctrl- or Cmd-click to pick two)",
        style=_STYLE,
        layout=ipw.Layout(width="640px"),
    )
    years_w = _years_slider(lo, hi, years)

    def draw(series_ids: tuple[str, ...], years: tuple[int, int]) -> Any:
        return charts.series_chart(ds, list(series_ids), years=years)

    ex = Explorer(
        "Yearly figures",
        "Pick one series, or two to compare; "
        "bars and bands show where sources give different figures.",
        {"series_ids": series_w, "years": years_w},
        draw,
    )
    return _register(
        _key("series", series_ids and list(series_ids), case, years and list(years)), ex
    )


def goal_explorer(ds: Dataset, case: str | None = None) -> Explorer:
    """The actors-by-goals grid, with a case picker."""
    case_w = ipw.Dropdown(
        options=_cases(ds), value=_case_or_first(ds, case), description="Case", style=_STYLE
    )

    def draw(case: str) -> Any:
        return charts.actor_goal_matrix(ds, case)

    ex = Explorer(
        "Actors and their goals",
        "Pick a case: who wants what, stated or inferred.",
        {"case": case_w},
        draw,
    )
    return _register(_key("goals", case), ex)


def counterpart_explorer(
    ds: Dataset, case_a: str | None = None, case_b: str | None = None
) -> Explorer:
    """The role-by-role mapping between two cases, with a picker for each."""
    a, b = _pair(ds, case_a, case_b)
    a_w = ipw.Dropdown(options=_cases(ds), value=a, description="First case (left)", style=_STYLE)
    b_w = ipw.Dropdown(
        options=_cases(ds),
        value=b,
        description="Second case (right)",
        style=_STYLE,
    )

    def draw(case_a: str, case_b: str) -> Any:
        if case_a == case_b:
            raise charts.ChartError("both pickers name the same case; choose two different cases")
        return charts.counterpart_map(ds, case_a, case_b)

    ex = Explorer(
        "Who plays whose part",
        "Pick two cases; line style and label give how well each pair fits.",
        {"case_a": a_w, "case_b": b_w},
        draw,
    )
    return _register(_key("counterparts", case_a, case_b), ex)
