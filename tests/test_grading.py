"""Marking answers: right, wrong, partial credit and malformed answers, for every kind.

The real exercises of ``00-start-here.yaml`` (one of each kind) are marked, and small
hand-built exercises pin down the arithmetic of partial credit. ``grade`` never raises:
an answer it cannot read is ``valid=False`` with a problem naming the expected form.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analogylab import find_data
from analogylab.bank import KINDS, Exercise, Item, Keyword, read_bank
from analogylab.grading import EXPECTED, NOTHING_YET, Graded, grade, normalise

_BANK = read_bank(find_data())
SINGLE, MULTIPLE, MATCHING, ORDERING, NUMERIC, TEXT, GRID = (
    _BANK[f"ex-00-{n}"] for n in range(1, 8)
)
REAL = [SINGLE, MULTIPLE, MATCHING, ORDERING, NUMERIC, TEXT, GRID]


_KEYS = {
    "single": lambda ex: next(o.id for o in ex.options if o.correct),
    "multiple": lambda ex: [o.id for o in ex.options if o.correct],
    "matching": lambda ex: {it.id: it.match for it in ex.left},
    "ordering": lambda ex: [it.id for it in ex.items],
    "numeric": lambda ex: ex.value if ex.value is not None else ex.low,
    "text": lambda ex: ex.model_answer,
    "grid": lambda ex: {r: dict(cols) for r, cols in ex.key.items()},
}


def _key(ex: Exercise) -> Any:
    """The right answer to a real exercise, built from its key."""
    return _KEYS[ex.kind](ex)


def _hand(kind: str, **fields: Any) -> Exercise:
    return Exercise(id="ex-99-1", lesson="99", kind=kind, prompt="?", **fields)


ABCD = tuple(Item(i, i.upper(), f"About {i}.") for i in "abcd")
PICK_AC = _hand(
    "multiple",
    options=tuple(Item(o.id, o.text, o.explanation, correct=o.id in "ac") for o in ABCD),
)
ORDER4 = _hand("ordering", items=ABCD)
THOUSANDS = _hand(
    "numeric",
    low=1000.0,
    high=1000.0,
    value=1000.0,
    explanations={"correct": "Yes.", "too_low": "Low.", "too_high": "High."},
)
SCALE = ("CC", "C", "N", "I", "II", "NA")


def _grid(key: dict[str, dict[str, str]], *, ordered: bool = True) -> Exercise:
    rows = tuple(Item(r, f"Row {r}") for r in key)
    cols = tuple(Item(c, f"Col {c}") for c in next(iter(key.values())))
    return _hand(
        "grid", rows=rows, columns=cols, scale=SCALE, ordered=ordered, unordered=("NA",), key=key
    )


def _assert_invalid(g: Graded, kind: str) -> None:
    assert g.valid is False
    assert g.correct is None
    assert g.score is None
    assert EXPECTED[kind] in g.problem


# --- the real exercises, right and wrong ----------------------------------------------------


@pytest.mark.parametrize("ex", REAL, ids=lambda e: e.kind)
def test_the_key_is_marked_right(ex: Exercise) -> None:
    """The key of each real exercise is valid and earns full marks (text is not marked)."""
    g = grade(ex, _key(ex))
    assert g.valid is True
    assert g.problem == ""
    if ex.kind == "text":
        assert (g.correct, g.score) == (None, None)
    else:
        assert (g.correct, g.score) == (True, 1.0)
    json.dumps(g.answer)  # what is stored is JSON


def test_real_exercises_cover_every_kind() -> None:
    """The start-here lesson has one exercise of each kind, in the order the tests assume."""
    # Indicators (Heuer's step 8, issue 14) are lessons 05 and 06's, not lesson 00's yet.
    assert [e.kind for e in REAL] == [k for k in KINDS if k != "indicators"]
    assert set(EXPECTED) == set(KINDS)


def test_single_right_and_wrong_with_explanations() -> None:
    """A single choice is right only for the correct option; the chosen option is explained."""
    right = next(o for o in SINGLE.options if o.correct)
    for o in SINGLE.options:
        g = grade(SINGLE, o.id)
        assert g.valid is True
        assert g.answer == o.id
        assert (g.correct, g.score) == ((True, 1.0) if o is right else (False, 0.0))
        assert len(g.parts) == 1
        assert o.explanation in g.parts[0]


@pytest.mark.parametrize("answer", [" A ", "A", "a)", " a) ", "\ta\n"])
def test_single_forgives_case_spaces_and_a_bracket(answer: str) -> None:
    """The answers " A ", "A" and "a)" all mean option "a"."""
    ex = _hand("single", options=(Item("a", "A", "Yes.", correct=True), Item("b", "B", "No.")))
    g = grade(ex, answer)
    assert (g.valid, g.answer, g.correct) == (True, "a", True)


def test_multiple_partial_credit_on_the_real_exercise() -> None:
    """Multiple select scores max(0, (hits - false ticks) / size of the key)."""
    key = [o.id for o in MULTIPLE.options if o.correct]
    wrong = [o.id for o in MULTIPLE.options if not o.correct]
    n = len(key)
    assert n >= 2 and len(wrong) >= 2
    cases = {
        tuple(key[:-1]): (n - 1) / n,
        (*key, wrong[0]): (n - 1) / n,
        (key[0], *wrong[:2]): 0.0,  # 1 - 2 < 0: no negative scores
        tuple(wrong): 0.0,
        (): 0.0,
    }
    for chosen, score in cases.items():
        g = grade(MULTIPLE, list(chosen))
        assert g.valid is True, chosen
        assert g.correct is False
        assert g.score == pytest.approx(score), chosen
    assert grade(MULTIPLE, list(reversed(key))).score == 1.0


@pytest.mark.parametrize(
    "answer",
    ["a, c", "a,c", "c a", " A , C ", ["c", "a"], ("a", "c"), {"a", "c"}, frozenset("ac"),
     ["a", "c", "a"], pd.Series(["a", "c"])],
)  # fmt: skip
def test_multiple_accepts_lists_sets_and_strings(answer: Any) -> None:
    """A comma- or space-separated string, a set, a tuple or a Series all mean the same ticks."""
    g = grade(PICK_AC, answer)
    assert (g.valid, g.answer, g.correct, g.score) == (True, ["a", "c"], True, 1.0)


def test_multiple_explains_each_tick_and_counts_the_missed() -> None:
    """Each ticked option is explained and judged; options left out are counted, not named."""
    g = grade(PICK_AC, ["a", "b"])
    assert g.score == 0.0
    assert any("About a." in p and "right to tick" in p for p in g.parts)
    assert any("About b." in p and "should not be ticked" in p for p in g.parts)
    assert not any("About c." in p for p in g.parts)
    assert "You left out 1 option that" in g.parts[-1]
    assert g.headline == "1 of 2 right options ticked, 1 wrongly ticked"


def test_matching_fraction_of_pairs() -> None:
    """Matching scores the fraction of left items paired with their right partner."""
    key = {it.id: it.match for it in MATCHING.left}
    n = len(key)
    first, second = list(key)[:2]
    swapped = {**key, first: key[second], second: key[first]}
    g = grade(MATCHING, swapped)
    assert (g.valid, g.correct) == (True, False)
    assert g.score == pytest.approx((n - 2) / n)
    assert g.headline == f"{n - 2} of {n} pairs right"
    partial = grade(MATCHING, {first: key[first]})
    assert partial.score == pytest.approx(1 / n)
    assert sum("not matched yet" in p for p in partial.parts) == n - 1
    forgiving = grade(MATCHING, {f" {k.upper()} ": v.upper() for k, v in key.items()})
    assert (forgiving.correct, forgiving.answer) == (True, key)


def test_ordering_fraction_of_pairs_in_order() -> None:
    """Ordering scores the fraction of item pairs in the right relative order."""
    assert grade(ORDER4, ["a", "b", "c", "d"]).score == 1.0
    swap = grade(ORDER4, ["a", "c", "b", "d"])  # one adjacent swap: 5 of 6 pairs
    assert (swap.valid, swap.correct) == (True, False)
    assert swap.score == pytest.approx(5 / 6)
    assert swap.headline == "5 of 6 pairs of items in the right order"
    assert grade(ORDER4, ["d", "c", "b", "a"]).score == 0.0
    assert grade(ORDER4, ["b", "a", "d", "c"]).score == pytest.approx(4 / 6)
    assert grade(ORDER4, "d a b c").score == pytest.approx(3 / 6)
    ids = [it.id for it in ORDERING.items]
    n = len(ids)
    real = grade(ORDERING, [ids[1], ids[0], *ids[2:]])
    assert real.score == pytest.approx(1 - 1 / (n * (n - 1) / 2))
    assert "(out of place)" in real.parts[0]
    assert "(in its place)" in real.parts[-1]


def test_numeric_too_low_too_high_and_boundaries() -> None:
    """Below the range is too low, above it too high; both ends of the range are accepted."""
    assert NUMERIC.low is not None and NUMERIC.high is not None
    low, high = NUMERIC.low, NUMERIC.high
    for value in (low, high, (low + high) / 2, str(low), f" {high} "):
        g = grade(NUMERIC, value)
        assert (g.valid, g.correct, g.score) == (True, True, 1.0), value
        assert "within the accepted range" in g.headline
    too_low = grade(NUMERIC, low - 0.01)
    assert (too_low.correct, too_low.score) == (False, 0.0)
    assert too_low.headline.endswith("is too low")
    too_high = grade(NUMERIC, high + 0.01)
    assert (too_high.correct, too_high.score) == (False, 0.0)
    assert too_high.headline == f"{high + 0.01:g} {NUMERIC.unit} is too high"


@pytest.mark.parametrize(
    "answer",
    [1000, 1000.0, "1000", "1,000", " 1,000 ", "1 000", "1\u2009000", "1e3", np.int64(1000),
     np.float64(1000.0), Fraction(1000)],
)  # fmt: skip
def test_numeric_reads_numbers_in_several_forms(answer: Any) -> None:
    """Ints, floats, numpy numbers and strings (with thousands separators) are read as numbers."""
    g = grade(THOUSANDS, answer)
    assert (g.valid, g.answer, g.correct) == (True, 1000, True)
    assert type(g.answer) is int


def test_text_is_not_marked_and_hints_by_keyword() -> None:
    """A short text is valid but unmarked; a keyword's hint shows when none of its words is used."""
    hints = [k.hint for k in TEXT.keywords]
    assert len(hints) == 2
    bare = grade(TEXT, "Russia would talk to them.")
    assert (bare.valid, bare.correct, bare.score) == (True, None, None)
    assert list(bare.parts) == hints
    assert list(grade(TEXT, "Weapons would flow, but only a few.").parts) == []
    assert list(grade(TEXT, "They would send WEAPONS; NOT words.").parts) == []
    # "nothing" is not "not", "weaponsmith" is not "weapons": whole words only
    assert list(grade(TEXT, "Arms would prove nothing.").parts) == [hints[1]]
    assert list(grade(TEXT, "A weaponsmith would doubt it.").parts) == [hints[0]]
    assert grade(TEXT, "  two words  ").answer == "two words"
    assert grade(TEXT, "two words").headline == "your answer has 2 words"


