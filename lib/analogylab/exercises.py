"""Exercises in plain Python: check an answer, ask for a hint, see the solution, track progress.

``check("ex-02-3", answer)`` marks the answer, records the attempt in the answer
store (see ``analogylab.store``), shows the feedback and returns it as a
``Feedback``. The widgets in ``analogylab.exercise_widgets`` call the same
functions, so what a student sees in a widget and in a cell is the same text.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analogylab.bank import Bank, Exercise, read_bank
from analogylab.errors import AnalogylabError, ExerciseBankError, UnknownIdError
from analogylab.grading import OWN_KEY, Graded, grade, grid_steps, option_label
from analogylab.grading import _jsonable as grading_jsonable
from analogylab.store import AnswerStore, Attempt, open_store
from analogylab.validate import did_you_mean, find_data

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FOLD",
    "Feedback",
    "argue",
    "check",
    "get_exercise",
    "hint",
    "key_shown",
    "last_answer",
    "load_bank",
    "next_hint",
    "progress",
    "progress_by_lesson",
    "record",
    "set_student",
    "solution",
    "solution_text",
    "split_fold",
    "written_indicators",
    "your_judgements",
]

_banks: dict[tuple[str, tuple[tuple[str, int, int], ...]], Bank] = {}


def load_bank(path: str | os.PathLike[str] | None = None) -> Bank:
    """The exercise bank of the data folder (default: the shipped data), checked.

    Raises ExerciseBankError listing every problem if any file of the bank has
    one. Re-reads the files only when one of them changed.
    """
    root = find_data(path)
    folder = root / "exercises"
    stamp = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.y*ml"))
    )
    key = (str(root.resolve()), stamp)
    if key not in _banks:
        bank = read_bank(root)
        if bank.problems:
            raise ExerciseBankError(bank.problems)
        _banks.clear()
        _banks[key] = bank
    return _banks[key]


def get_exercise(exercise_id: str, path: str | os.PathLike[str] | None = None) -> Exercise:
    """The exercise with this id, or UnknownIdError naming the closest id.

    Besides the bank's, ids of exercises made from the data (``ex-ach-<case_id>``,
    see ``analogylab.case_exercises``) are found too.
    """
    bank = load_bank(path)
    if exercise_id not in bank:
        from analogylab.case_exercises import generated_exercise  # noqa: PLC0415

        made = generated_exercise(str(exercise_id), path)
        if made is not None:
            return made
        raise UnknownIdError(
            f"no exercise {exercise_id!r} in the bank"
            f"{did_you_mean(str(exercise_id), bank.exercises)}"
            "; ids look like ex-02-3 (lesson 02, question 3)"
        )
    return bank[exercise_id]


# --- feedback ---------------------------------------------------------------------------------


@dataclass
class Feedback:
    """What a check said: shown as text, kept in the answer store.

    ``correct`` is True or False for marked kinds, None for short text (which
    the student assesses with the rubric), for judgements and indicators (never
    marked) and for answers that could not be read. ``score`` is the fraction of
    the points earned (None when not marked).
    """

    exercise_id: str
    kind: str
    correct: bool | None
    score: float | None
    points: float
    message: str  # Markdown
    status: str  # correct, partial, incorrect, answered, self-assessed, judgement, argued, invalid
    attempts_used: int = 0
    attempts_allowed: int = 0
    revealed: bool = False  # the key and its explanations are part of this message
    answer: Any = None
    _shown_in: int | None = field(default=None, repr=False, compare=False)

    @property
    def valid(self) -> bool:
        """False when the answer could not be read (wrong type or shape)."""
        return self.status != "invalid"

    @property
    def earned(self) -> float | None:
        """Points earned (score times points), None when not marked."""
        return None if self.score is None else round(self.score * self.points, 2)

    def __str__(self) -> str:
        top, summary, rest = split_fold(self.message)
        text = f"{top}\n\n{summary}:\n{rest}" if summary else top
        return text.replace("**", "")

    def __repr__(self) -> str:
        score = "-" if self.earned is None else f"{self.earned:g}/{self.points:g}"
        return f"<Feedback {self.exercise_id}: {self.status}, {score} points>"

    def _repr_markdown_(self) -> str:
        return folded_markdown(self.message)

    def _ipython_display_(self) -> None:
        ip = _ipython()
        if ip is not None and self._shown_in == ip.execution_count:
            return  # check() already showed it in this cell
        _display_markdown(folded_markdown(self.message))


#: Marks where a feedback message folds: what follows is shown under "summary", closed.
#: An HTML comment, so a Markdown viewer of the stored message shows nothing of it.
FOLD = "<!-- fold: {summary} -->"
_FOLD = re.compile(r"\s*<!-- fold: (.*?) -->\s*", re.S)


def split_fold(message: str) -> tuple[str, str, str]:
    """A message as (shown, summary of the folded part, folded part); '' when nothing folds."""
    m = _FOLD.search(message)
    if m is None:
        return message, "", ""
    return message[: m.start()], m.group(1), message[m.end() :]


def folded_markdown(message: str) -> str:
    """The message as Markdown, its folded part inside ``<details>`` (JupyterLab renders it)."""
    top, summary, rest = split_fold(message)
    if not summary:
        return message
    return f"{top}\n\n<details><summary>{summary}</summary>\n\n{rest}\n\n</details>"


def _display_markdown(text: str) -> None:
    from IPython.display import Markdown, display  # noqa: PLC0415

    display(Markdown(text))  # type: ignore[no-untyped-call]


def _ipython() -> Any:
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython  # noqa: PLC0415

    return get_ipython()


def _points(x: float) -> str:
    return f"{x:g} point" + ("" if x == 1 else "s")


def solution_text(ex: Exercise, *, on_screen: bool = False) -> str:  # noqa: PLR0912
    """The key of an exercise and every explanation, as Markdown (one branch per kind).

    ``on_screen``: for the widget, where a short text's rubric is a list of tick boxes
    under the feedback, so the message gives the model answer alone.
    """
    lines: list[str] = []
    if ex.kind in {"single", "multiple"}:
        for o in ex.options:
            mark = "right" if o.correct else "wrong"
            lines.append(f"- {option_label(o).rstrip('.')}: **{mark}**. {o.explanation}")
    elif ex.kind == "matching":
        right = {r.id: r.text for r in ex.right}
        for it in ex.left:
            lines.append(f"- **{it.text}** goes with **{right[it.match or '']}**. {it.explanation}")
    elif ex.kind == "ordering":
        for i, it in enumerate(ex.items, 1):
            lines.append(f"{i}. **{it.text}**. {it.explanation}")
    elif ex.kind == "numeric":
        unit = f" {ex.unit}" if ex.unit else ""
        if ex.value is not None and ex.low != ex.high:
            lines.append(
                f"The reference figure is {ex.value:g}{unit}; answers from {ex.low:g} to "
                f"{ex.high:g} are accepted."
            )
        elif ex.low == ex.high:
            lines.append(f"The answer is {ex.low:g}{unit}.")
        else:
            lines.append(f"Answers from {ex.low:g} to {ex.high:g}{unit} are accepted.")
        lines.append(ex.explanations["correct"])
    elif ex.kind == "text":
        lines.append("**A model answer:**\n")
        lines.append("> " + ex.model_answer.replace("\n", "\n> "))
        if not on_screen:
            lines.append("\n**Rubric** (tick what your answer does):\n")
            lines.extend(f"- [{r.id}] {r.text}" for r in ex.rubric)
    elif ex.kind == "grid":
        for row in ex.rows:
            for col in ex.columns:
                lines.append(
                    f"- {row.text} / {col.text}: **{ex.key[row.id][col.id]}**. "
                    f"{ex.rationale[row.id][col.id]}"
                )
    return "\n".join(lines)


def _head(ex: Exercise, g: Graded, *, reveal: bool, revealed_before: bool) -> str:
    """The first words: the verdict, the points, and what the answer got right."""
    pts = _points(ex.points)
    if ex.kind == "text":
        return "**Answer recorded.** Compare it with the model answer and tick the rubric."
    if g.correct:
        verdict, points = "**Correct.**", f"{ex.points:g} of {pts}."
    elif g.score:
        verdict, points = "**Partly right.**", f"{g.score * ex.points:.2g} of {pts}."
    else:
        verdict, points = f"**Not right{'' if reveal else ' yet'}.**", f"0 of {pts}."
    if revealed_before:
        points = "No points: the answer had already been shown before this check."
    return f"{verdict} {points}" + (f" ({g.headline}.)" if g.headline else "")


def _grid_lines(ex: Exercise, g: Graded, *, reveal: bool) -> list[str]:
    """A grid's feedback: the cells where the student differs first, then every cell, folded."""
    cells: dict[str, dict[str, str]] = g.answer
    lines: list[str] = []
    if not reveal:
        lines.extend(f"- {p}" for p in g.parts)
    else:
        differ = []
        for row in ex.rows:
            for col in ex.columns:
                got, ref = cells.get(row.id, {}).get(col.id), ex.key[row.id][col.id]
                steps = grid_steps(ex, got, ref)
                if steps:
                    how = "one step away" if steps == 1 else "further apart"
                    why = ex.rationale[row.id][col.id]
                    differ.append(
                        f"- **{row.text}**, against *{col.text}*: you said **{got}**; the "
                        f"reference says **{ref}** ({how}). Its reason: {why}"
                    )
        total = len(ex.rows) * len(ex.columns)
        if differ:
            lines.append(
                f"\n**Where you differ from the reference** ({len(differ)} of {total} cells), "
                "with its reasons:\n"
            )
            lines.extend(differ)
        else:
            lines.append("\nYou agree with the reference in every cell.")
    for label in g.own_columns:
        n = sum(1 for row in ex.rows if label in cells.get(row.id, {}))
        lines.append(
            f"\nYour own hypothesis, *{label}*: your {n} ratings are kept with your answer. They "
            "are not compared with anything: the curators have no reference ratings for it."
        )
    if reveal:
        total = len(ex.rows) * len(ex.columns)
        summary = f"All {total} cells: the reference ratings and their reasons"
        lines.append("\n" + FOLD.format(summary=summary) + "\n")
        lines.append(solution_text(ex))
    return lines


