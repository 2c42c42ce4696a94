"""Exercise widgets: labelled controls, Check and Hint buttons, feedback in words.

``analogylab.exercise("ex-02-3")`` returns an ``ExerciseWidget``. Its buttons
call the same functions as ``analogylab.check`` and ``analogylab.hint``, so
every attempt is recorded in the answer store, and a widget built again (after a
kernel restart, say) fills in the last answer and shows what it got.

The feedback area is a live region (``role="status"``) so a screen reader reads
it out, and every result is stated in words; colour is never the only signal.
Every control has a description, which Jupyter renders as its label.

Everything the widget says is in its own terms: an answer it sends is checked with
``on_screen=True``, so a missing position or cell is named as the screen shows it
("position 3", the row and column labels of a grid), never by an id or a Python value.
A rating grid is laid out as a grid: its items down, its hypotheses across, one labelled
drop-down in each cell; a student may reconsider the hypotheses (Heuer's step 4): add a
column of their own (``add_column``), merge two into one (``merge_columns``) or split one
into two (``split_column``).

A judgement (``judgement: true`` in the bank) is recorded, not marked: its button says
"Record my judgement", the feedback gives the curators' judgement with every reason, and a
box under it takes the student's argument back (``argue``). Indicators (Heuer's step 8) are
written in rows (what to watch for, the explanation it would count against, by when) and
later marked, one drop-down each, against the record of what happened.
"""

from __future__ import annotations

import hashlib
import html
from typing import Any

import ipywidgets as w
import mistune

from analogylab.bank import Exercise, Item
from analogylab.errors import AnalogylabError
from analogylab.exercises import (
    ARGUED,
    Feedback,
    get_exercise,
    key_shown,
    next_hint,
    progress_by_lesson,
    record,
    record_argument,
    split_fold,
    written_indicators,
)
from analogylab.grading import INDICATOR_MARKS, OWN_KEY, option_label
from analogylab.session import STALE_STYLE, stale_note
from analogylab.store import AnswerStore, open_store

__all__ = [
    "NOT_MARKED",
    "NOT_RATED",
    "ExerciseWidget",
    "attempts_note",
    "display_order",
    "exercise",
    "feedback_html",
    "markdown_to_html",
    "option_label",
    "progress_panel",
]

_md = mistune.create_markdown(escape=True)
#: What an empty cell of a rating grid shows (and is called in messages).
NOT_RATED = "not rated"
#: What an indicator not yet marked against the record shows.
NOT_MARKED = "not marked"
#: How each own column of a grid came about, as its heading says.
_OWN_WORDS = {"added": "your own", "merged": "your merge", "split": "your split"}
# Long option texts wrap onto several lines instead of overlapping the next option, and
# long labels are shown in full; a drop-down is as wide as its longest option (up to the
# page), so "Soviet troops enter Afghanistan" is never cut to "Soviet troops enter Af".
# A grid's empty cells are dashed and say "not rated". Scoped to the exercise's own class.
_STYLE = """<style>
.analogylab-exercise .widget-radio-box label { display: flex; align-items: flex-start;
  gap: 0.4em; height: auto; line-height: 1.35; white-space: normal; margin: 0.2em 0; }
.analogylab-exercise .widget-radio-box label input { flex: none; order: -1;
  margin-top: 0.25em; }
.analogylab-exercise .widget-checkbox { height: auto; }
.analogylab-exercise .widget-checkbox label { height: auto; line-height: 1.35;
  white-space: normal; }
.analogylab-exercise .widget-inline-hbox { height: auto; align-items: center; }
.analogylab-exercise .widget-inline-hbox .widget-label { white-space: normal;
  overflow: visible; text-overflow: clip; height: auto; line-height: 1.3; }
.analogylab-exercise .widget-dropdown select { flex: 0 1 auto; width: auto; max-width: 100%;
  min-width: 10em; }
.analogylab-grid { overflow-x: auto; align-items: stretch; gap: 0.25em 0.4em; }
.analogylab-grid .analogylab-colhead { font-weight: bold; line-height: 1.25;
  align-self: end; padding-bottom: 0.2em; border-bottom: 2px solid #888; }
.analogylab-grid .analogylab-rowhead { line-height: 1.3; border-top: 1px solid #ddd;
  padding-top: 0.2em; }
.analogylab-grid .analogylab-rowhead p { margin: 0; }
.analogylab-grid .analogylab-cell { width: 100%; border-top: 1px solid #ddd;
  padding-top: 0.2em; }
.analogylab-grid .analogylab-cell .widget-label { position: absolute; width: 1px;
  height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.analogylab-grid .analogylab-cell select { min-width: 5.5em; width: 100%; flex: 1 1 auto; }
.analogylab-grid .analogylab-cell select:has(option:first-child:checked) {
  border: 2px dashed #d55e00; font-style: italic; }
.analogylab-grid .analogylab-rowstatus { font-size: 0.9em; line-height: 1.3;
  border-top: 1px solid #ddd; padding-top: 0.3em; }
.analogylab-exercise details.analogylab-fold > summary { cursor: pointer; font-weight: bold;
  margin: 0.4em 0; }
.analogylab-indicators { align-items: center; gap: 0.25em 0.4em; }
.analogylab-indicators .analogylab-cell .widget-label { position: absolute; width: 1px;
  height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.analogylab-indicators .analogylab-cell input, .analogylab-indicators .analogylab-cell select {
  width: 100%; }
.analogylab-reconsider .widget-label { white-space: normal; }
</style>"""
_WIDE = w.Layout(width="100%")
_LABELLED = {"description_width": "initial"}


def markdown_to_html(text: str) -> str:
    """Markdown (from the bank or a feedback message) as HTML; raw HTML is escaped."""
    return str(_md(text))


