"""Every exception analogylab raises, in one place.

Messages are written for a teacher, not a programmer: they name the file, row,
column and value at fault, and say what to do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from analogylab.validate import Problem, ValidationReport

__all__ = [
    "AnalogylabError",
    "AnswerStoreError",
    "AnswerStoreWarning",
    "DataNotFoundError",
    "DataPackageError",
    "DataValidationError",
    "ExerciseBankError",
    "HubLinkError",
    "IncompleteDataError",
    "NewCaseError",
    "NotebookError",
    "ReportError",
    "UnknownIdError",
    "UnknownTableError",
]


class AnalogylabError(Exception):
    """Base class of every error analogylab raises on purpose."""


class DataNotFoundError(AnalogylabError, FileNotFoundError):
    """No data package where one was expected."""


class DataPackageError(AnalogylabError, ValueError):
    """``datapackage.json`` itself cannot be read (bad JSON, a resource without a schema)."""

    def __init__(
        self, file: str, message: str, hint: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.file, self.message, self.hint = file, message, hint
        self.line, self.column = line, column
        where = file if line is None else f"{file}:{line}:{column}"
        super().__init__(f"{where}: {message}; {hint}")


class DataValidationError(AnalogylabError, ValueError):
    """The data package has problems; nothing was loaded.

    The full report is on ``.report``; the message lists the first problems.
    """

    def __init__(self, report: ValidationReport, *, shown: int = 10) -> None:
        self.report = report
        lines = [str(p) for p in report.problems[:shown]]
        more = len(report.problems) - shown
        if more > 0:
            lines.append(
                f"... and {more} more: run `analogylab validate {report.path}` to see all."
            )
        super().__init__(
            f"the data in {report.path} has {len(report.problems)} problem(s), "
            "so nothing was loaded:\n" + "\n".join(lines)
        )


class IncompleteDataError(AnalogylabError, ValueError):
    """A pair of cases, a case or an event is only partly filled in, so nothing is computed.

    Raised by the analysis functions, charts and text twins (never a silent partial
    result), with the very lines ``analogylab validate`` prints for the same gap;
    they are on ``.problems``. A likeness pair judged on some dimensions but not all,
    a case rated on some evidence x hypothesis pairs but not all, an event held
    against some hypotheses of its case but not all.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NewCaseError(AnalogylabError, ValueError):
    """``analogylab new-case`` cannot start the case as asked (a bad or taken id, a busy folder)."""


class ExerciseBankError(AnalogylabError, ValueError):
    """The exercise bank has problems; they are on ``.problems``."""

    def __init__(self, problems: Sequence[Problem], *, shown: int = 10) -> None:
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:shown]]
        if len(self.problems) > shown:
            lines.append(f"... and {len(self.problems) - shown} more")
        super().__init__(
            f"the exercise bank has {len(self.problems)} problem(s); fix them and run the "
            "cell again (`analogylab validate` lists them all):\n" + "\n".join(lines)
        )


class UnknownTableError(AnalogylabError, KeyError):
    """A table name that the data package does not describe."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownIdError(AnalogylabError, KeyError):
    """An id (actor, source, case ...) that is not in its table."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class NotebookError(AnalogylabError, ValueError):
    """A lesson notebook is not in the shape the tools need (student edition, navigation).

    ``file`` is the notebook (or folder) at fault, ``cell`` the 1-based number of the
    cell counting every cell (``None`` when the fault is not in one cell).
    """

    def __init__(self, file: str, message: str, hint: str, cell: int | None = None) -> None:
        self.file, self.message, self.hint, self.cell = file, message, hint, cell
        where = file if cell is None else f"{file}, cell {cell}"
        super().__init__(f"{where}: {message}; {hint}")


class AnswerStoreError(AnalogylabError):
    """The answer store, or an exported answers file, cannot be used as asked.

    Raised for a store that cannot be opened anywhere (not even in the temporary
    folder), an answer that cannot be saved, an unknown export format, and a file
    given to ``merge_exports`` that is not an analogylab answers export.
    """


class HubLinkError(AnalogylabError, ValueError):
    """An nbgitpuller link cannot be made from what was given (``analogylab hub-link``)."""


class ReportError(AnalogylabError, ValueError):
    """A class report cannot be made as asked: no answers, a bad roster, an unusable folder."""


class AnswerStoreWarning(UserWarning):
    """Answers are still being saved, but not where or how the student expects.

    Warned when a damaged store was moved aside and a new one started, and when
    answers go to a temporary folder because the usual one cannot be written.
    """
