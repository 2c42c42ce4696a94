"""Build the student edition of the lessons from the teacher edition.

The lessons in ``notebooks/`` are the teacher edition: stored with outputs, with the
answers in place. Teachers mark answer code with nbgrader's markers, lines containing
``### BEGIN SOLUTION`` and ``### END SOLUTION`` (in any comment style, e.g.
``# ### BEGIN SOLUTION`` in code, ``<!-- ### BEGIN SOLUTION -->`` in Markdown), and tag
whole cells ``teacher-only``. The student edition:

- replaces each marked region of a code cell by a skeleton that keeps the names the
  answer assigns (``NAME = ...  # your answer here``), and each marked region of a
  Markdown cell by ``*Write your answer here.*``;
- tags every code cell that had a region ``raises-exception``, so that "run all" goes
  on past a skeleton that fails until the student has filled it in;
- drops the ``teacher-only`` cells, and every stored output (which would show the
  answers);
- marks the notebook's metadata ``analogylab.edition = "student"``.

Nothing is written unless every notebook is well formed.
"""

from __future__ import annotations

import copy
import io
import keyword
import re
import shutil
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from analogylab.errors import NotebookError
from analogylab.lessons import cell_tags

__all__ = [
    "BEGIN_MARKER",
    "CODE_PLACEHOLDER",
    "END_MARKER",
    "MARKDOWN_PLACEHOLDER",
    "RAISES_TAG",
    "TEACHER_ONLY_TAG",
    "build_student",
    "default_notebooks",
    "read_notebook",
    "strip_solutions",
]

BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
TEACHER_ONLY_TAG = "teacher-only"
RAISES_TAG = "raises-exception"
CODE_PLACEHOLDER = "...  # your answer here"
MARKDOWN_PLACEHOLDER = "*Write your answer here.*"

# `NAME = <anything>` or `NAME: type = <anything>`, not `NAME == ...` or `NAME += ...`.
_ASSIGNMENT = re.compile(r"(?P<indent>[ \t]*)(?P<name>[^\W\d]\w*)\s*(?::[^=]*)?=(?!=)")


@dataclass(frozen=True)
class _Region:
    """Lines ``begin`` .. ``end`` (0-based, markers included) of a cell's source."""

    begin: int
    end: int


def _find_regions(lines: list[str]) -> list[_Region]:
    """The solution regions of a cell, or NotebookError for a missing marker."""
    regions: list[_Region] = []
    opened: int | None = None
    for number, line in enumerate(lines):
        if BEGIN_MARKER in line:
            if opened is not None:
                raise NotebookError(
                    "cell source",
                    f"`{BEGIN_MARKER}` on line {number + 1} opens a region inside the one "
                    f"opened on line {opened + 1}, which has no `{END_MARKER}` yet",
                    f"add a `{END_MARKER}` line where the first answer ends "
                    "(regions cannot be nested)",
                )
            opened = number
        elif END_MARKER in line:
            if opened is None:
                raise NotebookError(
                    "cell source",
                    f"`{END_MARKER}` on line {number + 1} has no `{BEGIN_MARKER}` before it",
                    f"add a `{BEGIN_MARKER}` line where the answer starts, "
                    "or delete the stray marker",
                )
            regions.append(_Region(opened, number))
            opened = None
    if opened is not None:
        raise NotebookError(
            "cell source",
            f"`{BEGIN_MARKER}` on line {opened + 1} has no matching `{END_MARKER}`",
            f"add a `{END_MARKER}` line where the answer ends",
        )
    return regions


