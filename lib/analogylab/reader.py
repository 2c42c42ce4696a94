"""The reader edition: every lesson as a static web page, for students without Jupyter.

``analogylab build-html OUTDIR`` (:func:`build_html`) writes ``index.html`` (every
lesson in order, with its purpose and the time it needs) and one page per lesson,
``NN-slug.html``, with its text, its tables, its charts and their text twins. The
site works offline, from a USB stick or a plain file server: it loads nothing from
the network (no CDN, no script, no web font), and every link between pages is a
relative link to a file of the site.

How a lesson becomes a page, and why:

- **The lessons are executed**, on a copy in memory, as ``analogylab refresh`` runs
  them (:func:`analogylab.notebooks.execute_lesson`: a kernel started in the
  lessons' folder, a fresh temporary ``ANALOGYLAB_HOME`` so that no student's
  answers show up on the page, the shipped data, a timeout per cell), with the
  widget state recorded. Only this way do the explorers' charts exist: an
  explorer draws into an Output widget, and nbclient keeps what it displayed in
  the notebook's widget state. The stored lessons hold only "run this cell" placeholders there.
  ``execute=False`` (``--no-execute``) renders the stored outputs instead: faster,
  but each explorer is then a note without its chart.
- **Our own small renderer**, not nbconvert: nbconvert's templates load MathJax and
  require.js from CDNs, and would show a widget as its plain-text form. Markdown
  cells go through mistune; outputs are shown by kind (PNG, HTML, Markdown, plain
  text); stderr and widget placeholders never are.
- **Code is shown folded** under "Code": a reader cannot run it, and the lessons
  read as text and charts; anyone curious opens it.
- **Rating tables stay tables.** The ACH and hindsight matrices are HTML tables in
  the outputs (caption, header cells with their scope, inline colours), shown as
  they are, with their text twins.
- **Widgets become static blocks.** An explorer shows its title, its controls with
  their starting values, and the chart (with its text twin, folded) it starts with. An
  exercise is rendered from the question bank: prompt, options, points, hints, and
  how to answer it in JupyterLab. The answer key and its explanations are shown
  only with ``answers=True`` (``--answers``, for teachers and self-study).
- **Solutions follow the student edition** (:mod:`analogylab.student`): by default
  the code or text between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is not
  shown, nor are the outputs of a cell that holds one, and cells tagged
  ``teacher-only`` are left out. ``answers=True`` shows them.
- **Links are rewritten**: ``NN-slug.ipynb`` to ``NN-slug.html``, the README's list
  of lessons to ``index.html``, and a link to another file of the project (a CSV,
  CONTRIBUTING.md) to a copy of that file under ``files/``. A link to a folder or
  to a file that does not exist becomes plain text, so no link is broken.
- **Nothing is written half-built.** The site is built in a temporary folder and
  moved into ``OUTDIR`` only once every lesson has run and rendered. ``OUTDIR``
  may be missing, empty, or an earlier reader edition (its ``index.html`` says so
  in a ``generator`` tag), which is replaced; any other folder is refused unless
  ``force=True``, and a folder that holds the lessons is refused always.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import mistune

from analogylab._version import __version__
from analogylab.errors import NotebookError
from analogylab.lessons import NAV_MARKER, Lesson, cell_tags, lesson_index, text_of
from analogylab.notebooks import DEFAULT_TIMEOUT, WIDGET_VIEW, execute_lesson
from analogylab.page_style import PAGE_CSS
from analogylab.student import (
    MARKDOWN_PLACEHOLDER,
    RAISES_TAG,
    TEACHER_ONLY_TAG,
    default_notebooks,
    read_notebook,
    strip_solutions,
)

__all__ = ["DEFAULT_TIMEOUT", "GENERATOR", "ReaderSite", "build_html"]

GENERATOR = "analogylab build-html"  # in every page's <meta name="generator">
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
LEFT_OUT = "*A worked answer is left out of this edition.*"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_STYLE_TAG = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)
_DROPPED_TAGS = re.compile(
    r"<script\b[^>]*>.*?</script>|<iframe\b[^>]*>.*?</iframe>|<link\b[^>]*>|<base\b[^>]*>",
    re.S | re.I,
)
_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S | re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ATTR = re.compile(r"""\b(href|src)\s*=\s*("([^"]*)"|'([^']*)')""", re.I)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)  # any scheme, or protocol-relative
_LESSON_LINK = re.compile(r"^(\d\d-[a-z0-9-]+)\.ipynb$")
_EXERCISE_REPR = re.compile(r"^Exercise (ex-[\w-]+) \(.*\): run this cell to answer it\.$")
_EXPLORER_REPR = re.compile(r"^Interactive chart: (.*)\. Run this cell to use its controls\.$")
_EXERCISE_HEADER = re.compile(r"<h4>Exercise (ex-[\w-]+)")
# A line "**Purpose:** ..." (or "**Time needed:** ..."), up to the end of its paragraph.
_PURPOSE = re.compile(r"^\*\*Purpose:\*\*\s*(.+(?:\n(?![ \t]*\n).+)*)", re.M)
_TIME = re.compile(r"^\*\*Time needed:?\*\*:?\s*(.+(?:\n(?![ \t]*\n).+)*)", re.M)
_TITLE_LINE = re.compile(r"^#\s+\d\d\s*·\s*(.+?)\s*$", re.M)


