"""Special-work job costs, printed (no pass/fail): the worker's timers (every 30 s) and the gas-alarm
linkage (on every gas alarm) over many live permits, a page of 200 records of the exchange feed
(表A.1 shape, what the park platform pulls), one permit's live context (its detectors' last values
and alarms, its cameras: what the permit page reads every 10 s) and the work leader's to-do list
(every hot-work permit waiting for his signature: the ledger's my-work bar).

A fresh SQLite (or, with --pg, PostgreSQL) database is migrated and seeded with the demo plant; the
bench adds N permits in progress (a third of them confined-space, each with two gas tests and two
watching detectors) and times the functions in-process, median of repeated runs.

    .venv/bin/python bench/permits.py                # 300 live permits on SQLite
    .venv/bin/python bench/permits.py --permits 2000 --pg
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from anguan.basics.models import Person
from anguan.core.db import Database
from anguan.core.files import LocalFileStore
from anguan.core.time import utcnow
from anguan.identity import permissions as P
from anguan.identity.models import User
from anguan.identity.schemas import Actor, Scope
from anguan.migrate import upgrade
from anguan.monitoring.models import Point
from anguan.permits import exchange, live_api, mine_api, tasks
from anguan.permits.models import GasTest, Permit
from anguan.plant.models import Site
from anguan.simulator.seed import seed_demo


async def prepare(url: str, files: Path, n: int) -> tuple[Database, int]:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    async with db.transaction() as s:
        await seed_demo(s, LocalFileStore(files))
    now = utcnow()
    async with db.transaction() as s:
        site = (await s.scalars(select(Site))).first()
        leader = (await s.scalars(select(Person))).first()
        gas = [p.id for p in (await s.scalars(select(Point).where(Point.kind == "gas_combustible"))).all()]
        assert site is not None and leader is not None and gas
        for i in range(n):
            confined = i % 3 == 0
            p = Permit(
                uid=str(uuid.uuid4()),
                number=f"B-{i:06d}",
                work_type="confined_space" if confined else "hot_work",
                grade=None if confined else "2",
                required_grade=None if confined else "2",
                upgrade_causes=[],
                state="in_progress",
                rule_version="bench",
                site_id=site.id,
                location="bench",
                hazardous_area=True,
                content="bench",
                work_unit="bench",
                leader_id=leader.id,
                planned_start=now - timedelta(hours=1),
                planned_end=now + timedelta(hours=5),
                valid_until=now + timedelta(hours=5),
                started_at=now - timedelta(minutes=50),
                risks=["x"],
                details={},
                detector_ids=[gas[i % len(gas)], gas[(i + 1) % len(gas)]],
                camera_ids=[],
                created_by="bench",
            )
            s.add(p)
            await s.flush()
            for minutes in (55, 20):
                s.add(
                    GasTest(
                        permit_id=p.id,
                        sampled_at=now - timedelta(minutes=minutes),
                        point="bench",
                        analyst="bench",
                        readings=[{"kind": "combustible", "name": "甲醇", "value": 0.1}],
                        passed=True,
                        failures=[],
                        recorded_at=now,
                    )
                )
    return db, gas[0]


BENCH_ACTOR = Actor(
    user_id=0,
    username="bench",
    permissions=frozenset(),
    scopes=(Scope(kind="all"),),
    session_id=0,
    session_kind="bench",
)


async def timed(db: Database, repeat: int, fn: str, detector: int) -> list[float]:
    out = []
    for _ in range(repeat):
        async with db.transaction() as s:
            first = await s.scalar(select(Permit.id).order_by(Permit.id).limit(1))
            if fn == "mine":
                # the hot-work permits wait for their work leader 刘强 (login leader) to sign
                user = (await s.scalars(select(User).where(User.username == "leader"))).one()
                person = await s.scalar(select(Person.id).where(Person.user_id == user.id))
                await s.execute(
                    update(Permit)
                    .where(Permit.work_type == "hot_work")
                    .values(state="signing", leader_id=person)
                )
                leader = Actor(
                    user_id=user.id,
                    username=user.username,
                    permissions=frozenset({P.PERMITS_READ, P.PERMITS_SIGN}),
                    scopes=(Scope(kind="all"),),
                    session_id=0,
                    session_kind="bench",
                )
            t0 = time.perf_counter()
            if fn == "mine":
                waiting = (await mine_api.my_work(leader, s)).waiting_count
                assert waiting > 0
            elif fn == "feed":
                assert len(await exchange.feed(s, None, 200, None)) == 200
            elif fn == "live":
                await live_api.live_context(int(first or 0), BENCH_ACTOR, s)
            elif fn == "timers":
                await tasks.check_timers(s, None, utcnow())
            else:
                await tasks.on_gas_alarm(
                    s,
                    None,
                    point_id=-detector,
                    kind="gas_combustible",
                    condition="HH",
                    tag="bench",
                    value=50.0,
                    at=utcnow(),
                )
            out.append((time.perf_counter() - t0) * 1000)
            await s.rollback()
    return out


async def run(label: str, url: str, n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        db, detector = await prepare(url, Path(tmp) / "files", n)
        setup = time.perf_counter() - t0
        timers = await timed(db, repeat, "timers", detector)
        # A detector no permit watches: the scan of live permits without suspending any.
        linkage = await timed(db, repeat, "linkage", detector)
        feed = await timed(db, repeat, "feed", detector)
        live = await timed(db, repeat, "live", detector)
        mine = await timed(db, repeat, "mine", detector)
        await db.dispose()
    print(f"{label:<10} live permits {n:>6}  setup {setup:6.1f} s")
    print(
        f"{'':<10} timers (every 30 s)          median {statistics.median(timers):8.1f} ms  max {max(timers):8.1f} ms"
    )
    print(
        f"{'':<10} gas-alarm linkage (per alarm) median {statistics.median(linkage):7.1f} ms  max {max(linkage):8.1f} ms"
    )
    print(
        f"{'':<10} exchange feed (200 records)  median {statistics.median(feed):8.1f} ms  max {max(feed):8.1f} ms"
    )
    print(
        f"{'':<10} live context (one permit)    median {statistics.median(live):8.1f} ms  max {max(live):8.1f} ms"
    )
    print(
        f"{'':<10} my work ({n - (n + 2) // 3} waiting)       median {statistics.median(mine):8.1f} ms  max {max(mine):8.1f} ms"
    )


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--permits", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        await run("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db", args.permits, args.repeat)
    if args.pg:
        name = f"bench_pm_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(
            "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
        )
        async with admin.connect() as c:
            await c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            await run(
                "postgres", f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", args.permits, args.repeat
            )
        finally:
            async with admin.connect() as c:
                await c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
