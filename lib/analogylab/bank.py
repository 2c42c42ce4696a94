"""The exercise bank: one YAML file per lesson in ``data/exercises/``.

Each file holds a lesson number, a title and a list of exercises. Every problem
found is reported as ``FILE:LINE:FIELD: what is wrong; how to fix``, like the
tables, and all problems are reported in one run. See CONTRIBUTING.md for the
format of each kind of exercise, with an example of each in
``data/exercises/00-start-here.yaml``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analogylab.validate import Problem, did_you_mean, display_path

__all__ = [
    "ARGUE",
    "AT_LEAST",
    "DEFAULT_MINUTES",
    "GRID_CELL_MINUTES",
    "INDICATOR_MINUTES",
    "JUDGEMENT_KINDS",
    "KINDS",
    "Bank",
    "Exercise",
    "Item",
    "Keyword",
    "bank_folder",
    "check_bank",
    "read_bank",
]

KINDS: dict[str, str] = {
    "single": "single choice",
    "multiple": "multiple select",
    "matching": "matching",
    "ordering": "ordering",
    "numeric": "numeric",
    "text": "short text",
    "grid": "rating grid",
    "indicators": "indicators to watch",
}

#: The kinds an exercise may mark as a judgement (``judgement: true``): the student's
#: answer is recorded, not marked, then the curators' is shown with its reasons.
JUDGEMENT_KINDS = ("single", "multiple", "matching", "numeric", "grid")

#: What an indicators exercise asks for at least, unless it says ``at_least``.
AT_LEAST = 3

#: The prompt under a judgement's "argue back" box, unless the exercise gives ``argue``.
ARGUE = (
    "Where do you disagree with the curators, and why? Name the item and give your "
    "reason in a sentence or two: a reason a reader could check."
)

_ID = re.compile(r"^ex-(\d{2})-(\d+)$")
_ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_COMMON = {
    "id",
    "kind",
    "title",
    "prompt",
    "hints",
    "points",
    "attempts",
    "sources",
    "judgement",
    "argue",
    "minutes",
}
_FIELDS: dict[str, set[str]] = {
    "single": {"options"},
    "multiple": {"options"},
    "matching": {"left", "right"},
    "ordering": {"items"},
    "numeric": {"answer", "unit", "explanations"},
    "text": {"model_answer", "rubric", "keywords"},
    "grid": {"rows", "columns", "scale", "ordered", "unordered", "key", "rationale"},
    "indicators": {"hypotheses", "as_of", "case", "at_least", "check"},
}
_DEFAULT_ATTEMPTS = {"text": 1, "grid": 1, "indicators": 1}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: The minutes a student needs for an exercise of each kind, unless it gives its own
#: ``minutes``: reading the prompt, answering, and reading the feedback (a second try
#: included). The project's estimates; ``analogylab tidy`` adds them up into each
#: lesson's "Time needed" (CONTRIBUTING.md, "Keeping lessons tidy").
DEFAULT_MINUTES: dict[str, float] = {
    "single": 2,  # one choice among a few short options
    "multiple": 3,  # every option weighed on its own
    "matching": 3,
    "ordering": 3,
    "numeric": 4,  # a figure worked out from a table, a chart or in code
    "text": 8,  # a few sentences written, the rubric ticked, the model answer read
    "grid": 2,  # reading the feedback; plus GRID_CELL_MINUTES for every cell
}
GRID_CELL_MINUTES = 0.5  # one item rated against one hypothesis, by the rulebook
#: Indicators: writing at least three (each with the explanation it counts against and a
#: date), and marking them against the record afterwards.
INDICATOR_MINUTES = (10.0, 5.0)


@dataclass(frozen=True)
class Item:
    """An option, a list item, a grid row or column, or a rubric criterion."""

    id: str
    text: str
    explanation: str = ""
    correct: bool = False
    match: str | None = None  # matching: the id of the right-hand item it pairs with
    line: int = field(default=0, compare=False)  # where it is in the file
    pos: int = field(default=0, compare=False)  # its place in its YAML list, from 1


@dataclass(frozen=True)
class Keyword:
    """Short-text hint: if none of ``words`` is in the answer, show ``hint``."""

    words: tuple[str, ...]
    hint: str


@dataclass(frozen=True)
class Exercise:
    """One question, with its key and an explanation for every option or outcome."""

    id: str
    lesson: str
    kind: str
    prompt: str
    title: str = ""
    points: float = 1.0
    attempts: int = 2
    hints: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    options: tuple[Item, ...] = ()  # single, multiple
    left: tuple[Item, ...] = ()  # matching
    right: tuple[Item, ...] = ()  # matching
    items: tuple[Item, ...] = ()  # ordering, in the right order
    low: float | None = None  # numeric: the accepted range
    high: float | None = None
    value: float | None = None  # numeric: the best single figure, if any
    unit: str = ""
    explanations: Mapping[str, str] = field(default_factory=dict)  # numeric outcomes
    model_answer: str = ""  # text
    rubric: tuple[Item, ...] = ()  # text
    keywords: tuple[Keyword, ...] = ()  # text
    rows: tuple[Item, ...] = ()  # grid
    columns: tuple[Item, ...] = ()  # grid
    scale: tuple[str, ...] = ()  # grid: the allowed values
    ordered: bool = False  # grid: neighbours on the scale earn half credit
    unordered: tuple[str, ...] = ()  # grid: scale values outside the order (e.g. NA)
    key: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # grid
    rationale: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # grid
    minutes: float | None = None  # the time it needs, if not its kind's default
    judgement: bool = False  # recorded, not marked; then the curators' answer and reasons
    argue: str = ""  # judgement: the prompt of the "argue back" box (default ARGUE)
    as_of: str = ""  # indicators: the date they are written as of (YYYY-MM-DD)
    case: str = ""  # indicators: the case whose record they are checked against
    at_least: int = 0  # indicators: how many to write, at least
    check: str = ""  # indicators: the exercise whose indicators this one marks
    file: str = ""
    line: int = 0

    @property
    def expected_minutes(self) -> float:
        """The minutes a student needs for it: its own ``minutes``, or its kind's default.

        The default is :data:`DEFAULT_MINUTES` of the kind; a rating grid adds
        :data:`GRID_CELL_MINUTES` for every cell (rows x columns).
        """
        if self.minutes is not None:
            return self.minutes
        if self.kind == "indicators":  # writing them, or marking them against the record
            return INDICATOR_MINUTES[1 if self.check else 0]
        base = DEFAULT_MINUTES[self.kind]
        if self.kind == "grid":
            base += GRID_CELL_MINUTES * len(self.rows) * len(self.columns)
        return base

    @property
    def scored(self) -> bool:
        """Whether answers earn points: not for a judgement, nor for indicators."""
        return not self.judgement and self.kind != "indicators"

    @property
    def hypotheses(self) -> tuple[Item, ...]:
        """Indicators: the hypotheses an indicator may count against (kept as ``columns``)."""
        return self.columns

    @property
    def argue_prompt(self) -> str:
        """A judgement's prompt to argue back: its own ``argue``, or :data:`ARGUE`."""
        return self.argue or ARGUE

    @property
    def kind_name(self) -> str:
        """The kind in words ("single choice", "rating grid" ...)."""
        return KINDS[self.kind]

    @property
    def number(self) -> int:
        """The exercise's number within its lesson (3 for ``ex-02-3``)."""
        m = _ID.match(self.id)
        return int(m.group(2)) if m else 0

    def option(self, option_id: str) -> Item:
        """The option (or item, row, column, criterion) with this id."""
        for it in (*self.options, *self.left, *self.right, *self.items, *self.rubric):
            if it.id == option_id:
                return it
        raise KeyError(option_id)


