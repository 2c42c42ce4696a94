"""`analogylab tidy` and `analogylab refresh` (analogylab.notebooks).

The committed lessons must pass `tidy --check`: this is the hygiene check the test
suite runs. On small lessons in a temporary folder, each kind of untidiness is reported
by the check (file, cell, fix) and then fixed, or refused, by tidy. Tidy changes nothing
the second time. Refresh records outputs, is byte-stable, and leaves the file
untouched when a cell fails, times out or kills the kernel. The kernel client that
runs lessons (for refresh and build-html) finds a message its first wait missed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from queue import Empty
from types import SimpleNamespace
from typing import Any

import nbformat
import pytest

from analogylab.cli import build_parser, main
from analogylab.errors import NotebookError
from analogylab.lessons import NAV_MARKER, lesson_index, navigation_markdown
from analogylab.notebooks import (
    DEFAULT_TIMEOUT,
    KERNELSPEC,
    LANGUAGE_INFO,
    SOURCES_MARKDOWN,
    WIDGET_VIEW,
    Finding,
    TidyReport,
    _poll_in_slices,
    lesson_sources_code,
    refresh,
    resolve_lessons,
    sources_code,
    tidy,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
v4 = nbformat.v4


def _result(count: int, data: dict[str, Any]) -> Any:
    return v4.new_output("execute_result", data=data, execution_count=count)


def _lesson(folder: Path, name: str, title: str, body: list[Any] | None = None) -> Path:
    """A small lesson in the standard frame; ``body`` goes between the title and the summary."""
    number = name[:2]
    code = v4.new_code_cell(
        "x = 6 * 7\nx", execution_count=1, outputs=[_result(1, {"text/plain": "42"})]
    )
    cells = [
        v4.new_markdown_cell(f"# {number} · {title}\n\n**Purpose:** a test."),
        v4.new_markdown_cell(NAV_MARKER),
        *(body if body is not None else [code]),
        v4.new_markdown_cell("## Summary\n\n- Six sevens."),
        v4.new_markdown_cell(SOURCES_MARKDOWN),
        v4.new_code_cell(
            sources_code(number),
            execution_count=2,
            outputs=[_result(2, {"text/markdown": "No sources.", "text/plain": "<Markdown>"})],
        ),
    ]
    nb = v4.new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two tidy little lessons, 00 and 01."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _lesson(nbs, "00-alpha.ipynb", "Alpha: the first")
    _lesson(nbs, "01-beta.ipynb", "Beta")
    tidy(nbs)
    assert tidy(nbs, check=True).ok
    return nbs


def _edit(path: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Change a lesson as an editor would, keeping nbformat's layout."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    change(nb)
    path.write_text(nbformat.writes(nbformat.from_dict(nb)) + "\n", encoding="utf-8")


def _find(report: TidyReport, fragment: str) -> Finding:
    found = [f for f in [*report.fixes, *report.problems] if fragment in f.message]
    assert len(found) == 1, (fragment, report.lines())
    return found[0]


# -- the committed lessons -------------------------------------------------------------


def test_committed_lessons_are_tidy() -> None:
    report = tidy(NOTEBOOKS, check=True)
    assert report.ok, "untidy lessons; fix with analogylab tidy:\n" + "\n".join(report.lines())
    assert report.written == []


def test_tidy_leaves_the_committed_lessons_byte_for_byte(tmp_path: Path) -> None:
    copy = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, copy)
    report = tidy(copy)
    assert report.written == [] and report.ok
    for path in LESSONS:
        assert (copy / path.name).read_bytes() == path.read_bytes(), path.name


def test_every_lesson_ends_with_the_sources_cells() -> None:
    for path in LESSONS:
        cells = nbformat.read(path, as_version=4).cells
        assert cells[-2].source == SOURCES_MARKDOWN, path.name
        assert cells[-1].source == lesson_sources_code(path), path.name
        text = "\n".join(c.source for c in cells[:-2] if c.cell_type == "markdown")
        assert "## Sources for this lesson" not in text, f"{path.name}: a second sources heading"


# -- each kind of untidiness: reported, then fixed --------------------------------------


def test_stale_navigation_is_reported_and_rewritten(folder: Path) -> None:
    beta = folder / "01-beta.ipynb"
    _edit(beta, lambda nb: nb["cells"][1].update(source=NAV_MARKER + "\nold links"))
    found = _find(tidy(folder, check=True), "navigation cell is out of date")
    assert (found.file, found.cell) == (str(beta), 2)
    assert str(found).endswith(f"run: analogylab tidy {folder}")
    assert tidy(folder).written == [beta]
    want = navigation_markdown(lesson_index(folder), "01")
    assert nbformat.read(beta, as_version=4).cells[1].source == want
    assert "← Previous: [00 Alpha](00-alpha.ipynb)" in want


def test_a_new_lesson_gets_navigation_everywhere(folder: Path) -> None:
    path = _lesson(folder, "02-gamma.ipynb", "Gamma")
    _edit(path, lambda nb: nb["cells"].pop(1))  # written without its navigation cell
    report = tidy(folder, check=True)
    assert _find(report, "no navigation cell after the title").cell == 2
    stale = [f.file for f in report.fixes if "navigation cell is out of date" in f.message]
    assert stale == [str(folder / "00-alpha.ipynb"), str(folder / "01-beta.ipynb")]
    assert tidy(folder).ok
    cells = nbformat.read(path, as_version=4).cells
    assert cells[1].source == navigation_markdown(lesson_index(folder), "02")
    assert [c.id for c in cells] == [f"cell-{n:02d}" for n in range(len(cells))]


def test_missing_sources_heading_is_added(folder: Path) -> None:
    alpha = folder / "00-alpha.ipynb"
    _edit(alpha, lambda nb: nb["cells"].pop(-2))
    found = _find(tidy(folder, check=True), "no sources heading cell before the sources cell")
    assert (found.file, found.cell, found.fixable) == (str(alpha), 5, True)
    tidy(folder)
    cells = nbformat.read(alpha, as_version=4).cells
    assert [cells[-2].source, cells[-1].source] == [SOURCES_MARKDOWN, sources_code("00")]
    assert cells[-1].outputs, "the output of an unchanged sources cell is kept"


def test_old_sources_heading_at_the_end_of_the_summary_moves(folder: Path) -> None:
    alpha = folder / "00-alpha.ipynb"

    def old_style(nb: dict[str, Any]) -> None:
        del nb["cells"][-2]
        nb["cells"][-2]["source"] = "## Summary\n\n- Six sevens.\n\n## Sources for this lesson\n"

    _edit(alpha, old_style)
    report = tidy(folder, check=True)
    assert _find(report, "heading at the end of this cell").cell == 4
    tidy(folder)
    cells = nbformat.read(alpha, as_version=4).cells
    assert cells[-3].source == "## Summary\n\n- Six sevens."
    assert cells[-2].source == SOURCES_MARKDOWN


def test_altered_sources_code_needs_a_refresh(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    beta = folder / "01-beta.ipynb"
    _edit(beta, lambda nb: nb["cells"][-1].update(source='analogylab.lesson_sources(ds, "00")'))
    report = tidy(folder, check=True)
    assert _find(report, "sources cell's code was not").fixable
    found = _find(report, "its output must be recorded again")
    assert (found.cell, found.fixable) == (6, False)
    assert found.fix == f"record it: analogylab refresh 01 --folder {folder}"
    assert main(["tidy", str(folder)]) == 1, "tidy cannot record the output itself"
    assert "analogylab refresh 01" in capsys.readouterr().out
    last = nbformat.read(beta, as_version=4).cells[-1]
    assert (last.source, last.outputs, last.execution_count) == (sources_code("01"), [], None)
    # Until the refresh, the check keeps failing: the cell has never run.
    again = tidy(folder, check=True)
    assert not again.fixes
    assert _find(again, "never run").cell == 6


def test_a_cell_keeping_citations_by_hand_is_refused(folder: Path) -> None:
    beta = folder / "01-beta.ipynb"
    by_hand = v4.new_code_cell(
        "d = charts.show(chart)\ncited |= set(d.sources)\ncited.add('x')",
        execution_count=3,
        outputs=[],
    )
    _edit(beta, lambda nb: nb["cells"].insert(3, by_hand))
    for check in (True, False):
        report = tidy(folder, check=check)
        found = _find(report, "keeps the page's cited sources by hand")
        assert (found.file, found.cell, found.fixable) == (str(beta), 4, False)
        assert str(found) == (
            f"{beta}, cell 4: keeps the page's cited sources by hand (cited |= set(d.sources) "
            "and 1 more line(s)); delete those lines: charts.show, analogylab.show_table, the "
            "explorers, ds.cite and the exercises record their sources themselves, and the "
            f"sources cell lists them; then run: analogylab refresh 01 --folder {folder}"
        )
        assert not report.ok
    _edit(beta, lambda nb: nb["cells"][3].update(source="d = charts.show(chart)"))
    assert tidy(folder, check=True).ok


def test_the_old_sources_cell_is_rewritten_and_must_be_recorded_again(folder: Path) -> None:
    alpha = folder / "00-alpha.ipynb"
    old = 'analogylab.lesson_sources(ds, "00", cited)'
    _edit(alpha, lambda nb: nb["cells"][-1].update(source=old))
    report = tidy(folder)
    assert _find(report, "its output must be recorded again").cell == 6
    assert nbformat.read(alpha, as_version=4).cells[-1].source == sources_code("00")


def test_a_lesson_still_being_rewritten_keeps_its_cited_set(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14's transition: a lesson named in HAND_CITED keeps its old sources cell."""
    import analogylab.notebooks

    beta = folder / "01-beta.ipynb"
    assert lesson_sources_code(beta) == sources_code("01"), "the shipped list has no 01-beta"
    setup = v4.new_code_cell("cited = set()", execution_count=3, outputs=[])
    _edit(beta, lambda nb: nb["cells"].insert(2, setup))
    monkeypatch.setattr(analogylab.notebooks, "HAND_CITED", frozenset({"01-beta.ipynb"}))
    report = tidy(folder, check=True)
    assert not [f for f in report.problems if "by hand" in f.message]
    assert _find(report, "sources cell's code was not").message.endswith(
        'analogylab.lesson_sources(ds, "01", cited)'
    )
    assert lesson_sources_code(beta).endswith(", cited)")


