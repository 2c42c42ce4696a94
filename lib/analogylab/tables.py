"""Tables for students to read: every cell in full, wrapped, with names instead of ids.

pandas shows a DataFrame for people who code: long text cut to 50 characters with "...",
cells right-aligned, ids such as ``h-narcotics`` or ``e80-1979-12-intervention``, Python
tuples and ``True``/``False``. :func:`show_table` shows the same rows for a student of
politics::

    analogylab.show_table(ds, hyps, ["hypothesis_id", "statement"],
                          caption="The five explanations of Russia's conduct")

* **Whole cells**, wrapped and left-aligned (numbers right-aligned, so they line up).
* **Names, not ids**: a column of actor, hypothesis, event, dimension, case or series ids
  (by its name, such as ``hypothesis_id``, or because every value in it is such an id,
  such as leave-one-out's ``leader`` and ``moved``) shows the dataset's own name for each:
  the actor's name, the hypothesis's label, the event's title. Evidence ids (``ev-08``)
  stay: the lessons and exercises name evidence by them. ``ids=True`` keeps every id.
* **Plain values**: yes/no for true/false, dates as "27 April 1978" (or "April 1978",
  "1978", following the frame's ``precision`` column), lists joined with "; ", empty
  cells empty, numbers rounded to ``digits`` places and large ones grouped (120,000).
* **A real table**: a caption, ``<th scope="col">`` headings, the first column as row
  headings (``<th scope="row">``), inline styles only (a stored lesson is shown untrusted,
  which drops ``<style>`` blocks; JupyterLab right-aligns table cells unless told), so it
  reads the same in JupyterLab, in the reader edition and in nbval's stored output, which
  compares it byte for byte: nothing in it varies between runs.

The :class:`Table` it returns also knows the ``sources`` of its rows (from a
``source_ids`` column, shown or not). Showing it records them in the dataset
(``ds.cited``), so the lesson's sources cell lists them with no bookkeeping in the
lesson. A single row of the dataset (``ds.row("events", ...)``, ``ds.case(...)``)
is shown as a table of one row, and its sources recorded the same way.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analogylab.citations import output_metadata

if TYPE_CHECKING:
    from analogylab.data import Dataset

__all__ = ["HEADINGS", "ID_COLUMNS", "Table", "id_labels", "make_table", "show_table"]

#: Which table names the ids of a column, by the column's name.
ID_COLUMNS: dict[str, str] = {
    "actor_id": "actors",
    "actor_ids": "actors",
    "actor_a": "actors",
    "actor_b": "actors",
    "sponsor_id": "actors",
    "proxy_id": "actors",
    "rival_id": "actors",
    "hypothesis_id": "hypotheses",
    "event_id": "events",
    "dimension_id": "dimensions",
    "case_id": "cases",
    "case_a": "cases",
    "case_b": "cases",
    "series_id": "series_info",
}
#: Each such table's id column and the column that names the row for a reader.
_LABEL_OF: dict[str, tuple[str, str]] = {
    "actors": ("actor_id", "name"),
    "hypotheses": ("hypothesis_id", "label"),
    "events": ("event_id", "title"),
    "dimensions": ("dimension_id", "name"),
    "cases": ("case_id", "short_label"),
    "series_info": ("series_id", "title"),
}
#: Headings for columns whose ids become names (other columns: 'last_status' -> 'Last status').
HEADINGS: dict[str, str] = {
    "actor_id": "Actor",
    "actor_ids": "Actors",
    "actor_a": "Actor (first case)",
    "actor_b": "Actor (second case)",
    "sponsor_id": "Sponsor",
    "proxy_id": "Proxy",
    "rival_id": "Rival",
    "hypothesis_id": "Hypothesis",
    "event_id": "Event",
    "dimension_id": "Dimension",
    "case_id": "Case",
    "case_a": "First case",
    "case_b": "Second case",
    "series_id": "Series",
    "evidence_id": "Item",
    "source_ids": "Sources",
}
_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_CELL = "padding:0.3em 0.6em;vertical-align:top;border-bottom:1px solid #ccc;"
_TEXT = _CELL + "text-align:left;white-space:normal;overflow-wrap:break-word;"
_NUMBER = _CELL + "text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;"
_BLANK = "\x00blank"  # an unnamed index level: its heading stays empty
_LONG = 60  # characters: a column with a longer cell gets room to wrap in, not a sliver


def id_labels(ds: Dataset | None) -> dict[str, dict[str, str]]:
    """For each table whose ids have names (actors, hypotheses ...): id -> name."""
    out: dict[str, dict[str, str]] = {}
    if ds is None:
        return out
    for table, (key, label) in _LABEL_OF.items():
        if table in ds.names:
            frame = ds[table]
            out[table] = dict(zip(frame[key].astype(str), frame[label].astype(str), strict=True))
    return out


def _heading(column: Any, names: Mapping[str, str]) -> str:
    """A column's heading: as given in ``names``, else 'last_status' -> 'Last status'."""
    name = str(column)
    if name in names:
        return names[name]
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _empty(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _date(value: Any, precision: str | None) -> str:
    day = pd.Timestamp(value)
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{_MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _number(value: Any, digits: int) -> str:
    x = float(value)
    if x.is_integer() and abs(x) < 2**53:
        n = int(x)
        return f"{n:,}" if abs(n) >= 10_000 else str(n)  # 120,000; a year stays 1979
    text = f"{x:,.{digits}f}" if abs(x) >= 10_000 else f"{x:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _parts(value: Any) -> list[str] | None:
    """The ids a cell holds, if it holds a list of them ('a', ('a', 'b'), 'a = b'), else None."""
    if isinstance(value, str):
        return [p.strip() for p in value.split(" = ")] if value.strip() else None
    if isinstance(value, tuple | list | set | frozenset):
        return [str(v) for v in value]
    return None


def _id_column(values: Iterable[Any], labels: Mapping[str, str]) -> bool:
    """Whether every non-empty value of a column is made of ids that ``labels`` names."""
    seen = False
    for v in values:
        if _empty(v) or (isinstance(v, tuple | list) and not v):
            continue
        parts = _parts(v)
        if parts is None or not all(p in labels for p in parts):
            return False
        seen = True
    return seen


def _cell(  # noqa: PLR0911  (one return per kind of value)
    value: Any, *, digits: int, precision: str | None, labels: Mapping[str, str]
) -> str:
    """One cell as the text a reader sees."""
    if _empty(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp | dt.date | dt.datetime):
        return _date(value, precision)
    if isinstance(value, tuple | list | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return "; ".join(_cell(v, digits=digits, precision=precision, labels=labels) for v in items)
    if isinstance(value, numbers.Number):
        return _number(value, digits)
    text = str(value)
    if labels:
        parts = _parts(text)
        if parts and all(p in labels for p in parts):
            return " = ".join(labels[p] for p in parts)
    return text


@dataclass
class Table:
    """A table for reading: the cells as shown, their headings, caption and sources."""

    caption: str
    headings: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # per column: right-aligned
    sources: tuple[str, ...] = ()
    row_headers: bool = True
    folded: str | None = None  # shown folded under this summary until the student opens it
    _shown_in: int | None = field(default=None, repr=False, compare=False)
    _dataset: Dataset | None = field(default=None, repr=False, compare=False)

    def record_sources(self) -> None:
        """Record the rows' sources as shown, in the dataset the table was made with."""
        if self._dataset is not None:
            self._dataset.record_sources(self.sources)

    @property
    def frame(self) -> pd.DataFrame:
        """The cells as shown (text), with the headings as columns."""
        return pd.DataFrame(self.rows, columns=self.headings)

    def html(self) -> str:
        """The table as HTML (what JupyterLab and the reader edition show).

        A table made with ``folded`` sits closed under its summary (``<details>``), so a
        table that answers an exercise above it is not read before the student tries.
        """
        table = _render_html(self)
        if self.folded is None:
            return table
        return (
            '<details class="analogylab-fold"><summary style="cursor:pointer;font-weight:bold">'
            f"{html.escape(self.folded)}</summary>{table}</details>"
        )

    def text(self) -> str:
        """The table as plain text: the caption, then each row as 'Heading: value' lines."""
        lines = [self.caption]
        for i, row in enumerate(self.rows, 1):
            cells = [f"{h}: {v}" if h else v for h, v in zip(self.headings, row, strict=True) if v]
            lines.append(
                textwrap.fill(
                    "; ".join(cells),
                    width=100,
                    break_on_hyphens=False,
                    initial_indent=f"{i}. ",
                    subsequent_indent="   ",
                )
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return self.text()

    def _ipython_display_(self) -> None:
        ip = _ipython()
        if ip is not None and self._shown_in == ip.execution_count:
            return  # show_table has already shown it in this cell
        _display(self)


def _ipython() -> Any:
    """The running IPython, if any (without importing IPython where it is not loaded)."""
    import sys  # noqa: PLC0415

    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython  # noqa: PLC0415

    return get_ipython()


def _display(table: Table) -> None:
    from IPython.display import display  # noqa: PLC0415

    table.record_sources()
    bundle = {"text/html": table.html(), "text/plain": table.text()}
    metadata = output_metadata(table.sources)
    display(bundle, raw=True, metadata=metadata)  # type: ignore[no-untyped-call]


def _render_html(t: Table) -> str:
    widths = [max((len(r[j]) for r in t.rows), default=0) for j in range(len(t.headings))]

    def style(j: int, head: bool = False) -> str:
        s = _NUMBER if t.numeric[j] and not head else _TEXT
        if widths[j] > _LONG:
            s += "min-width:16em;max-width:42em;"
        if head:
            s += "font-weight:bold;border-bottom:2px solid #888;"
        return s

    head = "".join(
        f'<th scope="col" style="{style(j, head=True)}">{html.escape(h)}</th>'
        for j, h in enumerate(t.headings)
    )
    body = []
    for row in t.rows:
        cells = []
        for j, v in enumerate(row):
            text = html.escape(v)
            if j == 0 and t.row_headers:
                cells.append(f'<th scope="row" style="{style(j)}font-weight:600;">{text}</th>')
            else:
                cells.append(f'<td style="{style(j)}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<div class="analogylab-table" style="overflow-x:auto;max-width:100%;">'
        '<table style="border-collapse:collapse;table-layout:auto;margin:0.4em 0;">'
        '<caption style="caption-side:top;text-align:left;font-weight:bold;padding:0.3em 0;">'
        f"{html.escape(t.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _as_frame(frame: Any) -> pd.DataFrame:
    if isinstance(frame, pd.Series) and "source_ids" in frame.index:
        # A row of the dataset (ds.row, ds.case): a table of that one row, its fields across.
        return pd.DataFrame([frame.to_dict()]).infer_objects()
    if isinstance(frame, pd.Series):
        return frame.to_frame(name=frame.name if frame.name is not None else "value")
    if isinstance(frame, pd.DataFrame):
        return frame
    raise TypeError(
        f"show_table shows a pandas table (DataFrame or Series), not {type(frame).__name__}"
    )


def _with_index(frame: pd.DataFrame) -> pd.DataFrame:
    """The index as the first column(s) when it means something (a pivot's rows), else dropped."""
    out = frame.copy()
    columns: list[Any] = list(out.columns)
    out.columns = [
        " / ".join(str(c) for c in col if str(c)) if isinstance(col, tuple) else col
        for col in columns
    ]
    names = [str(n) if n is not None else "" for n in out.index.names]
    # A filtered table keeps its row numbers as index: meaningless to a reader. An index of
    # names (a pivot's rows, a dict's keys) is the row's heading, named or not.
    numbered = not any(names) and pd.api.types.is_integer_dtype(out.index.dtype)
    if numbered or any(n and n in out.columns for n in names):
        return out.reset_index(drop=True)
    out.index.names = [n or f"{_BLANK}{i}" for i, n in enumerate(names)]
    return out.reset_index()


def make_table(
    ds: Dataset | None,
    frame: Any,
    columns: Sequence[str] | None = None,
    *,
    caption: str | None = None,
    headings: Mapping[str, str] | None = None,
    ids: bool = False,
    row_headers: bool = True,
    digits: int = 2,
    folded: str | None = None,
) -> Table:
    """The :class:`Table` that :func:`show_table` shows, without showing it (widgets use this)."""
    if digits < 0:
        raise ValueError(f"digits must be 0 or more, not {digits}")
    source = _as_frame(frame)
    unknown = [c for c in columns or () if c not in source.columns]
    if unknown:
        raise KeyError(
            f"no column {unknown[0]!r} in this table; its columns are: "
            + ", ".join(map(str, source.columns))
        )
    sources: tuple[str, ...] = ()
    if "source_ids" in source.columns:
        seen: dict[str, None] = {}
        for cell in source["source_ids"]:
            for s in cell if isinstance(cell, tuple | list) else ():
                seen.setdefault(str(s), None)
        sources = tuple(seen)
    precision = list(source["precision"]) if "precision" in source.columns else None
    shown = _with_index(source[list(columns)] if columns is not None else source)
    by_table = {} if ids else id_labels(ds)
    merged = {k: v for table in by_table.values() for k, v in table.items()}
    rows: list[list[str]] = [[] for _ in range(len(shown))]
    numeric: list[bool] = []
    for col in shown.columns:
        values = list(shown[col])
        labels: Mapping[str, str] = {}
        if not ids:
            table = ID_COLUMNS.get(str(col))
            labels = by_table.get(table, {}) if table else {}
            if not labels and _id_column(values, merged):
                labels = merged
        kind = shown[col].dtype
        numeric.append(pd.api.types.is_numeric_dtype(kind) and not pd.api.types.is_bool_dtype(kind))
        for i, v in enumerate(values):
            prec = str(precision[i]) if precision is not None else None
            rows[i].append(_cell(v, digits=digits, precision=prec, labels=labels))
    # A matrix's columns are ids too (hypotheses across): headed by their names.
    names = {**({} if ids else {**merged, **HEADINGS}), **(headings or {})}
    titles = ["" if str(c).startswith(_BLANK) else _heading(c, names) for c in shown.columns]
    if caption is None:
        caption = f"A table of {len(rows)} row{'s' * (len(rows) != 1)}"
    return Table(caption, titles, rows, numeric, sources, row_headers, folded, _dataset=ds)


def show_table(
    ds: Dataset | None,
    frame: Any,
    columns: Sequence[str] | None = None,
    *,
    caption: str | None = None,
    headings: Mapping[str, str] | None = None,
    ids: bool = False,
    row_headers: bool = True,
    digits: int = 2,
    folded: str | None = None,
) -> Table:
    """Show a table for students to read: whole cells, names instead of ids, a caption.

    ``frame`` is a DataFrame (or Series) from the dataset or an analysis function, or one
    row of the dataset (``ds.row("events", ...)``, shown as a table of one row), and
    ``columns`` the ones to show, in order (default: all). ``ds`` (the lesson's dataset)
    turns ids into names; ``caption`` says what the table is (give one: it is what a
    screen reader announces); ``headings`` renames columns (``{"label": "Explanation"}``);
    ``ids=True`` keeps ids as they are; ``row_headers`` makes the first column the row
    headings; ``digits``, the decimal places of numbers. Returns the :class:`Table`, whose
    ``sources`` are the ``source_ids`` of its rows; they are recorded in ``ds`` as shown
    (``ds.cited``, which the lesson's sources cell lists). Shown once, whether or not it
    is the cell's last line.
    """
    table = make_table(
        ds,
        frame,
        columns,
        caption=caption,
        headings=headings,
        ids=ids,
        row_headers=row_headers,
        digits=digits,
        folded=folded,
    )
    table.record_sources()  # also outside IPython: the caller asked for it to be shown
    ip = _ipython()
    if ip is not None:
        _display(table)
        table._shown_in = ip.execution_count
    return table
