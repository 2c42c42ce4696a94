"""All or none: a table that has begun a pair, a case or an event must finish it.

``analogylab validate`` reports these gaps, and the analysis functions refuse to
compute on them with the very same message (``IncompleteDataError``). The rules
are declared in ``datapackage.json`` under ``x-rules``, like the other checks
across tables, so a teacher's copy carries them:

* ``complete``: rows grouped by ``group`` (two case ids read as one unordered
  pair when ``pair`` is true) must give ``field`` every key of ``resource``; with
  ``within``, only the keys of the group's own case (a milestone's event belongs
  to a case, and is held against every hypothesis *of that case*).
  ``likenesses``: a pair of cases judged on some dimensions is judged on all.
  ``milestones``: an event held against some hypotheses is held against all.
* ``complete-grid``: once a case has any row, every pair of its rows of the two
  ``resources`` has one. ``ratings``: every evidence item against every hypothesis.

A group with no rows at all is fine: a case still being built has no likenesses
or ratings yet. Missing keys are reported once per cause: a hypothesis missing
from every event (or evidence item) of its case is one line, not one per event.

Rows come in as ``(row number, {column: text})`` pairs, the validator's raw
cells; ``dataset_gaps`` makes them from a loaded Dataset's tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analogylab.validate import Problem, display_path

if TYPE_CHECKING:
    from analogylab.data import Dataset

__all__ = ["RULE_KINDS", "Gap", "dataset_gaps", "refuse_incomplete", "rule_gaps"]

#: The x-rules this module checks.
RULE_KINDS = ("complete", "complete-grid")

Rows = Sequence[tuple[int | None, Mapping[str, str]]]

_SHOWN = 6  # names listed in a message before "and N more"


@dataclass(frozen=True)
class Gap:
    """One missing piece, as a Problem, with the groups it concerns.

    ``scope`` holds the keys an analysis asks about: sorted pairs of case ids
    for likenesses, ``(case_id,)`` for ratings and milestones.
    """

    problem: Problem
    scope: frozenset[tuple[str, ...]]


# --- naming things in messages ------------------------------------------------------------


def _noun(field: str, resource: str, n: int) -> str:
    """'dimension' / 'dimensions', 'evidence item' / 'evidence items', from the names."""
    if resource == "evidence":
        return "evidence item" if n == 1 else "evidence items"
    singular = field.removesuffix("_id").replace("_", " ")
    return singular if n == 1 else resource.replace("_", " ")


def _named(key: str, labels: Mapping[str, str]) -> str:
    label = labels.get(key, "").strip()
    if len(label) > 60:
        label = label[:57].rstrip() + "..."
    return f"'{key}' ({label})" if label else f"'{key}'"


def _listing(keys: Sequence[str], labels: Mapping[str, str]) -> str:
    shown = ", ".join(_named(k, labels) for k in keys[:_SHOWN])
    more = len(keys) - _SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _index(rows: Rows, key: str) -> dict[str, Mapping[str, str]]:
    return {cells.get(key, "").strip(): cells for _, cells in rows}


def _labels(rows: Rows, key: str, label: str | None) -> dict[str, str]:
    if not label:
        return {}
    return {cells.get(key, "").strip(): cells.get(label, "") for _, cells in rows}


def _cell(cells: Mapping[str, str], name: str) -> str:
    return cells.get(name, "").strip()


# --- complete: a group gives a field every key of a table -------------------------------


@dataclass
class _Groups:
    """What a ``complete`` rule finds: each group's keys, given and expected."""

    rule: Mapping[str, Any]
    file: str
    labels: dict[str, str]
    present: dict[tuple[str, ...], set[str]]
    shown: dict[tuple[str, ...], tuple[str, ...]]  # a pair as its first row writes it
    twice: dict[tuple[tuple[str, ...], str], list[int | None]]
    expected: dict[tuple[str, ...], list[str]]
    case_of: dict[tuple[str, ...], str]  # with ``within``: the group's case
    owner_labels: dict[str, str]

    def noun(self, n: int = 1) -> str:
        return _noun(self.rule["field"], self.rule["resource"], n)

    def gap(self, message: str, hint: str, scope: Iterable[tuple[str, ...]]) -> Gap:
        return Gap(Problem(self.file, None, None, message, hint, "incomplete"), frozenset(scope))

    def pair(self, group: tuple[str, ...]) -> str:
        return " / ".join(f"'{x}'" for x in self.shown[group])


