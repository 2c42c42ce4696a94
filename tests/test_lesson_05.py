"""Lesson 05 (competing hypotheses): keys agree with the analysis; the notebook has the frame.

Every key that follows from the data is recomputed from the shipped tables with the
functions of ``analogylab.analysis``: which items are diagnostic (ex-05-1), the rating grid
against ``ratings.csv`` cell by cell, rationale included (ex-05-2), one hypothesis's
inconsistency score (ex-05-3), and which single items move the top of the ranking when left
out (ex-05-4). What the lesson's prose and model answer say about the reference matrix (a tie
at the top, the weighted order, the items each leader's points come from) is checked too, so
a change of the data fails here and names the exercise or the claim. Each check is a small
function listing disagreements, shown to fail on a table changed to disagree. The notebook is
read as JSON (nbval runs it) and checked for the lesson frame.
"""

from __future__ import annotations

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
from lessonpage import tags as _tags

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "05-competing-hypotheses.ipynb"
CASE = "russia-taliban-2018"
LESSON = "05"

_BANK = read_bank(find_data())
EXERCISES = {ex.id: ex for ex in _BANK.of_lesson(LESSON)}


def _ex(exercise_id: str) -> Exercise:
    return EXERCISES[exercise_id]


def _matrix(ds: Any, ratings: pd.DataFrame | None = None) -> pd.DataFrame:
    """The case's reference matrix, from ``ratings`` (a changed copy) if given."""
    if ratings is None:
        return analysis.rating_matrix(ds, CASE)
    hyps = ds.hypotheses[ds.hypotheses.case_id == CASE].hypothesis_id
    return analysis.as_matrix(ratings[ratings.hypothesis_id.isin(hyps)])


def _with_rating(ds: Any, evidence_id: str, hypothesis_id: str, rating: str) -> pd.DataFrame:
    """A copy of the ratings table with one cell changed."""
    ratings = ds.ratings.copy()
    cell = (ratings.evidence_id == evidence_id) & (ratings.hypothesis_id == hypothesis_id)
    assert cell.sum() == 1
    ratings.loc[cell, "rating"] = rating
    return ratings


# --- the bank -------------------------------------------------------------------------------


def test_lesson_bank_is_big_and_varied_enough() -> None:
    """At least four exercises, numbered ex-05-1 ... without gaps, of at least three kinds."""
    ids = sorted(EXERCISES, key=lambda i: int(i.rsplit("-", 1)[1]))
    assert len(ids) >= 4
    assert ids == [f"ex-05-{k}" for k in range(1, len(ids) + 1)]
    assert len({ex.kind for ex in EXERCISES.values()}) >= 3
    for ex in EXERCISES.values():
        assert ex.sources, f"{ex.id} cites no source"
        assert ex.hints, f"{ex.id} has no hint"


def diagnostic_disagreements(ex: Exercise, m: pd.DataFrame) -> list[str]:
    """ex-05-1: each option is an evidence id, correct exactly when it is not diagnostic."""
    diag = analysis.diagnosticity(m).set_index("evidence_id")
    out = []
    for o in ex.options:
        if o.id not in diag.index:
            out.append(f"ex-05-1: {o.id} is not evidence of {CASE}")
            continue
        if o.correct != (not diag.at[o.id, "diagnostic"]):
            out.append(
                f"ex-05-1: {o.id} correct={o.correct}, diagnostic={diag.at[o.id, 'diagnostic']}"
            )
    return out


def test_non_diagnostic_key_agrees_with_diagnosticity(ds: Any) -> None:
    ex = _ex("ex-05-1")
    assert ex.kind == "multiple"
    assert diagnostic_disagreements(ex, _matrix(ds)) == []
    assert any(o.correct for o in ex.options) and not all(o.correct for o in ex.options)


def test_non_diagnostic_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-05-1")
    right = next(o for o in ex.options if o.correct)
    h = next(c for c in _matrix(ds).columns if _matrix(ds).at[right.id, c] != "I")
    m = _matrix(ds, _with_rating(ds, right.id, h, "I"))
    assert diagnostic_disagreements(ex, m) == [f"ex-05-1: {right.id} correct=True, diagnostic=True"]


