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
  Heuer's step 4 has two parts here: ``drop_non_diagnostic`` leaves out the items
  that do not tell the hypotheses apart, saying which and why, and rescores; and a
  student's own hypotheses, added (``add_hypothesis``), merged from two
  (``merge_hypotheses``) or split from one (``split_hypothesis``), are columns of the
  matrix like the others, scored by the same functions and marked as the student's
  own (``own_hypotheses``; ``reconsidered`` applies a grid answer's merges and
  splits). Nothing compares them with a key: there is none.
* **Hindsight**: ``milestones`` holds what happened after a case's analysis date
  against what each hypothesis would have led one to expect;
  ``hindsight_scores`` scores them the same way. The curators wrote those
  expectations *after* the events: Heuer's step 8 asks for indicators written
  *before*, which ``indicator_tally`` scores against what happened
  (``record_after`` lists it).

Where the package is narrower than Heuer, or simplifies him, ``HEUER_NOTES`` says so
in sentences the lessons and the explorers show.

>>> ds = load_dataset()
>>> analogy_strength(ds, "us-mujahideen-1980s", "russia-taliban-2018").score
>>> score_hypotheses(rating_matrix(ds, "russia-taliban-2018"))
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analogylab.completeness import refuse_incomplete
from analogylab.data import Dataset
from analogylab.errors import AnalogylabError, UnknownIdError
from analogylab.grading import INDICATOR_MARKS, OWN_KEY
from analogylab.validate import did_you_mean

