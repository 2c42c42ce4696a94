"""``analogylab validate``: every problem reported, in one run, as FILE:ROW:COLUMN: what; how.

The corpus below makes one teacher's mistake at a time in a copy of the shipped
data and asserts the exact location and the gist of the message, both from the
Python API and from the command line.
"""

from __future__ import annotations

import csv
import io
import shutil
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


# --- one cause, one message: files that are not comma-separated UTF-8 text ----------------------


def _resave(d: Path, table: str, **writer: str) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n", **writer).writerows(ce.read(d, table))  # type: ignore[arg-type]
    (d / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def _only(report, file):  # type: ignore[no-untyped-def]
    """The report's one problem, which must be in ``file``."""
    assert len(report.problems) == 1, str(report)
    p = report.problems[0]
    assert Path(p.file).name == file, str(report)
    return p


@pytest.mark.parametrize(
    ("delimiter", "named", "advice"),
    [
        (";", "semicolons (;)", "List separator"),
        ("\t", "tabs", "Text (Tab delimited)"),
    ],
)
def test_a_file_saved_with_another_delimiter_gets_one_line_saying_use_commas(
    data_copy: Path, delimiter: str, named: str, advice: str
) -> None:
    _resave(data_copy, "roles", delimiter=delimiter)
    p = _only(validate(data_copy), "roles.csv")
    assert p.row == 1 and f"the columns are separated by {named}, not commas" in p.message
    assert p.hint.startswith("use commas") and advice in p.hint and "CSV UTF-8" in p.hint
    assert "LibreOffice" in p.hint


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("utf-16", "UTF-16 text (what Excel calls 'Unicode Text')"),
        (b"PK\x03\x04\x14\x00\x06\x00", "an Excel or LibreOffice workbook"),
        (b"case_id,actor_id\x00\x01\x02", "NUL character (binary data)"),
    ],
    ids=["utf-16", "workbook", "binary"],
)
def test_a_file_that_is_not_csv_text_is_named_once(
    data_copy: Path, content: str | bytes, words: str
) -> None:
    p = data_copy / "roles.csv"
    if content == "utf-16":
        p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16"))
    else:
        assert isinstance(content, bytes)
        p.write_bytes(content)
    problem = _only(validate(data_copy), "roles.csv")
    assert words in problem.message and "CSV UTF-8" in problem.hint


def test_a_huge_cell_is_reported_never_a_traceback(data_copy: Path) -> None:
    """Over csv's field limit (131,072 characters), where `analogylab validate` once crashed."""
    ce.set_cell(data_copy, "events", 3, "description", "x" * 200_000)
    p = _only(validate(data_copy), "events.csv")
    assert (p.row, p.column) == (3, "description")
    assert "200,000 characters long, over the 131,072 a cell may hold" in p.message
    assert "double quote" in p.hint


def test_a_quote_never_closed_is_named_at_its_row(data_copy: Path) -> None:
    rows = len(ce.read(data_copy, "claims"))  # the header and every data row
    p = data_copy / "claims.csv"
    text = p.read_text(encoding="utf-8")
    p.write_text(
        text + 'c-new,"a quote opened, never closed\nand a second line\n', encoding="utf-8"
    )
    problem = _only(validate(data_copy), "claims.csv")
    assert problem.row == rows + 1, str(problem)
    assert "runs over 2 lines to the end of the file" in problem.message
    assert "never closed" in problem.hint


def test_a_row_with_a_stray_comma_is_one_line_not_one_per_cell(data_copy: Path) -> None:
    p = data_copy / "events.csv"
    lines = p.read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5].replace(",", ",stray,", 1)  # every later cell one column to the right
    p.write_text("\n".join(lines), encoding="utf-8")
    problem = _only(validate(data_copy), "events.csv")
    assert problem.row == 6 and "more cells than the header" in problem.message


