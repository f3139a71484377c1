"""Reliability of the real ingest role (`anguan ingest` processes, the machine's Mosquitto and PostgreSQL).

1. kill -9 the ingest process while a publisher sends at QoS 1, restart it: every sample the broker
   accepted is stored, none twice (idempotent on point and timestamp; rollup counts prove it).
2. PostgreSQL unreachable for 30 s (a TCP proxy is cut): ingest stops acknowledging, then catches up
   with nothing lost.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from anguan.core.db import Database
from anguan.monitoring.models import Point, PointCurrent, Rollup1m, Sample
from anguan.plant.models import Site
from tests.conftest import _pg_exec, pg_url, require_service
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgres]

N_POINTS = 8


@pytest.fixture
def mosquitto() -> None:
    require_service("mosquitto", "127.0.0.1", 1883)


@pytest.fixture
async def pg_db(pg_template: str) -> AsyncIterator[str]:
    name = f"anguan_rel_{uuid.uuid4().hex[:10]}"
    await _pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    try:
        yield name
    finally:
        await _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def add_points(url: str) -> dict[str, int]:
    """Points with no compression (every sample must be stored exactly) and no set-points."""
    db = Database(url)
    try:
        async with db.transaction() as s:
            site_id = (await s.scalars(select(Site.id).limit(1))).one()
            points = [
                Point(
                    tag=f"REL-{i}",
                    name=f"可靠性测试 {i}",
                    kind="other",
                    site_id=site_id,
                    expected_interval_s=3600.0,
                    hist_comp_dev=0.0,
                    hist_deadband=0.0,
                    hist_max_interval_s=0.0,
                )
                for i in range(N_POINTS)
            ]
            s.add_all(points)
            await s.flush()
            return {p.tag: p.id for p in points}
    finally:
        await db.dispose()


class Ingest:
    """An `anguan ingest` child process."""

    def __init__(self, url: str, prefix: str, client_id: str, log: Path, **env: str) -> None:
        self.env = {
            **os.environ,
            "ANGUAN_DATABASE_URL": url,
            "ANGUAN_MQTT__HOST": "127.0.0.1",
            "ANGUAN_MQTT__PORT": "1883",
            "ANGUAN_MQTT__TOPIC_PREFIX": prefix,
            "ANGUAN_MQTT__CLIENT_ID": client_id,
            "ANGUAN_MQTT__SHARED_GROUP": f"g{uuid.uuid4().hex[:8]}",
            "ANGUAN_SCHEDULER_ENABLED": "false",
            "ANGUAN_LOG_LEVEL": "INFO",
            **env,
        }
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self._subacks = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "anguan.cli", "ingest"],
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    async def subscribed(self, n: int = 1, within_s: float = 90.0) -> None:
        """Wait until the process logged `n` more SUBACKs (a fixed sleep races a slow start)."""
        start = self._subacks
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            count = (
                self.log.read_text(errors="replace").count("MQTT subscribed to ") if self.log.exists() else 0
            )
            if count - start >= n:
                self._subacks = count
                return
            await asyncio.sleep(0.2)
        raise AssertionError(f"ingest did not subscribe: {self.log.read_text(errors='replace')[-3000:]}")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def make_messages(
    n_per_point: int, base: float, source: str = "sim"
) -> Iterator[tuple[bytes, list[tuple[str, float]]]]:
    """Messages of 4 samples of every point per step, random (non-collinear) values, unique times."""
    rng = random.Random(7)
    step = 0
    while step < n_per_point:
        samples, keys = [], []
        for k in range(4):
            t = round(base + (step + k) * 0.05, 3)
            for i in range(N_POINTS):
                v = rng.uniform(0, 100)
                samples.append({"tag": f"REL-{i}", "v": v, "ts": t})
                keys.append((f"REL-{i}", t))
        step += 4
        yield orjson.dumps({"source": source, "samples": samples}), keys


class Publisher:
    """A paho client publishing at QoS 1; remembers every message the broker acknowledged."""

    def __init__(self, topic: str) -> None:
        import paho.mqtt.client as mqtt

        self.topic = topic
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
        self.client.max_inflight_messages_set(50)
        self.client.connect("127.0.0.1", 1883)
        self.client.loop_start()
        self.infos: list[tuple[Any, list[tuple[str, float]]]] = []

    def publish(self, payload: bytes, keys: list[tuple[str, float]]) -> None:
        self.infos.append((self.client.publish(self.topic, payload, qos=1), keys))

    def acknowledged(self) -> set[tuple[str, float]]:
        for info, _ in self.infos:
            info.wait_for_publish(30)
        out: set[tuple[str, float]] = set()
        for info, keys in self.infos:
            if info.is_published():
                out.update(keys)
        return out

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


async def stored(url: str, ids: dict[str, int]) -> tuple[set[tuple[str, float]], int, int]:
    """(stored (tag, t) incl. the held current sample, rollup count total, duplicates in samples)."""
    tags = {v: k for k, v in ids.items()}
    db = Database(url)
    try:
        async with db.transaction(write=False) as s:
            rows = (
                await s.execute(select(Sample.point_id, Sample.ts).where(Sample.point_id.in_(ids.values())))
            ).all()
            cur = (await s.scalars(select(PointCurrent).where(PointCurrent.point_id.in_(ids.values())))).all()
            m1 = await s.scalar(
                select(func.coalesce(func.sum(Rollup1m.count), 0)).where(Rollup1m.point_id.in_(ids.values()))
            )
    finally:
        await db.dispose()
    keys = [(tags[pid], round(ts.timestamp(), 3)) for pid, ts in rows]
    out = set(keys)
    open_counts = 0
    for c in cur:
        out.add((tags[c.point_id], round(c.ts.timestamp(), 3)))
        open_counts += c.m_count or 0
    return out, int(m1 or 0) + open_counts, len(keys) - len(set(keys))


async def wait_for(url: str, ids: dict[str, int], expected: set[tuple[str, float]], within_s: float) -> Any:
    deadline = time.monotonic() + within_s
    while True:
        got, counted, dups = await stored(url, ids)
        if expected <= got or time.monotonic() > deadline:
            return got, counted, dups
        await asyncio.sleep(1.0)


async def test_kill_9_while_publishing_loses_nothing_and_stores_nothing_twice(
    mosquitto: None, pg_db: str, tmp_path: Path
) -> None:
    url = pg_url(pg_db)
    ids = await add_points(url)
    prefix = f"anguan-test-{uuid.uuid4().hex[:8]}/v1/telemetry"
    ingest = Ingest(url, prefix, f"rel-{uuid.uuid4().hex[:8]}", tmp_path / "ingest.log")
    ingest.start()
    await ingest.subscribed()  # its session then persists
    pub = Publisher(f"{prefix}/sim")
    try:
        msgs = list(make_messages(1200, time.time() - 1800))
        for n, (payload, keys) in enumerate(msgs):
            pub.publish(payload, keys)
            if n == len(msgs) // 3:
                await asyncio.sleep(0.5)
                ingest.kill9()  # mid-stream: some messages delivered, some committed, none acked yet
            await asyncio.sleep(0.01)
        await asyncio.sleep(1.0)
        expected = pub.acknowledged()
        assert len(expected) == 1200 * N_POINTS
        before_restart, _, _ = await stored(url, ids)
        # The kill came mid-stream: the broker holds the rest, unacknowledged or queued.
        assert len(before_restart & expected) < len(expected)
        ingest.start()
        got, counted, dups = await wait_for(url, ids, expected, within_s=120)
    finally:
        pub.close()
        ingest.stop()
    missing = expected - got
    assert not missing, (
        f"{len(missing)} acknowledged samples lost; log: {(tmp_path / 'ingest.log').read_text()[-3000:]}"
    )
    assert dups == 0
    # Every received sample counted once in the rollups: a redelivered message was not applied twice.
    assert counted == len(expected)


async def test_postgresql_unreachable_for_30_s_then_catches_up(
    mosquitto: None, pg_db: str, tmp_path: Path
) -> None:
    proxy = TcpProxy("127.0.0.1", 5432)
    await proxy.start()
    url = pg_url(pg_db)
    ids = await add_points(url)
    proxied = url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    prefix = f"anguan-test-{uuid.uuid4().hex[:8]}/v1/telemetry"
    ingest = Ingest(proxied, prefix, f"rel-{uuid.uuid4().hex[:8]}", tmp_path / "ingest.log")
    ingest.start()
    await ingest.subscribed()
    pub = Publisher(f"{prefix}/sim")
    try:
        msgs = list(make_messages(400, time.time() - 1800))
        third = len(msgs) // 3
        for payload, keys in msgs[:third]:
            pub.publish(payload, keys)
            await asyncio.sleep(0.02)
        await proxy.cut()
        t_cut = time.monotonic()
        before, _, _ = await stored(url, ids)
        for payload, keys in msgs[third:]:
            pub.publish(payload, keys)
            await asyncio.sleep(0.05)
        await asyncio.sleep(max(0.0, 30.0 - (time.monotonic() - t_cut)))
        during, _, _ = await stored(url, ids)
        assert during == before  # nothing could be written while the database was away
        await proxy.restore()
        expected = pub.acknowledged()
        got, counted, dups = await wait_for(url, ids, expected, within_s=120)
    finally:
        pub.close()
        ingest.stop()
        await proxy.cut()
    missing = expected - got
    assert not missing, f"{len(missing)} samples lost; log: {(tmp_path / 'ingest.log').read_text()[-3000:]}"
    assert dups == 0 and counted == len(expected)


async def test_two_replicas_share_the_load_and_each_point_is_handled_by_one(
    mosquitto: None, pg_db: str, tmp_path: Path
) -> None:
    """Two `anguan ingest` replicas on one shared subscription (Mosquitto spreads messages, not
    sources): each owns half of the points and forwards the other half; all stored, once."""
    url = pg_url(pg_db)
    ids = await add_points(url)
    run = uuid.uuid4().hex[:8]
    prefix = f"anguan-test-{run}/v1/telemetry"
    common = {
        "ANGUAN_INGEST__PARTITIONS": "2",
        "ANGUAN_MQTT__PARTITION_PREFIX": f"anguan-test-{run}/v1/partition",
    }
    replicas = [
        Ingest(
            url,
            prefix,
            f"rep{k}-{run}",
            tmp_path / f"ingest{k}.log",
            ANGUAN_INGEST__PARTITION=str(k),
            **common,
        )
        for k in range(2)
    ]
    for r in replicas:
        r.env["ANGUAN_MQTT__SHARED_GROUP"] = f"g{run}"
        r.start()
    for r in replicas:
        await r.subscribed(2)  # the shared subscription and its own partition topic
    pub = Publisher(f"{prefix}/sim")
    try:
        for payload, keys in make_messages(600, time.time() - 1800):
            pub.publish(payload, keys)
            await asyncio.sleep(0.005)
        expected = pub.acknowledged()
        got, counted, dups = await wait_for(url, ids, expected, within_s=120)
    finally:
        pub.close()
        for r in replicas:
            r.stop()
    logs = [(tmp_path / f"ingest{k}.log").read_text() for k in range(2)]
    missing = expected - got
    per_tag = {t: sum(1 for m in missing if m[0] == t) for t in sorted({m[0] for m in missing})}
    assert not missing, f"{len(missing)} samples lost {per_tag} ids {ids}; logs: {[x[-2000:] for x in logs]}"
    assert dups == 0 and counted == len(expected)