def _collect(
    rule: Mapping[str, Any], file: str, rows: Rows, tables: Mapping[str, Rows]
) -> _Groups | None:
    target = tables.get(rule["resource"])
    within = rule.get("within")
    owner = tables.get(within["resource"]) if within else None
    if target is None or (within and owner is None):
        return None
    key, case_col = rule["key"], rule.get("case", "case_id")
    found = _Groups(rule, file, _labels(target, key, rule.get("label")), {}, {}, {}, {}, {}, {})
    for rownum, cells in rows:
        values = tuple(_cell(cells, g) for g in rule["group"])
        item = _cell(cells, rule["field"])
        if not item or not all(values):
            continue  # a missing value is reported on its own row
        group = tuple(sorted(values)) if rule.get("pair") else values
        found.shown.setdefault(group, values)
        have = found.present.setdefault(group, set())
        if item in have and rule.get("pair"):
            found.twice.setdefault((group, item), []).append(rownum)
        have.add(item)
    every = [_cell(c, key) for _, c in target if _cell(c, key)]
    by_case: dict[str, list[str]] = {}
    for _, cells in target:
        by_case.setdefault(_cell(cells, case_col), []).append(_cell(cells, key))
    owner_index = _index(owner, within["key"]) if within and owner is not None else {}
    if within and owner is not None:
        found.owner_labels = _labels(owner, within["key"], within.get("label"))
    for group in found.present:
        if not within:
            found.expected[group] = every
            continue
        event = owner_index.get(group[0])
        if event is not None:  # else a dangling reference, which the key checks report
            case = _cell(event, within.get("case", "case_id"))
            found.case_of[group] = case
            found.expected[group] = by_case.get(case, [])
    return found


def _whole_gaps(g: _Groups, missing: dict[tuple[str, ...], list[str]]) -> list[Gap]:
    """One line per key missing from every group of its scope (a new hypothesis or dimension).

    The key is taken out of ``missing``, so the groups do not repeat it.
    """
    within = g.rule.get("within")
    scopes: dict[str, list[tuple[str, ...]]] = {}
    for group in g.expected:
        scopes.setdefault(g.case_of.get(group, ""), []).append(group)
    gaps = []
    for scope, groups in scopes.items():
        if len(groups) < 2:
            continue
        for k in g.expected[groups[0]]:
            if not all(k in missing.get(x, ()) for x in groups):
                continue
            for x in groups:
                missing[x].remove(k)
            n = len(groups)
            listed = ", ".join(g.pair(x) for x in groups[:_SHOWN]) + (" ..." if n > _SHOWN else "")
            what = f"{g.noun()} {_named(k, g.labels)}"
            if within:
                owner = _noun(within["key"], within["resource"], n)
                gaps.append(
                    g.gap(
                        f"{what} of case '{scope}' has no row, while the case's other "
                        f"{g.noun(2)} have rows for {n} {owner} ({listed})",
                        f"add a row for each of these {n}: every "
                        f"{_noun(within['key'], within['resource'], 1)} here is held against "
                        f"every {g.noun()} of its case",
                        [(scope,)],
                    )
                )
            else:
                gaps.append(
                    g.gap(
                        f"{what} has no row for any of the {n} pairs in the file ({listed})",
                        f"add a row for each pair: a pair has a row for every {g.noun()} "
                        "or for none",
                        groups,
                    )
                )
    return gaps


