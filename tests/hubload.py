"""A real JupyterHub on 127.0.0.1 and a class of simulated students: the hub load test's harness.

Used by ``tests/test_hub.py`` (the behaviour, 25 students) and ``benchmarks/hub_load.py``
(the figures, 5 to 50 students). Nothing here leaves this machine:

- **The hub** is JupyterHub from the project's environment, configured by the
  deployment's own ``deploy/jupyterhub/jupyterhub_config.py`` (so the test checks the
  file administrators install) and then, for the test only: a shared-password
  ``dummy`` authenticator, JupyterHub's ``SimpleLocalProcessSpawner`` with a home of
  its own for every student under a temporary folder, free ports on 127.0.0.1, a
  private database, and ``configurable-http-proxy`` from ``deploy/jupyterhub/proxy``
  (``npm ci`` there). The single-user servers run the project's environment, which
  stands for the hub's user environment (``deploy/jupyterhub/requirements.txt``).
- **The lessons** come from a git repository built from the project's files (those a
  fresh clone would hold) in the temporary folder, pulled by nbgitpuller through a
  ``file://`` address: the link each student clicks is ``analogylab.hub.hub_link``'s.
- **Each student** (a thread, :class:`Student`) does what a browser does, over HTTP
  and the kernel's websocket: clicks the link, logs in, waits for the server while
  the hub reports progress, follows the pull's progress, opens lesson 00 (the page,
  its contents, a kernel session), runs every cell as "Run All" does, answers every
  exercise of the lesson wrongly and rightly, restarts the kernel and runs an
  exercise cell again, exports the answers and downloads the file.
- **Teardown** stops every server through the hub's API, then the hub (which stops
  the proxy), each by its process id; any process of the run still alive after
  that (found by a marker in its environment) is killed and reported as a failure.

Every wait has a limit: a request, a cell, a student's whole visit, the hub's start.
"""

from __future__ import annotations

import contextlib
import html
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urljoin, urlsplit

import httpx
import psutil
import websocket

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "jupyterhub"
PROXY = DEPLOY / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
LESSON = "notebooks/00-start-here.ipynb"
PASSWORD = "class-password"  # the dummy authenticator's shared password (tests only)
MARKER = "ANALOGYLAB_HUB_RUN"  # in the environment of every process a run starts

REQUEST_TIMEOUT = 180.0  # one HTTP request, under the load of a whole class
CELL_TIMEOUT = 180.0  # one cell, from execute_request to idle
HUB_START_TIMEOUT = 90.0
SERVER_START_TIMEOUT = 300.0  # a student's server: the hub's http_timeout and start_timeout
STOP_TIMEOUT = 120.0  # for the servers to stop, then for the hub, on a busy machine
RECONNECTS = 5  # as JupyterLab, which tries again when a kernel's websocket closes
EXIT_GRACE = 30.0  # after the hub has gone, for its servers' and kernels' last exits


class HubError(AssertionError):
    """Something a student or the hub did not do as it should; the message says what."""


def missing_parts() -> str | None:
    """Why a hub cannot be started here (a reason to skip), or None if it can."""
    for package in ("jupyterhub", "nbgitpuller"):
        if importlib.util.find_spec(package) is None:
            return f"{package} is not installed: it is a dev dependency (uv sync installs it)"
    if shutil.which("node") is None:
        return "node is not on PATH: configurable-http-proxy (JupyterHub's proxy) needs it"
    if not PROXY.exists():
        installed = install_proxy()
        if installed:
            return installed
    if shutil.which("git") is None:
        return "git is not on PATH: nbgitpuller needs it to pull the lessons"
    if not (ROOT / ".git").exists():
        return "not a git checkout: cannot tell which files make the lessons' repository"
    return None


