"""Load the curated tables as typed pandas DataFrames.

``load_dataset()`` validates the data first and loads nothing if anything is
wrong (``DataValidationError`` lists the problems). Validation is the slow part
(Frictionless); its result is remembered by a fingerprint of the exact bytes of
``datapackage.json`` and every CSV, in memory and in the user's cache folder, so
reloading unchanged data skips it. Any edit changes the fingerprint and the
next load validates again.

Column types come from ``datapackage.json``:

========= ===========================================================
schema    pandas
========= ===========================================================
string    pandas' default text type, also where the schema lists the allowed
          values (``Dataset.vocabulary`` gives them): plain text keeps grouping
          and counting simple for students, and parses three times faster
integer   ``Int64`` (nullable)
number    ``float64`` (NaN where empty)
boolean   ``boolean``
date      ``datetime64``
list      a tuple of strings per cell (``()`` where empty)
========= ===========================================================
"""

from __future__ import annotations

import hashlib
import io
import os
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analogylab._version import __version__
from analogylab.errors import DataValidationError, UnknownIdError, UnknownTableError
from analogylab.schema import Package, Resource, read_package
from analogylab.validate import did_you_mean, find_data, shipped_data, validate

__all__ = ["Dataset", "load_dataset", "load_table", "record_in_every_dataset"]

_validated: set[str] = set()  # fingerprints validated in this process
# Every Dataset still in use in this process: what is shown without one (an exercise) is
# recorded in each of them (see ``record_in_every_dataset``).
_live: weakref.WeakValueDictionary[int, Dataset] = weakref.WeakValueDictionary()


def _cache_dir() -> Path | None:
    env = os.environ.get("ANALOGYLAB_CACHE")
    if env is not None:
        return Path(env) if env else None  # ANALOGYLAB_CACHE="" turns the disk cache off
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "analogylab"


def _validator_stamp() -> bytes:
    """Changes whenever the validating code changes, so a new validator re-checks the data."""
    here = Path(__file__).parent
    h = hashlib.sha256(__version__.encode())
    for name in ("validate.py", "schema.py", "completeness.py"):
        h.update((here / name).read_bytes())
    return h.digest()


def _fingerprint(descriptor: bytes, files: Iterable[bytes]) -> str:
    h = hashlib.sha256(_validator_stamp())
    h.update(descriptor)
    for b in files:
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def _known_good(fp: str) -> bool:
    if fp in _validated:
        return True
    d = _cache_dir()
    if d is not None and (d / f"valid-{fp}").is_file():
        _validated.add(fp)
        return True
    return False


def _remember(fp: str) -> None:
    _validated.add(fp)
    d = _cache_dir()
    if d is None:
        return
    try:
        d.mkdir(parents=True, exist_ok=True)
        (d / f"valid-{fp}").touch()
    except OSError:
        pass  # a read-only home only costs a re-validation next time


def _read_options(res: Resource) -> dict[str, Any]:
    """read_csv options for one table (built once per descriptor).

    Column types are fixed after parsing, and only where pandas' own inference
    differs from the schema: naming a dtype for every column costs more than the
    parse itself on files this small.
    """
    return {
        "parse_dates": [f.name for f in res.fields if f.type == "date"],
        "date_format": "%Y-%m-%d",
        "keep_default_na": False,  # "NA" is a rating, not a missing value
        "na_values": [""],
        "encoding": "utf-8-sig",  # accepts the BOM of Excel's "CSV UTF-8"
    }


_TARGET: dict[str, Any] = {"integer": "Int64", "number": "float64", "boolean": "boolean"}


def _read(res: Resource, raw: bytes, options: dict[str, Any]) -> pd.DataFrame:
    """Parse one CSV (already validated) into a DataFrame typed by the schema."""
    df: pd.DataFrame = pd.read_csv(io.BytesIO(raw), **options)
    for f in res.fields:
        col = df[f.name]
        target = _TARGET.get(f.type)
        if target is not None:
            if str(col.dtype) != target:
                df[f.name] = col.astype(target)
        elif f.type == "list":
            d = f.delimiter
            cells = np.empty(len(df), dtype=object)  # filled one by one: tuples stay whole
            for i, v in enumerate(col.tolist()):
                cells[i] = (
                    tuple(s.strip() for s in v.split(d) if s.strip()) if isinstance(v, str) else ()
                )
            df[f.name] = cells
        elif f.type == "date":
            if col.dtype.kind != "M":  # an all-empty date column
                df[f.name] = pd.to_datetime(col)
        elif col.dtype.kind == "f":  # an all-empty text column
            df[f.name] = col.astype("string")
    names = res.field_names
    if list(df.columns) != names:
        df = df.reindex(columns=names)
    return df


