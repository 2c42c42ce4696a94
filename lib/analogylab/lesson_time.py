"""How long a lesson takes, measured from what is on its page rather than guessed.

``analogylab tidy`` writes each lesson's "Time needed" line from :func:`measure`:

    minutes = words read / READING_PACE
            + the expected minutes of every exercise the page shows
            + CODE_CELL_MINUTES for each code cell a student runs and reads
            + CHART_MINUTES for each chart or rating table those cells show
            + EXPLORER_MINUTES for each interactive chart (explorer)

and rounds the sum to the nearest 5 minutes (at least 5).

- **Words read**: the lesson's Markdown (all but the navigation, the sources heading and
  the "Time needed" line itself) and the text its code cells show: printed lines and
  tables, as stored in the lesson. Not read: code (the code-cell allowance covers it),
  a chart's folded text twin (there for whoever needs it), the sources list at the end
  (a reference, not reading), and what exercise and explorer cells show (their own
  allowances cover it).
- **Pace**: 175 words a minute. Brysbaert's meta-analysis of 190 studies (Journal of
  Memory and Language 109, 2019, 104047, doi:10.1016/j.jml.2019.104047) puts the
  silent reading of English non-fiction by adults at 238 words a minute on average,
  most readers between 175 and 300, and slower for readers in a second language. Study
  reading of prose dense with names, dates and figures, by students of whom many read
  English as a second language, is taken at the slow end of that range: the project's
  assumption.
- **Exercises**: each exercise's ``minutes`` in the question bank, or its kind's
  default (:data:`analogylab.bank.DEFAULT_MINUTES`; a rating grid adds half a minute a
  cell). An exercise counts once however many cells name it.
- **Code**: a code cell is one a student runs: not the sources cell, not a cell tagged
  ``teacher-only``, not a worked answer (between the solution markers: part of its
  exercise), not an exercise's or an explorer's own cell. One minute each to run it and
  read what it does; two more for each chart or rating table it shows; four for each
  explorer, to try the question the lesson asks of it.

The allowances are the project's estimates, stated once here and in CONTRIBUTING.md;
change a constant and ``analogylab tidy`` rewrites every lesson's line.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from analogylab.lessons import NAV_MARKER, cell_tags, text_of

__all__ = [
    "CHART_MINUTES",
    "CODE_CELL_MINUTES",
    "EXPLORER_MINUTES",
    "READING_PACE",
    "TIME_LABEL",
    "LessonTime",
    "exercise_ids",
    "measure",
    "time_paragraph",
    "words",
]

READING_PACE = 175  # words a minute: study reading of expository prose (see above)
CODE_CELL_MINUTES = 1.0  # run a code cell and read what it does
CHART_MINUTES = 2.0  # study a chart or rating table a cell shows
EXPLORER_MINUTES = 4.0  # try an interactive chart: the question the lesson asks of it
TIME_LABEL = "**Time needed:**"

_SOURCES_MARKER = "<!-- analogylab:sources -->"  # as notebooks.SOURCES_MARKER (no import circle)
_TEACHER = "teacher-only"
_SOLUTION = "### BEGIN SOLUTION"
_EXERCISE_ID = re.compile(r"""["'](ex-[a-z0-9]+(?:-[a-z0-9]+)+)["']""")
_EXPLORER = re.compile(r"\b\w+_explorer\s*\(")
_EXERCISE_CALL = re.compile(r"\b(?:rating_)?exercise\s*\(")
_TIME = re.compile(r"^\*\*Time needed:?\*\*.*(?:\n(?![ \t]*\n).*)*", re.MULTILINE)
_WORD = re.compile(r"[^\W_]+(?:['’.,:/-][^\W_]+)*")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def words(text: str) -> int:
    """The words a reader reads in ``text`` (Markdown or HTML).

    Link targets, tags and comments are left out; "1,000", "1979-12" and "don't" count once.
    """
    text = _STYLE.sub(" ", _COMMENT.sub(" ", text))
    text = _TAG.sub(" ", _LINK_TARGET.sub("]", text))
    text = _URL.sub(" ", html.unescape(text))
    return len(_WORD.findall(text))


def time_paragraph(text: str) -> re.Match[str] | None:
    """The "**Time needed:** ..." paragraph of a lesson's first cell, if it has one."""
    return _TIME.search(text)


def exercise_ids(code: str) -> list[str]:
    """The exercise ids (``ex-05-2``, ``ex-ach-<case>``) a code cell names, in order."""
    return list(dict.fromkeys(_EXERCISE_ID.findall(code)))


def _output_words(output: Mapping[str, Any]) -> tuple[int, int]:  # noqa: PLR0911
    """(words, charts) of one stored output (one return per kind of output)."""
    if output.get("output_type") == "stream":
        return (words(text_of(output.get("text"))) if output.get("name") == "stdout" else 0), 0
    data = output.get("data") or {}
    if "image/png" in data:
        return 0, 1
    if "text/markdown" in data:
        return words(text_of(data["text/markdown"])), 0
    if "text/html" in data:
        page = text_of(data["text/html"])
        if "analogylab-rating-table" in page:
            return 0, 1
        if "analogylab-text-twin" in page:
            return 0, 0  # folded under "The chart in words": there for whoever needs it
        return words(page), 0
    if "text/plain" in data:
        return words(text_of(data["text/plain"])), 0
    return 0, 0


@dataclass(frozen=True)
class LessonTime:
    """What a lesson asks of a student, counted, and the minutes it comes to."""

    words: int
    exercises: tuple[tuple[str, float], ...]  # (id, minutes) of each exercise shown
    code_cells: int
    charts: int
    explorers: int

    @property
    def reading(self) -> float:
        """Minutes to read the page's words at :data:`READING_PACE`."""
        return self.words / READING_PACE

    @property
    def exercise_minutes(self) -> float:
        """Minutes for the exercises, each at its expected time."""
        return sum(m for _, m in self.exercises)

    @property
    def running(self) -> float:
        """Minutes to run the code cells and study their charts, and to try the explorers."""
        return (
            self.code_cells * CODE_CELL_MINUTES
            + self.charts * CHART_MINUTES
            + self.explorers * EXPLORER_MINUTES
        )

    @property
    def total(self) -> float:
        """The exact sum, in minutes."""
        return self.reading + self.exercise_minutes + self.running

    @property
    def minutes(self) -> int:
        """The total rounded to the nearest 5 minutes (at least 5): what the lesson states."""
        return max(5, 5 * math.floor(self.total / 5 + 0.5))

    def line(self) -> str:
        """The lesson's "Time needed" line, with what it is made of."""
        parts = [f"{_whole(self.reading)} to read"]
        n = len(self.exercises)
        if n:
            what = "the exercise" if n == 1 else f"the {n} exercises"
            parts.append(f"{_whole(self.exercise_minutes)} for {what}")
        if self.code_cells or self.explorers:
            study = " and study the charts" if self.charts or self.explorers else ""
            parts.append(f"{_whole(self.running)} to run the code{study}")
        return f"{TIME_LABEL} about {self.minutes} minutes: " + ", ".join(parts) + "."


def _whole(minutes: float) -> int:
    return max(1, math.floor(minutes + 0.5)) if minutes > 0 else 0


def _kind(cell: Mapping[str, Any], last_code: bool) -> str:
    """What a code cell is for the count: skip, exercise, explorer, or code."""
    code = text_of(cell.get("source"))
    if not code.strip() or _TEACHER in cell_tags(dict(cell)):
        return "skip"
    if last_code and "lesson_sources(" in code:
        return "skip"  # the sources list: a reference, not reading
    if _SOLUTION in code:
        return "exercise"  # a worked answer: the student's part of its exercise
    if _EXPLORER.search(code):
        return "explorer"
    if _EXERCISE_CALL.search(code):
        return "exercise"
    return "code"


def measure(
    cells: Iterable[Mapping[str, Any]], minutes_of: Callable[[str], float | None]
) -> LessonTime:
    """Count a lesson's words, exercises, code cells, charts and explorers (module docstring).

    ``cells`` are the notebook's cells with their stored outputs; ``minutes_of(id)``
    gives an exercise's expected minutes, or None for an id that names no exercise
    (which is then not counted).
    """
    cells = list(cells)
    last_code = max((i for i, c in enumerate(cells) if c.get("cell_type") == "code"), default=-1)
    n_words = code_cells = charts = explorers = 0
    shown: dict[str, float] = {}
    for i, cell in enumerate(cells):
        text = text_of(cell.get("source"))
        if cell.get("cell_type") == "markdown":
            if text.startswith((NAV_MARKER, _SOURCES_MARKER)) or _TEACHER in cell_tags(dict(cell)):
                continue
            if i == 0:
                text = _TIME.sub(" ", text)
            n_words += words(text)
            continue
        if cell.get("cell_type") != "code":
            continue
        kind = _kind(cell, i == last_code)
        if kind == "skip":
            continue
        for ex_id in exercise_ids(text):
            m = minutes_of(ex_id)
            if m is not None:
                shown.setdefault(ex_id, m)
        if kind == "explorer":
            explorers += len(_EXPLORER.findall(text))
        if kind != "code":
            continue
        code_cells += 1
        for out in cell.get("outputs", []):
            w, c = _output_words(out)
            n_words += w
            charts += c
    return LessonTime(n_words, tuple(shown.items()), code_cells, charts, explorers)
