"""Lesson 06 (hindsight): the milestones it scores, its exercise keys, and the notebook frame.

The lesson opens by marking the student's own step-8 indicators (lesson 05) against the
record, then holds six explanations of Russia's conduct, as they stood on the case's analysis
date, against what happened from 2019 to 2025 (``milestones.csv``), and scores them with
Heuer's inconsistency count (``analysis.hindsight_scores``). The tests pin down the facts the
lesson and its exercises rely on: which developments are rated, that each is rated against
every hypothesis, that contested developments say so, the grid key (the reference ratings),
the date order, which developments are non-diagnostic, and the scores with and without the
contested developments. Each check is a small function that lists disagreements, and each is
shown to fail on a table changed to disagree. The notebook is read as JSON (nbval runs it)
and checked for the lesson frame.
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
from analogylab import analysis, find_data
from analogylab.bank import Exercise, read_bank
from lessonpage import code as _code
from lessonpage import markdown as _markdown

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06-hindsight.ipynb"
CASE = "russia-taliban-2018"
LESSON = "06"
FH, RCW, RUC, PB, SL, NARC = (
    "h-flank-hedge",
    "h-reverse-cold-war",
    "h-raise-us-costs",
    "h-power-broker",
    "h-status-leverage",
    "h-narcotics",
)
INCONSISTENT = {"I", "II"}

_BANK = read_bank(find_data())
EXERCISES = {ex.id: ex for ex in _BANK.of_lesson(LESSON)}


def _ex(exercise_id: str) -> Exercise:
    return EXERCISES[exercise_id]


def _analysis_date(ds: Any) -> pd.Timestamp:
    return pd.Timestamp(ds.case(CASE)["analysis_date"])


def _case_milestones(ds: Any, milestones: pd.DataFrame | None = None) -> pd.DataFrame:
    """The milestone rows of the case (all its hypotheses), optionally from a changed table."""
    table = ds.milestones if milestones is None else milestones
    hyps = set(ds.hypotheses[ds.hypotheses.case_id == CASE].hypothesis_id)
    return table[table.hypothesis_id.isin(hyps)]


def _rating(ms: pd.DataFrame, event_id: str, hypothesis_id: str) -> str:
    row = ms[(ms.event_id == event_id) & (ms.hypothesis_id == hypothesis_id)]
    return str(row.rating.iloc[0])


# --- the milestones ---------------------------------------------------------------------------

# The developments the lesson names, each rated against every hypothesis of the case.
REQUIRED = [
    "e18-2019-02-moscow-intra-afghan",
    "e18-2019-05-moscow-centenary-talks",
    "e18-2020-02-doha-agreement",
    "e18-2020-06-bounty-report",
    "e18-2020-06-bounty-denials",
    "e18-2021-08-kabul-falls",
    "e18-2021-08-us-exit",
    "e18-2021-10-moscow-format",
    "e18-2025-04-ban-suspended",
    "e18-2025-07-recognition",
]


def coverage_disagreements(ds: Any, milestones: pd.DataFrame) -> list[str]:
    """Each milestone event of the case is after its analysis date and rates every hypothesis."""
    ms = _case_milestones(ds, milestones)
    hyps = set(ds.hypotheses[ds.hypotheses.case_id == CASE].hypothesis_id)
    dates = ds.events.set_index("event_id").date
    day = _analysis_date(ds)
    out = [f"{e}: not rated" for e in REQUIRED if e not in set(ms.event_id)]
    for e, rows in ms.groupby("event_id"):
        missing = sorted(hyps - set(rows.hypothesis_id))
        if missing:
            out.append(f"{e}: no rating for {', '.join(missing)}")
        if dates[e] <= day:
            out.append(f"{e}: dated {dates[e].date()}, not after {day.date()}")
    return out


def test_milestones_cover_the_developments_the_lesson_names(ds: Any) -> None:
    assert coverage_disagreements(ds, ds.milestones) == []
    assert _case_milestones(ds)[lambda m: m.hypothesis_id == FH].event_id.nunique() == 17


def test_milestone_coverage_check_can_fail(ds: Any) -> None:
    ms = ds.milestones
    dropped = ms[~((ms.event_id == "e18-2021-08-us-exit") & (ms.hypothesis_id == SL))]
    assert coverage_disagreements(ds, dropped) == [f"e18-2021-08-us-exit: no rating for {SL}"]


def test_milestones_function_keeps_every_row_after_the_analysis_date(ds: Any) -> None:
    ms = analysis.milestones(ds, CASE)
    assert len(ms) == len(_case_milestones(ds))
    assert (ms.date > _analysis_date(ds)).all()
    assert ms.date.is_monotonic_increasing


def contested_rationale_disagreements(ms: pd.DataFrame) -> list[str]:
    """On developments disputed in substance (the bounties), every rationale says 'contested'."""
    disputed = {"e18-2020-06-bounty-report", "e18-2020-06-bounty-denials"}
    return [
        f"{r.event_id}/{r.hypothesis_id}: rationale does not say it is contested"
        for r in ms.itertuples()
        if r.event_id in disputed and "contested" not in r.rationale.lower()
    ]


def test_contested_bounty_ratings_say_so(ds: Any) -> None:
    ms = analysis.milestones(ds, CASE)
    assert set(ms[ms.event_id.str.contains("bounty")].contested) == {True}
    assert contested_rationale_disagreements(ms) == []


def test_contested_rationale_check_can_fail(ds: Any) -> None:
    ms = analysis.milestones(ds, CASE).copy()
    row = (ms.event_id == "e18-2020-06-bounty-report") & (ms.hypothesis_id == RCW)
    ms.loc[row, "rationale"] = "Paying for attacks on US troops is what the thesis predicts."
    assert contested_rationale_disagreements(ms) == [
        f"e18-2020-06-bounty-report/{RCW}: rationale does not say it is contested"
    ]


def test_each_tested_hypothesis_has_fits_and_misfits(ds: Any) -> None:
    """Balance: every hypothesis the milestones test has both a fit (C/CC) and a misfit (I/II)."""
    ms = _case_milestones(ds)
    for h in (FH, RCW, PB, SL):
        ratings = set(ms[ms.hypothesis_id == h].rating)
        assert ratings & {"C", "CC"}, f"{h} has no consistent milestone"
        assert ratings & INCONSISTENT, f"{h} has no inconsistent milestone"


# --- the bank -------------------------------------------------------------------------------


def test_lesson_bank_is_big_and_varied_enough() -> None:
    """At least four exercises, numbered ex-06-1 ... without gaps, of at least three kinds."""
    ids = sorted(EXERCISES, key=lambda i: int(i.rsplit("-", 1)[1]))
    assert len(ids) >= 4
    assert ids == [f"ex-06-{k}" for k in range(1, len(ids) + 1)]
    assert len({ex.kind for ex in EXERCISES.values()}) >= 3
    for ex in EXERCISES.values():
        assert ex.sources, f"{ex.id} cites no source"
        assert ex.hints, f"{ex.id} has no hint"


def grid_disagreements(ex: Exercise, milestones: pd.DataFrame) -> list[str]:
    """ex-06-1: the key of every cell is the reference rating in milestones.csv."""
    rated = {
        (e, h): r
        for e, h, r in zip(
            milestones.event_id, milestones.hypothesis_id, milestones.rating, strict=True
        )
    }
    return [
        f"key {r.id}/{c.id} is {ex.key[r.id][c.id]}, milestones say {rated.get((r.id, c.id))}"
        for r, c in itertools.product(ex.rows, ex.columns)
        if rated.get((r.id, c.id)) != ex.key[r.id][c.id]
    ]


def test_grid_key_is_the_reference_milestone_rating(ds: Any) -> None:
    ex = _ex("ex-06-1")
    assert ex.kind == "grid"
    assert 3 <= len(ex.rows) <= 4
    hyps = ds.hypotheses[ds.hypotheses.case_id == CASE].hypothesis_id
    assert [c.id for c in ex.columns] == list(hyps)
    assert grid_disagreements(ex, ds.milestones) == []
    # The rows are chosen so that each of the four tested hypotheses meets a misfit in them.
    misfits = {c for r in ex.rows for c, v in ex.key[r.id].items() if v in INCONSISTENT}
    assert misfits == {FH, RCW, PB, SL}


def test_grid_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-06-1")
    ms = ds.milestones.copy()
    cell = (ms.event_id == "e18-2020-02-doha-agreement") & (ms.hypothesis_id == PB)
    ms.loc[cell, "rating"] = "C"
    assert grid_disagreements(ex, ms) == [
        f"key e18-2020-02-doha-agreement/{PB} is I, milestones say C"
    ]


def order_disagreements(
    ex: Exercise, events: pd.DataFrame, analysis_date: pd.Timestamp
) -> list[str]:
    """ex-06-2: developments of the case from 2019 to 2025, after the article, in date order."""
    rows = events.set_index("event_id")
    out = []
    for it in ex.items:
        e = rows.loc[it.id]
        if e["case_id"] != CASE or not 2019 <= e["date"].year <= 2025 or e["date"] <= analysis_date:
            out.append(f"{it.id}: not a 2019-2025 development of {CASE}")
    dated = [(it.id, rows.loc[it.id, "date"]) for it in ex.items]
    out += [
        f"{a} ({da.date()}) is listed before {b} ({db.date()})"
        for (a, da), (b, db) in itertools.pairwise(dated)
        if not da < db
    ]
    return out


def test_ordering_key_agrees_with_event_dates(ds: Any) -> None:
    ex = _ex("ex-06-2")
    assert ex.kind == "ordering"
    assert order_disagreements(ex, ds.events, _analysis_date(ds)) == []


def test_ordering_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-06-2")
    events = ds.events.copy()
    events.loc[events.event_id == "e18-2025-04-ban-suspended", "date"] = pd.Timestamp("2025-07-10")
    wrong = "e18-2025-04-ban-suspended (2025-07-10) is listed before e18-2025-07-recognition"
    assert order_disagreements(ex, events, _analysis_date(ds)) == [f"{wrong} (2025-07-03)"]


# ex-06-3's option ids are not event ids (the bank test would read an event id as a
# contested-flag question); this maps each option to its development.
NON_DIAGNOSTIC_OPTIONS = {
    "kabul-falls": "e18-2021-08-kabul-falls",
    "us-exit": "e18-2021-08-us-exit",
    "bounty-denials": "e18-2020-06-bounty-denials",
    "recognition": "e18-2025-07-recognition",
    "doha": "e18-2020-02-doha-agreement",
    "extended-troika": "e18-2021-03-extended-troika",
    "lavrov-pullout": "e18-2019-05-moscow-centenary-talks",
}


def non_diagnostic_disagreements(ex: Exercise, milestones: pd.DataFrame) -> list[str]:
    """ex-06-3: an option is correct exactly when no rating of its development is I or II."""
    out = []
    for o in ex.options:
        event = NON_DIAGNOSTIC_OPTIONS[o.id]
        ratings = set(milestones[milestones.event_id == event].rating)
        if not ratings:
            out.append(f"{o.id}: {event} has no milestone rows")
            continue
        clean = not ratings & INCONSISTENT
        if o.correct != clean:
            out.append(f"{o.id}: correct={o.correct}, but its ratings are {sorted(ratings)}")
    return out


def test_non_diagnostic_key_agrees_with_milestones(ds: Any) -> None:
    ex = _ex("ex-06-3")
    assert ex.kind == "multiple"
    assert {o.id for o in ex.options} == set(NON_DIAGNOSTIC_OPTIONS)
    ms = _case_milestones(ds)
    assert non_diagnostic_disagreements(ex, ms) == []
    assert any(o.correct for o in ex.options) and not all(o.correct for o in ex.options)
    # The hint says diagnosticity's spread is 0 for exactly the correct options.
    matrix = analysis.as_matrix(ms[["event_id", "hypothesis_id", "rating"]])
    spread = analysis.diagnosticity(matrix).set_index("evidence_id").spread
    for o in ex.options:
        assert (spread[NON_DIAGNOSTIC_OPTIONS[o.id]] == 0) == o.correct, o.id


def test_non_diagnostic_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-06-3")
    ms = _case_milestones(ds).copy()
    ms.loc[(ms.event_id == "e18-2021-08-us-exit") & (ms.hypothesis_id == SL), "rating"] = "I"
    assert non_diagnostic_disagreements(ex, ms) == [
        "us-exit: correct=True, but its ratings are ['C', 'CC', 'I', 'NA']"
    ]


def _scores(ds: Any, include_contested: bool = True) -> dict[str, float]:
    s = analysis.hindsight_scores(ds, CASE, include_contested=include_contested)
    return dict(zip(s.hypothesis_id, s.inconsistency, strict=True))


def test_zero_score_comes_from_silence(ds: Any) -> None:
    """ex-06-4: the heroin explanation scores 0 over seventeen milestones, thirteen of them NA."""
    ex = _ex("ex-06-4")
    assert ex.kind == "single"
    assert [o.id for o in ex.options if o.correct] == ["b"]
    ms = _case_milestones(ds)
    counts = ms[ms.hypothesis_id == NARC].rating.value_counts().to_dict()
    assert counts == {"NA": 13, "N": 4}
    scores = _scores(ds)
    assert scores[NARC] == 0
    # Option d speaks of the others' scores "from zero to three"; option b compares the
    # moderate reverse Cold War, also at zero, with six consistent ratings.
    assert {scores[h] for h in (FH, RCW, RUC, PB, SL)} == {0, 1, 3}
    ms = _case_milestones(ds)
    assert scores[RUC] == 0 and ms[ms.hypothesis_id == RUC].rating.isin(["C", "CC"]).sum() == 6


def contested_switch_facts(ds: Any, events: pd.DataFrame) -> list[str]:
    """ex-06-5: the flank-hedge misfits are the bounty report and the May 2019 meeting.

    Both are contested, the second over its dates only.
    """
    ms = _case_milestones(ds)
    misfits = set(ms[(ms.hypothesis_id == FH) & ms.rating.isin(INCONSISTENT)].event_id)
    rows = events.set_index("event_id")
    out = []
    if misfits != {"e18-2020-06-bounty-report", "e18-2019-05-moscow-centenary-talks"}:
        out.append(f"flank-hedge misfits are {sorted(misfits)}")
    out += [f"{e}: not contested" for e in sorted(misfits) if not rows.at[e, "contested"]]
    if "dates differ" not in str(rows.at["e18-2019-05-moscow-centenary-talks", "note"]).lower():
        out.append("the May 2019 meeting's note no longer says its dates differ")
    return out


def test_contested_switch_key_agrees_with_scores(ds: Any) -> None:
    ex = _ex("ex-06-5")
    assert ex.kind == "single"
    assert [o.id for o in ex.options if o.correct] == ["a"]
    assert contested_switch_facts(ds, ds.events) == []
    with_all, without = _scores(ds), _scores(ds, include_contested=False)
    assert (with_all[FH], without[FH]) == (3, 0)
    # Option b: no other score moves.
    assert all(with_all[h] == without[h] for h in with_all if h != FH)


def test_contested_switch_check_can_fail(ds: Any) -> None:
    events = ds.events.copy()
    events.loc[events.event_id == "e18-2019-05-moscow-centenary-talks", "contested"] = False
    assert contested_switch_facts(ds, events) == [
        "e18-2019-05-moscow-centenary-talks: not contested"
    ]


def _reread(ds: Any, changes: dict[tuple[str, str], str]) -> dict[str, float]:
    """Hindsight scores with some reference ratings changed, as the lesson's three readers do."""
    ms = analysis.milestones(ds, CASE)
    ratings = {
        e: dict(zip(g.hypothesis_id, g.rating, strict=True)) for e, g in ms.groupby("event_id")
    }
    for (event, hypothesis), rating in changes.items():
        ratings[event][hypothesis] = rating
    s = analysis.hindsight_scores(ds, CASE, ratings=ratings)
    return dict(zip(s.hypothesis_id, s.inconsistency, strict=True))


