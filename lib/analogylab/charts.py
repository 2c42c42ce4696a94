"""Charts of the curated data, each with a text twin.

Every chart function draws only what the dataset holds, takes ``ax=None`` (a new
figure is made when no Axes is given) and returns the Axes it drew on. The
figures use the Okabe-Ito palette, which stays distinguishable with the common
forms of colour blindness, and never rely on colour alone: event kinds also
differ by marker shape and row, series by line style, fit by line style and a
written label. Nothing is changed in matplotlib's global style.

Each chart has a **text twin**: ``describe(ax)`` returns a :class:`Description`
that says in sentences what the chart shows, with its key numbers and the ids of
the sources of every row drawn, and ``alt_text(ax)`` gives its first sentence.
``show(ax)`` displays a chart followed by its twin (folded under "The chart in
words"), which is how the lessons put them side by side, and records the chart's
sources in the dataset it was drawn from (``ds.cited``), so the lesson's sources
cell lists them (``record_sources`` does only the recording, for explorers).

Two charts are tables: ``ach_matrix`` and ``hindsight_chart`` return a
:class:`RatingTable`, an HTML table (caption, header cells with their scope, the
rating in every cell as text and as colour), which ``describe`` and ``show``
take like an Axes. Figures are sized for a screen (at most ``SCREEN_WIDTH``
inches at ``SCREEN_DPI``, so one figure pixel is one pixel of the page).
An explorer draws on a :class:`Canvas`: one figure, made once, whose layout is
fixed, and which each change of a control redraws in place.

>>> ax = timeline(ds, "us-mujahideen-1980s", years=(1979, 1989))
>>> print(describe(ax).text)
"""

from __future__ import annotations

import base64
import functools
import html
import io
import textwrap
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from analogylab.citations import output_metadata
from analogylab.data import Dataset
from analogylab.errors import AnalogylabError
from analogylab.validate import display_path

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "PALETTE",
    "SCREEN_DPI",
    "SCREEN_WIDTH",
    "Canvas",
    "ChartError",
    "Description",
    "RatingTable",
    "ach_matrix",
    "actor_goal_matrix",
    "aligned_timelines",
    "alignment_pairs",
    "alt_text",
    "counterpart_map",
    "describe",
    "hindsight_chart",
    "likeness_chart",
    "record_sources",
    "series_chart",
    "show",
    "timeline",
]

# A figure for the screen: one figure pixel per pixel of the page at 100 dpi (so text keeps the
# size it is set in), and no wider than the output area of JupyterLab with its side bar open.
SCREEN_WIDTH = 9.0  # inches
SCREEN_DPI = 100

# Okabe & Ito (2008), "Color Universal Design": safe for the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (last: weak on white, used only beside a shape)
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "d", "8", "H")
LINESTYLES = ("-", "--", ":", "-.")
FIT_STYLE: dict[str, tuple[Any, float]] = {
    "strong": ("-", 2.6),
    "partial": ("--", 1.8),
    "weak": (":", 1.4),
}


_Drawn = TypeVar("_Drawn")  # an Axes, or a RatingTable
_P = ParamSpec("_P")


class ChartError(AnalogylabError, ValueError):
    """A chart was asked for something the data does not hold (an unknown id, an empty span)."""


@dataclass(frozen=True)
class Description:
    """The text twin of a chart: what it shows, in sentences, and where the data comes from."""

    title: str
    sentences: tuple[str, ...]
    sources: tuple[str, ...] = ()
    data: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    @property
    def text(self) -> str:
        """The whole description as one paragraph."""
        return " ".join(self.sentences)

    @property
    def alt_text(self) -> str:
        """The first sentence: a summary short enough for an image's alt attribute."""
        return self.sentences[0] if self.sentences else self.title

    def __str__(self) -> str:
        return f"{self.title}\n\n" + "\n".join(textwrap.fill(s, 100) for s in self.sentences)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        body = "".join(f"<p>{html.escape(s)}</p>" for s in self.sentences)
        return (
            '<details class="analogylab-text-twin">'
            f"<summary>The chart in words: {html.escape(self.title)}</summary>{body}</details>"
        )


@dataclass(frozen=True, eq=False)
class RatingTable:
    """A matrix of ratings as an HTML table: items down, hypotheses across, a rating in every cell.

    ``html`` is the whole table (with its key); ``matrix`` the ratings it shows
    (``None`` where unrated), ``scores`` their scores (``analysis.score_hypotheses``,
    as the table counts them). ``describe(table)`` gives its text twin and
    ``show(table)`` puts both on the page, as for a chart. In a notebook the table
    also shows itself.
    """

    title: str
    html: str = field(repr=False)
    matrix: pd.DataFrame = field(repr=False)
    scores: pd.DataFrame = field(repr=False)

    def _repr_html_(self) -> str:
        return self.html

    def _ipython_display_(self) -> None:
        # Left as a cell's last value, the table is shown as ``show`` shows it: with its
        # text twin, its sources recorded.
        show(self)


_descriptions: weakref.WeakKeyDictionary[Any, Description] = weakref.WeakKeyDictionary()
# The dataset each chart was drawn from, so that showing it records its sources there.
_origins: weakref.WeakKeyDictionary[Any, Dataset] = weakref.WeakKeyDictionary()


def _from_dataset(chart: Callable[_P, _Drawn]) -> Callable[_P, _Drawn]:
    """Remember the dataset (the first argument) a chart function drew from."""

    @functools.wraps(chart)
    def draw(*args: _P.args, **kwargs: _P.kwargs) -> _Drawn:
        drawn = chart(*args, **kwargs)
        ds = args[0] if args else kwargs.get("ds")
        if isinstance(ds, Dataset):
            _origins[drawn] = ds
        return drawn

    return draw


def describe(ax: Axes | RatingTable) -> Description:
    """The text twin of a chart drawn by this module on ``ax`` (or of a rating table)."""
    try:
        return _descriptions[ax]
    except (KeyError, TypeError):
        raise ChartError(
            "This Axes was not drawn by analogylab.charts, so there is no description of it; "
            "draw it with one of the chart functions (timeline, series_chart, ...) first."
        ) from None


def alt_text(ax: Axes | RatingTable) -> str:
    """A one-sentence summary of the chart on ``ax``, for an image's alt attribute."""
    return describe(ax).alt_text


def record_sources(ax: Axes | RatingTable) -> Description:
    """Record the sources of the chart on ``ax`` as shown, in the dataset it was drawn from.

    ``show`` calls it, and an explorer for each of its drawings; the lesson's sources
    cell (``analogylab.lesson_sources``) then lists them. Returns the chart's
    :class:`Description`. A chart drawn on an Axes by hand has no dataset: nothing
    is recorded.
    """
    desc = describe(ax)
    ds = _origins.get(ax)
    if ds is not None:
        ds.record_sources(desc.sources)
    return desc


def show(ax: Axes | RatingTable, *, folded: str | None = None) -> Description:
    """Display the chart's figure (or the rating table), then its text twin, and close the figure.

    The image goes out with the chart's one-sentence summary as its plain-text form
    and as ``alt`` metadata, which nbconvert's HTML and screen readers in some
    front ends use; the full twin follows, folded. A rating table goes out as its
    HTML, with the same summary as its plain-text form. The chart's sources are
    recorded in its dataset (``ds.cited``: the lesson's sources cell lists them)
    and go out with it as metadata (``analogylab.citations``). Returns the
    :class:`Description`.

    ``folded``: a rating table that answers an exercise above it is shown closed under
    this summary until the student opens it (as ``show_table(..., folded=...)``).
    """
    from IPython.display import display  # noqa: PLC0415

    if folded is not None and not isinstance(ax, RatingTable):
        raise ChartError(
            "only a rating table can be shown folded; show the chart after the exercise "
            "it answers instead"
        )
    desc = record_sources(ax)
    if isinstance(ax, RatingTable):
        metadata = output_metadata(desc.sources)
        bundle = table_bundle(ax)
        if folded is not None:
            bundle["text/html"] = (
                '<details class="analogylab-fold"><summary style="cursor:pointer;'
                f'font-weight:bold">{html.escape(folded)}</summary>{bundle["text/html"]}</details>'
            )
        display(bundle, raw=True, metadata=metadata)  # type: ignore[no-untyped-call]
    else:
        import matplotlib.pyplot as plt  # noqa: PLC0415
        from IPython.core.pylabtools import print_figure  # noqa: PLC0415

        fig = ax.figure
        # A figure laid out by its layout engine already fits its page: "tight" would lay it
        # out and draw it once more for nothing. A figure of someone else's, maybe not.
        tight = None if fig.get_layout_engine() is not None else "tight"
        png = print_figure(fig, "png", bbox_inches=tight, base64=True)  # type: ignore[no-untyped-call]
        bundle, metadata = image_bundle(png, desc)
        metadata.update(output_metadata(desc.sources))
        display(bundle, raw=True, metadata=metadata)  # type: ignore[no-untyped-call]
        plt.close(fig)  # type: ignore[arg-type]
    display(desc)  # type: ignore[no-untyped-call]
    return desc


def image_bundle(png: str, desc: Description) -> tuple[dict[str, str], dict[str, Any]]:
    """A chart's PNG (base64) as a raw display bundle, with its summary as text and as alt."""
    bundle = {"image/png": png, "text/plain": f"Chart: {desc.alt_text}"}
    return bundle, {"image/png": {"alt": desc.alt_text}}


