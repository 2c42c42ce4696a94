"""A rating-grid exercise made from the data, for any case: a teacher writes no YAML.

The case is the made-up one of ``madeup_case`` (two evidence items, two hypotheses,
one development after its analysis date), added to a copy of the data as rows only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import analogylab
import csvedit as ce
from analogylab import IncompleteDataError, case_exercises, exercises, widgets
from analogylab.data import Dataset
from madeup_case import X, add_case


@pytest.fixture
def ds_x(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Dataset:
    add_case(data_copy)
    monkeypatch.setenv("ANALOGYLAB_DATA", str(data_copy))  # the data the lessons would use
    monkeypatch.setattr(case_exercises, "_made", {})
    return analogylab.load_dataset(data_copy)


def _key(ex: analogylab.bank.Exercise) -> dict[str, dict[str, str]]:
    return {r.id: dict(ex.key[r.id]) for r in ex.rows}


def test_the_grid_is_keyed_and_explained_from_ratings_csv(ds_x: Dataset) -> None:
    ex = analogylab.rating_exercise(ds_x, X)
    assert ex.id == f"ex-ach-{X}" and ex.kind == "grid" and ex.lesson == "07"
    assert [r.id for r in ex.rows] == ["evx-1", "evx-2"]  # by date
    assert [c.id for c in ex.columns] == ["hx-a", "hx-b"]
    assert [c.text for c in ex.columns] == ["Test hypothesis hx-a", "Test hypothesis hx-b"]
    assert _key(ex) == {"evx-1": {"hx-a": "C", "hx-b": "I"}, "evx-2": {"hx-a": "II", "hx-b": "N"}}
    assert ex.rationale["evx-2"]["hx-a"] == "Test."
    assert ex.scale == ("CC", "C", "N", "I", "II", "NA") and ex.unordered == ("NA",)
    assert "coll-2004-ghost-wars" in ex.sources
    assert "**evx-1** (1990, action, credibility high)" in ex.prompt
    assert "if this explanation were true, how likely is it that we would see this item?" in (
        ex.prompt
    )


@pytest.mark.usefixtures("answers_home")
def test_a_students_answer_is_marked_and_kept_like_any_other(ds_x: Dataset) -> None:
    ex = analogylab.rating_exercise(ds_x, X)
    answer = _key(ex)
    answer["evx-1"]["hx-a"] = "CC"  # one step from the reference
    fb = exercises.record(ex.id, answer)
    assert fb.status == "partial" and fb.score == pytest.approx(3.5 / 4)
    assert "3 of 4 cells agree with the reference, 1 one step away" in fb.message
    assert "Test." in fb.message  # the reference's reasons, shown with the key
    assert exercises.last_answer(ex.id) == answer
    stored = analogylab.exercises.open_store().attempts(ex.id)
    assert [(a.exercise_id, a.lesson, a.kind) for a in stored] == [(ex.id, "07", "grid")]


@pytest.mark.usefixtures("ds_x")
def test_the_id_alone_finds_the_exercise_after_a_restart() -> None:
    """A new kernel: check(), last_answer() and the widgets know the id before any cell ran."""
    ex = exercises.get_exercise(f"ex-ach-{X}")
    assert _key(ex)["evx-2"] == {"hx-a": "II", "hx-b": "N"}
    with pytest.raises(analogylab.UnknownIdError, match="did you mean 'test-case-x'"):
        exercises.get_exercise("ex-ach-test-case-y")
    with pytest.raises(analogylab.UnknownIdError, match="no exercise 'ex-99-1'"):
        exercises.get_exercise("ex-99-1")


@pytest.mark.usefixtures("close_explorers", "answers_home")
def test_the_ach_explorer_takes_the_generated_grid(ds_x: Dataset) -> None:
    ex = analogylab.rating_exercise(ds_x, X)
    explorer = widgets.ach_explorer(ds_x, X, ex.id)
    assert explorer.exercise.exercise.id == ex.id
    assert explorer.waiting is not None  # until the student checks a grid
    explorer.controls["whose"].value = "reference"
    assert explorer.error is None and "evx-2: hx-a II, hx-b N." in explorer.description.text


def test_hindsight_grid_is_keyed_from_milestones_csv(ds_x: Dataset) -> None:
    ex = analogylab.rating_exercise(ds_x, X, hindsight=True)
    assert ex.id == f"ex-hindsight-{X}"
    assert [r.id for r in ex.rows] == ["ex-2"] and _key(ex) == {"ex-2": {"hx-a": "C", "hx-b": "II"}}
    assert ex.rows[0].text == "1993: Test event 2"


def test_a_case_rated_only_in_part_gets_no_exercise(data_copy: Path) -> None:
    add_case(data_copy)
    rows = ce.read(data_copy, "ratings")
    ce.write(data_copy, "ratings", rows[:-1])  # the made-up case's last rating
    ds = analogylab.load_dataset(data_copy, validate_first=False)
    with pytest.raises(IncompleteDataError, match="has no rating against 1 of the case's 2"):
        analogylab.rating_exercise(ds, X)


def test_a_case_without_ratings_yet_gets_a_message_not_an_empty_grid(data_copy: Path) -> None:
    add_case(data_copy)
    rows = ce.read(data_copy, "ratings")
    ce.write(data_copy, "ratings", [r for r in rows if not r[0].startswith("evx-")])
    ds = analogylab.load_dataset(data_copy)
    with pytest.raises(analogylab.analysis.AnalysisError, match=r"no rows in ratings\.csv yet"):
        analogylab.rating_exercise(ds, X)
