"""Online-monitoring figures of Anguan (issue 3), printed only (no pass/fail, not a test).

One run measures, against the real services of the machine (Mosquitto, PostgreSQL):

(a) ingest   sustained points/s received through Mosquitto (MQTT v5, QoS 1) by the product's
             MqttConnector and committed by its IngestPipeline (alarm engine + historian, PUBACK
             after commit), in this process, on SQLite and on PostgreSQL: a fresh database per
             backend (migrated, demo seed, then N bench points cloned from the demo points, with
             their set-points and per-point hist_comp_dev). A separate process publishes pre-built
             messages (400 samples each, one sample per point per second of sample time, stamped
             from "now" on, so within the accepted window) as fast as the broker takes them, with
             at most 600 messages not yet committed (the broker's queue stays under its
             max_queued_messages). Rate = accepted samples between the first and the last commit
             seen after the warm-up. Why 10,000 points by default: sample time may run at most 5
             min ahead of the server clock, and stamps in the past would make every point STALE
             (the alarm engine ages points by sample time); at 1 Hz per point and ~30,000 points/s,
             10,000 points advance sample time 3 s per second, 2,000 points 15 s per second.
(b) raw MQTT the same publisher and messages to a plain paho subscriber in this process (QoS 1,
             same outstanding limit): the broker + client ceiling at that message size.
(c) latency  `anguan serve` (ingest in-process, MQTT connector, PostgreSQL) under a background
             load of 5,000 points/s on 5,000 existing points kept inside their limits; every
             0.3 s one of 64 alarm points is moved across its H set-point (round-robin, so no
             point reaches the chattering rule). Latency = MQTT publish (wall clock) -> a WebSocket
             client signed in as the demo operator receives the matching
             `monitoring.alarm_changed` (activated / returned) event.
(d) storage  bytes of mon_sample (all partitions and indexes) per received sample, and the archived /
             received ratio: the (a) runs, the demo PlantSimulator (85 points, their own settings)
             written through HistorianWriter, and the (e) point.
(e) trend    one point sampled at 1 Hz for 30 days (2.59 M samples, simulator-like tank temperature)
             written through HistorianWriter, 1-hour rollups built by the worker's job, then the
             30-day trend with max_points 1000: SqlHistorian.trend in this process and
             GET /api/v1/monitoring/trend on `anguan serve`, median and max of several runs.

    .venv/bin/python bench/ingest.py                                  # ~4-6 min on 2 cores
    .venv/bin/python bench/ingest.py --backends postgresql --seconds 30
    .venv/bin/python bench/ingest.py --skip-latency --skip-trend

Every database, process and MQTT session the bench creates is removed at the end. ANGUAN_*
variables of the calling environment are ignored. Progress goes to stderr; the figures to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import logging
import math
import multiprocessing as mp
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEMO_PASSWORD = "Anguan@2026"
OPERATOR = "operator"
SOURCE = "bench"  # mon_source.code of every bench point; the last topic level
LOAD_PREFIX, ALARM_PREFIX, TREND_TAG = "BL-", "BA-", "BT-1"
# Round-robin over 64 points: one point activates every 2 x 64 x 0.3 s = 38 s, so never 3 times
# within the 60 s chattering window (a chattering change would replace the activation's event).
ALARM_POINTS = 64
ALARM_SP_H, ALARM_SP_HH, ALARM_HIGH, ALARM_LOW = 50.0, 90.0, 60.0, 40.0
WINDOW = 600  # messages published and not yet consumed (Mosquitto drops past max_queued_messages 1000)
TWO_PI = 2.0 * math.pi
TREND_DAYS = 30
TREND_CLONE = "TT-101"  # the trend point copies this demo point's settings (tank temperature)


def log(msg: str) -> None:
    """Progress line on stderr (stdout carries only the figures)."""
    print(f"# {msg}", file=sys.stderr, flush=True)


def fmt_int(n: float | None) -> str:
    return "-" if n is None else f"{n:,.0f}"


def fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def pct(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, math.ceil(q / 100.0 * len(sorted_values)) - 1))
    return sorted_values[k]


# --------------------------------------------------------------------------- machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f}/{b:.2f}/{c:.2f}"


def sh(cmd: list[str], timeout: float = 20) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        return (out.stdout + out.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def pkg_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def _proc_cpu(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    f = stat[stat.rfind(")") + 2 :].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def pids_by_name(name: str) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() == name:
                    out.append(int(entry))
            except OSError:
                continue
    return out


def pids_of_group(pgid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2 :].split()[2]) == pgid:
                out.append(int(entry))
    return out


class CpuMeter:
    """CPU seconds of labelled process sets between `start` and `stop` (Linux /proc)."""

    def __init__(self, groups: dict[str, Any]) -> None:
        # label -> callable returning pids, or "self" for this process (all threads)
        self.groups = groups
        self.t0 = 0.0
        self.before: dict[str, dict[int, float]] = {}
        self.result: dict[str, float] = {}  # % of one core
        self.seconds: dict[str, float] = {}  # CPU seconds

    def _snap(self) -> dict[str, dict[int, float]]:
        snap: dict[str, dict[int, float]] = {}
        for label, how in self.groups.items():
            if how == "self":
                ru = resource.getrusage(resource.RUSAGE_SELF)
                snap[label] = {0: ru.ru_utime + ru.ru_stime}
                continue
            snap[label] = {}
            for pid in how():
                v = _proc_cpu(pid)
                if v is not None:
                    snap[label][pid] = v
        return snap

    def start(self) -> None:
        self.t0 = time.perf_counter()
        self.before = self._snap()

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.t0
        after = self._snap()
        for label, now in after.items():
            prev = self.before.get(label, {})
            used = sum(v - prev.get(pid, 0.0) for pid, v in now.items())
            self.seconds[label] = used
            self.result[label] = 100.0 * used / wall if wall > 0 else 0.0
        return self.result


def runs_text(times: list[float]) -> str:
    """first/median/max of timed runs (ms), the median and max over all runs."""
    if not times:
        return "-"
    return f"{times[0]:.1f}/{statistics.median(times):.1f}/{max(times):.1f}"


def cpu_text(result: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.0f}%" for k, v in result.items())


# --------------------------------------------------------------------------- PostgreSQL admin


def pg_dsn(base: str, dbname: str) -> str:
    parts = urllib.parse.urlsplit(base.replace("postgresql+asyncpg://", "postgresql://"))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, ""))


async def _pg(base: str, *statements: str) -> str:
    import asyncpg

    conn = await asyncio.wait_for(asyncpg.connect(pg_dsn(base, "postgres"), timeout=10), 15)
    try:
        for stmt in statements:
            await conn.execute(stmt)
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def pg(base: str, *statements: str) -> str:
    return asyncio.run(_pg(base, *statements))


@dataclass
class Cleanup:
    """Everything to remove at the end."""

    pg_base: str = ""
    pg_dbs: list[str] = field(default_factory=list)
    mqtt_clients: list[str] = field(default_factory=list)
    servers: list[Server] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def drop_pg(self, name: str) -> None:
        try:
            pg(self.pg_base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as exc:
            self.notes.append(f"could not drop database {name}: {exc!r}")
            return
        if name in self.pg_dbs:
            self.pg_dbs.remove(name)


CLEAN = Cleanup()


# --------------------------------------------------------------------------- MQTT helpers


def purge_mqtt_session(host: str, port: int, client_id: str) -> bool:
    """Remove a persistent session left on the broker: connect with clean start and expiry 0."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    done = threading.Event()
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    c.on_connect = lambda *_a: done.set()
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = 0
    try:
        c.connect(host, port, keepalive=10, clean_start=True, properties=props)
    except OSError:
        return False
    c.loop_start()
    ok = done.wait(5)
    c.disconnect()
    c.loop_stop()
    return ok


