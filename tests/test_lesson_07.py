"""Lesson 07 (your own case): the case template, the exercise keys, and the notebook's frame.

The template in ``data/templates/case/`` must never drift from ``data/datapackage.json``:
one header-only CSV per table a case needs, with exactly the schema's columns in its order;
its README lists the tables in an order in which every row points only at tables filled in
before it, and its merge recipe, run as written, merges rows that then validate.

The exercise keys are checked against what they are about: the validator itself (each
message an exercise quotes is what it prints for that mistake, and each fault the key says
it lets through really passes), the references declared in ``datapackage.json`` (the order
of the steps), and ``analysis.analogy_strength`` on the shipped data (the scores). Each check
is a small function that lists disagreements, shown to fail on a changed input.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import re
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

import csvedit as ce
import lessonpage
from analogylab import analysis, find_data, validate
from analogylab.bank import Exercise, read_bank
from lessonpage import code as _code
from lessonpage import markdown as _markdown

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "07-your-own-case.ipynb"
TEMPLATE = find_data() / "templates" / "case"
LESSON = "07"
SHIPPED_2018 = "russia-taliban-2018"

#: The tables a case needs, as the template README lists them.
CASE_TABLES = (
    "sources",
    "actors",
    "cases",
    "roles",
    "goals",
    "events",
    "series_info",
    "series",
    "profiles",
    "likenesses",
    "counterparts",
    "hypotheses",
    "evidence",
    "ratings",
    "milestones",
)

_BANK = read_bank(find_data())
EXERCISES = {ex.id: ex for ex in _BANK.of_lesson(LESSON)}


def _ex(exercise_id: str) -> Exercise:
    return EXERCISES[exercise_id]


def _package() -> dict[str, Any]:
    package: dict[str, Any] = json.loads(
        (find_data() / "datapackage.json").read_text(encoding="utf-8")
    )
    return package


def _fields(package: dict[str, Any]) -> dict[str, list[str]]:
    return {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}


def _references(package: dict[str, Any]) -> dict[str, set[str]]:
    """For each table, the tables its rows point at (foreign keys and x-references)."""
    out: dict[str, set[str]] = {}
    for r in package["resources"]:
        schema = r["schema"]
        refs = {fk["reference"]["resource"] for fk in schema.get("foreignKeys", [])}
        refs |= {f["x-references"]["resource"] for f in schema["fields"] if "x-references" in f}
        out[r["name"]] = refs - {r["name"]}
    return out


# --- the template -----------------------------------------------------------------------------


def template_disagreements(folder: Path, fields: dict[str, list[str]]) -> list[str]:
    """Each template CSV: a table of the package, its exact header in schema order, no rows."""
    out = []
    files = {p.stem: p for p in folder.glob("*.csv")}
    out += [f"{t}.csv missing" for t in CASE_TABLES if t not in files]
    for name, path in sorted(files.items()):
        if name not in fields:
            out.append(f"{path.name}: no table '{name}' in datapackage.json")
            continue
        raw = path.read_bytes()
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        if raw.startswith(b"\xef\xbb\xbf"):
            out.append(f"{path.name}: starts with a byte-order mark")
        if not rows or rows[0] != fields[name]:
            out.append(f"{path.name}: header {rows[0] if rows else []} != {fields[name]}")
        if len(rows) > 1:
            out.append(f"{path.name}: {len(rows) - 1} data row(s); the template has none")
    return out


def test_template_headers_are_the_schema_field_order() -> None:
    """Every table a case needs has a header-only CSV whose columns are the schema's, in order."""
    assert template_disagreements(TEMPLATE, _fields(_package())) == []


