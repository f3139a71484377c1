"""The ingest pipeline on SQLite and PostgreSQL: alarms, historian, idempotence, restart, bad input, outage."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from anguan.core.db import Database
from anguan.core.events import DomainEvent, EventBus, OutboxMessage
from anguan.monitoring.models import Alarm, AlarmEvent, Point, PointCurrent, Reject, Sample, Source
from anguan.monitoring.pipeline import IngestPipeline
from anguan.plant.models import Site
from tests.conftest import test_settings as settings_for

TAG = "TEST-LT-1"


def payload(*samples: tuple[str, float, float], q: str = "good") -> bytes:
    return orjson.dumps({"samples": [{"tag": tag, "ts": t, "v": v, "q": q} for tag, t, v in samples]})


async def add_point(db: Database, **over: Any) -> int:
    async with db.transaction() as s:
        site_id = (await s.scalars(select(Site.id).limit(1))).one()
        cols: dict[str, Any] = {
            "tag": TAG,
            "name": "测试液位",
            "kind": "level",
            "unit": "%",
            "range_lo": 0.0,
            "range_hi": 100.0,
            "site_id": site_id,
            "sp_h": 80.0,
            "sp_hh": 90.0,
            "deadband": 1.0,
            "expected_interval_s": 3600.0,
            "response_time_s": 300,
        }
        cols.update(over)
        p = Point(**cols)
        s.add(p)
        await s.flush()
        return int(p.id)


class Captured:
    def __init__(self) -> None:
        self.events: list[DomainEvent] = []

    async def __call__(self, event: DomainEvent) -> None:
        self.events.append(event)

    def names(self) -> list[str]:
        return [e.name for e in self.events]


async def started(db: Database, tmp: Path, url: str) -> tuple[IngestPipeline, Captured]:
    settings = settings_for(tmp, url, ingest={"in_process": False, "batch_max_wait_ms": 1})
    bus = EventBus()
    cap = Captured()
    bus.add_sink(cap)
    pipe = IngestPipeline(db, bus, settings)
    await pipe.start()
    return pipe, cap


async def scalar(db: Database, stmt: Any) -> Any:
    async with db.transaction(write=False) as s:
        return (await s.execute(stmt)).scalar()


async def test_alarm_lifecycle_history_and_idempotence(db_url: str, tmp_path: Path) -> None:
    db = Database(db_url)
    try:
        pid = await add_point(db)
        pipe, cap = await started(db, tmp_path, db_url)
        t0 = time.time() - 60
        r = await pipe.submit_payload("sim", payload((TAG, t0, 50.0), (TAG, t0 + 1, 85.0)))
        assert (r.accepted, r.duplicates, r.rejected) == (2, 0, {})
        # Redelivery of the same samples (a broker redelivers after a crash): nothing applied twice.
        r = await pipe.submit_payload("sim", payload((TAG, t0, 50.0), (TAG, t0 + 1, 85.0)), redelivered=True)
        assert (r.accepted, r.duplicates) == (0, 2)
        async with db.transaction(write=False) as s:
            alarm = (
                await s.scalars(select(Alarm).where(Alarm.point_id == pid, Alarm.condition == "H"))
            ).one()
            assert (alarm.active, alarm.acked, alarm.occurrence, alarm.value) == (True, False, 1, 85.0)
            kinds = (await s.scalars(select(AlarmEvent.kind).where(AlarmEvent.alarm_id == alarm.id))).all()
            assert kinds == ["activated"]
            cur = await s.get(PointCurrent, pid)
            assert cur is not None and cur.value == 85.0
            outbox = (await s.scalars(select(OutboxMessage.event_name))).all()
            assert outbox.count("monitoring.alarm_raised") == 1
        changed = [e for e in cap.events if e.name == "monitoring.alarm_changed"]
        assert len(changed) == 1 and changed[0].alarm.state == "unack"  # type: ignore[attr-defined]
        # Return inside limit − deadband: returned, still unacknowledged (rtn_unack).
        await pipe.submit_payload("sim", payload((TAG, t0 + 2, 78.5)))
        async with db.transaction(write=False) as s:
            alarm = (
                await s.scalars(select(Alarm).where(Alarm.point_id == pid, Alarm.condition == "H"))
            ).one()
            assert (alarm.active, alarm.acked) == (False, False)
        # Every received sample counts once in the open 1-minute bucket(s) or closed rollups.
        await pipe.submit_payload("sim", payload((TAG, t0 + 120, 60.0)))
        await pipe.stop()
        async with db.transaction(write=False) as s:
            n_samples = await s.scalar(select(func.count()).select_from(Sample).where(Sample.point_id == pid))
            assert n_samples and n_samples >= 1
    finally:
        await db.dispose()


async def test_restart_restores_alarm_state(db_url: str, tmp_path: Path) -> None:
    db = Database(db_url)
    try:
        pid = await add_point(db)
        pipe, _ = await started(db, tmp_path, db_url)
        t0 = time.time() - 60
        await pipe.submit_payload("sim", payload((TAG, t0, 95.0)))
        await pipe.stop()
        pipe2, cap2 = await started(db, tmp_path, db_url)
        r = await pipe2.submit_payload("sim", payload((TAG, t0, 95.0), (TAG, t0 + 1, 96.0)))
        assert (r.accepted, r.duplicates) == (1, 1)
        await pipe2.stop()
        occurrences = await scalar(
            db, select(func.max(Alarm.occurrence)).where(Alarm.point_id == pid, Alarm.condition == "HH")
        )
        assert occurrences == 1  # still the same activation: no re-raise after the restart
        assert "monitoring.alarm_changed" not in cap2.names()
    finally:
        await db.dispose()


async def test_bad_input_is_counted_per_source_and_the_loop_survives(db_url: str, tmp_path: Path) -> None:
    db = Database(db_url)
    try:
        await add_point(db)
        pipe, _ = await started(db, tmp_path, db_url)
        t = time.time()
        bad = [
            b"{not json",
            b'{"samples": [{"tag": "TEST-LT-1", "v": NaN}]}',
            orjson.dumps({"samples": [{"tag": "NO-SUCH", "v": 1.0}]}),
            orjson.dumps({"samples": [{"tag": TAG, "v": 1.0, "ts": t + 3600}]}),
            orjson.dumps({"samples": [{"tag": TAG, "v": 1.0, "ts": t - 30 * 86400}]}),
            b"x" * (300 * 1024),
        ]
        for body in bad:
            r = await pipe.submit_payload("sim", body)
            assert r.accepted == 0 and sum(r.rejected.values()) == 1
        r = await pipe.submit_payload("intruder", payload((TAG, t, 1.0)))
        assert r.rejected == {"unknown_source": 1}
        # The loop is alive and still ingests good data.
        r = await pipe.submit_payload("sim", payload((TAG, t, 10.0)))
        assert r.accepted == 1
        await pipe.stop()
        async with db.transaction(write=False) as s:
            rows = {(x.source, x.reason): x.count for x in (await s.scalars(select(Reject))).all()}
        assert rows == {
            ("sim", "malformed"): 2,
            ("sim", "unknown_point"): 1,
            ("sim", "future"): 1,
            ("sim", "past"): 1,
            ("sim", "too_large"): 1,
            ("unknown", "unknown_source"): 1,
        }
    finally:
        await db.dispose()


async def test_point_bound_to_a_source_refuses_other_sources(sqlite_url: str, tmp_path: Path) -> None:
    db = Database(sqlite_url)
    try:
        gw = await scalar(db, select(Source.id).where(Source.code == "gw-http"))
        await add_point(db, source_id=gw)
        pipe, _ = await started(db, tmp_path, sqlite_url)
        r = await pipe.submit_payload("sim", payload((TAG, time.time(), 1.0)))
        assert r.rejected == {"wrong_source": 1}
        r = await pipe.submit_payload("gw-http", payload((TAG, time.time(), 1.0)))
        assert r.accepted == 1
        await pipe.stop()
    finally:
        await db.dispose()


@pytest.mark.postgres
async def test_database_outage_holds_submissions_then_catches_up(tmp_path: Path, pg_template: str) -> None:
    """PostgreSQL unreachable: submitters wait (a connector would not acknowledge), then all is stored once."""
    import uuid

    from tests.conftest import _pg_exec, pg_url
    from tests.support.tcp_proxy import TcpProxy

    name = f"anguan_t_{uuid.uuid4().hex[:12]}"
    await _pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    proxy = TcpProxy("127.0.0.1", 5432)
    await proxy.start()
    url = pg_url(name).replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    db = Database(url)
    try:
        pid = await add_point(db)
        pipe, _ = await started(db, tmp_path, url)
        t0 = time.time() - 30
        assert (await pipe.submit_payload("sim", payload((TAG, t0, 1.0)))).accepted == 1
        await proxy.cut()
        pending = [
            asyncio.create_task(pipe.submit_payload("sim", payload((TAG, t0 + i, float(i % 7) * 3))))
            for i in range(1, 21)
        ]
        await asyncio.sleep(2.0)
        assert not any(t.done() for t in pending)  # nothing answered while storage is away
        await proxy.restore()
        results = await asyncio.wait_for(asyncio.gather(*pending), timeout=60)
        assert sum(r.accepted for r in results) == 20
        assert pipe.stats.commits_failed >= 1
        await pipe.stop()
        async with db.transaction(write=False) as s:
            cur = await s.get(PointCurrent, pid)
            stored = (await s.scalars(select(Sample.ts).where(Sample.point_id == pid))).all()
        assert cur is not None and cur.value == float(20 % 7) * 3
        assert len(stored) == len(set(stored))
    finally:
        await db.dispose()
        await proxy.cut()
        await _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_late_samples_are_stored_once_and_redeliveries_are_duplicates(
    db_url: str, tmp_path: Path
) -> None:
    """A gateway's buffered backlog arrives after newer data: stored raw, counted once in the rollups."""
    db = Database(db_url)
    try:
        pid = await add_point(db, hist_comp_dev=5.0, hist_deadband=0.0)
        pipe, _ = await started(db, tmp_path, db_url)
        base = time.time() - 600
        base -= base % 60  # minute-aligned
        await pipe.submit_payload("sim", payload(*[(TAG, base + 60 + i, 10.0) for i in range(5)]))
        # Late: older than the newest sample; one in a closed minute, one in the open minute.
        late = payload((TAG, base + 30, 55.5), (TAG, base + 60.5, 66.6))
        r = await pipe.submit_payload("sim", late)
        assert (r.accepted, r.duplicates) == (2, 0)
        # The same message again as a fresh delivery: stored already → nothing counted twice.
        r = await pipe.submit_payload("sim", late)
        assert r.accepted == 2
        # As an MQTT redelivery (DUP): older samples are duplicates by definition.
        r = await pipe.submit_payload("sim", late, redelivered=True)
        assert (r.accepted, r.duplicates) == (0, 2)
        await pipe.submit_payload("sim", payload((TAG, base + 180, 10.0)))  # closes the open minute
        await pipe.stop()
        from anguan.monitoring.models import Rollup1m

        async with db.transaction(write=False) as s:
            values = {
                round(ts.timestamp(), 1): v
                for ts, v in (
                    await s.execute(select(Sample.ts, Sample.value).where(Sample.point_id == pid))
                ).all()
            }
            buckets = {
                round(b.bucket.timestamp()): (b.count, b.vmax)
                for b in (await s.scalars(select(Rollup1m).where(Rollup1m.point_id == pid))).all()
            }
        assert values[round(base + 30, 1)] == 55.5 and values[round(base + 60.5, 1)] == 66.6
        assert buckets[round(base)] == (1, 55.5)
        assert buckets[round(base + 60)] == (6, 66.6)  # five in order + one late, once
    finally:
        await db.dispose()
