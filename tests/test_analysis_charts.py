"""Charts and explorers of the analyst's tools: what they draw, say in words, and how they move."""

from __future__ import annotations

import dataclasses

import matplotlib

matplotlib.use("Agg")

from html.parser import HTMLParser

import pytest

from analogylab import analysis, charts, widgets
from analogylab.data import Dataset

A, B = "us-mujahideen-1980s", "russia-taliban-2018"


pytestmark = pytest.mark.usefixtures("close_explorers")


# --- likenesses -----------------------------------------------------------------------------


def test_likeness_chart_draws_a_bar_per_dimension_filled_by_verdict(ds: Dataset) -> None:
    ax = charts.likeness_chart(ds, A, B)
    score = analysis.analogy_strength(ds, A, B)
    n = len(ds.dimensions)
    t = score.table
    filled = ((t["verdict"] != "difference") & (t["weight"] > 0)).sum()
    assert len(ax.patches) == n + filled  # an outline for each, a fill where they match
    labels = [t.get_text() for t in ax.texts]
    for verdict in ("likeness", "difference"):
        first = t[t["verdict"] == verdict].iloc[0]
        assert f"{verdict}, weight {first['weight']:g}" in labels
    d = charts.describe(ax)
    assert d.sentences[0].startswith(f"Analogy score {score.score:.2f} out of 1")
    assert score.verdict in d.sentences[0]
    assert d.sentences[1] == "All weights are the defaults of dimensions.csv."
    assert set(ds.likenesses.source_ids[0]) <= set(d.sources)


def test_likeness_chart_twin_names_the_weights_changed(ds: Dataset) -> None:
    d = charts.describe(charts.likeness_chart(ds, A, B, weights={"rival-posture": 0}))
    default = analysis.dimension_weights(ds)["rival-posture"]
    assert d.sentences[1] == (
        f"Weights changed from the defaults: Rival's forces on the ground {default:g} to 0."
    )
    assert f"{analysis.analogy_strength(ds, A, B, {'rival-posture': 0}).score:.2f}" in d.text


def test_likeness_chart_refuses_bad_weights_and_unjudged_pairs(ds: Dataset) -> None:
    with pytest.raises(charts.ChartError, match="did you mean 'rival-posture'"):
        charts.likeness_chart(ds, A, B, weights={"rival-postur": 1})
    with pytest.raises(charts.ChartError, match="two different cases"):
        charts.likeness_chart(ds, A, A)


def test_likeness_twin_names_an_unjudged_dimension_by_its_name(ds: Dataset) -> None:
    """A copy whose datapackage.json predates the completeness rule can leave a gap."""
    res = ds.package.resource("likenesses")
    older = dataclasses.replace(res, rules=tuple(r for r in res.rules if r["rule"] != "complete"))
    pkg = dataclasses.replace(
        ds.package, resources=tuple(older if r is res else r for r in ds.package.resources)
    )
    lk = ds.likenesses
    gap = ~((lk.case_a == A) & (lk.case_b == B) & (lk.dimension_id == "rival-posture"))
    partial = Dataset(ds.path, pkg, {**ds.tables, "likenesses": lk[gap]})
    d = charts.describe(charts.likeness_chart(partial, A, B))
    assert "Not judged for this pair: Rival's forces on the ground." in d.text
    assert "over 19 of 20 dimensions" in d.sentences[0]


# --- competing hypotheses -------------------------------------------------------------------


class Table(HTMLParser):
    """A rating table read back as a screen reader walks it: caption, header cells, cells."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.caption = ""
        self.cols: list[str] = []  # th scope="col", after the corner
        self.rows: list[str] = []  # th scope="row"
        self.cells: list[list[str]] = []  # td text, row by row
        self.titles: list[str] = []  # abbr titles (the scale's words)
        self.styles: list[str] = []  # td styles
        self._in: str | None = None
        self._text = ""
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Start collecting a header cell's or a cell's text; note titles and styles."""
        a = dict(attrs)
        if tag in {"caption", "th", "td"}:
            self._in, self._text = (tag if tag != "th" else f"th-{a.get('scope')}"), ""
        if tag == "td":
            self.styles.append(a.get("style") or "")
        if tag == "abbr":
            self.titles.append(a.get("title") or "")
        if tag == "tr":
            self.cells.append([])

    def handle_data(self, data: str) -> None:
        """Collect text."""
        self._text += data

    def handle_endtag(self, tag: str) -> None:
        """File the text collected under the cell it belongs to."""
        text = " ".join(self._text.split())
        if tag == "caption":
            self.caption = text
        elif tag == "th" and self._in == "th-col":
            self.cols.append(text)
        elif tag == "th" and self._in == "th-row":
            self.rows.append(text)
        elif tag == "td":
            self.cells[-1].append(text)
        if tag in {"caption", "th", "td"}:
            self._in = None


