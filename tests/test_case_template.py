"""The case template in ``data/templates/case/``: its files, its README's order and merge recipe.

The template must never drift from ``data/datapackage.json``: one header-only CSV per table a
case needs, with exactly the schema's columns in its order; its README lists the tables in an
order in which every row points only at tables filled in before it, and its merge recipe, run
as written, merges rows that then validate. (These checks lived in lesson 07's tests while
the lesson walked through adding a case; the walkthrough is now the teachers' guide,
notebooks/teachers-guide.ipynb, tested in tests/test_guide.py.)
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import csvedit as ce
from analogylab import find_data, validate

TEMPLATE = find_data() / "templates" / "case"

#: The tables a case needs, as the template README lists them.
CASE_TABLES = (
    "sources",
    "actors",
    "cases",
    "roles",
    "goals",
    "events",
    "series_info",
    "series",
    "profiles",
    "likenesses",
    "counterparts",
    "hypotheses",
    "evidence",
    "ratings",
    "milestones",
)


def _package() -> dict[str, Any]:
    package: dict[str, Any] = json.loads(
        (find_data() / "datapackage.json").read_text(encoding="utf-8")
    )
    return package


def _fields(package: dict[str, Any]) -> dict[str, list[str]]:
    return {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}


def _references(package: dict[str, Any]) -> dict[str, set[str]]:
    """For each table, the tables its rows point at (foreign keys and x-references)."""
    out: dict[str, set[str]] = {}
    for r in package["resources"]:
        schema = r["schema"]
        refs = {fk["reference"]["resource"] for fk in schema.get("foreignKeys", [])}
        refs |= {f["x-references"]["resource"] for f in schema["fields"] if "x-references" in f}
        out[r["name"]] = refs - {r["name"]}
    return out


# --- the template -----------------------------------------------------------------------------


def template_disagreements(folder: Path, fields: dict[str, list[str]]) -> list[str]:
    """Each template CSV: a table of the package, its exact header in schema order, no rows."""
    out = []
    files = {p.stem: p for p in folder.glob("*.csv")}
    out += [f"{t}.csv missing" for t in CASE_TABLES if t not in files]
    for name, path in sorted(files.items()):
        if name not in fields:
            out.append(f"{path.name}: no table '{name}' in datapackage.json")
            continue
        raw = path.read_bytes()
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        if raw.startswith(b"\xef\xbb\xbf"):
            out.append(f"{path.name}: starts with a byte-order mark")
        if not rows or rows[0] != fields[name]:
            out.append(f"{path.name}: header {rows[0] if rows else []} != {fields[name]}")
        if len(rows) > 1:
            out.append(f"{path.name}: {len(rows) - 1} data row(s); the template has none")
    return out


def test_template_headers_are_the_schema_field_order() -> None:
    """Every table a case needs has a header-only CSV whose columns are the schema's, in order."""
    assert template_disagreements(TEMPLATE, _fields(_package())) == []


