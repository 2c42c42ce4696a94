"""analogylab.casebook: the rows lessons 00-03 ask for, counted and placed, from the tables.

Each function is checked against the shipped tables read directly, so a change of the data
that the lessons show is followed, and a name that is not in the data is refused with a
message naming it.
"""

from __future__ import annotations

from typing import Any

import pytest

from analogylab import UnknownIdError
from analogylab.casebook import count, disputed_figures, placement, rows, shared_actors

CASE_1980S, CASE_2018 = "us-mujahideen-1980s", "russia-taliban-2018"


def test_rows_of_a_case_are_that_case_in_date_order(ds: Any) -> None:
    got = rows(ds, "events", CASE_2018)
    want = ds.events[ds.events.case_id == CASE_2018]
    assert sorted(got.event_id) == sorted(want.event_id)
    assert got.date.is_monotonic_increasing


def test_rows_combine_kinds_contested_years_and_until(ds: Any) -> None:
    got = rows(
        ds,
        "events",
        CASE_2018,
        kinds=["allegation", "denial"],
        until="2018-10-12",
        years=(2017, 2018),
    )
    assert set(got.kind) == {"allegation", "denial"}
    assert got.date.max() <= ds.case(CASE_2018).analysis_date
    assert got.date.dt.year.min() == 2017
    assert "e18-2020-06-bounty-report" not in set(got.event_id)
    disputed = rows(ds, "events", CASE_1980S, contested=True)
    assert disputed.contested.all()
    assert len(disputed) == int(ds.events[ds.events.case_id == CASE_1980S].contested.sum())


def test_rows_of_an_actor_and_of_named_ids(ds: Any) -> None:
    russia = rows(ds, "events", actor="russia")
    assert all("russia" in ids for ids in russia.actor_ids)
    roles = rows(ds, "roles", CASE_2018, actor="taliban")
    assert list(roles.role) == ["proxy"]
    picked = rows(ds, "events", ids=["e80-1979-12-intervention", "e80-1979-07-first-finding"])
    assert list(picked.event_id) == ["e80-1979-07-first-finding", "e80-1979-12-intervention"]


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"case": "russia-2018"}, "'russia-2018'"),
        ({"actor": "kremlin"}, "'kremlin'"),
        ({"kinds": ["arms", "gossip"]}, "'gossip'"),
        ({"ids": ["e80-nothing"]}, "'e80-nothing'"),
    ],
)
def test_rows_refuse_a_name_not_in_the_data(ds: Any, kwargs: dict[str, Any], named: str) -> None:
    with pytest.raises(UnknownIdError, match=named):
        rows(ds, "events", **kwargs)


def test_count_gives_every_pair_and_zeros(ds: Any) -> None:
    table = count(ds.claims, "claimant_kind", "claim_type").set_index("claimant_kind")
    for (kind, type_), n in ds.claims.value_counts(["claimant_kind", "claim_type"]).items():
        assert table.loc[kind, type_] == n
    assert int(table.to_numpy().sum()) == len(ds.claims)
    assert (table == 0).to_numpy().any(), "a pair with no claim is counted 0, not left out"


def test_shared_actors_are_those_with_a_role_in_both_cases(ds: Any) -> None:
    got = shared_actors(ds, CASE_1980S, CASE_2018)
    roles = ds.roles
    a = set(roles[roles.case_id == CASE_1980S].actor_id)
    b = set(roles[roles.case_id == CASE_2018].actor_id)
    assert set(got.actor_id) == a & b
    usa = got.set_index("actor_id").loc["usa"]
    assert list(usa.iloc[:2]) == ["sponsor", "rival"]
    assert all(len(ids) >= 2 for ids in got.source_ids)


def test_placement_reads_who_where_and_what_they_lived_through(ds: Any) -> None:
    got = placement(ds, CASE_2018, ["russia", "usa"]).set_index("actor_id")
    assert got.loc["russia", "who"] == ds.actor("russia").description
    assert got.loc["russia", "role"] == "sponsor"
    lived = got.loc["russia", "lived_through"]
    assert lived[0].startswith("1995: ")
    assert any("Chechnya" in item for item in lived)
    assert all(int(item[:4]) < int(ds.case(CASE_2018).start_year) for item in lived)
    assert any(item.endswith(": sponsor") for item in got.loc["usa", "other_cases"])
    for sid in ds.actor("russia").source_ids:
        assert sid in got.loc["russia", "source_ids"]
    earlier = placement(ds, CASE_2018, ["russia"], before=2000).iloc[0]
    assert all(int(item[:4]) < 2000 for item in earlier.lived_through)


def test_placement_refuses_an_unknown_actor(ds: Any) -> None:
    with pytest.raises(UnknownIdError, match="'putin'"):
        placement(ds, CASE_2018, ["russia", "putin"])


def test_rows_filter_on_any_column_by_name(ds: Any) -> None:
    got = rows(ds, "profiles", CASE_1980S, dimension_id="outcome")
    assert list(got.dimension_id) == ["outcome"]
    with pytest.raises(UnknownIdError, match="no column 'dimension'"):
        rows(ds, "profiles", CASE_1980S, dimension="outcome")


def test_disputed_figures_are_the_ranges_without_a_value(ds: Any) -> None:
    series = ["soviet-deaths", "us-covert-funding"]
    got = disputed_figures(ds, series)
    s = ds.series
    want = s[s.series_id.isin(series) & s.low.notna() & s.high.notna() & s.value.isna()]
    assert len(got) == len(want) > 0
    assert got.value.isna().all()
    first = got.series_id.tolist().index("us-covert-funding")
    assert set(got.series_id[:first]) == {"soviet-deaths"}, "in the order the series are given"
    with pytest.raises(UnknownIdError, match="'gdp'"):
        disputed_figures(ds, ["gdp"])
