"""Marking an answer: pure functions, one per kind of exercise, no display, no storage.

``grade(exercise, answer)`` returns a ``Graded``: whether the answer could be
read at all (and if not, which form is expected), the score as a fraction of
the points, and the explanation of each part of the answer. It never raises
for a student's answer, whatever its type.

Two audiences read what is wrong with an answer's form. Someone calling
``analogylab.check`` in code is told which Python value is expected (``EXPECTED``).
A student using the widget never typed a value: ``grade(..., on_screen=True)`` names
what is missing by what the screen shows (the option texts, "position 3", a grid's
row and column labels) and never shows an id, a Python literal or ``...``. Feedback on
a readable answer leads with each option's own text (``option_label``), for both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from analogylab.bank import Exercise, Item

__all__ = [
    "EXPECTED",
    "INDICATOR_MARKS",
    "NOTHING_YET",
    "OWN_KEY",
    "AnswerFormError",
    "Graded",
    "grade",
    "normalise",
    "option_label",
]

#: The form of answer each kind expects, shown when an answer cannot be read.
EXPECTED: dict[str, str] = {
    "single": 'one option id in quotes, for example `"b"`',
    "multiple": 'a list of option ids, for example `["a", "c"]` (or `[]` for none)',
    "matching": 'a dict from each left-hand id to a right-hand id, for example `{"x": "1"}`',
    "ordering": 'a list of every item id, earliest first, for example `["c", "a", "b"]`',
    "numeric": "a number, for example `42` or `3.5` (no unit)",
    "text": 'your answer as text in quotes, for example `"Because ..."`',
    "grid": "a dict of rows, each a dict from column id to a scale value, for example "
    '`{"row-1": {"col-1": "C"}}`, or a pandas DataFrame with row ids as index',
    "indicators": 'a list of indicators, each a dict with "text", "against" (a hypothesis id) '
    'and "by" (a date, "YYYY-MM-DD"), for example `[{"text": "Russia delivers heavy arms '
    'to the Taliban", "against": "h-flank-hedge", "by": "2019-12-31"}]`; to mark them, the '
    'same list with "mark" in each, or a list of marks: "happened", "did not happen", '
    '"cannot tell"',
}

#: The key of a grid answer that says how the student's own columns came about:
#: ``{"@own": {label: {"how": "added" | "merged" | "split", "from": [...], "rule": ...}}}``.
#: No row id can start with "@" (the bank's ids start with a letter or digit).
OWN_KEY = "@own"

#: How a student marks an indicator against what happened (lesson 06), with the words shown.
INDICATOR_MARKS: dict[str, str] = {
    "happened": "happened by the date set",
    "did-not-happen": "did not happen by then",
    "cannot-tell": "cannot tell from the record",
}
_MARK_WORDS = {
    **{k: k for k in INDICATOR_MARKS},
    **{v: k for k, v in INDICATOR_MARKS.items()},
    "did not happen": "did-not-happen",
    "did not": "did-not-happen",
    "not happened": "did-not-happen",
    "cannot tell": "cannot-tell",
    "can't tell": "cannot-tell",
    "cant tell": "cannot-tell",
}
_OWN_HOW = ("added", "merged", "split")


#: What a widget says when Check is pressed with nothing filled in, by kind.
NOTHING_YET: dict[str, str] = {
    "single": "No option is chosen yet: choose one, then press Check.",
    "multiple": "Nothing is ticked yet: tick every option that applies, then press Check.",
    "matching": "No item is matched yet: choose a match for each item, then press Check.",
    "ordering": "No position is filled yet: choose an item for each position, then press Check.",
    "numeric": "The answer box is empty: type a number, then press Check.",
    "text": "The answer box is empty: write a few sentences, then press Check.",
    "grid": "No cell is rated yet: choose a rating in every cell, then press Check.",
    "indicators": "No indicator is written yet: write at least one in the boxes above, "
    "then press the button.",
}


class AnswerFormError(ValueError):
    """The answer cannot be read as the kind of answer the exercise expects.

    ``on_screen`` is the same problem said in a widget's terms, where there is one.
    """

    def __init__(self, message: str, on_screen: str = "") -> None:
        super().__init__(message)
        self.on_screen = on_screen


def option_label(it: Item) -> str:
    """An option as the screen shows it: 'a) text' for short ids, the text alone otherwise.

    The widget, the feedback, the reader edition and the browser tests name an option
    by this label, so it is made in one place.
    """
    return f"{it.id}) {it.text}" if len(it.id) <= 2 else it.text


def _quoted(texts: Sequence[str]) -> str:
    """“a”, “b” and “c”."""
    q = [f"“{t}”" for t in texts]
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + " and " + q[-1]


def _count(n: int, what: str) -> str:
    """'1 option', '3 options'."""
    return f"{n} {what}{'s' * (n != 1)}"


def _numbers(ns: Sequence[int]) -> str:
    """'3', '3 and 5', '2, 3 and 5'."""
    t = [str(n) for n in ns]
    return t[0] if len(t) == 1 else ", ".join(t[:-1]) + " and " + t[-1]


@dataclass(frozen=True)
class Graded:
    """The marking of one answer, before it is shown or stored."""

    valid: bool
    answer: Any  # the answer as stored: JSON-able, normalised (ids, lists, dicts)
    correct: bool | None = None  # None: not marked (short text) or not valid
    score: float | None = None  # fraction of the points, 0..1
    headline: str = ""  # e.g. "2 of 3 pairs right"
    parts: tuple[str, ...] = ()  # explanation lines for what the student chose
    problem: str = ""  # when not valid: what is wrong with the form of the answer
    own_columns: tuple[str, ...] = ()  # grid: columns the student added, recorded, not marked


def _ids(items: Sequence[Item]) -> str:
    return ", ".join(f'"{it.id}"' for it in items)


def _as_id(value: Any, items: Sequence[Item], what: str) -> str:
    """Match ``value`` to one item id, forgiving case, spaces and a trailing ')'."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise AnswerFormError(f"{value!r} is not an id; {what} are {_ids(items)}")
    text = str(value).strip().rstrip(")").strip()
    for it in items:
        if text == it.id or text.lower() == it.id.lower():
            return it.id
    raise AnswerFormError(f"{value!r} is not one of the ids; {what} are {_ids(items)}")


