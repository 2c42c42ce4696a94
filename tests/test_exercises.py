"""The exercises in plain Python: check, hint, solution, progress, and answers that persist."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import analogylab
from analogylab.exercises import record
from analogylab.store import open_store

RIGHT = {
    "ex-00-1": "a",
    "ex-00-2": [
        "e80-1998-01-brzezinski-trap",
        "e18-2020-06-bounty-report",
        "e18-2017-07-cnn-videos",
    ],
    "ex-00-3": {
        "usa": "russia",
        "mujahideen": "taliban",
        "ussr": "usa",
        "dra": "afghan-republic",
        "iran": "iran",
    },
    "ex-00-4": [
        "e80-1979-12-intervention",
        "e80-1988-04-geneva-accords",
        "e80-1989-02-withdrawal-completed",
        "e18-2020-02-doha-agreement",
        "e18-2021-08-us-exit",
        "e18-2025-07-recognition",
    ],
    "ex-00-5": 9,
    "ex-00-7": {
        "ev-28": {"h-flank-hedge": "C", "h-reverse-cold-war": "N", "h-power-broker": "C"},
        "ev-32": {"h-flank-hedge": "C", "h-reverse-cold-war": "N", "h-power-broker": "I"},
    },
}
WRONG = {
    "ex-00-1": "b",
    "ex-00-2": ["e18-2025-07-recognition"],
    "ex-00-3": {"usa": "usa"},
    "ex-00-4": list(reversed(RIGHT["ex-00-4"])),  # type: ignore[call-overload]
    "ex-00-5": 10,
    "ex-00-7": {
        "ev-28": {"h-flank-hedge": "II", "h-reverse-cold-war": "II", "h-power-broker": "II"},
        "ev-32": {"h-flank-hedge": "II", "h-reverse-cold-war": "CC", "h-power-broker": "CC"},
    },
}


@pytest.mark.usefixtures("answers_home")
@pytest.mark.parametrize("exercise_id", sorted(RIGHT))
def test_right_answer_is_correct_and_explained(exercise_id: str) -> None:
    """A right answer scores full points, says so in words, and shows the explanations."""
    fb = analogylab.check(exercise_id, RIGHT[exercise_id])
    assert fb.correct is True
    assert fb.score == 1.0
    assert fb.status == "correct"
    assert fb.message.startswith("**Correct.**")
    assert fb.revealed
    if exercise_id == "ex-00-7":  # a grid: every cell with its reason, folded
        assert "<!-- fold: All 6 cells: the reference ratings and their reasons -->" in fb.message
    else:
        assert "**The answer" in fb.message


@pytest.mark.usefixtures("answers_home")
@pytest.mark.parametrize("exercise_id", sorted(WRONG))
def test_wrong_answer_explains_without_giving_the_key_away(exercise_id: str) -> None:
    """A first wrong answer scores 0, says it in words, and keeps the key for later attempts."""
    fb = analogylab.check(exercise_id, WRONG[exercise_id])
    ex = analogylab.load_bank()[exercise_id]
    assert fb.correct is False
    assert fb.score == 0.0
    if ex.attempts > 1:
        assert "Not right yet" in fb.message
        assert not fb.revealed
        assert "The answer" not in fb.message
        assert f"Attempt 1 of {ex.attempts}" in fb.message


@pytest.mark.usefixtures("answers_home")
def test_chosen_option_is_explained() -> None:
    """Feedback on a wrong option gives that option's own explanation (elaborated feedback)."""
    ex = analogylab.load_bank()["ex-00-1"]
    fb = analogylab.check("ex-00-1", "c")
    assert ex.option("c").explanation in fb.message
    assert ex.option("a").explanation not in fb.message  # the key is not shown yet


@pytest.mark.usefixtures("answers_home")
def test_partial_credit_is_reported() -> None:
    """Half the pairs right earns part of the points, with the words 'Partly right'."""
    answer = dict(list(RIGHT["ex-00-3"].items())[:3])  # type: ignore[attr-defined]
    fb = analogylab.check("ex-00-3", answer)
    assert fb.status == "partial"
    assert fb.score == pytest.approx(3 / 5)
    assert fb.earned == pytest.approx(1.2)
    assert "Partly right" in fb.message
    assert "3 of 5 pairs right" in fb.message


@pytest.mark.usefixtures("answers_home")
def test_answer_is_shown_after_the_last_attempt() -> None:
    """After the allowed attempts, the feedback shows the key with every explanation."""
    ex = analogylab.load_bank()["ex-00-5"]
    for i in range(ex.attempts):
        fb = analogylab.check("ex-00-5", 20 + i)
    assert fb.attempts_used == ex.attempts
    assert fb.revealed
    assert "The answer (after 3 attempts)" in fb.message
    assert ex.explanations["correct"] in fb.message
    again = analogylab.check("ex-00-5", 9)
    assert "already been shown" in again.message
    last = open_store().last("ex-00-5")
    assert last is not None
    assert last.revealed is True  # the record says the key was known


