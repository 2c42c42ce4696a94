"""Exercise widgets driven headless: set the controls, click, read the feedback."""

from __future__ import annotations

import html
import re

import ipywidgets as w
import pytest

import analogylab
from analogylab.bank import Exercise
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
        if ex.judgement:
            assert widget.check_button.description == "Record my judgement"
        elif ex.kind == "indicators":
            want = "Record my marks" if ex.check else "Record my indicators"
            assert widget.check_button.description == want
        else:
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
    assert "Checked 2 times; the answer is shown." in widget.attempts_label.value


def test_nothing_chosen_is_not_an_attempt() -> None:
    """Pressing Check with nothing chosen asks for an answer and uses no attempt."""
    widget = analogylab.exercise("ex-00-1")
    widget.check_button.click()
    assert "No option is chosen yet: choose one, then press Check." in _feedback(widget)
    assert open_store().count("ex-00-1") == 0  # attempts that count: none
    assert "Attempts used: 0 of 2" in widget.attempts_label.value


def test_multiple_select_partial() -> None:
    """Checkboxes: two right ticks of three score 2/3 and say 'Partly right'."""
    widget = analogylab.exercise("ex-00-2")
    widget.boxes["e80-1998-01-brzezinski-trap"].value = True
    widget.boxes["e18-2020-06-bounty-report"].value = True
    widget.check_button.click()
    assert "Partly right" in _feedback(widget)
    assert "2 of 3 right options ticked" in _feedback(widget)


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
    first = widget.exercise.items[0].text
    assert f"“{first}” is chosen for positions 1, 2, 3, 4, 5 and 6." in _feedback(widget)
    assert "Each item goes in exactly one position." in _feedback(widget)
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
    assert "5 of 6 cells are not rated yet" in _feedback(widget)
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
    assert "Attempts used: 1" in again.attempts_label.value or (
        "Checked 1 time;" in again.attempts_label.value
    )


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
    lesson = analogylab.load_bank().of_lesson("00")
    points = sum(e.points for e in lesson if e.scored)
    assert any(f"1 of {len(lesson)} exercises tried, 1 of {points:g} points" in t for t in texts), (
        texts
    )


# --- every message in the widget's own terms -------------------------------------------------

BANK = analogylab.load_bank()


