"""Notify business logic: `send` (in-app inbox + queued webhook deliveries), the inbox, webhook
endpoints, and the delivery worker. Functions never commit, except the worker, which runs its own
short transactions so that no database lock is held while it waits on the network."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import Database
from anguan.core.errors import Conflict, NotFound
from anguan.core.events import EventBus
from anguan.core.i18n import LOCALES, has_message, translate
from anguan.core.pagination import Page, PageParams, paginate
from anguan.core.time import utcnow
from anguan.core.timeline import AuditActor, record
from anguan.notify import repository as repo
from anguan.notify.channels import LEASE_MARGIN_S, SecretBox, backoff_s, new_secret, post_webhook
from anguan.notify.events import NotificationCreated
from anguan.notify.models import Delivery, InboxItem, Message, Webhook
from anguan.notify.schemas import (
    CHANNELS,
    SEVERITY_RANK,
    DeliveryOut,
    InboxItemOut,
    NotificationIn,
    SendResult,
    WebhookIn,
    WebhookUpdate,
)

MESSAGE_EVENT = "notify.message"
TEST_EVENT = "notify.test"


# --- rendering -----------------------------------------------------------------------------------


def render(message: Message, locale: str) -> tuple[str, str | None]:
    """Title and body of a message in one locale (zh-CN text when no English was given)."""
    if message.key:
        params = message.params or {}
        body_key = message.key + ".body"
        body = translate(body_key, locale, **params) if has_message(body_key) else None
        return translate(message.key, locale, **params), body
    if locale == "en-US" and message.title_en:
        return message.title_en, message.body_en or message.body_zh
    return message.title_zh or "", message.body_zh


def inbox_out(item: InboxItem, locale: str) -> InboxItemOut:
    """Response body of an inbox item in the reader's locale."""
    m = item.message
    title, body = render(m, locale)
    return InboxItemOut(
        id=item.id,
        category=m.category,
        severity=m.severity,
        title=title,
        body=body,
        link=m.link,
        source_type=m.source_type,
        source_id=m.source_id,
        created_at=item.created_at,
        read_at=item.read_at,
    )


# --- sending -------------------------------------------------------------------------------------


def webhook_matches(webhook: Webhook, message: Message) -> bool:
    """Whether an endpoint's filter takes a message: severity, category, site."""
    if not webhook.enabled:
        return False
    if SEVERITY_RANK.get(message.severity, 99) > SEVERITY_RANK.get(webhook.min_severity, 99):
        return False
    if webhook.categories and message.category not in webhook.categories:
        return False
    return webhook.site_id is None or webhook.site_id == message.site_id


def message_payload(message: Message, recipients: list[int]) -> dict[str, Any]:
    """The JSON body a webhook receives for a message (both languages rendered)."""
    titles: dict[str, str] = {}
    bodies: dict[str, str | None] = {}
    for loc in LOCALES:
        titles[loc], bodies[loc] = render(message, loc)
    return {
        "event": MESSAGE_EVENT,
        "message_id": message.id,
        "category": message.category,
        "severity": message.severity,
        "title": titles,
        "body": bodies,
        "link": message.link,
        "site_id": message.site_id,
        "area_id": message.area_id,
        "source": {"type": message.source_type, "id": message.source_id},
        "params": message.params or {},
        "recipients": recipients,
        "created_at": message.created_at.isoformat(),
    }


