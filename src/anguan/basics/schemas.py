"""Response bodies of the register API (request bodies are value objects checked by `values`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

ImportMode = Literal["validate", "all_or_nothing", "valid_only"]


class OptionMeta(BaseModel):
    code: str
    zh: str
    en: str


class FieldMeta(BaseModel):
    key: str
    zh: str
    en: str
    type: str
    required: bool
    max_len: int | None
    ge: float | None
    le: float | None
    options: list[OptionMeta] | None
    ref: str | None
    list: bool
    filter: bool
    excel: bool
    readonly: bool
    pii: bool
    default: Any = None


class DueFieldMeta(BaseModel):
    field: str
    what: str


class RegisterMeta(BaseModel):
    name: str
    zh: str
    en: str
    group: str
    natural_key: list[str]
    title_field: str
    writable: bool
    due: list[DueFieldMeta]
    fields: list[FieldMeta]


class DueOut(BaseModel):
    field: str
    what: str
    date: date
    status: Literal["valid", "due", "expired"]
    days_left: int
    tier: int | None


class RowOut(BaseModel):
    id: int
    created_at: datetime
    updated_at: datetime
    values: dict[str, Any]
    labels: dict[str, str]
    due: list[DueOut]
    missing: list[str]


class CompletenessItem(BaseModel):
    id: int
    title: str
    missing: list[str]


class TypeCount(BaseModel):
    type: str
    zh: str
    en: str
    total: int
    incomplete: int


class CompletenessOut(BaseModel):
    # "register" would shadow ABCMeta.register on the model class: serialised under that name.
    register_name: str = Field(serialization_alias="register")
    zh: str
    en: str
    total: int
    incomplete: int
    by_type: list[TypeCount]
    items: list[CompletenessItem]


class ImportRowError(BaseModel):
    row: int  # the spreadsheet's row number (the header is row 1)
    field: str  # the column key
    code: str
    message: str


class ImportReport(BaseModel):
    mode: ImportMode
    total_rows: int
    valid_rows: int
    created: int
    updated: int
    written: bool  # false: nothing was saved (validate mode, or errors under all_or_nothing)
    errors: list[ImportRowError]