def _plain(fragment: str) -> str:
    """HTML as the text a student reads: no tags, entities decoded, spaces collapsed."""
    inline = re.sub(r"</?(?:em|strong|b|i|code|a)\b[^>]*>", "", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def _authored(ex: Exercise) -> list[str]:
    """Every text the question bank gives the exercise, as the screen shows it, longest first.

    What is left of the screen once these are taken out is what the library wrote.
    """
    texts = [ex.title, ex.prompt, ex.model_answer, *ex.hints, *ex.explanations.values()]
    for it in (*ex.options, *ex.left, *ex.right, *ex.items, *ex.rows, *ex.columns, *ex.rubric):
        texts += [it.text, it.explanation]
    texts += [why for row in ex.rationale.values() for why in row.values()]
    texts += [k.hint for k in ex.keywords]
    shown = {_plain(markdown_to_html(t)) for t in texts if t}
    shown |= {t.rstrip(".") for t in shown}
    return sorted((t for t in shown if t), key=len, reverse=True)


# An id, a Python literal or an ellipsis: what a widget user never typed and cannot act on.
LITERALS = re.compile(
    r"""\.\.\.|…|`|\[\s*["']|\{\s*["']|["']\s*[\]}]|\(\s*['"][^'"]*['"]\s*,\s*\)"""
    r"""|\bNone\b|\bTrue\b|\bFalse\b|check\(|ticked="""
)


def _screen(widget: ExerciseWidget) -> str:
    """What the library put on screen: feedback, counts, labels, options (not the prompt)."""
    parts = [widget.feedback.value, widget.attempts_label.value]
    for c in widget.controls:
        parts.append(c.description)
        parts += [str(label) for label, _ in getattr(c, "options", ()) if label]
    for name in ("grid_status", "column_message"):
        if hasattr(widget, name):
            parts.append(getattr(widget, name).value)
    parts += [h.value for h in getattr(widget, "row_status", {}).values()]
    parts += [box.description for box in getattr(widget, "rubric", {}).values()]
    return " ".join(_plain(p) for p in parts)


def _assert_own_terms(widget: ExerciseWidget, step: str) -> str:
    ex = widget.exercise
    screen = _screen(widget)
    rest = screen
    for text in _authored(ex):
        rest = rest.replace(text, " ")
    where = f"{ex.id} ({ex.kind_name}), {step}"
    bad = LITERALS.search(rest)
    assert bad is None, f"{where}: {bad.group(0)!r} on screen: {rest[:600]}"
    ids = {
        it.id
        for it in (*ex.options, *ex.left, *ex.right, *ex.items, *ex.rows, *ex.columns, *ex.rubric)
        if re.search(r"[-\d]", it.id)
    }
    for item_id in ids:
        found = re.search(rf"(?<![\w-]){re.escape(item_id)}(?![\w-])", rest)
        assert found is None, f"{where}: the id {item_id!r} on screen: {rest[:600]}"
    return screen


def _far(ex: Exercise, ref: str) -> str:
    """A rating two or more steps from ``ref``, or off the order (NA) if there is none."""
    order = [s for s in ex.scale if s not in ex.unordered]
    if ref in order:
        i = order.index(ref)
        far = [s for j, s in enumerate(order) if abs(i - j) >= 2]
        if far:
            return far[0]
    return next(s for s in ex.scale if s != ref)


def _fill_partly(widget: ExerciseWidget) -> None:
    ex = widget.exercise
    if ex.kind == "multiple":
        widget.boxes[next(o.id for o in ex.options if o.correct)].value = True
    elif ex.kind == "matching":
        first = ex.left[0]
        widget.pickers[first.id].value = first.match
    elif ex.kind == "ordering":
        widget.positions[0].value = ex.items[0].id
        widget.positions[2].value = ex.items[0].id
    elif ex.kind == "numeric":
        widget.number.value = "nine"
    elif ex.kind == "text":
        widget.textarea.value = "   "
    elif ex.kind == "grid":
        widget.cells[ex.rows[0].id, ex.columns[0].id].value = ex.scale[0]


def _fill_wrongly(widget: ExerciseWidget) -> None:
    ex = widget.exercise
    if ex.kind == "single":
        widget.radio.value = next(o.id for o in ex.options if not o.correct)
    elif ex.kind == "multiple":
        for o in ex.options:
            widget.boxes[o.id].value = not o.correct
    elif ex.kind == "matching":
        for it in ex.left:
            widget.pickers[it.id].value = next(r.id for r in ex.right if r.id != it.match)
    elif ex.kind == "ordering":
        for d, it in zip(widget.positions, reversed(ex.items), strict=True):
            d.value = it.id
    elif ex.kind == "numeric":
        assert ex.high is not None
        widget.number.value = str(ex.high + max(1.0, abs(ex.high)))
    elif ex.kind == "text":
        widget.textarea.value = "I would look at what Russia sends."
    else:
        for (r, c), d in widget.cells.items():
            d.value = _far(ex, ex.key[r][c])


@pytest.mark.parametrize("exercise_id", sorted(BANK.exercises))
def test_every_message_is_in_the_widgets_own_terms(exercise_id: str) -> None:
    """Empty, partial and wrong answers through the controls: no id, literal or `...` shown.

    Every exercise of the bank, each kind through its own widget. Texts the bank gives
    (options, explanations, reasons) are the curators' and are taken out first: what is
    left, the library's own words, must name things as the screen does.
    """
    widget = analogylab.exercise(exercise_id)
    ex = widget.exercise
    widget.check_button.click()
    empty = "Answer not checked." if ex.scored else "Not recorded yet."
    assert empty in _assert_own_terms(widget, "nothing filled in")
    if ex.kind == "indicators":  # written or marked: walked through in the tests of lesson 98
        return
    _fill_partly(widget)
    widget.check_button.click()
    _assert_own_terms(widget, "partly filled in")
    _fill_wrongly(widget)
    for attempt in range(ex.attempts + 1):  # wrong until the answer is shown, and once after
        widget.check_button.click()
        screen = _assert_own_terms(widget, f"wrong answer, check {attempt + 1}")
        assert empty not in screen
    if ex.kind == "text":
        widget.rubric[ex.rubric[0].id].value = True
        widget.assess_button.click()
        screen = _assert_own_terms(widget, "self-assessment")
        for r in ex.rubric:  # the rubric once: as the boxes to tick, not again in the feedback
            assert screen.count(_plain(markdown_to_html(r.text))) == 1, r.text
        assert "Self-assessment recorded: 1 of" in screen


def test_the_grid_is_items_down_and_hypotheses_across() -> None:
    """A GridBox: a heading row, then per item its text, one labelled cell per hypothesis."""
    widget = analogylab.exercise("ex-05-2")
    ex = widget.exercise
    grid = widget.grid
    n = len(ex.columns)
    assert isinstance(grid, w.GridBox)
    assert grid.layout.grid_template_columns.startswith(f"minmax(14em, 2.4fr) repeat({n}, ")
    assert len(grid.children) == (len(ex.rows) + 1) * (n + 2)
    heads = [_plain(c.value) for c in grid.children[: n + 2]]
    assert heads == ["Item", *(c.text for c in ex.columns), "Still to rate"]
    for i, row in enumerate(ex.rows, start=1):
        line = grid.children[i * (n + 2) : (i + 1) * (n + 2)]
        assert _plain(line[0].value) == _plain(markdown_to_html(row.text))
        for col, cell in zip(ex.columns, line[1:-1], strict=True):
            assert cell is widget.cells[row.id, col.id]
            assert cell.description == f"{row.text}, against {col.text}"  # its accessible name
            assert cell.options[0] == ("not rated", None)
        assert line[-1] is widget.row_status[row.id]


def test_the_grid_shows_which_cells_are_still_empty() -> None:
    """Each row says how many cells it still needs; the grid says how many in all."""
    widget = analogylab.exercise("ex-00-7")
    ex = widget.exercise
    r0, r1 = ex.rows
    n = len(ex.columns)
    total = 2 * n
    assert widget.row_status[r0.id].value == f"{n} of {n} not rated"
    assert f"0 of {total} cells rated; {total} to go." in widget.grid_status.value
    for col in ex.columns:
        widget.cells[r0.id, col.id].value = "N"
    assert widget.row_status[r0.id].value == "all rated"
    assert widget.row_status[r1.id].value == f"{n} of {n} not rated"
    assert f"{n} of {total} cells rated; {n} to go." in widget.grid_status.value
    for d in widget.cells.values():
        d.value = "N"
    assert f"{total} of {total} cells rated; the grid is complete." in widget.grid_status.value


def test_grid_attempts_and_wording_agree() -> None:
    """One marked check, said up front; later checks are kept, shown, and earn nothing."""
    widget = analogylab.exercise("ex-00-7")
    ex = widget.exercise
    assert ex.attempts == 1
    assert (
        "your first complete check is marked, then the reference ratings are shown with "
        "their reasons; after that you may change cells and check again (kept, but not "
        "marked)." in widget.header.value
    )
    for d in widget.cells.values():
        d.value = "II"
    widget.check_button.click()
    assert "Checked 1 time; the reference ratings are shown." in widget.attempts_label.value
    first = analogylab.progress("00").set_index("exercise_id").loc["ex-00-7", "best_score"]
    for (r, c), d in widget.cells.items():
        d.value = ex.key[r][c]  # the reference, copied
    widget.check_button.click()
    assert "Correct. No points: the answer had already been shown" in _plain(_feedback(widget))
    assert "Checked 2 times; the reference ratings are shown." in widget.attempts_label.value
    p = analogylab.progress("00").set_index("exercise_id")
    assert p.loc["ex-00-7", "best_score"] == first < 1.0  # copying the key earns nothing
    assert p.loc["ex-00-7", "attempts"] == 2


def test_grid_feedback_shows_the_differences_first_and_folds_the_rest() -> None:
    """Only the cells that differ, each with the reference's reason; all cells folded under."""
    widget = analogylab.exercise("ex-00-7")
    ex = widget.exercise
    for (r, c), d in widget.cells.items():
        d.value = ex.key[r][c]
    r0, c0 = ex.rows[0], ex.columns[0]
    widget.cells[r0.id, c0.id].value = _far(ex, ex.key[r0.id][c0.id])
    widget.check_button.click()
    cells = len(ex.rows) * len(ex.columns)
    top, folded = _feedback(widget).split('<details class="analogylab-fold">')
    assert "Where you differ from the reference" in top and f"(1 of {cells} cells)" in top
    assert _plain(markdown_to_html(ex.rationale[r0.id][c0.id])) in _plain(top)
    other = ex.rationale[ex.rows[1].id][ex.columns[1].id]
    assert _plain(markdown_to_html(other)) not in _plain(top)
    assert folded.startswith(
        f"<summary>All {cells} cells: the reference ratings and their reasons</summary>"
    )
    for row in ex.rationale.values():
        for why in row.values():
            assert _plain(markdown_to_html(why)) in _plain(folded)
    again = analogylab.exercise("ex-00-7")  # restored after a restart: folded the same way
    assert '<details class="analogylab-fold">' in again.feedback.value


def test_a_student_adds_a_column_of_their_own() -> None:
    """An added hypothesis is a column like the others, recorded with the answer, not marked."""
    widget = analogylab.exercise("ex-00-7", add_columns=True)
    ex = widget.exercise
    widget.new_column.value = "  Russia wants   a say in Kabul "
    widget.add_column_button.click()
    label = "Russia wants a say in Kabul"
    assert widget.own_columns == [label]
    assert "Added “Russia wants a say in Kabul” as a column" in widget.column_message.value
    assert [_plain(c.value) for c in widget.grid.children[: len(ex.columns) + 3]] == [
        "Item",
        *(c.text for c in ex.columns),
        f"{label} (your own; not marked)",
        "Still to rate",
    ]
    assert widget.cells[ex.rows[0].id, label].description == f"{ex.rows[0].text}, against {label}"
    for (r, c), d in widget.cells.items():
        if c != label:
            d.value = ex.key[r][c]
    widget.check_button.click()  # the new column is empty: not checked, and named
    text = _plain(_feedback(widget))
    assert "Answer not checked." in text and f"“{label}”" in text
    for row in ex.rows:
        widget.cells[row.id, label].value = "C"
    widget.check_button.click()
    text = _plain(_feedback(widget))
    assert text.startswith("Correct. 2 of 2 points.")
    assert f"Your own hypothesis, {label}: your 2 ratings are kept with your answer." in text
    stored = analogylab.last_answer("ex-00-7")
    assert all(stored[row.id][label] == "C" for row in ex.rows)
    again = analogylab.exercise("ex-00-7")  # after a restart, the column comes back
    assert again.own_columns == [label]
    assert again.cells[ex.rows[0].id, label].value == "C"
    again.remove_column(label)
    assert again.own_columns == [] and len(again.cells) == len(ex.rows) * len(ex.columns)


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "give your hypothesis a short label"),
        (
            "Guard the southern flank, hedge on a US exit",
            "the grid already has a column “Guard the southern flank, hedge on a US exit”",
        ),
        ("x" * 121, "keep it under 120"),
    ],
)
def test_an_added_column_needs_a_new_short_label(label: str, message: str) -> None:
    """A missing, repeated or overlong label is refused with what to do; nothing is added."""
    widget = analogylab.exercise("ex-00-7", add_columns=True)
    with pytest.raises(analogylab.AnalogylabError, match=re.escape(message)):
        widget.add_column(label)
    widget.new_column.value = label
    widget.add_column_button.click()
    assert message in html.unescape(widget.column_message.value)
    assert widget.own_columns == []
    with pytest.raises(analogylab.AnalogylabError, match="only a rating grid"):
        analogylab.exercise("ex-00-1").add_column("Mine")


