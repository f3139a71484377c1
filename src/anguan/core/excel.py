"""Excel (xlsx) tables: bilingual headers, typed cells, precise errors for broken files.

A broken file raises `WorkbookError` (the whole upload is refused); a bad cell raises `CellError`
(one row's error). Error codes carry the calling module's prefix (`monitoring.import_empty`,
`basics.import_empty`) so each module's catalogue explains them.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

CellType = Literal["str", "float", "int", "bool", "date", "datetime", "list"]
# Separators of a list cell: comma, Chinese comma, enumeration comma, semicolons, new lines.
LIST_SPLIT = re.compile(r"[,，、;；\n]+")
# A zip whose members inflate past this is refused before openpyxl parses it (zip bombs).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
TRUE_WORDS = frozenset({"是", "启用", "true", "yes", "y", "1", "on", "t"})
FALSE_WORDS = frozenset({"否", "停用", "false", "no", "n", "0", "off", "f"})


@dataclass(frozen=True)
class Column:
    """One column: its key, bilingual header, cell type and whether a value is required."""

    key: str
    zh: str
    en: str
    type: CellType = "str"
    required: bool = False
    width: int = 14

    @property
    def label(self) -> str:
        """The header as written to the sheet: Chinese first, then English."""
        return f"{self.zh} {self.en}"


class WorkbookError(Exception):
    """The upload is not a usable table (not xlsx, wrong headers, no rows, too big)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class CellError(Exception):
    """One cell cannot be read as its column's type."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _header_index(columns: Sequence[Column]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for col in columns:
        for name in (col.label, col.zh, col.en, col.key):
            index.setdefault(_norm(name), col)
    return index


def write_xlsx(
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A workbook with one table sheet (bold, frozen header) and an optional notes sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for c, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=c, value=col.label)
        cell.font = Font(bold=True, color="C00000" if col.required else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.freeze_panes = "A2"
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                # Text, never a formula: a point name must not run in the reader's spreadsheet.
                cell.data_type = "s"
    if notes:
        ns = wb.create_sheet("说明 Notes")
        ns.column_dimensions["A"].width = 28
        ns.column_dimensions["B"].width = 90
        for r, (k, v) in enumerate(notes, start=1):
            ns.cell(row=r, column=1, value=k).font = Font(bold=True)
            ns.cell(row=r, column=2, value=v).alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _open(data: bytes, prefix: str) -> Any:
    if not data:
        raise WorkbookError(f"{prefix}.import_empty")
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError(f"{prefix}.import_not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            inflated = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(f"{prefix}.import_not_xlsx") from exc
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise WorkbookError(f"{prefix}.import_not_xlsx")
    if inflated > MAX_UNZIPPED_BYTES:
        raise WorkbookError(f"{prefix}.import_too_large", limit_mb=MAX_UNZIPPED_BYTES // (1024 * 1024))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged package
        raise WorkbookError(f"{prefix}.import_not_xlsx") from exc


def read_xlsx(
    data: bytes, columns: Sequence[Column], *, max_rows: int, prefix: str
) -> tuple[set[str], list[tuple[int, dict[str, Any]]]]:
    """Read the first sheet: (keys of the columns present, [(sheet row number, {key: raw value})]).

    Headers match the bilingual label, its Chinese or English half, or the key (case-insensitive).
    Fully empty rows are skipped.
    """
    wb = _open(data, prefix)
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise WorkbookError(f"{prefix}.import_empty")
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(v is None or str(v).strip() == "" for v in header):
            raise WorkbookError(f"{prefix}.import_empty")
        index = _header_index(columns)
        positions: dict[int, Column] = {}
        unknown: list[str] = []
        duplicate: list[str] = []
        for i, raw in enumerate(header):
            if raw is None or str(raw).strip() == "":
                continue
            col = index.get(_norm(str(raw)))
            if col is None:
                unknown.append(str(raw).strip()[:60])
            elif col in positions.values():
                duplicate.append(col.label)
            else:
                positions[i] = col
        present = {c.key for c in positions.values()}
        missing = [c.label for c in columns if c.required and c.key not in present]
        if missing or unknown or duplicate:
            raise WorkbookError(
                f"{prefix}.import_bad_headers", missing=missing, unknown=unknown[:20], duplicate=duplicate
            )
        out: list[tuple[int, dict[str, Any]]] = []
        for rownum, values in enumerate(rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(out) >= max_rows:
                raise WorkbookError(f"{prefix}.import_too_many_rows", max_rows=max_rows)
            out.append(
                (rownum, {col.key: values[i] if i < len(values) else None for i, col in positions.items()})
            )
        if not out:
            raise WorkbookError(f"{prefix}.import_empty")
        return present, out
    finally:
        wb.close()


def coerce(column: Column, value: Any, prefix: str) -> Any:
    """A cell's value as the column's type; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.type == "date":
        return _as_date(value, prefix)
    if column.type == "datetime":
        return _as_datetime(value, prefix)
    if isinstance(value, datetime | date | time):
        raise CellError(f"{prefix}.import_bad_value", expected=column.type)
    if column.type == "list":
        return [part.strip() for part in LIST_SPLIT.split(str(value)) if part.strip()]
    if column.type == "str":
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()
    if column.type == "bool":
        if isinstance(value, bool):
            return value
        word = (
            str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().casefold()
        )
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(f"{prefix}.import_bad_boolean")
    if isinstance(value, bool):
        raise CellError(f"{prefix}.import_bad_number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip())
        except ValueError as exc:
            raise CellError(f"{prefix}.import_bad_number") from exc
    if not math.isfinite(number):
        raise CellError(f"{prefix}.import_bad_number")
    if column.type == "int":
        if not number.is_integer():
            raise CellError(f"{prefix}.import_bad_integer")
        return int(number)
    return number


_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _as_date(value: Any, prefix: str) -> date:
    """A date cell: a spreadsheet date, or text such as 2026-03-01, 2026/3/1 or 2026年3月1日."""
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            raise CellError(f"{prefix}.import_bad_date")
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE_TEXT.match(str(value).strip())
    if m is None:
        raise CellError(f"{prefix}.import_bad_date")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise CellError(f"{prefix}.import_bad_date") from exc


def _as_datetime(value: Any, prefix: str) -> datetime:
    """A date-time cell: a spreadsheet date-time or ISO 8601 text; naive values stay naive (the
    caller applies the site's time zone)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError as exc:
        raise CellError(f"{prefix}.import_bad_datetime") from exc
