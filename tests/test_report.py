"""The class report: a synthetic class whose figures are known, the page, and the command.

Seven students answer lesson 00 through the real marking and answer store, then
export as they would hand in: Ana right first time, Ben right at the second try,
Cy wrong until the key was shown (his right answer afterwards does not count),
Dee only with an answer of the wrong form (not counted: she has started, not
tried), Eve answered nothing at all (an empty export), and Gus, on the roster, never
handed anything in. The rating grid's first cell is given by one student as the
reference has it and by two otherwise, so its spread is known; the short text is
assessed by two. The answers come from the question bank's own key, so the tests
follow any change to lesson 00's exercises.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analogylab.bank import Bank, Exercise
from analogylab.cli import main
from analogylab.errors import ReportError
from analogylab.exercises import load_bank, record
from analogylab.report import (
    _JUDGEMENTS,
    GENERATOR,
    ClassReport,
    Spread,
    class_report,
    register_judgement,
)
from analogylab.store import AnswerStore, export_answers

NAMES = ["Ana", "Ben", "Cy", "Dee"]


def _grid_with(ex: Exercise, value: str | None) -> dict[str, dict[str, str]]:
    """The grid's key, with its first cell set to ``value`` (None: the key itself)."""
    grid = {r: dict(cols) for r, cols in ex.key.items()}
    if value is not None:
        row = ex.rows[0].id
        grid[row][ex.columns[0].id] = value
    return grid


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="module")
def other_value(bank: Bank) -> str:
    """A rating of the grid's first cell that is not the reference's."""
    ex = bank["ex-00-7"]
    key = ex.key[ex.rows[0].id][ex.columns[0].id]
    return next(v for v in ex.scale if v != key)


@pytest.fixture(scope="module")
def hand_in(tmp_path_factory: pytest.TempPathFactory, bank: Bank, other_value: str) -> Path:
    """The class's exports, in one folder (Eve's empty; Gus has none)."""
    base = tmp_path_factory.mktemp("class")
    single, grid, text = bank["ex-00-1"], bank["ex-00-7"], bank["ex-00-6"]
    right = next(o.id for o in single.options if o.correct)
    wrong = [o.id for o in single.options if not o.correct]
    plans: dict[str, list[tuple[str, Any, list[str] | None]]] = {
        "Ana": [
            ("ex-00-1", right, None),
            ("ex-00-7", _grid_with(grid, None), None),
            ("ex-00-6", "Ana's answer", None),
            ("ex-00-6", "Ana's answer", [text.rubric[0].id, text.rubric[1].id]),
        ],
        "Ben": [
            ("ex-00-1", wrong[0], None),
            ("ex-00-1", right, None),
            ("ex-00-7", _grid_with(grid, other_value), None),
            ("ex-00-7", _grid_with(grid, None), None),  # after the key: not his own judgement
            ("ex-00-6", "Ben's answer", None),
        ],
        "Cy": [
            *[("ex-00-1", wrong[i % len(wrong)], None) for i in range(single.attempts)],
            ("ex-00-1", right, None),  # the key was shown: does not count as right
            ("ex-00-7", _grid_with(grid, other_value), None),
            ("ex-00-6", "Cy's answer", [text.rubric[0].id]),
        ],
        "Dee": [("ex-00-1", 3, None)],  # the wrong form: recorded, not counted
    }
    for name, plan in plans.items():
        store = AnswerStore(base / "stores" / name)
        store.set_meta("student", name)
        for ex_id, answer, ticked in plan:
            record(ex_id, answer, ticked=ticked, store=store)
        fmt = "json" if name == "Ben" else "csv"  # a class hands in both kinds
        export_answers(store, fmt, base / f"{name.lower()}.{fmt}")
    empty = AnswerStore(base / "stores" / "Eve")
    empty.set_meta("student", "Eve")
    export_answers(empty, "json", base / "eve-export.json")
    return base


@pytest.fixture(scope="module")
def report(hand_in: Path) -> ClassReport:
    files = sorted(hand_in.glob("*.csv")) + sorted(hand_in.glob("*.json"))
    return class_report(files, roster=["Ana", "Gus"])


def _row(report: ClassReport, ex_id: str) -> dict[str, Any]:
    table = report.exercises.set_index("exercise_id")
    return table.loc[ex_id].to_dict()


def test_the_class_is_everyone_who_handed_in_or_is_on_the_roster(report: ClassReport) -> None:
    assert report.students == 6  # Ana, Ben, Cy, Dee, Eve (empty export), Gus (roster only)
    started = report.not_started
    assert set(started[started.lesson == "00"].student) == {"Eve", "Gus"}
    assert set(started[started.lesson == "01"].student) == {*NAMES, "Eve", "Gus"}