def _compose(
    ex: Exercise,
    g: Graded,
    used: int,
    *,
    reveal: bool,
    revealed_before: bool,
    on_screen: bool = False,
) -> str:
    """The feedback message for one graded attempt, in words (never colour alone)."""
    if not g.valid:
        return (
            f"**Answer not checked.** {g.problem}\n\n"
            "This did not use up an attempt. Your answer was kept."
        )
    lines = [_head(ex, g, reveal=reveal, revealed_before=revealed_before)]
    if ex.kind == "numeric" and not g.correct:
        side = "too_low" if "too low" in g.headline else "too_high"
        lines.append(ex.explanations[side])
    if ex.kind == "grid":
        lines.extend(_grid_lines(ex, g, reveal=reveal))
    else:
        lines.extend(f"- {p}" if not p[:1].isdigit() else p for p in g.parts)
    if reveal and ex.kind == "text":
        lines.append("\n" + solution_text(ex, on_screen=on_screen))
        if on_screen:
            lines.append(
                "\nThen tick, below, each point of the rubric your answer meets, and press "
                "*Record self-assessment*."
            )
        else:
            lines.append(
                f'\nThen record what you ticked: `check("{ex.id}", your_answer, '
                'ticked=["r1", ...])`, or use the boxes in the widget.'
            )
    elif reveal and ex.kind != "grid":
        why = "" if g.correct else f" (after {used} attempt{'s' * (used != 1)})"
        lines.append(f"\n**The answer{why}:**\n\n" + solution_text(ex))
    elif not reveal and ex.kind != "text":
        left = ex.attempts - used
        lines.append(
            f"\nAttempt {used} of {ex.attempts}. You have {left} more before the answer is "
            "shown; a hint may help."
        )
    return "\n".join(lines)


