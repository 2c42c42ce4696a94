"""Lesson 04 (testing the analogy): keys agree with the data and the analysis; the lesson frame.

The keys are checked against what they come from: the `counterparts` table (who plays whose
part, and the best fit), the `likenesses` verdicts, the analogy score that
`analysis.analogy_strength` gives with the default weights, what `analysis.weight_sensitivity`
says one weight can do, and the types of the comment's claims in `claims`. The figures that the
explanations quote are recomputed too. Each check is a small function that lists disagreements,
and each is shown to fail on data changed to disagree.
The notebook is read as JSON (not run: nbval runs it) and checked for the lesson frame:
title, purpose, goals, time needed, navigation marker, setup, the chart with its sources, the
tagged explorer with a prompt to try, the exercises, the summary and the sources cell, and
that it hands down no verdict on the analogy.
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
from lessonpage import markdown as _markdown

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04-testing-the-analogy.ipynb"
A, B = "us-mujahideen-1980s", "russia-taliban-2018"
LESSON = "04"
FIT_RANK = {"strong": 0, "partial": 1, "weak": 2}

_BANK = read_bank(find_data())
EXERCISES = {ex.id: ex for ex in _BANK.of_lesson(LESSON)}


def _ex(exercise_id: str) -> Exercise:
    return EXERCISES[exercise_id]


def _f(x: float) -> str:
    """A score as the lesson writes it: two decimals."""
    return f"{x:.2f}"


# --- the bank -------------------------------------------------------------------------------


def test_lesson_bank_is_big_and_varied_enough() -> None:
    """At least five exercises, numbered ex-04-1 ... without gaps, of at least three kinds."""
    ids = sorted(EXERCISES, key=lambda i: int(i.rsplit("-", 1)[1]))
    assert len(ids) >= 5
    assert ids == [f"ex-04-{k}" for k in range(1, len(ids) + 1)]
    assert len({ex.kind for ex in EXERCISES.values()}) >= 3
    for ex in EXERCISES.values():
        assert ex.sources, f"{ex.id} cites no source"
        assert ex.hints, f"{ex.id} has no hint"


# --- ex-04-1: counterparts ------------------------------------------------------------------


def counterpart_disagreements(ex: Exercise, counterparts: pd.DataFrame) -> list[str]:
    """ex-04-1: each key is the 1980s actor's best-fitting 2018 counterpart in the table.

    The best fit must be unique (else the key would be arbitrary), the explanation must name
    that fit, the exercise must cite the sources of the rows it rests on, and every right-hand
    item that is nobody's key must indeed be nobody's best counterpart.
    """
    pair = counterparts[(counterparts.case_a == A) & (counterparts.case_b == B)]
    out = []
    best_of: dict[str, str] = {}
    for it in ex.left:
        rows = pair[pair.actor_a == it.id]
        if rows.empty:
            out.append(f"{it.id}: no counterpart in the table")
            continue
        ranks = rows.fit.map(FIT_RANK)
        best = rows[ranks == ranks.min()]
        if len(best) > 1:
            out.append(f"{it.id}: several best counterparts {sorted(best.actor_b)}")
            continue
        top = best.iloc[0]
        best_of[it.id] = top.actor_b
        if it.match != top.actor_b:
            out.append(f"{it.id}: best fit is {top.actor_b} ({top.fit}), key says {it.match}")
        if not it.explanation.startswith(f"Fit {top.fit}"):
            out.append(f"{it.id}: explanation does not start with 'Fit {top.fit}'")
        missing = {s for ids in rows.source_ids for s in ids} - set(ex.sources)
        if missing:
            out.append(f"{it.id}: sources not cited: {sorted(missing)}")
    out += [
        f"distractor {r.id} is the best counterpart of {a}"
        for r in ex.right
        for a, b in best_of.items()
        if r.id == b and r.id not in {it.match for it in ex.left}
    ]
    return out


def test_counterparts_key_agrees_with_table(ds: Any) -> None:
    ex = _ex("ex-04-1")
    assert ex.kind == "matching"
    assert counterpart_disagreements(ex, ds.counterparts) == []
    unmatched = {r.id for r in ex.right} - {it.match for it in ex.left}
    assert unmatched, "the right-hand side offers distractors"


def test_counterparts_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-04-1")
    cp = ds.counterparts.copy()
    cp.loc[cp.counterpart_id == "cp-pakistan-tajikistan", "fit"] = "strong"
    assert counterpart_disagreements(ex, cp) == [
        "pakistan: best fit is tajikistan (strong), key says pakistan",
        "pakistan: explanation does not start with 'Fit strong'",
        "distractor tajikistan is the best counterpart of pakistan",
    ]


# --- ex-04-2: which dimensions are likenesses -------------------------------------------------


def likeness_disagreements(ex: Exercise, table: pd.DataFrame) -> list[str]:
    """ex-04-2: an option is correct exactly when the pair's verdict is a full likeness.

    ``table`` is ``analysis.likenesses_and_differences`` for the pair. Each explanation opens
    with the verdict, so it cannot say one thing while the key says another.
    """
    rows = table.set_index("dimension_id")
    out = []
    for o in ex.options:
        if o.id not in rows.index:
            out.append(f"{o.id}: not a dimension")
            continue
        verdict = rows.at[o.id, "verdict"]
        if o.correct != (verdict == "likeness"):
            out.append(f"{o.id}: correct={o.correct}, verdict={verdict}")
        if not o.explanation.startswith(f"{str(verdict).capitalize()}:"):
            out.append(f"{o.id}: explanation does not open with '{str(verdict).capitalize()}:'")
    return out


def test_likeness_key_agrees_with_likenesses(ds: Any) -> None:
    ex = _ex("ex-04-2")
    assert ex.kind == "multiple"
    table = analysis.likenesses_and_differences(ds, A, B)
    assert likeness_disagreements(ex, table) == []
    verdicts = table.set_index("dimension_id").verdict
    offered = {verdicts[o.id] for o in ex.options}
    assert offered == {"likeness", "partial", "difference"}, (
        "partials and differences as distractors"
    )


def test_likeness_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-04-2")
    table = analysis.likenesses_and_differences(ds, A, B)
    table.loc[table.dimension_id == "proxy-aim", "verdict"] = "partial"
    assert likeness_disagreements(ex, table) == [
        "proxy-aim: correct=True, verdict=partial",
        "proxy-aim: explanation does not open with 'Partial:'",
    ]


# --- ex-04-3: the score with the default weights -----------------------------------------------


def score_disagreements(ex: Exercise, strength: analysis.AnalogyScore) -> list[str]:
    """ex-04-3: the accepted range holds the score and excludes the slips the explanations name.

    The explanations quote the sums behind the score and the results of three slips (partials
    as nothing, no weights, partials as full likenesses); each figure is recomputed here from
    the score's own table.
    """
    assert ex.low is not None and ex.high is not None and ex.value is not None
    t = strength.table[strength.table.verdict.notna()]
    w, v = t.weight, t.verdict
    total = w.sum()
    slips = {
        "too_low": [(w[v == "likeness"].sum() / total), t.points.mean()],
        "too_high": [(w[v != "difference"].sum() / total)],
    }
    out = []
    if not ex.low <= strength.score <= ex.high:
        out.append(f"score {strength.score:.4f} outside {ex.low}-{ex.high}")
    if abs(ex.value - strength.score) > 0.005:
        out.append(f"key {ex.value} is not the score {strength.score:.4f} to two places")
    for outcome, figures in slips.items():
        for x in figures:
            if ex.low <= x <= ex.high:
                out.append(f"the slip giving {_f(x)} is accepted")
            if _f(x) not in ex.explanations[outcome]:
                out.append(f"{outcome} explanation does not give {_f(x)}")
    sums = [f"{(w * t.points).sum():g} points", f"possible {total:g}", _f(strength.score)]
    out += [f"correct explanation lacks '{s}'" for s in sums if s not in ex.explanations["correct"]]
    for verdict in ("likeness", "partial", "difference"):
        if f"carry weight {w[v == verdict].sum():g}" not in ex.explanations["correct"]:
            out.append(f"correct explanation gives the wrong weight for the {verdict} verdicts")
    return out


def test_score_key_agrees_with_analogy_strength(ds: Any) -> None:
    ex = _ex("ex-04-3")
    assert ex.kind == "numeric"
    strength = analysis.analogy_strength(ds, A, B)
    assert score_disagreements(ex, strength) == []
    assert strength.verdict == "the differences outweigh the likenesses"  # what the prose says


def test_score_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-04-3")
    strength = analysis.analogy_strength(ds, A, B, {"proxy-aim": 3})
    out = score_disagreements(ex, strength)
    assert out[:2] == [
        f"score {strength.score:.4f} outside {ex.low}-{ex.high}",
        f"key {ex.value} is not the score {strength.score:.4f} to two places",
    ]


# --- ex-04-4: what one weight can do ---------------------------------------------------------

#: The change each wrong option of ex-04-4 proposes.
ONE_CHANGE = {
    "raise-proxy-aim": {"proxy-aim": 3},
    "drop-rival-posture": {"rival-posture": 0},
    "raise-sponsor-rival": {"sponsor-rival": 3},
}


def one_weight_disagreements(
    ex: Exercise, ds: Any, base: dict[str, float] | None = None
) -> list[str]:
    """ex-04-4: 'none' is right exactly when no single weight from 0 to 3 flips the verdict.

    Each other option's change is applied to ``base`` (the defaults if None) and must leave
    the verdict as it was, and its explanation must quote the scores before and after; the
    one on the biggest mover must be the most any single change can do, and the one on the
    core likeness must quote the weight it would need.
    """
    before = analysis.analogy_strength(ds, A, B, base)
    sens = analysis.weight_sensitivity(ds, A, B, base)
    flipping = list(sens[sens.flips].dimension_id)
    out = []
    none = ex.option("none")
    if none.correct != (not flipping):
        out.append(f"none: correct={none.correct}, but flipping alone: {flipping}")
    best = max(sens.score_at_0.max(), sens.score_at_max.max())
    for oid, change in ONE_CHANGE.items():
        o = ex.option(oid)
        after = analysis.analogy_strength(ds, A, B, {**(base or {}), **change})
        if o.correct != (after.verdict != before.verdict):
            out.append(f"{oid}: correct={o.correct}, verdict after the change: '{after.verdict}'")
        for x in {before.score, after.score}:
            if _f(x) not in o.explanation:
                out.append(f"{oid}: explanation does not give {_f(x)}")
        if oid == "drop-rival-posture" and _f(after.score) != _f(best):
            out.append(f"{oid}: {_f(after.score)} is not the most one change can do ({_f(best)})")
    core = sens.set_index("dimension_id").loc["sponsor-rival"]
    if (
        core.weight != 3
        or f"{core.tipping_weight:g}" not in ex.option("raise-sponsor-rival").explanation
    ):
        out.append(
            f"raise-sponsor-rival: weight {core.weight:g}, tipping weight {core.tipping_weight:g}"
        )
    return out


def test_one_weight_key_agrees_with_weight_sensitivity(ds: Any) -> None:
    ex = _ex("ex-04-4")
    assert ex.kind == "single"
    assert one_weight_disagreements(ex, ds) == []


def test_one_weight_check_can_fail(ds: Any) -> None:
    """With all differences but three ignored, one weight flips the verdict; the key says not."""
    ex = _ex("ex-04-4")
    table = analysis.likenesses_and_differences(ds, A, B)
    differences = table.dimension_id[table.verdict == "difference"]
    kept = ("rival-posture", "cost-to-rival", "sponsor-hedging")
    base = {d: 0.0 for d in differences if d not in kept}
    assert analysis.analogy_strength(ds, A, B, base).score < 0.5
    out = one_weight_disagreements(ex, ds, base)
    assert out and out[0].startswith("none: correct=True, but flipping alone: [")


# --- ex-04-5: argue for one weight --------------------------------------------------------------


def test_weight_argument_has_rubric_and_true_figures(ds: Any) -> None:
    """ex-04-5: a self-assessed text; the model answer's figures are what the functions give."""
    ex = _ex("ex-04-5")
    assert ex.kind == "text"
    assert len(ex.model_answer.split()) >= 80
    assert len(ex.rubric) >= 4
    assert ex.keywords
    before = analysis.analogy_strength(ds, A, B)
    after = analysis.analogy_strength(ds, A, B, {"rival-posture": 0})
    default = ds.dimensions.set_index("dimension_id").at["rival-posture", "default_weight"]
    answer = " ".join(ex.model_answer.split())
    assert f"from {default:g} to 0" in answer
    assert f"from {_f(before.score)} to {_f(after.score)}" in answer
    assert f'verdict stays "{after.verdict}"' in answer
    assert after.verdict == before.verdict


