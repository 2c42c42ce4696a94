"""``load_dataset`` and the shipped tables: typed, cited, complete, and safe to edit.

Per-table tests run over every table the schema describes, so a table a teacher
adds is checked the same way without a new test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import analogylab
import csvedit as ce
from analogylab import (
    DataValidationError,
    UnknownIdError,
    UnknownTableError,
    load_dataset,
    load_table,
)

SCHEMA = json.loads((Path(analogylab.find_data()) / "datapackage.json").read_text())
TABLES = [r["name"] for r in SCHEMA["resources"]]
# url_hosts is a rule of the project (which hosts a source may link to), not a fact about the
# cases: each row gives its reason instead of citing a source (CONTRIBUTING.md).
POLICY = {"url_hosts"}
CITING = [t for t in TABLES if t != "sources" and t not in POLICY]


def _fields(table: str) -> list[dict]:  # type: ignore[type-arg]
    return next(r for r in SCHEMA["resources"] if r["name"] == table)["schema"]["fields"]


@pytest.mark.parametrize("table", TABLES)
def test_columns_and_types_follow_the_schema(ds, table: str) -> None:  # type: ignore[no-untyped-def]
    df = ds[table]
    assert list(df.columns) == [f["name"] for f in _fields(table)]
    assert len(df) > 0, f"{table} is empty"
    for f in _fields(table):
        col = df[f["name"]]
        if f["type"] == "date":
            assert pd.api.types.is_datetime64_any_dtype(col)
        elif f["type"] == "integer":
            assert str(col.dtype) == "Int64"
        elif f["type"] == "number":
            assert pd.api.types.is_float_dtype(col)
        elif f["type"] == "boolean":
            assert str(col.dtype) == "boolean"
        elif f["type"] == "list":
            assert all(isinstance(v, tuple) for v in col)
        elif "enum" in f.get("constraints", {}):
            assert set(col.dropna()) <= set(f["constraints"]["enum"])
        else:
            assert pd.api.types.is_string_dtype(col) or col.isna().all()


@pytest.mark.parametrize("table", TABLES)
def test_primary_keys_are_unique_and_filled(ds, table: str) -> None:  # type: ignore[no-untyped-def]
    res = next(r for r in SCHEMA["resources"] if r["name"] == table)
    pk = res["schema"]["primaryKey"]
    df = ds[table]
    assert df[pk].notna().all().all()
    assert not df.duplicated(subset=pk).any(), df[df.duplicated(subset=pk, keep=False)][pk]


@pytest.mark.parametrize("table", CITING)
def test_every_row_cites_a_known_source_and_is_graded(ds, table: str) -> None:  # type: ignore[no-untyped-def]
    known = set(ds.sources.source_id)
    df = ds[table]
    assert all(len(ids) >= 1 for ids in df.source_ids), f"a row of {table} cites no source"
    unknown = {s for ids in df.source_ids for s in ids} - known
    assert not unknown, f"{table} cites sources not in sources.csv: {unknown}"
    assert df.confidence.isin(["A", "B", "C"]).all()


@pytest.mark.parametrize("table", TABLES)
def test_foreign_keys_resolve(ds, table: str) -> None:  # type: ignore[no-untyped-def]
    """Checked here with pandas, independently of the validator."""
    res = next(r for r in SCHEMA["resources"] if r["name"] == table)
    for fk in res["schema"].get("foreignKeys", []):
        target = ds[fk["reference"]["resource"]]
        keys = set(map(tuple, target[fk["reference"]["fields"]].astype(str).to_numpy()))
        rows = ds[table][fk["fields"]].dropna()
        missing = {tuple(r) for r in rows.astype(str).to_numpy()} - keys
        assert not missing, f"{table}.{fk['fields']} -> {fk['reference']}: {missing}"
    for f in _fields(table):
        if "x-references" in f:
            ref = f["x-references"]
            keys = set(ds[ref["resource"]][ref["field"]])
            bad = {v for items in ds[table][f["name"]] for v in items} - keys
            assert not bad, f"{table}.{f['name']}: {bad}"


def test_every_source_is_cited(ds) -> None:  # type: ignore[no-untyped-def]
    """Every source is cited by a row of data, or by an exercise (a method, say, not a fact)."""
    cited = {s for t in CITING for ids in ds[t].source_ids for s in ids}
    by_exercises = {s for ex in analogylab.load_bank().exercises.values() for s in ex.sources}
    assert set(ds.sources.source_id) - cited - by_exercises == set()


# --- the minimum content the foundation issue asks for -------------------------------------

CASE_80, CASE_18 = "us-mujahideen-1980s", "russia-taliban-2018"


def test_events_span_1978_to_2025(ds) -> None:  # type: ignore[no-untyped-def]
    years = ds.events.date.dt.year
    assert len(ds.events) >= 60
    assert years.min() <= 1978 and years.max() >= 2025
    assert (years > 2018).sum() >= 10


@pytest.mark.parametrize("case", [CASE_80, CASE_18])
def test_each_case_has_a_dozen_actors(ds, case: str) -> None:  # type: ignore[no-untyped-def]
    assert (ds.roles.case_id == case).sum() >= 12


@pytest.mark.parametrize("case", [CASE_80, CASE_18])
def test_principal_actors_have_two_goals(ds, case: str) -> None:  # type: ignore[no-untyped-def]
    c = ds.case(case)
    for actor in (c.sponsor_id, c.proxy_id, c.rival_id):
        n = ((ds.goals.case_id == case) & (ds.goals.actor_id == actor)).sum()
        assert n >= 2, f"{actor} has {n} goal(s) in {case}"


def family_problems(dimensions: pd.DataFrame) -> list[str]:
    """Each family of dimensions is counted once: its default weights add up to 3 at most.

    A family is named by one id; a dimension that overlaps no other is a family of its own,
    named by its own id (CONTRIBUTING, 'Dimensions and their weights'). 'outcome' weighs 0
    by default: it lies after the analysis date.
    """
    out = []
    families = dimensions.family.fillna(dimensions.dimension_id)
    for family, weights in dimensions.default_weight.groupby(families):
        if weights.sum() > 3:
            out.append(f"family {family} weighs {weights.sum():g} in all, more than one dimension")
        if len(weights) == 1 and family not in set(dimensions.dimension_id):
            out.append(f"family {family} has one member, which should be named by its own id")
    outcome = dimensions.set_index("dimension_id").default_weight.get("outcome")
    if outcome != 0:
        out.append(f"outcome weighs {outcome:g} by default; it is hindsight and should be 0")
    return out


def test_each_family_of_dimensions_counts_once(ds) -> None:  # type: ignore[no-untyped-def]
    assert family_problems(ds.dimensions) == []
    # The overlaps the families were made for are each in one family.
    fam = ds.dimensions.set_index("dimension_id").family
    assert (
        len({fam[d] for d in ("scale-of-aid", "kind-of-aid", "intermediary", "proxy-dependence")})
        == 1
    )
    assert fam["rival-posture"] == fam["rival-aim"]


def test_family_check_can_fail(ds) -> None:  # type: ignore[no-untyped-def]
    old = ds.dimensions.copy()
    old.loc[old.dimension_id.isin(["scale-of-aid"]), "default_weight"] = 2
    old.loc[
        old.dimension_id.isin(["kind-of-aid", "intermediary", "proxy-dependence"]), "default_weight"
    ] = 1
    old.loc[old.dimension_id == "outcome", "default_weight"] = 1
    assert family_problems(old) == [
        "family aid-pipeline weighs 5 in all, more than one dimension",
        "outcome weighs 1 by default; it is hindsight and should be 0",
    ]


def test_comparison_tables_are_full(ds) -> None:  # type: ignore[no-untyped-def]
    assert len(ds.dimensions) >= 12
    assert len(ds.counterparts) >= 8
    pairs = ds.likenesses[(ds.likenesses.case_a == CASE_80) & (ds.likenesses.case_b == CASE_18)]
    assert set(pairs.dimension_id) == set(ds.dimensions.dimension_id)
    for case in (CASE_80, CASE_18):
        assert set(ds.profiles[ds.profiles.case_id == case].dimension_id) == set(
            ds.dimensions.dimension_id
        )


def test_hypotheses_evidence_and_a_full_rating_matrix(ds) -> None:  # type: ignore[no-untyped-def]
    h = ds.hypotheses[ds.hypotheses.case_id == CASE_18]
    e = ds.evidence[ds.evidence.case_id == CASE_18]
    assert len(h) >= 4 and len(e) >= 15
    assert {"h-flank-hedge", "h-reverse-cold-war", "h-power-broker"} <= set(h.hypothesis_id)
    assert (e.date <= pd.Timestamp(ds.case(CASE_18).analysis_date)).all()
    assert ds.ratings.rationale.str.len().min() > 10


def test_every_case_with_hypotheses_has_a_full_rating_matrix(ds) -> None:  # type: ignore[no-untyped-def]
    """Each evidence item of a case is rated once against each hypothesis of that case."""
    for case in ds.hypotheses.case_id.unique():
        h = set(ds.hypotheses.loc[ds.hypotheses.case_id == case, "hypothesis_id"])
        e = set(ds.evidence.loc[ds.evidence.case_id == case, "evidence_id"])
        r = ds.ratings[ds.ratings.hypothesis_id.isin(h)]
        cells = list(zip(r.evidence_id, r.hypothesis_id, strict=True))
        assert len(cells) == len(set(cells)) == len(h) * len(e), case
        assert set(r.evidence_id) == e, case


def test_claims_name_who_makes_them(ds) -> None:  # type: ignore[no-untyped-def]
    assert len(ds.claims) >= 8
    assert {"reporter", "commenter"} <= set(ds.claims.claimant_kind)


SERIES = [
    "us-covert-funding",
    "saudi-funding",
    "soviet-troops-afghanistan",
    "soviet-deaths",
    "us-troops-afghanistan",
    "us-deaths-afghanistan",
    "taliban-district-control",
]


@pytest.mark.parametrize("series_id", SERIES)
def test_required_series_exist_with_units(ds, series_id: str) -> None:  # type: ignore[no-untyped-def]
    info = ds.row("series_info", series_id)
    assert info.unit and info.measure
    assert (ds.series.series_id == series_id).sum() >= 1


def test_disagreements_keep_the_range_and_say_who_says_what(ds) -> None:  # type: ignore[no-untyped-def]
    s = ds.series
    ranged = s[s.low.notna() & s.high.notna() & (s.low != s.high)]
    assert len(ranged) >= 5
    assert ranged.note.notna().all()
    # Never a quiet average: where the range is open and no single figure was given, value is empty.
    assert (
        (s.value.isna())
        | ((s.value >= s.low.fillna(s.value)) & (s.value <= s.high.fillna(s.value)))
    ).all()


def test_contested_events_explain_why(ds) -> None:  # type: ignore[no-untyped-def]
    contested = ds.events[ds.events.contested]
    assert len(contested) >= 5
    assert contested.note.notna().all()


# --- lookups -------------------------------------------------------------------------------


def test_lookups_and_citations(ds) -> None:  # type: ignore[no-untyped-def]
    assert ds.actor("pakistan")["name"] == "Pakistan"
    assert set(ds.roles[ds.roles.actor_id == "pakistan"].case_id) == {CASE_80, CASE_18}
    cite = ds.cite("ryan-ferris-rotman-2018-kremlins-comeback")
    assert cite.startswith("Missy Ryan; Amie Ferris-Rotman (2018-10-12). Kremlin's comeback")
    assert "- [bill-c-2018-swj-comment] Bill C. (2018-10-12)." in ds.bibliography(
        ["bill-c-2018-swj-comment"]
    )


def test_unknown_id_and_table_messages_suggest(ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        UnknownIdError, match=r"no actor_id 'pakstan' in actors\.csv \(did you mean 'pakistan'\?\)"
    ):
        ds.actor("pakstan")
    with pytest.raises(UnknownTableError, match=r"no table 'evnts' \(did you mean 'events'\?\)"):
        ds.evnts  # noqa: B018
    with pytest.raises(UnknownIdError, match="keyed by case_id, actor_id together"):
        ds.row("roles", "usa")


def test_summary_and_codebook(ds) -> None:  # type: ignore[no-untyped-def]
    summary = ds.summary()
    assert list(summary.table) == TABLES
    assert (summary.rows > 0).all()
    book = ds.codebook("ratings")
    row = book[book.column == "rating"].iloc[0]
    assert row["allowed values"] == "CC, C, N, I, II, NA"
    assert row["required"]


def test_load_table_gives_one_typed_table() -> None:
    events = load_table("events")
    assert pd.api.types.is_datetime64_any_dtype(events.date)


# --- the teacher's workflow: copy, edit, validate, load -----------------------------------


def test_teacher_adds_an_event_to_a_copy(data_copy: Path, ds) -> None:  # type: ignore[no-untyped-def]
    ce.append_row(
        data_copy,
        "events",
        {
            "event_id": "e80-test-added",
            "case_id": CASE_80,
            "date": "1986-09-01",
            "precision": "month",
            "title": "A teacher's event",
            "description": "Added by a test.",
            "kind": "arms",
            "actor_ids": "usa;mujahideen",
            "contested": "false",
            "source_ids": ds.sources.source_id.iloc[0],
            "confidence": "C",
        },
    )
    assert analogylab.validate(data_copy).ok
    mine = load_dataset(data_copy)
    assert len(mine.events) == len(ds.events) + 1
    assert mine.row("events", "e80-test-added").actor_ids == ("usa", "mujahideen")


def test_bad_data_loads_nothing(data_copy: Path) -> None:
    ce.set_cell(data_copy, "events", 2, "kind", "invasion")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert "events.csv:2:kind: 'invasion' is not an allowed value" in str(info.value)
    assert not info.value.report.ok


def test_an_edit_after_a_good_load_is_caught(data_copy: Path) -> None:
    """The validation cache is keyed by the files' bytes: an edit is validated again."""
    load_dataset(data_copy)
    ce.set_cell(data_copy, "actors", 2, "confidence", "D")
    with pytest.raises(DataValidationError, match="'D' is not an allowed value"):
        load_dataset(data_copy)