def test_ach_matrix_is_a_table_with_every_rating_and_the_scores(ds: Dataset) -> None:
    table = charts.ach_matrix(ds, B)
    m = analysis.rating_matrix(ds, B)
    t = Table(table.html)
    assert t.caption == "Competing hypotheses: Russia-Taliban 2018 (the reference ratings)"
    assert t.cols[0] == "Evidence, by date" and len(t.cols) == 1 + len(m.columns)
    ev = ds.evidence[ds.evidence.evidence_id.isin(m.index)].sort_values("date", kind="stable")
    assert len(t.rows) == len(m) and t.rows[0].startswith(f"{ev.evidence_id.iloc[0]} · ")
    cells = [c for row in t.cells for c in row]
    assert len(cells) == m.size
    letters = [c.split()[0] for c in cells]
    assert sorted(letters) == sorted(m.to_numpy().ravel().tolist())
    # what each cell adds to the score is written in it: I +1, II +2, nothing else
    assert all(c in {"I +1", "II +2"} for c in cells if c.split()[0] in {"I", "II"})
    assert all(len(c.split()) == 1 for c in cells if c.split()[0] not in {"I", "II"})
    assert set(t.titles) <= set(charts.RATING_WORDS.values()), "each letter says its word"
    assert all("background-color:" in s for s in t.styles), "and has the scale's colour"
    scores = analysis.score_hypotheses(m)
    labels = dict(zip(ds.hypotheses.hypothesis_id, ds.hypotheses.label, strict=True))
    for h, s in zip(scores.hypothesis_id, scores.inconsistency, strict=True):
        assert f"{labels[h]} score {int(s)}" in t.cols, h
    contested = ds.evidence[(ds.evidence.case_id == B) & ds.evidence.contested].evidence_id
    marked = [r.split(" ·")[0] for r in t.rows if "(contested)" in r]
    assert marked == [e for e in m.index if e in set(contested)] and marked
    assert "id=" not in table.html and "<style" not in table.html, "stable, inline only"
    assert charts.ach_matrix(ds, B).html == table.html, "the same ratings, the same bytes"
    d = charts.describe(table)
    assert "with the reference ratings" in d.sentences[0]
    assert "ev-01: h-flank-hedge C," in d.text
    assert set(ds.ratings.source_ids[0]) <= set(d.sources)


def test_ach_matrix_of_a_students_ratings(ds: Dataset) -> None:
    mine = {"ev-08": {"h-flank-hedge": "C", "h-reverse-cold-war": "I"}, "ev-17": {}}
    mine["ev-17"]["h-flank-hedge"] = "II"
    d = charts.describe(charts.ach_matrix(ds, B, ratings=mine, whose="your ratings"))
    assert "2 items of evidence against 2 hypotheses" in d.sentences[0]
    assert "1 cell left unrated (shown as ?) counts as 0." in d.sentences
    assert d.title.endswith("(your ratings)")
    with pytest.raises(charts.ChartError, match="not on Heuer's scale"):
        charts.ach_matrix(ds, B, ratings={"ev-08": {"h-flank-hedge": "yes"}})
    with pytest.raises(charts.ChartError, match="not one of the case"):
        charts.ach_matrix(ds, B, ratings={"ev-08": {"h-nobody": "C"}})


def test_weighted_matrix_says_so(ds: Dataset) -> None:
    d = charts.describe(charts.ach_matrix(ds, B, weighted=True))
    assert "weighted inconsistency scores" in d.sentences[0]
    assert "times credibility x relevance" in d.sentences[1]


# --- hindsight ------------------------------------------------------------------------------


def test_hindsight_chart_one_column_per_development(ds: Dataset) -> None:
    ms = analysis.milestones(ds, B)
    table = charts.hindsight_chart(ds, B)
    d = charts.describe(table)
    n = ms.event_id.nunique()
    assert d.sentences[0].startswith(f"{n} developments after the analysis date of 12 Oct 2018")
    t = Table(table.html)
    assert len(t.rows) == n and t.cols[0] == "What happened, by date"
    assert all(len(row) == ms.hypothesis_id.nunique() for row in t.cells[1:])
    scores = analysis.hindsight_scores(ds, B).set_index("label").inconsistency
    for label, s in scores.items():
        assert f"{label} hindsight score {int(s)}" in t.cols
    contested = ms.loc[ms.contested.astype(bool), "title"].unique()
    if len(contested):
        assert all(t in d.sentences[1] for t in contested)
        calm = charts.describe(charts.hindsight_chart(ds, B, include_contested=False))
        assert calm.sentences[0].startswith(f"{n - len(contested)} development")
        assert "Contested developments are left out." in calm.sentences


# --- explorers ------------------------------------------------------------------------------


def test_analogy_explorer_redraws_on_a_weight_and_resets_in_one_draw(ds: Dataset) -> None:
    ex = widgets.analogy_explorer(ds, A, B)
    assert ex.redraws == 1 and ex.error is None
    sliders = [c for name, c in ex.controls.items() if name not in ("case_a", "case_b")]
    assert len(sliders) == len(ds.dimensions)
    assert all(s.description.startswith("Weight: ") and not s.continuous_update for s in sliders)
    ex.controls["rival-posture"].value = 0
    ex.controls["sponsor-rival"].value = 0.5
    assert ex.redraws == 3
    default = analysis.dimension_weights(ds)["rival-posture"]
    assert f"Rival's forces on the ground {default:g} to 0" in ex.description.text
    ex.reset_button.click()
    assert ex.redraws == 4, "twenty sliders put back, one redraw"
    assert ex.description.sentences[1] == "All weights are the defaults of dimensions.csv."