def _as_list(answer: Any) -> list[Any]:
    if isinstance(answer, str):
        return [p for p in re.split(r"[,\s]+", answer) if p]
    if isinstance(answer, list | tuple | set | frozenset):
        return sorted(answer, key=str) if isinstance(answer, set | frozenset) else list(answer)
    try:
        import pandas as pd  # noqa: PLC0415

        if isinstance(answer, pd.Series | pd.Index):
            return list(answer)
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    raise AnswerFormError(f"got {type(answer).__name__}")


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _as_number(answer: Any) -> float:
    if isinstance(answer, bool):
        raise AnswerFormError("True/False is not a number")
    if isinstance(answer, int | float):
        try:
            value = float(answer)
        except OverflowError:
            raise AnswerFormError(
                "that number is far too large", "That number is far too large."
            ) from None
    elif isinstance(answer, str):
        text = answer.strip().replace("\u2009", "").replace(" ", "")
        if not text:
            raise AnswerFormError("'' is not a number", NOTHING_YET["numeric"])
        if "," in text:
            if not _THOUSANDS.match(text):
                raise AnswerFormError(
                    f"{answer!r} is ambiguous: write decimals with a point (9.5, not 9,5); "
                    "commas may only separate thousands (1,000)",
                    f"“{answer.strip()}” is ambiguous: write decimals with a point (9.5, not "
                    "9,5), and use commas only between thousands (1,000).",
                )
            text = text.replace(",", "")
        try:
            value = float(text)
        except ValueError:
            raise AnswerFormError(
                f"{answer!r} is not a number",
                f"“{answer.strip()}” is not a number: type digits only, such as 42 or 3.5, "
                "without a unit or words.",
            ) from None
    else:
        try:
            value = float(answer)  # numpy numbers
        except (TypeError, ValueError):
            raise AnswerFormError(f"got {type(answer).__name__}") from None
    if not math.isfinite(value):
        raise AnswerFormError(
            f"{answer!r} is not a finite number",
            f"“{str(answer).strip()}” is not an ordinary number: type digits, such as 42.",
        )
    return value


