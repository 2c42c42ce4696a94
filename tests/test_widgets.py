"""The interactive charts: labelled controls that redraw once per change and say what went wrong.

Most tests drive the explorers headless (no kernel): ``redraws``, ``description``
and ``error`` show what the output area would hold. The last test runs them in a
real kernel, where the Output widget captures the figure, and checks the output
itself changes.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import pytest
from nbclient import NotebookClient

from analogylab import charts, widgets
from analogylab.data import Dataset

A, B = "us-mujahideen-1980s", "russia-taliban-2018"


pytestmark = pytest.mark.usefixtures("close_explorers")


def observers(control: Any) -> int:
    return len(control._trait_notifiers.get("value", {}).get("change", []))


ALL = [
    lambda ds: widgets.timeline_explorer(ds, case=A),
    widgets.aligned_explorer,
    lambda ds: widgets.series_explorer(ds, case=A),
    widgets.goal_explorer,
    widgets.counterpart_explorer,
]


@pytest.mark.parametrize("make", ALL)
def test_each_explorer_draws_once_with_labelled_controls(ds: Dataset, make: Any) -> None:
    ex = make(ds)
    assert ex.redraws == 1 and ex.error is None and ex.description is not None
    assert ex.output.layout.height is None and ex.output.layout.overflow is None, (
        "the output grows with the chart: no inner scroll box"
    )
    assert ex.twin_toggle.description == "Show the chart in words"
    assert ex.description is not None and ex.description.title in ex.twin.value
    for name, control in ex.controls.items():
        assert control.description.strip(), f"control {name} has no label"
        if hasattr(control, "continuous_update"):
            assert control.continuous_update is False
    assert repr(ex) == f"Interactive chart: {ex.title}. Run this cell to use its controls."
    assert len(repr(ex)) <= 110, "ipywidgets would cut it"
    assert not plt.get_fignums(), "the figure was shown and closed"


def test_timeline_explorer_redraws_when_a_control_moves(ds: Dataset) -> None:
    ex = widgets.timeline_explorer(ds, case=A)
    before = ex.description
    ex.controls["years"].value = (1985, 1989)
    assert ex.redraws == 2
    assert ex.description is not None and ex.description != before
    assert ex.description.data.date.dt.year.between(1985, 1989).all()
    ex.controls["kinds"].value = ("withdrawal",)
    assert ex.redraws == 3
    assert list(ex.description.data.title) == ["Withdrawal begins", "Withdrawal completed"]


def test_changing_the_case_resets_the_years_and_draws_once(ds: Dataset) -> None:
    ex = widgets.timeline_explorer(ds, case=A, years=(1980, 1985))
    ex.controls["case"].value = B
    assert ex.redraws == 2, "one redraw for the case and its new span together"
    assert ex.controls["years"].value == (1995, 2025)
    assert set(ex.description.data.case_id) == {B}


def test_a_choice_that_cannot_be_drawn_shows_a_message_not_a_traceback(ds: Dataset) -> None:
    ex = widgets.timeline_explorer(ds, case=A)
    ex.controls["kinds"].value = ()
    assert ex.error == "no kind of event is selected; pick at least one in the list"
    assert ex.description is None
    ser = widgets.series_explorer(ds, case=A)
    ser.controls["series_ids"].value = (
        "us-covert-funding",
        "soviet-troops-afghanistan",
        "soviet-deaths",
    )
    assert ser.error is not None and "at most two" in ser.error
    assert not plt.get_fignums(), "a refused chart leaves no figure open"
    ser.controls["series_ids"].value = ("soviet-deaths",)
    assert ser.error is None and ser.description is not None
    cp = widgets.counterpart_explorer(ds)
    cp.controls["case_b"].value = A
    assert cp.error == "both pickers name the same case; choose two different cases"


def test_an_explorer_redraws_its_one_figure_in_place(ds: Dataset) -> None:
    troops = ("soviet-troops-afghanistan", "us-troops-afghanistan")
    ex = widgets.series_explorer(ds, list(troops))
    fig, ax = ex.canvas.figure, ex.canvas.ax
    where = ax.get_position().bounds
    ex.controls["years"].value = (1985, 2015)
    assert ex.canvas.figure is fig and fig.axes == [ax], "the same figure and Axes"
    assert ax.get_position().bounds == pytest.approx(where), "the layout is kept"
    assert ax.get_xlim()[0] > 1983, "the limits follow the years"
    fresh = charts.series_chart(ds, list(troops), years=(1985, 2015))
    assert len(ax.lines) == len(fresh.lines), "the last drawing's lines were replaced"
    assert len(ax.collections) == len(fresh.collections)
    ex.controls["series_ids"].value = ("soviet-troops-afghanistan", "soviet-deaths")
    assert len(fig.axes) == 2, "a second quantity, a second y axis"
    ex.controls["years"].value = (1979, 1989)
    assert len(fig.axes) == 2
    assert fig.axes[1].get_position().bounds == pytest.approx(ax.get_position().bounds)
    ex.controls["series_ids"].value = troops
    assert fig.axes == [ax], "the second y axis goes with its series"
    assert len(ex.canvas.layouts) == 2, "laid out once for each choice of series"
    assert ax.get_position().bounds == pytest.approx(where), "and that layout is reused"


def test_the_text_twin_stays_open_or_closed_across_redraws(ds: Dataset) -> None:
    ex = widgets.timeline_explorer(ds, case=A)
    assert not ex.twin_toggle.value and ex.twin.layout.display == "none", "folded at first"
    ex.twin_toggle.value = True
    assert ex.twin.layout.display is None
    before = ex.twin.value
    ex.controls["years"].value = (1985, 1989)
    assert ex.twin_toggle.value and ex.twin.layout.display is None, "still open"
    assert ex.twin.value != before and "1985-1989" in ex.twin.value
    ex.twin_toggle.value = False
    ex.controls["case"].value = B
    assert ex.twin.layout.display == "none", "still closed"
    assert ex.description is not None and ex.description.title in ex.twin.value


def test_a_choice_that_cannot_be_drawn_hides_the_twin(ds: Dataset) -> None:
    ex = widgets.timeline_explorer(ds, case=A)
    ex.controls["kinds"].value = ()
    assert ex.error is not None and ex.twin.value == "" and ex.notes.value == ""
    assert ex.twin_toggle.layout.display == "none"
    ex.controls["kinds"].value = ("withdrawal",)
    assert ex.error is None and ex.twin_toggle.layout.display is None


def test_aligned_explorer_lines_up_the_chosen_pair(ds: Dataset) -> None:
    ex = widgets.aligned_explorer(ds, window=(-2, 12))
    pair = ("e80-1989-02-withdrawal-completed", "e18-2021-08-us-exit")
    assert pair in [v for _, v in ex.controls["align"].options]
    ex.controls["align"].value = pair
    assert ex.redraws == 2
    assert (
        "Withdrawal completed (15 Feb 1989) lined up with Last US troops leave"
        in ex.description.text
    )


def test_running_a_cell_again_does_not_stack_handlers(ds: Dataset) -> None:
    first = widgets.timeline_explorer(ds, case=A)
    counts = {name: observers(c) for name, c in first.controls.items()}
    second = widgets.timeline_explorer(ds, case=A)
    assert {name: observers(c) for name, c in second.controls.items()} == counts
    assert all(c.comm is None for c in first.controls.values()), "the old explorer is closed"
    second.controls["years"].value = (1980, 1981)
    assert second.redraws == 2, "one change, one redraw"
    assert first.redraws == 1
    other = widgets.timeline_explorer(ds, case=B)
    assert second.controls["case"].comm is not None, "a different explorer leaves it alone"
    assert other.redraws == 1


def test_unknown_arguments_are_refused_with_the_choices(ds: Dataset) -> None:
    with pytest.raises(ValueError, match="the cases are"):
        widgets.goal_explorer(ds, case="russia-taliban")
    with pytest.raises(ValueError, match="choose from"):
        widgets.series_explorer(ds, series_ids=["soviet-deaths"], case=B)


CELLS = [
    """import analogylab