def test_text_keyword_without_hint_shows_nothing() -> None:
    """A keyword entry whose hint is empty never adds a blank line."""
    ex = _hand("text", model_answer="M.", keywords=(Keyword(("x",), ""), Keyword(("y",), "Y?")))
    assert list(grade(ex, "z").parts) == ["Y?"]


def test_grid_exact_and_near_cells() -> None:
    """Grid: 1 per cell equal to the key, 0.5 per cell one step away when the scale is ordered."""
    assert GRID.ordered
    key = {r: dict(c) for r, c in GRID.key.items()}
    r0, c0 = GRID.rows[0].id, GRID.columns[0].id
    order = [s for s in GRID.scale if s not in GRID.unordered]
    i = order.index(key[r0][c0])
    step = order[i + 1] if i + 1 < len(order) else order[i - 1]
    away = next(s for j, s in enumerate(order) if abs(j - i) >= 2)
    total = len(GRID.rows) * len(GRID.columns)

    def one_cell(value: str) -> Graded:
        return grade(GRID, {**key, r0: {**key[r0], c0: value}})

    near = one_cell(step)
    assert (near.valid, near.correct) == (True, False)
    assert near.score == pytest.approx((total - 1 + 0.5) / total)
    assert (
        near.headline == f"{total - 1} of {total} cells agree with the reference, 1 one step away"
    )
    assert "one step from the reference" in near.parts[0]
    far = one_cell(away)
    assert far.score == pytest.approx((total - 1) / total)
    assert "far from the reference" in far.parts[0]
    for value in GRID.unordered:
        assert one_cell(value).score == pytest.approx((total - 1) / total)


