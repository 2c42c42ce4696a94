"""The exercise bank: complete, in agreement with the tables, and checked where it breaks.

A broken bank is reported as FILE:LINE:FIELD: what; how, every problem in one run, and a
file with a problem contributes nothing.
The corpus below makes one teacher's mistake at a time in a copy of the data folder (a small
new lesson file, or an edit of the shipped one) and asserts the exact file, line, field and
the gist of the message, both from the Python API and from the command line.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import analogylab
from analogylab import find_data, validate
from analogylab.bank import KINDS, Exercise, Item, check_bank, read_bank
from analogylab.cli import main
from analogylab.validate import Problem

Mutation = Callable[[Path], None]
SHIPPED_FILE = "00-start-here.yaml"
NEW_FILE = "97-test.yaml"

# The shipped bank, read once at collection so that each exercise is its own test case.
_SHIPPED_BANK = read_bank(find_data())


# --- small valid lesson files, one per kind, that the corpus breaks one way at a time ------
# The line numbers in the corpus are the line numbers of these texts (line 1 is `lesson:`).

SINGLE = """\
lesson: "97"
title: A test lesson
exercises:
  - id: ex-97-1
    kind: single
    prompt: Which one?
    options:
      - id: a
        text: The first
        correct: true
        explanation: Because.
      - id: b
        text: The second
        explanation: Not this.
    hints:
      - Think.
"""

MATCHING = """\
lesson: "97"
title: A test lesson
exercises:
  - id: ex-97-1
    kind: matching
    prompt: Match them.
    left:
      - id: x
        text: X
        match: p
        explanation: Because.
      - id: y
        text: Y
        match: q
        explanation: Because.
    right:
      - id: p
        text: P
      - id: q
        text: Q
    hints:
      - Think.
"""

ORDERING = """\
lesson: "97"
title: A test lesson
exercises:
  - id: ex-97-1
    kind: ordering
    prompt: Put them in order.
    items:
      - id: a
        text: A
        explanation: First.
      - id: b
        text: B
        explanation: Second.
      - id: c
        text: C
        explanation: Third.
    hints:
      - Think.
"""

NUMERIC = """\
lesson: "97"
title: A test lesson
exercises:
  - id: ex-97-1
    kind: numeric
    prompt: How many?
    answer: {value: 9, tolerance: 0.5}
    unit: years
    explanations:
      correct: Right.
      too_low: Too low.
      too_high: Too high.
    hints:
      - Think.
"""

TEXT = """\
lesson: "97"
title: A test lesson
exercises:
  - id: ex-97-1
    kind: text
    prompt: Why?
    model_answer: Because.
    rubric:
      - id: r1
        text: It says why.
    hints:
      - Think.
"""

GRID = """\
lesson: "97"
title: A test lesson
exercises:
  - id: ex-97-1
    kind: grid
    prompt: Rate.
    rows:
      - id: r1
        text: Row 1
      - id: r2
        text: Row 2
    columns:
      - id: c1
        text: Col 1
      - id: c2
        text: Col 2
    scale: [CC, C, N, I, II, NA]
    ordered: true
    unordered: [NA]
    key:
      r1: {c1: CC, c2: C}
      r2: {c1: N, c2: NA}
    rationale:
      r1:
        c1: Because.
        c2: Because.
      r2:
        c1: Because.
        c2: Because.
    hints:
      - Think.
"""


INDICATORS = """\
lesson: "97"
title: A test lesson
exercises:
  - id: ex-97-1
    kind: indicators
    prompt: What would you watch for?
    hypotheses:
      - {id: h-one, text: One}
      - {id: h-two, text: Two}
    as_of: "2018-10-12"
  - id: ex-97-2
    kind: indicators
    check: ex-97-1
    case: russia-taliban-2018
    prompt: Mark them.
"""


def _write(text: str | bytes, name: str = NEW_FILE) -> Mutation:
    def m(d: Path) -> None:
        p = d / "exercises" / name
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")

    return m


def _edit(template: str, old: str, new: str, name: str = NEW_FILE) -> Mutation:
    """Write ``template`` with its one ``old`` replaced by ``new`` as a new lesson file."""
    if template.count(old) != 1:
        raise ValueError(f"{old!r} should occur once in the template")
    return _write(template.replace(old, new), name)


def _edit_shipped(old: str, new: str) -> Mutation:
    """Replace the one ``old`` in the shipped lesson file of the copy by ``new``."""

    def m(d: Path) -> None:
        p = d / "exercises" / SHIPPED_FILE
        text = p.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"the shipped bank changed: {old!r} is not there once"
        p.write_text(text.replace(old, new), encoding="utf-8")

    return m


def _not_utf8(d: Path) -> None:
    text = SINGLE.replace("Which one?", "Which café?")  # saved as Latin-1: line 6 is not UTF-8
    (d / "exercises" / NEW_FILE).write_bytes(text.encode("latin-1"))


def _duplicate_across_files(d: Path) -> None:
    # Read after 00-start-here.yaml (files are read in name order), so the copy is the duplicate.
    text = SINGLE.replace('lesson: "97"', 'lesson: "00"').replace("ex-97-1", "ex-00-1")
    (d / "exercises" / "00-two.yaml").write_text(text, encoding="utf-8")


def _line_of(path: Path, marker: str) -> int:
    """The number of the first line of ``path`` containing ``marker``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, start=1):
        if marker in line:
            return n
    raise LookupError(f"{marker!r} is not in {path}")


