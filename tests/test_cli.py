"""The ``analogylab`` command line: validate and info on good, bad and missing data."""

from __future__ import annotations

from pathlib import Path

import pytest

import csvedit as ce
from analogylab.cli import main


def test_validate_good_data_prints_one_summary_line(shipped: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(shipped)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].endswith("no problems") and "16 tables" in out[0]


def test_validate_defaults_to_the_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert "no problems" in capsys.readouterr().out


def test_info_lists_tables_rows_and_where(shipped: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(shipped)]) == 0
    out = capsys.readouterr().out
    assert f"data read from: {shipped.resolve()}" in out
    for table in ("sources", "events", "ratings", "claims"):
        assert f"  {table} " in out
    assert "rows" in out


def test_info_on_bad_data_still_lists_and_exits_1(data_copy: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (data_copy / "claims.csv").unlink()
    assert main(["info", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "claims" in out and "missing" in out


def test_missing_folder_exits_2_with_advice(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
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
        "individual, group-of-states")
    assert lines[-1].endswith("1 problem(s) in 1 file(s)")


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.startswith("analogylab ")