def test_ach_explorer_without_an_exercise_shows_the_reference(ds: Dataset) -> None:
    ex = widgets.ach_explorer(ds, B)
    assert set(ex.controls) == {"weighted", "drop"} and ex.error is None
    assert "with the reference ratings" in ex.description.sentences[0]
    ex.controls["weighted"].value = True
    assert ex.redraws == 2 and "weighted" in ex.description.sentences[0]


@pytest.mark.usefixtures("answers_home")
def test_ach_explorer_waits_for_ratings_then_redraws_on_each_check(ds: Dataset) -> None:
    ex = widgets.ach_explorer(ds, B, exercise_id="ex-00-7")
    grid = ex.exercise
    assert ex.children[0] is grid and ex.controls["whose"].value == "yours"
    assert ex.description is None and ex.error is None
    assert ex.waiting is not None and "exercise above and press Check" in ex.waiting
    for (row, _col), cell in grid.cells.items():
        cell.value = "II" if row == "ev-28" else "C"
    grid.check_button.click()
    assert ex.waiting is None and ex.error is None
    assert ex.description.title.endswith("(your ratings)")
    text = ex.description.text
    assert "ev-28: h-flank-hedge II, h-reverse-cold-war II, h-power-broker II." in text
    grid.cells["ev-28", "h-flank-hedge"].value = "C"
    grid.check_button.click()
    text = ex.description.text
    assert "ev-28: h-flank-hedge C, h-reverse-cold-war II, h-power-broker II." in text
    ex.controls["whose"].value = "reference"
    assert "with the reference ratings" in ex.description.sentences[0]
    again = widgets.ach_explorer(ds, B, exercise_id="ex-00-7")
    assert again.description.title.endswith("(your ratings)"), "checked ratings are kept"


@pytest.mark.usefixtures("answers_home")
def test_explorers_follow_a_grid_already_on_the_page(ds: Dataset) -> None:
    from analogylab import exercise

    grid = exercise("ex-00-7")
    ex = widgets.ach_explorer(ds, B, exercise=grid)
    assert grid not in ex.children, "the grid is shown once, where the lesson put it"
    assert "earlier on the page" in ex.waiting
    for cell in grid.cells.values():
        cell.value = "N"
    grid.check_button.click()
    assert ex.description is not None and "your ratings" in ex.description.title
    with pytest.raises(charts.ChartError, match="not both"):
        widgets.ach_explorer(ds, B, exercise_id="ex-00-7", exercise=grid)


def test_hindsight_explorer_leaves_out_contested_developments(ds: Dataset) -> None:
    ex = widgets.hindsight_explorer(ds, B)
    assert set(ex.controls) == {"contested"}
    before = ex.description.sentences[0]
    ex.controls["contested"].value = True
    assert ex.redraws == 2 and ex.error is None
    if analysis.milestones(ds, B).contested.any():
        assert ex.description.sentences[0] != before


def test_explorers_refuse_a_grid_they_cannot_use(ds: Dataset) -> None:
    with pytest.raises(charts.ChartError, match="needs a rating grid"):
        widgets.ach_explorer(ds, B, exercise_id="ex-00-1")


@pytest.mark.usefixtures("answers_home")
def test_hindsight_explorer_scores_the_students_own_ratings(ds: Dataset) -> None:
    from analogylab import exercise

    grid = exercise("ex-06-1")
    ex = widgets.hindsight_explorer(ds, B, exercise=grid)
    assert ex.waiting is not None
    for (row, _col), cell in grid.cells.items():
        cell.value = "II" if row == grid.exercise.rows[0].id else "C"
    grid.check_button.click()
    assert ex.description is not None and "your ratings" in ex.description.title
    n = len(analysis.milestones(ds, B).event_id.unique())
    rated = len(grid.exercise.rows)
    assert f"You rated {rated} of the {n} developments" in ex.description.text
    scores = ex.description.sentences[0].split("lower is less inconsistent): ")[1]
    assert [p.rsplit(" ", 1)[1] for p in scores.rstrip(".").split("; ")] == ["2"] * len(
        grid.exercise.columns
    ), "one II per hypothesis, the rest consistent"


@pytest.mark.usefixtures("answers_home")
def test_running_the_explorer_cell_again_leaves_one_explorer_on_the_grid(ds: Dataset) -> None:
    from analogylab import exercise

    grid = exercise("ex-00-7")
    first = widgets.ach_explorer(ds, B, exercise=grid)
    second = widgets.ach_explorer(ds, B, exercise=grid)
    assert first.output.comm is None, "the first explorer was closed"
    for cell in grid.cells.values():
        cell.value = "C"
    grid.check_button.click()
    assert second.description is not None and first.description is None
    assert first.redraws == 1 and second.redraws == 2