def test_template_check_can_fail(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(TEMPLATE, folder)
    fields = _fields(_package())
    # The schema gains a column the template lacks; a row is left in; a file goes missing.
    fields["events"] = [*fields["events"], "place"]
    (folder / "roles.csv").write_text(
        (folder / "roles.csv").read_text(encoding="utf-8") + "x,y,sponsor,s,src,A\n",
        encoding="utf-8",
    )
    (folder / "ratings.csv").unlink()
    out = template_disagreements(folder, fields)
    assert out[0] == "ratings.csv missing"
    assert any(m.startswith("events.csv: header") and "'place'" in m for m in out)
    assert "roles.csv: 1 data row(s); the template has none" in out
    assert len(out) == 3


def _readme() -> str:
    return (TEMPLATE / "README.md").read_text(encoding="utf-8")


def readme_order(readme: str) -> list[str]:
    """The tables in the order the README's step table names them."""
    section = readme.split("## The order to fill the files in")[1].split("\n## ", maxsplit=1)[0]
    steps = [line for line in section.splitlines() if re.match(r"\| \d+ \|", line)]
    return [name for line in steps for name in re.findall(r"`(\w+)\.csv`", line.split("|")[2])]


def order_disagreements(order: list[str], refs: dict[str, set[str]]) -> list[str]:
    """Each table comes after every table of the case it points at."""
    out = [f"{t} is not in the order" for t in CASE_TABLES if t not in order]
    for i, table in enumerate(order):
        for needed in sorted(refs.get(table, set()) & set(CASE_TABLES)):
            if needed not in order[:i]:
                out.append(f"{table} comes before {needed}, which it points at")
    return out


def test_readme_order_follows_the_references() -> None:
    order = readme_order(_readme())
    assert order[:3] == ["sources", "actors", "cases"]
    assert order_disagreements(order, _references(_package())) == []


def test_readme_order_check_can_fail() -> None:
    order = readme_order(_readme())
    order.remove("profiles")
    order.append("profiles")
    out = order_disagreements(order, _references(_package()))
    assert out == ["likenesses comes before profiles, which it points at"]


def test_readme_explains_every_table_and_the_rules() -> None:
    text = _readme()
    for table in CASE_TABLES:
        assert f"**{table}**" in text, f"{table} has no entry in the column guide"
    for phrase in (
        "analysis_date",
        "precision",
        "confidence",
        "source_ids",
        "contested",
        "same case",
        "analogylab validate",
        "load_dataset",
        "ANALOGYLAB_DATA",
    ):
        assert phrase in text, phrase


def _merge_recipe() -> str:
    text = _readme().split("## Merge and validate")[1]
    return re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)  # type: ignore[union-attr]


def _run_recipe(where: Path) -> None:
    """Run the README's merge recipe, as written, in ``where``."""
    code = textwrap.dedent(_merge_recipe())
    with contextlib.chdir(where):
        exec(compile(code, "README.md", "exec"), {})


def _bare_copy(dest: Path) -> Path:
    shutil.copytree(find_data(), dest, ignore=shutil.ignore_patterns("exercises", "templates"))
    return dest


def test_readme_merge_recipe_leaves_data_unchanged_for_an_empty_template(tmp_path: Path) -> None:
    data = _bare_copy(tmp_path / "my-data")
    shutil.copytree(TEMPLATE, tmp_path / "my-case")
    _run_recipe(tmp_path)
    for f in sorted(data.glob("*.csv")):
        assert f.read_bytes() == (find_data() / f.name).read_bytes(), f.name


def test_readme_merge_recipe_merges_rows_that_validate(tmp_path: Path) -> None:
    data = _bare_copy(tmp_path / "my-data")
    mine = tmp_path / "my-case"
    shutil.copytree(TEMPLATE, mine)
    row = {
        "actor_id": "test-actor",
        "name": "Test, with a comma",
        "kind": "state",
        "description": 'A "quoted" line',
        "source_ids": "garver-2016-chinas-quest",
        "confidence": "B",
    }
    ce.append_row(mine, "actors", row)
    before = len(ce.read(data, "actors"))
    _run_recipe(tmp_path)
    rows = ce.read(data, "actors")
    assert len(rows) == before + 1
    assert dict(zip(rows[0], rows[-1], strict=True)) == row
    report = validate(data)
    assert report.ok, str(report)


def test_readme_merge_recipe_run_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    data = _bare_copy(tmp_path / "my-data")
    mine = tmp_path / "my-case"
    shutil.copytree(TEMPLATE, mine)
    ce.append_row(
        mine,
        "actors",
        {
            "actor_id": "test-actor",
            "name": "Test actor",
            "kind": "state",
            "description": "A test row.",
            "source_ids": "garver-2016-chinas-quest",
            "confidence": "B",
        },
    )
    _run_recipe(tmp_path)
    once = (data / "actors.csv").read_bytes()
    _run_recipe(tmp_path)
    assert (data / "actors.csv").read_bytes() == once
    assert validate(data).ok


# --- the bank ---------------------------------------------------------------------------------


