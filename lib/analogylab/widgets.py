"""Interactive charts: labelled controls wired to the chart functions of :mod:`analogylab.charts`.

Each function returns an :class:`Explorer`: a box of controls above the chart, a
"Show the chart in words" box that unfolds its text twin, and any tables that go
with it. The explorer grows with what it shows (no inner scroll box). A change of
a control redraws at once (sliders when released, ``continuous_update=False``);
a choice the data cannot draw (no series picked, three kinds of quantity, two
cases with no recorded counterparts) shows a message saying what to change, never
a traceback.

A figure is made once per explorer (a :class:`charts.Canvas`) and redrawn in place:
a control change replaces the marks, limits and labels it affects and keeps the
figure, its axes and its layout, which is worked out again only when the change
puts new labels in the margins (another case, other series). The ACH matrix and
the hindsight matrix are HTML tables, not figures. The text twin is a widget of
its own, so it stays open (or closed) across redraws, as the student left it.

Running the same cell again replaces its explorer: the previous one is closed,
with its controls and their handlers, so handlers never pile up on a control.

Each drawing records its sources in the dataset (``ds.cited``): the one the explorer
starts with, and each redraw after a change, so the lesson's sources cell, run
again, lists what the student looked at (see :mod:`analogylab.citations`).

>>> widgets.timeline_explorer(ds, case="us-mujahideen-1980s")
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as ipw
import pandas as pd

from analogylab import charts
from analogylab.citations import output_metadata
from analogylab.data import Dataset
from analogylab.errors import AnalogylabError

__all__ = [
    "Explorer",
    "Waiting",
    "ach_explorer",
    "aligned_explorer",
    "analogy_explorer",
    "counterpart_explorer",
    "goal_explorer",
    "hindsight_explorer",
    "series_explorer",
    "timeline_explorer",
]

TWIN_LABEL = "Show the chart in words"
_STYLE = {"description_width": "initial"}
_live: dict[Hashable, Explorer] = {}  # one explorer per (function, arguments): the latest


class Explorer(ipw.VBox):  # type: ignore[misc]
    """An interactive chart: ``controls`` (by name) above ``output``, its twin under it.

    ``draw`` takes the controls' values by name, and ``ax`` if it draws a figure
    (the explorer's :class:`charts.Canvas` hands it the same Axes each time,
    cleared); it returns an Axes or a :class:`charts.RatingTable`, or a pair of
    that and HTML snippets to show under it. ``layout_by`` names the controls
    whose values put other labels in the figure's margins (a case, the series): the
    figure is laid out once for each combination of their values, and kept so.

    ``redraws`` counts the drawings, ``description`` is the text twin of the
    chart on show, ``sources`` the source ids of every drawing so far (each drawing
    also records them in its dataset), ``error`` the message shown instead of a chart if the choice
    cannot be drawn, and ``waiting`` the message shown while the chart waits for
    the student (say, for ratings to be checked). ``output`` holds the chart,
    ``twin`` its text twin (shown while ``twin_toggle`` is ticked) and ``notes``
    the tables under it.
    """

    def __init__(
        self,
        title: str,
        help_text: str,
        controls: dict[str, ipw.Widget],
        draw: Callable[..., Any],
        before: Callable[[Explorer], None] | None = None,
        *,
        above: Sequence[ipw.Widget] = (),
        arrange: Callable[[dict[str, ipw.Widget]], Sequence[ipw.Widget]] | None = None,
        layout_by: Iterable[str] = (),
    ) -> None:
        self.title = title
        self.controls = controls
        self.redraws = 0
        self.description: charts.Description | None = None
        self._sources: dict[str, None] = {}
        self.error: str | None = None
        self.waiting: str | None = None
        self._undo: list[Callable[[], None]] = []
        self._draw = draw
        self._paused = False
        self._layout_by = tuple(layout_by)
        self.canvas = charts.Canvas() if "ax" in inspect.signature(draw).parameters else None
        if before is not None:
            before(self)  # observers that must run before a redraw (e.g. reset the years)
        self.output = ipw.Output()
        self.output.add_class("analogylab-chart")
        self.twin_toggle = ipw.Checkbox(
            value=False, description=TWIN_LABEL, indent=False, layout=ipw.Layout(width="auto")
        )
        self.twin_toggle.add_class("analogylab-twin-toggle")
        self.twin = ipw.HTML(layout=ipw.Layout(display="none"))
        self.twin.add_class("analogylab-text-twin")
        self.notes = ipw.HTML()
        self.notes.add_class("analogylab-notes")
        self.twin_toggle.observe(self._show_twin, names="value")
        for control in controls.values():  # after ``before``: its observers run first
            control.observe(self._changed, names="value")
        heading = ipw.HTML(f"<b>{html.escape(title)}</b><br><span>{html.escape(help_text)}</span>")
        boxes = list(arrange(controls) if arrange is not None else controls.values())
        super().__init__(
            children=[*above, heading, *boxes, self.output, self.twin_toggle, self.twin, self.notes]
        )
        self.add_class("analogylab-explorer")
        self.refresh()

    def _changed(self, _change: dict[str, Any]) -> None:
        if not self._paused:
            self.refresh()

    def _show_twin(self, change: dict[str, Any]) -> None:
        self.twin.layout.display = None if change["new"] else "none"

    def refresh(self) -> None:
        """Draw again with the controls as they are (after a change, or something outside them)."""
        from IPython.display import HTML, clear_output, display  # noqa: PLC0415

        values = {name: c.value for name, c in self.controls.items()}
        with self.output:
            clear_output(wait=True)  # type: ignore[no-untyped-call]
            shown = self._render(values)
            if isinstance(shown, str):
                display(HTML(shown))  # type: ignore[no-untyped-call]
            else:
                display(shown[0], raw=True, metadata=shown[1])  # type: ignore[no-untyped-call]
        drawn = self.description is not None
        self.twin_toggle.layout.display = None if drawn else "none"
        if not drawn:
            self.twin.value = ""
            self.notes.value = ""

    def _render(self, values: dict[str, Any]) -> str | tuple[dict[str, str], dict[str, Any]]:
        """Draw; return what the output shows: a display bundle and its metadata, or HTML."""
        self.redraws += 1
        self.waiting = None
        try:
            if self.canvas is not None:
                drawn = self._draw(**values, ax=self.canvas.axes())
            else:
                drawn = self._draw(**values)
        except Waiting as wait:
            self.description, self.error, self.waiting = None, None, str(wait)
            return f'<p role="status">{html.escape(str(wait))}</p>'
        except (AnalogylabError, ValueError) as err:
            self.description, self.error = None, str(err)
            return f'<p role="alert"><b>Cannot draw this chart:</b> {html.escape(str(err))}</p>'
        extras: Sequence[str] = ()
        if isinstance(drawn, tuple):  # (chart, HTML to show under the chart's twin)
            drawn, extras = drawn
        self.error = None
        self.description = desc = charts.record_sources(drawn)  # in the dataset: ds.cited
        self._sources.update(dict.fromkeys(desc.sources))
        self.twin.value = _twin_html(desc)
        self.notes.value = "".join(extras)
        if isinstance(drawn, charts.RatingTable):
            return charts.table_bundle(drawn), {}
        assert self.canvas is not None
        # The layout is the one for these values of the controls that change the margins.
        layout = tuple(_hashable(values[name]) for name in self._layout_by)
        return charts.image_bundle(self.canvas.png(layout), desc)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Set several controls together with no redraw for each; the change that led here draws."""
        self._paused = True
        try:
            yield
        finally:
            self._paused = False

    def on_close(self, undo: Callable[[], None]) -> None:
        """Run ``undo`` when the explorer is closed (to detach a handler it put elsewhere)."""
        self._undo.append(undo)

    def close_all(self) -> None:
        """Close the explorer, its controls and its output, which drops their handlers."""
        for undo in self._undo:
            undo()
        self._undo.clear()
        for c in self.controls.values():
            c.close()
        for part in (self.output, self.twin_toggle, self.twin, self.notes):
            part.close()
        self.canvas = None
        self.close()

    @property
    def sources(self) -> tuple[str, ...]:
        """The source ids of every drawing so far, in the order first drawn."""
        return tuple(self._sources)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # The widget's own bundle, with the sources of what it has drawn as metadata, so a
        # stored lesson says what its explorer showed (analogylab.citations).
        data = super()._repr_mimebundle_(**kwargs)
        meta = output_metadata(self._sources)
        return (data, meta) if data is not None and meta else data

    def __repr__(self) -> str:
        # ipywidgets cuts the plain-text form of a widget at 110 characters: keep it short.
        return f"Interactive chart: {self.title}. Run this cell to use its controls."