from analogylab import widgets
ds = analogylab.load_dataset()
ex = widgets.series_explorer(ds, case="us-mujahideen-1980s")
cp = widgets.counterpart_explorer(ds)
print(ex.output.model_id, cp.output.model_id, ex.twin.model_id)""",
    'ex.controls["series_ids"].value = ("soviet-deaths",)',
    'cp.controls["case_b"].value = "us-mujahideen-1980s"',
]


def _texts(outputs: list[dict[str, Any]], mime: str) -> str:
    return " ".join(str(o.get("data", {}).get(mime, "")) for o in outputs)


@pytest.mark.slow
def test_in_a_kernel_the_output_area_holds_the_new_chart_and_its_twin() -> None:
    """As in JupyterLab: the kernel routes each redraw into the Output widget.

    nbclient plays the part of the page, keeping the Output widget's state.
    """
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True).execute()
    series_id, cp_id, twin_id = nb.cells[0].outputs[0]["text"].split()
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    series_out = state[series_id]["state"]["outputs"]
    assert [sorted(o["data"]) for o in series_out] == [["image/png", "text/plain"]]
    assert "Soviet military deaths" in _texts(series_out, "text/plain")
    twin = state[twin_id]["state"]["value"]
    assert "Soviet military deaths" in twin
    assert "US covert aid" not in twin, "the first chart's twin was replaced"
    cp_out = state[cp_id]["state"]["outputs"]
    assert "Cannot draw this chart" in _texts(cp_out, "text/html")
    assert "image/png" not in {k for o in cp_out for k in o.get("data", {})}


def _shown_tables(ex: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every table and note the explorer puts under its chart on a redraw."""
    import re

    del monkeypatch  # the tables go into the explorer's notes widget, not through display()
    ex.refresh()
    parts = re.split(r'(?=<div class="analogylab-table")|(?=<p>)', ex.notes.value)
    return [p for p in parts if p.strip()]


