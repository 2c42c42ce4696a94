"""Lesson 01 (the argument): exercise keys agree with the tables; the notebook has the frame.

The keys of ``data/exercises/01-the-argument.yaml`` that come from the data are derived again
from the tables here: claim types (``claims``), the hypotheses the claims support, the known and
unclear items (the ``contested`` flag of ``events`` and ``evidence``), the interval of the
numeric question (``events`` dates), the strongest counterpart pair (``counterparts``), and the
facts the explanations of the presumed items rest on (``goals``). Each check is shown to fail on
a key changed to disagree with its table. The notebook tests check the lesson frame of
``notebooks/01-the-argument.ipynb`` and its stored outputs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

import lessonpage
from analogylab import find_data
from analogylab.bank import Exercise, read_bank
from analogylab.grading import grade

LESSON = "01"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01-the-argument.ipynb"
CASE_1980S, CASE_2018 = "us-mujahideen-1980s", "russia-taliban-2018"
_BANK = read_bank(find_data())
EXERCISES = _BANK.of_lesson(LESSON)

Check = Callable[[Exercise, Any], list[str]]


def _years(ds: Any, first: str, last: str) -> float:
    dates = ds.events.set_index("event_id").date
    return float((dates[last] - dates[first]).days / 365.25)


# --- the keys, derived again from the tables -----------------------------------------------


def _claim_types(ex: Exercise, ds: Any) -> list[str]:
    """Each left item is a claim, matched with the claim_type the claims table gives it."""
    types = dict(zip(ds.claims.claim_id, ds.claims.claim_type, strict=True))
    vocabulary = set(ds.vocabulary("claims", "claim_type").value)
    out = [f"right item {r.id!r} is not a claim_type" for r in ex.right if r.id not in vocabulary]
    for it in ex.left:
        if it.id not in types:
            out.append(f"{it.id} is not a claim")
        elif it.match != types[it.id]:
            out.append(f"{it.id} is keyed {it.match}, the claims table says {types[it.id]}")
    return out


def _argued_hypotheses(ex: Exercise, ds: Any) -> list[str]:
    """The options are the 2018 case's hypotheses; right exactly when some claim supports one."""
    hyp = ds.hypotheses
    ids = set(hyp.loc[hyp.case_id == CASE_2018, "hypothesis_id"])
    argued = set(ds.claims.hypothesis_id.dropna())
    out = []
    if {o.id for o in ex.options} != ids:
        out.append("the options are not the 2018 case's hypotheses")
    out += [
        f"{o.id} correct={o.correct}, but {'a' if o.id in argued else 'no'} claim supports it"
        for o in ex.options
        if o.correct != (o.id in argued)
    ]
    return out


def _known_unclear_presumed(ex: Exercise, ds: Any) -> list[str]:
    """The sort of known, unclear and presumed items agrees with the tables.

    Events and evidence items are known when undisputed and unclear when contested, and are
    dated before the article; the presumed items are not rows of either table.
    """
    rows = pd.concat(
        [
            ds.events[["event_id", "date", "contested"]].rename(columns={"event_id": "id"}),
            ds.evidence[["evidence_id", "date", "contested"]].rename(columns={"evidence_id": "id"}),
        ]
    ).set_index("id")
    as_of = ds.case(CASE_2018).analysis_date
    out = []
    for it in ex.left:
        if it.id in rows.index:
            row = rows.loc[it.id]
            want = "unclear" if bool(row.contested) else "known"
            if it.match != want:
                out.append(f"{it.id} is keyed {it.match}, but contested={bool(row.contested)}")
            if row.date > as_of:
                out.append(f"{it.id} is dated {row.date.date()}, after the article")
        elif it.match != "presumed":
            out.append(f"{it.id} is keyed {it.match} but is not a row of events or evidence")
    return out