def _hashable(value: Any) -> Hashable:
    return tuple(value) if isinstance(value, list) else value


def _twin_html(desc: charts.Description) -> str:
    """The text twin as the explorer shows it when unfolded: a heading, then its sentences."""
    body = "".join(f"<p>{html.escape(s)}</p>" for s in desc.sentences)
    return f"<p><b>The chart in words: {html.escape(desc.title)}</b></p>{body}"


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
        rows=min(len(all_kinds), 16),  # every kind in view, not six and a scroll bar
        description="Kinds of event (Ctrl- or Cmd-click to pick several)",
        style=_STYLE,
        layout=ipw.Layout(width="640px"),
    )
    years_w = _years_slider(lo, hi, years)

    def draw(case: str, kinds: tuple[str, ...], years: tuple[int, int], ax: Any) -> Any:
        if not kinds:
            raise charts.ChartError("no kind of event is selected; pick at least one in the list")
        return charts.timeline(ds, case, kinds=list(kinds), years=years, ax=ax)

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
        layout_by=("case", "kinds"),  # the rows, named in the margin, change
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

    def draw(align: tuple[str, str], window: tuple[int, int], ax: Any) -> Any:
        return charts.aligned_timelines(ds, a, b, align=align, window=window, ax=ax)

    ex = Explorer(
        "The two cases lined up",
        "Choose which pair of events to put at year 0, and how many years either side to show.",
        {"align": align_w, "window": window_w},
        draw,
        layout_by=("align",),
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
        rows=min(len(options), 12),  # every series in view (a case has about ten)
        description="Series (Ctrl- or Cmd-click to pick two)",
        style=_STYLE,
        layout=ipw.Layout(width="640px"),
    )
    years_w = _years_slider(lo, hi, years)

    def draw(series_ids: tuple[str, ...], years: tuple[int, int], ax: Any) -> Any:
        return charts.series_chart(ds, list(series_ids), years=years, ax=ax)

    ex = Explorer(
        "Yearly figures",
        "Pick one series, or two to compare; "
        "bars and bands show where sources give different figures.",
        {"series_ids": series_w, "years": years_w},
        draw,
        layout_by=("series_ids",),  # the legend and the y axes change
    )
    return _register(
        _key("series", series_ids and list(series_ids), case, years and list(years)), ex
    )


