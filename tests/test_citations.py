"""Citations that collect themselves (analogylab.citations), one displayer at a time.

Each test loads a dataset of its own, so ``ds.cited`` starts empty, then shows one thing
and checks that exactly its sources were recorded, in that dataset, and carried in the
output's metadata. The lesson-level check (every lesson's sources cell lists what its
page showed) is tests/test_lesson_citations.py.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import analogylab
from analogylab import charts, widgets
from analogylab.citations import (
    METADATA_KEY,
    hand_citations,
    listed_sources,
    output_metadata,
    sources_of_output,
)
from analogylab.data import Dataset
from analogylab.tables import make_table, show_table

A, B = "us-mujahideen-1980s", "russia-taliban-2018"

pytestmark = pytest.mark.usefixtures("close_explorers")


@pytest.fixture
def fresh() -> Dataset:
    """A dataset loaded for this test alone: nothing shown from it yet."""
    ds = analogylab.load_dataset()
    assert ds.cited == ()
    return ds


@pytest.fixture
def displayed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    """What goes to IPython's display(), as (object, keywords)."""
    import IPython.display

    shown: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    return shown


def rows_sources(frame: Any) -> set[str]:
    return {s for ids in frame["source_ids"] for s in ids}


# -- the dataset's record ------------------------------------------------------------------


def test_the_record_keeps_the_order_first_shown_and_each_id_once(fresh: Dataset) -> None:
    fresh.record_sources(["b", "a"])
    fresh.record_sources(("a", "c"))
    assert fresh.cited == ("b", "a", "c")


def test_cite_records_its_source_and_the_bibliography_does_not(fresh: Dataset) -> None:
    text = fresh.cite("coll-2004-ghost-wars")
    assert text.startswith("Steve Coll (2004).")
    assert fresh.cited == ("coll-2004-ghost-wars",)
    fresh.bibliography(["bill-c-2018-swj-comment"])
    assert fresh.cited == ("coll-2004-ghost-wars",), "listing sources is not showing them"


def test_each_dataset_keeps_its_own_record() -> None:
    first, second = analogylab.load_dataset(), analogylab.load_dataset()
    first.cite("coll-2004-ghost-wars")
    assert second.cited == (), "a dataset loaded again (the setup cell run again) starts empty"


# -- charts.show ---------------------------------------------------------------------------

CHARTS = {
    "timeline": lambda ds: charts.timeline(ds, A, years=(1979, 1981)),
    "aligned_timelines": lambda ds: charts.aligned_timelines(
        ds, A, B, align=("e80-1979-12-intervention", "e18-2001-10-us-intervention")
    ),
    "series_chart": lambda ds: charts.series_chart(ds, ["soviet-deaths"]),
    "actor_goal_matrix": lambda ds: charts.actor_goal_matrix(ds, B),
    "counterpart_map": lambda ds: charts.counterpart_map(ds, A, B),
    "likeness_chart": lambda ds: charts.likeness_chart(ds, A, B),
    "ach_matrix": lambda ds: charts.ach_matrix(ds, B),
    "hindsight_chart": lambda ds: charts.hindsight_chart(ds, B),
}


@pytest.mark.parametrize("draw", CHARTS.values(), ids=list(CHARTS))
def test_show_records_the_charts_sources_in_its_dataset_and_its_metadata(
    fresh: Dataset, draw: Any, displayed: list[tuple[Any, dict[str, Any]]]
) -> None:
    chart = draw(fresh)
    assert fresh.cited == (), "drawing is not showing"
    d = charts.show(chart)
    assert d.sources, "every chart here rests on sources"
    assert fresh.cited == d.sources
    (_, kw), (twin, _) = displayed
    assert kw["metadata"][METADATA_KEY] == {"sources": list(d.sources)}
    assert twin is d


def test_a_chart_records_in_the_dataset_it_was_drawn_from(
    fresh: Dataset, displayed: list[tuple[Any, dict[str, Any]]]
) -> None:
    other = analogylab.load_dataset()
    d = charts.show(charts.timeline(other, A))
    assert other.cited == d.sources and fresh.cited == ()
    del displayed


def test_a_rating_table_left_as_a_cells_value_is_shown_with_its_twin_and_recorded(
    fresh: Dataset, displayed: list[tuple[Any, dict[str, Any]]]
) -> None:
    table = charts.ach_matrix(fresh, B)
    table._ipython_display_()  # what IPython does with a cell's last value
    (bundle, kw), (twin, _) = displayed
    assert "analogylab-rating-table" in bundle["text/html"]
    assert twin == charts.describe(table)
    assert fresh.cited == twin.sources and kw["metadata"][METADATA_KEY]["sources"]