# (id, mutation, file, line (or the text found on it), field, words the problem must contain)
CORPUS: list[tuple[str, Mutation, str, int | str, str, str]] = [
    ("yaml-bad-indentation",
     _edit(SINGLE, "        text: The second", "       text: The second"),
     NEW_FILE, 13, "", "YAML syntax: expected <block end>"),
    ("yaml-unclosed-quote", _edit(SINGLE, "prompt: Which one?", 'prompt: "Which one?'),
     NEW_FILE, 6, "", "YAML syntax"),
    ("yaml-text-starts-with-backquote",
     _edit(SINGLE, "prompt: Which one?", "prompt: `ds.events` lists them; which one?"),
     NEW_FILE, 6, "", "a colon or starting with a quote or backquote needs quotes"),
    ("yaml-tab-indentation", _edit(SINGLE, "    kind: single", "\tkind: single"),
     NEW_FILE, 5, "", "found character '\\t' that cannot start any token"),
    ("file-not-a-mapping", _write("- ex-97-1\n- ex-97-2\n"),
     NEW_FILE, 1, "", "the file should be a mapping with `lesson`, `title` and `exercises`"),
    ("empty-file", _write(""),
     NEW_FILE, 1, "", "the file should be a mapping"),
    ("unknown-top-level-key", _write(SINGLE + "level: 2\n"),
     NEW_FILE, 17, "level", "unknown field `level`"),
    ("lesson-not-two-digits", _edit(SINGLE, 'lesson: "97"', "lesson: 01"),
     NEW_FILE, 1, "lesson", "lesson '1' is not two digits; write the lesson number in quotes"),
    ("file-name-disagrees-with-lesson", _edit(SINGLE, 'lesson: "97"', 'lesson: "96"'),
     NEW_FILE, 1, "lesson", "the file name says lesson 97 but `lesson` says 96"),
    ("missing-exercises", _write(SINGLE.split("exercises:", maxsplit=1)[0]),
     NEW_FILE, 1, "exercises", "no `exercises` list"),
    ("unknown-kind", _edit(SINGLE, "kind: single", "kind: singel"),
     NEW_FILE, 5, "ex-97-1.kind", "kind 'singel' is not one of ours"),
    ("unknown-kind-suggests", _edit_shipped("kind: multiple", "kind: multi"),
     SHIPPED_FILE, "kind: multi", "ex-00-2.kind", "(did you mean 'multiple'?)"),
    ("unknown-field-typo", _edit(SINGLE, "    prompt:", "    promt:"),
     NEW_FILE, 6, "ex-97-1.promt",
     "unknown field `promt`; check the spelling (did you mean 'prompt'?)"),
    ("missing-prompt", _edit(SINGLE, "    prompt: Which one?\n", ""),
     NEW_FILE, 4, "ex-97-1.prompt", "`prompt` is missing; add a `prompt:` line"),
    ("id-not-ex-nn-k", _edit(SINGLE, "id: ex-97-1", "id: ex-1-1"),
     NEW_FILE, 4, "ex-1-1.id", "id 'ex-1-1' is not of the form ex-NN-K"),
    ("id-of-another-lesson", _edit(SINGLE, "id: ex-97-1", "id: ex-96-1"),
     NEW_FILE, 4, "ex-96-1.id", "id 'ex-96-1' belongs to lesson 96, but this file is lesson 97"),
    ("duplicate-id-across-files", _duplicate_across_files,
     "00-two.yaml", 4, "ex-00-1.id", f"{SHIPPED_FILE}:6; ids must be unique across the bank"),
    ("single-two-correct",
     _edit(SINGLE, "text: The second\n", "text: The second\n        correct: true\n"),
     NEW_FILE, 7, "ex-97-1.options", "needs exactly one `correct: true`, found 2"),
    ("single-none-correct", _edit(SINGLE, "        correct: true\n", ""),
     NEW_FILE, 7, "ex-97-1.options", "needs exactly one `correct: true`, found 0"),
    ("option-without-explanation", _edit(SINGLE, "        explanation: Not this.\n", ""),
     NEW_FILE, 12, "ex-97-1.options[2].explanation", "`explanation` is missing"),
    ("duplicate-option-id", _edit(SINGLE, "- id: b", "- id: a"),
     NEW_FILE, 12, "ex-97-1.options[2].id", "id 'a' is used twice in `options`"),
    ("option-correct-not-boolean", _edit(SINGLE, "correct: true", "correct: right"),
     NEW_FILE, 10, "ex-97-1.options[1].correct", "`correct` should be true or false"),
    ("matching-match-not-in-right", _edit(MATCHING, "match: q", "match: r"),
     NEW_FILE, 12, "ex-97-1.left[2].match", "'r' is not an id in `right`; use one of: p, q"),
    ("matching-left-without-match", _edit(MATCHING, "        match: q\n", ""),
     NEW_FILE, 12, "ex-97-1.left[2].match", "left item 'y' has no `match`"),
    ("ordering-two-items",
     _edit(ORDERING, "      - id: c\n        text: C\n        explanation: Third.\n", ""),
     NEW_FILE, 7, "ex-97-1.items", "an ordering question needs at least three items"),
    ("numeric-no-value-or-range", _edit(NUMERIC, "{value: 9, tolerance: 0.5}", "{tolerance: 0.5}"),
     NEW_FILE, 7, "ex-97-1.answer", "`answer` has neither `value` nor `low`/`high`"),
    ("numeric-low-above-high", _edit(NUMERIC, "{value: 9, tolerance: 0.5}", "{low: 10, high: 8}"),
     NEW_FILE, 7, "ex-97-1.answer", "low=10.0, high=8.0 is incomplete or upside down"),
    ("numeric-shipped-range-upside-down",
     _edit_shipped("answer: {value: 9, tolerance: 0.5}", "answer: {low: 10, high: 8}"),
     SHIPPED_FILE, "answer: {low: 10, high: 8}", "ex-00-5.answer", "upside down"),
    ("numeric-without-too-high", _edit(NUMERIC, "      too_high: Too high.\n", ""),
     NEW_FILE, 10, "ex-97-1.explanations.too_high", "`too_high` is missing"),
    ("numeric-negative-tolerance", _edit(NUMERIC, "tolerance: 0.5", "tolerance: -1"),
     NEW_FILE, 7, "ex-97-1.answer.tolerance", "`tolerance` is -1, below 0"),
    ("text-without-rubric",
     _edit(TEXT, "    rubric:\n      - id: r1\n        text: It says why.\n", ""),
     NEW_FILE, 4, "ex-97-1.rubric", "`rubric` is missing"),
    ("text-without-model-answer", _edit(TEXT, "    model_answer: Because.\n", ""),
     NEW_FILE, 4, "ex-97-1.model_answer", "`model_answer` is missing"),
    ("grid-key-off-scale", _edit(GRID, "r2: {c1: N, c2: NA}", "r2: {c1: N, c2: X}"),
     NEW_FILE, 22, "ex-97-1.key.r2.c2", "'X' is not on the scale; use one of: CC, C, N, I, II, NA"),
    ("grid-key-missing-cell", _edit(GRID, "r2: {c1: N, c2: NA}", "r2: {c1: N}"),
     NEW_FILE, 22, "ex-97-1.key.r2.c2", "no key for row 'r2', column 'c2'"),
    ("grid-key-missing-row", _edit(GRID, "      r2: {c1: N, c2: NA}\n", ""),
     NEW_FILE, 21, "ex-97-1.key.r2", "row 'r2' is missing from `key`"),
    ("grid-rationale-missing-cell", _edit(GRID, "        c2: Because.\n    hints:", "    hints:"),
     NEW_FILE, 28, "ex-97-1.rationale.r2.c2", "no rationale for row 'r2', column 'c2'"),
    ("grid-key-unknown-column", _edit(GRID, "r1: {c1: CC, c2: C}", "r1: {c1: CC, c2: C, c3: N}"),
     NEW_FILE, 21, "ex-97-1.key.r1.c3", "'c3' is not a column id"),
    ("source-not-in-sources",
     _write(SINGLE + "    sources: [bill-c-2018-swj-coment]\n"),
     NEW_FILE, 17, "ex-97-1.sources",
     ("source 'bill-c-2018-swj-coment' is not in sources.csv; add it to sources.csv or fix "
      "the id (did you mean 'bill-c-2018-swj-comment'?)")),
    ("hint-read-as-mapping", _edit(SINGLE, "- Think.", "- Think: what did the US send?"),
     NEW_FILE, 16, "ex-97-1.hints[1]",
     "YAML read the ': ' in it as a key and value); put the whole line in double quotes"),
    ("shipped-hint-read-as-mapping",
     _edit_shipped('- "The comment swaps roles: the 1980s sponsor\'s rival becomes the 2018 '
                   'sponsor."',
                   "- The comment swaps roles: the 1980s sponsor's rival becomes the 2018 "
                   "sponsor."),
     SHIPPED_FILE, "- The comment swaps roles:", "ex-00-3.hints[1]",
     "put the whole line in double quotes"),
    ("not-utf8", _not_utf8, NEW_FILE, 6, "", "the file is not UTF-8 text; save it as UTF-8"),
    ("points-not-a-number", _write(SINGLE + "    points: two\n"),
     NEW_FILE, 17, "ex-97-1.points", "`points` should be a number, not 'two'"),
    ("attempts-below-one", _write(SINGLE + "    attempts: 0\n"),
     NEW_FILE, 17, "ex-97-1.attempts", "`attempts` is 0, below 1"),
    ("minutes-not-a-number", _write(SINGLE + "    minutes: five\n"),
     NEW_FILE, 17, "ex-97-1.minutes", "`minutes` should be a number, not 'five'"),
    ("minutes-negative", _write(SINGLE + "    minutes: -3\n"),
     NEW_FILE, 17, "ex-97-1.minutes", "`minutes` is -3, below 0"),
    ("minutes-zero", _write(SINGLE + "    minutes: 0\n"),
     NEW_FILE, 17, "ex-97-1.minutes",
     ("`minutes` is 0: no exercise takes no time; write the minutes a student needs, or "
      "leave it out for the default of a single choice question")),
    ("judgement-not-boolean", _write(SINGLE + "    judgement: yes please\n"),
     NEW_FILE, 17, "ex-97-1.judgement", "`judgement` should be true or false"),
    ("judgement-on-an-ordering", _write(ORDERING + "    judgement: true\n"),
     NEW_FILE, "judgement: true", "ex-97-1.judgement",
     "this kind (ordering) cannot be a judgement: an order of events is a fact"),
    ("judgement-with-attempts", _write(SINGLE + "    judgement: true\n    attempts: 2\n"),
     NEW_FILE, 18, "ex-97-1.attempts", "a judgement is recorded, not marked"),
    ("argue-without-judgement", _write(SINGLE + "    argue: Why not?\n"),
     NEW_FILE, 17, "ex-97-1.argue", "add `judgement: true`, or delete `argue`"),
    ("indicators-without-hypotheses",
     _edit(INDICATORS, "    hypotheses:\n      - {id: h-one, text: One}\n      - {id: h-two, "
           "text: Two}\n", ""),
     NEW_FILE, 4, "ex-97-1.hypotheses", "`hypotheses` is missing"),
    ("indicators-as-of-not-a-date", _edit(INDICATORS, '"2018-10-12"', '"12 October 2018"'),
     NEW_FILE, 10, "ex-97-1.as_of", 'write the analysis date as "YYYY-MM-DD"'),
    ("indicators-check-names-nothing", _edit(INDICATORS, "check: ex-97-1", "check: ex-97-9"),
     NEW_FILE, 11, "ex-97-2.check", "there is no exercise 'ex-97-9' in the bank"),
    ("indicators-check-names-a-choice", _edit(INDICATORS, "check: ex-97-1", "check: ex-00-1"),
     NEW_FILE, 11, "ex-97-2.check", "ex-00-1 is not an exercise where indicators are written"),
    ("indicators-check-without-case",
     _edit(INDICATORS, "    case: russia-taliban-2018\n", ""),
     NEW_FILE, 11, "ex-97-2.case", "marking indicators needs the case"),
    ("indicators-check-with-hypotheses",
     _edit(INDICATORS, "    prompt: Mark them.\n", "    prompt: Mark them.\n    as_of: x\n"),
     NEW_FILE, 16, "ex-97-2.as_of", "`as_of` belongs to the exercise where the indicators are"),
]  # fmt: skip


