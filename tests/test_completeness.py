"""All or none: a teacher's case with one likeness, rating or milestone missing is refused.

``analogylab validate`` names the missing pair, and the analysis functions, charts and
text twins refuse the same data with the very same line (IncompleteDataError). A
complete case passes, and so does a case still being built (no likenesses, no
hypotheses yet). The case is the made-up one of ``madeup_case``, added as rows only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import csvedit as ce
from analogylab import IncompleteDataError, analysis, charts, load_dataset, validate
from analogylab.cli import main
from madeup_case import X, add_case

A80 = "us-mujahideen-1980s"


def _drop(folder: Path, table: str, **match: str) -> dict[str, str]:
    """Delete the first row of ``table`` whose cells match; return it."""
    rows = ce.read(folder, table)
    header = rows[0]
    for i, row in enumerate(rows[1:], start=1):
        cells = dict(zip(header, row, strict=True))
        if all(cells[k] == v for k, v in match.items()):
            del rows[i]
            ce.write(folder, table, rows)
            return cells
    raise LookupError(f"no row of {table} matches {match}")


@pytest.fixture
def case_copy(data_copy: Path) -> Path:
    add_case(data_copy)
    return data_copy


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def test_a_complete_case_passes(case_copy: Path) -> None:
    report = validate(case_copy)
    assert report.ok, str(report)


def test_a_case_still_being_built_passes(data_copy: Path) -> None:
    """No likenesses, no hypotheses, no evidence yet: nothing is half done."""
    add_case(data_copy, analysis=False)
    report = validate(data_copy)
    assert report.ok, str(report)


# (what is missing, table, row to drop, what every refusal must say, the calls that must refuse)
Refusal = Callable[[Any], object]
MISSING: list[tuple[str, str, dict[str, str], str, list[Refusal]]] = [
    (
        "likeness",
        "likenesses",
        {"case_b": X, "dimension_id": "rival-posture"},
        (
            f"likenesses.csv: the pair '{A80}' / '{X}' has rows for 19 of the 20 dimensions; "
            "none for 'rival-posture' (Rival's forces on the ground)"
        ),
        [
            lambda ds: analysis.likenesses_and_differences(ds, X, A80),
            lambda ds: analysis.analogy_strength(ds, A80, X),
            lambda ds: analysis.weight_sensitivity(ds, X, A80),
            lambda ds: charts.likeness_chart(ds, X, A80),
        ],
    ),
    (
        "rating",
        "ratings",
        {"evidence_id": "evx-2", "hypothesis_id": "hx-b"},
        (
            f"ratings.csv: evidence item 'evx-2' of case '{X}' has no rating against 1 of the "
            "case's 2 hypotheses: 'hx-b' (Test hypothesis hx-b)"
        ),
        [
            lambda ds: analysis.rating_matrix(ds, X),
            lambda ds: charts.ach_matrix(ds, X),
            lambda ds: charts.ach_matrix(ds, X, {"evx-1": {"hx-a": "C", "hx-b": "C"}}),
        ],
    ),
    (
        "milestone",
        "milestones",
        {"event_id": "ex-2", "hypothesis_id": "hx-a"},
        (
            "milestones.csv: event 'ex-2' (Test event 2) has rows for 1 of the 2 hypotheses of "
            f"case '{X}'; none for 'hx-a' (Test hypothesis hx-a)"
        ),
        [
            lambda ds: analysis.milestones(ds, X),
            lambda ds: analysis.hindsight_matrix(ds, X),
            lambda ds: analysis.hindsight_scores(ds, X),
            lambda ds: charts.hindsight_chart(ds, X),
        ],
    ),
]


@pytest.mark.parametrize(
    ("table", "match", "words", "refusals"),
    [m[1:] for m in MISSING],
    ids=[m[0] for m in MISSING],
)
def test_one_missing_row_is_refused_by_the_validator_and_every_analysis(  # noqa: PLR0917
    case_copy: Path,
    table: str,
    match: dict[str, str],
    words: str,
    refusals: list[Refusal],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _drop(case_copy, table, **match)
    report = validate(case_copy)
    assert len(report.problems) == 1, str(report)
    problem = report.problems[0]
    assert problem.row is None and words in str(problem), str(problem)
    assert problem.hint.startswith("add a row for each")
    assert main(["validate", str(case_copy)]) == 1
    assert str(problem) in capsys.readouterr().out.splitlines()
    # Loaded without the check (or edited in memory), the data is still never used half done.
    ds = load_dataset(case_copy, validate_first=False)
    for refuse in refusals:
        with pytest.raises(IncompleteDataError) as err:
            refuse(ds)
        assert str(err.value) == str(problem)
        assert err.value.problems == [problem]


def test_the_refusal_is_only_for_the_pair_or_case_asked_about(case_copy: Path) -> None:
    _drop(case_copy, "likenesses", case_b=X, dimension_id="rival-posture")
    _drop(case_copy, "ratings", evidence_id="evx-1", hypothesis_id="hx-a")
    ds = load_dataset(case_copy, validate_first=False)
    assert analysis.analogy_strength(ds, A80, "russia-taliban-2018").score > 0
    assert not analysis.rating_matrix(ds, "russia-taliban-2018").isna().any().any()
    assert len(analysis.milestones(ds, X)) == 2


def test_a_new_hypothesis_rated_nowhere_is_one_line_not_one_per_item(case_copy: Path) -> None:
    ce.append_row(
        case_copy,
        "hypotheses",
        {
            "hypothesis_id": "hx-c",
            "case_id": X,
            "label": "A third test hypothesis",
            "statement": "Test.",
            "held_by": "Nobody.",
            "source_ids": "coll-2004-ghost-wars",
            "confidence": "C",
        },
    )
    report = validate(case_copy)
    lines = [str(p) for p in report.problems]
    assert len(lines) == 2, "\n".join(lines)  # one in ratings.csv, one in milestones.csv
    assert any(
        f"ratings.csv: hypothesis 'hx-c' (A third test hypothesis) of case '{X}' is rated "
        "against none of the case's 2 evidence items; add 2 rows" in line
        for line in lines
    ), lines
    assert any(
        "milestones.csv: event 'ex-2' (Test event 2) has rows for 2 of the 3 hypotheses" in line
        for line in lines
    ), lines


def test_a_new_dimension_judged_for_no_pair_is_one_line(case_copy: Path) -> None:
    ce.append_row(
        case_copy,
        "dimensions",
        {
            "dimension_id": "test-dimension",
            "name": "A test dimension",
            "question": "Is this a test?",
            "default_weight": "1",
            "why_it_matters": "It does not.",
            "source_ids": "coll-2004-ghost-wars",
            "confidence": "C",
        },
    )
    report = validate(case_copy)
    assert len(report.problems) == 1, str(report)
    line = str(report.problems[0])
    assert "dimension 'test-dimension' (A test dimension) has no row for any of the 4 pairs" in line


def test_a_pair_judged_in_both_orders_is_reported(case_copy: Path) -> None:
    row = ce.read(case_copy, "likenesses")[1]
    header = ce.read(case_copy, "likenesses")[0]
    cells = dict(zip(header, row, strict=True))
    cells["case_a"], cells["case_b"] = cells["case_b"], cells["case_a"]
    n = ce.append_row(case_copy, "likenesses", cells)
    report = validate(case_copy)
    hits = [p for p in report.problems if p.code == "duplicate-pair"]
    assert len(hits) == 1 and hits[0].row == n, str(report)
    assert "is judged twice for the pair" in hits[0].message
    assert "order of the pair does not matter" in hits[0].hint


def test_an_item_already_reported_is_not_reported_again_for_its_ratings(
    case_copy: Path,
) -> None:
    """Evidence dated after the analysis date: one line (move it), not a second for ratings."""
    ce.append_row(
        case_copy,
        "evidence",
        {
            "evidence_id": "evx-late",
            "case_id": X,
            "date": "1994-01-01",
            "precision": "year",
            "description": "Known only after the analysis date.",
            "kind": "action",
            "credibility": "high",
            "relevance": "low",
            "contested": "false",
            "source_ids": "coll-2004-ghost-wars",
            "confidence": "C",
        },
    )
    report = validate(case_copy)
    assert [p.code for p in report.problems] == ["too-late"], str(report)
