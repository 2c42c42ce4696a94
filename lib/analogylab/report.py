"""The class report: what a class found hard, from the answers its students handed in.

``analogylab report class.csv --out report/`` (:func:`class_report`, then
:meth:`ClassReport.write`) reads merged answers (``analogylab merge``'s table) or the
students' own export files, and writes ``report/index.html``: one static page, like
the reader edition (the same stylesheet; no script, no web font, nothing from the
network), with landmarks, real tables with headers, and charts drawn as SVG, each
followed by the same figures in words. In a notebook, ``analogylab.class_report(...)``
shows the page's content and gives every table as a DataFrame.

For each lesson and exercise of the question bank:

- **tried**: students with at least one counted attempt (an answer of the wrong form,
  status ``invalid``, is not counted, as in the lessons);
- **right first time**: their first counted attempt was right;
- **right in the end**: a right attempt before the key was shown to them (an attempt
  made after the key was shown proves nothing, so it does not count);
- **attempts used**: the median and the most counted attempts of those who tried;
- **best score**: the mean of each student's best score before the key was shown
  (partial credit: matching, ordering, multiple select, rating grids);
- **the wrong choices made most**, each with the explanation the student was shown,
  from the bank (single and multiple choice: the options; matching: the pairs;
  ordering: the items put out of place; numbers: too low or too high);
- **who has not started** each lesson (no attempt at all in it), from the answers and
  the roster (``--roster``), which is the only way to know a student who answered
  nothing anywhere.

For **judgement items** the page shows the spread of the class's answers beside the
curators' reference, cell by cell: rating grids (each student's own ratings, their
first before the reference was shown, beside the reference and its reason) and
self-assessed short answers (how many ticked each rubric item in their latest
self-assessment). A kind plugs in with :func:`register_judgement`, a function from the
exercise and the students' answers to :class:`Spread` rows, and the page shows it like
the others. Issue 14's pieces are built in:

- **judgement-first exercises** (``judgement: true`` in the bank, of any kind in
  ``bank.JUDGEMENT_KINDS``): each student's own judgement (their first) counted value by
  value beside the curators' and its reason: a choice's options, a matching's pairs, a
  figure's values (a weight, say), a grid's cells; and the **arguments** students wrote
  back against the curators' judgement (latest per student);
- **indicators** (Heuer's step 8): per hypothesis, how many students set how many
  indicators against it, with every indicator listed; once marked against what
  happened, how many indicators happened, did not, or cannot be told, per hypothesis.
  There is no reference: the curators have none.

:func:`judgement_rows` gives the same per student, item by item (what ``analogylab
progress`` shows a student, and ``export --judgements`` and ``merge --judgements``
write).

``--anonymous`` (``anonymous=True``) replaces every name by a count, for showing the
page to the class.
"""

from __future__ import annotations

import html
import json
import math
import os
import statistics
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import mistune
import pandas as pd

from analogylab.bank import Bank, Exercise
from analogylab.errors import AnalogylabError, AnswerStoreError, ReportError

__all__ = [
    "GENERATOR",
    "ClassReport",
    "ExerciseFigures",
    "Spread",
    "Summariser",
    "class_report",
    "judgement_rows",
    "register_judgement",
]

GENERATOR = "analogylab report"  # in the page's <meta name="generator">
PAGE = "index.html"

_md = mistune.create_markdown(escape=True)  # bank text, as the exercise widgets show it


# --- judgement items --------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """How the class answered one judgement (a grid cell, a rubric item), beside the reference.

    ``counts`` maps each possible value, in the order to show them, to the number of
    students whose answer gave it; ``reference`` is the curators' value (None
    where there is none, as for a rubric) and ``reason`` why, as written in the bank.
    """

    exercise_id: str
    item: str  # what is judged, in words ("ev-12 / h-flank-hedge", "rubric r1: ...")
    counts: Mapping[str, int]
    reference: str | None = None
    reason: str = ""
    unit: str = "students"  # what the counts count ("indicators" for marked indicators)

    @property
    def answered(self) -> int:
        """Students who gave a value here."""
        return sum(self.counts.values())

    @property
    def agree(self) -> int | None:
        """Students who gave the reference's value (None without a reference)."""
        return None if self.reference is None else self.counts.get(self.reference, 0)


