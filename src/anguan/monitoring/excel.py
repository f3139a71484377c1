"""Excel (xlsx) tables: bilingual headers, typed cells, precise errors for broken files.

Generic reading and writing first; the point (位号) column set at the end. A broken file raises
`WorkbookError` (the whole upload is refused); a bad cell raises `CellError` (one row's error).
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

CellType = Literal["str", "float", "int", "bool"]
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


def _open(data: bytes) -> Any:
    if not data:
        raise WorkbookError("monitoring.import_empty")
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError("monitoring.import_not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            inflated = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError("monitoring.import_not_xlsx") from exc
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise WorkbookError("monitoring.import_not_xlsx")
    if inflated > MAX_UNZIPPED_BYTES:
        raise WorkbookError("monitoring.import_too_large", limit_mb=MAX_UNZIPPED_BYTES // (1024 * 1024))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged package
        raise WorkbookError("monitoring.import_not_xlsx") from exc


def read_xlsx(
    data: bytes, columns: Sequence[Column], *, max_rows: int
) -> tuple[set[str], list[tuple[int, dict[str, Any]]]]:
    """Read the first sheet: (keys of the columns present, [(sheet row number, {key: raw value})]).

    Headers match the bilingual label, its Chinese or English half, or the key (case-insensitive).
    Fully empty rows are skipped.
    """
    wb = _open(data)
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise WorkbookError("monitoring.import_empty")
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(v is None or str(v).strip() == "" for v in header):
            raise WorkbookError("monitoring.import_empty")
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
                "monitoring.import_bad_headers", missing=missing, unknown=unknown[:20], duplicate=duplicate
            )
        out: list[tuple[int, dict[str, Any]]] = []
        for rownum, values in enumerate(rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(out) >= max_rows:
                raise WorkbookError("monitoring.import_too_many_rows", max_rows=max_rows)
            out.append(
                (rownum, {col.key: values[i] if i < len(values) else None for i, col in positions.items()})
            )
        if not out:
            raise WorkbookError("monitoring.import_empty")
        return present, out
    finally:
        wb.close()


def coerce(column: Column, value: Any) -> Any:
    """A cell's value as the column's type; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime | date | time):
        raise CellError("monitoring.import_bad_value", expected=column.type)
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
        raise CellError("monitoring.import_bad_boolean")
    if isinstance(value, bool):
        raise CellError("monitoring.import_bad_number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip())
        except ValueError as exc:
            raise CellError("monitoring.import_bad_number") from exc
    if not math.isfinite(number):
        raise CellError("monitoring.import_bad_number")
    if column.type == "int":
        if not number.is_integer():
            raise CellError("monitoring.import_bad_integer")
        return int(number)
    return number


# ---------------------------------------------------------------- points (位号)

POINT_COLUMNS: tuple[Column, ...] = (
    Column("tag", "位号", "Tag", required=True),
    Column("name", "名称", "Name", required=True, width=24),
    Column("name_en", "英文名称", "English name", width=24),
    Column("kind", "类型", "Kind", required=True, width=16),
    Column("site", "厂区编码", "Site code", required=True),
    Column("area", "区域编码", "Area code"),
    Column("unit", "单位", "Unit", width=10),
    Column("range_lo", "量程下限", "Range low", "float"),
    Column("range_hi", "量程上限", "Range high", "float"),
    Column("sp_hh", "高高报", "HH", "float", width=10),
    Column("sp_h", "高报", "H", "float", width=10),
    Column("sp_l", "低报", "L", "float", width=10),
    Column("sp_ll", "低低报", "LL", "float", width=10),
    Column("prio_hh", "高高报优先级", "HH priority"),
    Column("prio_h", "高报优先级", "H priority"),
    Column("prio_l", "低报优先级", "L priority"),
    Column("prio_ll", "低低报优先级", "LL priority"),
    Column("prio_diag", "诊断报警优先级", "Diagnostic priority"),
    Column("gas_oel", "职业接触限值", "OEL", "float"),
    Column("gas_idlh", "直接致害浓度", "IDLH", "float"),
    Column("console", "操作台", "Console"),
    Column("enabled", "启用", "Enabled", "bool", width=10),
    Column("deadband", "报警死区", "Deadband", "float"),
    Column("on_delay_s", "报警延时秒", "On delay s", "float"),
    Column("off_delay_s", "恢复延时秒", "Off delay s", "float"),
    Column("roc_limit_per_min", "变化率限值每分", "ROC limit per min", "float"),
    Column("expected_interval_s", "采集周期秒", "Expected interval s", "float"),
    Column("source", "数据源编码", "Source code"),
    Column("source_address", "数据源地址", "Source address", width=20),
    Column("equipment", "设备位号", "Equipment tag"),
    Column("hist_deadband", "历史死区", "Historian deadband", "float"),
    Column("hist_comp_dev", "压缩偏差", "Compression deviation", "float"),
    Column("hist_max_interval_s", "最长存档间隔秒", "Max archive interval s", "float"),
    Column("forecast_horizon_s", "预警提前量秒", "Forecast horizon s", "float"),
    Column("response_time_s", "响应时间秒", "Response time s", "int"),
    Column("cause", "报警原因", "Cause", width=30),
    Column("consequence", "后果", "Consequence", width=30),
    Column("operator_action", "处置措施", "Operator action", width=30),
)
