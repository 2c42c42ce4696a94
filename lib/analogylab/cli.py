"""The ``analogylab`` command.

``analogylab validate [PATH]``  check a data folder; exit 0 if good, 1 if not, and
                                print one ``FILE:ROW:COLUMN: problem; fix`` line each.
``analogylab info [PATH]``      list the tables, their row counts and where the data
                                was read from.
``analogylab new-case ID [FOLDER]``  start the files of a case of your own (one CSV per
                                table, with its header, and the guide), and say what next.

For students and teachers (answers are kept in the answer store; see README):

``analogylab progress``                    each exercise: attempts and best score
``analogylab export --format csv|json``    your answers, to hand in (``--out FILE``)
``analogylab merge FILE... --out FILE``    a class's exports in one table
``analogylab reset [--lesson NN]``         delete recorded answers (asks first)
``analogylab build-student OUTDIR``        the lessons without solutions, for students
``analogylab build-html OUTDIR``           the lessons as static web pages, for reading
                                           without Jupyter (``--answers`` adds the keys)
``analogylab report FILE... --out DIR``    a class report from the class's answers
                                           (``--anonymous`` hides the names)
``analogylab hub-link --hub URL --repo URL``  the nbgitpuller link students click on a
                                           JupyterHub (see deploy/jupyterhub/README.md)

For teachers who edit lessons (see CONTRIBUTING.md):

``analogylab tidy [FOLDER] [--check]``     the lessons' metadata, navigation and sources
                                           cells in the standard shape; stored errors and
                                           cells never run are reported
``analogylab refresh [LESSON ...]``        re-execute lessons to record their outputs
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analogylab._version import __version__
from analogylab.errors import AnalogylabError
from analogylab.schema import read_package
from analogylab.validate import find_data, validate

__all__ = ["main"]


def _validate(args: argparse.Namespace) -> int:
    report = validate(args.path)
    for p in report.problems:
        print(p)
    print(report.summary())
    return 0 if report.ok else 1


def _info(args: argparse.Namespace) -> int:
    root = find_data(args.path)
    pkg = read_package(root)
    report = validate(root)
    print(f"data read from: {root.resolve()}")
    print(f"{pkg.descriptor.get('title', pkg.descriptor.get('name', ''))}")
    width = max(len(n) for n in pkg.names)
    for r in pkg.resources:
        rows = report.rows.get(r.name)
        count = "missing" if rows is None else f"{rows:>5} rows"
        print(f"  {r.name:<{width}}  {count}  {r.title}")
    print(report.summary())
    return 0 if report.ok else 1


def _new_case(args: argparse.Namespace) -> int:
    from analogylab.newcase import new_case  # noqa: PLC0415

    print(new_case(args.case_id, args.folder, data=args.data).next_steps())
    return 0


def _progress(args: argparse.Namespace) -> int:
    import pandas as pd  # noqa: PLC0415

    from analogylab.exercises import progress  # noqa: PLC0415
    from analogylab.store import open_store  # noqa: PLC0415

    table = progress(args.lesson)
    store = open_store()
    print(f"answers kept in: {store.path}")
    if table.empty:
        print("no exercises in the bank" + (f" for lesson {args.lesson}" if args.lesson else ""))
        return 0
    shown = table[["exercise_id", "kind", "attempts", "last_status", "earned", "points"]]
    shown = shown.astype(object).where(shown.notna(), "-")
    with pd.option_context("display.width", 120, "display.max_rows", 500):
        print(shown.to_string(index=False, na_rep="-"))
    tried = int((table.attempts > 0).sum())
    earned = float(table.earned.fillna(0).sum())
    print(
        f"{tried} of {len(table)} exercises tried; {earned:g} of "
        f"{float(table.points.sum()):g} points"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from analogylab.store import export_answers, open_store  # noqa: PLC0415

    store = open_store()
    text = export_answers(store, args.format, args.out, student=args.student)
    if args.out:
        n = len(store.attempts())
        print(f"wrote {n} attempt(s) to {args.out}; hand in that file", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _merge(args: argparse.Namespace) -> int:
    from analogylab.store import merge_exports  # noqa: PLC0415

    table = merge_exports(args.files, args.out)
    students = table["student"].nunique() if not table.empty else 0
    print(f"merged {len(table)} attempt(s) from {students} student(s) into {args.out}")
    return 0


def _reset(args: argparse.Namespace) -> int:
    from analogylab.store import open_store  # noqa: PLC0415

    store = open_store()
    what = f"lesson {args.lesson}'s" if args.lesson else "ALL"
    n = len(store.attempts(lesson=args.lesson))
    if not args.yes:
        print(
            f"Delete {what} recorded answers ({n} attempt(s)) in {store.path}? "
            "Export them first if you need them (analogylab export).",
            file=sys.stderr,
        )
        try:
            reply = input("Type yes to delete: ")
        except EOFError:
            reply = ""
        if reply.strip().lower() != "yes":
            print("nothing deleted", file=sys.stderr)
            return 1
    deleted = store.reset(args.lesson)
    print(f"deleted {deleted} attempt(s)")
    return 0


def _build_student(args: argparse.Namespace) -> int:
    from analogylab.student import build_student  # noqa: PLC0415

    written = build_student(args.outdir, args.notebooks)
    for path in written:
        print(path)
    print(f"wrote the student edition of {len(written)} lesson(s) to {args.outdir}")
    return 0


def _build_html(args: argparse.Namespace) -> int:
    from analogylab.reader import build_html  # noqa: PLC0415

    site = build_html(
        args.outdir,
        args.folder,
        execute=not args.no_execute,
        answers=args.answers,
        force=args.force,
        timeout=args.timeout,
        on_lesson=lambda lesson, seconds: print(f"{lesson.label}: {seconds:.1f} s", flush=True),
    )
    print(site.summary())
    return 0


def _report(args: argparse.Namespace) -> int:
    from analogylab.report import class_report  # noqa: PLC0415

    report = class_report(args.files, roster=args.roster, anonymous=args.anonymous)
    page = report.write(args.out, force=args.force)
    print(f"wrote the class report to {page}: {report.summary()}")
    return 0


def _hub_link(args: argparse.Namespace) -> int:
    from analogylab.hub import DEFAULT_LESSON, hub_link, lesson_path  # noqa: PLC0415

    lesson = lesson_path(args.lesson, args.notebooks) if args.lesson else DEFAULT_LESSON
    print(
        hub_link(
            args.hub, args.repo, branch=args.branch, lesson=lesson, folder=args.folder, app=args.app
        )
    )
    return 0


def _tidy(args: argparse.Namespace) -> int:
    from analogylab.notebooks import tidy  # noqa: PLC0415

    report = tidy(args.folder, check=args.check)
    for line in report.lines():
        print(line)
    if report.ok:
        print(f"{len(report.written)} lesson(s) tidied" if report.written else "all lessons tidy")
        return 0
    if args.check:
        print(f"{len(report.fixes) + len(report.problems)} problem(s)", file=sys.stderr)
    else:
        print(f"{len(report.problems)} problem(s) tidy cannot fix", file=sys.stderr)
    return 1


def _refresh(args: argparse.Namespace) -> int:
    import time  # noqa: PLC0415

    from analogylab.errors import NotebookError  # noqa: PLC0415
    from analogylab.notebooks import refresh, resolve_lessons  # noqa: PLC0415

    failed = 0
    for path in resolve_lessons(args.lessons, args.folder):
        start = time.perf_counter()
        print(f"refreshing {path} ...", end="", flush=True)
        try:
            changed = refresh(path, timeout=args.timeout)
        except NotebookError as e:
            print(" failed", flush=True)
            print(f"analogylab: {e}", file=sys.stderr)
            failed += 1
            continue
        print(f" {'changed' if changed else 'unchanged'} ({time.perf_counter() - start:.0f} s)")
    return 1 if failed else 0


# analogylab.notebooks.DEFAULT_TIMEOUT, written out: importing that module loads nbformat,
# which would slow every command down by a second or more. tests/test_tidy.py checks they agree.
_CELL_TIMEOUT = 120


def _timeout_option(p: argparse.ArgumentParser) -> None:
    """``--timeout SECONDS`` for the commands that run lessons (build-html, refresh)."""
    p.add_argument(
        "--timeout",
        type=int,
        default=_CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"seconds each cell may run (default: {_CELL_TIMEOUT})",
    )


def _class_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``report`` and ``hub-link`` (kept apart from build_parser, which is long enough)."""
    p = sub.add_parser("report", help="a class report (HTML) from the class's answers")
    p.add_argument("files", nargs="+", help="the merged table, or the students' exports")
    p.add_argument("--out", required=True, help="folder to write the report to (index.html)")
    p.add_argument("--roster", help="the class list (one name a line, or a CSV with student)")
    p.add_argument("--anonymous", action="store_true", help="hide every student's name")
    p.add_argument("--force", action="store_true", help="replace a non-empty OUT folder")
    p.set_defaults(func=_report)
    p = sub.add_parser("hub-link", help="the nbgitpuller link students click on a JupyterHub")
    p.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    p.add_argument("--repo", required=True, help="the course repository's git address")
    p.add_argument("--branch", default="main", help="the branch to pull (default: main)")
    p.add_argument("--lesson", help="the lesson to open: 03, a file name or a path (default: 00)")
    p.add_argument("--folder", help="the folder in each student's home (default: the repo's name)")
    p.add_argument("--app", choices=["lab", "notebook"], default="lab", help="default: lab")
    p.add_argument("--notebooks", help="where to look --lesson up (default: notebooks/)")
    p.set_defaults(func=_hub_link)