def key_shown(ex: Exercise, attempts: list[Attempt]) -> bool:
    """Whether these (valid) attempts have already brought up the key and its explanations.

    A judgement's first recorded answer brings up the curators' with its reasons;
    indicators have no key to show.
    """
    attempts = [a for a in attempts if a.status != ARGUED]
    if ex.kind == "indicators":
        return False
    if ex.judgement:
        return bool(attempts)
    return (
        any(a.correct for a in attempts)
        or len(attempts) >= ex.attempts
        or (ex.kind == "text" and bool(attempts))
    )


#: The status of a judgement's (or indicators') recorded answer: kept, never marked.
JUDGEMENT = "judgement"
#: The status of an argument back against the curators' judgement, kept with the judgement.
ARGUED = "argued"
#: Statuses that are not an answer to the question (skipped by last_answer and progress).
_NOT_ANSWERS = {"invalid", ARGUED}


def _status(g: Graded, ticked: bool) -> str:
    if not g.valid:
        return "invalid"
    if g.correct is None:
        return "self-assessed" if ticked else "answered"
    if g.correct:
        return "correct"
    return "partial" if g.score else "incorrect"


def record(
    exercise_id: str,
    answer: Any,
    *,
    ticked: list[str] | None = None,
    store: AnswerStore | None = None,
    on_screen: bool = False,
    own_columns: Sequence[str] = (),
) -> Feedback:
    """Mark an answer and record the attempt, without showing anything (widgets use this).

    ``on_screen``: the answer comes from the widget, so messages use its terms (see
    :func:`analogylab.grading.grade`). ``own_columns``: a grid's columns the student added.
    """
    ex = get_exercise(exercise_id)
    store = store or open_store()
    if ex.kind == "indicators" and ex.check:
        if not written_indicators(ex.id, store=store):
            g = Graded(
                False,
                grading_jsonable(answer),
                problem=f"You have not written any indicators yet (exercise {ex.check}). They "
                "are written as of the analysis date, before you see what happened: write "
                "them there first, then come back to mark them.",
            )
            return _record_unmarked(ex, g, store, on_screen=on_screen)
        answer = _with_indicators(ex, answer, store)
    g = grade(ex, answer, on_screen=on_screen, own_columns=own_columns)
    if not ex.scored:
        return _record_unmarked(ex, g, store, on_screen=on_screen)
    self_score: float | None = None
    rubric_note = ""
    if ticked is not None and ex.kind == "text" and g.valid:
        ids = [r.id for r in ex.rubric]
        bad = [t for t in ticked if t not in ids]
        if bad:
            g = Graded(
                False,
                g.answer,
                problem=f"{', '.join(map(repr, bad))} not in the rubric; ticked items are "
                + ", ".join(f'"{i}"' for i in ids),
            )
        else:
            self_score = len(set(ticked)) / len(ids)
            rubric_note = (
                f"\n\n**Self-assessment recorded:** {len(set(ticked))} of {len(ids)} rubric "
                f"points, {self_score * ex.points:.2g} of {_points(ex.points)}."
            )
    valid_before = [a for a in store.attempts(ex.id) if a.status not in _NOT_ANSWERS]
    before = len(valid_before)
    revealed_before = key_shown(ex, valid_before)
    used = before + (1 if g.valid else 0)
    reveal = g.valid and (ex.kind == "text" or bool(g.correct) or used >= ex.attempts)
    status = _status(g, self_score is not None)
    score = self_score if ex.kind == "text" else g.score
    # A self-assessment need not show the model answer again: it was shown at the first check.
    message = (
        _compose(
            ex,
            g,
            used,
            reveal=reveal and not rubric_note,
            revealed_before=revealed_before,
            on_screen=on_screen,
        )
        + rubric_note
    )
    stored_answer: Any = g.answer
    if ticked is not None and ex.kind == "text":
        stored_answer = {"text": g.answer, "ticked": sorted(set(map(str, ticked)))}
    store.record(
        Attempt(
            exercise_id=ex.id,
            lesson=ex.lesson,
            kind=ex.kind,
            answer=stored_answer,
            status=status,
            correct=g.correct if g.valid else None,
            score=score if g.valid else None,
            points=ex.points,
            message=message,
            revealed=revealed_before,
        )
    )
    return Feedback(
        ex.id,
        ex.kind,
        g.correct if g.valid else None,
        score if g.valid else None,
        ex.points,
        message,
        status,
        used,
        ex.attempts,
        reveal,
        g.answer,
    )


