"""Field values of the registers: JSON → typed values, checked against the field descriptions.

Pure: no I/O. `clean` turns a request body (or an Excel row already read) into typed values and
problems; references are checked for existence and scope by `register_service`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from anguan.basics.registry import Field, FieldProblem, Register
from anguan.core.db import MAX_ID

PLANT_TZ = ZoneInfo("Asia/Shanghai")


class _Bad(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _text(f: Field, v: Any) -> str | None:
    if not isinstance(v, str):
        raise _Bad("basics.expected_text")
    text: str = v.strip()
    if not text:
        return None
    if f.max_len is not None and len(text) > f.max_len:
        raise _Bad("basics.too_long", max_len=f.max_len)
    return text


def _number(f: Field, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(float(v)):
        raise _Bad("basics.expected_number")
    if f.ge is not None and v < f.ge:
        raise _Bad("basics.out_of_range", ge=f.ge, le=f.le)
    if f.le is not None and v > f.le:
        raise _Bad("basics.out_of_range", ge=f.ge, le=f.le)
    return float(v)


def _date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if not isinstance(v, str):
        raise _Bad("basics.expected_date")
    text = v.strip()
    try:
        if len(text) != 10:  # YYYY-MM-DD only: no times, no week dates
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise _Bad("basics.expected_date") from exc


def _datetime(v: Any) -> datetime:
    """ISO 8601; a value without an offset is plant local time (Asia/Shanghai). Stored as UTC."""
    if isinstance(v, datetime):
        dt = v
    elif isinstance(v, str):
        try:
            dt = datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise _Bad("basics.expected_datetime") from exc
    else:
        raise _Bad("basics.expected_datetime")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=PLANT_TZ)
    if not (1900 <= dt.year <= 2200):
        raise _Bad("basics.expected_datetime")
    return dt.astimezone(UTC)


def _codes(f: Field, v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _Bad("basics.expected_list")
    out: list[str] = []
    for x in (s.strip() for s in v):
        if not x:
            continue
        if f.type == "enums" and f.options is not None and x not in f.options:
            raise _Bad("basics.unknown_option", value=x[:60])
        if f.type == "tags" and len(x) > 60:
            raise _Bad("basics.too_long", max_len=60)
        if x not in out:
            out.append(x)
    if len(out) > 100:
        raise _Bad("basics.too_many_items", max_items=100)
    return out


def _ids(v: Any) -> list[int]:
    if not isinstance(v, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in v):
        raise _Bad("basics.expected_ids")
    if any(x < 1 or x > MAX_ID for x in v) or len(v) > 50:
        raise _Bad("basics.expected_ids")
    return list(dict.fromkeys(v))


def clean_value(f: Field, v: Any) -> Any:
    """One JSON value as the field's type; None for null/blank. Raises _Bad."""
    if v is None:
        return [] if f.type in ("enums", "tags", "files") else None
    t = f.type
    if t in ("str", "text"):
        return _text(f, v)
    if t == "int":
        n = _number(f, v)
        if not float(n).is_integer():
            raise _Bad("basics.expected_integer")
        return int(n)
    if t == "float":
        return _number(f, v)
    if t == "bool":
        if not isinstance(v, bool):
            raise _Bad("basics.expected_boolean")
        return v
    if t == "date":
        return _date(v)
    if t == "datetime":
        return _datetime(v)
    if t == "enum":
        if not isinstance(v, str):
            raise _Bad("basics.expected_text")
        code = v.strip()
        if not code:
            return None
        if f.options is not None and code not in f.options:
            raise _Bad("basics.unknown_option", value=code[:60])
        return code
    if t in ("enums", "tags"):
        return _codes(f, v)
    if t == "ref":
        if isinstance(v, bool) or not isinstance(v, int) or not (1 <= v <= MAX_ID):
            raise _Bad("basics.expected_id")
        return v
    if t == "files":
        return _ids(v)
    raise _Bad("basics.unknown_field")  # pragma: no cover - every type is handled above


def clean(
    reg: Register, body: Mapping[str, Any], *, creating: bool
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Typed values of a request body and the problems found (unknown, read-only, required, type).

    On create, missing fields take their defaults and a missing required field is a problem; on
    update only the given fields are returned.
    """
    fields = reg.by_key
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for key, raw in body.items():
        f = fields.get(key)
        if f is None:
            problems.append(FieldProblem(key[:60], "basics.unknown_field"))
            continue
        if f.readonly:
            problems.append(FieldProblem(key, "basics.readonly_field"))
            continue
        try:
            values[key] = clean_value(f, raw)
        except _Bad as exc:
            problems.append(FieldProblem(key, exc.code, exc.params))
    for f in reg.fields:
        if creating and f.key not in body and f.default is not None:
            values[f.key] = f.default
        if f.required and (f.key in values or creating) and values.get(f.key) in (None, [], ""):
            if not any(p.field == f.key for p in problems):
                problems.append(FieldProblem(f.key, "basics.required"))
    return values, problems


def json_value(f: Field, v: Any) -> Any:
    """A stored value as JSON for the API."""
    if v is None:
        return [] if f.type in ("enums", "tags", "files") else None
    if f.type == "datetime" and isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=UTC)).isoformat()
    if f.type == "date" and isinstance(v, date):
        return v.isoformat()
    return v