def install_proxy() -> str | None:
    """Install configurable-http-proxy into the project's own folder, as .ci/run does.

    ``uv run pytest`` alone must run every test on a fresh machine, so the first run
    does what ``uv sync`` does for Python: ``npm ci`` in deploy/jupyterhub/proxy, exactly
    as its package-lock.json pins it, never globally. Returns why it could not (a reason
    to skip), or None once the proxy is there.
    """
    folder = PROXY.parents[2]
    npm = shutil.which("npm")
    if npm is None:
        return f"npm is not on PATH: cannot install configurable-http-proxy into {folder}"
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0 or not PROXY.exists():
        last = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return (
            f"`npm ci` in {folder} failed (exit {done.returncode}): {' / '.join(last)}; "
            "configurable-http-proxy is needed for the hub test"
        )
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def lessons_repository(dest: Path) -> Path:
    """A git repository of the project's files (as a fresh clone would hold them), for pulling.

    The work in progress counts: tracked files and untracked ones that are not ignored.
    Returns the bare repository's path; its ``main`` branch holds one commit.
    """
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    work = dest / "work"
    for rel in filter(None, files.split("\0")):
        if (ROOT / rel).is_file():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, work / rel)
    git = ["git", "-c", "user.name=analogylab tests", "-c", "user.email=tests@localhost"]
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "lessons"]):
        subprocess.run([*git, *cmd], cwd=work, check=True, env=env, capture_output=True)
    bare = dest / "analogylab.git"
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work), str(bare)], check=True, capture_output=True
    )
    shutil.rmtree(work)
    return bare


# --- the hub ---------------------------------------------------------------------------------


@dataclass
class Hub:
    """A running JupyterHub: its address, its service token, its folders and its process."""

    url: str  # http://127.0.0.1:PORT, the proxy's public address
    token: str  # the load-test service's API token (admin of users and servers)
    state: Path
    process: subprocess.Popen[bytes]
    run_id: str
    repo_url: str  # the lessons' repository, as students pull it
    leftovers: list[str] = field(default_factory=list)  # what stop() had to kill

    @property
    def log(self) -> Path:
        """The hub's, the proxy's and every single-user server's output."""
        return self.state / "hub.log"

    def home(self, user: str) -> Path:
        """A student's home folder (SimpleLocalProcessSpawner's home_dir_template)."""
        return self.state / "homes" / user

    def log_tail(self, chars: int = 6000) -> str:
        """The end of the hub's log, to put under a failure message."""
        text = self.log.read_text(errors="replace") if self.log.exists() else "(no log)"
        return f"\n--- end of the hub's log ({self.log}) ---\n{text[-chars:]}"

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call to the hub's REST API with the service token."""
        headers = {"Authorization": f"token {self.token}"}
        return httpx.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=REQUEST_TIMEOUT, **kwargs
        )

    def processes(self) -> list[psutil.Process]:
        """Every live process this run started (the hub, the proxy, servers, kernels, git)."""
        found = []
        for p in psutil.process_iter(["pid"]):
            with contextlib.suppress(psutil.Error):
                if p.environ().get(MARKER) == self.run_id:
                    found.append(p)
        return found

    def user_processes(self) -> dict[str, list[psutil.Process]]:
        """Each student's live processes (server, kernel, commands), by user name."""
        out: dict[str, list[psutil.Process]] = {}
        for p in self.processes():
            with contextlib.suppress(psutil.Error):
                user = p.environ().get("JUPYTERHUB_USER")
                if user:
                    out.setdefault(user, []).append(p)
        return out

    def stop(self) -> list[str]:
        """Stop every server, then the hub; kill what is left. Return what had to be killed.

        Processes of the run get ``EXIT_GRACE`` seconds after the hub has gone to end by
        themselves (a kernel shutting down on a busy machine); only those still alive
        then are leaks.
        """
        problems: list[str] = []
        if self.process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                users = self.api("GET", "/users").json()
                for u in users:
                    if u.get("servers"):
                        self.api("DELETE", f"/users/{u['name']}/server")
                deadline = time.monotonic() + STOP_TIMEOUT
                while time.monotonic() < deadline and self.user_processes():
                    time.sleep(0.5)
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                problems.append(f"the hub (pid {self.process.pid}) ignored SIGTERM")
                self.process.kill()
                self.process.wait(timeout=10)
        _, alive = psutil.wait_procs(self.processes(), timeout=EXIT_GRACE)
        for p in alive:  # spawned by this run, still alive: a leak
            with contextlib.suppress(psutil.Error):
                problems.append(f"pid {p.pid} still running: {' '.join(p.cmdline())[:200]}")
                p.terminate()
        _, alive = psutil.wait_procs(self.processes(), timeout=10)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
        return problems