def table_bundle(table: RatingTable) -> dict[str, str]:
    """The display bundle of a rating table: the HTML, and its summary as plain text."""
    return {"text/html": table.html, "text/plain": f"Table: {describe(table).alt_text}"}


class Canvas:
    """One figure that an explorer draws on again and again, instead of a new figure each time.

    It is made once, at the screen size, outside pyplot (so nothing shows it or
    closes it behind the explorer's back). ``axes()`` clears only the artists the
    last drawing added (marks, texts, legend, a second y axis) and resets the data
    limits, so the chart function draws on the same figure, Axes, axis objects and
    title; ``png()`` draws it and encodes it.

    The layout is fixed, not worked out on every draw: matplotlib's constrained
    layout runs once for each ``layout`` key the explorer gives (the values of the
    controls that put new labels in the margins: a case, a choice of series), and
    its result is kept as margins in inches. A drawing with a key already seen, or
    a change of a slider (same key), reuses them, also when a chart asks for
    more height (``fit``: more rows), since margins in inches do not depend on it.
    """

    def __init__(self, size: tuple[float, float] = (SCREEN_WIDTH, 4.0)) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415

        self.figure = Figure(figsize=_screen(size), dpi=SCREEN_DPI, layout=None)
        FigureCanvasAgg(self.figure)
        self.figure._analogylab_canvas = self  # type: ignore[attr-defined]  # _new_axes asks it
        self.ax: Axes = self.figure.add_subplot()
        self.layouts: dict[Any, tuple[float, float, float, float]] = {}  # key -> margins (in)

    def axes(self) -> Axes:
        """The Axes, cleared of the last drawing, for a chart function's ``ax=``."""
        fig, ax = self.figure, self.ax
        for other in fig.axes:
            if other is not ax:  # series_chart's second y axis
                fig.delaxes(other)
        for artist in (*ax.lines, *ax.patches, *ax.collections, *ax.texts, *ax.images):
            artist.remove()
        for artist in (*fig.texts, *fig.legends):
            artist.remove()
        if ax.legend_ is not None:
            ax.legend_.remove()
        ax.containers.clear()
        ax.relim()  # no artists left: the next drawing's data sets the limits afresh
        ax.set_autoscale_on(True)
        return ax

    def fit(self, size: tuple[float, float]) -> None:
        """Grow to the height a chart function asks for (more rows); never shrink.

        A figure that only grows does not make the page jump as the student flips
        between cases, and keeps its renderer: matplotlib makes a new one for each new
        size, and with it forgets every text it has measured.
        """
        width, height = self.figure.get_size_inches()
        want = _screen(size)[1]
        if want > height + 1e-9:
            self.figure.set_size_inches(width, want)

    def png(self, layout: Any = None) -> str:
        """Draw the figure and encode it as PNG (base64), laid out for ``layout``.

        A key not seen before is laid out by constrained layout (which then draws);
        a known one gets its margins back, and the drawing is a plain draw.
        """
        from matplotlib.image import imsave  # noqa: PLC0415

        fig = self.figure
        margins = self.layouts.get(layout)
        if margins is None:
            fig.set_layout_engine("constrained")
            fig.canvas.draw()  # lays out, then draws
            fig.set_layout_engine("none")  # the positions stay as laid out
            self.layouts[layout] = self._margins()
        else:
            self._place(margins)
            fig.canvas.draw()
        out = io.BytesIO()
        # zlib level 3 rather than 6: about a quarter less time to encode, a file ~15% larger.
        rgba = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
        imsave(out, rgba, format="png", pil_kwargs={"compress_level": 3})
        return base64.b64encode(out.getvalue()).decode("ascii")

    def _margins(self) -> tuple[float, float, float, float]:
        """The Axes' distance from each edge of the figure in inches: left, bottom, right, top."""
        width, height = self.figure.get_size_inches()
        box = self.ax.get_position()
        return box.x0 * width, box.y0 * height, (1 - box.x1) * width, (1 - box.y1) * height

    def _place(self, margins: tuple[float, float, float, float]) -> None:
        """Put every Axes (a second y axis too) at these margins for the figure's size now."""
        width, height = self.figure.get_size_inches()
        left, bottom, right, top = margins
        box = (
            left / width,
            bottom / height,
            1 - (left + right) / width,
            1 - (top + bottom) / height,
        )
        for ax in self.figure.axes:
            ax.set_position(box)


def _screen(size: tuple[float, float]) -> tuple[float, float]:
    return (min(float(size[0]), SCREEN_WIDTH), float(size[1]))


# --- helpers ---------------------------------------------------------------------------


def _new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        canvas = getattr(ax.figure, "_analogylab_canvas", None)
        if canvas is not None:
            canvas.fit(size)
        return ax
    import matplotlib.pyplot as plt  # noqa: PLC0415

    _, new = plt.subplots(figsize=_screen(size), dpi=SCREEN_DPI, layout="constrained")
    return new


def _register(ax: _Drawn, desc: Description) -> _Drawn:
    _descriptions[ax] = desc
    return ax


def _case(ds: Dataset, case_id: str) -> pd.Series:
    try:
        return ds.case(case_id)
    except KeyError as err:  # UnknownIdError is a KeyError
        raise ChartError(str(err)) from None


def _sources(frame: pd.DataFrame, column: str = "source_ids") -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for ids in frame[column]:
        for s in ids:
            seen.setdefault(s, None)
    return tuple(seen)


def _decimal_year(dates: pd.Series) -> pd.Series:
    """A date as a year with a fraction: the day of the year over the days in that year."""
    day = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]")
    start = day.astype("datetime64[Y]")
    days = (day - start).astype(float)  # whole days since 1 January
    length = ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(float)
    return pd.Series(start.astype(int) + 1970 + days / length, index=dates.index)


def _span_end(events: pd.DataFrame, *, end_dates: bool = True) -> pd.Series:
    """Where each event's mark ends: its end date, or the end of its month or year.

    With ``end_dates=False``, only the end of the month or year a date is known to.
    """
    start = pd.to_datetime(events["date"])
    end = start.copy()
    month = events["precision"] == "month"
    year = events["precision"] == "year"
    end[month] = start[month] + pd.offsets.MonthEnd(0)
    end[year] = start[year] + pd.offsets.YearEnd(0)
    if not end_dates:
        return end
    has_end = events["end_date"].notna()
    end[has_end] = pd.to_datetime(events.loc[has_end, "end_date"])
    return end


def _fmt_date(date: Any, precision: str) -> str:
    d = pd.Timestamp(date)
    if precision == "year":
        return f"{d.year}"
    if precision == "month":
        return d.strftime("%b %Y")
    return f"{d.day} {d.strftime('%b %Y')}"


def _fmt_num(x: Any) -> str:
    if pd.isna(x):
        return "n/a"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.3g}" if abs(x) < 10 else f"{x:,.1f}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _kind_styles(ds: Dataset) -> dict[str, tuple[str, str]]:
    """A fixed colour and marker per event kind, in the order datapackage.json lists them."""
    kinds = list(ds.vocabulary("events", "kind")["value"])
    return {k: (PALETTE[i % 7], MARKERS[i % len(MARKERS)]) for i, k in enumerate(kinds)}


def _check_kinds(ds: Dataset, kinds: Iterable[str] | None) -> list[str] | None:
    if kinds is None:
        return None
    kinds = list(kinds)
    allowed = set(ds.vocabulary("events", "kind")["value"])
    unknown = [k for k in kinds if k not in allowed]
    if unknown:
        raise ChartError(
            f"unknown event kind {unknown[0]!r}; the kinds are: {', '.join(sorted(allowed))}"
        )
    return None if set(kinds) >= allowed else kinds  # every kind ticked is no filter at all


def _check_years(years: Sequence[int] | None) -> tuple[int, int] | None:
    if years is None:
        return None
    try:
        first, last = (int(y) for y in years)
    except (TypeError, ValueError):
        raise ChartError(
            f"years must be a pair (first, last), such as (1979, 1989); got {years!r}"
        ) from None
    if first > last:
        raise ChartError(f"years {first}-{last} run backwards; give the earlier year first")
    return first, last


def _case_events(
    ds: Dataset, case_id: str, kinds: list[str] | None, years: tuple[int, int] | None
) -> pd.DataFrame:
    ev = ds.events[ds.events["case_id"] == case_id].copy()
    if kinds is not None:
        ev = ev[ev["kind"].isin(kinds)]
    ev = ev.sort_values(["date", "event_id"]).reset_index(drop=True)
    if years is not None:  # keep every event whose span overlaps the years
        starts = pd.to_datetime(ev["date"]).dt.year
        ends = _span_end(ev).dt.year
        ev = ev[(ends >= years[0]) & (starts <= years[1])].reset_index(drop=True)
    ev["x"] = _decimal_year(ev["date"])
    ev["x_end"] = _decimal_year(_span_end(ev))
    ev["x_period"] = _decimal_year(_span_end(ev, end_dates=False))
    return ev