# --- judgements and indicators: recorded, never marked ----------------------------------------


def _record_unmarked(ex: Exercise, g: Graded, store: AnswerStore, *, on_screen: bool) -> Feedback:
    """A judgement or a list of indicators: kept, not marked; the message says what follows."""
    before = [a for a in store.attempts(ex.id) if a.status not in _NOT_ANSWERS]
    if not g.valid:
        message = (
            f"**Not recorded yet.** {g.problem}\n\nNothing was used up, and what you gave is kept."
        )
    elif ex.kind == "indicators":
        message = _indicators_message(ex, g.answer)
    else:
        message = _judgement_message(ex, g, on_screen=on_screen)
    status = JUDGEMENT if g.valid else "invalid"
    store.record(
        Attempt(
            exercise_id=ex.id,
            lesson=ex.lesson,
            kind=ex.kind,
            answer=g.answer,
            status=status,
            correct=None,
            score=None,
            points=ex.points,
            message=message,
            revealed=key_shown(ex, before),
        )
    )
    shown = g.valid and ex.judgement
    return Feedback(
        ex.id,
        ex.kind,
        None,
        None,
        ex.points,
        message,
        status,
        len(before) + g.valid,
        0,
        shown,
        g.answer,
    )


def _judgement_message(ex: Exercise, g: Graded, *, on_screen: bool) -> str:
    """Your judgement recorded; the curators' beside it, with every reason; the way to argue."""
    lines = [
        (
            "**Your judgement is recorded.** It is not marked: the curators made a judgement "
            "here too, not a finding of fact, and theirs follows with its reasons."
        ),
        _agreement(ex, g.answer),
        "\n**The curators' judgement, with their reasons:**\n",
        _curators(ex, g.answer),
    ]
    how = (
        "write it in the box below and press *Record my argument*"
        if on_screen
        else f'record it with `analogylab.argue("{ex.id}", "your reasons")`'
    )
    lines.append(f"\n**Argue back.** {ex.argue_prompt} If you disagree, {how}.")
    return "\n".join(lines)