def test_template_check_can_fail(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(TEMPLATE, folder)
    fields = _fields(_package())
    # The schema gains a column the template lacks; a row is left in; a file goes missing.
    fields["events"] = [*fields["events"], "place"]
    (folder / "roles.csv").write_text(
        (folder / "roles.csv").read_text(encoding="utf-8") + "x,y,sponsor,s,src,A\n",
        encoding="utf-8",
    )
    (folder / "ratings.csv").unlink()
    out = template_disagreements(folder, fields)
    assert out[0] == "ratings.csv missing"
    assert any(m.startswith("events.csv: header") and "'place'" in m for m in out)
    assert "roles.csv: 1 data row(s); the template has none" in out
    assert len(out) == 3


def _readme() -> str:
    return (TEMPLATE / "README.md").read_text(encoding="utf-8")


def readme_order(readme: str) -> list[str]:
    """The tables in the order the README's step table names them."""
    section = readme.split("## The order to fill the files in")[1].split("\n## ", maxsplit=1)[0]
    steps = [line for line in section.splitlines() if re.match(r"\| \d+ \|", line)]
    return [name for line in steps for name in re.findall(r"`(\w+)\.csv`", line.split("|")[2])]


def order_disagreements(order: list[str], refs: dict[str, set[str]]) -> list[str]:
    """Each table comes after every table of the case it points at."""
    out = [f"{t} is not in the order" for t in CASE_TABLES if t not in order]
    for i, table in enumerate(order):
        for needed in sorted(refs.get(table, set()) & set(CASE_TABLES)):
            if needed not in order[:i]:
                out.append(f"{table} comes before {needed}, which it points at")
    return out


def test_readme_order_follows_the_references() -> None:
    order = readme_order(_readme())
    assert order[:3] == ["sources", "actors", "cases"]
    assert order_disagreements(order, _references(_package())) == []


def test_readme_order_check_can_fail() -> None:
    order = readme_order(_readme())
    order.remove("profiles")
    order.append("profiles")
    out = order_disagreements(order, _references(_package()))
    assert out == ["likenesses comes before profiles, which it points at"]


def test_readme_explains_every_table_and_the_rules() -> None:
    text = _readme()
    for table in CASE_TABLES:
        assert f"**{table}**" in text, f"{table} has no entry in the column guide"
    for phrase in (
        "analysis_date",
        "precision",
        "confidence",
        "source_ids",
        "contested",
        "same case",
        "analogylab validate",
        "load_dataset",
        "ANALOGYLAB_DATA",
    ):
        assert phrase in text, phrase


def _merge_recipe() -> str:
    text = _readme().split("## Merge and validate")[1]
    return re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)  # type: ignore[union-attr]


def _run_recipe(where: Path) -> None:
    """Run the README's merge recipe, as written, in ``where``."""
    code = textwrap.dedent(_merge_recipe())
    with contextlib.chdir(where):
        exec(compile(code, "README.md", "exec"), {})


def _bare_copy(dest: Path) -> Path:
    shutil.copytree(find_data(), dest, ignore=shutil.ignore_patterns("exercises", "templates"))
    return dest


def test_readme_merge_recipe_leaves_data_unchanged_for_an_empty_template(tmp_path: Path) -> None:
    data = _bare_copy(tmp_path / "my-data")
    shutil.copytree(TEMPLATE, tmp_path / "my-case")
    _run_recipe(tmp_path)
    for f in sorted(data.glob("*.csv")):
        assert f.read_bytes() == (find_data() / f.name).read_bytes(), f.name


def test_readme_merge_recipe_merges_rows_that_validate(tmp_path: Path) -> None:
    data = _bare_copy(tmp_path / "my-data")
    mine = tmp_path / "my-case"
    shutil.copytree(TEMPLATE, mine)
    row = {
        "actor_id": "test-actor",
        "name": "Test, with a comma",
        "kind": "state",
        "description": 'A "quoted" line',
        "source_ids": "garver-2016-chinas-quest",
        "confidence": "B",
    }
    ce.append_row(mine, "actors", row)
    before = len(ce.read(data, "actors"))
    _run_recipe(tmp_path)
    rows = ce.read(data, "actors")
    assert len(rows) == before + 1
    assert dict(zip(rows[0], rows[-1], strict=True)) == row
    report = validate(data)
    assert report.ok, str(report)


def test_readme_merge_recipe_run_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    data = _bare_copy(tmp_path / "my-data")
    mine = tmp_path / "my-case"
    shutil.copytree(TEMPLATE, mine)
    ce.append_row(
        mine,
        "actors",
        {
            "actor_id": "test-actor",
            "name": "Test actor",
            "kind": "state",
            "description": "A test row.",
            "source_ids": "garver-2016-chinas-quest",
            "confidence": "B",
        },
    )
    _run_recipe(tmp_path)
    once = (data / "actors.csv").read_bytes()
    _run_recipe(tmp_path)
    assert (data / "actors.csv").read_bytes() == once
    assert validate(data).ok