def test_the_time_needed_is_measured_written_and_kept_current(folder: Path) -> None:
    beta = folder / "01-beta.ipynb"
    head = nbformat.read(beta, as_version=4).cells[0].source
    assert head == (
        "# 01 · Beta\n\n**Purpose:** a test.\n\n"
        "**Time needed:** about 5 minutes: 1 to read, 1 to run the code."
    ), "the fixture's tidy added the line: 4 + 3 words, one code cell"
    prose = v4.new_markdown_cell(" ".join(["word"] * 1750))  # 10 minutes at 175 a minute
    exercise = v4.new_code_cell('analogylab.exercise("ex-00-6")', execution_count=5, outputs=[])
    _edit(beta, lambda nb: nb["cells"].__setitem__(slice(3, 3), [prose, exercise]))
    report = tidy(folder, check=True)
    found = _find(report, "the time needed is stale")
    assert (found.cell, found.fixable) == (1, True)
    want = "about 20 minutes: 10 to read, 8 for the exercise, 1 to run the code"
    assert found.message == (
        f"the time needed is stale: it says 'about 5 minutes: 1 to read, 1 to run the code'; "
        f"measured: '{want}.'"
    )
    assert beta.read_text(encoding="utf-8").count("about 5 minutes") == 1, "--check writes nothing"
    tidy(folder)
    assert nbformat.read(beta, as_version=4).cells[0].source.endswith(f"**Time needed:** {want}.")
    assert tidy(folder, check=True).ok


