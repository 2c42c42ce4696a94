"""The README's quick start, followed on a clean copy of the project with a new environment.

`test_quickstart.py` checks what JupyterLab serves from the environment the tests
already run in. This module checks what a newcomer actually gets: it copies the
files that would be committed (tracked, plus untracked ones that are not ignored,
so a needed file hidden by `.gitignore` is missed here exactly as on a fresh
clone), takes the quick start's two commands from the README itself, and runs
them there with uv creating a new environment from the project's own files.
uv runs offline from its cache, which the outer `uv run pytest` has just filled:
the check is that the project's files are enough, not that the network is up.

The first command must serve lesson 00 and the lessons folder; the second must
collect the whole suite without an error and pass on a small part of it (lesson
00 under nbval and the import tests). Running the whole suite again here would
double CI's time for no new information.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from labserver import lab_server

ROOT = Path(__file__).resolve().parents[1]
_QUICK_START = re.compile(r"^## Quick start\n.*?```bash\n(.*?)```", re.MULTILINE | re.DOTALL)


def quick_start() -> list[list[str]]:
    """The commands of the README's quick start block, comments removed."""
    m = _QUICK_START.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert m, "README.md has no '## Quick start' section with a ```bash block"
    lines = (line.split("#", 1)[0].strip() for line in m.group(1).splitlines())
    return [shlex.split(line) for line in lines if line]


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    commands = quick_start()
    assert len(commands) == 2, f"the quick start should be two commands, not {commands}"
    opens, tests = commands
    assert opens[-2:] == ["jupyter", "lab"], opens
    assert tests[-1] == "pytest", tests
    # .ci/run must run the README's test command itself, not a weaker one.
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    last = next(line for line in reversed(ci) if line.strip() and not line.startswith("#"))
    assert shlex.split(last)[-len(tests) :] == tests, f".ci/run ends with {last!r}"
    assert not set(shlex.split(last)) & {"-k", "-m", "--deselect", "--ignore"}, last


def _project_files() -> list[str]:
    """What a fresh clone would hold if the work in progress were committed now."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A clean copy of the project and an environment with nothing of this run's in it."""
    if shutil.which("uv") is None:
        pytest.skip("uv is not on PATH: the quick start needs it (README, Quick start)")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot tell which files a fresh clone would hold")
    base = tmp_path_factory.mktemp("fresh")
    copy = base / "analogylab"
    for rel in _project_files():
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, copy / rel)
    keep = {
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "TERM",
        "TMPDIR",
        "UV_CACHE_DIR",
        "PYTHONPATH",
        "ANALOGYLAB_NETGUARD",
        "ANALOGYLAB_NETGUARD_LOG",
    }
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= {
        "UV_OFFLINE": "1",  # from the cache only: tests never touch the network
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
        "ANALOGYLAB_HOME": str(base / "answers"),
        "ANALOGYLAB_CACHE": str(base / "cache"),
    }
    return copy, env


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int) -> str:
    done = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, (
        f"`{shlex.join(cmd)}` failed ({done.returncode}):\n{output[-4000:]}"
    )
    return output


@pytest.mark.slow
def test_first_command_opens_the_lessons(fresh: tuple[Path, dict[str, str]]) -> None:
    copy, env = fresh
    opens = quick_start()[0]
    assert not (copy / ".venv").exists()
    # The first run creates the environment before the server starts: allow for it.
    with lab_server(
        copy.parent / "lab", command=opens, cwd=copy, env=env, start_timeout=300
    ) as lab:
        home = lab.request("GET", "/")[0]
        assert home.status == 302
        assert home.getheader("Location", "").startswith("/lab/tree/notebooks/00-start-here.ipynb")
        listing = lab.api("GET", "/api/contents/notebooks")
        shown = sorted(i["name"] for i in listing["content"] if i["name"].endswith(".ipynb"))
        # Every lesson, and the teachers' guide beside them (the teacher's edition).
        assert shown == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
        assert "teachers-guide.ipynb" in shown and "00-start-here.ipynb" in shown
        specs = lab.api("GET", "/api/kernelspecs")
        assert "python3" in specs["kernelspecs"], specs
    # The first command made the environment, from the project's files alone.
    assert (copy / ".venv").is_dir()


@pytest.mark.slow
def test_second_command_runs_the_tests(fresh: tuple[Path, dict[str, str]]) -> None:
    copy, env = fresh
    tests = quick_start()[1]
    collected = _run([*tests, "--collect-only", "-q"], copy, env, timeout=600)
    m = re.search(r"(\d+) tests? collected", collected)
    assert m and int(m.group(1)) > 100, collected[-2000:]
    assert "error" not in collected.splitlines()[-1].lower(), collected[-2000:]
    ran = _run(
        [*tests, "-q", "tests/test_import.py", "notebooks/00-start-here.ipynb"],
        copy,
        env,
        timeout=900,
    )
    assert re.search(r"\d+ passed", ran) and "failed" not in ran.splitlines()[-1], ran[-2000:]
