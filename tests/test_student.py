"""The student edition: answers out, skeletons in, no outputs, and it still runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analogylab.errors import NotebookError
from analogylab.guide import TEACHER_NOTEBOOKS
from analogylab.student import build_student, default_notebooks, strip_solutions

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"


# --- strip_solutions -------------------------------------------------------------------


def test_region_with_assignments_keeps_names() -> None:
    """Assignments in a region become `NAME = ...  # your answer here`; the rest goes."""
    source = (
        "import math\n"
        f"# {BEGIN}\n"
        "radius = 2.0  # the key\n"
        "area: float = math.pi * radius**2\n"
        "print(area)\n"
        f"# {END}\n"
        "print(area)"
    )
    new, had = strip_solutions(source)
    assert had
    assert new == (
        "import math\nradius = ...  # your answer here\narea = ...  # your answer here\nprint(area)"
    )


def test_region_without_assignments_becomes_ellipsis() -> None:
    """A region with no assignment becomes one `...  # your answer here` line."""
    source = f"x = 1\n# {BEGIN}\nprint(x == 2)\nx += 1\nds.summary()\n# {END}\n"
    new, had = strip_solutions(source)
    assert had
    assert new == "x = 1\n...  # your answer here\n"


def test_two_regions_in_one_cell() -> None:
    """Each region is replaced on its own; the code between them is kept."""
    source = f"# {BEGIN}\na = 1\n# {END}\nprint(a)\n# {BEGIN}\nplot(a)\n# {END}\nprint('end')\n"
    new, had = strip_solutions(source)
    assert had
    assert new == "a = ...  # your answer here\nprint(a)\n...  # your answer here\nprint('end')\n"


def test_region_inside_a_function_keeps_indentation() -> None:
    """Skeleton lines keep the region's indentation; deeper lines and continuations go."""
    source = (
        "def rate(events):\n"
        f"    # {BEGIN}\n"
        "    total = sum(\n"
        "        weight=1,\n"
        "    )\n"
        "    for e in events:\n"
        "        total = total + 1\n"
        "    share = total / len(events)\n"
        f"    # {END}\n"
        "    return share\n"
    )
    new, had = strip_solutions(source)
    assert had
    assert new == (
        "def rate(events):\n"
        "    total = ...  # your answer here\n"
        "    share = ...  # your answer here\n"
        "    return share\n"
    )
    empty, _ = strip_solutions(f"def f():\n    # {BEGIN}\n    return 1\n    # {END}\n")
    assert empty == "def f():\n    ...  # your answer here\n"


def test_markdown_region_becomes_prompt() -> None:
    """Markdown regions, plain or inside HTML comments, become `*Write your answer here.*`."""
    source = (
        "**Question:** why?\n\n"
        f"<!-- {BEGIN} -->\n"
        "Because of the *Treaty*.\n"
        f"<!-- {END} -->\n\n"
        f"{BEGIN}\nSecond answer.\n{END}"
    )
    new, had = strip_solutions(source, "markdown")
    assert had
    assert new == ("**Question:** why?\n\n*Write your answer here.*\n\n*Write your answer here.*")


def test_source_without_markers_is_unchanged() -> None:
    """A cell without markers comes back as it was, flagged as having no region."""
    source = "x = 1\nprint(x)\n"
    assert strip_solutions(source) == (source, False)
    assert strip_solutions("# Title", "markdown") == ("# Title", False)


@pytest.mark.parametrize(
    ("source", "missing"),
    [
        (f"# {BEGIN}\nx = 1\n", f"no matching `{END}`"),
        (f"x = 1\n# {END}\n", f"no `{BEGIN}` before it"),
        (f"# {BEGIN}\nx = 1\n# {BEGIN}\ny = 2\n# {END}\n", f"has no `{END}` yet"),
    ],
    ids=["unclosed", "end-without-begin", "nested"],
)
def test_unmatched_markers_raise(source: str, missing: str) -> None:
    """Unclosed, unmatched or nested markers raise NotebookError saying which is missing."""
    with pytest.raises(NotebookError, match="line") as info:
        strip_solutions(source)
    assert missing in str(info.value)


# --- build_student on synthetic notebooks ---------------------------------------------