def test_grid_na_is_never_near() -> None:
    """NA is outside the order: next to II in the scale list, yet never one step from it."""
    ex = _grid({"r": {"x": "NA", "y": "II", "z": "C"}})
    g = grade(ex, {"r": {"x": "II", "y": "NA", "z": "CC"}})
    assert g.score == pytest.approx(0.5 / 3)
    assert g.headline == "0 of 3 cells agree with the reference, 1 one step away"


def test_grid_without_order_has_no_half_credit() -> None:
    """When the scale is not ordered, a neighbouring value earns nothing."""
    ex = _grid({"r": {"x": "CC", "y": "C"}}, ordered=False)
    g = grade(ex, {"r": {"x": "C", "y": "C"}})
    assert g.score == pytest.approx(0.5)
    assert "one step away" not in g.headline


def test_grid_accepts_a_dataframe_and_forgives_case() -> None:
    """A DataFrame with row ids as index, and lower-case values, read like the dict of rows."""
    key = {r: dict(c) for r, c in GRID.key.items()}
    frame = pd.DataFrame.from_dict(key, orient="index")
    g = grade(GRID, frame)
    assert (g.valid, g.correct, g.answer) == (True, True, key)
    lower = {r: {c: v.lower() for c, v in cols.items()} for r, cols in key.items()}
    assert grade(GRID, lower).answer == key