@dataclass
class ReaderSite:
    """What :func:`build_html` wrote: the pages, the images, the size and how long it took."""

    outdir: Path
    pages: list[Path]  # index.html first, then the lessons in order
    images: int
    size: int  # bytes, every file of the site
    seconds: float
    executed: bool
    answers: bool
    lesson_seconds: dict[str, float] = field(default_factory=dict)  # lesson file -> run time

    def summary(self) -> str:
        """One line for the command line: what was written where, how big, how long."""
        size = f"{self.size / 1e6:.1f} MB" if self.size >= 1e6 else f"{self.size / 1e3:.0f} kB"
        how = "executed" if self.executed else "stored outputs"
        keys = ", with answers" if self.answers else ""
        return (
            f"wrote the reader edition of {len(self.pages) - 1} lesson(s) to {self.outdir} "
            f"(index.html, {self.images} chart images, {size}; {how}{keys}) "
            f"in {self.seconds:.0f} s"
        )


# --- Markdown ---------------------------------------------------------------------------


class _Renderer(mistune.HTMLRenderer):
    """mistune's HTML, with an id on each heading (JupyterLab's: spaces become '-')."""

    def __init__(self) -> None:
        super().__init__(escape=False)
        self.ids: set[str] = set()

    def heading(self, text: str, level: int, **_attrs: Any) -> str:
        """A heading with an id, so that ``lesson.ipynb#The-question`` keeps working."""
        plain = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        base = re.sub(r"\s+", "-", plain) or "section"
        anchor, n = base, 1
        while anchor in self.ids:
            n += 1
            anchor = f"{base}-{n}"
        self.ids.add(anchor)
        return f'<h{level} id="{html.escape(anchor)}">{text}</h{level}>\n'


def _markdown(text: str, renderer: _Renderer) -> str:
    """Lesson Markdown (raw HTML allowed: teachers write it) as HTML."""
    md = mistune.create_markdown(
        renderer=renderer, plugins=["table", "strikethrough", "url"], escape=False
    )
    return str(md(text))


# --- small helpers ----------------------------------------------------------------------


def _clean_html(fragment: str) -> str:
    """Output HTML without scripts, frames, stylesheet links or ``<style>`` blocks.

    pandas puts a ``<style scoped>`` block before each table; the page has one
    stylesheet of its own instead.
    """
    return _STYLE_TAG.sub("", _DROPPED_TAGS.sub("", fragment))


def _pre(text: str, css: str) -> str:
    return f'<pre class="{css}">{html.escape(_ANSI.sub("", text).rstrip())}</pre>\n'