def test_lesson_bank_is_big_and_varied_enough() -> None:
    """At least four exercises, numbered ex-07-1 ... without gaps, of at least three kinds."""
    ids = sorted(EXERCISES, key=lambda i: int(i.rsplit("-", 1)[1]))
    assert len(ids) >= 4
    assert ids == [f"ex-07-{k}" for k in range(1, len(ids) + 1)]
    assert len({ex.kind for ex in EXERCISES.values()}) >= 3
    for ex in EXERCISES.values():
        assert ex.sources, f"{ex.id} cites no source"
        assert ex.hints, f"{ex.id} has no hint"


def _problems(folder: Path) -> list[Any]:
    return validate(folder, exercises=False).problems


DOHA = "e18-2020-02-doha-agreement"


def _doha_evidence(ds: Any, evidence_id: str, **changes: str) -> dict[str, str]:
    """The Doha agreement written up as an evidence item of the 2018 case, as a student might."""
    event = ds.row("events", DOHA)
    row = {
        "evidence_id": evidence_id,
        "case_id": SHIPPED_2018,
        "date": event["date"].strftime("%Y-%m-%d"),
        "precision": event["precision"],
        "description": event["description"],
        "kind": "action",
        "credibility": "high",
        "relevance": "high",
        "contested": "false",
        "note": "",
        "source_ids": ";".join(event["source_ids"]),
        "confidence": event["confidence"],
    }
    return row | changes


def late_evidence_disagreements(ex: Exercise, outcome: dict[str, bool], message: str) -> list[str]:
    """ex-07-1: the quoted message is the validator's, and the options behave as explained.

    ``outcome`` says, for each way of handling the row, whether the validator still refuses
    it: as entered, marked contested with a note, and with the analysis date moved.
    """
    out = []
    quoted = " ".join(ex.prompt.split("```")[1].split())
    if quoted not in message:
        out.append(f"the prompt quotes {quoted!r}; the validator says {message!r}")
    if not outcome["as entered"]:
        out.append("the validator accepts the row as entered")
    if not outcome["contested"]:
        out.append("marking the row contested silences the validator")
    if outcome["analysis date moved"]:
        out.append("moving the analysis date does not silence the validator")
    keys = [o.id for o in ex.options if o.correct]
    if keys != ["use-as-milestone"]:
        out.append(f"key is {keys}")
    return out


def _late_evidence_outcome(ds: Any, tmp_path: Path) -> tuple[dict[str, bool], str]:
    data = _bare_copy(tmp_path / "late")
    plain = ce.append_row(data, "evidence", _doha_evidence(ds, "ev-doha"))
    flagged = ce.append_row(
        data,
        "evidence",
        _doha_evidence(ds, "ev-doha-2", contested="true", note="later than the analysis date"),
    )
    problems = [p for p in _problems(data) if p.column == "date"]
    refused = {p.row for p in problems}
    moved = _bare_copy(tmp_path / "moved")
    ce.append_row(moved, "evidence", _doha_evidence(ds, "ev-doha"))
    row = ce.first_row_where(moved, "cases", "case_id", lambda v: v == SHIPPED_2018)
    ce.set_cell(moved, "cases", row, "analysis_date", "2020-03-01")
    moved_refused = [p for p in _problems(moved) if p.column == "date"]
    outcome = {
        "as entered": plain in refused,
        "contested": flagged in refused,
        "analysis date moved": bool(moved_refused),
    }
    first = next((p for p in problems if p.row == plain), None)
    return outcome, "" if first is None else f"{first.column}: {first.message}; {first.hint}"


def test_late_evidence_key_agrees_with_the_validator(ds: Any, tmp_path: Path) -> None:
    ex = _ex("ex-07-1")
    assert ex.kind == "single"
    event = ds.row("events", DOHA)
    assert event["case_id"] == SHIPPED_2018
    assert event["date"] > ds.case(SHIPPED_2018)["analysis_date"]
    outcome, message = _late_evidence_outcome(ds, tmp_path)
    assert late_evidence_disagreements(ex, outcome, message) == []


def test_late_evidence_check_can_fail() -> None:
    ex = _ex("ex-07-1")
    outcome = {"as entered": True, "contested": False, "analysis date moved": False}
    out = late_evidence_disagreements(ex, outcome, "date: something else")
    assert out[1:] == ["marking the row contested silences the validator"]
    assert out[0].startswith("the prompt quotes")


