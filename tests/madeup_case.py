"""A made-up case, added to a copy of the data as CSV rows only (test scaffolding, not history).

It reuses real actors and a real source id only so that the data validates: Iran as
sponsor, the Taliban as proxy, the United States as rival, 1990-1995, with events, a
goal, a series, a counterpart and, paired with the 1980s case, a full set of
likenesses, two hypotheses, two evidence items rated against both, and a milestone.
Lesson 07 ships a real, cited third case; tests of "any case" and of a teacher's
case (complete, or with one row missing) build on this one.
"""

from __future__ import annotations

from pathlib import Path

from csvedit import append_row, read

X = "test-case-x"
SRC = "coll-2004-ghost-wars"


def add_case(data_copy: Path, *, analysis: bool = True) -> None:
    """Append the made-up case's rows to the data folder ``data_copy``.

    ``analysis=False`` leaves out its profiles, likenesses, hypotheses, evidence, ratings
    and milestones: a case still being built.
    """
    common = {"source_ids": SRC, "confidence": "C"}
    append_row(
        data_copy,
        "cases",
        {
            "case_id": X,
            "title": "A test case",
            "short_label": "Test case X",
            "sponsor_id": "iran",
            "proxy_id": "taliban",
            "rival_id": "usa",
            "theatre": "Nowhere in particular",
            "start_year": "1990",
            "end_year": "1995",
            "analysis_date": "1992-06-30",
            "summary": "Rows made up for a test.",
            **common,
        },
    )
    for actor, role in (("iran", "sponsor"), ("taliban", "proxy"), ("usa", "rival")):
        append_row(
            data_copy,
            "roles",
            {"case_id": X, "actor_id": actor, "role": role, "summary": "Test row.", **common},
        )
    for n, (date, precision, kind, contested) in enumerate(
        [
            ("1990-03-01", "month", "intervention", "false"),
            ("1991-06-15", "day", "allegation", "true"),
            ("1993-01-01", "year", "withdrawal", "false"),
        ]
    ):
        append_row(
            data_copy,
            "events",
            {
                "event_id": f"ex-{n}",
                "case_id": X,
                "date": date,
                "precision": precision,
                "title": f"Test event {n}",
                "description": "Test row.",
                "kind": kind,
                "actor_ids": "usa",
                "contested": contested,
                "note": "Disputed in this test." if contested == "true" else "",
                **common,
            },
        )
    append_row(
        data_copy,
        "goals",
        {
            "goal_id": "gx-iran",
            "case_id": X,
            "actor_id": "iran",
            "goal": "A test goal.",
            "category": "status",
            "basis": "inferred",
            "evidence": "None.",
            **common,
        },
    )
    append_row(
        data_copy,
        "series_info",
        {
            "series_id": "x-aid",
            "case_id": X,
            "title": "Test aid",
            "unit": "US$ million (current)",
            "quantity": "usd-million",
            "measure": "Test.",
            **common,
        },
    )
    append_row(
        data_copy,
        "series",
        {"series_id": "x-aid", "year": "1990", "value": "5", "measure": "Test.", **common},
    )
    append_row(
        data_copy,
        "series",
        {
            "series_id": "x-aid",
            "year": "1991",
            "low": "6",
            "high": "9",
            "measure": "Test.",
            **common,
        },
    )
    append_row(
        data_copy,
        "counterparts",
        {
            "counterpart_id": "cp-x-usa",
            "case_a": "us-mujahideen-1980s",
            "actor_a": "usa",
            "case_b": X,
            "actor_b": "iran",
            "role": "sponsor",
            "fit": "weak",
            "reason": "Test row.",
            **common,
        },
    )
    if analysis:
        _analysis_rows(data_copy, common)


def _analysis_rows(data: Path, common: dict[str, str]) -> None:
    """Likenesses with the 1980s case, two hypotheses, evidence, ratings and a milestone."""
    dims = [r[0] for r in read(data, "dimensions")[1:]]
    verdicts = ["likeness", "partial", "difference"]
    for n, d in enumerate(dims):
        append_row(data, "profiles", {"dimension_id": d, "case_id": X, "value": "Test.", **common})
        append_row(
            data,
            "likenesses",
            {
                "dimension_id": d,
                "case_a": "us-mujahideen-1980s",
                "case_b": X,
                "verdict": verdicts[n % 3],
                "reason": "Test row.",
                **common,
            },
        )
    for h in ("hx-a", "hx-b"):
        append_row(
            data,
            "hypotheses",
            {
                "hypothesis_id": h,
                "case_id": X,
                "label": f"Test hypothesis {h}",
                "statement": "Test.",
                "held_by": "Nobody.",
                **common,
            },
        )
    ratings = {"evx-1": ("C", "I"), "evx-2": ("II", "N")}
    for n, (ev, pair) in enumerate(ratings.items()):
        append_row(
            data,
            "evidence",
            {
                "evidence_id": ev,
                "case_id": X,
                "date": f"199{n}-01-01",
                "precision": "year",
                "description": "Test.",
                "kind": "action",
                "credibility": "high",
                "relevance": "low",
                "contested": "false",
                **common,
            },
        )
        for h, rating in zip(("hx-a", "hx-b"), pair, strict=True):
            append_row(
                data,
                "ratings",
                {
                    "evidence_id": ev,
                    "hypothesis_id": h,
                    "rating": rating,
                    "rationale": "Test.",
                    **common,
                },
            )
    for h, rating in (("hx-a", "C"), ("hx-b", "II")):
        append_row(
            data,
            "milestones",
            {
                "event_id": "ex-2",
                "hypothesis_id": h,
                "expected": "Test.",
                "rating": rating,
                "rationale": "Test.",
                **common,
            },
        )