def _agreement(ex: Exercise, answer: Any) -> str:  # noqa: PLR0911  (one return per kind)
    """One sentence: where the student's judgement stands against the curators'."""
    if ex.kind == "single":
        chose = next(o for o in ex.options if o.correct)
        if answer == chose.id:
            return f"You chose as the curators did: **{option_label(chose).rstrip('.')}**."
        return (
            f"You chose **{option_label(ex.option(answer)).rstrip('.')}**; the curators chose "
            f"**{option_label(chose).rstrip('.')}**."
        )
    if ex.kind == "multiple":
        ticked = {o.id for o in ex.options if o.correct}
        same = sum((o.id in answer) == (o.id in ticked) for o in ex.options)
        return f"You and the curators agree on {same} of {len(ex.options)} options."
    if ex.kind == "matching":
        same = sum(answer.get(it.id) == it.match for it in ex.left)
        return f"You and the curators pair {same} of {len(ex.left)} items alike."
    if ex.kind == "numeric":
        figure = ex.value if ex.value is not None else ex.low
        unit = f" {ex.unit}" if ex.unit else ""
        inside = ex.low is not None and ex.high is not None and ex.low <= answer <= ex.high
        within = " (within their range)." if inside and ex.low != ex.high else "."
        return f"Your figure is {answer:g}{unit}; the curators' is {figure:g}{unit}{within}"
    if ex.kind == "grid":
        total = len(ex.rows) * len(ex.columns)
        same = sum(
            answer.get(r.id, {}).get(c.id) == ex.key[r.id][c.id]
            for r in ex.rows
            for c in ex.columns
        )
        return f"You and the curators agree on {same} of {total} cells."
    return ""


def _curators(ex: Exercise, answer: Any) -> str:
    """The curators' answer with every reason (a grid: where the student differs first)."""
    if ex.kind == "numeric":
        figure = ex.value if ex.value is not None else ex.low
        unit = f" {ex.unit}" if ex.unit else ""
        span = (
            f" (they would accept {ex.low:g} to {ex.high:g})"
            if ex.low is not None and ex.high is not None and ex.low != ex.high
            else ""
        )
        return f"Their figure: **{figure:g}{unit}**{span}. {ex.explanations.get('correct', '')}"
    if ex.kind != "grid":
        return (
            solution_text(ex)
            .replace("**right**", "**the curators' choice**")
            .replace("**wrong**", "**not the curators' choice**")
        )
    differ = []
    for row in ex.rows:
        for col in ex.columns:
            got, ref = answer.get(row.id, {}).get(col.id), ex.key[row.id][col.id]
            if got != ref:
                differ.append(
                    f"- **{row.text}**, against *{col.text}*: you said **{got}**; the curators "
                    f"said **{ref}**. Their reason: {ex.rationale[row.id][col.id]}"
                )
    total = len(ex.rows) * len(ex.columns)
    out = [f"Where you differ ({len(differ)} of {total} cells):\n", *differ] if differ else []
    if not differ:
        out.append("You agree with the curators in every cell.")
    own = answer.get(OWN_KEY, {})
    for label in own:
        out.append(
            f"\nYour own hypothesis, *{label}*, is kept with your answer and compared with "
            "nothing: the curators have no ratings for it."
        )
    out.append("\n" + FOLD.format(summary=f"All {total} cells: the curators' ratings and reasons"))
    out.append(solution_text(ex))
    return "\n".join(out)


