"""Declarative description of the master-data lists (registers, 台账).

A `Register` names its table, its fields (type, bilingual label, catalogue or reference, whether the
list shows or filters it), its natural key for Excel upserts, how its rows are scoped to a caller,
which date fields are due dates for the reminder centre, and which fields make a record complete.
One generic service (`register_service`), API (`register_api`) and Excel codec (`register_excel`)
serve every register; the SPA renders lists and forms from `GET /basics/registers`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Literal

from anguan.core.db import Base

FieldType = Literal[
    "str",  # one line of text
    "text",  # several lines
    "int",
    "float",
    "bool",
    "date",
    "datetime",
    "enum",  # one code of `options`
    "enums",  # several codes of `options`
    "tags",  # free list of short strings
    "ref",  # id of a row of another table (`ref` names it)
    "files",  # ids of linked attachments
]
# What a `ref` field points at, and the natural key Excel uses for it.
RefKind = Literal["site", "area", "department", "contractor", "person", "process", "equipment", "interlock"]
REF_KEYS: dict[str, str] = {
    "site": "code",
    "area": "code",  # unique within its site: the row's site_id disambiguates
    "department": "code",
    "contractor": "uscc",
    "person": "id_number",
    "process": "code",
    "equipment": "tag",
    "interlock": "tag",
}
Scope = Literal["area", "site", "department", "parent", "none"]


@dataclass(frozen=True)
class Field:
    """One field of a register."""

    key: str
    zh: str
    en: str
    type: FieldType = "str"
    required: bool = False
    max_len: int | None = None
    ge: float | None = None
    le: float | None = None
    options: Mapping[str, tuple[str, str]] | None = None
    ref: RefKind | None = None
    list: bool = False  # a column of the list view
    filter: bool = False  # a filter of the list view and API
    excel: bool = True  # a column of the Excel template/export
    readonly: bool = False  # maintained by the system (e.g. an interlock's status)
    pii: bool = False  # masked for callers without basics.pii (身份证号)
    default: Any = None


@dataclass(frozen=True)
class DueField:
    """A date field that is a due date: the reminder centre lists rows whose date is near or past."""

    field: str
    what: str  # reminder kind: expiry | review | inspection | calibration | replacement | proof_test


@dataclass(frozen=True)
class FieldProblem:
    """One validation finding: the field, a stable code and its parameters."""

    field: str
    code: str
    params: Mapping[str, Any] = dc_field(default_factory=dict)


@dataclass(frozen=True)
class Register:
    """One master-data list."""

    name: str  # URL segment and stable id, e.g. "licences"
    zh: str
    en: str
    group: Literal["licences", "process", "equipment", "people", "third_parties"]
    model: type[Base]
    fields: tuple[Field, ...]
    natural_key: tuple[str, ...]  # identifies a row in an Excel upsert
    title_field: str  # what names a row in reminders and labels
    search: tuple[str, ...] = ()
    scope: Scope = "none"
    parent: tuple[str, str] | None = None  # (field, register name) for scope "parent"
    due: tuple[DueField, ...] = ()
    # Key fields of a complete record; a callable receives the row's values (licences vary by type).
    completeness: tuple[str, ...] | Callable[[Mapping[str, Any]], tuple[str, ...]] = ()
    # Cross-field rules: values → problems (pure; the rules live in rules.py).
    check: Callable[[Mapping[str, Any]], list[FieldProblem]] | None = None
    # Values the system derives before saving (pure), e.g. the next due date from the interval.
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # Whether the generic create/update/delete/import endpoints may write (bypasses: workflow only).
    writable: bool = True
    order_by: tuple[str, ...] = ("id",)

    @property
    def by_key(self) -> dict[str, Field]:
        """Fields by key."""
        return {f.key: f for f in self.fields}

    def key_fields(self, values: Mapping[str, Any]) -> tuple[str, ...]:
        """The fields a complete record carries."""
        if callable(self.completeness):
            return self.completeness(values)
        return self.completeness