def _config(state: Path, token: str, ports: dict[str, int]) -> str:
    """The test's jupyterhub_config.py: the deployment's file, then the test's own settings."""
    bindir = Path(sys.executable).parent
    keep = ["PYTHONPATH", "ANALOGYLAB_NETGUARD", "ANALOGYLAB_NETGUARD_LOG", MARKER]
    root_args = ["--allow-root"] if os.geteuid() == 0 else []
    return f"""\
# Written by tests/hubload.py for one load-test run; not for real use.
c = get_config()  # noqa: F821
load_subconfig({str(DEPLOY / "jupyterhub_config.py")!r})  # noqa: F821

c.JupyterHub.bind_url = "http://127.0.0.1:{ports["public"]}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports["hub"]}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports["proxy_api"]}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.JupyterHub.db_url = {f"sqlite:///{state / 'hub.sqlite'}"!r}
c.JupyterHub.cookie_secret_file = {str(state / "cookie_secret")!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(state / "homes" / "{username}")!r}
c.Spawner.cmd = [{str(bindir / "jupyterhub-singleuser")!r}]
c.Spawner.args = {root_args!r}
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "VIRTUAL_ENV", *{keep!r}]
c.Spawner.http_timeout = {int(SERVER_START_TIMEOUT)}
c.Spawner.start_timeout = {int(SERVER_START_TIMEOUT)}
c.JupyterHub.services = [{{"name": "load-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "load-test",
    "scopes": ["admin:users", "admin:servers", "list:users", "read:users"],
    "services": ["load-test"],
}}]
"""


