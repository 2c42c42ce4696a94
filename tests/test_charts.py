"""The charts draw what the data holds, and their text twins say it in words."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D

from analogylab import charts
from analogylab.data import Dataset

A, B = "us-mujahideen-1980s", "russia-taliban-2018"
INTERVENTIONS = ("e80-1979-12-intervention", "e18-2001-10-us-intervention")


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def point_marks(ax: Any) -> list[Line2D]:
    """The one-point marks (events), not the span bars or legend handles."""
    return [
        ln
        for ln in ax.get_lines()
        if ln.get_marker() not in ("None", None, "") and len(ln.get_xdata()) == 1
    ]


def span_bars(ax: Any) -> list[Line2D]:
    return [
        ln
        for ln in ax.get_lines()
        if ln.get_marker() in ("None", None, "")
        and len(ln.get_xdata()) == 2
        and ln.get_linewidth() == 5
    ]


def case_events(ds: Dataset, case: str) -> pd.DataFrame:
    return ds.events[ds.events.case_id == case]


# --- timeline ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", [A, B])
def test_timeline_draws_one_mark_per_event(ds: Dataset, case: str) -> None:
    ax = charts.timeline(ds, case)
    ev = case_events(ds, case)
    marks = point_marks(ax)
    assert len(marks) == len(ev)
    hollow = [m for m in marks if m.get_markerfacecolor() == "white"]
    assert len(hollow) == int(ev.contested.sum()) > 0
    not_day = ev[(ev.precision != "day") | ev.end_date.notna()]
    assert len(span_bars(ax)) == len(not_day) > 0
    assert {t.get_text() for t in ax.get_yticklabels()} == set(ev.kind)


def test_timeline_draws_a_month_as_a_month(ds: Dataset) -> None:
    event = ds.row("events", "e80-1979-09-amin-takes-power")
    assert event.precision == "month"
    ax = charts.timeline(ds, A, years=(1979, 1979), kinds=["regime-change"])
    (bar,) = span_bars(ax)
    x0, x1 = bar.get_xdata()
    assert x0 == pytest.approx(1979 + 243 / 365)  # 1 September
    assert x1 == pytest.approx(1979 + 272 / 365)  # 30 September


def test_timeline_filters_by_kind_and_years(ds: Dataset) -> None:
    ax = charts.timeline(ds, B, kinds=["allegation", "denial"], years=(2017, 2018))
    ev = case_events(ds, B)
    years = pd.to_datetime(ev.date).dt.year
    want = ev[ev.kind.isin(["allegation", "denial"]) & years.between(2017, 2018)]
    assert len(point_marks(ax)) == len(want) == len(charts.describe(ax).data)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["denial", "allegation"]
    low, high = ax.get_xlim()
    assert low < 2017 and high > 2019


def test_timeline_text_twin_names_counts_contested_events_and_sources(ds: Dataset) -> None:
    ax = charts.timeline(ds, B, years=(2015, 2018))
    d = charts.describe(ax)
    ev = d.data
    assert f"{len(ev)} events" in d.text
    for title in ev[ev.contested].title:
        assert title in d.text
    assert f"{int(ev.contested.sum())} events are contested" in d.text
    assert "First Moscow-format round" in d.text and "14 Apr 2017" in d.text
    assert set(d.sources) == {s for ids in ev.source_ids for s in ids}
    assert charts.alt_text(ax) == d.sentences[0]


def test_timeline_years_keep_a_span_that_runs_into_them(ds: Dataset) -> None:
    span = ds.row("events", "e18-2007-01-contacts-claimed")
    assert span.date.year == 2007 and span.end_date.year == 2015
    ax = charts.timeline(ds, B, years=(2015, 2018))
    assert "e18-2007-01-contacts-claimed" in set(charts.describe(ax).data.event_id)
    xs = [m.get_xdata()[0] for m in point_marks(ax)]
    assert min(xs) == 2015.0, "the mark of the span is at the left edge, on its bar"
    assert all(2015 <= x <= 2019 for x in xs)
    ax = charts.timeline(ds, B, years=(2016, 2018))
    assert "e18-2007-01-contacts-claimed" not in set(charts.describe(ax).data.event_id)


def test_timeline_marks_are_numbered_as_in_the_text_twin(ds: Dataset) -> None:
    ax = charts.timeline(ds, A, years=(1979, 1979))
    d = charts.describe(ax)
    numbers = sorted(int(t.get_text()) for t in ax.texts)
    assert numbers == list(range(1, len(d.data) + 1))
    assert f"1. {charts._event_sentence(d.data.iloc[0])}" in d.text
    assert f"{len(d.data)}. {charts._event_sentence(d.data.iloc[-1])}" in d.text


def test_timeline_with_no_events_says_so(ds: Dataset) -> None:
    ax = charts.timeline(ds, A, kinds=["recognition"])
    assert point_marks(ax) == []
    assert "none match" in charts.describe(ax).text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"case": "us-mujahedeen-1980s"}, "us-mujahideen-1980s"),  # a suggestion
        ({"case": A, "kinds": ["treaty"]}, "unknown event kind 'treaty'"),
        ({"case": A, "years": (1989, 1979)}, "give the earlier year first"),
        ({"case": A, "years": "1980"}, "years must be a pair"),
    ],
)
def test_timeline_refuses_what_the_data_cannot_draw(
    ds: Dataset, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(charts.ChartError, match=message):
        charts.timeline(ds, **kwargs)


def test_every_kind_has_its_own_colour_and_shape(ds: Dataset) -> None:
    styles = charts._kind_styles(ds)
    assert len(set(styles.values())) == len(styles)
    assert len({m for _, m in styles.values()}) == len(styles), "shape alone tells kinds apart"


# --- aligned timelines -----------------------------------------------------------------------


def test_aligned_timelines_put_the_chosen_events_at_zero(ds: Dataset) -> None:
    ax = charts.aligned_timelines(ds, A, B, align=INTERVENTIONS)
    d = charts.describe(ax)
    data = d.data.set_index("event_id")
    assert data.loc[INTERVENTIONS[0], "offset"] == pytest.approx(0)
    assert data.loc[INTERVENTIONS[1], "offset"] == pytest.approx(0)
    # The Soviet withdrawal ended 9.1 years after the intervention;
    # the last US troops left 19.9 years after October 2001.
    assert data.loc["e80-1989-02-withdrawal-completed", "offset"] == pytest.approx(9.15, abs=0.02)
    assert data.loc["e18-2021-08-us-exit", "offset"] == pytest.approx(19.9, abs=0.02)
    assert len(point_marks(ax)) == len(case_events(ds, A)) + len(case_events(ds, B))
    assert "+9.1" in d.text and "+19.9" in d.text
    assert (
        "Soviet intervention (24 Dec 1979) lined up with US-led intervention begins (7 Oct 2001)"
        in d.text
    )


def test_aligned_twin_names_the_cases_not_first_and_second(ds: Dataset) -> None:
    there = charts.describe(charts.aligned_timelines(ds, A, B, align=INTERVENTIONS)).text
    back = charts.describe(charts.aligned_timelines(ds, B, A, align=INTERVENTIONS[::-1])).text
    for text, first, second in (
        (there, "US-mujahideen 1980s", "Russia-Taliban 2018"),
        (back, "Russia-Taliban 2018", "US-mujahideen 1980s"),
    ):
        assert "first case" not in text and "the second" not in text
        assert re.search(
            rf"Events of kind intervention: at [-+0-9., ]+ years in {first} and [-+0-9., ]+ "
            rf"in {second}\.",
            text,
        ), text


def test_aligned_window_keeps_only_events_inside_it(ds: Dataset) -> None:
    ax = charts.aligned_timelines(ds, A, B, align=INTERVENTIONS, window=(-1, 2))
    offsets = charts.describe(ax).data.offset
    assert len(offsets) == len(point_marks(ax)) > 0
    assert offsets.between(-1, 2).all()
    assert ax.get_xlim() == pytest.approx((-1.3, 2.3))


def test_aligned_refuses_an_event_of_the_wrong_case(ds: Dataset) -> None:
    with pytest.raises(charts.ChartError, match="belongs to the case 'russia-taliban-2018'"):
        charts.aligned_timelines(ds, A, B, align=INTERVENTIONS[::-1])
    with pytest.raises(charts.ChartError, match="empty"):
        charts.aligned_timelines(ds, A, B, align=INTERVENTIONS, window=(3, 3))


def test_alignment_pairs_pair_events_of_the_same_kind(ds: Dataset) -> None:
    pairs = charts.alignment_pairs(ds, A, B)
    assert INTERVENTIONS in pairs.values()
    assert ("e80-1989-02-withdrawal-completed", "e18-2021-08-us-exit") in pairs.values()
    for ea, eb in pairs.values():
        a, b = ds.row("events", ea), ds.row("events", eb)
        assert (a.case_id, b.case_id) == (A, B)
        assert a.kind == b.kind


# --- series -------------------------------------------------------------------------------


def test_series_chart_draws_points_and_ranges(ds: Dataset) -> None:
    ax = charts.series_chart(ds, ["us-covert-funding"])
    rows = ds.series[ds.series.series_id == "us-covert-funding"]
    (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("US covert aid")]
    xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    assert list(xs[~np.isnan(ys)]) == list(rows[rows.value.notna()].year)
    assert list(ys[~np.isnan(ys)]) == list(rows[rows.value.notna()].value)
    # the line breaks at each year known only as a range: no figure is drawn there
    assert list(xs[np.isnan(ys)]) == list(rows[rows.value.isna()].year) == [1980, 1984, 1985]
    ranged = rows[rows.low.notna()]
    (bars,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segs = bars.get_segments()
    assert [(s[0][0], s[0][1], s[1][1]) for s in segs] == list(
        zip(ranged.year.astype(float), ranged.low, ranged.high, strict=True)
    )
    assert any(isinstance(c, PolyCollection) for c in ax.collections), "a band joins the ranges"
    assert ax.get_ylabel() == "US$ million (current)"
    assert "(US$ million (current))" in line.get_label()
    foot = [t.get_text() for t in ax.figure.texts]
    assert any(t.startswith("Sources: ") and "Jones 2009" in t for t in foot)


def test_series_chart_without_ranges_has_no_bands(ds: Dataset) -> None:
    ax = charts.series_chart(ds, ["saudi-funding"])
    assert not [c for c in ax.collections if isinstance(c, LineCollection)]
    assert "Saudi official funding for the Afghan resistance: no year has a range" in (
        charts.describe(ax).text
    )
    assert ax.yaxis.get_major_formatter()(1000, 0) == "1,000"


def test_series_text_twin_gives_the_key_numbers(ds: Dataset) -> None:
    d = charts.describe(charts.series_chart(ds, ["us-covert-funding"], years=(1984, 1987)))
    assert d.alt_text == (
        "Yearly figures for 1984-1987: US covert aid to the Afghan resistance "
        "(US$ million (current)), 4 figures from 1984 to 1987, the highest 630 in 1987."
    )
    assert "1984: 60 to 85" in d.text and "1985: 250 to 280" in d.text
    assert "resistance: 2 years have a range of figures" in d.text
    assert "1980" not in d.text.split("every figure")[1].split(".")[0]
    assert set(d.sources) >= {s for ids in d.data.source_ids for s in ids}


def test_a_one_year_series_reads_naturally(ds: Dataset) -> None:
    """Not '1 figure from 1987 to 1987'."""
    d = charts.describe(charts.series_chart(ds, ["us-covert-funding"], years=(1987, 1987)))
    assert d.alt_text == (
        "Yearly figures for 1987-1987: US covert aid to the Afghan resistance "
        "(US$ million (current)), 1 figure for 1987: 630."
    )


def test_series_with_two_units_get_two_axes(ds: Dataset) -> None:
    ax = charts.series_chart(ds, ["soviet-troops-afghanistan", "soviet-deaths"])
    labels = sorted(a.get_ylabel() for a in ax.figure.axes)
    assert labels == ["deaths", "troops"]
    assert "right axis" in ax.get_legend().get_texts()[1].get_text()


def test_series_of_one_quantity_share_one_axis_whatever_their_units(ds: Dataset) -> None:
    ids = ["soviet-troops-afghanistan", "us-troops-afghanistan"]
    info = ds.series_info.set_index("series_id").loc[ids]
    assert info.unit.nunique() == 2 and set(info.quantity) == {"people"}, "the case in point"
    ax = charts.series_chart(ds, ids)
    assert ax.figure.axes == [ax], "one y axis: equal numbers at equal heights"
    assert ax.get_ylabel() == "troops; US military personnel (approximate headcount)"
    drawn = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert len(drawn) == 2
    assert not any("right axis" in t.get_text() for t in ax.get_legend().get_texts())


def test_every_series_says_what_kind_of_quantity_it_is(ds: Dataset) -> None:
    kinds = ds.vocabulary("series_info", "quantity")
    assert {"people", "deaths", "usd-million"} <= set(kinds["value"])
    assert ds.series_info.quantity.isin(kinds["value"]).all()
    assert kinds.set_index("value").loc["people"].iloc[0].startswith("a number of people")


@pytest.mark.parametrize(
    "draw",
    [
        lambda ds: charts.series_chart(ds, ["soviet-troops-afghanistan", "soviet-deaths"]),
        lambda ds: charts.likeness_chart(ds, A, B),
    ],
    ids=["series", "likeness"],
)
def test_legends_sit_outside_the_data(ds: Dataset, draw: Any) -> None:
    ax = draw(ds)
    ax.figure.canvas.draw()
    legend, plot = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.y0 >= plot.y1 - 1, "the legend is above the plotting area"
    title = ax.title if ax.title.get_text() else ax._left_title
    assert title.get_window_extent().y0 >= legend.y1 - 1, "and under the title"


def test_series_refuses_three_kinds_of_quantity_and_unknown_ids(ds: Dataset) -> None:
    with pytest.raises(charts.ChartError, match="3 different kinds of quantity"):
        charts.series_chart(ds, ["us-covert-funding", "soviet-troops-afghanistan", "soviet-deaths"])
    with pytest.raises(charts.ChartError, match="unknown series 'us-troops'"):
        charts.series_chart(ds, ["us-troops"])
    with pytest.raises(charts.ChartError, match="no series chosen"):
        charts.series_chart(ds, [])


# --- actors and goals ------------------------------------------------------------------------


@pytest.mark.parametrize("case", [A, B])
def test_goal_matrix_counts_goals_per_actor_and_category(ds: Dataset, case: str) -> None:
    ax = charts.actor_goal_matrix(ds, case)
    goals = ds.goals[ds.goals.case_id == case]
    grid = ax.get_images()[0].get_array()
    assert grid.shape == (goals.actor_id.nunique(), goals.category.nunique())
    assert int(np.asarray(grid).sum()) == len(goals)
    cell_texts = [t.get_text() for t in ax.texts]
    assert len(cell_texts) == len(goals.groupby(["actor_id", "category"]))
    assert all(t.split()[1] in {"S", "I", "I/S"} for t in cell_texts)
    d = charts.describe(ax)
    stated = int((goals.basis == "stated").sum())
    assert f"{len(goals)} goals in all: {stated} stated" in d.text
    usa = ds.actor("usa")["name"]
    assert any(s.startswith(usa) for s in d.sentences)


# --- counterparts ---------------------------------------------------------------------------


def test_counterpart_map_draws_each_pair_by_fit(ds: Dataset) -> None:
    ax = charts.counterpart_map(ds, A, B)
    cp = ds.counterparts[(ds.counterparts.case_a == A) & (ds.counterparts.case_b == B)]
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 2]
    assert len(lines) == len(cp)
    styles = sorted(ln.get_linestyle() for ln in lines)
    want = sorted({"strong": "-", "partial": "--", "weak": ":"}[f] for f in cp.fit)
    assert styles == want
    labels = {t.get_text() for t in ax.texts}
    assert {f"{r}: {f}" for r, f in zip(cp.role, cp.fit, strict=True)} <= labels
    d = charts.describe(ax)
    fits = cp.fit.value_counts()
    assert f"{fits['strong']} strong, {fits['partial']} partial, {fits['weak']} weak" in d.text
    assert (
        "sponsor: United States in US-mujahideen 1980s, Russia in Russia-Taliban 2018 "
        "(partial fit)" in d.text
    )


def _pair_sentences(d: charts.Description) -> list[tuple[str, str, frozenset[str]]]:
    """Each pairing sentence of a counterpart twin as (role, fit, {'actor in case', ...})."""
    out = []
    for sentence in d.sentences[1:]:
        head, sep, _ = sentence.partition(" fit). ")
        if sep:
            role, _, rest = head.partition(": ")
            actors, fit = rest.rsplit(" (", 1)
            out.append((role, fit, frozenset(actors.split(", "))))
    # Sorted by the names in order: a frozenset's str follows the process's hash seed.
    return sorted(out, key=lambda t: (t[0], t[1], sorted(t[2])))


def test_counterpart_map_reads_pairs_either_way_round(ds: Dataset) -> None:
    """The twin names each actor with its own case, so it reads true with either case first."""
    there = charts.describe(charts.counterpart_map(ds, A, B))
    back = charts.describe(charts.counterpart_map(ds, B, A))
    assert len(there.data) == len(back.data)
    assert (
        "sponsor: Russia in Russia-Taliban 2018, United States in US-mujahideen 1980s "
        "(partial fit)" in back.text
    )
    assert _pair_sentences(there) == _pair_sentences(back)
    assert len(_pair_sentences(there)) == len(there.data)
    heads = [x.partition(" fit). ")[0] for d in (there, back) for x in d.sentences]
    assert not any(re.search(r"\b(then|now)\b", h) for h in heads)  # no order by position


def test_counterpart_twin_lists_actors_without_a_counterpart_per_case_once(ds: Dataset) -> None:
    d = charts.describe(charts.counterpart_map(ds, A, B))
    last = d.sentences[-1]
    assert last.startswith("No counterpart recorded for these actors of ")
    for case, label in ((A, "US-mujahideen 1980s"), (B, "Russia-Taliban 2018")):
        part = next(p for p in last.split("; ") if f"of {label}: " in p)
        names = part.split(": ", 1)[1].rstrip(".").split(", ")
        assert len(names) == len(set(names)), f"a name repeats: {names}"
        cast = set(ds.roles.loc[ds.roles.case_id == case, "actor_id"])
        matched = set(d.data.actor_a if case == A else d.data.actor_b)
        assert set(names) == {ds.actor(a)["name"] for a in cast - matched}


def test_counterpart_map_without_pairs_says_what_to_add(ds: Dataset) -> None:
    with pytest.raises(charts.ChartError, match=r"data/counterparts\.csv"):
        charts.counterpart_map(ds, A, A)


# --- shared behaviour -----------------------------------------------------------------------


def test_a_given_axes_is_drawn_on_and_returned(ds: Dataset) -> None:
    fig, (left, right) = plt.subplots(1, 2)
    assert charts.timeline(ds, A, ax=left) is left
    assert charts.series_chart(ds, "saudi-funding", ax=right) is right
    assert len(fig.axes) == 2
    assert charts.describe(left).title != charts.describe(right).title


def test_describe_refuses_a_foreign_axes() -> None:
    _, ax = plt.subplots()
    with pytest.raises(charts.ChartError, match=r"not drawn by analogylab\.charts"):
        charts.describe(ax)


def test_text_twin_html_is_folded_and_escaped(ds: Dataset) -> None:
    d = charts.describe(charts.timeline(ds, A, kinds=["allegation"]))
    html = d._repr_html_()
    assert html.startswith('<details class="analogylab-text-twin"><summary>The chart in words:')
    assert "&#x27;Afghan trap&#x27;" in html and "'Afghan trap'" not in html


def test_show_displays_the_figure_then_its_twin_and_closes_it(
    ds: Dataset, monkeypatch: Any
) -> None:
    import base64

    import IPython.display

    shown: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    ax = charts.timeline(ds, A)
    d = charts.show(ax)
    (image, image_kw), (twin, twin_kw) = shown
    assert base64.b64decode(image["image/png"]).startswith(b"\x89PNG")
    assert image["text/plain"] == f"Chart: {d.alt_text}"
    assert image_kw == {
        "raw": True,
        "metadata": {
            "image/png": {"alt": d.alt_text},
            "analogylab": {"sources": list(d.sources)},  # what the chart rests on
        },
    }
    assert twin is d and twin_kw == {}
    assert ax.figure.number not in plt.get_fignums()


def test_show_folds_a_rating_table_that_answers_an_exercise(ds: Dataset, monkeypatch: Any) -> None:
    """show(table, folded=...) puts the whole table closed under the summary; a figure refuses."""
    import IPython.display

    shown: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    table = charts.ach_matrix(ds, B)
    d = charts.show(table, folded="Open after ex-05-2")
    (bundle, _kw), (twin, _) = shown
    page = bundle["text/html"]
    assert page.startswith('<details class="analogylab-fold">')
    assert "<summary" in page and "Open after ex-05-2</summary>" in page
    assert table.html in page and page.endswith("</details>")
    assert bundle["text/plain"] == f"Table: {d.alt_text}" and twin is d
    with pytest.raises(charts.ChartError, match="only a rating table can be shown folded"):
        charts.show(charts.timeline(ds, A), folded="no")


def test_importing_and_drawing_leave_the_global_style_alone() -> None:
    code = (
        "import matplotlib; matplotlib.use('Agg'); import matplotlib as mpl\n"
        "before = dict(mpl.rcParams)\n"
        "import analogylab\nfrom analogylab import charts\n"
        "charts.timeline(analogylab.load_dataset(), 'us-mujahideen-1980s')\n"
        "changed = [k for k in before if before[k] != mpl.rcParams[k]]\n"
        "print(changed)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