@dataclass
class Bank:
    """Every exercise, by id, and the files they came from."""

    root: Path
    exercises: dict[str, Exercise]
    lessons: dict[str, str]  # lesson number -> title
    problems: list[Problem]

    def __getitem__(self, exercise_id: str) -> Exercise:
        return self.exercises[exercise_id]

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self.exercises

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises.values())

    def __len__(self) -> int:
        return len(self.exercises)

    def of_lesson(self, lesson: str) -> list[Exercise]:
        """The exercises of one lesson, in number order."""
        return sorted(
            (e for e in self.exercises.values() if e.lesson == lesson), key=lambda e: e.number
        )


# --- YAML that remembers line numbers -------------------------------------------------------


class _Map(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]  # keys given twice, with the line of the repeat


class _Seq(list[Any]):
    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """A safe loader whose mappings and lists know the line they start on."""


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    m = _Map()
    m.line = node.start_mark.line + 1
    m.key_lines = {}
    m.duplicates = []
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        if key in m.key_lines:
            m.duplicates.append((key, key_node.start_mark.line + 1))
            continue  # the first one counts; the repeat is reported
        m[key] = loader.construct_object(value_node, deep=True)
        m.key_lines[key] = key_node.start_mark.line + 1
    return m


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    s = _Seq(loader.construct_object(n, deep=True) for n in node.value)
    s.line = node.start_mark.line + 1
    s.item_lines = [n.start_mark.line + 1 for n in node.value]
    return s


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