def test_figures_the_lesson_states_agree_with_the_data(ds: Any) -> None:
    """The figures the lesson's prose states hold on the shipped data.

    Five of 102 ratings carry points, one of them a II; thirteen of seventeen milestones
    have spread 0; seven are contested; and each reader's changes reorder the ranking as
    described.
    """
    ms = analysis.milestones(ds, CASE)
    assert len(ms) == 102 and ms.event_id.nunique() == 17
    assert ms.rating.isin(INCONSISTENT).sum() == 5
    assert (ms.rating == "II").sum() == 1
    bounty_fh = ms[(ms.event_id == "e18-2020-06-bounty-report") & (ms.hypothesis_id == FH)]
    assert list(bounty_fh.rating) == ["II"]
    matrix = analysis.as_matrix(ms[["event_id", "hypothesis_id", "rating"]])
    assert (analysis.diagnosticity(matrix).spread == 0).sum() == 13
    assert ms.drop_duplicates("event_id").contested.sum() == 7
    reference = _reread(ds, {})
    assert reference[FH] == max(reference.values()) == 3
    assert sorted(h for h, v in reference.items() if v == 0) == sorted([RUC, NARC])
    aside = _reread(
        ds,
        {
            ("e18-2020-06-bounty-report", FH): "N",
            ("e18-2020-06-bounty-report", RCW): "N",
            ("e18-2020-06-bounty-report", RUC): "N",
        },
    )
    assert aside[FH] == aside[PB] == aside[SL] == aside[RCW] == 1  # "a four-way tie"
    tactics = _reread(ds, {("e18-2021-03-extended-troika", RCW): "N"})
    assert tactics[RCW] == 0
    doha = _reread(
        ds,
        {
            ("e18-2020-02-doha-agreement", PB): "N",
            ("e18-2020-02-doha-agreement", SL): "N",
        },
    )
    assert doha[PB] == doha[SL] == 0


