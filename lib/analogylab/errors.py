"""Every exception analogylab raises, in one place.

Messages are written for a teacher, not a programmer: they name the file, row,
column and value at fault, and say what to do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analogylab.validate import ValidationReport

__all__ = [
    "AnalogylabError",
    "DataNotFoundError",
    "DataPackageError",
    "DataValidationError",
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


class UnknownTableError(AnalogylabError, KeyError):
    """A table name that the data package does not describe."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownIdError(AnalogylabError, KeyError):
    """An id (actor, source, case ...) that is not in its table."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