def _cases() -> list[Any]:
    return [pytest.param(*case[1:], id=case[0]) for case in CORPUS]


def _hits(
    problems: Iterable[Problem], file: str, line: int, field: str, words: str
) -> list[Problem]:
    return [
        p
        for p in problems
        if Path(p.file).name == file
        and p.row == line
        and (p.column or "") == field
        and words in str(p)
    ]


# --- the shipped bank ----------------------------------------------------------------------


def test_shipped_bank_has_no_problems(shipped: Path) -> None:
    """The shipped bank reads without a problem, holds every kind, and validate counts it."""
    assert check_bank(shipped) == []
    bank = read_bank(shipped)
    # Every kind, but indicators (issue 14): lessons 05 and 06 bring the first ones.
    assert set(KINDS) - {"indicators"} <= {e.kind for e in bank}
    report = validate(shipped)
    assert report.ok, str(report)
    assert report.exercises == len(bank) >= len(KINDS)
    assert f"{len(bank)} exercises, no problems" in report.summary()


def test_corpus_is_large_enough() -> None:
    """The issue asks for at least 20 broken-bank cases, each with its own name."""
    assert len(CORPUS) >= 20
    assert len({c[0] for c in CORPUS}) == len(CORPUS)


def _unexplained(ex: Exercise) -> list[str]:  # noqa: PLR0912  (one block per kind)
    """What a student could choose or reach in ``ex`` that has no explanation."""
    out: list[str] = []
    if not ex.prompt.strip():
        out.append("no prompt")
    if not ex.hints or not all(h.strip() for h in ex.hints):
        out.append("no hint, or an empty one")
    if ex.kind in {"single", "multiple"}:
        if len(ex.options) < 2:
            out.append("fewer than two options")
        out += [f"option {o.id!r}" for o in ex.options if not o.explanation.strip()]
    elif ex.kind == "matching":
        right = {r.id for r in ex.right}
        out += [f"left item {it.id!r}" for it in ex.left if not it.explanation.strip()]
        out += [
            f"left item {it.id!r} pairs with nothing" for it in ex.left if it.match not in right
        ]
    elif ex.kind == "ordering":
        out += [f"item {it.id!r}" for it in ex.items if not it.explanation.strip()]
    elif ex.kind == "numeric":
        if ex.low is None or ex.high is None:
            out.append("no accepted range")
        out += [
            f"outcome {k!r}"
            for k in ("correct", "too_low", "too_high")
            if not ex.explanations.get(k, "").strip()
        ]
    elif ex.kind == "text":
        if not ex.model_answer.strip():
            out.append("no model answer")
        if not ex.rubric or not all(r.text.strip() for r in ex.rubric):
            out.append("no rubric, or an empty criterion")
    elif ex.kind == "grid":
        for r, c in itertools.product(ex.rows, ex.columns):
            if not ex.key.get(r.id, {}).get(c.id, "").strip():
                out.append(f"no key for cell {r.id}/{c.id}")
            if not ex.rationale.get(r.id, {}).get(c.id, "").strip():
                out.append(f"no rationale for cell {r.id}/{c.id}")
    return out