@contextlib.contextmanager
def hub_server(state: Path, repo: Path) -> Iterator[Hub]:
    """Start a JupyterHub with all its state in ``state``, the lessons pulled from ``repo``.

    When the block ends, everything is stopped; ``hub.leftovers`` then lists the
    processes that did not stop by themselves (killed, and to be reported).
    """
    state.mkdir(parents=True, exist_ok=True)
    run_id, token = uuid.uuid4().hex, secrets.token_hex(32)
    ports = {name: free_port() for name in ("public", "hub", "proxy_api")}
    (state / "jupyterhub_config.py").write_text(_config(state, token, ports))
    repo_url = repo.resolve().as_uri()
    env = {
        **os.environ,
        MARKER: run_id,
        # read by deploy/jupyterhub/jupyterhub_config.py: the course repository students pull
        "ANALOGYLAB_LESSONS_REPO": repo_url,
        "ANALOGYLAB_LESSONS_BRANCH": "main",
        "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(32),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    env.pop("ANALOGYLAB_HOME", None)  # every student's answers go to their own home
    env.pop("JUPYTER_CONFIG_DIR", None)
    with (state / "hub.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(state / "jupyterhub_config.py")],
            cwd=state,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(f"http://127.0.0.1:{ports['public']}", token, state, process, run_id, repo_url)
    try:
        _wait_for_hub(hub)
        yield hub
    finally:
        hub.leftovers = hub.stop()


def _wait_for_hub(hub: Hub) -> None:
    deadline = time.monotonic() + HUB_START_TIMEOUT
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise HubError(f"JupyterHub exited with code {hub.process.returncode}{hub.log_tail()}")
        with contextlib.suppress(httpx.HTTPError):
            if hub.api("GET", "/").status_code == 200:
                return
        time.sleep(0.5)
    raise HubError(f"JupyterHub did not answer within {HUB_START_TIMEOUT:g} s{hub.log_tail()}")


# --- a student ---------------------------------------------------------------------------------


@dataclass
class Planned:
    """One answer a student will check, and what the check should record."""

    exercise_id: str
    answer: Any
    status: str  # the status the attempt must be stored with
    ticked: list[str] | None = None  # short text: the rubric items ticked

    def code(self) -> str:
        """The cell a student runs to check it (the plain-Python way the README shows)."""
        extra = f", ticked={self.ticked!r}" if self.ticked is not None else ""
        return f"analogylab.check({self.exercise_id!r}, {self.answer!r}{extra})"


@dataclass
class Visit:
    """What one student did and saw: times (seconds from clicking the link), answers, memory."""

    user: str
    name: str
    marks: dict[str, float] = field(default_factory=dict)
    cells: int = 0
    errors: list[str] = field(default_factory=list)  # error outputs of cells
    stored: list[dict[str, Any]] = field(default_factory=list)  # the store's attempts, at the end
    planned: list[Planned] = field(default_factory=list)
    export: Path | None = None
    store_path: str = ""
    memory: dict[str, int] = field(default_factory=dict)  # bytes: server/kernel rss/pss
    cpu_seconds: float = 0.0  # server and kernel, user + system, at the end
    reconnects: int = 0  # kernel websockets the server closed while opening, then reopened
    widget_manager: bool = False
    restored: bool = False  # after the restart the exercise showed the last answer again
    landed: str = ""  # where the student's server's own address led (the hub's default URL)
    extra: dict[str, Any] = field(default_factory=dict)  # what a benchmark adds
    step: str = "not started"


class KernelChannel:
    """A kernel's websocket (``/api/kernels/ID/channels``), spoken as JupyterLab speaks it."""

    def __init__(self, url: str, cookie: str, user: str) -> None:
        self.session = uuid.uuid4().hex
        self.user = user
        self.ws = websocket.create_connection(
            f"{url}?session_id={self.session}",
            header=[f"Cookie: {cookie}"],
            timeout=CELL_TIMEOUT,
            suppress_origin=True,
        )

    def close(self) -> None:
        """Close the websocket (the kernel keeps running, as when a tab is closed)."""
        with contextlib.suppress(Exception):
            self.ws.close()

    def request(self, msg_type: str, content: dict[str, Any]) -> str:
        """Send a shell request; return its message id."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": self.user,
                  "session": self.session, "date": "", "version": "5.3"}  # fmt: skip
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content,
                   "channel": "shell", "buffers": []}  # fmt: skip
        self.ws.send(json.dumps(message))
        return msg_id

    def replies(self, msg_id: str, timeout: float = CELL_TIMEOUT) -> list[dict[str, Any]]:
        """Every message answering ``msg_id``, until the shell reply and the kernel's idle."""
        got: list[dict[str, Any]] = []
        reply = idle = False
        deadline = time.monotonic() + timeout
        while not (reply and idle):
            left = deadline - time.monotonic()
            if left <= 0:
                raise HubError(f"no reply to {msg_id} within {timeout:g} s: {got[-3:]}")
            self.ws.settimeout(left)
            raw = self.ws.recv()
            if isinstance(raw, bytes):
                continue  # a binary frame (a widget buffer): nothing the test reads
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            got.append(msg)
            kind = msg["header"]["msg_type"]
            reply = reply or msg["channel"] == "shell"
            idle = idle or (kind == "status" and msg["content"]["execution_state"] == "idle")
        return got

    def execute(self, code: str) -> list[dict[str, Any]]:
        """Run ``code`` as a notebook cell; the messages it produced."""
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}  # fmt: skip
        return self.replies(self.request("execute_request", content))


def outputs_text(messages: list[dict[str, Any]]) -> str:
    """The text a cell showed: streams, and plain text or Markdown of results and displays.

    Stream text is joined as it came: the kernel may split one line over two messages,
    or put two lines in one, depending on when it flushed.
    """
    parts = []
    for m in messages:
        c = m["content"]
        if m["header"]["msg_type"] == "stream":
            parts.append(c["text"])
        elif m["header"]["msg_type"] in {"execute_result", "display_data"}:
            data = c.get("data", {})
            parts.append("\n" + (data.get("text/markdown") or data.get("text/plain") or "") + "\n")
    return "".join(parts)


def errors_of(messages: list[dict[str, Any]]) -> list[str]:
    """The error outputs among a cell's messages, one line each."""
    out = []
    for m in messages:
        if m["header"]["msg_type"] == "error":
            out.append(f"{m['content']['ename']}: {m['content']['evalue']}")
        elif m["channel"] == "shell" and m["content"].get("status") not in {"ok", None}:
            out.append(f"reply status {m['content'].get('status')}")
    return out


def plain(text: str) -> str:
    """Text without Markdown emphasis, HTML tags or entities, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>|\*\*", " ", text))
    return " ".join(text.replace(" .", ".").replace(" )", ")").split())


def widget_strings(messages: list[dict[str, Any]]) -> str:
    """Every text held in the widgets a cell opened (what a widget manager would render)."""
    texts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for m in messages:
        if m["header"]["msg_type"] in {"comm_open", "comm_msg"}:
            walk(m["content"].get("data", {}))
    return "\n".join(texts)


class Student:
    """One simulated student, driving the hub over HTTP and websockets as a browser does."""

    def __init__(self, hub: Hub, user: str, name: str, link: str, plan: list[Planned]) -> None:
        self.hub, self.user, self.link = hub, user, link
        self.visit = Visit(user, name, planned=plan)
        self.client = httpx.Client(timeout=REQUEST_TIMEOUT, follow_redirects=False)
        self.start = 0.0

    # -- plumbing --

    def mark(self, step: str) -> None:
        """Note that ``step`` is done, with the time since the student clicked the link."""
        self.visit.marks[step] = time.monotonic() - self.start

    def get(self, url: str, *, follow: bool = True) -> httpx.Response:
        """GET ``url``, following redirects as a browser does (the hub's, the OAuth dance)."""
        for _ in range(20):
            r = self.client.get(url)
            if not follow or r.status_code not in {301, 302, 303, 307}:
                return r
            url = urljoin(url, r.headers["location"])
        raise HubError(f"{self.user}: more than 20 redirects from {url}")

    def xsrf(self, path_prefix: str) -> str:
        """The _xsrf cookie the server at ``path_prefix`` set (sent back on POSTs)."""
        for cookie in self.client.cookies.jar:
            if cookie.name == "_xsrf" and cookie.path.rstrip("/") == path_prefix.rstrip("/"):
                return str(cookie.value)
        raise HubError(f"{self.user}: no _xsrf cookie for {path_prefix}")

    def cookie_header(self, path: str) -> str:
        """The Cookie header a browser sends to ``path``."""
        return "; ".join(
            f"{c.name}={c.value}"
            for c in self.client.cookies.jar
            if path.startswith(c.path.rstrip("/") + "/") or path == c.path
        )

    def stream(self, url: str, done: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        """Read a server-sent event stream (the hub's spawn progress, the pull's output)."""
        events: list[dict[str, Any]] = []
        with self.client.stream("GET", url) as r:
            if r.status_code != 200:
                raise HubError(f"{self.user}: {url} answered {r.status_code}")
            for line in r.iter_lines():
                if line.startswith("data:"):
                    events.append(json.loads(line[5:]))
                    if done(events[-1]):
                        break
        return events

    # -- the visit --

    def run(self) -> Visit:
        """The whole visit; a failure is raised with the step it happened at."""
        self.start = time.monotonic()
        try:
            self.log_in_by_link()
            self.open_lesson()
        finally:
            self.client.close()
        return self.visit

    def log_in_by_link(self) -> None:
        """Click the link, log in, wait for the server and the pull, land in the lesson."""
        v, hub = self.visit, self.hub.url
        v.step = "clicking the link"
        r = self.get(self.link)  # not logged in: the login page, with ?next= the link
        if "/hub/login" not in str(r.url) and r.status_code != 200:
            raise HubError(f"{self.user}: the link led to {r.url} ({r.status_code})")
        form = re.search(r'name="_xsrf" value="([^"]+)"', r.text)
        v.step = "logging in"
        login = urljoin(str(r.url), "/hub/login") + "?" + (urlsplit(str(r.url)).query or "")
        fields = {"username": self.user, "password": PASSWORD}
        fields["_xsrf"] = form.group(1) if form else ""
        r = self.client.post(login, data=fields)
        if r.status_code != 302:
            raise HubError(f"{self.user}: logging in answered {r.status_code}: {r.text[:300]}")
        self.mark("logged in")
        v.step = "waiting for the server"
        r = self.get(urljoin(hub, r.headers["location"]))
        if "/spawn-pending/" in str(r.url):  # the progress page: a browser follows its events
            events = self.stream(
                f"{hub}/hub/api/users/{self.user}/server/progress",
                lambda e: bool(e.get("ready") or e.get("failed")),
            )
            if not events or not events[-1].get("ready"):
                raise HubError(f"{self.user}: the server did not start: {events[-3:]}")
            r = self.get(str(r.url))  # the page again: now it sends the student on (?next=)
        self.mark("server ready")
        v.step = "pulling the lessons"
        page = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', r.text))
        if "/git-pull" not in str(r.url) or "repo" not in page:
            raise HubError(f"{self.user}: expected nbgitpuller's page, got {r.url}")
        data = {k: unquote(v) for k, v in page.items()}  # as nbgitpuller's gitsync.js sends them
        params = {"_xsrf": data["xsrf"], "repo": data["repo"], "targetpath": data["targetpath"]}
        params.update({k: data[k] for k in ("depth", "branch", "backup") if k in data})
        events = self.stream(
            f"{hub}{data['base-url']}git-pull/api?{urlencode(params)}",
            lambda e: e.get("phase") in {"finished", "error"},
        )
        if not events or events[-1].get("phase") != "finished":
            raise HubError(f"{self.user}: the pull failed: {events[-5:]}")
        self.mark("lessons pulled")
        v.step = "opening the lesson page"
        r = self.get(f"{hub}{data['base-url']}{data['path']}")
        if r.status_code != 200:
            raise HubError(f"{self.user}: the lesson page {r.url} answered {r.status_code}")
        page = re.search(r'<script id="jupyter-config-data"[^>]*>(.*?)</script>', r.text, re.S)
        if page:
            extensions = json.loads(page.group(1)).get("federated_extensions", [])
            v.widget_manager = any(
                e.get("name") == "@jupyter-widgets/jupyterlab-manager" for e in extensions
            )
        self.lesson_path = unquote(data["path"]).split("/tree/", 1)[1]
        self.mark("lesson page")

    def start_kernel(self, path: str) -> tuple[dict[str, Any], str]:
        """Open a notebook as JupyterLab does: its contents, then a kernel session."""
        base = f"{self.hub.url}/user/{self.user}"
        r = self.client.get(f"{base}/api/contents/{path}?content=1")
        if r.status_code != 200:
            raise HubError(f"{self.user}: reading {path} answered {r.status_code}")
        nb = r.json()["content"]
        self.client.get(f"{base}/api/kernelspecs")
        body = {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}}
        r = self.client.post(f"{base}/api/sessions", json=body, headers=self.headers())
        if r.status_code != 201:
            raise HubError(f"{self.user}: starting a kernel answered {r.status_code}: {r.text}")
        return nb, r.json()["kernel"]["id"]

    def headers(self) -> dict[str, str]:
        """What a browser adds to a POST to the student's server (its _xsrf cookie's value)."""
        return {"X-XSRFToken": self.xsrf(f"/user/{self.user}/")}

    def connect(self, kernel: str) -> KernelChannel:
        """The kernel's websocket, ready (it has answered kernel_info).

        Like JupyterLab, which reconnects a kernel's websocket the server closed (a busy
        server may close one that opens while the kernel is still starting), this tries
        again, up to ``RECONNECTS`` times with a growing pause; each retry is counted in
        ``Visit.reconnects``.
        """
        base = f"{self.hub.url}/user/{self.user}".replace("http", "ws", 1)
        last: Exception | None = None
        for attempt in range(RECONNECTS + 1):
            if attempt:
                self.visit.reconnects += 1
                time.sleep(min(2**attempt, 16))
            k: KernelChannel | None = None
            try:
                k = KernelChannel(
                    f"{base}/api/kernels/{kernel}/channels",
                    self.cookie_header(f"/user/{self.user}/api"),
                    self.user,
                )
                k.replies(k.request("kernel_info_request", {}))
                return k
            except (websocket.WebSocketException, OSError) as exc:
                last = exc
                if k is not None:
                    k.close()
        raise HubError(
            f"{self.user}: the kernel's websocket failed {RECONNECTS + 1} times: {last!r}"
        )

    def run_all(self, k: KernelChannel, nb: dict[str, Any], path: str = "") -> int:
        """Run every code cell in order, as "Run All" does; stop at the first error."""
        cells = 0
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code" or not source.strip():
                continue
            errors = errors_of(k.execute(source))
            cells += 1
            if errors:
                self.visit.errors += errors
                raise HubError(f"{self.user}: code cell {cells} of {path}: {errors}")
        return cells

    def open_lesson(self) -> None:
        """Open the lesson's kernel, run it all, answer, restart, and export."""
        v, base = self.visit, f"{self.hub.url}/user/{self.user}"
        v.step = "opening the notebook"
        nb, kernel = self.start_kernel(self.lesson_path)
        k = self.connect(kernel)
        try:
            self.mark("lesson ready")
            v.step = "running every cell"
            v.cells = self.run_all(k, nb, self.lesson_path)
            self.mark("last cell run")
            v.step = "measuring memory"
            v.memory, v.cpu_seconds = self.measure()
            v.step = "answering the exercises"
            self.answer(k)
            self.mark("answers checked")
        finally:
            k.close()
        v.step = "restarting the kernel"
        r = self.client.post(f"{base}/api/kernels/{kernel}/restart", headers=self.headers())
        if r.status_code != 200:
            raise HubError(f"{self.user}: restarting the kernel answered {r.status_code}")
        k = self.connect(kernel)
        try:
            self.check_restored(k)
            self.mark("answer restored")
            v.step = "exporting the answers"
            self.export(k, base)
            self.mark("answers exported")
        finally:
            k.close()
        v.step = "opening the server's own address"
        r = self.get(f"{base}/", follow=False)
        v.landed = r.headers.get("location", "")
        v.step = "done"

    def answer(self, k: KernelChannel) -> None:
        """Put the student's name on the answers, then check every planned answer in turn.

        What each check recorded is compared with the plan afterwards, from the store;
        here each must run without an error and show its feedback.
        """
        k.execute(f"analogylab.set_student({self.visit.name!r})")
        for p in self.visit.planned:
            messages = k.execute(p.code())
            if errors_of(messages) or not outputs_text(messages).strip():
                raise HubError(f"{self.user}: {p.code()} showed no feedback: {errors_of(messages)}")

    def check_restored(self, k: KernelChannel) -> None:
        """After the restart, the exercise cell shows the last answer's feedback again."""
        if errors_of(k.execute("%matplotlib inline\nimport analogylab")):
            raise HubError(f"{self.user}: the setup cell failed after the restart")
        ex = self.visit.planned[0].exercise_id
        shown = plain(widget_strings(k.execute(f"analogylab.exercise({ex!r})")))
        last = outputs_text(
            k.execute(
                "from analogylab.store import open_store\n"
                f"print(open_store().last({ex!r}).message.splitlines()[0])"
            )
        )
        headline = plain(last)[:40]
        self.visit.restored = bool(headline) and headline in shown

    def export(self, k: KernelChannel, base: str) -> None:
        """``analogylab export`` in a cell, then download the file as the browser does."""
        shown = outputs_text(
            k.execute(
                "import json\nfrom analogylab.store import open_store\n"
                "print(json.dumps({'path': str(open_store().path), 'attempts': ["
                "dict(exercise_id=a.exercise_id, status=a.status, answer=a.answer)"
                " for a in open_store().attempts()]}))"
            )
        )
        store = json.loads(shown.strip().splitlines()[-1])
        self.visit.store_path, self.visit.stored = store["path"], store["attempts"]
        out = k.execute("!analogylab export --out hand-in.csv")
        if "wrote" not in outputs_text(out):
            raise HubError(f"{self.user}: the export said {outputs_text(out)!r}")
        folder = self.lesson_path.rsplit("/", 1)[0]  # the kernel runs in the lesson's folder
        r = self.client.get(f"{base}/files/{folder}/hand-in.csv")
        if r.status_code != 200:
            raise HubError(f"{self.user}: downloading the export answered {r.status_code}")
        target = self.hub.state / "hand-in" / f"{self.user}.csv"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(r.content)
        self.visit.export = target

    def measure(self) -> tuple[dict[str, int], float]:
        """This student's server and kernels: memory (bytes, RSS and PSS) and CPU seconds used."""
        mem: dict[str, int] = {}
        cpu = 0.0
        for p in self.hub.user_processes().get(self.user, []):
            with contextlib.suppress(psutil.Error):
                role = "kernel" if "ipykernel" in " ".join(p.cmdline()) else "server"
                info = p.memory_full_info()
                mem[f"{role}_rss"] = mem.get(f"{role}_rss", 0) + info.rss
                mem[f"{role}_pss"] = mem.get(f"{role}_pss", 0) + getattr(info, "pss", info.rss)
                mem[f"{role}s"] = mem.get(f"{role}s", 0) + 1
                t = p.cpu_times()
                cpu += t.user + t.system
        return mem, cpu


# --- what each student answers ---------------------------------------------------------------


def right_and_wrong(ex: Any, who: str) -> tuple[Any, Any, str]:  # noqa: PLR0911  (one per kind)
    """A right answer, a wrong one and the wrong one's status, built from the bank's key.

    Short text has no right or wrong: its "wrong" is the answer, its "right" the
    same answer with the first rubric item ticked. Its text names ``who``, so that
    an answer filed under another student would show.
    """
    if ex.kind == "single":
        right = next(o.id for o in ex.options if o.correct)
        return right, next(o.id for o in ex.options if not o.correct), "incorrect"
    if ex.kind == "multiple":
        right = [o.id for o in ex.options if o.correct]
        return right, [next(o.id for o in ex.options if not o.correct)], "incorrect"
    if ex.kind == "matching":
        right = {it.id: it.match for it in ex.left}
        wrong = {it.id: next(r.id for r in ex.right if r.id != it.match) for it in ex.left}
        return right, wrong, "incorrect"
    if ex.kind == "ordering":
        right = [it.id for it in ex.items]
        return right, right[::-1], "incorrect"
    if ex.kind == "numeric":
        right = ex.value if ex.value is not None else ex.low
        return right, ex.high + 10 * (abs(ex.high) + 1), "incorrect"
    if ex.kind == "text":
        text = f"{who} thinks the sources disagree, so the figure is a range, not a point."
        return text, text, "answered"
    if ex.kind == "grid":
        right = {r: dict(cols) for r, cols in ex.key.items()}
        wrong = {r: dict(cols) for r, cols in ex.key.items()}
        row, col = next(iter(wrong)), next(iter(next(iter(wrong.values()))))
        wrong[row][col] = next(v for v in reversed(ex.scale) if v != right[row][col])
        return right, wrong, "partial"
    raise ValueError(f"no answers known for the kind {ex.kind!r}")


def class_plans(size: int, lesson: str = "00") -> list[tuple[str, str, list[Planned]]]:
    """``size`` students (user name, display name, answers), each answering every exercise.

    Student ``i`` gives ``(i + j) % 3`` wrong answers to exercise ``j`` before the
    right one (short text: the answer, then the self-assessment), so the class's
    attempts differ from student to student.
    """
    from analogylab.exercises import load_bank

    exercises = load_bank().of_lesson(lesson)
    plans = []
    for i in range(1, size + 1):
        user, name = f"student{i:02d}", f"Student {i:02d}"
        plan: list[Planned] = []
        for j, ex in enumerate(exercises):
            right, wrong, status = right_and_wrong(ex, name)
            if ex.judgement:  # recorded, not marked: one answer, here the curators' own choice
                plan.append(Planned(ex.id, right, "judgement"))
                continue
            if ex.kind == "text":
                plan.append(Planned(ex.id, wrong, "answered"))
                plan.append(Planned(ex.id, right, "self-assessed", ticked=[ex.rubric[0].id]))
                continue
            plan += [Planned(ex.id, wrong, status)] * ((i + j) % 3)
            plan.append(Planned(ex.id, right, "correct"))
        plans.append((user, name, plan))
    return plans


# --- the class -------------------------------------------------------------------------------


def run_class(
    hub: Hub,
    plans: list[tuple[str, str, list[Planned]]],
    link: str,
    deadline: float,
    kind: type[Student] = Student,
) -> tuple[list[Visit], dict[str, BaseException]]:
    """Every student's visit at once, each in a thread; the visits and the failures by user.

    ``deadline`` is in seconds for the whole class; a student still busy then is a
    failure naming the step they were at. ``kind`` is the class of the students.
    """
    students = [kind(hub, user, name, link, plan) for user, name, plan in plans]
    failures: dict[str, BaseException] = {}
    start = threading.Barrier(len(students))

    def visit(s: Student) -> None:
        start.wait(timeout=60)
        try:
            s.run()
        except BaseException as exc:  # reported with the student's step and where it failed
            where = traceback.format_exception(exc)[-3:]
            failures[s.user] = HubError(
                f"{s.user} failed at step {s.visit.step!r}: {type(exc).__name__}: {exc}\n"
                + "".join(where)
            )

    threads = [threading.Thread(target=visit, args=(s,), daemon=True) for s in students]
    for t in threads:
        t.start()
    end = time.monotonic() + deadline
    for t, s in zip(threads, students, strict=True):
        t.join(timeout=max(0.0, end - time.monotonic()))
        if t.is_alive():
            failures[s.user] = HubError(
                f"{s.user} was still at step {s.visit.step!r} after {deadline:g} s"
            )
    return [s.visit for s in students], failures