def _indicator_names(ex: Exercise) -> dict[str, str]:
    """The hypotheses an indicators exercise names, id to text (a marking step: its writer's)."""
    source = get_exercise(ex.check) if ex.check else ex
    return {h.id: h.text for h in source.hypotheses}


def _indicators_message(ex: Exercise, items: list[dict[str, str]]) -> str:
    """What the student wrote or marked, counted per hypothesis, and what comes next."""
    names = _indicator_names(ex)
    if not ex.check:
        when = f", as of {ex.as_of}" if ex.as_of else ""
        lines = [
            (
                f"**Recorded: {len(items)} indicators{when}.** Nothing here is marked: they "
                "are your own, and there is no key. Later (lesson 06) you hold each against "
                "what happened."
            ),
            "",
        ]
        for h, text in names.items():
            mine = [it for it in items if it["against"] == h]
            dates = ", ".join(sorted({it["by"] for it in mine}))
            lines.append(
                f"- **{text}**: {len(mine)} indicator{'s' * (len(mine) != 1)}"
                + (f" (by {dates})" if mine else "")
            )
        none = [text for h, text in names.items() if not any(it["against"] == h for it in items)]
        if none:
            lines.append(
                "\nNo indicator counts against "
                + "; ".join(f"*{t}*" for t in none)
                + ". Events can never count against an explanation you set no indicator for: "
                "consider one, so that every explanation can be tested."
            )
        return "\n".join(lines)
    from analogylab.analysis import indicator_tally  # noqa: PLC0415

    tally = indicator_tally(items, names)
    head = (
        f"**Recorded: your marks for {len(items)} indicators.** They are your own judgement "
        "of the record, not marked. An indicator that happened by its date counts 1 against "
        "the explanation it named, as an I counts in the hindsight matrix."
    )
    # A list, not a Markdown table: the widgets' Markdown shows a table's pipes as they are.
    lines = [head, ""]
    for r in tally.itertuples():
        lines.append(
            f"- **{r.label}**: {r.written} indicator{'s' * (r.written != 1)}; "
            f"{r.happened} happened (counting against it), {r.did_not_happen} did not, "
            f"{r.cannot_tell} cannot tell"
        )
    lines.append(
        "\nAn explanation with no indicator cannot be counted against: its 0 says nothing. "
        "The curators' milestones, which the lesson shows next, were written in hindsight."
    )
    return "\n".join(lines)


def written_indicators(exercise_id: str, store: AnswerStore | None = None) -> list[Any]:
    """The indicators last written for an indicators exercise (or the one a marking step marks).

    As stored (``{"text", "against", "by"}`` each); an empty list if none were written.
    """
    ex = get_exercise(exercise_id)
    answer = last_answer(ex.check or ex.id, store=store)
    if not isinstance(answer, list):
        return []
    return [{k: v for k, v in it.items() if k != "mark"} for it in answer if isinstance(it, dict)]


def _with_indicators(ex: Exercise, answer: Any, store: AnswerStore) -> Any:
    """Marks given alone (``["happened", ...]``) joined to the student's written indicators.

    With more indicators than marks, the rest stay unmarked (and the check says so).
    """
    if isinstance(answer, list | tuple) and all(isinstance(a, str) for a in answer):
        written = written_indicators(ex.id, store=store)
        marks = list(answer) + [None] * (len(written) - len(answer))
        return [{**it, "mark": m} for it, m in zip(written, marks, strict=False)]
    return answer


def argue(exercise_id: str, text: str, *, store: AnswerStore | None = None) -> Feedback:
    """Record an argument back against the curators' judgement (after your own judgement).

    The argument is kept with the judgement it answers, exported with your answers,
    and shown to your teacher in the class report. Returns the feedback, and shows it
    in a notebook.
    """
    return _show(record_argument(exercise_id, text, store=store))