def test_alexanders_question_has_a_rubric() -> None:
    """ex-06-6: a self-assessed text with a model answer, a rubric and keyword hints."""
    ex = _ex("ex-06-6")
    assert ex.kind == "text"
    assert "neustadt-may-1986-thinking-in-time" in ex.sources
    assert len(ex.model_answer.split()) >= 80
    assert len(ex.rubric) >= 4
    assert len(ex.keywords) >= 2


# --- the notebook ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nb() -> Any:
    return nbformat.read(str(NOTEBOOK), as_version=4)


def test_title_purpose_goals_time(nb: Any) -> None:
    lessonpage.check_frame(nb, "# 06 · Hindsight: score the explanations against what happened")


def test_setup_cell(nb: Any) -> None:
    """The setup cell loads the data and ends with ``analogylab.ready``; no cited set."""
    lines = [line.strip() for line in _code(nb)[0].source.splitlines()]
    for line in lessonpage.SETUP_LINES:
        if line != "cited = set()":
            assert line in lines, line
    assert lines[-1] == "analogylab.ready(ds)"


def test_no_cell_keeps_citations(nb: Any) -> None:
    """Citations collect themselves: no cell names a ``cited`` set."""
    assert [c.source for c in _code(nb) if re.search(r"\bcited\b", c.source)] == []


