"""Citations that collect themselves: how a lesson page knows the sources of what it showed.

A lesson's last cell, ``analogylab.lesson_sources(ds, "NN")``, lists the sources of
everything on the page. No lesson cell keeps that list: the lesson's dataset does
(``ds.cited``, :class:`analogylab.data.Dataset`). What records there, and when:

================================  ==========================================================
shown with                        records, in the dataset it was drawn or taken from
================================  ==========================================================
``charts.show(chart)``            the chart's sources (its text twin's ``sources``); a rating
                                  table left as a cell's last value is shown the same way
an explorer (``widgets.*``)       the sources of each drawing: the one it starts with when
                                  its cell runs, and every redraw after a change of a control
``analogylab.show_table(ds, t)``  the ``source_ids`` of the table's rows (or of the one row)
``ds.cite(source_id)``            that source
an exercise widget                the exercise's ``sources``, in every dataset loaded in the
                                  kernel (an exercise has none of its own)
================================  ==========================================================

``lesson_sources(ds, "NN")`` lists ``ds.cited`` with the sources of every exercise of
lesson NN in the question bank (their keys rest on them), sorted by id, so the list is
the same on every run of the same cells: nbval compares it like any other output.

Why later redraws of an explorer count: the list is "the sources of what this page
showed you". A student who turns an explorer to another case, then runs the sources
cell again, gets that case's sources too. Nobody's interaction changes the stored
page: nbval, ``analogylab refresh`` and the reader edition never touch a control, so
there the list holds the explorer's starting drawing, and it is deterministic.

Charts, tables and explorers also put their source ids in the output's metadata
(:func:`output_metadata`; JupyterLab and nbval ignore it), so a test can read from a
stored lesson what each output rested on and check that the sources cell lists it
(``tests/test_lesson_citations.py``).

A lesson whose cells still keep a ``cited`` set by hand is named in
:data:`HAND_CITED` while issue 14 rewrites the lessons: there ``tidy`` keeps the
old sources cell, ``lesson_sources(ds, "NN", cited)``. Anywhere else ``tidy --check``
refuses such a cell (:func:`hand_citations` finds it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "HAND_CITED",
    "METADATA_KEY",
    "hand_citations",
    "listed_sources",
    "output_metadata",
    "sources_of_output",
]

METADATA_KEY = "analogylab"

#: Issue 14's rewrite, while it lasts: the lessons whose cells still keep a ``cited`` set by
#: hand. ``analogylab tidy`` leaves them their old sources cell, ``lesson_sources(ds, "NN",
#: cited)``, and lets their ``cited`` lines stand; ``tests/test_lesson_citations.py``
#: expects them to fail its "no cell manages citations" check. Convert a lesson (delete its
#: ``cited`` lines, run ``analogylab tidy`` and ``analogylab refresh NN``), then take its
#: file name out of this set, which switches both checks on for it. Every shipped lesson
#: is converted (issue 14), so the set is empty; it stays for a lesson brought in from an
#: older copy of the course, which can be listed here while it is converted.
HAND_CITED: frozenset[str] = frozenset()

# A line that keeps a set of cited sources: `cited = set()`, `cited |= ...`, `cited.add(...)`,
# `cited.update(...)`, `cited = cited | ...`, or a call that passes it on: `..., cited)`.
_HAND = re.compile(
    r"^[ \t]*cited\s*(?:\|=|=(?!=)|\.(?:add|update)\s*\()"
    r"|\blesson_sources\([^)\n]*,\s*cited\s*\)",
    re.MULTILINE,
)


def output_metadata(source_ids: Iterable[str]) -> dict[str, Any]:
    """The display metadata that carries an output's source ids (empty when there are none)."""
    ids = list(dict.fromkeys(str(s) for s in source_ids))
    return {METADATA_KEY: {"sources": ids}} if ids else {}


def sources_of_output(output: Mapping[str, Any]) -> tuple[str, ...]:
    """The source ids a stored output carries in its metadata (none if it carries none)."""
    meta = output.get("metadata") or {}
    ours = meta.get(METADATA_KEY) if isinstance(meta, Mapping) else None
    ids = ours.get("sources", ()) if isinstance(ours, Mapping) else ()
    return tuple(str(s) for s in ids)


_LISTED = re.compile(r"^- \[([^\]\s]+)\] ", re.MULTILINE)


def listed_sources(markdown: str) -> list[str]:
    """The source ids a sources cell lists (its Markdown, as ``ds.bibliography`` writes it)."""
    return _LISTED.findall(markdown)


def hand_citations(code: str) -> list[str]:
    """The lines of a code cell that keep a list of cited sources by hand, as written."""
    found = []
    for m in _HAND.finditer(code):
        start = code.rfind("\n", 0, m.start()) + 1
        end = code.find("\n", m.end())
        found.append(code[start : end if end >= 0 else len(code)].strip())
    return list(dict.fromkeys(found))