def record_argument(exercise_id: str, text: str, *, store: AnswerStore | None = None) -> Feedback:
    """Record an argument back, without showing anything (the widget uses this)."""
    ex = get_exercise(exercise_id)
    store = store or open_store()
    if not ex.judgement:
        raise AnalogylabError(
            f"exercise {ex.id} is not a judgement, so there is no curators' judgement to argue "
            "with; argue() is for exercises marked `judgement: true` in the bank"
        )
    words = " ".join(str(text).split()) if isinstance(text, str) else ""
    judged = last_answer(ex.id, store=store)
    if judged is None:
        message = (
            "**Not recorded yet.** Give your own judgement first: the curators' reasons are "
            "shown after it, and the argument answers them."
        )
        status = "invalid"
    elif not words:
        message = "**Not recorded yet.** The box is empty: write your reasons first."
        status = "invalid"
    else:
        message = (
            "**Your argument is recorded** with your judgement. It is not marked; your teacher "
            "can read it beside the curators' reasons."
        )
        status = ARGUED
    store.record(
        Attempt(
            exercise_id=ex.id,
            lesson=ex.lesson,
            kind=ex.kind,
            answer={"argument": words, "judgement": judged},
            status=status,
            correct=None,
            score=None,
            points=ex.points,
            message=message,
            revealed=True,
        )
    )
    return Feedback(ex.id, ex.kind, None, None, ex.points, message, status, answer=words)


def _show(feedback: Feedback) -> Feedback:
    ip = _ipython()
    if ip is not None:
        _display_markdown(folded_markdown(feedback.message))
        feedback._shown_in = ip.execution_count
    else:
        print(str(feedback))
    return feedback


def check(
    exercise_id: str,
    answer: Any,
    *,
    ticked: list[str] | None = None,
    own_columns: Sequence[str] = (),
) -> Feedback:
    """Mark ``answer``, record the attempt, show the feedback and return it.

    For a short-text exercise, the first check shows the model answer and the
    rubric; check again with ``ticked=[...]`` (the rubric ids your answer
    meets) to record your self-assessment. A malformed answer gets a message
    saying which form is expected; it is kept but does not use up an attempt.
    For a rating grid, ``own_columns`` names columns you added (your own
    hypotheses, by their labels, used as column keys in the answer): their
    cells are kept with the answer and not marked.
    """
    return _show(record(exercise_id, answer, ticked=ticked, own_columns=own_columns))


def hint(exercise_id: str) -> str:
    """Show the next hint of an exercise (and record that it was shown)."""
    text = next_hint(exercise_id)
    _show_markdown(text)
    return text


def next_hint(exercise_id: str, store: AnswerStore | None = None) -> str:
    """The next hint not yet shown (the last one again once all are shown), recorded."""
    ex = get_exercise(exercise_id)
    store = store or open_store()
    if not ex.hints:
        return "This exercise has no hints. Re-read the prompt, or look at the data it names."
    n = min(store.hints_shown(ex.id) + 1, len(ex.hints))
    store.record_hint(ex.id, ex.lesson, n)
    return f"**Hint {n} of {len(ex.hints)}:** {ex.hints[n - 1]}"


def _show_markdown(text: str) -> None:
    if _ipython() is not None:
        _display_markdown(text)
    else:
        print(text.replace("**", ""))


def solution(exercise_id: str) -> str:
    """For teachers: show the key of an exercise and every explanation."""
    ex = get_exercise(exercise_id)
    text = f"**{ex.id}** ({ex.kind_name}, {_points(ex.points)}): the key\n\n" + solution_text(ex)
    _show_markdown(text)
    return text


def last_answer(exercise_id: str, store: AnswerStore | None = None) -> Any:
    """Your last checked answer to an exercise, as it was stored, or None if there is none.

    Answers refused as the wrong form (status ``invalid``) and arguments back
    (``argued``) are skipped: this is the last answer that was checked or recorded. A
    grid's answer is ``{row: {column: rating}}``; a list of indicators, a list of
    ``{"text", "against", "by"}`` (and ``"mark"`` once marked).
    """
    get_exercise(exercise_id)  # an unknown id is refused with the ids it could be
    for attempt in reversed((store or open_store()).attempts(exercise_id)):
        if attempt.status not in _NOT_ANSWERS:
            return attempt.answer
    return None