# --- ex-04-6: Khong's jobs ---------------------------------------------------------------------

#: A job the comment asks of its analogy shows in the type of its claims: one that defines the
#: situation is an interpretation; a prescription or a prediction would be claims of those types.
JOB_CLAIM_TYPE = {"define": "interpretation", "prescribe": "prescription", "predict": "prediction"}


def khong_disagreements(ex: Exercise, claims: pd.DataFrame) -> list[str]:
    """ex-04-6: the options are Khong's six jobs; the keys that follow from claim types agree.

    Explanations open with "Yes" on the jobs keyed right and "No" on the others, and quote
    the comment only in short phrases (at most six words each).
    """
    jobs = analysis.KHONG_JOBS.set_index("job_id").job
    out = []
    if [o.id for o in ex.options] != list(jobs.index):
        out.append(f"options {[o.id for o in ex.options]} are not Khong's jobs {list(jobs.index)}")
        return out
    out += [
        f"{o.id}: text '{o.text}' is not '{jobs[o.id]}'" for o in ex.options if o.text != jobs[o.id]
    ]
    comment = claims[claims.claimant_kind == "commenter"]
    types = set(comment.claim_type)
    for job, kind in JOB_CLAIM_TYPE.items():
        if ex.option(job).correct != (kind in types):
            out.append(
                f"{job}: correct={ex.option(job).correct}, comment's claim types {sorted(types)}"
            )
    for o in ex.options:
        if not o.explanation.startswith("Yes" if o.correct else "No"):
            out.append(f"{o.id}: explanation does not open with {'Yes' if o.correct else 'No'}")
        out += [
            f"{o.id}: quotation too long: {q!r}"
            for q in re.findall(r'"([^"]+)"', o.explanation)
            if len(q.split()) > 6
        ]
    return out


