"""A lesson's time needed, measured (analogylab.lesson_time): what counts, at what rate.

The formula is checked on small made-up lessons whose counts are known; tidy writing the
line into lessons is tests/test_tidy.py, and the committed lessons carrying the measured
line is `tidy --check` there.
"""

from __future__ import annotations

from typing import Any

import nbformat
import pytest

import analogylab
from analogylab.bank import (
    DEFAULT_MINUTES,
    GRID_CELL_MINUTES,
    INDICATOR_MINUTES,
    KINDS,
    Exercise,
)
from analogylab.lesson_time import (
    CHART_MINUTES,
    CODE_CELL_MINUTES,
    EXPLORER_MINUTES,
    READING_PACE,
    LessonTime,
    exercise_ids,
    measure,
    time_paragraph,
    words,
)
from analogylab.lessons import NAV_MARKER

v4 = nbformat.v4


def ten(word: str) -> str:
    return " ".join([word] * 10)


def out(data: dict[str, Any]) -> Any:
    return v4.new_output("display_data", data=data)


def minutes_of(ex_id: str) -> float | None:
    return {"ex-01-1": 2.0, "ex-01-2": 8.0}.get(ex_id)


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Three plain words", 3),
        ("In 1979, 100,000 troops; e80-1979-12-intervention.", 5),
        ("Don't count twice: U.S. and US", 6),
        ("[the link text](https://example.org/a-b-c) stays", 4),
        ("<!-- analogylab:navigation --><b>Bold</b> <td>cell</td>", 2),
        ("See https://doi.org/10.1016/j.jml.2019.104047 there", 2),
        ("`ds.events` and **bold**, _em_", 4),
        ("", 0),
    ],
)
def test_words_counts_what_a_reader_reads(text: str, n: int) -> None:
    assert words(text) == n


def test_exercise_ids_are_found_in_any_call() -> None:
    code = (
        'grid = analogylab.exercise("ex-05-2")\n'
        'widgets.ach_explorer(ds, C, exercise_id="ex-ach-my-case")'
    )
    assert exercise_ids(code) == ["ex-05-2", "ex-ach-my-case"]
    assert exercise_ids("analogylab.check('ex-00-1', 3)\nanalogylab.check('ex-00-1', 4)") == [
        "ex-00-1"
    ]
    assert exercise_ids('x = "text-without-ex"') == []


def lesson() -> list[Any]:
    """A made-up lesson: 60 words of prose, 2 exercises, 3 code cells, 2 charts, 1 explorer."""
    return [
        v4.new_markdown_cell(f"# 01 · T\n\n{ten('purpose')}\n\n**Time needed:** about 5 minutes."),
        v4.new_markdown_cell(f"{NAV_MARKER}\n{ten('navigation')}"),  # not read: navigation
        v4.new_code_cell(
            "setup()",
            outputs=[v4.new_output("stream", name="stdout", text=ten("printed"))],
        ),
        v4.new_markdown_cell(ten("prose")),
        v4.new_code_cell(
            "d = charts.show(chart)",
            outputs=[
                out({"image/png": "iVBOR", "text/plain": ten("alt")}),  # a chart: no words
                out(
                    {"text/html": f'<details class="analogylab-text-twin">{ten("twin")}</details>'}
                ),
            ],
        ),
        v4.new_code_cell(
            "charts.show(charts.ach_matrix(ds, C))",
            outputs=[out({"text/html": '<table class="analogylab-rating-table">x</table>'})],
        ),
        v4.new_code_cell('analogylab.exercise("ex-01-1")', outputs=[out({"text/plain": ten("w")})]),
        v4.new_code_cell(
            "### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION\ncheck('ex-01-2', answer)"
        ),
        v4.new_code_cell('analogylab.solution("ex-01-9")', metadata={"tags": ["teacher-only"]}),
        v4.new_markdown_cell(ten("teacher"), metadata={"tags": ["teacher-only"]}),
        v4.new_code_cell("widgets.timeline_explorer(ds)", outputs=[out({"text/plain": ten("x")})]),
        v4.new_code_cell(""),  # empty: nothing to run
        v4.new_markdown_cell(ten("summary")),
        v4.new_markdown_cell("<!-- analogylab:sources -->\n## Sources for this lesson\n\nThe list"),
        v4.new_code_cell(
            'analogylab.lesson_sources(ds, "01")',
            outputs=[out({"text/markdown": ten("- [a] Source")})],
        ),
    ]


def test_measure_counts_words_exercises_code_charts_and_explorers() -> None:
    t = measure(lesson(), minutes_of)
    # purpose 10 + "# 01 · T" 2 + printed 10 + prose 10 + summary 10; the time line is left out
    assert t == LessonTime(
        words=42,
        exercises=(("ex-01-1", 2.0), ("ex-01-2", 8.0)),
        code_cells=3,
        charts=2,
        explorers=1,
    )
    assert t.reading == 42 / READING_PACE
    assert t.exercise_minutes == 10
    assert t.running == 3 * CODE_CELL_MINUTES + 2 * CHART_MINUTES + EXPLORER_MINUTES
    assert t.total == pytest.approx(42 / 175 + 10 + 3 + 4 + 4)
    assert t.minutes == 20
    assert t.line() == (
        "**Time needed:** about 20 minutes: 1 to read, 10 for the 2 exercises, "
        "11 to run the code and study the charts."
    ), "a part under a minute still shows as 1"


def test_the_line_rounds_to_five_minutes_and_names_only_what_is_there() -> None:
    assert (
        LessonTime(175 * 12, (), 0, 0, 0).line() == "**Time needed:** about 10 minutes: 12 to read."
    )
    assert LessonTime(175 * 13, (), 0, 0, 0).minutes == 15
    assert LessonTime(10, (), 0, 0, 0).minutes == 5, "never less than 5"
    one = LessonTime(175 * 20, (("ex-01-1", 3.0),), 2, 0, 0)
    assert one.line() == (
        "**Time needed:** about 25 minutes: 20 to read, 3 for the exercise, 2 to run the code."
    )


def test_an_unknown_exercise_is_left_out() -> None:
    cells = [v4.new_markdown_cell("# 01 · T"), v4.new_code_cell('analogylab.exercise("ex-09-9")')]
    assert measure(cells, minutes_of).exercises == ()


def test_the_time_paragraph_is_found_to_its_end() -> None:
    text = "# 01 · T\n\n**Time needed:** about 5\nminutes, more.\n\n**Next** part"
    found = time_paragraph(text)
    assert found is not None and found.group(0) == "**Time needed:** about 5\nminutes, more."
    assert time_paragraph("# 01 · T\n\nno time") is None


def test_each_kind_of_exercise_has_a_default_and_a_grid_grows_with_its_cells() -> None:
    bank = analogylab.load_bank()
    for ex in bank:
        if ex.minutes is None and ex.kind not in ("grid", "indicators"):
            assert ex.expected_minutes == DEFAULT_MINUTES[ex.kind], ex.id
    grid = bank["ex-05-2"]
    cells = len(grid.rows) * len(grid.columns)
    assert grid.expected_minutes == DEFAULT_MINUTES["grid"] + GRID_CELL_MINUTES * cells
    # Every kind has a default; indicators have two: writing them, and marking them.
    assert set(DEFAULT_MINUTES) | {"indicators"} == set(KINDS)
    write = Exercise(id="ex-97-1", lesson="97", kind="indicators", prompt="")
    mark = Exercise(id="ex-97-2", lesson="97", kind="indicators", prompt="", check="ex-97-1")
    assert (write.expected_minutes, mark.expected_minutes) == INDICATOR_MINUTES
