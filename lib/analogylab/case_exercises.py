"""Rating-grid exercises made from the data, for any case: no YAML to write.

A teacher who adds a case with hypotheses, evidence and reference ratings gets an
exercise that asks students to rate every item against every hypothesis, keyed and
explained from ``ratings.csv`` (each cell's rating and its rationale), like the
hand-written grid of lesson 05. With ``hindsight=True`` the rows are the case's
developments after its analysis date, keyed from ``milestones.csv``.

>>> ex = analogylab.rating_exercise(ds, "my-case")
>>> analogylab.exercise(ex.id)                           # the grid, with Check and feedback
>>> widgets.ach_explorer(ds, "my-case", ex.id)           # the grid above Heuer's matrix

The id is made from the case id: ``ex-ach-<case_id>`` (``ex-hindsight-<case_id>``),
so attempts are kept in the answer store like any other, under an id that names the
case and never collides with the bank's ``ex-NN-K`` ids; the exercise is filed under
lesson 07 ("Your own case"). After a restart, ``check``, ``last_answer`` and the
widgets find the exercise by its id alone (it is made again from the data in use).
"""

from __future__ import annotations

import os
import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from analogylab.bank import Exercise, Item
from analogylab.errors import UnknownIdError
from analogylab.validate import did_you_mean

if TYPE_CHECKING:
    from analogylab.data import Dataset

__all__ = ["ACH_PREFIX", "HINDSIGHT_PREFIX", "LESSON", "generated_exercise", "rating_exercise"]

ACH_PREFIX = "ex-ach-"
HINDSIGHT_PREFIX = "ex-hindsight-"
LESSON = "07"
SCALE = ("CC", "C", "N", "I", "II", "NA")

_made: dict[str, Exercise] = {}  # the exercises made in this session, by id

_QUESTION = (
    "Rate each {rows} (row) against each explanation (column) on Heuer's scale: **CC** very "
    "consistent, **C** consistent, **N** neutral, **I** inconsistent, **II** very "
    "inconsistent, **NA** not applicable. For every cell ask: *{question}* {extra}"
)
_HINTS = (
    (
        "Take one item at a time and rate it against every explanation before the next: if "
        "this explanation were true, how likely is it that we would see this item?"
    ),
    (
        "Give N when the item would be just as likely whichever explanation were true, and NA "
        "when it has nothing to do with this one. Keep II and CC for items that could hardly "
        "be reconciled with, or are strongly expected by, the explanation."
    ),
)


def _short(text: object, width: int = 70) -> str:
    return textwrap.shorten(" ".join(str(text).split()), width, placeholder="...")


def _when(date: object, precision: object) -> str:
    d = pd.Timestamp(date)  # type: ignore[arg-type]
    if precision == "year":
        return f"{d.year}"
    if precision == "month":
        return d.strftime("%B %Y")
    return f"{d.day} {d.strftime('%B %Y')}"


