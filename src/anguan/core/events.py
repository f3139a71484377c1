"""Typed domain events released after commit, and the durable outbox.

Event names are `<module>.<past_tense>`; payloads are frozen Pydantic models. Handlers are
registered explicitly by each module's `handlers.py` at start-up. An event whose loss would
break a closed loop is emitted with `durable=True`: it is written to the outbox table in the
same transaction and delivered by the worker even if the process dies right after commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import Base, IdMixin, UTCDateTime, after_commit
from anguan.core.time import utcnow

log = logging.getLogger("anguan.events")

_delivery_session: ContextVar[AsyncSession | None] = ContextVar("anguan_outbox_session", default=None)


def delivery_session() -> AsyncSession | None:
    """The outbox transaction a durable event's handlers run in (None outside `deliver_outbox`).

    A handler that writes uses it, so its writes commit together with the row's `delivered_at`
    (a second write transaction would wait on the SQLite lock this one holds).
    """
    return _delivery_session.get()


class DomainEvent(BaseModel):
    """Base of every domain event; subclasses set `name` and typed fields."""

    model_config = ConfigDict(frozen=True)
    name: ClassVar[str] = "core.event"
    # Realtime topic the event is pushed to (None keeps it server-side).
    topic: ClassVar[str | None] = None

    def realtime_scope(self) -> dict[str, int] | None:
        """The site/area the event is about, so realtime delivery honours data scopes (None: everyone)."""
        return None


Handler = Callable[[DomainEvent], Awaitable[None]]


class OutboxMessage(IdMixin, Base):
    """An event written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"

    event_name: Mapped[str] = mapped_column(String(120), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class EventBus:
    """In-process dispatcher: name → handlers; also forwards topic events to the realtime hub."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._types: dict[str, type[DomainEvent]] = {}
        self._sinks: list[Handler] = []

    def register_type(self, event_type: type[DomainEvent]) -> None:
        """Make an event type known so durable payloads can be rebuilt from the outbox."""
        self._types[event_type.name] = event_type

    def subscribe(self, event_type: type[DomainEvent], handler: Handler) -> None:
        """Call `handler` for every committed event of this type."""
        self.register_type(event_type)
        self._handlers[event_type.name].append(handler)

    def add_sink(self, sink: Handler) -> None:
        """Receive every event (the realtime hub uses this)."""
        self._sinks.append(sink)

    async def dispatch(self, event: DomainEvent) -> None:
        """Deliver one committed event; a failing handler is logged and the rest still run."""
        for handler in [*self._handlers.get(event.name, []), *self._sinks]:
            try:
                await handler(event)
            except Exception:
                log.exception("handler for %s failed", event.name)

    def emit(self, session: AsyncSession, event: DomainEvent, *, durable: bool = False) -> None:
        """Publish `event` once `session` commits; durable events also go to the outbox."""
        if durable:
            self.register_type(event.__class__)
            session.add(OutboxMessage(event_name=event.name, payload=event.model_dump(mode="json")))
            return

        async def _release() -> None:
            await self.dispatch(event)

        after_commit(session, _release)

    async def outbox_pending(self, session: AsyncSession) -> bool:
        """True when at least one outbox row still waits for delivery."""
        pending = await session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.attempts < 20)
            .limit(1)
        )
        return pending is not None

    async def deliver_outbox(self, session: AsyncSession, *, batch: int = 100) -> int:
        """Deliver pending outbox rows in order; returns how many were delivered."""
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.attempts < 20)
                .order_by(OutboxMessage.id)
                .limit(batch)
                # Two workers never take the same rows (PostgreSQL, MariaDB; SQLite has one writer).
                .with_for_update(skip_locked=True)
            )
        ).all()
        delivered = 0
        for row in rows:
            event_type = self._types.get(row.event_name)
            row.attempts += 1
            if event_type is None:
                row.last_error = "unknown event type"
                continue
            token = _delivery_session.set(session)
            try:
                event = event_type.model_validate(row.payload)
                # A savepoint per row: a failing handler's writes are undone, the row is retried.
                async with session.begin_nested():
                    for handler in [*self._handlers.get(row.event_name, []), *self._sinks]:
                        await handler(event)
            except Exception as exc:
                row.last_error = repr(exc)[:2000]
                log.exception("outbox delivery of %s #%s failed", row.event_name, row.id)
                continue
            finally:
                _delivery_session.reset(token)
            row.delivered_at = utcnow()
            delivered += 1
        return delivered