#: ex-07-2: for each left item, the mistake that makes the validator print it, and a phrase
#: of the fix the validator itself suggests for it (which must agree with the matched fix).
def _mistakes(ds: Any) -> dict[str, tuple[str, Callable[[Path], int]]]:
    def typo(d: Path) -> int:
        row = ce.first_row_where(d, "goals", "goal_id", lambda v: v == "g80-chn-attrition")
        ce.set_cell(
            d,
            "goals",
            row,
            "source_ids",
            "garver-2016-chinas-quests;boell-2021-afghanistan-china-usa",
        )
        return row

    def precision(d: Path) -> int:
        row = ce.first_row_where(d, "events", "event_id", lambda v: v == "e80-1980-01-china-arms")
        ce.set_cell(d, "events", row, "date", "1980-01-15")
        return row

    def grade(d: Path) -> int:
        row = ce.first_row_where(d, "goals", "goal_id", lambda v: v == "g80-chn-encirclement")
        ce.set_cell(d, "goals", row, "confidence", "high")
        return row

    def note(d: Path) -> int:
        row = ce.first_row_where(
            d, "events", "event_id", lambda v: v == "e80-1989-02-withdrawal-completed"
        )
        ce.set_cell(d, "events", row, "contested", "true")
        return row

    other = ds.hypotheses[ds.hypotheses.case_id != SHIPPED_2018].hypothesis_id
    evidence = ds.evidence[ds.evidence.case_id == SHIPPED_2018].evidence_id

    def pair(d: Path) -> int:
        return ce.append_row(
            d,
            "ratings",
            {
                "evidence_id": evidence.iloc[0],
                "hypothesis_id": other.iloc[0],
                "rating": "C",
                "rationale": "x",
                "source_ids": "garver-2016-chinas-quest",
                "confidence": "C",
            },
        )

    return {
        "typo-source": ("fix-id", typo),
        "precision": ("fix-date", precision),
        "grade": ("fix-grade", grade),
        "note": ("fix-note", note),
        "same-case": ("fix-pair", pair),
    }


#: A phrase of the validator's own fix for each fix on the right.
FIX_PHRASES = {
    "fix-id": "correct the id",
    "fix-date": "write 1980-01-01",
    "fix-grade": "use one of: A, B, C",
    "fix-note": "say in note what is disputed",
    "fix-pair": "rate evidence only against hypotheses of the same case",
}


def message_disagreements(ex: Exercise, printed: dict[str, tuple[str, str]]) -> list[str]:
    """ex-07-2: each left text starts what the validator printed, and its fix is the validator's.

    ``printed`` maps a left id to (the message after FILE:ROW:, the validator's fix).
    """
    out = []
    for it in ex.left:
        if it.id not in printed:
            out.append(f"{it.id}: the validator printed nothing for this mistake")
            continue
        message, fix = printed[it.id]
        if not message.startswith(it.text):
            out.append(f"{it.id}: the exercise says {it.text!r}, the validator {message!r}")
        if FIX_PHRASES.get(it.match or "", "\0") not in fix:
            out.append(f"{it.id}: matched with {it.match}, but the validator says {fix!r}")
    matched = {it.match for it in ex.left}
    out += [
        f"{r.id} is matched twice or never offered"
        for r in ex.right
        if r.id in FIX_PHRASES and r.id not in matched
    ]
    return out


def test_validator_messages_match_the_exercise(ds: Any, tmp_path: Path) -> None:
    ex = _ex("ex-07-2")
    assert ex.kind == "matching"
    data = _bare_copy(tmp_path / "mistakes")
    mistakes = _mistakes(ds)
    assert {it.id: it.match for it in ex.left} == {k: v[0] for k, v in mistakes.items()}
    rows = {}
    for left_id, (_, mistake) in mistakes.items():
        rows[left_id] = mistake(data)
    problems = _problems(data)
    printed = {}
    for left_id, row in rows.items():
        table = {"typo-source": "goals", "grade": "goals", "same-case": "ratings"}.get(
            left_id, "events"
        )
        hits = [p for p in problems if p.file.endswith(f"{table}.csv") and p.row == row]
        if hits:
            printed[left_id] = (f"{hits[0].column}: {hits[0].message}", hits[0].hint)
    assert message_disagreements(ex, printed) == []
    assert len(ex.right) - len(FIX_PHRASES) == 2, "two distractors, as the prompt says"