def feedback_html(message: str) -> str:
    """A feedback message as HTML, its folded part (a grid's every cell) in a closed details."""
    top, summary, rest = split_fold(message)
    out = markdown_to_html(top)
    if summary:
        out += (
            f'<details class="analogylab-fold"><summary>{html.escape(summary)}</summary>'
            f"{markdown_to_html(rest)}</details>"
        )
    return out


def display_order(ex: Exercise, items: tuple[Item, ...]) -> list[Item]:
    """A fixed shuffle (the same every time, for every student) so the key is not the order.

    The reader edition lists an ordering exercise's items in this same order.
    """
    return sorted(items, key=lambda it: hashlib.sha256(f"{ex.id}:{it.id}".encode()).hexdigest())


def attempts_note(ex: Exercise) -> str:  # noqa: PLR0911  (one sentence per case)
    """What the header says about attempts, so the wording agrees with what the widget does."""
    if ex.judgement:
        return (
            "a judgement, not marked: give yours first; then the curators' judgement is shown "
            "with its reasons, and you may argue back"
        )
    if ex.kind == "indicators" and ex.check:
        return "not marked: your own judgement of what happened, held against the record"
    if ex.kind == "indicators":
        return (
            "not marked, and there is no key: your own indicators, written as of "
            f"{ex.as_of or 'the analysis date'}, before you see what happened"
        )
    if ex.kind == "text":
        return "check it once, then compare it with a model answer and tick a rubric"
    if ex.kind == "grid":
        checks = "your first complete check" if ex.attempts == 1 else f"{ex.attempts} checks"
        return (
            f"{checks} {'is' if ex.attempts == 1 else 'are'} marked, then the reference ratings "
            "are shown with their reasons; after that you may change cells and check again "
            "(kept, but not marked)"
        )
    if ex.attempts == 1:
        return "1 attempt: the answer is shown after your first check"
    return f"{ex.attempts} attempts before the answer is shown"


def _day(date: Any, precision: Any) -> str:
    """A date as "12 October 2018" (or "October 2018", "2018", following its precision)."""
    d = date
    if precision == "year":
        return f"{d.year}"
    if precision == "month":
        return str(d.strftime("%B %Y"))
    return f"{d.day} {d.strftime('%B %Y')}"