def _project_version(folder: Path) -> str:
    """The version of analogylab, and the git commit of the lessons' folder if there is one."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return f"analogylab {__version__}"
    commit = done.stdout.strip() if done.returncode == 0 else ""
    return f"analogylab {__version__}" + (f", commit {commit}" if commit else "")


# --- the site ---------------------------------------------------------------------------


class _Site:
    """What every page of one build shares: where things go and how links resolve."""

    def __init__(self, folder: Path, root: Path, lessons: list[Lesson], *, answers: bool) -> None:
        from analogylab.exercises import load_bank  # noqa: PLC0415  (YAML: on first use)

        self.folder = folder.resolve()
        self.project = self.folder.parent
        self.root = root
        self.pages = {les.path.stem for les in lessons}
        self.answers = answers
        self.bank = load_bank()
        self.images = 0

    def image(self, stem: str, number: int, png: str) -> str:
        """Write a base64 PNG to ``img/``; return its path relative to the pages."""
        import base64  # noqa: PLC0415

        rel = f"img/{stem}-{number:02d}.png"
        target = self.root / rel
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(base64.b64decode(png))
        self.images += 1
        return rel

    def local(self, url: str) -> str | None:
        """Where a relative link of a lesson points in the site, or None for plain text.

        A lesson's own page for ``NN-slug.ipynb``, ``index.html`` for the README, and
        a copy under ``files/`` for any other file of the project; None for a folder,
        a file that does not exist, or one outside the project.
        """
        path, _, fragment = url.partition("#")
        path = path.split("?", 1)[0]
        suffix = f"#{fragment}" if fragment else ""
        if not path:
            return url  # an anchor on the same page
        m = _LESSON_LINK.match(path)
        if m and m.group(1) in self.pages:
            return f"{m.group(1)}.html{suffix}"
        target = (self.folder / path).resolve()
        if target == self.project / "README.md":
            return "index.html"
        if not target.is_file() or not target.is_relative_to(self.project):
            return None
        rel = Path("files") / target.relative_to(self.project)
        copy = self.root / rel
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, copy)
        return rel.as_posix() + suffix

    def relink(self, fragment: str, where: str) -> str:
        """Every ``href``/``src`` of ``fragment`` made to work inside the site (see module doc)."""

        def anchor(m: re.Match[str]) -> str:
            attrs, inner = m.group(1), m.group(2)
            a = _ATTR.search(attrs)
            if a is None:
                return m.group(0)
            url = html.unescape(a.group(3) if a.group(3) is not None else a.group(4))
            if _REMOTE.match(url) or url.startswith("#"):
                return m.group(0)  # a link out (a cited source) is fine: it loads nothing
            new = self.local(url)
            if new is None:
                path = html.escape(url)
                return f'<span class="unlinked">{inner} (<code>{path}</code> in the project)</span>'
            return m.group(0).replace(a.group(0), f'href="{html.escape(new)}"', 1)

        def image(m: re.Match[str]) -> str:
            tag = m.group(0)
            a = _ATTR.search(tag)
            if a is None or a.group(1).lower() != "src":
                return tag
            url = html.unescape(a.group(3) if a.group(3) is not None else a.group(4))
            if url.startswith("data:image/"):
                return tag
            if _REMOTE.match(url):
                raise NotebookError(
                    where,
                    f"shows an image from the network ({url}); the reader edition works offline",
                    "save the image next to the lessons and link that file instead",
                )
            new = self.local(url)
            if new is None:
                alt = re.search(r'\balt\s*=\s*"([^"]*)"', tag)
                return f'<span class="unlinked">[image: {alt.group(1) if alt else url}]</span>'
            return tag.replace(a.group(0), f'src="{html.escape(new)}"', 1)

        return _IMG.sub(image, _ANCHOR.sub(anchor, fragment))


# --- one lesson page --------------------------------------------------------------------


# The lessons speak to someone in JupyterLab ("Run the cell below"); the page says once, at the
# top, what that means here.
EDITION_NOTE = (
    '<p class="note edition">This is the reader edition: nothing on this page runs. Where the '
    "lesson asks you to run a cell, what that cell showed is already here, below its code "
    "(folded under \u201cCode\u201d). To move the charts and have your answers checked, open "
    'the lesson in JupyterLab: see <a href="index.html#about">About this edition</a>.</p>\n'
)


class _Page:
    """The HTML of one lesson: its cells, outputs and widgets."""

    def __init__(self, site: _Site, lesson: Lesson, nb: Any) -> None:
        self.site, self.lesson, self.nb = site, lesson, nb
        self.stem = lesson.path.stem
        self.file = str(lesson.path)
        self.renderer = _Renderer()
        widgets = nb.get("metadata", {}).get("widgets", {})
        self.state: dict[str, Any] = widgets.get(WIDGET_STATE, {}).get("state", {})
        self.images = 0

    def markdown(self, text: str, where: str) -> str:
        return self.site.relink(_markdown(text, self.renderer), where)

    def bank_markdown(self, text: str, where: str) -> str:
        """Bank text (Markdown, raw HTML escaped, as the exercise widget shows it)."""
        from analogylab.exercise_widgets import markdown_to_html  # noqa: PLC0415

        return self.site.relink(markdown_to_html(text), where)

    # -- cells --

    def body(self) -> str:
        """The cells as HTML, with the edition's note after the first (the lesson's title)."""
        cells = [self.cell(c, n) for n, c in enumerate(self.nb.cells, start=1)]
        return "".join([*cells[:1], EDITION_NOTE, *cells[1:]])

    def cell(self, cell: Any, number: int) -> str:
        where = f"{self.file}, cell {number}"
        tags = cell_tags(cell)
        if TEACHER_ONLY_TAG in tags and not self.site.answers:
            return ""
        kind = str(cell.get("cell_type", "code"))
        source = text_of(cell.get("source", ""))
        if kind == "markdown" and source.startswith(NAV_MARKER):
            return ""  # the page's own <nav> replaces the lesson's navigation cell
        try:
            stripped, has_solution = strip_solutions(source, kind)
        except NotebookError as err:
            raise NotebookError(self.file, err.message, err.hint, cell=number) from None
        if kind == "markdown":
            if has_solution and not self.site.answers:
                source = stripped.replace(MARKDOWN_PLACEHOLDER, LEFT_OUT)
            return f'<div class="cell markdown">{self.markdown(source, where)}</div>\n'
        if kind != "code":
            return ""  # raw cells are for other tools, not for readers
        if has_solution and not self.site.answers:
            return f'<div class="cell note">{_markdown(LEFT_OUT, _Renderer())}</div>\n'
        label = "Worked answer (code)" if has_solution else "Code"
        code = ""
        if source.strip():
            code = (
                f'<details class="code"><summary>{label}</summary>'
                f"<pre><code>{html.escape(source)}</code></pre></details>\n"
            )
        outputs = self.outputs(cell.get("outputs", []), tags, where, number)
        return f'<div class="cell code">{code}{outputs}</div>\n'

    # -- outputs --

    def outputs(self, outputs: list[Any], tags: list[str], where: str, number: int) -> str:
        parts = []
        for out in outputs:
            kind = out.get("output_type")
            if kind == "stream":
                if out.get("name") == "stdout":
                    parts.append(_pre(text_of(out.get("text")), "stdout"))
                continue  # stderr holds warnings and logs, not lesson content
            if kind == "error":
                if RAISES_TAG not in tags:
                    raise NotebookError(
                        self.file,
                        f"the cell has a stored error ({out.get('ename')}: {out.get('evalue')})",
                        "fix the lesson and run `analogylab refresh`, or build without "
                        "--no-execute; nothing was written",
                        cell=number,
                    )
                parts.append(_pre(f"{out.get('ename')}: {out.get('evalue')}", "error"))
                continue
            parts.append(self.bundle(out.get("data", {}), out.get("metadata", {}), where))
        return "".join(parts)

    def bundle(self, data: dict[str, Any], metadata: dict[str, Any], where: str) -> str:
        """One display: the richest form a page can show, never a widget's placeholder."""
        if WIDGET_VIEW in data:
            model = str(data[WIDGET_VIEW].get("model_id", ""))
            if model in self.state:
                return self.widget(model, where)
        plain = text_of(data.get("text/plain", ""))
        if WIDGET_VIEW in data or _EXERCISE_REPR.match(plain) or _EXPLORER_REPR.match(plain):
            return self.placeholder(plain, where)
        if "image/png" in data:
            return self.png(data, metadata)
        if "text/html" in data:
            body = self.site.relink(_clean_html(text_of(data["text/html"])), where)
            css = "output table-wrap" if "<table" in body else "output"
            return f'<div class="{css}">{body}</div>\n'
        if "text/markdown" in data:
            body = self.markdown(text_of(data["text/markdown"]), where)
            return f'<div class="output">{body}</div>\n'
        return _pre(plain, "result") if plain else ""

    def png(self, data: dict[str, Any], metadata: dict[str, Any]) -> str:
        alt = str(metadata.get("image/png", {}).get("alt", "")).strip()
        plain = text_of(data.get("text/plain", "")).strip()
        if not alt and plain.startswith("Chart: "):
            alt = plain.removeprefix("Chart: ")
        if not alt:
            alt = "A chart; it is described in words below."
        self.images += 1
        src = self.site.image(self.stem, self.images, text_of(data["image/png"]).strip())
        # A link to the image itself: on a phone, a reader opens it to zoom in.
        img = f'<img src="{src}" alt="{html.escape(alt)}">'
        return f'<figure class="chart"><a href="{src}">{img}</a></figure>\n'

    def placeholder(self, plain: str, where: str) -> str:
        """A widget whose state was not recorded (``--no-execute``): a note, or the exercise."""
        m = _EXERCISE_REPR.match(plain)
        if m:
            return self.exercise(m.group(1), where)
        m = _EXPLORER_REPR.match(plain)
        title = m.group(1) if m else "controls"
        return (
            f'<section class="explorer" aria-label="Interactive chart: {html.escape(title)}">'
            f'<p class="explorer-title"><strong>Interactive chart in JupyterLab: '
            f"{html.escape(title)}</strong></p><p>This edition was built without running the "
            "lessons, so the chart is not shown here. Open the lesson in JupyterLab to use it."
            "</p></section>\n"
        )

    # -- widgets, from the recorded widget state --

    def _model(self, ref: Any) -> tuple[str, dict[str, Any]] | None:
        model_id = str(ref).removeprefix("IPY_MODEL_")
        model = self.state.get(model_id)
        if model is None:
            return None
        return str(model.get("model_name", "")), model.get("state", {})

    def widget(self, model_id: str, where: str) -> str:
        found = self._model(model_id)
        if found is None:
            return ""
        name, state = found
        classes = state.get("_dom_classes", [])
        if "analogylab-exercise" in classes:
            header = next(
                (s.get("value", "") for _, s in self._children(state) if "value" in s), ""
            )
            m = _EXERCISE_HEADER.search(str(header))
            return self.exercise(m.group(1), where) if m else ""
        if "analogylab-explorer" in classes:
            return self.explorer(state, where)
        controls: list[str] = []
        parts: list[str] = []
        self._walk(name, state, controls, parts, where)
        listed = f'<ul class="controls">{"".join(controls)}</ul>' if controls else ""
        return f'<div class="widget">{listed}{"".join(parts)}</div>\n'

    def _children(self, state: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        for ref in state.get("children", []):
            found = self._model(ref)
            if found is not None:
                yield found

    def _walk(
        self, name: str, state: dict[str, Any], controls: list[str], parts: list[str], where: str
    ) -> None:
        """Collect a widget tree's controls (label: value) and what it shows, in order."""
        classes = state.get("_dom_classes", [])
        if "analogylab-exercise" in classes or "analogylab-explorer" in classes:
            parts.append(self._nested(state, where))
        elif name == "OutputModel":
            parts.append(self.outputs(list(state.get("outputs", [])), [], where, 0))
        elif "children" in state:
            self._walk_children(state, controls, parts, where)
        elif "analogylab-text-twin" in classes:
            parts.append(self.twin(str(state.get("value", "")), where))
        elif "analogylab-twin-toggle" in classes:
            return  # the page folds the twin itself: no box to tick on paper
        elif name in {"HTMLModel", "HTMLMathModel"}:
            value = self.site.relink(_clean_html(str(state.get("value", ""))), where)
            if value.strip():
                parts.append(f'<div class="output">{value}</div>')
        elif name == "LabelModel":
            parts.append(f"<p>{html.escape(str(state.get('value', '')))}</p>")
        elif name == "ButtonModel":
            what = html.escape(str(state.get("description") or state.get("tooltip") or ""))
            controls.append(f"<li>A button: <strong>{what}</strong></li>")
        else:
            shown = _control_value(name, state)
            if shown is None:
                return
            label = str(state.get("description") or state.get("tooltip") or "")
            label = label.strip().rstrip(":") or "a control"
            controls.append(f"<li>{html.escape(label)}: <strong>{html.escape(shown)}</strong></li>")

    def twin(self, value: str, where: str) -> str:
        """An explorer's text twin, folded under its heading as a static chart's twin is."""
        body = self.site.relink(_clean_html(value), where)
        m = re.match(r"\s*<p><b>(.*?)</b></p>(.*)\Z", body, re.S)
        if not m:
            return ""  # no chart drawn (a message instead): no twin
        return (
            f'<details class="analogylab-text-twin"><summary>{m.group(1)}</summary>'
            f"{m.group(2)}</details>\n"
        )

    def _walk_children(
        self,
        state: dict[str, Any],
        controls: list[str],
        parts: list[str],
        where: str,
        skip: dict[str, Any] | None = None,
    ) -> None:
        for child_name, child in self._children(state):
            if child is not skip:
                self._walk(child_name, child, controls, parts, where)

    def _nested(self, state: dict[str, Any], where: str) -> str:
        if "analogylab-explorer" in state.get("_dom_classes", []):
            return self.explorer(state, where)
        for _, child in self._children(state):
            m = _EXERCISE_HEADER.search(str(child.get("value", "")))
            if m:
                return self.exercise(m.group(1), where)
        return ""

    def explorer(self, state: dict[str, Any], where: str) -> str:
        """An explorer as a static block: title, controls as they start, its first chart."""
        first = next(
            (
                s
                for n, s in self._children(state)
                if n == "HTMLModel" and "<b>" in str(s.get("value", ""))
            ),
            None,
        )
        heading = "" if first is None else str(first.get("value", ""))
        m = re.search(r"<b>(.*?)</b>(?:<br>\s*<span>(.*?)</span>)?", heading, re.S)
        title = html.unescape(m.group(1)) if m else "an interactive chart"
        help_text = f"<p>{m.group(2)}</p>" if m and m.group(2) else ""
        controls: list[str] = []
        parts: list[str] = []
        self._walk_children(state, controls, parts, where, skip=first if m else None)
        listed = (
            "<p>In JupyterLab you change these controls and the chart redraws. "
            "Here it is as it starts:</p>"
            f'<ul class="controls">{"".join(controls)}</ul>'
            if controls
            else ""
        )
        return (
            f'<section class="explorer" aria-label="Interactive chart: {html.escape(title)}">'
            f'<p class="explorer-title"><strong>Interactive chart in JupyterLab: '
            f"{html.escape(title)}</strong></p>{help_text}{listed}{''.join(parts)}</section>\n"
        )

    # -- exercises, from the bank --

    def exercise(self, exercise_id: str, where: str) -> str:
        """An exercise as the bank has it: prompt, choices, points, hints; the key on request."""
        from analogylab.exercise_widgets import display_order, option_label  # noqa: PLC0415
        from analogylab.exercises import solution_text  # noqa: PLC0415

        if exercise_id not in self.site.bank:
            raise NotebookError(
                where,
                f"shows exercise {exercise_id}, which is not in the question bank",
                "add it to data/exercises/ or fix the id in the lesson",
            )
        ex = self.site.bank[exercise_id]
        esc = html.escape
        points = f"{ex.points:g} point" + ("" if ex.points == 1 else "s")
        title = f": {esc(ex.title)}" if ex.title else ""
        out = [
            f'<section class="exercise" aria-labelledby="{esc(ex.id)}">',
            f'<h4 id="{esc(ex.id)}">Exercise {esc(ex.id)}{title}</h4>',
            f"<p><em>{esc(ex.kind_name)}, {points}</em></p>",
            self.bank_markdown(ex.prompt, where),
        ]
        if ex.kind in {"single", "multiple"}:
            lead = "Choose one:" if ex.kind == "single" else "Tick every option that applies:"
            items = "".join(f"<li>{esc(option_label(o))}</li>" for o in ex.options)
            out.append(f'<p>{lead}</p><ul class="options">{items}</ul>')
        elif ex.kind == "matching":
            rows = "".join(
                f'<tr><th scope="row">{esc(it.text)}</th><td></td></tr>' for it in ex.left
            )
            out.append(
                '<table class="worksheet"><caption>Pair each item with one of: '
                + "; ".join(esc(r.text) for r in ex.right)
                + '</caption><thead><tr><th scope="col">Item</th>'
                f'<th scope="col">Goes with</th></tr></thead><tbody>{rows}</tbody></table>'
            )
        elif ex.kind == "ordering":
            items = "".join(f"<li>{esc(it.text)}</li>" for it in display_order(ex, ex.items))
            out.append(
                f'<p>Put these in order, earliest first:</p><ul class="options">{items}</ul>'
            )
        elif ex.kind == "numeric":
            unit = f" ({esc(ex.unit)})" if ex.unit else ""
            out.append(f"<p>Your answer: a number{unit}.</p>")
        elif ex.kind == "text":
            out.append("<p>Your answer: two or three sentences.</p>")
        elif ex.kind == "grid":
            head = "".join(f'<th scope="col">{esc(c.text)}</th>' for c in ex.columns)
            blank = "<td></td>" * len(ex.columns)
            rows = "".join(
                f'<tr><th scope="row">{self.bank_markdown(r.text, where)}</th>{blank}</tr>'
                for r in ex.rows
            )
            out.append(
                '<div class="table-wrap"><table class="worksheet"><caption>Rate each row '
                f"against each column: {esc(', '.join(ex.scale))}</caption>"
                f'<thead><tr><th scope="col">Item</th>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table></div>"
            )
        if ex.hints:
            hints = "".join(f"<li>{self.bank_markdown(h, where)}</li>" for h in ex.hints)
            out.append(f'<details class="hints"><summary>Hints</summary><ol>{hints}</ol></details>')
        out.append(
            '<p class="how">In JupyterLab this question has controls, a Check button and '
            "feedback that explains every choice. Open the lesson there and run its cell, or "
            f'answer in code: <code>analogylab.check("{esc(ex.id)}", answer)</code>.</p>'
        )
        if self.site.answers:
            key = solution_text(ex)
            wrong = {"too_low": "An answer too low", "too_high": "An answer too high"}
            key += "".join(
                f"\n\n*{label}:* {ex.explanations[side]}"
                for side, label in wrong.items()
                if ex.explanations.get(side)
            )
            out.append(
                '<details class="answer"><summary>Answer and explanations</summary>'
                f"{self.bank_markdown(key, where)}</details>"
            )
        out.append("</section>\n")
        return "".join(out)


def _control_value(name: str, state: dict[str, Any]) -> str | None:  # noqa: PLR0911  (one per kind)
    """A control's value in words, or None for a widget that is not a control."""
    labels = [str(x) for x in state.get("_options_labels", [])]
    if labels:
        index = state.get("index")
        if index is None:
            return "none chosen"
        if isinstance(index, list):
            picked = [labels[i] for i in index if 0 <= i < len(labels)]
            if name.endswith("RangeSliderModel") and len(picked) == 2:
                return f"{picked[0]} to {picked[1]}"
            return "; ".join(picked) or "none chosen"
        return labels[index] if 0 <= int(index) < len(labels) else "none chosen"
    value = state.get("value")
    if name in {"CheckboxModel", "ToggleButtonModel"}:
        return "ticked" if value else "not ticked"
    if isinstance(value, list) and len(value) == 2:
        return f"{value[0]} to {value[1]}"
    if name.endswith(("ProgressModel",)):
        return f"{value} of {state.get('max')}"
    if name in {"TextModel", "TextareaModel", "PasswordModel", "ComboboxModel"}:
        return str(value) if value else "empty"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return None


# --- page frame -------------------------------------------------------------------------

_CSS = PAGE_CSS  # the page frame's stylesheet, shared with the class report


def _frame(title: str, header_nav: str, main: str, footer: str) -> str:
    """A whole page: one inline stylesheet, landmarks, no script and nothing remote."""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{GENERATOR} {html.escape(__version__)}">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the content</a>\n'
        '<header>\n<p class="site"><a href="index.html">Test a historical analogy with '
        "evidence</a>: the lessons to read</p>\n"
        f'{header_nav}</header>\n<main id="main">\n{main}</main>\n'
        f"<footer>\n{footer}</footer>\n</body>\n</html>\n"
    )