def test_validator_message_check_can_fail() -> None:
    ex = _ex("ex-07-2")
    printed = {it.id: (it.text + "; more", FIX_PHRASES[it.match or ""]) for it in ex.left}
    assert message_disagreements(ex, printed) == []
    first = ex.left[0]
    printed[first.id] = ("something else", "delete the column")
    assert message_disagreements(ex, printed) == [
        f"{first.id}: the exercise says {first.text!r}, the validator 'something else'",
        f"{first.id}: matched with {first.match}, but the validator says 'delete the column'",
    ]


#: ex-07-3: the steps that fill a table, by item id.
STEP_TABLES = {
    "sources": "sources",
    "actors": "actors",
    "cases": "cases",
    "profiles": "profiles",
    "likenesses": "likenesses",
}


def steps_disagreements(ex: Exercise, refs: dict[str, set[str]]) -> list[str]:
    """ex-07-3: copy first; each table step points at the one before; validate, then compare."""
    ids = [it.id for it in ex.items]
    out = []
    if ids[0] != "copy" or ids[-2:] != ["validate", "compare"]:
        out.append(f"copy must be first and validate, compare last: {ids}")
    tables = [STEP_TABLES[i] for i in ids if i in STEP_TABLES]
    if len(tables) != len(STEP_TABLES):
        out.append("a table step is missing")
    for before, after in itertools.pairwise(tables):
        if before not in refs[after]:
            out.append(f"{after} does not point at {before}, so the order is not forced")
    return out


def test_steps_order_follows_the_references() -> None:
    ex = _ex("ex-07-3")
    assert ex.kind == "ordering"
    assert steps_disagreements(ex, _references(_package())) == []


def test_steps_order_check_can_fail() -> None:
    ex = _ex("ex-07-3")
    refs = _references(_package())
    refs["likenesses"] = refs["likenesses"] - {"profiles"}
    assert steps_disagreements(ex, refs) == [
        "likenesses does not point at profiles, so the order is not forced"
    ]


#: ex-07-7: each fault, made in a copy of the data.
def _faults() -> dict[str, Callable[[Path], None]]:
    def goal(d: Path, column: str, value: str) -> None:
        row = ce.first_row_where(d, "goals", "goal_id", lambda v: v == "g80-chn-attrition")
        ce.set_cell(d, "goals", row, column, value)

    def fuel(d: Path, column: str, value: str) -> None:
        row = ce.first_row_where(d, "events", "event_id", lambda v: v == "e18-2017-10-fuel-report")
        ce.set_cell(d, "events", row, column, value)

    def late(d: Path) -> None:
        row = ce.first_row_where(d, "evidence", "case_id", lambda v: v == SHIPPED_2018)
        ce.set_cell(d, "evidence", row, "date", "2020-02-29")
        ce.set_cell(d, "evidence", row, "precision", "day")

    return {
        "wrong-source": lambda d: goal(d, "source_ids", "expresstribune-2017-10-russia-fuel"),
        "allegation-not-flagged": lambda d: fuel(d, "contested", "false"),
        "grade-too-high": lambda d: fuel(d, "confidence", "A"),
        "copied-text": lambda d: fuel(d, "description", "A sentence copied from a newspaper."),
        "no-source": lambda d: fuel(d, "source_ids", ""),
        "no-grade": lambda d: goal(d, "confidence", ""),
        "late-evidence": late,
    }


def checklist_disagreements(ex: Exercise, caught: dict[str, bool]) -> list[str]:
    """ex-07-7: an option is correct exactly when the validator lets its fault through."""
    out = []
    for o in ex.options:
        if o.id not in caught:
            out.append(f"{o.id}: no fault made for it")
        elif o.correct == caught[o.id]:
            out.append(f"{o.id}: correct={o.correct}, but caught by the validator={caught[o.id]}")
    return out


def test_checklist_key_agrees_with_the_validator(tmp_path: Path) -> None:
    ex = _ex("ex-07-7")
    assert ex.kind == "multiple"
    caught = {}
    for option_id, fault in _faults().items():
        data = _bare_copy(tmp_path / option_id)
        fault(data)
        caught[option_id] = bool(_problems(data))
    assert checklist_disagreements(ex, caught) == []
    assert any(o.correct for o in ex.options) and not all(o.correct for o in ex.options)


