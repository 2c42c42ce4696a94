"""How the ratings of a matrix of competing hypotheses spread, for a lesson to show.

Two tables a lesson would otherwise build with ``crosstab`` or ``groupby``:

* :func:`rating_counts`: for each hypothesis, how many items a matrix rates on each step of
  Heuer's scale (CC, C, N, I, II, NA): what a student counts to score a hypothesis.
* :func:`rereadings`: the hindsight scores of the curators' milestone ratings beside those of
  readers who each change a few cells for a stated reason: how far a ranking moves when
  readers' judgements differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from analogylab.analysis import AnalysisError, as_matrix, hindsight_matrix, hindsight_scores

if TYPE_CHECKING:
    from analogylab.data import Dataset

__all__ = ["SCALE", "rating_counts", "rereadings"]

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
