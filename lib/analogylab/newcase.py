"""Start a teacher's own case: ``analogylab new-case ID [FOLDER]``.

Writes a folder with one CSV file per table a case uses, each holding just the header
of the data in use (so it matches that copy's ``datapackage.json``), the first row of
``cases.csv`` with the case id filled in, and the template's README, the guide to
filling them in, merging them into a copy of the data and checking it. The tables a
case uses are those of the template shipped in ``templates/case/``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

from analogylab.errors import NewCaseError
from analogylab.schema import read_package
from analogylab.validate import find_data, shipped_data

__all__ = ["NewCase", "new_case"]


@dataclass(frozen=True)
class NewCase:
    """What ``new_case`` wrote, and what to do next."""

    case_id: str
    folder: Path
    data: Path
    files: tuple[str, ...]  # the CSV files, in the order to fill them in

    def next_steps(self) -> str:
        """The steps after this one, in words, with the commands to type."""
        folder, data = _shown(self.folder), _shown(self.data)
        order = ", ".join(Path(f).stem for f in self.files)
        steps = [
            (
                f"Fill in the files in this order (README.md says what each column means): "
                f"{order}. Files you do not need keep their header only."
            ),
            f"Make a copy of the data to merge into, once: cp -r {data} my-data",
            (
                "Merge your rows into it (README.md, 'Merge and validate'), then check it "
                "with: analogylab validate my-data. Fix what it reports until it says 'no "
                "problems'. Each table is all or none: a pair of cases has a likeness row "
                "for every dimension, every evidence item is rated against every hypothesis "
                "of the case."
            ),
            (
                'Use it: analogylab.load_dataset("../my-data") in a lesson, or '
                'ANALOGYLAB_DATA="$PWD/my-data" uv run jupyter lab for every lesson.'
            ),
            f'Let students rate its evidence: analogylab.rating_exercise(ds, "{self.case_id}")',
        ]
        head = (
            f"Started case '{self.case_id}' in {folder}/: {len(self.files)} CSV files, one "
            "per table a case uses, each with its header row, and README.md, the guide. "
            f"cases.csv has its first row, with case_id '{self.case_id}' filled in."
        )
        lines = [*textwrap.wrap(head, 88), "", "Next:"]
        for n, step in enumerate(steps, start=1):
            lines += textwrap.wrap(step, 88, initial_indent=f"  {n}. ", subsequent_indent="     ")
        return "\n".join(lines)


def _shown(path: Path) -> str:
    """A path as the user would type it: relative if it is below here, else absolute."""
    rel = os.path.relpath(path)
    return str(path.resolve()) if rel.startswith("..") else rel


def _template(root: Path) -> Path:
    for base in (root, shipped_data()):
        if base is not None and (base / "templates" / "case" / "cases.csv").is_file():
            return base / "templates" / "case"
    raise NewCaseError(
        f"no case template in {root}/templates/case or in the shipped data; reinstall "
        "analogylab, or copy templates/case/ from the project"
    )


def _existing_cases(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    return [row.get("case_id", "") for row in csv.DictReader(io.StringIO(text, newline=""))]


def new_case(
    case_id: str,
    folder: str | os.PathLike[str] | None = None,
    *,
    data: str | os.PathLike[str] | None = None,
) -> NewCase:
    """Start the files of a new case ``case_id`` in ``folder`` (default: ``./<case_id>``).

    ``data`` is the data package the case will join (default: ``ANALOGYLAB_DATA``, or
    the shipped data); its ``datapackage.json`` gives the headers. Refuses an id that is
    not a valid id or is already a case there, and a folder that exists and is not empty.
    """
    root = find_data(data)
    pkg = read_package(root)
    cases = pkg.resource("cases")
    pattern = cases.field("case_id").pattern or r"^[a-z0-9][a-z0-9-]*$"
    if not re.fullmatch(pattern.strip("^$"), case_id):
        raise NewCaseError(
            f"'{case_id}' is not a valid case id; use lower-case letters, digits and hyphens, "
            "starting with a letter or digit, with a year if you can (e.g. us-syria-2012)"
        )
    existing = _existing_cases(root / cases.path)
    if case_id in existing:
        raise NewCaseError(
            f"'{case_id}' is already a case in {os.path.relpath(root / cases.path)}; choose "
            "another id for a new case"
        )
    template = _template(root)
    names = {p.stem for p in template.glob("*.csv")}
    tables = [r for r in pkg.resources if r.name in names]
    if not tables:
        raise NewCaseError(f"the case template in {template} names no table of {root}")
    target = Path(folder) if folder is not None else Path(case_id)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise NewCaseError(
            f"{target} already exists and is not an empty folder; give another folder "
            f"(analogylab new-case {case_id} FOLDER) or move that one away"
        )
    target.mkdir(parents=True, exist_ok=True)
    for res in tables:
        rows = [res.field_names]
        if res.name == cases.name:
            rows.append([case_id if n == "case_id" else "" for n in res.field_names])
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator="\n").writerows(rows)
        (target / res.path).write_text(buf.getvalue(), encoding="utf-8")
    if (template / "README.md").is_file():
        shutil.copyfile(template / "README.md", target / "README.md")
    return NewCase(case_id, target, root, tuple(r.path for r in tables))
