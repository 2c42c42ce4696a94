"""``datapackage.json``, the one description of the data: complete and self-consistent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analogylab import find_data
from analogylab.schema import RULES, read_package

PKG = read_package(find_data())
RAW = json.loads((find_data() / "datapackage.json").read_text(encoding="utf-8"))


def test_package_states_licence_and_title() -> None:
    assert RAW["licenses"][0]["name"] == "CC-BY-4.0"
    assert RAW["title"] and RAW["description"]


@pytest.mark.parametrize("res", PKG.resources, ids=lambda r: r.name)
def test_every_table_and_field_is_described(res) -> None:  # type: ignore[no-untyped-def]
    assert res.title and res.description and res.primary_key
    assert Path(res.path).suffix == ".csv"
    assert res.descriptor["encoding"] == "utf-8"
    for f in res.fields:
        assert len(f.description) > 10, f"{res.name}.{f.name} needs a description"
        if f.labels:
            assert set(f.labels) == set(f.enum or ()), f"{res.name}.{f.name} labels vs enum"


@pytest.mark.parametrize("res", PKG.resources, ids=lambda r: r.name)
def test_keys_and_rules_name_real_fields(res) -> None:  # type: ignore[no-untyped-def]
    names = set(res.field_names)
    assert set(res.primary_key) <= names
    for fk in res.foreign_keys:
        assert set(fk.fields) <= names
        assert set(fk.ref_fields) <= set(PKG.resource(fk.resource).field_names)
    for rule in res.rules:
        assert rule["rule"] in RULES
        for key in ("fields",):
            assert set(rule.get(key, [])) <= names
    for f in res.fields:
        if f.references:
            target, col = f.references
            assert col in PKG.resource(target).field_names


@pytest.mark.parametrize(
    "res",
    [r for r in PKG.resources if r.name not in {"sources", "url_hosts"}],  # url_hosts: a rule
    ids=lambda r: r.name,
)
def test_every_citing_table_requires_sources_and_a_grade(res) -> None:  # type: ignore[no-untyped-def]
    src = res.field("source_ids")
    assert src.required and src.references == ("sources", "source_id")
    conf = res.field("confidence")
    assert conf.required and conf.enum == ("A", "B", "C") and conf.ordered


def test_no_second_copy_of_the_schema_in_code() -> None:
    """Column names live in datapackage.json only: the library never lists a table's columns."""
    lib = Path(__file__).parents[1] / "lib" / "analogylab"
    code = "\n".join(p.read_text(encoding="utf-8") for p in lib.glob("*.py"))
    for res in PKG.resources:
        header = ",".join(res.field_names)
        assert header not in code
        assert repr(res.field_names) not in code