Summariser = Callable[[Exercise, Mapping[str, Any]], list[Spread]]
"""A judgement kind's summary: (exercise, {student: answer}) to Spread rows."""

_JUDGEMENTS: dict[str, tuple[Summariser, str]] = {}
WHICH = ("own", "latest")


def register_judgement(kind: str, summarise: Summariser, *, which: str = "own") -> None:
    """Show exercises of ``kind`` as judgement items, summarised by ``summarise``.

    ``summarise(exercise, answers)`` gets one answer per student (as stored: JSON
    values) and returns one :class:`Spread` per thing judged. ``which`` answer:
    ``"own"``, the first counted one made before the reference was shown (the
    student's own judgement; later ones may copy the key), or ``"latest"``. The
    rating grid (own) and the self-assessed short text (latest: the ticks come after
    the model answer, by design) are registered here; issue 14's judgement-first
    answers, weights and indicators register theirs the same way.
    """
    if which not in WHICH:
        raise ValueError(f"which must be one of {WHICH}, not {which!r}")
    _JUDGEMENTS[kind] = (summarise, which)


@dataclass(frozen=True)
class _Judged:
    """One thing judged in an exercise: its name, the values it may take, the curators'."""

    key: Any  # how _values finds it in an answer
    item: str
    values: tuple[str, ...]
    reference: str | None = None
    reason: str = ""
    unit: str = "students"


def _judged(ex: Exercise) -> list[_Judged]:  # noqa: PLR0911  (one return per kind)
    """What a judgement exercise (or a grid, or indicators) asks the student to judge."""
    if ex.kind == "grid":
        return [
            _Judged(
                (row.id, col.id),
                f"{row.text} / {col.text}",
                tuple(ex.scale),
                ex.key.get(row.id, {}).get(col.id),
                ex.rationale.get(row.id, {}).get(col.id, ""),
            )
            for row in ex.rows
            for col in ex.columns
        ]
    if ex.kind == "single":
        chosen = next((o for o in ex.options if o.correct), None)
        return [
            _Judged(
                None,
                "the choice",
                tuple(_option(o) for o in ex.options),
                _option(chosen) if chosen else None,
                chosen.explanation if chosen else "",
            )
        ]
    if ex.kind == "multiple":
        return [
            _Judged(
                o.id,
                _option(o),
                ("ticked", "not ticked"),
                "ticked" if o.correct else "not ticked",
                o.explanation,
            )
            for o in ex.options
        ]
    if ex.kind == "matching":
        right = {r.id: r.text for r in ex.right}
        return [
            _Judged(
                it.id, it.text, tuple(right.values()), right.get(it.match or ""), it.explanation
            )
            for it in ex.left
        ]
    if ex.kind == "numeric":
        figure = ex.value if ex.value is not None else ex.low
        return [
            _Judged(
                None,
                f"the figure{f' ({ex.unit})' if ex.unit else ''}",
                (),
                None if figure is None else f"{figure:g}",
                ex.explanations.get("correct", ""),
            )
        ]
    if ex.kind == "indicators":
        names = _indicator_names(ex)
        if ex.check:
            marks = ("happened", "did not happen", "cannot tell")
            return [_Judged(h, text, marks, unit="indicators") for h, text in names.items()]
        counts = ("none", "1", "2", "3 or more")
        return [_Judged(h, text, counts) for h, text in names.items()]
    return []


def _option(o: Any) -> str:
    return f"{o.id}) {o.text}" if len(o.id) <= 2 else str(o.text)


def _indicator_names(ex: Exercise) -> dict[str, str]:
    """The hypotheses an indicators exercise names (a marking step: those of its writer)."""
    if ex.check:
        from analogylab.exercises import get_exercise  # noqa: PLC0415

        try:
            ex = get_exercise(ex.check)
        except AnalogylabError:
            return {}
    return {h.id: h.text for h in ex.hypotheses}