def test_checklist_check_can_fail() -> None:
    ex = _ex("ex-07-7")
    caught = {o.id: not o.correct for o in ex.options}
    assert checklist_disagreements(ex, caught) == []
    caught["wrong-source"] = True
    assert checklist_disagreements(ex, caught) == [
        "wrong-source: correct=True, but caught by the validator=True"
    ]


# --- the third case: scores against the shipped cases ------------------------------------------

THIRD = "ussr-north-vietnam-1965"
PAIRS = ("us-mujahideen-1980s", "russia-taliban-2018")
#: The dimensions on which the 2018 pair earns more points than the 1980s pair (ex-07-5).
FAVOUR_2018 = ("domestic-politics-of-sponsor", "revenge-motive")


def _equal(ds: Any) -> dict[str, float]:
    return dict.fromkeys(ds.dimensions.dimension_id, 1.0)


def _only(ds: Any, dims: tuple[str, ...]) -> dict[str, float]:
    return {d: (3.0 if d in dims else 0.0) for d in ds.dimensions.dimension_id}


def score_key_disagreements(
    ex: Exercise, scores: dict[str, float], counts: dict[str, int]
) -> list[str]:
    """ex-07-4: the range holds the default score of 1965 vs 1980s, and only that.

    The scores a student might confuse it with are outside it, and the explanations quote
    the figures as computed.
    """
    assert ex.low is not None and ex.high is not None
    out = []
    if not ex.low <= scores["default"] <= ex.high:
        out.append(f"score {scores['default']:.4f} outside {ex.low}-{ex.high}")
    for name in ("vs 2018", "equal"):
        if ex.low <= scores[name] <= ex.high:
            out.append(f"the {name} score {scores[name]:.4f} is accepted too")
        if f"({scores[name]:.2f})" not in ex.explanations["too_low"]:
            out.append(f"too_low does not quote the {name} score {scores[name]:.2f}")
    if f"{scores['default']:.2f}" not in ex.explanations["correct"]:
        out.append(f"correct does not quote {scores['default']:.2f}")
    said = "{likeness} likenesses, {partial} partial and {difference}".format(**counts)
    if said not in " ".join(ex.explanations["correct"].split()):
        out.append(f"correct does not say '{said}'")
    return out


def _scores(ds: Any) -> tuple[dict[str, float], dict[str, int]]:

    default = analysis.analogy_strength(ds, THIRD, PAIRS[0])
    scores = {
        "default": default.score,
        "vs 2018": analysis.analogy_strength(ds, THIRD, PAIRS[1]).score,
        "equal": analysis.analogy_strength(ds, THIRD, PAIRS[0], weights=_equal(ds)).score,
    }
    verdicts = default.table.verdict
    counts = {v: int((verdicts == v).sum()) for v in ("likeness", "partial", "difference")}
    return scores, counts


def test_score_key_agrees_with_analogy_strength(ds: Any) -> None:
    ex = _ex("ex-07-4")
    assert ex.kind == "numeric"
    scores, counts = _scores(ds)
    assert score_key_disagreements(ex, scores, counts) == []


def test_score_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-07-4")
    scores, counts = _scores(ds)
    scores["default"] = 0.5
    counts["partial"] += 1
    out = score_key_disagreements(ex, scores, counts)
    assert out[0] == f"score 0.5000 outside {ex.low}-{ex.high}"
    assert "correct does not quote 0.50" in out
    assert any(m.startswith("correct does not say") for m in out)


def pair_statements(ds: Any) -> dict[str, bool]:
    """ex-07-5: whether each statement with a checkable claim holds on the data."""

    def score(other: str, weights: dict[str, float] | None = None) -> float:
        return analysis.analogy_strength(ds, THIRD, other, weights=weights).score

    flips = [bool(analysis.weight_sensitivity(ds, THIRD, o).flips.any()) for o in PAIRS]
    return {
        "default-order": score(PAIRS[0]) > score(PAIRS[1]),
        "equal-order": score(PAIRS[0], _equal(ds)) > score(PAIRS[1], _equal(ds)),
        "no-single-flip": not any(flips),
        # False when some weighting puts the 2018 pair above the 1980s pair.
        "no-weighting": score(PAIRS[0], _only(ds, FAVOUR_2018))
        >= score(PAIRS[1], _only(ds, FAVOUR_2018)),
        "settles-motives": False,  # a score of resemblance never settles motives
    }


