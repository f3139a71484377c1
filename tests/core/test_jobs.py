"""Scheduler: one transaction per run, failures recorded, the loop survives, Redis singleton lock."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import Database
from anguan.core.jobs import Scheduler
from anguan.core.timeline import TimelineEntry
from tests.conftest import REDIS_URL, require_service


@pytest.fixture
async def database(sqlite_url: str) -> Any:
    db = Database(sqlite_url)
    yield db
    await db.dispose()


async def _entries(database: Database) -> list[str]:
    async with database.transaction(write=False) as s:
        stmt = select(TimelineEntry.entity_id).where(TimelineEntry.entity_type == "job")
        return list((await s.scalars(stmt.order_by(TimelineEntry.id))).all())


def _writer(tag: str, *, fail: bool = False) -> Any:
    async def job(session: AsyncSession) -> str:
        session.add(TimelineEntry(entity_type="job", entity_id=tag, action="ran", evidence={}))
        await session.flush()
        if fail:
            raise RuntimeError(f"{tag} broke")
        return tag

    return job


async def test_run_once_commits_the_jobs_own_transaction(database: Database, frozen_clock: Any):
    from datetime import UTC, datetime

    frozen_clock.freeze(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    scheduler = Scheduler(database)
    scheduler.add("write", 60, _writer("w1"))
    assert await scheduler.run_once("write") == "w1"
    assert await _entries(database) == ["w1"]
    job = scheduler.jobs["write"]
    assert job.runs == 1 and job.last_error is None
    assert job.last_run == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_failing_job_is_recorded_and_rolled_back(database: Database):
    scheduler = Scheduler(database)
    scheduler.add("bad", 60, _writer("bad", fail=True))
    scheduler.add("good", 60, _writer("good"))
    assert await scheduler.run_once("bad") is None
    assert scheduler.jobs["bad"].runs == 1
    assert "bad broke" in (scheduler.jobs["bad"].last_error or "")
    assert await _entries(database) == []  # its write was rolled back
    assert await scheduler.run_once("good") == "good"
    assert await _entries(database) == ["good"]


async def test_loop_keeps_running_after_a_job_fails(database: Database):
    scheduler = Scheduler(database)
    ran_twice = asyncio.Event()
    good_runs = 0

    async def good(session: AsyncSession) -> None:
        nonlocal good_runs
        good_runs += 1
        if good_runs >= 2:
            ran_twice.set()

    scheduler.add("bad", 0, _writer("bad", fail=True))
    scheduler.add("good", 0, good)
    scheduler.start()
    try:
        await asyncio.wait_for(ran_twice.wait(), 15)
    finally:
        await scheduler.stop()
    assert scheduler.jobs["bad"].runs >= 2
    assert scheduler.jobs["bad"].last_error is not None
    assert scheduler._task is None


async def test_loop_survives_redis_being_unreachable(database: Database):
    """A singleton job whose lock cannot be taken is skipped and recorded; the loop lives on."""
    scheduler = Scheduler(database, redis_url="redis://127.0.0.1:1/0")
    ran = asyncio.Event()

    async def local(session: AsyncSession) -> None:
        ran.set()

    scheduler.add("needs-lock", 0, _writer("locked"))
    scheduler.add("local", 0, local, singleton=False)
    assert await scheduler.run_once("needs-lock") is None
    assert "lock unavailable" in (scheduler.jobs["needs-lock"].last_error or "")
    scheduler.start()
    try:
        await asyncio.wait_for(ran.wait(), 15)
        ran.clear()
        await asyncio.wait_for(ran.wait(), 15)  # a second pass: the loop did not die on the first
    finally:
        await scheduler.stop()
    assert await _entries(database) == []


@pytest.mark.redis
async def test_singleton_job_skips_while_another_worker_holds_the_lock(database: Database):
    require_service("redis", "127.0.0.1", 6379)
    import redis.asyncio as aioredis

    name = f"test.singleton.{uuid.uuid4().hex}"  # other runs share this Redis
    scheduler = Scheduler(database, redis_url=REDIS_URL)
    scheduler.add(name, 60, _writer("singleton"))
    scheduler.add(name + ".many", 60, _writer("many"), singleton=False)
    other_worker = aioredis.from_url(REDIS_URL)
    try:
        lock = other_worker.lock(f"anguan:job:{name}", timeout=30, blocking=False)
        assert await lock.acquire()
        lock_many = other_worker.lock(f"anguan:job:{name}.many", timeout=30, blocking=False)
        assert await lock_many.acquire()

        assert await scheduler.run_once(name) is None
        assert scheduler.jobs[name].runs == 0
        assert await scheduler.run_once(name + ".many") == "many"  # not a singleton: no lock taken
        assert await _entries(database) == ["many"]

        await lock.release()
        assert await scheduler.run_once(name) == "singleton"
        assert await _entries(database) == ["many", "singleton"]
        # The scheduler released its own lock after the run.
        assert not await other_worker.exists(f"anguan:job:{name}")
        await lock_many.release()
    finally:
        await scheduler.stop()
        await other_worker.aclose()


async def test_jobs_of_the_app_run_cleanly_on_both_databases(app: Any):
    scheduler = app.state.scheduler
    assert {"outbox.deliver", "identity.purge_sessions"} <= set(scheduler.jobs)
    for name in scheduler.jobs:
        await scheduler.run_once(name)
        assert scheduler.jobs[name].runs == 1
        assert scheduler.jobs[name].last_error is None, name


async def test_probe_without_work_skips_the_write_transaction(database: Database):
    from anguan.core.jobs import Scheduler

    calls: list[str] = []

    async def probe(session: Any) -> bool:
        calls.append("probe")
        return False

    async def work(session: Any) -> str:
        calls.append("work")
        return "done"

    scheduler = Scheduler(database)
    scheduler.add("probed", 1.0, work, probe=probe)
    assert await scheduler.run_once("probed") == 0
    assert calls == ["probe"]
    assert scheduler.jobs["probed"].runs == 1

    async def yes(session: Any) -> bool:
        return True

    scheduler.add("probed", 1.0, work, probe=yes)
    assert await scheduler.run_once("probed") == "done"
    assert calls == ["probe", "work"]
