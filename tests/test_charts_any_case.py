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
from csvedit import append_row, read

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
            "analysis_date": "1992-06-30",
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
            "quantity": "usd-million",
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
    _analysis_rows(data_copy, common)
    yield analogylab.load_dataset(data_copy)
    for ex in list(widgets._live.values()):
        ex.close_all()
    widgets._live.clear()
    plt.close("all")


def _analysis_rows(data: Path, common: dict[str, str]) -> None:
    """Likenesses with the 1980s case, two hypotheses, evidence, ratings and a milestone."""
    dims = [r[0] for r in read(data, "dimensions")[1:]]
    verdicts = ["likeness", "partial", "difference"]
    for n, d in enumerate(dims):
        append_row(data, "profiles", {"dimension_id": d, "case_id": X, "value": "Test.", **common})
        append_row(
            data,
            "likenesses",
            {
                "dimension_id": d,
                "case_a": "us-mujahideen-1980s",
                "case_b": X,
                "verdict": verdicts[n % 3],
                "reason": "Test row.",
                **common,
            },
        )
    for h in ("hx-a", "hx-b"):
        append_row(
            data,
            "hypotheses",
            {
                "hypothesis_id": h,
                "case_id": X,
                "label": f"Test hypothesis {h}",
                "statement": "Test.",
                "held_by": "Nobody.",
                **common,
            },
        )
    ratings = {"evx-1": ("C", "I"), "evx-2": ("II", "N")}
    for n, (ev, pair) in enumerate(ratings.items()):
        append_row(
            data,
            "evidence",
            {
                "evidence_id": ev,
                "case_id": X,
                "date": f"199{n}-01-01",
                "precision": "year",
                "description": "Test.",
                "kind": "action",
                "credibility": "high",
                "relevance": "low",
                "contested": "false",
                **common,
            },
        )
        for h, rating in zip(("hx-a", "hx-b"), pair, strict=True):
            append_row(
                data,
                "ratings",
                {
                    "evidence_id": ev,
                    "hypothesis_id": h,
                    "rating": rating,
                    "rationale": "Test.",
                    **common,
                },
            )
    for h, rating in (("hx-a", "C"), ("hx-b", "II")):
        append_row(
            data,
            "milestones",
            {
                "event_id": "ex-2",
                "hypothesis_id": h,
                "expected": "Test.",
                "rating": rating,
                "rationale": "Test.",
                **common,
            },
        )


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