def _lesson_nav(lessons: list[Lesson], i: int, label: str) -> str:
    items = []
    if i > 0:
        prev = lessons[i - 1]
        items.append(
            f'<li><a rel="prev" href="{prev.path.stem}.html">← Previous: '
            f"{html.escape(prev.label)}</a></li>"
        )
    items.append('<li><a href="index.html">Contents</a></li>')
    if i + 1 < len(lessons):
        nxt = lessons[i + 1]
        items.append(
            f'<li><a rel="next" href="{nxt.path.stem}.html">Next: '
            f"{html.escape(nxt.label)} →</a></li>"
        )
    return f'<nav aria-label="{label}"><ul>{"".join(items)}</ul></nav>\n'


def _about(built: str, version: str, *, executed: bool, answers: bool) -> str:
    edition = (
        "This edition shows the answers to the exercises, with their explanations."
        if answers
        else "This edition does not show the answers to the exercises."
    )
    charts = (
        "Each interactive chart is shown as it starts."
        if executed
        else "It was built without running the lessons, so interactive charts are not shown."
    )
    return (
        f"<p>Reader edition, built on {built} from {html.escape(version)}. "
        "Nothing on these pages runs: the charts do not move, and answers are neither "
        f"checked nor kept. {charts} {edition}</p>\n"
        "<p>To drive the charts and get feedback on the exercises, open the lessons in "
        "JupyterLab: in the analogylab project folder (your teacher has it), run "
        "<code>uv run jupyter lab</code> (see the project's README, Quick start).</p>\n"
    )


