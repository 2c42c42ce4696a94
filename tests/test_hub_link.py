"""The link students click on a JupyterHub, and the deployment files that go with it.

``analogylab hub-link`` must write the link nbgitpuller's own generator writes (with
the folder named, so that the pull and the page opened agree); the hub's default
page in ``deploy/jupyterhub/jupyterhub_config.py`` must be the same pull; the user
environment's requirements must be what the hub load test ran with; and the proxy
must be pinned and installed by ``.ci/run``. The hub itself is tested in
``test_hub.py``.
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from packaging.requirements import Requirement
from traitlets.config import Config

from analogylab.cli import main
from analogylab.errors import HubLinkError, NotebookError
from analogylab.hub import clone_folder, hub_link, lesson_path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "jupyterhub"


def _query(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


@pytest.mark.parametrize(
    ("repo", "folder"),
    [
        ("https://github.com/org/course", "course"),
        ("https://github.com/org/course.git", "course"),
        ("https://github.com/org/course/", "course"),
        ("git@github.com:org/course.git", "course"),
        ("/srv/git/analogylab.git", "analogylab"),
        ("file:///srv/git/lessons", "lessons"),
    ],
)
def test_the_clone_folder_is_the_repositorys_name_without_git(repo: str, folder: str) -> None:
    assert clone_folder(repo) == folder


def test_the_link_pulls_the_repository_and_opens_lesson_00() -> None:
    link = hub_link("https://hub.example.edu", "https://github.com/org/course.git")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.edu")
    assert parts.path == "/hub/user-redirect/git-pull"
    assert _query(link) == {
        "repo": ["https://github.com/org/course.git"],
        "urlpath": ["lab/tree/course/notebooks/00-start-here.ipynb"],
        "branch": ["main"],
        "targetPath": ["course"],  # named: nbgitpuller alone would clone into course.git
    }
    assert "%2F" in link and " " not in link  # encoded as nbgitpuller's generator does


def test_the_link_keeps_a_path_prefix_and_drops_a_trailing_hub() -> None:
    for hub in (
        "https://uni.edu/jupyter",
        "https://uni.edu/jupyter/",
        "https://uni.edu/jupyter/hub/",
    ):
        link = hub_link(hub, "https://github.com/org/course", branch="autumn", app="notebook")
        assert urlsplit(link).path == "/jupyter/hub/user-redirect/git-pull", hub
        assert _query(link)["branch"] == ["autumn"]
        assert _query(link)["urlpath"] == ["notebooks/course/notebooks/00-start-here.ipynb"]


def test_a_named_folder_and_another_lesson() -> None:
    link = hub_link(
        "http://127.0.0.1:8000",
        "https://github.com/org/course",
        lesson="notebooks/05-competing-hypotheses.ipynb",
        folder="ir-301",
    )
    assert _query(link)["urlpath"] == ["lab/tree/ir-301/notebooks/05-competing-hypotheses.ipynb"]
    assert _query(link)["targetPath"] == ["ir-301"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hub": "hub.example.edu"}, "not a web address"),
        ({"hub": "ftp://hub.example.edu"}, "not a web address"),
        ({"repo": "  "}, "no course repository"),
        ({"branch": ""}, "branch is empty"),
        ({"lesson": "../secrets.ipynb"}, "a path inside the repository"),
        ({"lesson": "/etc/passwd"}, "a path inside the repository"),
        ({"app": "classic"}, "unknown app 'classic'"),
    ],
)
def test_a_link_that_cannot_work_is_refused_with_the_fix(
    kwargs: dict[str, str], message: str
) -> None:
    args = {"hub": "https://hub.example.edu", "repo": "https://github.com/org/course", **kwargs}
    with pytest.raises(HubLinkError, match=re.escape(message)):
        hub_link(args.pop("hub"), args.pop("repo"), **args)


def test_a_lesson_is_found_by_number_file_name_or_path() -> None:
    assert lesson_path("3") == "notebooks/03-the-2018-case.ipynb"
    assert lesson_path("05") == "notebooks/05-competing-hypotheses.ipynb"
    assert lesson_path("07-your-own-case.ipynb") == "notebooks/07-your-own-case.ipynb"
    assert lesson_path("extra/reading.ipynb") == "extra/reading.ipynb"
    with pytest.raises(NotebookError, match=re.escape("the lessons are: 00-start-here.ipynb")):
        lesson_path("42")


def test_the_command_prints_the_link_or_says_what_is_wrong(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["hub-link", "--hub", "https://hub.example.edu", "--repo", "https://github.com/o/c"]
    assert main([*args, "--lesson", "2"]) == 0
    out = capsys.readouterr().out.strip()
    assert _query(out)["urlpath"] == ["lab/tree/c/notebooks/02-the-1980s-case.ipynb"]
    assert main(["hub-link", "--hub", "hub.example.edu", "--repo", "x"]) == 2
    err = capsys.readouterr().err
    assert "not a web address" in err and "Traceback" not in err


def _deploy_config(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Config:
    """Run the deployment's snippet as JupyterHub would, and return what it set."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    c = Config()
    code = (DEPLOY / "jupyterhub_config.py").read_text(encoding="utf-8")
    exec(compile(code, "jupyterhub_config.py", "exec"), {"get_config": lambda: c})
    return c