def test_a_missing_time_line_is_added_and_an_unknown_exercise_named(folder: Path) -> None:
    alpha = folder / "00-alpha.ipynb"
    unknown = v4.new_code_cell('analogylab.exercise("ex-00-99")', execution_count=4, outputs=[])

    def change(nb: dict[str, Any]) -> None:
        nb["cells"][0]["source"] = "# 00 · Alpha: the first\n\n**Purpose:** a test."
        nb["cells"].insert(3, unknown)

    _edit(alpha, change)
    report = tidy(folder)
    assert _find(report, "no 'Time needed' line in the first cell").cell == 1
    named = _find(report, "names the exercise 'ex-00-99'")
    assert (named.cell, named.fixable) == (4, False)
    assert "which the question bank does not hold" in named.message
    assert named.fix == "fix the id, or add the exercise to data/exercises/"
    text = nbformat.read(alpha, as_version=4).cells[0].source
    assert text.startswith("# 00 · Alpha: the first\n\n**Purpose:** a test.\n\n**Time needed:**")


def test_a_question_bank_that_cannot_be_read_is_reported_once(
    folder: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (data_copy / "exercises" / "00-start-here.yaml").write_text("lesson: [", encoding="utf-8")
    monkeypatch.setenv("ANALOGYLAB_DATA", str(data_copy))
    exercise = v4.new_code_cell('analogylab.exercise("ex-00-1")', execution_count=4, outputs=[])
    for name in ("00-alpha.ipynb", "01-beta.ipynb"):
        _edit(folder / name, lambda nb: nb["cells"].insert(3, exercise))
    report = tidy(folder, check=True)
    found = _find(report, "so no lesson's time needed was measured")
    assert (found.file, found.cell, found.fixable) == ("the question bank", None, False)
    assert found.fix == "run: analogylab validate, and fix what it reports"
    assert not [f for f in report.fixes if "time needed" in f.message]


def test_wrong_kernelspec_and_widget_state_are_normalised(folder: Path) -> None:
    alpha = folder / "00-alpha.ipynb"

    def editor_noise(nb: dict[str, Any]) -> None:
        nb["metadata"] = {
            "kernelspec": {
                "display_name": "lesson env",
                "language": "python",
                "name": "lesson-env",
            },
            "language_info": {"name": "python", "version": "3.11.7", "codemirror_mode": {}},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        }
        cell = nb["cells"][2]
        cell["metadata"] = {
            "tags": ["nbval-ignore-output"],
            "jupyter": {"source_hidden": True, "outputs_hidden": False, "other": 1},
            "scrolled": True,
            "collapsed": False,
            "execution": {"iopub.execute_input": "2026-11-29T13:00:00Z"},
            "ExecuteTime": {"end_time": "2026-11-29T13:00:01Z"},
        }
        view = {"model_id": "0f3c", "version_major": 2, "version_minor": 0}
        cell["outputs"][0]["data"][WIDGET_VIEW] = view
        nb["cells"][3]["metadata"] = {"tags": []}

    _edit(alpha, editor_noise)
    report = tidy(folder, check=True)
    meta = _find(report, "kernelspec 'lesson-env' instead of python3")
    assert (meta.file, meta.cell) == (str(alpha), None)
    assert "extra notebook metadata widgets" in meta.message
    noise = _find(report, "scrolled")
    assert noise.cell == 3
    for key in ("ExecuteTime", "collapsed", "execution", "jupyter.other", "scrolled"):
        assert key in noise.message
    assert _find(report, "saved widget view").cell == 3
    assert _find(report, "tags (empty)").cell == 4
    tidy(folder)
    nb = json.loads(alpha.read_text(encoding="utf-8"))
    assert nb["metadata"] == {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    assert nb["cells"][2]["metadata"] == {
        "tags": ["nbval-ignore-output"],
        "jupyter": {"source_hidden": True, "outputs_hidden": False},
    }
    assert nb["cells"][2]["outputs"][0]["data"] == {"text/plain": ["42"]}
    assert nb["cells"][3]["metadata"] == {}


@pytest.mark.parametrize(
    "output",
    [
        v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]),
        v4.new_output(
            "stream",
            name="stderr",
            text="Traceback (most recent call last):\n  File ...\n"
            "ZeroDivisionError: division by zero\n",
        ),
    ],
    ids=["error", "stderr"],
)
def test_a_stored_error_is_refused(folder: Path, output: Any) -> None:
    beta = folder / "01-beta.ipynb"
    _edit(beta, lambda nb: nb["cells"][2]["outputs"].append(output))
    for check in (True, False):
        report = tidy(folder, check=check)
        found = _find(report, "a stored error (ZeroDivisionError: division by zero)")
        assert (found.file, found.cell, found.fixable) == (str(beta), 3, False)
        assert found.fix.endswith(f"then run: analogylab refresh 01 --folder {folder}")
        assert not report.ok
    _edit(beta, lambda nb: nb["cells"][2]["metadata"].update(tags=["raises-exception"]))
    assert tidy(folder, check=True).ok, "a cell meant to fail may keep its error"