def test_khong_jobs_key_agrees_with_claims(ds: Any) -> None:
    ex = _ex("ex-04-6")
    assert ex.kind == "multiple"
    assert khong_disagreements(ex, ds.claims) == []
    assert "bill-c-2018-swj-comment" in ex.sources and "khong-1992-analogies-at-war" in ex.sources


def test_khong_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-04-6")
    claims = ds.claims.copy()
    claims.loc[claims.claim_id == "cl-10", "claim_type"] = "prediction"
    assert khong_disagreements(ex, claims) == [
        "predict: correct=False, comment's claim types ['interpretation', 'prediction']"
    ]


# --- the notebook ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nb() -> Any:
    return nbformat.read(str(NOTEBOOK), as_version=4)


def test_title_purpose_goals_time(nb: Any) -> None:
    lessonpage.check_frame(nb, "# 04 · Testing the analogy: likenesses, differences and weights")


def test_setup_cell(nb: Any) -> None:
    setup = lessonpage.code(nb)[0].source
    lines = {line.strip() for line in setup.splitlines()}
    for line in (*lessonpage.SETUP_LINES, f'A, B = "{A}", "{B}"'):
        if line != "cited = set()":  # citations collect themselves (no cited set)
            assert line in lines, line
    assert setup.rstrip().endswith("analogylab.ready(ds)")


