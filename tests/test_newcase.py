"""``analogylab new-case ID [FOLDER]``: a teacher's case starts with the right files and steps."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import csvedit as ce
from analogylab import NewCaseError, validate
from analogylab.cli import main
from analogylab.newcase import _shown, new_case
from analogylab.schema import read_package


def test_new_case_writes_the_template_with_the_datas_headers(
    shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "syria"
    assert main(["new-case", "us-syria-2012", str(folder), "--data", str(shipped)]) == 0
    out = capsys.readouterr().out
    template = {p.name for p in (shipped / "templates" / "case").glob("*.csv")}
    assert {p.name for p in folder.glob("*.csv")} == template
    assert (folder / "README.md").read_text(encoding="utf-8").startswith("# Add a case")
    pkg = read_package(shipped)
    for name in template:
        rows = list(csv.reader((folder / name).open(encoding="utf-8", newline="")))
        assert rows[0] == pkg.resource(Path(name).stem).field_names, name
        assert len(rows) == (2 if name == "cases.csv" else 1), name
    first = dict(zip(*ce.read(folder, "cases"), strict=True))
    assert first["case_id"] == "us-syria-2012" and not first["title"]
    # What to do next, in order, with the commands to type.
    assert "Started case 'us-syria-2012'" in out and "15 CSV files" in out
    steps = [line for line in out.splitlines() if line[:5].strip().rstrip(".").isdigit()]
    assert len(steps) == 5
    assert "sources, actors, cases, roles, goals, events" in " ".join(out.split())
    assert f"cp -r {_shown(shipped)} my-data" in out
    assert "analogylab validate my-data" in out
    assert 'analogylab.rating_exercise(ds, "us-syria-2012")' in out


def test_the_started_case_merged_as_it_is_is_refused_until_filled_in(
    data_copy: Path, tmp_path: Path
) -> None:
    """The headers are right: the only problems are the values left to fill in."""
    started = new_case("us-syria-2012", tmp_path / "syria", data=data_copy)
    rows = ce.read(started.folder, "cases")
    ce.write(data_copy, "cases", ce.read(data_copy, "cases") + rows[1:])
    report = validate(data_copy, exercises=False)
    assert report.problems and all(
        Path(p.file).name == "cases.csv" and p.code == "missing-value" for p in report.problems
    ), str(report)


@pytest.mark.parametrize(
    ("case_id", "words"),
    [
        ("US Syria", "is not a valid case id"),
        ("russia-taliban-2018", "is already a case in"),
    ],
)
def test_new_case_refuses_a_bad_or_taken_id(
    shipped: Path, tmp_path: Path, case_id: str, words: str
) -> None:
    with pytest.raises(NewCaseError, match=words):
        new_case(case_id, tmp_path / "x", data=shipped)
    assert not (tmp_path / "x").exists()


def test_new_case_never_writes_into_a_folder_in_use(
    shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["new-case", "us-syria-2012", str(busy), "--data", str(shipped)]) == 2
    assert "already exists and is not an empty folder" in capsys.readouterr().err
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]


def test_new_case_defaults_to_a_folder_named_after_the_case(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    started = new_case("us-syria-2012", data=shipped)
    assert started.folder == Path("us-syria-2012") and (tmp_path / "us-syria-2012").is_dir()
