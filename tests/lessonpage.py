"""What every lesson page must have, as checks a lesson's own tests call.

Each ``test_lesson_NN.py`` checks its own exercises against the data and calls
these for the shape of its page: the frame, the setup cell, charts shown with
their twins and cited, explorers tagged for nbval, exercises shown once and
introduced, the closing summary and sources, and a clean stored run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAV_MARKER = "<!-- analogylab:navigation -->"
SETUP_LINES = (
    "%matplotlib inline",
    "import analogylab",
    "from analogylab import charts, widgets",
    "ds = analogylab.load_dataset()",
    "cited = set()",
)


def read(name: str) -> Any:
    """The lesson notebook ``notebooks/<name>.ipynb``."""
    return nbformat.read(str(NOTEBOOKS / f"{name}.ipynb"), as_version=4)


def code(nb: Any) -> list[Any]:
    return [c for c in nb.cells if c.cell_type == "code"]


def markdown(nb: Any) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def tags(cell: Any) -> set[str]:
    return set(cell.metadata.get("tags", []))


def last_expression(cell: Any) -> str:
    """The source of the cell's last statement if it is an expression, else ''.

    ``grid = analogylab.exercise(...)`` followed by ``grid`` counts as the call itself:
    a lesson keeps the widget so that an explorer can follow its Check button.
    """
    lines = [line for line in cell.source.splitlines() if not line.startswith("%")]
    body = ast.parse("\n".join(lines)).body
    if not body or not isinstance(body[-1], ast.Expr):
        return ""
    last = body[-1].value
    if isinstance(last, ast.Name):
        for stmt in body[:-1]:
            if isinstance(stmt, ast.Assign) and [ast.unparse(t) for t in stmt.targets] == [last.id]:
                return ast.unparse(stmt.value)
    return ast.unparse(body[-1])


def measured_time(nb: Any) -> str:
    """The "Time needed" line ``analogylab tidy`` measures for this lesson."""
    from analogylab.lesson_time import measure
    from analogylab.notebooks import _ExerciseMinutes

    return measure(nb.cells, _ExerciseMinutes()).line()


def check_frame(nb: Any, title: str) -> None:
    """Title, purpose, 3-5 goals, the measured time needed; the navigation cell second."""
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    src = first.source
    assert src.startswith(title)
    assert "**Purpose:**" in src and "**By the end you can**" in src
    block = src.split("**By the end you can**")[1].split("**Time needed:**")[0]
    assert 3 <= len(re.findall(r"^- ", block, re.MULTILINE)) <= 5
    assert src.rstrip().endswith(measured_time(nb)), "the time needed, as tidy measures it"
    second = nb.cells[1]
    assert second.cell_type == "markdown"
    assert second.source.splitlines()[0] == NAV_MARKER


def check_setup(nb: Any, extra: Sequence[str] = ()) -> None:
    """The first code cell loads the data and starts the set of cited sources."""
    lines = {line.strip() for line in code(nb)[0].source.splitlines()}
    for line in (*SETUP_LINES, *extra):
        assert line in lines, line


def check_setup_ready(nb: Any, extra: Sequence[str] = ()) -> None:
    """The first code cell loads the data and ends with ``analogylab.ready(ds)``; no `cited`.

    For the lessons whose citations collect themselves (issue 14): the page's sources are
    recorded by what shows them, and tests/test_lesson_citations.py checks the list.
    """
    lines = [line.strip() for line in code(nb)[0].source.splitlines() if line.strip()]
    for line in (*SETUP_LINES[:-1], *extra):
        assert line in lines or line.replace("import ", "import casebook, ") in lines, line
    assert lines[-1] == "analogylab.ready(ds)"
    assert not any("cited" in line for line in lines)


def check_chart_shown(nb: Any, pattern: str) -> None:
    """The chart goes through charts.show (figure and twin), once, in a compared cell."""
    cells = [c for c in code(nb) if f"charts.show({pattern})" in c.source]
    assert len(cells) == 1, pattern
    assert "nbval-ignore-output" not in tags(cells[0])


def check_chart(nb: Any, pattern: str) -> None:
    """The chart goes through charts.show (figure and twin), once, and its sources join `cited`."""
    cells = [c for c in code(nb) if f"charts.show({pattern})" in c.source]
    assert len(cells) == 1, pattern
    lines = [line.strip() for line in cells[0].source.splitlines()]
    shown = f"d = charts.show({pattern})"
    assert shown in lines
    assert "cited |= set(d.sources)" in lines[lines.index(shown) + 1 :]
    assert "nbval-ignore-output" not in tags(cells[0])


def check_explorer(nb: Any, call: str) -> Any:
    """The explorer ends its cell, is tagged for nbval, and follows a prompt saying what to try.

    Returns the markdown cell before it, for a lesson's own checks on the prompt.
    """
    cells = [c for c in code(nb) if call in c.source]
    assert len(cells) == 1, call
    assert last_expression(cells[0]) == ast.unparse(ast.parse(call))
    assert "nbval-ignore-output" in tags(cells[0])
    before = nb.cells[nb.cells.index(cells[0]) - 1]
    assert before.cell_type == "markdown" and "?" in before.source, "say what to try"
    return before


def check_exercises(nb: Any, lesson: str, expected: Sequence[str], *, in_order: bool) -> None:
    """Each exercise of the lesson is shown once, with its stored text, after an introduction."""
    shown = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        m = re.fullmatch(rf"analogylab\.exercise\('(ex-{lesson}-\d+)'\)", last_expression(c))
        if m:
            shown.append(m.group(1))
            assert "nbval-ignore-output" not in tags(c)
            assert nb.cells[i - 1].cell_type == "markdown", f"{m.group(1)} has no introduction"
    assert len(shown) >= 3
    if in_order:
        assert shown == sorted(expected, key=lambda i: int(i.rsplit("-", 1)[1])), "in order"
    else:
        assert sorted(shown) == sorted(expected)


def check_closing(nb: Any, lesson: str) -> None:
    """A summary, then the sources heading, then the sources cell, last."""
    headings = [line for line in markdown(nb).splitlines() if line.startswith("## ")]
    assert "## Summary" in headings
    assert headings[-1] == "## Sources for this lesson"
    assert headings.index("## Summary") < headings.index("## Sources for this lesson")
    last = nb.cells[-1]
    assert last.cell_type == "code"
    from analogylab.notebooks import lesson_sources_code

    (path,) = NOTEBOOKS.glob(f"{lesson}-*.ipynb")
    assert last_expression(last) == ast.unparse(ast.parse(lesson_sources_code(path)))


def check_tables_cited(nb: Any, pattern: str, *, only_shown: bool = False) -> None:
    """Every cell that reads rows matching ``pattern`` adds their sources to `cited`."""
    for c in code(nb):
        if re.search(pattern, c.source) and (last_expression(c) or not only_shown):
            assert "cited" in c.source, c.source


def check_clean_run(nb: Any) -> None:
    """The stored run has no error, no warning on stderr, and every code cell ran."""
    for c in code(nb):
        assert c.execution_count is not None, c.source
        for out in c.outputs:
            assert out.output_type != "error", c.source
            assert not (out.output_type == "stream" and out.name == "stderr"), out.text
