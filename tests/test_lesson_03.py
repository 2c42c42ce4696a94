"""Lesson 03 (the 2018 case): exercise keys agree with the tables; the notebook has the frame.

The keys are checked against the data they come from: the `basis` of Russia's goals,
the dates and kinds of the diplomatic events, the order of the story before 2015, the
`contested` flag, the parties named in each allegation, and the stored US troop figure for
2018. Each check is a small function that lists disagreements, and each is shown to fail on
a table changed to disagree.
The notebook is read as JSON (not run: nbval runs it) and checked for the lesson frame:
title, purpose, goals, time needed, navigation marker, setup, charts with their sources,
a tagged explorer, the exercises, the summary and the sources cell.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

import lessonpage
from analogylab import find_data
from analogylab.bank import Exercise, read_bank

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03-the-2018-case.ipynb"
CASE = "russia-taliban-2018"
LESSON = "03"

_BANK = read_bank(find_data())
EXERCISES = {ex.id: ex for ex in _BANK.of_lesson(LESSON)}


def _ex(exercise_id: str) -> Exercise:
    return EXERCISES[exercise_id]


def _analysis_date(ds: Any) -> pd.Timestamp:
    return pd.Timestamp(ds.case(CASE)["analysis_date"])


# --- the bank -------------------------------------------------------------------------------


def test_lesson_bank_is_big_and_varied_enough() -> None:
    """At least four exercises, numbered ex-03-1 ... without gaps, of at least three kinds."""
    ids = sorted(EXERCISES, key=lambda i: int(i.rsplit("-", 1)[1]))
    assert len(ids) >= 4
    assert ids == [f"ex-03-{k}" for k in range(1, len(ids) + 1)]
    assert len({ex.kind for ex in EXERCISES.values()}) >= 3
    for ex in EXERCISES.values():
        assert ex.sources, f"{ex.id} cites no source"
        assert ex.hints, f"{ex.id} has no hint"


def goal_basis_disagreements(ex: Exercise, goals: pd.DataFrame) -> list[str]:
    """ex-03-1: each option is a goal of Russia in the case, correct exactly when stated."""
    rows = goals.set_index("goal_id")
    out = []
    for o in ex.options:
        if o.id not in rows.index:
            out.append(f"{o.id}: not a goal id")
            continue
        g = rows.loc[o.id]
        if (g["case_id"], g["actor_id"]) != (CASE, "russia"):
            out.append(f"{o.id}: not a goal of Russia in {CASE}")
        if o.correct != (g["basis"] == "stated"):
            out.append(f"{o.id}: correct={o.correct}, basis={g['basis']}")
    return out


def test_stated_goals_key_agrees_with_goals_table(ds: Any) -> None:
    ex = _ex("ex-03-1")
    assert ex.kind == "multiple"
    assert goal_basis_disagreements(ex, ds.goals) == []
    assert any(o.correct for o in ex.options) and not all(o.correct for o in ex.options)


def test_stated_goals_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-03-1")
    goals = ds.goals.copy()
    first = goals.goal_id == ex.options[0].id
    option = ex.options[0]
    basis = "inferred" if option.correct else "stated"
    goals.loc[first, "basis"] = basis
    assert goal_basis_disagreements(ex, goals) == [
        f"{option.id}: correct={option.correct}, basis={basis}"
    ]


def diplomacy_order_disagreements(
    ex: Exercise, events: pd.DataFrame, analysis: pd.Timestamp
) -> list[str]:
    """ex-03-2: diplomatic events of 2016-2018 in date order; only the last after the article."""
    rows = events.set_index("event_id")
    out = []
    for it in ex.items:
        if it.id not in rows.index:
            out.append(f"{it.id}: not an event id")
            continue
        e = rows.loc[it.id]
        if e["case_id"] != CASE or e["kind"] != "diplomacy":
            out.append(f"{it.id}: {e['case_id']}/{e['kind']}, not a diplomatic event of {CASE}")
        if not 2016 <= e["date"].year <= 2018:
            out.append(f"{it.id}: dated {e['date'].date()}, outside 2016-2018")
    if out:
        return out
    dated = [(it.id, rows.loc[it.id, "date"]) for it in ex.items]
    out += [
        f"{a} ({da.date()}) is listed before {b} ({db.date()})"
        for (a, da), (b, db) in itertools.pairwise(dated)
        if not da < db
    ]
    dates = [d for _, d in dated]
    after = [it.id for it, d in zip(ex.items, dates, strict=True) if d > analysis]
    if after != [ex.items[-1].id]:
        out.append(f"the prompt says only the last item is after the article; after it: {after}")
    return out


def test_diplomacy_order_agrees_with_event_dates(ds: Any) -> None:
    ex = _ex("ex-03-2")
    assert ex.kind == "ordering"
    assert diplomacy_order_disagreements(ex, ds.events, _analysis_date(ds)) == []


def test_diplomacy_order_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-03-2")
    events = ds.events.copy()
    # Move the invitation to after the postponement: the key's order is then wrong.
    events.loc[events.event_id == "e18-2018-08-moscow-invite", "date"] = pd.Timestamp("2018-08-30")
    out = diplomacy_order_disagreements(ex, events, _analysis_date(ds))
    assert out == [
        "e18-2018-08-moscow-invite (2018-08-30) is listed before e18-2018-08-postponed (2018-08-27)"
    ]


def early_order_disagreements(ex: Exercise, events: pd.DataFrame) -> list[str]:
    """ex-03-7: events of the case from before 2015, each dated to the day, in date order."""
    rows = events.set_index("event_id")
    out = []
    for it in ex.items:
        if it.id not in rows.index:
            out.append(f"{it.id}: not an event id")
            continue
        e = rows.loc[it.id]
        if e["case_id"] != CASE or e["date"].year >= 2015 or e["precision"] != "day":
            out.append(f"{it.id}: not a day-dated event of {CASE} before 2015")
    if out:
        return out
    dated = [(it.id, rows.loc[it.id, "date"]) for it in ex.items]
    return [
        f"{a} ({da.date()}) is listed before {b} ({db.date()})"
        for (a, da), (b, db) in itertools.pairwise(dated)
        if not da < db
    ]


def test_early_story_order_agrees_with_event_dates(ds: Any) -> None:
    """The story before 2015 (Neustadt and May's 'start where the story starts') in date order."""
    ex = _ex("ex-03-7")
    assert ex.kind == "ordering"
    assert len(ex.items) >= 5
    assert early_order_disagreements(ex, ds.events) == []


def test_early_story_order_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-03-7")
    events = ds.events.copy()
    # Move the strike threats before the recognition of Ichkeria: the key's order is then wrong.
    events.loc[events.event_id == "e18-2000-05-strike-threat", "date"] = pd.Timestamp("2000-01-10")
    first, second = "e18-2000-01-ichkeria-recognised", "e18-2000-05-strike-threat"
    assert early_order_disagreements(ex, events) == [
        f"{first} (2000-01-16) is listed before {second} (2000-01-10)"
    ]


def troop_figures(series: pd.DataFrame, year: int) -> list[float]:
    """Every figure the us-troops-afghanistan series stores for a year (value, low, high)."""
    rows = series[(series.series_id == "us-troops-afghanistan") & (series.year == year)]
    return [float(x) for x in rows[["value", "low", "high"]].to_numpy().ravel() if pd.notna(x)]


def troop_key_disagreements(ex: Exercise, series: pd.DataFrame) -> list[str]:
    """ex-03-3: the accepted range holds every stored 2018 figure and no 2016 or 2017 one."""
    assert ex.low is not None and ex.high is not None
    out = []
    figures = troop_figures(series, 2018)
    if not figures:
        out.append("no 2018 figure stored")
    out += [
        f"2018 figure {f} outside {ex.low}-{ex.high}" for f in figures if not ex.low <= f <= ex.high
    ]
    for year in (2016, 2017):
        out += [
            f"{year} figure {f} accepted for 2018"
            for f in troop_figures(series, year)
            if ex.low <= f <= ex.high and f not in figures
        ]
    if figures and ex.high - ex.low > 0.1 * max(figures):
        out.append(f"range {ex.low}-{ex.high} is wider than a tenth of the figure")
    return out


def test_troop_level_key_agrees_with_series(ds: Any) -> None:
    ex = _ex("ex-03-3")
    assert ex.kind == "numeric"
    assert troop_key_disagreements(ex, ds.series) == []


def test_troop_level_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-03-3")
    series = ds.series.copy()
    row = (series.series_id == "us-troops-afghanistan") & (series.year == 2018)
    series.loc[row, "value"] = 11000.0
    assert troop_key_disagreements(ex, series) == [
        f"2018 figure 11000.0 outside {ex.low}-{ex.high}",
        "2017 figure 14000.0 accepted for 2018",
    ]


def claimant_disagreements(ex: Exercise, events: pd.DataFrame) -> list[str]:
    """ex-03-4: allegations of the case, each matched with a party to it other than the accused.

    The right-hand items that match nothing must be actors that denied (they appear in a
    denial event of the case), so that the distractors are the deniers.
    """
    rows = events.set_index("event_id")
    sponsor = "russia"
    out = []
    for it in ex.left:
        e = rows.loc[it.id]
        if e["case_id"] != CASE or e["kind"] != "allegation" or not e["contested"]:
            out.append(f"{it.id}: not a contested allegation of {CASE}")
        if it.match not in e["actor_ids"] or it.match == sponsor:
            out.append(f"{it.id}: {it.match} is not a party to it other than the accused")
    case = events[events.case_id == CASE]
    deniers = {a for ids in case[case.kind == "denial"].actor_ids for a in ids}
    unmatched = {r.id for r in ex.right} - {it.match for it in ex.left}
    out += [f"distractor {a} never denied" for a in sorted(unmatched - deniers)]
    return out


def test_claimants_agree_with_events(ds: Any) -> None:
    ex = _ex("ex-03-4")
    assert ex.kind == "matching"
    assert claimant_disagreements(ex, ds.events) == []


def test_claimant_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-03-4")
    events = ds.events.copy()
    first = ex.left[0]
    row = events.index[events.event_id == first.id][0]
    events.at[row, "actor_ids"] = tuple(a for a in events.at[row, "actor_ids"] if a != first.match)
    assert claimant_disagreements(ex, events) == [
        f"{first.id}: {first.match} is not a party to it other than the accused"
    ]


def contested_disagreements(
    ex: Exercise, events: pd.DataFrame, analysis: pd.Timestamp
) -> list[str]:
    """ex-03-5: events of the case known by the article's date; correct exactly when contested."""
    rows = events.set_index("event_id")
    out = []
    for o in ex.options:
        e = rows.loc[o.id]
        if e["case_id"] != CASE or e["date"] > analysis:
            out.append(f"{o.id}: not an event of {CASE} known by {analysis.date()}")
        if o.correct != bool(e["contested"]):
            out.append(f"{o.id}: correct={o.correct}, contested={e['contested']}")
    return out


def test_established_or_alleged_key_agrees_with_contested_flag(ds: Any) -> None:
    ex = _ex("ex-03-5")
    assert ex.kind == "multiple"
    assert contested_disagreements(ex, ds.events, _analysis_date(ds)) == []
    assert any(o.correct for o in ex.options) and not all(o.correct for o in ex.options)


def test_contested_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-03-5")
    events = ds.events.copy()
    wrong = next(o for o in ex.options if not o.correct)
    events.loc[events.event_id == wrong.id, "contested"] = True
    assert contested_disagreements(ex, events, _analysis_date(ds)) == [
        f"{wrong.id}: correct=False, contested=True"
    ]


def test_proof_question_has_a_rubric() -> None:
    """ex-03-6: a self-assessed text with a model answer and a rubric of several points."""
    ex = _ex("ex-03-6")
    assert ex.kind == "text"
    assert len(ex.model_answer.split()) >= 60
    assert len(ex.rubric) >= 3
    assert ex.keywords


# --- the notebook ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nb() -> Any:
    return nbformat.read(str(NOTEBOOK), as_version=4)


def test_title_purpose_goals_time(nb: Any) -> None:
    lessonpage.check_frame(nb, "# 03 · ")


def test_setup_cell(nb: Any) -> None:
    lessonpage.check_setup_ready(nb)


def test_analysis_date_is_the_one_in_the_data(nb: Any, ds: Any) -> None:
    """The lesson names the case's analysis date as the data has it, and the years it shows."""
    day = _analysis_date(ds)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert f"{day.day} {day.strftime('%B %Y')}" in text
    assert "2015" in text and "2018" in text


CHARTS = [
    'charts.actor_goal_matrix(ds, "russia-taliban-2018")',
    'charts.timeline(ds, "russia-taliban-2018", years=(1995, 2014))',
    'charts.timeline(ds, "russia-taliban-2018", years=(2015, 2018))',
    'charts.series_chart(ds, ["us-troops-afghanistan"], years=(2001, 2018))',
]


@pytest.mark.parametrize("pattern", CHARTS)
def test_every_chart_is_shown_and_cited(nb: Any, pattern: str) -> None:
    """Each chart goes through charts.show (figure and text twin), once."""
    lessonpage.check_chart_shown(nb, pattern)


EXPLORERS = [
    'widgets.timeline_explorer(ds, case="russia-taliban-2018", years=(2015, 2018))',
]


@pytest.mark.parametrize("call", EXPLORERS)
def test_explorers_are_last_and_tagged(nb: Any, call: str) -> None:
    """Each explorer is the last expression of its cell, tagged for nbval, after a prompt to try."""
    lessonpage.check_explorer(nb, call)


def test_exercises_each_shown_once_and_introduced(nb: Any) -> None:
    lessonpage.check_exercises(nb, "03", EXERCISES, in_order=False)


def test_summary_and_sources_close_the_lesson(nb: Any) -> None:
    lessonpage.check_closing(nb, "03")


def test_tables_are_shown_for_reading(nb: Any) -> None:
    """No cell leaves a bare DataFrame: every table a student reads goes through show_table.

    (That the tables' sources are listed is checked by tests/test_lesson_citations.py.)
    """
    for c in lessonpage.code(nb):
        last = lessonpage.last_expression(c)
        assert not re.search(r"\]$|\.head\(|display\(", last), c.source
        assert not re.search(r"groupby|pivot|itertuples|\.assign\(", c.source), c.source


def test_the_story_starts_before_the_case_and_the_actors_are_placed(nb: Any) -> None:
    """Neustadt and May's order: the time line from where the story starts, then placement.

    The 1995-2014 time line comes before the 2015-2018 one, and the placement of the actors
    (from the data, by analogylab.casebook.placement) before the goals and the allegations.
    """
    sources = [c.source for c in nb.cells]
    first = next(i for i, s in enumerate(sources) if "years=(1995, 2014)" in s)
    later = next(i for i, s in enumerate(sources) if "years=(2015, 2018))" in s)
    placed = next(i for i, s in enumerate(sources) if "casebook.placement(" in s)
    goals = next(i for i, s in enumerate(sources) if "actor_goal_matrix" in s)
    assert first < placed < goals < later
    assert "**placement**" in sources[placed - 1]


def test_judgements_come_before_the_record_that_answers_them(nb: Any) -> None:
    """ex-03-1 and ex-03-5 are judgements, shown before the goals grid and the allegations table.

    The allegations table that answers ex-03-5 is stored folded under a line saying so.
    """
    for exercise_id in ("ex-03-1", "ex-03-5"):
        assert _ex(exercise_id).judgement
        assert not _ex(exercise_id).scored
    sources = [c.source for c in nb.cells]
    at = {
        e: next(i for i, s in enumerate(sources) if f'analogylab.exercise("{e}")' in s)
        for e in ("ex-03-1", "ex-03-5")
    }
    assert at["ex-03-1"] < next(i for i, s in enumerate(sources) if "actor_goal_matrix" in s)
    folded = next(
        i for i, s in enumerate(sources) if 'folded="Open after you have answered ex-03-5"' in s
    )
    assert at["ex-03-5"] < folded


def test_stored_outputs_are_clean(nb: Any) -> None:
    """The stored run has no error, no warning on stderr, and every code cell ran."""
    lessonpage.check_clean_run(nb)