# --- malformed answers ------------------------------------------------------------------------


def _malformed() -> Iterator[Any]:
    k = {it.id: it.match for it in MATCHING.left}
    items = [it.id for it in ORDERING.items]
    cells = {r: dict(c) for r, c in GRID.key.items()}
    r0, c0 = GRID.rows[0].id, GRID.columns[0].id
    some_left = next(iter(k))
    cases = [
        (SINGLE, 1, "is not one of the ids"),
        (SINGLE, "z", "'z' is not one of the ids; the options are"),
        (SINGLE, ["a"], "is not an id"),
        (SINGLE, True, "True is not an id"),
        (SINGLE, "", "is not one of the ids"),
        (MULTIPLE, {"a": 1}, "got dict"),
        (MULTIPLE, 3, "got int"),
        (MULTIPLE, ["no-such-event"], "'no-such-event' is not one of the ids"),
        (MULTIPLE, [[1]], "is not an id"),
        (MATCHING, [some_left], "got list"),
        (MATCHING, "usa russia", "got str"),
        (MATCHING, {some_left: "nowhere"}, "'nowhere' is not one of the ids"),
        (MATCHING, {"nobody": k[some_left]}, "'nobody' is not one of the ids"),
        (MATCHING, {}, "no pair is given yet"),
        (MATCHING, {some_left: None}, "no pair is given yet"),
        (ORDERING, dict.fromkeys(items, 1), "got dict"),
        (ORDERING, items[:-1], f'every item must appear once: missing "{items[-1]}"'),
        (ORDERING, [*items[:-1], items[0]], f'given twice "{items[0]}"'),
        (ORDERING, [*items, "e00-unknown"], "'e00-unknown' is not one of the ids"),
        (ORDERING, 4, "got int"),
        (NUMERIC, "nine", "'nine' is not a number"),
        (NUMERIC, "9 years", "'9 years' is not a number"),
        (NUMERIC, float("nan"), "is not a finite number"),
        (NUMERIC, float("inf"), "is not a finite number"),
        (NUMERIC, "-inf", "is not a finite number"),
        (NUMERIC, True, "True/False is not a number"),
        (NUMERIC, False, "True/False is not a number"),
        (NUMERIC, [9], "got list"),
        (NUMERIC, "", "'' is not a number"),
        (TEXT, ["because"], "got list"),
        (TEXT, 42, "got int"),
        (TEXT, "   ", "the answer is empty"),
        (GRID, [["CC"]], "got list"),
        (GRID, {**cells, r0: {**cells[r0], c0: "X"}}, "'X' (row"),
        (GRID, {**cells, r0: {**cells[r0], c0: "X"}}, "is not on the scale; use one of: CC"),
        (GRID, {**cells, r0: {c: v for c, v in cells[r0].items() if c != c0}},
         f"1 cell(s) are not rated yet ({r0} / {c0})"),
        (GRID, {**cells, r0: {**cells[r0], c0: ""}}, "not rated yet"),
        (GRID, {**cells, r0: {**cells[r0], c0: float("nan")}}, "not rated yet"),
        (GRID, {}, "no cell is rated yet"),
        (GRID, {r0: "CC"}, f"row {r0!r} should be a dict"),
        (GRID, {"ev-99": {c0: "C"}}, "'ev-99' is not one of the ids; the rows are"),
        (GRID, {r0: {"h-none": "C"}}, "'h-none' is not one of the ids; the columns are"),
    ]  # fmt: skip
    for ex, answer, words in cases:
        yield pytest.param(ex, answer, words, id=f"{ex.kind}-{words[:40]}")
    for ex in REAL:
        yield pytest.param(ex, ..., "replace `...` with your answer", id=f"{ex.kind}-ellipsis")
        yield pytest.param(ex, None, "there is no answer yet", id=f"{ex.kind}-none")