def test_controls_are_as_wide_as_their_options() -> None:
    """Ordering and matching drop-downs span the exercise; each is as wide as its longest option."""
    widget = analogylab.exercise("ex-00-4")
    assert all(d.layout.width == "100%" for d in widget.positions)
    assert ".analogylab-exercise .widget-dropdown select { flex: 0 1 auto; width: auto;" in (
        widget.header.value
    )
    assert all(d.layout.width == "100%" for d in analogylab.exercise("ex-00-3").controls)


# --- issue 14: reconsidering the hypotheses in the grid ---------------------------------------


def test_a_student_merges_two_columns_and_splits_one() -> None:
    """Merge derives its cells from the two; split adds two empty parts; both are kept."""
    widget = analogylab.exercise("ex-00-7", add_columns=True)
    ex = widget.exercise
    first, second, third = (c.id for c in ex.columns)
    for (r, c), d in widget.cells.items():
        d.value = ex.key[r][c]
    widget.merge_first.value, widget.merge_second.value = first, third
    widget.merge_label.value = "Flank or broker"
    widget.merge_rule.value = "either"
    widget.merge_button.click()
    said = _plain(widget.column_message.value)
    assert said.startswith(f"Merged “{ex.columns[0].text}” and “{ex.columns[2].text}” into")
    assert f"{len(ex.rows)} of {len(ex.rows)} cells filled from your ratings" in said
    from analogylab.analysis import derive_merged

    for row in ex.rows:
        want = derive_merged([ex.key[row.id][first]], [ex.key[row.id][third]], "either")[0]
        assert widget.cells[row.id, "Flank or broker"].value == want
    heads = [_plain(c.value) for c in widget.grid.children[: len(ex.columns) + 3]]
    assert heads[-2] == (
        f"Flank or broker (your merge of “{ex.columns[0].text}” and “{ex.columns[2].text}”; "
        "not marked)"
    )
    widget.split_of.value = second
    widget.split_first.value, widget.split_second.value = "Part one", "Part two"
    widget.split_button.click()
    assert "Split into “Part one” and “Part two”" in _plain(widget.column_message.value)
    assert widget.own_columns == ["Flank or broker", "Part one", "Part two"]
    assert list(widget.remove_which.options) == [(c, c) for c in widget.own_columns]
    widget.check_button.click()  # the parts are empty: refused, and named
    assert "“Part one”" in _plain(_feedback(widget))
    for row in ex.rows:
        widget.cells[row.id, "Part one"].value = "C"
        widget.cells[row.id, "Part two"].value = "I"
    widget.check_button.click()
    assert _plain(_feedback(widget)).startswith("Correct.")
    stored = analogylab.last_answer("ex-00-7")
    assert stored["@own"] == {
        "Flank or broker": {"how": "merged", "from": [first, third], "rule": "either"},
        "Part one": {"how": "split", "from": [second]},
        "Part two": {"how": "split", "from": [second]},
    }
    again = analogylab.exercise("ex-00-7", add_columns=True)  # after a restart
    assert again.own_columns == widget.own_columns and again.own_how == widget.own_how
    again.remove_which.value = "Part two"
    again.remove_button.click()
    assert again.own_columns == ["Flank or broker", "Part one"]
    again.merge_label.value = ""
    again.merge_button.click()
    assert "give the merged hypothesis a short label" in _plain(again.column_message.value)


