"""analogylab: test a historical analogy with cited evidence.

Load the curated, cited tables with ``load_dataset()``; check a copy you have
edited with ``validate(path)``. Answer the lessons' exercises with
``exercise("ex-02-3")`` (a widget) or ``check("ex-02-3", answer)`` (plain
Python); every attempt is kept, and ``progress()`` lists them. See README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analogylab._version import __version__
from analogylab.data import Dataset, load_dataset, load_table
from analogylab.errors import (
    AnalogylabError,
    AnswerStoreError,
    AnswerStoreWarning,
    DataNotFoundError,
    DataPackageError,
    DataValidationError,
    ExerciseBankError,
    NotebookError,
    UnknownIdError,
    UnknownTableError,
)
from analogylab.exercises import (
    Feedback,
    check,
    hint,
    load_bank,
    progress,
    progress_by_lesson,
    set_student,
    solution,
)
from analogylab.validate import Problem, ValidationReport, find_data, validate

if TYPE_CHECKING:
    from analogylab.exercise_widgets import ExerciseWidget, exercise, progress_panel

__all__ = [
    "AnalogylabError",
    "AnswerStoreError",
    "AnswerStoreWarning",
    "DataNotFoundError",
    "DataPackageError",
    "DataValidationError",
    "Dataset",
    "ExerciseBankError",
    "ExerciseWidget",
    "Feedback",
    "NotebookError",
    "Problem",
    "UnknownIdError",
    "UnknownTableError",
    "ValidationReport",
    "__version__",
    "check",
    "exercise",
    "find_data",
    "hint",
    "load_bank",
    "load_dataset",
    "load_table",
    "progress",
    "progress_by_lesson",
    "progress_panel",
    "set_student",
    "solution",
    "validate",
]

_WIDGETS = {"ExerciseWidget", "exercise", "progress_panel"}


def __getattr__(name: str) -> Any:
    """Import the widgets (and ipywidgets) only when a lesson first asks for one."""
    if name in _WIDGETS:
        from analogylab import exercise_widgets  # noqa: PLC0415

        return getattr(exercise_widgets, name)
    raise AttributeError(f"module 'analogylab' has no attribute {name!r}")
