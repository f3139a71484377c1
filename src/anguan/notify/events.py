"""Domain events of the notify module.

Realtime topic `notify.inbox` (root `notify`, any signed-in user may subscribe): a
`notify.created` event per recipient, addressed with the scope `{"user_id": id}` so the hub
delivers it to that user's sockets only (see the hub's per-user scope check).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from anguan.core.events import DomainEvent


class NotificationCreated(DomainEvent):
    """A new inbox item for one user (the bell updates without polling)."""

    name: ClassVar[str] = "notify.created"
    topic: ClassVar[str | None] = "notify.inbox"
    id: int
    user_id: int
    category: str
    severity: str
    # Rendered titles by locale (zh-CN, en-US): the client shows its own language.
    title: dict[str, str]
    link: str | None
    created_at: datetime

    def realtime_scope(self) -> dict[str, int] | None:
        return {"user_id": self.user_id}
