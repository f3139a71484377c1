"""Audit log (append-only, hash-chained) and per-entity timeline (the compliance record).

Each audit entry carries the hash of the previous one, so any edit or deletion breaks the
chain at a known sequence number. The chain head row serialises writers on every dialect:
the first statement of `record` updates it, which takes a row lock (PostgreSQL, MariaDB) or
the write lock (SQLite) before the previous hash is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import Base, BigId, Database, IdMixin, UTCDateTime
from anguan.core.time import utcnow

GENESIS = "0" * 64


class AuditEntry(Base):
    """One audited action: who, what, on what, from where, with what result."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    actor_username: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str | None] = mapped_column(String(60), nullable=True)
    target_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    result: Mapped[str] = mapped_column(String(12), default="ok")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """Single row holding the chain's last sequence number and hash."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigId, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


class TimelineEntry(IdMixin, Base):
    """A state change of a workflow entity: who, when, where, from, to, evidence."""

    __tablename__ = "timeline"

    entity_type: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str] = mapped_column(String(80), index=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    actor_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(80))
    from_state: Mapped[str | None] = mapped_column(String(40), nullable=True)
    to_state: Mapped[str | None] = mapped_column(String(40), nullable=True)
    location: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@dataclass(frozen=True)
class AuditActor:
    """Who did it, as the audit log records it."""

    id: int | None
    username: str | None
    ip: str | None = None


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the entry's fields."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _fields(e: Any) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "ts": e.ts.isoformat(timespec="microseconds"),
        "actor_id": e.actor_id,
        "actor_username": e.actor_username,
        "action": e.action,
        "target_type": e.target_type,
        "target_id": e.target_id,
        "ip": e.ip,
        "result": e.result,
        "detail": e.detail,
    }


async def record(
    session: AsyncSession,
    actor: AuditActor | None,
    action: str,
    *,
    target_type: str | None = None,
    target_id: Any = None,
    result: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry inside the caller's transaction."""
    bumped = await session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    if getattr(bumped, "rowcount", 1) == 0:
        session.add(AuditHead(id=1, seq=1, last_hash=GENESIS))
        await session.flush()
    head = (
        await session.execute(
            select(AuditHead.seq, AuditHead.last_hash)
            .where(AuditHead.id == 1)
            .execution_options(populate_existing=True)
        )
    ).one()
    ts = utcnow()
    entry = AuditEntry(
        seq=head.seq,
        ts=ts,
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else None,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        ip=actor.ip if actor else None,
        result=result,
        detail=detail or {},
        prev_hash=head.last_hash,
        hash="",
    )
    entry.hash = entry_hash(entry.prev_hash, _fields(entry))
    session.add(entry)
    await session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=entry.hash))
    await session.flush()
    return entry


async def record_now(database: Database, actor: AuditActor | None, action: str, **kwargs: Any) -> None:
    """Append an audit entry in its own transaction (for failures whose request rolls back)."""
    async with database.transaction() as session:
        await record(session, actor, action, **kwargs)


@dataclass(frozen=True)
class ChainCheck:
    """Result of verifying the audit chain."""

    ok: bool
    checked: int
    first_bad_seq: int | None


async def verify_chain(session: AsyncSession, *, batch: int = 2000) -> ChainCheck:
    """Recompute every hash in order; report the first entry that does not match."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        rows = (
            await session.execute(
                select(*AuditEntry.__table__.columns)
                .where(AuditEntry.seq > last_seq)
                .order_by(AuditEntry.seq)
                .limit(batch)
            )
        ).all()
        if not rows:
            return ChainCheck(True, checked, None)
        for e in rows:
            if e.seq != expected_seq or e.prev_hash != prev or entry_hash(prev, _fields(e)) != e.hash:
                return ChainCheck(False, checked, expected_seq if e.seq != expected_seq else e.seq)
            prev = e.hash
            expected_seq += 1
            checked += 1
            last_seq = e.seq


async def add_timeline(
    session: AsyncSession,
    *,
    entity_type: str,
    entity_id: Any,
    action: str,
    actor: AuditActor | None,
    from_state: str | None = None,
    to_state: str | None = None,
    location: dict[str, Any] | None = None,
    evidence: dict[str, Any] | None = None,
) -> TimelineEntry:
    """Write a workflow transition's timeline entry in the caller's transaction."""
    entry = TimelineEntry(
        entity_type=entity_type,
        entity_id=str(entity_id),
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        location=location,
        evidence=evidence or {},
    )
    session.add(entry)
    await session.flush()
    return entry