def _as_grid(ex: Exercise, answer: Any, own: Sequence[str] = ()) -> dict[str, Any]:
    if hasattr(answer, "to_dict") and hasattr(answer, "index") and hasattr(answer, "columns"):
        try:
            frame = answer.to_dict(orient="index")  # a DataFrame: rows are the index
        except ValueError:
            raise AnswerFormError("the DataFrame's row labels must each appear once") from None
        answer = {str(r): {str(c): v for c, v in cols.items()} for r, cols in frame.items()}
    if not isinstance(answer, Mapping):
        raise AnswerFormError(f"got {type(answer).__name__}")
    how = _own_entry(ex, answer.get(OWN_KEY), own)
    own = [*own, *(label for label in how if label not in own)]
    scale = {s.lower(): s for s in ex.scale}
    out: dict[str, Any] = {}
    for r, cols in answer.items():
        if r == OWN_KEY:
            continue
        row = _as_id(r, ex.rows, "the rows")
        if not isinstance(cols, Mapping):
            raise AnswerFormError(f"row {r!r} should be a dict of column id to value")
        for c, v in cols.items():
            col = str(c) if c in own else _as_id(c, ex.columns, "the columns")
            if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "":
                continue  # an empty cell: not rated yet
            text = str(v).strip()
            if text.lower() not in scale:
                raise AnswerFormError(
                    f"{v!r} (row {row!r}, column {col!r}) is not on the scale; use one of: "
                    + ", ".join(ex.scale)
                )
            out.setdefault(row, {})[col] = scale[text.lower()]
    if not out:
        raise AnswerFormError("no cell is rated yet", NOTHING_YET["grid"])
    if how:
        out[OWN_KEY] = how
    columns = [(c.id, c.text) for c in ex.columns] + [(o, o) for o in own]
    missing = [(r, c) for r in ex.rows for c in columns if c[0] not in out.get(r.id, {})]
    if missing:
        shown = ", ".join(f"{r.id} / {c[0]}" for r, c in missing[:6])
        more = " ..." if len(missing) > 6 else ""
        raise AnswerFormError(
            f"{len(missing)} cell(s) are not rated yet ({shown}{more})"
            "; rate every cell, using NA where the evidence does not bear on the explanation "
            "at all",
            _missing_cells(missing, len(ex.rows), len(columns)),
        )
    return out


def _own_entry(ex: Exercise, entry: Any, own: Sequence[str]) -> dict[str, dict[str, Any]]:
    """A grid answer's ``"@own"`` entry, checked: how each column of the student's came about.

    Every column of the student's is in it (a column given only in ``own``: ``added``).
    """
    if entry is None:
        return {str(label): {"how": "added"} for label in own}
    if not isinstance(entry, Mapping):
        raise AnswerFormError(
            f"{OWN_KEY!r} should map each of your own columns to how it came about, for "
            'example {"My hypothesis": {"how": "added"}}'
        )
    known = {c.id for c in ex.columns} | set(own) | {str(k) for k in entry}
    out: dict[str, dict[str, Any]] = {}
    for label, given in entry.items():
        d = dict(given) if isinstance(given, Mapping) else {}
        kind = str(d.get("how", "added"))
        if kind not in _OWN_HOW:
            raise AnswerFormError(
                f"your column {label!r} says it was {kind!r}; use one of: {', '.join(_OWN_HOW)}"
            )
        parents = [str(p) for p in d.get("from", []) or []]
        wanted = {"merged": 2, "split": 1}.get(kind, 0)
        if len(parents) != wanted or any(p not in known for p in parents):
            raise AnswerFormError(
                f"your column {label!r} is {kind} from {parents!r}; it needs "
                f"{wanted} column(s) of this grid"
            )
        clean: dict[str, Any] = {"how": kind}
        if parents:
            clean["from"] = parents
        if d.get("rule"):
            clean["rule"] = str(d["rule"])
        out[str(label)] = clean
    for label in own:
        out.setdefault(str(label), {"how": "added"})
    return out