def test_short_enough(nb: Any) -> None:
    """Issue 14: about 40 cells at most."""
    assert len(nb.cells) <= 40


CHARTS = ["charts.likeness_chart(ds, A, B)"]


@pytest.mark.parametrize("pattern", CHARTS)
def test_every_chart_is_shown(nb: Any, pattern: str) -> None:
    """Each chart goes through charts.show (figure and text twin), once."""
    cells = [c for c in lessonpage.code(nb) if f"d = charts.show({pattern})" in c.source]
    assert len(cells) == 1, pattern


def test_tables_are_shown_with_show_table(nb: Any) -> None:
    """Every table a student reads goes through show_table: no bare frame, no print of rows."""
    for c in lessonpage.code(nb):
        assert "itertuples" not in c.source and ".assign(" not in c.source, c.source
        last = lessonpage.last_expression(c)
        if last and not last.startswith(("analogylab.", "widgets.", "charts.")):
            pytest.fail(f"a bare value is shown: {last}")


def test_judgement_first_then_the_folded_verdicts(nb: Any) -> None:
    """ex-04-2 is a judgement; the verdict table under it opens only when asked."""
    assert _ex("ex-04-2").judgement
    sources = [c.source for c in nb.cells]
    asked = sources.index('analogylab.exercise("ex-04-2")')
    table = next(
        i for i, s in enumerate(sources) if "The curators' verdicts" in s and "show_table" in s
    )
    assert asked < table
    assert 'folded="Open after you have answered ex-04-2"' in sources[table]
    sens = next(i for i, s in enumerate(sources) if "= analysis.weight_sensitivity" in s)
    assert 'folded="Open after you have answered ex-04-4"' in sources[sens]


