"""Fuzzing: malformed files of every table never make a traceback escape.

A seeded generator (``random.Random(seed)``: every run can be replayed by its seed)
breaks the CSV files of a small copy of the data in the ways files get broken:
truncated mid-row or mid-character, other delimiters, binary junk, byte-order marks
(UTF-8 twice, UTF-16), huge cells, quotes never closed, empty files, header-only
files, duplicate or blank headers, mixed encodings (Latin-1 rows in a UTF-8 file),
other line endings, rows repeated, cells swapped for odd values (NUL, emoji, 10**400,
dates like 0000-00-00), a folder where a file should be, another table's content.

For each run, ``analogylab validate`` (the command, in this process) must exit 0 or 1
and print only ``FILE...: what; how`` lines, and ``load_dataset()`` must either load
or raise DataValidationError: never anything else. The normal suite runs a few seeds
(a few seconds); the test marked slow runs many more (``ANALOGYLAB_FUZZ_RUNS`` of
them, from seed ``ANALOGYLAB_FUZZ_SEED``, 150 from 1000 unless set).
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from analogylab import DataValidationError, find_data, load_dataset
from analogylab.cli import main
from analogylab.schema import read_package

PKG = read_package(find_data())
TABLES = [r.path for r in PKG.resources]
ROWS_KEPT = 6  # rows of each table in the fuzzed copy: small, so that each run is quick

Mutation = Callable[[bytes, random.Random], bytes]


def _lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\n")


def _truncate(raw: bytes, rng: random.Random) -> bytes:
    return raw[: rng.randrange(len(raw) + 1)]  # mid-row, mid-quote, mid-character


def _delimiter(raw: bytes, rng: random.Random) -> bytes:
    new = rng.choice([b";", b"\t", b"|", b", "])
    lines = _lines(raw)
    upto = rng.choice([1, len(lines)])  # the header only, or every line
    return b"\n".join([ln.replace(b",", new) for ln in lines[:upto]] + lines[upto:])


def _junk(raw: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(raw) + 1)
    return raw[:at] + rng.randbytes(rng.randrange(1, 64)) + raw[at:]


def _bom(raw: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return b"\xef\xbb\xbf\xef\xbb\xbf" + raw  # saved twice with a BOM
    if kind == 1:
        return raw.decode("utf-8", "replace").encode(rng.choice(["utf-16", "utf-16-be"]))
    if kind == 2:
        at = rng.randrange(len(raw) + 1)
        return raw[:at] + b"\xef\xbb\xbf" + raw[at:]  # a BOM inside the file
    return b"\xff\xfe" + raw  # a UTF-16 mark on UTF-8 bytes


def _huge(raw: bytes, rng: random.Random) -> bytes:
    lines = _lines(raw)
    i = rng.randrange(len(lines))
    cell = b"x" * rng.choice([131_073, 200_000])
    if rng.random() < 0.5:
        cell = b'"' + cell  # and a quote never closed
    lines[i] = cell + b"," + lines[i]
    return b"\n".join(lines)


def _quote(raw: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(raw) + 1)
    return raw[:at] + rng.choice([b'"', b'""', b'"\n', b',"']) + raw[at:]


def _empty(raw: bytes, rng: random.Random) -> bytes:
    lines = _lines(raw)
    return rng.choice([b"", b"\n\n", b" ", b"\xef\xbb\xbf", lines[0], lines[0] + b"\n"])


def _header(raw: bytes, rng: random.Random) -> bytes:
    lines = _lines(raw)
    names = lines[0].split(b",")
    kind = rng.randrange(4)
    if kind == 0:
        names.append(rng.choice(names))  # a column twice
    elif kind == 1:
        names[rng.randrange(len(names))] = b""  # a blank name
    elif kind == 2:
        names[rng.randrange(len(names))] = names[rng.randrange(len(names))].upper() + b" "
    else:
        rng.shuffle(names)
    lines[0] = b",".join(names)
    return b"\n".join(lines)


def _encoding(raw: bytes, rng: random.Random) -> bytes:
    lines = _lines(raw)
    i = rng.randrange(len(lines))
    text = lines[i].decode("utf-8", "replace") + ",café – naïve"
    lines[i] = text.encode(rng.choice(["latin-1", "cp1252", "utf-16-le"]), "replace")
    return b"\n".join(lines)


def _line_endings(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\r", b"\r\r\n"]))


def _repeat(raw: bytes, rng: random.Random) -> bytes:
    lines = [ln for ln in _lines(raw) if ln]
    extra = lines[1:] if rng.random() < 0.5 else rng.sample(lines, min(len(lines), 3))
    return b"\n".join(lines + extra) + b"\n"


ODD = [
    "\x00",
    "\x1a",
    "😀🇺🇦",
    "مرحبا",
    "1" * 400,
    "1e400",
    "-0",
    "NaN",
    "inf",
    "0000-00-00",
    "9999-12-31",
    "2018-02-29",
    "-1979",
    "true;false",
    ";;;",
    " ",
    "\u200b",
    "a" * 5000,
]


def _cell(raw: bytes, rng: random.Random) -> bytes:
    lines = _lines(raw)
    i = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
    cells = lines[i].split(b",")
    cells[rng.randrange(len(cells))] = rng.choice(ODD).encode("utf-8")
    lines[i] = b",".join(cells)
    return b"\n".join(lines)


def _columns(raw: bytes, rng: random.Random) -> bytes:
    lines = _lines(raw)
    i = rng.randrange(len(lines))
    cells = lines[i].split(b",")
    if rng.random() < 0.5 and len(cells) > 1:
        del cells[rng.randrange(len(cells))]
    else:
        cells.insert(rng.randrange(len(cells) + 1), b"extra")
    lines[i] = b",".join(cells)
    return b"\n".join(lines)


MUTATIONS: list[Mutation] = [
    _truncate,
    _delimiter,
    _junk,
    _bom,
    _huge,
    _quote,
    _empty,
    _header,
    _encoding,
    _line_endings,
    _repeat,
    _cell,
    _columns,
]


@pytest.fixture(scope="module")
def small_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data with only the first rows of each table: quick to validate, and still tables."""
    base = tmp_path_factory.mktemp("fuzz") / "small"
    shutil.copytree(find_data(), base, ignore=shutil.ignore_patterns("templates", "exercises"))
    for name in TABLES:
        lines = (base / name).read_bytes().split(b"\n")
        (base / name).write_bytes(b"\n".join(lines[: ROWS_KEPT + 1]) + b"\n")
    return base


