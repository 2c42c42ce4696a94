"""The reader edition: a static, offline site of every lesson, with working links.

The lessons are executed once for this module (about a minute); the other checks
run on builds from the stored outputs, or on small made-up lesson folders.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analogylab.cli import main
from analogylab.errors import NotebookError
from analogylab.exercises import load_bank
from analogylab.lessons import lesson_index
from analogylab.reader import EDITION_NOTE, GENERATOR, ReaderSite, build_html
from analogylab.student import BEGIN_MARKER, END_MARKER, default_notebooks

LESSONS = default_notebooks()
EXPLORER_REPR = re.compile(r"^Interactive chart: (.*)\. Run this cell to use its controls\.$")
_FOLDED = re.compile(r'<details class="analogylab-fold">.*?</details>', re.S)
EXERCISE_CALL = re.compile(r"""analogylab\.exercise\(\s*["'](ex-[\w-]+)["']\s*(?:,[^)]*)?\)""")


# --- reading a built site ---------------------------------------------------------------


class _Parsed(HTMLParser):
    """Every tag with its attributes, and every id, of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if "id" in found:
            self.ids.add(found["id"])


def _parse(page: Path) -> _Parsed:
    parsed = _Parsed()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


def broken_links(site: Path) -> list[str]:
    """Every href/src of every page that does not lead to a file (and id) of the site.

    Links out to the web (``http(s)://``, ``mailto:``) are not followed; whether they
    load anything is checked by ``remote_loads``.
    """
    pages = {p: _parse(p) for p in site.rglob("*.html")}
    problems = []
    for page, parsed in pages.items():
        for tag, attrs in parsed.tags:
            for attr in ("href", "src"):
                url = attrs.get(attr)
                if url is None or re.match(r"^(https?:|mailto:)", url):
                    continue
                path, _, fragment = url.partition("#")
                target = (page.parent / path).resolve() if path else page
                where = f"{page.name}: <{tag} {attr}={url!r}>"
                if not target.is_file() or not target.is_relative_to(site.resolve()):
                    problems.append(f"{where}: no such file in the site")
                elif fragment and target.suffix == ".html":
                    ids = pages[target].ids if target in pages else _parse(target).ids
                    if fragment not in ids:
                        problems.append(f"{where}: no id {fragment!r} in {target.name}")
    return problems


def remote_loads(site: Path) -> list[str]:
    """Everything in the pages that would make a browser fetch something from elsewhere."""
    problems = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag, attrs in _parse(page).tags:
            if tag in {"script", "link", "iframe", "embed", "object", "base"}:
                problems.append(f"{page.name}: a <{tag}> element")
            for attr in ("src", "srcset", "data", "poster"):
                if re.match(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", attrs.get(attr, ""), re.I) and not (
                    attrs[attr].startswith("data:image/")
                ):
                    problems.append(f"{page.name}: <{tag} {attr}={attrs[attr]!r}>")
        for style in re.findall(r"<style>(.*?)</style>", text, re.S):
            if re.search(r"@import|url\(", style):
                problems.append(f"{page.name}: the stylesheet loads a file")
    return problems


def _lesson_pages(site: ReaderSite) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in site.pages[1:]}


def _sections(page: str, css: str) -> list[str]:
    return re.findall(rf'<section class="{css}".*?</section>', page, re.S)


def _notebooks() -> dict[str, Any]:
    return {les.path.stem: nbformat.read(les.path, as_version=4) for les in lesson_index(LESSONS)}


def _explorer_cells(nb: Any) -> int:
    """How many explorers a stored lesson shows (each stores its placeholder text)."""
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if EXPLORER_REPR.match(str(out.get("data", {}).get("text/plain", "")))
    )


def _solution_lines(nb: Any) -> list[str]:
    """The lines between the solution markers of every cell, markers left out."""
    lines = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if BEGIN_MARKER in line:
                inside = True
            elif END_MARKER in line:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


# --- the builds this module checks ------------------------------------------------------


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> ReaderSite:
    """The default edition: every lesson executed, no answers (timed: see the report)."""
    start = time.perf_counter()
    site = build_html(tmp_path_factory.mktemp("executed") / "site")
    print(f"\nexecuted build: {time.perf_counter() - start:.1f} s, {site.summary()}")
    return site


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> ReaderSite:
    """The edition from the stored outputs (--no-execute), no answers."""
    return build_html(tmp_path_factory.mktemp("stored") / "site", execute=False)


@pytest.fixture(scope="module")
def with_answers(tmp_path_factory: pytest.TempPathFactory) -> ReaderSite:
    """The teacher's edition (--answers) from the stored outputs."""
    return build_html(tmp_path_factory.mktemp("answers") / "site", execute=False, answers=True)


@pytest.fixture(params=["executed", "stored", "with_answers"])
def any_site(request: pytest.FixtureRequest) -> ReaderSite:
    """Each of the three builds in turn."""
    site: ReaderSite = request.getfixturevalue(request.param)
    return site


# --- the site as a whole ----------------------------------------------------------------


def test_index_links_every_lesson_in_order(any_site: ReaderSite) -> None:
    """index.html links each lesson of notebooks/ (as found there), in number order."""
    index = (any_site.outdir / "index.html").read_text(encoding="utf-8")
    lessons = lesson_index(LESSONS)
    assert len(lessons) >= 8
    positions = []
    for les in lessons:
        link = f'href="{les.path.stem}.html"'
        assert link in index, les.path.name
        assert (any_site.outdir / f"{les.path.stem}.html").is_file()
        positions.append(index.index(link))
    assert positions == sorted(positions)
    assert "Time needed:" in index and "Purpose:" in index
    assert f'name="generator" content="{GENERATOR}' in index


def test_every_internal_link_resolves(any_site: ReaderSite) -> None:
    """Every href and src of every page leads to a file (and anchor) of the site."""
    assert broken_links(any_site.outdir) == []


def test_nothing_is_loaded_from_the_network(any_site: ReaderSite) -> None:
    """No script, stylesheet link, frame or off-site image; links out to sources are fine."""
    assert remote_loads(any_site.outdir) == []
    pages = "".join(p.read_text(encoding="utf-8") for p in any_site.pages)
    assert "<script" not in pages
    assert 'href="https://' in pages  # the bibliographies link to the cited sources


def test_pages_have_landmarks_title_and_lesson_navigation(stored: ReaderSite) -> None:
    """Each lesson page: lang, title, header/nav/main, and previous/contents/next links."""
    lessons = lesson_index(LESSONS)
    for i, les in enumerate(lessons):
        page = (stored.outdir / f"{les.path.stem}.html").read_text(encoding="utf-8")
        assert '<html lang="en">' in page
        assert f"<title>{les.label}" in page
        for landmark in ("<header>", "<nav ", '<main id="main">', "<footer>"):
            assert landmark in page, (les.path.name, landmark)
        assert page.count("<style>") == 1
        assert '<a href="index.html">Contents</a>' in page
        # what "run the cell below" means on a page: said once, right after the title
        assert page.count(EDITION_NOTE) == 1
        assert page.index("<h1") < page.index(EDITION_NOTE) < page.index("<h2")
        prev = f'rel="prev" href="{lessons[i - 1].path.stem}.html"' if i else 'rel="prev"'
        nxt = f'rel="next" href="{lessons[i + 1].path.stem}.html"' if i + 1 < len(lessons) else ""
        assert (prev in page) == (i > 0)
        if nxt:
            assert nxt in page
        else:
            assert 'rel="next"' not in page
        assert ".ipynb" not in re.sub(r"<pre>.*?</pre>", "", page, flags=re.S)


def _stored_charts_and_rating_tables() -> tuple[int, int]:
    """How many chart images and rating tables the lessons' stored outputs hold."""
    images = tables = 0
    for nb in _notebooks().values():
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                images += "image/png" in data or "image/svg+xml" in data
                tables += str(data.get("text/html", "")).count('class="analogylab-rating-table"')
    return images, tables


def test_images_have_alt_text_and_a_text_twin(any_site: ReaderSite) -> None:
    """Every chart image has a non-empty alt and, right after it, its text twin."""
    count = tables = 0
    for page in any_site.pages:
        text = page.read_text(encoding="utf-8")
        tables += text.count('<div class="analogylab-rating-table"')  # charts that are tables
        for m in re.finditer(r"<img\b[^>]*>", text):
            alt = re.search(r'\balt="([^"]*)"', m.group(0))
            assert alt and alt.group(1).strip(), (page.name, m.group(0)[:80])
            after = text[m.end() : m.end() + 120]
            assert 'class="analogylab-text-twin"' in after, (page.name, after)
            count += 1
    assert count == any_site.images
    # Every stored chart and rating table of the lessons is on the site (an executed build
    # also has the first drawing of each explorer, which the stored lessons keep as text).
    images, rating_tables = _stored_charts_and_rating_tables()
    assert count >= images > 0 and tables == rating_tables


def test_rating_tables_are_tables_with_their_twin(any_site: ReaderSite) -> None:
    """The ACH and hindsight matrices are real tables on the page, each followed by its twin."""
    pages = _lesson_pages(any_site)
    for stem in ("05-competing-hypotheses", "06-hindsight"):
        tables = re.findall(
            r'<div class="analogylab-rating-table".*?</table>.*?</div>(.{0,200})', pages[stem], re.S
        )
        assert tables, stem
        for after in tables:
            assert 'class="analogylab-text-twin"' in after, (stem, after)
        table = pages[stem].split('<div class="analogylab-rating-table"')[1].split("</table>")[0]
        assert "<caption" in table and 'scope="col"' in table and 'scope="row"' in table
        assert "background-color:" in table, "the scale's colours survive the page's cleaning"


def test_no_widget_placeholder_and_no_stderr(any_site: ReaderSite) -> None:
    """A widget is never shown by its plain-text form, and warnings on stderr never show."""
    for page in any_site.pages:
        text = page.read_text(encoding="utf-8")
        for placeholder in (
            "Run this cell to use its controls",
            "run this cell to answer it",
            "VBox(",
            "<IPython.core.display",
            "application/vnd.jupyter",
        ):
            assert placeholder not in text, (page.name, placeholder)
        assert "Warning" not in text, page.name


# --- explorers, exercises and solutions ------------------------------------------------


def test_each_explorer_shows_its_controls_and_initial_chart(executed: ReaderSite) -> None:
    """Every explorer of every lesson: its title, its controls, and the chart it starts with.

    The two explorers that follow the student's own rating grid (lessons 05 and 06)
    start by asking for the grid to be checked, as they do in JupyterLab with no answers.
    """
    pages = _lesson_pages(executed)
    total = 0
    for stem, nb in _notebooks().items():
        blocks = _sections(pages[stem], "explorer")
        assert len(blocks) == _explorer_cells(nb), stem
        for block in blocks:
            assert "Interactive chart in JupyterLab: " in block
            assert re.search(r'<ul class="controls"><li>[^<]+: <strong>', block), block[:300]
            waiting = "press Check" in block and 'role="status"' in block
            assert ("<img " in block) != waiting, block[:300]
            assert waiting == (stem[:2] in {"05", "06"}), stem
        total += len(blocks)
    assert total >= 9


def test_without_execution_explorers_are_a_note(stored: ReaderSite) -> None:
    """--no-execute: each explorer is a note saying the chart is in JupyterLab, no image."""
    pages = _lesson_pages(stored)
    for stem, nb in _notebooks().items():
        blocks = _sections(pages[stem], "explorer")
        assert len(blocks) == _explorer_cells(nb)
        for block in blocks:
            assert "<img" not in block and "built without running the lessons" in block


def _exercise_ids(nb: Any) -> list[str]:
    return [m for cell in nb.cells for m in EXERCISE_CALL.findall(cell.source)]


def _exercise_blocks(site: ReaderSite) -> Iterator[tuple[str, Any, str, str]]:
    """(page, lesson notebook, exercise id, its block) for every exercise of every lesson.

    Fails unless each page shows exactly its lesson's exercises, in the lesson's order.
    """
    pages = _lesson_pages(site)
    for stem, nb in _notebooks().items():
        ids = _exercise_ids(nb)
        blocks = _sections(pages[stem], "exercise")
        shown = [re.search(r'aria-labelledby="([^"]+)"', b) for b in blocks]
        assert [m.group(1) if m else "" for m in shown] == ids, stem
        for ex_id, block in zip(ids, blocks, strict=True):
            yield pages[stem], nb, ex_id, block


def _key_phrases(ex: Any) -> list[str]:
    """Stretches of plain words (no markup) from an exercise's explanations and model answer."""
    texts = [it.explanation for it in (*ex.options, *ex.left, *ex.items)]
    texts += [*ex.explanations.values(), ex.model_answer]
    texts += [reason for row in ex.rationale.values() for reason in row.values()]
    phrases = [m for t in texts for m in re.findall(r"[A-Za-z][A-Za-z0-9 ,;]{30,}", t)]
    return phrases[:6]


def test_exercises_show_the_question_but_no_answer_by_default(executed: ReaderSite) -> None:
    """Each exercise: prompt, options and points from the bank; no key, no explanation."""
    bank = load_bank()
    phrases = 0
    for page, nb, ex_id, block in _exercise_blocks(executed):
        ex = bank[ex_id]
        assert f"{ex.points:g} point" in block
        assert f'analogylab.check("{ex_id}", answer)' in block
        lesson_text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        # A table folded under its summary (show_table or show with folded=) is closed
        # until the student opens it: what it says is not shown by default.
        shown = _FOLDED.sub("", page)
        for phrase in _key_phrases(ex):
            if phrase in lesson_text:
                continue  # the lesson says it too (a reading the question is about)
            assert phrase not in shown, (ex_id, phrase)
            phrases += 1
    assert phrases > 100
    assert not any("Answer and explanations" in page for page in _lesson_pages(executed).values())


def test_answers_edition_shows_every_key_and_explanation(with_answers: ReaderSite) -> None:
    """--answers: each exercise has an 'Answer and explanations' block with its key."""
    bank = load_bank()
    phrases = 0
    for _page, _nb, ex_id, block in _exercise_blocks(with_answers):
        answer = block.split('<details class="answer"><summary>Answer and explanations')
        assert len(answer) == 2, ex_id
        for phrase in _key_phrases(bank[ex_id]):
            assert phrase in answer[1], (ex_id, phrase)
            phrases += 1
    assert phrases > 100


def test_solution_cells_are_hidden_by_default_and_shown_with_answers(
    executed: ReaderSite, with_answers: ReaderSite
) -> None:
    """Worked answers (between the solution markers) and their outputs stay out by default."""
    default, answers = _lesson_pages(executed), _lesson_pages(with_answers)
    checked = 0
    for stem, nb in _notebooks().items():
        for line in _solution_lines(nb):
            escaped = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            escaped = escaped.replace('"', "&quot;").replace("'", "&#x27;")
            assert escaped not in default[stem], (stem, line)
            assert escaped in answers[stem], (stem, line)
            checked += 1
        if _solution_lines(nb):
            assert "A worked answer is left out of this edition." in default[stem]
            assert "**The answer" not in default[stem] and "The answer:" not in default[stem]
    assert checked > 0  # the lessons keep a few worked answers in code (4 lines in 2026-12)


# --- made-up lesson folders: links, bad input ------------------------------------------


def _lesson(number: str, title: str, *cells: Any) -> Any:
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                f"# {number} · {title}: a test\n\n**Purpose:** to test.\n\n"
                "**Time needed:** about 1 minute."
            ),
            *cells,
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder: README, CONTRIBUTING, data/ with a CSV, two lessons linking out."""
    root = tmp_path / "project"
    (root / "data" / "templates").mkdir(parents=True)
    (root / "data" / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / "README.md").write_text("# Readme\n", encoding="utf-8")
    (root / "CONTRIBUTING.md").write_text("# How to help\n", encoding="utf-8")
    folder = root / "notebooks"
    folder.mkdir()
    links = (
        "## Links\n\n[next lesson](01-second.ipynb#Second-part),"
        " [contents](../README.md#the-lessons),"
        " [the data](../data/x.csv), [how to help](../CONTRIBUTING.md),"
        " [a folder](../data/templates/), [gone](../data/missing.csv),"
        " [a source](https://example.org/paper), [here](#Links)"
    )
    nbformat.write(_lesson("00", "First", new_markdown_cell(links)), folder / "00-first.ipynb")
    second = _lesson("01", "Second", new_markdown_cell("## Second part\n\n[back](00-first.ipynb)"))
    nbformat.write(second, folder / "01-second.ipynb")
    return root


def test_links_to_lessons_readme_and_project_files_work(project: Path, tmp_path: Path) -> None:
    """Lessons link to pages, the README to the index, project files to copies; others are text."""
    site = build_html(tmp_path / "site", project / "notebooks", execute=False)
    page = (site.outdir / "00-first.html").read_text(encoding="utf-8")
    assert 'href="01-second.html#Second-part"' in page
    assert 'href="index.html">contents</a>' in page
    assert 'href="files/data/x.csv"' in page
    assert (site.outdir / "files" / "data" / "x.csv").read_text() == "a,b\n1,2\n"
    assert 'href="files/CONTRIBUTING.md"' in page
    assert '<span class="unlinked">a folder (<code>../data/templates/</code>' in page
    assert '<span class="unlinked">gone (<code>../data/missing.csv</code>' in page
    assert 'href="https://example.org/paper"' in page
    assert broken_links(site.outdir) == []
    assert remote_loads(site.outdir) == []


def test_link_checker_finds_a_broken_link(project: Path, tmp_path: Path) -> None:
    """The link check of this module is real: a link to a missing page or anchor is caught."""
    site = build_html(tmp_path / "site", project / "notebooks", execute=False)
    page = site.outdir / "01-second.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace(
            "</main>", '<a href="02-nowhere.html">x</a><a href="00-first.html#Nope">y</a></main>'
        ),
        encoding="utf-8",
    )
    found = broken_links(site.outdir)
    assert len(found) == 2
    assert "02-nowhere.html" in found[0] and "no id 'Nope'" in found[1]


def test_a_remote_image_in_a_lesson_is_refused(project: Path, tmp_path: Path) -> None:
    """An image from the web would need the network: the build says where it is, writes nothing."""
    folder = project / "notebooks"
    nb = _lesson("00", "First", new_markdown_cell('<img src="https://example.org/a.png" alt="a">'))
    nbformat.write(nb, folder / "00-first.ipynb")
    with pytest.raises(NotebookError, match=r"00-first\.ipynb, cell 2.*from the network"):
        build_html(tmp_path / "site", folder, execute=False)
    assert not (tmp_path / "site").exists()


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site"))


def test_a_cell_error_names_lesson_cell_and_error_and_writes_nothing(
    project: Path, tmp_path: Path
) -> None:
    """A lesson that fails to run stops the build: file, cell, error line; no site at all."""
    folder = project / "notebooks"
    nb = _lesson("01", "Second", new_code_cell("x = 1"), new_code_cell("print(x)\n1 / 0"))
    nbformat.write(nb, folder / "01-second.ipynb")
    out = tmp_path / "site"
    with pytest.raises(NotebookError) as err:
        build_html(out, folder, timeout=60)
    message = str(err.value)
    assert "01-second.ipynb, cell 3" in message
    assert "ZeroDivisionError: division by zero" in message
    assert "nothing was written" in message
    assert not out.exists() and _leftovers(tmp_path) == []


def test_a_stored_error_stops_a_build_without_execution(project: Path, tmp_path: Path) -> None:
    """--no-execute refuses a lesson stored with an error output, naming the cell."""
    folder = project / "notebooks"
    cell = new_code_cell("1 / 0")
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="boom")]
    nbformat.write(_lesson("01", "Second", cell), folder / "01-second.ipynb")
    with pytest.raises(NotebookError, match=r"01-second\.ipynb, cell 2: .*ZeroDivisionError"):
        build_html(tmp_path / "site", folder, execute=False)
    assert not (tmp_path / "site").exists()


def test_a_missing_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command names the folder, says how to fix it, exits 2, and creates nothing."""
    out = tmp_path / "site"
    code = main(["build-html", str(out), "--folder", str(tmp_path / "nope"), "--no-execute"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{tmp_path / 'nope'}: there is no such folder of lessons" in err
    assert "--notebooks" in err or "--folder" in err
    assert not out.exists()


def test_a_non_empty_folder_is_left_alone_unless_forced(project: Path, tmp_path: Path) -> None:
    """An OUTDIR with other files is refused (and kept); --force replaces it."""
    folder = project / "notebooks"
    out = tmp_path / "site"
    out.mkdir()
    (out / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(NotebookError, match="is not empty and is not an earlier reader edition"):
        build_html(out, folder, execute=False)
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
    build_html(out, folder, execute=False, force=True)
    assert not (out / "thesis.docx").exists() and (out / "index.html").is_file()
    assert _leftovers(tmp_path) == []


def test_an_earlier_build_is_replaced_whole(project: Path, tmp_path: Path) -> None:
    """Building again into the same folder replaces it: files of the old build do not linger."""
    folder = project / "notebooks"
    out = tmp_path / "site"
    build_html(out, folder, execute=False)
    (out / "img").mkdir(exist_ok=True)
    (out / "img" / "stale.png").write_bytes(b"old")
    build_html(out, folder, execute=False)
    assert not (out / "img" / "stale.png").exists()
    assert _leftovers(tmp_path) == []


def test_the_lessons_folder_is_never_an_outdir(project: Path) -> None:
    """Not even --force may replace the folder that holds the lessons (or one above it)."""
    folder = project / "notebooks"
    for out in (folder, project):
        with pytest.raises(NotebookError, match="holds the lessons"):
            build_html(out, folder, execute=False, force=True)
    assert (folder / "00-first.ipynb").is_file()


def test_command_line_builds_and_reports(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`analogylab build-html OUTDIR --folder F --no-execute --answers` writes the site."""
    out = tmp_path / "site"
    code = main(["build-html", str(out), "--folder", str(project / "notebooks"), "--no-execute"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "00 First: " in printed and "01 Second: " in printed
    assert f"wrote the reader edition of 2 lesson(s) to {out}" in printed
    assert json.dumps(sorted(p.name for p in out.glob("*.html"))) == json.dumps(
        ["00-first.html", "01-second.html", "index.html"]
    )
