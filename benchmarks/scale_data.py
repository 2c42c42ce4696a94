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


def _scale_table(raw: bytes, ids: dict[str, str | None], factor: int) -> tuple[bytes, int]:
    """The CSV with FACTOR copies of its rows (the first unchanged), and its original rows."""
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    where = {i: ids[h.strip()] for i, h in enumerate(header) if h.strip() in ids}
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    for k in range(2, factor + 1):
        suffix = f"-x{k}"
        for r in body:
            writer.writerow(
                [_suffixed(c, suffix, where[i]) if i in where else c for i, c in enumerate(r)]
            )
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
    ids = id_columns(pkg)
    original = 0
    for res in pkg.resources:
        scaled, n = _scale_table((src / res.path).read_bytes(), ids[res.name], factor)
        (dest / res.path).write_bytes(scaled)
        original += n
    report = validate(dest)
    assert report.ok, f"the {factor}x copy does not validate:\n{report}"
    total = sum(report.rows.values())
    assert total == factor * original, f"{total} rows, expected {factor} x {original}"
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
