"""rating_spread: the tables lessons 05 shows of how ratings spread."""

from __future__ import annotations

from typing import Any

import pytest

from analogylab import analysis, rating_spread
from analogylab.analysis import AnalysisError


def test_rating_counts_count_each_step_of_the_scale_per_hypothesis() -> None:
    m = {
        "ev-1": {"h-a": "C", "h-b": "I"},
        "ev-2": {"h-a": "I", "h-b": "I"},
        "ev-3": {"h-a": "NA", "h-b": None},
    }
    counts = rating_spread.rating_counts(m).set_index("hypothesis_id")
    assert list(counts.columns) == [*rating_spread.SCALE, "rated"]
    assert counts.loc["h-a"].to_dict() == {
        "CC": 0,
        "C": 1,
        "N": 0,
        "I": 1,
        "II": 0,
        "NA": 1,
        "rated": 3,
    }
    assert counts.loc["h-b"].to_dict() == {
        "CC": 0,
        "C": 0,
        "N": 0,
        "I": 2,
        "II": 0,
        "NA": 0,
        "rated": 2,
    }


def test_rating_counts_agree_with_the_scores_of_the_reference(ds: Any) -> None:
    """I + 2 x II of each row is the hypothesis's inconsistency score."""
    m = analysis.rating_matrix(ds, "russia-taliban-2018")
    counts = rating_spread.rating_counts(m).set_index("hypothesis_id")
    scores = analysis.score_hypotheses(m).set_index("hypothesis_id")
    for h in m.columns:
        assert counts.at[h, "I"] + 2 * counts.at[h, "II"] == scores.at[h, "inconsistency"]
        assert counts.at[h, "rated"] == len(m)


def test_rating_counts_refuse_a_value_off_the_scale() -> None:
    with pytest.raises(AnalysisError):
        rating_spread.rating_counts({"ev-1": {"h-a": "maybe"}})


CASE = "russia-taliban-2018"
BOUNTY = "e18-2020-06-bounty-report"


def test_rereadings_put_each_reader_beside_the_curators(ds: Any) -> None:
    readers = {
        "bounty aside": {(BOUNTY, "h-flank-hedge"): "N"},
        "nothing changed": {},
    }
    out = rating_spread.rereadings(ds, CASE, readers).set_index("hypothesis_id")
    base = analysis.hindsight_scores(ds, CASE).set_index("hypothesis_id")
    assert list(out.columns) == ["curators", "bounty aside", "nothing changed"]
    assert list(out.index) == list(base.index)
    assert (out["curators"] == base["inconsistency"]).all()
    assert (out["nothing changed"] == out["curators"]).all()
    # The bounty report is the flank reading's II: two points fewer, nothing else moves.
    assert out.at["h-flank-hedge", "bounty aside"] == out.at["h-flank-hedge", "curators"] - 2
    others = out.drop(index="h-flank-hedge")
    assert (others["bounty aside"] == others["curators"]).all()


def test_rereadings_refuse_a_cell_that_is_not_a_milestone(ds: Any) -> None:
    with pytest.raises(AnalysisError, match="not a milestone cell"):
        rating_spread.rereadings(ds, CASE, {"r": {("ev-01", "h-flank-hedge"): "N"}})
    with pytest.raises(AnalysisError):
        rating_spread.rereadings(ds, CASE, {"r": {(BOUNTY, "h-flank-hedge"): "maybe"}})


def test_the_sample_is_labelled_illustrative_in_its_file() -> None:
    import csv

    rows = list(csv.DictReader(rating_spread.sample_path().open(encoding="utf-8")))
    assert rows, "the sample has readers"
    for r in rows:
        assert "illustrative" in r["student"] and "written by the curators" in r["student"]
        assert "not a real student's answer" in r["message"]
    from analogylab.store import MERGE_COLUMNS

    assert list(rows[0]) == list(MERGE_COLUMNS), "the shape `analogylab merge` writes"


def test_sample_spread_counts_each_reader_once_beside_the_curators() -> None:
    import analogylab

    ex = analogylab.load_bank()["ex-05-2"]
    out = rating_spread.sample_spread("ex-05-2")
    assert len(out) == len(ex.rows) * len(ex.columns)
    readers = out["readers"].iloc[0]
    assert readers >= 5 and (out["readers"] == readers).all()
    for r in out.itertuples():
        given = dict(part.rsplit(" ", 1) for part in r.spread.split(", "))
        assert sum(int(n) for n in given.values()) == r.readers
        assert int(given.get(r.curators, 0)) == r.agree
    # Readers differ somewhere, or the sample would show no spread at all.
    assert (out["agree"] < out["readers"]).any()


def test_sample_spread_follows_the_answers_it_is_given(tmp_path: Any) -> None:
    """A changed answer moves the counts: the table is read from the answers, not fixed."""
    import pandas as pd

    table = pd.read_csv(rating_spread.sample_path(), dtype=str, keep_default_na=False)
    table["answer"] = table["answer"].str.replace(
        '"ev-15": {"h-flank-hedge": "N"', '"ev-15": {"h-flank-hedge": "II"'
    )
    path = tmp_path / "changed.csv"
    table.to_csv(path, index=False)
    cell = [("ev-15", "h-flank-hedge")]
    before = rating_spread.sample_spread("ex-05-2", cell).iloc[0]
    after = rating_spread.sample_spread("ex-05-2", cell, answers=path).iloc[0]
    assert "N" in before.spread and "N " not in after.spread and "II" in after.spread
    assert after.agree == before.agree


def test_sample_spread_refuses_what_is_not_a_cell() -> None:
    with pytest.raises(AnalysisError, match="not a cell of ex-05-2"):
        rating_spread.sample_spread("ex-05-2", [("ev-99", "h-flank-hedge")])
    with pytest.raises(AnalysisError, match="not a rating grid"):
        rating_spread.sample_spread("ex-05-1")
