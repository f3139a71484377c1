"""Domain events of the master-data module.

Both are durable (written to the outbox with the change): hazards recolour the map while an
interlock is bypassed, and an overdue bypass is an alarm nobody may lose. Register the types at
start-up (`bus.register_type`) so a worker that did not emit them can still deliver them.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from anguan.core.events import DomainEvent


class BypassChanged(DomainEvent):
    """An interlock bypass (联锁旁路) changed state; `interlock_status` is the interlock's new status."""

    name: ClassVar[str] = "basics.bypass_changed"
    bypass_id: int
    interlock_id: int
    tag: str
    action: str  # request | approve | reject | apply | remove | cancel
    status: str
    interlock_status: str
    site_id: int
    area_id: int | None
    at: datetime


class BypassOverdue(DomainEvent):
    """An applied bypass is still active after its approval ended (bypass outliving its approval)."""

    name: ClassVar[str] = "basics.bypass_overdue"
    bypass_id: int
    interlock_id: int
    tag: str
    interlock_name: str
    site_id: int
    area_id: int | None
    approved_until: datetime
    at: datetime