def build_parser() -> argparse.ArgumentParser:  # noqa: PLR0915  (one statement per option)
    """The argument parser (exposed for tests and for --help)."""
    parser = argparse.ArgumentParser(
        prog="analogylab",
        description="Lessons and data for testing a historical analogy with evidence.",
    )
    parser.add_argument("--version", action="version", version=f"analogylab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("validate", help="check a data folder and report every problem")
    p.add_argument("path", nargs="?", help="folder with datapackage.json (default: shipped data)")
    p.set_defaults(func=_validate)
    p = sub.add_parser("info", help="list the tables, their rows and where the data is")
    p.add_argument("path", nargs="?", help="folder with datapackage.json (default: shipped data)")
    p.set_defaults(func=_info)
    p = sub.add_parser("new-case", help="start the files of a case of your own, and say what next")
    p.add_argument("case_id", metavar="ID", help="the new case's id, e.g. us-syria-2012")
    p.add_argument("folder", nargs="?", help="folder to create (default: ./ID)")
    p.add_argument("--data", help="the data the case will join (default: the data in use)")
    p.set_defaults(func=_new_case)
    p = sub.add_parser("progress", help="list each exercise with your attempts and score")
    p.add_argument("--lesson", help="only this lesson, e.g. 02")
    p.set_defaults(func=_progress)
    p = sub.add_parser("export", help="write your answers to a file to hand in")
    p.add_argument("--format", choices=["csv", "json"], default="csv", help="default: csv")
    p.add_argument("--out", help="file to write (default: print)")
    p.add_argument("--student", help="your name, put on every row (default: set_student's)")
    p.set_defaults(func=_export)
    p = sub.add_parser("merge", help="combine a class's exported answers into one table")
    p.add_argument("files", nargs="+", help="exported files (.csv or .json)")
    p.add_argument("--out", required=True, help="file to write (.csv, or .json)")
    p.set_defaults(func=_merge)
    p = sub.add_parser("reset", help="delete recorded answers, after asking")
    p.add_argument("--lesson", help="only this lesson's answers, e.g. 02")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=_reset)
    p = sub.add_parser("build-student", help="write the lessons without solutions")
    p.add_argument("outdir", help="folder to write the student edition to")
    p.add_argument("--notebooks", help="the teacher's lessons (default: notebooks/)")
    p.set_defaults(func=_build_student)
    p = sub.add_parser("build-html", help="write the lessons as static web pages (offline)")
    p.add_argument("outdir", help="folder to write the site to (index.html and one page a lesson)")
    p.add_argument(
        "--folder", "--notebooks", help="the lessons (default: notebooks/ of the project)"
    )
    p.add_argument(
        "--no-execute", action="store_true", help="use the stored outputs (no explorer charts)"
    )
    p.add_argument("--answers", action="store_true", help="show keys and worked answers")
    p.add_argument("--force", action="store_true", help="replace a non-empty OUTDIR")
    _timeout_option(p)
    p.set_defaults(func=_build_html)
    _class_parsers(sub)
    p = sub.add_parser("tidy", help="put the lessons' metadata and generated cells in shape")
    p.add_argument("folder", nargs="?", default="notebooks", help="default: ./notebooks")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if untidy")
    p.set_defaults(func=_tidy)
    p = sub.add_parser("refresh", help="re-execute lessons to record their outputs")
    p.add_argument("lessons", nargs="*", metavar="LESSON", help="03, a file name or a path")
    p.add_argument("--folder", default="notebooks", help="default: ./notebooks")
    _timeout_option(p)
    p.set_defaults(func=_refresh)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AnalogylabError as e:
        print(f"analogylab: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
