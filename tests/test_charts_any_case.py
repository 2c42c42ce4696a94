"""Charts, explorers and analyses take any case: a third case added as rows alone works.

The case built here is test scaffolding, not history: it reuses real actors and a real
source id only so that the data validates. Lesson 07 ships a real, cited third case.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import analogylab
from analogylab import charts, widgets
from analogylab.data import Dataset
from analogylab.validate import display_path
from madeup_case import X, add_case


@pytest.fixture
def ds_x(data_copy: Path) -> Iterator[Dataset]:
    """The shipped data plus a small third case, added as CSV rows only."""
    add_case(data_copy)
    yield analogylab.load_dataset(data_copy)
    for ex in list(widgets._live.values()):
        ex.close_all()
    widgets._live.clear()
    plt.close("all")


def test_every_chart_draws_the_new_case(ds_x: Dataset) -> None:
    d = charts.describe(charts.timeline(ds_x, X))
    assert len(d.data) == 3 and "1 event is contested" in d.text
    pairs = charts.alignment_pairs(ds_x, "us-mujahideen-1980s", X)
    assert ("e80-1979-12-intervention", "ex-0") in pairs.values()
    d = charts.describe(
        charts.aligned_timelines(
            ds_x, "us-mujahideen-1980s", X, ("e80-1979-12-intervention", "ex-0")
        )
    )
    assert "Test case X: 3 events" in d.text
    d = charts.describe(charts.series_chart(ds_x, ["x-aid", "us-covert-funding"]))
    assert "Test aid: 1 year has a range" in d.text
    d = charts.describe(charts.actor_goal_matrix(ds_x, X))
    assert "1 goals in all" not in d.text and "1 goal in all" in d.text
    d = charts.describe(charts.counterpart_map(ds_x, "us-mujahideen-1980s", X))
    assert "sponsor: United States in US-mujahideen 1980s, Iran in Test case X (weak fit)" in d.text
    back = charts.describe(charts.counterpart_map(ds_x, X, "us-mujahideen-1980s"))
    assert "sponsor: Iran in Test case X, United States in US-mujahideen 1980s (weak fit)" in (
        back.text
    )
    assert "of Test case X: Taliban, United States;" in back.text  # its own actors, once each


def test_explorers_offer_the_new_case(ds_x: Dataset) -> None:
    ex = widgets.timeline_explorer(ds_x, case="us-mujahideen-1980s")
    assert X in [v for _, v in ex.controls["case"].options]
    ex.controls["case"].value = X
    assert ex.error is None and ex.controls["years"].value == (1990, 1993)
    assert set(ex.description.data.case_id) == {X}
    ser = widgets.series_explorer(ds_x, case=X)
    assert ser.error is None and [v for _, v in ser.controls["series_ids"].options] == ["x-aid"]
    al = widgets.aligned_explorer(ds_x, "russia-taliban-2018", X)
    assert al.error is None
    cp = widgets.counterpart_explorer(ds_x, "russia-taliban-2018", X)
    copy = display_path(ds_x.path, "counterparts.csv")
    assert cp.error is not None and f"add rows to {copy} " in cp.error  # the teacher's own copy


def test_every_analysis_takes_the_new_case(ds_x: Dataset) -> None:
    from analogylab import analysis

    table = analysis.likenesses_and_differences(ds_x, X, "us-mujahideen-1980s")
    assert len(table) == len(ds_x.dimensions) and table["verdict"].notna().all()
    score = analysis.analogy_strength(ds_x, "us-mujahideen-1980s", X)
    w = table["weight"]
    points = table["verdict"].map(analysis.VERDICT_POINTS)
    assert score.score == pytest.approx(float((w * points).sum() / w.sum()))
    assert len(analysis.weight_sensitivity(ds_x, X, "us-mujahideen-1980s")) == len(table)
    m = analysis.rating_matrix(ds_x, X)
    assert m.to_dict() == {
        "hx-a": {"evx-1": "C", "evx-2": "II"},
        "hx-b": {"evx-1": "I", "evx-2": "N"},
    }
    scores = analysis.score_hypotheses(m, ds_x.evidence, weighted=True)
    assert scores["hypothesis_id"].tolist() == ["hx-b", "hx-a"]  # 1 point against 2
    assert scores["weighted"].tolist() == pytest.approx([1.0, 2.0])  # high x low = 1
    ms = analysis.milestones(ds_x, X)
    assert ms["event_id"].unique().tolist() == ["ex-2"]
    hs = analysis.hindsight_scores(ds_x, X)
    assert hs.set_index("hypothesis_id")["inconsistency"].to_dict() == {"hx-a": 0, "hx-b": 2}
    with pytest.raises(analysis.AnalysisError, match=r"no rows of likenesses\.csv"):
        analysis.analogy_strength(ds_x, X, "russia-taliban-2018")


def test_analysis_charts_and_explorers_take_the_new_case(ds_x: Dataset) -> None:
    d = charts.describe(charts.likeness_chart(ds_x, "us-mujahideen-1980s", X))
    assert "Test case X" in d.text and "Likeness (7)" in d.text
    d = charts.describe(charts.ach_matrix(ds_x, X))
    assert "hx-a" in d.text and "evx-2: hx-a II, hx-b N." in d.text
    d = charts.describe(charts.hindsight_chart(ds_x, X))
    assert "1 development after the analysis date of 30 Jun 1992" in d.text
    ex = widgets.analogy_explorer(ds_x, "us-mujahideen-1980s", X)
    assert ex.error is None
    ex.controls["case_b"].value = "russia-taliban-2018"
    assert ex.error is None  # the shipped pair
    ex.controls["case_a"].value = X
    assert ex.error is not None and "likenesses.csv" in ex.error
    assert widgets.ach_explorer(ds_x, X).error is None
    assert widgets.hindsight_explorer(ds_x, X).error is None