@pytest.mark.parametrize(("ex", "answer", "words"), list(_malformed()))
def test_malformed_answer_names_the_expected_form(ex: Exercise, answer: Any, words: str) -> None:
    """An answer of the wrong form is invalid, unmarked, and says what was expected."""
    g = grade(ex, answer)
    _assert_invalid(g, ex.kind)
    assert words in g.problem
    assert g.problem.endswith(f". This question expects {EXPECTED[ex.kind]}.")
    json.dumps(g.answer)  # even a malformed answer can be kept


def test_normalise_raises_what_grade_reports() -> None:
    """The normaliser raises for a malformed answer; grade turns that error into a problem."""
    with pytest.raises(ValueError, match="not a number"):
        normalise(NUMERIC, "nine")
    assert normalise(NUMERIC, "9.0") == 9
    assert normalise(MULTIPLE, [o.id for o in reversed(MULTIPLE.options)]) == [
        o.id for o in MULTIPLE.options
    ]


ODD: list[Any] = [
    object(), b"x", b"9", 1j, {1, 2}, [[1]], {"a": [1]}, (), [], {}, set(), "", " ", "\x00",
    "a" * 10_000, 10**30, -0.0, 0, -1, 2.5, float("nan"), float("inf"), True, None, ...,
    range(3), [None], [...], {None: None}, {"a": {"b": {"c": 1}}}, Fraction(1, 3),
    np.nan, np.array([1, 2]), np.array([]), pd.Series(dtype=object), pd.DataFrame(),
    pd.DataFrame({"x": [1]}), pd.NA, {1: 2}, [1, "a", None], "a,,,b", ",", ";",
    type, print, iter([1, 2]),
]  # fmt: skip


@pytest.mark.parametrize("ex", REAL, ids=lambda e: e.kind)
def test_grade_never_raises(ex: Exercise) -> None:
    """Whatever odd value a student passes, grade returns a Graded and keeps it as JSON."""
    for answer in [*ODD, _key(ex)]:
        g = grade(ex, answer)
        assert isinstance(g, Graded)
        json.dumps(g.answer)
        if g.valid:
            assert g.problem == ""
            assert g.score is None if ex.kind == "text" else 0.0 <= g.score <= 1.0
        else:
            _assert_invalid(g, ex.kind)


