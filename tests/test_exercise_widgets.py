"""Exercise widgets driven headless: set the controls, click, read the feedback."""

from __future__ import annotations

import ipywidgets as w
import pytest

import analogylab
from analogylab.exercise_widgets import ExerciseWidget, markdown_to_html, progress_panel
from analogylab.store import open_store

pytestmark = pytest.mark.usefixtures("answers_home")


def _feedback(widget: ExerciseWidget) -> str:
    return widget.feedback.value


def _all_controls_labelled(widget: ExerciseWidget) -> None:
    for c in widget.controls:
        assert c.description.strip(), f"{type(c).__name__} in {widget.exercise.id} has no label"


def test_every_kind_has_labelled_controls_and_buttons() -> None:
    """Every control has a label (its description) and the buttons say what they do."""
    for ex in analogylab.load_bank():
        widget = analogylab.exercise(ex.id)
        _all_controls_labelled(widget)
        assert widget.check_button.description == "Check"
        assert widget.hint_button.description == "Hint"
        assert ex.id in widget.header.value
        assert 'role="status"' not in widget.feedback.value  # empty until a check


def test_single_choice_wrong_then_right() -> None:
    """Radio buttons: a wrong pick explains itself; the right pick says Correct."""
    widget = analogylab.exercise("ex-00-1")
    widget.radio.value = "d"
    widget.check_button.click()
    assert "Not right yet" in _feedback(widget)
    assert "Attempts used: 1 of 2" in widget.attempts_label.value
    widget.radio.value = "a"
    widget.check_button.click()
    assert "Correct." in _feedback(widget)
    assert 'role="status"' in _feedback(widget)
    assert "the answer has been shown" in widget.attempts_label.value


def test_nothing_chosen_is_not_an_attempt() -> None:
    """Pressing Check with nothing chosen asks for an answer and uses no attempt."""
    widget = analogylab.exercise("ex-00-1")
    widget.check_button.click()
    assert "there is no answer yet" in _feedback(widget)
    assert open_store().count("ex-00-1") == 0


def test_multiple_select_partial() -> None:
    """Checkboxes: two right ticks of three score 2/3 and say 'Partly right'."""
    widget = analogylab.exercise("ex-00-2")
    widget.boxes["e80-1998-01-brzezinski-trap"].value = True
    widget.boxes["e18-2020-06-bounty-report"].value = True
    widget.check_button.click()
    assert "Partly right" in _feedback(widget)
    assert "2 of 3 right option(s) ticked" in _feedback(widget)


def test_matching_dropdowns() -> None:
    """Drop-downs per left item: all pairs right is Correct."""
    widget = analogylab.exercise("ex-00-3")
    ex = widget.exercise
    for it in ex.left:
        widget.pickers[it.id].value = it.match
    widget.check_button.click()
    assert "Correct." in _feedback(widget)


def test_ordering_positions_wrong_then_right() -> None:
    """Position drop-downs: a repeated item is refused; the right order is Correct."""
    widget = analogylab.exercise("ex-00-4")
    ids = [it.id for it in widget.exercise.items]
    for d in widget.positions:
        d.value = ids[0]
    widget.check_button.click()
    assert "every item must appear once" in _feedback(widget)
    for d, item_id in zip(widget.positions, ids, strict=True):
        d.value = item_id
    widget.check_button.click()
    assert "Correct." in _feedback(widget)


def test_display_order_does_not_give_the_answer_away() -> None:
    """The ordering drop-downs list the items in a fixed order that is not the answer."""
    widget = analogylab.exercise("ex-00-4")
    listed = [v for _, v in widget.positions[0].options if v is not None]
    assert sorted(listed) == sorted(it.id for it in widget.exercise.items)
    assert listed != [it.id for it in widget.exercise.items]


def test_numeric_too_high_then_right() -> None:
    """A number box: too high is said in words with its explanation."""
    widget = analogylab.exercise("ex-00-5")
    widget.number.value = "10"
    widget.check_button.click()
    assert "too high" in _feedback(widget)
    assert "overcounts" in _feedback(widget)
    widget.number.value = "nine"
    widget.check_button.click()
    assert "not a number" in _feedback(widget)
    widget.number.value = "9"
    widget.check_button.click()
    assert "Correct." in _feedback(widget)


