"""The analyst's tools: test an analogy, weigh competing hypotheses, score them in hindsight.

Pure functions: tables of the dataset in, pandas tables out; nothing is drawn,
printed or stored. Every function works for any case ids the data holds, so a
case added as rows of the CSV files (lesson 07) gets the same treatment as the
two shipped cases.

Three methods, each with its source in the research notes:

* **Likenesses and differences** (Neustadt and May, *Thinking in Time*, 1986):
  ``likenesses_and_differences`` lays two cases side by side, dimension by
  dimension; ``analogy_strength`` turns the curators' verdicts into one weighted
  score, and ``weight_sensitivity`` says which single weight would tip it.
* **Analysis of Competing Hypotheses** (Heuer, *Psychology of Intelligence
  Analysis*, 1999, ch. 8): ``score_hypotheses`` counts inconsistency only
  (I = 1, II = 2; lower is better), because evidence consistent with a
  hypothesis cannot prove it while inconsistent evidence can count against it.
  ``diagnosticity`` and ``leave_one_out`` are Heuer's steps 3 and 6.
* **Hindsight**: ``milestones`` holds what happened after a case's analysis date
  against what each hypothesis would have led one to expect;
  ``hindsight_scores`` scores them the same way.

>>> ds = load_dataset()
>>> analogy_strength(ds, "us-mujahideen-1980s", "russia-taliban-2018").score
>>> score_hypotheses(rating_matrix(ds, "russia-taliban-2018"))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analogylab.completeness import refuse_incomplete
from analogylab.data import Dataset
from analogylab.errors import AnalogylabError, UnknownIdError
from analogylab.validate import did_you_mean

__all__ = [
    "KHONG_JOBS",
    "MAX_WEIGHT",
    "RATING_POINTS",
    "RATING_SCALE",
    "VERDICT_POINTS",
    "WEIGHT_LEVELS",
    "AnalogyScore",
    "AnalysisError",
    "analogy_strength",
    "as_matrix",
    "compare_ratings",
    "diagnosticity",
    "dimension_families",
    "dimension_weights",
    "hindsight_matrix",
    "hindsight_scores",
    "leave_one_out",
    "likenesses_and_differences",
    "milestones",
    "rating_at",
    "rating_matrix",
    "score_hypotheses",
    "weight_sensitivity",
]

#: What each likeness verdict adds to the analogy score, per unit of weight.
VERDICT_POINTS: dict[str, float] = {"likeness": 1.0, "partial": 0.5, "difference": 0.0}

#: Heuer's scale, most consistent first; NA (not applicable) stands outside the order.
RATING_SCALE: tuple[str, ...] = ("CC", "C", "N", "I", "II")

#: Inconsistency points per rating: only inconsistent evidence counts (Heuer).
RATING_POINTS: dict[str, int] = {"CC": 0, "C": 0, "N": 0, "NA": 0, "I": 1, "II": 2}

#: Credibility and relevance weights of the weighted score (PARC ACH 2.0, as reported
#: second-hand in the research notes): low 1/sqrt(2), medium 1, high sqrt(2).
WEIGHT_LEVELS: dict[str, float] = {"low": 1 / math.sqrt(2), "medium": 1.0, "high": math.sqrt(2)}

#: Khong's six jobs an analogy does for a decision-maker (Analogies at War, 1992).
KHONG_JOBS = pd.DataFrame(
    [
        ("define", "Define the situation", "What kind of situation is this?"),
        ("stakes", "Assess the stakes", "How much is at stake, and for whom?"),
        ("prescribe", "Provide a prescription", "What should be done about it?"),
        ("predict", "Predict the chance of success", "Will the prescribed course work?"),
        ("moral", "Judge moral rightness", "Is the course right or wrong?"),
        ("dangers", "Warn of dangers", "What could go wrong along the way?"),
    ],
    columns=["job_id", "job", "question"],
)

#: The largest weight a dimension can have ("decisive"); 0 leaves it out.
MAX_WEIGHT = 3.0


class AnalysisError(AnalogylabError, ValueError):
    """An analysis was asked for something the data or the arguments cannot give."""


# --- helpers -----------------------------------------------------------------------------


def _check_case(ds: Dataset, case_id: str) -> pd.Series:
    return ds.case(case_id)  # UnknownIdError, with a suggestion, for an unknown id


def _union(*cells: Any) -> tuple[str, ...]:
    """The source ids of several list cells, each once, in order of appearance."""
    seen: dict[str, None] = {}
    for ids in cells:
        if isinstance(ids, tuple | list):
            for s in ids:
                seen.setdefault(s, None)
    return tuple(seen)


def _merge_sources(frame: pd.DataFrame, *columns: str) -> list[tuple[str, ...]]:
    return [_union(*cells) for cells in zip(*(frame[c] for c in columns), strict=True)]


# --- likenesses and differences ----------------------------------------------------------


def likenesses_and_differences(ds: Dataset, case_a: str, case_b: str) -> pd.DataFrame:
    """Two cases side by side, one row per dimension, in the order of dimensions.csv.

    Columns: dimension_id, name, question, family (see ``dimension_families``),
    weight (the default), verdict (likeness, partial or difference; missing where
    the pair has not been judged on that dimension), value_a and value_b (each
    case's profile), reason, source_ids (of the verdict and both profiles) and
    confidence (of the verdict). The pair may be given in either order. A pair
    judged on some dimensions but not all is refused (IncompleteDataError, the line
    ``analogylab validate`` prints).
    """
    if case_a == case_b:
        raise AnalysisError(f"compare two different cases; both are '{case_a}'")
    _check_case(ds, case_a)
    _check_case(ds, case_b)
    lk = ds.likenesses
    pair = lk[
        ((lk.case_a == case_a) & (lk.case_b == case_b))
        | ((lk.case_a == case_b) & (lk.case_b == case_a))
    ]
    if pair.empty:
        raise AnalysisError(
            f"no rows of likenesses.csv compare '{case_a}' with '{case_b}'; add one row per "
            "dimension for this pair (data/templates/case/README.md says how)"
        )
    refuse_incomplete(ds, "likenesses", (case_a, case_b))
    dims = ds.dimensions[["dimension_id", "name", "question", "default_weight"]].rename(
        columns={"default_weight": "weight"}
    )
    dims.insert(3, "family", _families(ds))
    prof = ds.profiles
    out = dims.merge(
        pair[["dimension_id", "verdict", "reason", "source_ids", "confidence"]],
        on="dimension_id",
        how="left",
    )
    for side, case in (("a", case_a), ("b", case_b)):
        p = prof[prof.case_id == case][["dimension_id", "value", "source_ids"]].rename(
            columns={"value": f"value_{side}", "source_ids": f"sources_{side}"}
        )
        out = out.merge(p, on="dimension_id", how="left")
    for c in ("source_ids", "sources_a", "sources_b"):
        out[c] = [ids if isinstance(ids, tuple) else () for ids in out[c]]
    out["source_ids"] = _merge_sources(out, "source_ids", "sources_a", "sources_b")
    cols = ["dimension_id", "name", "question", "family", "weight", "verdict", "value_a", "value_b"]
    return out[[*cols, "reason", "source_ids", "confidence"]].reset_index(drop=True)


def _families(ds: Dataset) -> list[str]:
    """Each dimension's family, in the order of dimensions.csv; empty (or none) is its own id."""
    dims = ds.dimensions
    if "family" not in dims.columns:
        return list(dims.dimension_id)
    return [
        d if not isinstance(f, str) or not f.strip() else f.strip()
        for d, f in zip(dims.dimension_id, dims.family, strict=True)
    ]


def dimension_families(ds: Dataset, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The families of dimensions, each once, with the weight the family carries.

    Dimensions that ask about the same thing from different sides (how much aid,
    what kind, through whom, how far the movement depends on it) form a family,
    so that one likeness or difference is not counted several times. One row per
    family, in the order of its first dimension in dimensions.csv: family, size
    (how many dimensions), dimensions (their ids), names, weight (the sum of the
    members' weights: the defaults, overridden by ``weights``) and share (the
    family's part of all the weight, from 0 to 1).
    """
    w = dimension_weights(ds, weights)
    table = pd.DataFrame(
        {
            "family": _families(ds),
            "dimension_id": ds.dimensions.dimension_id,
            "name": ds.dimensions.name,
        }
    )
    table["weight"] = table.dimension_id.map(w)
    rows = [
        {
            "family": family,
            "size": len(members),
            "dimensions": tuple(members.dimension_id),
            "names": tuple(members.name),
            "weight": float(members.weight.sum()),
        }
        for family, members in table.groupby("family", sort=False)
    ]
    out = pd.DataFrame(rows, columns=["family", "size", "dimensions", "names", "weight"])
    total = float(out.weight.sum())
    out["share"] = out.weight / total if total > 0 else np.nan
    return out


@dataclass(frozen=True)
class AnalogyScore:
    """How far the likenesses outweigh the differences, under a set of weights.

    ``score`` is the weighted share of likeness, from 0 (all differences) to 1
    (all likenesses): each dimension adds ``weight x points`` (likeness 1,
    partial 0.5, difference 0) and the sum is divided by the sum of the weights.
    ``table`` has each dimension's ``contribution`` to the score and the most it
    could have added (``possible``).
    """

    case_a: str
    case_b: str
    score: float
    threshold: float
    table: pd.DataFrame = field(compare=False, repr=False)
    weights: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    unjudged: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:
        """Which side the score falls on, in words."""
        if math.isclose(self.score, self.threshold, abs_tol=1e-9):
            return "evenly balanced"
        if self.score > self.threshold:
            return "the likenesses outweigh the differences"
        return "the differences outweigh the likenesses"

    def __str__(self) -> str:
        return (
            f"Analogy score {self.score:.2f} ({self.case_a} vs {self.case_b}): {self.verdict} "
            f"(threshold {self.threshold:g})."
        )

    def _repr_markdown_(self) -> str:
        return f"**Analogy score {self.score:.2f}**: {self.verdict} (threshold {self.threshold:g})."


def dimension_weights(ds: Dataset, weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every dimension's weight: the defaults of dimensions.csv, overridden by ``weights``."""
    dims = ds.dimensions
    out = {d: float(w) for d, w in zip(dims.dimension_id, dims.default_weight, strict=True)}
    for key, value in (weights or {}).items():
        if key not in out:
            raise UnknownIdError(f"no dimension '{key}' in dimensions.csv{did_you_mean(key, out)}")
        try:
            w = float(value)
        except (TypeError, ValueError):
            raise AnalysisError(
                f"the weight of '{key}' must be a number from 0 to {MAX_WEIGHT:g}; got {value!r}"
            ) from None
        if not 0 <= w <= MAX_WEIGHT or math.isnan(w):
            raise AnalysisError(
                f"the weight of '{key}' must be from 0 (ignore) to {MAX_WEIGHT:g} (decisive); "
                f"got {value!r}"
            )
        out[key] = w
    return out


def analogy_strength(
    ds: Dataset,
    case_a: str,
    case_b: str,
    weights: Mapping[str, float] | None = None,
    *,
    threshold: float = 0.5,
) -> AnalogyScore:
    """The weighted analogy score of a pair of cases.

    ``weights`` maps dimension ids to a weight from 0 to 3 and overrides the
    defaults of dimensions.csv for those it names. Dimensions the pair has not
    been judged on are left out (and listed in ``unjudged``).
    """
    table = likenesses_and_differences(ds, case_a, case_b)
    w = dimension_weights(ds, weights)
    table["weight"] = table["dimension_id"].map(w)
    judged = table["verdict"].notna()
    table["points"] = table["verdict"].map(VERDICT_POINTS)
    total = float(table.loc[judged, "weight"].sum())
    if total <= 0:
        raise AnalysisError(
            "every judged dimension has weight 0, so there is nothing to score; "
            "give at least one dimension a weight above 0"
        )
    table["contribution"] = np.where(judged, table["weight"] * table["points"] / total, np.nan)
    table["possible"] = np.where(judged, table["weight"] / total, np.nan)
    score = float(table["contribution"].sum())
    cols = ["dimension_id", "name", "verdict", "points", "weight", "contribution", "possible"]
    return AnalogyScore(
        case_a=case_a,
        case_b=case_b,
        score=score,
        threshold=threshold,
        table=table[[*cols, "source_ids"]],
        weights=w,
        unjudged=tuple(table.loc[~judged, "dimension_id"]),
    )


def weight_sensitivity(
    ds: Dataset,
    case_a: str,
    case_b: str,
    weights: Mapping[str, float] | None = None,
    *,
    threshold: float = 0.5,
    max_weight: float = MAX_WEIGHT,
) -> pd.DataFrame:
    """What changing one weight alone does to the verdict, and by how much.

    For each judged dimension, with every other weight held: its ``weight`` now;
    the score with this weight at 0 (``score_at_0``) and at ``max_weight``
    (``score_at_max``); the weight at which the score would reach the threshold
    (``tipping_weight``; it may lie beyond ``max_weight``, and is NaN when no
    weight of 0 or more gets there), the ``change`` that takes, and whether a
    weight within 0..max_weight ``flips`` the verdict to the other side. A
    dimension whose points equal the threshold (a 'partial' at 0.5) pulls the
    score towards the threshold but never across it. Sorted: flipping dimensions
    first, then by the smallest change.
    """
    result = analogy_strength(ds, case_a, case_b, weights, threshold=threshold)
    t = result.table[result.table["verdict"].notna()]
    total_w = float(t["weight"].sum())
    total_wp = float((t["weight"] * t["points"]).sum())
    now = total_wp / total_w
    rows = []
    for _, r in t.iterrows():
        w, p = float(r["weight"]), float(r["points"])
        rest_w, rest_wp = total_w - w, total_wp - w * p
        tip = math.nan
        if not math.isclose(p, threshold):
            x = (threshold * rest_w - rest_wp) / (p - threshold)
            if x >= 0 and rest_w + x > 0:
                tip = x + 0.0  # no -0.0
        ends = [_score_at(rest_w, rest_wp, p, x) for x in (0.0, max_weight)]
        flips = any(not math.isnan(e) and (e - threshold) * (now - threshold) < 0 for e in ends)
        rows.append(
            {
                "dimension_id": r["dimension_id"],
                "name": r["name"],
                "verdict": r["verdict"],
                "weight": w,
                "score_at_0": ends[0],
                "score_at_max": ends[1],
                "tipping_weight": tip,
                "change": tip - w,
                "flips": flips,
            }
        )
    out = pd.DataFrame(rows)
    order = out.assign(_abs=out["change"].abs()).sort_values(
        ["flips", "_abs"], ascending=[False, True], na_position="last", kind="stable"
    )
    return order.drop(columns="_abs").reset_index(drop=True)


def _score_at(rest_w: float, rest_wp: float, p: float, x: float) -> float:
    return (rest_wp + x * p) / (rest_w + x) if rest_w + x > 0 else math.nan


# --- Analysis of Competing Hypotheses ----------------------------------------------------


def rating_matrix(ds: Dataset, case: str) -> pd.DataFrame:
    """The reference ratings of a case: evidence down (by date), hypotheses across.

    The reasons go with it, in ``.attrs["rationale"]`` (``{(evidence_id,
    hypothesis_id): rationale}``), so ``compare_ratings`` can give them. A case
    rated on some evidence x hypothesis pairs but not all is refused
    (IncompleteDataError, the line ``analogylab validate`` prints).
    """
    _check_case(ds, case)
    hyps = ds.hypotheses[ds.hypotheses.case_id == case].hypothesis_id.tolist()
    ev = ds.evidence[ds.evidence.case_id == case].sort_values("date", kind="stable")
    if not hyps or ev.empty:
        raise AnalysisError(
            f"case '{case}' has no {'hypotheses' if not hyps else 'evidence'} yet; "
            "add rows to hypotheses.csv, evidence.csv and ratings.csv "
            "(one rating per evidence x hypothesis)"
        )
    r = ds.ratings[ds.ratings.hypothesis_id.isin(hyps)]
    if r.empty:
        raise AnalysisError(
            f"case '{case}' has no rows in ratings.csv yet; rate every evidence item against "
            "every hypothesis of the case (one row each)"
        )
    refuse_incomplete(ds, "ratings", (case,))
    m = r.pivot(index="evidence_id", columns="hypothesis_id", values="rating")
    m = m.reindex(index=ev.evidence_id.tolist(), columns=hyps)
    m.index.name, m.columns.name = "evidence_id", "hypothesis_id"
    m.attrs["rationale"] = _rationales(r, "evidence_id")
    return m


def _rationales(rows: pd.DataFrame, key: str) -> dict[tuple[str, str], str]:
    """``{(row id, hypothesis_id): rationale}`` from a long table of ratings."""
    return {
        (str(e), str(h)): "" if pd.isna(t) else str(t)
        for e, h, t in zip(rows[key], rows["hypothesis_id"], rows["rationale"], strict=True)
    }


def as_matrix(ratings: Any) -> pd.DataFrame:
    """Ratings as a matrix (evidence down, hypotheses across), from any of the forms used.

    Accepts such a matrix, a long table with columns evidence_id (or event_id),
    hypothesis_id and rating, or a grid exercise's answer
    ``{evidence_id: {hypothesis_id: rating}}``. Ratings must be on Heuer's scale;
    empty cells stay empty (missing) and count as unrated.
    """
    if isinstance(ratings, Mapping):
        bad = [k for k, v in ratings.items() if not isinstance(v, Mapping)]
        if bad:
            raise AnalysisError(
                f"ratings for '{bad[0]}' must be a mapping of hypothesis ids to ratings, "
                "such as {'h-flank-hedge': 'C'}"
            )
        m = pd.DataFrame({k: dict(v) for k, v in ratings.items()}).T
    elif isinstance(ratings, pd.DataFrame) and "rating" in ratings.columns:
        row = "evidence_id" if "evidence_id" in ratings.columns else "event_id"
        if row not in ratings.columns or "hypothesis_id" not in ratings.columns:
            raise AnalysisError(
                "a long table of ratings needs the columns evidence_id (or event_id), "
                "hypothesis_id and rating"
            )
        m = ratings.pivot(index=row, columns="hypothesis_id", values="rating")
    elif isinstance(ratings, pd.DataFrame):
        m = ratings.copy()
    else:
        raise AnalysisError(
            "ratings must be a matrix (DataFrame), a long table with a 'rating' column, "
            f"or a dict {{evidence_id: {{hypothesis_id: rating}}}}; got {type(ratings).__name__}"
        )
    m = pd.DataFrame(
        [[_cell(v) for v in row] for row in m.to_numpy(dtype=object)],
        index=m.index,
        columns=m.columns,
        dtype=object,
    )
    allowed = set(RATING_POINTS)
    values = m.to_numpy()
    for i, ev_id in enumerate(m.index):
        for j, h in enumerate(m.columns):
            v = values[i, j]
            if v is not None and v not in allowed:
                raise AnalysisError(
                    f"rating {v!r} for evidence '{ev_id}' and hypothesis '{h}' is not on "
                    f"Heuer's scale; use one of {', '.join(RATING_POINTS)}"
                )
    if m.empty:
        raise AnalysisError("there are no ratings to score; rate at least one item")
    m.index.name, m.columns.name = "evidence_id", "hypothesis_id"
    return m


def _cell(v: Any) -> Any:
    """An empty cell (None, NaN, '') as None; anything else as it is."""
    if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def rating_at(m: pd.DataFrame, row: Any, column: Any) -> str | None:
    """One cell of a matrix from ``as_matrix``: a rating, or None where unrated."""
    v = m.at[row, column]
    return None if v is None else str(v)


def _points(m: pd.DataFrame) -> pd.DataFrame:
    points = [[float(RATING_POINTS.get(v, 0)) if v else 0.0 for v in row] for row in m.to_numpy()]
    return pd.DataFrame(points, index=m.index, columns=m.columns, dtype=float)


def _item_weights(m: pd.DataFrame, evidence: pd.DataFrame) -> pd.Series:
    ev = evidence.set_index("evidence_id") if "evidence_id" in evidence.columns else evidence
    missing = [e for e in m.index if e not in ev.index]
    if missing:
        raise UnknownIdError(
            f"no evidence '{missing[0]}' in the evidence table given, so it cannot be weighted"
        )
    cred = ev.loc[m.index, "credibility"].map(WEIGHT_LEVELS)
    rel = ev.loc[m.index, "relevance"].map(WEIGHT_LEVELS)
    return pd.Series((cred * rel).to_numpy(dtype=float), index=m.index)


def _rank(scores: pd.Series) -> pd.Series:
    return scores.round(9).rank(method="min").astype(int)


def score_hypotheses(
    ratings: Any, evidence: pd.DataFrame | None = None, *, weighted: bool = False
) -> pd.DataFrame:
    """Heuer's inconsistency scores, one row per hypothesis, least inconsistent first.

    ``inconsistency`` counts I as 1 and II as 2; consistent and neutral ratings add
    nothing. With ``evidence`` (the evidence table), ``weighted`` multiplies each
    item's points by its credibility x relevance weight (``WEIGHT_LEVELS``).
    ``consistent`` (how many C or CC) is shown for comparison and never scored;
    ``rated`` counts the cells rated, ``applicable`` those not rated NA. A
    hypothesis that few items bear on is rarely contradicted, so a low score with
    few applicable items is weak support: compare the two columns.
    ``score`` is the figure ranked: weighted if asked for, else the count.
    """
    m = as_matrix(ratings)
    pts = _points(m)
    out = pd.DataFrame(
        {
            "hypothesis_id": m.columns,
            "inconsistency": pts.sum().to_numpy(),
            "consistent": m.isin(["C", "CC"]).sum().to_numpy(),
            "rated": m.notna().sum().to_numpy(),
            "applicable": (m.notna() & (m != "NA")).sum().to_numpy(),
        }
    )
    if evidence is not None:
        w = _item_weights(m, evidence)
        out["weighted"] = pts.mul(w, axis=0).sum().to_numpy()
    elif weighted:
        raise AnalysisError("a weighted score needs the evidence table: pass evidence=ds.evidence")
    out["score"] = out["weighted"] if weighted else out["inconsistency"]
    out["rank"] = _rank(out["score"]).to_numpy()
    return out.sort_values(["score", "hypothesis_id"], kind="stable").reset_index(drop=True)


def diagnosticity(ratings: Any) -> pd.DataFrame:
    """How far each item tells the hypotheses apart, most diagnostic first.

    ``points`` is the item's total inconsistency across hypotheses; ``spread`` is
    the most minus the fewest points it gives any hypothesis. An item with spread 0
    (for instance, consistent with every hypothesis) changes no ranking: Heuer's
    non-diagnostic evidence.
    """
    m = as_matrix(ratings)
    pts = _points(m)
    out = pd.DataFrame(
        {
            "evidence_id": m.index,
            "points": pts.sum(axis=1).to_numpy(),
            "spread": (pts.max(axis=1) - pts.min(axis=1)).to_numpy(),
            "ratings": [" ".join(v or "-" for v in row) for row in m.to_numpy()],
        }
    )
    out["diagnostic"] = out["spread"] > 0
    return out.sort_values(["spread", "points"], ascending=False, kind="stable").reset_index(
        drop=True
    )


def _order(scores: pd.DataFrame) -> list[tuple[int, str]]:
    return sorted(zip(scores["rank"], scores["hypothesis_id"], strict=True))


def _leader(ranks: dict[str, int]) -> str:
    """The hypotheses ranked first (ties joined with ' = '), from hypothesis -> rank."""
    return " = ".join(sorted(h for h, r in ranks.items() if r == 1))


def leave_one_out(
    ratings: Any, evidence: pd.DataFrame | None = None, *, weighted: bool = False
) -> pd.DataFrame:
    """How the ranking moves when each item is dropped in turn (Heuer's sensitivity step).

    One row per item: the ``leader`` without it (ties joined by " = "), whether
    the leader changed (``leader_changed``), whether any rank changed
    (``order_changed``) and which hypotheses moved (``moved``).
    """
    m = as_matrix(ratings)
    base = score_hypotheses(m, evidence, weighted=weighted)
    base_rank = dict(zip(base["hypothesis_id"], base["rank"], strict=True))
    base_leader = _leader(base_rank)
    # Each item's rest is scored from the points computed once, by the very sums
    # score_hypotheses does, not by scoring it afresh: the ACH explorer does this on every
    # redraw. The points are held one hypothesis to a row, contiguous, as pandas holds a
    # frame's columns, so numpy adds the same numbers in the same order as DataFrame.sum
    # (a test checks the result against scoring each rest afresh).
    pts = _points(m).to_numpy(dtype=float)
    if weighted and evidence is not None:
        pts = pts * _item_weights(m, evidence).to_numpy(dtype=float)[:, None]
    by_hypothesis = np.ascontiguousarray(pts.T)
    rows = []
    for i, ev_id in enumerate(m.index):
        if len(m) == 1:
            continue
        score = np.round(np.delete(by_hypothesis, i, axis=1).sum(axis=1), 9)
        # rank(method="min") of the rounded scores: 1 + how many score strictly lower
        ranks = 1 + (score[None, :] < score[:, None]).sum(axis=1)
        rank = dict(zip(m.columns, ranks.tolist(), strict=True))
        moved = tuple(h for h in m.columns if rank[h] != base_rank[h])
        leader = _leader(rank)
        rows.append(
            {
                "evidence_id": ev_id,
                "leader": leader,
                "leader_changed": leader != base_leader,
                "order_changed": bool(moved),
                "moved": moved,
            }
        )
    return pd.DataFrame(
        rows, columns=["evidence_id", "leader", "leader_changed", "order_changed", "moved"]
    )


def _steps(a: str | None, b: str | None) -> float:
    if a is not None and b is not None and a in RATING_SCALE and b in RATING_SCALE:
        return float(abs(RATING_SCALE.index(a) - RATING_SCALE.index(b)))
    return math.nan


def compare_ratings(student: Any, reference: Any) -> pd.DataFrame:
    """The student's ratings beside the reference, cell by cell, for cells both rated.

    Columns: evidence_id, hypothesis_id, student, reference, agree, steps (how far
    apart on CC..II; NaN where NA is involved), changes_score (the two give
    different inconsistency points), and the reference's ``rationale``: from a
    long table that has one (such as ``ds.ratings``), or from a matrix made by
    ``rating_matrix`` or ``hindsight_matrix``, which carry their reasons.
    """
    s, r = as_matrix(student), as_matrix(reference)
    rationale: dict[tuple[str, str], str] = {}
    if isinstance(reference, pd.DataFrame) and "rationale" in reference.columns:
        row = "evidence_id" if "evidence_id" in reference.columns else "event_id"
        rationale = _rationales(reference, row)
    elif isinstance(reference, pd.DataFrame):
        rationale = dict(reference.attrs.get("rationale", {}))
    rows = []
    for ev_id in s.index:
        for h in s.columns:
            sv = rating_at(s, ev_id, h)
            if sv is None or ev_id not in r.index or h not in r.columns:
                continue
            rv = rating_at(r, ev_id, h)
            if rv is None:
                continue
            rows.append(
                {
                    "evidence_id": ev_id,
                    "hypothesis_id": h,
                    "student": sv,
                    "reference": rv,
                    "agree": sv == rv,
                    "steps": _steps(sv, rv),
                    "changes_score": RATING_POINTS[sv] != RATING_POINTS[rv],
                    "rationale": rationale.get((ev_id, h), ""),
                }
            )
    cols = ["evidence_id", "hypothesis_id", "student", "reference", "agree", "steps"]
    return pd.DataFrame(rows, columns=[*cols, "changes_score", "rationale"])


# --- hindsight ---------------------------------------------------------------------------


def milestones(ds: Dataset, case: str) -> pd.DataFrame:
    """What happened after the case's analysis date, held against each hypothesis.

    One row per development and hypothesis, by date: event_id, date, title,
    hypothesis_id, label (of the hypothesis), expected (what the hypothesis would
    have led one to expect), rating (how consistent what happened is with it),
    rationale, contested (the event), source_ids (of the row and the event) and
    confidence. An event held against some hypotheses of the case but not all is
    refused (IncompleteDataError, the line ``analogylab validate`` prints).
    """
    c = _check_case(ds, case)
    if pd.isna(c["analysis_date"]):
        raise AnalysisError(
            f"case '{case}' has no analysis_date in cases.csv, so nothing counts as hindsight; "
            "set the date on which the analysis is made"
        )
    hyps = ds.hypotheses[ds.hypotheses.case_id == case][["hypothesis_id", "label"]]
    ms = ds.milestones[ds.milestones.hypothesis_id.isin(hyps.hypothesis_id)]
    ev = ds.events[["event_id", "date", "title", "contested", "source_ids"]].rename(
        columns={"source_ids": "event_sources"}
    )
    out = ms.merge(ev, on="event_id", how="left").merge(hyps, on="hypothesis_id", how="left")
    early = out[out["date"] <= pd.Timestamp(c["analysis_date"])]
    if not early.empty:
        e = early.iloc[0]
        raise AnalysisError(
            f"milestones.csv: event '{e['event_id']}' ({pd.Timestamp(e['date']).date()}) is not "
            f"after the analysis date of '{case}' ({pd.Timestamp(c['analysis_date']).date()}); "
            "a milestone must come later (what was known by then belongs in evidence.csv)"
        )
    refuse_incomplete(ds, "milestones", (case,))
    out["source_ids"] = _merge_sources(out, "source_ids", "event_sources")
    order = {h: i for i, h in enumerate(hyps.hypothesis_id)}
    out = out.assign(_h=out["hypothesis_id"].map(order)).sort_values(
        ["date", "event_id", "_h"], kind="stable"
    )
    cols = ["event_id", "date", "title", "hypothesis_id", "label", "expected", "rating"]
    return out[[*cols, "rationale", "contested", "source_ids", "confidence"]].reset_index(drop=True)


def hindsight_matrix(
    ds: Dataset, case: str, ratings: Any = None, *, include_contested: bool = True
) -> pd.DataFrame:
    """The milestones of a case as a matrix: developments down (by date), hypotheses across.

    ``ratings`` (optional) are a student's own, as ``{event_id: {hypothesis_id:
    rating}}`` or any form ``as_matrix`` takes, laid on the same rows and columns
    (a development they did not rate stays empty); ``include_contested=False``
    leaves out developments whose facts are disputed. The rows are named
    ``event_id``; the reference's reasons are in ``.attrs["rationale"]``.
    """
    ms = milestones(ds, case)
    if not include_contested:
        ms = ms[~ms["contested"].fillna(False).astype(bool)]
    if ms.empty:
        raise AnalysisError(
            f"case '{case}' has no rows in milestones.csv"
            + ("" if include_contested else " that are not contested")
            + "; add what happened after its analysis date, one row per event and hypothesis"
        )
    ref = as_matrix(
        ms.rename(columns={"event_id": "evidence_id"})[["evidence_id", "hypothesis_id", "rating"]]
    )
    ref = ref.reindex(
        index=list(dict.fromkeys(ms["event_id"])), columns=list(dict.fromkeys(ms["hypothesis_id"]))
    )
    if ratings is None:
        m = as_matrix(ref)
    else:
        m = as_matrix(as_matrix(ratings).reindex(index=ref.index, columns=ref.columns))
    m.index.name = "event_id"
    if ratings is None:
        m.attrs["rationale"] = _rationales(ms, "event_id")
    return m


def hindsight_scores(
    ds: Dataset, case: str, ratings: Any = None, *, include_contested: bool = True
) -> pd.DataFrame:
    """Heuer's inconsistency scores over what happened after the analysis date.

    The arguments are those of ``hindsight_matrix``; a development the student
    did not rate counts nothing.
    """
    scores = score_hypotheses(
        hindsight_matrix(ds, case, ratings, include_contested=include_contested)
    )
    labels = dict(zip(ds.hypotheses.hypothesis_id, ds.hypotheses.label, strict=True))
    scores.insert(1, "label", scores["hypothesis_id"].map(labels))
    return scores
