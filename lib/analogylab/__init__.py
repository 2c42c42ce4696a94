"""analogylab: test a historical analogy with cited evidence.

Load the curated, cited tables with ``load_dataset()``; check a copy you have
edited with ``validate(path)``. See README.md for the lessons.
"""

from analogylab._version import __version__
from analogylab.data import Dataset, load_dataset, load_table
from analogylab.errors import (
    AnalogylabError,
    DataNotFoundError,
    DataPackageError,
    DataValidationError,
    UnknownIdError,
    UnknownTableError,
)
from analogylab.validate import Problem, ValidationReport, find_data, validate

__all__ = [
    "AnalogylabError",
    "DataNotFoundError",
    "DataPackageError",
    "DataValidationError",
    "Dataset",
    "Problem",
    "UnknownIdError",
    "UnknownTableError",
    "ValidationReport",
    "__version__",
    "find_data",
    "load_dataset",
    "load_table",
    "validate",
]