def _teacher_notebook() -> Any:
    """A teacher notebook: a region, a teacher-only cell, and stored outputs."""
    nb = new_notebook(
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        }
    )
    stream = new_output("stream", name="stdout", text="B\n")
    nb.cells = [
        new_code_cell("x = 1", execution_count=1),
        new_code_cell(
            f'# {BEGIN}\nanswer = "b"  # the key\n# {END}\nprint(answer.upper())',
            execution_count=2,
            outputs=[stream],
        ),
        new_code_cell(
            'print("SECRET-KEY")',
            execution_count=3,
            metadata={"tags": ["teacher-only"]},
            outputs=[new_output("stream", name="stdout", text="SECRET-KEY\n")],
        ),
        new_code_cell(
            'print("done")',
            execution_count=4,
            outputs=[new_output("stream", name="stdout", text="done\n")],
        ),
    ]
    return nb


def _write(nb: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_student_edition_of_synthetic_notebook(tmp_path: Path) -> None:
    """Answers, teacher-only cells and outputs are gone; ids, metadata, images kept."""
    teacher = _teacher_notebook()
    teacher.cells[1].metadata["tags"] = ["raises-exception"]  # already tagged: no duplicate
    src = tmp_path / "notebooks"
    _write(teacher, src / "01-lesson.ipynb")
    _write(new_notebook(cells=[new_markdown_cell("# Two")]), src / "02-two.ipynb")
    (src / "figure.png").write_bytes(b"\x89PNG fake")
    (src / "img").mkdir()
    (src / "img" / "map.svg").write_text("<svg/>")
    _write(teacher, src / "img" / "hidden-teacher.ipynb")

    written = build_student(tmp_path / "student", src)

    out = tmp_path / "student"
    assert written == [out / "01-lesson.ipynb", out / "02-two.ipynb"]
    text = written[0].read_text()
    assert "SECRET-KEY" not in text
    assert '"b"  # the key' not in text
    student = nbformat.read(str(written[0]), as_version=4)
    assert [c.id for c in student.cells] == [teacher.cells[i].id for i in (0, 1, 3)]
    assert all(c.outputs == [] and c.execution_count is None for c in student.cells)
    assert student.cells[1].source == ("answer = ...  # your answer here\nprint(answer.upper())")
    assert student.cells[1].metadata.tags == ["raises-exception"]
    assert "tags" not in student.cells[0].metadata
    assert student.metadata.analogylab == {"edition": "student"}
    assert student.metadata.kernelspec.name == "python3"
    assert (out / "figure.png").read_bytes() == b"\x89PNG fake"
    assert (out / "img" / "map.svg").exists()
    assert not (out / "img" / "hidden-teacher.ipynb").exists()


def test_region_cell_gets_raises_exception_tag(tmp_path: Path) -> None:
    """A code cell with a region is tagged raises-exception; other tags are kept."""
    nb = _teacher_notebook()
    nb.cells[1].metadata["tags"] = ["exercise"]
    src = _write(nb, tmp_path / "nb" / "01-a.ipynb").parent
    (written,) = build_student(tmp_path / "out", src)
    student = nbformat.read(str(written), as_version=4)
    assert student.cells[1].metadata.tags == ["exercise", "raises-exception"]


@pytest.mark.parametrize(
    ("source", "missing"),
    [
        (f"# {BEGIN}\nx = 1", f"no matching `{END}`"),
        (f"x = 1\n# {END}", f"no `{BEGIN}` before it"),
    ],
    ids=["unclosed", "end-without-begin"],
)
def test_bad_notebook_names_file_and_cell_and_writes_nothing(
    tmp_path: Path, source: str, missing: str
) -> None:
    """A missing marker names the notebook and 1-based cell; no notebook is written at all."""
    src = tmp_path / "notebooks"
    _write(_teacher_notebook(), src / "01-good.ipynb")
    bad = _teacher_notebook()
    bad.cells.insert(0, new_markdown_cell("# Title"))
    bad.cells.append(new_code_cell(source))  # cell 6, counting the teacher-only one
    _write(bad, src / "02-bad.ipynb")
    out = tmp_path / "student"
    with pytest.raises(NotebookError) as info:
        build_student(out, src)
    message = str(info.value)
    assert "02-bad.ipynb, cell 6" in message
    assert missing in message
    assert not out.exists()


def test_missing_folder_and_overwrite_are_refused(tmp_path: Path) -> None:
    """A folder that does not exist, or writing over the teacher edition, is refused."""
    with pytest.raises(NotebookError, match="pass the folder"):
        build_student(tmp_path / "out", tmp_path / "nope")
    src = _write(_teacher_notebook(), tmp_path / "nb" / "01-a.ipynb").parent
    with pytest.raises(NotebookError, match="overwritten"):
        build_student(src, src)
    assert nbformat.read(str(src / "01-a.ipynb"), as_version=4).cells[1].outputs


@pytest.mark.slow
def test_student_edition_executes(tmp_path: Path) -> None:
    """The student edition runs top to bottom; only raises-exception cells may fail."""
    from nbclient import NotebookClient

    src = _write(_teacher_notebook(), tmp_path / "notebooks" / "01-lesson.ipynb").parent
    (written,) = build_student(tmp_path / "student", src)
    nb = nbformat.read(str(written), as_version=4)
    client = NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on an error outside a tagged cell
    for cell in nb.cells:
        if "raises-exception" not in cell.metadata.get("tags", []):
            assert not [o for o in cell.get("outputs", []) if o.output_type == "error"]
    assert [o.ename for o in nb.cells[1].outputs if o.output_type == "error"] == ["AttributeError"]
    assert "done" in "".join(o.get("text", "") for o in nb.cells[-1].outputs)


# --- build_student on the real lessons ------------------------------------------------


def _region_lines(nb: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Stripped lines inside solution regions, and lines outside them, of a notebook."""
    inside: set[str] = set()
    outside: set[str] = set()
    for cell in nb["cells"]:
        source = cell["source"]
        in_region = False
        for line in (source if isinstance(source, str) else "".join(source)).splitlines():
            if BEGIN in line:
                in_region = True
            elif END in line:
                in_region = False
            elif "teacher-only" not in cell.get("metadata", {}).get("tags", []):
                (inside if in_region else outside).add(line.strip())
    return inside, outside


def test_real_lessons(tmp_path: Path) -> None:
    """Every lesson gets a student edition with no outputs and no line of any answer."""
    sources = sorted(
        p for p in default_notebooks().glob("*.ipynb") if p.name not in TEACHER_NOTEBOOKS
    )
    assert sources
    assert (default_notebooks() / "teachers-guide.ipynb").is_file()
    written = build_student(tmp_path / "student")
    assert not (tmp_path / "student" / "teachers-guide.ipynb").exists(), "for teachers only"
    assert written == [tmp_path / "student" / p.name for p in sources]
    for source, target in zip(sources, written, strict=True):
        assert target.exists()
        student = json.loads(target.read_text())
        assert student["metadata"]["analogylab"] == {"edition": "student"}
        code = [c for c in student["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
        student_lines = {
            line.strip() for c in student["cells"] for line in "".join(c["source"]).splitlines()
        }
        inside, outside = _region_lines(json.loads(source.read_text()))
        answers = {line for line in inside - outside if len(line) > 3 and line != "..."}
        assert not answers & student_lines, f"answer lines left in {target.name}"
        assert not any(BEGIN in line or END in line for line in student_lines)


@pytest.mark.slow
def test_real_student_edition_runs(tmp_path: Path, answers_home: Path) -> None:
    """Each lesson's student edition runs top to bottom in a kernel, as a student would.

    Cells whose answer was stripped carry raises-exception; every other cell must run
    without error, and the stripped answer reaches check() as `...`, which is answered
    with "no answer yet" (a kept, invalid attempt), not a traceback.
    """
    from nbclient import NotebookClient

    from analogylab.store import AnswerStore

    for target in build_student(tmp_path / "student"):
        nb = nbformat.read(str(target), as_version=4)
        NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(target.parent)}},
        ).execute()
        for cell in nb.cells:
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            if "raises-exception" not in cell.metadata.get("tags", []):
                assert not errors, f"{target.name}: {errors}"
    # ex-04-3 is worked in code in the teacher's edition; the student's copy has `answer = ...`
    last = AnswerStore(answers_home).last("ex-04-3")
    assert last is not None
    assert last.status == "invalid"
    assert "there is no answer yet" in last.message


def test_folded_solution_cell_is_unfolded_for_students(tmp_path: Path) -> None:
    """A worked answer the teacher folded away shows its skeleton, unfolded, to students."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell(f"{BEGIN}\nanswer = 9\n{END}\nprint(answer)")
    cell.metadata["jupyter"] = {"source_hidden": True}
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), cell]
    src = _write(nb, tmp_path / "notebooks" / "01-fold.ipynb").parent
    (written,) = build_student(tmp_path / "student", src)
    out = nbformat.read(str(written), as_version=4).cells[1]
    assert "jupyter" not in out.metadata
    assert out.source.startswith("answer = ...")
