"""The teachers' guide's plumbing: a scratch copy of the data in which to build and check a case.

``notebooks/teachers-guide.ipynb`` walks a teacher through adding a case as data: a copy of
the data, the files ``analogylab new-case`` starts, rows added to them, the copy validated
with its messages read and fixed, and the new case loaded, drawn and rated. The folder work
(``shutil``, ``tempfile``, changing into a folder so that messages name ``my-data/...``)
lives here, in :class:`Workspace`, so that the guide's cells say only what a teacher does.

A workspace is a temporary folder holding

- ``my-data/``: a copy of the data (without the exercise bank and the templates, which a
  case does not need; the lessons then use the shipped bank), and
- ``my-case/``: the files ``analogylab new-case`` writes for the case (one header-only CSV
  per table a case touches, ``cases.csv`` with its first row started, the template's README).

Rows go into ``my-case/`` (:meth:`Workspace.add_rows`), as a teacher fills in the template;
:meth:`Workspace.merge` builds ``my-data/`` again from the data it was copied from plus every
row of ``my-case/``, so a row fixed in ``my-case/`` and merged again never leaves its old
version behind (the template README's recipe, for a copy kept by hand, drops exact repeats
instead). The folder is removed by :meth:`Workspace.remove`, on leaving a ``with`` block, or
when the workspace is garbage-collected or Python exits.

:data:`TEACHER_NOTEBOOKS` names the notebooks of ``notebooks/`` that are for teachers, not
lessons: ``analogylab tidy`` keeps them in shape without a lesson's navigation, time and
sources cells, ``analogylab refresh`` re-records them, and the student edition leaves them out.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analogylab.newcase import NewCase, new_case
from analogylab.validate import ValidationReport, find_data, validate

if TYPE_CHECKING:
    from analogylab.data import Dataset

__all__ = ["TEACHER_NOTEBOOKS", "Workspace", "is_teacher_notebook"]

#: Notebooks in ``notebooks/`` that are for teachers: not numbered lessons, not in the
#: student edition. ``analogylab tidy`` and ``refresh`` handle them (see the module docstring).
TEACHER_NOTEBOOKS: frozenset[str] = frozenset({"teachers-guide.ipynb"})


def is_teacher_notebook(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names one of :data:`TEACHER_NOTEBOOKS`."""
    return Path(path).name in TEACHER_NOTEBOOKS


def _remove(root: Path, made: bool) -> None:
    """Delete ``root`` if the workspace made it (a folder it was given is left alone)."""
    if made:
        shutil.rmtree(root, ignore_errors=True)


def _read(path: Path) -> pd.DataFrame:
    # Every cell as written: no 1965.0, no NaN for an empty cell.
    return pd.read_csv(path, dtype=str, keep_default_na=False)