def test_lesson_names_the_analysis_date_and_the_method(nb: Any, ds: Any) -> None:
    day = _analysis_date(ds)
    text = _markdown(nb)
    assert f"{day.day} {day.strftime('%B %Y')}" in text
    for phrase in ("hindsight bias", "Alexander's question", "Heuer", "non-diagnostic"):
        assert phrase in text, phrase


def test_lesson_never_names_a_winner(nb: Any) -> None:
    """No sentence says an explanation was right, proven or the best.

    The lesson says what the scores depend on instead.
    """
    text = _markdown(nb).lower()
    banned = (
        r"\b(is|was|were|proved|proven|turned out|turns out)( to be)? (right|correct)\b",
        r"\b(proved|proven|turned out|turns out)( to be)? true\b",
        r"\bthe (best|right|correct|winning) (explanation|hypothesis|reading)\b",
        r"\bhindsight (proves|shows that|confirms)\b",
        r"\bwins\b",
    )
    for pattern in banned:
        assert not re.search(pattern, text), pattern
    assert "depend" in text


def test_every_chart_is_shown(nb: Any) -> None:
    """The timeline and the rating table go through charts.show; the table is folded (ex-06-1)."""
    lines = [line.strip() for c in _code(nb) for line in c.source.splitlines()]
    assert "d = charts.show(charts.timeline(ds, CASE, years=(2019, 2025)))" in lines
    (chart,) = [c for c in _code(nb) if "charts.hindsight_chart(" in c.source]
    assert chart.source.startswith("matrix = charts.show(charts.hindsight_chart(ds, CASE), folded=")


