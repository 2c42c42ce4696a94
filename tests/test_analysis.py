"""The analyst's tools against small matrices worked out by hand, and on the shipped data."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import analogylab
from analogylab import analysis
from analogylab.analysis import AnalysisError
from analogylab.data import Dataset
from analogylab.errors import DataValidationError, UnknownIdError
from csvedit import read, set_cell

A, B = "us-mujahideen-1980s", "russia-taliban-2018"

# Three items, three hypotheses. Inconsistency by hand: h1 = 0 + 1 + 2 = 3,
# h2 = 0, h3 = 0 + 0 + 1 = 1 (NA and N count nothing).
SMALL = {
    "e1": {"h1": "C", "h2": "CC", "h3": "N"},
    "e2": {"h1": "I", "h2": "C", "h3": "NA"},
    "e3": {"h1": "II", "h2": "C", "h3": "I"},
}
EVIDENCE = pd.DataFrame(
    {
        "evidence_id": ["e1", "e2", "e3", "e4"],
        "credibility": ["high", "high", "low", "medium"],
        "relevance": ["high", "low", "low", "medium"],
    }
)


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return analogylab.load_dataset()


# --- Heuer's scoring ------------------------------------------------------------------------


def test_inconsistency_counts_i_as_one_and_ii_as_two() -> None:
    s = analysis.score_hypotheses(SMALL).set_index("hypothesis_id")
    assert s["inconsistency"].to_dict() == {"h2": 0, "h1": 3, "h3": 1}
    assert s["rank"].to_dict() == {"h2": 1, "h3": 2, "h1": 3}
    assert s["consistent"].to_dict() == {"h1": 1, "h2": 3, "h3": 0}
    assert s["applicable"].to_dict() == {"h1": 3, "h2": 3, "h3": 2}
    assert analysis.score_hypotheses(SMALL)["hypothesis_id"].tolist() == ["h2", "h3", "h1"]


def test_evidence_consistent_with_every_hypothesis_adds_nothing() -> None:
    before = analysis.score_hypotheses(SMALL)
    after = analysis.score_hypotheses({**SMALL, "e4": {"h1": "CC", "h2": "C", "h3": "C"}})
    cols = ["hypothesis_id", "inconsistency", "rank"]
    pd.testing.assert_frame_equal(before[cols], after[cols])
    diag = analysis.diagnosticity({**SMALL, "e4": {"h1": "CC", "h2": "C", "h3": "C"}})
    row = diag.set_index("evidence_id").loc["e4"]
    assert row["spread"] == 0 and not row["diagnostic"]


def test_weighted_score_multiplies_credibility_by_relevance() -> None:
    s = analysis.score_hypotheses(SMALL, EVIDENCE, weighted=True).set_index("hypothesis_id")
    high, low = math.sqrt(2), 1 / math.sqrt(2)
    # h1: e2 (I, high x low = 1) + e3 (II, low x low = 0.5) = 1 + 2 * 0.5 = 2.0
    assert s.loc["h1", "weighted"] == pytest.approx(1 * high * low + 2 * low * low)
    assert s.loc["h3", "weighted"] == pytest.approx(0.5)
    assert s.loc["h1", "score"] == s.loc["h1", "weighted"]
    with pytest.raises(AnalysisError, match=r"evidence=ds\.evidence"):
        analysis.score_hypotheses(SMALL, weighted=True)


def test_ties_share_a_rank() -> None:
    s = analysis.score_hypotheses({"e1": {"a": "I", "b": "I", "c": "C"}}).set_index("hypothesis_id")
    assert s["rank"].to_dict() == {"c": 1, "a": 2, "b": 2}


def test_diagnosticity_by_hand() -> None:
    d = analysis.diagnosticity(SMALL).set_index("evidence_id")
    assert d["points"].to_dict() == {"e3": 3, "e2": 1, "e1": 0}
    assert d["spread"].to_dict() == {"e3": 2, "e2": 1, "e1": 0}
    assert d.loc["e2", "ratings"] == "I C NA"
    assert list(d.index) == ["e3", "e2", "e1"]  # most diagnostic first


def test_leave_one_out_finds_the_item_the_leader_hangs_on() -> None:
    # h1 = 1 (e1), h2 = 2 (e2, e3): h1 leads. Without e2 they tie; without e1 nothing moves.
    m = {
        "e1": {"h1": "I", "h2": "C"},
        "e2": {"h1": "C", "h2": "I"},
        "e3": {"h1": "N", "h2": "I"},
    }
    loo = analysis.leave_one_out(m).set_index("evidence_id")
    assert loo.loc["e1", "leader"] == "h1" and not loo.loc["e1", "leader_changed"]
    assert not loo.loc["e1", "order_changed"]
    assert loo.loc["e2", "leader"] == "h1 = h2" and loo.loc["e2", "leader_changed"]
    assert loo.loc["e2", "moved"] == ("h2",)


@pytest.mark.parametrize("weighted", [False, True])
def test_leave_one_out_ranks_as_scoring_each_rest_afresh(ds: Dataset, weighted: bool) -> None:
    """The quick sums of leave_one_out give the ranks score_hypotheses gives each rest."""
    m = analysis.rating_matrix(ds, B)
    m.iloc[1::2, ::3] = "II"  # contradictions that move the ranking, weighted or not differently
    loo = analysis.leave_one_out(m, ds.evidence, weighted=weighted).set_index("evidence_id")
    assert loo["order_changed"].any() and not loo["order_changed"].all()
    for ev_id in m.index:
        rest = analysis.score_hypotheses(m.drop(index=ev_id), ds.evidence, weighted=weighted)
        leader = " = ".join(sorted(rest.loc[rest["rank"] == 1, "hypothesis_id"]))
        assert loo.loc[ev_id, "leader"] == leader, ev_id
        base = analysis.score_hypotheses(m, ds.evidence, weighted=weighted)
        moved = set(rest.merge(base, on="hypothesis_id").query("rank_x != rank_y").hypothesis_id)
        assert set(loo.loc[ev_id, "moved"]) == moved, ev_id


def _leave_one_out_afresh(m: Any, evidence: Any, weighted: bool) -> list[tuple[Any, ...]]:
    """leave_one_out by its definition: score every rest with score_hypotheses."""
    base = analysis.score_hypotheses(m, evidence, weighted=weighted)
    base_rank = dict(zip(base.hypothesis_id, base["rank"], strict=True))
    out = []
    for ev_id in m.index:
        rest = analysis.score_hypotheses(m.drop(index=ev_id), evidence, weighted=weighted)
        rank = dict(zip(rest.hypothesis_id, rest["rank"], strict=True))
        leader = " = ".join(sorted(h for h, r in rank.items() if r == 1))
        moved = tuple(h for h in m.columns if rank[h] != base_rank[h])
        out.append((ev_id, leader, bool(moved), moved))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_leave_one_out_equals_scoring_each_rest_afresh_on_random_matrices(
    ds: Dataset, seed: int
) -> None:
    """Random ratings (unrated cells too), weighted and not: the same leaders and moves."""
    rng = np.random.default_rng(seed)
    scale = [*analysis.RATING_POINTS, None]
    ref = analysis.rating_matrix(ds, B)
    for _ in range(15):
        rows = rng.choice(ref.index, size=int(rng.integers(2, len(ref) + 1)), replace=False)
        m = ref.loc[list(rows)].copy()
        m[:] = rng.choice(np.array(scale, dtype=object), size=m.shape)
        if m.isna().all().all():
            continue
        for weighted in (False, True):
            got = analysis.leave_one_out(m, ds.evidence, weighted=weighted)
            want = _leave_one_out_afresh(analysis.as_matrix(m), ds.evidence, weighted)
            assert (
                list(
                    got[["evidence_id", "leader", "order_changed", "moved"]].itertuples(
                        index=False, name=None
                    )
                )
                == want
            )


def test_compare_ratings_cell_by_cell() -> None:
    student = {"e1": {"h1": "CC", "h2": "I"}, "e2": {"h1": "NA"}}
    c = analysis.compare_ratings(student, SMALL).set_index(["evidence_id", "hypothesis_id"])
    assert c.loc[("e1", "h1"), "steps"] == 1 and not c.loc[("e1", "h1"), "changes_score"]
    assert c.loc[("e1", "h2"), "steps"] == 3 and c.loc[("e1", "h2"), "changes_score"]
    assert math.isnan(c.loc[("e2", "h1"), "steps"])
    assert c["agree"].sum() == 0 and len(c) == 3


def test_compare_ratings_brings_the_reference_reason(ds: Dataset) -> None:
    c = analysis.compare_ratings({"ev-01": {"h-power-broker": "C"}}, ds.ratings)
    want = ds.ratings.query("evidence_id == 'ev-01' and hypothesis_id == 'h-power-broker'")
    assert c.loc[0, "reference"] == "I" and c.loc[0, "rationale"] == want.iloc[0]["rationale"]


def test_compare_ratings_with_the_reference_matrix_gives_its_reasons(ds: Dataset) -> None:
    """compare_ratings(student, rating_matrix(...)) once gave blank reasons."""
    m = analysis.rating_matrix(ds, B)
    c = analysis.compare_ratings({"ev-01": {"h-power-broker": "C"}}, m)
    want = ds.ratings.query("evidence_id == 'ev-01' and hypothesis_id == 'h-power-broker'")
    assert c.loc[0, "rationale"] == want.iloc[0]["rationale"] != ""
    whole = analysis.compare_ratings(m, m)
    assert len(whole) == m.size and (whole["rationale"] != "").all()
    hm = analysis.hindsight_matrix(ds, B)
    first = hm.index[0]
    c = analysis.compare_ratings({first: {"h-narcotics": "II"}}, hm)
    want = ds.milestones.query("event_id == @first and hypothesis_id == 'h-narcotics'")
    assert c.loc[0, "rationale"] == want.iloc[0]["rationale"] != ""


def test_the_three_forms_of_ratings_agree(ds: Dataset) -> None:
    m = analysis.rating_matrix(ds, B)
    from_long = analysis.as_matrix(ds.ratings[ds.ratings.evidence_id.isin(m.index)])
    from_dict = analysis.as_matrix(m.to_dict(orient="index"))
    assert from_long.loc[m.index, m.columns].equals(analysis.as_matrix(m))
    assert from_dict.loc[m.index, m.columns].equals(analysis.as_matrix(m))


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({"e1": {"h1": "maybe"}}, "rating 'maybe' for evidence 'e1' and hypothesis 'h1'"),
        ({"e1": "C"}, "ratings for 'e1' must be a mapping"),
        ([["C"]], "got list"),
        ({}, "no ratings to score"),
    ],
)
def test_bad_ratings_are_named(ratings: object, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        analysis.score_hypotheses(ratings)


def test_unrated_cells_count_nothing_and_show_as_missing() -> None:
    m = analysis.as_matrix({"e1": {"h1": "I"}, "e2": {"h2": "II"}})
    assert m.at["e1", "h2"] is None
    s = analysis.score_hypotheses(m).set_index("hypothesis_id")
    assert s["rated"].to_dict() == {"h1": 1, "h2": 1}


# --- the reference ratings of the shipped case ---------------------------------------------


def test_reference_matrix_is_every_rating_of_the_case(ds: Dataset) -> None:
    m = analysis.rating_matrix(ds, B)
    assert m.shape == (
        (ds.evidence.case_id == B).sum(),
        (ds.hypotheses.case_id == B).sum(),
    )
    assert m.notna().all().all()
    first = ds.ratings.iloc[0]
    assert m.at[first.evidence_id, first.hypothesis_id] == first.rating


def test_reference_scores_match_a_count_of_the_csv(ds: Dataset) -> None:
    r = ds.ratings[
        ds.ratings.hypothesis_id.isin(ds.hypotheses.query("case_id == @B").hypothesis_id)
    ]
    by_hand = r.assign(p=r.rating.map({"I": 1, "II": 2}).fillna(0)).groupby("hypothesis_id").p.sum()
    s = analysis.score_hypotheses(analysis.rating_matrix(ds, B)).set_index("hypothesis_id")
    assert s["inconsistency"].to_dict() == by_hand.to_dict()


def test_case_with_no_hypotheses_says_what_to_add(ds: Dataset) -> None:
    with pytest.raises(AnalysisError, match=r"hypotheses\.csv"):
        analysis.rating_matrix(ds, A)


# --- likenesses, the analogy score and its sensitivity --------------------------------------


def test_likenesses_table_in_either_order(ds: Dataset) -> None:
    ab = analysis.likenesses_and_differences(ds, A, B)
    ba = analysis.likenesses_and_differences(ds, B, A)
    assert ab["verdict"].tolist() == ba["verdict"].tolist()
    assert ab["value_a"].tolist() == ba["value_b"].tolist()
    assert len(ab) == len(ds.dimensions)
    lk = ds.likenesses[(ds.likenesses.case_a == A) & (ds.likenesses.case_b == B)]
    lk = lk.set_index("dimension_id")
    row = ab.iloc[0]
    assert set(lk.loc[row.dimension_id, "source_ids"]) <= set(row.source_ids)


def test_dimension_families_count_each_family_once(ds: Dataset) -> None:
    fam = analysis.dimension_families(ds)
    assert fam.family.is_unique
    assert fam["size"].sum() == len(ds.dimensions)
    assert fam.weight.sum() == pytest.approx(ds.dimensions.default_weight.sum())
    assert fam.share.sum() == pytest.approx(1.0)
    aid = fam.set_index("family").loc["aid-pipeline"]
    assert set(aid.dimensions) == {
        "scale-of-aid",
        "kind-of-aid",
        "intermediary",
        "proxy-dependence",
    }
    assert aid.weight == pytest.approx(2.0)
    # Weights given for members add up in their family.
    heavier = analysis.dimension_families(ds, {"scale-of-aid": 3}).set_index("family")
    assert heavier.at["aid-pipeline", "weight"] == pytest.approx(4.5)
    # The side-by-side table names each dimension's family.
    t = analysis.likenesses_and_differences(ds, A, B).set_index("dimension_id")
    assert t.at["rival-aim", "family"] == t.at["rival-posture", "family"] == "rival-in-theatre"


def test_a_dimension_without_a_family_is_its_own(ds: Dataset) -> None:
    dims = ds.dimensions.copy()
    dims["family"] = None
    bare = type("Bare", (), {"dimensions": dims})()
    assert analysis._families(bare) == list(dims.dimension_id)  # type: ignore[arg-type]


def test_analogy_score_by_hand(ds: Dataset) -> None:
    t = analysis.likenesses_and_differences(ds, A, B)
    pts = t.verdict.map({"likeness": 1, "partial": 0.5, "difference": 0})
    want = (t.weight * pts).sum() / t.weight.sum()
    s = analysis.analogy_strength(ds, A, B)
    assert s.score == pytest.approx(want)
    assert s.table["contribution"].sum() == pytest.approx(s.score)
    assert s.table["possible"].sum() == pytest.approx(1.0)
    assert s.verdict == (
        "the likenesses outweigh the differences"
        if want > 0.5
        else "the differences outweigh the likenesses"
    )


def test_weights_override_only_the_dimensions_named(ds: Dataset) -> None:
    t = analysis.likenesses_and_differences(ds, A, B)
    likes = t.loc[t.verdict == "likeness", "dimension_id"].tolist()
    only_likes = {d: (3 if d in likes else 0) for d in t.dimension_id}
    assert analysis.analogy_strength(ds, A, B, only_likes).score == pytest.approx(1.0)
    s = analysis.analogy_strength(ds, A, B, {likes[0]: 0})
    assert s.weights[likes[0]] == 0 and s.weights[t.dimension_id[1]] == t.weight[1]


@pytest.mark.parametrize(
    ("weights", "error", "message"),
    [
        ({"sponsor-rivall": 1}, UnknownIdError, "did you mean 'sponsor-rival'"),
        ({"sponsor-rival": 4}, AnalysisError, "from 0 .* to 3"),
        ({"sponsor-rival": "heavy"}, AnalysisError, "must be a number"),
    ],
)
def test_bad_weights_are_named(
    ds: Dataset, weights: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        analysis.analogy_strength(ds, A, B, weights)  # type: ignore[arg-type]


def test_all_zero_weights_are_refused(ds: Dataset) -> None:
    with pytest.raises(AnalysisError, match="at least one dimension"):
        analysis.analogy_strength(ds, A, B, dict.fromkeys(ds.dimensions.dimension_id, 0))


def test_tipping_weight_by_hand(ds: Dataset) -> None:
    t = analysis.analogy_strength(ds, A, B).table
    w, p = t.weight, t.points
    sens = analysis.weight_sensitivity(ds, A, B).set_index("dimension_id")
    for d in t.loc[t.verdict == "likeness", "dimension_id"]:
        wd = float(t.set_index("dimension_id").loc[d, "weight"])
        rest_w, rest_wp = w.sum() - wd, (w * p).sum() - wd
        assert sens.loc[d, "tipping_weight"] == pytest.approx((0.5 * rest_w - rest_wp) / 0.5)
    partial = t.loc[t.verdict == "partial", "dimension_id"].iloc[0]
    assert math.isnan(sens.loc[partial, "tipping_weight"])  # 0.5 points never cross 0.5


def test_sensitivity_flips_are_real(ds: Dataset) -> None:
    """Every weight reported to tip the verdict does so when moved just past its tipping point."""
    t = analysis.likenesses_and_differences(ds, A, B)
    # Weights under which the score sits just under the threshold, so several weights can tip it.
    near = {
        d: (2.4 if v == "likeness" else 0.5 if v == "difference" else 1)
        for d, v in zip(t.dimension_id, t.verdict, strict=True)
    }
    base = analysis.analogy_strength(ds, A, B, near)
    sens = analysis.weight_sensitivity(ds, A, B, near)
    flips = sens[sens["flips"]]
    assert not flips.empty
    for r in flips.itertuples():
        past = r.tipping_weight + (0.01 if r.change > 0 else -0.01)
        moved = analysis.analogy_strength(ds, A, B, {**near, r.dimension_id: past})
        assert (moved.score - 0.5) * (base.score - 0.5) < 0, r.dimension_id
        assert 0 <= r.tipping_weight <= 3
    for r in sens[~sens["flips"]].itertuples():
        for x in (0, 3):
            moved = analysis.analogy_strength(ds, A, B, {**near, r.dimension_id: x})
            assert (moved.score - 0.5) * (base.score - 0.5) >= 0, r.dimension_id


# --- hindsight ------------------------------------------------------------------------------


def test_milestones_come_after_the_analysis_date(ds: Dataset) -> None:
    ms = analysis.milestones(ds, B)
    assert not ms.empty
    assert (ms["date"] > pd.Timestamp(ds.case(B)["analysis_date"])).all()
    assert ms["date"].is_monotonic_increasing
    ev = ds.events.set_index("event_id")
    assert set(ev.loc[ms.event_id[0], "source_ids"]) <= set(ms.source_ids[0])


def test_hindsight_scores_count_the_milestone_ratings(ds: Dataset) -> None:
    ms = analysis.milestones(ds, B)
    by_hand = ms.assign(p=ms.rating.map(analysis.RATING_POINTS)).groupby("hypothesis_id").p.sum()
    hs = analysis.hindsight_scores(ds, B).set_index("hypothesis_id")
    assert hs["inconsistency"].to_dict() == by_hand.to_dict()
    calm = ms[~ms.contested.astype(bool)]
    by_hand = (
        calm.assign(p=calm.rating.map(analysis.RATING_POINTS)).groupby("hypothesis_id").p.sum()
    )
    hs = analysis.hindsight_scores(ds, B, include_contested=False).set_index("hypothesis_id")
    assert hs["inconsistency"].to_dict() == by_hand.to_dict()


def test_hindsight_scores_take_a_students_ratings(ds: Dataset) -> None:
    ms = analysis.milestones(ds, B)
    first = ms.event_id[0]
    mine = {first: dict.fromkeys(ms.hypothesis_id.unique(), "II")}
    hs = analysis.hindsight_scores(ds, B, ratings=mine)
    assert set(hs["inconsistency"]) == {2}


def test_a_milestone_before_the_analysis_date_is_refused(data_copy: Path) -> None:
    events = read(data_copy, "events")
    col = {name: i for i, name in enumerate(events[0])}
    early = next(r[0] for r in events[1:] if r[col["case_id"]] == B and r[col["date"]] < "2018")
    set_cell(data_copy, "milestones", 2, "event_id", early)
    with pytest.raises(DataValidationError, match=r"milestones\.csv:2:event_id: .* not after"):
        analogylab.load_dataset(data_copy)
    ds2 = analogylab.load_dataset(data_copy, validate_first=False)  # the function's own guard
    with pytest.raises(AnalysisError, match=f"milestones.csv: event '{early}' .* is not after"):
        analysis.milestones(ds2, B)


def test_khong_lists_six_jobs() -> None:
    assert analysis.KHONG_JOBS["job_id"].tolist() == [
        "define",
        "stakes",
        "prescribe",
        "predict",
        "moral",
        "dangers",
    ]


def test_hindsight_matrix_lays_a_students_ratings_on_the_milestones(ds: Dataset) -> None:
    ref = analysis.hindsight_matrix(ds, B)
    assert ref.index.name == "event_id", "its rows are events, not evidence"
    first = ref.index[0]
    mine = analysis.hindsight_matrix(ds, B, {first: {"h-flank-hedge": "I"}, "not-an-event": {}})
    assert list(mine.index) == list(ref.index) and list(mine.columns) == list(ref.columns)
    assert mine.at[first, "h-flank-hedge"] == "I"
    assert mine.notna().sum().sum() == 1, "what the student did not rate stays empty"
    calm = analysis.hindsight_matrix(ds, B, include_contested=False)
    contested = set(analysis.milestones(ds, B).query("contested").event_id)
    assert set(calm.index) == set(ref.index) - contested


# --- Heuer's step 4: the student's own hypotheses, and what is not diagnostic ---------------


def test_an_added_hypothesis_is_scored_by_the_same_rules_and_marked_as_the_students() -> None:
    m = analysis.add_hypothesis(SMALL, "  Mine,   at   last ", {"e1": "C", "e2": "II", "e3": "I"})
    assert list(m.columns) == ["h1", "h2", "h3", "Mine, at last"]
    own = analysis.own_hypotheses(m)
    assert own == {"Mine, at last": analysis.OwnHypothesis("Mine, at last", "added")}
    s = analysis.score_hypotheses(m).set_index("hypothesis_id")
    assert s.at["Mine, at last", "inconsistency"] == 3  # II + I, as for any column
    assert s["own"].to_dict() == {"h2": False, "h3": False, "h1": False, "Mine, at last": True}
    # left out: unrated, counting nothing; nothing compares it with a reference
    partial = analysis.add_hypothesis(SMALL, "Half", {"e1": "I"})
    assert analysis.score_hypotheses(partial).set_index("hypothesis_id").at["Half", "rated"] == 1
    cmp = analysis.compare_ratings(m, SMALL)
    assert "Mine, at last" not in set(cmp["hypothesis_id"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: analysis.add_hypothesis(SMALL, "h1", {}), "there is already a hypothesis “h1”"),
        (lambda: analysis.add_hypothesis(SMALL, "  ", {}), "give your hypothesis a short label"),
        (lambda: analysis.add_hypothesis(SMALL, "X", {"e9": "C"}), "'e9', which is not one of"),
        (lambda: analysis.add_hypothesis(SMALL, "X", {"e1": "yes"}), "not on Heuer's scale"),
        (lambda: analysis.merge_hypotheses(SMALL, "h1", "h1", "X"), "two different hypotheses"),
        (lambda: analysis.merge_hypotheses(SMALL, "h1", "h9", "X"), "no hypothesis 'h9'"),
        (lambda: analysis.merge_hypotheses(SMALL, "h1", "h2", "X", rule="or"), "'or' is not one"),
        (lambda: analysis.split_hypothesis(SMALL, "h1", {"One": {}}), "at least two"),
    ],
)
def test_reconsidering_refuses_what_cannot_be_done_with_a_reason(call: Any, message: str) -> None:
    with pytest.raises((AnalysisError, UnknownIdError), match=message):
        call()


def test_derived_merges_take_the_rating_that_counts_less_or_more() -> None:
    first = ["CC", "C", "I", "II", "NA", "NA", "C", None]
    second = ["N", "I", "II", "C", "I", "NA", "C", "C"]
    assert analysis.derive_merged(first, second, "either") == [
        "CC", "C", "I", "C", "I", "NA", "C", None,
    ]  # fmt: skip
    assert analysis.derive_merged(first, second, "both") == [
        "N", "I", "II", "II", "I", "NA", "C", None,
    ]  # fmt: skip


def test_a_merge_takes_the_place_of_the_pair_and_says_so() -> None:
    m = analysis.merge_hypotheses(SMALL, "h1", "h3", "One of the two", rule="either")
    assert list(m.columns) == ["One of the two", "h2"]
    assert [analysis.rating_at(m, e, "One of the two") for e in ("e1", "e2", "e3")] == [
        "C", "I", "I",
    ]  # fmt: skip
    own = analysis.own_hypotheses(m)["One of the two"]
    assert (own.how, own.parents, own.rule) == ("merged", ("h1", "h3"), "either")
    assert own.describe({"h1": "First", "h3": "Third"}) == (
        "your merge of “First” and “Third”, derived: either"
    )
    rated = analysis.merge_hypotheses(
        SMALL, "h1", "h3", "Rated", rule=None, cells={"e1": "N"}, keep=True
    )
    assert list(rated.columns) == ["Rated", "h1", "h2", "h3"]
    assert analysis.own_hypotheses(rated)["Rated"].rule == ""


def test_a_split_puts_two_rated_parts_in_place_of_one() -> None:
    m = analysis.split_hypothesis(SMALL, "h2", {"Left": {"e1": "I"}, "Right": {"e2": "II"}})
    assert list(m.columns) == ["h1", "Left", "Right", "h3"]
    s = analysis.score_hypotheses(m).set_index("hypothesis_id")
    assert (s.at["Left", "inconsistency"], s.at["Right", "inconsistency"]) == (1, 2)
    assert {o.how for o in analysis.own_hypotheses(m).values()} == {"split"}
    assert analysis.own_hypotheses(m)["Left"].describe({"h2": "Second"}) == "your split of “Second”"


def test_a_grid_answer_with_merges_and_splits_is_reconsidered() -> None:
    answer = {
        "e1": {"h1": "C", "h2": "CC", "h3": "N", "Both": "C", "A": "I", "B": "N"},
        "e2": {"h1": "I", "h2": "C", "h3": "NA", "Both": "I", "A": "C", "B": "C"},
        "@own": {
            "Both": {"how": "merged", "from": ["h1", "h3"], "rule": "either"},
            "A": {"how": "split", "from": ["h2"]},
            "B": {"how": "split", "from": ["h2"]},
        },
    }
    raw = analysis.as_matrix(answer)  # every column, as rated
    assert set(raw.columns) == {"h1", "h2", "h3", "Both", "A", "B"}
    m = analysis.reconsidered(answer)
    assert sorted(m.columns) == ["A", "B", "Both"]
    assert m.attrs["replaced"] == {"h1": ("Both",), "h3": ("Both",), "h2": ("A", "B")}
    assert set(analysis.score_hypotheses(m)["own"]) == {True}
    with pytest.raises(AnalysisError, match="use one of: added, merged, split"):
        analysis.as_matrix({**answer, "@own": {"Both": {"how": "joined"}}})


def test_items_that_tell_nothing_apart_are_dropped_with_their_reasons() -> None:
    ratings = {
        **SMALL,
        "e4": {"h1": "CC", "h2": "N", "h3": "C"},  # consistent with all: 0 each
        "e5": {"h1": "I", "h2": "I", "h3": "I"},  # inconsistent with all alike: 1 each
    }
    pruned = analysis.drop_non_diagnostic(ratings, names={"h1": "First", "h2": "Second"})
    assert pruned.dropped["evidence_id"].tolist() == ["e1", "e4", "e5"]  # e1: C, CC, N
    assert list(pruned.kept.index) == ["e2", "e3"]
    why = dict(zip(pruned.dropped["evidence_id"], pruned.dropped["why"], strict=True))
    assert "adds nothing to any score" in why["e4"]
    assert "inconsistent with every hypothesis alike: it adds 1 to each" in why["e5"]
    heuer = dict(zip(pruned.dropped["evidence_id"], pruned.dropped["heuer"], strict=True))
    assert heuer["e4"].startswith("rated CC under “First” but N under “Second”")
    assert heuer["e1"].startswith("rated CC under “Second” but N under “h3”")
    assert heuer["e5"] == ""
    assert not pruned.ranking_changed
    before = pruned.before.set_index("hypothesis_id")["inconsistency"]
    after = pruned.after.set_index("hypothesis_id")["inconsistency"]
    assert (before - after).to_dict() == {"h1": 1, "h2": 1, "h3": 1}  # only the totals fall
    said = " ".join(pruned.sentences())
    assert "3 of 5 items left out" in said and "The ranking is the same without them" in said
    assert "2 of them are rated more consistent" in said


def test_when_nothing_tells_the_hypotheses_apart_nothing_is_left_to_score() -> None:
    pruned = analysis.drop_non_diagnostic({"e1": {"h1": "C", "h2": "C"}})
    assert pruned.after is None and pruned.kept.empty
    assert "No item is left to score" in " ".join(pruned.sentences())
    diagnostic = {k: v for k, v in SMALL.items() if k != "e1"}
    assert analysis.drop_non_diagnostic(diagnostic).sentences() == [
        "Every item tells the hypotheses apart here: nothing is left out."
    ]


def test_dropping_the_non_diagnostic_items_of_the_reference_keeps_its_ranking(ds: Dataset) -> None:
    m = analysis.rating_matrix(ds, B)
    for weighted in (False, True):
        pruned = analysis.drop_non_diagnostic(m, ds.evidence, weighted=weighted)
        diag = analysis.diagnosticity(m)
        assert set(pruned.dropped["evidence_id"]) == set(diag.loc[~diag.diagnostic, "evidence_id"])
        assert not pruned.ranking_changed


def test_the_heuer_notes_say_where_the_package_is_narrower() -> None:
    notes = analysis.HEUER_NOTES
    assert set(notes) >= {"diagnostic", "scoring", "weights", "dropping", "reconsider"}
    assert "wider" in notes["diagnostic"] and "CC" in notes["diagnostic"]
    assert "hindsight" in notes["milestones"]
    assert "diagnostic\n" not in analysis.diagnosticity.__doc__  # the docstring says it too
    assert "HEUER_NOTES" in (analysis.diagnosticity.__doc__ or "")


# --- Heuer's step 8: indicators against the record --------------------------------------------


def test_the_record_is_what_happened_after_the_analysis_date(ds: Dataset) -> None:
    record = analysis.record_after(ds, B)
    date = ds.case(B)["analysis_date"]
    assert len(record) and (record["date"] > date).all()
    assert record["date"].is_monotonic_increasing
    assert set(record.loc[record.milestone, "event_id"]) <= set(ds.milestones.event_id)
    assert set(ds.milestones.event_id) & set(ds.events[ds.events.case_id == B].event_id) <= set(
        record["event_id"]
    )


def test_indicators_are_tallied_per_hypothesis_in_lesson_06s_terms() -> None:
    marked = [
        {"text": "a", "against": "h1", "by": "2019-12-31", "mark": "happened"},
        {"text": "b", "against": "h1", "by": "2019-12-31", "mark": "did-not-happen"},
        {"text": "c", "against": "h2", "by": "2020-12-31", "mark": "happened"},
        {"text": "d", "against": "h2", "by": "2020-12-31", "mark": "happened"},
        {"text": "e", "against": "h9", "by": "2020-12-31", "mark": "cannot-tell"},
        {"text": "f", "against": "h1", "by": "2020-12-31"},
    ]
    t = analysis.indicator_tally(marked, {"h1": "One", "h2": "Two", "h3": "Three"})
    t = t.set_index("hypothesis_id")
    assert list(t.index) == ["h1", "h2", "h3", "h9"]  # the hypotheses given, then others named
    assert t.loc["h1", ["written", "happened", "did_not_happen", "unmarked"]].tolist() == [
        3, 1, 1, 1,
    ]  # fmt: skip
    assert t["against"].to_dict() == {"h1": 1, "h2": 2, "h3": 0, "h9": 0}
    assert t["rank"].to_dict() == {"h1": 3, "h2": 4, "h3": 1, "h9": 1}
    assert t.at["h3", "written"] == 0  # its 0 means nothing: no indicator could count


def test_reference_matrices_follow_a_table_edited_in_place() -> None:
    """The memo behind rating_matrix and milestones never gives a stale matrix."""
    ds = analogylab.load_dataset()  # a dataset of its own: this test edits it
    case = "russia-taliban-2018"
    first = analysis.rating_matrix(ds, case)
    again = analysis.rating_matrix(ds, case)
    assert again.equals(first) and again is not first
    again.iloc[0, 0] = "II"  # a caller's change to its copy stays in its copy
    assert analysis.rating_matrix(ds, case).equals(first)
    row = ds.ratings.index[
        (ds.ratings["evidence_id"] == first.index[0])
        & (ds.ratings["hypothesis_id"] == first.columns[0])
    ][0]
    new = "II" if first.iloc[0, 0] != "II" else "CC"
    ds.ratings.loc[row, "rating"] = new  # as a student might, in a lesson
    assert analysis.rating_matrix(ds, case).iloc[0, 0] == new
    assert dict(analysis.rating_matrix(ds, case).attrs["rationale"]) == dict(
        first.attrs["rationale"]
    )
    before = analysis.milestones(ds, case)
    ds.milestones.loc[ds.milestones.index[0], "rating"] = "NA"
    after = analysis.milestones(ds, case)
    assert (after["rating"] == "NA").sum() == (before["rating"] == "NA").sum() + (
        before.loc[
            (before["event_id"] == ds.milestones.iloc[0]["event_id"])
            & (before["hypothesis_id"] == ds.milestones.iloc[0]["hypothesis_id"]),
            "rating",
        ].iloc[0]
        != "NA"
    )