def _index(lessons: list[Lesson], about: str) -> str:
    rows = []
    for les in lessons:
        heading = _TITLE_LINE.search(les.intro)
        purpose = _PURPOSE.search(les.intro)
        needed = _TIME.search(les.intro)
        full = heading.group(1) if heading else les.title
        sub = full.split(":", 1)[1].strip() if ":" in full else ""
        renderer = _Renderer()
        rows.append(
            f'<li><h2><a href="{les.path.stem}.html">{html.escape(les.label)}</a></h2>'
            + (f"<p><em>{html.escape(sub)}</em></p>" if sub else "")
            + (
                f"<p><strong>Purpose:</strong> {_inline(purpose.group(1), renderer)}</p>"
                if purpose
                else ""
            )
            + (
                f"<p><strong>Time needed:</strong> {_inline(needed.group(1), renderer)}</p>"
                if needed
                else ""
            )
            + "</li>"
        )
    main = (
        "<h1>Test a historical analogy with evidence</h1>\n"
        "<p>Lessons on the \u201cCold War in reverse\u201d analogy: is Russia\u2019s courting of "
        "the Taliban in 2018 a re-run of US support for the Afghan mujahideen against the "
        "Soviet Union, or something else? Read them in order.</p>\n"
        f'<h2 id="lessons">The lessons</h2>\n<ol class="lessons">{"".join(rows)}</ol>\n'
        f'<h2 id="about">About this edition</h2>\n{about}'
    )
    return _frame("Test a historical analogy with evidence: the lessons", "", main, "")