def _strongest_pair(ex: Exercise, ds: Any) -> list[str]:
    """The options are counterpart pairs; the one right option is the only best fit among them."""
    fit = dict(zip(ds.counterparts.counterpart_id, ds.counterparts.fit, strict=True))
    rank = {"strong": 2, "partial": 1, "weak": 0}
    missing = [o.id for o in ex.options if o.id not in fit]
    if missing:
        return [f"{m} is not a counterpart pair" for m in missing]
    best = max(rank[fit[o.id]] for o in ex.options)
    out = [
        f"{o.id} ({fit[o.id]}) correct={o.correct}"
        for o in ex.options
        if o.correct != (rank[fit[o.id]] == best)
    ]
    if sum(rank[fit[o.id]] == best for o in ex.options) != 1:
        out.append("more than one option has the best fit")
    return out


def _years_into_the_war(ex: Exercise, ds: Any) -> list[str]:
    """The accepted range holds the interval between the two events the prompt names.

    The mistakes the explanations name (counting from the end of the combat mission, or to the
    Moscow invitation) fall outside it on the side they are explained on.
    """
    assert ex.low is not None
    assert ex.high is not None
    out = []
    years = _years(ds, "e18-2001-10-us-intervention", "e18-2015-12-kabulov-coincide")
    if not ex.low <= years <= ex.high:
        out.append(f"{years:.2f} years is outside {ex.low}-{ex.high}")
    if not _years(ds, "e18-2014-12-end-combat-mission", "e18-2015-12-kabulov-coincide") < ex.low:
        out.append("counting from the end of the combat mission is not too low")
    if not _years(ds, "e18-2001-10-us-intervention", "e18-2018-08-moscow-invite") > ex.high:
        out.append("counting to the Moscow invitation is not too high")
    return out


KEYS: dict[str, Check] = {
    "ex-01-1": _claim_types,
    "ex-01-2": _argued_hypotheses,
    "ex-01-3": _known_unclear_presumed,
    "ex-01-4": _years_into_the_war,
    "ex-01-5": _strongest_pair,
}


def test_the_lesson_has_its_exercises() -> None:
    """Lesson 01 has at least four exercises of at least three kinds, numbered from 1."""
    assert len(EXERCISES) >= 4
    assert len({e.kind for e in EXERCISES}) >= 3
    assert [e.number for e in EXERCISES] == list(range(1, len(EXERCISES) + 1))
    assert set(KEYS) <= {e.id for e in EXERCISES}


@pytest.mark.parametrize("exercise_id", KEYS)
def test_key_agrees_with_the_tables(exercise_id: str, ds: Any) -> None:
    """The key of each data-derived exercise is what the tables say."""
    assert KEYS[exercise_id](_BANK[exercise_id], ds) == []


def _flip_first_left(ex: Exercise) -> Exercise:
    first = ex.left[0]
    other = next(r.id for r in ex.right if r.id != first.match)
    return dataclasses.replace(ex, left=(dataclasses.replace(first, match=other), *ex.left[1:]))


def _flip_last_option(ex: Exercise) -> Exercise:
    last = dataclasses.replace(ex.options[-1], correct=not ex.options[-1].correct)
    return dataclasses.replace(ex, options=(*ex.options[:-1], last))


def _move_the_range(ex: Exercise) -> Exercise:
    assert ex.low is not None
    assert ex.high is not None
    return dataclasses.replace(ex, low=ex.low + 3, high=ex.high + 3)


BREAKS: dict[str, Callable[[Exercise], Exercise]] = {
    "ex-01-1": _flip_first_left,
    "ex-01-2": _flip_last_option,
    "ex-01-3": _flip_first_left,
    "ex-01-4": _move_the_range,
    "ex-01-5": _flip_last_option,
}


@pytest.mark.parametrize("exercise_id", KEYS)
def test_key_check_fails_on_a_wrong_key(exercise_id: str, ds: Any) -> None:
    """Each check above flags the exercise once its key is changed to disagree with the table."""
    assert KEYS[exercise_id](BREAKS[exercise_id](_BANK[exercise_id]), ds)


