"""How the ratings of a matrix of competing hypotheses spread, for a lesson to show.

Two tables a lesson would otherwise build with ``crosstab`` or ``groupby``:

* :func:`rating_counts`: for each hypothesis, how many items a matrix rates on each step of
  Heuer's scale (CC, C, N, I, II, NA): what a student counts to score a hypothesis.
* :func:`rereadings`: the hindsight scores of the curators' milestone ratings beside those of
  readers who each change a few cells for a stated reason: how far a ranking moves when
  readers' judgements differ.
* :func:`sample_spread`: how the readers of a shipped sample rated cells of a rating grid,
  beside the curators' rating and reason. The sample (``data/samples/judgement-sample.csv``,
  in the shape ``analogylab merge`` writes) is **illustrative**: written by the curators to
  show what a class's spread looks like, not a survey of real students. A teacher's merged
  answers (``answers=``) give the same table for a real class.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analogylab.analysis import AnalysisError, as_matrix, hindsight_matrix, hindsight_scores

if TYPE_CHECKING:
    from analogylab.data import Dataset

__all__ = ["SAMPLE", "SCALE", "rating_counts", "rereadings", "sample_path", "sample_spread"]

#: The illustrative sample of readers' judgements, under the data folder.
SAMPLE = "samples/judgement-sample.csv"

#: Heuer's scale, in the order the lessons show it.
SCALE: tuple[str, ...] = ("CC", "C", "N", "I", "II", "NA")


def rating_counts(ratings: Any) -> pd.DataFrame:
    """For each hypothesis (a row, in the matrix's order), how many items it rates CC ... NA.

    ``ratings``: a matrix or anything :func:`analysis.as_matrix` takes (the reference's
    ``rating_matrix``, a grid exercise's answer). Columns: ``hypothesis_id``, one per step
    of :data:`SCALE`, and ``rated`` (the items rated at all). A value off the scale is
    refused by ``as_matrix``; a cell left empty counts nowhere.
    """
    m = as_matrix(ratings)
    rows = []
    for h in m.columns:
        column = [v for v in m[h] if isinstance(v, str) and v]
        row: dict[str, Any] = {"hypothesis_id": h}
        row.update({s: column.count(s) for s in SCALE})
        row["rated"] = len(column)
        rows.append(row)
    return pd.DataFrame(rows, columns=["hypothesis_id", *SCALE, "rated"])


def rereadings(
    ds: Dataset, case: str, readers: Mapping[str, Mapping[tuple[str, str], str]]
) -> pd.DataFrame:
    """Hindsight scores (I = 1, II = 2) of the curators' milestones and of other readers.

    ``readers`` maps a reader's name (a column heading: "sets the bounty report aside") to
    the cells that reader rates otherwise, ``{(event_id, hypothesis_id): rating}``; every
    other cell stays the curators'. One row per hypothesis, in the curators' order (least
    inconsistent first): ``hypothesis_id``, ``curators`` and one column per reader. A cell
    that is not a milestone of the case, or a value off the scale, is refused by name.
    """
    reference = hindsight_matrix(ds, case)
    base = hindsight_scores(ds, case)
    out = pd.DataFrame({"hypothesis_id": base["hypothesis_id"], "curators": base["inconsistency"]})
    for name, changes in readers.items():
        m = reference.copy()
        for (event, hypothesis), rating in changes.items():
            if event not in m.index or hypothesis not in m.columns:
                raise AnalysisError(
                    f"reader '{name}': ({event}, {hypothesis}) is not a milestone cell of "
                    f"case '{case}'; use an event_id and hypothesis_id of milestones.csv"
                )
            m.at[event, hypothesis] = rating
        scores = hindsight_scores(ds, case, ratings=as_matrix(m)).set_index("hypothesis_id")
        out[name] = out["hypothesis_id"].map(scores["inconsistency"])
    for column in out.columns[1:]:
        out[column] = out[column].astype(int)
    return out


def sample_path(data: str | os.PathLike[str] | None = None) -> Path:
    """The shipped sample of readers' judgements (illustrative, written by the curators)."""
    from analogylab.validate import find_data  # noqa: PLC0415

    return find_data(data) / SAMPLE


def sample_spread(
    exercise_id: str = "ex-05-2",
    cells: Sequence[tuple[str, str]] | None = None,
    *,
    answers: Any = None,
) -> pd.DataFrame:
    """How readers rated the cells of a rating grid, beside the curators' rating and reason.

    ``answers``: a merged table of answers, or its file (default: :func:`sample_path`, the
    illustrative sample). ``cells``: the ``(row_id, column_id)`` cells to show, in that
    order (default: every cell of the grid). One row per cell: ``item`` (the row's and the
    column's text), ``curators`` (their rating), ``readers`` (how many rated the cell),
    ``agree`` (how many gave the curators' rating), ``spread`` (each rating given, with how
    many gave it, most first) and ``reason`` (the curators'). Counts come from the class
    report's :class:`~analogylab.report.Spread`, each reader's first judgement.
    """
    from analogylab.exercises import load_bank  # noqa: PLC0415
    from analogylab.report import class_report  # noqa: PLC0415

    bank = load_bank()
    ex = bank.exercises.get(exercise_id)
    if ex is None or ex.kind != "grid":
        raise AnalysisError(f"{exercise_id} is not a rating grid of the question bank")
    report = class_report(sample_path() if answers is None else answers, bank=bank)
    spreads = {s.item: s for r in report.rows if r.exercise_id == exercise_id for s in r.spreads}
    rows = {r.id: r.text for r in ex.rows}
    columns = {c.id: c.text for c in ex.columns}
    wanted = list(cells) if cells is not None else [(r, c) for r in rows for c in columns]
    out = []
    for row, column in wanted:
        if row not in rows or column not in columns:
            raise AnalysisError(
                f"({row}, {column}) is not a cell of {exercise_id}; use a row id "
                f"({', '.join(rows)}) and a column id ({', '.join(columns)})"
            )
        item = f"{rows[row]} / {columns[column]}"
        s = spreads.get(item)
        given = sorted(
            ((v, n) for v, n in (s.counts.items() if s else ()) if n),
            key=lambda vn: -vn[1],
        )
        out.append(
            {
                "item": item,
                "curators": ex.key[row][column],
                "readers": s.answered if s else 0,
                "agree": (s.agree or 0) if s else 0,
                "spread": ", ".join(f"{v} {n}" for v, n in given),
                "reason": ex.rationale[row][column],
            }
        )
    return pd.DataFrame(out, columns=["item", "curators", "readers", "agree", "spread", "reason"])