# --- reading and checking ------------------------------------------------------------------


class _Reader:
    """Reads one exercise, collecting problems instead of stopping at the first."""

    def __init__(self, file: str, problems: list[Problem], source_ids: set[str] | None) -> None:
        self.file = file
        self.problems = problems
        self.source_ids = source_ids

    def problem(self, line: int, where: str, message: str, hint: str, code: str = "bank") -> None:
        self.problems.append(Problem(self.file, line, where, message, hint, code))

    @staticmethod
    def line_of(m: Any, key: str) -> int:
        if isinstance(m, _Map):
            return m.key_lines.get(key, m.line)
        return 0

    def text(self, m: _Map, key: str, where: str, *, required: bool = True) -> str:
        value = m.get(key)
        if value is None:
            if required:
                self.problem(
                    m.line, _join(where, key), f"`{key}` is missing", f"add a `{key}:` line"
                )
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem(
                self.line_of(m, key),
                _join(where, key),
                f"`{key}` should be text, not {_kind_of(value)}",
                "write it on one line, or as a block after `|`",
            )
            return ""
        text = str(value).strip()
        if required and not text:
            self.problem(
                self.line_of(m, key), _join(where, key), f"`{key}` is empty", "write it out"
            )
        return text

    def number(
        self, m: _Map, key: str, where: str, default: float | None, *, minimum: float = 0
    ) -> float | None:
        value = m.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(
                self.line_of(m, key),
                _join(where, key),
                f"`{key}` should be a number, not {value!r}",
                f"write a number such as {default if default is not None else 1}",
            )
            return default
        if not math.isfinite(value):
            self.problem(
                self.line_of(m, key),
                _join(where, key),
                f"`{key}` is {value}, not a finite number",
                "write an ordinary number",
            )
            return default
        if value < minimum:
            self.problem(
                self.line_of(m, key),
                _join(where, key),
                f"`{key}` is {value}, below {minimum}",
                f"use {minimum} or more",
            )
        return float(value)

    def items(
        self, m: _Map, key: str, where: str, *, explained: bool, extra: Iterable[str] = ()
    ) -> tuple[Item, ...]:
        """A list of ``{id, text, explanation ...}`` mappings."""
        seq = m.get(key)
        if seq is None:
            self.problem(m.line, _join(where, key), f"`{key}` is missing", f"add a `{key}:` list")
            return ()
        if not isinstance(seq, _Seq) or not seq:
            self.problem(
                self.line_of(m, key),
                _join(where, key),
                f"`{key}` should be a non-empty list",
                "give one `- id: ...` entry per line of the list",
            )
            return ()
        allowed = {"id", "text", "explanation", *extra}
        out: list[Item] = []
        seen: set[str] = set()
        for i, entry in enumerate(seq):
            line = seq.item_lines[i]
            here = f"{where}.{key}[{i + 1}]"
            if not isinstance(entry, _Map):
                self.problem(
                    line,
                    here,
                    f"each entry of `{key}` should have `id:` and `text:`",
                    "write `- id: a` and, below it, `text: ...`",
                )
                continue
            self.unknown(entry, allowed, here)
            item_id = self.text(entry, "id", here)
            if item_id and not _ITEM_ID.match(item_id):
                self.problem(
                    entry.line,
                    f"{here}.id",
                    f"id {item_id!r} has spaces or symbols",
                    "use letters, digits, '-', '_' or '.' only",
                )
            if item_id in seen:
                self.problem(
                    entry.line,
                    f"{here}.id",
                    f"id {item_id!r} is used twice in `{key}`",
                    "give each entry its own id",
                )
            seen.add(item_id)
            text = self.text(entry, "text", here)
            explanation = self.text(entry, "explanation", here, required=explained)
            correct = entry.get("correct", False)
            if not isinstance(correct, bool):
                self.problem(
                    self.line_of(entry, "correct"),
                    f"{here}.correct",
                    f"`correct` should be true or false, not {correct!r}",
                    "write `correct: true` on the right option(s) only",
                )
                correct = False
            match = entry.get("match")
            out.append(
                Item(
                    item_id,
                    text,
                    explanation,
                    correct,
                    None if match is None else str(match),
                    line=line,
                    pos=i + 1,
                )
            )
        return tuple(out)

    def duplicates(self, m: _Map, where: str) -> None:
        for key, line in getattr(m, "duplicates", []):
            self.problem(
                line,
                _join(where, key),
                f"`{key}` is given twice in this entry; only the first counts",
                "delete one of them, or merge them",
            )

    def unknown(self, m: _Map, allowed: set[str], where: str) -> None:
        self.duplicates(m, where)
        for key in m:
            if key not in allowed:
                self.problem(
                    m.key_lines.get(key, m.line),
                    _join(where, key),
                    f"unknown field `{key}`",
                    f"check the spelling{did_you_mean(key, allowed)}; allowed here: "
                    + ", ".join(sorted(allowed)),
                )

    def strings(self, m: _Map, key: str, where: str) -> tuple[str, ...]:
        seq = m.get(key, [])
        if seq is None:
            return ()
        if isinstance(seq, str):
            seq = [seq]
        if not isinstance(seq, list):
            self.problem(
                self.line_of(m, key),
                _join(where, key),
                f"`{key}` should be a list of text lines",
                "write one `- ...` line for each",
            )
            return ()
        for i, s in enumerate(seq):
            if isinstance(s, str | int | float) and not isinstance(s, bool):
                continue
            line = seq.item_lines[i] if isinstance(seq, _Seq) else self.line_of(m, key)
            colon = isinstance(s, dict)
            self.problem(
                line,
                f"{where}.{key}[{i + 1}]",
                f"item {i + 1} of `{key}` is not plain text"
                + (" (YAML read the ': ' in it as a key and value)" if colon else ""),
                "put the whole line in double quotes",
            )
            return ()
        return tuple(str(s).strip() for s in seq)

    # -- one exercise --

    def exercise(  # noqa: PLR0912, PLR0915  (one block per kind, each short)
        self, m: _Map, lesson: str, index: int, seen: dict[str, str]
    ) -> Exercise | None:
        ex_id = m.get("id")
        where = str(ex_id) if isinstance(ex_id, str) and ex_id else f"exercises[{index}]"
        n_before = len(self.problems)
        kind = m.get("kind")
        if kind not in KINDS:
            self.problem(
                self.line_of(m, "kind"),
                f"{where}.kind",
                f"kind {kind!r} is not one of ours",
                f"use one of: {', '.join(KINDS)}{did_you_mean(str(kind), KINDS)}",
            )
            self.unknown(m, set().union(_COMMON, *_FIELDS.values()), where)
            return None
        self.unknown(m, _COMMON | _FIELDS[kind], where)
        ex_id = self.text(m, "id", where)
        id_match = _ID.match(ex_id)
        if ex_id and not id_match:
            self.problem(
                self.line_of(m, "id"),
                f"{where}.id",
                f"id {ex_id!r} is not of the form ex-NN-K",
                f"use ex-{lesson}-1, ex-{lesson}-2 ...: NN is the lesson, K the question",
            )
        elif id_match and id_match.group(1) != lesson:
            self.problem(
                self.line_of(m, "id"),
                f"{where}.id",
                f"id {ex_id!r} belongs to lesson {id_match.group(1)}, but this file is lesson "
                f"{lesson}",
                f"renumber it ex-{lesson}-K, or move it to lesson {id_match.group(1)}'s file",
            )
        if ex_id in seen:
            self.problem(
                self.line_of(m, "id"),
                f"{where}.id",
                f"id {ex_id!r} is already used in {seen[ex_id]}",
                "ids must be unique across the bank: pick the next free number",
            )
        elif ex_id:
            seen[ex_id] = f"{self.file}:{self.line_of(m, 'id')}"
        prompt = self.text(m, "prompt", where)
        title = self.text(m, "title", where, required=False)
        points = self.number(m, "points", where, 1.0)
        attempts = self.number(m, "attempts", where, _DEFAULT_ATTEMPTS.get(kind, 2), minimum=1)
        hints = self.strings(m, "hints", where)
        sources = self.strings(m, "sources", where)
        minutes = self.number(m, "minutes", where, None)
        if minutes == 0:
            self.problem(
                self.line_of(m, "minutes"),
                f"{where}.minutes",
                "`minutes` is 0: no exercise takes no time",
                f"write the minutes a student needs, or leave it out for the default of a "
                f"{KINDS[kind]} question",
            )
        if self.source_ids is not None:
            for s in sources:
                if s not in self.source_ids:
                    self.problem(
                        self.line_of(m, "sources"),
                        f"{where}.sources",
                        f"source {s!r} is not in sources.csv",
                        f"add it to sources.csv or fix the id{did_you_mean(s, self.source_ids)}",
                    )
        ex: dict[str, Any] = {
            "id": ex_id,
            "lesson": lesson,
            "kind": kind,
            "prompt": prompt,
            "title": title,
            "points": 1.0 if points is None else points,
            "attempts": int(attempts or 1),
            "hints": hints,
            "sources": sources,
            "minutes": minutes,
            "file": self.file,
            "line": m.line,
        }
        if kind in {"single", "multiple"}:
            opts = self.items(m, "options", where, explained=True, extra={"correct"})
            right = [o for o in opts if o.correct]
            if opts and kind == "single" and len(right) != 1:
                self.problem(
                    self.line_of(m, "options"),
                    f"{where}.options",
                    f"a single-choice question needs exactly one `correct: true`, found "
                    f"{len(right)}",
                    "mark the one right option, or make the kind `multiple`",
                )
            if opts and kind == "multiple" and not right:
                self.problem(
                    self.line_of(m, "options"),
                    f"{where}.options",
                    "no option is marked `correct: true`",
                    "mark every right option with `correct: true`",
                )
            if opts and len(opts) < 2:
                self.problem(
                    self.line_of(m, "options"),
                    f"{where}.options",
                    "a choice needs at least two options",
                    "add the options a student chooses between",
                )
            ex["options"] = opts
        elif kind == "matching":
            right_items = self.items(m, "right", where, explained=False)
            left = self.items(m, "left", where, explained=True, extra={"match"})
            right_ids = {r.id for r in right_items}
            for it in left:
                line = it.line
                if it.match is None:
                    self.problem(
                        line,
                        f"{where}.left[{it.pos}].match",
                        f"left item {it.id!r} has no `match`",
                        "add `match: <id of its right-hand item>`",
                    )
                elif right_items and it.match not in right_ids:
                    self.problem(
                        line,
                        f"{where}.left[{it.pos}].match",
                        f"{it.match!r} is not an id in `right`",
                        f"use one of: {', '.join(sorted(right_ids))}"
                        f"{did_you_mean(it.match, right_ids)}",
                    )
            ex["left"], ex["right"] = left, right_items
        elif kind == "ordering":
            items = self.items(m, "items", where, explained=True)
            if items and len(items) < 3:
                self.problem(
                    self.line_of(m, "items"),
                    f"{where}.items",
                    "an ordering question needs at least three items",
                    "add items, or make it a single-choice question",
                )
            ex["items"] = items
        elif kind == "numeric":
            self._numeric(m, where, ex)
        elif kind == "text":
            ex["model_answer"] = self.text(m, "model_answer", where)
            ex["rubric"] = self.items(m, "rubric", where, explained=False)
            ex["keywords"] = self._keywords(m, where)
        elif kind == "grid":
            self._grid(m, where, ex)
        elif kind == "indicators":
            self._indicators(m, where, ex)
        self._judgement(m, where, kind, ex)
        if len(self.problems) > n_before:
            return None
        return Exercise(**ex)

    def _judgement(self, m: _Map, where: str, kind: str, ex: dict[str, Any]) -> None:
        """``judgement: true`` (and its ``argue`` prompt): only on kinds that ask one."""
        flag = m.get("judgement", False)
        if not isinstance(flag, bool):
            self.problem(
                self.line_of(m, "judgement"),
                f"{where}.judgement",
                f"`judgement` should be true or false, not {flag!r}",
                "write `judgement: true` where the curators' answer is a judgement",
            )
            flag = False
        if flag and kind not in JUDGEMENT_KINDS:
            why = {
                "text": "a short text is already the student's own, checked with a rubric",
                "indicators": "indicators are the student's own, with nothing to compare",
                "ordering": "an order of events is a fact, not a judgement",
            }.get(kind, "")
            self.problem(
                self.line_of(m, "judgement"),
                f"{where}.judgement",
                f"this kind ({KINDS[kind]}) cannot be a judgement" + (f": {why}" if why else ""),
                f"delete the line, or use one of: {', '.join(JUDGEMENT_KINDS)}",
            )
            flag = False
        if flag and "attempts" in m:
            self.problem(
                self.line_of(m, "attempts"),
                f"{where}.attempts",
                "a judgement is recorded, not marked, so it has no attempts to count",
                "delete the `attempts:` line",
            )
        argue = self.text(m, "argue", where, required=False)
        if argue and not flag:
            self.problem(
                self.line_of(m, "argue"),
                f"{where}.argue",
                "`argue` is the prompt to argue back with a judgement, but this exercise is "
                "not one",
                "add `judgement: true`, or delete `argue`",
            )
        ex["judgement"], ex["argue"] = flag, argue

    def _indicators(self, m: _Map, where: str, ex: dict[str, Any]) -> None:
        """Write indicators (``hypotheses``, ``as_of``), or mark them (``check``, ``case``)."""
        check = self.text(m, "check", where, required=False)
        case = self.text(m, "case", where, required=False)
        if check:
            for key in ("hypotheses", "as_of", "at_least"):
                if key in m:
                    self.problem(
                        self.line_of(m, key),
                        f"{where}.{key}",
                        f"`{key}` belongs to the exercise where the indicators are written "
                        f"({check}), not to the one that marks them",
                        f"delete `{key}` here",
                    )
            if not case:
                self.problem(
                    m.line,
                    f"{where}.case",
                    "marking indicators needs the case whose record they are held against",
                    "add `case: <case id>`, e.g. `case: russia-taliban-2018`",
                )
            ex.update(check=check, case=case)
            return
        ex["columns"] = self.items(m, "hypotheses", where, explained=False)
        as_of = self.text(m, "as_of", where)
        if as_of and not _DATE.match(as_of):
            self.problem(
                self.line_of(m, "as_of"),
                f"{where}.as_of",
                f"`as_of` is {as_of!r}, not a date",
                'write the analysis date as "YYYY-MM-DD", in quotes',
            )
        least = self.number(m, "at_least", where, float(AT_LEAST), minimum=1)
        ex.update(as_of=as_of, case=case, at_least=int(least or AT_LEAST))

    def _numeric(self, m: _Map, where: str, ex: dict[str, Any]) -> None:
        ans = m.get("answer")
        if not isinstance(ans, _Map):
            self.problem(
                self.line_of(m, "answer"),
                f"{where}.answer",
                "`answer` should give `value` and `tolerance`, or `low` and `high`",
                "write e.g. `answer: {value: 30, tolerance: 0}` or `answer: {low: 2, high: 3}`",
            )
            return
        self.unknown(ans, {"value", "tolerance", "low", "high"}, f"{where}.answer")
        value = self.number(ans, "value", f"{where}.answer", None, minimum=float("-inf"))
        tol = self.number(ans, "tolerance", f"{where}.answer", None)
        low = self.number(ans, "low", f"{where}.answer", None, minimum=float("-inf"))
        high = self.number(ans, "high", f"{where}.answer", None, minimum=float("-inf"))
        if low is None and high is None:
            if value is None:
                self.problem(
                    ans.line,
                    f"{where}.answer",
                    "`answer` has neither `value` nor `low`/`high`",
                    "give `value` (with `tolerance`) or a `low`-`high` range",
                )
                return
            low, high = value - (tol or 0.0), value + (tol or 0.0)
        elif low is None or high is None or low > high:
            self.problem(
                ans.line,
                f"{where}.answer",
                f"the range low={low}, high={high} is incomplete or upside down",
                "give both `low` and `high`, with low <= high",
            )
            return
        ex["low"], ex["high"], ex["value"] = low, high, value
        ex["unit"] = self.text(m, "unit", where)
        expl = m.get("explanations")
        needed = ("correct", "too_low", "too_high")
        if not isinstance(expl, _Map):
            self.problem(
                self.line_of(m, "explanations"),
                f"{where}.explanations",
                "`explanations` is missing or not a mapping",
                "give `correct:`, `too_low:` and `too_high:`, each explained",
            )
            return
        self.unknown(expl, set(needed), f"{where}.explanations")
        ex["explanations"] = {k: self.text(expl, k, f"{where}.explanations") for k in needed}

    def _keywords(self, m: _Map, where: str) -> tuple[Keyword, ...]:
        seq = m.get("keywords", [])
        out: list[Keyword] = []
        if not isinstance(seq, list):
            self.problem(
                self.line_of(m, "keywords"),
                f"{where}.keywords",
                "`keywords` should be a list",
                "write `- words: [...]` and `hint: ...` for each",
            )
            return ()
        for i, entry in enumerate(seq):
            here = f"{where}.keywords[{i + 1}]"
            if not isinstance(entry, _Map):
                self.problem(
                    m.line, here, "a keyword entry needs `words` and `hint`", "see CONTRIBUTING"
                )
                continue
            self.unknown(entry, {"words", "hint"}, here)
            words = self.strings(entry, "words", here)
            if not words:
                self.problem(entry.line, f"{here}.words", "`words` is empty", "list some words")
            out.append(Keyword(tuple(w.lower() for w in words), self.text(entry, "hint", here)))
        return tuple(out)

    def _grid(self, m: _Map, where: str, ex: dict[str, Any]) -> None:
        rows = self.items(m, "rows", where, explained=False)
        cols = self.items(m, "columns", where, explained=False)
        scale = self.strings(m, "scale", where)
        if not scale:
            self.problem(
                self.line_of(m, "scale"),
                f"{where}.scale",
                "`scale` is missing or empty",
                "list the values a cell can take, e.g. [CC, C, N, I, II, NA]",
            )
        unordered = self.strings(m, "unordered", where)
        for u in unordered:
            if u not in scale:
                self.problem(
                    self.line_of(m, "unordered"),
                    f"{where}.unordered",
                    f"{u!r} is not on the scale",
                    "list only values that are in `scale`",
                )
        ordered = m.get("ordered", False)
        if not isinstance(ordered, bool):
            self.problem(
                self.line_of(m, "ordered"),
                f"{where}.ordered",
                "`ordered` should be true or false",
                "write `ordered: true` if neighbouring values are close",
            )
            ordered = False
        key = self._cells(m, "key", where, rows=rows, cols=cols, scale=scale)
        rationale = self._cells(m, "rationale", where, rows=rows, cols=cols, scale=None)
        ex.update(
            rows=rows,
            columns=cols,
            scale=scale,
            ordered=ordered,
            unordered=unordered,
            key=key,
            rationale=rationale,
        )

    def _stray(self, m: _Map, known: set[str], where: str, what: str) -> None:
        """Keys of a grid's key or rationale that are not row (or column) ids."""
        for k in m:
            if k not in known:
                self.problem(
                    m.key_lines.get(k, m.line),
                    f"{where}.{k}",
                    f"{k!r} is not a {what} id",
                    f"use the ids in `{what}s`{did_you_mean(k, known)}",
                )

    def _cells(
        self,
        m: _Map,
        name: str,
        where: str,
        *,
        rows: Sequence[Item],
        cols: Sequence[Item],
        scale: Sequence[str] | None,
    ) -> dict[str, dict[str, str]]:
        """``key`` or ``rationale``: a mapping row id -> column id -> value, complete."""
        table = m.get(name)
        out: dict[str, dict[str, str]] = {}
        if not isinstance(table, _Map):
            self.problem(
                self.line_of(m, name),
                f"{where}.{name}",
                f"`{name}` is missing or not a mapping of rows to columns",
                f"write `{name}:` then, per row id, a mapping column id: value",
            )
            return out
        row_ids, col_ids = {r.id for r in rows}, {c.id for c in cols}
        self.duplicates(table, f"{where}.{name}")
        self._stray(table, row_ids, f"{where}.{name}", "row")
        for row in rows:
            cells = table.get(row.id)
            if not isinstance(cells, _Map):
                self.problem(
                    table.key_lines.get(row.id, table.line),
                    f"{where}.{name}.{row.id}",
                    f"row {row.id!r} is missing from `{name}`",
                    f"give a value for every column of row {row.id!r}",
                )
                continue
            out[row.id] = {}
            self.duplicates(cells, f"{where}.{name}.{row.id}")
            self._stray(cells, col_ids, f"{where}.{name}.{row.id}", "column")
            for col in cols:
                value = cells.get(col.id)
                line = cells.key_lines.get(col.id, cells.line)
                if value is None or not str(value).strip():
                    self.problem(
                        line,
                        f"{where}.{name}.{row.id}.{col.id}",
                        f"no {name} for row {row.id!r}, column {col.id!r}",
                        "fill every cell",
                    )
                    continue
                text = str(value).strip()
                if scale is not None and text not in scale:
                    self.problem(
                        line,
                        f"{where}.{name}.{row.id}.{col.id}",
                        f"{text!r} is not on the scale",
                        f"use one of: {', '.join(scale)}",
                    )
                out[row.id][col.id] = text
        return out


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{value!r}"