def test_claim_type_check_follows_the_table(ds: Any) -> None:
    """Changing a claim's type in the table (not the key) is flagged too."""
    ex = _BANK["ex-01-1"]
    claims = ds.claims.copy()
    row = claims.claim_id == ex.left[0].id
    claims.loc[row, "claim_type"] = "prediction"
    assert _claim_types(ex, _Tables(ds, claims=claims)) == [
        f"{ex.left[0].id} is keyed {ex.left[0].match}, the claims table says prediction"
    ]


def test_kup_check_follows_the_contested_flag(ds: Any) -> None:
    """Flipping the contested flag of a sorted event moves it between known and unclear."""
    ex = _BANK["ex-01-3"]
    event = next(it.id for it in ex.left if it.id in set(ds.events.event_id))
    events = ds.events.copy()
    row = events.event_id == event
    events.loc[row, "contested"] = ~events.loc[row, "contested"].astype(bool)
    problems = _known_unclear_presumed(ex, _Tables(ds, events=events))
    assert len(problems) == 1
    assert problems[0].startswith(event)


def test_the_sort_uses_every_bin() -> None:
    """The known / unclear / presumed sort has its three bins, with two items at least in each."""
    ex = _BANK["ex-01-3"]
    assert {r.id for r in ex.right} == {"known", "unclear", "presumed"}
    for bin_ in ("known", "unclear", "presumed"):
        assert sum(it.match == bin_ for it in ex.left) >= 2, bin_


def test_claim_types_include_the_reporters_interpretation(ds: Any) -> None:
    """The claim-type exercise includes a reporter's interpretation as well as reports.

    So the claimant's kind cannot stand in for the claim's type.
    """
    ex = _BANK["ex-01-1"]
    claims = ds.claims.set_index("claim_id")
    kinds = {(claims.claimant_kind[it.id], it.match) for it in ex.left}
    assert ("reporter", "interpretation") in kinds
    assert ("reporter", "report") in kinds
    assert {it.match for it in ex.left} == {"report", "interpretation"}


def test_presumed_items_rest_on_the_goals_table(ds: Any) -> None:
    """What the explanations of the presumed items say about goals is what `goals` records.

    The US aims of the 1980s are containment and attrition (stated) and, from 1985,
    roll-back (inferred from reports of a directive never released), none of them the Soviet
    Union's collapse; Russia's flank motive is inferred, not stated.
    """
    goals = ds.goals
    us = goals[(goals.case_id == CASE_1980S) & (goals.actor_id == "usa")]
    assert set(us[us.basis == "stated"].category) == {"containment", "attrition"}
    assert set(us[us.basis == "inferred"].category) == {"roll-back", "deniability"}
    explanation = _BANK["ex-01-3"].option("p-us-aimed-at-collapse").explanation
    for words in ("contain Soviet influence", "raise the cost", "drive Soviet forces out"):
        assert words in explanation
    assert goals.set_index("goal_id").basis["g18-rus-flank"] == "inferred"
    trap = ds.row("events", "e80-1998-01-brzezinski-trap")
    assert bool(trap.contested)


def test_the_1980s_help_came_before_the_intervention(ds: Any) -> None:
    """The numeric prompt says the US approved help before Soviet troops came (July 1979)."""
    assert _years(ds, "e80-1979-07-first-finding", "e80-1979-12-intervention") > 0
    assert ds.row("events", "e80-1979-07-first-finding").date.month == 7


