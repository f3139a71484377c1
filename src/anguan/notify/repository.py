"""Every SQL statement of the notify module; the inbox is always filtered by its owner here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from anguan.notify.models import Delivery, InboxItem, Message, Webhook


async def message_by_dedupe_key(session: AsyncSession, key: str) -> Message | None:
    """The message already sent under an idempotency key."""
    return (await session.scalars(select(Message).where(Message.dedupe_key == key))).one_or_none()


def inbox_stmt(user_id: int, unread: bool | None) -> Select[Any]:
    """A user's inbox items with their messages (never another user's)."""
    stmt = select(InboxItem).options(joinedload(InboxItem.message)).where(InboxItem.user_id == user_id)
    if unread is True:
        stmt = stmt.where(InboxItem.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(InboxItem.read_at.is_not(None))
    return stmt


INBOX_SORTABLE = {"id": InboxItem.id, "created_at": InboxItem.created_at}


async def inbox_item(session: AsyncSession, user_id: int, item_id: int) -> InboxItem | None:
    """One item of the user's own inbox (None for a missing or foreign id)."""
    return (
        await session.scalars(
            select(InboxItem)
            .options(joinedload(InboxItem.message))
            .where(InboxItem.id == item_id, InboxItem.user_id == user_id)
            .execution_options(populate_existing=True)
        )
    ).one_or_none()


async def mark_read(session: AsyncSession, user_id: int, item_id: int, now: datetime) -> int:
    """Set read_at on one unread item of the user's; returns rows changed."""
    result = await session.execute(
        update(InboxItem)
        .where(InboxItem.id == item_id, InboxItem.user_id == user_id, InboxItem.read_at.is_(None))
        .values(read_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_all_read(session: AsyncSession, user_id: int, now: datetime) -> int:
    """Set read_at on every unread item of the user's; returns rows changed."""
    result = await session.execute(
        update(InboxItem).where(InboxItem.user_id == user_id, InboxItem.read_at.is_(None)).values(read_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def unread_count(session: AsyncSession, user_id: int) -> int:
    """Unread items of the user's."""
    return int(
        await session.scalar(
            select(func.count())
            .select_from(InboxItem)
            .where(InboxItem.user_id == user_id, InboxItem.read_at.is_(None))
        )
        or 0
    )


async def enabled_webhooks(session: AsyncSession) -> list[Webhook]:
    """Endpoints that take deliveries."""
    return list((await session.scalars(select(Webhook).where(Webhook.enabled.is_(True)))).all())


async def webhooks(session: AsyncSession) -> list[Webhook]:
    """Every configured endpoint by name."""
    return list((await session.scalars(select(Webhook).order_by(Webhook.name))).all())


async def webhook_by_name(session: AsyncSession, name: str) -> Webhook | None:
    """One endpoint by its unique name."""
    return (await session.scalars(select(Webhook).where(Webhook.name == name))).one_or_none()


def deliveries_stmt(webhook_id: int, status: str | None) -> Select[Any]:
    """The delivery log of one endpoint."""
    stmt = select(Delivery).where(Delivery.webhook_id == webhook_id)
    if status:
        stmt = stmt.where(Delivery.status == status)
    return stmt


DELIVERY_SORTABLE = {
    "id": Delivery.id,
    "created_at": Delivery.created_at,
    "next_attempt_at": Delivery.next_attempt_at,
}


async def any_due(session: AsyncSession, now: datetime) -> bool:
    """True when a pending delivery of an enabled endpoint is due."""
    found = await session.scalar(
        select(Delivery.id)
        .join(Webhook, Webhook.id == Delivery.webhook_id)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now, Webhook.enabled.is_(True))
        .limit(1)
    )
    return found is not None


async def claim_due(session: AsyncSession, now: datetime, batch: int) -> list[Delivery]:
    """Lock due pending deliveries of enabled endpoints (two workers never take the same rows)."""
    enabled = select(Webhook.id).where(Webhook.enabled.is_(True))
    return list(
        (
            await session.scalars(
                select(Delivery)
                .where(
                    Delivery.status == "pending",
                    Delivery.next_attempt_at <= now,
                    Delivery.webhook_id.in_(enabled.scalar_subquery()),
                )
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        ).all()
    )


async def webhooks_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, Webhook]:
    """Endpoints by id."""
    if not ids:
        return {}
    rows = (await session.scalars(select(Webhook).where(Webhook.id.in_(list(ids))))).all()
    return {w.id: w for w in rows}


async def record_attempt(
    session: AsyncSession, delivery_id: int, claimed_attempts: int, values: dict[str, Any]
) -> int:
    """Write an attempt's outcome unless another worker re-claimed the row since (lease expired)."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.attempts == claimed_attempts)
        .values(**values)
    )
    return int(getattr(result, "rowcount", 0) or 0)