@pytest.mark.usefixtures("answers_home")
@pytest.mark.parametrize(
    ("exercise_id", "answer", "expected"),
    [
        ("ex-00-1", 3, 'one option id in quotes, for example `"b"`'),
        ("ex-00-1", ..., "replace `...` with your answer"),
        ("ex-00-2", 42, "a list of option ids"),
        ("ex-00-3", ["usa", "russia"], "a dict from each left-hand id"),
        ("ex-00-4", {"a": 1}, "a list of every item id"),
        ("ex-00-5", "nine", "a number"),
        ("ex-00-6", 12, "your answer as text"),
        ("ex-00-7", "CC", "a dict of rows"),
    ],
)
def test_malformed_answer_gets_a_message_not_a_traceback(
    exercise_id: str, answer: object, expected: str
) -> None:
    """An answer of the wrong type or shape says which form is expected and costs no attempt."""
    fb = analogylab.check(exercise_id, answer)
    assert fb.status == "invalid"
    assert fb.correct is None
    assert fb.score is None
    assert "Answer not checked" in fb.message
    assert expected in fb.message
    assert "did not use up an attempt" in fb.message
    store = open_store()
    assert store.count(exercise_id) == 0
    kept = store.last(exercise_id)
    assert kept is not None  # the malformed answer is kept, not lost
    assert kept.status == "invalid"


@pytest.mark.usefixtures("answers_home")
def test_short_text_model_answer_then_self_assessment() -> None:
    """Short text: the first check shows the model answer and rubric; ticking records a score."""
    ex = analogylab.load_bank()["ex-00-6"]
    text = "I would look for weapons and money; I would doubt it if only meetings were seen."
    first = analogylab.check("ex-00-6", text)
    assert first.correct is None
    assert first.status == "answered"
    assert first.score is None
    assert ex.model_answer.split("\n")[0] in first.message
    for r in ex.rubric:
        assert r.text in first.message
    second = analogylab.check("ex-00-6", text, ticked=["r1", "r2", "r4"])
    assert second.status == "self-assessed"
    assert second.correct is None
    assert second.score == pytest.approx(3 / 4)
    assert "3 of 4 rubric points" in second.message
    stored = open_store().last("ex-00-6")
    assert stored is not None
    assert stored.answer == {"text": text, "ticked": ["r1", "r2", "r4"]}
    bad = analogylab.check("ex-00-6", text, ticked=["r9"])
    assert bad.status == "invalid"
    assert "'r9' not in the rubric" in bad.message


@pytest.mark.usefixtures("answers_home")
def test_keyword_hint_for_short_text() -> None:
    """A short text that names no kind of support gets the keyword hint."""
    fb = analogylab.check("ex-00-6", "It depends on many things, but I doubt it.")
    assert "does not say what kind of help" in fb.message
    assert "does not say what would make you doubt" not in fb.message


@pytest.mark.usefixtures("answers_home")
def test_hints_come_one_at_a_time_and_are_recorded() -> None:
    """Each call shows the next hint; the last repeats; the store counts them."""
    ex = analogylab.load_bank()["ex-00-1"]
    first = analogylab.hint("ex-00-1")
    second = analogylab.hint("ex-00-1")
    third = analogylab.hint("ex-00-1")
    assert first.startswith(f"**Hint 1 of {len(ex.hints)}:**")
    assert ex.hints[1] in second
    assert third == second
    assert open_store().hints_shown("ex-00-1") == len(ex.hints)


def test_solution_shows_every_explanation() -> None:
    """The teacher's view has the key and the explanation of every option."""
    ex = analogylab.load_bank()["ex-00-2"]
    text = analogylab.solution("ex-00-2")
    for o in ex.options:
        assert o.explanation in text
    assert text.count("**right**") == sum(o.correct for o in ex.options)


def test_unknown_exercise_names_the_closest_id() -> None:
    """A mistyped id raises UnknownIdError suggesting the right one."""
    with pytest.raises(analogylab.UnknownIdError, match="ex-00-1"):
        analogylab.check("ex-00-01", "a")


@pytest.mark.usefixtures("answers_home")
def test_progress_lists_every_exercise() -> None:
    """progress() has a row per exercise, tried or not, with attempts and best score."""
    analogylab.check("ex-00-1", "b")
    analogylab.check("ex-00-1", "a")
    analogylab.check("ex-00-5", 9)
    p = analogylab.progress("00").set_index("exercise_id")
    assert len(p) == len(analogylab.load_bank().of_lesson("00"))
    assert p.loc["ex-00-1", "attempts"] == 2
    assert p.loc["ex-00-1", "best_score"] == 1.0
    assert p.loc["ex-00-1", "last_status"] == "correct"
    assert p.loc["ex-00-2", "last_status"] == "not tried"
    summary = analogylab.progress_by_lesson().set_index("lesson")
    assert summary.loc["00", "tried"] == 2
    assert summary.loc["00", "earned"] == 2.0