_MARK_SHOWN = {
    "happened": "happened",
    "did-not-happen": "did not happen",
    "cannot-tell": "cannot tell",
}


def _values(ex: Exercise, j: _Judged, answer: Any) -> Counter[str]:  # noqa: PLR0912
    """What one student's answer gives for one thing judged (a count per value)."""
    out: Counter[str] = Counter()
    if ex.kind == "grid" and isinstance(answer, dict):
        row, col = j.key
        value = answer.get(row, {}).get(col) if isinstance(answer.get(row), dict) else None
        if value in j.values:
            out[value] += 1
    elif ex.kind == "single" and isinstance(answer, str):
        opts = {o.id: o for o in ex.options}
        if answer in opts:
            out[_option(opts[answer])] += 1
    elif ex.kind == "multiple" and isinstance(answer, list):
        out["ticked" if j.key in answer else "not ticked"] += 1
    elif ex.kind == "matching" and isinstance(answer, dict):
        right = {r.id: r.text for r in ex.right}
        if answer.get(j.key) in right:
            out[right[answer[j.key]]] += 1
    elif ex.kind == "numeric" and isinstance(answer, int | float) and not isinstance(answer, bool):
        out[f"{answer:g}"] += 1
    elif ex.kind == "indicators" and isinstance(answer, list):
        mine = [a for a in answer if isinstance(a, dict) and a.get("against") == j.key]
        if ex.check:
            for a in mine:
                shown = _MARK_SHOWN.get(str(a.get("mark")))
                if shown:
                    out[shown] += 1
        else:
            n = len(mine)
            out["none" if n == 0 else "3 or more" if n >= 3 else str(n)] += 1
    return out


def _spreads(ex: Exercise, answers: Mapping[str, Any]) -> list[Spread]:
    """The class's answers counted value by value, for every thing judged."""
    out = []
    for j in _judged(ex):
        counts: Counter[str] = Counter()
        for answer in answers.values():
            counts.update(_values(ex, j, answer))
        values = list(j.values)
        if not values:  # numbers: the values given, in order, and the curators'
            given = {*counts, *([j.reference] if j.reference is not None else [])}
            values = sorted(given, key=float)
        ordered = {v: counts.get(v, 0) for v in values}
        out.append(Spread(ex.id, j.item, ordered, j.reference, j.reason, j.unit))
    return out


def _grid_spread(ex: Exercise, answers: Mapping[str, Any]) -> list[Spread]:
    return _spreads(ex, answers)


def judgement_rows(answers: pd.DataFrame, bank: Bank) -> pd.DataFrame:
    """Each student's judgements beside the curators', one row per thing judged.

    ``answers``: a merged table (``analogylab merge``; a ``student`` column, one row
    per attempt, oldest first). For every judgement exercise (``judgement: true``),
    rating grid and indicators exercise a student answered: student, lesson,
    exercise_id, item, answer (the student's own judgement: their first, before the
    curators' was shown; for indicators, their latest), reference (the curators';
    None where there is none), agree (None without a reference), reason (the
    curators'), and argument (the student's last argument back, if any).
    """
    cols = ["student", "lesson", "exercise_id", "item", "answer", "reference", "agree"]
    cols += ["reason", "argument"]
    rows: list[dict[str, Any]] = []
    table = answers.assign(student=answers["student"].astype(str))
    if "attempt_id" in table:
        table = table.assign(_n=pd.to_numeric(table["attempt_id"], errors="coerce"))
        table = table.sort_values(["student", "time", "_n"], kind="stable")
    for (student, ex_id), mine in table.groupby(["student", "exercise_id"], sort=True):
        ex = bank.exercises.get(str(ex_id))
        if ex is None or not (ex.judgement or ex.kind in {"grid", "indicators"}):
            continue
        statuses = list(mine["status"])
        argued = [
            _answer(a) for a, st in zip(mine["answer"], statuses, strict=True) if st == "argued"
        ]
        counted = [
            (_answer(a), _is_true(r))
            for a, r, st in zip(mine["answer"], mine["revealed"], statuses, strict=True)
            if st not in {"invalid", "argued"}
        ]
        if not counted:
            continue
        if ex.kind == "indicators":
            answer = counted[-1][0]
        else:
            own = [a for a, revealed in counted if not revealed]
            if not own:
                continue
            answer = own[0]
        argument = ""
        if argued and isinstance(argued[-1], dict):
            argument = str(argued[-1].get("argument", ""))
        for j in _judged(ex):
            got = _values(ex, j, answer)
            shown = "; ".join(
                f"{v} {n}" if n > 1 or j.unit != "students" else v for v, n in got.items()
            )
            value = shown if got else None
            rows.append(
                {
                    "student": student,
                    "lesson": ex.lesson,
                    "exercise_id": ex.id,
                    "item": j.item,
                    "answer": value,
                    "reference": j.reference,
                    "agree": None if j.reference is None or value is None else value == j.reference,
                    "reason": j.reason,
                    "argument": argument,
                }
            )
    return pd.DataFrame(rows, columns=cols)