def mqtt_client(host: str, port: int, client_id: str, **callbacks: Any) -> Any:
    """A connected paho MQTT v5 client (clean start, network loop in its thread)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    connected = threading.Event()
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    c.on_connect = lambda _c, _u, _f, rc, _p: None if rc.is_failure else connected.set()
    for name, fn in callbacks.items():
        setattr(c, name, fn)
    c.max_inflight_messages_set(100)
    c.connect(host, port, keepalive=60, clean_start=True)
    c.loop_start()
    if not connected.wait(10):
        c.loop_stop()
        raise RuntimeError(f"MQTT {host}:{port}: no CONNACK for {client_id}")
    return c


# --------------------------------------------------------------------------- load generator

Signal = tuple[str, float, float, float, float, float, int, float, float]
# (tag, mid, drift amplitude, drift period s, phase, noise sd, decimals, lo clip, hi clip)

MSG_HEAD = b'{"source":"' + SOURCE.encode() + b'","ts":'
MSG_MID = b',"samples":['
MSG_TAIL = b"]}"


def build_pool(signals: list[Signal], spm: int, messages: int, seed: int) -> list[tuple[int, bytes]]:
    """Pre-encoded sample lists: message m holds `spm` points of sweep m // (points / spm).

    A sweep is one sample of every point; sweep j is stamped t_go + j seconds when published, so
    each point is sampled at 1 Hz of sample time. Values: the point's mid-band value plus a slow
    sinusoidal drift plus Gaussian noise, clipped inside its alarm band, rounded like a transmitter.
    """
    import orjson

    rng = random.Random(seed)
    gauss, sin = rng.gauss, math.sin
    per_sweep = len(signals) // spm
    out: list[tuple[int, bytes]] = []
    for m in range(messages):
        j, part = divmod(m, per_sweep)
        items = []
        for tag, mid, amp, period, phase, sd, dec, lo, hi in signals[part * spm : (part + 1) * spm]:
            if sd or amp:
                v = mid + amp * sin(TWO_PI * j / period + phase) + gauss(0.0, sd)
                v = round(lo if v < lo else hi if v > hi else v, dec)
            else:
                v = mid
            items.append({"tag": tag, "v": v})
        out.append((j, orjson.dumps(items)[1:-1]))
    return out


def publisher_main(conn: Any, consumed: Any, stop: Any, cfg: dict[str, Any]) -> None:
    """The publishing process: builds the pools, then serves `run` commands until `quit`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    try:
        t0 = time.perf_counter()
        pools = {
            name: build_pool(p["signals"], p["spm"], p["messages"], p["seed"])
            for name, p in cfg["pools"].items()
        }
        sizes = {
            name: (len(pool), sum(len(b) for _, b in pool) / max(1, len(pool)) + 40)
            for name, pool in pools.items()
        }
        conn.send(("built", sizes, time.perf_counter() - t0))
        acked = [0]

        def on_publish(_c: Any, _u: Any, _mid: int, _rc: Any, _p: Any) -> None:
            acked[0] += 1

        client = mqtt_client(cfg["host"], cfg["port"], cfg["client_id"], on_publish=on_publish)
    except Exception as exc:
        conn.send(("error", f"publisher: {exc!r}"))
        return
    conn.send(("ready",))
    try:
        while True:
            cmd = conn.recv()
            if cmd[0] != "run":
                break
            _, name, topic, t_go, window, rate, cycle, spm = cmd
            pool = pools[name]
            n, base, exhausted = 0, acked[0], False
            start = time.perf_counter()
            while not stop.is_set():
                if n >= len(pool) and not cycle:
                    exhausted = True
                    break
                if window and n - consumed.value >= window:
                    time.sleep(0.0005)
                    continue
                if n - (acked[0] - base) >= 400:  # the broker's PUBACKs pace us
                    time.sleep(0.0005)
                    continue
                if rate:
                    wait = start + n * spm / rate - time.perf_counter()
                    if wait > 0:
                        time.sleep(min(wait, 0.05))
                        continue
                j, body = pool[n % len(pool)]
                client.publish(
                    topic, MSG_HEAD + f"{t_go + j:.3f}".encode() + MSG_MID + body + MSG_TAIL, qos=1
                )
                n += 1
            elapsed = time.perf_counter() - start
            deadline = time.monotonic() + 15
            while acked[0] - base < n and time.monotonic() < deadline:
                time.sleep(0.005)
            conn.send(("done", n, acked[0] - base, elapsed, exhausted))
    finally:
        client.disconnect()
        client.loop_stop()


