"""Check a data package and report every problem in one run.

Three passes, each reporting as ``FILE:ROW:COLUMN: what is wrong; how to fix``:

1. **Files and headers** (here): the file exists, is not empty, is UTF-8, and its
   header names exactly the schema's columns (in any order).
2. **Cells and keys** (Frictionless): types, required values, allowed values,
   patterns, ranges, primary keys and foreign keys. Frictionless is a well-kept
   implementation of the Table Schema standard our ``datapackage.json`` is
   written in, so we use it rather than re-writing those checks.
3. **analogylab's own rules** (here): what Table Schema cannot say, declared in
   the schema as ``x-references`` (each item of a list is a key elsewhere) and
   ``x-rules`` (checks across fields or tables; see ``analogylab.schema.RULES``).

ROW is the row number a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from analogylab.errors import DataNotFoundError, DataPackageError
from analogylab.schema import Field, Package, Resource, read_package

__all__ = [
    "CELL_LIMIT",
    "Problem",
    "ValidationReport",
    "bank_sources",
    "did_you_mean",
    "display_path",
    "find_data",
    "shipped_data",
    "validate",
]

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as precisely as possible."""

    file: str
    row: int | None
    column: str | None
    message: str
    hint: str
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
            if self.column:
                where += f":{self.column}"
        elif self.column:
            where += f":-:{self.column}"
        return f"{where}: {self.message}; {self.hint}"


@dataclass
class ValidationReport:
    """The outcome of ``validate``: problems (none means good) and row counts."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    exercises: int | None = None  # exercises in the bank, None when it was not checked

    @property
    def ok(self) -> bool:
        """True when there are no problems."""
        return not self.problems

    def summary(self) -> str:
        """One line for humans."""
        total = sum(self.rows.values())
        bank = "" if not self.exercises else f", {self.exercises} exercises"
        if self.ok:
            return f"{self.path}: {len(self.rows)} tables, {total} rows{bank}, no problems"
        files = len({p.file for p in self.problems})
        return f"{self.path}: {len(self.problems)} problem(s) in {files} file(s)"

    def __str__(self) -> str:
        return "\n".join([*(str(p) for p in self.problems), self.summary()])

    def __repr__(self) -> str:
        return f"<ValidationReport {self.summary()}>"

    def _repr_markdown_(self) -> str:
        if self.ok:
            return f"**Valid.** {self.summary()}"
        items = "\n".join(f"- `{p}`" for p in self.problems)
        return f"**{self.summary()}**\n\n{items}"


def find_data(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder holding ``datapackage.json``.

    Looks, in order, at ``path`` (a folder or the datapackage.json itself), the
    ``ANALOGYLAB_DATA`` environment variable, the data shipped inside an
    installed package, and the ``data/`` folder of a source checkout.
    """
    from_env = False
    if path is None:
        env = os.environ.get("ANALOGYLAB_DATA")
        if env:
            path, from_env = env, True
    if path is not None:
        p = Path(path)
        if p.name == "datapackage.json":
            p = p.parent
        if not (p / "datapackage.json").is_file():
            where = ""
            if not p.is_absolute():
                where = (
                    f" (a relative path is read from the folder Python runs in, {Path.cwd()}; "
                    "lessons run in notebooks/"
                    + (", so set ANALOGYLAB_DATA to a full path" if from_env else "")
                    + ")"
                )
            raise DataNotFoundError(
                f"{p}: no datapackage.json in this folder{where}; give the folder that holds "
                "datapackage.json and the CSV files"
            )
        return p
    shipped = shipped_data()
    if shipped is not None:
        return shipped
    raise DataNotFoundError(
        "the shipped data was not found: reinstall analogylab, or pass the data folder "
        "(load_dataset('path/to/data')) or set ANALOGYLAB_DATA"
    )


def shipped_data() -> Path | None:
    """The data shipped with analogylab: inside the installed package, or a checkout's data/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent.parent / "data"):
        if (candidate / "datapackage.json").is_file():
            return candidate
    return None


def display_path(root: Path, name: str) -> str:
    """The file ``root / name`` as messages name it: relative to the working folder if it can be."""
    p = root / name
    try:
        return os.path.relpath(p)
    except ValueError:  # another drive on Windows
        return str(p)


def shown(value: object, limit: int = 80) -> str:
    """A cell's value as a message quotes it: on one line, and cut short if it is long."""
    text = str(value)
    one_line = "".join(
        c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii")
        for c in text
    )
    if len(one_line) > limit:
        return f"{one_line[: limit - 3]}... ({len(text):,} characters)"
    return one_line


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)``, x the closest of ``choices`` to a misspelt ``value``; or ``""``."""
    if len(value) > 200:
        return ""  # not a misspelling of an id or a name
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _choices(values: Iterable[str], limit: int = 12) -> str:
    vals = list(values)
    text = ", ".join(vals[:limit])
    return text + (f", ... ({len(vals)} in all)" if len(vals) > limit else "")


# --- pass 1: files and headers ------------------------------------------------------


@dataclass
class _Table:
    """A resource's raw rows, kept for pass 3."""

    resource: Resource
    file: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, cells)
    bom: bool = False
    header_ok: bool = True
    indexes: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    repeats: dict[int, int] = field(default_factory=dict)  # row -> the earlier row it repeats


#: The longest cell accepted: Python's csv module's own default limit. A longer cell is
#: almost always a double quote opened and never closed, which swallows the rest of the file.
CELL_LIMIT = 131_072

_SAVE_UTF8 = (
    "save it again as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8 (Comma delimited); in "
    "LibreOffice: Save As > Text CSV, with 'Edit filter settings' ticked, character set "
    "Unicode (UTF-8) and field delimiter ',')"
)

_DELIMITERS = {";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}

_NOT_TEXT = {
    b"PK\x03\x04": "an Excel or LibreOffice workbook (.xlsx or .ods), not a CSV text file",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls), not a CSV text file",
    b"%PDF": "a PDF document, not a CSV text file",
}


def _file_problem(file: str, row: int | None, message: str, hint: str, code: str) -> Problem:
    return Problem(file, row, None, message, hint, code)


