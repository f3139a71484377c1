"""Events are released only after commit; durable events survive a crash through the outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import Database
from anguan.core.errors import Conflict, install_error_handlers
from anguan.core.events import DomainEvent, EventBus, OutboxMessage
from anguan.core.timeline import TimelineEntry
from anguan.core.web import TransactionalRoute, get_session
from tests.plant.support import Callers, ids_by_code, plant_snapshot, running_app, settings_for


class Spilled(DomainEvent):
    name: ClassVar[str] = "test.spilled"
    tank: str
    litres: float


class Recorder:
    """A handler that remembers what it was given and what the database held at that moment."""

    def __init__(self, database: Database | None = None) -> None:
        self.events: list[DomainEvent] = []
        self.rows_seen: list[int] = []
        self.database = database

    async def __call__(self, event: DomainEvent) -> None:
        self.events.append(event)
        if self.database is not None:
            async with self.database.transaction(write=False) as s:
                self.rows_seen.append(
                    int(
                        await s.scalar(
                            select(func.count())
                            .select_from(TimelineEntry)
                            .where(TimelineEntry.entity_type == "test")
                        )
                        or 0
                    )
                )


def _timeline(tag: str) -> TimelineEntry:
    return TimelineEntry(entity_type="test", entity_id=tag, action="spill", evidence={})


async def _count(database: Database, model: Any) -> int:
    """Rows of `model`; for the timeline only this test's (the demo seed writes its own)."""
    stmt = select(func.count()).select_from(model)
    if model is TimelineEntry:
        stmt = stmt.where(TimelineEntry.entity_type == "test")
    async with database.transaction(write=False) as s:
        return int(await s.scalar(stmt) or 0)


@pytest.fixture
async def database(sqlite_url: str) -> Any:
    db = Database(sqlite_url)
    yield db
    await db.dispose()


async def test_event_is_dispatched_after_the_commit_it_belongs_to(database: Database):
    bus, rec = EventBus(), Recorder(database)
    bus.subscribe(Spilled, rec)
    async with database.transaction() as session:
        session.add(_timeline("a"))
        bus.emit(session, Spilled(tank="T-101", litres=3.5))
        await session.flush()
        assert rec.events == []  # not before the commit
    assert rec.events == [Spilled(tank="T-101", litres=3.5)]
    assert rec.rows_seen == [1]  # the handler already sees the committed row


async def test_event_of_a_failed_transaction_is_never_dispatched(database: Database):
    bus, rec = EventBus(), Recorder()
    bus.subscribe(Spilled, rec)
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            session.add(_timeline("b"))
            bus.emit(session, Spilled(tank="T-102", litres=1))
            bus.emit(session, Spilled(tank="T-103", litres=1), durable=True)
            await session.flush()
            raise RuntimeError("boom")
    assert rec.events == []
    assert await _count(database, TimelineEntry) == 0
    assert await _count(database, OutboxMessage) == 0


async def test_a_failing_handler_does_not_stop_the_others(database: Database):
    bus, rec, sink = EventBus(), Recorder(), Recorder()

    async def broken(event: DomainEvent) -> None:
        raise ValueError("handler bug")

    bus.subscribe(Spilled, broken)
    bus.subscribe(Spilled, rec)
    bus.add_sink(sink)
    async with database.transaction() as session:
        bus.emit(session, Spilled(tank="T-104", litres=2))
    assert len(rec.events) == 1 and len(sink.events) == 1


def _mini_app(database: Database) -> tuple[FastAPI, EventBus, Recorder]:
    """A bare app with TransactionalRoute: each route writes a row and emits an event, then ends its own way."""
    bus, rec = EventBus(), Recorder()
    bus.subscribe(Spilled, rec)
    router = APIRouter(route_class=TransactionalRoute)

    def _work(session: AsyncSession, tag: str) -> None:
        session.add(_timeline(tag))
        bus.emit(session, Spilled(tank=tag, litres=1))

    @router.post("/ok")
    async def ok(session: AsyncSession = Depends(get_session)) -> dict[str, str]:
        _work(session, "ok")
        return {"ok": "yes"}

    @router.post("/raises")
    async def raises(session: AsyncSession = Depends(get_session)) -> dict[str, str]:
        _work(session, "raises")
        await session.flush()
        raise Conflict("common.conflict")

    @router.post("/returns-409")
    async def returns_409(session: AsyncSession = Depends(get_session)) -> JSONResponse:
        _work(session, "returns-409")
        await session.flush()
        return JSONResponse({"code": "common.conflict"}, status_code=409)

    @router.post("/crashes")
    async def crashes(request: Request, session: AsyncSession = Depends(get_session)) -> dict[str, str]:
        _work(session, "crashes")
        await session.flush()
        raise RuntimeError("unexpected")

    app = FastAPI()
    app.state.database = database
    install_error_handlers(app)
    app.include_router(router)
    return app, bus, rec


@pytest.mark.parametrize(
    ("path", "status"),
    [("/raises", 409), ("/returns-409", 409), ("/crashes", 500)],
)
async def test_refused_or_failed_request_writes_nothing_and_emits_nothing(
    database: Database, path: str, status: int
):
    app, _, rec = _mini_app(database)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.post(path)
        assert r.status_code == status
        assert rec.events == []
        assert await _count(database, TimelineEntry) == 0
        r = await client.post("/ok")
        assert r.status_code == 200
        assert [e.tank for e in rec.events] == ["ok"]  # type: ignore[attr-defined]
        assert await _count(database, TimelineEntry) == 1