def test_malformed_answer_is_kept_as_given() -> None:
    """The answer of an invalid attempt is stored as close to what was given as JSON allows."""
    assert grade(SINGLE, 7).answer == 7
    assert grade(NUMERIC, float("inf")).answer == "inf"
    assert grade(ORDERING, ("x", 1)).answer == ["x", 1]
    assert grade(MATCHING, {1: object}).answer == {"1": repr(object)}
    assert grade(TEXT, ...).answer == "Ellipsis"


# --- the bugs found while writing these tests (see the reasons) ---------------------------


def test_huge_integer_is_not_a_crash() -> None:
    """An integer too large for a float is an invalid answer, not an exception."""
    _assert_invalid(grade(NUMERIC, 10**400), "numeric")


def test_grid_dataframe_with_a_repeated_row_is_not_a_crash() -> None:
    """A DataFrame naming the same row twice is an invalid answer, not an exception."""
    frame = pd.DataFrame.from_dict({r: dict(c) for r, c in GRID.key.items()}, orient="index")
    frame.index = [frame.index[0]] * len(frame)
    _assert_invalid(grade(GRID, frame), "grid")


def test_decimal_comma_is_not_read_as_thousands() -> None:
    """A comma is a thousands separator only before groups of three digits."""
    assert grade(THOUSANDS, "1,000").answer == 1000
    _assert_invalid(grade(NUMERIC, "9,5"), "numeric")


def test_range_ends_written_as_value_and_tolerance_are_accepted(data_copy: Path) -> None:
    """Both ends of value +/- tolerance are accepted, as for an explicit low-high range."""
    text = (data_copy / "exercises" / "00-start-here.yaml").read_text(encoding="utf-8")
    old = "answer: {value: 9, tolerance: 0.5}"
    assert old in text
    (data_copy / "exercises" / "00-start-here.yaml").write_text(
        text.replace(old, "answer: {value: 0.7, tolerance: 0.1}"), encoding="utf-8"
    )
    ex = read_bank(data_copy)["ex-00-5"]
    assert grade(ex, 0.6).correct is True
    assert grade(ex, 0.8).correct is True
    assert math.isclose(ex.high or 0, 0.8)


# --- on screen: the widget's own terms ------------------------------------------------------


@pytest.mark.parametrize("ex", REAL, ids=lambda e: e.kind)
def test_nothing_filled_in_is_said_in_the_widgets_terms(ex: Exercise) -> None:
    """Check pressed on an empty widget: what to do with the controls, no `...`, no Python."""
    empty = {"multiple": [], "matching": {}, "ordering": [None] * 6, "numeric": "", "text": ""}
    g = grade(ex, empty.get(ex.kind, {} if ex.kind == "grid" else None), on_screen=True)
    assert (g.valid, g.correct, g.score) == (False, None, None)
    assert g.problem == NOTHING_YET[ex.kind]
    assert "..." not in g.problem and "`" not in g.problem and "expects" not in g.problem
    # In code, an empty multiple select is an answer (none ticked), and `None` is `...`.
    if ex.kind == "multiple":
        assert grade(ex, []).valid


def test_an_unfinished_ordering_names_positions_and_items_by_their_text() -> None:
    """Empty positions by number, an item chosen twice by its text; the code message stays."""
    items = ORDERING.items
    positions = [items[2].id, None, None, items[2].id, None, None]
    g = grade(ORDERING, positions, on_screen=True)
    assert g.problem.startswith("Positions 2, 3, 5 and 6 are still empty. ")
    assert f"“{items[2].text}” is chosen for positions 1 and 4." in g.problem
    assert g.problem.endswith("Each item goes in exactly one position.")
    assert not any(it.id in g.problem for it in items)
    code = grade(ORDERING, [i for i in positions if i])
    assert code.problem.startswith("every item must appear once: missing ")
    one_gap = [it.id for it in items[:-1]] + [None]
    assert grade(ORDERING, one_gap, on_screen=True).problem == (
        "Position 6 is still empty. Each item goes in exactly one position."
    )