def goal_explorer(ds: Dataset, case: str | None = None) -> Explorer:
    """The actors-by-goals grid, with a case picker."""
    case_w = ipw.Dropdown(
        options=_cases(ds), value=_case_or_first(ds, case), description="Case", style=_STYLE
    )

    def draw(case: str, ax: Any) -> Any:
        return charts.actor_goal_matrix(ds, case, ax=ax)

    ex = Explorer(
        "Actors and their goals",
        "Pick a case: who wants what, stated or inferred.",
        {"case": case_w},
        draw,
        layout_by=("case",),  # other actors, named in the margin
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

    def draw(case_a: str, case_b: str, ax: Any) -> Any:
        if case_a == case_b:
            raise charts.ChartError("both pickers name the same case; choose two different cases")
        return charts.counterpart_map(ds, case_a, case_b, ax=ax)

    ex = Explorer(
        "Who plays whose part",
        "Pick two cases; line style and label give how well each pair fits.",
        {"case_a": a_w, "case_b": b_w},
        draw,
        layout_by=("case_a", "case_b"),
    )
    return _register(_key("counterparts", case_a, case_b), ex)


# --- the analyst's tools ---------------------------------------------------------------------


def _html_table(
    frame: pd.DataFrame, caption: str, ds: Dataset | None = None, **headings: str
) -> str:
    """A table under a chart: whole cells, names instead of ids (``analogylab.show_table``)."""
    from analogylab.tables import make_table  # noqa: PLC0415

    return make_table(ds, frame, caption=caption, headings=headings).html()


def _note(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def analogy_explorer(
    ds: Dataset,
    case_a: str | None = None,
    case_b: str | None = None,
    weights: dict[str, float] | None = None,
) -> Explorer:
    """Likenesses and differences with a weight slider per dimension; the score follows.

    Under the chart: which single weight, moved alone, would tip the verdict.
    "Reset to default weights" puts every slider back to dimensions.csv's weight.
    """
    from analogylab import analysis  # noqa: PLC0415

    a, b = _pair(ds, case_a, case_b)
    start = analysis.dimension_weights(ds, weights)
    defaults = analysis.dimension_weights(ds)
    names = dict(zip(ds.dimensions["dimension_id"], ds.dimensions["name"], strict=True))
    a_w = ipw.Dropdown(options=_cases(ds), value=a, description="First case", style=_STYLE)
    b_w = ipw.Dropdown(options=_cases(ds), value=b, description="Second case", style=_STYLE)
    sliders = {
        d: ipw.FloatSlider(
            value=start[d],
            min=0,
            max=analysis.MAX_WEIGHT,
            step=0.5,
            description=f"Weight: {names[d]}",
            continuous_update=False,
            readout_format=".1f",
            style={"description_width": "230px"},
            layout=ipw.Layout(width="420px"),
        )
        for d in names
    }
    reset = ipw.Button(
        description="Reset to default weights",
        tooltip="Put every weight back to its default in dimensions.csv",
        icon="undo",
        layout=ipw.Layout(width="auto"),
    )

    def draw(case_a: str, case_b: str, ax: Any, **w: float) -> Any:
        if case_a == case_b:
            raise charts.ChartError("both pickers name the same case; choose two different cases")
        ax = charts.likeness_chart(ds, case_a, case_b, weights=w, ax=ax)
        sens = analysis.weight_sensitivity(ds, case_a, case_b, weights=w)
        flips = sens[sens["flips"]]
        if flips.empty:
            text = (
                "No single weight, moved alone between 0 and 3, tips this verdict; "
                "it takes several changes together."
            )
        else:
            parts = [
                f"{r.name} from {r.weight:g} to {r.tipping_weight:.2f}"
                for r in flips.head(5).itertuples()
            ]
            text = "One weight moved alone tips the verdict: past " + "; or ".join(parts) + "."
        return ax, (_note(text),)

    controls: dict[str, ipw.Widget] = {"case_a": a_w, "case_b": b_w, **sliders}

    def arrange(c: dict[str, ipw.Widget]) -> list[ipw.Widget]:
        grid = ipw.GridBox(
            list(sliders.values()),
            layout=ipw.Layout(grid_template_columns="repeat(2, 430px)"),
        )
        return [ipw.HBox([c["case_a"], c["case_b"]]), grid, reset]

    ex = Explorer(
        "Likenesses, differences and their weights",
        "Move a weight to say how much a dimension matters to you (0 ignores it, 3 makes it "
        "decisive); the chart and the score follow.",
        controls,
        draw,
        arrange=arrange,
        layout_by=("case_a", "case_b"),
    )

    def on_reset(_b: Any) -> None:
        with ex.held():
            for d, sl in sliders.items():
                sl.value = defaults[d]
        ex.refresh()

    reset.on_click(on_reset)
    ex.reset_button = reset
    return _register(_key("analogy", case_a, case_b), ex)


_DIAGNOSTIC = (
    "Diagnostic items: the ones that tell the hypotheses apart. 'Spread' is the most "
    "inconsistency points (I = 1, II = 2) the item gives any hypothesis minus the fewest; "
    "above 0, it counts against some hypotheses more than others"
)


def _diagnostic_rows(m: pd.DataFrame, diag: pd.DataFrame) -> pd.DataFrame:
    """The diagnostic items with their rating under each hypothesis, in its own column."""
    rows = diag[diag["diagnostic"]]
    ratings = m.loc[rows["evidence_id"]].fillna("").reset_index(drop=True)
    return pd.concat(
        [
            rows[["evidence_id"]].reset_index(drop=True),
            ratings,
            rows[["points", "spread"]]
            .reset_index(drop=True)
            .rename(columns={"points": "inconsistency points", "spread": "spread"}),
        ],
        axis=1,
    )


class Waiting(AnalogylabError):  # noqa: N818  (not an error: a prompt to the student)
    """Nothing to draw yet, for a reason the student acts on (say, no ratings checked)."""


def _exercise_answer(widget: Any, *, own: bool = False) -> Any:
    """The last ratings the student checked in this grid exercise, or None.

    ``own``: with the columns the student added, merged or split (and its ``"@own"``
    entry, which says how); else only the exercise's own columns (the hindsight chart's).
    """
    from analogylab.exercises import last_answer  # noqa: PLC0415
    from analogylab.grading import OWN_KEY  # noqa: PLC0415

    answer = last_answer(widget.exercise.id, store=widget.store)
    if not isinstance(answer, dict):
        return None
    columns = {c.id for c in widget.exercise.columns}
    if own:  # a column the answer does not say how it came about: one the student added
        how = dict(answer.get(OWN_KEY) or {})
        for r, cols in answer.items():
            if r != OWN_KEY and isinstance(cols, dict):
                how.update({c: {"how": "added"} for c in cols if c not in columns and c not in how})
        return {**answer, OWN_KEY: how} if how else answer
    return {
        r: {c: v for c, v in cols.items() if c in columns}
        for r, cols in answer.items()
        if r != OWN_KEY
    }


def _grid(exercise_id: str | None, exercise: Any, what: str) -> tuple[Any, bool]:
    """The rating-grid widget to follow, and whether the explorer shows it itself."""
    if exercise_id is not None and exercise is not None:
        raise charts.ChartError("give exercise_id or exercise, not both")
    if exercise is None and exercise_id is None:
        return None, False
    own = exercise is None
    if own:
        from analogylab.exercise_widgets import exercise as make  # noqa: PLC0415

        exercise = make(str(exercise_id))
    if exercise.exercise.kind != "grid":
        raise charts.ChartError(
            f"exercise {exercise.exercise.id} is a {exercise.exercise.kind_name}; "
            f"a {what} needs a rating grid"
        )
    return exercise, own


def _whose_toggle() -> ipw.ToggleButtons:
    return ipw.ToggleButtons(
        options=[("Your ratings", "yours"), ("Reference ratings", "reference")],
        value="yours",
        description="Whose ratings",
        style=_STYLE,
        tooltips=["The ratings you last checked", "The curated ratings, with their reasons"],
    )


def _checkbox(description: str) -> ipw.Checkbox:
    return ipw.Checkbox(
        value=False, description=description, indent=False, layout=ipw.Layout(width="auto")
    )


def _students(whose: str, grid: Any, own: bool, what: str, *, columns: bool = False) -> Any:
    """The ratings to draw: None for the reference, else the student's last checked ones.

    ``columns``: with the student's own hypotheses (see :func:`_exercise_answer`).
    """
    if whose != "yours":
        return None
    ratings = _exercise_answer(grid, own=columns)
    if ratings is None:
        where = " above" if own else " earlier on the page"
        raise Waiting(_WAIT.format(where=where, what=what))
    return ratings


def _follow(ex: Explorer, grid: Any) -> None:
    """Redraw the explorer with the student's ratings after each Check of the grid."""
    ex.exercise = grid

    def after_check(_b: Any) -> None:
        if _exercise_answer(grid) is None:
            return
        if ex.controls["whose"].value != "yours":
            ex.controls["whose"].value = "yours"  # redraws through the control
        else:
            ex.refresh()

    grid.check_button.on_click(after_check)  # runs after the widget's own check
    ex.on_close(lambda: grid.check_button.on_click(after_check, remove=True))


_WAIT = (
    "Rate every cell of the exercise{where} and press Check: your {what} appears here, "
    "and redraws each time you check. To see the curated ratings and their reasons now, "
    "choose 'Reference ratings'."
)


def _heuer_notes() -> ipw.HTML:
    """Where the package is narrower than Heuer, or simplifies him: folded, and never redrawn."""
    from analogylab.analysis import HEUER_NOTES  # noqa: PLC0415

    keys = ("diagnostic", "scoring", "weights", "dropping", "reconsider", "sensitivity")
    body = "".join(f"<p>{html.escape(HEUER_NOTES[k])}</p>" for k in keys)
    note = ipw.HTML(
        '<details class="analogylab-heuer"><summary>Where this tool is narrower than Heuer, '
        f"or simplifies him</summary>{body}</details>"
    )
    note.add_class("analogylab-heuer-notes")
    return note


def _own_notes(m: pd.DataFrame, ds: Dataset) -> list[str]:
    """What the matrix says about the student's own hypotheses, and what they replace."""
    from analogylab import analysis  # noqa: PLC0415

    own = analysis.own_hypotheses(m)
    if not own:
        return []
    names = dict(zip(ds.hypotheses["hypothesis_id"], ds.hypotheses["label"], strict=True))
    parts = [f"“{label}” ({o.describe(names)})" for label, o in own.items()]
    out = [
        _note(
            "Your own hypotheses: "
            + "; ".join(parts)
            + ". They are scored by the same rules as the others and compared with nothing: "
            "the curators have no ratings for them."
        )
    ]
    replaced = m.attrs.get("replaced", {})
    if replaced:
        out.append(
            _note(
                "Left out of this matrix, because your hypotheses take their place: "
                + "; ".join(
                    f"“{names.get(h, h)}” (by “{'”, “'.join(by)}”)" for h, by in replaced.items()
                )
                + ". Your ratings of them stay in your grid."
            )
        )
    return out


def _dropped_notes(pruned: Any, ds: Dataset) -> list[str]:
    """The items left out as not diagnostic, each with why, and what leaving them out did."""
    out = [_note(" ".join(pruned.sentences()))]
    if not pruned.dropped.empty:
        out.append(
            _html_table(
                pruned.dropped[["evidence_id", "ratings", "why", "heuer"]],
                "Left out (Heuer's step 4): the items that give every hypothesis the same "
                "points, with why, and where Heuer's wider notion would still see a difference",
                ds,
                evidence_id="Item left out",
                ratings="Its ratings, hypothesis by hypothesis",
                why="Why it is left out",
                heuer="In Heuer's wider sense",
            )
        )
    return out


def ach_explorer(
    ds: Dataset, case: str, exercise_id: str | None = None, *, exercise: Any = None
) -> Explorer:
    """Heuer's matrix, with the scores, diagnosticity and leave-one-out shown under it.

    With a rating-grid exercise (``exercise_id``, shown above the matrix, or
    ``exercise``, a grid widget already on the page) the matrix starts with the
    student's own ratings and redraws after every Check; "Whose ratings"
    switches to the reference ratings, and under the student's matrix a table
    lists where they differ from the reference, with its reasons. "Weighted"
    multiplies each item by its credibility x relevance.

    The student's own hypotheses (a grid made with ``add_columns=True``: added,
    merged or split) are columns of their matrix, headed by their labels, marked as
    theirs and scored like the others; a merge or a split takes the place of the
    hypotheses it replaces. "Leave out the items that do not tell them apart"
    (Heuer's step 4) drops the non-diagnostic items, lists them with why, and
    rescores. A folded note says where the tool is narrower than Heuer or
    simplifies him (``analysis.HEUER_NOTES``).
    """
    from analogylab import analysis  # noqa: PLC0415

    _case_or_first(ds, case)
    grid, own = _grid(exercise_id, exercise, "matrix of competing hypotheses")
    controls: dict[str, ipw.Widget] = {
        "weighted": _checkbox("Weighted (credibility x relevance of each item)"),
        "drop": _checkbox("Leave out the items that do not tell the hypotheses apart (step 4)"),
    }
    if grid is not None:
        controls = {"whose": _whose_toggle(), **controls}
    labels = dict(zip(ds.hypotheses["hypothesis_id"], ds.hypotheses["label"], strict=True))

    def draw(weighted: bool, drop: bool, whose: str = "reference") -> Any:
        answer = _students(whose, grid, own, "matrix", columns=True)
        ratings = None if answer is None else analysis.reconsidered(answer)
        who = "the reference ratings" if ratings is None else "your ratings"
        shown, extras = ratings, []
        if drop:
            base = analysis.rating_matrix(ds, case) if ratings is None else ratings
            pruned = analysis.drop_non_diagnostic(
                base, ds.evidence, weighted=weighted, names=labels
            )
            if pruned.after is None:
                raise Waiting(" ".join(pruned.sentences()))
            shown, who = pruned.kept, f"{who}, without the items that do not tell them apart"
            extras += _dropped_notes(pruned, ds)
        table = charts.ach_matrix(ds, case, ratings=shown, weighted=weighted, whose=who)
        m = table.matrix
        mine = analysis.own_hypotheses(m)
        scores = table.scores.copy()  # as the table counted them
        scores.insert(1, "label", [labels.get(h, h) for h in scores["hypothesis_id"]])
        scores["whose"] = [
            mine[h].describe(labels) if h in mine else "" for h in scores["hypothesis_id"]
        ]
        diag = analysis.diagnosticity(m)
        loo = analysis.leave_one_out(m, ds.evidence, weighted=weighted)
        movers = loo[loo["order_changed"]]
        shown_scores = ["rank", "label", "inconsistency", "weighted", "consistent", "applicable"]
        extras = [
            _html_table(
                scores[shown_scores + (["whose"] if mine else [])].round(2),
                "Scores (rank 1 = least inconsistent; 'consistent' is shown, never scored)",
                ds,
                label="Hypothesis",
                inconsistency="Inconsistency (I = 1, II = 2)",
                weighted="Weighted inconsistency",
                consistent="Consistent items (C or CC)",
                applicable="Items that bear on it (not NA)",
                whose="Yours?",
            ),
            *_own_notes(ratings if ratings is not None else m, ds),
            *extras,
            _html_table(_diagnostic_rows(m, diag), _DIAGNOSTIC, ds)
            if diag["diagnostic"].any()
            else _note("No item tells the hypotheses apart: each gives them all the same score."),
            _note("Leave one out: no single item changes the ranking when dropped.")
            if movers.empty
            else _html_table(
                movers[["evidence_id", "leader", "moved"]],
                "Leave one out: the items that, dropped alone, change the ranking; the "
                "judgement leans on them",
                ds,
                evidence_id="Item left out",
                leader="Least inconsistent without it",
                moved="Hypotheses whose rank changes",
            ),
        ]
        if whose == "yours":
            cmp = analysis.compare_ratings(answer, ds.ratings)
            differ = cmp[~cmp["agree"]]
            extras.append(
                _note(
                    f"You agree with the reference on {int(cmp['agree'].sum())} "
                    f"of {len(cmp)} cells."
                )
            )
            if not differ.empty:
                extras.append(
                    _html_table(
                        differ[
                            ["evidence_id", "hypothesis_id", "student", "reference", "rationale"]
                        ],
                        "Where you differ from the reference, with its reason",
                        ds,
                        student="Your rating",
                        reference="Reference rating",
                        rationale="The reference's reason",
                    )
                )
        return table, tuple(extras)

    heuer = _heuer_notes()

    def arrange(c: dict[str, ipw.Widget]) -> list[ipw.Widget]:
        return [*c.values(), heuer]

    ex = Explorer(
        "Competing hypotheses",
        "Switch between your ratings and the reference, try the weighted score, and leave "
        "out what does not tell the hypotheses apart; the tables under the matrix follow.",
        controls,
        draw,
        above=[grid] if own else [],
        arrange=arrange,
    )
    if grid is not None:
        _follow(ex, grid)
    return _register(_key("ach", case, exercise_id, exercise is not None), ex)


def hindsight_explorer(
    ds: Dataset, case: str, exercise_id: str | None = None, *, exercise: Any = None
) -> Explorer:
    """What happened after the analysis date against each hypothesis, with hindsight scores.

    "Leave out contested developments" drops the ones whose facts are disputed.
    With a rating grid whose rows are event ids (``exercise_id``, shown above, or
    ``exercise``, a grid widget already on the page) the chart starts with the
    student's own ratings and redraws after every Check.
    """
    _case_or_first(ds, case)
    labels = dict(zip(ds.hypotheses["hypothesis_id"], ds.hypotheses["label"], strict=True))
    grid, own = _grid(exercise_id, exercise, "hindsight chart")
    controls: dict[str, ipw.Widget] = {"contested": _checkbox("Leave out contested developments")}
    if grid is not None:
        controls = {"whose": _whose_toggle(), **controls}

    def draw(contested: bool, whose: str = "reference") -> Any:
        ratings = _students(whose, grid, own, "chart")
        table = charts.hindsight_chart(ds, case, ratings=ratings, include_contested=not contested)
        scores = table.scores.copy()  # analysis.hindsight_scores, as the table counted them
        scores.insert(1, "label", scores["hypothesis_id"].map(labels))
        scores_shown = scores[["rank", "label", "inconsistency", "consistent", "applicable"]]
        scored = _html_table(
            scores_shown, "Hindsight scores (rank 1 = least inconsistent)", ds, label="Hypothesis"
        )
        return table, (scored,)

    ex = Explorer(
        "Hindsight",
        "What each explanation would have led you to expect, against what happened. The "
        "curators wrote those expectations after the events, in hindsight.",
        controls,
        draw,
        above=[grid] if own else [],
    )
    if grid is not None:
        _follow(ex, grid)
    return _register(_key("hindsight", case, exercise_id, exercise is not None), ex)