class Publisher:
    """Parent side of the publishing process (spawned: this process has threads)."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.consumed = ctx.RawValue("q", 0)
        self.stop = ctx.Event()
        self.proc = ctx.Process(
            target=publisher_main,
            args=(child, self.consumed, self.stop, cfg),
            name="bench-publisher",
            daemon=True,
        )
        self.proc.start()
        child.close()
        self.running = False
        self.spm = {name: p["spm"] for name, p in cfg["pools"].items()}

    @property
    def pid(self) -> int:
        return int(self.proc.pid or 0)

    def expect(self, what: str, timeout: float) -> tuple[Any, ...]:
        if not self.conn.poll(timeout):
            raise RuntimeError(f"publisher: no '{what}' within {timeout:.0f} s")
        msg = self.conn.recv()
        if msg[0] == "error":
            raise RuntimeError(msg[1])
        if msg[0] != what:
            raise RuntimeError(f"publisher: expected {what}, got {msg!r}")
        return tuple(msg)

    def start_run(
        self, pool: str, topic: str, t_go: float, *, window: int = 0, rate: float = 0.0, cycle: bool = False
    ) -> None:
        self.consumed.value = 0
        self.stop.clear()
        self.conn.send(("run", pool, topic, t_go, window, rate, cycle, self.spm[pool]))
        self.running = True

    def finished(self) -> bool:
        """True when the run ended by itself (pool exhausted): `finish_run` returns at once."""
        return self.running and self.conn.poll()

    def finish_run(self, timeout: float = 30.0) -> dict[str, Any]:
        self.stop.set()
        msg = self.expect("done", timeout)
        self.running = False
        return {"published": msg[1], "acked": msg[2], "seconds": msg[3], "exhausted": msg[4]}

    def close(self) -> None:
        if self.proc.is_alive():
            with contextlib.suppress(Exception):
                if self.running:
                    self.finish_run(20)
                self.conn.send(("quit",))
            self.proc.join(15)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(5)


# --------------------------------------------------------------------------- bench points


def load_signals(n: int) -> tuple[list[dict[str, Any]], list[Signal]]:
    """Point columns and signals of the N load points: clones of the demo points (round-robin)."""
    from anguan.simulator.plant_sim import _noise_sd
    from anguan.simulator.points import DEMO_POINTS

    rng = random.Random(7)
    cols: list[dict[str, Any]] = []
    sigs: list[Signal] = []
    for i in range(n):
        d = DEMO_POINTS[i % len(DEMO_POINTS)]
        tag = f"{LOAD_PREFIX}{i:05d}"
        c = d.point_columns()
        c.update(
            tag=tag,
            name=f"压测点 {tag}（{d.name_zh}）",
            suppress_value=None,
            forecast_horizon_s=None,
            source_address=tag,
        )
        c["_area"] = d.area_code
        cols.append(c)
        span = d.range_hi - d.range_lo
        # The normal band: inside every set-point (a point may have HH without H, e.g. LSHH-101).
        lo = max(x for x in (d.sp_l, d.sp_ll, d.range_lo) if x is not None)
        hi = min(x for x in (d.sp_h, d.sp_hh, d.range_hi) if x is not None)
        if d.kind == "switch":  # a steady state that raises nothing: 1 (running) unless 1 trips it
            v = 1.0 if lo <= 1.0 <= hi else 0.0
            sigs.append((tag, v, 0.0, 1.0, 0.0, 0.0, 0, 0.0, 1.0))
            continue
        band = hi - lo
        decimals = (
            3 if d.kind == "level" and d.unit == "m" else max(0, min(4, 3 - math.floor(math.log10(span))))
        )
        sigs.append(
            (
                tag,
                (lo + hi) / 2.0,
                min(0.02 * span, 0.2 * band),
                rng.uniform(1800.0, 6 * 3600.0),
                rng.uniform(0.0, TWO_PI),
                min(_noise_sd(d), 0.05 * band),
                decimals,
                lo + 0.1 * band,
                hi - 0.1 * band,
            )
        )
    return cols, sigs


def extra_point_columns() -> list[dict[str, Any]]:
    """The alarm points (64 + 1 probe) and the trend point."""
    from anguan.simulator.points import DEMO_POINTS

    out: list[dict[str, Any]] = []
    for i in range(ALARM_POINTS + 1):
        tag = f"{ALARM_PREFIX}{i:02d}"
        out.append(
            {
                "tag": tag,
                "name": f"压测报警点 {tag}",
                "kind": "other",
                "unit": "%",
                "range_lo": 0.0,
                "range_hi": 100.0,
                "console": "STOR",
                "sp_hh": ALARM_SP_HH,
                "sp_h": ALARM_SP_H,
                "expected_interval_s": 60.0,
                "hist_comp_dev": 0.5,
                "source_address": tag,
                "_area": "TF-01",
            }
        )
    d = next(p for p in DEMO_POINTS if p.tag == TREND_CLONE)
    c = d.point_columns()
    c.update(
        tag=TREND_TAG, name=f"趋势压测点（{d.name_zh}）", expected_interval_s=5.0, source_address=TREND_TAG
    )
    c["_area"] = d.area_code
    out.append(c)
    return out


async def _populate(url: str, files_root: Path, load_cols: list[dict[str, Any]]) -> dict[str, int]:
    from sqlalchemy import insert, select

    from anguan.core.db import Database
    from anguan.core.files import LocalFileStore
    from anguan.core.time import utcnow
    from anguan.monitoring import historian
    from anguan.monitoring.models import Point, Source
    from anguan.plant.models import Area, Site
    from anguan.simulator import plant_layout
    from anguan.simulator.seed import seed_demo

    db = Database(url)
    try:
        async with db.transaction() as session:
            counts = await seed_demo(session, LocalFileStore(files_root))
        async with db.transaction() as session:
            site = (await session.scalars(select(Site).where(Site.code == plant_layout.SITE_CODE))).one()
            areas = {
                a.code: a.id
                for a in (await session.scalars(select(Area).where(Area.site_id == site.id))).all()
            }
            src = Source(code=SOURCE, name="压测网关 bench gateway", kind="mqtt", config={})
            session.add(src)
            await session.flush()
            rows = []
            for c in [*load_cols, *extra_point_columns()]:
                row = {k: v for k, v in c.items() if k != "_area"}
                row.update(site_id=site.id, area_id=areas.get(c["_area"]), source_id=src.id)
                rows.append(row)
            # One executemany per set of keys (the column defaults fill the others).
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for r in rows:
                groups.setdefault(tuple(sorted(r)), []).append(r)
            for group in groups.values():
                for i in range(0, len(group), 2000):
                    await session.execute(insert(Point), group[i : i + 2000])
            if db.dialect == "postgresql":
                await historian.ensure_partitions(session, utcnow())
        return {**counts, "bench points": len(rows)}
    finally:
        await db.dispose()


def make_template(backend: str, tmp: Path, args: argparse.Namespace, load_cols: list[dict[str, Any]]) -> str:
    """Migrated + demo seed + bench points; copied for every case."""
    from anguan import migrate

    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / 'template.db'}"
    else:
        name = f"anguan_bi_{args.rid}_tpl"
        pg(args.pg_url, f'CREATE DATABASE "{name}"')
        CLEAN.pg_dbs.append(name)
        url = pg_dsn(args.pg_url, name)
    t0 = time.monotonic()
    migrate.upgrade(url)
    counts = asyncio.run(_populate(url, tmp / "files", load_cols))
    log(f"{backend}: template migrated and seeded in {time.monotonic() - t0:.1f} s: {counts}")
    return url


def copy_db(backend: str, template: str, case: str, tmp: Path, args: argparse.Namespace) -> str:
    if backend == "sqlite":
        src = Path(template.split("///", 1)[1])
        dst = tmp / f"{case}.db"
        shutil.copyfile(src, dst)
        for suffix in ("-wal", "-shm"):
            if Path(str(src) + suffix).exists():
                shutil.copyfile(str(src) + suffix, str(dst) + suffix)
        return f"sqlite+aiosqlite:///{dst}"
    name = f"anguan_bi_{args.rid}_{case}"
    pg(args.pg_url, f'CREATE DATABASE "{name}" TEMPLATE "anguan_bi_{args.rid}_tpl"')
    CLEAN.pg_dbs.append(name)
    return pg_dsn(args.pg_url, name)


def drop_db(backend: str, url: str) -> None:
    if backend == "sqlite":
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(path) + suffix).unlink()
    else:
        CLEAN.drop_pg(url.rsplit("/", 1)[1])


async def _sql(url: str, *statements: str) -> None:
    from sqlalchemy import text

    from anguan.core.db import Database

    db = Database(url)
    try:
        async with db.transaction() as session:
            for stmt in statements:
                await session.execute(text(stmt))
    finally:
        await db.dispose()


def enable_only(url: str, condition: str) -> None:
    """Enable only the points of this case (others would go STALE and raise alarms)."""
    asyncio.run(
        _sql(
            url,
            "UPDATE mon_point SET enabled = FALSE",
            f"UPDATE mon_point SET enabled = TRUE WHERE {condition}",
        )
    )


async def sample_storage(db: Any) -> dict[str, Any]:
    """Rows and bytes of mon_sample (all partitions, indexes, TOAST) and of mon_rollup_1m."""
    from sqlalchemy import text

    out: dict[str, Any] = {"rows": None, "bytes": None, "r1m_bytes": None, "partitions": None}
    async with db.transaction(write=False) as s:
        out["rows"] = int((await s.execute(text("SELECT count(*) FROM mon_sample"))).scalar_one())
        if db.dialect == "postgresql":
            out["bytes"] = int(
                (
                    await s.execute(
                        text(
                            "SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('mon_sample')"
                        )
                    )
                ).scalar_one()
            )
            out["partitions"] = int(
                (
                    await s.execute(text("SELECT count(*) FROM pg_partition_tree('mon_sample') WHERE isleaf"))
                ).scalar_one()
            )
            out["r1m_bytes"] = int(
                (await s.execute(text("SELECT pg_total_relation_size('mon_rollup_1m')"))).scalar_one()
            )
        elif db.dialect == "sqlite":
            with contextlib.suppress(Exception):
                for table, key in (("mon_sample", "bytes"), ("mon_rollup_1m", "r1m_bytes")):
                    names = [
                        r[0]
                        for r in await s.execute(
                            text("SELECT name FROM sqlite_master WHERE tbl_name = :t"), {"t": table}
                        )
                    ]
                    binds = {f"n{i}": n for i, n in enumerate(names)}
                    placeholders = ", ".join(f":{k}" for k in binds)
                    out[key] = int(
                        (
                            await s.execute(
                                text(
                                    f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({placeholders})"
                                ),
                                binds,
                            )
                        ).scalar_one()
                    )
    return out


def bench_settings(url: str, tmp: Path, **mqtt: Any) -> Any:
    from anguan.core.config import Settings

    return Settings(
        _env_file=None,
        var_dir=tmp,
        database_url=url,
        scheduler_enabled=False,
        storage={"root": str(tmp / "files")},
        mqtt=mqtt,
    )


# --------------------------------------------------------------------------- (b) raw MQTT


def run_raw(pub: Publisher, args: argparse.Namespace) -> dict[str, Any]:
    """Publisher process -> Mosquitto -> a paho subscriber here, QoS 1 both ways, same messages."""
    topic = f"anguan-bench/{args.rid}/raw"
    count = [0]
    subscribed = threading.Event()

    def on_message(_c: Any, _u: Any, _msg: Any) -> None:
        count[0] += 1
        pub.consumed.value = count[0]

    client = mqtt_client(
        args.mqtt_host,
        args.mqtt_port,
        f"anguan-bench-{args.rid}-rawsub",
        on_message=on_message,
        on_subscribe=lambda *_a: subscribed.set(),
    )
    try:
        client.subscribe(topic, qos=1)
        if not subscribed.wait(10):
            raise RuntimeError("raw subscriber: no SUBACK")
        meter = CpuMeter(
            {
                "bench (subscriber)": "self",
                "publisher": lambda: [pub.pid],
                "mosquitto": lambda: pids_by_name("mosquitto"),
            }
        )
        pub.start_run("a", topic, round(time.time(), 3), window=WINDOW, cycle=True)
        time.sleep(1.0)
        meter.start()
        c0, t0 = count[0], time.perf_counter()
        time.sleep(args.raw_seconds)
        c1, t1 = count[0], time.perf_counter()
        cpu = meter.stop()
        done = pub.finish_run()
        deadline = time.monotonic() + 10
        while count[0] < done["published"] and time.monotonic() < deadline:
            time.sleep(0.01)
        return {
            "msgs": c1 - c0,
            "seconds": t1 - t0,
            "published": done["published"],
            "received": count[0],
            "cpu": cpu,
        }
    finally:
        client.disconnect()
        client.loop_stop()


# --------------------------------------------------------------------------- (a) ingest


async def ingest_case(
    backend: str, url: str, pub: Publisher, args: argparse.Namespace, tmp: Path
) -> dict[str, Any]:
    from anguan.connectors import base as connectors
    from anguan.core.db import Database
    from anguan.core.events import EventBus
    from anguan.ingest_runtime import mqtt_config
    from anguan.monitoring.pipeline import IngestPipeline

    prefix = f"anguan-bench/{args.rid}-{backend}/v1/telemetry"
    client_id = f"anguan-bench-{args.rid}-{backend}"
    CLEAN.mqtt_clients.append(client_id)
    settings = bench_settings(
        url, tmp, host=args.mqtt_host, port=args.mqtt_port, topic_prefix=prefix, client_id=client_id
    )
    database = Database(settings.db.url, pool_size=settings.db.pool_size)
    pipeline = IngestPipeline(database, EventBus(), settings)
    res: dict[str, Any] = {"backend": backend}
    stop = asyncio.Event()
    t_load = time.perf_counter()
    await pipeline.start()
    res["load_s"] = time.perf_counter() - t_load
    connector = connectors.load_builtin()["mqtt"]("*", mqtt_config(settings))
    task = asyncio.create_task(connector.run(pipeline, stop), name="bench.mqtt")
    groups: dict[str, Any] = {
        "bench (ingest)": "self",
        "publisher": lambda: [pub.pid],
        "mosquitto": lambda: pids_by_name("mosquitto"),
    }
    if backend == "postgresql":
        groups["postgres (all)"] = lambda: pids_by_name("postgres")
    meter = CpuMeter(groups)
    try:
        await asyncio.wait_for(connector.ready.wait(), 20)
        res["receive_maximum"] = getattr(getattr(connector, "settings", None), "receive_maximum", "?")
        res["max_concurrency"] = getattr(getattr(connector, "settings", None), "max_concurrency", "?")
        pub.start_run("a", f"{prefix}/{SOURCE}", round(time.time() - 1.0, 3), window=WINDOW)
        start = time.perf_counter()
        warm_end = start + args.warmup
        deadline = warm_end + args.seconds
        commits: list[tuple[float, int, int, float]] = []
        seen = pipeline.stats.batches
        max_pending = 0
        metering = False
        exhausted_early = False
        acc_meter = 0
        while True:
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            pub.consumed.value = connector.stats.acked
            st = pipeline.stats
            if st.batches != seen:
                seen = st.batches
                commits.append((now, st.accepted, st.batches, st.last_commit_ms))
            if connector.stats.pending > max_pending:
                max_pending = connector.stats.pending
            if not metering and now >= warm_end:
                meter.start()
                acc_meter = st.accepted
                metering = True
            if now >= deadline:
                break
            if pub.finished():
                exhausted_early = True
                break
        cpu = meter.stop() if metering else {}
        metered = pipeline.stats.accepted - acc_meter if metering else 0
        if metered > 0:
            res["cpu_ms_per_1k"] = {k: v / metered * 1e6 for k, v in meter.seconds.items()}
        done = await asyncio.to_thread(pub.finish_run)
        for _ in range(600):  # drain for up to 30 s
            if not (connector.stats.pending > 0 or pipeline.queue_depth()):
                break
            await asyncio.sleep(0.05)
        res.update(publisher=done, cpu=cpu, max_pending=max_pending, exhausted_early=exhausted_early)
        m = [c for c in commits if c[0] >= warm_end]
        if len(m) >= 2:
            first, last = m[0], m[-1]
            span = last[0] - first[0]
            samples = last[1] - first[1]
            batches = last[2] - first[2]
            commit_ms = sorted(c[3] for c in m[1:])
            # Rates between commits at least 5 s apart (one commit may take about a second).
            per_s: list[float] = []
            t_s, acc_s = first[0], first[1]
            for c in m[1:]:
                if c[0] - t_s >= 5.0:
                    per_s.append((c[1] - acc_s) / (c[0] - t_s))
                    t_s, acc_s = c[0], c[1]
            res.update(
                rate=samples / span if span > 0 else None,
                window_s=span,
                samples=samples,
                batches=batches,
                per_batch=samples / batches if batches else None,
                commit_mean=statistics.fmean(commit_ms),
                commit_p95=pct(commit_ms, 95),
                commit_max=commit_ms[-1],
                commits_seen=len(commit_ms),
                sec_min=min(per_s) if per_s else None,
                sec_max=max(per_s) if per_s else None,
            )
    finally:
        if pub.running:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(pub.finish_run)
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 30)
        await pipeline.stop()
        st, cs = pipeline.stats, connector.stats
        res.update(
            accepted=st.accepted,
            duplicates=st.duplicates,
            rejected=st.rejected,
            alarm_changes=st.alarm_changes,
            commits_failed=st.commits_failed,
            all_batches=st.batches,
            mqtt_received=cs.received,
            mqtt_acked=cs.acked,
            mqtt_redelivered=cs.redelivered,
            mqtt_unavailable=cs.unavailable,
            mqtt_errors=cs.errors,
        )
        with contextlib.suppress(Exception):
            res["storage"] = await sample_storage(database)
        await database.dispose()
    return res


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def anguan_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "anguan"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "anguan.cli"]


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path
    log_file: Any

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def start_server(var_dir: Path, env_extra: dict[str, str]) -> Server:
    var_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANGUAN_")}
    env.update(ANGUAN_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1", **env_extra)
    log_path = var_dir / "serve.log"
    log_file = open(log_path, "wb")  # closed in stop_server
    proc = subprocess.Popen(
        [*anguan_cmd(), "serve", "--host", HOST, "--port", str(port)],
        env=env,
        cwd=var_dir,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(proc, port, log_path, log_file)
    CLEAN.servers.append(server)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"anguan serve exited ({proc.returncode}):\n{server.log_text()[-2000:]}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/health", timeout=2) as r:
                if r.status == 200 and "Application startup complete." in server.log_text():
                    return server
        time.sleep(0.2)
    raise RuntimeError(f"anguan serve not ready within 90 s:\n{server.log_text()[-2000:]}")


def stop_server(server: Server) -> str:
    note = ""
    if server.proc.poll() is None:
        t0 = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout=20)
            note = f"stopped {time.monotonic() - t0:.1f} s after SIGTERM"
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=5)
            note = "did not stop within 20 s of SIGTERM: killed"
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.proc.pid, signal.SIGKILL)
    if server.log_file is not None:
        server.log_file.close()
        server.log_file = None
    if server in CLEAN.servers:
        CLEAN.servers.remove(server)
    return note


def log_errors(text: str) -> list[str]:
    errors: list[str] = []
    for line in text.splitlines():
        if "Traceback" in line or " ERROR " in line or " WARNING " in line or "CRITICAL" in line:
            short = line.strip()[:220]
            if short not in errors:
                errors.append(short)
        if len(errors) >= 6:
            break
    return errors


class Http:
    """Tiny urllib client with a cookie jar (login like the SPA: cookie + CSRF header)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://{HOST}:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        csrf = next((c.value for c in self.jar if c.name == "anguan_csrf"), None)
        if csrf and method not in ("GET", "HEAD"):
            headers["X-CSRF-Token"] = csrf
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self, username: str) -> None:
        status, body = self.call(
            "POST", "/api/v1/auth/login", {"username": username, "password": DEMO_PASSWORD}
        )
        if status != 200:
            raise RuntimeError(f"login {username} -> {status} {body[:300]!r}")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