def test_an_unexecuted_cell_is_refused(folder: Path) -> None:
    beta = folder / "01-beta.ipynb"
    _edit(beta, lambda nb: nb["cells"][2].update(execution_count=None, outputs=[]))
    found = _find(tidy(folder), "never run")
    assert (found.file, found.cell, found.fixable) == (str(beta), 3, False)
    assert "nbval does not check" in found.message
    _edit(beta, lambda nb: nb["cells"][2]["metadata"].update(tags=["skip-execution"]))
    assert tidy(folder, check=True).ok, "a cell nbclient skips cannot be recorded"
    _edit(beta, lambda nb: nb["cells"][2].update(source="  \n", metadata={}))
    report = tidy(folder, check=True)
    assert not report.problems, "an empty cell has nothing to check"
    assert [f.message.split(":")[0] for f in report.fixes] == ["the time needed is stale"], (
        "and takes no time"
    )


def test_a_worked_answer_is_folded_code_and_output(folder: Path) -> None:
    """A worked answer (or a teacher-only cell) is stored folded: no result before a try."""
    beta = folder / "01-beta.ipynb"
    answer = "### BEGIN SOLUTION\nanswer = 9\n### END SOLUTION\nanswer"
    _edit(beta, lambda nb: nb["cells"][2].update(source=answer))
    found = _find(tidy(folder, check=True), "worked answer")
    assert (found.cell, found.fixable) == (3, True)
    assert "source_hidden and outputs_hidden not folded" in found.message
    tidy(folder)
    cell = json.loads(beta.read_text(encoding="utf-8"))["cells"][2]
    assert cell["metadata"]["jupyter"] == {"outputs_hidden": True, "source_hidden": True}
    assert cell["outputs"], "the output is kept (nbval still checks it), only folded"
    assert tidy(folder, check=True).ok
    _edit(beta, lambda nb: nb["cells"][2]["metadata"]["jupyter"].update(outputs_hidden=False))
    _edit(beta, lambda nb: nb["cells"][2].update(source="answer = 9\nanswer"))
    lines = tidy(folder, check=True).lines()
    assert not [x for x in lines if "not folded" in x], "an ordinary cell may show its output"
    _edit(beta, lambda nb: nb["cells"][2]["metadata"].update(tags=["teacher-only"]))
    assert (
        "a teacher-only cell with its outputs_hidden not folded"
        in _find(tidy(folder, check=True), "teacher-only").message
    )


