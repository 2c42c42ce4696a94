"""A class of 25 students at once on a real JupyterHub on this machine, then the teacher's merge.

One run (``hubload.py`` has the harness) serves every test of this module: a JupyterHub
configured by ``deploy/jupyterhub/jupyterhub_config.py``, ``configurable-http-proxy``
from ``deploy/jupyterhub/proxy``, a dummy authenticator and a home per student, all on
127.0.0.1 and offline. Every student at once clicks the link ``analogylab hub-link``
writes, logs in, gets a server, pulls the lessons with nbgitpuller, opens lesson 00,
runs every cell through the kernel's websocket, answers each of its seven exercises
(zero to two wrong answers, then the right one; the short text answered, then
self-assessed), restarts the kernel and runs an exercise cell again, runs
``analogylab export`` and downloads the file. The teacher then runs ``analogylab
merge`` on the 25 files.

It takes about four minutes on 2 cores (benchmarks/README.md, "A class on a
JupyterHub", has the figures and how they grow with the class). Every wait is
bounded; the hub, the proxy, every server and kernel are stopped by their ids when
the run ends, and a process left over fails the run. The proxy is installed into
deploy/jupyterhub/proxy on first use (`npm ci`, as .ci/run also does); without node or
npm, or if that install fails, the module is skipped with that reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

import hubload
from analogylab.hub import hub_link

pytestmark = [pytest.mark.hub, pytest.mark.slow]

CLASS_SIZE = 25
DEADLINE = 900.0  # seconds for the whole class; about 200 s here


@dataclass
class ClassRun:
    """What the run left behind for the tests to read."""

    hub: hubload.Hub
    link: str
    visits: list[hubload.Visit]
    failures: dict[str, BaseException]
    merged: pd.DataFrame
    leftovers: list[str]  # processes of the run still alive after the hub stopped
    lesson_cells: int
    merge_errors: str  # what `analogylab merge` said on stderr


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> ClassRun:
    """Run the class once for the module (skipped, with the reason, if a hub cannot start)."""
    reason = hubload.missing_parts()
    if reason:
        pytest.skip(reason)
    state = tmp_path_factory.mktemp("hub")
    repo = hubload.lessons_repository(state / "git")
    with hubload.hub_server(state / "hub", repo) as hub:
        link = hub_link(hub.url, hub.repo_url, branch="main")
        visits, failures = hubload.run_class(hub, hubload.class_plans(CLASS_SIZE), link, DEADLINE)
    leftovers = [*hub.leftovers, *(f"pid {p.pid} {p.name()}" for p in hub.processes())]
    exports = sorted((hub.state / "hand-in").glob("*.csv"))
    merged = hub.state / "class.csv"
    done = subprocess.run(
        [sys.executable, "-m", "analogylab", "merge", *map(str, exports), "--out", str(merged)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lesson = json.loads((hubload.ROOT / hubload.LESSON).read_text(encoding="utf-8"))
    cells = sum(
        1 for c in lesson["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()
    )
    if done.returncode == 0:
        table = pd.read_csv(merged, dtype=str, keep_default_na=False)
    else:  # the merge test says why
        table = pd.DataFrame(columns=["student", "exercise_id", "status", "answer", "attempt_id"])
    return ClassRun(hub, link, visits, failures, table, leftovers, cells, done.stderr)


def _explain(run: ClassRun) -> str:
    lines = [f"{user}: {exc}" for user, exc in sorted(run.failures.items())]
    return "\n".join(lines[:10]) + run.hub.log_tail(4000)


def test_every_student_gets_through_the_whole_visit(run: ClassRun) -> None:
    assert not run.failures, _explain(run)
    reopened = sum(v.reconnects for v in run.visits)
    if reopened:  # JupyterLab does the same; said, so that a rise shows
        warnings.warn(
            f"{reopened} kernel websocket(s) closed by a busy server while opening were "
            "opened again",
            stacklevel=1,
        )
    assert len(run.visits) == CLASS_SIZE
    for v in run.visits:
        assert v.step == "done", (v.user, v.step)
        assert list(v.marks) == [
            "logged in", "server ready", "lessons pulled", "lesson page", "lesson ready",
            "last cell run", "answers checked", "answer restored", "answers exported",
        ], v.marks  # fmt: skip


def test_every_cell_of_the_lesson_runs_without_an_error(run: ClassRun) -> None:
    for v in run.visits:
        assert v.errors == [], (v.user, v.errors)
        assert v.cells == run.lesson_cells, (v.user, v.cells)


def test_the_hub_serves_the_widget_manager_and_lands_on_the_pull_of_lesson_00(
    run: ClassRun,
) -> None:
    """The hub's default URL (deploy config) is the same pull as the link (hub-link)."""
    link = parse_qs(urlsplit(run.link).query)
    assert link["urlpath"] == ["lab/tree/analogylab/notebooks/00-start-here.ipynb"]
    for v in run.visits:
        assert v.widget_manager, f"{v.user}: the lesson page has no ipywidgets extension"
        landed = urlsplit(v.landed)
        assert landed.path == f"/user/{v.user}/git-pull", (v.user, v.landed)
        assert parse_qs(landed.query) == link, (v.user, v.landed)


