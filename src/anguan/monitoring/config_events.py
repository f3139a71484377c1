"""Configuration events of the monitoring module: the ingest pipeline reloads what changed."""

from __future__ import annotations

from typing import ClassVar, Literal

from anguan.core.events import DomainEvent


class PointsChanged(DomainEvent):
    """Points (位号) were created, edited, deleted or imported; the ingest pipeline reloads their configs."""

    name: ClassVar[str] = "monitoring.points_changed"
    change: Literal["created", "updated", "deleted", "imported"]
    point_ids: list[int]


class SourcesChanged(DomainEvent):
    """A data source was created, edited or had its token rotated; connectors reload it."""

    name: ClassVar[str] = "monitoring.sources_changed"
    change: Literal["created", "updated", "token_rotated"]
    source_id: int