@dataclass
class Dataset:
    """All tables of a data package, typed, with lookups.

    Tables are attributes (``ds.events``) and items (``ds["events"]``); both give
    the DataFrame. ``ds.names`` lists them in the order of ``datapackage.json``.

    A dataset also keeps the **sources of what has been shown from it** (``cited``):
    every chart shown with ``charts.show``, every drawing of an explorer, every table
    shown with ``analogylab.show_table``, every ``cite``, and the exercises shown
    while it is loaded record theirs, so a lesson's last cell,
    ``analogylab.lesson_sources(ds, "NN")``, can list them with no bookkeeping in
    the lesson (see :mod:`analogylab.citations`).
    """

    path: Path
    package: Package = field(repr=False)
    tables: dict[str, pd.DataFrame] = field(repr=False)
    _cited: dict[str, None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _live[id(self)] = self  # by id: a dataclass that compares by value is not hashable

    # -- tables -------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """The table names."""
        return list(self.tables)

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise UnknownTableError(
                f"no table '{name}'{did_you_mean(name, self.tables)}; the tables are: "
                + ", ".join(self.tables)
            ) from None

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name in {"path", "package", "tables", "cited"}:
            raise AttributeError(name)
        return self[name]

    # -- what the page has shown ----------------------------------------------------------

    @property
    def cited(self) -> tuple[str, ...]:
        """The source ids of everything shown from this dataset so far, in the order first shown.

        Charts shown with ``charts.show``, each drawing of an explorer, tables shown with
        ``analogylab.show_table``, ``ds.cite`` and the exercises shown since the dataset
        was loaded add to it; ``analogylab.lesson_sources(ds, "NN")`` lists it. It only
        grows: a dataset loaded again (the lesson's setup cell run again) starts empty.
        """
        return tuple(self._cited)

    def record_sources(self, source_ids: Iterable[str]) -> None:
        """Add ``source_ids`` to :attr:`cited`: the page has shown something that rests on them.

        The charts, explorers, tables and exercises of the package call this themselves;
        call it from a display of your own. Ids are checked when the sources are listed
        (``lesson_sources`` names an unknown one), not here.
        """
        for sid in source_ids:
            self._cited.setdefault(str(sid), None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self.tables]

    def summary(self) -> pd.DataFrame:
        """One row per table: name, title, rows, columns and what it holds."""
        return pd.DataFrame(
            [
                {
                    "table": r.name,
                    "title": r.title,
                    "rows": len(self.tables[r.name]),
                    "columns": len(r.fields),
                    "description": r.description,
                }
                for r in self.package.resources
            ]
        )

    def codebook(self, table: str) -> pd.DataFrame:
        """The fields of ``table``: type, whether required, allowed values, meaning."""
        self[table]  # a clear error for an unknown name
        res = self.package.resource(table)
        return pd.DataFrame(
            [
                {
                    "column": f.name,
                    "type": f.kind,
                    "required": f.required,
                    "allowed values": ", ".join(f.enum) if f.enum else "",
                    "meaning": f.description,
                }
                for f in res.fields
            ]
        )

    def vocabulary(self, table: str, column: str) -> pd.DataFrame:
        """The allowed values of a column and what each means (empty meaning if undocumented)."""
        self[table]
        try:
            f = self.package.resource(table).field(column)
        except KeyError:
            raise UnknownIdError(f"no column '{column}' in {table}.csv") from None
        if f.enum is None:
            raise UnknownIdError(f"{table}.{column} is free text: it has no fixed list of values")
        labels = f.labels or {}
        return pd.DataFrame({"value": list(f.enum), "meaning": [labels.get(v, "") for v in f.enum]})

    def __repr__(self) -> str:
        # No path here: lesson outputs must read the same on every machine.
        counts = ", ".join(f"{n} {len(t)}" for n, t in self.tables.items())
        name = self.package.descriptor.get("name", "data")
        version = self.package.descriptor.get("version", "")
        return f"<Dataset {name} {version}: {counts}>"

    # -- lookups ------------------------------------------------------------------------

    def row(self, table: str, key: str) -> pd.Series:
        """The row of ``table`` whose (single-column) primary key is ``key``."""
        df = self[table]
        pk = self.package.resource(table).primary_key
        if len(pk) != 1:
            raise UnknownIdError(
                f"{table} is keyed by {', '.join(pk)} together; select rows with a filter, "
                f"e.g. ds.{table}[ds.{table}.{pk[0]} == ...]"
            )
        hits = df[df[pk[0]] == key]
        if hits.empty:
            raise UnknownIdError(
                f"no {pk[0]} '{key}' in {table}.csv{did_you_mean(key, df[pk[0]].astype(str))}"
            )
        row = hits.iloc[0].copy()
        row.name = key
        return row

    def actor(self, actor_id: str) -> pd.Series:
        """The actors row for ``actor_id``."""
        return self.row("actors", actor_id)

    def case(self, case_id: str) -> pd.Series:
        """The cases row for ``case_id``."""
        return self.row("cases", case_id)

    def source(self, source_id: str) -> pd.Series:
        """The sources row for ``source_id``."""
        return self.row("sources", source_id)

    def cite(self, source_id: str) -> str:
        """A formatted citation: Author (date). Title. Outlet. URL.

        The source counts as shown on the page (it is added to :attr:`cited`).
        """
        text = self._citation(source_id)
        self.record_sources([source_id])
        return text

    def _citation(self, source_id: str) -> str:
        s = self.source(source_id)

        def cell(name: str) -> str:
            v = s.get(name)
            return "" if v is None or pd.isna(v) else str(v).strip()

        parts = [f"{cell('author')} ({cell('published') or 'n.d.'}).", f"{cell('title')}."]
        if cell("outlet"):
            parts.append(f"{cell('outlet')}.")
        if cell("url"):
            parts.append(cell("url"))
        return " ".join(parts)

    def bibliography(self, source_ids: Iterable[str] | None = None) -> str:
        """A Markdown list of citations, sorted, for ``source_ids`` (default: every source)."""
        ids = sorted(set(source_ids)) if source_ids is not None else list(self.sources.source_id)
        return "\n".join(f"- [{sid}] {self._citation(sid)}" for sid in ids)

    def sources_of(self, table: str) -> list[str]:
        """Every source id cited by ``table``, sorted."""
        return sorted({s for ids in self[table].source_ids for s in ids})


_described_cache: dict[tuple[Path, bytes], tuple[Package, dict[str, dict[str, Any]]]] = {}


def _described(root: Path, descriptor: bytes) -> tuple[Package, dict[str, dict[str, Any]]]:
    """The package description and read options, parsed once per descriptor text."""
    key = (root.resolve(), descriptor)
    hit = _described_cache.get(key)
    if hit is None:
        pkg = read_package(root)
        hit = _described_cache[key] = (pkg, {r.name: _read_options(r) for r in pkg.resources})
    return hit


def _read_package_bytes(root: Path, pkg: Package, names: Iterable[str]) -> dict[str, bytes]:
    return {name: (root / pkg.resource(name).path).read_bytes() for name in names}


def _bank_bytes(root: Path) -> list[bytes]:
    """The exercise files the validator reads for citations (see ``validate.bank_sources``)."""
    folder = root / "exercises"
    if not folder.is_dir():  # a copy without a bank: the lessons use the shipped one
        shipped = shipped_data()
        folder = shipped / "exercises" if shipped is not None else folder
    if not folder.is_dir():
        return []
    return [p.name.encode() + p.read_bytes() for p in sorted(folder.glob("*.y*ml"))]


def load_dataset(
    path: str | os.PathLike[str] | None = None,
    *,
    validate_first: bool = True,
) -> Dataset:
    """Load every table of the data package at ``path`` (default: the shipped data).

    The data is validated first; if it has any problem, DataValidationError is
    raised listing them, and nothing is loaded. ``validate_first=False`` skips
    the check (for benchmarks and for data you have just validated yourself).
    """
    root = find_data(path)
    descriptor = (root / "datapackage.json").read_bytes()
    pkg, options = _described(root, descriptor)
    try:
        raw = _read_package_bytes(root, pkg, pkg.names)
    except OSError:
        # a file missing or unreadable (a folder in its place ...): the report names it
        raise DataValidationError(validate(root, exercises=False)) from None
    if validate_first:
        # The exercise bank counts too: a source it alone cites is not an uncited one.
        fp = _fingerprint(descriptor, [*raw.values(), *_bank_bytes(root)])
        if not _known_good(fp):
            report = validate(root, exercises=False)
            if not report.ok:
                raise DataValidationError(report)
            _remember(fp)
    tables = {r.name: _read(r, raw[r.name], options[r.name]) for r in pkg.resources}
    return Dataset(path=root, package=pkg, tables=tables)


def record_in_every_dataset(source_ids: Iterable[str]) -> None:
    """Record ``source_ids`` as shown in every dataset loaded and still in use in this kernel.

    For what is shown without a dataset of its own: an exercise widget. A lesson loads
    one dataset, so this is the lesson's; a notebook that loads two (a teacher's copy
    beside the shipped data) lists the exercise's sources from either.
    """
    ids = list(source_ids)
    for ds in list(_live.values()):
        ds.record_sources(ids)


def load_table(name: str, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load one table (validating the whole package, since tables refer to each other)."""
    return load_dataset(path)[name]