def _rubric_spread(ex: Exercise, answers: Mapping[str, Any]) -> list[Spread]:
    assessed = [a for a in answers.values() if isinstance(a, dict) and "ticked" in a]
    out = []
    for item in ex.rubric:
        ticked = sum(item.id in a.get("ticked", []) for a in assessed)
        out.append(
            Spread(
                ex.id,
                f"rubric {item.id}: {item.text}",
                {"ticked": ticked, "not ticked": len(assessed) - ticked},
            )
        )
    return out


register_judgement("grid", _grid_spread, which="own")
register_judgement("text", _rubric_spread, which="latest")
register_judgement("indicators", _spreads, which="latest")


# --- reading the answers ----------------------------------------------------------------


def _read(
    answers: pd.DataFrame | str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The attempts, the students known only from an empty export, and the files read."""
    from analogylab.store import MERGE_COLUMNS, merge_exports  # noqa: PLC0415

    if isinstance(answers, pd.DataFrame):
        missing = [c for c in ("student", "exercise_id", "status", "answer") if c not in answers]
        if missing:
            raise ReportError(
                f"the table has no column {', '.join(missing)}; give the table "
                "`analogylab merge` writes (or merge_exports returns)"
            )
        return answers.copy(), [], []
    files = [answers] if isinstance(answers, str | os.PathLike) else list(answers)
    if not files:
        raise ReportError("no answers given; name the merged table or the students' exports")
    paths = [Path(f).expanduser() for f in files]
    table = merge_exports(paths)
    empty = []
    for p in paths:
        if p.name not in set(table["source_file"]):
            empty.append(_student_of_empty(p))
    return table[list(MERGE_COLUMNS)], empty, [p.name for p in paths]


def _student_of_empty(path: Path) -> str:
    """The student of an export without attempts: its ``student`` field, else the file name."""
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            return path.stem
        name = doc.get("student") if isinstance(doc, dict) else None
        return name if isinstance(name, str) and name.strip() else path.stem
    return path.stem


def _read_roster(roster: str | os.PathLike[str] | Iterable[str] | None) -> list[str]:
    """Names, one a line, or the ``student`` (or ``name``) column of a CSV file."""
    if roster is None:
        return []
    if not isinstance(roster, str | os.PathLike):
        return [str(n).strip() for n in roster if str(n).strip()]
    path = Path(roster).expanduser()
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(
            f"{path}: the roster cannot be read ({getattr(exc, 'strerror', None) or exc}); "
            "give a UTF-8 text file with one student a line, or a CSV with a student column"
        ) from None
    import csv  # noqa: PLC0415

    rows = list(csv.reader(lines))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    for column in ("student", "name"):
        if column in header:
            i = header.index(column)
            return [r[i].strip() for r in rows[1:] if len(r) > i and r[i].strip()]
    if any(len(r) > 1 for r in rows):
        raise ReportError(
            f"{path}: the roster has several columns but none is called student or name; "
            "name the column of names `student` in the first line"
        )
    return [r[0].strip() for r in rows if r and r[0].strip()]


def _answer(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


# --- one exercise -----------------------------------------------------------------------


@dataclass
class ExerciseFigures:
    """One exercise's figures: how many tried it, got it right, and what they chose wrongly."""

    lesson: str
    exercise_id: str
    title: str
    kind: str
    tried: int = 0
    first_right: int | None = None
    right_in_end: int | None = None
    attempts_median: float | None = None
    attempts_most: int | None = None
    best_score: float | None = None  # mean, 0..1
    wrong: list[tuple[str, int, str]] = field(default_factory=list)  # choice, students, why
    spreads: list[Spread] = field(default_factory=list)
    in_bank: bool = True
    judgement: bool = False  # recorded, not marked (judgement-first, indicators)
    texts: list[tuple[str, str]] = field(default_factory=list)  # student, what they wrote
    texts_title: str = ""  # what the texts are ("arguments back", "indicators written")


def _known(value: Any) -> bool:
    """Whether a cell holds a value (not None, NA, NaN or empty text)."""
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float):
        return not math.isnan(value)
    return not (isinstance(value, str) and not value.strip())