def _missing_cells(missing: Sequence[tuple[Item, tuple[str, str]]], rows: int, columns: int) -> str:
    """Which cells of a grid are empty, by their row and column labels, row by row."""
    by_row: dict[str, list[str]] = {}
    for row, (_, label) in missing:
        by_row.setdefault(row.text, []).append(label)
    n, total = len(missing), rows * columns
    are = "are" if n != 1 else "is"
    lines = [f"{n} of {total} cells {are} not rated yet; each shows “not rated” in the grid:"]
    for text, labels in list(by_row.items())[:6]:
        every = "both columns" if columns == 2 else f"all {columns} columns"
        which = every if len(labels) == columns > 1 else _quoted(labels)
        lines.append(f"- in the row “{text}”: {which}")
    if len(by_row) > 6:
        more = len(by_row) - 6
        lines.append(f"- and {more} more row{'s' * (more != 1)}")
    lines.append(
        "\nRate every cell, using NA where the item has no bearing on the explanation at all."
    )
    return "\n".join(lines)


def normalise(  # noqa: PLR0911, PLR0912  (one return per kind)
    ex: Exercise, answer: Any, own_columns: Sequence[str] = ()
) -> Any:
    """Turn an answer into its stored form, or raise AnswerFormError saying why not."""
    if answer is Ellipsis or answer is None:
        raise AnswerFormError(
            "there is no answer yet: replace `...` with your answer", NOTHING_YET[ex.kind]
        )
    if ex.kind == "single":
        return _as_id(answer, ex.options, "the options")
    if ex.kind == "multiple":
        chosen = [_as_id(a, ex.options, "the options") for a in _as_list(answer)]
        return sorted(set(chosen), key=[o.id for o in ex.options].index)
    if ex.kind == "matching":
        if not isinstance(answer, Mapping):
            raise AnswerFormError(f"got {type(answer).__name__}")
        pairs = {
            _as_id(k, ex.left, "the left-hand ids"): _as_id(v, ex.right, "the right-hand ids")
            for k, v in answer.items()
            if v is not None and v is not Ellipsis
        }
        if not pairs:
            raise AnswerFormError("no pair is given yet", NOTHING_YET["matching"])
        return {it.id: pairs[it.id] for it in ex.left if it.id in pairs}
    if ex.kind == "ordering":
        return _as_order(ex, _as_list(answer))
    if ex.kind == "numeric":
        value = _as_number(answer)
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if ex.kind == "text":
        if not isinstance(answer, str):
            raise AnswerFormError(f"got {type(answer).__name__}")
        if not answer.strip():
            raise AnswerFormError(
                "the answer is empty: write a few sentences first", NOTHING_YET["text"]
            )
        return answer.strip()
    if ex.kind == "grid":
        return _as_grid(ex, answer, own_columns)
    if ex.kind == "indicators":
        return _as_marks(answer) if ex.check else _as_indicators(ex, answer)
    raise AnswerFormError(f"unknown kind {ex.kind!r}")  # pragma: no cover - bank checks kinds


def _as_order(ex: Exercise, positions: list[Any]) -> list[str]:
    """An ordering: every item once. Empty positions (None, from a widget) are named."""
    at = [None if a is None else _as_id(a, ex.items, "the items") for a in positions]
    order = [a for a in at if a is not None]
    if not order:
        raise AnswerFormError(
            "there is no answer yet: give a list of every item id", NOTHING_YET["ordering"]
        )
    missing = [it for it in ex.items if it.id not in order]
    doubled = [it for it in ex.items if order.count(it.id) > 1]
    if not missing and not doubled:
        return order
    bits = []
    if missing:
        bits.append("missing " + ", ".join(f'"{m.id}"' for m in missing))
    if doubled:
        bits.append("given twice " + ", ".join(f'"{d.id}"' for d in sorted(doubled, key=_id)))
    screen = []
    empty = [i + 1 for i, a in enumerate(at) if a is None]
    if empty:
        are = "are" if len(empty) > 1 else "is"
        screen.append(f"Position{'s' * (len(empty) > 1)} {_numbers(empty)} {are} still empty.")
    for it in doubled:
        places = [i + 1 for i, a in enumerate(at) if a == it.id]
        screen.append(f"“{it.text}” is chosen for positions {_numbers(places)}.")
    if missing and (doubled or not empty):
        screen.append(f"Not placed yet: {_quoted([m.text for m in missing])}.")
    screen.append("Each item goes in exactly one position.")
    raise AnswerFormError("every item must appear once: " + "; ".join(bits), " ".join(screen))


def _id(it: Item) -> str:
    return it.id