__all__ = [
    "HEUER_NOTES",
    "INDICATOR_MARKS",
    "KHONG_JOBS",
    "MAX_WEIGHT",
    "MERGE_RULES",
    "OWN_HOW",
    "RATING_POINTS",
    "RATING_SCALE",
    "VERDICT_POINTS",
    "WEIGHT_LEVELS",
    "AnalogyScore",
    "AnalysisError",
    "OwnHypothesis",
    "Pruned",
    "Reasons",
    "add_hypothesis",
    "analogy_strength",
    "as_matrix",
    "compare_ratings",
    "derive_merged",
    "diagnosticity",
    "dimension_families",
    "dimension_weights",
    "drop_non_diagnostic",
    "hindsight_matrix",
    "hindsight_scores",
    "indicator_tally",
    "leave_one_out",
    "likenesses_and_differences",
    "merge_hypotheses",
    "milestones",
    "own_hypotheses",
    "rating_at",
    "rating_matrix",
    "reconsidered",
    "record_after",
    "score_hypotheses",
    "split_hypothesis",
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

#: Where this package is narrower than Heuer (*Psychology of Intelligence Analysis*, 1999,
#: ch. 8) or simplifies him, in sentences a lesson or an explorer can show as they are.
#: Keys: diagnostic, scoring, weights, dropping, reconsider, sensitivity, milestones,
#: indicators.
HEUER_NOTES: dict[str, str] = {
    "diagnostic": (
        "Here an item is called diagnostic when it counts more against some hypotheses than "
        "against others: the spread of its inconsistency points (I = 1, II = 2) across the "
        "hypotheses is above 0. Heuer's idea is wider. For him an item is diagnostic when it "
        "is more likely under some hypotheses than under others, so an item strongly expected "
        "under one hypothesis (CC) and merely neutral under another (N) helps a little to "
        "tell them apart. Because only inconsistent ratings score here, such an item counts "
        "for nothing in this package."
    ),
    "scoring": (
        "The scores add up inconsistency only (I = 1, II = 2; consistent ratings add "
        "nothing), following Heuer's advice to try to disprove hypotheses rather than prove "
        "them. Heuer himself adds nothing up: he asks the analyst to look at the items that "
        "count against each hypothesis and to judge their relative likelihood, and he warns "
        "that the matrix must not make the decision for the analyst. A sum treats every I "
        "as equal, whatever the item, and so simplifies that judgement."
    ),
    "weights": (
        "The weighted score multiplies an item's points by its credibility times its "
        "relevance, with the levels of the PARC ACH 2.0 software (low 1/sqrt(2), medium 1, "
        "high sqrt(2)) as reported second-hand. Heuer weighs credibility and relevance by "
        "judgement, not by a formula; the levels are this package's choice."
    ),
    "dropping": (
        "Heuer's step 4 drops the evidence that has no diagnostic value, so that the matrix "
        "keeps to what matters. Here those are the items that give every hypothesis the "
        "same points. Leaving them out never changes the ranking, only the totals: they "
        "add the same to every column. Heuer would still keep a note of them, because they "
        "say what any explanation has to account for."
    ),
    "reconsider": (
        "Heuer's step 4 also reconsiders the hypotheses: after a first pass an analyst may "
        "add one, merge two that the evidence does not tell apart, or split one that hides "
        "two. Your own hypotheses are scored by the same rules as the others, and nothing "
        "compares them with a key: the curators have none for them."
    ),
    "merge_rules": (
        "Ratings derived for a merged hypothesis are a shortcut. 'Either' reads the merge "
        "as 'one or the other is true' and takes, item by item, the rating that counts "
        "less against it; 'both' reads it as 'both are true at once' and takes the rating "
        "that counts more. Heuer would rate the new hypothesis afresh: change any derived "
        "cell you would rate differently."
    ),
    "sensitivity": (
        "Leave-one-out is a mechanical part of Heuer's step 6: it drops each item in turn "
        "and sees whether the ranking moves. Heuer also asks what follows if a key item were "
        "wrong, or planted to deceive, and which assumptions stand behind it; that is for "
        "you to judge."
    ),
    "milestones": (
        "Heuer's step 8 lists, before events, what to watch for that would show events "
        "taking a different course than expected. The curators' milestones (milestones.csv) "
        "were written in hindsight, after the events, and so are open to the hindsight bias "
        "they are meant to expose."
    ),
    "indicators": (
        "Your indicators, written as of the analysis date, are the step as Heuer meant it. "
        "Marking them against what happened is your judgement too: an indicator that "
        "happened by its date counts 1 against the hypothesis it named, as an I counts in "
        "the matrix."
    ),
}

#: How a student's own hypothesis came about (Heuer's step 4).
OWN_HOW: dict[str, str] = {
    "added": "your own",
    "merged": "your merge",
    "split": "your split",
}

#: How ratings of a merged hypothesis can be derived from the two it merges.
MERGE_RULES: dict[str, str] = {
    "either": "holds if either is true: the rating that counts less against it",
    "both": "holds only if both are true: the rating that counts more against it",
}


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


# --- memo of the reference matrices ----------------------------------------------------------
#
# An explorer redraws its matrix on every control change, and building the reference
# matrix (with the completeness check ``analogylab validate`` also makes) is most of a
# redraw. The memo keeps the last result per dataset object and case, and gives it again
# only while that object's tables read are unchanged, by content (a hash of every cell):
# a table edited in place in a lesson is seen at the next call.
_MEMO: dict[tuple[str, int, str], tuple[Any, tuple[Any, ...], pd.DataFrame]] = {}
_MEMO_MAX = 64


def _content(ds: Dataset, tables: tuple[str, ...]) -> tuple[Any, ...]:
    """What the tables hold, as a key: their columns and a hash of every cell and index."""
    return tuple(
        (tuple(map(str, ds[t].columns)), int(pd.util.hash_pandas_object(ds[t], index=True).sum()))
        for t in tables
    )


def _memo(what: str, ds: Dataset, case: str, tables: tuple[str, ...], make: Any) -> pd.DataFrame:
    """``make()``, or a copy of its last result here while the tables it reads are unchanged."""
    key = (what, id(ds), case)
    content = _content(ds, tables)
    hit = _MEMO.get(key)
    if hit is not None and hit[0]() is ds and hit[1] == content:
        return hit[2].copy(deep=True)
    made: pd.DataFrame = make()
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = (weakref.ref(ds), content, made.copy(deep=True))
    return made


def rating_matrix(ds: Dataset, case: str) -> pd.DataFrame:
    """The reference ratings of a case: evidence down (by date), hypotheses across.

    The reasons go with it, in ``.attrs["rationale"]`` (``{(evidence_id,
    hypothesis_id): rationale}``), so ``compare_ratings`` can give them. A case
    rated on some evidence x hypothesis pairs but not all is refused
    (IncompleteDataError, the line ``analogylab validate`` prints).
    """
    tables = ("cases", "hypotheses", "evidence", "ratings")
    return _memo("ratings", ds, case, tables, lambda: _rating_matrix(ds, case))


def _rating_matrix(ds: Dataset, case: str) -> pd.DataFrame:
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


class Reasons(Mapping[tuple[str, str], str]):
    """The reasons of a matrix's ratings, read-only: ``{(row id, hypothesis_id): rationale}``.

    Kept in a matrix's ``.attrs``, which pandas deep-copies at every operation on the
    matrix; being read-only, this mapping is shared instead of copied (a copy was a
    fifth of an explorer's redraw).
    """

    __slots__ = ("_d",)

    def __init__(self, reasons: Mapping[tuple[str, str], str]) -> None:
        self._d = dict(reasons)

    def __getitem__(self, key: tuple[str, str]) -> str:
        return self._d[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __repr__(self) -> str:
        return f"Reasons({self._d!r})"

    def __deepcopy__(self, memo: dict[int, Any]) -> Reasons:
        return self


def _rationales(rows: pd.DataFrame, key: str) -> Reasons:
    """``{(row id, hypothesis_id): rationale}`` from a long table of ratings."""
    return Reasons(
        {
            (str(e), str(h)): "" if pd.isna(t) else str(t)
            for e, h, t in zip(rows[key], rows["hypothesis_id"], rows["rationale"], strict=True)
        }
    )


def as_matrix(ratings: Any) -> pd.DataFrame:
    """Ratings as a matrix (evidence down, hypotheses across), from any of the forms used.

    Accepts such a matrix, a long table with columns evidence_id (or event_id),
    hypothesis_id and rating, or a grid exercise's answer
    ``{evidence_id: {hypothesis_id: rating}}``. Ratings must be on Heuer's scale;
    empty cells stay empty (missing) and count as unrated. A grid answer with
    hypotheses of the student's own keeps what it says about them (its ``"@own"``
    entry) in ``.attrs["own"]`` (see :func:`own_hypotheses`); so does a matrix.
    """
    own: dict[str, OwnHypothesis] = {}
    if isinstance(ratings, Mapping):
        m, own = _from_mapping(ratings)
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
        own = dict(ratings.attrs.get("own", {}))
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
    if own:
        m.attrs["own"] = {k: v for k, v in own.items() if k in m.columns}
    return m


def _from_mapping(ratings: Mapping[Any, Any]) -> tuple[pd.DataFrame, dict[str, OwnHypothesis]]:
    """``{evidence_id: {hypothesis_id: rating}}`` (and a grid answer's "@own") as a frame."""
    own = _own_from_json(ratings.get(OWN_KEY))
    rows = {k: v for k, v in ratings.items() if k != OWN_KEY}
    bad = [k for k, v in rows.items() if not isinstance(v, Mapping)]
    if bad:
        raise AnalysisError(
            f"ratings for '{bad[0]}' must be a mapping of hypothesis ids to ratings, "
            "such as {'h-flank-hedge': 'C'}"
        )
    m = pd.DataFrame({k: dict(v) for k, v in rows.items()}).T
    for label in own:  # a column of the student's own with no cell rated yet
        if label not in m.columns:
            m[label] = None
    return m, own


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
    ``own`` marks a hypothesis of the student's own (added, merged or split; see
    :func:`own_hypotheses`), scored by the same rules: its ``hypothesis_id`` is the
    student's label. (Where the sum simplifies Heuer: ``HEUER_NOTES["scoring"]``.)
    """
    m = as_matrix(ratings)
    pts = _points(m)
    own = own_hypotheses(m)
    out = pd.DataFrame(
        {
            "hypothesis_id": m.columns,
            "inconsistency": pts.sum().to_numpy(),
            "consistent": m.isin(["C", "CC"]).sum().to_numpy(),
            "rated": m.notna().sum().to_numpy(),
            "applicable": (m.notna() & (m != "NA")).sum().to_numpy(),
            "own": [h in own for h in m.columns],
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
    non-diagnostic evidence, which :func:`drop_non_diagnostic` leaves out.

    This is narrower than Heuer's notion (``HEUER_NOTES["diagnostic"]``): only
    inconsistency scores here, so an item strongly expected under one hypothesis and
    merely neutral under another has spread 0, though in Heuer's sense it helps a
    little to tell them apart.
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
    rationale: Mapping[tuple[str, str], str] = {}
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


# --- Heuer's step 4: reconsider the hypotheses, drop what is not diagnostic ---------------


@dataclass(frozen=True)
class OwnHypothesis:
    """A hypothesis of the student's own, and how it came about (Heuer's step 4).

    ``label`` is the student's name for it, and its key as a column of ratings.
    ``how``: ``added`` (new), ``merged`` (from the two ``parents``) or ``split``
    (one of the parts of ``parents[0]``). ``rule``: for a merge whose ratings were
    derived from the two, ``either`` or ``both`` (``MERGE_RULES``); empty when the
    student rated it.
    """

    label: str
    how: str = "added"
    parents: tuple[str, ...] = ()
    rule: str = ""

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """In words, for a heading: "your own", "your merge of A and B", "your split of H"."""
        names = names or {}
        of = [f"“{names.get(p, p)}”" for p in self.parents]
        if self.how == "merged" and len(of) == 2:
            derived = f", derived: {self.rule}" if self.rule else ""
            return f"your merge of {of[0]} and {of[1]}{derived}"
        if self.how == "split" and of:
            return f"your split of {of[0]}"
        return "your own"

    def to_json(self) -> dict[str, Any]:
        """The form kept with a grid answer (its ``"@own"`` entry)."""
        out: dict[str, Any] = {"how": self.how}
        if self.parents:
            out["from"] = list(self.parents)
        if self.rule:
            out["rule"] = self.rule
        return out


def _own_from_json(entry: Any) -> dict[str, OwnHypothesis]:
    """``{label: OwnHypothesis}`` from a grid answer's ``"@own"`` entry (None: none)."""
    if entry is None:
        return {}
    if not isinstance(entry, Mapping):
        raise AnalysisError(
            f"the answer's {OWN_KEY!r} entry must map each label of your own hypotheses to "
            "how it came about, such as {'My hypothesis': {'how': 'added'}}"
        )
    out = {}
    for label, given in entry.items():
        d = given if isinstance(given, Mapping) else {}
        how = str(d.get("how", "added"))
        if how not in OWN_HOW:
            raise AnalysisError(
                f"your hypothesis “{label}” says it was {how!r}; use one of: {', '.join(OWN_HOW)}"
            )
        parents = tuple(str(p) for p in d.get("from", ()) or ())
        out[str(label)] = OwnHypothesis(str(label), how, parents, str(d.get("rule", "") or ""))
    return out