async def send(
    session: AsyncSession,
    recipients: list[int],
    message: NotificationIn,
    *,
    channels: Collection[str] = CHANNELS,
    bus: EventBus | None = None,
) -> SendResult:
    """Notify users inside the caller's transaction: inbox rows, queued webhook deliveries, and
    (with `bus`) a realtime push to each recipient after commit. A repeated `dedupe_key` is a no-op."""
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels {sorted(unknown)}")
    if message.dedupe_key:
        existing = await repo.message_by_dedupe_key(session, message.dedupe_key)
        if existing is not None:
            return SendResult(existing.id, 0, 0, duplicate=True)
    users = sorted({u for u in recipients if isinstance(u, int) and u > 0}) if "inapp" in channels else []
    hooks = await repo.enabled_webhooks(session) if "webhook" in channels else []
    now = utcnow()
    row = Message(created_at=now, **message.model_dump(mode="json"))
    hooks = [w for w in hooks if webhook_matches(w, row)]
    if not users and not hooks:
        return SendResult(None, 0, 0)
    session.add(row)
    await session.flush()

    items = [InboxItem(user_id=u, message_id=row.id, created_at=now) for u in users]
    session.add_all(items)
    if hooks:
        payload = message_payload(row, sorted({u for u in recipients if u > 0}))
        session.add_all(
            Delivery(
                webhook_id=w.id,
                message_id=row.id,
                event=MESSAGE_EVENT,
                payload=payload,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            for w in hooks
        )
    await session.flush()
    if bus is not None and items:
        titles = {loc: render(row, loc)[0] for loc in LOCALES}
        for item in items:
            bus.emit(
                session,
                NotificationCreated(
                    id=item.id,
                    user_id=item.user_id,
                    category=row.category,
                    severity=row.severity,
                    title=titles,
                    link=row.link,
                    created_at=now,
                ),
            )
    return SendResult(row.id, len(items), len(hooks))


# --- inbox ---------------------------------------------------------------------------------------


async def list_inbox(
    session: AsyncSession, user_id: int, params: PageParams, unread: bool | None, locale: str
) -> Page[InboxItemOut]:
    """One page of the user's own inbox, newest first by default."""
    rows, total = await paginate(
        session, repo.inbox_stmt(user_id, unread), params, repo.INBOX_SORTABLE, "-id"
    )
    return Page[InboxItemOut](
        items=[inbox_out(r, locale) for r in rows], total=total, page=params.page, page_size=params.page_size
    )


async def mark_read(session: AsyncSession, user_id: int, item_id: int, locale: str) -> InboxItemOut:
    """Mark one of the user's items read (idempotent); someone else's item is a 404."""
    await repo.mark_read(session, user_id, item_id, utcnow())
    item = await repo.inbox_item(session, user_id, item_id)
    if item is None:
        raise NotFound("notify.inbox_item_not_found", id=item_id)
    return inbox_out(item, locale)


async def mark_all_read(session: AsyncSession, user_id: int) -> int:
    """Mark every unread item of the user's read; returns how many changed."""
    return await repo.mark_all_read(session, user_id, utcnow())


async def unread_count(session: AsyncSession, user_id: int) -> int:
    """The user's unread items."""
    return await repo.unread_count(session, user_id)


# --- webhook endpoints ---------------------------------------------------------------------------


def _where(url: str) -> str:
    # The audit log records the host only: a query string may carry a receiver's access key.
    return urlsplit(url).hostname or ""


async def get_webhook(session: AsyncSession, webhook_id: int) -> Webhook:
    """One endpoint (404 when missing)."""
    webhook = await session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound("notify.webhook_not_found", id=webhook_id)
    return webhook


async def list_webhooks(session: AsyncSession) -> list[Webhook]:
    """Every endpoint."""
    return await repo.webhooks(session)


async def create_webhook(
    session: AsyncSession, actor: AuditActor | None, body: WebhookIn, box: SecretBox
) -> tuple[Webhook, str | None]:
    """Add an endpoint; returns it and the generated secret (None when the caller supplied one)."""
    if await repo.webhook_by_name(session, body.name) is not None:
        raise Conflict("notify.webhook_name_taken", name=body.name)
    generated = None if body.secret is not None else new_secret()
    secret = body.secret.get_secret_value() if body.secret is not None else generated
    assert secret is not None
    webhook = Webhook(
        name=body.name,
        url=body.url,
        secret_enc=box.encrypt(secret),
        enabled=body.enabled,
        min_severity=body.min_severity,
        categories=body.categories,
        site_id=body.site_id,
        timeout_s=body.timeout_s,
        max_attempts=body.max_attempts,
        created_by=actor.id if actor else None,
    )
    session.add(webhook)
    await session.flush()
    await record(
        session,
        actor,
        "notify.webhook_created",
        target_type="notify_webhook",
        target_id=webhook.id,
        detail={"name": webhook.name, "host": _where(webhook.url), "enabled": webhook.enabled},
    )
    return webhook, generated


async def update_webhook(
    session: AsyncSession, actor: AuditActor | None, webhook_id: int, body: WebhookUpdate, box: SecretBox
) -> Webhook:
    """Edit an endpoint; a new secret replaces the old one."""
    webhook = await get_webhook(session, webhook_id)
    changes = body.model_dump(exclude_unset=True, exclude={"secret"})
    if changes.get("name") and changes["name"] != webhook.name:
        if await repo.webhook_by_name(session, changes["name"]) is not None:
            raise Conflict("notify.webhook_name_taken", name=changes["name"])
    for key, value in changes.items():
        # `site_id: null` widens the filter to every site; other nulls mean "unchanged".
        if value is not None or key == "site_id":
            setattr(webhook, key, value)
    if body.secret is not None:
        webhook.secret_enc = box.encrypt(body.secret.get_secret_value())
    detail: dict[str, Any] = {k: v for k, v in changes.items() if k != "url"}
    if "url" in changes:
        detail["host"] = _where(webhook.url)
    if body.secret is not None:
        detail["secret_rotated"] = True
    webhook.updated_at = utcnow()
    await session.flush()
    await record(
        session,
        actor,
        "notify.webhook_updated",
        target_type="notify_webhook",
        target_id=webhook.id,
        detail=detail,
    )
    return webhook


async def delete_webhook(session: AsyncSession, actor: AuditActor | None, webhook_id: int) -> None:
    """Remove an endpoint and its delivery log."""
    webhook = await get_webhook(session, webhook_id)
    name = webhook.name
    await session.delete(webhook)
    await session.flush()
    await record(
        session,
        actor,
        "notify.webhook_deleted",
        target_type="notify_webhook",
        target_id=webhook_id,
        detail={"name": name},
    )


async def list_deliveries(
    session: AsyncSession, webhook_id: int, params: PageParams, status: str | None
) -> Page[DeliveryOut]:
    """One page of an endpoint's delivery log, newest first by default."""
    await get_webhook(session, webhook_id)
    rows, total = await paginate(
        session, repo.deliveries_stmt(webhook_id, status), params, repo.DELIVERY_SORTABLE, "-id"
    )
    return Page[DeliveryOut](
        items=[DeliveryOut.model_validate(r) for r in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


async def queue_test(session: AsyncSession, actor: AuditActor | None, webhook_id: int) -> Delivery:
    """Queue a signed test delivery to an endpoint (sent by the worker like any other)."""
    webhook = await get_webhook(session, webhook_id)
    now = utcnow()
    titles = {loc: translate("notify.test", loc) for loc in LOCALES}
    bodies = {loc: translate("notify.test.body", loc, name=webhook.name) for loc in LOCALES}
    delivery = Delivery(
        webhook_id=webhook.id,
        message_id=None,
        event=TEST_EVENT,
        payload={
            "event": TEST_EVENT,
            "webhook": webhook.name,
            "title": titles,
            "body": bodies,
            "created_at": now.isoformat(),
        },
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    await session.flush()
    await record(
        session,
        actor,
        "notify.webhook_tested",
        target_type="notify_webhook",
        target_id=webhook.id,
        detail={"delivery_id": delivery.id},
    )
    return delivery


# --- delivery worker -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claimed:
    id: int
    attempts: int
    event: str
    payload: dict[str, Any]
    url: str
    secret_enc: str
    timeout_s: float
    max_attempts: int


async def webhooks_due(session: AsyncSession) -> bool:
    """Read-only probe for the scheduler: is a delivery due?"""
    return await repo.any_due(session, utcnow())


async def deliver_webhooks(
    database: Database,
    box: SecretBox,
    *,
    batch: int = 20,
    client: httpx.AsyncClient | None = None,
) -> int:
    """Send due deliveries; returns how many were delivered.

    Three steps so no transaction (and no SQLite write lock) spans the network: claim due rows and
    lease them (attempts + 1, next attempt pushed past the timeout) and commit; POST them
    concurrently; record each outcome (delivered, retry after backoff, or dead after the endpoint's
    max attempts) unless another worker re-claimed the row after the lease ran out.
    """
    now = utcnow()
    claimed: list[_Claimed] = []
    async with database.transaction() as session:
        rows = await repo.claim_due(session, now, batch)
        hooks = await repo.webhooks_by_id(session, sorted({r.webhook_id for r in rows}))
        for r in rows:
            w = hooks[r.webhook_id]
            r.attempts += 1
            r.next_attempt_at = now + timedelta(seconds=w.timeout_s + LEASE_MARGIN_S)
            claimed.append(
                _Claimed(
                    r.id, r.attempts, r.event, r.payload, w.url, w.secret_enc, w.timeout_s, w.max_attempts
                )
            )
    if not claimed:
        return 0

    own_client = client is None
    http = client or httpx.AsyncClient(follow_redirects=False)
    try:
        results = await asyncio.gather(*(_attempt(http, box, c) for c in claimed))
    finally:
        if own_client:
            await http.aclose()

    delivered = 0
    async with database.transaction() as session:
        done = utcnow()
        for c, (ok, status, error) in zip(claimed, results, strict=True):
            values: dict[str, Any] = {"last_status": status, "last_error": error}
            if ok:
                values |= {"status": "delivered", "delivered_at": done}
            elif c.attempts >= c.max_attempts:
                values |= {"status": "dead"}
            else:
                values |= {"next_attempt_at": done + timedelta(seconds=backoff_s(c.attempts))}
            if await repo.record_attempt(session, c.id, c.attempts, values) and ok:
                delivered += 1
    return delivered


async def _attempt(
    http: httpx.AsyncClient, box: SecretBox, c: _Claimed
) -> tuple[bool, int | None, str | None]:
    try:
        secret = box.decrypt(c.secret_enc)
    except Exception:
        # The deployment secret changed since the endpoint was saved: set the endpoint's secret again.
        return False, None, "cannot decrypt the signing secret (deployment secret changed?)"
    result = await post_webhook(
        http,
        url=c.url,
        secret=secret,
        event=c.event,
        delivery_id=c.id,
        payload=c.payload,
        timeout_s=c.timeout_s,
        timestamp=int(utcnow().timestamp()),
    )
    return result.ok, result.status, result.error
