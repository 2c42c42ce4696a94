"""The link students click on a JupyterHub: it pulls the lessons into their home and opens one.

``analogylab hub-link`` (:func:`hub_link`) writes an nbgitpuller link, the way the
nbgitpuller project's own link generator does: ``<hub>/hub/user-redirect/git-pull``
with the course repository (``repo``), its ``branch`` and the page to open once the
pull is done (``urlpath``, e.g. ``lab/tree/<folder>/notebooks/00-start-here.ipynb``).
A student who clicks it logs in if needed, gets a server, sees the pull's progress
and lands in the lesson. A second click pulls the teacher's changes again; nbgitpuller
merges them and never overwrites what the student changed (see its "automatic
merging" rules).

The link always names the folder the repository lands in (nbgitpuller's
``targetPath``): ``folder`` if given, else the last part of the repository's address
without ``.git`` (:func:`clone_folder`, the name ``git clone`` would pick). Left to
itself, nbgitpuller 1.3 keeps the ``.git`` (``course.git`` becomes the folder
``course.git``) while its link generator opens ``course/...``: naming the folder
makes the two agree. ``deploy/jupyterhub/README.md`` walks an administrator from an
empty machine to this link; ``deploy/jupyterhub/jupyterhub_config.py`` builds the
same link as the hub's default page, so that logging in alone pulls and opens
lesson 00 (a test checks that the two agree).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode, urlsplit, urlunsplit

from analogylab.errors import HubLinkError

__all__ = ["APPS", "DEFAULT_LESSON", "clone_folder", "hub_link", "lesson_path", "lesson_urlpath"]

DEFAULT_LESSON = "notebooks/00-start-here.ipynb"
"""The page a link opens unless told otherwise: lesson 00, in the course repository."""

APPS: dict[str, str] = {
    "lab": "lab/tree/",  # JupyterLab (the lessons were checked in it)
    "notebook": "notebooks/",  # Notebook 7, one document per tab
}
"""The interfaces a link can open a lesson in, and the start of their address."""


def clone_folder(repo: str) -> str:
    """The folder ``git clone repo`` makes: the URL's last part without ``.git`` or ``.bundle``.

    ``https://github.com/org/course.git`` gives ``course``; so does
    ``git@github.com:org/course.git`` and ``/srv/git/course``.
    """
    last = repo.rstrip("/").split("/")[-1].split(":")[-1]
    name = re.sub(r"(\.git|\.bundle)$", "", last)
    if not name:
        raise HubLinkError(
            f"cannot tell which folder {repo!r} is cloned into; give the repository's full "
            "address (e.g. https://github.com/your-org/your-course), or name the folder "
            "with --folder"
        )
    return name


def lesson_path(lesson: str, notebooks: str | Path | None = None) -> str:
    """A lesson's path inside the course repository, from a number, a file name or a path.

    ``03`` is looked up in ``notebooks`` (default: the project's ``notebooks/``) and
    gives ``notebooks/03-the-2018-case.ipynb``; a file name (``03-the-2018-case.ipynb``)
    is taken to be in ``notebooks/``; anything with a ``/`` is used as it is.
    """
    if "/" in lesson:
        return lesson
    if lesson.endswith(".ipynb"):
        return f"notebooks/{lesson}"
    from analogylab.notebooks import resolve_lessons  # noqa: PLC0415  (nbformat: on use)
    from analogylab.student import default_notebooks  # noqa: PLC0415

    folder = Path(notebooks) if notebooks is not None else default_notebooks()
    if not folder.is_dir():
        raise HubLinkError(
            f"cannot look lesson {lesson!r} up: there is no folder of lessons at {folder}; "
            "give the lesson's file name (e.g. 03-the-2018-case.ipynb) or --notebooks FOLDER"
        )
    return f"notebooks/{resolve_lessons([lesson], folder)[0].name}"


def lesson_urlpath(
    repo: str, lesson: str = DEFAULT_LESSON, *, folder: str | None = None, app: str = "lab"
) -> str:
    """Where a student lands once the pull is done, relative to their server.

    ``lesson`` is the file's path inside the repository (``notebooks/03-the-2018-case.ipynb``);
    ``folder`` the folder the repository is pulled into (default: :func:`clone_folder`).
    """
    if app not in APPS:
        raise HubLinkError(
            f"unknown app {app!r}; use one of: {', '.join(APPS)} (lab is JupyterLab)"
        )
    path = PurePosixPath(lesson.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise HubLinkError(
            f"the lesson {lesson!r} must be a path inside the repository, such as {DEFAULT_LESSON}"
        )
    target = folder.strip("/") if folder else clone_folder(repo)
    return f"{APPS[app]}{target}/{path.as_posix()}"


def hub_link(
    hub: str,
    repo: str,
    *,
    branch: str = "main",
    lesson: str = DEFAULT_LESSON,
    folder: str | None = None,
    app: str = "lab",
) -> str:
    """The nbgitpuller link that pulls ``repo`` into a student's home and opens ``lesson``.

    ``hub`` is the address students open the hub at (``https://hub.example.edu``, or
    with a path such as ``https://example.edu/jupyter``); a trailing ``/hub`` is
    dropped, since the link adds it. ``branch`` is the branch to pull; ``folder``
    the folder in the student's home (nbgitpuller's ``targetPath``; default: the
    repository's name without ``.git``); ``app`` ``lab`` (JupyterLab) or ``notebook``.
    """
    parts = urlsplit(hub.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise HubLinkError(
            f"the hub address {hub!r} is not a web address; give it as students open it, "
            "e.g. https://hub.example.edu"
        )
    if not repo.strip():
        raise HubLinkError(
            "no course repository given; give its address, e.g. "
            "https://github.com/your-org/your-course"
        )
    if not branch.strip():
        raise HubLinkError("the branch is empty; give the branch to pull, e.g. main")
    base = re.sub(r"/hub/?$", "", parts.path.rstrip("/"))
    query = {
        "repo": repo.strip(),
        "urlpath": lesson_urlpath(repo.strip(), lesson, folder=folder, app=app),
        "branch": branch.strip(),
    }
    query["targetPath"] = folder.strip("/") if folder else clone_folder(repo.strip())
    path = f"{base}/hub/user-redirect/git-pull"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))