def _cells(rows: pd.DataFrame, key: str, value: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for r, h, v in zip(rows[key], rows["hypothesis_id"], rows[value], strict=True):
        out.setdefault(str(r), {})[str(h)] = "" if pd.isna(v) else str(v)
    return out


def _sources(*frames: pd.DataFrame) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for frame in frames:
        for ids in frame["source_ids"]:
            for s in ids:
                seen.setdefault(s, None)
    return tuple(seen)


def rating_exercise(ds: Dataset, case_id: str, *, hindsight: bool = False) -> Exercise:
    """The rating-grid exercise of a case, keyed and explained from its reference ratings.

    Rows are the case's evidence (by date) and columns its hypotheses; the key and
    the reason of every cell come from ``ratings.csv``. With ``hindsight=True``, rows
    are its developments after the analysis date, from ``milestones.csv``. Refuses a
    case without hypotheses, evidence or ratings (AnalysisError) and one rated only
    in part (IncompleteDataError), with the message of ``analogylab validate``.
    """
    from analogylab import analysis  # noqa: PLC0415  (matplotlib-free, but pandas-heavy)

    case = ds.case(case_id)
    label = str(case["short_label"])
    hyps = ds.hypotheses.set_index("hypothesis_id")
    if hindsight:
        m = analysis.hindsight_matrix(ds, case_id)
        ms = ds.milestones[ds.milestones.event_id.isin(m.index)]
        events = ds.events.set_index("event_id").loc[list(m.index)]
        rows = tuple(
            Item(str(e), f"{_when(r.date, r.precision)}: {_short(r.title, 60)}")
            for e, r in events.iterrows()
        )
        listing = "\n".join(
            f"- **{_when(r.date, r.precision)}**, {r.title}"
            + (" (*contested*)" if bool(r.contested) else "")
            + f": {' '.join(str(r.description).split())}"
            for _, r in events.iterrows()
        )
        prompt = _QUESTION.format(
            rows="development after the analysis date",
            question="how consistent is what happened with what this explanation, as held on "
            f"{_when(case['analysis_date'], 'day')}, would have led an analyst to expect?",
            extra="",
        )
        key, why = _cells(ms, "event_id", "rating"), _cells(ms, "event_id", "rationale")
        exercise_id, what = HINDSIGHT_PREFIX + case_id, "Rate what happened next"
        sources = _sources(ms, events.reset_index())
    else:
        m = analysis.rating_matrix(ds, case_id)
        rated = ds.ratings[ds.ratings.evidence_id.isin(m.index)]
        evidence = ds.evidence.set_index("evidence_id").loc[list(m.index)]
        rows = tuple(
            Item(str(e), f"{e!s} ({_when(r.date, r.precision)}): {_short(r.description)}")
            for e, r in evidence.iterrows()
        )
        listing = "\n".join(
            f"- **{e!s}** ({_when(r.date, r.precision)}, {r.kind}, credibility {r.credibility}"
            + (", *contested*" if bool(r.contested) else "")
            + f"): {' '.join(str(r.description).split())}"
            for e, r in evidence.iterrows()
        )
        prompt = _QUESTION.format(
            rows="item of evidence",
            question="if this explanation were true, how likely is it that we would see this item?",
            extra="Rate an allegation as if it were true; its credibility is weighed "
            "separately, in the weighted score.",
        )
        key, why = _cells(rated, "evidence_id", "rating"), _cells(rated, "evidence_id", "rationale")
        exercise_id, what = ACH_PREFIX + case_id, "Rate the evidence"
        sources = _sources(rated, evidence.reset_index())
    columns = tuple(Item(str(h), str(hyps.at[h, "label"])) for h in m.columns)
    explanations = "\n".join(
        f"- **{hyps.at[h, 'label']!s}**: {' '.join(str(hyps.at[h, 'statement']).split())}"
        for h in m.columns
    )
    ex = Exercise(
        id=exercise_id,
        lesson=LESSON,
        kind="grid",
        title=f"{what}: {label}",
        prompt=(
            f"{prompt}\n\nThe explanations:\n\n{explanations}\n\nThe rows:\n\n{listing}\n\n"
            "There is no single right grid. After your check you see the reference ratings "
            "of the data, with the reason for each."
        ),
        points=1.0,
        attempts=1,
        hints=_HINTS,
        sources=tuple(dict.fromkeys((*sources, *_sources(hyps.loc[list(m.columns)])))),
        rows=rows,
        columns=columns,
        scale=SCALE,
        ordered=True,
        unordered=("NA",),
        key=key,
        rationale=why,
    )
    _made[ex.id] = ex
    return ex


def generated_exercise(
    exercise_id: str, path: str | os.PathLike[str] | None = None
) -> Exercise | None:
    """The exercise ``rating_exercise`` made with this id, or made now from the data at ``path``.

    None when the id is not of a generated exercise (``ex-ach-...``, ``ex-hindsight-...``).
    """
    if exercise_id in _made:
        return _made[exercise_id]
    for prefix, hindsight in ((ACH_PREFIX, False), (HINDSIGHT_PREFIX, True)):
        if exercise_id.startswith(prefix):
            from analogylab.data import load_dataset  # noqa: PLC0415  (data imports bank)

            ds = load_dataset(path)
            case_id = exercise_id.removeprefix(prefix)
            cases = list(ds.cases.case_id)
            if case_id not in cases:
                raise UnknownIdError(
                    f"no case '{case_id}' in the data for exercise {exercise_id!r}"
                    f"{did_you_mean(case_id, cases)}; generated ids are {prefix}<case_id>"
                )
            return rating_exercise(ds, case_id, hindsight=hindsight)
    return None