# --------------------------------------------------------------------------- (c) alarm latency


async def measure_latency(
    port: int, cookie: str, topic: str, pub: Publisher, args: argparse.Namespace
) -> dict[str, Any]:
    import orjson
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    pending: dict[tuple[str, str], tuple[bool, float]] = {}
    latencies: list[float] = []
    timeline: list[tuple[float, float]] = []  # (publish wall time, latency ms)
    other: Counter[str] = Counter()
    probe_seen = asyncio.Event()
    probe = f"{ALARM_PREFIX}{ALARM_POINTS:02d}"
    res: dict[str, Any] = {}
    async with connect(
        f"ws://{HOST}:{port}/api/v1/ws",
        additional_headers={"Cookie": cookie},
        origin=f"http://{HOST}:{port}",  # type: ignore[arg-type]
        max_size=2**23,
    ) as ws:
        await asyncio.wait_for(ws.recv(), 10)  # hello
        await ws.send(json.dumps({"op": "subscribe", "topics": ["monitoring.alarms"]}))
        while True:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if msg.get("op") == "subscribed":
                if "monitoring.alarms" not in msg.get("topics", []):
                    raise RuntimeError(f"subscription refused: {msg}")
                break

        async def receiver() -> None:
            async for raw in ws:
                t = time.time()
                msg = json.loads(raw)
                if msg.get("op") != "event" or msg.get("name") != "monitoring.alarm_changed":
                    continue
                data = msg["data"]
                alarm = data["alarm"]
                key = (alarm["tag"], data["change"])
                if alarm["condition"] == "H" and key in pending:
                    counted, t_pub = pending.pop(key)
                    if counted:
                        latencies.append((t - t_pub) * 1000.0)
                        timeline.append((t_pub, latencies[-1]))
                    elif key[0] == probe:
                        probe_seen.set()
                else:
                    other[f"{alarm['tag']} {alarm['condition']} {data['change']}"] += 1

        rtask = asyncio.create_task(receiver())
        client = mqtt_client(args.mqtt_host, args.mqtt_port, f"anguan-bench-{args.rid}-toggle")
        high: dict[str, bool] = {}

        def toggle(tag: str, counted: bool) -> None:
            up = not high.get(tag, False)
            high[tag] = up
            t = time.time()
            pending[(tag, "activated" if up else "returned")] = (counted, t)
            payload = {"ts": t, "samples": [{"tag": tag, "v": ALARM_HIGH if up else ALARM_LOW}]}
            client.publish(topic, orjson.dumps(payload), qos=1)

        try:
            # The server's connector subscribes after startup: probe until an event comes back.
            t_probe = loop.time()
            while not probe_seen.is_set():
                if loop.time() - t_probe > 40:
                    raise RuntimeError("no alarm event for the probe point within 40 s")
                for k in [k for k in pending if k[0] == probe]:
                    pending.pop(k)
                toggle(probe, False)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(probe_seen.wait(), 1.0)
            res["probe_s"] = loop.time() - t_probe
            pub.start_run("c", topic, round(time.time(), 3), rate=float(args.background_rate))
            await asyncio.sleep(3.0)
            warm = 10
            nxt = loop.time()
            t_toggles = time.perf_counter()
            for i in range(warm + args.toggles):
                toggle(f"{ALARM_PREFIX}{i % ALARM_POINTS:02d}", i >= warm)
                nxt += args.toggle_interval
                await asyncio.sleep(max(0.0, nxt - loop.time()))
            res["toggle_s"] = time.perf_counter() - t_toggles
            for _ in range(100):  # the last events, up to 5 s
                if not any(c for c, _ in pending.values()):
                    break
                await asyncio.sleep(0.05)
            res["background"] = await asyncio.to_thread(pub.finish_run)
        finally:
            if pub.running:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(pub.finish_run)
            client.disconnect()
            client.loop_stop()
            rtask.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await rtask
    res.update(
        latencies=sorted(latencies),
        worst=[
            (t_pub - min(t for t, _ in timeline), ms)
            for t_pub, ms in sorted(timeline, key=lambda x: -x[1])[:5]
        ]
        if timeline
        else [],
        missing=sum(1 for c, _ in pending.values() if c),
        other=other,
    )
    return res