def _indent(line: str) -> str:
    """The leading whitespace of a line."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def _statement_starts(body: list[str]) -> set[int] | None:
    """Indexes of the lines of ``body`` on which a Python statement starts.

    Lines inside brackets or multi-line strings are continuation lines, not statements.
    ``None`` when the code cannot be tokenized (then every line counts).
    """
    starts: set[int] = set()
    at_start = True
    skip = {tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("".join(body)).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    for token in tokens:
        if token.type == tokenize.NEWLINE:
            at_start = True
        elif at_start and token.type not in skip and token.type != tokenize.ENDMARKER:
            starts.add(token.start[0] - 1)
            at_start = False
    return starts


def _skeleton(body: list[str], indent: str) -> list[str]:
    """The skeleton lines (without line ends) of a code region's ``body``."""
    starts = _statement_starts(body)
    kept: list[str] = []
    for index, line in enumerate(body):
        if starts is not None and index not in starts:
            continue
        match = _ASSIGNMENT.match(line)
        if match is None or match["indent"] != indent or keyword.iskeyword(match["name"]):
            continue
        kept.append(f"{indent}{match['name']} = {CODE_PLACEHOLDER}")
    return kept or [f"{indent}{CODE_PLACEHOLDER}"]


def _line_end(line: str) -> str:
    """The line break at the end of ``line`` ('' for the last line of a cell)."""
    return line[len(line.rstrip("\r\n")) :]


def strip_solutions(source: str, cell_type: str = "code") -> tuple[str, bool]:
    """Replace the solution regions of one cell's source; return ``(source, had_region)``.

    A region runs from a line containing ``### BEGIN SOLUTION`` to the next line
    containing ``### END SOLUTION``, markers included. In a code cell each line of the
    region that is a simple assignment at the indentation of the BEGIN line
    (``NAME = ...`` or ``NAME: type = ...``) becomes ``NAME = ...  # your answer here``
    and every other line is dropped; a region with no such line becomes
    ``...  # your answer here``. In a Markdown (or raw) cell the region becomes
    ``*Write your answer here.*``. A source without regions comes back unchanged.

    Raises NotebookError, naming the line and the missing marker, for a BEGIN without
    END, an END without BEGIN, or a BEGIN inside a region.
    """
    if cell_type not in {"code", "markdown", "raw"}:
        raise ValueError(f"cell_type must be 'code', 'markdown' or 'raw', not {cell_type!r}")
    lines = source.splitlines(keepends=True)
    regions = _find_regions(lines)
    if not regions:
        return source, False
    out: list[str] = []
    previous = 0
    for region in regions:
        out.extend(lines[previous : region.begin])
        indent = _indent(lines[region.begin])
        if cell_type == "code":
            new = _skeleton(lines[region.begin + 1 : region.end], indent)
        else:
            new = [f"{indent}{MARKDOWN_PLACEHOLDER}"]
        last_end = _line_end(lines[region.end])
        out.extend(line + (last_end or "\n") for line in new[:-1])
        out.append(new[-1] + last_end)
        previous = region.end + 1
    out.extend(lines[previous:])
    return "".join(out), True


def default_notebooks() -> Path:
    """The ``notebooks/`` folder of the source checkout analogylab is imported from."""
    return Path(__file__).resolve().parents[2] / "notebooks"


