"""Audit log: hash chain, append-only on every dialect, concurrent writers; workflow timeline entries."""

from __future__ import annotations

import asyncio
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from anguan.core.db import Database
from anguan.core.timeline import (
    GENESIS,
    AuditActor,
    AuditEntry,
    TimelineEntry,
    add_timeline,
    entry_hash,
    record,
    verify_chain,
)

WHO = AuditActor(1, "admin", "10.0.0.8")


@pytest.fixture
async def database(db_url: str) -> Any:
    db = Database(db_url)
    yield db
    await db.dispose()


async def _chain(database: Database) -> Any:
    async with database.transaction(write=False) as s:
        return await verify_chain(s)


async def _max_seq(database: Database) -> int:
    async with database.transaction(write=False) as s:
        return int(await s.scalar(select(func.max(AuditEntry.seq))) or 0)


async def test_entries_chain_onto_each_other(database: Database):
    start = await _max_seq(database)
    async with database.transaction() as s:
        a = await record(s, WHO, "test.one", target_type="thing", target_id=7, detail={"温度": 81.5})
        b = await record(s, None, "test.two", result="denied")
    assert (a.seq, b.seq) == (start + 1, start + 2)
    assert b.prev_hash == a.hash and a.target_id == "7"
    check = await _chain(database)
    assert check.ok and check.first_bad_seq is None and check.checked == start + 2
    async with database.transaction(write=False) as s:
        stored = await s.get(AuditEntry, a.seq)
    assert stored is not None and stored.detail == {"温度": 81.5} and stored.ip == "10.0.0.8"


async def test_first_entry_starts_from_genesis(database: Database):
    async with database.transaction() as s:
        await record(s, WHO, "test.any")
    async with database.transaction(write=False) as s:
        first = await s.get(AuditEntry, 1)
    assert first is not None and first.prev_hash == GENESIS


@pytest.mark.parametrize("statement", ["update", "delete"])
async def test_audit_log_is_append_only(database: Database, statement: str):
    async with database.transaction() as s:
        entry = await record(s, WHO, "test.protected")
    stmt = (
        update(AuditEntry).where(AuditEntry.seq == entry.seq).values(action="test.rewritten")
        if statement == "update"
        else delete(AuditEntry).where(AuditEntry.seq == entry.seq)
    )
    with pytest.raises(DBAPIError, match="append-only"):
        async with database.transaction() as s:
            await s.execute(stmt)
    async with database.transaction(write=False) as s:
        assert (await s.get(AuditEntry, entry.seq)).action == "test.protected"  # type: ignore[union-attr]
    assert (await _chain(database)).ok


async def test_forged_or_missing_entries_are_found(database: Database):
    async with database.transaction() as s:
        last = await record(s, WHO, "test.real")
    forged = AuditEntry(
        seq=last.seq + 1,
        ts=last.ts,
        actor_id=1,
        actor_username="admin",
        action="test.forged",
        result="ok",
        detail={},
        prev_hash=last.hash,
        hash="f" * 64,
    )
    async with database.transaction() as s:
        s.add(forged)
    check = await _chain(database)
    assert not check.ok and check.first_bad_seq == last.seq + 1 and check.checked == last.seq


async def test_gap_in_sequence_is_found(database: Database):
    async with database.transaction() as s:
        last = await record(s, WHO, "test.real")
    fields = {
        "seq": last.seq + 2,
        "ts": last.ts.isoformat(timespec="microseconds"),
        "actor_id": 1,
        "actor_username": "admin",
        "action": "test.after_gap",
        "target_type": None,
        "target_id": None,
        "ip": None,
        "result": "ok",
        "detail": {},
    }
    async with database.transaction() as s:
        s.add(
            AuditEntry(
                **{k: v for k, v in fields.items() if k != "ts"},
                ts=last.ts,
                prev_hash=last.hash,
                hash=entry_hash(last.hash, fields),
            )
        )
    check = await _chain(database)
    assert not check.ok and check.first_bad_seq == last.seq + 1


async def test_concurrent_writers_keep_one_unbroken_chain(database: Database):
    start = await _max_seq(database)

    async def writer(n: int) -> None:
        async with database.transaction() as s:
            for i in range(3):
                await record(s, AuditActor(n, f"user{n}"), "test.concurrent", detail={"i": i})

    await asyncio.gather(*(writer(n) for n in range(6)))
    check = await _chain(database)
    assert check.ok, check
    assert check.checked == start + 18
    async with database.transaction(write=False) as s:
        seqs = list(
            (
                await s.scalars(select(AuditEntry.seq).where(AuditEntry.seq > start).order_by(AuditEntry.seq))
            ).all()
        )
    assert seqs == list(range(start + 1, start + 19))


async def test_timeline_entry_records_a_transition(database: Database):
    async with database.transaction() as s:
        entry = await add_timeline(
            s,
            entity_type="permit",
            entity_id=42,
            action="approve",
            actor=WHO,
            from_state="submitted",
            to_state="approved",
            location={"x": 120.5, "y": 300.0},
            evidence={"file_id": 9},
        )
    async with database.transaction(write=False) as s:
        row = await s.get(TimelineEntry, entry.id)
    assert row is not None
    assert (row.entity_type, row.entity_id, row.actor_name) == ("permit", "42", "admin")
    assert (row.from_state, row.to_state) == ("submitted", "approved")
    assert row.location == {"x": 120.5, "y": 300.0} and row.evidence == {"file_id": 9}
    assert row.ts.tzinfo is not None


async def test_timestamps_come_back_as_utc(database: Database, frozen_clock: Any):
    from datetime import datetime, timedelta, timezone

    shanghai = timezone(timedelta(hours=8))
    frozen_clock.freeze(datetime(2026, 5, 1, 9, 30, 0, 123456, tzinfo=shanghai))
    async with database.transaction() as s:
        entry = await record(s, WHO, "test.time")
    async with database.transaction(write=False) as s:
        row = await s.get(AuditEntry, entry.seq)
        raw = await s.scalar(text("SELECT ts FROM audit_log WHERE seq = :seq"), {"seq": entry.seq})
    assert row is not None
    assert row.ts == datetime(2026, 5, 1, 1, 30, 0, 123456, tzinfo=UTC)
    assert "01:30:00" in str(raw)  # stored as naive UTC
    assert (await _chain(database)).ok
