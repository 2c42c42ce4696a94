"""The ``analogylab`` command line: validate and info on good, bad and missing data."""

from __future__ import annotations

from pathlib import Path

import pytest

import csvedit as ce
from analogylab.cli import main


def test_validate_good_data_prints_one_summary_line(
    shipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(shipped)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].endswith("no problems") and "18 tables" in out[0]


def test_validate_defaults_to_the_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert "no problems" in capsys.readouterr().out


def test_info_lists_tables_rows_and_where(
    shipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["info", str(shipped)]) == 0
    out = capsys.readouterr().out
    assert f"data read from: {shipped.resolve()}" in out
    for table in ("sources", "events", "ratings", "claims"):
        assert f"  {table} " in out
    assert "rows" in out


def test_info_on_bad_data_still_lists_and_exits_1(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_copy / "claims.csv").unlink()
    assert main(["info", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "claims" in out and "missing" in out


def test_missing_folder_exits_2_with_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no datapackage.json in this folder" in err


def test_problems_then_summary(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ce.set_cell(data_copy, "actors", 2, "kind", "empire")
    assert main(["validate", str(data_copy)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].endswith(
        "actors.csv:2:kind: 'empire' is not an allowed value; use one of: state, state-agency, "
        "armed-movement, political-party, alliance, international-organisation, network, "
        "individual, group-of-states"
    )
    assert lines[-1].endswith("1 problem(s) in 1 file(s)")


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.startswith("analogylab ")


# --- answers: progress, export, merge, reset, build-student ----------------------------------


def _answer_some() -> None:
    import analogylab

    analogylab.check("ex-00-1", "b")
    analogylab.check("ex-00-1", "a")
    analogylab.check("ex-00-5", 9)


@pytest.mark.usefixtures("answers_home")
def test_progress_lists_exercises_and_where_answers_are(
    answers_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`analogylab progress` says where answers are kept and lists each exercise's state."""
    _answer_some()
    capsys.readouterr()
    assert main(["progress", "--lesson", "00"]) == 0
    out = capsys.readouterr().out
    assert str(answers_home) in out
    assert "ex-00-1" in out
    assert "2 of 8 exercises tried; 2 of 12 points" in out


def test_export_then_merge_two_students(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two students export; the teacher merges them into one table with a student column."""
    import csv
    import json

    files = []
    for name, fmt in (("Ana Lopez", "csv"), ("Ben Okafor", "json")):
        monkeypatch.setenv("ANALOGYLAB_HOME", str(tmp_path / name))
        _answer_some()
        out = tmp_path / f"{name.split()[0].lower()}.{fmt}"
        assert main(["export", "--format", fmt, "--out", str(out), "--student", name]) == 0
        files.append(out)
    exported = json.loads(files[1].read_text())
    assert exported["student"] == "Ben Okafor"
    assert len(exported["attempts"]) == 3
    merged = tmp_path / "class.csv"
    capsys.readouterr()
    assert main(["merge", *map(str, files), str(files[0]), "--out", str(merged)]) == 0
    assert "6 attempt(s) from 2 student(s)" in capsys.readouterr().out
    rows = list(csv.DictReader(merged.open(encoding="utf-8")))
    assert {r["student"] for r in rows} == {"Ana Lopez", "Ben Okafor"}
    assert len(rows) == 6  # the file given twice is counted once


def test_merge_refuses_a_file_that_is_not_an_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stray file in the hand-in folder is named, and nothing is written."""
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    out = tmp_path / "class.csv"
    assert main(["merge", str(bad), "--out", str(out)]) == 2
    assert "notes.csv" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.usefixtures("answers_home")
def test_reset_asks_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """`reset` deletes nothing unless the user types yes; --yes skips the question."""
    import io

    from analogylab.store import open_store

    _answer_some()
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert main(["reset"]) == 1
    assert len(open_store().attempts()) == 3
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(["reset", "--lesson", "01"]) == 0
    assert len(open_store().attempts()) == 3  # lesson 01 had none
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["reset"]) == 1  # no answer (end of input) means no
    assert main(["reset", "--yes"]) == 0
    assert open_store().attempts() == []


def test_build_student_writes_every_lesson(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`build-student OUTDIR` writes one student notebook per lesson and says so."""
    out = tmp_path / "student"
    assert main(["build-student", str(out)]) == 0
    notebooks = Path(__file__).parents[1] / "notebooks"
    lessons = sorted(p.name for p in notebooks.glob("[0-9][0-9]-*.ipynb"))  # not the guide
    assert sorted(p.name for p in out.glob("*.ipynb")) == lessons
    assert f"of {len(lessons)} lesson(s)" in capsys.readouterr().out