def _is_true(value: Any) -> bool:
    """A yes/no cell as read from a table: True, numpy's True, or the text "true"."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is not None and value is not pd.NA and bool(value)


@dataclass(frozen=True)
class _Try:
    """One counted attempt, as the figures need it."""

    correct: bool | None  # None: not marked (short text, a judgement)
    score: float | None
    revealed: bool  # the key had been shown before this attempt
    answer: str  # as stored: JSON text


def _summarise(
    ex: Exercise | None,
    tries: Mapping[str, list[_Try]],
    *,
    ex_id: str,
    lesson: str,
    kind: str,
    top: int,
    arguments: Mapping[str, str] | None = None,
) -> ExerciseFigures:
    """The figures of one exercise from each student's counted attempts, oldest first."""
    out = ExerciseFigures(
        lesson,
        ex_id,
        ex.title if ex is not None else "",
        ex.kind if ex is not None else kind,
        in_bank=ex is not None,
        judgement=ex is not None and not ex.scored,
    )
    if ex is not None and ex.judgement:
        out.texts = sorted((arguments or {}).items())
        out.texts_title = "arguments back against the curators' judgement"
    if not tries:
        return out
    out.tried = len(tries)
    counts = [len(t) for t in tries.values()]
    out.attempts_median = float(statistics.median(counts))
    out.attempts_most = max(counts)
    if any(t.correct is not None for mine in tries.values() for t in mine):  # marked kinds
        out.first_right = sum(bool(mine[0].correct) for mine in tries.values())
        out.right_in_end = sum(
            any(t.correct and not t.revealed for t in mine) for mine in tries.values()
        )
        out.best_score = statistics.fmean(
            max((t.score for t in mine if t.score is not None and not t.revealed), default=0.0)
            for mine in tries.values()
        )
    if ex is None:
        return out
    answers = {s: [_answer(t.answer) for t in mine] for s, mine in tries.items()}
    if ex.judgement:
        out.spreads = _spreads(ex, _own_answers(answers, tries))
    elif ex.kind in _JUDGEMENTS:
        summarise, which = _JUDGEMENTS[ex.kind]
        chosen = {}
        for s, mine in tries.items():
            own = [a for a, t in zip(answers[s], mine, strict=True) if not t.revealed]
            if which == "latest":
                chosen[s] = answers[s][-1]
            elif own:
                chosen[s] = own[0]
        out.spreads = summarise(ex, chosen)
    if ex.kind == "indicators" and not ex.check:
        out.texts = _indicator_texts(ex, answers)
        out.texts_title = "indicators written (each student's latest list)"
    if ex.scored:
        out.wrong = _wrong_choices(ex, answers)[:top]
    return out