def test_no_then_now_labels(nb: Any) -> None:
    """Tables name the cases by their labels, never "then" and "now"."""
    for c in lessonpage.code(nb):
        assert '"then"' not in c.source and '"now"' not in c.source and "then=" not in c.source


def test_score_chart_comes_after_the_score_exercise(nb: Any) -> None:
    """The chart's title gives the score away, so it comes after ex-04-3 is asked."""
    sources = [c.source for c in nb.cells]
    asked = sources.index('analogylab.exercise("ex-04-3")')
    drawn = next(i for i, s in enumerate(sources) if "charts.likeness_chart" in s)
    assert asked < drawn


def test_sensitivity_comes_after_the_one_weight_exercise(nb: Any) -> None:
    """weight_sensitivity and the explorer (which reports flips) come after ex-04-4 is asked."""
    sources = [c.source for c in nb.cells]
    asked = sources.index('analogylab.exercise("ex-04-4")')
    for needle in ("= analysis.weight_sensitivity", "widgets.analogy_explorer"):
        assert asked < next(i for i, s in enumerate(sources) if needle in s), needle


EXPLORERS = ["widgets.analogy_explorer(ds, A, B)"]


@pytest.mark.parametrize("call", EXPLORERS)
def test_explorers_are_last_and_tagged(nb: Any, call: str) -> None:
    """Each explorer is the last expression of its cell, tagged for nbval, after a prompt to try."""
    before = lessonpage.check_explorer(nb, call)
    assert "believer" in before.source and "sceptic" in before.source


def test_exercises_each_shown_once_in_order_and_introduced(nb: Any) -> None:
    lessonpage.check_exercises(nb, "04", EXERCISES, in_order=True)


def test_summary_figures_agree_with_the_analysis(nb: Any, ds: Any) -> None:
    """The summary's score, verdict counts and claims about weights are what the functions give."""
    summary = next(
        c.source for c in nb.cells if c.cell_type == "markdown" and "## Summary" in c.source
    )
    text = " ".join(summary.split())
    strength = analysis.analogy_strength(ds, A, B)
    assert f"the score is {_f(strength.score)}" in text
    counts = strength.table.verdict.value_counts()
    words = {2: "two", 8: "eight", 10: "ten"}
    assert "outcome weighs 0" in text and strength.weights["outcome"] == 0
    for verdict, phrase in (
        ("likeness", "full likenesses"),
        ("partial", "partial ones"),
        ("difference", "differences"),
    ):
        assert f"{words.get(counts[verdict], counts[verdict])} {phrase}" in text, verdict
    # "No single weight ... changes that; sets of weights can":
    sens = analysis.weight_sensitivity(ds, A, B)
    assert not sens.flips.any()
    differences = strength.table.dimension_id[strength.table.verdict == "difference"]
    ignored = analysis.analogy_strength(ds, A, B, dict.fromkeys(differences, 0))
    assert ignored.verdict != strength.verdict
    # "only one [pair] is strong, and it is not one of the three the comment rests on":
    cp = ds.counterparts[(ds.counterparts.case_a == A) & (ds.counterparts.case_b == B)]
    strong = cp[cp.fit == "strong"]
    assert len(strong) == 1 and strong.role.iloc[0] not in {"sponsor", "proxy", "rival"}
    core = cp[cp.role.isin(["sponsor", "rival"]) | (cp.actor_a == "mujahideen")]
    assert set(core.fit) == {"partial"}
    assert "strong" not in set(cp[cp.role == "intermediary"].fit)


#: Phrases that would hand the student a verdict on the analogy or on the explanations.
VERDICT_PHRASES = [
    "the analogy fails",
    "the analogy holds",
    "the analogy is wrong",
    "the analogy is right",
    "the comment is wrong",
    "the comment is right",
    "analogy does not hold",
    "analogy is false",
    "the analysts are right",
    "the analysts are wrong",
    "proves that",
    "disproves",
]


def test_no_verdict_on_the_analogy(nb: Any) -> None:
    text = " ".join(_markdown(nb).lower().split())
    assert [p for p in VERDICT_PHRASES if p in text] == []
    assert "the answer is yours" in text


def test_summary_and_sources_close_the_lesson(nb: Any) -> None:
    lessonpage.check_closing(nb, "04")


def test_stored_outputs_are_clean(nb: Any) -> None:
    """The stored run has no error, no warning on stderr, and every code cell ran."""
    lessonpage.check_clean_run(nb)