@pytest.mark.parametrize("ex", list(_SHIPPED_BANK), ids=lambda e: e.id)
def test_every_choice_in_the_bank_is_explained(ex: Exercise, ds: Any) -> None:
    """Every option, pair, item, outcome and cell of a shipped exercise has its explanation.

    Every exercise also has a prompt and a hint, and cites only sources in sources.csv.
    """
    assert _unexplained(ex) == []
    assert set(ex.sources) <= set(ds.sources.source_id), "every source id is in sources.csv"


def test_the_explanation_check_can_fail() -> None:
    """The completeness check above flags a missing explanation, outcome and rationale."""
    single = Exercise(
        "ex-99-1", "99", "single", "Which?", hints=("h",),
        options=(Item("a", "A", "Yes.", correct=True), Item("b", "B", "")),
    )  # fmt: skip
    assert _unexplained(single) == ["option 'b'"]
    numeric = Exercise(
        "ex-99-2", "99", "numeric", "How many?", low=1, high=2,
        explanations={"correct": "Yes.", "too_low": "Low."},
    )  # fmt: skip
    assert _unexplained(numeric) == ["no hint, or an empty one", "outcome 'too_high'"]
    grid = _SHIPPED_BANK[_first_of_kind("grid").id]
    r, c = grid.rows[0].id, grid.columns[0].id
    gap = dataclasses.replace(grid, rationale={**grid.rationale, r: {}})
    assert f"no rationale for cell {r}/{c}" in _unexplained(gap)


