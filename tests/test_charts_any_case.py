"""The charts and explorers take any case in the data: a third case added as rows alone draws.

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
from csvedit import append_row

X = "test-case-x"
SRC = "coll-2004-ghost-wars"


@pytest.fixture
def ds_x(data_copy: Path) -> Iterator[Dataset]:
    """The shipped data plus a small third case, added as CSV rows only."""
    common = {"source_ids": SRC, "confidence": "C"}
    append_row(
        data_copy,
        "cases",
        {
            "case_id": X,
            "title": "A test case",
            "short_label": "Test case X",
            "sponsor_id": "iran",
            "proxy_id": "taliban",
            "rival_id": "usa",
            "theatre": "Nowhere in particular",
            "start_year": "1990",
            "end_year": "1995",
            "summary": "Rows made up for a test.",
            **common,
        },
    )
    for actor, role in (("iran", "sponsor"), ("taliban", "proxy"), ("usa", "rival")):
        append_row(
            data_copy,
            "roles",
            {"case_id": X, "actor_id": actor, "role": role, "summary": "Test row.", **common},
        )
    for n, (date, precision, kind, contested) in enumerate(
        [
            ("1990-03-01", "month", "intervention", "false"),
            ("1991-06-15", "day", "allegation", "true"),
            ("1993-01-01", "year", "withdrawal", "false"),
        ]
    ):
        append_row(
            data_copy,
            "events",
            {
                "event_id": f"ex-{n}",
                "case_id": X,
                "date": date,
                "precision": precision,
                "title": f"Test event {n}",
                "description": "Test row.",
                "kind": kind,
                "actor_ids": "usa",
                "contested": contested,
                "note": "Disputed in this test." if contested == "true" else "",
                **common,
            },
        )
    append_row(
        data_copy,
        "goals",
        {
            "goal_id": "gx-iran",
            "case_id": X,
            "actor_id": "iran",
            "goal": "A test goal.",
            "category": "status",
            "basis": "inferred",
            "evidence": "None.",
            **common,
        },
    )
    append_row(
        data_copy,
        "series_info",
        {
            "series_id": "x-aid",
            "case_id": X,
            "title": "Test aid",
            "unit": "US$ million (current)",
            "measure": "Test.",
            **common,
        },
    )
    append_row(
        data_copy,
        "series",
        {"series_id": "x-aid", "year": "1990", "value": "5", "measure": "Test.", **common},
    )
    append_row(
        data_copy,
        "series",
        {
            "series_id": "x-aid",
            "year": "1991",
            "low": "6",
            "high": "9",
            "measure": "Test.",
            **common,
        },
    )
    append_row(
        data_copy,
        "counterparts",
        {
            "counterpart_id": "cp-x-usa",
            "case_a": "us-mujahideen-1980s",
            "actor_a": "usa",
            "case_b": X,
            "actor_b": "iran",
            "role": "sponsor",
            "fit": "weak",
            "reason": "Test row.",
            **common,
        },
    )
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
    assert "sponsor: United States then, Iran now (weak fit)" in d.text


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
    assert cp.error is not None and "data/counterparts.csv" in cp.error