@pytest.mark.usefixtures("answers_home")
def test_ach_explorer_tables_name_hypotheses_and_explain_themselves(
    ds: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Labels, not ids; every rating under its hypothesis; 'spread' said; no Python tuples."""
    import re

    ex = widgets.ach_explorer(ds, B)
    tables = _shown_tables(ex, monkeypatch)
    text = " ".join(tables)
    labels = list(ds.hypotheses[ds.hypotheses.case_id == B].label)
    ids = list(ds.hypotheses[ds.hypotheses.case_id == B].hypothesis_id)
    assert not [h for h in ids if re.search(rf"\b{re.escape(h)}\b", text)], "ids on screen"
    assert not re.search(r"\(h-|,\)|\bTrue\b|\bFalse\b", text)
    diagnostic = next(t for t in tables if "Diagnostic items" in t)
    assert "&#x27;Spread&#x27; is the most inconsistency points" in diagnostic
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', diagnostic)
    assert heads == [
        "Item",
        *[h.replace("'", "&#x27;") for h in labels],
        "Inconsistency points",
        "Spread",
    ]
    assert not re.search(r">[CIN]{1,2}( [CIN]{1,2}){4}<", diagnostic), "ratings in one column"
    leave = next(t for t in tables if "Leave one out" in t)
    assert "Hypotheses whose rank changes" in leave and "dropping any one of" not in leave
    for table in tables:
        if "<table" in table:
            assert "<caption" in table and 'scope="col"' in table


@pytest.mark.usefixtures("answers_home")
def test_ach_explorer_draws_a_grid_with_a_column_of_the_students_own(ds: Dataset) -> None:
    """The student's own hypothesis is kept with the answer; the matrix draws the rest."""
    from analogylab import exercise

    grid = exercise("ex-00-7")
    grid.add_column("Russia wants a say in Kabul")
    ex = widgets.ach_explorer(ds, B, exercise=grid)
    for cell in grid.cells.values():
        cell.value = "N"
    grid.check_button.click()
    assert ex.error is None, ex.error
    assert ex.description is not None and "your ratings" in ex.description.title