def test_tried_first_time_in_the_end_and_attempts_are_counted_as_defined(
    report: ClassReport, bank: Bank
) -> None:
    row = _row(report, "ex-00-1")
    assert row["tried"] == 3  # Dee's answer of the wrong form does not count
    assert row["first_right"] == 1  # Ana
    assert row["right_in_end"] == 2  # Ana, Ben; Cy was right only after the key was shown
    tries = [1, 2, bank["ex-00-1"].attempts + 1]
    assert row["attempts_median"] == sorted(tries)[1] and row["attempts_most"] == max(tries)
    assert row["best_score"] == pytest.approx(2 / 3)
    untouched = _row(report, "ex-00-2")
    assert untouched["tried"] == 0 and pd.isna(untouched["first_right"])


def test_the_wrong_choices_come_with_the_explanation_shown(report: ClassReport, bank: Bank) -> None:
    ex = bank["ex-00-1"]
    wrong = [o for o in ex.options if not o.correct]
    table = report.wrong_choices[report.wrong_choices.exercise_id == "ex-00-1"]
    first = table.iloc[0]
    assert first.choice == f"{wrong[0].id}) {wrong[0].text}" and first.students == 2  # Ben, Cy
    assert first.explanation == wrong[0].explanation
    assert len(table) <= 3  # the three made most


def test_the_grid_spread_counts_each_students_own_rating_beside_the_reference(
    report: ClassReport, bank: Bank, other_value: str
) -> None:
    ex = bank["ex-00-7"]
    cell = report.spreads[report.spreads.exercise_id == "ex-00-7"].iloc[0]
    reference = ex.key[ex.rows[0].id][ex.columns[0].id]
    assert cell["reference"] == reference
    assert cell[reference] == 1 and cell[other_value] == 2  # Ben's re-check after the key: not his
    assert cell["answered"] == 3 and cell["agree"] == 1
    assert cell["item"] == f"{ex.rows[0].text} / {ex.columns[0].text}"
    assert len(report.spreads[report.spreads.exercise_id == "ex-00-7"]) == len(ex.rows) * len(
        ex.columns
    )


def test_the_short_text_spread_counts_the_rubric_ticks_of_the_latest_self_assessment(
    report: ClassReport,
) -> None:
    rubric = report.spreads[report.spreads.exercise_id == "ex-00-6"]
    assert rubric["ticked"].tolist()[:2] == [2, 1]  # r1: Ana and Cy; r2: Ana
    assert set(rubric["answered"]) == {2}  # Ben answered but did not assess himself
    assert rubric["reference"].isna().all()


