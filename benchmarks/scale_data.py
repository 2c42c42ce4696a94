"""Make a copy of the data package with every table's rows multiplied, still valid.

    uv run python benchmarks/scale_data.py FACTOR OUTDIR [--from DATA]

The benchmarks use it to show how ``analogylab validate`` and ``load_dataset()``
grow with the size of the data. A copy ``k`` (k = 2 .. FACTOR) of every row gets
``-xk`` appended to each of its ids: the primary key, every foreign key and every
``x-references`` list item. Which columns are ids is read from ``datapackage.json``,
so a table or column added later is scaled with no change here. Copy ``k`` of a
rating points at copy ``k`` of its evidence and hypothesis, which belong to copy
``k`` of the case, so keys, cross-table rules and dates all hold as in the
original, and the exercise bank (which names original ids) stays valid.

Two kinds of table are shared, not copied: ``dimensions`` (every pair of cases is
judged on the same dimensions, and the validator asks each pair for all of them) and
``url_hosts`` (the list of hosts sources may link to). And a copy of a source that
only the exercise bank cites (the bank names original ids) is kept as further reading,
as the ``cited`` rule of datapackage.json allows.

The copy is validated before it is returned: a generator whose output did not
validate would measure the error path, not the checks.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import sys
from pathlib import Path

from analogylab import find_data, validate
from analogylab.schema import Package, read_package


def id_columns(pkg: Package) -> dict[str, dict[str, str | None]]:
    """For each table, its id columns: name -> list delimiter (None for a single id).

    An id column is a text column of the primary key, a foreign-key column, or a
    list column whose items are keys of another table (``x-references``).
    """
    out: dict[str, dict[str, str | None]] = {}
    for res in pkg.resources:
        cols: dict[str, str | None] = {}
        for name in res.primary_key:
            if res.field(name).type == "string":
                cols[name] = None
        for fk in res.foreign_keys:
            for name in fk.fields:
                cols[name] = None
        for f in res.fields:
            if f.references is not None:
                cols[f.name] = f.delimiter
        out[res.name] = cols
    return out


def _suffixed(value: str, suffix: str, delimiter: str | None) -> str:
    if not value.strip():
        return value  # an empty optional id stays empty
    if delimiter is None:
        return value.strip() + suffix
    return delimiter.join(s.strip() + suffix for s in value.split(delimiter) if s.strip())


#: Tables every copy shares rather than copies (see the module's docstring).
SHARED = frozenset({"dimensions", "url_hosts"})


def id_columns_to_scale(pkg: Package) -> dict[str, dict[str, str | None]]:
    """``id_columns`` without the shared tables' keys and any column that points at them.

    A column that points at a shared key (``profiles.dimension_id``) keeps its value in
    every copy, and so does a column that points at such a column (``likenesses``'s
    compound key to ``profiles``), however many steps away.
    """
    fixed = {(r.name, k) for r in pkg.resources if r.name in SHARED for k in r.primary_key}
    changed = True
    while changed:
        changed = False
        for res in pkg.resources:
            links = [
                (name, (fk.resource, ref))
                for fk in res.foreign_keys
                for name, ref in zip(fk.fields, fk.ref_fields, strict=True)
            ] + [(f.name, f.references) for f in res.fields if f.references is not None]
            for name, target in links:
                if target in fixed and (res.name, name) not in fixed:
                    fixed.add((res.name, name))
                    changed = True
    return {
        res.name: {c: d for c, d in cols.items() if (res.name, c) not in fixed}
        for res, cols in ((r, id_columns(pkg)[r.name]) for r in pkg.resources)
    }


def _keep_rule(pkg: Package, name: str) -> tuple[str, str, str] | None:
    """For a table with a ``cited`` rule that keeps rows: (key, keep field, keep value)."""
    res = next(r for r in pkg.resources if r.name == name)
    for rule in res.rules:
        keep = rule.get("keep") if rule.get("rule") == "cited" else None
        if keep and keep.get("values"):
            return rule["field"], keep["field"], keep["values"][0]
    return None


def _cited_by_rows(pkg: Package, src: Path, name: str, key: str) -> set[str]:
    """The keys of table ``name`` that rows of copied tables cite (lists included).

    A shared table's rows cite the originals only, so they do not count.
    """
    cited: set[str] = set()
    for res in pkg.resources:
        if res.name in SHARED:
            continue
        for f in res.fields:
            if f.references == (name, key):
                with (src / res.path).open(encoding="utf-8-sig", newline="") as fh:
                    for row in csv.DictReader(fh):
                        value = row.get(f.name) or ""
                        items = value.split(f.delimiter) if f.delimiter else [value]
                        cited.update(i.strip() for i in items if i.strip())
    return cited


def _scale_table(
    raw: bytes,
    ids: dict[str, str | None],
    factor: int,
    keep: tuple[str, str, str, set[str]] | None = None,
) -> tuple[bytes, int]:
    """The CSV with FACTOR copies of its rows (the first unchanged), and its original rows.

    ``keep`` (key column, keep column, keep value, keys cited by rows): a copy of a
    row whose key is not cited by rows gets the keep value (``further-reading``).
    """
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    where = {i: ids[h.strip()] for i, h in enumerate(header) if h.strip() in ids}
    names = [h.strip() for h in header]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    for k in range(2, factor + 1):
        suffix = f"-x{k}"
        for r in body:
            copy = [_suffixed(c, suffix, where[i]) if i in where else c for i, c in enumerate(r)]
            if keep is not None and r[names.index(keep[0])].strip() not in keep[3]:
                copy[names.index(keep[1])] = keep[2]
            writer.writerow(copy)
    return out.getvalue().encode("utf-8"), len(body)


def scale(factor: int, dest: Path, source: Path | None = None) -> Path:
    """Write the data package at ``source`` (default: the shipped data) scaled by ``factor``.

    Returns ``dest``. Raises AssertionError, with the validator's report, if the
    scaled copy does not validate clean or does not hold ``factor`` times the rows.
    """
    if factor < 1:
        raise ValueError(f"factor must be 1 or more, not {factor}")
    src = find_data(source)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("templates"), dirs_exist_ok=True)
    pkg = read_package(src)
    ids = id_columns_to_scale(pkg)
    original = shared = 0
    for res in pkg.resources:
        raw = (src / res.path).read_bytes()
        if res.name in SHARED:
            shared += len(_scale_table(raw, {}, 1)[0].splitlines()) - 1
            continue  # copied as it is by copytree
        rule = _keep_rule(pkg, res.name)
        keep = None
        if rule is not None:
            keep = (*rule, _cited_by_rows(pkg, src, res.name, rule[0]))
        scaled, n = _scale_table(raw, ids[res.name], factor, keep)
        (dest / res.path).write_bytes(scaled)
        original += n
    report = validate(dest)
    assert report.ok, f"the {factor}x copy does not validate:\n{report}"
    total = sum(report.rows.values())
    expected = factor * original + shared
    assert total == expected, f"{total} rows, expected {factor} x {original} + {shared} shared"
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("factor", type=int)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--from", dest="source", type=Path, default=None)
    args = parser.parse_args(argv)
    out = scale(args.factor, args.outdir, args.source)
    counts = validate(out, exercises=False).rows
    print(json.dumps({"path": str(out), "rows": sum(counts.values()), "tables": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