def test_non_diagnostic_options_are_not_in_the_grid() -> None:
    """ex-05-1 must not give away cells of the rating grid that follows it."""
    grid_rows = {r.id for r in _ex("ex-05-2").rows}
    assert not grid_rows & {o.id for o in _ex("ex-05-1").options}


def grid_disagreements(ex: Exercise, ratings: pd.DataFrame) -> list[str]:
    """ex-05-2: key and rationale equal the ratings table's rating and rationale, cell by cell."""
    table = ratings.set_index(["evidence_id", "hypothesis_id"])
    out = []
    for r in ex.rows:
        for c in ex.columns:
            if (r.id, c.id) not in table.index:
                out.append(f"ex-05-2: {r.id}/{c.id} is not in ratings.csv")
                continue
            want = table.loc[(r.id, c.id)]
            if ex.key[r.id][c.id] != want["rating"]:
                out.append(
                    f"ex-05-2: key {r.id}/{c.id} is {ex.key[r.id][c.id]}, ratings.csv says "
                    f"{want['rating']}"
                )
            if ex.rationale[r.id][c.id] != want["rationale"]:
                out.append(f"ex-05-2: rationale {r.id}/{c.id} differs from ratings.csv")
    return out


def test_grid_key_and_rationale_are_the_ratings_table(ds: Any) -> None:
    ex = _ex("ex-05-2")
    assert ex.kind == "grid"
    assert grid_disagreements(ex, ds.ratings) == []


def test_grid_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-05-2")
    r, c = ex.rows[0].id, ex.columns[0].id
    other = next(s for s in ex.scale if s != ex.key[r][c])
    ratings = _with_rating(ds, r, c, other)
    assert grid_disagreements(ex, ratings) == [
        f"ex-05-2: key {r}/{c} is {ex.key[r][c]}, ratings.csv says {other}"
    ]
    ratings = ds.ratings.copy()
    cell = (ratings.evidence_id == r) & (ratings.hypothesis_id == c)
    ratings.loc[cell, "rationale"] = "Something else."
    assert grid_disagreements(ex, ratings) == [
        f"ex-05-2: rationale {r}/{c} differs from ratings.csv"
    ]


def grid_choice_problems(ex: Exercise, m: pd.DataFrame, evidence: pd.DataFrame) -> list[str]:
    """ex-05-2's rows are picked with ``diagnosticity`` on the reference ratings.

    Every row is diagnostic; the items with the most inconsistency points are all rows;
    every hypothesis of the case is a column, in the data's order, and every hypothesis that
    any item counts against in the reference loses at least one point in the grid too (so
    no such column can be rated without a judgement against it); and at least one row is a
    contested allegation.
    """
    diag = analysis.diagnosticity(m).set_index("evidence_id")
    rows = [r.id for r in ex.rows]
    out = [f"ex-05-2: row {e} is not diagnostic" for e in rows if not diag.at[e, "diagnostic"]]
    top = diag.index[diag.points == diag.points.max()]
    out += [f"ex-05-2: {e} has the most points but is not a row" for e in top if e not in rows]
    if [c.id for c in ex.columns] != list(m.columns):
        out.append(f"ex-05-2: columns are not the case's hypotheses {list(m.columns)}")
    contradicted = {h for h in m.columns if m[h].isin(["I", "II"]).any()}
    out += [
        f"ex-05-2: no row counts against {c.id}"
        for c in ex.columns
        if c.id in contradicted and not any(analysis.RATING_POINTS[ex.key[r][c.id]] for r in rows)
    ]
    ev = evidence.set_index("evidence_id").loc[rows]
    if not ((ev.kind == "allegation") & ev.contested).any():
        out.append("ex-05-2: no row is a contested allegation")
    return out


def test_grid_rows_are_the_diagnostic_items(ds: Any) -> None:
    ex = _ex("ex-05-2")
    assert 5 <= len(ex.rows) <= 7
    assert grid_choice_problems(ex, _matrix(ds), ds.evidence) == []
    assert ex.scale == ("CC", "C", "N", "I", "II", "NA")
    assert ex.ordered and ex.unordered == ("NA",)


