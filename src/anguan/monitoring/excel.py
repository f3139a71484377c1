"""Excel (xlsx) of the monitoring module: the point (位号) column set over the generic reader.

The generic reading and writing live in `anguan.core.excel`; this module fixes the error-code prefix
to `monitoring` and declares the point columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from anguan.core import excel as _core
from anguan.core.excel import CellError, Column, WorkbookError, write_xlsx

__all__ = ["POINT_COLUMNS", "CellError", "Column", "WorkbookError", "coerce", "read_xlsx", "write_xlsx"]


def read_xlsx(
    data: bytes, columns: Sequence[Column], *, max_rows: int
) -> tuple[set[str], list[tuple[int, dict[str, Any]]]]:
    """The first sheet's rows (see `anguan.core.excel.read_xlsx`), with `monitoring.*` error codes."""
    return _core.read_xlsx(data, columns, max_rows=max_rows, prefix="monitoring")


def coerce(column: Column, value: Any) -> Any:
    """A cell as its column's type (see `anguan.core.excel.coerce`), with `monitoring.*` error codes."""
    return _core.coerce(column, value, prefix="monitoring")


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