def _read_file(
    path: Path,
    file: str,
    problems: list[Problem],
    source_ids: set[str] | None,
    seen: dict[str, str],
) -> tuple[str, str, list[Exercise]]:
    reader = _Reader(file, problems, source_ids)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        line = path.read_bytes()[: e.start].count(b"\n") + 1
        reader.problem(line, "", "the file is not UTF-8 text", "save it as UTF-8", "encoding")
        return "", "", []
    try:
        doc = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as e:
        # An unfinished quote is found only at the end of the file: point at where it opened.
        unfinished = "quoted scalar" in (e.context or "")
        mark = (e.context_mark if unfinished else None) or e.problem_mark or e.context_mark
        what = e.problem or "the YAML cannot be read"
        if unfinished:
            what = "a quote opened here is never closed"
        reader.problem(
            mark.line + 1 if mark else 1,
            "",
            f"YAML syntax: {what}",
            "check indentation and quoting on this line or the one before; text with a "
            "colon or starting with a quote or backquote needs quotes or a `|` block",
            "yaml",
        )
        return "", "", []
    except yaml.YAMLError as e:  # e.g. a control character pasted from a word processor
        position = getattr(e, "position", None)
        line = text[:position].count("\n") + 1 if isinstance(position, int) else 1
        char = getattr(e, "character", None)
        shown = f" ({char!r})" if isinstance(char, str) else ""
        reader.problem(
            line,
            "",
            f"the file holds a character YAML does not allow{shown}",
            "delete it (it often comes with text pasted from a word processor)",
            "yaml",
        )
        return "", "", []
    if not isinstance(doc, _Map):
        reader.problem(
            1,
            "",
            "the file should be a mapping with `lesson`, `title` and `exercises`",
            "start from data/templates/exercises.yaml",
            "structure",
        )
        return "", "", []
    reader.unknown(doc, {"lesson", "title", "exercises"}, "")
    lesson = str(doc.get("lesson", "")).strip()
    m = re.match(r"^(\d{2})-", path.name)
    if not re.fullmatch(r"\d{2}", lesson):
        reader.problem(
            reader.line_of(doc, "lesson"),
            "lesson",
            f"lesson {lesson!r} is not two digits",
            'write the lesson number in quotes, e.g. `lesson: "02"`',
        )
    elif m and m.group(1) != lesson:
        reader.problem(
            reader.line_of(doc, "lesson"),
            "lesson",
            f"the file name says lesson {m.group(1)} but `lesson` says {lesson}",
            "make them agree (files are named NN-slug.yaml after the lesson)",
        )
    title = reader.text(doc, "title", "")
    seq = doc.get("exercises")
    out: list[Exercise] = []
    if not isinstance(seq, _Seq) or not seq:
        reader.problem(
            reader.line_of(doc, "exercises"),
            "exercises",
            "no `exercises` list",
            "add `exercises:` followed by `- id: ex-NN-1` entries",
        )
        return lesson, title, out
    for i, entry in enumerate(seq):
        if not isinstance(entry, _Map):
            reader.problem(
                seq.item_lines[i],
                f"exercises[{i + 1}]",
                "this entry is not an exercise",
                "each exercise starts with `- id: ex-NN-K` and has kind, prompt ...",
            )
            continue
        ex = reader.exercise(entry, lesson, i + 1, seen)
        if ex is not None:
            out.append(ex)
    return lesson, title, out