def test_grid_choice_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-05-2")
    first = ex.rows[0].id
    # Rate the first row neutral everywhere: it is no longer diagnostic.
    ratings = ds.ratings.copy()
    ratings.loc[ratings.evidence_id == first, "rating"] = "N"
    out = grid_choice_problems(ex, _matrix(ds, ratings), ds.evidence)
    assert f"ex-05-2: row {first} is not diagnostic" in out
    evidence = ds.evidence.copy()
    evidence.loc[evidence.evidence_id.isin([r.id for r in ex.rows]), "kind"] = "action"
    assert grid_choice_problems(ex, _matrix(ds), evidence) == [
        "ex-05-2: no row is a contested allegation"
    ]


SCORED = "h-flank-hedge"


def score_disagreements(ex: Exercise, m: pd.DataFrame) -> list[str]:
    """ex-05-3: the accepted value is the hypothesis's inconsistency score, and only it."""
    scores = analysis.score_hypotheses(m).set_index("hypothesis_id")
    want = float(scores.at[SCORED, "inconsistency"])
    out = []
    assert ex.low is not None and ex.high is not None
    if not ex.low <= want <= ex.high:
        out.append(f"ex-05-3: {SCORED} scores {want:g}, key accepts {ex.low:g}-{ex.high:g}")
    if ex.high - ex.low >= 1:
        out.append("ex-05-3: the key accepts more than one whole score")
    if want == scores.at[SCORED, "consistent"]:
        out.append("ex-05-3: counting consistent ratings gives the same number; no trap to explain")
    return out


def test_score_key_agrees_with_score_hypotheses(ds: Any) -> None:
    ex = _ex("ex-05-3")
    assert ex.kind == "numeric"
    assert SCORED in ex.prompt or "guard the flank" in ex.prompt.lower()
    assert score_disagreements(ex, _matrix(ds)) == []


def test_score_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-05-3")
    m = _matrix(ds)
    item = next(e for e in m.index if m.at[e, SCORED] in ("C", "CC", "N"))
    changed = _matrix(ds, _with_rating(ds, item, SCORED, "II"))
    want = analysis.score_hypotheses(changed).set_index("hypothesis_id").at[SCORED, "inconsistency"]
    assert score_disagreements(ex, changed) == [
        f"ex-05-3: {SCORED} scores {want:g}, key accepts {ex.low:g}-{ex.high:g}"
    ]


def leave_one_out_disagreements(ex: Exercise, m: pd.DataFrame) -> list[str]:
    """ex-05-4: an option is correct exactly when leaving it out changes the leader(s).

    The prompt says one hypothesis has the fewest points and three others are not far
    behind (one point); that is checked too.
    """
    scores = analysis.score_hypotheses(m)
    out = []
    if (scores["rank"] == 1).sum() != 1:
        out.append(
            f"ex-05-4: the prompt says one leads; {(scores['rank'] == 1).sum()} share the top"
        )
    lead = scores["score"].min()
    near = int(((scores["score"] > lead) & (scores["score"] <= lead + 2)).sum())
    if near != 3:
        out.append(f"ex-05-4: the prompt says three are not far behind; {near} are")
    loo = analysis.leave_one_out(m).set_index("evidence_id")
    for o in ex.options:
        changed = bool(loo.at[o.id, "leader_changed"])
        if o.correct != changed:
            out.append(f"ex-05-4: {o.id} correct={o.correct}, leader_changed={changed}")
    return out


def test_leave_one_out_key_agrees_with_leave_one_out(ds: Any) -> None:
    ex = _ex("ex-05-4")
    assert ex.kind == "multiple"
    assert leave_one_out_disagreements(ex, _matrix(ds)) == []
    assert any(o.correct for o in ex.options) and not all(o.correct for o in ex.options)


def test_leave_one_out_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-05-4")
    # ev-15 is the flank reading's only point; rated N, the flank reading shares the lead.
    m = _matrix(ds, _with_rating(ds, "ev-15", "h-flank-hedge", "N"))
    out = leave_one_out_disagreements(ex, m)
    assert out[0] == "ex-05-4: the prompt says one leads; 2 share the top"
    assert "ex-05-4: ev-15 correct=True, leader_changed=False" in out