def _draw_events(
    ax: Axes,
    ev: pd.DataFrame,
    rows: dict[str, float],
    row_of: str,
    styles: dict[str, tuple[str, str]],
    *,
    numbered: bool = False,
    clip: tuple[float, float] | None = None,
) -> None:
    """One mark per event: a filled shape (hollow if contested), a bar over its span.

    ``numbered`` writes each event's number in date order beside its mark (alternately
    above and below within a row, so neighbours stay legible); the text twin lists
    the events by the same numbers. ``clip=(start, end)`` keeps each mark inside the
    visible span: an event that began before it is marked at its left edge, on its bar.
    """
    from matplotlib.lines import Line2D  # noqa: PLC0415

    in_row: dict[float, int] = {}
    # Line2D and add_line rather than ax.plot: the same lines, without plot's parsing of its
    # arguments for each of up to a hundred marks (an explorer draws them on every change).
    columns = ("x", "x_end", "x_period", "precision", "kind", "contested", row_of)
    for number, (x, x_end, x_period, precision, kind, contested, row) in enumerate(
        zip(*(ev[c] for c in columns), strict=True), 1
    ):
        y = rows[row]
        colour, marker = styles[kind]
        if x_end - x > 1 / 400:  # known only to the month or year, or lasting
            bar = Line2D([x, x_end], [y, y], color=colour, lw=5, alpha=0.45)
            bar.set_solid_capstyle("butt")
            ax.add_line(bar)
        # A day-dated event is marked on its day; one known to the month or year, in the
        # middle of that month or year (not of any longer span it has).
        mid = x if precision == "day" else (x + x_period) / 2
        if clip is not None:
            mid = min(max(mid, clip[0]), clip[1])
        ax.add_line(
            Line2D(
                [mid],
                [y],
                marker=marker,
                ms=8,
                linestyle="none",
                color=colour,
                markerfacecolor="white" if contested else colour,
                markeredgewidth=1.6,
            )
        )
        if numbered:
            k = in_row[y] = in_row.get(y, -1) + 1
            ax.annotate(
                str(number),
                (mid, y),
                xytext=(0, 7 if k % 2 == 0 else -13),
                textcoords="offset points",
                ha="center",
                fontsize=6.5,
                color="0.15",
            )
    ax.autoscale_view()


def _thousands(value: float, _pos: float | None = None) -> str:
    """Axis numbers with thousands separators: 100,000 rather than 100000."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _year_ticks(ax: Axes) -> None:
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _event_legend(
    ax: Axes, kinds: Iterable[str], styles: dict[str, tuple[str, str]], contested: bool, spans: bool
) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415

    handles = [
        Line2D([], [], marker=styles[k][1], color=styles[k][0], linestyle="none", ms=7, label=k)
        for k in kinds
    ]
    if contested:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                color="0.3",
                markerfacecolor="white",
                linestyle="none",
                ms=7,
                label="hollow = contested",
            )
        )
    if spans:
        handles.append(
            Line2D(
                [],
                [],
                color="0.3",
                lw=5,
                alpha=0.45,
                label="bar = date known to month/year, or a span",
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
        frameon=False,
        title="Kind of event",
        title_fontsize=8,
    )


def _event_sentence(e: pd.Series, offset: float | None = None) -> str:
    when = _fmt_date(e["date"], e["precision"])
    if pd.notna(e["end_date"]):
        when += f" to {_fmt_date(e['end_date'], 'day')}"
    at = f" ({offset:+.1f} years)" if offset is not None else ""
    flag = ", contested" if e["contested"] else ""
    return f"{when}{at}: {e['title']} ({e['kind']}{flag})"


# --- timeline --------------------------------------------------------------------------


@_from_dataset
def timeline(
    ds: Dataset,
    case: str,
    kinds: Iterable[str] | None = None,
    years: Sequence[int] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The case's events on a time axis, one row per kind of event.

    Contested events are drawn hollow; a date known only to the month or year, or
    an event with an end date, is drawn as a bar over that span. Each mark carries
    the event's number in date order, and the text twin lists the events by number. ``kinds`` keeps
    only those kinds; ``years=(first, last)`` keeps events dated in those years.
    """
    info = _case(ds, case)
    kinds_ = _check_kinds(ds, kinds)
    years_ = _check_years(years)
    ev = _case_events(ds, case, kinds_, years_)
    styles = _kind_styles(ds)
    present = [k for k in styles if k in set(ev["kind"])]
    ax = _new_axes(ax, (10, 0.5 * max(len(present), 3) + 1.8))
    rows = {k: float(i) for i, k in enumerate(reversed(present))}
    clip = None if years_ is None else (float(years_[0]), float(years_[1] + 1))
    _draw_events(ax, ev, rows, "kind", styles, numbered=True, clip=clip)
    ax.set_yticks(list(rows.values()), list(rows.keys()))
    ax.set_ylim(-0.7, max(len(present), 1) - 0.3)
    span = years_ or (
        (int(ev["x"].min()), int(ev["x_end"].max()))
        if len(ev)
        else (info["start_year"], info["end_year"])
    )
    ax.set_xlim(span[0] - 0.2, span[1] + 1.2)
    ax.set_xlabel("Year")
    ax.grid(axis="x", color="0.9")
    ax.set_axisbelow(True)
    title = f"Timeline: {info['short_label']}"
    if years_:
        title += f", {years_[0]}-{years_[1]}"
    ax.set_title(title, loc="left", fontsize=11)
    _year_ticks(ax)
    if len(ev):  # the rows name the kinds; the legend explains the hollow marks and the bars
        _event_legend(
            ax,
            [],
            styles,
            bool(ev["contested"].any()),
            bool((ev["x_end"] - ev["x"] > 1 / 400).any()),
        )
    else:
        ax.text(
            0.5,
            0.5,
            "No events match these choices.",
            transform=ax.transAxes,
            ha="center",
            va="center",
        )
    return _register(ax, _describe_timeline(info, ev, kinds_, years_, title))


def _describe_timeline(
    info: pd.Series,
    ev: pd.DataFrame,
    kinds: list[str] | None,
    years: tuple[int, int] | None,
    title: str,
) -> Description:
    label = info["short_label"]
    scope = f" in {years[0]}-{years[1]}" if years else ""
    if kinds is not None:
        scope += f" of the kinds {', '.join(kinds)}"
    if ev.empty:
        return Description(
            title,
            (f"A timeline of the {label} case with no events{scope}: none match these choices.",),
            (),
            ev,
        )
    counts = ev["kind"].value_counts()
    first, last = ev.iloc[0], ev.iloc[-1]
    start = _fmt_date(first["date"], first["precision"])
    end = _fmt_date(last["date"], last["precision"])
    s = [
        (
            f"A timeline of {_plural(len(ev), 'event')} in the {label} case{scope}, "
            f"from {start} to {end}, one row per kind of event."
        ),
        "By kind: " + ", ".join(f"{k} {n}" for k, n in counts.items()) + ".",
    ]
    contested = ev[ev["contested"]]
    if len(contested):
        s.append(
            f"{_plural(len(contested), 'event is', 'events are')} contested (drawn hollow): "
            + "; ".join(contested["title"])
            + "."
        )
    else:
        s.append("None of these events is contested.")
    vague = ev[ev["precision"] != "day"]
    if len(vague):
        s.append(
            f"{_plural(len(vague), 'date is', 'dates are')} known only to the month or year and "
            "drawn as a bar over that span."
        )
    listing = "; ".join(f"{n}. {_event_sentence(e)}" for n, (_, e) in enumerate(ev.iterrows(), 1))
    s.append(f"In order, numbered as on the chart: {listing}.")
    return Description(title, tuple(s), _sources(ev), ev)


# --- aligned timelines -------------------------------------------------------------------

ALIGN_KINDS = ("intervention", "withdrawal", "agreement", "regime-change", "recognition")


def alignment_pairs(ds: Dataset, case_a: str, case_b: str) -> dict[str, tuple[str, str]]:
    """Suggested pairs of events to line two cases up on, by kind of event.

    For each kind both cases share (interventions, withdrawals, agreements,
    changes of regime, recognitions), the first event of that kind in each case,
    and also the last where it differs. Keys are labels for a drop-down.
    """
    _case(ds, case_a)
    _case(ds, case_b)
    ev = ds.events.sort_values(["date", "event_id"])
    pairs: dict[str, tuple[str, str]] = {}
    for kind in ALIGN_KINDS:
        a = ev[(ev["case_id"] == case_a) & (ev["kind"] == kind)]
        b = ev[(ev["case_id"] == case_b) & (ev["kind"] == kind)]
        if a.empty or b.empty:
            continue
        picks = (0, -1) if len(a) > 1 and len(b) > 1 else (0,)
        for pick in picks:
            ea, eb = a.iloc[pick], b.iloc[pick]
            key = (ea["event_id"], eb["event_id"])
            if key in pairs.values():
                continue
            label = (
                f"{ea['title']} ({pd.Timestamp(ea['date']).year}) with "
                f"{eb['title']} ({pd.Timestamp(eb['date']).year})"
            )
            pairs[label] = key
    return pairs