def _group_gaps(g: _Groups, missing: dict[tuple[str, ...], list[str]]) -> list[Gap]:
    """One line per group for the keys it lacks."""
    within = g.rule.get("within")
    gaps = []
    for group, lacking in missing.items():
        if not lacking:
            continue
        total = len(g.expected[group])
        given = f"has rows for {total - len(lacking)} of the {total} {g.noun(total)}"
        names = _listing(lacking, g.labels)
        if within:
            case = g.case_of[group]
            owner = _noun(within["key"], within["resource"], 1)
            gaps.append(
                g.gap(
                    f"{owner} {_named(group[0], g.owner_labels)} {given} of case '{case}'; "
                    f"none for {names}",
                    f"add a row for each, or take this {owner}'s rows out until all are "
                    f"ready: every {owner} here is held against every {g.noun()} of its "
                    "case, or none",
                    [(case,)],
                )
            )
        else:
            gaps.append(
                g.gap(
                    f"the pair {g.pair(group)} {given}; none for {names}",
                    f"add a row for each (the two cases in {' and '.join(g.rule['group'])}), "
                    "or take the pair's rows out until every one is ready: a pair has a row "
                    f"for every {g.noun()} or for none",
                    [group],
                )
            )
    return gaps


def _complete(
    rule: Mapping[str, Any], file: str, rows: Rows, tables: Mapping[str, Rows]
) -> list[Gap]:
    g = _collect(rule, file, rows, tables)
    if g is None:
        return []
    missing = {
        group: [k for k in expected if k not in g.present[group]]
        for group, expected in g.expected.items()
    }
    gaps = _whole_gaps(g, missing) + _group_gaps(g, missing)
    for (group, item), rownums in g.twice.items():
        row = next((r for r in rownums if r is not None), None)
        problem = Problem(
            file,
            row,
            "+".join([rule["field"], *rule["group"]]),
            f"{g.noun()} {_named(item, g.labels)} is judged twice for the pair "
            f"'{group[0]}' / '{group[1]}' (once with each case first)",
            "keep one of the two rows: the order of the pair does not matter",
            "duplicate-pair",
        )
        gaps.append(Gap(problem, frozenset({group})))
    return gaps


# --- complete-grid: every row of one table against every row of another, per case ----------