EXPLORERS = ["widgets.hindsight_explorer(ds, CASE, exercise=grid)"]


@pytest.mark.parametrize("call", EXPLORERS)
def test_explorers_are_last_and_tagged(nb: Any, call: str) -> None:
    """Each explorer is the last expression of its cell, tagged for nbval, after a prompt to try."""
    lessonpage.check_explorer(nb, call)


def test_own_indicators_are_marked_first(nb: Any) -> None:
    """ex-06-7 marks lesson 05's indicators, before any cell shows the curators' milestones."""
    ex = _ex("ex-06-7")
    assert ex.kind == "indicators" and ex.check == "ex-05-6" and ex.case == CASE
    cells = _code(nb)
    first = next(i for i, c in enumerate(cells) if "analogylab.exercise(" in c.source)
    assert 'analogylab.exercise("ex-06-7")' in cells[first].source
    milestones = next(
        i
        for i, c in enumerate(cells)
        if re.search(r"milestones|hindsight_chart|hindsight_matrix|hindsight_scores", c.source)
    )
    assert first < milestones


def test_milestones_are_labelled_as_written_in_hindsight(nb: Any) -> None:
    """The milestones' section says they were written after the events, open to bias.

    And that they are not Heuer's step 8.
    """
    head = next(
        c
        for c in nb.cells
        if c.cell_type == "markdown"
        and "milestones" in c.source.lower()
        and c.source.startswith("## ")
    )
    assert "written in hindsight" in head.source.splitlines()[0]
    text = head.source.lower()
    assert "written after the" in text and "bias" in text and "not heuer's step 8" in text