def latency_case(url: str, pub: Publisher, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    prefix = f"anguan-bench/{args.rid}-lat/v1/telemetry"
    client_id = f"anguan-bench-{args.rid}-serve"
    CLEAN.mqtt_clients.append(client_id)
    server = start_server(
        tmp / "var-latency",
        {
            "ANGUAN_DATABASE_URL": url,
            "ANGUAN_MQTT__HOST": args.mqtt_host,
            "ANGUAN_MQTT__PORT": str(args.mqtt_port),
            "ANGUAN_MQTT__TOPIC_PREFIX": prefix,
            "ANGUAN_MQTT__CLIENT_ID": client_id,
            "ANGUAN_INGEST__IN_PROCESS": "true",
        },
    )
    res: dict[str, Any] = {}
    try:
        api = Http(server.port)
        api.login(OPERATOR)
        meter = CpuMeter(
            {
                "anguan serve": lambda: pids_of_group(server.proc.pid),
                "bench (WS client + toggles)": "self",
                "publisher": lambda: [pub.pid],
                "mosquitto": lambda: pids_by_name("mosquitto"),
                "postgres (all)": lambda: pids_by_name("postgres"),
            }
        )
        meter.start()
        res = asyncio.run(measure_latency(server.port, api.cookie_header(), f"{prefix}/{SOURCE}", pub, args))
        res["cpu"] = meter.stop()
        status, body = api.call("GET", "/api/v1/monitoring/rejects?hours=1")
        if status == 200:
            res["rejects"] = json.loads(body)
    finally:
        res["stop_note"] = stop_server(server)
        res["log_errors"] = log_errors(server.log_text())
    return res


# --------------------------------------------------------------------------- (d) PlantSimulator history


async def sim_storage_case(url: str, hours: float) -> dict[str, Any]:
    """The demo plant simulator over the last `hours` h written through HistorianWriter."""
    from sqlalchemy import select

    from anguan.core.db import Database
    from anguan.monitoring.historian import HistorianWriter
    from anguan.monitoring.models import Point
    from anguan.monitoring.types import PointConfig, Reading
    from anguan.simulator.plant_sim import PlantSimulator
    from anguan.simulator.points import DEMO_POINTS

    db = Database(url)
    try:
        tags = [p.tag for p in DEMO_POINTS]
        async with db.transaction(write=False) as s:
            cfgs = {
                p.tag: PointConfig.from_row(p)
                for p in (await s.scalars(select(Point).where(Point.tag.in_(tags))))
            }
        writer = HistorianWriter(db.dialect)
        async with db.transaction() as s:
            await writer.load(s, [c.id for c in cfgs.values()])
        end = math.floor(time.time()) - 1.0
        t = end - hours * 3600.0
        sim = PlantSimulator(start=t)
        received = 0
        t_write = 0.0
        while t < end:
            t1 = min(t + 600.0, end)
            batch = list(sim.samples_between(t, t1))
            w0 = time.perf_counter()
            for tag, ts, v, q in batch:
                cfg = cfgs[tag]
                if writer.add(cfg, Reading(cfg.id, ts, v, q)):
                    received += 1
            async with db.transaction() as s:
                await writer.flush(s)
            t_write += time.perf_counter() - w0
            t = t1
        out: dict[str, Any] = {"received": received, "write_s": t_write, "points": len(cfgs)}
        out["storage"] = await sample_storage(db)
        return out
    finally:
        await db.dispose()


# --------------------------------------------------------------------------- (e) 30-day trend


def trend_values(n: int) -> array[float]:
    """A 1 Hz tank temperature (°C) like the demo's TT-101: daily cycle (peak 15:00 Shanghai), weather
    fronts, slow drift, transmitter noise, 0.1 °C resolution."""
    rng = random.Random(11)
    gauss, sin = rng.gauss, math.sin
    t0 = math.floor(time.time()) - n
    ph1, ph2 = rng.uniform(0, TWO_PI), rng.uniform(0, TWO_PI)
    out = array("d", bytes(8 * n))
    for k in range(n):
        t = t0 + k
        v = (
            8.0
            + 5.0 * sin(TWO_PI * (t - 7 * 3600 - 21600) / 86400.0)
            + 3.0 * sin(TWO_PI * t / (4.7 * 86400.0) + ph1)
            + 0.3 * sin(TWO_PI * t / 8280.0 + ph2)
            + gauss(0.0, 0.05)
        )
        out[k] = round(v, 1)
    return out


async def write_trend(url: str, values: array[float]) -> dict[str, Any]:
    from sqlalchemy import select, text

    from anguan.core.db import Database
    from anguan.monitoring import historian
    from anguan.monitoring.historian import HistorianWriter
    from anguan.monitoring.models import Point
    from anguan.monitoring.types import PointConfig, Reading

    db = Database(url)
    n = len(values)
    t_end = math.floor(time.time()) - 1.0
    t0 = t_end - (n - 1)
    out: dict[str, Any] = {"received": n}
    try:
        async with db.transaction(write=False) as s:
            cfg = PointConfig.from_row((await s.scalars(select(Point).where(Point.tag == TREND_TAG))).one())
        out["point_id"] = cfg.id
        if db.dialect == "postgresql":
            # The daily partitions the worker's job would have created over those 30 days.
            async with db.transaction() as s:
                day = datetime.fromtimestamp(t0, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
                while day <= datetime.now(UTC) + timedelta(days=1):
                    await historian.ensure_partitions(s, day, days_ahead=0)
                    day += timedelta(days=1)
        writer = HistorianWriter(db.dialect)
        async with db.transaction() as s:
            await writer.load(s, [cfg.id])
        w0 = time.perf_counter()
        add, pid = writer.add, cfg.id
        chunk = 6 * 3600
        for a in range(0, n, chunk):
            for k in range(a, min(a + chunk, n)):
                add(cfg, Reading(pid, t0 + k, values[k], 0))
            async with db.transaction() as s:
                await writer.flush(s)
        out["write_s"] = time.perf_counter() - w0
        r0 = time.perf_counter()
        async with db.transaction() as s:
            out["rollups_1h"] = await historian.rollup_hours(s, datetime.now(UTC))
        out["rollup_s"] = time.perf_counter() - r0
        if db.dialect == "postgresql":
            async with db.transaction() as s:  # what autovacuum does shortly after a bulk load
                await s.execute(text("ANALYZE mon_sample"))
                await s.execute(text("ANALYZE mon_rollup_1m"))
                await s.execute(text("ANALYZE mon_rollup_1h"))
        out["storage"] = await sample_storage(db)
        return out
    finally:
        await db.dispose()


async def time_trend(url: str, point_id: int, start: datetime, end: datetime, runs: int) -> dict[str, Any]:
    from anguan.core.db import Database
    from anguan.monitoring import historian

    db = Database(url)
    times: list[float] = []
    series: Any = None
    try:
        for _ in range(runs):
            t = time.perf_counter()
            async with db.transaction(write=False) as s:
                series = await historian.default_historian.trend(s, [point_id], start, end, 1000)
            times.append((time.perf_counter() - t) * 1000.0)
    finally:
        await db.dispose()
    s0 = series[0] if series else None
    return {"times": times, "tier": s0.tier if s0 else "-", "points": len(s0.points) if s0 else 0}


def trend_case(
    backend: str, url: str, values: array[float], args: argparse.Namespace, tmp: Path
) -> dict[str, Any]:
    log(f"(e) {backend}: writing {len(values):,} samples through HistorianWriter")
    res = asyncio.run(write_trend(url, values))
    end = datetime.now(UTC)
    start = end - timedelta(days=TREND_DAYS)
    log(f"(e) {backend}: timing SqlHistorian.trend x{args.trend_runs}")
    res["inproc"] = asyncio.run(time_trend(url, res["point_id"], start, end, args.trend_runs))
    log(f"(e) {backend}: timing GET /api/v1/monitoring/trend x{args.trend_runs}")
    server = start_server(
        tmp / f"var-trend-{backend}",
        {
            "ANGUAN_DATABASE_URL": url,
            "ANGUAN_INGEST__IN_PROCESS": "false",
            "ANGUAN_SCHEDULER_ENABLED": "false",
        },
    )
    try:
        api = Http(server.port)
        api.login(OPERATOR)
        # The first authenticated request of a new server process pays a one-time cost whatever the
        # endpoint: measured apart, so the trend runs show the query.
        t = time.perf_counter()
        status, body = api.call("GET", "/api/v1/auth/me")
        res["first_request_ms"] = (time.perf_counter() - t) * 1000.0
        query = urllib.parse.urlencode(
            {
                "point_ids": res["point_id"],
                "start": start.isoformat(),
                "end": end.isoformat(),
                "max_points": 1000,
            }
        )
        times: list[float] = []
        size, tier, npts = 0, "-", 0
        for _ in range(args.trend_runs):
            t = time.perf_counter()
            status, body = api.call("GET", f"/api/v1/monitoring/trend?{query}")
            times.append((time.perf_counter() - t) * 1000.0)
            if status != 200:
                raise RuntimeError(f"GET trend -> {status} {body[:300]!r}")
            size = len(body)
        data = json.loads(body)
        if data.get("series"):
            tier, npts = data["series"][0]["tier"], len(data["series"][0]["points"])
        res["http"] = {"times": times, "bytes": size, "tier": tier, "points": npts}
    finally:
        res["stop_note"] = stop_server(server)
        res["log_errors"] = log_errors(server.log_text())
    return res


# --------------------------------------------------------------------------- report


def header(args: argparse.Namespace, pg_version: str | None) -> None:
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    commit = sh(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]) or "?"
    if sh(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"]):
        commit += " (dirty tree)"
    mosq = next((ln for ln in sh(["mosquitto", "-h"]).splitlines() if "version" in ln), "mosquitto ?")
    print(
        f"Anguan ingest / alarm latency / historian bench  {time.strftime('%Y-%m-%d %H:%M:%S %z')}  commit {commit}"
    )
    print(
        f"machine: nproc {os.cpu_count()} ({affinity} usable), {cpu_model()}, load average {loadavg()} (1/5/15 min) "
        f"at start, {platform.system()} {platform.release()}"
    )
    print(
        f"software: Python {platform.python_version()}, paho-mqtt {pkg_version('paho-mqtt')}, "
        f"SQLAlchemy {pkg_version('sqlalchemy')}, asyncpg {pkg_version('asyncpg')}, "
        f"aiosqlite {pkg_version('aiosqlite')}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg_version or '-'}, "
        f"{mosq.strip()} on {args.mqtt_host}:{args.mqtt_port}, websockets {pkg_version('websockets')}"
    )
    print(
        f"conditions: {args.points:,} load points (clones of the 85 demo points: set-points, hist_comp_dev, "
        f"hist_deadband), 1 Hz of sample time each, {args.spm} samples/message, QoS 1; warm-up {args.warmup:g} s "
        f"+ {args.seconds:g} s measured per backend; publisher, broker, database and ingest share the machine"
    )
    if args.scrubbed:
        print(f"ignored from the environment: {', '.join(sorted(args.scrubbed))}")
    print()


def report(args: argparse.Namespace, R: dict[str, Any]) -> None:
    raw = R.get("raw")
    ingest = R.get("ingest", [])
    if ingest:
        print(
            "(a) sustained ingest through Mosquitto -> MqttConnector -> IngestPipeline (alarm engine, historian, "
            "one commit per batch, PUBACK after commit)"
        )
        head = (
            f"{'backend':<11} {'points/s':>9} {'window s':>8} {'samples':>10} {'batches':>7} {'smp/batch':>9} "
            f"{'commit ms mean/p95/max':>22} {'5-s min..max pts/s':>19} {'dup':>4} {'rej':>4} {'alarm chg':>9}"
        )
        print(head)
        print("-" * len(head))
        for r in ingest:
            if r.get("failed"):
                print(f"{r['backend']:<11} FAILED: {r['failed'][:150]}")
                continue
            commit = f"{fmt(r.get('commit_mean'), '.0f')}/{fmt(r.get('commit_p95'), '.0f')}/{fmt(r.get('commit_max'), '.0f')}"
            sec = f"{fmt_int(r.get('sec_min'))}..{fmt_int(r.get('sec_max'))}"
            print(
                f"{r['backend']:<11} {fmt_int(r.get('rate')):>9} {fmt(r.get('window_s'), '.1f'):>8} "
                f"{fmt_int(r.get('samples')):>10} {fmt_int(r.get('batches')):>7} {fmt(r.get('per_batch'), ',.0f'):>9} "
                f"{commit:>22} {sec:>19} {r.get('duplicates', 0):>4} {r.get('rejected', 0):>4} "
                f"{r.get('alarm_changes', 0):>9}"
            )
        for r in ingest:
            if r.get("failed"):
                continue
            p = r.get("publisher", {})
            per1k = r.get("cpu_ms_per_1k", {})
            ing = per1k.get("bench (ingest)")
            cost = ", ".join(f"{k} {v:.1f}" for k, v in per1k.items() if k != "publisher")
            if ing:
                print(
                    f"  {r['backend']}: CPU ms per 1,000 points: {cost} -> the ingest process alone needs "
                    f"{ing:.0f}% of a core per 10,000 points/s (a whole core: ~{1e6 / ing:,.0f} points/s)"
                )
            print(
                f"  {r['backend']}: CPU during the window: {cpu_text(r.get('cpu', {}))}; connector max unacked "
                f"{r.get('max_pending')} (receive_maximum {r.get('receive_maximum')}, max_concurrency "
                f"{r.get('max_concurrency')}); published {fmt_int(p.get('published'))} msgs, received "
                f"{fmt_int(r.get('mqtt_received'))}, acked after commit {fmt_int(r.get('mqtt_acked'))}, redelivered "
                f"{r.get('mqtt_redelivered')}, commits failed {r.get('commits_failed')}; state load "
                f"{r.get('load_s', 0):.1f} s; {r.get('commits_seen', 0)} of {r.get('batches', 0)} commits' "
                f"durations seen (2 ms polling)"
                + (
                    "; PUBLISHER POOL EXHAUSTED before the end: raise --max-rate"
                    if r.get("exhausted_early")
                    else ""
                )
            )
        print(
            "  points/s = samples accepted between the first and the last commit seen after the warm-up; commit ms "
            "= IngestStats.last_commit_ms (validate + alarm engine + historian + one transaction)"
        )
        print()
    if raw:
        mps = raw["msgs"] / raw["seconds"]
        size = R["msg_bytes"]
        print(
            f"(b) raw Mosquitto publish -> subscribe, same process layout and messages ({size / 1024:.1f} KiB, "
            f"{args.spm} samples), paho QoS 1 both ways, <= {WINDOW} outstanding"
        )
        print(
            f"  {mps:,.0f} messages/s = {mps * size / 1e6:,.1f} MB/s = {mps * args.spm:,.0f} points/s equivalent "
            f"over {raw['seconds']:.1f} s; published {raw['published']:,}, received {raw['received']:,}; "
            f"CPU: {cpu_text(raw['cpu'])}"
        )
        print()
    lat = R.get("latency")
    if lat:
        print(
            f"(c) alarm latency: MQTT publish -> WebSocket `monitoring.alarm_changed` (operator session), "
            f"`anguan serve` (in-process ingest, PostgreSQL), background {args.background_rate:,} points/s"
        )
        if lat.get("failed"):
            print(f"  FAILED: {lat['failed'][:300]}")
        else:
            v = lat["latencies"]
            bg = lat.get("background", {})
            bg_rate = bg.get("published", 0) * R["bg_spm"] / bg["seconds"] if bg.get("seconds") else None
            print(
                f"  {len(v)} alarm changes (H activated/returned, one every {args.toggle_interval:g} s over "
                f"{ALARM_POINTS} points): p50 {fmt(pct(v, 50), '.1f')} ms, p95 {fmt(pct(v, 95), '.1f')} ms, "
                f"p99 {fmt(pct(v, 99), '.1f')} ms, max {fmt(v[-1] if v else None, '.1f')} ms, "
                f"mean {fmt(statistics.fmean(v) if v else None, '.1f')} ms; missing {lat['missing']}"
            )
            print(
                f"  background published {fmt_int(bg_rate)} points/s ({R['bg_spm']} samples/message, "
                f"{fmt_int(bg.get('published'))} msgs, broker acked {fmt_int(bg.get('acked'))}); "
                f"CPU: {cpu_text(lat.get('cpu', {}))}"
            )
            worst = ", ".join(f"{ms:.0f} ms at {t:.1f} s" for t, ms in lat.get("worst", []))
            print(f"  slowest: {worst} (seconds after the first measured change)")
            rej = lat.get("rejects")
            if rej:
                print(f"  server rejects (last hour): {json.dumps(rej, ensure_ascii=False)[:300]}")
            if lat.get("other"):
                print(f"  other alarm events seen: {dict(lat['other'].most_common(6))}")
        print(f"  server: {lat.get('stop_note', '')}; log problems: {lat.get('log_errors') or 'none'}")
        print()
    rows = R.get("storage", [])
    if rows:
        print("(d) historian storage: mon_sample incl. partitions and indexes / samples received")
        head = (
            f"{'dataset':<52} {'received':>10} {'archived':>9} {'ratio':>6} {'mon_sample':>11} "
            f"{'B/received':>10} {'B/archived':>10} {'1m rollup B/rcv':>15}"
        )
        print(head)
        print("-" * len(head))
        for name, received, st in rows:
            b, a = st.get("bytes"), st.get("rows")
            print(
                f"{name:<52} {fmt_int(received):>10} {fmt_int(a):>9} "
                f"{fmt(a / received if received and a is not None else None, '.3f'):>6} "
                f"{(fmt(b / 1e6, ',.1f') + ' MB') if b is not None else '-':>11} "
                f"{fmt(b / received if b and received else None, '.2f'):>10} "
                f"{fmt(b / a if b and a else None, '.1f'):>10} "
                f"{fmt(st['r1m_bytes'] / received if st.get('r1m_bytes') and received else None, '.2f'):>15}"
            )
        print(
            "  PostgreSQL: sum of pg_total_relation_size over pg_partition_tree('mon_sample') (heap, TOAST, FSM/VM, "
            "indexes; no VACUUM); SQLite: dbstat pages of the table and its indexes"
        )
        print()
    trends = R.get("trend", [])
    if trends:
        print(
            f"(e) {TREND_DAYS}-day trend of one point sampled at 1 Hz, max_points 1000 "
            f"({args.trend_runs} runs each; median and max over all runs, the first one included)"
        )
        head = (
            f"{'backend':<11} {'samples':>10} {'write s':>8} {'archived':>9} {'1h rollups s':>12} "
            f"{'tier':>5} {'pts':>5} {'SqlHistorian ms 1st/median/max':>30} {'HTTP GET ms 1st/median/max':>27}"
        )
        print(head)
        print("-" * len(head))
        for r in trends:
            if r.get("failed"):
                print(f"{r['backend']:<11} FAILED: {r['failed'][:150]}")
                continue
            ip, ht = r["inproc"], r.get("http", {})
            it, hts = ip["times"], ht.get("times", [])
            print(
                f"{r['backend']:<11} {fmt_int(r['received']):>10} {r['write_s']:>8.1f} "
                f"{fmt_int(r['storage']['rows']):>9} {r['rollup_s']:>12.1f} {ip['tier']:>5} {ip['points']:>5} "
                f"{runs_text(it):>30} {runs_text(hts):>27}"
            )
        for r in trends:
            if not r.get("failed"):
                ht = r.get("http", {})
                print(
                    f"  {r['backend']}: HistorianWriter {r['received'] / r['write_s']:,.0f} samples/s incl. flushes; "
                    f"{r['rollups_1h']} hourly rollups; HTTP response {fmt_int(ht.get('bytes'))} bytes, tier "
                    f"{ht.get('tier')}, {ht.get('points')} points; first authenticated request of the server "
                    f"(GET /api/v1/auth/me, before the runs) {fmt(r.get('first_request_ms'), '.0f')} ms; runs ms in-process "
                    f"{[round(x, 1) for x in r['inproc']['times']]}, HTTP {[round(x, 1) for x in ht.get('times', [])]}; "
                    f"server {r.get('stop_note', '')}, log problems: {r.get('log_errors') or 'none'}"
                )
        print()


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--backends", default="sqlite,postgresql", help="(a) and (e) backends (default sqlite,postgresql)"
    )
    p.add_argument(
        "--seconds", type=float, default=20.0, help="(a) measured seconds per backend (default 20)"
    )
    p.add_argument("--warmup", type=float, default=3.0, help="(a) warm-up seconds (default 3)")
    p.add_argument("--skip-latency", action="store_true", help="skip (c)")
    p.add_argument("--skip-trend", action="store_true", help="skip (e)")
    p.add_argument("--points", type=int, default=10_000, help="(a) load points (default 10,000)")
    p.add_argument("--spm", type=int, default=400, help="(a)(b) samples per message (default 400)")
    p.add_argument(
        "--max-rate",
        type=float,
        default=50_000,
        help="(a) pre-built messages cover this many points/s (default 50,000)",
    )
    p.add_argument("--raw-seconds", type=float, default=8.0, help="(b) measured seconds (default 8)")
    p.add_argument(
        "--background-rate", type=int, default=5000, help="(c) background points/s (default 5,000)"
    )
    p.add_argument("--toggles", type=int, default=240, help="(c) measured alarm changes (default 240)")
    p.add_argument("--toggle-interval", type=float, default=0.3, help="(c) seconds between alarm changes")
    p.add_argument(
        "--sim-hours", type=float, default=2.0, help="(d) hours of PlantSimulator history (default 2)"
    )
    p.add_argument("--trend-runs", type=int, default=7, help="(e) timed runs per backend (default 7)")
    p.add_argument(
        "--pg-url",
        default=os.environ.get("ANGUAN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server for the throw-away databases (env ANGUAN_BENCH_PG_URL)",
    )
    p.add_argument("--mqtt-host", default="127.0.0.1")
    p.add_argument("--mqtt-port", type=int, default=1883)
    p.add_argument("--keep", action="store_true", help="keep the temp dir (server logs, SQLite files)")
    args = p.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - {"sqlite", "postgresql"}
    if unknown:
        p.error(f"unknown backends: {sorted(unknown)}")
    if args.points % args.spm:
        p.error("--points must be a multiple of --spm (one sweep = whole messages)")
    args.rid = f"{os.getpid()}_{secrets.token_hex(2)}"
    return args


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def cleanup(args: argparse.Namespace, pub: Publisher | None, tmp: Path) -> None:
    if pub is not None:
        pub.close()
    for server in list(CLEAN.servers):
        stop_server(server)
    for cid in CLEAN.mqtt_clients:
        if not purge_mqtt_session(args.mqtt_host, args.mqtt_port, cid):
            CLEAN.notes.append(f"could not remove the MQTT session of {cid}")
    for name in list(CLEAN.pg_dbs):
        CLEAN.drop_pg(name)
    if args.keep:
        CLEAN.notes.append(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import anguan  # noqa: F401
    except ImportError:
        venv_python = REPO / ".venv" / "bin" / "python"
        if venv_python.exists() and Path(sys.executable) != venv_python:
            os.execv(str(venv_python), [str(venv_python), __file__, *(argv or sys.argv[1:])])
        print("anguan is not importable: run with the project venv (.venv/bin/python bench/ingest.py)")
        return 2
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    logging.basicConfig(level=logging.WARNING, format="# %(levelname)s %(name)s: %(message)s")
    args.scrubbed = [k for k in os.environ if k.startswith("ANGUAN_") and k != "ANGUAN_BENCH_PG_URL"]
    for k in args.scrubbed:
        del os.environ[k]
    CLEAN.pg_base = args.pg_url
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="anguan-bench-ingest-"))
    (tmp / "files").mkdir()
    R: dict[str, Any] = {"ingest": [], "storage": [], "trend": [], "loads": []}
    pub: Publisher | None = None
    pg_version: str | None = None
    try:
        need_pg = "postgresql" in args.backends or not args.skip_latency
        if need_pg:
            try:
                pg_version = pg(args.pg_url)
            except Exception as exc:
                CLEAN.notes.append(
                    f"PostgreSQL unreachable at {args.pg_url}: {exc!r}: PostgreSQL parts skipped"
                )
                args.backends = [b for b in args.backends if b != "postgresql"]
                args.skip_latency = True
                need_pg = False
        header(args, pg_version)

        load_cols, load_sigs = load_signals(args.points)
        per_sweep = args.points // args.spm
        a_msgs = math.ceil(args.max_rate * (args.warmup + args.seconds + 5) / args.spm)
        a_msgs = min(math.ceil(a_msgs / per_sweep), 280) * per_sweep  # <= 280 s of sample time ahead
        bg_points, bg_spm = args.background_rate, 250
        while bg_points % bg_spm:
            bg_spm -= 1
        R["bg_spm"] = bg_spm
        c_msgs = math.ceil((args.toggles + 10) * args.toggle_interval + 60) * (bg_points // bg_spm)
        pools: dict[str, Any] = {"a": {"signals": load_sigs, "spm": args.spm, "messages": a_msgs, "seed": 1}}
        if not args.skip_latency:
            pools["c"] = {"signals": load_sigs[:bg_points], "spm": bg_spm, "messages": c_msgs, "seed": 2}
        log(
            f"publisher: building {sum(p['messages'] for p in pools.values()):,} messages in a separate process"
        )
        pub = Publisher(
            {
                "host": args.mqtt_host,
                "port": args.mqtt_port,
                "client_id": f"anguan-bench-{args.rid}-pub",
                "pools": pools,
            }
        )

        templates: dict[str, str] = {}
        for backend in sorted(set(args.backends) | ({"postgresql"} if need_pg else set())):
            templates[backend] = make_template(backend, tmp, args, load_cols)
        built = pub.expect("built", 600)
        pub.expect("ready", 30)
        sizes = built[1]
        R["msg_bytes"] = sizes["a"][1]
        log(f"publisher: pools built in {built[2]:.1f} s: {sizes}")

        log(f"(b) raw MQTT for {args.raw_seconds:g} s")
        l0 = os.getloadavg()[0]
        R["raw"] = run_raw(pub, args)
        R["loads"].append(("(b)", l0, os.getloadavg()[0]))

        for backend in args.backends:
            url = copy_db(backend, templates[backend], "ingest", tmp, args)
            enable_only(url, f"tag LIKE '{LOAD_PREFIX}%'")
            log(f"(a) {backend}: {args.warmup:g} s warm-up + {args.seconds:g} s")
            try:
                l0 = os.getloadavg()[0]
                r = asyncio.run(ingest_case(backend, url, pub, args, tmp))
                R["loads"].append((f"(a) {backend}", l0, os.getloadavg()[0]))
            except Exception as exc:
                r = {"backend": backend, "failed": f"{type(exc).__name__}: {exc}"}
            R["ingest"].append(r)
            if r.get("storage"):
                R["storage"].append(
                    (
                        f"(a) {backend}: {args.points:,} load points, ~{r['accepted'] / args.points:.0f} s at 1 Hz each",
                        r["accepted"],
                        r["storage"],
                    )
                )
            drop_db(backend, url)

        if not args.skip_latency:
            url = copy_db("postgresql", templates["postgresql"], "latency", tmp, args)
            enable_only(
                url,
                f"(tag LIKE '{LOAD_PREFIX}%' AND tag < '{LOAD_PREFIX}{bg_points:05d}') OR tag LIKE '{ALARM_PREFIX}%'",
            )
            log(
                f"(c) alarm latency: {args.toggles} changes every {args.toggle_interval:g} s under {bg_points:,} points/s"
            )
            try:
                l0 = os.getloadavg()[0]
                R["latency"] = latency_case(url, pub, args, tmp)
                R["loads"].append(("(c)", l0, os.getloadavg()[0]))
            except Exception as exc:
                R["latency"] = {"failed": f"{type(exc).__name__}: {exc}"}
            drop_db("postgresql", url)

        if "postgresql" in templates:
            url = copy_db("postgresql", templates["postgresql"], "sim", tmp, args)
            log(f"(d) PlantSimulator: {args.sim_hours:g} h of the demo plant through HistorianWriter")
            try:
                sim = asyncio.run(sim_storage_case(url, args.sim_hours))
                R["storage"].append(
                    (
                        f"PlantSimulator {args.sim_hours:g} h, {sim['points']} demo points (postgresql)",
                        sim["received"],
                        sim["storage"],
                    )
                )
            except Exception as exc:
                CLEAN.notes.append(f"(d) PlantSimulator failed: {type(exc).__name__}: {exc}")
            drop_db("postgresql", url)

        if not args.skip_trend:
            n = TREND_DAYS * 86400
            log(f"(e) generating {n:,} samples")
            values = trend_values(n)
            for backend in args.backends:
                url = copy_db(backend, templates[backend], "trend", tmp, args)
                try:
                    l0 = os.getloadavg()[0]
                    r = trend_case(backend, url, values, args, tmp)
                    R["loads"].append((f"(e) {backend}", l0, os.getloadavg()[0]))
                    r["backend"] = backend
                    R["trend"].append(r)
                    R["storage"].append(
                        (f"(e) {backend}: one point, {TREND_DAYS} days at 1 Hz", r["received"], r["storage"])
                    )
                except Exception as exc:
                    R["trend"].append({"backend": backend, "failed": f"{type(exc).__name__}: {exc}"})
                drop_db(backend, url)
    except KeyboardInterrupt:
        CLEAN.notes.append("interrupted: partial results")
    finally:
        load_end = loadavg()
        cleanup(args, pub, tmp)
    report(args, R)
    if R["loads"]:
        print(
            "1-min load average at the start -> end of each case (other work on the machine shows here): "
            + ", ".join(f"{name} {a:.1f}->{b:.1f}" for name, a, b in R["loads"])
        )
    for note in CLEAN.notes:
        print(note)
    print(
        f"total wall time {time.monotonic() - started:.0f} s; load average {load_end} (1/5/15 min) at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