def pair_disagreements(ex: Exercise, holds: dict[str, bool], favour_2018: list[str]) -> list[str]:
    out = [
        f"{o.id}: correct={o.correct}, holds={holds.get(o.id)}"
        for o in ex.options
        if o.correct != holds.get(o.id)
    ]
    if sorted(favour_2018) != sorted(FAVOUR_2018):
        out.append(f"the 2018 pair does better on {favour_2018}, not {list(FAVOUR_2018)}")
    return out


def _favour_2018(ds: Any) -> list[str]:

    a, b = (
        analysis.analogy_strength(ds, THIRD, o).table.set_index("dimension_id").points
        for o in PAIRS
    )
    return list((b - a)[lambda d: d > 0].index)


def test_pair_statements_agree_with_the_scores(ds: Any) -> None:
    ex = _ex("ex-07-5")
    assert ex.kind == "multiple"
    assert pair_disagreements(ex, pair_statements(ds), _favour_2018(ds)) == []

    only = {
        o: analysis.analogy_strength(ds, THIRD, o, weights=_only(ds, FAVOUR_2018)).score
        for o in PAIRS
    }
    said = " ".join(next(o for o in ex.options if o.id == "no-weighting").explanation.split())
    assert f"{only[PAIRS[1]]:.2f} against {only[PAIRS[0]]:.2f}" in said


def test_pair_statements_check_can_fail(ds: Any) -> None:
    ex = _ex("ex-07-5")
    holds = pair_statements(ds)
    holds["equal-order"] = False
    assert pair_disagreements(ex, holds, ["revenge-motive"]) == [
        "equal-order: correct=True, holds=False",
        f"the 2018 pair does better on ['revenge-motive'], not {list(FAVOUR_2018)}",
    ]


def test_alexander_question_has_a_rubric(ds: Any) -> None:
    """ex-07-6: a self-assessed text; its model answer's claim of a three-way tie holds."""
    ex = _ex("ex-07-6")
    assert ex.kind == "text"
    assert len(ex.model_answer.split()) >= 60
    assert len(ex.rubric) >= 4
    assert ex.keywords
    scores = analysis.score_hypotheses(analysis.rating_matrix(ds, THIRD))
    assert (scores["rank"] == 1).sum() == 3, "the model answer says three hypotheses tie"
    assert "three of them tie" in " ".join(ex.model_answer.split())
    assert str(ds.case(THIRD)["analysis_date"].date()) == "1968-01-29"
    assert "29 January 1968" in ex.prompt


# --- the notebook -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nb() -> Any:
    return nbformat.read(str(NOTEBOOK), as_version=4)


def test_title_purpose_goals_time(nb: Any) -> None:
    lessonpage.check_frame(nb, "# 07 · Your own case")


def test_setup_cell(nb: Any) -> None:
    lessonpage.check_setup(nb)


def test_work_happens_in_a_temporary_copy(nb: Any) -> None:
    """The walk-through works on a temporary copy, validates there, and removes it.

    It never writes under the shipped data: every write goes to the copy or the template copy.
    """
    src = "\n".join(c.source for c in _code(nb))
    assert "tempfile.mkdtemp(" in src
    assert "shutil.copytree(shipped, folder" in src
    assert "shutil.rmtree(workspace)" in src
    for c in _code(nb):
        for m in re.finditer(r"to_csv\(([^,)]+)", c.source):
            assert m.group(1).strip() in {
                "path",
                "target",
                'folder / "goals.csv"',
                'folder / "evidence.csv"',
            }, m.group(0)
    assert 'analogylab.validate("my-data")' in src


def test_the_validator_output_shows_both_mistakes_then_none(nb: Any) -> None:
    runs = [c for c in _code(nb) if 'analogylab.validate("my-data")' in c.source]
    assert len(runs) == 2
    first = "".join(o.get("text", "") for o in runs[0].outputs)
    assert "goals.csv" in first and "'garver-2016-chinas-quests'" in first
    assert "evidence.csv" in first and "is after the analysis_date" in first
    assert "2 problem(s)" in first
    second = "".join(o.get("text", "") for o in runs[1].outputs)
    assert second.strip().endswith("no problems")


