"""Historian (历史数据): compressed raw samples, 1-minute and 1-hour rollups, trends, exports, and
the worker's jobs (hourly rollups, retention, PostgreSQL partitions).

The write side lives in historian_writer, the read side (behind the `Historian` protocol, so an
external time-series database can replace it) and the CSV/XLSX export in historian_read, the jobs in
historian_jobs; this module re-exports their public names for callers.
"""

from __future__ import annotations

from anguan.monitoring.historian_jobs import (
    RetentionStats,
    _sample_partitions,
    apply_retention,
    ensure_partitions,
    rollup_hours,
)
from anguan.monitoring.historian_read import (
    EXPORT_HEADER,
    ExportTooLarge,
    Historian,
    Series,
    SqlHistorian,
    Tier,
    TrendPoint,
    default_historian,
    export_rows,
    export_table,
    to_csv,
    to_xlsx,
    trend,
)
from anguan.monitoring.historian_tables import CURRENT, POINT, R1H, R1M, SAMPLE
from anguan.monitoring.historian_writer import FlushStats, HistorianWriter

__all__ = [
    "CURRENT",
    "EXPORT_HEADER",
    "POINT",
    "R1H",
    "R1M",
    "SAMPLE",
    "ExportTooLarge",
    "FlushStats",
    "Historian",
    "HistorianWriter",
    "RetentionStats",
    "Series",
    "SqlHistorian",
    "Tier",
    "TrendPoint",
    "_sample_partitions",  # private, but tests/monitoring/test_historian.py reaches it here
    "apply_retention",
    "default_historian",
    "ensure_partitions",
    "export_rows",
    "export_table",
    "rollup_hours",
    "to_csv",
    "to_xlsx",
    "trend",
]
