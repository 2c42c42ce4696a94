"""analogylab: test a historical analogy with cited evidence.

Load the curated, cited tables with ``load_dataset()``; check a copy you have
edited with ``validate(path)``. Answer the lessons' exercises with
``exercise("ex-02-3")`` (a widget) or ``check("ex-02-3", answer)`` (plain
Python); every attempt is kept, and ``progress()`` lists them. Show a table for
students to read with ``show_table(ds, frame)``. See README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analogylab._version import __version__
from analogylab.errors import (
    AnalogylabError,
    AnswerStoreError,
    AnswerStoreWarning,
    DataNotFoundError,
    DataPackageError,
    DataValidationError,
    ExerciseBankError,
    HubLinkError,
    IncompleteDataError,
    NewCaseError,
    NotebookError,
    ReportError,
    UnknownIdError,
    UnknownTableError,
)
from analogylab.validate import Problem, ValidationReport, find_data, validate

if TYPE_CHECKING:
    from analogylab import analysis, charts, lessons, widgets
    from analogylab.case_exercises import rating_exercise
    from analogylab.data import Dataset, load_dataset, load_table
    from analogylab.exercise_widgets import ExerciseWidget, exercise, progress_panel
    from analogylab.exercises import (
        Feedback,
        argue,
        check,
        hint,
        last_answer,
        load_bank,
        progress,
        progress_by_lesson,
        set_student,
        solution,
        your_judgements,
    )
    from analogylab.lessons import lesson_sources
    from analogylab.report import ClassReport, class_report
    from analogylab.session import ready
    from analogylab.tables import Table, show_table

__all__ = [
    "AnalogylabError",
    "AnswerStoreError",
    "AnswerStoreWarning",
    "ClassReport",
    "DataNotFoundError",
    "DataPackageError",
    "DataValidationError",
    "Dataset",
    "ExerciseBankError",
    "ExerciseWidget",
    "Feedback",
    "HubLinkError",
    "IncompleteDataError",
    "NewCaseError",
    "NotebookError",
    "Problem",
    "ReportError",
    "Table",
    "UnknownIdError",
    "UnknownTableError",
    "ValidationReport",
    "__version__",
    "analysis",
    "argue",
    "charts",
    "check",
    "class_report",
    "exercise",
    "find_data",
    "hint",
    "last_answer",
    "lesson_sources",
    "lessons",
    "load_bank",
    "load_dataset",
    "load_table",
    "progress",
    "progress_by_lesson",
    "progress_panel",
    "rating_exercise",
    "ready",
    "set_student",
    "show_table",
    "solution",
    "validate",
    "widgets",
    "your_judgements",
]

# Everything that needs pandas, YAML, SQLite or ipywidgets is imported when first used, so
# `import analogylab` is cheap: every kernel of the environment imports analogylab.session at
# start (see session.py), including kernels that never open a lesson.
_LAZY = {
    "Dataset": "data",
    "load_dataset": "data",
    "load_table": "data",
    "ExerciseWidget": "exercise_widgets",
    "exercise": "exercise_widgets",
    "progress_panel": "exercise_widgets",
    "Feedback": "exercises",
    "argue": "exercises",
    "check": "exercises",
    "hint": "exercises",
    "last_answer": "exercises",
    "load_bank": "exercises",
    "progress": "exercises",
    "progress_by_lesson": "exercises",
    "set_student": "exercises",
    "solution": "exercises",
    "your_judgements": "exercises",
    "lesson_sources": "lessons",
    "rating_exercise": "case_exercises",
    "ready": "session",
    "Table": "tables",
    "show_table": "tables",
    "ClassReport": "report",
    "class_report": "report",
}
_SUBMODULES = (
    "analysis",
    "charts",
    "lessons",
    "widgets",
)  # matplotlib and ipywidgets, on first use


def __getattr__(name: str) -> Any:
    """Import the exercise modules only when a lesson first asks for one of their names."""
    if name in _LAZY:
        import importlib  # noqa: PLC0415

        value = getattr(importlib.import_module(f"analogylab.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        import importlib  # noqa: PLC0415

        return importlib.import_module(f"analogylab.{name}")
    raise AttributeError(f"module 'analogylab' has no attribute {name!r}")