async def test_api_write_whose_commit_fails_emits_nothing(sqlite_url: str, tmp_path: Path, files_root: Path):
    """The real area endpoint: the event is queued, the commit fails, so no event and no change."""
    async with running_app(settings_for(tmp_path, sqlite_url, files_root)) as app:
        callers = Callers(app)
        try:
            database: Database = app.state.database
            ids = await ids_by_code(database)
            admin = await callers("admin")
            sink = Recorder()
            app.state.bus.add_sink(sink)
            before = await plant_snapshot(database)
            real_new_session = database.new_session

            def failing_session(*, write: bool = True) -> AsyncSession:
                session = real_new_session(write=write)

                async def commit() -> None:
                    raise RuntimeError("disk full")

                session.commit = commit  # type: ignore[method-assign]
                return session

            database.new_session = failing_session  # type: ignore[method-assign]
            r = await admin.patch(f"/api/v1/plant/areas/{ids['TF-01']}", json={"name": "不会保存"})
            database.new_session = real_new_session  # type: ignore[method-assign]
            assert r.status_code == 500
            assert r.json()["code"] == "common.internal_error"
            assert r.headers["x-request-id"] == r.json()["request_id"]
            assert sink.events == []
            assert await plant_snapshot(database) == before
            r = await admin.patch(f"/api/v1/plant/areas/{ids['TF-01']}", json={"name": "会保存"})
            assert r.status_code == 200
            assert [e.name for e in sink.events] == ["plant.area_changed"]
        finally:
            await callers.aclose()


async def test_durable_event_survives_a_crash_and_is_delivered_once(db_url: str):
    """Emit durable + commit, drop everything, then a NEW database handle and bus deliver it."""
    first = Database(db_url)
    async with first.transaction() as session:
        EventBus().emit(session, Spilled(tank="T-105", litres=12.5), durable=True)
    await first.dispose()  # the process "dies" before anyone delivered it

    second = Database(db_url)
    try:
        bus, rec, sink = EventBus(), Recorder(), Recorder()
        bus.subscribe(Spilled, rec)
        bus.add_sink(sink)
        async with second.transaction() as session:
            assert await bus.deliver_outbox(session) == 1
        assert rec.events == [Spilled(tank="T-105", litres=12.5)]
        assert sink.events == rec.events
        async with second.transaction() as session:
            assert await bus.deliver_outbox(session) == 0
        assert len(rec.events) == 1
        async with second.transaction(write=False) as session:
            row = (await session.scalars(select(OutboxMessage))).one()
        assert row.event_name == "test.spilled"
        assert row.payload == {"tank": "T-105", "litres": 12.5}
        assert row.delivered_at is not None and row.attempts == 1 and row.last_error is None
    finally:
        await second.dispose()


async def test_outbox_keeps_a_failed_delivery_for_a_retry(database: Database):
    async with database.transaction() as session:
        bus = EventBus()
        bus.emit(session, Spilled(tank="T-106", litres=1), durable=True)
        session.add(OutboxMessage(event_name="test.unknown_kind", payload={}))

    calls: list[DomainEvent] = []
    fail = True

    async def flaky(event: DomainEvent) -> None:
        calls.append(event)
        if fail:
            raise ConnectionError("regulator platform down")

    bus = EventBus()
    bus.subscribe(Spilled, flaky)
    async with database.transaction() as session:
        assert await bus.deliver_outbox(session) == 0
    async with database.transaction(write=False) as session:
        rows = {r.event_name: r for r in (await session.scalars(select(OutboxMessage))).all()}
    spilled, unknown = rows["test.spilled"], rows["test.unknown_kind"]
    assert spilled.delivered_at is None and spilled.attempts == 1
    assert "regulator platform down" in (spilled.last_error or "")
    assert unknown.delivered_at is None and unknown.last_error == "unknown event type"

    fail = False
    async with database.transaction() as session:
        assert await bus.deliver_outbox(session) == 1
    assert len(calls) == 2
    async with database.transaction(write=False) as session:
        spilled = await session.get(OutboxMessage, spilled.id)
    assert spilled is not None and spilled.delivered_at is not None and spilled.attempts == 2


async def test_worker_job_delivers_the_outbox_of_a_new_app(sqlite_url: str, tmp_path: Path, files_root: Path):
    """The wired `outbox.deliver` job of a freshly built app delivers what an earlier process left."""
    db = Database(sqlite_url)
    async with db.transaction() as session:
        EventBus().emit(session, Spilled(tank="T-101", litres=7), durable=True)
    await db.dispose()

    async with running_app(settings_for(tmp_path, sqlite_url, files_root)) as app:
        rec = Recorder()
        app.state.bus.subscribe(Spilled, rec)
        assert await app.state.scheduler.run_once("outbox.deliver") == 1
        assert await app.state.scheduler.run_once("outbox.deliver") == 0
        assert rec.events == [Spilled(tank="T-101", litres=7)]
        assert app.state.scheduler.jobs["outbox.deliver"].last_error is None


async def test_two_workers_never_deliver_the_same_outbox_row(db_url: str):
    """PostgreSQL: rows a worker is delivering are skipped (SKIP LOCKED) by a concurrent worker."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has a single writer: a second worker waits instead of overlapping")
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            for i in range(3):
                EventBus().emit(session, Spilled(tank=f"T-10{i}", litres=1.0), durable=True)
        other_counts: list[int] = []
        other = EventBus()
        other.subscribe(Spilled, Recorder())

        async def slow_handler(event: DomainEvent) -> None:
            # While this worker holds its rows, a second worker runs a delivery of its own.
            if not other_counts:
                async with db.transaction() as s2:
                    other_counts.append(await other.deliver_outbox(s2))

        first = EventBus()
        first.subscribe(Spilled, slow_handler)
        async with db.transaction() as session:
            assert await first.deliver_outbox(session) == 3
        assert other_counts == [0]
        async with db.transaction(write=False) as session:
            assert not await first.outbox_pending(session)
    finally:
        await db.dispose()