def test_explicit_path_may_name_the_descriptor(data_copy: Path) -> None:
    ds2 = load_dataset(data_copy / "datapackage.json")
    assert ds2.path == data_copy


def test_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(analogylab.DataNotFoundError, match=r"no datapackage\.json in this folder"):
        load_dataset(tmp_path)


def test_tables_are_independent_copies(data_copy: Path) -> None:
    """A lesson that changes its DataFrame does not change the next load."""
    a = load_dataset(data_copy)
    a.events.loc[0, "title"] = "changed"
    b = load_dataset(data_copy)
    assert b.events.loc[0, "title"] != "changed"


def test_a_relative_data_path_in_the_environment_says_to_use_a_full_path(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teacher sets ANALOGYLAB_DATA=my-data in the project folder; lessons run in notebooks/."""
    monkeypatch.chdir(data_copy.parent)
    monkeypatch.setenv("ANALOGYLAB_DATA", "data")
    assert load_dataset().path == Path("data")
    (data_copy.parent / "notebooks").mkdir()
    monkeypatch.chdir(data_copy.parent / "notebooks")
    with pytest.raises(analogylab.DataNotFoundError, match="set ANALOGYLAB_DATA to a full path"):
        load_dataset()
    monkeypatch.setenv("ANALOGYLAB_DATA", str(data_copy))
    assert load_dataset().path == data_copy
