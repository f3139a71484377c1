"""Tables of the notify module (通知): messages, per-user inbox rows, webhook endpoints and deliveries.

One `send` writes one `notify_message` (the content, rendered per reader's language), one
`notify_inbox` row per recipient, and one `notify_delivery` per matching webhook endpoint. Deliveries
are retried with backoff by the worker; their attempts and last error are the visible delivery log.
User ids are plain ids (no foreign key): notify sits below identity and knows no identity table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from anguan.core.db import Base, BigId, IdMixin, TimestampMixin, UTCDateTime
from anguan.core.time import utcnow


class Message(IdMixin, Base):
    """What was said, once, whoever it was sent to.

    Either `key` (a catalogued message rendered with `params` in the reader's language; `key` + ".body"
    is the body when catalogued) or literal `title_zh`/`title_en` and bodies.
    """

    __tablename__ = "notify_message"

    # What it is about, for webhook filters: monitoring.alarm_raised, monitoring.alarm_escalated ...
    category: Mapped[str] = mapped_column(String(60), index=True)
    severity: Mapped[str] = mapped_column(String(8))  # urgent | high | medium | low
    key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    title_zh: Mapped[str | None] = mapped_column(String(200), nullable=True)
    title_en: Mapped[str | None] = mapped_column(String(200), nullable=True)
    body_zh: Mapped[str | None] = mapped_column(Text, nullable=True)
    body_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    # In-app path of the object, e.g. /monitoring/alarms/42.
    link: Mapped[str | None] = mapped_column(String(255), nullable=True)
    site_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    area_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    source_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # A sender's idempotency key: a second send with the same key does nothing (outbox redelivery).
    dedupe_key: Mapped[str | None] = mapped_column(String(160), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InboxItem(IdMixin, Base):
    """One message in one user's in-app inbox (站内信)."""

    __tablename__ = "notify_inbox"
    __table_args__ = (
        Index("ix_notify_inbox_user_read", "user_id", "read_at"),
        Index("ix_notify_inbox_user_created", "user_id", "created_at"),
    )

    user_id: Mapped[int] = mapped_column(BigId)
    message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("notify_message.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    message: Mapped[Message] = relationship(lazy="raise")


class Webhook(IdMixin, TimestampMixin, Base):
    """A configured webhook endpoint; its signing secret is stored encrypted and never returned."""

    __tablename__ = "notify_webhook"

    name: Mapped[str] = mapped_column(String(80), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    # AES-256-GCM under a key derived from the deployment secret (see channels.SecretBox).
    secret_enc: Mapped[str] = mapped_column(String(400))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Filter: messages at least this severe, of these categories (empty: all), of this site (None: all).
    min_severity: Mapped[str] = mapped_column(String(8), default="low")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    site_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    timeout_s: Mapped[float] = mapped_column(Float, default=5.0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    created_by: Mapped[int | None] = mapped_column(BigId, nullable=True)


class Delivery(IdMixin, Base):
    """One message to one webhook endpoint: the delivery log row, retried until delivered or dead.

    status: pending (waiting for its first or next attempt at `next_attempt_at`) | delivered | dead
    (gave up after the endpoint's `max_attempts`).
    """

    __tablename__ = "notify_delivery"
    __table_args__ = (
        Index("ix_notify_delivery_due", "status", "next_attempt_at"),
        Index("ix_notify_delivery_webhook", "webhook_id", "id"),
    )

    webhook_id: Mapped[int] = mapped_column(BigId, ForeignKey("notify_webhook.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("notify_message.id", ondelete="SET NULL"), nullable=True
    )
    event: Mapped[str] = mapped_column(String(60))
    # The JSON body exactly as sent (each attempt sends the same bytes with a fresh signature).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