def test_judgement_question_has_a_rubric() -> None:
    """ex-05-5: a self-assessed text with a model answer, a rubric and keyword nudges."""
    ex = _ex("ex-05-5")
    assert ex.kind == "text"
    assert len(ex.model_answer.split()) >= 80
    assert len(ex.rubric) >= 4
    assert ex.keywords


# --- what the prose and the model answer say about the reference matrix --------------------


def reference_claims(ds: Any, m: pd.DataFrame) -> list[str]:  # noqa: PLR0912  (one branch per claim)
    """Claims the lesson and ex-05-5's model answer make; each returns a problem if false."""
    plain = analysis.score_hypotheses(m).set_index("hypothesis_id")
    weighted = analysis.score_hypotheses(m, ds.evidence, weighted=True).set_index("hypothesis_id")
    pts = m.apply(lambda col: col.map(lambda v: analysis.RATING_POINTS.get(v, 0) if v else 0))
    against = {h: sorted(pts.index[pts[h] > 0]) for h in pts.columns}
    out = []
    leaders = sorted(plain.index[plain["rank"] == 1])
    if leaders != ["h-status-leverage"]:
        out.append(f"the leaders are {leaders}, not status alone")
    want = {
        "h-status-leverage": [],
        "h-flank-hedge": ["ev-15"],
        "h-raise-us-costs": ["ev-24"],
        "h-power-broker": ["ev-01", "ev-32"],
        "h-reverse-cold-war": ["ev-09", "ev-24", "ev-27"],
    }
    for h, items in want.items():
        if against[h] != items:
            out.append(f"points against {h}: {against[h]}")
    if plain.at["h-narcotics", "inconsistency"] != 6:
        out.append("the heroin reading does not score 6")
    # Weighting breaks the tie for second place: flank, then moderate, then broker.
    order = list(weighted.sort_values("score", kind="stable").index)
    if (
        order
        != [
            "h-status-leverage",
            "h-flank-hedge",
            "h-raise-us-costs",
            "h-power-broker",
            "h-reverse-cold-war",
            "h-narcotics",
        ]
        or not weighted["rank"].is_unique
    ):
        out.append(f"the weighted order is {order}")
    for h, figure in (
        ("h-flank-hedge", "1.00"),
        ("h-raise-us-costs", "2.00"),
        ("h-power-broker", "2.83"),
    ):
        if f"{weighted.at[h, 'score']:.2f}" != figure:
            out.append(f"{h} weighs {weighted.at[h, 'score']:.2f}, not {figure}")
    gap = plain.at["h-narcotics", "score"] - plain.at["h-reverse-cold-war", "score"]
    wgap = weighted.at["h-narcotics", "score"] - weighted.at["h-reverse-cold-war", "score"]
    if gap != 3 or not 0 < wgap < gap or round(wgap) != 2:
        out.append(f"the gap at the bottom goes {gap:g} -> {wgap:.2f}, not three to about two")
    by_fits = list(plain.sort_values("consistent", ascending=False, kind="stable").index)
    if by_fits[0] != "h-flank-hedge" or by_fits.index("h-status-leverage") != 2:
        out.append(f"counted by fits the order is {by_fits}")
    loo = analysis.leave_one_out(m)
    movers = sorted(loo.evidence_id[loo.leader_changed])
    if movers != ["ev-15", "ev-24"]:
        out.append(f"the items that move the top are {movers}")
    wloo = analysis.leave_one_out(m, ds.evidence, weighted=True).set_index("evidence_id")
    if sorted(wloo.index[wloo.order_changed]) != ["ev-01", "ev-15", "ev-24", "ev-32"]:
        out.append(
            f"weighted, the items that move the order are {sorted(wloo.index[wloo.order_changed])}"
        )
    for e in ("ev-01", "ev-32"):
        if not {"h-power-broker", "h-raise-us-costs"} <= set(wloo.at[e, "moved"]):
            out.append(f"weighted, dropping {e} does not lift the broker above the moderate form")
    diag = analysis.diagnosticity(m).set_index("evidence_id")
    if diag.at["ev-07", "diagnostic"]:
        out.append("ev-07, the lesson's example of a non-diagnostic item, is diagnostic")
    if (m == "II").any().any():
        out.append("the reference now has II ratings; the prose says it has none")
    share = diag.diagnostic.sum() / len(diag)
    if not 0.25 < share < 0.45:
        out.append(f"{share:.0%} of the items are diagnostic, not about a third")
    if not (diag.points[diag.diagnostic] == 1).sum() > diag.diagnostic.sum() / 2:
        out.append("most diagnostic items do not count against a single hypothesis")
    return out