def set_student(name: str) -> None:
    """Put your name on your answers (it goes into every export you hand in)."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("give your name as text, for example set_student('Ana Lopez')")
    open_store().set_meta("student", name.strip())


# --- progress ------------------------------------------------------------------------------

PROGRESS_COLUMNS = [
    "lesson",
    "exercise_id",
    "kind",
    "marked",
    "points",
    "attempts",
    "last_status",
    "best_score",
    "earned",
    "answer_shown",
    "argued",
    "last_time",
]


def progress(lesson: str | None = None) -> pd.DataFrame:
    """One row per exercise in the bank (answered or not) with your attempts and best score.

    The best score counts only checks made before the answer was shown. Judgements
    and indicators are recorded, never marked (``marked`` False): they earn no points
    and count in no total; ``argued`` says whether you argued back against the
    curators' judgement. :func:`your_judgements` sets your judgements beside theirs.
    """
    import pandas as pd  # noqa: PLC0415

    bank = load_bank()
    by_exercise: dict[str, list[Attempt]] = {}
    argued: set[str] = set()
    for a in open_store().attempts(lesson=lesson):
        if a.status == ARGUED:
            argued.add(a.exercise_id)
        elif a.status != "invalid":
            by_exercise.setdefault(a.exercise_id, []).append(a)
    rows = []
    for ex in sorted(bank, key=lambda e: (e.lesson, e.number)):
        if lesson is not None and ex.lesson != lesson:
            continue
        tries = by_exercise.get(ex.id, [])
        # Points come from the checks made before the answer was shown; later checks are
        # kept (a grid's feed its explorer) but earn nothing.
        scores = [a.score for a in tries if a.score is not None and not a.revealed]
        best = max(scores) if scores else None
        rows.append(
            {
                "lesson": ex.lesson,
                "exercise_id": ex.id,
                "kind": ex.kind_name + (" (judgement)" if ex.judgement else ""),
                "marked": ex.scored,
                "points": ex.points if ex.scored else 0.0,
                "attempts": len(tries),
                "last_status": tries[-1].status if tries else "not tried",
                "best_score": best if ex.scored else None,
                "earned": None if best is None or not ex.scored else round(best * ex.points, 2),
                "answer_shown": key_shown(ex, tries),
                "argued": ex.id in argued,
                "last_time": tries[-1].time if tries else "",
            }
        )
    frame = pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
    return frame.astype({"best_score": "Float64", "earned": "Float64", "attempts": "int64"})


def your_judgements(lesson: str | None = None, store: AnswerStore | None = None) -> pd.DataFrame:
    """Your judgements beside the curators', item by item (from your first judgement of each).

    One row per thing judged, as the class report counts them (a grid's cells, a
    choice's options, an indicator's hypothesis): lesson, exercise_id, item, yours,
    reference (the curators'; empty for indicators, which have none), agree, and
    the curators' reason; ``argument``: your last argument back, if any.
    """
    import pandas as pd  # noqa: PLC0415

    from analogylab.report import judgement_rows  # noqa: PLC0415

    store = store or open_store()
    frame = store.to_frame(lesson=lesson)
    frame.insert(0, "student", "you")
    rows = judgement_rows(frame, load_bank())
    cols = ["lesson", "exercise_id", "item", "yours", "reference", "agree", "reason", "argument"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    out: pd.DataFrame = rows.rename(columns={"answer": "yours"})[cols].reset_index(drop=True)
    return out


def progress_by_lesson() -> pd.DataFrame:
    """Per lesson: exercises tried, of how many, and points earned of how many."""
    import pandas as pd  # noqa: PLC0415

    p = progress()
    if p.empty:
        return pd.DataFrame(columns=["lesson", "title", "tried", "exercises", "earned", "points"])
    # Judgements and indicators count as tried, and their points (none) in no total.
    bank = load_bank()
    out = (
        p.assign(tried=p.attempts > 0, earned=p.earned.fillna(0))
        .groupby("lesson", as_index=False)
        .agg(
            tried=("tried", "sum"),
            exercises=("exercise_id", "count"),
            earned=("earned", "sum"),
            points=("points", "sum"),
        )
    )
    out.insert(1, "title", out.lesson.map(bank.lessons))
    return out
