"""Small edits to a data folder's CSV files, as a teacher's mistakes would make them.

Row numbers are spreadsheet rows: the header is row 1, the first data row is 2.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path


def read(folder: Path, table: str) -> list[list[str]]:
    text = (folder / f"{table}.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def write(folder: Path, table: str, rows: list[list[str]]) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (folder / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def get(folder: Path, table: str, row: int, column: str) -> str:
    rows = read(folder, table)
    return rows[row - 1][rows[0].index(column)]


def set_cell(folder: Path, table: str, row: int, column: str, value: str) -> None:
    rows = read(folder, table)
    rows[row - 1][rows[0].index(column)] = value
    write(folder, table, rows)


def rename_column(folder: Path, table: str, old: str, new: str) -> None:
    rows = read(folder, table)
    rows[0][rows[0].index(old)] = new
    write(folder, table, rows)


def drop_column(folder: Path, table: str, column: str) -> None:
    rows = read(folder, table)
    i = rows[0].index(column)
    write(folder, table, [r[:i] + r[i + 1 :] for r in rows])


def append_row(folder: Path, table: str, values: dict[str, str]) -> int:
    """Append a row (missing columns empty); return its spreadsheet row number."""
    rows = read(folder, table)
    rows.append([values.get(c, "") for c in rows[0]])
    write(folder, table, rows)
    return len(rows)


def first_row_where(folder: Path, table: str, column: str, predicate) -> int:  # type: ignore[no-untyped-def]
    rows = read(folder, table)
    i = rows[0].index(column)
    for n, r in enumerate(rows[1:], start=2):
        if predicate(r[i]):
            return n
    raise LookupError(f"no row of {table} matches")