def grid_row_claims(ex: Exercise, evidence: pd.DataFrame) -> list[str]:
    """The lesson says three of the six grid rows are contested, two of them allegations."""
    ev = evidence.set_index("evidence_id").loc[[r.id for r in ex.rows]]
    out = []
    if int(ev.contested.sum()) != 3:
        out.append(f"{int(ev.contested.sum())} grid rows are contested, not 3")
    if int((ev.contested & (ev.kind == "allegation")).sum()) != 2:
        out.append("the contested grid rows do not include two allegations")
    return out


def test_reference_claims_hold(ds: Any) -> None:
    assert reference_claims(ds, _matrix(ds)) == []
    assert grid_row_claims(_ex("ex-05-2"), ds.evidence) == []


def test_reference_claims_check_can_fail(ds: Any) -> None:
    m = _matrix(ds, _with_rating(ds, "ev-11", "h-status-leverage", "I"))
    out = reference_claims(ds, m)
    assert out[:2] == [
        (
            "the leaders are ['h-flank-hedge', 'h-raise-us-costs', 'h-status-leverage'], "
            "not status alone"
        ),
        "points against h-status-leverage: ['ev-11']",
    ]
    evidence = ds.evidence.copy()
    evidence.loc[evidence.evidence_id == "ev-17", "contested"] = False
    assert grid_row_claims(_ex("ex-05-2"), evidence) == [
        "2 grid rows are contested, not 3",
        "the contested grid rows do not include two allegations",
    ]


# --- the notebook ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nb() -> Any:
    return nbformat.read(str(NOTEBOOK), as_version=4)


def test_title_purpose_goals_time(nb: Any) -> None:
    lessonpage.check_frame(nb, "# 05 · Competing hypotheses: rate the evidence yourself")


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


def test_analysis_date_and_counts_are_the_data_s(nb: Any, ds: Any) -> None:
    """The lesson names the analysis date, and the numbers of hypotheses and items, as stored."""
    day = pd.Timestamp(ds.case(CASE)["analysis_date"])
    text = _markdown(nb)
    assert f"{day.day} {day.strftime('%B %Y')}" in text
    n_ev = int((ds.evidence.case_id == CASE).sum())
    n_h = int((ds.hypotheses.case_id == CASE).sum())
    words = {6: "six", 32: "32"}
    assert f"{words.get(n_h, n_h)} hypotheses" in text.lower() or f"{n_h} hypotheses" in text
    assert f"{n_ev} items" in text


VERDICTS = [
    r"\bthe (right|correct|true|best|winning) (explanation|hypothesis|reading)\b",
    r"\b(explanation|hypothesis|reading) (is|was) (the )?(right|correct|true|best)\b",
    r"\bis the right one\b",
    r"\bwins\b",
    r"\bthe winner\b",
    r"\bmost likely (explanation|hypothesis|reading)\b",
]


def test_no_verdict_on_the_hypotheses(nb: Any) -> None:
    """The lesson and its model answers never say which hypothesis is right."""
    text = "\n".join(
        [
            _markdown(nb),
            *(o.text for c in _code(nb) for o in c.outputs if o.get("output_type") == "stream"),
            *(ex.model_answer or "" for ex in EXERCISES.values()),
            *(ex.prompt for ex in EXERCISES.values()),
        ]
    )
    found = [m.group(0) for p in VERDICTS for m in re.finditer(p, text, re.IGNORECASE)]
    assert found == []


def test_verdict_check_can_fail() -> None:
    sample = "On this evidence the power broker reading is the right one, and it wins."
    assert any(re.search(p, sample, re.IGNORECASE) for p in VERDICTS)


HEUER_STEPS = [
    "## Step 1:",
    "## Step 2:",
    "## Step 3:",
    "## Step 4:",
    "## Step 5:",
    "## Step 6:",
    "## Step 7:",
    "## Step 8:",
]