def test_short_text_offers_the_rubric_and_records_it() -> None:
    """Text area: the first check shows the model answer and rubric boxes; recording scores it."""
    widget = analogylab.exercise("ex-00-6")
    widget.textarea.value = "I would look for arms; I would doubt it if only talks happened."
    widget.check_button.click()
    assert "A model answer" in _feedback(widget)
    assert set(widget.rubric) == {r.id for r in widget.exercise.rubric}
    widget.rubric["r1"].value = True
    widget.rubric["r2"].value = True
    widget.assess_button.click()
    assert "2 of 4 rubric points" in _feedback(widget)
    last = open_store().last("ex-00-6")
    assert last is not None
    assert last.status == "self-assessed"


def test_grid_compared_cell_by_cell() -> None:
    """Grid drop-downs: an incomplete grid is refused; a full one is compared with reasons."""
    widget = analogylab.exercise("ex-00-7")
    ex = widget.exercise
    widget.cells["ev-28", "h-flank-hedge"].value = "CC"
    widget.check_button.click()
    assert "5 cell(s) are not rated yet" in _feedback(widget)
    for (r, c), d in widget.cells.items():
        d.value = ex.key[r][c]
    widget.cells["ev-32", "h-flank-hedge"].value = "CC"  # one step from the reference C
    widget.check_button.click()
    text = _feedback(widget)
    assert "5 of 6 cells agree" in text
    assert "1 one step away" in text
    assert markdown_to_html(ex.rationale["ev-32"]["h-flank-hedge"]).strip("<p>/\n") in text


def test_hint_button_shows_hints_in_turn() -> None:
    """The Hint button shows hint 1, then hint 2."""
    widget = analogylab.exercise("ex-00-1")
    widget.hint_button.click()
    assert "Hint 1 of 2" in widget.hints_area.value
    widget.hint_button.click()
    assert "Hint 2 of 2" in widget.hints_area.value


@pytest.mark.parametrize("exercise_id", ["ex-00-1", "ex-00-2", "ex-00-4", "ex-00-5", "ex-00-7"])
def test_rebuilt_widget_shows_the_last_answer(exercise_id: str) -> None:
    """After a restart (a new widget), the controls hold the last answer and its feedback."""
    first = analogylab.exercise(exercise_id)
    ex = first.exercise
    sample = {
        "ex-00-1": lambda: setattr(first.radio, "value", "c"),
        "ex-00-2": lambda: setattr(first.boxes[ex.options[0].id], "value", True),
        "ex-00-4": lambda: [
            setattr(d, "value", it.id) for d, it in zip(first.positions, ex.items, strict=True)
        ],
        "ex-00-5": lambda: setattr(first.number, "value", "12"),
        "ex-00-7": lambda: [setattr(d, "value", "N") for d in first.cells.values()],
    }
    sample[exercise_id]()
    before = first.answer()
    first.check_button.click()
    again = analogylab.exercise(exercise_id)
    assert again.answer() == before
    assert "Your last answer" in again.feedback.value
    assert "Attempts used: 1" in again.attempts_label.value


def test_rebuilt_text_widget_keeps_text_and_ticks() -> None:
    """A short-text widget rebuilt after self-assessment shows the text and the ticked boxes."""
    first = analogylab.exercise("ex-00-6")
    first.textarea.value = "Arms and money; doubt if only talks."
    first.check_button.click()
    first.rubric["r3"].value = True
    first.assess_button.click()
    again = analogylab.exercise("ex-00-6")
    assert again.textarea.value == "Arms and money; doubt if only talks."
    assert again.rubric["r3"].value is True
    assert again.rubric["r1"].value is False


def test_two_widgets_do_not_stack_handlers() -> None:
    """Building the widget twice and clicking once records exactly one attempt."""
    analogylab.exercise("ex-00-1")
    widget = analogylab.exercise("ex-00-1")
    widget.radio.value = "b"
    widget.check_button.click()
    assert open_store().count("ex-00-1") == 1


def test_widget_text_form_is_a_sentence() -> None:
    """Where widgets cannot render (a saved notebook), the text form says what the cell is."""
    assert repr(analogylab.exercise("ex-00-2")) == (
        "Exercise ex-00-2 (multiple select, 2 points): run this cell to answer it."
    )


def test_progress_panel_states_the_figures_in_words() -> None:
    """The progress bars carry labels, and the same figures are written out beside them."""
    analogylab.check("ex-00-1", "a")
    panel = progress_panel()
    bars = [c for row in panel.children[1:] for c in row.children if isinstance(c, w.FloatProgress)]
    texts = [c.value for row in panel.children[1:] for c in row.children if isinstance(c, w.HTML)]
    assert bars
    assert bars[0].description == "Lesson 00:"
    assert bars[0].value == 1.0
    assert any("1 of 7 exercises tried, 1 of 12 points" in t for t in texts)
