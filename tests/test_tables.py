"""Tables for students: whole cells, names for ids, plain values, a real and stable HTML table."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pandas as pd
import pytest

from analogylab import analysis
from analogylab.tables import make_table, show_table


class Cells(HTMLParser):
    """The caption, the headings (with their scope) and the cells of an HTML table, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.caption = ""
        self.heads: list[tuple[str, str]] = []  # (scope, text)
        self.cells: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self._scope = ""
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Start collecting a caption, heading or cell."""
        if tag in {"caption", "th", "td"}:
            self._in, self._text = tag, ""
            self._scope = dict(attrs).get("scope") or ""
            self.styles.append(dict(attrs).get("style") or "")

    def handle_data(self, data: str) -> None:
        """Collect its text."""
        if self._in:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        """File what was collected."""
        if tag == self._in == "caption":
            self.caption = self._text
        elif tag == self._in == "th":
            self.heads.append((self._scope, self._text))
        elif tag == self._in == "td":
            self.cells.append(self._text)
        self._in = None


def _parse(html_text: str) -> Cells:
    p = Cells()
    p.feed(html_text)
    return p


def test_long_text_is_shown_whole_and_left_aligned(ds: Any) -> None:
    """Every character of every cell is there: no '...' as pandas cuts at 50 characters."""
    evidence = ds.evidence[ds.evidence.case_id == "russia-taliban-2018"]
    t = make_table(ds, evidence, ["evidence_id", "description"], caption="The evidence")
    page = _parse(t.html())
    assert page.caption == "The evidence"
    assert page.cells == list(evidence.description)  # whole, in order
    assert max(map(len, page.cells)) > 100
    assert "..." not in t.html() and "…" not in t.html()
    text_cells = [s for s in page.styles if "white-space:normal" in s]
    assert text_cells and all("text-align:left" in s for s in text_cells)
    assert all(d in t.text() for d in evidence.description.str[:40])


def test_ids_become_the_datasets_names(ds: Any) -> None:
    """Hypotheses by label, actors by name, events by title; evidence keeps its ids."""
    hyps = ds.hypotheses[ds.hypotheses.case_id == "russia-taliban-2018"]
    t = make_table(ds, hyps, ["hypothesis_id", "confidence"], caption="Explanations")
    page = _parse(t.html())
    assert page.heads[:2] == [("col", "Hypothesis"), ("col", "Confidence")]
    assert [text for scope, text in page.heads if scope == "row"] == list(hyps.label)
    assert "h-narcotics" not in t.html()
    roles = ds.roles[ds.roles.case_id == "us-mujahideen-1980s"].head(3)
    names = dict(zip(ds.actors.actor_id, ds.actors.name, strict=True))
    t = make_table(ds, roles, ["actor_id", "role"])
    assert [r[0] for r in t.rows] == [names[a] for a in roles.actor_id]
    ev = ds.evidence.head(2)
    assert [r[0] for r in make_table(ds, ev, ["evidence_id"]).rows] == list(ev.evidence_id)
    kept = make_table(ds, hyps, ["hypothesis_id"], ids=True)
    assert [r[0] for r in kept.rows] == list(hyps.hypothesis_id)


def test_analysis_tables_read_in_words(ds: Any) -> None:
    """Leave-one-out's tuples and ties, and a matrix's id columns, are named too."""
    reference = analysis.rating_matrix(ds, "russia-taliban-2018")
    loo = analysis.leave_one_out(reference)
    moved = loo[loo.order_changed]
    assert not moved.empty
    t = make_table(ds, moved, ["evidence_id", "leader", "leader_changed", "moved"])
    labels = dict(zip(ds.hypotheses.hypothesis_id, ds.hypotheses.label, strict=True))
    html_text = t.html()
    assert not re.search(r"\(h-[a-z-]+,\)|\bh-[a-z]+-?[a-z-]*\b|True|False", html_text)
    first = moved.iloc[0]
    assert t.rows[0][3] == "; ".join(labels[h] for h in first.moved)
    assert t.rows[0][2] in {"yes", "no"}
    tie = next(r for r in loo.leader if " = " in r)
    row = make_table(ds, pd.DataFrame({"leader": [tie]})).rows[0][0]
    assert row == " = ".join(labels[h] for h in tie.split(" = "))
    matrix = make_table(ds, reference.head(2))
    assert matrix.headings == ["Item", *[labels[h] for h in reference.columns]]


def test_values_read_plainly(ds: Any) -> None:
    """Dates by their precision, yes/no, lists joined, empty cells empty, numbers grouped."""
    events = ds.events.set_index("event_id").loc[
        ["e80-1978-04-saur-revolution", "e80-1978-12-friendship-treaty"]
    ]
    t = make_table(ds, events.reset_index(), ["date", "contested", "actor_ids", "note"])
    assert t.rows[0][:2] == ["27 April 1978", "no"]
    assert t.rows[1][0] == "December 1978"  # precision: month
    names = dict(zip(ds.actors.actor_id, ds.actors.name, strict=True))
    assert t.rows[1][2] == f"{names['ussr']}; {names['dra']}"  # a list of actor ids
    assert t.rows[0][3] == ""  # an empty note
    numbers = pd.DataFrame(
        {"year": [1979, 1987], "troops": [85000.0, 120000.5], "share": [0.5, 1 / 3]}
    )
    t = make_table(None, numbers, digits=2)
    assert t.rows == [["1979", "85,000", "0.5"], ["1987", "120,000.5", "0.33"]]
    assert t.numeric == [True, True, True]
    assert t.headings == ["Year", "Troops", "Share"]


def test_a_real_table_for_screen_readers(ds: Any) -> None:
    """A caption, column headings with scope=col, the first column as row headings."""
    dims = ds.dimensions.head(3)
    t = make_table(ds, dims, ["name", "question"], caption="Three dimensions")
    page = _parse(t.html())
    assert page.caption == "Three dimensions"
    assert [s for s, _ in page.heads] == ["col", "col", "row", "row", "row"]
    assert "<style" not in t.html()  # inline styles survive an untrusted notebook
    no_rows = make_table(ds, dims, ["name"], row_headers=False)
    assert all(s == "col" for s, _ in _parse(no_rows.html()).heads)
    assert make_table(ds, dims).caption == "A table of 3 rows"


def test_pivot_rows_keep_their_headings(ds: Any) -> None:
    """A pivot's or crosstab's index is shown as its first column; row numbers are not."""
    counts = pd.crosstab(ds.ratings.hypothesis_id, ds.ratings.rating)
    t = make_table(ds, counts)
    assert t.headings[0] == "Hypothesis"
    assert t.rows[0][0] in set(ds.hypotheses.label)
    filtered = ds.actors[ds.actors.kind == "state"].head(2)
    assert make_table(ds, filtered, ["name"]).headings == ["Name"]


def test_the_same_rows_give_the_same_bytes(ds: Any) -> None:
    """The stored HTML is compared by nbval: two runs must give identical text."""
    a = make_table(ds, ds.events.head(5), ["date", "title", "note"], caption="c").html()
    b = make_table(ds, ds.events.head(5).copy(), ["date", "title", "note"], caption="c").html()
    assert a == b


def test_sources_come_from_the_rows(ds: Any) -> None:
    """The table knows the sources of the rows it shows, even when that column is not shown."""
    rows = ds.hypotheses.head(2)
    t = make_table(ds, rows, ["label"])
    expected = list(dict.fromkeys(s for ids in rows.source_ids for s in ids))
    assert list(t.sources) == expected


def test_bad_input_says_what_to_fix(ds: Any) -> None:
    """An unknown column names the columns there are; a list is not a table."""
    with pytest.raises(KeyError, match="no column 'nmae' in this table; its columns are: "):
        make_table(ds, ds.actors, ["nmae"])
    with pytest.raises(TypeError, match="a pandas table"):
        make_table(ds, [1, 2])


def test_show_table_displays_once(ds: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Outside IPython nothing is printed; the returned table prints as text."""
    t = show_table(ds, ds.dimensions.head(1), ["name"], caption="One")
    assert capsys.readouterr().out == ""
    assert repr(t).startswith("One\n1. Name: ")


def test_a_folded_table_waits_under_its_summary(ds: Any) -> None:
    """A table that answers an exercise above it is stored closed, under a summary line."""
    rows = ds.events.head(2)
    plain = make_table(ds, rows, ["date", "title"], caption="Two events")
    folded = make_table(
        ds, rows, ["date", "title"], caption="Two events", folded="Open after you answer"
    )
    assert folded.html().startswith('<details class="analogylab-fold">')
    assert "<details" not in folded.html().split("</summary>", 1)[1], "one fold only"
    assert ">Open after you answer</summary>" in folded.html()
    assert folded.html().endswith(plain.html() + "</details>"), "the same table inside"
    assert folded.text() == plain.text(), "the text form (screen readers, nbval) is whole"