def test_a_lesson_without_its_title_is_reported(folder: Path) -> None:
    beta = folder / "01-beta.ipynb"
    _edit(beta, lambda nb: nb["cells"][0].update(source="# Beta without its number"))
    found = _find(tidy(folder, check=True), "the first cell must start with the heading")
    assert (found.cell, found.fixable) == (1, False)
    assert str(beta) in found.file


def test_tidy_is_idempotent_after_fixing_everything(folder: Path) -> None:
    beta = folder / "01-beta.ipynb"

    def everything(nb: dict[str, Any]) -> None:
        nb["metadata"]["widgets"] = {"state": {}}
        nb["cells"][1]["source"] = NAV_MARKER
        nb["cells"][2]["metadata"]["scrolled"] = True
        nb["cells"][2]["id"] = "3b8f"
        del nb["cells"][-2]

    _edit(beta, everything)
    assert tidy(folder).written == [beta]
    first = beta.read_bytes()
    second = tidy(folder)
    assert second.written == [] and second.ok and not second.fixes
    assert beta.read_bytes() == first


def test_a_broken_json_layout_is_reported(folder: Path) -> None:
    alpha = folder / "00-alpha.ipynb"
    alpha.write_text(json.dumps(json.loads(alpha.read_text()), indent=2), encoding="utf-8")
    assert _find(tidy(folder, check=True), "JSON layout").cell is None
    tidy(folder)
    assert tidy(folder, check=True).ok


def test_an_unreadable_lesson_is_reported_and_left_alone(folder: Path) -> None:
    alpha = folder / "00-alpha.ipynb"
    alpha.write_text("{not json", encoding="utf-8")
    report = tidy(folder)
    assert any(f.file == str(alpha) and "cannot be read" in f.message for f in report.problems)
    assert alpha.read_text() == "{not json"


