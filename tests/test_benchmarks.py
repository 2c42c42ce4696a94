"""The benchmark tool keeps working: its data generator and a smoke run of its command.

No timing is asserted here (timings depend on the machine and its load); these tests
only make sure that ``benchmarks/run.py`` and ``benchmarks/scale_data.py`` cannot rot.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def scale_data():  # type: ignore[no-untyped-def]
    """The generator module (benchmarks/ is a folder of scripts, not a package)."""
    sys.path.insert(0, str(BENCH))
    try:
        import scale_data

        yield scale_data
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.slow
def test_scaled_copy_validates_with_ten_times_the_rows(
    scale_data, shipped: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from analogylab import load_dataset, validate

    out = scale_data.scale(10, tmp_path / "x10")
    before, after = validate(shipped), validate(out)
    assert after.ok, str(after)
    assert after.exercises == before.exercises, "the exercise bank is copied and still valid"
    for name, n in before.rows.items():  # the shared tables are not copied
        assert after.rows[name] == (n if name in scale_data.SHARED else 10 * n), name
    ds = load_dataset(out)
    events = ds.events
    # copies get new ids and point at copies of what they refer to
    assert events.event_id.is_unique
    copy = events[events.event_id.str.endswith("-x7")]
    assert len(copy) == before.rows["events"]
    assert copy.case_id.str.endswith("-x7").all()
    assert all(s.endswith("-x7") for ids in copy.source_ids for s in ids)


def test_id_columns_come_from_the_schema(scale_data, shipped: Path) -> None:  # type: ignore[no-untyped-def]
    from analogylab.schema import read_package

    ids = scale_data.id_columns(read_package(shipped))
    assert ids["ratings"] == {"evidence_id": None, "hypothesis_id": None, "source_ids": ";"}
    assert "year" not in ids["series"], "an integer key part is not an id"
    assert ids["events"]["actor_ids"] == ";"


@pytest.mark.slow
def test_run_prints_the_table_and_writes_the_figures() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--only", "import"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert any(line.startswith("nproc: ") for line in lines), "the machine is printed"
    header = next(line for line in lines if line.startswith("| measure"))
    for column in ("value", "baseline", "ratio", "target", "met?"):
        assert column in header
    row = next(line for line in lines if line.startswith("| import analogylab"))
    assert row.rstrip(" |").endswith(("yes", "NO"))
    written = BENCH.parent / lines[-1].removeprefix("raw figures: ")
    result = json.loads(written.read_text(encoding="utf-8"))
    deps = result["measures"]["import"]["dependencies"]
    assert isinstance(deps, list) and "pandas" not in deps, "a plain import loads pandas lazily"
    assert len(result["measures"]["import"]["extra"]) == 2
    assert "load average" in result["machine"]["load_at_start"]
    written.unlink()