@pytest.mark.slow
def test_a_huge_cell_in_a_fresh_process_exits_1_without_a_traceback(data_copy: Path) -> None:
    """The crash happened before Frictionless (which raises csv's limit) was ever imported."""
    ce.set_cell(data_copy, "sources", 2, "note", "y" * 140_000)
    run = subprocess.run(
        [sys.executable, "-m", "analogylab", "validate", str(data_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "140,000 characters long" in run.stdout


# --- one cause, one message: repeats, a repeated id, the rows that point at a missing one ---------


def test_rows_merged_twice_are_one_message_saying_they_are_already_in_the_copy(
    data_copy: Path,
) -> None:
    """The README's merge run twice: every row of the case a second time, in every file."""
    tables = ("sources", "cases", "roles", "goals", "events", "profiles", "likenesses")
    for table in tables:
        rows = ce.read(data_copy, table)
        ce.write(data_copy, table, rows + rows[-3:])
    report = validate(data_copy)
    assert len(report.problems) == 1, str(report)
    p = report.problems[0]
    assert f"21 rows in {len(tables)} files repeat earlier rows exactly" in p.message
    assert "events.csv rows " in p.message
    assert "these rows are already in the copy" in p.hint and "fresh copy" in p.hint


def test_rows_repeated_in_one_file_name_the_rows_they_repeat(data_copy: Path) -> None:
    rows = ce.read(data_copy, "events")
    ce.write(data_copy, "events", rows + rows[1:3])
    p = _only(validate(data_copy), "events.csv")
    n = len(rows)
    assert p.row == n + 1
    assert f"2 row(s) repeat earlier rows exactly (rows {n + 1}-{n + 2} repeat rows 2-3)" in (
        p.message
    )


def test_a_repeated_hypothesis_id_is_one_line_naming_the_id_it_hid(data_copy: Path) -> None:
    """Typed over another id: the rows pointing at the lost id are not listed one by one."""
    lost = ce.get(data_copy, "hypotheses", 4, "hypothesis_id")
    kept = ce.get(data_copy, "hypotheses", 3, "hypothesis_id")
    ce.set_cell(data_copy, "hypotheses", 4, "hypothesis_id", kept)
    p = _only(validate(data_copy), "hypotheses.csv")
    assert (p.row, p.column) == (4, "hypothesis_id")
    assert f"duplicate id: hypothesis_id='{kept}' is already used in row 3" in p.message
    assert f"'{lost}' is in no row, though" in p.message and "ratings.csv" in p.message
    assert f"was one of the repeated rows meant to be '{lost}'?" in p.hint


def test_one_misspelt_id_in_many_rows_is_one_line_listing_the_rows(data_copy: Path) -> None:
    for n in (2, 3, 4):
        ce.set_cell(data_copy, "events", n, "source_ids", "coll-2004-ghost-war")
    for n in (2, 3):
        ce.set_cell(data_copy, "goals", n, "case_id", "russia-taliban-2019")
    report = validate(data_copy)
    lines = [str(p) for p in report.problems]
    assert len(lines) == 2, "\n".join(lines)
    assert (
        "events.csv:2:source_ids: 'coll-2004-ghost-war' is not among the source_id values of "
        "sources.csv (did you mean 'coll-2004-ghost-wars'?) (rows 2, 3, 4)" in lines[1]
    )
    assert "goals.csv:2:case_id+actor_id: case_id='russia-taliban-2019', actor_id=" in lines[0]
    assert "(did you mean case_id='russia-taliban-2018'?) (rows 2, 3)" in lines[0]


# --- near misses for every reference, compound keys included -------------------------------------


def test_a_goal_for_an_actor_with_no_role_suggests_the_near_miss(data_copy: Path) -> None:
    case = ce.get(data_copy, "goals", 2, "case_id")
    ce.set_cell(data_copy, "goals", 2, "actor_id", "pakistn")
    p = _only(validate(data_copy), "goals.csv")
    assert (p.row, p.column) == (2, "case_id+actor_id")
    assert f"case_id='{case}', actor_id='pakistn' does not match any row of roles.csv" in (
        p.message
    )
    assert "(did you mean actor_id='pakistan'?)" in p.message
    assert p.hint.startswith(f"add a row with case_id='{case}', actor_id='pakistn' to roles.csv")


def test_a_counterpart_whose_actor_has_no_role_in_that_case_says_where_it_has_one(
    data_copy: Path,
) -> None:
    """NATO has a role only in the 2018 case: as a 1980s actor it is not a typo to correct."""
    row = ce.first_row_where(data_copy, "counterparts", "case_a", lambda v: v.endswith("1980s"))
    ce.set_cell(data_copy, "counterparts", row, "actor_a", "nato")
    p = _only(validate(data_copy), "counterparts.csv")
    assert p.column == "case_a+actor_a"
    assert "roles.csv has actor_id='nato' only with case_id 'russia-taliban-2018'" in p.message


def test_a_misspelt_case_of_a_compound_key_is_suggested(data_copy: Path) -> None:
    ce.set_cell(data_copy, "roles", 2, "case_id", "us-mujahedin-1980s")
    report = validate(data_copy)
    hits = [str(p) for p in report.problems if "us-mujahedin-1980s" in p.message]
    assert hits and all("did you mean" in h and "us-mujahideen-1980s" in h for h in hits), hits


# --- uncited sources -------------------------------------------------------------------------


def _new_source(d: Path, kind: str) -> int:
    return ce.append_row(
        d,
        "sources",
        {
            "source_id": "nobody-2020-uncited-work",
            "author": "A. Nobody",
            "title": "A work no row cites",
            "outlet": "Nowhere Press",
            "published": "2020",
            "kind": kind,
        },
    )


def test_a_source_no_row_or_exercise_cites_is_reported_in_any_copy(data_copy: Path) -> None:
    row = _new_source(data_copy, "book")
    p = _only(validate(data_copy), "sources.csv")
    assert (p.row, p.column) == (row, "source_id")
    assert "'nobody-2020-uncited-work' is cited by no row of any table and by no exercise" in (
        p.message
    )
    assert "set kind to further-reading" in p.hint


def test_further_reading_keeps_a_source_no_row_cites(data_copy: Path) -> None:
    _new_source(data_copy, "further-reading")
    assert validate(data_copy).ok


def test_sources_cited_only_by_exercises_count_in_a_copy_without_the_bank(
    data_copy: Path,
) -> None:
    """Lesson 07's copy leaves out exercises/: the lessons then use the shipped bank."""
    shutil.rmtree(data_copy / "exercises")
    assert validate(data_copy).ok


def test_a_cell_with_a_line_break_or_thousands_of_characters_is_quoted_on_one_line(
    data_copy: Path,
) -> None:
    ce.set_cell(data_copy, "events", 2, "kind", "arms\nand more")
    ce.set_cell(data_copy, "events", 3, "kind", "z" * 5000)
    report = validate(data_copy)
    lines = str(report).splitlines()
    assert len(lines) == len(report.problems) + 1  # one line each, and the summary
    kinds = [p.message for p in report.problems if p.column == "kind"]
    assert "'arms\\nand more' is not an allowed value" in kinds[0]
    assert kinds[1].startswith("'zzz") and "... (5,000 characters)' is not an allowed" in kinds[1]