def _break(folder: Path, rng: random.Random, *, every_table: bool) -> list[str]:
    """Break every file of ``folder``, or one to three; return what was done, to replay it."""
    names = TABLES if every_table else rng.sample(TABLES, rng.randint(1, 3))
    done = []
    for name in names:
        path = folder / name
        fate = rng.random()
        if fate < 0.03:
            path.unlink()
            path.mkdir()  # a folder where the file should be
            done.append(f"{name}: a folder")
            continue
        if fate < 0.06:
            other = folder / rng.choice(TABLES)
            raw = other.read_bytes() if other.is_file() else b""
            path.write_bytes(raw)
            done.append(f"{name}: the content of {other.name}")
            continue
        raw = path.read_bytes()
        for mutate in rng.sample(MUTATIONS, rng.randint(1, 2)):
            raw = mutate(raw or b"\n", rng)
            done.append(f"{name}: {mutate.__name__}")
        path.write_bytes(raw)
    return done


def _one_run(
    small_copy: Path,
    tmp_path: Path,
    seed: int,
    capsys: pytest.CaptureFixture[str],
    *,
    every_table: bool,
) -> None:
    rng = random.Random(seed)
    folder = tmp_path / f"seed-{seed}"
    shutil.copytree(small_copy, folder)
    done = _break(folder, rng, every_table=every_table)
    why = f"seed {seed}, every_table={every_table}: " + "; ".join(done)
    try:
        status = main(["validate", str(folder)])
    except Exception as exc:  # any exception at all is the failure sought
        pytest.fail(f"analogylab validate raised {exc!r} ({why})")
    out = capsys.readouterr().out.splitlines()
    assert status in {0, 1}, why
    assert "no problems" in out[-1] or "problem(s) in" in out[-1], why
    for line in out[:-1]:
        assert ": " in line and "; " in line, f"not a FILE: what; how line: {line!r} ({why})"
    refused: DataValidationError | None = None
    try:
        load_dataset(folder)
    except DataValidationError as err:
        refused = err
    except Exception as exc:  # any exception at all is the failure sought
        pytest.fail(f"load_dataset raised {exc!r} ({why})")
    assert (refused is not None) == (status == 1), f"load_dataset and validate disagree ({why})"


SEEDS = range(5)


@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed-{s}" for s in SEEDS])
def test_malformed_files_of_every_table_never_make_a_traceback(
    small_copy: Path, tmp_path: Path, seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every table broken at once, one or two ways each."""
    _one_run(small_copy, tmp_path, seed, capsys, every_table=True)


@pytest.mark.slow
def test_many_more_malformed_files_never_make_a_traceback(
    small_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """More seeds; half break a few tables only, so the checks across tables run too."""
    runs = int(os.environ.get("ANALOGYLAB_FUZZ_RUNS", "150"))
    first = int(os.environ.get("ANALOGYLAB_FUZZ_SEED", "1000"))
    for seed in range(first, first + runs):
        _one_run(small_copy, tmp_path, seed, capsys, every_table=seed % 2 == 0)


def test_the_suites_seeds_break_every_table_every_way(small_copy: Path, tmp_path: Path) -> None:
    """The runs of the normal suite reach every table with every kind of damage."""
    tables, kinds = set(), set()
    for seed in SEEDS:
        folder = tmp_path / f"dry-{seed}"
        shutil.copytree(small_copy, folder)
        for what in _break(folder, random.Random(seed), every_table=True):
            table, _, kind = what.partition(": ")
            tables.add(table)
            kinds.add(kind)
    assert tables == set(TABLES)
    missing = {m.__name__ for m in MUTATIONS} - kinds
    assert not missing, f"no run of the suite applies {missing}: add a seed"
