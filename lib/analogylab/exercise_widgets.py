"""Exercise widgets: labelled controls, Check and Hint buttons, feedback in words.

``analogylab.exercise("ex-02-3")`` returns an ``ExerciseWidget``. Its buttons
call the same functions as ``analogylab.check`` and ``analogylab.hint``, so
every attempt is recorded in the answer store, and a widget built again (after a
kernel restart, say) fills in the last answer and shows what it got.

The feedback area is a live region (``role="status"``) so a screen reader reads
it out, and every result is stated in words; colour is never the only signal.
Every control has a description, which Jupyter renders as its label.
"""

from __future__ import annotations

import hashlib
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
)
from analogylab.session import STALE_STYLE, stale_note
from analogylab.store import AnswerStore, open_store

__all__ = [
    "ExerciseWidget",
    "display_order",
    "exercise",
    "markdown_to_html",
    "option_label",
    "progress_panel",
]

_md = mistune.create_markdown(escape=True)
# Long option texts wrap onto several lines instead of overlapping the next option, and
# long labels are shown in full. Scoped to the exercise widget's own class.
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
.analogylab-exercise .widget-dropdown select { flex: 0 1 24em; min-width: 10em; }
</style>"""
_WIDE = w.Layout(width="100%")
_LABELLED = {"description_width": "initial"}


def markdown_to_html(text: str) -> str:
    """Markdown (from the bank or a feedback message) as HTML; raw HTML is escaped."""
    return str(_md(text))


def option_label(it: Item) -> str:
    """An option's label: 'a) text' for short ids, the text alone otherwise.

    The widget, the reader edition and the browser tests name an option by this
    label, so it is made in one place.
    """
    return f"{it.id}) {it.text}" if len(it.id) <= 2 else it.text


def display_order(ex: Exercise, items: tuple[Item, ...]) -> list[Item]:
    """A fixed shuffle (the same every time, for every student) so the key is not the order.

    The reader edition lists an ordering exercise's items in this same order.
    """
    return sorted(items, key=lambda it: hashlib.sha256(f"{ex.id}:{it.id}".encode()).hexdigest())


class ExerciseWidget(w.VBox):  # type: ignore[misc]  # ipywidgets has no type hints
    """One exercise: prompt, labelled controls, Check, Hint and a feedback area."""

    def __init__(self, ex: Exercise, store: AnswerStore | None = None) -> None:
        self.exercise = ex
        self.store = store or open_store()
        points = f"{ex.points:g} point" + ("" if ex.points == 1 else "s")
        title = f": {ex.title}" if ex.title else ""
        self.header = w.HTML(
            f"{_STYLE}{STALE_STYLE}{stale_note('exercise')}"
            f"<h4>Exercise {ex.id}{title}</h4><p><em>{ex.kind_name}, {points}</em></p>"
            + markdown_to_html(ex.prompt)
        )
        self.controls: list[w.Widget] = []
        body = self._build_controls()
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
        self._restore()

    def __repr__(self) -> str:
        ex = self.exercise
        points = f"{ex.points:g} point" + ("" if ex.points == 1 else "s")
        return f"Exercise {ex.id} ({ex.kind_name}, {points}): run this cell to answer it."

    # -- controls, one builder per kind --

    def _build_controls(self) -> w.Widget:  # noqa: PLR0911  (one return per kind)
        ex = self.exercise
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
                    value=None,
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
                    value=None,
                    description=f"Position {i + 1}"
                    + (" (earliest)" if i == 0 else " (latest)" if i == n - 1 else "")
                    + ":",
                    style={"description_width": "9em"},
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
        # grid
        self.cells: dict[tuple[str, str], w.Dropdown] = {}
        rows = []
        for row in ex.rows:
            drops = []
            for col in ex.columns:
                d = w.Dropdown(
                    options=[("(rate)", None), *((s, s) for s in ex.scale)],
                    value=None,
                    description=f"{col.text}:",
                    tooltip=f"{row.text}, {col.text}",
                    style={"description_width": "45%"},
                    layout=_WIDE,
                )
                self.cells[row.id, col.id] = d
                drops.append(d)
            rows.append(w.VBox([w.HTML(f"<b>{markdown_to_html(row.text)}</b>"), *drops]))
        self.controls = list(self.cells.values())
        return w.VBox(rows)

    # -- reading and filling the controls --

    def answer(self) -> Any:  # noqa: PLR0911  (one return per kind)
        """The answer the controls hold now, in the form ``check`` takes."""
        ex = self.exercise
        if ex.kind == "single":
            return self.radio.value
        if ex.kind == "multiple":
            return [k for k, box in self.boxes.items() if box.value]
        if ex.kind == "matching":
            return {k: d.value for k, d in self.pickers.items() if d.value is not None}
        if ex.kind == "ordering":
            return [d.value for d in self.positions if d.value is not None]
        if ex.kind == "numeric":
            return self.number.value
        if ex.kind == "text":
            return self.textarea.value
        grid: dict[str, dict[str, str]] = {}
        for (r, c), d in self.cells.items():
            if d.value is not None:
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
                for (r, c), d in self.cells.items():
                    v = answer.get(r, {}).get(c) if isinstance(answer.get(r), dict) else None
                    if v in ex.scale:
                        d.value = v
        except (w.TraitError, TypeError, ValueError):
            pass  # a stored answer that no longer fits the question: leave the controls empty

    # -- actions --

    def _attempts_text(self) -> str:
        ex = self.exercise
        tries = [a for a in self.store.attempts(ex.id) if a.status != "invalid"]
        used = len(tries)
        if ex.kind == "text":
            return f"&nbsp;Checked {used} time(s)."
        if key_shown(ex, tries):
            return f"&nbsp;Attempts used: {used} (the answer has been shown)."
        return f"&nbsp;Attempts used: {used} of {ex.attempts}."

    def _show(self, fb: Feedback, *, note: str = "") -> None:
        self.feedback.value = (
            f'<div role="status" aria-live="polite">{note}{markdown_to_html(fb.message)}</div>'
        )
        self.attempts_label.value = self._attempts_text()
        if self.exercise.kind == "text" and fb.valid:
            self._offer_rubric()

    def check(self) -> Feedback | None:
        """Check the answer in the controls (what the Check button does)."""
        try:
            fb = record(self.exercise.id, self.answer(), store=self.store)
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
            r.id: w.Checkbox(description=f"{r.id}: {r.text}", indent=False, layout=_WIDE)
            for r in ex.rubric
        }
        self.assess_button = w.Button(
            description="Record self-assessment",
            tooltip="Record which rubric points your answer meets",
            icon="save",
            layout=w.Layout(width="auto"),
        )
        self.assess_button.on_click(lambda _b: self.self_assess())
        self.rubric_box.children = [
            w.HTML("<b>Tick each point your answer meets, then record it:</b>"),
            *self.rubric.values(),
            self.assess_button,
        ]

    def self_assess(self) -> Feedback | None:
        """Record the rubric points ticked (short-text exercises)."""
        ticked = [k for k, box in self.rubric.items() if box.value]
        try:
            fb = record(self.exercise.id, self.answer(), ticked=ticked, store=self.store)
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
            f'<div role="status" aria-live="polite">{note}{markdown_to_html(last.message)}</div>'
        )


def exercise(exercise_id: str) -> ExerciseWidget:
    """The widget for one exercise of the bank, filled with your last answer if any."""
    return ExerciseWidget(get_exercise(exercise_id))


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