class _Page(HTMLParser):
    """What the page is made of: tags, attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_the_page_is_offline_and_accessible(report: ClassReport) -> None:
    html = report.html()
    page = _parse(html)
    tags = [t for t, _ in page.tags]
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in tags, landmark
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for _, attrs in page.tags:
        for key in ("src", "href"):
            assert not re.match(r"(?i)^(https?:)?//", attrs.get(key) or ""), attrs
    assert f'<meta name="generator" content="{GENERATOR}' in html
    assert tags.count("table") == tags.count("caption") and tags.count("thead") >= 1
    assert all(a.get("scope") in {"col", "row"} for t, a in page.tags if t == "th"), (
        "every header cell says what it heads"
    )
    charts = [a for t, a in page.tags if t == "svg"]
    assert charts and all(a.get("role") == "img" and a.get("aria-labelledby") for a in charts)
    assert tags.count("svg") <= html.count("The chart in words")  # every chart has its twin
    text = " ".join(page.text)
    assert "ex-00-1 (single choice): 3 student(s) tried it; 1 (33%) right the first time, " in text
    assert "2 (67%) right in the end" in text
    assert "(reference)" in text  # the reference is marked in words, not by colour alone
    assert "Gus" in text and "Eve" in text


def test_a_notebook_shows_the_content_without_the_page_around_it(report: ClassReport) -> None:
    shown = report._repr_html_()
    assert shown.startswith("<h1>Class report</h1>") and "<html" not in shown
    assert "<svg" in shown and "The chart in words" in shown


def test_anonymous_hides_every_name(hand_in: Path) -> None:
    files = sorted(hand_in.glob("*.csv")) + sorted(hand_in.glob("*.json"))
    report = class_report(files, roster=["Gus"], anonymous=True)
    text = " ".join(_parse(report.html()).text)
    for name in [*NAMES, "Eve", "Gus"]:
        assert not re.search(rf"\b{name}\b", text), name
    assert "2 of 6 student(s) have not started it" in text
    assert set(report.not_started.student) == {""}


def test_the_merged_table_and_a_dataframe_give_the_same_report(
    hand_in: Path, report: ClassReport, tmp_path: Path
) -> None:
    files = sorted(hand_in.glob("*.csv")) + sorted(hand_in.glob("*.json"))
    assert main(["merge", *map(str, files), "--out", str(tmp_path / "class.csv")]) == 0
    merged = class_report(tmp_path / "class.csv", roster=["Ana", "Gus", "Eve"])
    pd.testing.assert_frame_equal(merged.exercises, report.exercises)
    pd.testing.assert_frame_equal(merged.spreads, report.spreads)
    frame = pd.read_csv(tmp_path / "class.csv", dtype=str, keep_default_na=False)
    again = class_report(frame, roster=["Ana", "Gus", "Eve"])
    pd.testing.assert_frame_equal(again.exercises, report.exercises)


def test_the_command_writes_the_page_and_replaces_only_its_own(
    hand_in: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(p) for p in sorted(hand_in.glob("*.csv"))]
    out = tmp_path / "report"
    assert main(["report", *files, "--out", str(out)]) == 0
    assert "wrote the class report" in capsys.readouterr().out
    assert (out / "index.html").is_file()
    assert main(["report", *files, "--out", str(out), "--anonymous"]) == 0  # replaces its own
    assert "Names are hidden" in (out / "index.html").read_text(encoding="utf-8")
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    assert main(["report", *files, "--out", str(other)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert not (other / "index.html").exists()
    assert main(["report", *files, "--out", str(other), "--force"]) == 0


@pytest.mark.parametrize(
    "case",
    [
        ("name,grade\nAna,9\n", None, "no column attempt_id"),
        (None, "a,b\nAna,9\n", "none is called student"),
    ],
)
def test_bad_input_is_named_with_the_fix(
    hand_in: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str | None, str | None, str],
) -> None:
    content, roster, message = case
    files = [str(p) for p in sorted(hand_in.glob("*.csv"))]
    if content is not None:
        (tmp_path / "grades.csv").write_text(content)
        files.append(str(tmp_path / "grades.csv"))
    args = ["report", *files, "--out", str(tmp_path / "r")]
    if roster is not None:
        (tmp_path / "roster.csv").write_text(roster)
        args += ["--roster", str(tmp_path / "roster.csv")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_a_class_with_nobody_in_it_is_refused(tmp_path: Path) -> None:
    export_answers(AnswerStore(tmp_path / "s"), "csv", tmp_path / "nobody.csv")
    assert class_report(tmp_path / "nobody.csv").students == 1  # the file name stands for them
    with pytest.raises(ReportError, match="no students"):
        class_report(pd.DataFrame(columns=["student", "exercise_id", "status", "answer"]))


def test_a_new_kind_of_judgement_plugs_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14's weights (or indicators) register a summary and appear like the grids."""
    monkeypatch.setattr("analogylab.report._JUDGEMENTS", dict(_JUDGEMENTS))
    ex = Exercise(id="ex-99-1", lesson="99", kind="weights", prompt="Weigh the dimensions.")
    bank = Bank(Path(), {ex.id: ex}, {"99": "Weights"}, [])

    def weights(ex: Exercise, answers: dict[str, Any]) -> list[Spread]:
        counts = {str(w): 0 for w in range(4)}
        for a in answers.values():
            counts[str(a["scale"])] += 1
        return [Spread(ex.id, "weight of scale", counts, reference="2", reason="curators")]

    register_judgement("weights", weights)
    rows = [
        {"student": s, "lesson": "99", "exercise_id": "ex-99-1", "kind": "weights",
         "status": "answered", "correct": "", "score": "", "revealed": "false",
         "answer": json.dumps({"scale": w}), "attempt_id": "1", "time": "t"}
        for s, w in (("Ana", 2), ("Ben", 3), ("Cy", 2))
    ]  # fmt: skip
    report = class_report(pd.DataFrame(rows), bank=bank)
    spread = report.spreads.iloc[0]
    assert (spread["2"], spread["3"], spread["agree"], spread["reference"]) == (2, 1, 2, "2")
    assert "weight of scale" in report.html()
    with pytest.raises(ValueError, match="which must be one of"):
        register_judgement("weights", weights, which="best")
