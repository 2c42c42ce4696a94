"""Every lesson has the same frame and navigation, and every chart has its text twin.

That the navigation is current is checked with the rest of the lessons' hygiene by
`analogylab tidy --check` (tests/test_tidy.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import analogylab
from analogylab.data import Dataset
from analogylab.lessons import NAV_MARKER, lesson_index

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
CONTENT = [p for p in LESSONS if not p.name.startswith("00-")]  # the lessons after "start here"


def cells(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["cells"])


def src(cell: dict[str, Any]) -> str:
    return "".join(cell["source"])


def tags(cell: dict[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def test_navigation_links_every_lesson_and_its_neighbours() -> None:
    lessons = lesson_index(NOTEBOOKS)
    assert [les.path for les in lessons] == LESSONS
    for i, les in enumerate(lessons):
        nav = src(cells(les.path)[1])
        assert nav.startswith(NAV_MARKER)
        for other in lessons:
            if other is les:
                assert f"**{les.label}**" in nav
            else:
                assert f"]({other.path.name})" in nav
        assert ("← Previous:" in nav) == (i > 0)
        assert ("Next:" in nav) == (i < len(lessons) - 1)
        assert "[Contents](../README.md#the-lessons)" in nav


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_frame(path: Path) -> None:
    cs = cells(path)
    head = src(cs[0])
    assert re.match(r"# \d\d · ", head)
    for part in ("**Purpose:**", "**By the end you can**", "**Time needed:**"):
        assert part in head, f"{path.name}: the title cell lacks {part}"
    assert src(cs[1]).startswith(NAV_MARKER)
    markdown = [src(c) for c in cs if c["cell_type"] == "markdown"]
    assert any(m.startswith("## Summary") for m in markdown)
    assert "## Sources for this lesson" in "\n".join(markdown)
    last = cs[-1]
    assert last["cell_type"] == "code" and (
        "lesson_sources" in src(last) or "bibliography" in src(last)
    )
    assert last["outputs"] and "text/markdown" in last["outputs"][0]["data"], (
        "sources are listed on the page"
    )


@pytest.mark.parametrize("path", CONTENT, ids=lambda p: p.stem)
def test_lesson_has_interactive_charts_and_exercises(path: Path) -> None:
    cs = [c for c in cells(path) if c["cell_type"] == "code"]
    explorers = [c for c in cs if re.search(r"widgets\.\w+_explorer\(", src(c))]
    assert explorers, f"{path.name} has no interactive chart"
    for c in explorers:
        assert "nbval-ignore-output" in tags(c), (
            f"{path.name}: explorer cell needs the nbval-ignore-output tag"
        )
    ids = [m for c in cs for m in re.findall(r'analogylab\.exercise\("(ex-\d\d-\d+)"[,)]', src(c))]
    lesson = path.name[:2]
    bank = analogylab.load_bank()
    kinds = {bank.exercises[i].kind for i in ids}
    assert len(ids) >= 3 and len(kinds) >= 2, f"{path.name}: {ids} ({kinds})"
    assert all(i.startswith(f"ex-{lesson}-") for i in ids)
    assert {e.id for e in bank.of_lesson(lesson)} <= set(ids), (
        "every exercise of the lesson is on its page"
    )


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_stored_chart_has_its_text_twin_and_no_cell_failed(path: Path) -> None:
    for n, c in enumerate(cells(path), 1):
        if c["cell_type"] != "code":
            continue
        outs = c.get("outputs", [])
        assert not [o for o in outs if o["output_type"] == "error"] or "raises-exception" in tags(
            c
        ), f"{path.name}, cell {n}: a stored error"
        assert not [o for o in outs if o.get("name") == "stderr"], (
            f"{path.name}, cell {n}: stderr (a warning?)"
        )
        figures = sum(  # a chart is a PNG, or a rating table (ACH, hindsight) in HTML
            "image/png" in o.get("data", {})
            or "analogylab-rating-table" in str(o.get("data", {}).get("text/html", ""))
            for o in outs
        )
        twins = sum(
            "analogylab-text-twin" in str(o.get("data", {}).get("text/html", "")) for o in outs
        )
        assert figures == twins, f"{path.name}, cell {n}: {figures} charts but {twins} text twins"


def test_lesson_sources_adds_the_exercises_sources(ds: Dataset) -> None:
    md = analogylab.lesson_sources(ds, "00", ["coll-2004-ghost-wars"])
    text = md.data
    assert "[coll-2004-ghost-wars]" in text
    for ex in analogylab.load_bank().of_lesson("00"):
        for s in ex.sources:
            assert f"[{s}]" in text
    with pytest.raises(KeyError, match="no source_id 'nobody-2020'"):
        analogylab.lesson_sources(ds, "00", ["nobody-2020"])


_CUT_CELL = re.compile(r"<t[dh]\b[^>]*>([^<]*?)(?:\.\.\.|…)</t[dh]>")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_stored_table_cuts_its_text(path: Path) -> None:
    """Issue 18: the tables students read show whole cells (pandas cuts at 50 characters)."""
    cut: list[str] = []
    for i, cell in enumerate(cells(path)):
        for out in cell.get("outputs", []):
            page = out.get("data", {}).get("text/html", "")
            page = "".join(page) if isinstance(page, list) else page
            cut += [f"cell {i}: {m.group(1)[-40:]}..." for m in _CUT_CELL.finditer(page)]
    assert not cut, f"{path.name}: table cells cut short (show them with show_table): {cut[:5]}"