def test_a_notebook_not_named_like_a_lesson_is_reported(folder: Path) -> None:
    shutil.copy(folder / "01-beta.ipynb", folder / "02 My Lesson.ipynb")
    found = _find(tidy(folder, check=True), "is not named like a lesson")
    assert (found.file, found.cell, found.fixable) == (
        str(folder / "02 My Lesson.ipynb"),
        None,
        False,
    )
    assert "rename it, e.g. 08-my-lesson.ipynb" in found.fix


# -- the command -------------------------------------------------------------------------


def test_cli_check_reports_one_line_per_problem_and_exits_1(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(folder / "01-beta.ipynb", lambda nb: nb["cells"][1].update(source=NAV_MARKER))
    before = {p: p.read_bytes() for p in folder.iterdir()}
    assert main(["tidy", "--check", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    line = f"{folder}/01-beta.ipynb, cell 2: the navigation cell is out of date"
    assert out == [f"{line}; run: analogylab tidy {folder}"]
    assert {p: p.read_bytes() for p in folder.iterdir()} == before, "--check changes nothing"
    assert main(["tidy", str(folder)]) == 0
    assert capsys.readouterr().out.startswith(f"fixed {folder}/01-beta.ipynb, cell 2:")
    assert main(["tidy", "--check", str(folder)]) == 0
    assert "all lessons tidy" in capsys.readouterr().out


def test_cli_without_a_notebooks_folder_says_where_to_run_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["tidy"]) == 2
    err = capsys.readouterr().err
    assert "notebooks: there is no such folder of lessons" in err
    assert "run the command from the project folder" in err
    (tmp_path / "notebooks").mkdir()
    assert main(["tidy", "--check"]) == 2
    assert "holds no lesson notebooks" in capsys.readouterr().err


def test_resolve_lessons_takes_numbers_names_and_paths(folder: Path) -> None:
    beta = folder / "01-beta.ipynb"
    assert resolve_lessons(["01", "1", "01-beta", "01-beta.ipynb", str(beta)], folder) == [beta] * 5
    assert resolve_lessons([], folder) == [folder / "00-alpha.ipynb", beta]
    with pytest.raises(NotebookError, match=r"42: is not a lesson in .*the lessons are: 00-alpha"):
        resolve_lessons(["42"], folder)


# -- refresh (starts kernels) ----------------------------------------------------------


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def tiny(folder: Path) -> Path:
    """Lesson 98 (no exercises, so no sources), showing what refresh runs it with; not run yet."""
    probe = (
        "import os\n"
        "print('fresh answer store:', 'analogylab-home-' in os.environ['ANALOGYLAB_HOME'])\n"
        "print('teacher data unset:', 'ANALOGYLAB_DATA' not in os.environ)\n"
        "print('inline charts:', os.environ['MPLBACKEND'].endswith('backend_inline'))\n"
        "6 * 7"
    )
    setup = v4.new_code_cell("import analogylab\nds = analogylab.load_dataset()")
    path = _lesson(folder, "98-tiny.ipynb", "Tiny", body=[v4.new_code_cell(probe), setup])
    tidy(folder)
    return path


def _outputs_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells])


