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