def test_heuer_s_eight_steps_in_his_order(nb: Any) -> None:
    """One section per step of Heuer's, numbered as he numbers them, in his order."""
    headings = [line for line in _markdown(nb).splitlines() if line.startswith("## Step ")]
    assert [h.split(":")[0] + ":" for h in headings] == HEUER_STEPS


def _section(nb: Any, step: int) -> list[Any]:
    """The cells of the section headed "## Step N:", up to the next heading."""
    start = next(
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown" and c.source.startswith(f"## Step {step}:")
    )
    out = [nb.cells[start]]
    for c in nb.cells[start + 1 :]:
        if c.cell_type == "markdown" and c.source.startswith("## "):
            break
        out.append(c)
    return out


def _exercises_in(cells: list[Any]) -> list[str]:
    return [
        m.group(1)
        for c in cells
        if c.cell_type == "code"
        for m in [re.search(r"analogylab\.exercise\(['\"](ex-05-\d+)", c.source)]
        if m
    ]


def test_each_step_has_its_exercise(nb: Any) -> None:
    """Each step's exercise sits in its step's section.

    Rating across rows and diagnosticity in step 3, the explorer in step 4, the score in
    step 5, leave-one-out in step 6, the report in step 7, the indicators in step 8.
    """
    assert _exercises_in(_section(nb, 3)) == ["ex-05-1", "ex-05-2"]
    four = "\n".join(c.source for c in _section(nb, 4))
    assert "widgets.ach_explorer(" in four and "analysis.drop_non_diagnostic(" in four
    assert all(w in four for w in ("add", "merge", "split")), "step 4 reconsiders the hypotheses"
    assert _exercises_in(_section(nb, 5)) == ["ex-05-3"]
    assert _exercises_in(_section(nb, 6)) == ["ex-05-4"]
    assert _exercises_in(_section(nb, 7)) == ["ex-05-5"]
    assert _exercises_in(_section(nb, 8)) == ["ex-05-6"]


def test_grid_is_rated_across_the_rows_and_takes_own_columns(nb: Any) -> None:
    """ex-05-2 asks for rows first (prompt and first hint) and the grid can grow a column."""
    ex = _ex("ex-05-2")
    assert "across each row" in ex.prompt.lower()
    first = ex.hints[0].lower()
    assert "row" in first and "column at a time" not in first and "one hypothesis" not in first
    grid_cell = next(c for c in _code(nb) if "ex-05-2" in c.source)
    assert 'analogylab.exercise("ex-05-2", add_columns=True)' in grid_cell.source


def test_judgements_first() -> None:
    """ex-05-1 and the grid are the student's judgement first (recorded, not marked).

    The factual items (a score, which items move the top) stay scored.
    """
    assert _ex("ex-05-1").judgement and _ex("ex-05-2").judgement
    assert not _ex("ex-05-3").judgement and _ex("ex-05-3").scored
    assert not _ex("ex-05-4").judgement and _ex("ex-05-4").scored
    ex1 = _ex("ex-05-1")
    assert "cannot" in ex1.title.lower() and "cannot" in ex1.prompt.lower(), "title and task agree"


def test_step_8_indicators_are_written_as_of_the_analysis_date(ds: Any) -> None:
    """ex-05-6: indicators, as of the case's analysis date, against each of its hypotheses."""
    ex = _ex("ex-05-6")
    assert ex.kind == "indicators" and not ex.check
    day = pd.Timestamp(ds.case(CASE)["analysis_date"])
    assert ex.as_of == day.strftime("%Y-%m-%d")
    hyps = list(ds.hypotheses[ds.hypotheses.case_id == CASE].hypothesis_id)
    assert [h.id for h in ex.hypotheses] == hyps
    assert ex.at_least >= 3
    for word in ("before", "by when", "count against"):
        assert word in ex.prompt.lower(), word


def test_answers_are_folded_below_their_exercises(nb: Any) -> None:
    """The tables that answer ex-05-4 and ex-05-1 open only on a click, after the exercise."""
    for exercise, call in (
        ("ex-05-4", "analysis.leave_one_out("),
        ("ex-05-1", "drop_non_diagnostic("),
    ):
        cell = next(c for c in _code(nb) if call in c.source)
        assert f'folded="Open after you have answered {exercise}"' in cell.source
        ex_cell = next(c for c in _code(nb) if f'exercise("{exercise}"' in c.source)
        assert nb.cells.index(ex_cell) < nb.cells.index(cell)
        for out in cell.outputs:
            html = out.get("data", {}).get("text/html", "")
            if html:
                assert "<details" in html, f"{exercise}'s answer is shown open"