class ExerciseWidget(w.VBox):  # type: ignore[misc]  # ipywidgets has no type hints
    """One exercise: prompt, labelled controls, Check, Hint and a feedback area.

    ``add_columns``: for a rating grid, a box and a button under the grid let the student
    add a hypothesis of their own as a column (see :meth:`add_column`).
    """

    def __init__(
        self, ex: Exercise, store: AnswerStore | None = None, *, add_columns: bool = False
    ) -> None:
        self.exercise = ex
        self.store = store or open_store()
        self.own_columns: list[str] = []  # a grid's columns the student added, by label
        self.own_how: dict[str, dict[str, Any]] = {}  # and how each came about ("@own")
        points = f"{ex.points:g} point" + ("" if ex.points == 1 else "s")
        if not ex.scored:
            points = "no points"
        title = f": {ex.title}" if ex.title else ""
        self.header = w.HTML(
            f"{_STYLE}{STALE_STYLE}{stale_note('exercise')}"
            f"<h4>Exercise {ex.id}{title}</h4>"
            f"<p><em>{ex.kind_name}, {points}; {attempts_note(ex)}.</em></p>"
            + markdown_to_html(ex.prompt)
        )
        self.controls: list[w.Widget] = []
        body = self._build_controls(add_columns=add_columns)
        label, tip = "Check", f"Check your answer to {ex.id}"
        if ex.judgement:
            label, tip = "Record my judgement", f"Record your judgement in {ex.id}"
        elif ex.kind == "indicators":
            label = "Record my marks" if ex.check else "Record my indicators"
            tip = f"Record what you wrote in {ex.id}; nothing is marked"
        self.check_button = w.Button(
            description=label, tooltip=tip, icon="check", layout=w.Layout(width="auto")
        )
        self.hint_button = w.Button(
            description="Hint",
            tooltip=f"Show a hint for {ex.id}",
            icon="question",
            disabled=not ex.hints,
        )
        self.attempts_label = w.HTML()
        self.hints_area = w.HTML()
        self.feedback = w.HTML(layout=_WIDE)
        self.rubric_box = w.VBox()
        self.argue_box = w.VBox()
        self.check_button.on_click(lambda _b: self.check())
        self.hint_button.on_click(lambda _b: self.show_hint())
        super().__init__(
            [
                self.header,
                body,
                w.HBox([self.check_button, self.hint_button, self.attempts_label]),
                self.hints_area,
                self.feedback,
                self.rubric_box,
                self.argue_box,
            ],
            layout=w.Layout(border="1px solid #888", padding="0.5em", margin="0.5em 0"),
        )
        self.add_class("analogylab-exercise")
        _record_shown(ex)
        self._restore()

    def __repr__(self) -> str:
        ex = self.exercise
        points = f"{ex.points:g} point" + ("" if ex.points == 1 else "s")
        if not ex.scored:
            points = "not marked"
        return f"Exercise {ex.id} ({ex.kind_name}, {points}): run this cell to answer it."

    def body_html(self) -> str:
        """The HTML the exercise's body shows (its notes, headings and texts), in order."""
        out: list[str] = []

        def walk(widget: w.Widget) -> None:
            if isinstance(widget, w.HTML):
                out.append(widget.value)
            for child in getattr(widget, "children", ()):
                walk(child)

        walk(self.children[1])
        return "".join(out)

    # -- controls, one builder per kind --

    def _build_controls(self, *, add_columns: bool = False) -> w.Widget:  # noqa: PLR0911
        ex = self.exercise  # one return per kind
        if ex.kind == "single":
            self.radio = w.RadioButtons(
                options=[(option_label(o), o.id) for o in ex.options],
                value=None,
                description="Your answer:",
                style=_LABELLED,
                layout=_WIDE,
            )
            self.controls = [self.radio]
            return self.radio
        if ex.kind == "multiple":
            self.boxes = {
                o.id: w.Checkbox(description=option_label(o), indent=False, layout=_WIDE)
                for o in ex.options
            }
            self.controls = list(self.boxes.values())
            return w.VBox([w.Label("Tick every option that applies:"), *self.controls])
        if ex.kind == "matching":
            choices = [("(choose)", None), *((r.text, r.id) for r in ex.right)]
            self.pickers = {
                it.id: w.Dropdown(
                    options=choices,
                    index=0,  # shows "(choose)"; value=None would show a blank box
                    description=it.text,
                    style={"description_width": "45%"},
                    layout=_WIDE,
                )
                for it in ex.left
            }
            self.controls = list(self.pickers.values())
            return w.VBox(self.controls)
        if ex.kind == "ordering":
            shown = display_order(ex, ex.items)
            choices = [("(choose)", None), *((it.text, it.id) for it in shown)]
            n = len(ex.items)
            self.positions = [
                w.Dropdown(
                    options=choices,
                    index=0,  # shows "(choose)"; value=None would show a blank box
                    description=f"Position {i + 1}"
                    + (" (earliest)" if i == 0 else " (latest)" if i == n - 1 else "")
                    + ":",
                    style={"description_width": "9em"},
                    layout=_WIDE,
                )
                for i in range(n)
            ]
            self.controls = self.positions
            return w.VBox(self.controls)
        if ex.kind == "numeric":
            unit = f" ({ex.unit})" if ex.unit else ""
            self.number = w.Text(
                description=f"Your answer{unit}:", placeholder="a number", style=_LABELLED
            )
            self.controls = [self.number]
            return self.number
        if ex.kind == "text":
            self.textarea = w.Textarea(
                description="Your answer:",
                placeholder="Write two or three sentences.",
                style=_LABELLED,
                layout=w.Layout(width="100%", height="7em"),
            )
            self.controls = [self.textarea]
            return self.textarea
        if ex.kind == "indicators":
            return self._build_marks() if ex.check else self._build_indicators()
        return self._build_grid(add_columns=add_columns)

    # -- indicators (Heuer's step 8) --

    def _indicator_row(self, n: int) -> tuple[w.Text, w.Dropdown, w.Text]:
        """One indicator: what to watch for, the explanation it counts against, and by when."""
        ex = self.exercise
        text = w.Text(
            description=f"Indicator {n}: what you would watch for",
            placeholder="something observable, e.g. Russia delivers heavy weapons to the Taliban",
            layout=w.Layout(width="auto"),
        )
        against = w.Dropdown(
            options=[("(choose)", None), *((h.text, h.id) for h in ex.hypotheses)],
            index=0,
            description=f"Indicator {n}: the explanation it would count against",
            layout=w.Layout(width="auto"),
        )
        by = w.Text(
            description=f"Indicator {n}: by when (a date)",
            placeholder="YYYY-MM-DD",
            layout=w.Layout(width="auto"),
        )
        for c in (text, against, by):
            c.add_class("analogylab-cell")
        return text, against, by

    def _build_indicators(self) -> w.Widget:
        ex = self.exercise
        self.indicator_rows: list[tuple[w.Text, w.Dropdown, w.Text]] = []
        self.indicator_grid = w.GridBox()
        self.indicator_grid.add_class("analogylab-indicators")
        self.add_row_button = w.Button(
            description="Add a row",
            tooltip="Add a row for one more indicator",
            icon="plus",
            layout=w.Layout(width="auto"),
        )
        self.add_row_button.on_click(lambda _b: self.add_indicator_row())
        for _ in range(max(ex.at_least, 3)):
            self.add_indicator_row()
        when = f" as of {ex.as_of}" if ex.as_of else ""
        note = w.HTML(
            f"<p>Write each indicator{when}: something you could see happen, the explanation "
            "it would count against if it did, and the date by which you would expect to see "
            f"it. At least {ex.at_least}; empty rows are left out.</p>"
        )
        return w.VBox([note, self.indicator_grid, self.add_row_button])

    def add_indicator_row(self) -> None:
        """One more empty row for an indicator (what the "Add a row" button does)."""
        self.indicator_rows.append(self._indicator_row(len(self.indicator_rows) + 1))
        heads = [
            w.HTML("<b>What you would watch for</b>"),
            w.HTML("<b>It would count against</b>"),
            w.HTML("<b>By (date)</b>"),
        ]
        self.indicator_grid.children = [*heads, *(c for row in self.indicator_rows for c in row)]
        self.indicator_grid.layout = w.Layout(
            grid_template_columns="minmax(16em, 3fr) minmax(10em, 2fr) minmax(8em, 1fr)",
            width="100%",
        )
        self.controls = [c for row in self.indicator_rows for c in row]

    def _build_marks(self) -> w.Widget:
        """The student's own indicators, each with a drop-down: happened, did not, cannot tell."""
        ex = self.exercise
        self.written = written_indicators(ex.id, store=self.store)
        names = {h.id: h.text for h in get_exercise(ex.check).hypotheses}
        self.mark_pickers: list[w.Dropdown] = []
        parts: list[w.Widget] = [w.HTML(self._record_html())]
        if not self.written:
            parts.append(
                w.HTML(
                    f"<p><b>You have not written any indicators yet</b> (exercise {ex.check}). "
                    "Write them there, as of the analysis date, then run this cell again. "
                    "Written now, after seeing what happened, they would test nothing.</p>"
                )
            )
        rows: list[w.Widget] = [
            w.HTML("<b>Your indicator</b>"),
            w.HTML("<b>Against</b>"),
            w.HTML("<b>By</b>"),
            w.HTML("<b>What happened</b>"),
        ]
        for n, it in enumerate(self.written, 1):
            pick = w.Dropdown(
                options=[(NOT_MARKED, None), *((v, k) for k, v in INDICATOR_MARKS.items())],
                index=0,
                description=f"Indicator {n}: {it.get('text', '')}",
                layout=w.Layout(width="auto"),
            )
            pick.add_class("analogylab-cell")
            self.mark_pickers.append(pick)
            against = names.get(str(it.get("against")), str(it.get("against")))
            rows += [
                w.HTML(html.escape(str(it.get("text", "")))),
                w.HTML(html.escape(against)),
                w.HTML(html.escape(str(it.get("by", "")))),
                pick,
            ]
        grid = w.GridBox(
            rows,
            layout=w.Layout(
                grid_template_columns="minmax(14em, 3fr) minmax(9em, 2fr) 7em minmax(12em, 2fr)",
                width="100%",
            ),
        )
        grid.add_class("analogylab-indicators")
        self.controls = list(self.mark_pickers)
        return w.VBox([*parts, grid])

    def _record_html(self) -> str:
        """The record to hold indicators against: the case's events after its analysis date."""
        ex = self.exercise
        try:
            from analogylab.analysis import record_after  # noqa: PLC0415
            from analogylab.data import load_dataset  # noqa: PLC0415

            events = record_after(load_dataset(), ex.case)
        except AnalogylabError as e:
            return f"<p>The record cannot be shown: {html.escape(str(e))}</p>"
        items = "".join(
            f"<li>{html.escape(_day(r.date, r.precision))}: {html.escape(str(r.title))}"
            + (" <em>(contested)</em>" if bool(r.contested) else "")
            + "</li>"
            for r in events.itertuples()
        )
        return (
            '<details class="analogylab-fold"><summary>The record: what happened after the '
            f"analysis date ({len(events)} events of the dataset, each cited)</summary>"
            f"<ul>{items}</ul><p>These are events, with their sources in the data. The "
            "curators' milestones (what each explanation would have led one to expect) are "
            "left out here: they were written in hindsight.</p></details>"
        )

    # -- the rating grid --

    def _cell(self, row: Item, column: str) -> w.Dropdown:
        """One cell: a drop-down whose label (read by screen readers) names its row and column."""
        d = w.Dropdown(
            options=[(NOT_RATED, None), *((s, s) for s in self.exercise.scale)],
            index=0,  # shows "not rated"; value=None would show a blank box
            description=f"{row.text}, against {column}",
            tooltip=f"{row.text}, against {column}",
            layout=w.Layout(width="auto"),
        )
        d.add_class("analogylab-cell")
        d.observe(lambda _change: self._update_grid_status(), names="value")
        return d

    def _build_grid(self, *, add_columns: bool) -> w.Widget:
        ex = self.exercise
        self.cells: dict[tuple[str, str], w.Dropdown] = {}
        self.column_labels: dict[str, str] = {c.id: c.text for c in ex.columns}
        for row in ex.rows:
            for col in ex.columns:
                self.cells[row.id, col.id] = self._cell(row, col.text)
        self.row_status = {row.id: w.HTML() for row in ex.rows}
        for h in self.row_status.values():
            h.add_class("analogylab-rowstatus")
        self.grid_status = w.HTML()
        self.grid = w.GridBox()
        self.grid.add_class("analogylab-grid")
        self._lay_out_grid()
        parts: list[w.Widget] = [self.grid, self.grid_status]
        if add_columns:
            parts.append(self._reconsider_panel())
        self.controls = list(self.cells.values())
        return w.VBox(parts)

    def _reconsider_panel(self) -> w.Widget:
        """Heuer's step 4 under the grid: add, merge or split hypotheses; remove your own."""
        wide = w.Layout(width="auto")
        self.new_column = w.Text(
            description="Your own hypothesis:",
            placeholder="a short label, such as: Russia wants leverage over Pakistan",
            style=_LABELLED,
            layout=w.Layout(width="70%"),
        )
        self.add_column_button = w.Button(
            description="Add as a column",
            tooltip="Add your hypothesis as a column of the grid, to rate every item against",
            icon="plus",
            layout=wide,
        )
        self.add_column_button.on_click(lambda _b: self._from_boxes(self._add_from_box))
        self.merge_first = w.Dropdown(description="Merge", style=_LABELLED, layout=wide)
        self.merge_second = w.Dropdown(description="with", style=_LABELLED, layout=wide)
        self.merge_label = w.Text(
            description="into:", placeholder="a label for the merged hypothesis", style=_LABELLED
        )
        self.merge_rule = w.Dropdown(
            options=[
                ("derive its ratings: it holds if either is true", "either"),
                ("derive its ratings: it holds only if both are true", "both"),
                ("rate it myself (empty cells)", ""),
            ],
            value="either",
            description="Its ratings:",
            style=_LABELLED,
            layout=wide,
        )
        self.merge_button = w.Button(
            description="Merge into a column",
            tooltip="Merge two hypotheses into one column of your own; it replaces them in "
            "the matrix",
            icon="compress",
            layout=wide,
        )
        self.merge_button.on_click(lambda _b: self._from_boxes(self._merge_from_boxes))
        self.split_of = w.Dropdown(description="Split", style=_LABELLED, layout=wide)
        self.split_first = w.Text(
            description="into:", placeholder="a label for the first part", style=_LABELLED
        )
        self.split_second = w.Text(
            description="and:", placeholder="a label for the second part", style=_LABELLED
        )
        self.split_button = w.Button(
            description="Split into two columns",
            tooltip="Split a hypothesis into two columns of your own, to rate; they replace it "
            "in the matrix",
            icon="expand",
            layout=wide,
        )
        self.split_button.on_click(lambda _b: self._from_boxes(self._split_from_boxes))
        self.remove_which = w.Dropdown(
            description="Remove your column", style=_LABELLED, layout=wide
        )
        self.remove_button = w.Button(
            description="Remove", tooltip="Remove a column of your own", icon="trash", layout=wide
        )
        self.remove_button.on_click(lambda _b: self._from_boxes(self._remove_from_box))
        self.column_message = w.HTML()
        self._refresh_choices()
        panel = w.VBox(
            [
                w.HTML(
                    "<b>Reconsider the hypotheses</b> (Heuer's step 4): add one, merge two the "
                    "evidence does not tell apart, or split one that hides two. Your columns "
                    "are rated and scored like the others, and compared with nothing."
                ),
                w.HBox([self.new_column, self.add_column_button]),
                w.HBox([self.merge_first, self.merge_second, self.merge_label]),
                w.HBox([self.merge_rule, self.merge_button]),
                w.HBox([self.split_of, self.split_first, self.split_second, self.split_button]),
                w.HBox([self.remove_which, self.remove_button]),
                self.column_message,
            ]
        )
        panel.add_class("analogylab-reconsider")
        return panel

    def _refresh_choices(self) -> None:
        """The drop-downs of the reconsider panel follow the columns the grid has now."""
        if not hasattr(self, "merge_first"):
            return
        columns = [(label, key) for key, label, _own in self._columns()]
        for d in (self.merge_first, self.merge_second, self.split_of):
            keep = d.value
            d.options = columns
            d.value = keep if keep in {k for _l, k in columns} else None
        if self.merge_first.value is None and columns:
            self.merge_first.value = columns[0][1]
        if self.merge_second.value is None and len(columns) > 1:
            self.merge_second.value = columns[1][1]
        if self.split_of.value is None and columns:
            self.split_of.value = columns[0][1]
        mine = [(c, c) for c in self.own_columns]
        self.remove_which.options = mine
        self.remove_which.value = mine[-1][1] if mine else None
        self.remove_button.disabled = not mine

    def _columns(self) -> list[tuple[str, str, bool]]:
        """Every column as (key, label, the student's own)."""
        bank = [(c.id, c.text, False) for c in self.exercise.columns]
        return bank + [(label, label, True) for label in self.own_columns]

    def _lay_out_grid(self) -> None:
        """Items down, hypotheses across, each row's count of empty cells at its end."""
        ex = self.exercise
        columns = self._columns()
        heads: list[w.Widget] = [w.HTML("<b>Item</b>")]
        for key, label, own in columns:
            mine = f"<br><em>({html.escape(self._own_words(key))}; not marked)</em>" if own else ""
            heads.append(w.HTML(f"{html.escape(label)}{mine}"))
        heads.append(w.HTML("<b>Still to rate</b>"))
        for h in heads:
            h.add_class("analogylab-colhead")
        children: list[w.Widget] = list(heads)
        for row in ex.rows:
            head = w.HTML(markdown_to_html(row.text))
            head.add_class("analogylab-rowhead")
            children.append(head)
            children.extend(self.cells[row.id, key] for key, _l, _o in columns)
            children.append(self.row_status[row.id])
        n = len(columns)
        self.grid.children = children
        self.grid.layout = w.Layout(
            grid_template_columns=f"minmax(14em, 2.4fr) repeat({n}, minmax(6.5em, 1fr)) "
            "minmax(6em, 0.8fr)",
            width="100%",
        )
        self._update_grid_status()

    def _update_grid_status(self) -> None:
        """Each row's empty cells, and the whole grid's, in words (completeness in place)."""
        if not hasattr(self, "row_status"):
            return
        columns = self._columns()
        empty_total = 0
        for row in self.exercise.rows:
            empty = [label for key, label, _o in columns if self.cells[row.id, key].value is None]
            empty_total += len(empty)
            self.row_status[row.id].value = (
                "all rated" if not empty else f"{len(empty)} of {len(columns)} {NOT_RATED}"
            )
        total = len(self.exercise.rows) * len(columns)
        done = total - empty_total
        self.grid_status.value = (
            f"<p>{done} of {total} cells rated"
            + ("; the grid is complete." if done == total else f"; {empty_total} to go.")
            + "</p>"
        )

    def _own_words(self, key: str) -> str:
        """How a column of the student's came about, for its heading: "your merge of A and B"."""
        how = self.own_how.get(key, {})
        kind = str(how.get("how", "added"))
        names = {k: lab for k, lab, _o in self._columns()}
        of = [f"“{names.get(p, p)}”" for p in how.get("from", [])]
        if kind == "merged" and len(of) == 2:
            return f"your merge of {of[0]} and {of[1]}"
        if kind == "split" and of:
            return f"your split of {of[0]}"
        return _OWN_WORDS.get(kind, "your own")

    def add_column(
        self, label: str, *, how: str = "added", parents: tuple[str, ...] = (), rule: str = ""
    ) -> str:
        """Add a hypothesis of the student's own as a column of the grid; its label back.

        Its cells are rated like the others and recorded with the answer (keyed by the
        label), but not marked: the curators have no reference ratings for it. A grid
        with added columns must be complete in them too before it is checked. ``how``,
        ``parents`` and ``rule`` say how it came about (see :meth:`merge_columns` and
        :meth:`split_column`); they are kept with the answer (its ``"@own"`` entry).
        """
        if self.exercise.kind != "grid":
            raise AnalogylabError(
                f"exercise {self.exercise.id} is a {self.exercise.kind_name}; only a rating "
                "grid takes a column of your own"
            )
        text = " ".join(str(label).split()) if isinstance(label, str) else ""
        if not text:
            raise AnalogylabError(
                "give your hypothesis a short label, such as "
                "add_column('Russia wants leverage over Pakistan')"
            )
        if len(text) > 120:
            raise AnalogylabError(
                f"the label has {len(text)} characters; keep it under 120, a short name for "
                "the hypothesis (its argument belongs in your notes)"
            )
        taken = {k.lower() for k, _l, _o in self._columns()} | {
            lab.lower() for _k, lab, _o in self._columns()
        }
        if text.lower() in taken:
            raise AnalogylabError(
                f"the grid already has a column “{text}”; give your hypothesis another label"
            )
        for row in self.exercise.rows:
            self.cells[row.id, text] = self._cell(row, text)
        self.own_columns.append(text)
        entry: dict[str, Any] = {"how": how}
        if parents:
            entry["from"] = list(parents)
        if rule:
            entry["rule"] = rule
        self.own_how[text] = entry
        self.controls = list(self.cells.values())
        self._lay_out_grid()
        self._refresh_choices()
        return text

    def merge_columns(self, first: str, second: str, label: str, rule: str = "either") -> str:
        """Merge two columns (by id, or label for your own) into a new column of your own.

        With ``rule`` ``"either"`` or ``"both"`` its cells are filled, where both columns
        are rated, from your ratings of the two (``analysis.derive_merged``); with ``""``
        they start empty, for you to rate. Any cell can be changed. In the ACH explorer
        the merged column takes the place of the two.
        """
        keys = {k for k, _l, _o in self._columns()}
        for k in (first, second):
            if k not in keys:
                raise AnalogylabError(f"the grid has no column “{k}” to merge")
        if first == second:
            raise AnalogylabError("choose two different columns to merge")
        text = self.add_column(label, how="merged", parents=(first, second), rule=rule)
        if rule:
            from analogylab.analysis import derive_merged  # noqa: PLC0415

            rows = self.exercise.rows
            a = [self.cells[r.id, first].value for r in rows]
            b = [self.cells[r.id, second].value for r in rows]
            for r, v in zip(rows, derive_merged(a, b, rule), strict=True):
                if v in self.exercise.scale:
                    self.cells[r.id, text].value = v
        return text

    def split_column(self, column: str, first: str, second: str) -> tuple[str, str]:
        """Split a column into two new columns of your own, empty, for you to rate.

        In the ACH explorer the two take the place of the column split.
        """
        if column not in {k for k, _l, _o in self._columns()}:
            raise AnalogylabError(f"the grid has no column “{column}” to split")
        if " ".join(str(first).split()).lower() == " ".join(str(second).split()).lower():
            raise AnalogylabError("give the two parts different labels")
        one = self.add_column(first, how="split", parents=(column,))
        try:
            two = self.add_column(second, how="split", parents=(column,))
        except AnalogylabError:
            self.remove_column(one)
            raise
        return one, two

    def remove_column(self, label: str) -> None:
        """Take out a column the student added (the grid's own columns stay)."""
        if label not in self.own_columns:
            mine = ", ".join(f"“{c}”" for c in self.own_columns) or "none yet"
            raise AnalogylabError(f"no column of your own is called “{label}”; yours: {mine}")
        self.own_columns.remove(label)
        self.own_how.pop(label, None)
        for row in self.exercise.rows:
            self.cells.pop((row.id, label)).close()
        self.controls = list(self.cells.values())
        self._lay_out_grid()
        self._refresh_choices()

    def _from_boxes(self, act: Any) -> None:
        """Run one action of the reconsider panel; say what it did, or why it could not."""
        try:
            said = act()
        except AnalogylabError as e:
            self.column_message.value = f'<p role="alert">{html.escape(str(e))}</p>'
            return
        self.column_message.value = f'<p role="status">{said}</p>'

    def _add_from_box(self) -> str:
        label = self.add_column(self.new_column.value)
        self.new_column.value = ""
        return (
            f"Added “{html.escape(label)}” as a column: rate every item against it too, then "
            "press Check."
        )

    def _merge_from_boxes(self) -> str:
        first, second = self.merge_first.value, self.merge_second.value
        if first is None or second is None:
            raise AnalogylabError("choose the two hypotheses to merge")
        label = self.merge_label.value
        if not str(label).strip():
            raise AnalogylabError("give the merged hypothesis a short label in the box “into:”")
        rule = self.merge_rule.value
        text = self.merge_columns(first, second, label, rule)
        self.merge_label.value = ""
        filled = sum(self.cells[r.id, text].value is not None for r in self.exercise.rows)
        names = {k: lab for k, lab, _o in self._columns()}
        how = (
            f"{filled} of {len(self.exercise.rows)} cells filled from your ratings of the two "
            f"(rule: {rule}); change any, and rate the rest"
            if rule
            else "rate every item against it"
        )
        return (
            f"Merged “{html.escape(names[first])}” and “{html.escape(names[second])}” into "
            f"“{html.escape(text)}”: {how}, then press Check. In the matrix below it takes "
            "the place of the two."
        )

    def _split_from_boxes(self) -> str:
        column = self.split_of.value
        if column is None:
            raise AnalogylabError("choose the hypothesis to split")
        one, two = self.split_column(column, self.split_first.value, self.split_second.value)
        self.split_first.value = self.split_second.value = ""
        return (
            f"Split into “{html.escape(one)}” and “{html.escape(two)}”: rate every item "
            "against both, then press Check. In the matrix below they take the place of the "
            "one they split."
        )

    def _remove_from_box(self) -> str:
        label = self.remove_which.value
        if label is None:
            raise AnalogylabError("you have no column of your own to remove")
        self.remove_column(label)
        return f"Removed your column “{html.escape(label)}”."

    # -- reading and filling the controls --

    def answer(self) -> Any:  # noqa: PLR0911  (one return per kind)
        """The answer the controls hold now, in the form ``check`` takes.

        An ordering keeps its empty positions (None), so that a message can name them; a
        grid lists its rated cells, and every cell of a column the student added (None
        where empty), so that the column is kept with the answer even before it is rated.
        """
        ex = self.exercise
        if ex.kind == "single":
            return self.radio.value
        if ex.kind == "multiple":
            return [k for k, box in self.boxes.items() if box.value]
        if ex.kind == "matching":
            return {k: d.value for k, d in self.pickers.items() if d.value is not None}
        if ex.kind == "ordering":
            return [d.value for d in self.positions]
        if ex.kind == "numeric":
            return self.number.value
        if ex.kind == "text":
            return self.textarea.value
        if ex.kind == "indicators" and ex.check:
            return [
                {**it, "mark": pick.value}
                for it, pick in zip(self.written, self.mark_pickers, strict=True)
            ]
        if ex.kind == "indicators":
            return [
                {"text": t.value, "against": a.value, "by": b.value}
                for t, a, b in self.indicator_rows
            ]
        grid: dict[str, Any] = {}
        for (r, c), d in self.cells.items():
            if d.value is not None or c in self.own_columns:
                grid.setdefault(r, {})[c] = d.value
        if self.own_columns:
            grid[OWN_KEY] = {
                c: dict(self.own_how.get(c, {"how": "added"})) for c in self.own_columns
            }
        return grid

    def set_answer(self, answer: Any) -> None:  # noqa: PLR0912  (one branch per kind)
        """Fill the controls with an answer (as stored); parts that do not fit are skipped."""
        ex = self.exercise
        try:
            if ex.kind == "single" and answer in {o.id for o in ex.options}:
                self.radio.value = answer
            elif ex.kind == "multiple" and isinstance(answer, list):
                for k, box in self.boxes.items():
                    box.value = k in answer
            elif ex.kind == "matching" and isinstance(answer, dict):
                for k, d in self.pickers.items():
                    if answer.get(k) in {r.id for r in ex.right}:
                        d.value = answer[k]
            elif ex.kind == "ordering" and isinstance(answer, list):
                ids = {it.id for it in ex.items}
                for d, v in zip(self.positions, answer, strict=False):
                    if v in ids:
                        d.value = v
            elif ex.kind == "numeric" and answer is not None:
                self.number.value = str(answer)
            elif ex.kind == "text":
                text = answer.get("text", "") if isinstance(answer, dict) else answer
                self.textarea.value = text if isinstance(text, str) else ""
            elif ex.kind == "grid" and isinstance(answer, dict):
                self._set_grid(answer)
            elif ex.kind == "indicators" and isinstance(answer, list):
                self._set_indicators(answer)
        except (w.TraitError, TypeError, ValueError):
            pass  # a stored answer that no longer fits the question: leave the controls empty

    def _set_indicators(self, answer: list[Any]) -> None:
        entries = [a for a in answer if isinstance(a, dict)]
        if self.exercise.check:
            for it, pick in zip(self.written, self.mark_pickers, strict=True):
                same = [a for a in entries if a.get("text") == it.get("text")]
                if same and same[0].get("mark") in INDICATOR_MARKS:
                    pick.value = same[0]["mark"]
            return
        while len(self.indicator_rows) < len(entries):
            self.add_indicator_row()
        ids = {h.id for h in self.exercise.hypotheses}
        for (t, a, b), e in zip(self.indicator_rows, entries, strict=False):
            t.value = str(e.get("text") or "")
            a.value = e.get("against") if e.get("against") in ids else None
            b.value = str(e.get("by") or "")

    def _set_grid(self, answer: dict[str, Any]) -> None:
        ex = self.exercise
        bank = {c.id for c in ex.columns}
        entry = answer.get(OWN_KEY)
        how: dict[str, Any] = entry if isinstance(entry, dict) else {}
        for label, given in how.items():  # the student's own hypotheses, added back
            d = given if isinstance(given, dict) else {}
            if label in bank or label in self.own_columns:
                continue
            try:
                self.add_column(
                    label,
                    how=str(d.get("how", "added")),
                    parents=tuple(d.get("from", ()) or ()),
                    rule=str(d.get("rule", "") or ""),
                )
            except AnalogylabError:
                continue
        for key, cols in answer.items():
            if key == OWN_KEY:
                continue
            for c in cols if isinstance(cols, dict) else {}:
                if c not in bank and c not in self.own_columns:
                    try:
                        self.add_column(c)  # an own column kept before "@own" was
                    except AnalogylabError:
                        continue
        for (r, c), d in self.cells.items():
            v = answer.get(r, {}).get(c) if isinstance(answer.get(r), dict) else None
            if v in ex.scale:
                d.value = v

    # -- actions --

    def _attempts_text(self) -> str:
        ex = self.exercise
        tries = [a for a in self.store.attempts(ex.id) if a.status not in {"invalid", ARGUED}]
        used = len(tries)
        times = f"{used} time{'s' * (used != 1)}"
        if ex.judgement:
            shown = "; the curators' judgement is shown" if used else ""
            return f"&nbsp;Recorded {times}{shown}."
        if ex.kind == "indicators":
            return f"&nbsp;Recorded {times}."
        if ex.kind == "text":
            return f"&nbsp;Checked {times}."
        if key_shown(ex, tries):
            shown = "the reference ratings" if ex.kind == "grid" else "the answer"
            return f"&nbsp;Checked {times}; {shown} {'are' if ex.kind == 'grid' else 'is'} shown."
        return f"&nbsp;Attempts used: {used} of {ex.attempts}."

    def _show(self, fb: Feedback, *, note: str = "") -> None:
        self.feedback.value = (
            f'<div role="status" aria-live="polite">{note}{feedback_html(fb.message)}</div>'
        )
        self.attempts_label.value = self._attempts_text()
        if self.exercise.kind == "text" and fb.valid:
            self._offer_rubric()
        if self.exercise.judgement and fb.valid:
            self._offer_argue()

    def check(self) -> Feedback | None:
        """Check the answer in the controls (what the Check button does)."""
        try:
            fb = record(
                self.exercise.id,
                self.answer(),
                store=self.store,
                on_screen=True,
                own_columns=tuple(self.own_columns),
            )
        except (AnalogylabError, OSError) as e:
            self.feedback.value = (
                '<div role="status" aria-live="polite"><b>Could not check this answer.</b> '
                f"{markdown_to_html(str(e))}</div>"
            )
            return None
        self._show(fb)
        return fb

    def show_hint(self) -> str:
        """Show the next hint (what the Hint button does)."""
        text = next_hint(self.exercise.id, store=self.store)
        self.hints_area.value = f'<div role="status">{markdown_to_html(text)}</div>'
        return text

    def _offer_argue(self) -> None:
        """The box to argue back against the curators' judgement, and its button."""
        if self.argue_box.children:
            return
        ex = self.exercise
        self.argue_text = w.Textarea(
            description="Your argument:",
            placeholder="Where do you disagree with the curators, and why?",
            style=_LABELLED,
            layout=w.Layout(width="100%", height="6em"),
        )
        self.argue_button = w.Button(
            description="Record my argument",
            tooltip=f"Record your argument back against the curators' judgement in {ex.id}",
            icon="comment",
            layout=w.Layout(width="auto"),
        )
        self.argue_message = w.HTML()
        self.argue_button.on_click(lambda _b: self.argue())
        self.argue_box.children = [
            w.HTML(f"<b>Argue back.</b> {markdown_to_html(ex.argue_prompt)}"),
            self.argue_text,
            self.argue_button,
            self.argue_message,
        ]

    def argue(self, text: str | None = None) -> Feedback | None:
        """Record the argument in the box (or ``text``) with the judgement it answers."""
        if not self.argue_box.children:
            self._offer_argue()
        if text is not None:
            self.argue_text.value = text
        try:
            fb = record_argument(self.exercise.id, self.argue_text.value, store=self.store)
        except (AnalogylabError, OSError) as e:
            self.argue_message.value = f'<p role="alert">{html.escape(str(e))}</p>'
            return None
        self.argue_message.value = (
            f'<div role="status" aria-live="polite">{feedback_html(fb.message)}</div>'
        )
        return fb

    def _offer_rubric(self) -> None:
        if self.rubric_box.children:
            return
        ex = self.exercise
        self.rubric = {
            r.id: w.Checkbox(description=r.text, indent=False, layout=_WIDE) for r in ex.rubric
        }
        self.assess_button = w.Button(
            description="Record self-assessment",
            tooltip="Record which rubric points your answer meets",
            icon="save",
            layout=w.Layout(width="auto"),
        )
        self.assess_button.on_click(lambda _b: self.self_assess())
        self.rubric_box.children = [
            w.HTML("<b>The rubric: tick each point your answer meets, then record it.</b>"),
            *self.rubric.values(),
            self.assess_button,
        ]

    def self_assess(self) -> Feedback | None:
        """Record the rubric points ticked (short-text exercises)."""
        ticked = [k for k, box in self.rubric.items() if box.value]
        try:
            fb = record(
                self.exercise.id, self.answer(), ticked=ticked, store=self.store, on_screen=True
            )
        except (AnalogylabError, OSError) as e:
            self.feedback.value = f"<b>Could not record this.</b> {markdown_to_html(str(e))}"
            return None
        self._show(fb)
        return fb

    def _restore(self) -> None:
        attempts = self.store.attempts(self.exercise.id)
        answers = [a for a in attempts if a.status != ARGUED]
        last = answers[-1] if answers else None
        self.attempts_label.value = self._attempts_text()
        if last is None:
            return
        self.set_answer(last.answer)
        argued = [a for a in attempts if a.status == ARGUED]
        if self.exercise.judgement and last.status != "invalid":
            self._offer_argue()
            if argued:
                said = argued[-1].answer
                self.argue_text.value = (
                    str(said.get("argument", "")) if isinstance(said, dict) else ""
                )
                self.argue_message.value = (
                    f'<div role="status" aria-live="polite">{feedback_html(argued[-1].message)}'
                    "</div>"
                )
        if self.exercise.kind == "text" and last.status != "invalid":
            self._offer_rubric()
            ticked = last.answer.get("ticked", []) if isinstance(last.answer, dict) else []
            for k in ticked:
                if k in self.rubric:
                    self.rubric[k].value = True
        when = last.time.replace("T", " ").replace("Z", " UTC")
        note = (
            f"<p><em>Your last answer, checked {when}, is filled in above. "
            "This is the feedback it got:</em></p>"
        )
        self.feedback.value = (
            f'<div role="status" aria-live="polite">{note}{feedback_html(last.message)}</div>'
        )


