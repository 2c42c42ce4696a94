"""How the ratings of a matrix of competing hypotheses spread, for a lesson to show.

Two tables a lesson would otherwise build with ``crosstab`` or ``groupby``:

* :func:`rating_counts`: for each hypothesis, how many items a matrix rates on each step of
  Heuer's scale (CC, C, N, I, II, NA): what a student counts to score a hypothesis.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analogylab.analysis import as_matrix

__all__ = ["SCALE", "rating_counts"]

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