def _first_of_kind(kind: str) -> Exercise:
    return next(e for e in _SHIPPED_BANK if e.kind == kind)


# --- the bank agrees with the tables -------------------------------------------------------


def _ordering_disagreements(exercises: Iterable[Exercise], ds: Any) -> tuple[int, list[str]]:
    """Ordering items that are events must be listed in strictly increasing date order."""
    dates = dict(zip(ds.events.event_id, ds.events.date, strict=True))
    checked, out = 0, []
    for ex in exercises:
        ids = [it.id for it in ex.items if it.id in dates] if ex.kind == "ordering" else []
        if len(ids) < 2:
            continue
        checked += 1
        for a, b in itertools.pairwise(ids):
            if not dates[a] < dates[b]:
                out.append(f"{ex.id}: {a} ({dates[a]}) is listed before {b} ({dates[b]})")
    return checked, out


def _contested_disagreements(exercises: Iterable[Exercise], ds: Any) -> tuple[int, list[str]]:
    """Multiple-select options that are events are correct exactly when the event is contested."""
    contested = dict(zip(ds.events.event_id, ds.events.contested, strict=True))
    checked, out = 0, []
    for ex in exercises:
        opts = [o for o in ex.options if o.id in contested] if ex.kind == "multiple" else []
        checked += bool(opts)
        for o in opts:
            flag = contested[o.id]
            if pd.isna(flag) or bool(flag) != o.correct:
                out.append(f"{ex.id}: option {o.id} correct={o.correct}, contested={flag}")
    return checked, out


def _rating_disagreements(exercises: Iterable[Exercise], ds: Any) -> tuple[int, list[str]]:
    """Grids of evidence x hypotheses have the `ratings` table's rating as key in every cell."""
    rated = {
        (e, h): r
        for e, h, r in zip(
            ds.ratings.evidence_id, ds.ratings.hypothesis_id, ds.ratings.rating, strict=True
        )
    }
    evidence, hypotheses = set(ds.evidence.evidence_id), set(ds.hypotheses.hypothesis_id)
    checked, out = 0, []
    for ex in exercises:
        if ex.kind != "grid" or not (
            {r.id for r in ex.rows} <= evidence and {c.id for c in ex.columns} <= hypotheses
        ):
            continue
        checked += 1
        for r, c in itertools.product(ex.rows, ex.columns):
            want = rated.get((r.id, c.id))
            if want != ex.key[r.id][c.id]:
                out.append(
                    f"{ex.id}: key {r.id}/{c.id} is {ex.key[r.id][c.id]}, ratings say {want}"
                )
    return checked, out


