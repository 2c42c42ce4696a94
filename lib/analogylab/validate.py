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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from analogylab.errors import DataNotFoundError, DataPackageError
from analogylab.schema import Field, Package, Resource, read_package

__all__ = [
    "Problem",
    "ValidationReport",
    "did_you_mean",
    "display_path",
    "find_data",
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
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent.parent / "data"):
        if (candidate / "datapackage.json").is_file():
            return candidate
    raise DataNotFoundError(
        "the shipped data was not found: reinstall analogylab, or pass the data folder "
        "(load_dataset('path/to/data')) or set ANALOGYLAB_DATA"
    )


def display_path(root: Path, name: str) -> str:
    """The file ``root / name`` as messages name it: relative to the working folder if it can be."""
    p = root / name
    try:
        return os.path.relpath(p)
    except ValueError:  # another drive on Windows
        return str(p)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)``, x the closest of ``choices`` to a misspelt ``value``; or ``""``."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _choices(values: Iterable[str], limit: int = 12) -> str:
    vals = list(values)
    shown = ", ".join(vals[:limit])
    return shown + (f", ... ({len(vals)} in all)" if len(vals) > limit else "")


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


def _read_table(root: Path, res: Resource, problems: list[Problem]) -> _Table | None:
    file = display_path(root, res.path)
    try:
        raw = (root / res.path).read_bytes()
    except FileNotFoundError:
        problems.append(
            Problem(
                file,
                None,
                None,
                "the file is missing",
                f"create it with the header row: {','.join(res.field_names)}",
                "missing-file",
            )
        )
        return None
    bom = raw.startswith(_BOM)
    if bom:
        raw = raw[len(_BOM) :]
    if not raw.strip():
        problems.append(
            Problem(
                file,
                None,
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
            Problem(
                file,
                line,
                None,
                f"the file is not UTF-8 text (byte 0x{raw[e.start]:02X} cannot be read)",
                "save it again as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8; in LibreOffice: "
                "Character set Unicode (UTF-8))",
                "encoding",
            )
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    table = _Table(res, file, header, [], bom)
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
                    f"column '{h}' appears twice",
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
                    f"unknown column '{h}'{did_you_mean(h, expected)}",
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
    for rownum, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # Frictionless reports blank rows
        table.rows.append((rownum, dict(zip(header, cells, strict=False))))
    return table


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
            f"'{cell}' is not an allowed value{did_you_mean(str(cell), fld.enum)}",
            f"use one of: {_choices(fld.enum)}",
            "not-allowed",
        )
    if '"pattern"' in note:
        return Problem(
            file,
            row,
            col,
            f"'{cell}' is not a valid id",
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
            f"{cell} is out of range",
            f"use a value from {lo} to {hi}",
            "out-of-range",
        )
    return Problem(
        file,
        row,
        col,
        f"'{cell}' breaks a rule of this column ({note})",
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


def _frictionless_pass(pkg: Package, tables: dict[str, _Table], problems: list[Problem]) -> None:
    frictionless = _import_frictionless()

    descriptor = dict(pkg.descriptor)
    kept = [r for r in descriptor["resources"] if r["name"] in tables]
    resources = []
    for original in kept:
        r = dict(original)
        table = tables[r["name"]]
        if table.bom:
            r["encoding"] = "utf-8-sig"
        schema = dict(r.get("schema", {}))
        fks = [
            fk
            for fk in schema.get("foreignKeys", [])
            if (fk["reference"].get("resource") or r["name"]) in tables
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
    for task in report.tasks:
        found = by_name.get(task.name)
        if found is None:
            continue
        rows = dict(found.rows)
        for err in task.errors:
            p = _translate(err, found, rows)
            if p is not None:
                problems.append(p)


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
        return Problem(file, row, col, f"'{cell}' is not a valid {kind}", hint, "bad-type")
    if code == "constraint-error":
        return _constraint_problem(file, row, col, cell, err.note, fld)
    if code == "primary-key":
        key = res.primary_key
        cells = rows.get(row or -1, {})
        value = ", ".join(f"{k}='{cells.get(k, '')}'" for k in key)
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
    if code == "foreign-key":
        names = list(err.field_names)
        values = list(err.field_cells)
        target = err.reference_name or res.name
        ref_fields = list(err.reference_field_names)
        if all(not str(v).strip() for v in values):
            return None
        pairs = ", ".join(f"{n}='{v}'" for n, v in zip(names, values, strict=False))
        return Problem(
            file,
            row,
            "+".join(names),
            f"{pairs} does not match any row of {target}.csv (by {', '.join(ref_fields)})",
            f"add that row to {target}.csv first, or correct the id",
            "dangling-reference",
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
        return Problem(
            file,
            row,
            col,
            "the row has fewer cells than the header has columns",
            "add the missing cells (an empty cell is written as nothing between two commas)",
            "missing-cell",
        )
    if code == "unique-error":
        return Problem(
            file, row, col, f"'{cell}' is used twice", "make each value unique", "duplicate-value"
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
                        f"{n} ({cells[n].strip()}) is less than {prev[0]} "
                        f"({cells[prev[0]].strip()})",
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
                    f"{rule['fields'][0]} and {rule['fields'][1]} are both '{a}'",
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


def _own_rules(tables: dict[str, _Table], problems: list[Problem]) -> None:
    for table in tables.values():
        res = table.resource
        for fld in res.fields:
            if fld.references is None or fld.name not in table.header:
                continue
            target_name, target_col = fld.references
            target = tables.get(target_name)
            if target is None:
                continue
            keys = _keys(target, target_col)
            for rownum, cells in table.rows:
                for item in _items(cells.get(fld.name, ""), fld.delimiter):
                    if item not in keys:
                        problems.append(
                            Problem(
                                table.file,
                                rownum,
                                fld.name,
                                f"'{item}' is not among the {target_col} values of "
                                f"{target_name}.csv{did_you_mean(item, keys)}",
                                f"add it to {target_name}.csv first, or correct the id",
                                "unknown-reference",
                            )
                        )
        for rule in res.rules:
            problems.extend(_rule_problems(rule, table, tables))


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
    if tables:
        _frictionless_pass(pkg, tables, problems)
    _own_rules(tables, problems)
    order = {display_path(root, r.path): i for i, r in enumerate(pkg.resources)}
    report.problems = sorted(
        set(problems), key=lambda p: (order.get(p.file, 99), p.row or 0, p.column or "", p.message)
    )
    if exercises:
        from analogylab.bank import read_bank  # noqa: PLC0415  (bank imports this module)

        bank = read_bank(root)
        report.exercises = len(bank)
        report.problems.extend(bank.problems)
    return report