class Workspace:
    """A temporary copy of the data and the started files of case ``case_id``.

    ``data`` is the data to copy (default: ``ANALOGYLAB_DATA``, or the shipped data).
    ``folder`` is where the workspace is made (default: a new temporary folder).
    """

    def __init__(
        self,
        case_id: str,
        data: str | os.PathLike[str] | None = None,
        *,
        folder: str | os.PathLike[str] | None = None,
    ) -> None:
        self.source = find_data(data)
        if folder is None:
            self.root = Path(tempfile.mkdtemp(prefix="analogylab-guide-"))
            made = True
        else:
            self.root = Path(folder)
            self.root.mkdir(parents=True, exist_ok=True)
            made = False
        self._finalizer = weakref.finalize(self, _remove, self.root, made)
        self.data = self.root / "my-data"
        self._copy_data()
        self.new_case: NewCase = new_case(case_id, self.root / "my-case", data=self.data)
        self.case_id = case_id
        self.case = self.new_case.folder

    def _copy_data(self) -> None:
        if self.data.exists():
            shutil.rmtree(self.data)
        shutil.copytree(
            self.source, self.data, ignore=shutil.ignore_patterns("exercises", "templates")
        )

    def __repr__(self) -> str:
        return f"<Workspace of case '{self.case_id}' in {self.root}>"

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    # -- the case's files ------------------------------------------------------------

    def files(self) -> list[str]:
        """The case's CSV files, in the order to fill them in (as ``new-case`` lists them)."""
        return list(self.new_case.files)

    def rows(self, table: str) -> pd.DataFrame:
        """The rows of ``my-case/<table>.csv``, every cell as text."""
        return _read(self._file(table))

    def _file(self, table: str) -> Path:
        path = self.case / f"{table}.csv"
        if not path.is_file():
            raise KeyError(
                f"the case has no file {table}.csv; its files are: {', '.join(self.files())}"
            )
        return path

    def add_rows(self, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Append ``rows`` (one mapping each) to ``my-case/<table>.csv``; return how many.

        Columns left out stay empty; values are written as text (``1980``, ``true``). A row
        whose first column (the id) matches a row that has nothing else filled in, such as
        the row of ``cases.csv`` that ``new-case`` starts, fills that row in rather than
        adding another. A column the file does not have is refused, naming the file's columns.
        """
        path = self._file(table)
        frame = _read(path)
        new = [dict(r) for r in rows]
        for r in new:
            unknown = sorted(set(r) - set(frame.columns))
            if unknown:
                raise KeyError(
                    f"{table}.csv has no column {unknown[0]!r}; its columns are: "
                    + ", ".join(frame.columns)
                )
        key = frame.columns[0]
        for r in new:
            values = {c: "" if r.get(c) is None else str(r.get(c, "")) for c in frame.columns}
            started = frame[key] == values[key]
            rest = frame.columns[1:]
            empty = started & (frame[rest] == "").all(axis=1)
            if empty.any():
                frame.loc[empty, list(frame.columns)] = [values[c] for c in frame.columns]
            else:
                frame = pd.concat([frame, pd.DataFrame([values])], ignore_index=True)
        frame.to_csv(path, index=False)
        return len(new)

    def set_cell(self, table: str, row_id: str, column: str, value: str) -> None:
        """Set ``column`` of the row ``row_id`` (its first column) of ``my-case/<table>.csv``."""
        path = self._file(table)
        frame = _read(path)
        if column not in frame.columns:
            raise KeyError(f"{table}.csv has no column {column!r}")
        hit = frame[frame.columns[0]] == row_id
        if not hit.any():
            raise KeyError(f"{table}.csv has no row '{row_id}'")
        frame.loc[hit, column] = value
        frame.to_csv(path, index=False)

    def drop_rows(self, table: str, row_ids: Iterable[str]) -> int:
        """Remove the rows whose id (first column) is in ``row_ids``; return how many went."""
        path = self._file(table)
        frame = _read(path)
        gone = frame[frame.columns[0]].isin(list(row_ids))
        frame[~gone].to_csv(path, index=False)
        return int(gone.sum())

    # -- the copy of the data --------------------------------------------------------

    def merge(self) -> dict[str, int]:
        """Build ``my-data/`` again: the data it was copied from, plus every row of ``my-case/``.

        Returns the rows added, by file (files with no rows left out).
        """
        self._copy_data()
        added = {}
        for name in self.files():
            mine = _read(self.case / name)
            if len(mine):
                target = self.data / name
                pd.concat([_read(target), mine]).to_csv(target, index=False)
                added[name] = len(mine)
        return added

    def validate(self) -> ValidationReport:
        """Check ``my-data/`` as ``analogylab validate my-data`` would, run in the workspace.

        Every message names its file as ``my-data/FILE.csv:ROW:COLUMN``.
        """
        with contextlib.chdir(self.root):
            return validate("my-data")

    def load(self) -> Dataset:
        """Load ``my-data/`` (refused, with the validator's lines, if it has any problem)."""
        from analogylab.data import load_dataset  # noqa: PLC0415  (pandas-heavy: on first use)

        return load_dataset(self.data)

    def remove(self) -> None:
        """Delete the workspace's folder (only one this workspace made itself)."""
        self._finalizer()