@pytest.mark.usefixtures("answers_home")
def test_progress_in_a_second_process_lists_the_first_process_attempts() -> None:
    """Attempts made in one process are listed by progress() in another (a restarted kernel)."""
    analogylab.check("ex-00-4", RIGHT["ex-00-4"])
    analogylab.check("ex-00-5", 12)
    code = (
        "import json, analogylab\n"
        "p = analogylab.progress('00').set_index('exercise_id')\n"
        "print(json.dumps({k: int(p.loc[k, 'attempts']) for k in ('ex-00-4', 'ex-00-5')}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"ex-00-4": 1, "ex-00-5": 1}


def test_set_student_names_the_export(answers_home: Path) -> None:
    """set_student puts the name in the store, and rejects a blank name with a message."""
    analogylab.set_student("Ana Lopez")
    assert open_store().get_meta("student") == "Ana Lopez"
    with pytest.raises(ValueError, match="give your name as text"):
        analogylab.set_student("  ")
    assert answers_home.exists()


@pytest.mark.usefixtures("answers_home")
def test_record_does_not_print(capsys: pytest.CaptureFixture[str]) -> None:
    """record() (for widgets) stores but shows nothing; check() prints in plain Python."""
    record("ex-00-1", "a")
    assert capsys.readouterr().out == ""
    analogylab.check("ex-00-1", "a")
    assert "Correct." in capsys.readouterr().out


def test_broken_bank_is_reported_with_file_and_line(data_copy: Path) -> None:
    """A teacher's typo in the bank stops the exercises with FILE:LINE, not a traceback."""
    f = data_copy / "exercises" / "00-start-here.yaml"
    f.write_text(f.read_text().replace("kind: numeric", "kind: numerik"))
    with pytest.raises(analogylab.ExerciseBankError) as err:
        analogylab.load_bank(data_copy)
    line = next(i for i, t in enumerate(f.read_text().splitlines(), 1) if "numerik" in t)
    assert f"00-start-here.yaml:{line}:ex-00-5.kind" in str(err.value)
    assert "use one of" in str(err.value)


def test_template_is_a_valid_bank_file(data_copy: Path) -> None:
    """data/templates/exercises.yaml, copied into the bank as it is, passes every check."""
    from analogylab.bank import read_bank

    template = data_copy / "templates" / "exercises.yaml"
    (data_copy / "exercises" / "98-template.yaml").write_text(template.read_text())
    bank = read_bank(data_copy)
    assert bank.problems == []
    assert {e.kind for e in bank.of_lesson("98")} == set(analogylab.bank.KINDS)


# --- issue 14: judgements first, then the record; indicators ----------------------------------

WRITTEN = [
    {"text": "Russia delivers heavy weapons to the Taliban", "against": "h-flank-hedge",
     "by": "2019-12-31"},
    {"text": "Moscow hosts the Taliban at talks with Kabul", "against": "h-power-broker",
     "by": "2019-06"},
]  # fmt: skip


@pytest.mark.usefixtures("methods_data")
def test_a_judgement_is_recorded_not_marked_then_the_curators_reasons_follow() -> None:
    store = open_store()
    fb = record("ex-98-1", "b")
    assert (fb.status, fb.correct, fb.score, fb.earned) == ("judgement", None, None, None)
    assert fb.message.startswith("**Your judgement is recorded.** It is not marked")
    assert "the curators chose **a) It shows what a US commander" in fb.message
    ex = analogylab.load_bank()["ex-98-1"]
    for o in ex.options:  # every reason, the student's choice and the curators'
        assert o.explanation in fb.message
    assert "**Argue back.**" in fb.message and 'analogylab.argue("ex-98-1"' in fb.message
    first = store.attempts("ex-98-1")[-1]
    assert (first.status, first.revealed, first.correct) == ("judgement", False, None)
    record("ex-98-1", "a")  # a second judgement, after the curators' was shown
    assert store.attempts("ex-98-1")[-1].revealed is True
    assert record("ex-98-1", "z").status == "invalid"  # the wrong form: nothing used up


@pytest.mark.usefixtures("methods_data")
def test_an_argument_back_is_kept_with_the_judgement_it_answers() -> None:
    store = open_store()
    early = analogylab.argue("ex-98-2", "Too soon.")
    assert early.status == "invalid" and "Give your own judgement first" in early.message
    grid = {"ev-01": {"h-flank-hedge": "C", "h-reverse-cold-war": "C"},
            "ev-27": {"h-flank-hedge": "C", "h-reverse-cold-war": "N"}}  # fmt: skip
    fb = record("ex-98-2", grid)
    assert "You and the curators agree on 2 of 4 cells." in fb.message
    assert "Their reason: A 1980s-style programme would show by now" in fb.message
    assert "Which cell would you rate otherwise, and why?" in fb.message  # the bank's own prompt
    empty = analogylab.argue("ex-98-2", "   ")
    assert empty.status == "invalid" and "The box is empty" in empty.message
    said = analogylab.argue("ex-98-2", "Covert aid could stay  hidden for years.")
    assert said.status == "argued" and said.answer == "Covert aid could stay hidden for years."
    kept = store.attempts("ex-98-2")[-1]
    assert kept.answer == {"argument": said.answer, "judgement": grid}
    assert analogylab.last_answer("ex-98-2") == grid  # an argument is not an answer
    with pytest.raises(analogylab.AnalogylabError, match="is not a judgement"):
        analogylab.argue("ex-00-1", "No.")


@pytest.mark.usefixtures("methods_data")
def test_judgements_and_indicators_earn_no_points_and_count_in_no_total() -> None:
    record("ex-98-3", 2)
    analogylab.argue("ex-98-3", "The pipeline deserves more.")
    record("ex-00-1", "a")
    p = analogylab.progress().set_index("exercise_id")
    row = p.loc["ex-98-3"]
    assert (row["marked"], row["points"], row["last_status"], row["argued"]) == (
        False, 0.0, "judgement", True,
    )  # fmt: skip
    assert row["attempts"] == 1 and pd.isna(row["earned"]) and row["answer_shown"]
    assert p.loc["ex-98-3", "kind"] == "numeric (judgement)"
    assert p.loc["ex-00-1", "marked"] and p.loc["ex-00-1", "earned"] == 1
    by_lesson = analogylab.progress_by_lesson().set_index("lesson")
    assert by_lesson.loc["98", "points"] == 0 and by_lesson.loc["98", "tried"] == 1


@pytest.mark.usefixtures("methods_data")
def test_indicators_are_written_then_marked_against_the_record() -> None:
    early = record("ex-98-5", ["happened"])
    assert early.status == "invalid" and "You have not written any indicators yet" in early.message
    fb = record("ex-98-4", WRITTEN)
    assert fb.status == "judgement" and fb.correct is None
    assert fb.message.startswith("**Recorded: 2 indicators, as of 2018-10-12.**")
    assert "- **Guard the flank**: 1 indicator (by 2019-12-31)" in fb.message
    assert "No indicator counts against *Reverse Cold War*" in fb.message
    from analogylab.exercises import written_indicators

    assert [it["by"] for it in written_indicators("ex-98-5")] == ["2019-12-31", "2019-06-30"]
    marks = record("ex-98-5", ["happened", "did not happen"])  # marks alone, in order
    assert marks.status == "judgement", marks.message
    assert (
        "- **Guard the flank**: 1 indicator; 1 happened (counting against it), 0 did not, "
        "0 cannot tell" in marks.message
    )
    assert (
        "- **Power broker**: 1 indicator; 0 happened (counting against it), 1 did not, "
        "0 cannot tell" in marks.message
    )
    assert "written in hindsight" in marks.message
    stored = analogylab.last_answer("ex-98-5")
    assert [it["mark"] for it in stored] == ["happened", "did-not-happen"]
    assert stored[0]["text"] == WRITTEN[0]["text"]
    half = record("ex-98-5", ["happened"])  # the second is left unmarked: not recorded
    assert half.status == "invalid" and "not marked yet" in half.message


@pytest.mark.usefixtures("methods_data")
def test_your_judgements_sit_beside_the_curators_item_by_item() -> None:
    from analogylab.exercises import your_judgements

    record("ex-98-1", "b")
    analogylab.argue("ex-98-1", "Nicholson had access.")
    record("ex-98-6", ["a", "b"])
    record("ex-98-4", WRITTEN)
    mine = your_judgements("98").set_index(["exercise_id", "item"])
    choice = mine.loc[("ex-98-1", "the choice")]
    assert choice["yours"].startswith("b) ") and choice["reference"].startswith("a) ")
    assert not choice["agree"]
    assert choice["argument"] == "Nicholson had access."
    assert mine.loc[("ex-98-6", "a) ev-25"), "agree"]
    assert mine.loc[("ex-98-6", "b) ev-09"), "yours"] == "ticked"
    assert mine.loc[("ex-98-4", "Reverse Cold War"), "yours"] == "none"
    assert pd.isna(mine.loc[("ex-98-4", "Guard the flank"), "reference"])