def test_a_chart_on_axes_passed_in_records_and_axes_drawn_by_hand_are_refused(
    fresh: Dataset,
) -> None:
    _, ax = plt.subplots()
    charts.timeline(fresh, A, ax=ax)
    d = charts.record_sources(ax)
    assert fresh.cited == d.sources, "drawn by a chart function: its dataset is known"
    _, own = plt.subplots()
    own.plot([1, 2], [3, 4])
    with pytest.raises(charts.ChartError, match=r"not drawn by analogylab\.charts"):
        charts.record_sources(own)


# -- explorers -----------------------------------------------------------------------------


def test_an_explorer_records_its_starting_drawing(fresh: Dataset) -> None:
    ex = widgets.timeline_explorer(fresh, case=A)
    assert ex.description is not None
    assert fresh.cited == ex.description.sources == ex.sources
    data, meta = ex._repr_mimebundle_()
    assert meta == output_metadata(ex.sources)
    assert data["text/plain"].startswith("Interactive chart: Timeline of events")


def test_each_redraw_adds_what_it_shows(fresh: Dataset) -> None:
    ex = widgets.timeline_explorer(fresh, case=A)
    start = set(ex.sources)
    ex.controls["case"].value = B
    assert ex.redraws == 2 and ex.description is not None
    added = set(ex.description.sources)
    assert added - start, "the 2018 case rests on sources of its own"
    assert set(fresh.cited) == start | added == set(ex.sources)


def test_a_redraw_that_cannot_draw_records_nothing_more(fresh: Dataset) -> None:
    ex = widgets.timeline_explorer(fresh, case=A)
    before = fresh.cited
    ex.controls["kinds"].value = ()
    assert ex.error is not None and fresh.cited == before


@pytest.mark.parametrize(
    "make",
    [
        lambda ds: widgets.aligned_explorer(ds, A, B),
        lambda ds: widgets.series_explorer(ds, ["soviet-deaths"]),
        lambda ds: widgets.goal_explorer(ds, B),
        lambda ds: widgets.counterpart_explorer(ds, A, B),
        lambda ds: widgets.analogy_explorer(ds, A, B),
        lambda ds: widgets.ach_explorer(ds, B),
        lambda ds: widgets.hindsight_explorer(ds, B),
    ],
    ids=["aligned", "series", "goals", "counterparts", "analogy", "ach", "hindsight"],
)
def test_every_explorer_records_what_it_draws(fresh: Dataset, make: Any) -> None:
    ex = make(fresh)
    assert ex.description is not None and ex.description.sources
    assert fresh.cited == ex.description.sources


def test_an_explorer_waiting_for_the_student_has_shown_nothing_yet(
    fresh: Dataset, answers_home: Any
) -> None:
    ex = widgets.ach_explorer(fresh, B, "ex-05-2")
    assert ex.waiting is not None and ex.description is None
    grid_sources = set(analogylab.load_bank()["ex-05-2"].sources)
    assert set(fresh.cited) == grid_sources, "only the exercise shown above it"
    data = ex._repr_mimebundle_()
    assert isinstance(data, dict), "nothing drawn: no sources in the metadata"
    del answers_home


# -- tables --------------------------------------------------------------------------------


def test_show_table_records_the_rows_sources_even_unshown_columns(
    fresh: Dataset, displayed: list[tuple[Any, dict[str, Any]]]
) -> None:
    rows = fresh.events[fresh.events.contested].head(3)
    t = show_table(fresh, rows, ["date", "title"], caption="Three contested events")
    assert set(t.sources) == rows_sources(rows) and fresh.cited == t.sources
    assert displayed == [], "no IPython here: nothing displayed, but recorded as asked"


def test_a_shown_table_carries_its_sources_as_metadata(
    fresh: Dataset, displayed: list[tuple[Any, dict[str, Any]]]
) -> None:
    t = make_table(fresh, fresh.goals.head(2), ["goal"], caption="Two goals")
    assert fresh.cited == (), "made (as an explorer's table under its chart) is not shown"
    t._ipython_display_()
    ((bundle, kw),) = displayed
    assert "<table" in bundle["text/html"]
    assert kw["metadata"] == output_metadata(t.sources) and t.sources
    assert fresh.cited == t.sources


