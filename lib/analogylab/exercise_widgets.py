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
drop-down in each cell; a student may add a column of their own (``add_column``).
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
    Feedback,
    get_exercise,
    key_shown,
    next_hint,
    progress_by_lesson,
    record,
    split_fold,
)
from analogylab.grading import option_label
from analogylab.session import STALE_STYLE, stale_note
from analogylab.store import AnswerStore, open_store

__all__ = [
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


def attempts_note(ex: Exercise) -> str:
    """What the header says about attempts, so the wording agrees with what the widget does."""
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
        points = f"{ex.points:g} point" + ("" if ex.points == 1 else "s")
        title = f": {ex.title}" if ex.title else ""
        self.header = w.HTML(
            f"{_STYLE}{STALE_STYLE}{stale_note('exercise')}"
            f"<h4>Exercise {ex.id}{title}</h4>"
            f"<p><em>{ex.kind_name}, {points}; {attempts_note(ex)}.</em></p>"
            + markdown_to_html(ex.prompt)
        )
        self.controls: list[w.Widget] = []
        body = self._build_controls(add_columns=add_columns)
        self.check_button = w.Button(
            description="Check", tooltip=f"Check your answer to {ex.id}", icon="check"
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
            ],
            layout=w.Layout(border="1px solid #888", padding="0.5em", margin="0.5em 0"),
        )
        self.add_class("analogylab-exercise")
        _record_shown(ex)
        self._restore()

    def __repr__(self) -> str:
        ex = self.exercise
        points = f"{ex.points:g} point" + ("" if ex.points == 1 else "s")
        return f"Exercise {ex.id} ({ex.kind_name}, {points}): run this cell to answer it."

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
        return self._build_grid(add_columns=add_columns)

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
                layout=w.Layout(width="auto"),
            )
            self.add_column_button.on_click(lambda _b: self._add_column_from_box())
            self.column_message = w.HTML()
            parts.append(
                w.VBox([w.HBox([self.new_column, self.add_column_button]), self.column_message])
            )
        self.controls = list(self.cells.values())
        return w.VBox(parts)

    def _columns(self) -> list[tuple[str, str, bool]]:
        """Every column as (key, label, the student's own)."""
        bank = [(c.id, c.text, False) for c in self.exercise.columns]
        return bank + [(label, label, True) for label in self.own_columns]

    def _lay_out_grid(self) -> None:
        """Items down, hypotheses across, each row's count of empty cells at its end."""
        ex = self.exercise
        columns = self._columns()
        heads: list[w.Widget] = [w.HTML("<b>Item</b>")]
        for _key, label, own in columns:
            mine = "<br><em>(your own; not marked)</em>" if own else ""
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

    def add_column(self, label: str) -> str:
        """Add a hypothesis of the student's own as a column of the grid; its label back.

        Its cells are rated like the others and recorded with the answer (keyed by the
        label), but not marked: the curators have no reference ratings for it. A grid
        with added columns must be complete in them too before it is checked.
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
        self.controls = list(self.cells.values())
        self._lay_out_grid()
        return text

    def remove_column(self, label: str) -> None:
        """Take out a column the student added (the grid's own columns stay)."""
        if label not in self.own_columns:
            mine = ", ".join(f"“{c}”" for c in self.own_columns) or "none yet"
            raise AnalogylabError(f"no column of your own is called “{label}”; yours: {mine}")
        self.own_columns.remove(label)
        for row in self.exercise.rows:
            self.cells.pop((row.id, label)).close()
        self.controls = list(self.cells.values())
        self._lay_out_grid()

    def _add_column_from_box(self) -> None:
        try:
            label = self.add_column(self.new_column.value)
        except AnalogylabError as e:
            self.column_message.value = f'<p role="alert">{html.escape(str(e))}</p>'
            return
        self.new_column.value = ""
        self.column_message.value = (
            f'<p role="status">Added “{html.escape(label)}” as a column: rate every item '
            "against it too, then press Check.</p>"
        )

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
        grid: dict[str, dict[str, str | None]] = {}
        for (r, c), d in self.cells.items():
            if d.value is not None or c in self.own_columns:
                grid.setdefault(r, {})[c] = d.value
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
        except (w.TraitError, TypeError, ValueError):
            pass  # a stored answer that no longer fits the question: leave the controls empty

    def _set_grid(self, answer: dict[str, Any]) -> None:
        ex = self.exercise
        bank = {c.id for c in ex.columns}
        for cols in answer.values():
            for c in cols if isinstance(cols, dict) else {}:
                if c not in bank and c not in self.own_columns:
                    try:
                        self.add_column(c)  # the student's own hypothesis, added back
                    except AnalogylabError:
                        continue
        for (r, c), d in self.cells.items():
            v = answer.get(r, {}).get(c) if isinstance(answer.get(r), dict) else None
            if v in ex.scale:
                d.value = v

    # -- actions --

    def _attempts_text(self) -> str:
        ex = self.exercise
        tries = [a for a in self.store.attempts(ex.id) if a.status != "invalid"]
        used = len(tries)
        times = f"{used} time{'s' * (used != 1)}"
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
        last = self.store.last(self.exercise.id)
        self.attempts_label.value = self._attempts_text()
        if last is None:
            return
        self.set_answer(last.answer)
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
