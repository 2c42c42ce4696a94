"""analogylab on a JupyterHub: the settings the lessons need, as one configuration snippet.

The Littlest JupyterHub (TLJH): copy this file to
``/opt/tljh/config/jupyterhub_config.d/analogylab.py`` (TLJH loads every ``.py`` file
there after its own settings), edit LESSONS_REPO below, and run
``sudo tljh-config reload hub``. Another hub: add its lines to your
``jupyterhub_config.py``, or load it from there with
``load_subconfig("/path/to/this/file")``. README.md beside this file has the whole
route, from an empty machine to the link students click.

What it sets, and why:

- **The page students land on.** Logging in (or reopening the hub) pulls the
  course repository into the student's home with nbgitpuller and opens lesson 00:
  the hub's default URL is the pull itself. A student's own changes are never
  overwritten by a pull (nbgitpuller merges). The same link for e-mail or a course
  page: ``analogylab hub-link --hub https://YOUR-HUB --repo LESSONS_REPO``.
- **Time to start a server.** A class logging in at once starts every server at
  once; on a small machine a server then takes longer than JupyterHub's default 30
  seconds to answer. The load test (benchmarks/README.md, "A class on a
  JupyterHub") measured how long; the limits below leave a wide margin.

What needs no setting, and why:

- **Answers** go to ``~/.local/share/analogylab/answers.sqlite3`` in each student's
  own home (the user data folder; ``analogylab progress`` prints it), so no student
  can see another's, and they survive restarts of the server and the hub. Do not
  set ``ANALOGYLAB_HOME`` to one shared folder.
- **The widget manager** (JupyterLab's ipywidgets extension) is installed with
  analogylab's dependency ipywidgets in the user environment; nothing to enable.
- **Memory and CPU limits**: TLJH sets them with ``tljh-config`` (README.md gives
  the figures measured for one student); on Kubernetes, ``kubernetes/config.yaml``.

``ANALOGYLAB_LESSONS_REPO`` and ``ANALOGYLAB_LESSONS_BRANCH``, if set in the hub's
environment, replace the two values below (the load test uses them).
"""

import os
import re
from urllib.parse import urlencode

c = get_config()  # noqa: F821  (JupyterHub provides get_config in its configuration files)

# The git repository students pull (README.md, "The course repository"), and its branch.
LESSONS_REPO = os.environ.get("ANALOGYLAB_LESSONS_REPO", "https://github.com/YOUR-ORG/YOUR-COURSE")
LESSONS_BRANCH = os.environ.get("ANALOGYLAB_LESSONS_BRANCH", "main")
# The lesson to open, as a path inside the repository.
FIRST_LESSON = "notebooks/00-start-here.ipynb"


def _clone_folder(repo):
    """The folder git clones ``repo`` into (as analogylab.hub.clone_folder says)."""
    last = repo.rstrip("/").split("/")[-1].split(":")[-1]
    return re.sub(r"(\.git|\.bundle)$", "", last)


_folder = _clone_folder(LESSONS_REPO)
c.Spawner.default_url = "/git-pull?" + urlencode(
    {
        "repo": LESSONS_REPO,
        "urlpath": f"lab/tree/{_folder}/{FIRST_LESSON}",
        "branch": LESSONS_BRANCH,
        "targetPath": _folder,  # named, or nbgitpuller would keep ".git" in the folder's name
    }
)

# Seconds a new server may take to start and answer (JupyterHub's defaults: 60 and 30).
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