# --- issue 14: judgements first, then the record; indicators -----------------------------------


@pytest.mark.usefixtures("methods_data")
def test_a_judgement_widget_records_then_shows_the_curators_and_takes_an_argument() -> None:
    widget = analogylab.exercise("ex-98-1")
    assert widget.check_button.description == "Record my judgement"
    assert "a judgement, not marked" in widget.header.value and "no points" in widget.header.value
    assert not widget.argue_box.children  # nothing to argue with before one's own judgement
    widget.radio.value = "b"
    widget.check_button.click()
    text = _plain(_feedback(widget))
    assert text.startswith("Your judgement is recorded. It is not marked")
    assert "The curators' judgement, with their reasons:" in text
    assert "Recorded 1 time; the curators' judgement is shown." in _plain(
        widget.attempts_label.value
    )
    assert widget.argue_text.description == "Your argument:"
    widget.argue_text.value = "A commander's access counts for something."
    widget.argue_button.click()
    assert "Your argument is recorded" in _plain(widget.argue_message.value)
    again = analogylab.exercise("ex-98-1")  # after a restart: judgement, feedback, argument
    assert again.radio.value == "b"
    assert "The curators' judgement" in _plain(again.feedback.value)
    assert again.argue_text.value == "A commander's access counts for something."


@pytest.mark.usefixtures("methods_data")
def test_indicators_are_written_in_rows_and_marked_in_drop_downs() -> None:
    write = analogylab.exercise("ex-98-4")
    assert write.check_button.description == "Record my indicators"
    assert len(write.indicator_rows) == 3
    _all_controls_labelled(write)
    write.add_row_button.click()
    assert len(write.indicator_rows) == 4 and len(write.controls) == 12
    text, against, by = write.indicator_rows[0]
    assert against.description == "Indicator 1: the explanation it would count against"
    text.value, against.value, by.value = "Russia arms the Taliban openly", "h-flank-hedge", "2019"
    write.check_button.click()  # one of at least two
    assert "Write at least 2 indicators; you have 1." in _plain(_feedback(write))
    t2, a2, b2 = write.indicator_rows[2]  # an empty row between is left out
    t2.value, a2.value, b2.value = "Moscow hosts the Taliban and Kabul", "h-power-broker", "2020-06"
    write.check_button.click()
    assert _plain(_feedback(write)).startswith("Recorded: 2 indicators, as of 2018-10-12.")
    mark = analogylab.exercise("ex-98-5")
    assert mark.check_button.description == "Record my marks"
    assert "The record: what happened after the analysis date" in mark.body_html()
    assert "written in hindsight" in mark.body_html()
    assert [p.description for p in mark.mark_pickers] == [
        "Indicator 1: Russia arms the Taliban openly",
        "Indicator 2: Moscow hosts the Taliban and Kabul",
    ]
    mark.mark_pickers[0].value = "happened"
    mark.check_button.click()
    assert "Mark every indicator: 1 still says “not marked” (2)." in _plain(_feedback(mark))
    mark.mark_pickers[1].value = "cannot-tell"
    mark.check_button.click()
    assert "Recorded: your marks for 2 indicators." in _plain(_feedback(mark))
    again = analogylab.exercise("ex-98-5")
    assert [p.value for p in again.mark_pickers] == ["happened", "cannot-tell"]
    rewritten = analogylab.exercise("ex-98-4")
    assert rewritten.indicator_rows[1][0].value == "Moscow hosts the Taliban and Kabul"


@pytest.mark.usefixtures("methods_data")
def test_marking_before_writing_says_to_write_first() -> None:
    mark = analogylab.exercise("ex-98-5")
    assert mark.mark_pickers == []
    assert "You have not written any indicators yet" in mark.body_html()
    mark.check_button.click()
    assert "You have not written any indicators yet (exercise ex-98-4)" in _plain(_feedback(mark))