def _own_answers(
    answers: Mapping[str, list[Any]], tries: Mapping[str, list[_Try]]
) -> dict[str, Any]:
    """Each student's own answer: their first counted one made before the reference was shown."""
    own = {}
    for s, mine in tries.items():
        first = [a for a, t in zip(answers[s], mine, strict=True) if not t.revealed]
        if first:
            own[s] = first[0]
    return own


def _indicator_texts(ex: Exercise, answers: Mapping[str, list[Any]]) -> list[tuple[str, str]]:
    """Every indicator in each student's latest list, in words."""
    names = _indicator_names(ex)
    out = []
    for s, given in sorted(answers.items()):
        for it in given[-1] if isinstance(given[-1], list) else []:
            if isinstance(it, dict):
                h = names.get(str(it.get("against")), str(it.get("against")))
                out.append((s, f"{it.get('text')} (against: {h}; by {it.get('by')})"))
    return out


def _wrong_choices(ex: Exercise, answers: Mapping[str, list[Any]]) -> list[tuple[str, int, str]]:
    """The wrong choices, most students first: (choice in words, students, explanation)."""
    seen: Counter[str] = Counter()
    why: dict[str, str] = {}
    for tries in answers.values():
        mine: set[str] = set()
        for answer in tries:
            for choice, explanation in _wrong_in(ex, answer):
                mine.add(choice)
                why[choice] = explanation
        seen.update(mine)
    return [(c, n, why[c]) for c, n in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))]


def _wrong_in(ex: Exercise, answer: Any) -> list[tuple[str, str]]:  # noqa: PLR0911  (kinds)
    """What is wrong in one answer, each with the explanation the bank gives for it."""
    if ex.kind == "single" and isinstance(answer, str):
        opts = {o.id: o for o in ex.options}
        o = opts.get(answer)
        return [] if o is None or o.correct else [(f"{o.id}) {o.text}", o.explanation)]
    if ex.kind == "multiple" and isinstance(answer, list):
        out = []
        for o in ex.options:
            if o.id in answer and not o.correct:
                out.append((f"ticked {o.id}) {o.text}", o.explanation))
            elif o.id not in answer and o.correct:
                out.append((f"left out {o.id}) {o.text}", o.explanation))
        return out
    if ex.kind == "matching" and isinstance(answer, dict):
        right = {r.id: r.text for r in ex.right}
        return [
            (f"{it.text} with {right.get(str(answer[it.id]), answer[it.id])}", it.explanation)
            for it in ex.left
            if it.id in answer and answer[it.id] != it.match
        ]
    if ex.kind == "ordering" and isinstance(answer, list):
        return [
            (f"{it.text} out of place", it.explanation)
            for pos, it in enumerate(ex.items)
            if pos >= len(answer) or answer[pos] != it.id
        ]
    if ex.kind == "numeric" and isinstance(answer, int | float) and not isinstance(answer, bool):
        if ex.low is not None and answer < ex.low:
            return [("too low", ex.explanations.get("too_low", ""))]
        if ex.high is not None and answer > ex.high:
            return [("too high", ex.explanations.get("too_high", ""))]
    return []


# --- the report -------------------------------------------------------------------------


