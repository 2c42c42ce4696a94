"""Lesson 02, the 1980s case: exercise keys agree with the tables; the notebook has the frame.

Every key that can be derived from the data is derived here and compared with the bank: the
roles of the actors, the basis of the US goals, the order of the events by date, the
`contested` flags, the ranges of the troop and death series, and who is cited for each
argument of the two debates. If a table changes, these tests say which exercise to update.
The notebook is checked for the lesson frame (title, purpose, goals, time, navigation marker,
setup, summary, sources) and for the charts, explorers and exercises it promises, and its
stored outputs for errors, warnings and text twins.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

import lessonpage
from analogylab import find_data
from analogylab.bank import Exercise, read_bank
from analogylab.grading import grade

CASE = "us-mujahideen-1980s"
LESSON = "02"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02-the-1980s-case.ipynb"
BANK = read_bank(find_data())
EXERCISES = sorted((e for e in BANK if e.lesson == LESSON), key=lambda e: e.number)


def ex(number: int) -> Exercise:
    """Exercise ex-02-<number> from the shipped bank."""
    return BANK[f"ex-{LESSON}-{number}"]


def _event(ds: Any, event_id: str) -> Any:
    return ds.events.set_index("event_id").loc[event_id]


# --- the bank -------------------------------------------------------------------------------


def test_lesson_bank_is_large_and_varied(ds: Any) -> None:
    """At least four exercises, numbered 1..n without gaps, of at least three kinds, all cited."""
    assert len(EXERCISES) >= 4
    assert [e.id for e in EXERCISES] == [f"ex-02-{k}" for k in range(1, len(EXERCISES) + 1)]
    assert len({e.kind for e in EXERCISES}) >= 3
    known = set(ds.sources.source_id)
    for e in EXERCISES:
        assert e.sources, f"{e.id} cites no source"
        assert set(e.sources) <= known, f"{e.id} cites an unknown source"
        assert e.hints, f"{e.id} has no hint"


def test_roles_matching_is_the_roles_table(ds: Any) -> None:
    """ex-02-1 pairs each actor with its role in the case, and the distractors are roles too."""
    e = ex(1)
    assert e.kind == "matching"
    roles = ds.roles[ds.roles.case_id == CASE].set_index("actor_id").role
    for item in e.left:
        assert item.id in roles.index, f"{item.id} has no role in {CASE}"
        assert item.match == roles[item.id], f"{item.id} is {roles[item.id]} in the roles table"
    allowed = set(ds.vocabulary("roles", "role").value)
    right = {r.id for r in e.right}
    assert right <= allowed, "every right-hand item is a role of the vocabulary"
    distractors = right - {it.match for it in e.left}
    assert len(distractors) >= 1
    assert not distractors & {roles[it.id] for it in e.left}


def test_inferred_goal_is_keyed_from_basis(ds: Any) -> None:
    """ex-02-2: the options are the US goals of the case; the right ones are the inferred ones.

    NSDD-166's aim is inferred: the directive was never released, so the aim is known only
    from reporting. The exercise is a multiple choice because two of the goals are inferred.
    """
    e = ex(2)
    assert e.kind == "multiple"
    goals = ds.goals.set_index("goal_id")
    us = set(ds.goals[(ds.goals.case_id == CASE) & (ds.goals.actor_id == "usa")].goal_id)
    assert {o.id for o in e.options} == us, "every US goal of the case is an option, no other"
    for o in e.options:
        assert o.correct == (goals.loc[o.id, "basis"] == "inferred"), o.id


def test_ordering_follows_event_dates(ds: Any) -> None:
    """ex-02-3 lists events of the case in strictly increasing date order, each dated to the day.

    Day precision matters: a month-precision event is stored on the 1st, which could put it
    before an event later in the same month.
    """
    e = ex(3)
    assert e.kind == "ordering"
    events = [_event(ds, it.id) for it in e.items]
    assert all(ev.case_id == CASE for ev in events)
    assert all(ev.precision == "day" for ev in events)
    for (a, ea), (b, eb) in itertools.pairwise(zip(e.items, events, strict=True)):
        assert ea.date < eb.date, f"{a.id} ({ea.date.date()}) should come before {b.id}"


def test_contested_options_are_the_contested_flags(ds: Any) -> None:
    """ex-02-4: an option is correct exactly when the event is marked contested."""
    e = ex(4)
    assert e.kind == "multiple"
    flags = [(o, bool(_event(ds, o.id).contested)) for o in e.options]
    for o, flag in flags:
        assert o.correct == flag, f"{o.id}: correct={o.correct} but contested={flag}"
    assert sum(f for _, f in flags) >= 2
    assert sum(not f for _, f in flags) >= 2


def _series(ds: Any, series_id: str) -> Any:
    return ds.series[ds.series.series_id == series_id].set_index("year")


def test_troops_answer_is_the_stored_range(ds: Any) -> None:
    """ex-02-5 accepts exactly the 1988 range of the troop series, which has no single value."""
    e = ex(5)
    row = _series(ds, "soviet-troops-afghanistan").loc[1988]
    assert row.value != row.value, "the 1988 figure is a range, not one value"  # NaN
    assert (e.low, e.high) == (row.low, row.high)
    unit = ds.series_info.set_index("series_id").loc["soviet-troops-afghanistan", "unit"]
    assert e.unit == unit


def test_deaths_total_is_the_sum_of_the_series(ds: Any) -> None:
    """ex-02-6 accepts the sum of the yearly deaths, taking each ranged year at its low and high."""
    e = ex(6)
    deaths = _series(ds, "soviet-deaths")
    assert deaths.low.notna().any(), "at least one year is a range"
    low = deaths.value.fillna(deaths.low).sum()
    high = deaths.value.fillna(deaths.high).sum()
    assert (e.low, e.high) == (low, high)


# The argument each left-hand item of ex-02-7 states, and the dataset row that cites its author.
ARGUMENT_ROWS = {
    "arg-trap": ("events", "e80-1998-01-brzezinski-trap"),
    "arg-myth": ("events", "e80-1998-01-brzezinski-trap"),
    "arg-channels": ("profiles", "outcome"),
    "arg-stinger": ("events", "e80-1986-09-first-stinger"),
}


def test_who_argues_what_is_cited_where_the_data_says(ds: Any) -> None:
    """ex-02-7 matches each argument to a source the dataset cites for that debate."""
    e = ex(7)
    assert {it.id for it in e.left} == set(ARGUMENT_ROWS)
    for item in e.left:
        table, key = ARGUMENT_ROWS[item.id]
        if table == "events":
            cited = _event(ds, key).source_ids
        else:
            prof = ds.profiles
            cited = prof[(prof.dimension_id == key) & (prof.case_id == CASE)].source_ids.iloc[0]
        assert item.match in cited, f"{item.match} is not cited in {table} {key}"
        assert item.match in e.sources
    right = {r.id for r in e.right}
    assert right <= set(ds.sources.source_id)
    assert len(right) > len(e.left), "one author on the right is a distractor"


def test_trap_text_exercise_cites_both_sides(ds: Any) -> None:
    """ex-02-8 is self-assessed with a rubric and cites every side of the trap debate."""
    e = ex(8)
    assert e.kind == "text"
    assert len(e.rubric) >= 4
    trap = _event(ds, "e80-1998-01-brzezinski-trap")
    assert set(trap.source_ids) <= set(e.sources), "the interview, its critics and its defenders"
    assert "brzezinski-1979-12-26-reflections" in e.sources


RIGHT = {
    1: lambda e: {it.id: it.match for it in e.left},
    2: lambda e: [o.id for o in e.options if o.correct],
    3: lambda e: [it.id for it in e.items],
    5: lambda e: (e.low + e.high) / 2,
    6: lambda e: e.low,
    7: lambda e: {it.id: it.match for it in e.left},
}


@pytest.mark.parametrize("number", sorted(RIGHT))
def test_the_key_earns_full_marks_and_a_wrong_answer_does_not(number: int) -> None:
    """Marking agrees with the key: the keyed answer scores 1, a perturbed one less."""
    e = ex(number)
    right = RIGHT[number](e)
    g = grade(e, right)
    assert g.valid and g.correct and g.score == 1.0
    if isinstance(right, dict):
        wrong: Any = dict.fromkeys(right, e.right[-1].id)
    elif isinstance(right, list) and e.kind == "ordering":
        wrong = list(reversed(right))
    elif isinstance(right, list):
        wrong = [o.id for o in e.options if not o.correct]
    elif isinstance(right, str):
        wrong = next(o.id for o in e.options if not o.correct)
    else:
        wrong = e.high + 1
    assert grade(e, wrong).score < 1.0


# --- the notebook -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nb() -> dict[str, Any]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))


def _src(cell: dict[str, Any]) -> str:
    s = cell["source"]
    return s if isinstance(s, str) else "".join(s)


def _code(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _last_line(cell: dict[str, Any]) -> str:
    lines = [ln for ln in _src(cell).strip().splitlines() if ln.strip() and not ln.startswith("#")]
    return lines[-1] if lines else ""


def _out(output: dict[str, Any], mime: str) -> str:
    """One MIME type of a stored output as text (the file may hold it as a list of lines)."""
    value = output.get("data", {}).get(mime, "")
    return value if isinstance(value, str) else "".join(value)


def _tags(cell: dict[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def test_notebook_opens_with_the_frame(nb: dict[str, Any]) -> None:
    """Title, purpose, 3-5 goals, the measured time needed, then the navigation marker."""
    head = _src(nb["cells"][0])
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert head.startswith("# 02 · ")
    assert "**Purpose:**" in head
    goals = head.split("**By the end you can**")[1].split("**Time needed:**")[0]
    assert 3 <= len(re.findall(r"^- ", goals, flags=re.M)) <= 5
    assert head.endswith(lessonpage.measured_time(nbformat.from_dict(nb))), "as tidy measures it"
    nav = nb["cells"][1]
    assert nav["cell_type"] == "markdown"
    assert _src(nav).startswith("<!-- analogylab:navigation -->")


def test_setup_cell(nb: dict[str, Any]) -> None:
    """The first code cell loads the library, the data and the case, and ends ready; no `cited`."""
    lessonpage.check_setup_ready(
        nbformat.reads(json.dumps(nb), 4), ['CASE = "us-mujahideen-1980s"']
    )


def test_the_contested_events_are_a_judgement_first() -> None:
    """ex-02-4 asks the student's judgement (recorded, not marked) before the curators' marks.

    The key still is the `contested` flag (checked above); each option explains the curators'
    reason, and the student is asked to argue back.
    """
    e = ex(4)
    assert e.judgement and not e.scored and e.argue
    assert all(o.explanation for o in e.options)


def test_the_curators_marks_follow_the_judgement_folded(nb: dict[str, Any]) -> None:
    """The table of contested events comes after ex-02-4 and is stored folded."""
    sources = [_src(c) for c in nb["cells"]]
    asked = sources.index('analogylab.exercise("ex-02-4")')
    table = next(i for i, s in enumerate(sources) if "contested=True" in s)
    assert asked < table
    assert 'folded="Open after you have answered ex-02-4"' in sources[table]


def test_no_pandas_a_student_was_not_taught(nb: dict[str, Any]) -> None:
    """Lesson cells pick rows with analogylab.casebook, not groupby, pivot, itertuples or assign."""
    for c in _code(nb):
        assert not re.search(r"groupby|pivot|itertuples|\.assign\(|option_context", _src(c))


def test_notebook_ends_with_summary_and_sources(nb: dict[str, Any]) -> None:
    """`## Summary`, then `## Sources for this lesson`, then the sources cell last."""
    cells = nb["cells"]
    md = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"]
    summary = [i for i in md if _src(cells[i]).lstrip().startswith("## Summary")]
    sources = [i for i in md if "## Sources for this lesson" in _src(cells[i])]
    assert summary and sources and summary[0] < sources[0]
    last = cells[-1]
    assert last["cell_type"] == "code"
    assert _src(last).strip() == 'analogylab.lesson_sources(ds, "02")'
    assert sources[0] == len(cells) - 2


def test_every_exercise_is_shown_once(nb: dict[str, Any]) -> None:
    """Each exercise of the bank is the last expression of one cell, not ignore-tagged."""
    shown = {}
    for c in _code(nb):
        m = re.fullmatch(r'analogylab\.exercise\("(ex-02-\d+)"\)', _last_line(c))
        if m:
            assert "nbval-ignore-output" not in _tags(c), m.group(1)
            assert m.group(1) not in shown, f"{m.group(1)} is shown twice"
            shown[m.group(1)] = c
    assert len(shown) >= 3
    assert set(shown) == {e.id for e in EXERCISES}
    for eid, c in shown.items():
        text = "".join(_out(o, "text/plain") for o in c.get("outputs", []))
        assert f"Exercise {eid}" in text, f"stored output of {eid}"


def test_charts_and_explorers_are_present(nb: dict[str, Any]) -> None:
    """The promised charts and explorers are there; each explorer ends an ignore-tagged cell."""
    code = "\n".join(_src(c) for c in _code(nb))
    for call in (
        "charts.series_chart(ds, ",
        '"us-covert-funding"',
        '"saudi-funding"',
        '"soviet-troops-afghanistan"',
        '"soviet-deaths"',
    ):
        assert call in code, call
    explorers = [c for c in _code(nb) if "_explorer(" in _src(c)]
    names = {re.search(r"widgets\.(\w+_explorer)\(", _src(c)).group(1) for c in explorers}  # type: ignore[union-attr]
    assert {"timeline_explorer", "series_explorer"} <= names
    for c in explorers:
        assert "nbval-ignore-output" in _tags(c)
        assert re.fullmatch(r"widgets\.\w+_explorer\(ds, .*case=CASE.*\)", _last_line(c))


def test_every_chart_is_shown_with_its_text_twin(nb: dict[str, Any]) -> None:
    """Each `charts.show` cell stores a figure and a text twin (sources: test_lesson_citations)."""
    shows = [c for c in _code(nb) if "charts.show(" in _src(c)]
    assert len(shows) >= 2
    for c in shows:
        kinds = [k for o in c.get("outputs", []) for k in o.get("data", {})]
        assert "image/png" in kinds, _src(c)
        twin = "".join(_out(o, "text/html") for o in c.get("outputs", []))
        assert "The chart in words" in twin, _src(c)


def test_tables_are_shown_for_reading(nb: dict[str, Any]) -> None:
    """A cell that picks rows shows them with show_table (which records their sources)."""
    for c in _code(nb):
        src = _src(c)
        if "casebook." in src:
            assert "analogylab.show_table(ds, " in src, src


def test_stored_outputs_are_clean(nb: dict[str, Any]) -> None:
    """No error, no warning or other stderr text, no traceback in any stored output."""
    for c in _code(nb):
        for o in c.get("outputs", []):
            assert o["output_type"] != "error", _src(c)
            assert not (o["output_type"] == "stream" and o.get("name") == "stderr"), o.get("text")
            text = json.dumps(o.get("data", {})) + str(o.get("text", ""))
            assert "Traceback" not in text and "Warning" not in text, _src(c)


def test_sources_cell_lists_the_exercise_sources(nb: dict[str, Any], ds: Any) -> None:
    """The stored bibliography includes every source the lesson's exercises rely on."""
    out = "".join(_out(o, "text/markdown") for o in nb["cells"][-1].get("outputs", []))
    titles = ds.sources.set_index("source_id").title
    for e in EXERCISES:
        for s in e.sources:
            assert titles[s] in out, f"{s} ({e.id}) is missing from the sources cell"
