"""Keep the lesson notebooks tidy, and re-record their stored outputs on purpose.

The lessons are stored with their outputs, and nbval compares those outputs on every
test run. So a lesson file should change only when its content changes. It should not
change because JupyterLab saved a widget's state, an editor's scroll position or a
kernel's timings. Two commands use this module:

``analogylab tidy [FOLDER] [--check]`` (:func:`tidy`) puts every lesson ``NN-slug.ipynb``
into one standard shape:

- notebook metadata is exactly :data:`KERNELSPEC` and :data:`LANGUAGE_INFO`
  (``kernelspec.name`` must be ``python3``, or JupyterLab asks which kernel to use);
  anything else there, such as saved widget state (``widgets``), is dropped. The
  format is nbformat 4.5 and the cell ids are ``cell-00``, ``cell-01``, ... in order;
- cell metadata keeps only what a teacher sets on purpose: ``tags``,
  ``jupyter.source_hidden`` and ``jupyter.outputs_hidden`` (a folded worked answer),
  ``editable`` and ``deletable`` (a locked cell). Everything else is dropped:
  ``execution`` (timings), ``collapsed`` and ``scrolled`` (view state), other
  ``jupyter.*`` keys, other editors' keys (``ExecuteTime``, ``vscode`` ...), and an
  empty tag list;
- a saved widget view (``application/vnd.jupyter.widget-view+json``) is removed
  from outputs and its ``text/plain`` kept. The view points at a widget model that
  no longer exists once the kernel has stopped, so JupyterLab would show "model not
  found". nbval ignores the view anyway;
- the second cell is the navigation (:func:`analogylab.lessons.navigation_markdown`).
  The last two cells are the sources heading (:data:`SOURCES_MARKDOWN`, found by
  :data:`SOURCES_MARKER`) and the code cell ``analogylab.lesson_sources(ds, "NN")``,
  which lists what the page showed (:mod:`analogylab.citations`). A
  ``## Sources for this lesson`` heading left at the end of another cell moves into the
  heading cell;
- the first cell's "**Time needed:**" line is measured (:mod:`analogylab.lesson_time`):
  words read, exercises, code cells, charts and explorers. A stale line is rewritten,
  a missing one added at the end of the cell.

The teachers' guide (:data:`analogylab.guide.TEACHER_NOTEBOOKS`) is tidied the same way but
for what makes a lesson: it gets no navigation, sources cells or time needed, and
``analogylab refresh teachers-guide`` re-records it. Any other notebook not named like a
lesson is reported.

Some problems tidy cannot fix, because the fix needs a kernel or a person:

- a stored error, in a cell not tagged ``raises-exception``;
- a code cell that was never run (nbval skips a cell without an execution count,
  so its output would escape the comparison). Empty cells and cells tagged
  ``skip-execution`` (which nbclient does not run) are exempt;
- a sources cell whose code tidy had to rewrite. Tidy clears that cell's output, so
  the cell counts as never run until ``analogylab refresh`` records it again;
- a cell that keeps cited sources by hand (``cited = set()``, ``cited |= ...``): the
  charts, tables, explorers and exercises record their sources themselves, so the line
  should go (lessons still being rewritten for issue 14 are exempt while they are named
  in :data:`analogylab.citations.HAND_CITED`);
- an exercise id that names no exercise of the question bank (it is left out of the time).

``analogylab refresh [LESSON ...]`` (:func:`refresh`) tidies a lesson and re-executes
it with nbclient, through :func:`execute_lesson` (which ``analogylab build-html`` uses
too). The answer store is a fresh temporary ``ANALOGYLAB_HOME``, and
``ANALOGYLAB_DATA`` is unset, so stored outputs depend neither on the teacher's
answers nor on the teacher's data. Each cell has a timeout. The lesson is tidied
again afterwards, so a refresh with no real change leaves the file byte for byte
the same. If a cell fails or times out, the file on disk is not touched.

Every write goes to a temporary file in the same folder, then replaces the lesson
(``os.replace``). A reader never sees a half-written notebook.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from analogylab.citations import HAND_CITED, hand_citations
from analogylab.errors import AnalogylabError, NotebookError
from analogylab.guide import is_teacher_notebook
from analogylab.lesson_time import TIME_LABEL, exercise_ids, measure, time_paragraph
from analogylab.lessons import NAV_MARKER, cell_tags, lesson_index, navigation_markdown, text_of
from analogylab.student import BEGIN_MARKER, RAISES_TAG, read_notebook

__all__ = [
    "DEFAULT_TIMEOUT",
    "KERNELSPEC",
    "LANGUAGE_INFO",
    "SOURCES_MARKDOWN",
    "SOURCES_MARKER",
    "WIDGET_VIEW",
    "Finding",
    "TidyReport",
    "execute_lesson",
    "lesson_files",
    "lesson_sources_code",
    "refresh",
    "resolve_lessons",
    "sources_code",
    "tidy",
]

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}
NBFORMAT_MINOR = 5  # the first 4.x with cell ids
SOURCES_MARKER = "<!-- analogylab:sources -->"
SOURCES_HEADING = "## Sources for this lesson"
SOURCES_MARKDOWN = (
    f"{SOURCES_MARKER}\n{SOURCES_HEADING}\n\n"
    "The sources of every chart and table above, and of the facts the exercises rely on:"
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SKIP_TAG = "skip-execution"  # nbclient's default: cells it does not run
DEFAULT_TIMEOUT = 120  # seconds per cell, as nbval's --nbval-cell-timeout
_SLICE = 0.5  # seconds: the longest a missed wake-up can delay a kernel message
DEFAULT_FOLDER = Path("notebooks")

_KEPT_METADATA = ("tags", "editable", "deletable")
_KEPT_JUPYTER = ("source_hidden", "outputs_hidden")
_LESSON_NAME = re.compile(r"^(\d\d)-[a-z0-9-]+\.ipynb$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def sources_code(number: str, *, hand_cited: bool = False) -> str:
    """The code of lesson ``number``'s last cell, which lists the page's sources.

    ``hand_cited``: the old form, which adds the lesson's own ``cited`` set, for a lesson
    named in :data:`analogylab.citations.HAND_CITED` (issue 14's rewrite, while it lasts).
    """
    if hand_cited:
        return f'analogylab.lesson_sources(ds, "{number}", cited)'
    return f'analogylab.lesson_sources(ds, "{number}")'


def lesson_sources_code(path: str | Path) -> str:
    """The sources cell's code for the lesson file at ``path``.

    Its number, and whether it still keeps a ``cited`` set by hand, decide it.
    """
    name = Path(path).name
    return sources_code(name[:2], hand_cited=name in HAND_CITED)


class _ExerciseMinutes:
    """Each exercise's expected minutes, by id, read from the question bank when first asked.

    An id that names no exercise gives None, and is remembered in ``unknown`` with the
    reason; a bank that cannot be read gives None for every id (``broken`` says why).
    """

    def __init__(self) -> None:
        self.unknown: dict[str, str] = {}
        self.broken: str | None = None

    def __call__(self, exercise_id: str) -> float | None:
        if self.broken is not None:
            return None
        from analogylab.errors import ExerciseBankError  # noqa: PLC0415
        from analogylab.exercises import get_exercise  # noqa: PLC0415  (YAML: on first use)

        try:
            return get_exercise(exercise_id).expected_minutes
        except ExerciseBankError as err:
            self.broken = str(err).splitlines()[0]
        except (AnalogylabError, KeyError) as err:
            self.unknown[exercise_id] = str(err).strip("\"'").splitlines()[0]
        return None


@dataclass(frozen=True)
class Finding:
    """One thing out of shape in a lesson: where it is, what it is, how to fix it.

    ``cell`` is 1-based and counts every cell, as in :class:`NotebookError`, or is
    ``None`` when the finding concerns the whole file. ``fixable`` says whether
    ``analogylab tidy`` fixes it by itself.
    """

    file: str
    cell: int | None
    message: str
    fix: str
    fixable: bool

    @property
    def where(self) -> str:
        """The file, and the cell if there is one: ``notebooks/03-x.ipynb, cell 44``."""
        return self.file if self.cell is None else f"{self.file}, cell {self.cell}"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}; {self.fix}"


@dataclass
class TidyReport:
    """What :func:`tidy` found: the fixes (made, or due in check mode) and the rest.

    ``fixes`` are what tidy changes by itself; ``problems`` need a person or a
    refresh; ``written`` lists the files tidy rewrote (none in check mode).
    """

    folder: Path
    check: bool
    fixes: list[Finding] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True if nothing is left to do (in check mode: nothing to fix either)."""
        return not self.problems and not (self.check and self.fixes)

    def lines(self) -> list[str]:
        """One line per finding, as the command prints them."""
        if self.check:
            return [str(f) for f in [*self.fixes, *self.problems]]
        return [f"fixed {f.where}: {f.message}" for f in self.fixes] + [
            str(f) for f in self.problems
        ]


def _show(path: Path) -> str:
    """``path`` as the user would type it: relative to the working folder if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _folder_option(folder: Path, flag: str = "") -> str:
    """`` FOLDER`` (or `` --folder FOLDER``) for a command, unless it is ./notebooks."""
    if folder.resolve() == DEFAULT_FOLDER.resolve():
        return ""
    return f" {flag}{_show(folder)}"


def _source(cell: dict[str, Any]) -> str:
    return text_of(cell.get("source", ""))


def _new_cell(cell_type: str, source: str) -> Any:
    """A new cell (its id is set when tidy numbers the cells)."""
    cell: dict[str, Any] = {"cell_type": cell_type, "id": "", "metadata": {}, "source": source}
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
    return nbformat.from_dict(cell)  # type: ignore[no-untyped-call]


def lesson_files(folder: Path) -> list[Path]:
    """The lessons ``NN-slug.ipynb`` of ``folder``, sorted; an error if there are none.

    A folder that does not exist is an error that names it and says where to run
    the command from. This matters because the default is ``./notebooks``.
    """
    if not folder.is_dir():
        raise NotebookError(
            _show(folder),
            "there is no such folder of lessons",
            "run the command from the project folder (the one that holds notebooks/), "
            "or name the folder of the lessons (analogylab tidy FOLDER, "
            "analogylab refresh --folder FOLDER)",
        )
    files = sorted(p for p in folder.glob("*.ipynb") if _LESSON_NAME.match(p.name))
    if not files:
        raise NotebookError(
            _show(folder),
            "holds no lesson notebooks (files named NN-slug.ipynb, e.g. 03-the-2018-case.ipynb)",
            "name the folder that holds the lessons",
        )
    return files


def _text(nb: Any) -> str:
    """The notebook as nbformat writes it (sorted keys, one-space indent, final newline)."""
    return str(nbformat.writes(nb)) + "\n"  # type: ignore[no-untyped-call]


def _write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` in one step, keeping the file's permissions."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Lesson:
    """One lesson being tidied: its notebook in memory and what was found in it."""

    def __init__(self, nb: Any, file: str, number: str, folder: Path) -> None:
        self.nb, self.file, self.number, self.folder = nb, file, number, folder
        self.hand_cited = Path(file).name in HAND_CITED
        self.fixes: list[Finding] = []
        self.problems: list[Finding] = []
        # 1-based positions in the file as read: findings refer to the file the user sees.
        self.position = {id(c): n for n, c in enumerate(nb.cells, 1)}

    def fixed(self, cell: dict[str, Any] | int | None, message: str) -> None:
        n = self.position.get(id(cell)) if isinstance(cell, dict) else cell
        tidy_cmd = f"run: analogylab tidy{_folder_option(self.folder)}"
        self.fixes.append(Finding(self.file, n, message, tidy_cmd, fixable=True))

    def refresh_needed(self, cell: dict[str, Any] | int | None, message: str, fix: str) -> None:
        n = self.position.get(id(cell)) if isinstance(cell, dict) else cell
        cmd = f"analogylab refresh {self.number}{_folder_option(self.folder, '--folder ')}"
        self.problems.append(Finding(self.file, n, message, f"{fix}{cmd}", fixable=False))

    # -- the whole notebook ---------------------------------------------------------

    def format_and_metadata(self) -> None:
        nb = self.nb
        if (nb.get("nbformat"), nb.get("nbformat_minor")) != (4, NBFORMAT_MINOR):
            self.fixed(None, f"nbformat {nb.get('nbformat')}.{nb.get('nbformat_minor')}, not 4.5")
            nb["nbformat"], nb["nbformat_minor"] = 4, NBFORMAT_MINOR
        meta = dict(nb.get("metadata", {}))
        want = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
        if meta != want:
            what = []
            if meta.get("kernelspec") != KERNELSPEC:
                name = meta.get("kernelspec", {}).get("name", "none")
                what.append(f"kernelspec '{name}' instead of python3 (Python 3 (ipykernel))")
            if meta.get("language_info") != LANGUAGE_INFO:
                what.append("language_info not the standard one")
            extra = sorted(set(meta) - set(want))
            if extra:
                what.append("extra notebook metadata " + ", ".join(extra))
            self.fixed(None, "; ".join(what))
            nb["metadata"] = nbformat.from_dict(copy.deepcopy(want))  # type: ignore[no-untyped-call]

    # -- each cell --------------------------------------------------------------------

    def clean_cell(self, cell: dict[str, Any]) -> None:
        meta = cell.get("metadata", {})
        dropped = [k for k in meta if k not in (*_KEPT_METADATA, "jupyter")]
        jupyter = meta.get("jupyter", {})
        if not isinstance(jupyter, dict):
            dropped.append("jupyter")
            jupyter = {}
        dropped += [f"jupyter.{k}" for k in jupyter if k not in _KEPT_JUPYTER]
        if "tags" in meta and not meta["tags"]:
            dropped.append("tags (empty)")
        if dropped:
            kept = {k: meta[k] for k in _KEPT_METADATA if k in meta and meta[k] != []}
            hidden = {k: jupyter[k] for k in _KEPT_JUPYTER if k in jupyter}
            if hidden:
                kept["jupyter"] = hidden
            cell["metadata"] = nbformat.from_dict(kept)  # type: ignore[no-untyped-call]
            self.fixed(cell, "editor metadata " + ", ".join(sorted(dropped)))
        if cell.get("cell_type") != "code":
            for key in ("outputs", "execution_count"):
                if key in cell:
                    del cell[key]
                    self.fixed(cell, f"a {cell.get('cell_type')} cell with {key}")
            return
        views = 0
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if isinstance(data, dict) and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                views += 1
                if not data:
                    continue  # nothing but the view: nothing left to show
            outputs.append(out)
        if views:
            cell["outputs"] = outputs
            self.fixed(cell, f"{views} saved widget view(s) (their text form is kept)")

    def fold_answers(self, cell: dict[str, Any]) -> None:
        """Fold a worked answer (and a teacher-only cell): its code and its stored output.

        The lessons in notebooks/ are the teacher's edition, and ``uv run jupyter lab``
        opens them: a student who opens them sees each worked answer as a folded cell,
        never its result above the exercise it answers.
        """
        if cell.get("cell_type") != "code":
            return
        answer = BEGIN_MARKER in text_of(cell.get("source", ""))
        if not answer and "teacher-only" not in cell_tags(cell):
            return
        meta = cell.setdefault("metadata", {})
        jupyter = meta.setdefault("jupyter", {})
        unfolded = [k for k in _KEPT_JUPYTER if jupyter.get(k) is not True]
        if unfolded:
            for k in unfolded:
                jupyter[k] = True
            what = "a worked answer" if answer else "a teacher-only cell"
            self.fixed(cell, f"{what} with its {' and '.join(unfolded)} not folded")

    def check_run(self, cell: dict[str, Any]) -> None:
        if cell.get("cell_type") != "code":
            return
        tags = cell_tags(cell)
        if RAISES_TAG not in tags:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    last = f"{out.get('ename', '')}: {out.get('evalue', '')}"
                elif out.get("name") == "stderr" and "Traceback" in text_of(out.get("text")):
                    last = text_of(out.get("text"))
                else:
                    continue
                lines = _last_lines(last, 1)
                self.refresh_needed(
                    cell,
                    f"a stored error ({lines[0] if lines else 'no message'})",
                    "fix the cell (or tag it raises-exception if it is meant to fail), then run: ",
                )
                break
        if cell.get("execution_count") is None and _source(cell).strip() and SKIP_TAG not in tags:
            self.refresh_needed(
                cell,
                "a code cell that was never run, so nbval does not check its output",
                "record it: ",
            )

    # -- the generated cells ------------------------------------------------------------

    def navigation(self, want: str) -> None:
        cells = self.nb.cells
        if len(cells) > 1 and _source(cells[1]).startswith(NAV_MARKER):
            nav = cells[1]
            if nav.get("cell_type") != "markdown" or _source(nav) != want:
                self.fixed(nav, "the navigation cell is out of date")
                nav["cell_type"] = "markdown"
                nav["source"] = want
                nav.pop("outputs", None)
                nav.pop("execution_count", None)
            return
        for cell in [c for c in cells[1:] if _source(c).startswith(NAV_MARKER)]:
            self.fixed(
                cell, "a navigation cell that is not the second cell (it belongs after the title)"
            )
            cells.remove(cell)
        self.fixed(2, "no navigation cell after the title cell")
        cells.insert(1, _new_cell("markdown", want))

    def sources(self) -> None:
        cells = self.nb.cells
        want = sources_code(self.number, hand_cited=self.hand_cited)
        last = cells[-1] if cells else None
        if last is not None and last.cell_type == "code" and "lesson_sources(" in _source(last):
            if _source(last) != want:
                self.fixed(last, f"the sources cell's code was not {want}")
                self.refresh_needed(
                    last,
                    "the sources cell's code changed, so its output must be recorded again",
                    "record it: ",
                )
                last.update(source=want, outputs=[], execution_count=None)
        else:
            self.fixed(None, f"no sources cell at the end ({want})")
            self.refresh_needed(None, "the added sources cell has no output yet", "record it: ")
            cells.append(_new_cell("code", want))
        before = cells[-2] if len(cells) > 1 else None
        if (
            before is not None
            and before.cell_type == "markdown"
            and (
                _source(before).startswith(SOURCES_MARKER)
                or _source(before).lstrip().startswith(SOURCES_HEADING)
            )
        ):
            if _source(before) != SOURCES_MARKDOWN:
                self.fixed(before, "the sources heading cell is not the standard text")
                before["source"] = SOURCES_MARKDOWN
        else:
            self.fixed(cells[-1], "no sources heading cell before the sources cell")
            cells.insert(len(cells) - 1, _new_cell("markdown", SOURCES_MARKDOWN))
        for cell in list(cells[:-2]):
            if cell.get("cell_type") != "markdown":
                continue
            text = _source(cell)
            if text.startswith(SOURCES_MARKER):
                self.fixed(cell, "a second sources heading cell")
                cells.remove(cell)
                continue
            lines = text.split("\n")
            at = next((i for i, ln in enumerate(lines) if ln.strip() == SOURCES_HEADING), None)
            if at is None:
                continue
            if any(ln.startswith("#") for ln in lines[at + 1 :]):
                self.problems.append(
                    Finding(
                        self.file,
                        self.position.get(id(cell)),
                        f"a '{SOURCES_HEADING}' heading in the middle of a cell",
                        "delete it: the sources heading cell at the end holds it",
                        fixable=False,
                    )
                )
                continue
            cell["source"] = "\n".join(lines[:at]).rstrip()
            self.fixed(
                cell,
                f"a '{SOURCES_HEADING}' heading at the end of this cell "
                "(it belongs in the sources heading cell, before the last cell)",
            )

    def citations_by_hand(self) -> None:
        """Refuse cells that keep a ``cited`` set (the sources cell, tidy rewrites)."""
        if self.hand_cited:
            return
        code = [c for c in self.nb.cells[:-1] if c.get("cell_type") == "code"]
        for cell in code:
            lines = hand_citations(_source(cell))
            if not lines:
                continue
            more = f" and {len(lines) - 1} more line(s)" if len(lines) > 1 else ""
            self.problems.append(
                Finding(
                    self.file,
                    self.position.get(id(cell)),
                    f"keeps the page's cited sources by hand ({lines[0]}{more})",
                    "delete those lines: charts.show, analogylab.show_table, the explorers, "
                    "ds.cite and the exercises record their sources themselves, and the "
                    "sources cell lists them; then run: analogylab refresh "
                    f"{self.number}{_folder_option(self.folder, '--folder ')}",
                    fixable=False,
                )
            )

    def time_needed(self, minutes_of: _ExerciseMinutes) -> None:
        """Measure the lesson's time and write it into the first cell's "Time needed" line."""
        cells = self.nb.cells
        if not cells or cells[0].get("cell_type") != "markdown":
            return  # lesson_index reports a lesson without its title cell
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            for ex_id in exercise_ids(_source(cell)):
                if minutes_of(ex_id) is None and ex_id in minutes_of.unknown:
                    self.problems.append(
                        Finding(
                            self.file,
                            self.position.get(id(cell)),
                            f"names the exercise '{ex_id}', which the question bank does not "
                            f"hold ({minutes_of.unknown[ex_id]}), so the time needed leaves "
                            "it out",
                            "fix the id, or add the exercise to data/exercises/",
                            fixable=False,
                        )
                    )
        if minutes_of.broken is not None:
            return  # reported once for the folder
        want = measure(cells, minutes_of).line()
        head = cells[0]
        text = _source(head)
        found = time_paragraph(text)
        if found is None:
            self.fixed(head, "no 'Time needed' line in the first cell")
            head["source"] = f"{text.rstrip()}\n\n{want}"
        elif found.group(0) != want:
            said = " ".join(found.group(0).removeprefix(TIME_LABEL).split()).rstrip(".")
            now = want.removeprefix(TIME_LABEL).strip()
            self.fixed(head, f"the time needed is stale: it says '{said}'; measured: '{now}'")
            head["source"] = text[: found.start()] + want + text[found.end() :]

    def ids(self) -> None:
        wrong = [n for n, c in enumerate(self.nb.cells) if c.get("id") != f"cell-{n:02d}"]
        if wrong:
            self.fixed(None, f"{len(wrong)} cell id(s) not cell-00, cell-01, ... in order")
            for n, c in enumerate(self.nb.cells):
                c["id"] = f"cell-{n:02d}"


def _tidy_notebook(
    nb: Any,
    file: str,
    number: str,
    folder: Path,
    nav: str | None,
    *,
    minutes_of: _ExerciseMinutes | None = None,
    lesson: bool = True,
) -> tuple[list[Finding], list[Finding]]:
    """Tidy ``nb`` in memory; return (fixes made, problems left).

    ``lesson=False``: a teachers' notebook (:data:`analogylab.guide.TEACHER_NOTEBOOKS`),
    which gets the metadata, cells, folds and run checks of a lesson, but no navigation,
    sources cells or time needed.
    """
    les = _Lesson(nb, file, number, folder)
    les.format_and_metadata()
    for cell in nb.cells:
        les.clean_cell(cell)
        les.fold_answers(cell)
        les.check_run(cell)
    if lesson:
        les.sources()
        les.citations_by_hand()
        if nav is not None:
            les.navigation(nav)
        les.time_needed(minutes_of if minutes_of is not None else _ExerciseMinutes())
    les.ids()
    order = lambda f: f.cell or 0  # noqa: E731
    return sorted(les.fixes, key=order), sorted(les.problems, key=order)


def _navigation(folder: Path) -> tuple[dict[str, str], list[Finding]]:
    """Each lesson's navigation cell by number, or the reason it cannot be built."""
    try:
        lessons = lesson_index(folder)
    except NotebookError as err:
        return {}, [Finding(_show(Path(err.file)), err.cell, err.message, err.hint, False)]
    return {les.number: navigation_markdown(lessons, les.number) for les in lessons}, []


def tidy(folder: str | Path = DEFAULT_FOLDER, *, check: bool = False) -> TidyReport:
    """Put every lesson of ``folder`` in the standard shape; see the module docstring.

    With ``check=True`` nothing is written and every fix tidy would make is
    reported. Without it, each lesson that changes is rewritten atomically. A
    lesson that cannot be read is reported and left alone.
    """
    folder = Path(folder)
    report = TidyReport(folder, check)
    files = lesson_files(folder)
    navs, report.problems = _navigation(folder)
    for path in sorted(folder.glob("*.ipynb")):
        if is_teacher_notebook(path):
            files.append(path)
        elif not _LESSON_NAME.match(path.name) and not path.name.startswith("."):
            report.problems.append(
                Finding(
                    _show(path),
                    None,
                    "is not named like a lesson (NN-slug.ipynb: two digits, then lower-case "
                    "letters, digits and hyphens), so tidy skips it but nbval still runs it",
                    "rename it, e.g. 08-my-lesson.ipynb, or move it out of this folder",
                    fixable=False,
                )
            )
    minutes_of = _ExerciseMinutes()
    for path in files:
        file = _show(path)
        teacher = is_teacher_notebook(path)
        number = path.stem if teacher else path.name[:2]
        try:
            nb = read_notebook(path, file)
        except NotebookError as err:
            report.problems.append(Finding(file, None, err.message, err.hint, False))
            continue
        before = path.read_text(encoding="utf-8")
        fixes, problems = _tidy_notebook(
            nb,
            file,
            number,
            folder,
            None if teacher else navs.get(number),
            minutes_of=minutes_of,
            lesson=not teacher,
        )
        after = _text(nb)
        if after != before and not fixes:
            fixes.append(
                Finding(
                    file,
                    None,
                    "the file's JSON layout is not nbformat's",
                    f"run: analogylab tidy{_folder_option(folder)}",
                    True,
                )
            )
        report.fixes += fixes
        report.problems += problems
        if after != before and not check:
            _write_atomic(path, after)
            report.written.append(path)
    if minutes_of.broken is not None:
        report.problems.append(
            Finding(
                "the question bank",
                None,
                f"cannot be read ({minutes_of.broken}), so no lesson's time needed was measured",
                "run: analogylab validate, and fix what it reports",
                fixable=False,
            )
        )
    return report


def resolve_lessons(names: Sequence[str], folder: str | Path = DEFAULT_FOLDER) -> list[Path]:
    """The lesson files that ``names`` mean: paths, file names or numbers (``03``, ``3``).

    No names means every lesson of ``folder``. A name that matches no lesson is an
    error that lists the lessons there are.
    """
    folder = Path(folder)
    if not names:
        return lesson_files(folder)
    found = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            found.append(path)
            continue
        if name.isdigit() and len(name) <= 2:
            matches = sorted(folder.glob(f"{int(name):02d}-*.ipynb"))
        else:
            stem = path.name.removesuffix(".ipynb")
            matches = [folder / f"{stem}.ipynb"] if (folder / f"{stem}.ipynb").is_file() else []
        if len(matches) != 1:
            known = ", ".join(p.name for p in lesson_files(folder))
            raise NotebookError(
                name,
                f"is not a lesson in {_show(folder)}",
                f"give a number (03), a file name or a path; the lessons are: {known}",
            )
        found.append(matches[0])
    return found


def _poll_in_slices(kc: Any) -> None:
    """Make kernel client ``kc`` wait for messages in short slices, not in one long wait.

    On these machines a lesson now and then stood still for exactly the cell timeout
    (120 s) and then went on, its reply found only when the wait ran out: the
    asynchronous socket poll missed the wake-up for a message already there (compare
    jupyter/nbclient#312 and the "Intermittent hang" in ``../shared/notes/toolchain.md``).
    nbclient has no setting for this: it waits for a cell's reply in one ``get_msg``
    call as long as the whole cell timeout (``shell_timeout_interval`` is not used
    there, and is whole seconds anyway), and for its outputs with no timeout at all.
    So each channel's ``get_msg`` is wrapped: it polls again every :data:`_SLICE`
    seconds, which finds such a message at once, and gives up (``queue.Empty``) at
    the same deadline as before, so the timeout error stays as nbclient sets it.
    """
    from queue import Empty  # noqa: PLC0415

    for name in ("shell_channel", "iopub_channel"):
        channel = getattr(kc, name)
        wait = channel.get_msg

        async def get_msg(timeout: float | None = None, _wait: Any = wait) -> Any:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                left = _SLICE if deadline is None else deadline - time.monotonic()
                try:
                    return await _wait(timeout=max(0.0, min(_SLICE, left)))
                except Empty:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise

        channel.get_msg = get_msg


def _last_lines(text: str, n: int) -> list[str]:
    """The last ``n`` non-blank lines of ``text``, without colour codes."""
    return [ln.strip() for ln in _ANSI.sub("", text).splitlines() if ln.strip()][-n:]


def execute_lesson(
    path: str | Path,
    nb: Any = None,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    on_cell: Callable[[int], None] | None = None,
    then: str = "",
    shipped_data: bool = True,
) -> Any:
    """Run every cell of lesson ``path`` and return the executed notebook.

    ``nb`` is the lesson's notebook if the caller has already read (or changed) it;
    it is executed in place. Otherwise the file is read; it is never written here.
    ``analogylab refresh`` and ``analogylab build-html`` both run lessons through
    this function, so a lesson runs the same way for both. Each setting, and why:

    - the kernel is ``python3`` (the lessons' kernelspec) started in the lesson's
      folder, as JupyterLab and nbval start it, so relative paths in a lesson work;
    - ``ANALOGYLAB_HOME`` is a fresh temporary folder, so the outputs show no
      teacher's or student's recorded answers, and running a lesson records none;
    - with ``shipped_data`` (refresh), ``ANALOGYLAB_DATA`` is unset, so the stored
      outputs, which nbval compares with the shipped data, never come from a teacher's
      own copy; the reader edition passes False, so a course that set
      ``ANALOGYLAB_DATA`` to its edited data publishes that data;
    - ``MPLBACKEND`` is unset, so charts are drawn with the kernel's inline backend
      (a backend such as ``Agg`` set in the shell would leave the outputs without
      their images);
    - each cell may run ``timeout`` seconds; a kernel client that misses a message
      no longer waits out that whole timeout (see :func:`_poll_in_slices`);
    - no execution timings are recorded (they would change the stored lessons on
      every run). Widget state is kept in the notebook's metadata: the reader
      edition draws the explorers from it, and nbclient needs it to follow an Output
      widget (without it, a lesson with an explorer fails with a KeyError); tidy
      drops it again from a refreshed lesson;
    - the kernel's own stderr (start-up warnings, logging) goes to a temporary log,
      not the terminal; if the kernel dies, what it wrote there during the last
      cell (such as "Fatal Python error: Segmentation fault") says why.

    ``on_cell(n)`` is called with each cell's 1-based number as it starts. A cell
    that raises (unless tagged ``raises-exception``), runs longer than ``timeout``
    seconds or kills the kernel raises NotebookError naming the file, the cell and
    the error's last line; ``then`` is added to its hint (what happened to the
    caller's files and what to run once the cell is fixed).
    """
    from nbclient import NotebookClient  # noqa: PLC0415  (imports a kernel client: slow)
    from nbclient.exceptions import (  # noqa: PLC0415
        CellExecutionError,
        CellTimeoutError,
        DeadKernelError,
    )

    path = Path(path)
    file = _show(path)
    if nb is None:
        nb = read_notebook(path, file)
    current = [0]
    logged = [0]  # how much of the kernel's log was written before the current cell

    def started(cell_index: int, **_: Any) -> None:
        current[0] = cell_index + 1
        logged[0] = os.fstat(log.fileno()).st_size
        if on_cell is not None:
            on_cell(cell_index + 1)

    def fail(message: str, fix: str) -> NotebookError:
        return NotebookError(file, message, f"{fix}; {then}" if then else fix, cell=current[0])

    drop = {"ANALOGYLAB_DATA", "MPLBACKEND"} if shipped_data else {"MPLBACKEND"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    with (
        tempfile.TemporaryDirectory(prefix="analogylab-home-") as home,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log,
    ):
        env["ANALOGYLAB_HOME"] = home
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            record_timing=False,
            store_widget_state=True,
            on_cell_start=started,
        )
        client.on_notebook_start = lambda **_: _poll_in_slices(client.kc)
        try:
            client.execute(env=env, stderr=log)
        except CellTimeoutError:
            raise fail(
                f"the cell did not finish within {timeout} s",
                f"make the cell faster, or allow more time with --timeout {timeout * 2}",
            ) from None
        except CellExecutionError as err:
            last = _last_lines(f"{err.ename}: {err.evalue}", 1)
            raise fail(
                f"the cell raised {last[0] if last else err.ename}",
                "fix the cell (or tag it raises-exception if it is meant to fail)",
            ) from None
        except DeadKernelError:
            log.seek(logged[0])  # what the kernel said while the cell ran, not at start-up
            said = _last_lines(log.read(), 3)
            raise fail(
                "the kernel died" + (f" ({' / '.join(said)})" if said else ""), "fix the cell"
            ) from None
    return nb


def refresh(
    path: str | Path,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    on_cell: Callable[[int], None] | None = None,
) -> bool:
    """Re-execute lesson ``path`` in place; return True if the file changed.

    The lesson is tidied (so that the sources cell runs its current code), executed
    by :func:`execute_lesson` (its folder, a fresh answer store, the shipped data),
    and tidied again. A cell that raises (unless tagged ``raises-exception``), runs
    longer than ``timeout`` seconds or kills the kernel raises NotebookError naming
    the file, the cell and the error, and leaves the file as it was. ``on_cell(n)``
    is called with each cell's 1-based number as it starts.
    """
    path = Path(path)
    file = _show(path)
    folder = path.parent
    teacher = is_teacher_notebook(path)
    number = path.stem if teacher else path.name[:2]
    if not teacher and not _LESSON_NAME.match(path.name):
        raise NotebookError(
            file,
            "is not a lesson (a file named NN-slug.ipynb)",
            "rename it, e.g. 08-my-lesson.ipynb",
        )
    before = path.read_text(encoding="utf-8")
    nb = read_notebook(path, file)
    navs, _ = _navigation(folder)
    nav = None if teacher else navs.get(number)
    _tidy_notebook(nb, file, number, folder, nav, lesson=not teacher)
    again = f"analogylab refresh {number}{_folder_option(folder, '--folder ')}"
    execute_lesson(
        path,
        nb,
        timeout=timeout,
        on_cell=on_cell,
        then=f"the lesson file was not changed. Then run: {again}",
    )
    _tidy_notebook(nb, file, number, folder, nav, lesson=not teacher)
    after = _text(nb)
    if after == before:
        return False
    _write_atomic(path, after)
    return True