def own_hypotheses(ratings: Any) -> dict[str, OwnHypothesis]:
    """The student's own hypotheses in these ratings: ``{label: OwnHypothesis}``.

    They are the columns added by :func:`add_hypothesis`, :func:`merge_hypotheses`
    or :func:`split_hypothesis`, or by the student in a rating grid (kept in its
    answer). Empty for the reference ratings.
    """
    if isinstance(ratings, pd.DataFrame) and "rating" not in ratings.columns:
        return dict(ratings.attrs.get("own", {}))
    return dict(as_matrix(ratings).attrs.get("own", {}))


def _new_label(m: pd.DataFrame, label: Any) -> str:
    text = " ".join(label.split()) if isinstance(label, str) else ""
    if not text:
        raise AnalysisError(
            "give your hypothesis a short label, such as 'Russia wants a say in Kabul'"
        )
    if text in m.columns or text.lower() in {str(c).lower() for c in m.columns}:
        raise AnalysisError(f"there is already a hypothesis “{text}”; give yours another label")
    return text


def _column_of(m: pd.DataFrame, key: Any, what: str) -> str:
    if key not in m.columns:
        raise UnknownIdError(
            f"no hypothesis {key!r} among these ratings{did_you_mean(str(key), m.columns)}; "
            f"name the {what} by its id, or by your label for a hypothesis of your own"
        )
    return str(key)