# --- indicators (Heuer's step 8) ---------------------------------------------------------------


def _rows_of(answer: Any) -> list[Any]:
    """An indicators answer as a list of entries (a DataFrame's rows become dicts)."""
    if hasattr(answer, "to_dict") and hasattr(answer, "columns"):
        return list(answer.to_dict(orient="records"))
    if isinstance(answer, Mapping):
        return [answer]
    if isinstance(answer, list | tuple):
        return list(answer)
    raise AnswerFormError(f"got {type(answer).__name__}")


def _entry(raw: Any, n: int) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return {str(k): v for k, v in raw.items()}
    if isinstance(raw, list | tuple) and len(raw) in (3, 4):
        return dict(zip(("text", "against", "by", "mark"), raw, strict=False))
    raise AnswerFormError(
        f"indicator {n} is {raw!r}; give a dict with text, against and by",
        f"Indicator {n} cannot be read.",
    )


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or not str(v).strip()


def _end_of(text: str) -> str | None:
    """A date "YYYY-MM-DD", "YYYY-MM" or "YYYY" as the last day it covers, or None."""
    import calendar  # noqa: PLC0415

    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text.strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    mo = int(month) if month else 12
    if not 1 <= mo <= 12:
        return None
    last = calendar.monthrange(year, mo)[1]
    d = int(day) if day else last
    if not 1 <= d <= last:
        return None
    return f"{year:04d}-{mo:02d}-{d:02d}"


def _when(value: Any) -> str | None:
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d"))
    return _end_of(str(value))


def _as_indicators(ex: Exercise, answer: Any) -> list[dict[str, str]]:
    """Indicators written: each with its text, the hypothesis it counts against, and by when."""
    hyps = ex.hypotheses
    out = []
    problems: list[tuple[str, str]] = []
    for n, raw in enumerate(_rows_of(answer), 1):
        e = _entry(raw, n)
        text, against, by = e.get("text"), e.get("against"), e.get("by")
        if all(_blank(v) for v in (text, against, by)):
            continue  # an empty row of the widget
        if _blank(text) or len(str(text).split()) < 3:
            problems.append(
                (
                    f"indicator {n} needs a text of a few words (what you would watch for)",
                    f"Indicator {n}: write what you would watch for, in a few words.",
                )
            )
            continue
        try:
            h = _as_id(against, hyps, "the hypotheses") if not _blank(against) else None
        except AnswerFormError:
            matches = [it.id for it in hyps if str(against).strip().lower() == it.text.lower()]
            h = matches[0] if matches else None
            if h is None:
                raise
        if h is None:
            problems.append(
                (
                    f"indicator {n} names no hypothesis it would count against",
                    f"Indicator {n}: choose the explanation it would count against.",
                )
            )
            continue
        when = None if _blank(by) else _when(by)
        if when is None:
            problems.append(
                (
                    f"indicator {n}: 'by' is {by!r}, not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                    (
                        f"Indicator {n}: give the date by which you would expect to see it, "
                        "as 2019-12-31 (or 2019-12, or 2019)."
                    ),
                )
            )
            continue
        if ex.as_of and when <= ex.as_of:
            problems.append(
                (
                    f"indicator {n}: {when} is not after {ex.as_of}, the date written as of",
                    (
                        f"Indicator {n}: the date must come after {ex.as_of}, the day you "
                        "write them as of."
                    ),
                )
            )
            continue
        out.append({"text": " ".join(str(text).split()), "against": h, "by": when})
    if problems:
        raise AnswerFormError("; ".join(p for p, _ in problems), " ".join(q for _, q in problems))
    if not out:
        raise AnswerFormError("no indicator is written yet", NOTHING_YET["indicators"])
    least = ex.at_least or 1
    if len(out) < least:
        raise AnswerFormError(
            f"write at least {least} indicators; there {'is' if len(out) == 1 else 'are'} "
            f"{len(out)}",
            f"Write at least {least} indicators; you have {len(out)}.",
        )
    return out