@pytest.mark.parametrize(
    "ex", [e for e in EXERCISES if e.kind != "text" and e.scored], ids=lambda e: e.id
)
def test_the_key_earns_full_marks(ex: Exercise) -> None:
    """Answering with the key is marked right, and an answer off the key is not."""
    key: Any
    wrong: Any
    if ex.kind in {"single", "multiple"}:
        right = [o.id for o in ex.options if o.correct]
        key = right[0] if ex.kind == "single" else right
        wrong = next(o.id for o in ex.options if not o.correct)
        wrong = wrong if ex.kind == "single" else [*right, wrong]
    elif ex.kind == "matching":
        key = {it.id: it.match for it in ex.left}
        wrong = {**key, ex.left[0].id: next(r.id for r in ex.right if r.id != ex.left[0].match)}
    elif ex.kind == "numeric":
        assert ex.high is not None
        key, wrong = ex.value if ex.value is not None else ex.high, ex.high + 1
    else:
        pytest.fail(f"no key test for the kind {ex.kind}")
    assert grade(ex, key).correct is True
    assert grade(ex, wrong).correct is False


class _Tables:
    """The dataset's tables, some of them replaced."""

    def __init__(self, ds: Any, **tables: pd.DataFrame) -> None:
        self._ds, self._tables = ds, tables

    def __getattr__(self, name: str) -> Any:
        return self._tables[name] if name in self._tables else getattr(self._ds, name)


# --- the notebook ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nb() -> Any:
    return nbformat.read(NOTEBOOK, as_version=4)


def _last_line(cell: Any) -> str:
    lines = [ln for ln in cell.source.strip().splitlines() if ln.strip()]
    return lines[-1].strip() if lines else ""


def _tags(cell: Any) -> set[str]:
    return set(cell.metadata.get("tags", []))


def _code(nb: Any) -> list[Any]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_notebook_opens_with_the_frame(nb: Any) -> None:
    """Title, purpose, three to five goals and the time needed, then the navigation marker."""
    head = nb.cells[0]
    assert head.cell_type == "markdown"
    assert re.match(r"# 01 · \S", head.source)
    assert "**Purpose:**" in head.source
    goals = head.source.split("**By the end you can**", 1)[1].split("**Time needed:**")[0]
    assert 3 <= len(re.findall(r"^- ", goals, flags=re.M)) <= 5
    assert head.source.endswith(lessonpage.measured_time(nb)), "measured by analogylab tidy"
    assert nb.cells[1].cell_type == "markdown"
    assert nb.cells[1].source.splitlines()[0] == "<!-- analogylab:navigation -->"


def test_notebook_has_the_setup_cell(nb: Any) -> None:
    """The first code cell sets up matplotlib, the package, the charts and the dataset."""
    setup = _code(nb)[0].source.splitlines()
    for line in (
        "%matplotlib inline",
        "import analogylab",
        "from analogylab import casebook, charts, widgets",
        "ds = analogylab.load_dataset()",
        "analogylab.ready(ds)",
    ):
        assert line in setup
    assert setup[-1] == "analogylab.ready(ds)"


def test_notebook_shows_every_exercise_once(nb: Any) -> None:
    """Each exercise of lesson 01 is the last expression of one cell, introduced by markdown.

    Its stored output is compared (the cell is not tagged nbval-ignore-output).
    """
    shown = []
    for i, cell in enumerate(nb.cells):
        m = re.fullmatch(r'analogylab\.exercise\("(ex-\d\d-\d+)"\)', _last_line(cell))
        if cell.cell_type == "code" and m:
            shown.append(m.group(1))
            assert "nbval-ignore-output" not in _tags(cell), m.group(1)
            assert nb.cells[i - 1].cell_type == "markdown", m.group(1)
    assert len(shown) >= 3
    assert sorted(shown) == sorted(e.id for e in EXERCISES)


def test_notebook_shows_its_charts_and_explorer(nb: Any) -> None:
    """The counterpart map and the aligned explorer are on the page.

    The aligned explorer is the last expression of a cell tagged nbval-ignore-output, after a
    question saying what to try. (That each chart's sources are listed is checked for every
    lesson by tests/test_lesson_citations.py.)
    """
    cells = _code(nb)
    shows = [c for c in cells if "charts.show(" in c.source]
    assert any(
        'charts.counterpart_map(ds, "us-mujahideen-1980s", "russia-taliban-2018")' in c.source
        for c in shows
    )
    i = next(
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and _last_line(c).startswith("widgets.aligned_explorer(ds")
    )
    assert "nbval-ignore-output" in _tags(nb.cells[i])
    intro = nb.cells[i - 1]
    assert intro.cell_type == "markdown"
    assert "?" in intro.source