def test_judgement_first_grid() -> None:
    """ex-06-1 asks ratings the curators also made: recorded, not marked, then argued."""
    ex = _ex("ex-06-1")
    assert ex.judgement and not ex.scored


def test_exercises_each_shown_once_and_introduced(nb: Any) -> None:
    lessonpage.check_exercises(nb, "06", EXERCISES, in_order=False)


def test_grid_comes_before_the_reference_ratings(nb: Any) -> None:
    """The student rates the grid before any cell shows the reference milestone ratings."""
    cells = _code(nb)
    grid = next(i for i, c in enumerate(cells) if "ex-06-1" in c.source)
    reference = next(
        i
        for i, c in enumerate(cells)
        if "hindsight_chart" in c.source or "hindsight_scores" in c.source
    )
    assert grid < reference


def test_summary_and_sources_close_the_lesson(nb: Any) -> None:
    lessonpage.check_closing(nb, "06")


def test_tables_students_read_are_shown_whole(nb: Any) -> None:
    """Every table a student reads goes through show_table: no bare DataFrame, no cut text."""
    for c in _code(nb):
        for out in c.outputs:
            assert "dataframe" not in out.get("data", {}).get("text/html", ""), c.source
            assert "..." not in out.get("data", {}).get("text/plain", ""), c.source


def test_the_non_diagnostic_table_is_folded_below_its_exercise(nb: Any) -> None:
    """The diagnosticity of the milestones answers ex-06-3: it sits below it, folded."""
    cells = _code(nb)
    ex = next(i for i, c in enumerate(cells) if 'exercise("ex-06-3")' in c.source)
    table = next(i for i, c in enumerate(cells) if "analysis.diagnosticity(" in c.source)
    assert ex < table
    assert 'folded="Open after you have answered ex-06-3"' in cells[table].source


def test_stored_outputs_are_clean(nb: Any) -> None:
    """The stored run has no error, no warning on stderr, and every code cell ran."""
    lessonpage.check_clean_run(nb)
