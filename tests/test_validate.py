"""``analogylab validate``: every problem reported, in one run, as FILE:ROW:COLUMN: what; how.

The corpus below makes one teacher's mistake at a time in a copy of the shipped
data and asserts the exact location and the gist of the message, both from the
Python API and from the command line.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import csvedit as ce
from analogylab import validate
from analogylab.cli import main

Mutation = Callable[[Path], None]


def _dup_key(table: str, column: str) -> Mutation:
    def m(d: Path) -> None:
        ce.set_cell(d, table, 3, column, ce.get(d, table, 2, column))

    return m


def _dup_pair(d: Path) -> None:
    for col in ("case_id", "actor_id"):
        ce.set_cell(d, "roles", 3, col, ce.get(d, "roles", 2, col))


def _cells(table: str, **values: str) -> Mutation:
    def m(d: Path) -> None:
        for col, v in values.items():
            ce.set_cell(d, table, 2, col, v)

    return m


def _first_case(d: Path) -> str:
    return ce.get(d, "cases", 2, "case_id")


def _not_utf8(d: Path) -> None:
    p = d / "sources.csv"
    lines = p.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b",", b",caf\xe9 ", 1)  # a Latin-1 e-acute on row 3
    p.write_bytes(b"\n".join(lines))


def _extra_cell(d: Path) -> None:
    p = d / "actors.csv"
    lines = p.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1] + ",an unquoted, extra cell"
    p.write_text("\n".join(lines), encoding="utf-8")


def _same_cases(d: Path) -> None:
    ce.set_cell(d, "counterparts", 2, "case_b", ce.get(d, "counterparts", 2, "case_a"))


def _rating_across_cases(d: Path) -> None:
    ce.append_row(
        d,
        "hypotheses",
        {
            "hypothesis_id": "h-test-1980s",
            "case_id": "us-mujahideen-1980s",
            "label": "A 1980s hypothesis",
            "statement": "Added by a test.",
            "held_by": "a test",
            "source_ids": ce.get(d, "sources", 2, "source_id"),
            "confidence": "C",
        },
    )
    ce.set_cell(d, "ratings", 2, "hypothesis_id", "h-test-1980s")


def _bad_json(d: Path) -> None:
    p = d / "datapackage.json"
    p.write_text(p.read_text(encoding="utf-8").replace('"resources": [', '"resources" [', 1))


# (id, mutation, file, row, column, words the message must contain)
CORPUS: list[tuple[str, Mutation, str, int | None, str | None, str]] = [
    (
        "unknown-column",
        lambda d: ce.rename_column(d, "events", "title", "titel"),
        "events.csv",
        1,
        "titel",
        "unknown column 'titel' (did you mean 'title'?)",
    ),
    (
        "missing-column",
        lambda d: ce.drop_column(d, "events", "kind"),
        "events.csv",
        1,
        "kind",
        "missing column 'kind'",
    ),
    (
        "missing-required-value",
        _cells("events", title=""),
        "events.csv",
        2,
        "title",
        "a required value is missing",
    ),
    (
        "missing-source-ids",
        _cells("goals", source_ids=""),
        "goals.csv",
        2,
        "source_ids",
        "a required value is missing",
    ),
    (
        "impossible-date",
        _cells("events", date="1979-02-30", precision="day"),
        "events.csv",
        2,
        "date",
        "'1979-02-30' is not a valid date",
    ),
    (
        "date-in-wrong-format",
        _cells("events", date="24/12/1979"),
        "events.csv",
        2,
        "date",
        "'24/12/1979' is not a valid date",
    ),
    (
        "number-with-thousands-separator",
        _cells("series", value="1,000"),
        "series.csv",
        2,
        "value",
        "'1,000' is not a valid number",
    ),
    (
        "number-with-unit",
        _cells("series", value="$630"),
        "series.csv",
        2,
        "value",
        "'$630' is not a valid number",
    ),
    (
        "year-not-whole",
        _cells("series", year="1985.5"),
        "series.csv",
        2,
        "year",
        "'1985.5' is not a valid whole number",
    ),
    (
        "boolean-not-true-false",
        _cells("events", contested="maybe"),
        "events.csv",
        2,
        "contested",
        "'maybe' is not a valid true/false",
    ),
    ("duplicate-id", _dup_key("events", "event_id"), "events.csv", 3, "event_id", "duplicate id"),
    ("duplicate-composite-key", _dup_pair, "roles.csv", 3, "case_id+actor_id", "duplicate id"),
    (
        "dangling-reference",
        _cells("events", case_id="no-such-case"),
        "events.csv",
        2,
        "case_id",
        "case_id='no-such-case' does not match any row of cases.csv",
    ),
    (
        "dangling-composite-reference",
        _cells("goals", actor_id="nobody"),
        "goals.csv",
        2,
        "case_id+actor_id",
        "does not match any row of roles.csv",
    ),
    (
        "source-not-in-sources",
        _cells("events", source_ids="no-such-source"),
        "events.csv",
        2,
        "source_ids",
        "'no-such-source' is not among the source_id values",
    ),
    (
        "one-of-several-sources-unknown",
        lambda d: ce.set_cell(
            d, "actors", 2, "source_ids", ce.get(d, "actors", 2, "source_ids") + ";made-up-2020"
        ),
        "actors.csv",
        2,
        "source_ids",
        "'made-up-2020' is not among the source_id values",
    ),
    (
        "actor-list-unknown",
        _cells("events", actor_ids="usa;martians"),
        "events.csv",
        2,
        "actor_ids",
        "'martians' is not among the actor_id values",
    ),
    (
        "kind-outside-vocabulary",
        _cells("events", kind="invasion"),
        "events.csv",
        2,
        "kind",
        "'invasion' is not an allowed value",
    ),
    (
        "confidence-outside-vocabulary",
        _cells("actors", confidence="D"),
        "actors.csv",
        2,
        "confidence",
        "'D' is not an allowed value",
    ),
    (
        "rating-outside-vocabulary",
        _cells("ratings", rating="++"),
        "ratings.csv",
        2,
        "rating",
        "'++' is not an allowed value",
    ),
    (
        "id-with-space-and-capitals",
        _cells("dimensions", dimension_id="Scale of Aid"),
        "dimensions.csv",
        2,
        "dimension_id",
        "'Scale of Aid' is not a valid id",
    ),
    (
        "weight-out-of-range",
        _cells("dimensions", default_weight="5"),
        "dimensions.csv",
        2,
        "default_weight",
        "5 is out of range",
    ),
    ("not-utf8", _not_utf8, "sources.csv", 3, None, "not UTF-8"),
    (
        "empty-file",
        lambda d: (d / "claims.csv").write_text(""),
        "claims.csv",
        None,
        None,
        "the file is empty",
    ),
    (
        "missing-file",
        lambda d: (d / "dimensions.csv").unlink(),
        "dimensions.csv",
        None,
        None,
        "the file is missing",
    ),
    ("extra-unquoted-comma", _extra_cell, "actors.csv", 2, None, "more cells than the header"),
    (
        "range-reversed",
        _cells("series", value="", low="10", high="5"),
        "series.csv",
        2,
        "high",
        "high (5) is less than low (10)",
    ),
    (
        "no-figure",
        _cells("series", value="", low="", high=""),
        "series.csv",
        2,
        "value",
        "no figure given",
    ),
    (
        "half-a-range",
        _cells("series", value="5", low="1", high=""),
        "series.csv",
        2,
        "high",
        "high is missing",
    ),
    (
        "date-more-exact-than-precision",
        _cells("events", date="1979-12-24", precision="month"),
        "events.csv",
        2,
        "date",
        "more exact than its precision 'month'",
    ),
    (
        "end-before-start",
        _cells("events", date="1980-01-02", precision="day", end_date="1980-01-01"),
        "events.csv",
        2,
        "end_date",
        "end_date (1980-01-01) is less than date (1980-01-02)",
    ),
    (
        "contested-without-note",
        _cells("events", contested="true", note=""),
        "events.csv",
        2,
        "note",
        "contested is true but note is empty",
    ),
    (
        "evidence-after-analysis-date",
        _cells("evidence", date="2021-08-15", precision="day"),
        "evidence.csv",
        2,
        "date",
        "is after the analysis_date",
    ),
    (
        "milestone-before-analysis-date",
        _cells("milestones", event_id="e18-2015-12-kabulov-coincide"),
        "milestones.csv",
        2,
        "event_id",
        "not after the analysis_date of case 'russia-taliban-2018'",
    ),
    ("comparison-of-a-case-with-itself", _same_cases, "counterparts.csv", 2, "case_b", "are both"),
    (
        "rating-across-cases",
        _rating_across_cases,
        "ratings.csv",
        2,
        "hypothesis_id",
        "belongs to case",
    ),
    ("broken-datapackage-json", _bad_json, "datapackage.json", None, None, "not valid JSON"),
]


def _match(problems, file, row, column, words):  # type: ignore[no-untyped-def]
    return [
        p
        for p in problems
        if Path(p.file).name == file
        and (row is None or p.row == row)
        and (column is None or p.column == column)
        and words in p.message
    ]


def test_shipped_data_is_valid(shipped: Path) -> None:
    report = validate(shipped)
    assert report.ok, str(report)
    assert report.summary().endswith("no problems")


def test_corpus_is_large_enough() -> None:
    """The issue asks for at least 25 broken-data cases."""
    assert len(CORPUS) >= 25
    assert len({c[0] for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(
    ("mutate", "file", "row", "column", "words"),
    [c[1:] for c in CORPUS],
    ids=[c[0] for c in CORPUS],
)
def test_broken_data_is_reported_where_it_is(  # noqa: PLR0917  (pytest passes parameters by position)
    data_copy: Path,
    mutate: Mutation,
    file: str,
    row: int | None,
    column: str | None,
    words: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mutate(data_copy)
    report = validate(data_copy)
    assert not report.ok
    hits = _match(report.problems, file, row, column, words)
    assert hits, f"expected {file}:{row}:{column} '{words}' in:\n{report}"
    assert all(p.hint for p in report.problems), "every problem says how to fix it"
    # The command line prints the same problem as FILE:ROW:COLUMN: what; how, and exits 1.
    assert main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert str(hits[0]) in out.splitlines()
    where = f"{file}:{hits[0].row}:{column}:" if row and column else f"{file}:"
    assert where in out


def test_all_problems_in_one_run(data_copy: Path) -> None:
    """Several mistakes in several files are all reported, not only the first."""
    ce.set_cell(data_copy, "events", 2, "kind", "invasion")
    ce.set_cell(data_copy, "events", 3, "date", "1979-13-01")
    ce.set_cell(data_copy, "actors", 2, "confidence", "Z")
    ce.rename_column(data_copy, "claims", "claim", "claim_text")
    report = validate(data_copy)
    files = {Path(p.file).name for p in report.problems}
    assert {"events.csv", "actors.csv", "claims.csv"} <= files
    assert len(report.problems) >= 4


def test_excel_bom_and_reordered_columns_are_accepted(data_copy: Path) -> None:
    """A CSV saved by Excel ('CSV UTF-8' adds a BOM) with columns in another order is fine."""
    rows = ce.read(data_copy, "actors")
    order = list(reversed(range(len(rows[0]))))
    ce.write(data_copy, "actors", [[r[i] for i in order] for r in rows])
    p = data_copy / "actors.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    assert validate(data_copy).ok


def test_trailing_blank_lines_are_harmless(data_copy: Path) -> None:
    p = data_copy / "events.csv"
    p.write_text(p.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert validate(data_copy).ok


def test_location_format() -> None:
    from analogylab import Problem

    p = Problem("data/events.csv", 7, "date", "'x' is not a valid date", "write YYYY-MM-DD")
    assert str(p) == "data/events.csv:7:date: 'x' is not a valid date; write YYYY-MM-DD"
    assert str(Problem("data/claims.csv", None, None, "the file is empty", "add a header")) == (
        "data/claims.csv: the file is empty; add a header"
    )


@pytest.mark.slow
def test_command_line_exit_codes(shipped: Path, data_copy: Path) -> None:
    """The installed command: 0 and a summary on good data, 1 and a line per problem on bad."""
    exe = [sys.executable, "-m", "analogylab", "validate"]
    good = subprocess.run([*exe, str(shipped)], capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.strip().endswith("no problems")
    assert len(good.stdout.strip().splitlines()) == 1
    ce.set_cell(data_copy, "events", 2, "kind", "invasion")
    bad = subprocess.run([*exe, str(data_copy)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert ":2:kind: 'invasion' is not an allowed value" in bad.stdout
