"""Every lesson's sources cell lists what its page showed, and no lesson cell keeps that list.

Read from the stored lessons: each chart, rating table, table shown with ``show_table``
and explorer carries its source ids in its output's metadata (analogylab.citations), and
the last cell's stored output lists the page's sources. nbval checks that the stored
outputs are what a fresh run gives, so this checks the page a student gets.

The lessons still being rewritten for issue 14 keep a ``cited`` set by hand; they are
named in ``analogylab.citations.HAND_CITED``, and the "no cell keeps citations" test is
expected to fail for them (strictly: once a lesson is converted, the test passes and the
name must go from that set, which switches the check on for it and makes tidy write its
new sources cell).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

import analogylab
from analogylab.citations import HAND_CITED, hand_citations, listed_sources, sources_of_output
from analogylab.lessons import text_of
from analogylab.notebooks import lesson_sources_code

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
_CITED_NAME = re.compile(r"(?<![.\w])cited\b")  # the variable, not ds.cited


def converted(path: Path) -> Any:
    """The lesson as a pytest parameter: expected to fail while it keeps citations by hand."""
    if path.name in HAND_CITED:
        return pytest.param(
            path,
            id=path.stem,
            marks=pytest.mark.xfail(
                reason="issue 14: this lesson still keeps a cited set by hand", strict=True
            ),
        )
    return pytest.param(path, id=path.stem)


def code_cells(path: Path) -> list[tuple[int, Any]]:
    nb = nbformat.read(path, as_version=4)
    return [(n, c) for n, c in enumerate(nb.cells, 1) if c.cell_type == "code"]


def test_the_transition_list_names_only_lessons() -> None:
    assert {p.name for p in LESSONS} >= HAND_CITED, "a name in HAND_CITED that is no lesson"


@pytest.mark.parametrize("path", [converted(p) for p in LESSONS])
def test_no_cell_keeps_the_pages_citations_by_hand(path: Path) -> None:
    cells = code_cells(path)
    by_hand = [
        f"cell {n}: {text_of(c.source).strip()[:80]}"
        for n, c in cells
        if hand_citations(c.source) or _CITED_NAME.search(c.source)
    ]
    assert not by_hand, f"{path.name} keeps cited sources by hand:\n" + "\n".join(by_hand)
    last = cells[-1][1]
    assert (
        last.source
        == lesson_sources_code(path)
        == (f'analogylab.lesson_sources(ds, "{path.name[:2]}")')
    )


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_sources_cell_lists_every_source_the_page_showed(path: Path) -> None:
    cells = code_cells(path)
    *body, (_, last) = cells
    assert "lesson_sources(" in last.source
    listed = set(
        listed_sources(
            "".join(text_of(o.get("data", {}).get("text/markdown", "")) for o in last.outputs)
        )
    )
    assert listed, f"{path.name}: the sources cell lists nothing"
    shown: dict[str, set[str]] = {}
    for n, cell in body:
        for out in cell.outputs:
            for sid in sources_of_output(out):
                shown.setdefault(sid, set()).add(f"cell {n}")
    assert shown, f"{path.name}: no chart, table or explorer on the page says what it rests on"
    missing = {sid: sorted(where) for sid, where in shown.items() if sid not in listed}
    assert not missing, f"{path.name}: shown but not listed: {missing}"
    exercises = {s for ex in analogylab.load_bank().of_lesson(path.name[:2]) for s in ex.sources}
    assert exercises <= listed, f"{path.name}: exercise sources not listed"