def _own_cells(m: pd.DataFrame, label: str, cells: Mapping[str, Any] | None) -> list[Any]:
    """A new column's ratings, item by item, from ``{evidence_id: rating}`` (others unrated)."""
    cells = dict(cells or {})
    unknown = [e for e in cells if e not in m.index]
    if unknown:
        raise UnknownIdError(
            f"your ratings of “{label}” name {unknown[0]!r}, which is not one of the items"
            f"{did_you_mean(str(unknown[0]), m.index)}"
        )
    out = []
    for e in m.index:
        v = _cell(cells.get(e))
        if v is not None and v not in RATING_POINTS:
            raise AnalysisError(
                f"rating {v!r} of “{label}” for '{e}' is not on Heuer's scale; use one of "
                + ", ".join(RATING_POINTS)
            )
        out.append(v)
    return out


def _with_own(m: pd.DataFrame, own: Mapping[str, OwnHypothesis]) -> pd.DataFrame:
    m.attrs["own"] = {k: v for k, v in own.items() if k in m.columns}
    return m


def add_hypothesis(
    ratings: Any, label: str, cells: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The ratings with a hypothesis of the student's own added as a last column.

    ``cells`` rates it item by item (``{evidence_id: rating}``); items left out stay
    unrated (and count 0). It is scored like every other hypothesis and marked as
    the student's own (:func:`own_hypotheses`); nothing compares it with a key.
    """
    m = as_matrix(ratings)
    own = own_hypotheses(m)
    text = _new_label(m, label)
    out = m.copy()
    out[text] = _own_cells(m, text, cells)
    own[text] = OwnHypothesis(text, "added")
    return _with_own(as_matrix(out), own)


def derive_merged(first: Any, second: Any, rule: str = "either") -> list[str | None]:
    """Ratings of a merged hypothesis, item by item, from the ratings of the two it merges.

    ``rule="either"`` (the merge holds if either is true): the rating that counts
    less against it, that is the fewer inconsistency points, and between equal
    points the more consistent. ``"both"`` (it holds only if both are true): the
    rating that counts more against it, and between equal points the less
    consistent. NA (no bearing) on one side gives the other side's rating; NA on
    both gives NA; an item unrated on either side stays unrated. A shortcut: Heuer
    would rate a new hypothesis afresh (``HEUER_NOTES["merge_rules"]``).
    """
    if rule not in MERGE_RULES:
        raise AnalysisError(f"the rule {rule!r} is not one of: {', '.join(MERGE_RULES)}")
    out: list[str | None] = []
    for x, y in zip(list(first), list(second), strict=True):
        a, b = _cell(x), _cell(y)
        if a is None or b is None:
            out.append(None)
        elif a == "NA" or b == "NA":
            out.append(b if a == "NA" else a)
        else:
            pair = sorted((a, b), key=lambda r: (RATING_POINTS[r], RATING_SCALE.index(r)))
            out.append(pair[0] if rule == "either" else pair[1])
    return out


def merge_hypotheses(
    ratings: Any,
    first: str,
    second: str,
    label: str,
    *,
    rule: str | None = "either",
    cells: Mapping[str, str] | None = None,
    keep: bool = False,
) -> pd.DataFrame:
    """Two hypotheses merged into one of the student's own, which takes their place.

    Its ratings are the student's (``cells``, ``{evidence_id: rating}``), or derived
    from the two by ``rule`` (:func:`derive_merged`: ``either`` or ``both``). The
    merged column stands where ``first`` stood; the two are left out unless
    ``keep``. It is marked as a merge of the two (:func:`own_hypotheses`), scored
    like the others, and compared with nothing.
    """
    m = as_matrix(ratings)
    own = own_hypotheses(m)
    a, b = _column_of(m, first, "first"), _column_of(m, second, "second")
    if a == b:
        raise AnalysisError(f"merge two different hypotheses; both are {a!r}")
    text = _new_label(m, label)
    if cells is not None:
        values, used = _own_cells(m, text, cells), ""
    elif rule is None:
        raise AnalysisError("give the merged hypothesis your ratings (cells=...) or a rule")
    else:
        values, used = derive_merged(m[a], m[b], rule), rule
    out = m.copy()
    out.insert(list(m.columns).index(a), text, values)
    if not keep:
        out = out.drop(columns=[a, b])
    own[text] = OwnHypothesis(text, "merged", (a, b), used)
    return _with_own(as_matrix(out), own)


def split_hypothesis(
    ratings: Any,
    hypothesis: str,
    parts: Mapping[str, Mapping[str, str] | None],
    *,
    keep: bool = False,
) -> pd.DataFrame:
    """One hypothesis split into two (or more) of the student's own, which take its place.

    ``parts`` maps each new label to the student's ratings of it (``{evidence_id:
    rating}``; None or a missing item: not rated yet). The parts stand where the
    hypothesis stood, which is left out unless ``keep``; each is marked as a split of
    it, scored like the others, and compared with nothing.
    """
    m = as_matrix(ratings)
    own = own_hypotheses(m)
    h = _column_of(m, hypothesis, "hypothesis to split")
    if len(parts) < 2:
        raise AnalysisError(
            f"split “{h}” into at least two hypotheses: give parts={{label: ratings, ...}}"
        )
    out = m.copy()
    at = list(m.columns).index(h)
    for i, (label, cells) in enumerate(parts.items()):
        text = _new_label(out, label)
        out.insert(at + i, text, _own_cells(m, text, cells))
        own[text] = OwnHypothesis(text, "split", (h,))
    if not keep:
        out = out.drop(columns=[h])
    return _with_own(as_matrix(out), own)


def reconsidered(ratings: Any) -> pd.DataFrame:
    """The ratings with the student's merges and splits applied, and what they replace out.

    For a grid answer (or any ratings) whose own hypotheses say they merge or split
    others (:func:`own_hypotheses`): those others are dropped, so each merged pair
    and each split hypothesis is counted once, in its new form. ``.attrs["replaced"]``
    maps each hypothesis left out to the labels that replace it.
    """
    m = as_matrix(ratings)
    own = own_hypotheses(m)
    replaced: dict[str, list[str]] = {}
    for label, o in own.items():
        if o.how in {"merged", "split"}:
            for p in o.parents:
                if p in m.columns and p != label:
                    replaced.setdefault(p, []).append(label)
    out = m.drop(columns=[p for p in replaced if p in m.columns])
    if out.shape[1] == 0:
        raise AnalysisError("nothing is left to score once the merged and split ones are out")
    out = _with_own(as_matrix(out), own)
    out.attrs["replaced"] = {p: tuple(v) for p, v in replaced.items()}
    return out


@dataclass(frozen=True)
class Pruned:
    """The matrix without the items that do not tell the hypotheses apart (Heuer's step 4).

    ``kept``: the ratings of the diagnostic items; ``dropped``: one row per item left
    out, with its ratings, the points it gives each hypothesis, ``why`` it was left
    out, and ``heuer``: where Heuer's wider notion would still see a difference
    (``HEUER_NOTES["diagnostic"]``). ``before`` and ``after``: the scores with every
    item and without the dropped ones (``after`` is None when nothing is left).
    """

    kept: pd.DataFrame
    dropped: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame | None
    weighted: bool = False

    @property
    def ranking_changed(self) -> bool:
        """Whether leaving the items out changed any hypothesis's rank (it never should)."""
        if self.after is None:
            return True
        a = dict(zip(self.before["hypothesis_id"], self.before["rank"], strict=True))
        b = dict(zip(self.after["hypothesis_id"], self.after["rank"], strict=True))
        return a != b

    def sentences(self) -> list[str]:
        """What was left out and what that did, in words."""
        n, total = len(self.dropped), len(self.kept) + len(self.dropped)
        if not n:
            return ["Every item tells the hypotheses apart here: nothing is left out."]
        out = [
            (
                f"{n} of {total} items left out: each gives every hypothesis the same "
                "inconsistency points, so none of them tells the hypotheses apart."
            )
        ]
        if self.after is None:
            out.append("No item is left to score: no item tells these hypotheses apart.")
        elif not self.ranking_changed:
            out.append(
                "The ranking is the same without them, as it must be: they add the same to "
                "every score. Only the totals fall."
            )
        heuer = int((self.dropped["heuer"] != "").sum())
        if heuer:
            out.append(
                f"{heuer} of them {'is' if heuer == 1 else 'are'} rated more consistent with "
                "some hypotheses than with others: in Heuer's wider sense such an item still "
                "tells them apart a little."
            )
        return out


def drop_non_diagnostic(
    ratings: Any,
    evidence: pd.DataFrame | None = None,
    *,
    weighted: bool = False,
    names: Mapping[str, str] | None = None,
) -> Pruned:
    """Leave out the items that do not tell the hypotheses apart, say why, and rescore.

    An item is left out when it gives every hypothesis the same inconsistency points
    (spread 0 in :func:`diagnosticity`): rated consistent, neutral or not applicable
    with all (0 each), or inconsistent with all alike. ``evidence`` and ``weighted``
    as for :func:`score_hypotheses`; ``names`` maps hypothesis keys to the names used
    in the reasons (default: the keys). Leaving such items out never changes the
    ranking, only the totals (``HEUER_NOTES["dropping"]``).
    """
    m = as_matrix(ratings)
    names = dict(names or {})
    diag = diagnosticity(m).set_index("evidence_id")
    flat = [e for e in m.index if not bool(diag.at[e, "diagnostic"])]
    pts = _points(m)
    rows = []
    for e in flat:
        each = float(pts.loc[e].iloc[0]) if len(pts.columns) else 0.0
        shown = " ".join(v or "-" for v in m.loc[e])
        if each == 0:
            why = (
                "no hypothesis is rated inconsistent with it (only CC, C, N or NA): it adds "
                "nothing to any score"
            )
        else:
            why = f"it is rated inconsistent with every hypothesis alike: it adds {each:g} to each"
        rows.append(
            {
                "evidence_id": e,
                "ratings": shown,
                "points_each": each,
                "why": why,
                "heuer": _heuer_leaning(m.loc[e], names),
            }
        )
    dropped = pd.DataFrame(rows, columns=["evidence_id", "ratings", "points_each", "why", "heuer"])
    before = score_hypotheses(m, evidence, weighted=weighted)
    kept = m.drop(index=flat)
    kept.attrs = dict(m.attrs)
    after = score_hypotheses(kept, evidence, weighted=weighted) if len(kept) else None
    return Pruned(kept, dropped, before, after, weighted)


def _heuer_leaning(row: pd.Series, names: Mapping[str, str]) -> str:
    """Where an item left out is still more consistent with some hypotheses than others."""
    rated = {h: v for h, v in row.items() if isinstance(v, str) and v in ("CC", "C", "N")}
    if len(set(rated.values())) < 2:
        return ""
    best = min(rated.values(), key=RATING_SCALE.index)
    worst = max(rated.values(), key=RATING_SCALE.index)
    hi = [names.get(str(h), str(h)) for h, v in rated.items() if v == best]
    lo = [names.get(str(h), str(h)) for h, v in rated.items() if v == worst]
    return (
        f"rated {best} under {_some(hi)} but {worst} under {_some(lo)}: in Heuer's wider "
        "sense it still leans a little"
    )


def _some(names: list[str], most: int = 2) -> str:
    """“A”, “A and B”, or “A, B and 3 more”."""
    q = [f"“{n}”" for n in names]
    if len(q) <= most:
        return " and ".join(q)
    return ", ".join(q[:most]) + f" and {len(q) - most} more"


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
    tables = ("cases", "hypotheses", "milestones", "events")
    return _memo("milestones", ds, case, tables, lambda: _milestones(ds, case))


def _milestones(ds: Dataset, case: str) -> pd.DataFrame:
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


# --- Heuer's step 8, as he meant it: indicators written before the events ------------------


def record_after(ds: Dataset, case: str) -> pd.DataFrame:
    """What happened after a case's analysis date: the record to hold indicators against.

    The case's events dated after its ``analysis_date``, by date: event_id, date,
    precision, title, kind, contested, note and source_ids, and ``milestone``
    (whether the curators hold it against the hypotheses in milestones.csv, where
    they wrote what each would have led one to expect, in hindsight).
    """
    c = _check_case(ds, case)
    if pd.isna(c["analysis_date"]):
        raise AnalysisError(
            f"case '{case}' has no analysis_date in cases.csv, so nothing comes after it; "
            "set the date on which the analysis is made"
        )
    ev = ds.events[
        (ds.events["case_id"] == case) & (ds.events["date"] > pd.Timestamp(c["analysis_date"]))
    ].sort_values(["date", "event_id"], kind="stable")
    cols = ["event_id", "date", "precision", "title", "kind", "contested", "note", "source_ids"]
    out = ev[cols].reset_index(drop=True)
    out["milestone"] = out["event_id"].isin(set(ds.milestones["event_id"]))
    return out


def _hypothesis_names(hypotheses: Any) -> dict[str, str]:
    if hypotheses is None:
        return {}
    if isinstance(hypotheses, pd.DataFrame):
        return dict(zip(hypotheses["hypothesis_id"], hypotheses["label"], strict=True))
    if isinstance(hypotheses, Mapping):
        return {str(k): str(v) for k, v in hypotheses.items()}
    return {str(h): str(h) for h in hypotheses}


def indicator_tally(indicators: Any, hypotheses: Any = None) -> pd.DataFrame:
    """The student's indicators, marked against what happened, counted per hypothesis.

    ``indicators``: a list of ``{"text", "against", "by", "mark"}`` (as an
    indicators exercise stores them; ``mark`` one of ``INDICATOR_MARKS``, or
    missing where not marked yet). ``hypotheses``: the hypotheses to list, in order
    (ids, ``{id: label}`` or the ``hypotheses`` table), so that one with no indicator
    shows too; others named by an indicator are added after them.

    One row per hypothesis: written (indicators set against it), happened,
    did_not_happen, cannot_tell, unmarked, and ``against``: the indicators that
    happened by their date, each counting 1 against the hypothesis it named, as an I
    counts in lesson 06's hindsight scores (lower is less counted against); ``rank``
    as in :func:`score_hypotheses`. A hypothesis with no indicator cannot be counted
    against at all, so its 0 means nothing: compare ``written``.
    """
    names = _hypothesis_names(hypotheses)
    items = list(indicators or [])
    order = list(names)
    for it in items:
        h = str(it.get("against", "")) if isinstance(it, Mapping) else ""
        if h and h not in order:
            order.append(h)
    rows = []
    for h in order:
        mine = [it for it in items if isinstance(it, Mapping) and str(it.get("against")) == h]
        marks = [str(it.get("mark") or "") for it in mine]
        rows.append(
            {
                "hypothesis_id": h,
                "label": names.get(h, h),
                "written": len(mine),
                "happened": marks.count("happened"),
                "did_not_happen": marks.count("did-not-happen"),
                "cannot_tell": marks.count("cannot-tell"),
                "unmarked": sum(m not in INDICATOR_MARKS for m in marks),
            }
        )
    cols = ["hypothesis_id", "label", "written", "happened", "did_not_happen", "cannot_tell"]
    out = pd.DataFrame(rows, columns=[*cols, "unmarked"])
    out["against"] = out["happened"]
    out["rank"] = _rank(out["against"].astype(float)).to_numpy() if len(out) else []
    return out