@pytest.mark.slow
def test_refresh_records_outputs_and_is_byte_stable(
    tiny: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALOGYLAB_DATA", str(folder / "teachers-own-data"))
    monkeypatch.setenv("MPLBACKEND", "Agg")  # would leave the lessons' charts out
    assert refresh(tiny, timeout=60) is True
    text = _outputs_text(tiny)
    assert "fresh answer store: True" in text and "teacher data unset: True" in text
    assert "inline charts: True" in text
    assert '"42"' in text and "No sources are cited on this page." in text
    assert tidy(folder, check=True).ok, "a refreshed lesson is tidy"
    before = _md5(tiny)
    assert refresh(tiny, timeout=60) is False
    assert _md5(tiny) == before


@pytest.mark.slow
def test_the_reader_edition_runs_lessons_with_the_courses_own_data(
    tiny: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """build-html publishes what the course's lessons show; refresh always uses shipped data."""
    from analogylab.notebooks import execute_lesson

    monkeypatch.setenv("ANALOGYLAB_DATA", str(data_copy))
    ran = execute_lesson(tiny, timeout=60, shipped_data=False)
    text = json.dumps([c.get("outputs", []) for c in ran.cells])
    assert "teacher data unset: False" in text and "fresh answer store: True" in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("source", "timeout", "message"),
    [
        ("1 / 0", 60, r"cell 4: the cell raised ZeroDivisionError: division by zero; fix the cell"),
        ("import time\ntime.sleep(5)", 1, r"cell 4: the cell did not finish within 1 s;"),
        ("import os\nos._exit(1)", 60, r"cell 4: the kernel died; fix the cell;"),
    ],
    ids=["error", "timeout", "dead-kernel"],
)
def test_refresh_failure_names_the_cell_and_leaves_the_file(
    tiny: Path, source: str, timeout: int, message: str
) -> None:
    _edit(tiny, lambda nb: nb["cells"].insert(3, v4.new_code_cell(source)))
    before = tiny.read_bytes()
    with pytest.raises(NotebookError, match=message) as err:
        refresh(tiny, timeout=timeout)
    assert str(tiny) in str(err.value)
    assert "the lesson file was not changed" in str(err.value)
    assert tiny.read_bytes() == before


@pytest.mark.slow
def test_refresh_keeps_the_error_of_a_cell_meant_to_fail(tiny: Path, folder: Path) -> None:
    cell = v4.new_code_cell("1 / 0", metadata={"tags": ["raises-exception"]})
    _edit(tiny, lambda nb: nb["cells"].insert(3, cell))
    assert main(["refresh", "98", "--folder", str(folder), "--timeout", "60"]) == 0
    assert "ZeroDivisionError" in _outputs_text(tiny)
    assert tidy(folder, check=True).ok


@pytest.mark.slow
def test_refresh_of_a_real_lesson_reproduces_its_stored_outputs(tmp_path: Path) -> None:
    """Lesson 01, copied and refreshed, stores what the committed lesson stores."""
    copy = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, copy)
    lesson = copy / "01-the-argument.ipynb"
    assert refresh(lesson) is False, "a refresh with no real change leaves the file as it was"
    assert lesson.read_bytes() == (NOTEBOOKS / lesson.name).read_bytes()


# -- the kernel client's waits (no kernel needed) ---------------------------------------


class _Channel:
    """A kernel channel whose message is there, but whose first wait misses it (nbclient#312).

    The missed wait lasts as long as it was asked to (at most 3 s here, so that the test
    fails rather than hangs without the fix); later waits see the message at once.
    ``message=None`` is a channel that never gets one.
    """

    def __init__(self, message: dict[str, Any] | None) -> None:
        self.message = message
        self.waits: list[float | None] = []

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        self.waits.append(timeout)
        if len(self.waits) == 1 or self.message is None:
            await asyncio.sleep(min(3.0, 3.0 if timeout is None else timeout))
            raise Empty
        return self.message


def _client(shell: _Channel, iopub: _Channel) -> Any:
    kc = SimpleNamespace(shell_channel=shell, iopub_channel=iopub)
    _poll_in_slices(kc)
    return kc


def test_a_missed_message_is_found_within_half_a_second() -> None:
    """A reply the first wait missed does not hold a cell up for its whole timeout."""
    kc = _client(_Channel({"reply": 1}), _Channel({"output": 2}))
    start = time.monotonic()
    assert asyncio.run(kc.shell_channel.get_msg(timeout=120)) == {"reply": 1}
    assert asyncio.run(kc.iopub_channel.get_msg(timeout=None)) == {"output": 2}
    assert time.monotonic() - start < 2.0


def test_the_cell_timeout_still_runs_out() -> None:
    """With no message at all, the wait gives up at the deadline nbclient set, not before."""
    shell = _Channel(None)
    kc = _client(shell, _Channel(None))
    start = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(kc.shell_channel.get_msg(timeout=1.2))
    assert 1.2 <= time.monotonic() - start < 2.0
    assert len(shell.waits) >= 3 and all(w is not None and w <= 0.5 for w in shell.waits)


def test_the_command_line_timeout_is_the_library_default() -> None:
    """cli.py writes the default --timeout out (so as not to load nbformat): it must agree."""
    parser = build_parser()
    assert parser.parse_args(["refresh"]).timeout == DEFAULT_TIMEOUT
    assert parser.parse_args(["build-html", "site"]).timeout == DEFAULT_TIMEOUT