def _counterpart_disagreements(exercises: Iterable[Exercise], ds: Any) -> tuple[int, list[str]]:
    """Matching of actors pairs only actors that `counterparts` pairs (actor_a -> actor_b)."""
    pairs = set(zip(ds.counterparts.actor_a, ds.counterparts.actor_b, strict=True))
    actors = set(ds.actors.actor_id)
    checked, out = 0, []
    for ex in exercises:
        ids = {it.id for it in (*ex.left, *ex.right)}
        if ex.kind != "matching" or not ids <= actors:
            continue
        checked += 1
        out += [
            f"{ex.id}: {it.id} -> {it.match} is not a counterpart pair"
            for it in ex.left
            if (it.id, it.match) not in pairs
        ]
    return checked, out


AGREEMENT = {
    "ordering-by-event-date": _ordering_disagreements,
    "contested-events": _contested_disagreements,
    "grid-key-is-the-ratings-table": _rating_disagreements,
    "matching-is-counterparts": _counterpart_disagreements,
}


@pytest.mark.parametrize("check", AGREEMENT.values(), ids=AGREEMENT.keys())
def test_bank_agrees_with_the_tables(check: Any, ds: Any) -> None:
    """The shipped bank agrees with the tables, and each check looks at one exercise at least."""
    checked, disagreements = check(_SHIPPED_BANK, ds)
    assert disagreements == []
    assert checked >= 1, "the check found nothing to check: it would pass vacuously"


def _reverse_order(ex: Exercise, _ds: Any) -> Exercise:
    return dataclasses.replace(ex, items=tuple(reversed(ex.items)))


def _flip_first_option(ex: Exercise, _ds: Any) -> Exercise:
    first = dataclasses.replace(ex.options[0], correct=not ex.options[0].correct)
    return dataclasses.replace(ex, options=(first, *ex.options[1:]))


def _change_first_key(ex: Exercise, _ds: Any) -> Exercise:
    r, c = ex.rows[0].id, ex.columns[0].id
    other = next(s for s in ex.scale if s != ex.key[r][c])
    return dataclasses.replace(ex, key={**ex.key, r: {**ex.key[r], c: other}})


def _mismatch_first_pair(ex: Exercise, ds: Any) -> Exercise:
    pairs = set(zip(ds.counterparts.actor_a, ds.counterparts.actor_b, strict=True))
    first = ex.left[0]
    wrong = next(r.id for r in ex.right if (first.id, r.id) not in pairs)
    return dataclasses.replace(ex, left=(dataclasses.replace(first, match=wrong), *ex.left[1:]))


BREAKS = [
    ("ordering-by-event-date", "ordering", _reverse_order),
    ("contested-events", "multiple", _flip_first_option),
    ("grid-key-is-the-ratings-table", "grid", _change_first_key),
    ("matching-is-counterparts", "matching", _mismatch_first_pair),
]


@pytest.mark.parametrize(("name", "kind", "breaks"), BREAKS, ids=[b[0] for b in BREAKS])
def test_agreement_checks_can_fail(name: str, kind: str, breaks: Any, ds: Any) -> None:
    """Each agreement check flags a shipped exercise changed so that it disagrees with a table."""
    checked = [e for e in _SHIPPED_BANK if e.kind == kind and AGREEMENT[name]([e], ds)[0]]
    assert checked, f"no {kind} exercise is checked against the tables"
    ex = checked[0]
    _, disagreements = AGREEMENT[name]([breaks(ex, ds)], ds)
    assert disagreements
    assert all(d.startswith(f"{ex.id}: ") for d in disagreements)


def test_agreement_checks_fail_when_the_table_changes(ds: Any) -> None:
    """Changing the table side (an event's contested flag, a reference rating) is flagged too."""
    multiple = next(e for e in _SHIPPED_BANK if _contested_disagreements([e], ds)[0])
    event = next(o.id for o in multiple.options if o.id in set(ds.events.event_id))
    events = ds.events.copy()
    row = events.event_id == event
    events.loc[row, "contested"] = ~events.loc[row, "contested"]
    disagreements = _contested_disagreements([multiple], _Tables(ds, events=events))[1]
    assert len(disagreements) == 1
    assert event in disagreements[0]

    grid = next(e for e in _SHIPPED_BANK if _rating_disagreements([e], ds)[0])
    r, c = grid.rows[0].id, grid.columns[0].id
    ratings = ds.ratings.copy()
    cell = (ratings.evidence_id == r) & (ratings.hypothesis_id == c)
    ratings.loc[cell, "rating"] = next(s for s in grid.scale if s != grid.key[r][c])
    disagreements = _rating_disagreements([grid], _Tables(ds, ratings=ratings))[1]
    assert len(disagreements) == 1
    assert f"{r}/{c}" in disagreements[0]


class _Tables:
    """The dataset's tables, some of them replaced."""

    def __init__(self, ds: Any, **tables: pd.DataFrame) -> None:
        self._ds, self._tables = ds, tables

    def __getattr__(self, name: str) -> Any:
        return self._tables[name] if name in self._tables else getattr(self._ds, name)


# --- the broken-bank corpus ----------------------------------------------------------------