def test_notebook_ends_with_summary_and_sources(nb: Any) -> None:
    """A summary, then the sources heading, then the cell that lists the lesson's sources."""
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    summary = next(i for i, s in enumerate(md) if s.startswith("## Summary"))
    sources = next(i for i, s in enumerate(md) if "## Sources for this lesson" in s.splitlines())
    assert summary < sources
    assert "## Sources for this lesson" in nb.cells[-2].source.splitlines()
    assert _last_line(nb.cells[-1]) == 'analogylab.lesson_sources(ds, "01")'


def test_stored_outputs_are_clean_and_short(nb: Any) -> None:
    """Every code cell has run; no stored error, warning or stderr; text outputs stay short."""
    for cell in _code(nb):
        assert cell.execution_count is not None, cell.source
        for out in cell.outputs:
            assert out.output_type != "error", cell.source
            assert not (out.output_type == "stream" and out.name == "stderr"), cell.source
            text = out.get("text", "") or out.get("data", {}).get("text/plain", "")
            assert "Warning" not in text, cell.source
            if "charts.show(" not in cell.source and "show_table(" not in cell.source:
                # a chart's text twin, and a table's plain-text form, may run long
                assert len(text.splitlines()) <= 25, cell.source


def test_stored_sources_list_the_exercise_sources(nb: Any) -> None:
    """The stored bibliography lists the two seed texts and every source the exercises rely on."""
    out = nb.cells[-1].outputs
    text = "".join(o.get("data", {}).get("text/markdown", "") for o in out)
    assert text
    for ex in EXERCISES:
        for source_id in ex.sources:
            assert f"[{source_id}]" in text, (ex.id, source_id)
    for source_id in ("ryan-ferris-rotman-2018-kremlins-comeback", "bill-c-2018-swj-comment"):
        assert f"[{source_id}]" in text, source_id


def test_the_curators_judgement_comes_after_the_students() -> None:
    """ex-01-5 asks for the student's judgement of the pairs: recorded, not marked.

    Its options still carry the curators' grade (checked against `counterparts` above), each
    explanation gives the grade's reason, and the student is asked to argue back.
    """
    ex = _BANK["ex-01-5"]
    assert ex.judgement and not ex.scored
    assert ex.argue
    assert all(o.explanation for o in ex.options)


def test_the_story_comes_first_and_starts_before_the_case(nb: Any, ds: Any) -> None:
    """Neustadt and May's order: the story (Goldberg rule) before claims and the sort.

    The story's rows start in the 1980s case and run through the 2018 case's years of
    enmity (1996-2003) to the article; the story section comes before the known, unclear
    and presumed sort, and Alexander's question (ex-01-7) follows the sort (ex-01-3).
    """
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    story = next(i for i, s in enumerate(md) if s.startswith("## What's the story?"))
    kup = next(i for i, s in enumerate(md) if s.startswith("## Known, unclear, presumed"))
    assert story < kup
    assert "Goldberg rule" in md[story]
    code = next(c.source for c in nb.cells if c.source.startswith("STORY = ["))
    ids = re.findall(r'"(e\d\d-[^"]+)"', code)
    dates = ds.events.set_index("event_id").date[ids]
    assert dates.min().year < 1980
    assert any(1996 <= d.year <= 2003 and i.startswith("e18-") for i, d in dates.items())
    assert dates.max() <= ds.case(CASE_2018).analysis_date
    order = [
        m.group(1)
        for c in nb.cells
        if (m := re.fullmatch(r'analogylab\.exercise\("(ex-01-\d)"\)', _last_line(c)))
    ]
    assert order.index("ex-01-3") + 1 == order.index("ex-01-7")
    assert "what new information would change\nyour mind" in _BANK["ex-01-7"].prompt
