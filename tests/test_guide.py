"""The teachers' guide: its plumbing (analogylab.guide.Workspace) and the notebook itself.

The workspace is checked on the shipped data: the copy and the case's files it makes, rows
added (and the started row of cases.csv filled in), a merge that builds the copy afresh,
messages named ``my-data/...``, fixes, loading, and removal. The notebook is checked for what
the guide promises: the data-entry walkthrough with both mistakes and their messages, then a
case that validates at the end; and tidy, refresh and the student edition treat it as a
teachers' notebook, not a lesson.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analogylab import find_data, guide
from analogylab.notebooks import tidy

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "notebooks" / "teachers-guide.ipynb"
CASE = "test-guide-case"
SOURCE = "garver-2016-chinas-quest"


@pytest.fixture
def ws(tmp_path: Path) -> guide.Workspace:
    return guide.Workspace(CASE, folder=tmp_path / "ws")


def _case_row(**changes: str) -> dict[str, str]:
    row = {
        "case_id": CASE,
        "title": "A test case",
        "short_label": "Test 1980s",
        "sponsor_id": "china",
        "proxy_id": "mujahideen",
        "rival_id": "ussr",
        "theatre": "Afghanistan",
        "start_year": "1980",
        "end_year": "1989",
        "summary": "A case for the tests.",
        "source_ids": SOURCE,
        "confidence": "B",
    }
    return {**row, **changes}


def test_workspace_holds_a_copy_and_the_case_files(ws: guide.Workspace) -> None:
    assert (ws.data / "datapackage.json").is_file()
    assert not (ws.data / "exercises").exists() and not (ws.data / "templates").exists()
    assert ws.files()[0] == "sources.csv" and "cases.csv" in ws.files()
    started = ws.rows("cases")
    assert list(started.case_id) == [CASE]
    assert (started.drop(columns="case_id") == "").all().all()
    assert ws.validate().ok


def test_add_rows_fills_the_started_case_row_then_appends(ws: guide.Workspace) -> None:
    assert ws.add_rows("cases", [_case_row()]) == 1
    rows = ws.rows("cases")
    assert len(rows) == 1 and rows.title[0] == "A test case" and rows.start_year[0] == "1980"
    ws.add_rows("cases", [_case_row(case_id="another-case")])
    assert list(ws.rows("cases").case_id) == [CASE, "another-case"]


def test_add_rows_refuses_an_unknown_column_and_file(ws: guide.Workspace) -> None:
    with pytest.raises(
        KeyError, match=r"cases\.csv has no column 'colour'; its columns are: case_id"
    ):
        ws.add_rows("cases", [{"case_id": CASE, "colour": "red"}])
    with pytest.raises(KeyError, match=r"the case has no file claims\.csv; its files are: sources"):
        ws.add_rows("claims", [{}])


def test_merge_validate_fix_and_merge_again(ws: guide.Workspace) -> None:
    ws.add_rows("cases", [_case_row(source_ids="garver-2016-chinas-quests")])
    before = len((find_data() / "cases.csv").read_text(encoding="utf-8").splitlines())
    assert ws.merge() == {"cases.csv": 1}
    report = ws.validate()
    assert not report.ok
    lines = str(report).splitlines()
    assert lines[0].startswith("my-data/cases.csv:")
    assert "did you mean 'garver-2016-chinas-quest'" in lines[0]
    ws.set_cell("cases", CASE, "source_ids", SOURCE)
    ws.merge()
    assert ws.validate().ok, str(ws.validate())
    after = (ws.data / "cases.csv").read_text(encoding="utf-8").splitlines()
    assert len(after) == before + 1, "merging again leaves no old version of the fixed row"
    mine = ws.load()
    assert mine.case(CASE)["short_label"] == "Test 1980s"


def test_drop_rows_and_set_cell_name_what_is_missing(ws: guide.Workspace) -> None:
    ws.add_rows("cases", [_case_row()])
    assert ws.drop_rows("cases", ["nobody"]) == 0
    with pytest.raises(KeyError, match=r"cases\.csv has no row 'nobody'"):
        ws.set_cell("cases", "nobody", "title", "x")
    with pytest.raises(KeyError, match=r"cases\.csv has no column 'colour'"):
        ws.set_cell("cases", CASE, "colour", "x")
    assert ws.drop_rows("cases", [CASE]) == 1
    assert ws.rows("cases").empty


def test_a_temporary_workspace_is_removed() -> None:
    ws = guide.Workspace(CASE)
    root = ws.root
    assert root.is_dir() and root.name.startswith("analogylab-guide-")
    with ws:
        pass
    assert not root.exists()


def test_a_given_folder_is_never_removed(tmp_path: Path) -> None:
    ws = guide.Workspace(CASE, folder=tmp_path / "keep")
    ws.remove()
    assert (tmp_path / "keep" / "my-data").is_dir()


# --- the notebook ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nb() -> Any:
    return nbformat.read(str(GUIDE), as_version=4)


def _text(cell: Any) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


def test_the_guide_walks_through_both_mistakes_and_ends_validated(nb: Any) -> None:
    code = [c for c in nb.cells if c.cell_type == "code"]
    checks = [c for c in code if "ws.validate()" in c.source]
    assert len(checks) >= 3
    first = _text(checks[0])
    assert "my-data/goals.csv:" in first and "'garver-2016-chinas-quests'" in first
    assert "my-data/evidence.csv:" in first and "is after the analysis_date" in first
    assert "2 problem(s)" in first
    for later in checks[1:]:
        assert _text(later).strip().endswith("no problems")
    assert code[-1] is checks[-1], "the guide ends with the teacher's case validated"
    assert nb.cells[-1].cell_type == "markdown"


def test_the_guide_covers_what_a_teacher_does(nb: Any) -> None:
    text = "\n".join(c.source for c in nb.cells)
    for needle in (
        "analogylab new-case",
        "analogylab validate my-data",
        "ANALOGYLAB_DATA",
        "analogylab.check(",
        "analogylab.solution(",
        "analogylab merge",
        "analogylab report",
        "hub_link(",
        "build-student",
        "analogylab.rating_exercise(mine, TINY)",
        "Checklist for grading",
    ):
        assert needle in text, needle
    for heading in ("## Edit the data, then check it", "## Exercises in plain Python"):
        assert heading in text, heading


def test_the_guide_keeps_no_plumbing_in_its_cells(nb: Any) -> None:
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for word in ("shutil", "tempfile", "contextlib", "chdir", "to_csv", "read_csv"):
        assert word not in code, word


def test_the_guide_ran_cleanly(nb: Any) -> None:
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.execution_count is not None, c.source
            assert all(o.output_type != "error" for o in c.outputs), c.source
            assert not any(o.get("name") == "stderr" for o in c.outputs), c.source


# --- a teachers' notebook is not a lesson -------------------------------------------------------


def _lesson(folder: Path) -> None:
    nb = new_notebook(
        cells=[new_markdown_cell("# 01 · One: a lesson\n\n**Purpose:** x"), new_markdown_cell("")]
    )
    nbformat.write(nb, str(folder / "01-one.ipynb"))


def test_tidy_keeps_the_guide_in_shape_without_a_lessons_frame(tmp_path: Path) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _lesson(folder)
    nb = new_notebook(cells=[new_markdown_cell("# Teachers' guide"), new_code_cell("1 + 1")])
    nb.metadata["widgets"] = {"state": {}}
    nbformat.write(nb, str(folder / "teachers-guide.ipynb"))
    report = tidy(folder)
    guide_problems = [f for f in report.problems if "teachers-guide" in f.file]
    assert [f.message for f in guide_problems] == [
        "a code cell that was never run, so nbval does not check its output"
    ]
    assert "analogylab refresh teachers-guide" in guide_problems[0].fix
    written = json.loads((folder / "teachers-guide.ipynb").read_text(encoding="utf-8"))
    assert "widgets" not in written["metadata"]
    sources = ["".join(c["source"]) for c in written["cells"]]
    assert sources == ["# Teachers' guide", "1 + 1"], "no navigation, no sources cells"
    assert [c["id"] for c in written["cells"]] == ["cell-00", "cell-01"]
    lesson = json.loads((folder / "01-one.ipynb").read_text(encoding="utf-8"))
    assert "teachers-guide" not in json.dumps(lesson), "lessons do not link to it"


def test_tidy_still_reports_other_stray_notebooks(tmp_path: Path) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _lesson(folder)
    nbformat.write(new_notebook(), str(folder / "scratch.ipynb"))
    report = tidy(folder, check=True)
    assert any("is not named like a lesson" in f.message for f in report.problems)


def test_only_the_guide_is_a_teachers_notebook() -> None:
    assert guide.is_teacher_notebook(GUIDE)
    assert not guide.is_teacher_notebook(ROOT / "notebooks" / "00-start-here.ipynb")
    assert GUIDE.is_file()