def test_where_the_package_simplifies_heuer_is_said(nb: Any) -> None:
    """The lesson says that its "diagnostic" is narrower than Heuer's, and where it simplifies."""
    text = _markdown(nb)
    assert "narrower than Heuer" in text
    assert text.count("Where the package simplifies Heuer") >= 2
    assert 'HEUER_NOTES["diagnostic"]' in text


def test_the_reference_matrix_is_shown(nb: Any) -> None:
    """The reference matrix is shown with its twin, folded under the grid it answers."""
    cells = [c for c in _code(nb) if "charts.ach_matrix(" in c.source]
    assert len(cells) == 1
    assert "matrix = charts.show(charts.ach_matrix(ds, CASE), folded=" in cells[0].source
    assert "nbval-ignore-output" not in _tags(cells[0])


EXPLORER = "widgets.ach_explorer(ds, CASE, exercise=grid)"


def test_explorer_is_last_tagged_and_tied_to_the_grid(nb: Any) -> None:
    """The ACH explorer is the last expression of its cell, tagged for nbval, after a prompt."""
    before = lessonpage.check_explorer(nb, EXPLORER)
    assert "?" in before.source
    cells = [c for c in _code(nb) if "widgets.ach_explorer(" in c.source]
    grid_cell = next(c for c in _code(nb) if "ex-05-2" in c.source)
    assert nb.cells.index(grid_cell) < nb.cells.index(cells[0]), (
        "the grid comes before its explorer"
    )


def test_analysis_steps_are_on_the_page(nb: Any) -> None:
    """The lesson runs every step: step 4's pruning, scores, weights, leave one out."""
    code = "\n".join(c.source for c in _code(nb))
    for call in (
        "analysis.rating_matrix(",
        "analysis.drop_non_diagnostic(",
        "analysis.score_hypotheses(",
        "weighted=True",
        "analysis.leave_one_out(",
        "rating_spread.rating_counts(",
    ):
        assert call in code, call


def test_exercises_each_shown_once_and_introduced(nb: Any) -> None:
    """Every exercise of the bank once, in order, each after a Markdown introduction."""
    shown = _exercises_in(nb.cells)
    assert shown == sorted(EXERCISES, key=lambda i: int(i.rsplit("-", 1)[1])) or sorted(
        shown
    ) == sorted(EXERCISES)
    assert len(shown) == len(set(shown)) == len(EXERCISES)
    for c in _code(nb):
        if _exercises_in([c]):
            assert "nbval-ignore-output" not in _tags(c)
            assert nb.cells[nb.cells.index(c) - 1].cell_type == "markdown"


def test_summary_and_sources_close_the_lesson(nb: Any) -> None:
    lessonpage.check_closing(nb, "05")


def test_tables_students_read_are_shown_whole(nb: Any) -> None:
    """Every table a student reads goes through show_table: no bare DataFrame, no cut text."""
    for c in _code(nb):
        for out in c.outputs:
            html = out.get("data", {}).get("text/html", "")
            assert "dataframe" not in html, c.source
            assert "..." not in out.get("data", {}).get("text/plain", ""), c.source


def test_stored_outputs_are_clean(nb: Any) -> None:
    """The stored run has no error, no warning on stderr, and every code cell ran."""
    lessonpage.check_clean_run(nb)


def test_the_readers_sample_is_labelled_as_illustrative(nb: Any) -> None:
    """The sample of readers' judgements is called the curators' illustration, not a survey."""
    cell = next(c for c in _code(nb) if "rating_spread.sample_spread(" in c.source)
    before = nb.cells[nb.cells.index(cell) - 1].source
    assert "illustrative sample" in before and "not* a survey of real students" in before
    assert "written by the curators" in before
    shown = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
    assert "not real students" in shown
    assert "Curators&#x27; rating" in shown or "Curators' rating" in shown