def _as_marks(answer: Any) -> list[dict[str, str]]:
    """Indicators marked against the record: each entry also has its ``mark``."""
    out = []
    unmarked = []
    for n, raw in enumerate(_rows_of(answer), 1):
        e = _entry(raw, n)
        mark = e.get("mark")
        word = _MARK_WORDS.get(str(mark).strip().lower()) if not _blank(mark) else None
        if word is None:
            if not _blank(mark):
                raise AnswerFormError(
                    f"indicator {n}: the mark {mark!r} is not one of "
                    + ", ".join(f'"{k}"' for k in INDICATOR_MARKS),
                    f"Indicator {n}: choose what happened.",
                )
            unmarked.append(n)
            continue
        missing = [k for k in ("text", "against", "by") if _blank(e.get(k))]
        if missing:
            raise AnswerFormError(f"indicator {n} has no {', '.join(missing)}")
        out.append(
            {
                "text": str(e["text"]),
                "against": str(e["against"]),
                "by": str(e["by"]),
                "mark": word,
            }
        )
    if unmarked:
        shown = ", ".join(map(str, unmarked))
        raise AnswerFormError(
            f"indicator(s) {shown} not marked yet",
            f"Mark every indicator: {len(unmarked)} still "
            f"{'says' if len(unmarked) == 1 else 'say'} “not marked” ({shown}).",
        )
    if not out:
        raise AnswerFormError("no indicator is marked yet", NOTHING_YET["indicators"])
    return out


# --- marking, one function per kind ----------------------------------------------------------


def _single(ex: Exercise, chosen: str) -> Graded:
    opt = ex.option(chosen)
    line = f"**{option_label(opt).rstrip('.')}**: {opt.explanation}"  # the choice, in its words
    return Graded(True, chosen, opt.correct, 1.0 if opt.correct else 0.0, "", (line,))


def _multiple(ex: Exercise, chosen: list[str]) -> Graded:
    key = {o.id for o in ex.options if o.correct}
    hits = len(key & set(chosen))
    false = len(set(chosen) - key)
    score = max(0.0, (hits - false) / len(key))
    parts = []
    for o in ex.options:
        if o.id in chosen:
            verdict = "right to tick" if o.correct else "should not be ticked"
            parts.append(f"**{option_label(o).rstrip('.')}** ({verdict}): {o.explanation}")
    missed = len(key) - hits
    if missed:
        parts.append(f"You left out {_count(missed, 'option')} that should be ticked.")
    head = f"{hits} of {_count(len(key), 'right option')} ticked, {false} wrongly ticked"
    return Graded(True, chosen, set(chosen) == key, score, head, tuple(parts))


def _matching(ex: Exercise, pairs: dict[str, str]) -> Graded:
    right = {r.id: r for r in ex.right}
    good = 0
    parts = []
    for it in ex.left:
        got = pairs.get(it.id)
        if got is None:
            parts.append(f"**{it.text}**: not matched yet.")
        elif got == it.match:
            good += 1
            parts.append(f"**{it.text}** with **{right[got].text}**: right. {it.explanation}")
        else:
            parts.append(f"**{it.text}** with **{right[got].text}**: not the best match.")
    n = len(ex.left)
    return Graded(True, pairs, good == n, good / n, f"{good} of {n} pairs right", tuple(parts))


def _ordering(ex: Exercise, order: list[str]) -> Graded:
    rank = {it.id: i for i, it in enumerate(ex.items)}
    pairs = list(combinations(order, 2))
    good = sum(rank[a] < rank[b] for a, b in pairs)
    score = good / len(pairs)
    parts = []
    for pos, item_id in enumerate(order):
        it = ex.option(item_id)
        place = "in its place" if rank[item_id] == pos else "out of place"
        parts.append(f"{pos + 1}. {it.text} ({place})")
    head = f"{good} of {len(pairs)} pairs of items in the right order"
    return Graded(True, order, order == [it.id for it in ex.items], score, head, tuple(parts))


def _numeric(ex: Exercise, value: float) -> Graded:
    assert ex.low is not None  # the bank guarantees both ends
    assert ex.high is not None
    unit = f" {ex.unit}" if ex.unit else ""
    # The ends count as inside: 0.7 + 0.1 is 0.7999999999999999 in floating point.
    slack = 1e-9 * max(1.0, abs(ex.low), abs(ex.high))
    if value < ex.low - slack:
        return Graded(True, value, False, 0.0, f"{value:g}{unit} is too low", ())
    if value > ex.high + slack:
        return Graded(True, value, False, 0.0, f"{value:g}{unit} is too high", ())
    return Graded(True, value, True, 1.0, f"{value:g}{unit} is within the accepted range", ())