def _record_shown(ex: Exercise) -> None:
    """Record the exercise's sources as shown on the page, in every dataset loaded here.

    An exercise has no dataset of its own; the lesson's is the one loaded (see
    ``analogylab.citations``). No dataset module loaded means no dataset to record in.
    """
    import sys  # noqa: PLC0415

    data = sys.modules.get("analogylab.data")
    if data is not None and ex.sources:
        data.record_in_every_dataset(ex.sources)


def exercise(exercise_id: str, *, add_columns: bool = False) -> ExerciseWidget:
    """The widget for one exercise of the bank, filled with your last answer if any.

    ``add_columns=True`` (rating grids): the student may add hypotheses of their own as
    columns, from a box under the grid; ``widget.add_column(label)`` does the same in code.
    """
    return ExerciseWidget(get_exercise(exercise_id), add_columns=add_columns)


def progress_panel() -> w.VBox:
    """Per lesson: a labelled bar of points earned, with the same figures in words."""
    table = progress_by_lesson()
    rows: list[w.Widget] = [w.HTML("<h4>Your progress</h4>")]
    if table.empty:
        rows.append(w.HTML("<p>No exercises in the bank yet.</p>"))
    for r in table.to_dict(orient="records"):
        earned, points = float(r["earned"]), float(r["points"])
        text = (
            f"Lesson {r['lesson']} ({r['title']}): {int(r['tried'])} of {int(r['exercises'])} "
            f"exercises tried, {earned:g} of {points:g} points."
        )
        bar = w.FloatProgress(
            value=earned,
            min=0.0,
            max=max(points, 1.0),
            description=f"Lesson {r['lesson']}:",
            style=_LABELLED,
        )
        rows.append(w.HBox([bar, w.HTML(text)]))
    return w.VBox(rows)