def _complete_grid(
    rule: Mapping[str, Any], file: str, rows: Rows, tables: Mapping[str, Rows]
) -> list[Gap]:
    (f_row, f_col), (r_row, r_col) = rule["fields"], rule["resources"]
    row_table, col_table = tables.get(r_row), tables.get(r_col)
    if row_table is None or col_table is None:
        return []
    case_col = rule.get("case", "case_id")
    label_row, label_col = [*rule.get("labels", []), None, None][:2]
    row_labels = _labels(row_table, f_row, label_row)
    col_labels = _labels(col_table, f_col, label_col)

    def by_case(table: Rows, key: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for _, cells in table:
            k = _cell(cells, key)
            if k:
                out.setdefault(_cell(cells, case_col), []).append(k)
        return out

    row_keys, col_keys = by_case(row_table, f_row), by_case(col_table, f_col)
    case_of_row = {k: c for c, ks in row_keys.items() for k in ks}
    have: dict[str, set[tuple[str, str]]] = {}
    for _, cells in rows:
        a, b = _cell(cells, f_row), _cell(cells, f_col)
        case = case_of_row.get(a)
        if case is not None and b:
            have.setdefault(case, set()).add((a, b))
    gaps: list[Gap] = []
    for case, pairs in have.items():
        es, hs = row_keys.get(case, []), col_keys.get(case, [])
        lacking = {(e, h) for e in es for h in hs if (e, h) not in pairs}
        if not lacking:
            continue
        scope = frozenset({(case,)})

        def add(message: str, hint: str, _scope: frozenset[tuple[str, ...]] = scope) -> None:
            gaps.append(Gap(Problem(file, None, None, message, hint, "incomplete"), _scope))

        rule_text = (
            f"once a case has rows here, every {_noun(f_row, r_row, 1)} is rated against "
            f"every {_noun(f_col, r_col, 1)} of the case"
        )
        for h in hs:  # a column nobody rated: one line
            if len(es) > 1 and all((e, h) in lacking for e in es):
                add(
                    f"{_noun(f_col, r_col, 1)} {_named(h, col_labels)} of case '{case}' is rated "
                    f"against none of the case's {len(es)} {_noun(f_row, r_row, len(es))}",
                    f"add {len(es)} rows, one per {_noun(f_row, r_row, 1)} "
                    f"({f_row}, {f_col}, ...): " + rule_text,
                )
                lacking -= {(e, h) for e in es}
        for e in es:  # a row nobody rated: one line
            left = [h for h in hs if (e, h) in lacking]
            if not left:
                continue
            if len(hs) > 1 and len(left) == len(hs):
                add(
                    f"{_noun(f_row, r_row, 1)} {_named(e, row_labels)} of case '{case}' is rated "
                    f"against none of the case's {len(hs)} {_noun(f_col, r_col, len(hs))}",
                    f"add {len(hs)} rows, one per {_noun(f_col, r_col, 1)}: " + rule_text,
                )
            else:
                add(
                    f"{_noun(f_row, r_row, 1)} {_named(e, row_labels)} of case '{case}' has no "
                    f"rating against {len(left)} of the case's {len(hs)} "
                    f"{_noun(f_col, r_col, len(hs))}: {_listing(left, col_labels)}",
                    f"add a row for each ({f_row}, {f_col}, ...): " + rule_text,
                )
    return gaps


_CHECKS: dict[str, Callable[[Mapping[str, Any], str, Rows, Mapping[str, Rows]], list[Gap]]] = {
    "complete": _complete,
    "complete-grid": _complete_grid,
}


def resources_of(rule: Mapping[str, Any]) -> list[str]:
    """The other tables a completeness rule reads."""
    if rule.get("rule") == "complete":
        out = [rule["resource"]]
        if rule.get("within"):
            out.append(rule["within"]["resource"])
        return out
    return list(rule.get("resources", []))


def rule_gaps(
    rule: Mapping[str, Any], file: str, rows: Rows, tables: Mapping[str, Rows]
) -> list[Gap]:
    """The gaps one ``complete`` or ``complete-grid`` rule finds in ``rows`` (of ``file``)."""
    check = _CHECKS.get(str(rule.get("rule")))
    return [] if check is None else check(rule, file, rows, tables)


# --- the same checks on a loaded Dataset ---------------------------------------------------------


def _frame_rows(frame: Any, columns: Iterable[str]) -> list[tuple[int | None, dict[str, str]]]:
    cols = [c for c in dict.fromkeys(columns) if c in frame.columns]
    values = frame[cols].astype(object).where(frame[cols].notna(), "").astype(str)
    return [(None, dict(zip(cols, row, strict=True))) for row in values.itertuples(index=False)]


def _columns(rule: Mapping[str, Any]) -> dict[str, list[str]]:
    """The columns of each table a rule reads, so a Dataset's tables are read only that far."""
    if rule["rule"] == "complete":
        cols = {rule["resource"]: [rule["key"], rule.get("case", "case_id")]}
        if rule.get("label"):
            cols[rule["resource"]].append(rule["label"])
        within = rule.get("within")
        if within:
            cols[within["resource"]] = [
                within["key"],
                within.get("case", "case_id"),
                *([within["label"]] if within.get("label") else []),
            ]
        return cols
    case = rule.get("case", "case_id")
    labels = [*rule.get("labels", []), "", ""][:2]
    return {
        r: [f, case, *([lab] if lab else [])]
        for r, f, lab in zip(rule["resources"], rule["fields"], labels, strict=True)
    }


def dataset_gaps(ds: Dataset, table: str) -> list[Gap]:
    """The gaps the completeness rules of ``table`` find in a loaded Dataset."""
    res = ds.package.resource(table)
    gaps: list[Gap] = []
    for rule in res.rules:
        if rule.get("rule") not in RULE_KINDS:
            continue
        own = [*rule.get("group", []), *rule.get("fields", [])]
        if "field" in rule:
            own.append(rule["field"])
        others = {name: _frame_rows(ds[name], cols) for name, cols in _columns(rule).items()}
        rows = _frame_rows(ds[table], own)
        gaps.extend(rule_gaps(rule, display_path(ds.path, res.path), rows, others))
    return gaps


def refuse_incomplete(ds: Dataset, table: str, scope: tuple[str, ...]) -> None:
    """Raise IncompleteDataError if ``table`` has a gap in ``scope`` (a pair, or a case).

    For a pair give both case ids (in any order); for a case, ``(case_id,)``.
    """
    from analogylab.errors import IncompleteDataError  # noqa: PLC0415

    key = tuple(sorted(scope)) if len(scope) == 2 else scope
    found = [g.problem for g in dataset_gaps(ds, table) if key in g.scope]
    if found:
        raise IncompleteDataError(found)