def _text(ex: Exercise, text: str) -> Graded:
    used = set(re.findall(r"[\w'-]+", text.lower()))
    parts = tuple(k.hint for k in ex.keywords if not used.intersection(k.words) and k.hint)
    words = len(text.split())
    return Graded(True, text, None, None, f"your answer has {_count(words, 'word')}", parts)


def _grid(ex: Exercise, cells: dict[str, dict[str, str]], own: Sequence[str] = ()) -> Graded:
    """Cell by cell against the key; the student's own columns are kept but not marked."""
    total = len(ex.rows) * len(ex.columns)
    same = near = unrated = 0
    parts = []
    for row in ex.rows:
        for col in ex.columns:
            got = cells.get(row.id, {}).get(col.id)
            steps = grid_steps(ex, got, ex.key[row.id][col.id])
            if got is None:
                unrated += 1
            elif steps == 0:
                same += 1
            elif steps == 1:
                near += 1
                parts.append(
                    f"{row.text}, {col.text}: you said {got}, one step from the reference."
                )
            else:
                parts.append(f"{row.text}, {col.text}: you said {got}, far from the reference.")
    score = (same + 0.5 * near) / total
    head = f"{same} of {total} cells agree with the reference"
    if ex.ordered:
        head += f", {near} one step away"
    if unrated:
        head += f", {unrated} not rated yet"
    return Graded(True, cells, same == total, score, head, tuple(parts), own_columns=tuple(own))


def grid_steps(ex: Exercise, got: str | None, ref: str) -> int | None:
    """How far a grid cell is from the reference: 0 agrees, 1 one step, 2 further, None unrated.

    "One step" counts only on an ordered scale, between neighbours outside ``unordered``.
    """
    if got is None:
        return None
    if got == ref:
        return 0
    rank = {s: i for i, s in enumerate(v for v in ex.scale if v not in ex.unordered)}
    if ex.ordered and got in rank and ref in rank and abs(rank[got] - rank[ref]) == 1:
        return 1
    return 2


def _indicators(ex: Exercise, items: list[dict[str, str]]) -> Graded:
    """Indicators are the student's own: recorded, counted, never marked right or wrong."""
    if ex.check:
        happened = sum(it["mark"] == "happened" for it in items)
        head = f"{len(items)} indicators marked, {happened} happened by the date set"
    else:
        head = f"{len(items)} indicators written" + (f" as of {ex.as_of}" if ex.as_of else "")
    return Graded(True, items, None, None, head, ())


_MARKERS = {
    "single": _single,
    "multiple": _multiple,
    "matching": _matching,
    "ordering": _ordering,
    "numeric": _numeric,
    "text": _text,
    "grid": _grid,
    "indicators": _indicators,
}


def grade(
    ex: Exercise, answer: Any, *, on_screen: bool = False, own_columns: Sequence[str] = ()
) -> Graded:
    """Mark ``answer`` to ``ex``. Never raises for a malformed answer.

    ``on_screen``: the answer comes from the widget, so a problem with its form is said
    in the widget's terms. ``own_columns``: a grid's columns the student added (by
    label); their cells are kept with the answer and not marked.
    """
    try:
        stored = normalise(ex, answer, own_columns)
    except AnswerFormError as e:
        if on_screen:
            problem = e.on_screen or (
                "This answer could not be read. Change it with the controls above, then "
                "press Check again."
            )
        else:
            problem = f"{e}. This question expects {EXPECTED[ex.kind]}."
        return Graded(False, _jsonable(answer), problem=problem)
    if ex.kind == "multiple" and on_screen and not stored:
        return Graded(False, [], problem=NOTHING_YET["multiple"])
    if ex.kind == "grid":
        own = [*own_columns, *(k for k in stored.get(OWN_KEY, {}) if k not in own_columns)]
        return _grid(ex, stored, own)
    marked: Graded = _MARKERS[ex.kind](ex, stored)  # type: ignore[operator]
    return marked


def _jsonable(value: Any) -> Any:
    """A malformed answer, kept for the record in a form JSON can hold."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)[:500]