def test_the_hubs_default_page_is_the_same_pull_as_the_link(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = "https://github.com/org/ir-course.git"
    c = _deploy_config(
        {"ANALOGYLAB_LESSONS_REPO": repo, "ANALOGYLAB_LESSONS_BRANCH": "spring"}, monkeypatch
    )
    default = urlsplit(c.Spawner.default_url)
    assert default.path == "/git-pull"
    assert parse_qs(default.query) == _query(hub_link("https://h.edu", repo, branch="spring"))
    assert c.Spawner.http_timeout >= 120 and c.Spawner.start_timeout >= c.Spawner.http_timeout


def test_the_deploy_configs_placeholder_is_plain_to_see(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANALOGYLAB_LESSONS_REPO", raising=False)
    c = _deploy_config({}, monkeypatch)
    assert "YOUR-ORG" in parse_qs(urlsplit(c.Spawner.default_url).query)["repo"][0]


def test_the_user_environment_is_what_the_hub_test_runs() -> None:
    """Every package deploy/jupyterhub/requirements.txt names is here, in a version it allows."""
    lines = (DEPLOY / "requirements.txt").read_text(encoding="utf-8").splitlines()
    reqs = [Requirement(line.split("#")[0]) for line in lines if line.split("#")[0].strip()]
    names = {r.name for r in reqs}
    assert {"analogylab", "nbgitpuller"} <= names
    for r in reqs:
        version = metadata.version(r.name)
        assert r.specifier.contains(version, prereleases=True), (r, version)


def test_the_proxy_is_pinned_and_ci_installs_it_before_the_tests() -> None:
    folder = DEPLOY / "proxy"
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    pinned = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "pin an exact version"
    lock = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == pinned
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install, tests = ci.index("npm ci"), ci.rindex("uv run pytest")
    assert install < tests and "deploy/jupyterhub/proxy" in ci[:install]
    assert "-g" not in ci[ci.rindex("\n", 0, install) : ci.index("\n", install)].split()


def test_the_kubernetes_values_use_the_measured_limits_and_the_pull() -> None:
    values = yaml.safe_load((DEPLOY / "kubernetes" / "config.yaml").read_text(encoding="utf-8"))
    user = values["singleuser"]
    default = urlsplit(user["defaultUrl"])
    assert default.path == "/git-pull"
    course = "https://github.com/YOUR-ORG/YOUR-COURSE"
    assert parse_qs(default.query) == _query(hub_link("https://h.edu", course))
    for resource in ("memory", "cpu"):
        assert {"limit", "guarantee"} <= set(user[resource]), resource
    docker = (DEPLOY / "kubernetes" / "Dockerfile").read_text(encoding="utf-8")
    assert "requirements.txt" in docker and "FROM " in docker
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert str(user["memory"]["limit"]) in readme, "the README explains the memory limit"