def test_the_prose_quotes_the_scores_as_computed(nb: Any, ds: Any) -> None:

    text = " ".join(_markdown(nb).split())
    a, b = (analysis.analogy_strength(ds, THIRD, o).score for o in PAIRS)
    assert f"scores **{a:.2f}** against the 1980s case and **{b:.2f}**" in text
    assert f"scores {a:.2f} against the 1980s case and {b:.2f} against the 2018 case" in text
    ratings = analysis.rating_matrix(ds, THIRD)
    diag = analysis.diagnosticity(ratings)
    silent = int((diag.points == 0).sum())
    said = f"{NUMBERS[silent].capitalize()} of the {NUMBERS[len(ratings)]} items rate no hypothesis"
    assert said + " inconsistent" in text
    rest = len(ratings) - silent
    assert int(diag.diagnostic.sum()) == rest, "the other items are the diagnostic ones"
    assert f"the order comes from the other {NUMBERS[rest]}" in text
    changed = analysis.leave_one_out(ratings).leader_changed
    assert changed.sum() == rest, "leaving out any one of them changes the lead"
    day = ds.case(THIRD)["analysis_date"]
    assert f"{day.day} {day.strftime('%B %Y')}" in text
    pa, pb = (
        analysis.analogy_strength(ds, THIRD, o).table.set_index("dimension_id").points
        for o in PAIRS
    )
    better_1980s = int((pa > pb).sum())
    assert (
        f"than the {NUMBERS[better_1980s]} dimensions on which the 1980s pair does better" in text
    )
    assert list((pb > pa)[lambda x: x].index) == list(FAVOUR_2018)
    hindsight = analysis.hindsight_scores(ds, THIRD).score
    evidence = analysis.score_hypotheses(ratings).score
    spread = evidence.max() - evidence.min()
    assert hindsight.max() - hindsight.min() > spread, "hindsight separates them more"


NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
]

CHARTS = [
    "charts.actor_goal_matrix(mine, TINY)",
    "charts.timeline(ds, THIRD)",
    "charts.actor_goal_matrix(ds, THIRD)",
    'charts.likeness_chart(ds, THIRD, "us-mujahideen-1980s")',
    'charts.likeness_chart(ds, THIRD, "russia-taliban-2018")',
    "charts.ach_matrix(ds, THIRD)",
    "charts.hindsight_chart(ds, THIRD)",
]


@pytest.mark.parametrize("pattern", CHARTS)
def test_every_chart_is_shown_and_cited(nb: Any, pattern: str) -> None:
    """Each chart goes through charts.show (figure and text twin), and its sources join `cited`."""
    lessonpage.check_chart(nb, pattern)


EXPLORERS = [
    "widgets.timeline_explorer(ds, case=THIRD)",
    'widgets.analogy_explorer(ds, THIRD, "russia-taliban-2018")',
]


@pytest.mark.parametrize("call", EXPLORERS)
def test_explorers_are_last_and_tagged(nb: Any, call: str) -> None:
    """Each explorer is the last expression of its cell, tagged for nbval, after a prompt to try."""
    lessonpage.check_explorer(nb, call)


def test_analysis_tools_of_lessons_04_to_06_are_used(nb: Any) -> None:
    src = "\n".join(c.source for c in _code(nb))
    for call in (
        "analysis.likenesses_and_differences(",
        "analysis.analogy_strength(",
        "analysis.weight_sensitivity(",
        "analysis.score_hypotheses(",
        "analysis.leave_one_out(",
        "analysis.hindsight_scores(",
    ):
        assert call in src, call


def test_exercises_each_shown_once_and_introduced(nb: Any) -> None:
    lessonpage.check_exercises(nb, "07", EXERCISES, in_order=True)


def test_teacher_section_has_the_grading_checklist(nb: Any) -> None:
    text = _markdown(nb)
    section = text.split("## For teachers: assigning a case")[1].split("## Summary")[0]
    for phrase in (
        "Who chooses the case",
        "What sources count",
        "Checklist",
        "Every row cited",
        "Confidence graded",
        "Contested claims flagged",
    ):
        assert phrase in section, phrase


def test_summary_and_sources_close_the_lesson(nb: Any) -> None:
    lessonpage.check_closing(nb, "07")


def test_tables_cite_what_they_show(nb: Any) -> None:
    """Every cell that shows rows of a case's tables adds their sources to `cited`."""
    lessonpage.check_tables_cited(nb, r"(ds|mine)\.(events|evidence|roles|hypotheses|goals)\[")


def test_stored_outputs_are_clean(nb: Any) -> None:
    """The stored run has no error, no warning on stderr, and every code cell ran."""
    lessonpage.check_clean_run(nb)
