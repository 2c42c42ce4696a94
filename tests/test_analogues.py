"""analogylab.analogues: two past cases side by side against one present case."""

from __future__ import annotations

from typing import Any

import pytest

from analogylab import analogues, analysis

NOW, EIGHTIES, SIXTIES = "russia-taliban-2018", "us-mujahideen-1980s", "ussr-north-vietnam-1965"


def test_side_by_side_has_each_verdict_and_who_is_closer(ds: Any) -> None:
    side = analogues.side_by_side(ds, NOW, [EIGHTIES, SIXTIES])
    assert list(side.columns) == [
        "dimension_id",
        "name",
        "family",
        "weight",
        EIGHTIES,
        SIXTIES,
        "closer",
        "source_ids",
    ]
    assert list(side.dimension_id) == list(ds.dimensions.dimension_id)
    for case in (EIGHTIES, SIXTIES):
        pair = analysis.likenesses_and_differences(ds, case, NOW).set_index("dimension_id")
        assert list(side[case]) == list(pair.loc[side.dimension_id, "verdict"])
    points = analysis.VERDICT_POINTS
    labels = {c: str(ds.case(c)["short_label"]) for c in (EIGHTIES, SIXTIES)}
    for row in side.to_dict("records"):
        a, b = points[row[EIGHTIES]], points[row[SIXTIES]]
        want = labels[EIGHTIES] if a > b else labels[SIXTIES] if b > a else analogues.LEVEL
        assert row["closer"] == want, row["dimension_id"]
        for case in (EIGHTIES, SIXTIES):
            pair = analysis.likenesses_and_differences(ds, case, NOW).set_index("dimension_id")
            assert set(pair.at[row["dimension_id"], "source_ids"]) <= set(row["source_ids"])


def test_side_by_side_order_of_candidates_only_moves_columns(ds: Any) -> None:
    one = analogues.side_by_side(ds, NOW, [EIGHTIES, SIXTIES])
    two = analogues.side_by_side(ds, NOW, [SIXTIES, EIGHTIES])
    assert list(one.closer) == list(two.closer)
    assert list(one[SIXTIES]) == list(two[SIXTIES])


@pytest.mark.parametrize(
    ("candidates", "match"),
    [([EIGHTIES], "at least two"), ([EIGHTIES, EIGHTIES], "different"), ([NOW, SIXTIES], "none")],
)
def test_side_by_side_refuses_a_bad_list(ds: Any, candidates: list[str], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        analogues.side_by_side(ds, NOW, candidates)


def test_scores_under_is_analogy_strength_for_each_weighting(ds: Any) -> None:
    weightings = {
        "defaults": None,
        "home politics 3": {"domestic-politics-of-sponsor": 3},
        "aid 3": {"scale-of-aid": 3, "kind-of-aid": 3},
    }
    table = analogues.scores_under(ds, NOW, [EIGHTIES, SIXTIES], weightings)
    assert list(table.columns) == ["weighting", EIGHTIES, SIXTIES, "closer"]
    assert list(table.weighting) == list(weightings)
    for row in table.to_dict("records"):
        for case in (EIGHTIES, SIXTIES):
            want = analysis.analogy_strength(ds, case, NOW, weightings[row["weighting"]]).score
            assert row[case] == pytest.approx(want)
    closer = dict(zip(table.weighting, table.closer, strict=True))
    assert closer == {
        "defaults": analogues.LEVEL,  # 0.39 each on the curators' weights
        "home politics 3": "USSR-Hanoi 1965",
        "aid 3": "US-mujahideen 1980s",
    }


def test_scores_under_calls_two_decimals_level(ds: Any) -> None:
    """Scores that differ only past the second decimal are level, as the lessons print them."""
    table = analogues.scores_under(ds, NOW, [EIGHTIES, SIXTIES], {"tiny": {"outcome": 0.001}})
    assert table.closer[0] == analogues.LEVEL