def test_each_students_answers_are_kept_in_their_own_home(run: ClassRun) -> None:
    paths = set()
    for v in run.visits:
        expected = run.hub.home(v.user) / ".local" / "share" / "analogylab" / "answers.sqlite3"
        assert Path(v.store_path) == expected, (v.user, v.store_path)
        assert expected.is_file()
        paths.add(v.store_path)
    assert len(paths) == CLASS_SIZE


def test_every_check_is_recorded_as_planned_and_survives_the_restart(run: ClassRun) -> None:
    for v in run.visits:
        mine = v.stored[-len(v.planned) :]
        assert [(a["exercise_id"], a["status"]) for a in mine] == [
            (p.exercise_id, p.status) for p in v.planned
        ], v.user
        texts = [a["answer"] for a in mine if a["exercise_id"] == "ex-00-6"]
        assert texts and all(v.name in json.dumps(t) for t in texts), (v.user, texts)
        assert v.restored, f"{v.user}: after the restart the exercise did not show its last answer"


def test_the_merged_table_holds_every_attempt_under_its_own_student(run: ClassRun) -> None:
    assert not run.merge_errors.strip(), run.merge_errors
    table = run.merged
    names = {v.name for v in run.visits}
    assert set(table["student"]) == names
    assert len(table) == sum(len(v.stored) for v in run.visits)
    for v in run.visits:
        rows = table[table["student"] == v.name].copy()
        rows["n"] = rows["attempt_id"].astype(int)
        got = [
            (r.exercise_id, r.status, json.loads(r.answer))
            for r in rows.sort_values("n").itertuples()
        ]
        assert got == [(a["exercise_id"], a["status"], a["answer"]) for a in v.stored], v.user
        # Nobody else's short text (which names its author) is filed under this student.
        others = table[(table["student"] != v.name) & table["answer"].str.contains(v.name)]
        assert others.empty, others[["student", "exercise_id"]]


def test_the_run_stops_by_itself_and_leaves_nothing_running(run: ClassRun) -> None:
    assert run.hub.process.poll() is not None
    assert run.leftovers == [], "\n".join(run.leftovers) + run.hub.log_tail()


def test_the_class_report_counts_what_the_students_did(run: ClassRun, tmp_path: Path) -> None:
    """The teacher's report of the hub's class: its figures follow from what each student did."""
    from analogylab.exercises import load_bank
    from analogylab.report import class_report

    merged = tmp_path / "class.csv"
    run.merged.to_csv(merged, index=False)
    report = class_report(merged)
    assert report.students == CLASS_SIZE
    figures = report.exercises.set_index("exercise_id")
    bank = load_bank()
    for ex in bank.of_lesson("00"):
        by_lesson = [  # counted attempts the lesson's own cells made before the plan's
            a
            for v in run.visits
            for a in v.stored[: -len(v.planned)]
            if a["exercise_id"] == ex.id and a["status"] != "invalid"
        ]
        if ex.kind == "text" or not ex.scored or by_lesson:  # judgements: never marked
            continue
        wrong = [sum(1 for p in v.planned if p.exercise_id == ex.id) - 1 for v in run.visits]
        row = figures.loc[ex.id]
        assert row["tried"] == CLASS_SIZE, ex.id
        assert row["first_right"] == sum(w == 0 for w in wrong), ex.id
        assert row["right_in_end"] == sum(w < ex.attempts for w in wrong), ex.id
    page = report.html()
    assert f"{CLASS_SIZE} student(s) and {len(run.merged)} attempt(s)" in page
