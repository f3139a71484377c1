"""The ingest pipeline: validated samples → alarm engine → historian → one commit → acknowledge.

One writer task owns all in-memory state (point configs, the alarm engine, the historian's
compressor state). Connectors call `submit_payload`/`submit_samples`, which queue the work and
return only after the batch holding it is committed (group commit: many submissions share one
transaction). If the database is unreachable the batch is retried with backoff, its submitters
keep waiting (so connectors do not acknowledge), and the in-memory state is reloaded from the
database before the retry, so nothing is applied twice.

Events released after each commit: `monitoring.alarm_changed` (realtime), the linkage events
`monitoring.alarm_raised` / `monitoring.alarm_cleared` (durable outbox), and periodic
`monitoring.values_changed` frames per area.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.connectors.base import IngestUnavailable, RawSample, SubmitResult
from anguan.core.config import Settings
from anguan.core.db import Database
from anguan.core.events import DomainEvent, EventBus
from anguan.monitoring.alarm_engine import AlarmEngine
from anguan.monitoring.events import AlarmChanged, AlarmCleared, AlarmRaised, ValuesChanged, alarm_view
from anguan.monitoring.historian import HistorianWriter
from anguan.monitoring.models import Alarm, AlarmEvent, Point, PointCurrent, Source
from anguan.monitoring.models import Reject as RejectRow
from anguan.monitoring.payload import PayloadLimits, parse_payload
from anguan.monitoring.types import AlarmChange, PointConfig, Reading, Reject, from_dt, to_dt

log = logging.getLogger("anguan.ingest")

UNKNOWN_SOURCE = "unknown"
# Which change names the realtime event when one batch changes an alarm several times.
SIGNIFICANCE = {"activated": 0, "returned": 1, "suppressed": 2, "unsuppressed": 3, "chattering": 4}
# How often the writer checks whether points or sources were edited (by any API replica).
CONFIG_CHECK_S = 5.0
# Errors that mean "storage unreachable right now" (retry), as opposed to a bug (log and fail).
TRANSIENT = (OperationalError, InterfaceError, DBAPIError, OSError, ConnectionError, asyncio.TimeoutError)


@dataclass
class _Work:
    source: str
    samples: Sequence[RawSample]
    rejects: list[Reject]
    future: asyncio.Future[SubmitResult]
    arrived: float = 0.0  # monotonic
    redelivered: bool = False  # MQTT DUP flag: older samples in it are duplicates, not late data


@dataclass
class IngestStats:
    """Counters since start (shown by /monitoring/status and the bench)."""

    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    batches: int = 0
    commits_failed: int = 0
    alarm_changes: int = 0
    forwarded: int = 0
    last_commit_ms: float = 0.0
    by_source: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _upsert(
    dialect: str, table: Any, rows: list[dict[str, Any]], keys: list[str], merge: dict[str, Any]
) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE for each dialect; `merge` maps column → expression builder."""
    if dialect == "mysql":
        stmt = mysql.insert(table).values(rows)
        return stmt.on_duplicate_key_update({k: f(stmt.inserted, table) for k, f in merge.items()})
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(rows)
    return ins.on_conflict_do_update(
        index_elements=keys, set_={k: f(ins.excluded, table) for k, f in merge.items()}
    )


