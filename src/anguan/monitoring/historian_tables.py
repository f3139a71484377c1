"""Historian tables and the low-level helpers shared by its writer, reader and jobs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.monitoring.models import Point, PointCurrent, Rollup1h, Rollup1m, Sample

_CHUNK = 1000  # ids per IN (...) list, well under every driver's parameter limit

SAMPLE: Table = Sample.__table__  # type: ignore[assignment]
CURRENT: Table = PointCurrent.__table__  # type: ignore[assignment]
R1M: Table = Rollup1m.__table__  # type: ignore[assignment]
R1H: Table = Rollup1h.__table__  # type: ignore[assignment]
POINT: Table = Point.__table__  # type: ignore[assignment]


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]
