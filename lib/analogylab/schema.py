"""Read the one description of the data: ``data/datapackage.json``.

The loader, the validator and the codebook all read the schema through this
module, so a field's type, allowed values and keys are written down exactly once.
The descriptor is a Frictionless Data Package; analogylab adds three custom
properties, all documented in CONTRIBUTING.md:

* on a field, ``x-references``: each item of a list field must be a key of
  another table (Frictionless foreign keys do not cover list items);
* on a field, ``x-labels`` and ``x-ordered``: what each allowed value means,
  and whether the values are ranked (best first);
* on a schema, ``x-rules``: checks across fields or tables (see ``RULES``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analogylab.errors import DataNotFoundError, DataPackageError

__all__ = ["RULES", "Field", "ForeignKey", "Package", "Resource", "read_package"]

#: The cross-field rules a schema may declare under ``x-rules``, and what each means.
RULES: dict[str, str] = {
    "ordered": "the listed fields, where filled in, never decrease (low <= value <= high)",
    "date-precision": "a date of month precision falls on the 1st; of year precision on 1 January",
    "value-or-range": "a row gives a value, or a low and a high, or both",
    "not-after": "a date is not after a limit date held by the row's case",
    "after": "the row an id refers to (an event) is dated after a limit date of its case",
    "different": "two fields never hold the same value",
    "same-case": "the rows referred to by two id fields belong to the same case",
    "note-when": "when a true/false flag is true, a note explains it",
    "url-host": "the first field holds one web address and the others may mention some; every "
    "address is on a host listed in another table (a listed host covers itself, with or "
    "without 'www.'; '*.' before it covers its subdomains too)",
    "host-name": "the field holds a bare host name in lower case, or '*.' and one; no two rows "
    "name the same site",
    "complete": "all or none: rows grouped by some fields (a pair of cases, an event) give a "
    "field every key of another table (every dimension; every hypothesis of the event's case)",
    "complete-grid": "all or none: once a case has a row, every pair of its rows of two other "
    "tables has one (every evidence item rated against every hypothesis)",
    "cited": "every key is cited by a row of another table or by an exercise, unless a field "
    "marks it as kept on purpose (a source of kind further-reading)",
}


@dataclass(frozen=True)
class Field:
    """One column of a table, as the schema describes it."""

    name: str
    type: str
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    labels: dict[str, str] | None = None
    ordered: bool = False
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    delimiter: str = ";"
    references: tuple[str, str] | None = None

    @classmethod
    def from_descriptor(cls, d: dict[str, Any]) -> Field:
        """Build a Field from its JSON descriptor."""
        c = d.get("constraints", {})
        ref = d.get("x-references")
        return cls(
            name=d["name"],
            type=d.get("type", "string"),
            description=d.get("description", ""),
            required=bool(c.get("required", False)),
            enum=tuple(c["enum"]) if "enum" in c else None,
            labels=d.get("x-labels"),
            ordered=bool(d.get("x-ordered", False)),
            pattern=c.get("pattern"),
            minimum=c.get("minimum"),
            maximum=c.get("maximum"),
            delimiter=d.get("delimiter", ";"),
            references=(ref["resource"], ref["field"]) if ref else None,
        )

    @property
    def kind(self) -> str:
        """A plain-words name of the field's type, for messages and the codebook."""
        if self.enum is not None:
            return "one of a fixed list"
        return {
            "string": "text",
            "integer": "whole number",
            "number": "number",
            "boolean": "true/false",
            "date": "date (YYYY-MM-DD)",
            "list": f"list of ids separated by '{self.delimiter}'",
        }.get(self.type, self.type)


@dataclass(frozen=True)
class ForeignKey:
    """Values of ``fields`` must appear as ``ref_fields`` of ``resource``."""

    fields: tuple[str, ...]
    resource: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """One table: its file, fields, keys and rules."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    rules: tuple[dict[str, Any], ...] = ()
    descriptor: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def field_names(self) -> list[str]:
        """Column names, in schema order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Package:
    """The whole data package: where it is and what tables it holds."""

    root: Path
    descriptor: dict[str, Any]
    resources: tuple[Resource, ...]

    @property
    def names(self) -> list[str]:
        """Table names, in the order the descriptor lists them."""
        return [r.name for r in self.resources]

    def resource(self, name: str) -> Resource:
        """The table called ``name``."""
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(name)


def _resource(d: dict[str, Any]) -> Resource:
    schema = d.get("schema", {})
    pk = schema.get("primaryKey", [])
    return Resource(
        name=d["name"],
        path=d["path"],
        title=d.get("title", d["name"]),
        description=d.get("description", ""),
        fields=tuple(Field.from_descriptor(f) for f in schema.get("fields", [])),
        primary_key=tuple([pk] if isinstance(pk, str) else pk),
        foreign_keys=tuple(
            ForeignKey(
                tuple(fk["fields"]) if isinstance(fk["fields"], list) else (fk["fields"],),
                fk["reference"].get("resource") or d["name"],
                tuple(fk["reference"]["fields"])
                if isinstance(fk["reference"]["fields"], list)
                else (fk["reference"]["fields"],),
            )
            for fk in schema.get("foreignKeys", [])
        ),
        rules=tuple(schema.get("x-rules", [])),
        descriptor=d,
    )


def read_package(root: Path) -> Package:
    """Read ``root/datapackage.json``.

    Raises DataNotFoundError if the file is missing, and DataPackageError (with
    the line and column) if it is not valid JSON or lacks the parts analogylab needs.
    """
    path = root / "datapackage.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataNotFoundError(
            f"{path}: no datapackage.json here; point analogylab at the folder that holds "
            "datapackage.json and the CSV files (or copy the shipped data/ folder)"
        ) from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataPackageError(
            str(path),
            f"not valid JSON ({e.msg})",
            "look for a missing comma, quote or bracket near that point",
            e.lineno,
            e.colno,
        ) from None
    try:
        resources = tuple(_resource(r) for r in descriptor["resources"])
    except (KeyError, TypeError) as e:
        raise DataPackageError(
            str(path),
            f"a resource lacks the part {e}",
            "every resource needs a name, a path and a schema with fields "
            "(CONTRIBUTING.md, 'Add a table')",
        ) from None
    return Package(root=root, descriptor=descriptor, resources=resources)