@pytest.mark.parametrize(("mutate", "file", "line", "field", "words"), _cases())
def test_broken_bank_is_reported_where_it_is(  # noqa: PLR0917  (pytest passes parameters by position)
    data_copy: Path,
    mutate: Mutation,
    file: str,
    line: int | str,
    field: str,
    words: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One mistake in a copy of the bank is reported at its file, line and field.

    The problem says what is wrong and how to fix it, from check_bank and from
    `analogylab validate` (which exits with status 1).
    """
    mutate(data_copy)
    if isinstance(line, str):
        line = _line_of(data_copy / "exercises" / file, line)
    problems = check_bank(data_copy)
    hits = _hits(problems, file, line, field, words)
    assert hits, f"expected {file}:{line}:{field} '{words}' in:\n" + "\n".join(map(str, problems))
    assert all(p.hint for p in problems), "every problem says how to fix it"
    assert main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert str(hits[0]) in out.splitlines()
    where = f"{file}:{line}:{field}:" if field else f"{file}:{line}:"
    assert where in out


def test_all_problems_in_one_run(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Three separate mistakes in one file give three problems, each on its own line."""
    text = (
        SINGLE.replace("        explanation: Not this.\n", "")
        .replace("- Think.", "- Think: what did the US send?")
        .replace("    hints:", "    points: two\n    hints:")
    )
    _write(text)(data_copy)
    problems = check_bank(data_copy)
    assert sorted((p.row, p.column) for p in problems) == [
        (12, "ex-97-1.options[2].explanation"),
        (14, "ex-97-1.points"),
        (16, "ex-97-1.hints[1]"),
    ]
    assert main(["validate", str(data_copy)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [ln for ln in lines if f"{NEW_FILE}:" in ln] == [str(p) for p in problems]
    assert lines[-1].endswith("3 problem(s) in 1 file(s)")


def test_problems_in_several_files_are_all_reported(data_copy: Path) -> None:
    """A mistake in each of two files, and one in the shipped file: all three are reported."""
    _edit(SINGLE, "kind: single", "kind: singel")(data_copy)
    _edit(ORDERING, 'lesson: "97"', 'lesson: "96"', name="96-test.yaml")(data_copy)
    _edit_shipped("kind: multiple", "kind: multi")(data_copy)
    files = {Path(p.file).name for p in check_bank(data_copy)}
    assert files == {NEW_FILE, "96-test.yaml", SHIPPED_FILE}


def test_a_file_with_a_problem_contributes_nothing(data_copy: Path) -> None:
    """A file with one bad exercise loads none of its exercises; other files still load."""
    second = SINGLE.split("exercises:\n")[1].replace("ex-97-1", "ex-97-2")
    _write(SINGLE + second.replace("    prompt: Which one?\n", ""))(data_copy)
    _write(TEXT.replace('"97"', '"96"').replace("ex-97-1", "ex-96-1"), "96-test.yaml")(data_copy)
    bank = read_bank(data_copy)
    assert [(p.row, p.column) for p in bank.problems] == [(17, "ex-97-2.prompt")]
    assert "ex-97-1" not in bank, "the good exercise of the bad file is left out too"
    assert "ex-97-2" not in bank
    assert "97" not in bank.lessons
    assert "ex-96-1" in bank
    assert bank.lessons["96"] == "A test lesson"
    assert {e.id for e in bank.exercises.values() if e.lesson not in ("96", "97")} == {
        e.id for e in _SHIPPED_BANK.exercises.values()
    }
    report = validate(data_copy)
    assert report.exercises == len(_SHIPPED_BANK) + 1


@pytest.mark.parametrize(
    "template", [SINGLE, MATCHING, ORDERING, NUMERIC, TEXT, GRID, INDICATORS],
    ids=["single", "matching", "ordering", "numeric", "text", "grid", "indicators"],
)  # fmt: skip
def test_corpus_templates_are_valid(data_copy: Path, template: str) -> None:
    """Each small file the corpus breaks is itself valid, so each case has one mistake only."""
    _write(template)(data_copy)
    bank = read_bank(data_copy)
    assert bank.problems == []
    assert bank["ex-97-1"].file.endswith(NEW_FILE)
    assert bank["ex-97-1"].line == 4


def test_an_exercise_may_say_how_long_it_takes(data_copy: Path) -> None:
    """`minutes` overrides the kind's default in the lesson's time needed (lesson_time)."""
    _write(SINGLE + "    minutes: 6.5\n")(data_copy)
    _write(TEXT.replace('"97"', '"96"').replace("ex-97-1", "ex-96-1"), "96-test.yaml")(data_copy)
    bank = read_bank(data_copy)
    assert bank.problems == []
    assert (bank["ex-97-1"].minutes, bank["ex-97-1"].expected_minutes) == (6.5, 6.5)
    assert (bank["ex-96-1"].minutes, bank["ex-96-1"].expected_minutes) == (None, 8)


def test_bom_and_windows_line_ends_are_accepted(data_copy: Path) -> None:
    """A file saved by Notepad (UTF-8 with a BOM, CRLF line ends) reads like any other."""
    (data_copy / "exercises" / NEW_FILE).write_bytes(
        b"\xef\xbb\xbf" + SINGLE.replace("\n", "\r\n").encode("utf-8")
    )
    bank = read_bank(data_copy)
    assert bank.problems == []
    assert bank["ex-97-1"].prompt == "Which one?"


# --- the bugs found while writing these tests (see the reasons) ----------------------------


def test_control_character_is_reported_not_raised(data_copy: Path) -> None:
    """A control character in the text is a problem located on its line, not an exception."""
    _edit(SINGLE, "Which one?", "Which\x0bone?")(data_copy)
    problems = check_bank(data_copy)
    assert [(Path(p.file).name, p.row) for p in problems] == [(NEW_FILE, 6)]


def test_duplicate_key_is_reported(data_copy: Path) -> None:
    """A key given twice in one mapping is a problem on the second one's line."""
    _edit(SINGLE, "    prompt: Which one?\n", "    prompt: Which one?\n    prompt: Another?\n")(
        data_copy
    )
    assert _hits(check_bank(data_copy), NEW_FILE, 7, "ex-97-1.prompt", "prompt")


def test_zero_points_is_kept_or_reported(data_copy: Path) -> None:
    """`points: 0` is either kept as 0 or reported, never silently turned into 1 point."""
    _write(SINGLE + "    points: 0\n")(data_copy)
    bank = read_bank(data_copy)
    assert bank.problems or bank["ex-97-1"].points == 0


def test_numeric_answer_must_be_finite(data_copy: Path) -> None:
    """A numeric answer of .nan is reported at its line instead of accepting every answer."""
    _edit(NUMERIC, "{value: 9, tolerance: 0.5}", "{value: .nan, tolerance: 0.5}")(data_copy)
    assert _hits(check_bank(data_copy), NEW_FILE, 7, "ex-97-1.answer.value", "value")


def test_matching_problem_after_a_malformed_entry_keeps_its_place(data_copy: Path) -> None:
    """After a malformed left entry, the next entry's missing `match` is reported on its line."""
    text = MATCHING.replace("        match: q\n", "").replace(
        "      - id: x\n        text: X\n        match: p\n        explanation: Because.\n",
        "      - just text\n",
    )
    _write(text)(data_copy)
    problems = check_bank(data_copy)
    assert _hits(problems, NEW_FILE, 8, "ex-97-1.left[1]", "should have `id:` and `text:`")
    assert _hits(problems, NEW_FILE, 9, "ex-97-1.left[2].match", "left item 'y' has no `match`")


# --- load_bank -----------------------------------------------------------------------------


def test_exercise_bank_error_is_exported() -> None:
    """ExerciseBankError is one class, exported by the package and used by load_bank."""
    from analogylab import errors, exercises

    assert "ExerciseBankError" in analogylab.__all__
    assert analogylab.ExerciseBankError is errors.ExerciseBankError
    assert exercises.ExerciseBankError is errors.ExerciseBankError
    assert issubclass(analogylab.ExerciseBankError, analogylab.AnalogylabError)
    assert "load_bank" in analogylab.__all__


def test_load_bank_raises_with_the_location(data_copy: Path) -> None:
    """load_bank on a broken copy raises ExerciseBankError naming FILE:LINE:FIELD.

    Once the file is fixed, the same call returns the bank (the cache re-reads it).
    """
    assert len(analogylab.load_bank(data_copy)) == len(_SHIPPED_BANK)
    _edit(SINGLE, "kind: single", "kind: singel")(data_copy)
    with pytest.raises(analogylab.ExerciseBankError) as info:
        analogylab.load_bank(data_copy)
    (problem,) = info.value.problems
    assert (Path(problem.file).name, problem.row, problem.column) == (NEW_FILE, 5, "ex-97-1.kind")
    assert str(problem) in str(info.value).splitlines()
    assert f"{NEW_FILE}:5:ex-97-1.kind: kind 'singel' is not one of ours" in str(info.value)
    _write(SINGLE)(data_copy)
    assert "ex-97-1" in analogylab.load_bank(data_copy)


def test_judgements_and_indicators_are_read_with_their_fields(data_copy: Path) -> None:
    """``judgement: true`` and the indicators' fields reach the exercise; neither is scored."""
    _write(INDICATORS)(data_copy)
    _write(SINGLE.replace('"97"', '"96"').replace("ex-97-1", "ex-96-1") + "    judgement: true\n"
           "    argue: Say why.\n", "96-judged.yaml")(data_copy)  # fmt: skip
    bank = read_bank(data_copy)
    assert bank.problems == []
    judged, written, marks = bank["ex-96-1"], bank["ex-97-1"], bank["ex-97-2"]
    assert (judged.judgement, judged.argue_prompt, judged.scored) == (True, "Say why.", False)
    assert bank["ex-00-1"].scored and bank["ex-00-1"].argue_prompt.startswith("Where do you")
    assert [h.id for h in written.hypotheses] == ["h-one", "h-two"]
    assert (written.as_of, written.at_least, written.check, written.scored) == (
        "2018-10-12", 3, "", False,
    )  # fmt: skip
    assert (marks.check, marks.case, marks.hypotheses) == ("ex-97-1", "russia-taliban-2018", ())