def _inline(text: str, renderer: _Renderer) -> str:
    """One line of Markdown as inline HTML (no surrounding paragraph)."""
    out = _markdown(text, renderer).strip()
    return out.removeprefix("<p>").removesuffix("</p>")


# --- the build --------------------------------------------------------------------------


def _lessons_folder(notebooks: str | Path | None) -> Path:
    folder = default_notebooks() if notebooks is None else Path(notebooks)
    if not folder.is_dir():
        raise NotebookError(
            str(folder),
            "there is no such folder of lessons"
            + (" (notebooks/ is only there in a source checkout)" if notebooks is None else ""),
            "name the folder that holds the lessons with --folder",
        )
    return folder


def _check_outdir(out: Path, folder: Path, *, force: bool) -> None:
    """Refuse an OUTDIR that is not ours to replace (see the module's docstring)."""
    target = out.resolve()
    for keep, what in ((folder.resolve(), "the lessons"), (Path.cwd(), "the folder you are in")):
        if target == keep or keep.is_relative_to(target):
            raise NotebookError(
                str(out),
                f"holds {what}, which replacing it would delete",
                "choose a new folder for the reader edition, e.g. reader/",
            )
    if target.exists() and not target.is_dir():
        raise NotebookError(str(out), "is a file, not a folder", "choose a folder name")
    if not target.is_dir() or not any(target.iterdir()) or force:
        return
    index = target / "index.html"
    head = index.read_text(encoding="utf-8", errors="replace")[:2000] if index.is_file() else ""
    if f'name="generator" content="{GENERATOR}' not in head:
        raise NotebookError(
            str(out),
            "is not empty and is not an earlier reader edition, so it was left alone",
            "choose a new or empty folder, or add --force to replace everything in it",
        )