@dataclass
class ClassReport:
    """A class's answers summarised: the tables, and the page made from them.

    ``exercises`` has one row per exercise (lesson, exercise_id, title, kind, tried,
    first_right, right_in_end, attempts_median, attempts_most, best_score);
    ``wrong_choices`` one row per wrong choice made (exercise_id, choice, students,
    explanation); ``spreads`` one row per judged cell (exercise_id, item, reference,
    answered, agree, unit (what the counts count: students, or indicators), and a
    column per value); ``not_started`` one row per lesson and
    student who has not started it (the student column is empty when anonymous).
    """

    students: int
    attempts: int
    lessons: dict[str, str]  # lesson number -> title
    rows: list[ExerciseFigures]
    not_started_by_lesson: dict[str, list[str]]
    anonymous: bool
    sources: list[str]
    made: str

    @property
    def exercises(self) -> pd.DataFrame:
        """One row per exercise, with its figures."""
        cols = [
            "lesson",
            "exercise_id",
            "title",
            "kind",
            "tried",
            "first_right",
            "right_in_end",
            "attempts_median",
            "attempts_most",
            "best_score",
        ]
        frame = pd.DataFrame([{c: getattr(r, c) for c in cols} for r in self.rows], columns=cols)
        return frame.astype(
            dict.fromkeys(("first_right", "right_in_end", "attempts_most"), "Int64")
        )

    @property
    def wrong_choices(self) -> pd.DataFrame:
        """Every wrong choice made, most students first within each exercise."""
        records = [
            {"exercise_id": r.exercise_id, "choice": c, "students": n, "explanation": why}
            for r in self.rows
            for c, n, why in r.wrong
        ]
        return pd.DataFrame(records, columns=["exercise_id", "choice", "students", "explanation"])

    @property
    def spreads(self) -> pd.DataFrame:
        """Every judged cell: the reference, how many answered and agreed, and the counts."""
        records = []
        for r in self.rows:
            for s in r.spreads:
                base: dict[str, Any] = {"exercise_id": s.exercise_id, "item": s.item}
                base |= {"reference": s.reference, "answered": s.answered, "agree": s.agree}
                records.append({**base, "unit": s.unit, **s.counts})
        return pd.DataFrame(records)

    @property
    def not_started(self) -> pd.DataFrame:
        """Each lesson and each student who has not started it (no names when anonymous)."""
        records = [
            {"lesson": lesson, "student": "" if self.anonymous else name}
            for lesson, names in self.not_started_by_lesson.items()
            for name in names
        ]
        return pd.DataFrame(records, columns=["lesson", "student"])

    def html(self) -> str:
        """The whole page."""
        from analogylab.report_page import page  # noqa: PLC0415  (circular)

        return page(self)

    def _repr_html_(self) -> str:
        from analogylab.report_page import body  # noqa: PLC0415  (circular)

        return body(self)

    def write(self, outdir: str | os.PathLike[str], *, force: bool = False) -> Path:
        """Write the page to ``outdir/index.html``; return its path.

        ``outdir`` may be missing, empty, or hold an earlier class report (replaced);
        any other folder with files in it is refused unless ``force``. The page is
        written whole or not at all.
        """
        out = Path(outdir).expanduser()
        if out.exists() and not out.is_dir():
            raise ReportError(f"{out} is a file, not a folder; give a folder for the report")
        target = out / PAGE
        if out.is_dir() and any(out.iterdir()) and not force:
            head = ""
            if target.is_file():
                head = target.read_text(encoding="utf-8", errors="replace")[:2000]
            if f'content="{GENERATOR}' not in head:
                raise ReportError(
                    f"{out} is not empty and holds no earlier class report, so it was left "
                    "alone; choose a new or empty folder, or add --force"
                )
        text = self.html()
        try:
            out.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=out, prefix=".index-", suffix=".tmp", delete=False
            ) as f:
                f.write(text)
            Path(f.name).replace(target)
        except OSError as exc:
            raise ReportError(
                f"could not write {target} ({exc.strerror or exc}); choose a folder you can "
                "write to"
            ) from None
        return target

    def summary(self) -> str:
        """One line for the command line."""
        return (
            f"{self.students} student(s), {self.attempts} attempt(s), "
            f"{sum(r.tried > 0 for r in self.rows)} of {len(self.rows)} exercise(s) tried"
        )