def _decode(file: str, raw: bytes, res: Resource, problems: list[Problem]) -> str | None:
    """The file's text, or None (and one problem) when it is not UTF-8 CSV text at all."""
    for magic, what in _NOT_TEXT.items():
        if raw.startswith(magic):
            problems.append(_file_problem(file, None, f"the file is {what}", _SAVE_UTF8, "not-csv"))
            return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            _file_problem(
                file,
                None,
                "the file is UTF-16 text (what Excel calls 'Unicode Text'), not UTF-8",
                _SAVE_UTF8,
                "encoding",
            )
        )
        return None
    if not raw.strip():
        problems.append(
            _file_problem(
                file,
                None,
                "the file is empty",
                f"it needs at least the header row: {','.join(res.field_names)}",
                "empty-file",
            )
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        problems.append(
            _file_problem(
                file,
                line,
                f"the file is not UTF-8 text (byte 0x{raw[e.start]:02X} cannot be read)",
                _SAVE_UTF8,
                "encoding",
            )
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(
            _file_problem(
                file,
                line,
                "the file holds a NUL character (binary data), so it is not CSV text",
                "open it in a spreadsheet program and " + _SAVE_UTF8,
                "not-csv",
            )
        )
        return None
    return text


def _wrong_delimiter(file: str, first_line: str, res: Resource) -> Problem | None:
    """One problem if the header is split by ';', tabs or '|' rather than commas."""
    expected = set(res.field_names)
    by_comma = next(csv.reader([first_line]), [])
    if len(by_comma) > 1 and len(expected & {h.strip() for h in by_comma}) > 1:
        return None
    for delimiter, name in _DELIMITERS.items():
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        if len(cells) > len(by_comma) and expected & {c.strip() for c in cells}:
            hint = (
                "use commas: save it again as 'CSV UTF-8 (Comma delimited)'. Excel writes "
                "';' where the computer's list separator is ';' (as in much of Europe): set "
                "it to ',' (Windows: Region settings > Additional settings > List separator) "
                "and save again, or save from LibreOffice (Save As > Text CSV, 'Edit filter "
                "settings' ticked, field delimiter ',', character set Unicode (UTF-8))"
            )
            if delimiter == "\t":
                hint = (
                    "use commas: this is tab-separated text (Excel's 'Text (Tab delimited)' or "
                    "'Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)' in Excel, or as "
                    "Text CSV with field delimiter ',' in LibreOffice"
                )
            return _file_problem(
                file,
                1,
                f"the columns are separated by {name}, not commas",
                hint,
                "delimiter",
            )
    return None


def _parse_csv(text: str) -> tuple[list[list[str]], str | None, int]:
    """The file's rows; or the rows read so far, a csv error and the line it stopped at."""
    old = csv.field_size_limit(2**31 - 2)  # cells over CELL_LIMIT are reported, not fatal
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as e:
        return rows, str(e), reader.line_num
    finally:
        csv.field_size_limit(old)
    return rows, None, 0


def _cell_problem(file: str, rows: list[list[str]], header: list[str]) -> Problem | None:
    """A cell far too long, or one that runs to the end of the file: a quote never closed."""
    for i, cells in enumerate(rows):
        for j, cell in enumerate(cells):
            name = header[j] if j < len(header) and i > 0 else None
            where = f"column '{name}'" if name else f"cell {j + 1}"
            if len(cell) > CELL_LIMIT:
                return Problem(
                    file,
                    i + 1,
                    name,
                    f"a cell ({where}) is {len(cell):,} characters long, over the "
                    f"{CELL_LIMIT:,} a cell may hold",
                    'this is almost always a double quote (") that opens a cell and is never '
                    "closed, so the rest of the file runs into one cell: close it, or double "
                    'it ("") if it is part of the text',
                    "huge-cell",
                )
            is_last = i == len(rows) - 1
            if is_last and i > 0 and "\n" in cell and len(cells) < len(header):
                return Problem(
                    file,
                    i + 1,
                    name,
                    f"a cell ({where}) runs over {cell.rstrip(chr(10)).count(chr(10)) + 1} "
                    "lines to the end of the file",
                    'a double quote (") opens it and is never closed; close it, or double it '
                    '("") if it is part of the text',
                    "open-quote",
                )
    return None


def _read_table(  # noqa: PLR0911  (one return per way a file can fail to be a table)
    root: Path, res: Resource, problems: list[Problem]
) -> _Table | None:
    file = display_path(root, res.path)
    try:
        raw = (root / res.path).read_bytes()
    except FileNotFoundError:
        problems.append(
            _file_problem(
                file,
                None,
                "the file is missing",
                f"create it with the header row: {','.join(res.field_names)}",
                "missing-file",
            )
        )
        return None
    except OSError as e:  # a folder of that name, no permission ...
        problems.append(
            _file_problem(
                file, None, f"the file cannot be read ({e.strerror})", "check it", "unreadable"
            )
        )
        return None
    bom = raw.startswith(_BOM)
    if bom:
        raw = raw[len(_BOM) :]
    text = _decode(file, raw, res, problems)
    if text is None:
        return None
    first_line = text.splitlines()[0] if text.splitlines() else ""
    wrong = _wrong_delimiter(file, first_line, res)
    if wrong is not None:
        problems.append(wrong)
        return None
    parsed, error, line = _parse_csv(text)
    if error is not None:
        problems.append(
            _file_problem(
                file,
                line or None,
                f"the file cannot be read as CSV ({error})",
                "check the quotes on this line: a cell with a comma, a quote or a line break "
                'in it is written in double quotes, with any quote inside doubled ("")',
                "bad-csv",
            )
        )
        return None
    header = [h.strip() for h in parsed[0]] if parsed else []
    long_cell = _cell_problem(file, parsed, header)
    if long_cell is not None:
        problems.append(long_cell)
        return None
    table = _Table(res, file, header, [], bom)
    _check_header(table, problems)
    first: dict[tuple[str, ...], int] = {}
    for rownum, cells in enumerate(parsed[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # Frictionless reports blank rows
        key = tuple(c.strip() for c in cells)
        if key in first:
            table.repeats[rownum] = first[key]
        else:
            first[key] = rownum
        table.rows.append((rownum, dict(zip(header, cells, strict=False))))
    return table


def _check_header(table: _Table, problems: list[Problem]) -> None:
    res, file, header = table.resource, table.file, table.header
    expected = res.field_names
    seen: set[str] = set()
    for h in header:
        if not h:
            problems.append(
                Problem(
                    file,
                    1,
                    None,
                    "a column has no name in the header row",
                    "name it, or delete the empty column",
                    "blank-label",
                )
            )
            table.header_ok = False
        elif h in seen:
            problems.append(
                Problem(
                    file,
                    1,
                    h,
                    f"column '{shown(h)}' appears twice",
                    "delete or rename one of them",
                    "duplicate-label",
                )
            )
            table.header_ok = False
        elif h not in expected:
            problems.append(
                Problem(
                    file,
                    1,
                    h,
                    f"unknown column '{shown(h)}'{did_you_mean(h, expected)}",
                    f"rename it to one of the schema's columns ({', '.join(expected)}), or add "
                    "the column to datapackage.json first (CONTRIBUTING.md, 'Add a column')",
                    "extra-label",
                )
            )
            table.header_ok = False
        seen.add(h)
    for name in expected:
        if name not in seen:
            f = res.field(name)
            how = "add the column" + (" and fill it in for every row" if f.required else "")
            problems.append(
                Problem(
                    file,
                    1,
                    name,
                    f"missing column '{name}'",
                    f"{how} ({f.description})",
                    "missing-label",
                )
            )
            table.header_ok = False


# --- pass 2: Frictionless ----------------------------------------------------------------

_TYPE_HINTS = {
    "date": "write the date as YYYY-MM-DD, e.g. 1979-12-24 (for a month only: 1979-12-01 "
    "with precision 'month')",
    "integer": "write a whole number with digits only: no commas, spaces or units (e.g. 1985)",
    "number": "write a plain number: digits and at most one decimal point, no thousands "
    "separators, currency signs or units (e.g. 630 or 0.695)",
    "boolean": "write true or false",
    "list": "write ids separated by ';' with no spaces",
}


def _field_or_none(res: Resource, name: str | None) -> Field | None:
    if not name:
        return None
    try:
        return res.field(name)
    except KeyError:
        return None


def _constraint_problem(  # noqa: PLR0917
    file: str, row: int | None, col: str | None, cell: Any, note: str, fld: Field | None
) -> Problem:
    if '"required"' in note:
        what = fld.description if fld else ""
        return Problem(
            file,
            row,
            col,
            "a required value is missing",
            f"fill it in: {what}".rstrip(": "),
            "missing-value",
        )
    if '"enum"' in note and fld and fld.enum:
        return Problem(
            file,
            row,
            col,
            f"'{shown(cell)}' is not an allowed value{did_you_mean(str(cell), fld.enum)}",
            f"use one of: {_choices(fld.enum)}",
            "not-allowed",
        )
    if '"pattern"' in note:
        return Problem(
            file,
            row,
            col,
            f"'{shown(cell)}' is not a valid id",
            "ids use lower-case letters, digits and hyphens only, starting with a "
            "letter or digit (e.g. e80-1979-12-intervention)",
            "bad-id",
        )
    if '"minimum"' in note or '"maximum"' in note:
        lo = fld.minimum if fld else None
        hi = fld.maximum if fld else None
        return Problem(
            file,
            row,
            col,
            f"{shown(cell)} is out of range",
            f"use a value from {lo} to {hi}",
            "out-of-range",
        )
    return Problem(
        file,
        row,
        col,
        f"'{shown(cell)}' breaks a rule of this column ({note})",
        "correct the value",
        "constraint",
    )


def _import_frictionless() -> Any:
    """Import Frictionless, skipping one slow, unused part of jsonschema.

    jsonschema checks the "iri" string format with rfc3987_syntax when that is
    installed (Jupyter installs it), and importing it compiles dozens of grammars:
    about 1.5 s to 3.5 s here. No datapackage.json field uses that format, so
    jsonschema is imported while rfc3987_syntax is hidden, then the hiding is
    undone so that any later `import rfc3987_syntax` works as usual.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
        try:
            import jsonschema  # noqa: F401, PLC0415
        finally:
            del sys.modules["rfc3987_syntax"]
    import frictionless  # noqa: PLC0415  (slow to import: only when validating)

    return frictionless


@dataclass(frozen=True)
class _Dangling:
    """A reference to a row that does not exist (a foreign key or a list item)."""

    table: _Table
    row: int
    names: tuple[str, ...]
    values: tuple[str, ...]
    target: str
    ref_fields: tuple[str, ...]


def _frictionless_pass(
    pkg: Package, tables: dict[str, _Table], problems: list[Problem]
) -> list[_Dangling]:
    """Frictionless's checks, translated; dangling foreign keys are returned to be grouped."""
    frictionless = _import_frictionless()

    descriptor = dict(pkg.descriptor)
    kept = [r for r in descriptor["resources"] if r["name"] in tables]
    resources = []
    for original in kept:
        r = dict(original)
        table = tables[r["name"]]
        r["dialect"] = {"csv": {"delimiter": ","}}  # never guessed: pass 1 named any other
        if table.bom:
            r["encoding"] = "utf-8-sig"
        schema = dict(r.get("schema", {}))
        fks = [
            fk
            for fk in schema.get("foreignKeys", [])
            if (fk["reference"].get("resource") or r["name"]) in tables
            and all(
                f in tables[fk["reference"].get("resource") or r["name"]].header
                for f in fk["reference"]["fields"]
            )
        ]
        if fks:
            schema["foreignKeys"] = fks
        else:
            schema.pop("foreignKeys", None)
        if not table.header_ok or table.header != tables[r["name"]].resource.field_names:
            # Pass 1 reported the header; validate the cells by column name.
            present = set(table.header)
            schema["fields"] = [f for f in schema["fields"] if f["name"] in present]
            if any(k not in present for k in schema.get("primaryKey", [])):
                schema.pop("primaryKey", None)
            schema["foreignKeys"] = [
                fk
                for fk in schema.get("foreignKeys", [])
                if all(f in present for f in fk["fields"])
            ]
            schema["fieldsMatch"] = "partial"  # map columns by name, not position
        r["schema"] = schema
        resources.append(r)
    descriptor["resources"] = resources
    package = frictionless.Package(descriptor, basepath=str(pkg.root))
    report = package.validate(limit_errors=10_000)
    by_name = {t.resource.name: t for t in tables.values()}
    dangling: list[_Dangling] = []
    for task in report.tasks:
        found = by_name.get(task.name)
        if found is None:
            continue
        rows = dict(found.rows)
        for err in task.errors:
            if err.type == "foreign-key":
                values = tuple(str(v) for v in err.field_cells)
                if any(v.strip() for v in values):
                    dangling.append(
                        _Dangling(
                            found,
                            int(err.row_number),
                            tuple(err.field_names),
                            values,
                            err.reference_name or found.resource.name,
                            tuple(err.reference_field_names),
                        )
                    )
                continue
            p = _translate(err, found, rows)
            if p is not None:
                problems.append(p)
    return dangling


def _suggest(d: _Dangling, tables: dict[str, _Table]) -> str:
    """A near miss for a dangling reference, compound keys included; or ""."""
    target = tables.get(d.target)
    if target is None:
        return ""
    rows = [cells for _, cells in target.rows]
    pairs = list(zip(d.names, d.values, d.ref_fields, strict=False))
    if len(pairs) == 1:
        name, value, ref = pairs[0]
        return did_you_mean(value, {c.get(ref, "").strip() for c in rows})
    for i, (name, value, ref) in enumerate(pairs):
        # Hold every other field; the nearest value of this one among the rows that match.
        others = [(r, v) for j, (_, v, r) in enumerate(pairs) if j != i]
        candidates = {
            c.get(ref, "").strip()
            for c in rows
            if all(c.get(r, "").strip() == v.strip() for r, v in others)
        }
        close = difflib.get_close_matches(value, sorted(candidates), n=1, cutoff=0.6)
        if close:
            return f" (did you mean {name}='{close[0]}'?)"
    if len(pairs) == 2:
        # A value that exists, but only with other values of the rest of the key (an actor
        # with a role in another case): said of the field that has the fewest such others.
        found = []
        for i, (_, value, ref) in enumerate(pairs):
            other = pairs[1 - i][2]
            elsewhere = sorted(
                {c.get(other, "").strip() for c in rows if c.get(ref, "").strip() == value.strip()}
            )
            if elsewhere:
                found.append((len(elsewhere), ref, value, other, elsewhere))
        if found:
            _, ref, value, other, elsewhere = min(found)
            listed = ", ".join(f"'{shown(e)}'" for e in elsewhere[:5])
            more = " ..." if len(elsewhere) > 5 else ""
            return f" ({d.target}.csv has {ref}='{value}' only with {other} {listed}{more})"
    return ""


def _row_list(rows: Sequence[int]) -> str:
    text = ", ".join(str(r) for r in rows[:8])
    return text + (f" ... {len(rows)} rows in all" if len(rows) > 8 else "")


def _dangling_problems(
    dangling: list[_Dangling], tables: dict[str, _Table], problems: list[Problem]
) -> None:
    """One line per missing row and file, not per row that points at it.

    A table whose key is repeated, and an id other tables point at but that no row
    has, are usually one mistake: an id typed over another. Then the duplicate-id
    line names the missing id and nothing more is said about the rows that point at it.
    """
    groups: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[_Dangling]] = {}
    for d in dangling:
        groups.setdefault((d.table.file, d.names, d.values), []).append(d)
    repeated = {
        p.file: p for p in problems if p.code == "duplicate-id" and "+" not in (p.column or "")
    }
    folded: dict[str, list[tuple[str, int, set[str]]]] = {}
    for ds in groups.values():
        d = ds[0]
        target = tables.get(d.target)
        dup = repeated.get(target.file) if target is not None else None
        if dup is not None and len(d.values) == 1:
            entry = next((e for e in folded.get(dup.file, []) if e[0] == d.values[0]), None)
            if entry is None:
                folded.setdefault(dup.file, []).append((d.values[0], len(ds), {d.table.file}))
            else:
                folded[dup.file].remove(entry)
                folded[dup.file].append((entry[0], entry[1] + len(ds), entry[2] | {d.table.file}))
            continue
        rows = sorted(x.row for x in ds)
        pairs = ", ".join(f"{n}='{shown(v)}'" for n, v in zip(d.names, d.values, strict=False))
        where = "" if len(rows) == 1 else f" (rows {_row_list(rows)})"
        target_pairs = ", ".join(
            f"{r}='{shown(v)}'" for r, v in zip(d.ref_fields, d.values, strict=False)
        )
        problems.append(
            Problem(
                d.table.file,
                rows[0],
                "+".join(d.names),
                f"{pairs} does not match any row of {d.target}.csv (by "
                f"{', '.join(d.ref_fields)}){_suggest(d, tables)}{where}",
                f"add a row with {target_pairs} to {d.target}.csv first, or correct the "
                + ("id" if len(d.names) == 1 else "values"),
                "dangling-reference",
            )
        )
    for file, missing in folded.items():
        dup = repeated[file]
        said = "; ".join(
            f"'{shown(value)}' is in no row, though {n} row{'s' if n > 1 else ''} of "
            f"{' and '.join(sorted(Path(f).name for f in files))} point at it"
            for value, n, files in missing
        )
        problems.remove(dup)
        problems.append(
            Problem(
                dup.file,
                dup.row,
                dup.column,
                f"{dup.message}; {said}",
                "give each row its own id: was one of the repeated rows meant to be "
                + " or ".join(f"'{shown(v)}'" for v, _, _ in missing)
                + "?",
                dup.code,
            )
        )


def _translate(  # noqa: PLR0911  (one return per kind of Frictionless error)
    err: Any, table: _Table, rows: dict[int, dict[str, str]]
) -> Problem | None:
    res, file = table.resource, table.file
    code = err.type
    row = getattr(err, "row_number", None)
    col = getattr(err, "field_name", None) or None
    cell = getattr(err, "cell", None)
    fld = _field_or_none(res, col)
    if code in {
        "extra-label",
        "missing-label",
        "incorrect-label",
        "duplicate-label",
        "blank-label",
        "blank-header",
    }:
        return None  # pass 1 reported headers in teacher's terms
    if code == "type-error":
        kind = fld.kind if fld else "value"
        hint = _TYPE_HINTS.get(fld.type if fld else "", "correct the value")
        return Problem(file, row, col, f"'{shown(cell)}' is not a valid {kind}", hint, "bad-type")
    if code == "constraint-error":
        return _constraint_problem(file, row, col, cell, err.note, fld)
    if code == "primary-key":
        key = res.primary_key
        cells = rows.get(row or -1, {})
        value = ", ".join(f"{k}='{shown(cells.get(k, ''))}'" for k in key)
        other = err.note.rsplit("position", 1)[-1].strip() if "same as" in err.note else ""
        if all(not cells.get(k, "").strip() for k in key):
            return None  # reported as a missing required value
        return Problem(
            file,
            row,
            "+".join(key),
            f"duplicate id: {value} is already used" + (f" in row {other}" if other else ""),
            "give each row its own id (ids never repeat within a table)",
            "duplicate-id",
        )
    if code == "blank-row":
        return None  # empty lines are harmless: the loader skips them too
    if code == "extra-cell":
        return Problem(
            file,
            row,
            None,
            "the row has more cells than the header has columns",
            "a comma inside a text cell needs the whole cell in double quotes",
            "extra-cell",
        )
    if code == "missing-cell":
        return Problem(  # one line per row, whichever cells are missing
            file,
            row,
            None,
            "the row has fewer cells than the header has columns",
            "add the missing cells (an empty cell is written as nothing between two commas); "
            'if a cell holds a comma, put the whole cell in double quotes, and look for a stray "',
            "missing-cell",
        )
    if code == "unique-error":
        return Problem(
            file,
            row,
            col,
            f"'{shown(cell)}' is used twice",
            "make each value unique",
            "duplicate-value",
        )
    return Problem(file, row, col, err.message, "correct the file", code)


# --- pass 3: analogylab's own rules ----------------------------------------------------------


def _parse(fld: Field, raw: str) -> Any:
    """Parse a cell for comparison; None when empty or malformed (pass 2 reports that)."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        if fld.type == "date":
            return date.fromisoformat(raw)
        if fld.type in {"number", "integer"}:
            return float(raw)
    except ValueError:
        return None
    return raw


def _items(raw: str, delimiter: str) -> list[str]:
    return [s.strip() for s in raw.split(delimiter) if s.strip()]


def _index(table: _Table, column: str) -> dict[str, dict[str, str]]:
    """Rows of ``table`` by the value of ``column`` (built once per table and column)."""
    cached = table.indexes.get(column)
    if cached is None:
        cached = table.indexes[column] = {
            cells.get(column, "").strip(): cells for _, cells in table.rows
        }
    return cached


def _keys(table: _Table, column: str) -> set[str]:
    return {cells.get(column, "").strip() for _, cells in table.rows}


def _rule_problems(  # noqa: PLR0912, PLR0915  (one branch per rule kind, each short)
    rule: dict[str, Any], table: _Table, tables: dict[str, _Table]
) -> Iterator[Problem]:
    res, file = table.resource, table.file
    kind = rule.get("rule")
    names = [n for n in rule.get("fields", []) if n in table.header]
    hosts = _host_list(rule, tables) if kind == "url-host" else None
    listed = _listed(table, rule["field"]) if kind == "host-name" else {}
    for rownum, cells in table.rows:
        if kind == "ordered":
            prev: tuple[str, Any] | None = None
            for n in names:
                v = _parse(res.field(n), cells.get(n, ""))
                if v is None:
                    continue
                if prev is not None and v < prev[1]:
                    yield Problem(
                        file,
                        rownum,
                        n,
                        f"{n} ({shown(cells[n].strip())}) is less than {prev[0]} "
                        f"({shown(cells[prev[0]].strip())})",
                        f"these must not decrease: {' <= '.join(names)}; swap or correct them",
                        "out-of-order",
                    )
                prev = (n, v)
        elif kind == "date-precision":
            d = _parse(res.field(rule["field"]), cells.get(rule["field"], ""))
            prec = cells.get(rule["precision"], "").strip()
            if isinstance(d, date) and (
                (prec == "month" and d.day != 1) or (prec == "year" and (d.month, d.day) != (1, 1))
            ):
                fix = d.replace(day=1) if prec == "month" else d.replace(month=1, day=1)
                yield Problem(
                    file,
                    rownum,
                    rule["field"],
                    f"{d.isoformat()} is more exact than its precision '{prec}'",
                    f"write {fix.isoformat()} for a date known only to the {prec}, "
                    f"or set {rule['precision']} to 'day'",
                    "precision",
                )
        elif kind == "value-or-range":
            v, lo, hi = (cells.get(rule[k], "").strip() for k in ("value", "low", "high"))
            if not v and not (lo and hi):
                yield Problem(
                    file,
                    rownum,
                    rule["value"],
                    "no figure given",
                    "fill in value, or both low and high when the sources disagree",
                    "no-figure",
                )
            elif bool(lo) != bool(hi):
                missing = rule["high"] if lo else rule["low"]
                yield Problem(
                    file,
                    rownum,
                    missing,
                    f"{missing} is missing",
                    "give both low and high, or neither",
                    "half-range",
                )
        elif kind == "not-after":
            other = tables.get(rule["resource"])
            d = _parse(res.field(rule["field"]), cells.get(rule["field"], ""))
            if other is None or not isinstance(d, date):
                continue
            key = cells.get(rule["key"], "").strip()
            ocells = _index(other, rule["key"]).get(key)
            if ocells is not None:
                limit = _parse(other.resource.field(rule["limit"]), ocells.get(rule["limit"], ""))
                if isinstance(limit, date) and d > limit:
                    yield Problem(
                        file,
                        rownum,
                        rule["field"],
                        f"{d.isoformat()} is after the {rule['limit']} of case "
                        f"'{key}' ({limit.isoformat()})",
                        "only what was known by that date counts as evidence; "
                        "correct the date, or record the item as an event",
                        "too-late",
                    )
        elif kind == "after":
            yield from _after_problem(rule, file, rownum, cells, tables)
        elif kind == "url-host" and hosts is not None:
            yield from _url_host_problems(rule["fields"], file, rownum, cells, hosts)
        elif kind == "host-name":
            yield from _host_name_problems(rule["field"], file, rownum, cells, listed)
        elif kind == "different":
            a, b = (cells.get(n, "").strip() for n in rule["fields"])
            if a and a == b:
                yield Problem(
                    file,
                    rownum,
                    rule["fields"][1],
                    f"{rule['fields'][0]} and {rule['fields'][1]} are both '{shown(a)}'",
                    "a comparison needs two different cases",
                    "same-value",
                )
        elif kind == "same-case":
            found = []
            for n, rname in zip(rule["fields"], rule["resources"], strict=True):
                other = tables.get(rname)
                hit = _index(other, n).get(cells.get(n, "").strip()) if other else None
                found.append(hit.get("case_id", "").strip() if hit else None)
            if None not in found and len(set(found)) > 1:
                yield Problem(
                    file,
                    rownum,
                    rule["fields"][1],
                    f"{rule['fields'][0]} belongs to case '{found[0]}' but "
                    f"{rule['fields'][1]} to case '{found[1]}'",
                    "rate evidence only against hypotheses of the same case",
                    "case-mismatch",
                )
        elif kind == "note-when":
            flag = cells.get(rule["flag"], "").strip().lower()
            if flag in {"true", "yes", "1"} and not cells.get(rule["field"], "").strip():
                yield Problem(
                    file,
                    rownum,
                    rule["field"],
                    f"{rule['flag']} is true but {rule['field']} is empty",
                    f"say in {rule['field']} what is disputed and by whom",
                    "unexplained-flag",
                )


def _after_problem(
    rule: dict[str, Any], file: str, rownum: int, cells: dict[str, str], tables: dict[str, _Table]
) -> Iterator[Problem]:
    """The row's referenced row (an event) must be dated after its case's limit date."""
    ref = tables.get(rule["resource"])
    cases = tables.get(rule["limit_resource"])
    key = cells.get(rule["field"], "").strip()
    target = _index(ref, rule["key"]).get(key) if ref is not None else None
    if target is None or cases is None:
        return  # a missing reference is reported by the key checks
    d = _parse(ref.resource.field(rule["date"]), target.get(rule["date"], ""))  # type: ignore[union-attr]
    case_id = target.get(rule["case"], "").strip()
    case = _index(cases, rule["case"]).get(case_id)
    if case is None or not isinstance(d, date):
        return
    limit = _parse(cases.resource.field(rule["limit"]), case.get(rule["limit"], ""))
    if isinstance(limit, date) and d <= limit:
        yield Problem(
            file,
            rownum,
            rule["field"],
            f"'{key}' is dated {d.isoformat()}, not after the {rule['limit']} of case "
            f"'{case_id}' ({limit.isoformat()})",
            "a milestone is something that happened later; what was known by then belongs "
            "in evidence.csv",
            "too-early",
        )
    elif not isinstance(limit, date):
        yield Problem(
            file,
            rownum,
            rule["field"],
            f"case '{case_id}' has no {rule['limit']}, so nothing counts as after it",
            f"fill in {rule['limit']} for '{case_id}' in {rule['limit_resource']}.csv",
            "no-limit",
        )


# --- where a source may link: the url-host and host-name rules ---------------------------------

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:\*\.)?{_LABEL}(?:\.{_LABEL})+")
_ADDRESS = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_FIXES = (
    "link the work itself (its publisher or outlet, an official body, a DOI, a library or "
    "archive record, or Wikipedia), or leave url empty and say in note where you read it "
    "('read in a copy on example.com, not linked'); a teacher who trusts the host may add it "
    "to that list with its kind and a reason (CONTRIBUTING.md, 'Sources a course can cite')"
)


def _site(host: str) -> str:
    """A host as the list compares it: lower case, no final dot, no leading ``www.``."""
    host = host.strip().lower().rstrip(".")
    return host.removeprefix("www.")


@dataclass(frozen=True)
class _HostList:
    """The allowed hosts: exact sites, and sites listed as ``*.site`` with every subdomain."""

    file: str
    exact: frozenset[str]
    wild: frozenset[str]

    def covers(self, host: str) -> bool:
        site = _site(host)
        return site in self.exact or any(site == w or site.endswith("." + w) for w in self.wild)

    def parent(self, host: str) -> str | None:
        """A listed site that ``host`` is a subdomain of (listed without ``*.``), if any."""
        site = _site(host)
        return next((e for e in sorted(self.exact) if site.endswith("." + e)), None)

    def refuse(self, host: str, where: str) -> tuple[str, str]:
        """What is wrong with an address on ``host`` (not on the list), and how to fix it."""
        parent = self.parent(host)
        also = (
            f" (the list has '{parent}', which covers that host only: '*.{parent}' would "
            "cover its subdomains)"
            if parent
            else ""
        )
        return (
            f"{where} '{host}', which is not in {self.file}, the hosts a source may link to{also}",
            _FIXES,
        )


def _scheme_and_host(address: str) -> tuple[str, str]:
    """The scheme and host of a web address, lower case; empty strings where there are none."""
    try:
        parts = urlsplit(address)
        return parts.scheme.lower(), parts.hostname or ""
    except ValueError:  # e.g. an unclosed [ in an IPv6 host
        return "", ""


def _host_list(rule: dict[str, Any], tables: dict[str, _Table]) -> _HostList | None:
    """The list a ``url-host`` rule names; None when its table is missing (reported already)."""
    table = tables.get(rule["resource"])
    if table is None:
        return None
    listed = _listed(table, rule["key"])  # a malformed host is reported by the host-name rule
    return _HostList(
        table.file,
        frozenset(site for wild, site in listed if not wild),
        frozenset(site for wild, site in listed if wild),
    )


def _url_host_problems(
    names: list[str], file: str, rownum: int, cells: dict[str, str], hosts: _HostList
) -> Iterator[Problem]:
    """The first field holds one web address; the others are text that may mention some."""
    url, *texts = names
    value = cells.get(url, "").strip()  # a column missing from the header reads as empty
    if value:
        scheme, host = _scheme_and_host(value)
        if scheme not in {"http", "https"} or not host or any(c.isspace() for c in value):
            yield Problem(
                file,
                rownum,
                url,
                f"'{value}' is not a web address",
                f"write one whole address, starting with https://, or leave {url} empty",
                "bad-url",
            )
        elif not hosts.covers(host):
            what, fix = hosts.refuse(host.rstrip("."), "the address is on")
            yield Problem(file, rownum, url, what, fix, "url-host")
    for name in texts:
        for found in _ADDRESS.findall(cells.get(name, "")):
            host = _scheme_and_host(found)[1].rstrip(".")
            if host and not hosts.covers(host):
                what, fix = hosts.refuse(host, "it links to")
                yield Problem(
                    file,
                    rownum,
                    name,
                    what,
                    f"name the site without its address, or {fix}",
                    "url-host",
                )


def _site_key(host: str) -> tuple[bool, str]:
    """A well-formed list entry as (covers subdomains, site)."""
    wild = host.startswith("*.")
    return wild, _site(host.removeprefix("*."))


def _listed(table: _Table, name: str) -> dict[tuple[bool, str], list[tuple[int, str]]]:
    """Every well-formed entry of a host list, by site, with its rows and spellings."""
    found: dict[tuple[bool, str], list[tuple[int, str]]] = {}
    for rownum, cells in table.rows:
        value = cells.get(name, "").strip()
        if _HOST.fullmatch(value):
            found.setdefault(_site_key(value), []).append((rownum, value))
    return found


def _host_name_problems(
    name: str,
    file: str,
    rownum: int,
    cells: dict[str, str],
    listed: dict[tuple[bool, str], list[tuple[int, str]]],
) -> Iterator[Problem]:
    """A bare host name (or ``*.`` and one), named once, and not already covered by a ``*.``."""
    value = cells.get(name, "").strip()
    if not value:
        return  # a missing value is reported as required
    if not _HOST.fullmatch(value):
        guess = _scheme_and_host(value if "//" in value else "//" + value)[1]
        hint = f" (here: '{guess}')" if _HOST.fullmatch(guess) and guess != value else ""
        yield Problem(
            file,
            rownum,
            name,
            f"'{value}' is not a host name",
            f"write the host alone, in lower case, without https:// or a path{hint}, "
            "e.g. www.latimes.com; or *.wikipedia.org for a site and all its subdomains",
            "bad-host",
        )
        return
    wild, site = _site_key(value)
    first_row, first = listed[wild, site][0]
    if first_row != rownum and first != value:  # the very same value is a duplicate key
        yield Problem(
            file,
            rownum,
            name,
            f"'{value}' names the same site as '{first}' in row {first_row} "
            "(a leading 'www.' is ignored)",
            "keep one of the two rows",
            "same-host",
        )
    for (other_wild, other), rows in listed.items():
        if (
            other_wild
            and (other_wild, other) != (wild, site)
            and (site == other or site.endswith("." + other))
        ):
            yield Problem(
                file,
                rownum,
                name,
                f"'{value}' is already covered by '{rows[0][1]}' in row {rows[0][0]}",
                "delete this row, or replace the '*.' entry by the hosts it should cover",
                "same-host",
            )
            break


def _unknown_items(table: _Table, tables: dict[str, _Table], problems: list[Problem]) -> None:
    """Items of list fields (``source_ids`` ...) that are not keys of their table: one line each."""
    for fld in table.resource.fields:
        if fld.references is None or fld.name not in table.header:
            continue
        target_name, target_col = fld.references
        target = tables.get(target_name)
        if target is None or target_col not in target.header:
            continue
        keys = _keys(target, target_col)
        where: dict[str, list[int]] = {}
        for rownum, cells in table.rows:
            for item in _items(cells.get(fld.name, ""), fld.delimiter):
                if item not in keys:
                    where.setdefault(item, []).append(rownum)
        for item, rows in where.items():
            also = "" if len(rows) == 1 else f" (rows {_row_list(rows)})"
            problems.append(
                Problem(
                    table.file,
                    rows[0],
                    fld.name,
                    f"'{shown(item)}' is not among the {target_col} values of "
                    f"{target_name}.csv{did_you_mean(item, keys)}{also}",
                    f"add it to {target_name}.csv first, or correct the id",
                    "unknown-reference",
                )
            )


#: Problems after which a table's keys cannot be trusted, so checks that count its rows
#: (completeness, uncited sources) wait until they are fixed rather than report echoes.
_STRUCTURAL = {
    "missing-file",
    "empty-file",
    "encoding",
    "not-csv",
    "delimiter",
    "bad-csv",
    "huge-cell",
    "open-quote",
    "unreadable",
    "blank-label",
    "duplicate-label",
    "extra-label",
    "missing-label",
    "duplicate-id",
    "dangling-reference",
    "unknown-reference",
    "extra-cell",
    "missing-cell",
    "missing-value",
    "bad-id",
}


def _cited_problems(
    rule: dict[str, Any], table: _Table, tables: dict[str, _Table], root: Path
) -> Iterator[Problem]:
    """Sources no row of any table, and no exercise, cites (the ``cited`` rule)."""
    name, key = table.resource.name, rule["field"]
    cited: set[str] = set()
    for other in tables.values():
        for fld in other.resource.fields:
            if fld.references == (name, key):
                for _, cells in other.rows:
                    cited.update(_items(cells.get(fld.name, ""), fld.delimiter))
    if rule.get("exercises"):
        cited |= bank_sources(root)
    keep = rule.get("keep", {})
    kept = set(keep.get("values", []))
    for rownum, cells in table.rows:
        value = cells.get(key, "").strip()
        if not value or value in cited:
            continue
        if keep and cells.get(keep["field"], "").strip() in kept:
            continue
        yield Problem(
            table.file,
            rownum,
            key,
            f"'{shown(value)}' is cited by no row of any table and by no exercise",
            "cite it in the source_ids of the rows it supports, delete its row, or, to keep "
            f"it for students to read, set {keep.get('field', 'kind')} to "
            f"{' or '.join(sorted(kept)) or 'further-reading'}",
            "uncited",
        )


def bank_sources(root: Path) -> set[str]:
    """Source ids the exercise bank the lessons use with this data cites.

    That is the bank in ``root/exercises`` or, for a copy without one, the shipped
    bank (the lessons then use that one). Unreadable files are skipped here: the
    bank's own check reports them.
    """
    import yaml  # noqa: PLC0415  (only needed here)

    folder = root / "exercises"
    if not folder.is_dir():
        shipped = shipped_data()
        folder = shipped / "exercises" if shipped is not None else folder
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: set[str] = set()
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        exercises = doc.get("exercises") if isinstance(doc, dict) else None
        for ex in exercises if isinstance(exercises, list) else []:
            ids = ex.get("sources") if isinstance(ex, dict) else None
            if isinstance(ids, list):
                out.update(str(i) for i in ids)
    return out


def _own_rules(
    tables: dict[str, _Table], problems: list[Problem], root: Path, *, complete: bool
) -> None:
    from analogylab import completeness  # noqa: PLC0415  (completeness imports this module)

    completing = [*completeness.RULE_KINDS, "cited"]
    for table in tables.values():
        _unknown_items(table, tables, problems)
        for rule in table.resource.rules:
            if rule.get("rule") not in completing:
                problems.extend(_rule_problems(rule, table, tables))
    # Completeness counts the rows that are otherwise sound: an evidence item already
    # reported (dated too late, say) is not reported again for lacking its ratings.
    broken = {p.file for p in problems if p.code in _STRUCTURAL}
    reported = {(p.file, p.row) for p in problems if p.row is not None}
    for table in tables.values():
        for rule in table.resource.rules:
            kind = rule.get("rule")
            if kind in completeness.RULE_KINDS:
                needed = [table.resource.name, *completeness.resources_of(rule)]
                if not complete or any(n not in tables or tables[n].file in broken for n in needed):
                    continue  # counted once the tables it reads are sound
                others = {
                    n: [(r, c) for r, c in tables[n].rows if (tables[n].file, r) not in reported]
                    for n in needed
                }
                problems.extend(
                    g.problem for g in completeness.rule_gaps(rule, table.file, table.rows, others)
                )
            elif kind == "cited":
                citing = [
                    t
                    for t in tables.values()
                    if any(
                        f.references == (table.resource.name, rule["field"])
                        for f in t.resource.fields
                    )
                ]
                if not complete or table.file in broken or any(t.file in broken for t in citing):
                    continue
                problems.extend(_cited_problems(rule, table, tables, root))


def _shifted_rows(problems: list[Problem]) -> list[Problem]:
    """A row with too many or too few cells: that line alone, not its values' echoes.

    Its cells sit under the wrong columns, so every later check of the row would
    report a symptom of the one cause (a stray comma or quote).
    """
    shifted = {(p.file, p.row) for p in problems if p.code in {"extra-cell", "missing-cell"}}
    return [
        p
        for p in problems
        if (p.file, p.row) not in shifted or p.code in {"extra-cell", "missing-cell"}
    ]


def _spans(rows: Sequence[int]) -> str:
    """'300-311, 315': row numbers as runs."""
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    return ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else f"{run[0]}" for run in runs)


def _repeated_rows(
    tables: dict[str, _Table], problems: list[Problem], folder: str
) -> list[Problem]:
    """Rows that repeat earlier rows exactly: one message in all, and no echo of them.

    This is what merging a case's rows into a copy twice does. The repeats' own lines
    (duplicate ids, and anything wrong with the row, already said for its original)
    are dropped.
    """
    hit = {t.file: t for t in tables.values() if t.repeats}
    if not hit:
        return problems
    kept = [p for p in problems if not (p.file in hit and p.row in hit[p.file].repeats)]
    total = sum(len(t.repeats) for t in hit.values())
    parts = [f"{Path(t.file).name} rows {_spans(list(t.repeats))}" for t in hit.values()]
    listed = "; ".join(parts[:6]) + ("; ..." if len(parts) > 6 else "")
    hint = (
        "these rows are already in the copy (were they merged in twice?): delete the "
        "repeated rows, or start again from a fresh copy of the data (copy data/ again) "
        "and merge your rows once"
    )
    if len(hit) == 1:
        t = next(iter(hit.values()))
        first = min(t.repeats)
        kept.append(
            Problem(
                t.file,
                first,
                None,
                f"{len(t.repeats)} row(s) repeat earlier rows exactly (rows "
                f"{_spans(list(t.repeats))} repeat rows {_spans(list(t.repeats.values()))})",
                hint,
                "repeated-rows",
            )
        )
    else:
        kept.append(
            Problem(
                folder,
                None,
                None,
                f"{total} rows in {len(hit)} files repeat earlier rows exactly ({listed})",
                hint,
                "repeated-rows",
            )
        )
    return kept


def _one_line(p: Problem) -> Problem:
    """Every problem prints as one line, whatever a cell it quotes holds."""
    if any(c in p.message + p.hint + (p.column or "") for c in "\r\n"):
        return replace(
            p,
            message=shown(p.message, 10_000),
            hint=shown(p.hint, 10_000),
            column=None if p.column is None else shown(p.column),
        )
    return p


# --- the entry point -------------------------------------------------------------------------


def validate(
    path: str | os.PathLike[str] | None = None, *, exercises: bool = True
) -> ValidationReport:
    """Check the data package at ``path`` (default: the shipped data) and report every problem.

    With ``exercises`` (the default) the exercise bank in ``exercises/`` is
    checked too. Never raises for bad data: problems are in the returned
    report. Raises DataNotFoundError only when there is no data package at all.
    """
    root = find_data(path)
    report = ValidationReport(path=Path(display_path(root.parent, root.name)))
    try:
        pkg = read_package(root)
    except DataPackageError as e:
        report.problems.append(
            Problem(
                display_path(root, "datapackage.json"),
                e.line,
                None if e.column is None else str(e.column),
                e.message,
                e.hint,
                "descriptor",
            )
        )
        return report
    problems: list[Problem] = []
    tables: dict[str, _Table] = {}
    for res in pkg.resources:
        t = _read_table(root, res, problems)
        if t is not None:
            tables[res.name] = t
            report.rows[res.name] = len(t.rows)
    dangling: list[_Dangling] = []
    if tables:
        dangling = _frictionless_pass(pkg, tables, problems)
    _dangling_problems(dangling, tables, problems)
    _own_rules(tables, problems, root, complete=len(tables) == len(pkg.resources))
    folder = display_path(root.parent, root.name)
    problems = _repeated_rows(tables, problems, folder)
    problems = _shifted_rows(problems)
    order = {display_path(root, r.path): i for i, r in enumerate(pkg.resources)}
    order[folder] = -1
    report.problems = sorted(
        {_one_line(p) for p in problems},
        key=lambda p: (order.get(p.file, 99), p.row or 0, p.column or "", p.message),
    )
    if exercises:
        from analogylab.bank import read_bank  # noqa: PLC0415  (bank imports this module)

        bank = read_bank(root)
        report.exercises = len(bank)
        report.problems.extend(bank.problems)
    return report