def _swap_in(built: Path, out: Path) -> None:
    """Move the finished site to ``out``, replacing what was there only once it is complete."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.new-"))
    staging.rmdir()
    shutil.move(str(built), staging)  # a rename if on the same disk, else a copy
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-"))
        old.rmdir()
        out.rename(old)
    try:
        staging.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_html(
    outdir: str | Path,
    notebooks: str | Path | None = None,
    *,
    execute: bool = True,
    answers: bool = False,
    force: bool = False,
    timeout: int = DEFAULT_TIMEOUT,
    on_lesson: Callable[[Lesson, float], None] | None = None,
) -> ReaderSite:
    """Write the reader edition of the lessons in ``notebooks`` to ``outdir``.

    ``notebooks`` defaults to the ``notebooks/`` folder of the source checkout.
    ``execute=False`` renders the stored outputs (explorers then have no chart);
    ``answers=True`` shows the exercises' keys and the worked answers; ``force``
    replaces a non-empty ``outdir`` that is not an earlier reader edition;
    ``timeout`` is in seconds per cell. ``on_lesson(lesson, seconds)`` is called as
    each lesson is done. Raises NotebookError (file, cell, what, how to fix) and
    writes nothing if any lesson fails to run or render.
    """
    start = time.perf_counter()
    folder = _lessons_folder(notebooks)
    out = Path(outdir)
    _check_outdir(out, folder, force=force)
    lessons = lesson_index(folder)
    if not lessons:
        raise NotebookError(
            str(folder),
            "holds no lessons (files named NN-slug.ipynb, e.g. 03-the-2018-case.ipynb)",
            "name the folder that holds the lessons with --folder",
        )
    built_on = datetime.now(UTC).strftime("%Y-%m-%d")
    about = _about(built_on, _project_version(folder), executed=execute, answers=answers)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="analogylab-reader-") as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        site = _Site(folder, root, lessons, answers=answers)
        pages = [root / "index.html"]
        for i, les in enumerate(lessons):
            began = time.perf_counter()
            if execute:
                # The course's own data if ANALOGYLAB_DATA points at it: the edition
                # shows students what their lessons show.
                nb = execute_lesson(
                    les.path,
                    timeout=timeout,
                    then="nothing was written. Then build again",
                    shipped_data=False,
                )
            else:
                nb = read_notebook(les.path)
            page = _Page(site, les, nb)
            main = page.body()
            target = root / f"{les.path.stem}.html"
            target.write_text(
                _frame(
                    f"{les.label}: the lessons to read",
                    _lesson_nav(lessons, i, "Lessons"),
                    main,
                    _lesson_nav(lessons, i, "Previous and next lesson") + about,
                ),
                encoding="utf-8",
            )
            pages.append(target)
            timings[les.path.name] = time.perf_counter() - began
            if on_lesson is not None:
                on_lesson(les, timings[les.path.name])
        (root / "index.html").write_text(_index(lessons, about), encoding="utf-8")
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        _swap_in(root, out)
    return ReaderSite(
        outdir=out,
        pages=[out / p.name for p in pages],
        images=site.images,
        size=size,
        seconds=time.perf_counter() - start,
        executed=execute,
        answers=answers,
        lesson_seconds=timings,
    )