def read_notebook(path: Path, file: str | None = None) -> Any:
    """The notebook at ``path`` as nbformat 4, or NotebookError saying how to recover it.

    Every command that reads a lesson (build-student, build-html, tidy, refresh)
    reads it here, so a broken file gets the same message everywhere. ``file`` is
    the name the message gives the file (default: ``path`` as given). nbformat's
    warnings about missing or duplicate cell ids are silenced: ``analogylab tidy``
    renumbers the ids, and no edition depends on them.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)  # type: ignore[no-untyped-call]
    except Exception as err:  # nbformat raises JSON, schema and version errors
        raise NotebookError(
            str(path) if file is None else file,
            f"cannot be read as a notebook ({type(err).__name__}: {err})",
            "open it in JupyterLab and save it again, or restore it from version control",
        ) from err


def _student_edition(teacher: Any, path: Path) -> Any:
    """The student edition of one teacher notebook (a new notebook; ``teacher`` is kept)."""
    nb = copy.deepcopy(teacher)
    cells: list[Any] = []
    for number, cell in enumerate(nb.cells, start=1):
        tags = cell_tags(cell)
        if TEACHER_ONLY_TAG in tags:
            continue
        cell_type = str(cell.get("cell_type", "code"))
        if cell_type in {"code", "markdown", "raw"}:
            try:
                source, had_region = strip_solutions(str(cell.get("source", "")), cell_type)
            except NotebookError as err:
                raise NotebookError(str(path), err.message, err.hint, cell=number) from None
            cell["source"] = source
            if had_region and cell_type == "code" and RAISES_TAG not in tags:
                cell.setdefault("metadata", {})["tags"] = [*tags, RAISES_TAG]
            if had_region:
                # The teacher folds worked answers away; the student's skeleton must show.
                jupyter = cell.get("metadata", {}).get("jupyter", {})
                jupyter.pop("source_hidden", None)
                jupyter.pop("outputs_hidden", None)
                if not jupyter:
                    cell.get("metadata", {}).pop("jupyter", None)
        if cell_type == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cells.append(cell)
    nb["cells"] = cells
    nb.setdefault("metadata", {})["analogylab"] = {"edition": "student"}
    return nb


def _copy_other_files(notebooks: Path, outdir: Path) -> None:
    """Copy what is not a notebook (images ...) from ``notebooks`` so that links work."""
    ignore = shutil.ignore_patterns("*.ipynb", ".*", "__pycache__")
    resolved_out = outdir.resolve()
    for entry in sorted(notebooks.iterdir()):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.resolve() == resolved_out or resolved_out.is_relative_to(entry.resolve()):
            continue  # the output folder itself, inside notebooks/
        if entry.is_dir():
            shutil.copytree(entry, outdir / entry.name, ignore=ignore, dirs_exist_ok=True)
        elif entry.suffix != ".ipynb":
            shutil.copy2(entry, outdir / entry.name)


def _notebook_paths(notebooks: Path) -> list[Path]:
    """The lesson notebooks of a folder, by name.

    Teachers' notebooks (:data:`analogylab.guide.TEACHER_NOTEBOOKS`, the teachers' guide)
    are left out: the student edition is what a class is given.
    """
    from analogylab.guide import is_teacher_notebook  # noqa: PLC0415

    return sorted(
        p
        for p in notebooks.glob("*.ipynb")
        if not p.name.startswith(".") and not is_teacher_notebook(p)
    )


def build_student(outdir: str | Path, notebooks: str | Path | None = None) -> list[Path]:
    """Write the student edition of every ``*.ipynb`` in ``notebooks`` to ``outdir``.

    ``notebooks`` defaults to the ``notebooks/`` folder of the source checkout.
    ``outdir`` is created if needed; other files of ``notebooks`` (images, and
    sub-folders without their notebooks) are copied along so that links keep working.
    Every notebook is read and converted before anything is written: if one has a
    missing marker, NotebookError names the notebook and the cell and nothing is
    written. Returns the paths of the written notebooks, sorted.
    """
    if notebooks is None:
        folder = default_notebooks()
        if not folder.is_dir():
            raise NotebookError(
                str(folder),
                "there is no notebooks/ folder next to the installed analogylab "
                "(it is only there in a source checkout)",
                "pass the folder of the teacher notebooks, e.g. "
                "build_student(outdir, notebooks='path/to/notebooks')",
            )
    else:
        folder = Path(notebooks)
        if not folder.is_dir():
            raise NotebookError(
                str(folder),
                "is not a folder",
                "pass the folder that holds the teacher notebooks (*.ipynb)",
            )
    out = Path(outdir)
    if out.resolve() == folder.resolve():
        raise NotebookError(
            str(out),
            "is the folder of the teacher notebooks, which would be overwritten",
            "choose another output folder, e.g. student/",
        )
    sources = list(_notebook_paths(folder))
    if not sources:
        raise NotebookError(
            str(folder),
            "holds no notebooks (*.ipynb)",
            "pass the folder that holds the teacher notebooks",
        )
    editions = [(path, _student_edition(read_notebook(path), path)) for path in sources]

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path, nb in editions:
        target = out / path.name
        nbformat.write(nb, str(target))  # type: ignore[no-untyped-call]
        written.append(target)
    _copy_other_files(folder, out)
    return sorted(written)
