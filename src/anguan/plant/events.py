"""Domain events of the plant module."""

from __future__ import annotations

from typing import ClassVar, Literal

from anguan.core.events import DomainEvent


class AreaChanged(DomainEvent):
    """An area was created, edited or deleted; maps redraw it."""

    name: ClassVar[str] = "plant.area_changed"
    topic: ClassVar[str | None] = "plant"
    area_id: int
    site_id: int
    change: Literal["created", "updated", "deleted"]

    def realtime_scope(self) -> dict[str, int] | None:
        """Only subscribers who can see the area hear about it."""
        return {"site_id": self.site_id, "area_id": self.area_id}