@_from_dataset
def aligned_timelines(
    ds: Dataset,
    case_a: str,
    case_b: str,
    align: tuple[str, str],
    *,
    kinds: Iterable[str] | None = None,
    window: Sequence[float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Both cases on one axis of "years since" a chosen pair of events.

    ``align=(event_a, event_b)`` names an event of each case; each case's events
    are placed at their distance in years from its own event, so what happened
    at the same stage of each story lines up. ``window=(before, after)`` limits
    the axis, for example ``(-5, 10)``.
    """
    info_a, info_b = _case(ds, case_a), _case(ds, case_b)
    kinds_ = _check_kinds(ds, kinds)
    anchors = []
    for case_id, event_id in zip((case_a, case_b), align, strict=True):
        try:
            e = ds.row("events", event_id)
        except KeyError as err:
            raise ChartError(str(err)) from None
        if e["case_id"] != case_id:
            raise ChartError(
                f"event {event_id!r} belongs to the case {e['case_id']!r}, not {case_id!r}; "
                f"align takes one event of each case, in the order (case_a, case_b)"
            )
        anchors.append(e)
    win: tuple[float, float] | None = None
    if window is not None:
        lo, hi = (float(w) for w in window)
        if lo >= hi:
            raise ChartError(
                f"window {lo:g} to {hi:g} is empty; give (years before, years after), "
                "such as (-5, 10)"
            )
        win = (lo, hi)
    styles = _kind_styles(ds)
    frames = []
    for case_id, anchor in zip((case_a, case_b), anchors, strict=True):
        ev = _case_events(ds, case_id, kinds_, None)
        zero = float(_decimal_year(pd.Series([anchor["date"]])).iloc[0])
        ev["offset"] = ev["x"] - zero
        ev["x"], ev["x_end"], ev["x_period"] = (
            ev["offset"],
            ev["x_end"] - zero,
            ev["x_period"] - zero,
        )
        ev["row"] = case_id
        if win is not None:
            ev = ev[(ev["offset"] >= win[0]) & (ev["offset"] <= win[1])]
        frames.append(ev)
    both = pd.concat(frames, ignore_index=True)
    ax = _new_axes(ax, (10, 3.8))
    # Each case has a band; within it, each kind of event has its own height, so marks of
    # different kinds at the same date do not hide each other.
    order = {k: i for i, k in enumerate(styles)}
    both["band"] = (
        np.where(both["row"] == case_a, 1.0, 0.0)
        + (both["kind"].map(order).astype(float) / max(len(order) - 1, 1) - 0.5) * 0.6
    )
    _draw_events(ax, both, {b: b for b in set(both["band"])}, "band", styles)
    ax.set_yticks([1.0, 0.0], [info_a["short_label"], info_b["short_label"]])
    ax.set_ylim(-0.6, 1.6)
    ax.axvline(0, color="0.2", lw=1)
    ax.annotate(
        f"0 = {anchors[0]['title']} ({_fmt_date(anchors[0]['date'], anchors[0]['precision'])})\n"
        f"  = {anchors[1]['title']} ({_fmt_date(anchors[1]['date'], anchors[1]['precision'])})",
        xy=(0, 1.6),
        xytext=(4, -2),
        textcoords="offset points",
        fontsize=8,
        va="top",
    )
    if win is not None:
        ax.set_xlim(win[0] - 0.3, win[1] + 0.3)
    ax.set_xlabel("Years since the aligned event (negative: before it)")
    _year_ticks(ax)
    ax.grid(axis="x", color="0.9")
    ax.set_axisbelow(True)
    title = "The two cases lined up"
    ax.set_title(title, loc="left", fontsize=11)
    present = [k for k in styles if k in set(both["kind"])]
    if len(both):
        _event_legend(
            ax,
            present,
            styles,
            bool(both["contested"].any()),
            bool((both["x_end"] - both["x"] > 1 / 400).any()),
        )
    desc = _describe_aligned(info_a, info_b, anchors=anchors, frames=frames, win=win, title=title)
    return _register(ax, desc)


def _describe_aligned(
    info_a: pd.Series,
    info_b: pd.Series,
    *,
    anchors: list[pd.Series],
    frames: list[pd.DataFrame],
    win: tuple[float, float] | None,
    title: str,
) -> Description:
    a, b = frames
    zero_a = f"{anchors[0]['title']} ({_fmt_date(anchors[0]['date'], anchors[0]['precision'])})"
    zero_b = f"{anchors[1]['title']} ({_fmt_date(anchors[1]['date'], anchors[1]['precision'])})"
    s = [
        (
            f"The {info_a['short_label']} and {info_b['short_label']} cases on one axis of years, "
            f"with {zero_a} lined up with {zero_b} at year 0."
        )
    ]
    if win is not None:
        s.append(f"Only events from {win[0]:+g} to {win[1]:+g} years are shown.")
    for info, ev in ((info_a, a), (info_b, b)):
        if ev.empty:
            s.append(f"{info['short_label']}: no events in this window.")
            continue
        s.append(
            f"{info['short_label']}: {_plural(len(ev), 'event')}, from {ev['offset'].min():+.1f} "
            f"to {ev['offset'].max():+.1f} years, {int(ev['contested'].sum())} contested."
        )
    shared = sorted(set(a["kind"]) & set(b["kind"]) & set(ALIGN_KINDS))
    for kind in shared:
        oa = ", ".join(f"{o:+.1f}" for o in a.loc[a["kind"] == kind, "offset"])
        ob = ", ".join(f"{o:+.1f}" for o in b.loc[b["kind"] == kind, "offset"])
        s.append(
            f"Events of kind {kind}: at {oa} years in {info_a['short_label']} and {ob} in "
            f"{info_b['short_label']}."
        )
    for info, ev in ((info_a, a), (info_b, b)):
        if len(ev):
            s.append(
                f"{info['short_label']} in order: "
                + "; ".join(_event_sentence(e, e["offset"]) for _, e in ev.iterrows())
                + "."
            )
    data = pd.concat(frames, ignore_index=True)
    return Description(title, tuple(s), _sources(data) if len(data) else (), data)


# --- series ------------------------------------------------------------------------------


def _footnote(ax: Axes, text: str, own_figure: bool) -> None:
    """Small print under the chart: at the foot of a figure we made, else under the Axes."""
    lines = text.count("\n") + 1
    if own_figure:
        fig: Any = ax.figure
        height = fig.get_figheight()
        frac = (lines * 0.11 + 0.08) / height  # inches of small print, as a share of the figure
        fig.text(0.01, 0.01, text, fontsize=6.5, color="0.3", va="bottom", ha="left")
        engine: Any = fig.get_layout_engine()
        if engine is not None:
            engine.set(rect=(0, frac, 1, 1 - frac))
    else:
        ax.annotate(
            text,
            xy=(0, -0.18),
            xycoords="axes fraction",
            fontsize=6.5,
            color="0.3",
            va="top",
            annotation_clip=False,
        )


def _short_cite(ds: Dataset, source_id: str) -> str:
    src = ds.source(source_id)
    author = str(src["author"]) if pd.notna(src["author"]) else str(src["outlet"])
    author = author.split(";")[0].split(",")[0].strip()
    year = str(src["published"])[:4] if pd.notna(src["published"]) else "n.d."
    return f"{author} {year}"


def _draw_series(target: Axes, rows: pd.DataFrame, i: int, label: str) -> None:
    """One series: a line through the agreed figures, a bar (and band) over each range."""
    colour, ls, marker = PALETTE[i % 7], LINESTYLES[i % 4], MARKERS[i % len(MARKERS)]
    x = rows["year"].astype(float).to_numpy()
    v = rows["value"].to_numpy(dtype=float)
    lo = rows["low"].to_numpy(dtype=float)
    hi = rows["high"].to_numpy(dtype=float)
    # A year known only as a range leaves a gap in the line (NaN breaks it): the bar
    # there is the data, and a line drawn past it would suggest a figure nobody gives.
    target.plot(x, v, linestyle=ls, marker=marker, color=colour, lw=1.8, ms=6, label=label)
    ranged = ~np.isnan(lo) & ~np.isnan(hi)
    if ranged.any():
        target.vlines(x[ranged], lo[ranged], hi[ranged], color=colour, lw=6, alpha=0.35)
        band_lo, band_hi = np.where(ranged, lo, np.nan), np.where(ranged, hi, np.nan)
        target.fill_between(x, band_lo, band_hi, color=colour, alpha=0.15, lw=0)
        for ends in (lo, hi):
            target.plot(x[ranged], ends[ranged], linestyle="none", marker="_", color=colour, ms=12)


def _legend_above(ax: Axes, handles: list[Any], labels: list[str], ncols: int = 1) -> float:
    """A legend above the plotting area, clear of the data; returns the title's pad (points).

    The title goes above the legend: the pad is the legend's height in points (about
    14 a row of 8-point text, with the legend's own padding), so the two never
    overlap, whatever the data or the height of the plot.
    """
    ax.legend(
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0, 1),
        ncols=ncols,
        fontsize=8,
        frameon=False,
        borderaxespad=0.5,
    )
    rows = -(-len(handles) // ncols) + sum(lab.count("\n") for lab in labels[::ncols])
    return 12.0 + 14.0 * rows


def _series_legend(ax: Axes, axes: dict[str, Axes], *, ranges: bool) -> float:
    """One legend for the lines of both y axes, and a key to the range bars if any."""
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles: list[Any] = []
    labels: list[str] = []
    for target in axes.values():
        h, lab = target.get_legend_handles_labels()
        handles += h
        labels += lab
    if ranges:
        handles.append(Patch(color="0.6", alpha=0.4))
        labels.append("bar or band = range where sources disagree")
    return _legend_above(ax, handles, labels)


@_from_dataset
def series_chart(
    ds: Dataset,
    series_ids: str | Iterable[str],
    years: Sequence[int] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Yearly figures of one or more series, with the spread where sources disagree.

    A year with one agreed figure is a point on the line; a year where sources
    give different figures is a vertical bar from the lowest to the highest (and a
    shaded band joins neighbouring ranges). The unit is on the y axis, the
    series' title in the legend (above the plot, clear of the data), and the
    sources in a footnote. Series of the same ``quantity`` (``series_info``:
    people, deaths, usd-million ...) share one y axis whatever their units are
    called, so that equal numbers are drawn at equal heights; a second quantity gets
    a second y axis, on the right; more than two cannot share one chart.
    """
    ids = [series_ids] if isinstance(series_ids, str) else list(series_ids)
    if not ids:
        raise ChartError("no series chosen; pick at least one id from ds.series_info.series_id")
    info: dict[str, Any] = {str(r.series_id): r for r in ds.series_info.itertuples()}
    unknown = [s for s in ids if s not in info]
    if unknown:
        raise ChartError(f"unknown series {unknown[0]!r}; the series are: {', '.join(info)}")
    years_ = _check_years(years)
    kinds: dict[str, list[str]] = {}  # quantity -> its series, in the order given
    for sid in ids:
        kinds.setdefault(str(info[sid].quantity), []).append(sid)
    if len(kinds) > 2:
        which = "; ".join(
            f"{q}: {', '.join(str(info[i].title) for i in sids)}" for q, sids in kinds.items()
        )
        raise ChartError(
            f"these series measure {len(kinds)} different kinds of quantity ({which}); "
            "one chart can show at most two, one on each y axis: pick series of one or two kinds"
        )
    own_figure = ax is None
    ax = _new_axes(ax, (10, 4.6))
    axes = dict(zip(kinds, [ax, ax.twinx()] if len(kinds) == 2 else [ax], strict=True))
    frames = []
    for i, sid in enumerate(ids):
        rows = ds.series[ds.series["series_id"] == sid].sort_values("year")
        if years_ is not None:
            rows = rows[(rows["year"] >= years_[0]) & (rows["year"] <= years_[1])]
        unit = str(info[sid].unit)
        frames.append(rows.assign(unit=unit, title=str(info[sid].title)))
        label = f"{info[sid].title} ({unit})"
        if axes[str(info[sid].quantity)] is not ax:
            label += ", right axis"
        _draw_series(axes[str(info[sid].quantity)], rows, i, label)
    for kind, target in axes.items():
        # One axis, one quantity: its label names every unit drawn on it.
        units = dict.fromkeys(str(info[sid].unit) for sid in kinds[kind])
        target.set_ylabel(textwrap.fill("; ".join(units), 60), fontsize=9)
        target.set_ylim(bottom=0)
        target.yaxis.set_major_formatter(_thousands)
    ax.set_xlabel("Year")
    _year_ticks(ax)
    ax.grid(color="0.92")
    ax.set_axisbelow(True)
    data = pd.concat(frames, ignore_index=True)
    title = "; ".join(str(info[i].title) for i in ids)
    pad = _series_legend(ax, axes, ranges=bool(data[["low", "high"]].notna().all(axis=1).any()))
    ax.set_title(textwrap.fill(title, 90), loc="left", fontsize=11, pad=pad)
    srcs = _sources(data) if len(data) else ()
    series_srcs = tuple(str(s) for sid in ids for s in info[sid].source_ids)
    all_srcs = tuple(dict.fromkeys(srcs + series_srcs))
    foot = textwrap.fill(
        "Sources: " + "; ".join(dict.fromkeys(_short_cite(ds, s) for s in all_srcs)), 160
    )
    _footnote(ax, foot, own_figure)
    if data.empty:
        ax.text(0.5, 0.5, "No figures in these years.", transform=ax.transAxes, ha="center")
    desc = _describe_series(ids, info, data, years=years_, title=title, sources=all_srcs)
    return _register(ax, desc)


def _describe_series(
    ids: list[str],
    info: dict[str, Any],
    data: pd.DataFrame,
    *,
    years: tuple[int, int] | None,
    title: str,
    sources: tuple[str, ...],
) -> Description:
    scope = f" for {years[0]}-{years[1]}" if years else ""
    summaries, details = [], []
    for sid in ids:
        rows = data[data["series_id"] == sid]
        name = info[sid].title
        if rows.empty:
            summaries.append(f"{name} ({info[sid].unit}), no figures in these years")
            continue
        top = rows["value"].fillna(rows["high"]).to_numpy(dtype=float)
        peak = rows.iloc[int(np.nanargmax(top))]
        peak_txt = (
            _fmt_num(peak["value"])
            if pd.notna(peak["value"])
            else f"{_fmt_num(peak['low'])} to {_fmt_num(peak['high'])}"
        )
        first, last = rows["year"].min(), rows["year"].max()
        if first == last:  # one year: its figure, not a span from a year to itself
            summaries.append(
                f"{name} ({info[sid].unit}), {_plural(len(rows), 'figure')} for {first}: {peak_txt}"
            )
        else:
            summaries.append(
                f"{name} ({info[sid].unit}), {_plural(len(rows), 'figure')} from {first} to "
                f"{last}, the highest {peak_txt} in {peak['year']}"
            )
        details.append((name, rows))
    s = [f"Yearly figures{scope}: " + "; ".join(summaries) + "."]
    for name, rows in details:
        ranged = rows[rows["low"].notna() & rows["high"].notna()]
        if len(ranged):
            parts = []
            for _, r in ranged.iterrows():
                agreed = f", value given {_fmt_num(r['value'])}" if pd.notna(r["value"]) else ""
                parts.append(f"{r['year']}: {_fmt_num(r['low'])} to {_fmt_num(r['high'])}{agreed}")
            s.append(
                f"{name}: {_plural(len(ranged), 'year has', 'years have')} a range of "
                "figures rather than one, drawn as a bar (sources disagree, or give figures "
                "for different dates in the year: each row's note says which): "
                + "; ".join(parts)
                + "."
            )
        else:
            s.append(f"{name}: no year has a range of figures.")
        values = "; ".join(
            f"{r['year']} {_fmt_num(r['value'])}"
            if pd.notna(r["value"])
            else f"{r['year']} {_fmt_num(r['low'])}-{_fmt_num(r['high'])}"
            for _, r in rows.iterrows()
        )
        s.append(f"{name}, every figure: {values}.")
    s.append(
        "What each figure measures varies (see the measure column of ds.series): "
        + " ".join(f"{info[i].title}: {info[i].measure}" for i in ids)
    )
    return Description(title, tuple(s), sources, data)


# --- actors and goals ----------------------------------------------------------------------


@_from_dataset
def actor_goal_matrix(ds: Dataset, case: str, ax: Axes | None = None) -> Axes:
    """Actors (rows) by goal category (columns): how many goals each actor has there.

    Each cell writes its count and whether the goals are stated by the actor
    (S) or inferred by analysts (I); the shade only repeats the count.
    """
    info = _case(ds, case)
    goals = ds.goals[ds.goals["case_id"] == case]
    if goals.empty:
        raise ChartError(
            f"the case {case!r} has no rows in the goals table; add some to "
            f"{display_path(ds.path, 'goals.csv')}"
        )
    cats = [c for c in ds.vocabulary("goals", "category")["value"] if c in set(goals["category"])]
    roles = ds.roles[ds.roles["case_id"] == case].set_index("actor_id")["role"]
    actors = list(dict.fromkeys(a for a in roles.index if a in set(goals["actor_id"])))
    actors += [a for a in dict.fromkeys(goals["actor_id"]) if a not in actors]
    every = dict(zip(ds.actors["actor_id"], ds.actors["name"], strict=True))
    names = {a: str(every[a]) if a in every else str(ds.actor(a)["name"]) for a in actors}
    cells: dict[tuple[str, str], list[str]] = {}  # (actor, category) -> the goals' bases
    for a, c, b in zip(goals["actor_id"], goals["category"], goals["basis"], strict=True):
        cells.setdefault((a, c), []).append(b)
    counts = np.array([[len(cells.get((a, c), ())) for c in cats] for a in actors], dtype=float)
    ax = _new_axes(ax, (max(7.0, 0.62 * len(cats) + 3), 0.45 * len(actors) + 2.2))
    ax.imshow(counts, cmap="Blues", vmin=0, vmax=max(3, int(counts.max())), aspect="auto")
    for i, a in enumerate(actors):
        for j, c in enumerate(cats):
            bases = cells.get((a, c))
            if not bases:
                continue
            basis = "/".join(sorted({"S" if b == "stated" else "I" for b in bases}))
            ax.text(
                j,
                i,
                f"{len(bases)} {basis}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if len(bases) >= 2 else "black",
            )
    ax.set_xticks(range(len(cats)), cats, rotation=40, ha="right", fontsize=8)
    ax.set_yticks(
        range(len(actors)), [f"{names[a]} ({roles.get(a, 'no role')})" for a in actors], fontsize=8
    )
    ax.set_xticks(np.arange(-0.5, len(cats)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(actors)), minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    title = f"Actors and their goals: {info['short_label']}"
    ax.set_title(
        title + "\n(number of goals; S = stated, I = inferred by analysts)", loc="left", fontsize=10
    )
    n_cats = _plural(len(cats), "goal category", "goal categories")
    stated, inferred = (int((goals["basis"] == b).sum()) for b in ("stated", "inferred"))
    s = [
        (
            f"A grid of {_plural(len(actors), 'actor')} in the {info['short_label']} case against "
            f"{n_cats}, with {_plural(len(goals), 'goal')} in all: "
            f"{stated} stated by the actor, {inferred} inferred by analysts."
        )
    ]
    by_cat = goals["category"].value_counts()
    s.append(
        "Most common categories: " + ", ".join(f"{c} {n}" for c, n in by_cat.head(4).items()) + "."
    )
    for a in actors:
        mine = goals[goals["actor_id"] == a]
        parts = [
            f"{c} ({'/'.join(sorted(set(mine.loc[mine['category'] == c, 'basis'])))})"
            for c in cats
            if c in set(mine["category"])
        ]
        s.append(f"{names[a]} ({roles.get(a, 'no role')}): {', '.join(parts)}.")
    return _register(ax, Description(title, tuple(s), _sources(goals), goals))


# --- counterparts ---------------------------------------------------------------------------


@_from_dataset
def counterpart_map(ds: Dataset, case_a: str, case_b: str, ax: Axes | None = None) -> Axes:
    """Who plays whose part: case A's actors on the left, case B's on the right.

    A line joins each pair the ``counterparts`` table records, labelled with the
    role and drawn by how well the pair fits: solid and thick for strong, dashed
    for partial, dotted for weak; the fit is also written on the line.
    """
    info_a, info_b = _case(ds, case_a), _case(ds, case_b)
    cp = ds.counterparts
    fwd = cp[(cp["case_a"] == case_a) & (cp["case_b"] == case_b)]
    rev = cp[(cp["case_a"] == case_b) & (cp["case_b"] == case_a)].rename(
        columns={"actor_a": "actor_b", "actor_b": "actor_a", "case_a": "case_b", "case_b": "case_a"}
    )
    pairs = pd.concat([fwd, rev], ignore_index=True)
    if pairs.empty:
        raise ChartError(
            f"no counterparts are recorded between {case_a!r} and {case_b!r}; add rows to "
            f"{display_path(ds.path, 'counterparts.csv')} (case_a, actor_a, case_b, actor_b, "
            "role, fit)"
        )
    role_order = list(ds.vocabulary("roles", "role")["value"])
    pairs["_r"] = (
        pairs["role"].map({r: i for i, r in enumerate(role_order)}).fillna(len(role_order))
    )
    pairs = pairs.sort_values(["_r", "counterpart_id"]).drop(columns="_r").reset_index(drop=True)
    left = list(dict.fromkeys(pairs["actor_a"]))
    right = list(dict.fromkeys(pairs["actor_b"]))
    every = dict(zip(ds.actors["actor_id"], ds.actors["name"], strict=True))
    name = {a: str(every[a]) if a in every else str(ds.actor(a)["name"]) for a in {*left, *right}}
    n = max(len(left), len(right))
    ly = {a: n - 1 - i * (n - 1) / max(len(left) - 1, 1) for i, a in enumerate(left)}
    ry = {a: n - 1 - i * (n - 1) / max(len(right) - 1, 1) for i, a in enumerate(right)}
    ax = _new_axes(ax, (10, 0.5 * n + 1.6))
    for i, (_, p) in enumerate(pairs.iterrows()):
        ls, lw = FIT_STYLE.get(p["fit"], ("-", 1.0))
        colour = PALETTE[i % 7]
        y0, y1 = ly[p["actor_a"]], ry[p["actor_b"]]
        ax.plot([0, 1], [y0, y1], linestyle=ls, lw=lw, color=colour)
        t = 0.3 + 0.4 * ((i % 3) / 2)
        ax.text(
            t,
            y0 + (y1 - y0) * t,
            f"{p['role']}: {p['fit']}",
            fontsize=7,
            ha="center",
            va="center",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": colour, "lw": 0.6},
        )
    for a, y in ly.items():
        ax.text(-0.02, y, name[a], ha="right", va="center", fontsize=9)
    for a, y in ry.items():
        ax.text(1.02, y, name[a], ha="left", va="center", fontsize=9)
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(-0.8, n - 0.2)
    ax.axis("off")
    ax.text(-0.02, n - 0.35, info_a["short_label"], ha="right", fontsize=10, fontweight="bold")
    ax.text(1.02, n - 0.35, info_b["short_label"], ha="left", fontsize=10, fontweight="bold")
    from matplotlib.lines import Line2D  # noqa: PLC0415

    ax.legend(
        handles=[
            Line2D([], [], color="0.2", linestyle=FIT_STYLE[f][0], lw=FIT_STYLE[f][1], label=f)
            for f in FIT_STYLE
        ],
        title="Fit",
        loc="lower center",
        ncols=3,
        fontsize=8,
        title_fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, -0.12),
    )
    title = f"Counterparts: {info_a['short_label']} and {info_b['short_label']}"
    ax.set_title(title, loc="left", fontsize=11, pad=16)
    fits = pairs["fit"].value_counts()
    by_fit = ", ".join(f"{fits.get(f, 0)} {f}" for f in FIT_STYLE)
    s = [
        (
            f"{_plural(len(pairs), 'pairing')} of actors between the {info_a['short_label']} case "
            f"(left) and the {info_b['short_label']} case (right), by role: {by_fit}."
        )
    ]
    label_a, label_b = info_a["short_label"], info_b["short_label"]
    for _, p in pairs.iterrows():  # each actor named with its own case: reads in either order
        s.append(
            f"{p['role']}: {name[p['actor_a']]} in {label_a}, {name[p['actor_b']]} in "
            f"{label_b} ({p['fit']} fit). {p['reason']}"
        )
    unmatched = []
    for case, label, shown in ((case_a, label_a, left), (case_b, label_b, right)):
        cast = dict.fromkeys(ds.roles.loc[ds.roles["case_id"] == case, "actor_id"])
        missing = sorted({str(ds.actor(a)["name"]) for a in cast if a not in set(shown)})
        if missing:
            unmatched.append(f"of {label}: {', '.join(missing)}")
    if unmatched:
        s.append("No counterpart recorded for these actors " + "; ".join(unmatched) + ".")
    return _register(ax, Description(title, tuple(s), _sources(pairs), pairs))


# --- the analyst's tools: likenesses, competing hypotheses, hindsight -------------------------

VERDICT_STYLE: dict[str, tuple[str, str]] = {  # fill colour, hatch
    "likeness": (PALETTE[0], ""),
    "partial": (PALETTE[1], "///"),
    "difference": ("white", ""),
}
RATING_STYLE: dict[str, tuple[str, str]] = {  # background, text: each pair at least 4.5:1
    "CC": ("#0072B2", "#fff"),
    "C": ("#9CD2F0", "#000"),
    "N": ("#EEEEEE", "#000"),
    "NA": ("#fff", "#595959"),
    "I": ("#F5C26B", "#000"),
    "II": ("#D55E00", "#000"),
}
RATING_WORDS = {
    "CC": "very consistent",
    "C": "consistent",
    "N": "neutral",
    "NA": "not applicable",
    "I": "inconsistent",
    "II": "very inconsistent",
}


@_from_dataset
def likeness_chart(
    ds: Dataset,
    case_a: str,
    case_b: str,
    weights: dict[str, float] | None = None,
    *,
    threshold: float = 0.5,
    ax: Axes | None = None,
) -> Axes:
    """Each dimension as a bar as long as its weight, filled as far as the cases match.

    A likeness fills its bar, a partial likeness half of it (hatched), a
    difference leaves it empty; the verdict and the weight are also written at the
    end of each bar. The title gives the weighted analogy score and which side of
    the threshold it falls on (see ``analysis.analogy_strength``).
    """
    from analogylab import analysis  # noqa: PLC0415

    try:
        result = analysis.analogy_strength(ds, case_a, case_b, weights, threshold=threshold)
    except (analysis.AnalysisError, KeyError) as err:
        raise ChartError(str(err).strip("\"'")) from None
    info_a, info_b = _case(ds, case_a), _case(ds, case_b)
    t = result.table
    n = len(t)
    ax = _new_axes(ax, (10, 0.34 * n + 1.8))
    for i, (_, r) in enumerate(t.iterrows()):
        y = n - 1 - i
        w = float(r["weight"])
        ax.barh(y, w, height=0.62, color="white", edgecolor="0.35", lw=0.8)
        verdict = r["verdict"] if isinstance(r["verdict"], str) else None
        if verdict:
            colour, hatch = VERDICT_STYLE[verdict]
            filled = w * analysis.VERDICT_POINTS[verdict]
            if filled > 0:
                ax.barh(y, filled, height=0.62, color=colour, hatch=hatch, edgecolor="0.35", lw=0.8)
        label = f"{verdict or 'not judged'}, weight {w:g}"
        ax.text(w + 0.05, y, label, va="center", fontsize=8)
    ax.set_yticks(range(n), list(reversed(t["name"].tolist())), fontsize=8)
    ax.set_xlim(0, analysis.MAX_WEIGHT + 1.4)
    ax.set_xticks([0, 1, 2, 3])
    ax.set_xlabel("weight (bar length); filled part = how far the cases match", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    title = f"Likenesses and differences: {info_a['short_label']} and {info_b['short_label']}"
    from matplotlib.patches import Patch  # noqa: PLC0415

    pad = _legend_above(
        ax,
        [Patch(facecolor=c, hatch=h, edgecolor="0.35") for c, h in VERDICT_STYLE.values()],
        list(VERDICT_STYLE),
        ncols=len(VERDICT_STYLE),
    )
    ax.set_title(
        f"{title}\nAnalogy score {result.score:.2f} (threshold {threshold:g}): {result.verdict}",
        loc="left",
        fontsize=10,
        pad=pad,
    )
    defaults = dict(
        zip(ds.dimensions["dimension_id"], ds.dimensions["default_weight"], strict=True)
    )
    changed = [
        f"{r['name']} {defaults[r['dimension_id']]:g} to {r['weight']:g}"
        for _, r in t.iterrows()
        if not np.isclose(defaults[r["dimension_id"]], r["weight"])
    ]
    judged = int(t["verdict"].notna().sum())
    over = _plural(n, "dimension") if judged == n else f"{judged} of {_plural(n, 'dimension')}"
    s = [
        (
            f"Analogy score {result.score:.2f} out of 1 for {info_a['short_label']} and "
            f"{info_b['short_label']} over {over}: {result.verdict} "
            f"(threshold {threshold:g})."
        ),
        (
            "Weights changed from the defaults: " + "; ".join(changed) + "."
            if changed
            else "All weights are the defaults of dimensions.csv."
        ),
    ]
    for v in ("likeness", "partial", "difference"):
        rows = t[t["verdict"] == v]
        if not rows.empty:
            items = ", ".join(f"{r['name']} (weight {r['weight']:g})" for _, r in rows.iterrows())
            s.append(f"{v.capitalize()} ({len(rows)}): {items}.")
    if result.unjudged:
        names = dict(zip(t["dimension_id"], t["name"], strict=True))
        s.append("Not judged for this pair: " + ", ".join(names[d] for d in result.unjudged) + ".")
    return _register(ax, Description(title, tuple(s), _sources(t), t))


@dataclass(frozen=True)
class _Head:
    """A heading of a rating table: its text (bold), a line under it, and a contested mark."""

    text: str
    detail: str = ""
    contested: bool = False


_CELL = "background-color:{bg};color:{fg};text-align:center;font-weight:bold;border:2px solid #fff"
_ROW_HEAD = (
    "text-align:left;vertical-align:top;font-weight:normal;white-space:normal;"
    "min-width:14em;max-width:32em;padding:0.25em 0.5em"
)
_COL_HEAD = (
    "text-align:center;vertical-align:bottom;white-space:normal;min-width:6em;max-width:11em;"
    "padding:0.25em 0.4em"
)
_CONTESTED = ";border-left:4px dashed #333333"
_CAPTION = "caption-side:top;text-align:left;font-weight:bold;padding:0.3em 0"


def _chip(rating: str) -> str:
    bg, fg = RATING_STYLE[rating]
    return (
        f'<span style="background-color:{bg};color:{fg};font-weight:bold;padding:0 0.35em;'
        f'border:1px solid #BBBBBB">{rating}</span>'
    )


def _rating_table_html(
    m: pd.DataFrame,
    *,
    caption: str,
    corner: str,
    rows: Sequence[_Head],
    columns: Sequence[_Head],
    adds: pd.DataFrame,
    key: str,
) -> str:
    """A matrix of ratings as an HTML table a screen reader can walk, for any rows and columns.

    One ``th scope="row"`` per item and one ``th scope="col"`` per column (any
    columns: a hypothesis a student adds is one more), under a ``caption``. Each
    cell writes its rating (an ``abbr`` whose title is the word), in the scale's
    colour, and where it counts, what it adds to its column's score (``adds``:
    "+1", "+2", or weighted): that text says what the hatching of a chart said.
    A contested item is marked in words and with a dashed bar. Only inline styles,
    no ids and no ``<style>``: the same ratings give the same bytes (nbval compares
    them), JupyterLab keeps inline styles in the outputs of a notebook it does not
    trust, and the reader edition's pages drop style blocks.
    """
    esc = html.escape
    out = [
        '<div class="analogylab-rating-table" style="overflow-x:auto">',
        '<table style="border-collapse:collapse;margin:0.3em 0">',
        f'<caption style="{_CAPTION}">{esc(caption)}</caption>',
        f'<thead><tr><th scope="col" style="{_ROW_HEAD};vertical-align:bottom">{esc(corner)}</th>',
    ]
    for col in columns:
        detail = f' <br><span style="font-weight:normal">{esc(col.detail)}</span>'
        out.append(f'<th scope="col" style="{_COL_HEAD}">{esc(col.text)}{detail}</th>')
    out.append("</tr></thead><tbody>")
    values, points = m.to_numpy(dtype=object), adds.to_numpy(dtype=float)
    for i, row in enumerate(rows):
        mark = " <em>(contested)</em>" if row.contested else ""
        detail = f" <br>{esc(row.detail)}" if row.detail else ""
        style = _ROW_HEAD + (_CONTESTED if row.contested else "")
        out.append(f'<tr><th scope="row" style="{style}"><b>{esc(row.text)}</b>{mark}{detail}</th>')
        for j in range(len(columns)):
            v = values[i, j]
            rating = v if isinstance(v, str) else None  # as_matrix leaves None where unrated
            bg, fg = RATING_STYLE.get(rating or "", ("#fff", "#000"))
            word = RATING_WORDS.get(rating, rating) if rating else "not rated"
            add = points[i, j]
            plus = f' <span style="font-weight:normal">+{_fmt_num(add)}</span>' if add > 0 else ""
            out.append(
                f'<td style="{_CELL.format(bg=bg, fg=fg)}">'
                f'<abbr title="{esc(str(word))}">{esc(rating or "?")}</abbr>{plus}</td>'
            )
        out.append("</tr>")
    out.append("</tbody></table>")
    scale = ", ".join(f"{_chip(k)} {RATING_WORDS[k]}" for k in RATING_STYLE)
    out.append(
        f'<p style="font-size:0.9em;margin:0.2em 0 0.6em">Scale: {scale}; ? not rated. '
        f"{esc(key)}</p></div>"
    )
    return "".join(out)


def _cell_points(m: pd.DataFrame, weights: pd.Series | None = None) -> pd.DataFrame:
    """What each cell adds to its column's inconsistency score (I = 1, II = 2, times a weight)."""
    from analogylab.analysis import RATING_POINTS  # noqa: PLC0415

    pts = pd.DataFrame(
        [
            [float(RATING_POINTS.get(v, 0)) if isinstance(v, str) else 0.0 for v in row]
            for row in m.to_numpy(dtype=object)
        ],
        index=m.index,
        columns=m.columns,
    )
    return pts if weights is None else pts.mul(weights, axis=0)


def _hyp_labels(ds: Dataset, ids: Sequence[str], width: int = 18) -> list[str]:
    labels = dict(zip(ds.hypotheses["hypothesis_id"], ds.hypotheses["label"], strict=True))
    return [textwrap.fill(str(labels.get(h, h)), width) for h in ids]


def _ach_ratings(ds: Dataset, case: str, ratings: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The ratings to draw, on the case's items and hypotheses (and the student's own)."""
    from analogylab import analysis  # noqa: PLC0415

    ref = analysis.rating_matrix(ds, case)
    m = ref if ratings is None else analysis.as_matrix(ratings)
    own: dict[str, Any] = analysis.own_hypotheses(m)
    unknown = [h for h in m.columns if h not in ref.columns and h not in own]
    if unknown:
        raise ChartError(
            f"hypothesis {unknown[0]!r} is not one of the case {case!r}; a hypothesis of "
            "your own goes in with analysis.add_hypothesis (or a grid's own column)"
        )
    m = m.reindex(columns=_column_order(list(ref.columns), list(m.columns), own))
    m = m.reindex(index=[e for e in ref.index if e in m.index])
    m.attrs["own"] = own
    m = analysis.as_matrix(m)
    if m.empty:
        raise ChartError(f"none of the rated items is evidence of the case {case!r}")
    return m, own


def _column_order(reference: list[str], given: list[str], own: Mapping[str, Any]) -> list[str]:
    """The case's hypotheses in their order, each own hypothesis after its first parent."""
    out = [h for h in reference if h in given]
    for h in given:
        if h not in own or h in out:
            continue
        parents = [p for p in getattr(own[h], "parents", ()) if p in out]
        if parents:
            at = out.index(parents[0]) + 1
            while at < len(out) and out[at] in own:
                at += 1
            out.insert(at, h)
        else:
            out.append(h)
    return out


@_from_dataset
def ach_matrix(
    ds: Dataset,
    case: str,
    ratings: Any = None,
    *,
    weighted: bool = False,
    whose: str | None = None,
) -> RatingTable:
    """Heuer's matrix as a table: evidence down (by date), hypotheses across, a rating in each cell.

    ``ratings`` are the reference ratings of ``ratings.csv`` unless given (a grid
    exercise's answer, or any form ``analysis.as_matrix`` takes); ``whose`` names
    them in the title ("your ratings"). Each item's heading gives its date and
    what it is, and marks it if contested; each hypothesis's heading gives its
    inconsistency score (I = 1, II = 2; lower is less inconsistent), weighted by
    credibility x relevance when ``weighted``, and each cell that counts says what
    it adds to that score. Colour repeats the letters. Returns a
    :class:`RatingTable`; ``show`` puts it and its text twin on the page.

    Hypotheses of the student's own (added, merged or split: ``analysis.own_hypotheses``)
    are columns like the others, headed by the student's label and marked as theirs
    ("your merge of A and B"), scored by the same rules and compared with nothing. Any
    other column is refused: it is not a hypothesis of the case.
    """
    from analogylab import analysis  # noqa: PLC0415

    info = _case(ds, case)
    try:
        m, own = _ach_ratings(ds, case, ratings)
        scores = analysis.score_hypotheses(m, ds.evidence, weighted=weighted)
    except analysis.AnalysisError as err:
        raise ChartError(str(err)) from None
    whose = whose or ("the reference ratings" if ratings is None else "these ratings")
    by_h = scores.set_index("hypothesis_id")["score"]
    ev = ds.evidence.set_index("evidence_id")
    level = analysis.WEIGHT_LEVELS
    weight = (
        ev.loc[m.index, "credibility"].map(level) * ev.loc[m.index, "relevance"].map(level)
        if weighted
        else None
    )
    rows = [
        _Head(
            f"{e} · {_fmt_date(ev.at[e, 'date'], str(ev.at[e, 'precision']))}",
            str(ev.at[e, "description"])
            + (
                f" Weight {weight[e]:.2f}: credibility {ev.at[e, 'credibility']!s} x "
                f"relevance {ev.at[e, 'relevance']!s}."
                if weight is not None
                else ""
            ),
            bool(ev.at[e, "contested"]),
        )
        for e in m.index
    ]
    names = dict(zip(ds.hypotheses["hypothesis_id"], ds.hypotheses["label"], strict=True))
    cols = [
        _Head(
            lab,
            f"{'weighted ' if weighted else ''}score {_fmt_num(round(float(by_h[h]), 2))}"
            + (f"; {own[h].describe(names)}, not in the data" if h in own else ""),
        )
        for lab, h in zip(_hyp_labels(ds, list(m.columns), 999), m.columns, strict=True)
    ]
    title = f"Competing hypotheses: {info['short_label']} ({whose})"
    counted = ", times the item's weight: credibility x relevance" if weighted else ""
    table = _rating_table_html(
        m,
        caption=title + ("; weighted scores" if weighted else ""),
        corner="Evidence, by date",
        rows=rows,
        columns=cols,
        adds=_cell_points(m, weight),
        key=(
            f"+N: what the cell adds to the hypothesis's inconsistency score (I counts 1, "
            f"II counts 2{counted}); the score under each hypothesis is the sum of its "
            "column, and lower is less inconsistent. Consistent ratings add nothing: evidence "
            "that fits a hypothesis cannot prove it. A dashed bar and (contested) mark an "
            "item whose facts are disputed."
        ),
    )
    order = "; ".join(
        f"{_hyp_labels(ds, [h], 999)[0]} {_fmt_num(round(v, 2))}"
        for h, v in zip(scores["hypothesis_id"], scores["score"], strict=True)
    )
    diag = analysis.diagnosticity(m)
    flat = diag.loc[~diag["diagnostic"], "evidence_id"].tolist()
    s = [
        (
            f"A matrix of {_plural(len(m), 'item')} of evidence against "
            f"{_plural(len(m.columns), 'hypothesis', 'hypotheses')} for {info['short_label']}, "
            f"with {whose}; {'weighted ' if weighted else ''}inconsistency scores, "
            f"least inconsistent first: {order}."
        ),
        (
            "Only inconsistent ratings count (I = 1, II = 2"
            + (", times credibility x relevance" if weighted else "")
            + "); consistent ones add nothing, because evidence that fits a hypothesis "
            "cannot prove it."
        ),
    ]
    if own:
        s.append(
            "Hypotheses of your own, scored by the same rules and compared with nothing: "
            + "; ".join(f"{h} ({o.describe(names)})" for h, o in own.items())
            + "."
        )
    if flat:
        s.append(
            f"{_plural(len(flat), 'item')} {'gives' if len(flat) == 1 else 'give'} every "
            f"hypothesis the same score and so cannot tell them apart: {', '.join(flat)}."
        )
    unrated = int(m.isna().sum().sum())
    if unrated:
        s.append(
            f"{_plural(unrated, 'cell')} left unrated (shown as ?) "
            f"{'counts' if unrated == 1 else 'count'} as 0."
        )
    for e in m.index:
        cells = ", ".join(f"{h} {analysis.rating_at(m, e, h) or '?'}" for h in m.columns)
        s.append(f"{e}: {cells}.")
    src_rows = ds.evidence[ds.evidence["evidence_id"].isin(m.index)]
    sources = _sources(src_rows)
    if ratings is None:
        rr = ds.ratings[ds.ratings["evidence_id"].isin(m.index)]
        sources = tuple(dict.fromkeys(sources + _sources(rr)))
    data = m.reset_index()
    return _register(
        RatingTable(title, table, m, scores), Description(title, tuple(s), sources, data)
    )


@_from_dataset
def hindsight_chart(
    ds: Dataset,
    case: str,
    ratings: Any = None,
    *,
    include_contested: bool = True,
) -> RatingTable:
    """What happened after the analysis date (rows, by date) against each hypothesis (columns).

    A table like ``ach_matrix``'s: each cell holds how consistent the development is
    with the hypothesis (the reference ratings of ``milestones.csv`` unless
    ``ratings`` are given: the curators', written in hindsight, after the events, and
    labelled so), and what it adds to the hypothesis's hindsight score
    (inconsistency, lower is better), which heads its column. Contested
    developments are marked in their heading, or left out with
    ``include_contested=False``. Returns a :class:`RatingTable`.
    """
    from analogylab import analysis  # noqa: PLC0415

    info = _case(ds, case)
    try:
        m = analysis.hindsight_matrix(ds, case, ratings, include_contested=include_contested)
        scores = analysis.score_hypotheses(m)
    except analysis.AnalysisError as err:
        raise ChartError(str(err)) from None
    ms = analysis.milestones(ds, case)
    ms = ms[ms["event_id"].isin(m.index)]
    events = ms.drop_duplicates("event_id").set_index("event_id")
    order, hyps = list(m.index), list(m.columns)  # developments by date, hypotheses
    grid = analysis.as_matrix(m.T)  # hypotheses down
    by_h = scores.set_index("hypothesis_id")["inconsistency"]
    ev_rows = ds.events.set_index("event_id")
    rows = [
        _Head(
            f"{_fmt_date(ev_rows.at[e, 'date'], str(ev_rows.at[e, 'precision']))} · "
            f"{events.at[e, 'title']!s}",
            contested=bool(events.at[e, "contested"]),
        )
        for e in order
    ]
    cols = [
        _Head(lab, f"hindsight score {_fmt_num(by_h.get(h, 0))}")
        for lab, h in zip(_hyp_labels(ds, hyps, 999), hyps, strict=True)
    ]
    hatch = [j for j, e in enumerate(order) if bool(events.at[e, "contested"])]
    whose = "the curators' ratings, written in hindsight" if ratings is None else "your ratings"
    when = _fmt_date(info["analysis_date"], "day")
    title = f"Hindsight: {info['short_label']} after {when} ({whose})"
    table = _rating_table_html(
        m,
        caption=title,
        corner="What happened, by date",
        rows=rows,
        columns=cols,
        adds=_cell_points(m),
        key=(
            "+N: what the development adds to the hypothesis's hindsight score (I counts 1, "
            "II counts 2); the score under each hypothesis is the sum of its column, and lower "
            "is less inconsistent. A dashed bar and (contested) mark a development whose facts "
            "are disputed."
        ),
    )
    ranking = "; ".join(
        f"{_hyp_labels(ds, [h], 999)[0]} {_fmt_num(v)}"
        for h, v in zip(scores["hypothesis_id"], scores["inconsistency"], strict=True)
    )
    s = [
        (
            f"{_plural(len(order), 'development')} after the analysis date of "
            f"{_fmt_date(info['analysis_date'], 'day')}, rated against "
            f"{_plural(len(hyps), 'hypothesis', 'hypotheses')} with {whose}; hindsight scores "
            f"(inconsistency, lower is less inconsistent): {ranking}."
        )
    ]
    rated = [e for e in order if any(analysis.rating_at(grid, h, e) for h in hyps)]
    if ratings is not None and len(rated) < len(order):
        s.append(
            f"You rated {len(rated)} of the {len(order)} developments; "
            "the others show as ? and count as 0."
        )
    if hatch:
        s.append(
            "Contested developments (marked contested): "
            + ", ".join(str(events.at[order[j], "title"]) for j in hatch)
            + "."
        )
    elif not include_contested:
        s.append("Contested developments are left out.")
    s.append(
        "The curators wrote what each hypothesis would have led one to expect after these "
        "events, in hindsight: not before them, as Heuer's step 8 asks of indicators."
    )
    for e in order:
        cells = ", ".join(f"{h} {analysis.rating_at(grid, h, e) or '?'}" for h in hyps)
        s.append(
            f"{_fmt_date(ev_rows.at[e, 'date'], str(ev_rows.at[e, 'precision']))}, "
            f"{events.at[e, 'title']!s}: {cells}."
        )
    return _register(
        RatingTable(title, table, m, scores), Description(title, tuple(s), _sources(ms), ms)
    )