def test_an_unfinished_grid_names_its_empty_cells_by_their_labels() -> None:
    """Row by row, the empty cells' row and column labels; never 'ev-08 / h-flank-hedge'."""
    r0, r1 = GRID.rows
    c0, *rest = GRID.columns
    cells = len(GRID.rows) * len(GRID.columns)
    g = grade(GRID, {r0.id: {c0.id: "C"}}, on_screen=True)
    assert g.problem.splitlines()[:3] == [
        f"{cells - 1} of {cells} cells are not rated yet; each shows “not rated” in the grid:",
        f"- in the row “{r0.text}”: " + " and ".join(f"“{c.text}”" for c in rest),
        f"- in the row “{r1.text}”: all {len(GRID.columns)} columns",
    ]
    assert "h-flank-hedge" not in g.problem and "ev-17 /" not in g.problem
    in_code = grade(GRID, {**GRID.key, r0.id: {c0.id: "C"}}).problem  # the API's own wording
    assert f"{len(rest)} cell(s) are not rated yet" in in_code


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("nine", "“nine” is not a number: type digits only, such as 42 or 3.5"),
        ("9,5", "“9,5” is ambiguous: write decimals with a point (9.5, not 9,5)"),
        ("inf", "“inf” is not an ordinary number"),
        ("   ", "The answer box is empty: type a number, then press Check."),
    ],
)
def test_a_number_box_says_what_to_type(typed: str, said: str) -> None:
    """What was typed, quoted as typed, and what to type instead; no repr quotes."""
    g = grade(NUMERIC, typed, on_screen=True)
    assert g.problem.startswith(said)
    assert "'" not in g.problem


def test_feedback_leads_with_the_options_text_not_its_id() -> None:
    """'e18-2020-06-bounty-report)' never starts a line: the option's text does."""
    chosen = [o.id for o in MULTIPLE.options[:2]]
    g = grade(MULTIPLE, chosen)
    for o, line in zip(MULTIPLE.options[:2], g.parts, strict=False):
        assert line.startswith(f"**{o.text.rstrip('.')}** (")
        assert o.id not in line
    short = grade(SINGLE, "b")
    assert short.parts[0].startswith(f"**b) {SINGLE.option('b').text.rstrip('.')}**: ")
    assert short.headline == ""


def test_own_columns_are_kept_and_not_marked() -> None:
    """A column the student added is kept with the answer; the mark is the bank's alone."""
    key = {r: dict(c) for r, c in GRID.key.items()}
    mine = {r: {**cols, "Russia wants a say in Kabul": "C"} for r, cols in key.items()}
    plain = grade(GRID, key)
    g = grade(GRID, mine, own_columns=["Russia wants a say in Kabul"])
    assert (g.valid, g.correct, g.score, g.headline) == (True, True, 1.0, plain.headline)
    own = {"Russia wants a say in Kabul": {"how": "added"}}  # how it came about, kept too
    assert g.answer == {**mine, "@own": own} and g.own_columns == ("Russia wants a say in Kabul",)
    unknown = grade(GRID, mine)  # not declared: an unknown column id, as before
    assert "'Russia wants a say in Kabul' is not one of the ids; the columns are" in (
        unknown.problem
    )
    r0 = GRID.rows[0]
    half = {**mine, r0.id: key[r0.id]}
    gap = grade(GRID, half, on_screen=True, own_columns=["Russia wants a say in Kabul"])
    assert f"- in the row “{r0.text}”: “Russia wants a say in Kabul”" in gap.problem


# --- issue 14: how a student's own columns came about; indicators ---------------------------

HYPS = (Item("h-one", "The first"), Item("h-two", "The second"))
WRITE = _hand("indicators", columns=HYPS, as_of="2018-10-12", at_least=2)
MARK = _hand("indicators", check="ex-99-0", case="russia-taliban-2018")


def test_a_grids_own_columns_say_how_they_came_about() -> None:
    key = {r: dict(c) for r, c in GRID.key.items()}
    c0, c1 = GRID.columns[0].id, GRID.columns[1].id
    mine = {r: {**cols, "Both": "C", "Part": "N"} for r, cols in key.items()}
    how = {"Both": {"how": "merged", "from": [c0, c1], "rule": "either"}}
    g = grade(GRID, {**mine, "@own": how}, own_columns=["Part"])
    assert g.valid and g.correct, g.problem
    assert g.answer["@own"] == {**how, "Part": {"how": "added"}}
    assert g.own_columns == ("Part", "Both")
    for bad, words in [
        ({"Both": {"how": "joined"}}, "use one of: added, merged, split"),
        ({"Both": {"how": "merged", "from": [c0]}}, "it needs 2 column(s)"),
        ({"Both": {"how": "split", "from": ["nowhere"]}}, "it needs 1 column(s)"),
        ("merged", "should map each of your own columns"),
    ]:
        g = grade(GRID, {**mine, "@own": bad}, own_columns=["Part"])
        assert not g.valid and words in g.problem, g.problem