def _source_ids(data_root: Path) -> set[str] | None:
    import csv  # noqa: PLC0415

    path = data_root / "sources.csv"
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return {row["source_id"] for row in csv.DictReader(f) if row.get("source_id")}
    except (OSError, KeyError, UnicodeDecodeError):
        return None  # sources.csv itself is checked by the table validator


def bank_folder(data_root: Path) -> Path:
    """Where the bank lives inside a data folder."""
    return data_root / "exercises"


def read_bank(data_root: Path) -> Bank:
    """Read and check every ``*.yaml`` file of ``data_root/exercises``.

    Never raises for a bad file: problems are on ``Bank.problems`` and a bad
    exercise is left out (a bad file contributes none of its exercises).
    """
    folder = bank_folder(data_root)
    problems: list[Problem] = []
    exercises: dict[str, Exercise] = {}
    lessons: dict[str, str] = {}
    if not folder.is_dir():
        return Bank(folder, exercises, lessons, problems)
    source_ids = _source_ids(data_root)
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.y*ml")):
        file = display_path(folder, path.name)
        before = len(problems)
        lesson, title, exs = _read_file(path, file, problems, source_ids, seen)
        if len(problems) > before:
            continue  # nothing half-loaded: a file with problems contributes nothing
        lessons[lesson] = title
        exercises.update((e.id, e) for e in exs)
    problems.extend(_cross_check(exercises))
    return Bank(folder, exercises, lessons, problems)


def _cross_check(exercises: dict[str, Exercise]) -> list[Problem]:
    """Checks across exercises: an indicators exercise's ``check`` names one that writes them."""
    out = []
    for ex in exercises.values():
        if ex.kind != "indicators" or not ex.check:
            continue
        target = exercises.get(ex.check)
        if target is None or target.kind != "indicators" or target.check:
            what = (
                f"there is no exercise {ex.check!r} in the bank{did_you_mean(ex.check, exercises)}"
                if target is None
                else f"{ex.check} is not an exercise where indicators are written"
            )
            out.append(
                Problem(
                    ex.file,
                    ex.line,
                    f"{ex.id}.check",
                    what,
                    "name the indicators exercise (kind: indicators, with hypotheses and as_of) "
                    "whose list this one marks",
                    "bank",
                )
            )
    return out


def check_bank(data_root: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in the exercise bank of a data folder (empty list: all good)."""
    return read_bank(Path(data_root)).problems