def class_report(
    answers: pd.DataFrame | str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    roster: str | os.PathLike[str] | Iterable[str] | None = None,
    anonymous: bool = False,
    bank: Bank | None = None,
    top: int = 3,
) -> ClassReport:
    """Summarise a class's answers (see the module's documentation).

    ``answers``: the merged table (a file, or the DataFrame ``merge_exports`` returns),
    or the students' export files. ``roster``: a file of names (one a line, or a CSV
    with a ``student`` column) or a list of names, so that students who answered
    nothing are counted too. ``bank``: the question bank (default: the course's).
    ``top``: how many wrong choices to show per exercise.
    """
    if bank is None:
        from analogylab.exercises import load_bank  # noqa: PLC0415

        bank = load_bank()
    try:
        table, empty, sources = _read(answers)
    except AnswerStoreError as exc:
        raise ReportError(str(exc)) from None
    names = sorted(
        {str(s) for s in table["student"] if str(s).strip()}
        | set(empty)
        | set(_read_roster(roster))
    )
    if not names:
        raise ReportError(
            "there are no students in these answers (every file is empty) and no roster; "
            "check the files, or give the class list with --roster"
        )
    # Plain Python from here: one pass over the attempts (pandas per student and
    # exercise took seconds for a class of 20; this takes well under one for 300).
    table = table.assign(student=table["student"].astype(str), lesson=table["lesson"].astype(str))
    if "attempt_id" in table:
        table = table.assign(_n=pd.to_numeric(table["attempt_id"], errors="coerce"))
        table = table.sort_values(["student", "time", "_n"], kind="stable")
    started: dict[str, set[str]] = {}
    tries: dict[str, dict[str, list[_Try]]] = {}
    arguments: dict[str, dict[str, str]] = {}  # exercise -> student -> latest argument
    seen: dict[str, tuple[str, str]] = {}  # exercise -> (lesson, kind), as the answers say
    cols = ["student", "lesson", "exercise_id", "kind", "status", "correct", "score"]
    records = table[[*cols, "revealed", "answer"]].itertuples(index=False, name=None)
    for student, lesson, ex_id, kind, status, correct, score, revealed, answer in records:
        started.setdefault(lesson, set()).add(student)
        if status == "invalid":
            continue
        if status == "argued":
            said = _answer(answer)
            if isinstance(said, dict) and str(said.get("argument", "")).strip():
                arguments.setdefault(str(ex_id), {})[student] = str(said["argument"])
            continue
        seen.setdefault(str(ex_id), (lesson, str(kind)))
        attempt = _Try(
            _is_true(correct) if _known(correct) else None,
            float(score) if _known(score) else None,
            _is_true(revealed),
            str(answer),
        )
        tries.setdefault(str(ex_id), {}).setdefault(student, []).append(attempt)
    lessons = dict(bank.lessons)
    for lesson in started:
        lessons.setdefault(lesson, "")
    rows: list[ExerciseFigures] = []
    for ex in bank:
        mine = tries.pop(ex.id, {})
        rows.append(
            _summarise(
                ex,
                mine,
                ex_id=ex.id,
                lesson=ex.lesson,
                kind=ex.kind,
                top=top,
                arguments=arguments.get(ex.id),
            )
        )
    for ex_id, mine in tries.items():  # answers to exercises this bank does not have
        lesson, kind = seen[ex_id]
        rows.append(_summarise(None, mine, ex_id=ex_id, lesson=lesson, kind=kind, top=top))
    rows.sort(key=lambda r: (r.lesson, _number(r.exercise_id)))
    not_started = {
        lesson: [n for n in names if n not in started.get(lesson, set())]
        for lesson in sorted(lessons)
        if any(r.lesson == lesson for r in rows)
    }
    return ClassReport(
        students=len(names),
        attempts=len(table),
        lessons=lessons,
        rows=rows,
        not_started_by_lesson=not_started,
        anonymous=anonymous,
        sources=sources,
        made=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _number(exercise_id: str) -> tuple[int, str]:
    tail = exercise_id.rsplit("-", 1)[-1]
    return (int(tail), "") if tail.isdigit() else (10**9, tail)


def markdown(text: str) -> str:
    """Bank Markdown as HTML, raw HTML escaped (as the exercise widgets show it)."""
    return str(_md(text))


def escape(text: Any) -> str:
    """``text`` safe inside HTML."""
    return html.escape(str(text))