def test_one_row_of_the_dataset_is_a_table_of_one_row_with_its_sources(fresh: Dataset) -> None:
    row = fresh.row("events", "e80-1979-12-intervention")
    t = show_table(fresh, row, ["title", "date", "contested"], caption="The intervention")
    assert t.headings == ["Title", "Date", "Contested"]
    assert t.rows == [["Soviet intervention", "24 December 1979", "no"]]
    assert t.sources == row.source_ids and fresh.cited == row.source_ids
    case = show_table(fresh, fresh.case(B), ["short_label", "start_year"], caption="The case")
    assert case.rows == [["Russia-Taliban 2018", "2015"]]
    assert set(fresh.cited) == set(row.source_ids) | set(fresh.case(B).source_ids)


def test_a_table_without_a_dataset_or_sources_records_nothing(fresh: Dataset) -> None:
    t = show_table(None, fresh.events.head(2)[["title"]], caption="No dataset")
    assert t.sources == () and fresh.cited == ()
    counts = show_table(fresh, fresh.events.kind.value_counts(), caption="Kinds")
    assert counts.sources == () and fresh.cited == ()


# -- exercises and the sources cell ----------------------------------------------------------


def test_an_exercise_widget_records_its_sources_in_the_datasets_loaded(
    fresh: Dataset, answers_home: Any
) -> None:
    ex = analogylab.exercise("ex-03-2")
    assert set(fresh.cited) == set(ex.exercise.sources)
    later = analogylab.load_dataset()
    assert later.cited == (), "a dataset loaded after the exercise was shown starts empty"
    del answers_home


def test_lesson_sources_lists_what_was_shown_and_the_lessons_exercises(
    fresh: Dataset, displayed: list[tuple[Any, dict[str, Any]]]
) -> None:
    exercises = {s for ex in analogylab.load_bank().of_lesson("02") for s in ex.sources}
    bare = listed_sources(analogylab.lesson_sources(fresh, "02").data)
    assert set(bare) == exercises and bare == sorted(bare)
    d = charts.show(charts.series_chart(fresh, ["soviet-deaths"]))
    listed = listed_sources(analogylab.lesson_sources(fresh, "02").data)
    assert set(listed) == exercises | set(d.sources) and listed == sorted(listed)
    again = listed_sources(analogylab.lesson_sources(fresh, "02").data)
    assert again == listed, "the same page lists the same sources"
    del displayed


def test_lesson_sources_still_takes_a_set_kept_by_hand(fresh: Dataset) -> None:
    listed = listed_sources(analogylab.lesson_sources(fresh, "02", {"coll-2004-ghost-wars"}).data)
    assert "coll-2004-ghost-wars" in listed
    with pytest.raises(KeyError, match="no source_id 'nobody-2020'"):
        analogylab.lesson_sources(fresh, "02", ["nobody-2020"])
    fresh.record_sources(["nobody-2021"])
    with pytest.raises(KeyError, match="no source_id 'nobody-2021'"):
        analogylab.lesson_sources(fresh, "02")


def test_a_page_with_no_sources_says_so(fresh: Dataset) -> None:
    assert analogylab.lesson_sources(fresh, "99").data == "No sources are cited on this page."


# -- reading stored lessons ------------------------------------------------------------------


def test_stored_outputs_and_lists_are_read_back() -> None:
    assert sources_of_output({"metadata": output_metadata(["a", "b", "a"])}) == ("a", "b")
    assert sources_of_output({"metadata": {}}) == ()
    assert sources_of_output({}) == ()
    assert output_metadata([]) == {}
    md = "- [a-1] Someone (2001). A title.\n- [b-2] Else (n.d.). T. Outlet."
    assert listed_sources(md) == ["a-1", "b-2"]


@pytest.mark.parametrize(
    "code",
    [
        "cited = set()",
        'ds = analogylab.load_dataset()\ncited = {"a", "b"}',
        "cited |= set(d.sources)",
        "for x in rows:\n    cited |= set(x)",
        'cited.add("neustadt-may-1986-thinking-in-time")',
        "cited.update(t.sources)",
        "cited = cited | {1}",
        'analogylab.lesson_sources(ds, "03", cited)',
    ],
)
def test_a_hand_kept_citation_is_found(code: str) -> None:
    found = hand_citations(code)
    assert len(found) == 1 and found[0] in code


@pytest.mark.parametrize(
    "code",
    [
        "ds.cited",
        "sorted(ds.cited)",
        "uncited = set()",
        "# cited = set() in the old lessons",
        'analogylab.lesson_sources(ds, "03")',
        "if cited == other: pass",
        "d = charts.show(charts.timeline(ds, CASE))",
    ],
)
def test_code_that_keeps_no_citation_set_is_left_alone(code: str) -> None:
    assert hand_citations(code) == []