class IngestPipeline:
    """Implements the connectors' `Sink`; one per ingest process."""

    def __init__(self, database: Database, bus: EventBus, settings: Settings) -> None:
        self.database = database
        self.bus = bus
        self.settings = settings
        ing = settings.ingest
        self.limits = PayloadLimits(ing.max_payload_bytes, ing.max_samples, ing.max_future_s, ing.max_past_s)
        self.stats = IngestStats()
        self.engine = AlarmEngine()
        self.historian = HistorianWriter(database.dialect)
        self._points: dict[int, PointConfig] = {}
        self._by_tag: dict[str, tuple[PointConfig, int | None]] = {}
        self._sources: dict[str, int] = {}
        self._alarm_ids: dict[tuple[int, str], int] = {}
        # Occurrence counter per alarm: only the pipeline increments it, so memory is authoritative.
        self._occurrence: dict[int, int] = {}
        self._queue: list[_Work] = []
        self._wake = asyncio.Event()
        self._reload = asyncio.Event()  # configuration changed
        self._resync = asyncio.Event()  # memory may be ahead of the database: rebuild all state
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._dirty: dict[int, tuple[float, float, int]] = {}
        self._last_tick = 0.0
        self._last_config_check = 0.0
        self._config_fp: tuple[Any, ...] = ()
        self._seen_sources: dict[str, float] = {}
        self.ready = asyncio.Event()
        self.partitions = max(1, ing.partitions)
        self.partition = ing.partition % self.partitions
        # Set by the runtime when partitions > 1: publishes a payload to the owner replica (QoS 1).
        self.forward: Callable[[int, str, bytes], Awaitable[None]] | None = None
        self.reorder_hold_s = ing.reorder_hold_ms / 1000.0 if self.partitions > 1 else 0.0

    # ---------------------------------------------------------------- Sink API

    async def submit_payload(self, source: str, payload: bytes, *, redelivered: bool = False) -> SubmitResult:
        """Validate and ingest one payload; returns after commit (IngestUnavailable if stopping)."""
        samples, rejects, meta = parse_payload(payload, time.time(), self.limits)
        return await self._enqueue(source, samples, rejects, redelivered or meta.redelivered)

    async def submit_samples(self, source: str, samples: list[RawSample]) -> SubmitResult:
        """Ingest structured samples (OPC UA, simulator in-process); returns after commit."""
        return await self._enqueue(source, samples, [])

    async def _enqueue(
        self, source: str, samples: Sequence[RawSample], rejects: list[Reject], redelivered: bool = False
    ) -> SubmitResult:
        if self._stop.is_set():
            raise IngestUnavailable("ingest is stopping")
        if self.partitions > 1:
            return await self._split(source, samples, rejects, redelivered)
        return await self._queue_local(source, samples, rejects, redelivered)

    async def _split(
        self, source: str, samples: Sequence[RawSample], rejects: list[Reject], redelivered: bool
    ) -> SubmitResult:
        """Partitioned: forward samples of points owned by peers at once (QoS 1), queue the rest.

        Forwarding on arrival (not after this replica's reorder hold) lets the owner merge both
        arrival paths in time order. The submission succeeds only when both parts did."""
        local: list[RawSample] = []
        remote: dict[int, list[RawSample]] = defaultdict(list)
        for s in samples:
            entry = self._by_tag.get(s.tag)
            owner = entry[0].id % self.partitions if entry is not None else self.partition
            (local if owner == self.partition else remote[owner]).append(s)
        if not remote:
            return await self._queue_local(source, local, rejects, redelivered)
        if self.forward is None:
            raise IngestUnavailable("partitioned ingest without a forwarder")
        try:
            for owner, group in remote.items():
                body = orjson.dumps(
                    {
                        "source": source,
                        # A redelivered original stays a redelivery at its owner (never counted twice).
                        "redelivered": redelivered,
                        "samples": [{"tag": s.tag, "ts": s.t, "v": s.value, "q": s.quality} for s in group],
                    }
                )
                await self.forward(owner, source, body)
        except Exception as exc:
            raise IngestUnavailable(f"forwarding to a peer replica failed: {exc}") from exc
        forwarded = sum(len(g) for g in remote.values())
        self.stats.forwarded += forwarded
        result = await self._queue_local(source, local, rejects, redelivered)
        result.accepted += forwarded
        return result

    async def _queue_local(
        self, source: str, samples: Sequence[RawSample], rejects: list[Reject], redelivered: bool = False
    ) -> SubmitResult:
        fut: asyncio.Future[SubmitResult] = asyncio.get_running_loop().create_future()
        self._queue.append(_Work(source, samples, rejects, fut, time.monotonic(), redelivered))
        self._wake.set()
        return await fut

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Load configuration and state, then run the writer and the realtime value pusher."""
        await self._load_with_retry()
        self._tasks = [
            asyncio.create_task(self._writer(), name="ingest.writer"),
            asyncio.create_task(self._push_values(), name="ingest.values"),
        ]
        self.ready.set()

    async def stop(self) -> None:
        """Finish the queued work if the database allows, then stop."""
        self._stop.set()
        self._wake.set()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(t, timeout=10)
        for w in self._queue:
            if not w.future.done():
                w.future.set_exception(IngestUnavailable("ingest stopped"))
        self._queue.clear()

    def request_reload(self) -> None:
        """Points or sources changed: reload configs before the next batch."""
        self._reload.set()
        self._wake.set()

    async def _load_with_retry(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._load()
                return
            except TRANSIENT as exc:
                log.warning("ingest: database unavailable while loading state (%s); retrying", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _fingerprint(self) -> tuple[Any, ...]:
        async with self.database.transaction(write=False) as session:
            pts = (await session.execute(select(func.count(), func.max(Point.updated_at)))).one()
            src = (await session.execute(select(func.count(), func.max(Source.updated_at)))).one()
        return (*pts, *src)

    async def _load(self, *, full: bool = True) -> None:
        """Read points, sources and alarm rows; `full` also rebuilds the engine's and the historian's
        state from the database (at start, and after a failed commit left memory ahead of it).
        A configuration reload (`full=False`) keeps delay timers, trend and compressor state."""
        async with self.database.transaction(write=False) as session:
            rows = (await session.scalars(select(Point))).all()
            points = [PointConfig.from_row(p) for p in rows]
            bindings = {p.id: p.source_id for p in rows}
            sources = {s.code: s.id for s in (await session.scalars(select(Source))).all() if s.enabled}
            alarms = (await session.scalars(select(Alarm))).all()
            if full:
                self.engine = AlarmEngine()
            # With partitions, this replica evaluates and archives only the points it owns.
            owned = [p for p in points if p.enabled and p.id % self.partitions == self.partition]
            self.engine.set_points(owned)
            if full:
                for a in alarms:
                    self.engine.restore(
                        a.point_id,
                        a.condition,
                        a.active,
                        from_dt(a.activated_at) if a.activated_at else None,
                        a.suppressed,
                        a.chattering,
                    )
                for cur in (await session.scalars(select(PointCurrent))).all():
                    self.engine.restore_current(cur.point_id, from_dt(cur.ts), cur.value, cur.quality)
                self.historian = HistorianWriter(self.database.dialect)
            # Loads only points the historian does not hold yet (all of them after a full reset).
            await self.historian.load(session, [p.id for p in owned])
        self._points = {p.id: p for p in points}
        self._by_tag = {p.tag: (p, bindings.get(p.id)) for p in points}
        self._sources = sources
        self._alarm_ids = {(a.point_id, a.condition): a.id for a in alarms}
        self._occurrence = {a.id: a.occurrence for a in alarms}
        self._config_fp = await self._fingerprint()
        log.info(
            "ingest: %d points, %d sources, %d alarm conditions loaded (%s)",
            len(points),
            len(sources),
            len(alarms),
            "state rebuilt" if full else "configuration only",
        )

    # ---------------------------------------------------------------- writer

    async def _writer(self) -> None:
        ing = self.settings.ingest
        while not (self._stop.is_set() and not self._queue):
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)
            self._wake.clear()
            if self._queue and ing.batch_max_wait_ms > 0 and not self._stop.is_set():
                # Let concurrent submitters join this batch (group commit).
                await asyncio.sleep(ing.batch_max_wait_ms / 1000.0 if len(self._queue) < 4 else 0)
            batch: list[_Work] = []
            n = 0
            # Partitioned: hold work briefly so samples of a point that reached this replica by two
            # paths (directly and forwarded by a peer) are processed in time order.
            ready_before = time.monotonic() - self.reorder_hold_s
            while self._queue and n < ing.batch_max_samples:
                if self.reorder_hold_s and self._queue[0].arrived > ready_before and not self._stop.is_set():
                    self._hold_wake()
                    break
                w = self._queue.pop(0)
                batch.append(w)
                n += len(w.samples)
            if self._queue:
                self._wake.set()
            now = time.time()
            tick = now - self._last_tick >= 1.0
            if now - self._last_config_check >= CONFIG_CHECK_S:
                self._last_config_check = now
                with contextlib.suppress(*TRANSIENT):
                    if await self._fingerprint() != self._config_fp:
                        self._reload.set()
            if not batch and not tick and not (self._reload.is_set() or self._resync.is_set()):
                continue
            await self._commit_with_retry(batch, now, tick)

    def _hold_wake(self) -> None:
        """Wake the writer when the oldest held work becomes ready."""
        if self._queue:
            delay = max(0.0, self._queue[0].arrived + self.reorder_hold_s - time.monotonic())
            asyncio.get_running_loop().call_later(delay + 0.001, self._wake.set)

    async def _commit_with_retry(self, batch: list[_Work], now: float, tick: bool) -> None:
        delay = 0.2
        while True:
            try:
                if self._resync.is_set():
                    self._resync.clear()
                    self._reload.clear()
                    await self._load(full=True)
                elif self._reload.is_set():
                    self._reload.clear()
                    await self._load(full=False)
                results = await self._process(batch, now, tick)
            except TRANSIENT as exc:
                self.stats.commits_failed += 1
                log.warning("ingest: commit failed (%s); %d submissions wait, retrying", exc, len(batch))
                if self._stop.is_set() and delay > 2:
                    for w in batch:
                        if not w.future.done():
                            w.future.set_exception(IngestUnavailable(str(exc)))
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                # In-memory state may be ahead of the database: rebuild it before retrying.
                self._resync.set()
                continue
            except Exception as exc:  # a bug: fail these submissions, keep the loop alive
                log.exception("ingest: batch failed")
                for w in batch:
                    if not w.future.done():
                        w.future.set_exception(exc)
                self._resync.set()
                return
            for w, r in zip(batch, results, strict=True):
                if not w.future.done():
                    w.future.set_result(r)
            return

    async def _process(self, batch: list[_Work], now: float, tick: bool) -> list[SubmitResult]:
        started = time.perf_counter()
        results: list[SubmitResult] = []
        changes: list[AlarmChange] = []
        rejects: dict[tuple[str, str], list[Any]] = {}
        dirty: dict[int, tuple[float, float, int]] = {}
        by_tag = self._by_tag
        parts = self.partitions
        engine_process = self.engine.process
        hist_add = self.historian.add
        accepted: list[tuple[float, int, PointConfig, RawSample]] = []
        redelivered = [w.redelivered for w in batch]
        for i, w in enumerate(batch):
            res = SubmitResult()
            source_id = self._sources.get(w.source)
            src = w.source if source_id is not None else UNKNOWN_SOURCE
            bad = list(w.rejects)
            if source_id is None and w.samples:
                bad.append(Reject("unknown_source", f"{w.source[:40]}: {len(w.samples)} samples"))
            else:
                for s in w.samples:
                    entry = by_tag.get(s.tag)
                    if entry is None:
                        bad.append(Reject("unknown_point", s.tag))
                        continue
                    cfg, bound = entry
                    if not cfg.enabled:
                        bad.append(Reject("disabled", s.tag))
                        continue
                    if bound is not None and bound != source_id:
                        bad.append(Reject("wrong_source", s.tag))
                        continue
                    accepted.append((s.t, i, cfg, s))
            for rj in bad:
                res.rejected[rj.reason] = res.rejected.get(rj.reason, 0) + 1
                slot = rejects.setdefault((src, rj.reason), [0, ""])
                slot[0] += 1
                slot[1] = rj.detail
            results.append(res)
        if parts > 1:
            accepted.sort(key=lambda a: a[0])  # two arrival paths: restore time order
        self.engine.clock = now
        for _t, i, cfg, s in accepted:
            res = results[i]
            r = Reading(cfg.id, s.t, s.value, s.quality)
            if not hist_add(cfg, r):
                last = self.historian.last_t(cfg.id)
                if redelivered[i] or last is None or round(s.t * 1e6) >= round(last * 1e6):
                    res.duplicates += 1  # the same sample again (a redelivery after a crash)
                else:
                    # Older than the point's newest sample, in a fresh message: stored raw (if new),
                    # never evaluated for alarms (they follow the newest state).
                    self.historian.add_late(r)
                    res.accepted += 1
                continue
            res.accepted += 1
            dirty[cfg.id] = (s.t, s.value, s.quality)
            ch = engine_process(r)
            if ch:
                changes.extend(ch)
        for w, res in zip(batch, results, strict=True):
            if res.accepted:
                self._seen_sources.setdefault(w.source, 0.0)
        if tick:
            changes.extend(self.engine.tick(now))
            self.historian.close_idle(now)
        async with self.database.transaction() as session:
            await self.historian.flush(session)
            events = await self._persist_alarms(session, changes) if changes else []
            if rejects:
                await self._count_rejects(session, rejects, now)
            await self._touch_sources(session, now)
        if tick:
            self._last_tick = now
        # Committed: release events, remember values for the realtime pusher, update counters.
        for ev in events:
            with contextlib.suppress(Exception):
                await self.bus.dispatch(ev)
        self._dirty.update(dirty)
        st = self.stats
        st.batches += 1
        st.alarm_changes += len(changes)
        st.last_commit_ms = (time.perf_counter() - started) * 1000
        for w, done in zip(batch, results, strict=True):
            st.accepted += done.accepted
            st.duplicates += done.duplicates
            st.rejected += sum(done.rejected.values())
            st.by_source[w.source] += done.accepted
        return results

    async def _touch_sources(self, session: AsyncSession, now: float) -> None:
        due = [c for c, last in self._seen_sources.items() if now - last >= 10.0 and c in self._sources]
        if not due:
            return
        # Keep updated_at: it tells configuration edits apart (the reload fingerprint).
        await session.execute(
            update(Source)
            .where(Source.code.in_(due))
            .values(last_seen_at=to_dt(now), updated_at=Source.updated_at)
        )
        for c in due:
            self._seen_sources[c] = now

    async def _count_rejects(
        self, session: AsyncSession, rejects: dict[tuple[str, str], list[Any]], now: float
    ) -> None:
        hour = to_dt(now - now % 3600)
        at = to_dt(now)
        rows = [
            {"source": s[:40], "reason": r, "hour": hour, "count": c, "last_at": at, "last_detail": d[:255]}
            for (s, r), (c, d) in rejects.items()
        ]
        table = RejectRow.__table__
        stmt = _upsert(
            self.database.dialect,
            table,
            rows,
            ["source", "reason", "hour"],
            {
                "count": lambda new, t: t.c.count + new.count,
                "last_at": lambda new, t: new.last_at,
                "last_detail": lambda new, t: new.last_detail,
            },
        )
        await session.execute(stmt)

    # ---------------------------------------------------------------- alarms

    async def _persist_alarms(self, session: AsyncSession, changes: list[AlarmChange]) -> list[DomainEvent]:
        """Write process-side alarm changes (targeted UPDATEs), the journal, and build the events."""
        touched: dict[int, str] = {}
        journal: list[dict[str, Any]] = []
        raised: list[tuple[int, AlarmChange]] = []
        returned: list[tuple[int, AlarmChange]] = []
        for ch in changes:
            cfg = self._points.get(ch.point_id)
            if cfg is None:
                continue
            key = (ch.point_id, ch.condition)
            alarm_id = self._alarm_ids.get(key)
            if alarm_id is None:
                res = await session.execute(
                    insert(Alarm).values(
                        point_id=ch.point_id,
                        condition=ch.condition,
                        priority=ch.priority,
                        site_id=cfg.site_id,
                        area_id=cfg.area_id,
                        console=cfg.console,
                    )
                )
                pk = cast(CursorResult[Any], res).inserted_primary_key
                assert pk is not None
                alarm_id = int(pk[0])
                self._alarm_ids[key] = alarm_id
                self._occurrence[alarm_id] = 0
            at = to_dt(ch.t)
            values: dict[str, Any] = {"rev": Alarm.rev + 1, "priority": ch.priority}
            if ch.kind == "activated":
                self._occurrence[alarm_id] += 1
                values.update(
                    active=True,
                    occurrence=self._occurrence[alarm_id],
                    activated_at=at,
                    returned_at=None,
                    value=ch.value,
                    limit=ch.limit,
                    message=ch.message,
                    escalation_level=0,
                    # An alarm out of service is tracked but not annunciated: its ack state is kept.
                    acked=Alarm.oos,
                    acked_at=None,
                    acked_by=None,
                )
                raised.append((alarm_id, ch))
            elif ch.kind == "returned":
                values.update(active=False, returned_at=at)
                returned.append((alarm_id, ch))
            elif ch.kind in ("suppressed", "unsuppressed"):
                values.update(suppressed=ch.kind == "suppressed")
            elif ch.kind == "chattering":
                values.update(chattering=bool(ch.extra.get("on", True)))
            else:
                values.update(value=ch.value)
            await session.execute(update(Alarm).where(Alarm.id == alarm_id).values(**values))
            # One realtime event per alarm per batch, named by its most significant change.
            if SIGNIFICANCE.get(ch.kind, 9) < SIGNIFICANCE.get(touched.get(alarm_id, ""), 10):
                touched[alarm_id] = ch.kind
            journal.append(
                {
                    "alarm_id": alarm_id,
                    "point_id": ch.point_id,
                    "console": cfg.console,
                    "ts": at,
                    "kind": ch.kind,
                    "occurrence": self._occurrence[alarm_id],
                    "priority": ch.priority,
                    "value": ch.value,
                    "note": ch.message,
                }
            )
        if journal:
            await session.execute(insert(AlarmEvent), journal)
        rows = (
            await session.execute(
                select(Alarm, Point)
                .join(Point, Point.id == Alarm.point_id)
                .where(Alarm.id.in_(list(touched)))
            )
        ).all()
        by_id = {a.id: (a, p) for a, p in rows}
        events: list[DomainEvent] = []
        for alarm_id, kind in touched.items():
            a, p = by_id[alarm_id]
            events.append(AlarmChanged(change=kind, alarm=alarm_view(a, p)))
        now_dt = datetime.now(UTC)
        for alarm_id, ch in raised:
            a, p = by_id[alarm_id]
            shelved = a.shelved_until is not None and a.shelved_until > now_dt
            if a.oos or shelved or a.suppressed:
                continue
            self.bus.emit(
                session,
                AlarmRaised(
                    alarm_id=a.id,
                    point_id=p.id,
                    tag=p.tag,
                    kind=p.kind,
                    condition=a.condition,
                    priority=a.priority,
                    site_id=a.site_id,
                    area_id=a.area_id,
                    equipment_id=p.equipment_id,
                    hazard_source_id=p.hazard_source_id,
                    value=ch.value,
                    limit=ch.limit,
                    at=to_dt(ch.t),
                ),
                durable=True,
            )
        for alarm_id, ch in returned:
            a, p = by_id[alarm_id]
            if a.acked:
                self.bus.emit(
                    session,
                    AlarmCleared(
                        alarm_id=a.id,
                        point_id=p.id,
                        condition=a.condition,
                        site_id=a.site_id,
                        area_id=a.area_id,
                        hazard_source_id=p.hazard_source_id,
                        at=to_dt(ch.t),
                    ),
                    durable=True,
                )
        return events

    # ---------------------------------------------------------------- realtime values

    async def _push_values(self) -> None:
        interval = self.settings.ingest.values_push_interval_s
        while not self._stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=interval)
            if not self._dirty:
                continue
            dirty, self._dirty = self._dirty, {}
            frames: dict[tuple[int, int | None], list[tuple[int, float, float, int]]] = defaultdict(list)
            for pid, (t, v, q) in dirty.items():
                cfg = self._points.get(pid)
                if cfg is not None:
                    frames[(cfg.site_id, cfg.area_id)].append((pid, t, v, q))
            for (site_id, area_id), values in frames.items():
                with contextlib.suppress(Exception):
                    await self.bus.dispatch(ValuesChanged(site_id=site_id, area_id=area_id, values=values))

    # ---------------------------------------------------------------- introspection

    def queue_depth(self) -> int:
        """Submissions waiting for a commit."""
        return len(self._queue)
