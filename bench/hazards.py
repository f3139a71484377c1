"""Major-hazard job costs, printed (no pass/fail): the risk-colour refresh (every 5 s in the worker),
the recompute check (every minute) and the reminder centre's hazard items, over many units with
bound points, open alarms, supervision findings and evaluation reports.

A fresh SQLite (or, with --pg, PostgreSQL) database is migrated and seeded with the demo plant; the
bench then adds N units, each with 3 substances, a bound point, (for every fifth unit) an open
urgent alarm, 3 supervision findings (one past its deadline) and an evaluation report falling due,
and times the jobs' functions in-process, median of repeated runs.

    .venv/bin/python bench/hazards.py                 # 300 units on SQLite
    .venv/bin/python bench/hazards.py --units 1000 --pg
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

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from anguan.basics import reminders
from anguan.basics.reference import REMINDERS_V1
from anguan.basics.rules import add_months
from anguan.core.db import Database
from anguan.core.files import LocalFileStore
from anguan.core.time import utcnow
from anguan.hazards import reports, risk, service
from anguan.hazards.models import EvaluationReport, Finding, HazardUnit, UnitSubstance
from anguan.migrate import upgrade
from anguan.monitoring.models import Alarm, Point
from anguan.plant.models import Site
from anguan.simulator.seed import seed_demo


async def prepare(url: str, files: Path, units: int) -> Database:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    async with db.transaction() as s:
        await seed_demo(s, LocalFileStore(files))
    async with db.transaction() as s:
        site = (await s.scalars(select(Site))).first()
        assert site is not None
        for i in range(units):
            unit = HazardUnit(
                code=f"B-{i:05d}", name=f"bench {i}", kind="storage", site_id=site.id, people_outside=60
            )
            s.add(unit)
            await s.flush()
            for j, (name, cls, q) in enumerate((("a", "W5.3", 300.0), ("b", "W2", 4.0), ("c", "J3", 12.0))):
                s.add(UnitSubstance(unit_id=unit.id, name=f"{name}{i}", q_t=q + j, classes=[cls]))
            p = Point(
                tag=f"BT-{i:05d}",
                name="bench",
                kind="gas_combustible",
                unit="%LEL",
                site_id=site.id,
                hazard_source_id=unit.id,
                range_lo=0,
                range_hi=100,
            )
            s.add(p)
            await s.flush()
            today = utcnow().date()
            for k in range(3):
                s.add(
                    Finding(
                        unit_id=unit.id,
                        status="open" if k < 2 else "closed",
                        source="park",
                        level="general",
                        found_on=today - timedelta(days=30),
                        inspector="bench",
                        description=f"bench finding {i}-{k}",
                        deadline=today - timedelta(days=1) if k == 0 else today + timedelta(days=20),
                        problem_files=[],
                        rectification_files=[],
                        entered_by="bench",
                    )
                )
            issued = add_months(today, -36) + timedelta(days=20)
            s.add(
                EvaluationReport(
                    kind="hazop",
                    site_id=site.id,
                    unit_id=unit.id,
                    title="bench",
                    issued_on=issued,
                    valid_until=add_months(issued, 36),
                    current=True,
                    files=[],
                    rule_version="bench",
                )
            )
            if i % 5 == 0:
                s.add(
                    Alarm(
                        point_id=p.id,
                        condition="HH",
                        priority="urgent",
                        site_id=site.id,
                        active=True,
                        acked=False,
                    )
                )
    return db


async def timed(db: Database, fn: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        async with db.transaction() as s:
            t0 = time.perf_counter()
            if fn == "refresh":
                await risk.refresh(s, None, utcnow())
            elif fn == "reminders":
                items = []
                for source in (reports.report_reminders, reports.finding_reminders):
                    items += await source(s, reminders.SYSTEM, utcnow().date(), REMINDERS_V1)
                assert len(items) >= 2
            else:
                await service.recompute_stale(s, utcnow())
            out.append((time.perf_counter() - t0) * 1000)
    return out


async def run(label: str, url: str, units: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        db = await prepare(url, Path(tmp) / "files", units)
        setup = time.perf_counter() - t0
        first = await timed(db, "recompute", 1)  # every bench unit is new: all assessed
        recompute = await timed(db, "recompute", repeat)  # nothing changed: the check only
        refresh = await timed(db, "refresh", repeat)
        due = await timed(db, "reminders", repeat)
        async with db.transaction() as s:
            n = len((await s.scalars(select(HazardUnit.id))).all())
        await db.dispose()
    print(f"{label:<10} units {n:>6}  setup {setup:6.1f} s")
    print(f"{'':<10} first recompute (assess all)   {first[0]:9.1f} ms")
    print(
        f"{'':<10} recompute check, nothing new    median {statistics.median(recompute):8.1f} ms  max {max(recompute):8.1f} ms"
    )
    print(
        f"{'':<10} risk refresh (every 5 s)        median {statistics.median(refresh):8.1f} ms  max {max(refresh):8.1f} ms"
    )
    print(
        f"{'':<10} reminder items (reports+findings) median {statistics.median(due):6.1f} ms  max {max(due):8.1f} ms"
    )


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        await run("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db", args.units, args.repeat)
    if args.pg:
        name = f"bench_hz_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(
            "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
        )
        async with admin.connect() as c:
            await c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            await run(
                "postgres", f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", args.units, args.repeat
            )
        finally:
            async with admin.connect() as c:
                await c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
