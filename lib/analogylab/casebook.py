"""The rows a lesson asks for, in words: one case's events, counted, and its actors placed.

Lessons 00-03 read the dataset's tables a student of politics has not learnt pandas for.
Each function here answers one question a lesson asks, so that the lesson cell says what it
wants instead of how to filter, group or pivot a DataFrame::

    rows(ds, "events", "russia-taliban-2018", kinds=["allegation", "denial"], until="2018-10-12")
    count(ds.claims, "claimant_kind", "claim_type")
    shared_actors(ds, "us-mujahideen-1980s", "russia-taliban-2018")
    placement(ds, "russia-taliban-2018", ["russia", "taliban"], before=2015)

Every result keeps the rows' ``source_ids``, so ``analogylab.show_table`` records them for
the page's list of sources. Nothing here changes the dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from analogylab.errors import UnknownIdError

if TYPE_CHECKING:
    from analogylab.data import Dataset

__all__ = ["count", "disputed_figures", "placement", "rows", "shared_actors"]

#: The column that holds each table's case, and its kind of row, where it has one.
_CASE, _KIND = "case_id", "kind"


def _ids(ds: Dataset, table: str, column: str) -> set[str]:
    return set(ds[table][column].astype(str))


def _known(ds: Dataset, table: str, column: str, values: Iterable[str], what: str) -> None:
    known = _ids(ds, table, column)
    unknown = [v for v in values if v not in known]
    if unknown:
        raise UnknownIdError(
            f"no {what} {', '.join(repr(u) for u in unknown)} in {table}.csv; "
            f"the {what}s there are: {', '.join(sorted(known))}"
        )


def rows(
    ds: Dataset,
    table: str,
    case: str | None = None,
    *,
    actor: str | None = None,
    kinds: Sequence[str] | None = None,
    contested: bool | None = None,
    years: tuple[int, int] | None = None,
    until: str | pd.Timestamp | None = None,
    ids: Sequence[str] | None = None,
    **equal: str,
) -> pd.DataFrame:
    """The rows of ``table`` that a lesson names, in date order where the table has dates.

    ``case``: only that case's rows; ``actor``: rows of that actor (``actor_id``, or one
    of ``actor_ids``); ``kinds``: only these kinds (events, evidence); ``contested``: only
    contested (True) or undisputed (False) rows; ``years``: from the first to the last year,
    both included; ``until``: dated on or before that day (the analysis date, say); ``ids``:
    only the rows with these keys; any other keyword, rows whose column of that name has
    that value (``dimension_id="outcome"``). A name that is not in the data is refused with
    the names that are.
    """
    frame = ds[table]
    keep = pd.Series(True, index=frame.index)
    if case is not None:
        _known(ds, "cases", "case_id", [case], "case")
        keep &= frame[_CASE] == case
    if actor is not None:
        _known(ds, "actors", "actor_id", [actor], "actor")
        if "actor_ids" in frame:
            keep &= frame["actor_ids"].map(lambda a: actor in tuple(a or ()))
        else:
            keep &= frame["actor_id"] == actor
    if kinds is not None:
        _known(ds, table, _KIND, kinds, "kind")
        keep &= frame[_KIND].isin(list(kinds))
    if contested is not None:
        keep &= frame["contested"].astype(bool) == contested
    if years is not None:
        keep &= frame["date"].dt.year.between(*years)
    if until is not None:
        keep &= frame["date"] <= pd.Timestamp(until)
    if ids is not None:
        key = ds.package.resource(table).primary_key[0]
        _known(ds, table, key, ids, key)
        keep &= frame[key].isin(list(ids))
    for column, value in equal.items():
        if column not in frame:
            raise UnknownIdError(
                f"{table}.csv has no column {column!r}; its columns are: {', '.join(frame.columns)}"
            )
        keep &= frame[column] == value
    out = frame[keep]
    if "date" in out:
        out = out.sort_values("date", kind="stable")
    return out.reset_index(drop=True)


def count(frame: pd.DataFrame, down: str, across: str) -> pd.DataFrame:
    """How many rows of ``frame`` have each pair of values: ``down`` the rows, ``across``.

    A table of counts (0 where no row has the pair), with the two column names kept as the
    names of its rows and columns, for example claims by who makes them and by their type.
    """
    table = pd.crosstab(frame[down], frame[across])
    table.index.name, table.columns.name = down, None
    return table.reset_index()


def shared_actors(ds: Dataset, case_a: str, case_b: str) -> pd.DataFrame:
    """The actors with a role in both cases, and the role each case gives them.

    One row per actor: ``actor_id``, the role in ``case_a``, the role in ``case_b`` (the
    columns are named by the cases' short labels), and the ``source_ids`` of both roles.
    """
    _known(ds, "cases", "case_id", [case_a, case_b], "case")
    roles = ds.roles
    a = roles[roles.case_id == case_a].set_index("actor_id")
    b = roles[roles.case_id == case_b].set_index("actor_id")
    both = [actor for actor in a.index if actor in b.index]
    label_a, label_b = (str(ds.case(c).short_label) for c in (case_a, case_b))
    return pd.DataFrame(
        {
            "actor_id": both,
            label_a: [a.role[x] for x in both],
            label_b: [b.role[x] for x in both],
            "source_ids": [tuple(a.source_ids[x]) + tuple(b.source_ids[x]) for x in both],
        }
    )


def placement(
    ds: Dataset, case: str, actors: Sequence[str], *, before: int | None = None
) -> pd.DataFrame:
    """Neustadt and May's placement of the key actors, from the rows of the dataset.

    For each actor, in the order given: who they are (``actors.description``), where they
    stand in ``case`` (its role and the role's summary), their part in any other case of the
    dataset, and what they had lived through: the titles of the case's events they took part
    in before the year ``before`` (default: the case's ``start_year``), each with its year.
    The ``source_ids`` are those of every row used.
    """
    _known(ds, "cases", "case_id", [case], "case")
    _known(ds, "actors", "actor_id", actors, "actor")
    first = int(ds.case(case).start_year) if before is None else before
    roles = ds.roles
    records: list[dict[str, Any]] = []
    for actor_id in actors:
        who = ds.actor(actor_id)
        mine = roles[(roles.case_id == case) & (roles.actor_id == actor_id)]
        others = roles[(roles.case_id != case) & (roles.actor_id == actor_id)]
        lived = rows(ds, "events", case, actor=actor_id)
        lived = lived[lived.date.dt.year < first]
        sources: list[str] = list(who.source_ids)
        for frame in (mine, others, lived):
            for ids in frame.source_ids:
                sources += [s for s in ids if s not in sources]
        records.append(
            {
                "actor_id": actor_id,
                "who": who.description,
                "role": mine.role.iloc[0] if len(mine) else "",
                "where_they_stand": mine.summary.iloc[0] if len(mine) else "",
                "other_cases": [
                    f"{ds.case(str(c)).short_label}: {role}"
                    for c, role in zip(others.case_id, others.role, strict=True)
                ],
                "lived_through": [
                    f"{d.year}: {t}" for d, t in zip(lived.date, lived.title, strict=True)
                ],
                "source_ids": tuple(sources),
            }
        )
    return pd.DataFrame.from_records(records)


def disputed_figures(ds: Dataset, series: Sequence[str]) -> pd.DataFrame:
    """The yearly figures of these series where the sources disagree: a range, no value.

    One row per series and year, in the order the series are given and then by year, with
    the ``low`` and ``high`` figures the sources give, what the figure ``measure``s, the
    ``note`` on who gives which, and the ``source_ids``.
    """
    _known(ds, "series_info", "series_id", series, "series")
    figures = ds.series[ds.series.series_id.isin(list(series))]
    ranged = figures[figures.low.notna() & figures.high.notna() & figures.value.isna()]
    order = {s: n for n, s in enumerate(series)}
    ranged = ranged.sort_values(
        ["series_id", "year"], key=lambda c: c.map(order) if c.name == "series_id" else c
    )
    return ranged.reset_index(drop=True)