def test_indicators_are_read_checked_and_never_marked() -> None:
    written = [
        {"text": "  Russia sends   heavy weapons ", "against": "h-one", "by": "2019"},
        {"text": "", "against": None, "by": ""},  # an empty row of the widget: left out
        ("Moscow hosts the Taliban twice", "The second", "2019-06"),  # by the hypothesis' text
    ]
    g = grade(WRITE, written)
    assert (g.valid, g.correct, g.score) == (True, None, None), g.problem
    assert g.answer == [
        {"text": "Russia sends heavy weapons", "against": "h-one", "by": "2019-12-31"},
        {"text": "Moscow hosts the Taliban twice", "against": "h-two", "by": "2019-06-30"},
    ]
    assert g.headline == "2 indicators written as of 2018-10-12"
    frame = pd.DataFrame(g.answer)
    assert grade(WRITE, frame).answer == g.answer  # a table does as well as a list
    json.dumps(g.answer)


@pytest.mark.parametrize(
    ("answer", "code", "screen"),
    [
        ([], "no indicator is written yet", NOTHING_YET["indicators"]),
        (
            [{"text": "Russia sends heavy weapons", "against": "h-one", "by": "2019-12-31"}],
            "write at least 2 indicators; there is 1",
            "Write at least 2 indicators; you have 1.",
        ),
        (
            [{"text": "Too short", "against": "h-one", "by": "2019"}] * 2,
            "indicator 1 needs a text of a few words",
            "Indicator 1: write what you would watch for, in a few words.",
        ),
        (
            [{"text": "Russia sends heavy weapons", "against": None, "by": "2019"}] * 2,
            "indicator 1 names no hypothesis",
            "Indicator 1: choose the explanation it would count against.",
        ),
        (
            [{"text": "Russia sends heavy weapons", "against": "h-one", "by": "soon"}] * 2,
            "'by' is 'soon', not a date",
            "Indicator 1: give the date by which you would expect to see it",
        ),
        (
            [{"text": "Russia sends heavy weapons", "against": "h-one", "by": "2018-06"}] * 2,
            "2018-06-30 is not after 2018-10-12",
            "Indicator 1: the date must come after 2018-10-12",
        ),
        (
            [{"text": "Russia sends heavy weapons", "against": "h-one", "by": "2019-02-30"}] * 2,
            "not a date",
            "give the date",
        ),
    ],
)
def test_indicators_that_cannot_be_recorded_say_why(answer: Any, code: str, screen: str) -> None:
    g = grade(WRITE, answer)
    assert not g.valid and code in g.problem and EXPECTED["indicators"] in g.problem
    assert screen in grade(WRITE, answer, on_screen=True).problem


def test_marks_against_the_record_are_read_in_words() -> None:
    base = {"text": "Russia sends heavy weapons", "against": "h-one", "by": "2019-12-31"}
    g = grade(
        MARK,
        [
            {**base, "mark": "happened"},
            {**base, "mark": "Did not happen"},
            {**base, "mark": "cannot tell from the record"},
        ],
    )
    assert g.valid and [it["mark"] for it in g.answer] == [
        "happened", "did-not-happen", "cannot-tell",
    ]  # fmt: skip
    assert g.headline == "3 indicators marked, 1 happened by the date set"
    gap = grade(MARK, [{**base, "mark": "happened"}, {**base, "mark": None}], on_screen=True)
    assert not gap.valid and "Mark every indicator: 1 still says “not marked” (2)." in gap.problem
    odd = grade(MARK, [{**base, "mark": "maybe"}])
    assert not odd.valid and "the mark 'maybe' is not one of" in odd.problem
