"""The lessons as a collection: their order and titles, navigation, and each page's sources.

Lessons are the notebooks ``NN-slug.ipynb`` in ``notebooks/``; their order is their
number and their title is the first heading, ``# NN · Title: subtitle``. The
second cell of every lesson is its navigation: a Markdown cell that starts with
``<!-- analogylab:navigation -->``, built by :func:`navigation_markdown` and written
by ``analogylab tidy`` (:mod:`analogylab.notebooks`), never by hand. The test suite
runs ``tidy`` in check mode, so a lesson added, renamed or retitled without
regenerating the navigation fails CI with the command that fixes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analogylab.data import Dataset
from analogylab.errors import NotebookError

__all__ = [
    "NAV_MARKER",
    "Lesson",
    "cell_tags",
    "lesson_index",
    "lesson_sources",
    "navigation_markdown",
    "text_of",
]

NAV_MARKER = "<!-- analogylab:navigation -->"
_NAME = re.compile(r"^(\d\d)-[a-z0-9-]+\.ipynb$")
_HEADING = re.compile(r"^#\s+(\d\d)\s*·\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Lesson:
    """One lesson notebook: its number, file and short title."""

    number: str  # "01"
    path: Path
    title: str  # "The argument" (the heading up to its first colon)
    intro: str = ""  # the whole first cell: heading, purpose, goals, time needed

    @property
    def label(self) -> str:
        """Number and title, such as '01 The argument'."""
        return f"{self.number} {self.title}"

    def link(self) -> str:
        """A Markdown link to the lesson, relative to the notebooks folder."""
        return f"[{self.label}]({self.path.name})"


def text_of(value: Any) -> str:
    """A notebook text field as one string (empty if missing).

    nbformat stores a cell's source, a stream's text and a display's
    ``text/plain`` either as one string or as a list of lines; both are allowed.
    """
    return "".join(value) if isinstance(value, list) else str(value or "")


def cell_tags(cell: dict[str, Any]) -> list[str]:
    """The tags of a cell, as a new list of strings (empty if it has none)."""
    return [str(t) for t in cell.get("metadata", {}).get("tags", [])]


def _source(cell: dict[str, Any]) -> str:
    return text_of(cell.get("source", ""))


def lesson_index(folder: Path) -> list[Lesson]:
    """Every lesson in ``folder``, in number order, with its short title."""
    lessons = []
    for path in sorted(folder.glob("*.ipynb")):
        m = _NAME.match(path.name)
        if not m:
            continue
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (ValueError, AttributeError) as err:
            raise NotebookError(
                str(path),
                f"cannot be read as a notebook ({type(err).__name__}: {err})",
                "open it in JupyterLab and save it again, or restore it from version control",
            ) from err
        first = _source(cells[0]) if cells else ""
        h = _HEADING.search(first)
        if not h or h.group(1) != m.group(1):
            raise NotebookError(
                str(path),
                f"the first cell must start with the heading '# {m.group(1)} · Title'",
                "write the lesson's number and title as its first line",
                cell=1,
            )
        lessons.append(Lesson(m.group(1), path, h.group(2).split(":")[0].strip(), first))
    numbers = [les.number for les in lessons]
    dup = next((n for n in numbers if numbers.count(n) > 1), None)
    if dup is not None:
        raise NotebookError(
            str(folder),
            f"two lessons are numbered {dup}",
            "give each lesson its own number",
            cell=None,
        )
    return lessons


def navigation_markdown(lessons: list[Lesson], number: str) -> str:
    """The navigation cell of lesson ``number``: every lesson, then previous and next."""
    i = next(k for k, les in enumerate(lessons) if les.number == number)
    items = [f"**{les.label}**" if k == i else les.link() for k, les in enumerate(lessons)]
    steps = []
    if i > 0:
        steps.append(f"← Previous: {lessons[i - 1].link()}")
    if i + 1 < len(lessons):
        steps.append(f"Next: {lessons[i + 1].link()} →")
    steps.append("[Contents](../README.md#the-lessons)")
    return f"{NAV_MARKER}\n**Lessons:** " + " · ".join(items) + "\n\n" + " · ".join(steps)


def lesson_sources(ds: Dataset, lesson: str, cited: Iterable[str] | None = None) -> Any:
    """The sources of a lesson page, as Markdown: what the page showed, and its exercises'.

    What the page showed is ``ds.cited``: the sources every chart shown with
    ``charts.show``, every explorer's drawings, every table shown with
    ``analogylab.show_table``, every ``ds.cite`` and every exercise widget recorded
    in the dataset (see :mod:`analogylab.citations`). The exercises of ``lesson`` in
    the bank add theirs, since their keys rest on them. The list is sorted by id, so
    the same cells give the same list on every run.

    ``cited`` (optional) adds ids of your own: the old way of keeping a set of
    cited sources by hand still works in a notebook of your own, but lessons need
    none. An id that is not in the sources table is an error, not a silent gap.
    """
    from IPython.display import Markdown  # noqa: PLC0415

    from analogylab.exercises import load_bank  # noqa: PLC0415

    ids = set(ds.cited) | set(cited or ())
    ids |= {s for ex in load_bank().of_lesson(lesson) for s in ex.sources}
    if not ids:
        return Markdown("No sources are cited on this page.")  # type: ignore[no-untyped-call]
    return Markdown(ds.bibliography(sorted(ids)))  # type: ignore[no-untyped-call]
