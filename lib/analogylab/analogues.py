"""Two past cases as rival analogies for one present case: which fits better, on which weights.

Khong's study of the Vietnam decisions of 1965 (*Analogies at War*, 1992) has a chapter on an
analogy that was urged and passed over: the French defeat at Dien Bien Phu, set beside the
Korea and Munich analogies that carried the day. Lesson 07 asks the same question of the
reader comment's analogy: the dataset ships a second past case (Soviet aid to North
Vietnam, 1965) that can be held against 2018 on the same dimensions as the 1980s case. This
module lays the two (or more) candidate analogies side by side; the scoring itself is
:func:`analogylab.analysis.analogy_strength`, unchanged, so a candidate's score here is the
score lesson 04 gives the pair.

- :func:`side_by_side`: one row per dimension, each candidate's verdict against the present
  case, and which candidate earns more points on it (or "level").
- :func:`scores_under`: each candidate's score under several named weightings, and which
  one comes out closer under each (or "level", to two decimals).

Both take any cases of the data (a teacher's too) and say nothing about which analogy is
right: the answer moves with the weights, and the tables show how.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from analogylab import analysis

if TYPE_CHECKING:
    from analogylab.data import Dataset

__all__ = ["LEVEL", "scores_under", "side_by_side"]

#: What the ``closer`` columns say when no candidate is ahead.
LEVEL = "level"


def _closer(ds: Dataset, points: Mapping[str, float], digits: int | None = None) -> str:
    """The short label of the case with the most points, or LEVEL when the top is shared."""
    values = {k: (round(v, digits) if digits is not None else v) for k, v in points.items()}
    best = max(values.values())
    top = [k for k, v in values.items() if v == best]
    return str(ds.case(top[0])["short_label"]) if len(top) == 1 else LEVEL


def side_by_side(ds: Dataset, present: str, candidates: Sequence[str]) -> pd.DataFrame:
    """Each candidate case's verdict against ``present``, dimension by dimension.

    Columns: ``dimension_id``, ``name``, ``family``, ``weight`` (the default), one column
    per candidate named by its case id holding its verdict (likeness, partial,
    difference), ``closer`` (the short label of the candidate that earns more points on
    the dimension, as the tables show it, or ``"level"``), and ``source_ids`` (the
    sources of every verdict on the row, so that a table shown from it cites them all).
    Rows in the order of ``dimensions.csv``. Raises what ``likenesses_and_differences``
    raises for a pair that is not judged on every dimension.
    """
    if len(candidates) < 2:
        raise ValueError("side_by_side needs at least two candidate cases to compare")
    if len(set(candidates)) != len(candidates) or present in candidates:
        raise ValueError(
            f"the candidates {list(candidates)} must be different cases, none of them the "
            f"present case '{present}'"
        )
    labels = list(candidates)
    tables = [
        analysis.likenesses_and_differences(ds, c, present).set_index("dimension_id")
        for c in candidates
    ]
    first = tables[0]
    out = pd.DataFrame(
        {
            "dimension_id": first.index,
            "name": first["name"].to_numpy(),
            "family": first["family"].to_numpy(),
            "weight": first["weight"].to_numpy(),
        }
    )
    for label, table in zip(labels, tables, strict=True):
        out[label] = table.loc[out.dimension_id, "verdict"].to_numpy()
    closer, sources = [], []
    for d in out.dimension_id:
        points = {
            label: analysis.VERDICT_POINTS[str(table.at[d, "verdict"])]
            for label, table in zip(labels, tables, strict=True)
        }
        closer.append(_closer(ds, points))
        cited: dict[str, None] = {}
        for table in tables:
            cited.update(dict.fromkeys(table.loc[d, "source_ids"]))
        sources.append(tuple(cited))
    out["closer"] = closer
    out["source_ids"] = sources
    return out


def scores_under(
    ds: Dataset,
    present: str,
    candidates: Sequence[str],
    weightings: Mapping[str, Mapping[str, float] | None],
) -> pd.DataFrame:
    """Each candidate's analogy score against ``present`` under each named weighting.

    ``weightings`` maps a name a student can read ("every dimension 1") to the weights
    passed to :func:`analysis.analogy_strength` (``None``: the defaults; a partial mapping
    changes only the dimensions it names). One row per weighting: ``weighting``, one column
    per candidate named by its case id (its score, 0 to 1), and ``closer``: the short label
    of the candidate with the higher score to two decimals, as the lessons print scores, or
    ``"level"``. (:func:`analogylab.show_table` heads and fills such columns with the
    cases' names.)
    """
    labels = list(candidates)
    rows = []
    for name, weights in weightings.items():
        row: dict[str, object] = {"weighting": name}
        scores = {
            label: analysis.analogy_strength(ds, case, present, weights).score
            for label, case in zip(labels, candidates, strict=True)
        }
        row.update(scores)
        row["closer"] = _closer(ds, scores, digits=2)
        rows.append(row)
    return pd.DataFrame(rows, columns=["weighting", *labels, "closer"])
