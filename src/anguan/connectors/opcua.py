"""OPC UA connector: a subscription's data changes, batched and handed to the sink.

asyncua client. The configured nodes (or every variable under a browse root) are monitored in one
subscription; each data-change notification becomes a `RawSample` (source timestamp, else server
timestamp; value as float; quality from the StatusCode: good 0, uncertain 1, bad 2). Samples are
batched over `batch_ms` and submitted with `sink.submit_samples`, one batch at a time.

OPC UA has no acknowledgement a client could withhold: a notification the server sent is gone
from the server. So while storage is unavailable the connector keeps samples in memory (up to
`max_buffer`, oldest dropped beyond and counted) and resubmits them with backoff. On connection
loss it reconnects with backoff and recreates the subscription; the server sends each item's
current value again, so the latest state is always restored. See docs/connectors.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.node import Node
from asyncua.ua.object_ids import ObjectIds
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from anguan.connectors.base import Connector, IngestUnavailable, RawSample, Sink, register

log = logging.getLogger("anguan.connectors.opcua")

MAX_TAG_LENGTH = 64  # what the ingest pipeline accepts (monitoring.payload)
_EPOCH_FLOOR = 86400.0  # a timestamp before 1970-01-02 is "not set" (OPC UA's null DateTime is 1601)


class OpcUaNode(BaseModel):
    """One monitored variable: its NodeId string (`ns=2;s=Tank1.Level`) and the point tag it feeds."""

    model_config = ConfigDict(extra="forbid")

    node_id: str = Field(min_length=1)
    tag: str = Field(min_length=1, max_length=MAX_TAG_LENGTH)


class OpcUaConfig(BaseModel):
    """Settings of one OPC UA connector (one server endpoint)."""

    model_config = ConfigDict(extra="forbid")

    endpoint: str  # opc.tcp://host:4840/path
    security: Literal["none", "basic256sha256"] = "none"
    security_mode: Literal["sign", "sign_and_encrypt"] = "sign_and_encrypt"
    certificate: str | None = None  # client certificate (DER or PEM path), for basic256sha256
    private_key: str | None = None
    private_key_password: SecretStr | None = None
    server_certificate: str | None = None  # None: taken from the server's endpoint description
    username: str | None = None
    password: SecretStr | None = None
    nodes: list[OpcUaNode] = Field(default_factory=list)
    # Every variable under this node (Objects/Organizes/HasComponent, not properties) is monitored,
    # tagged `{tag_prefix}{browse path relative to the root, dot-separated}`.
    browse_root: str | None = None
    tag_prefix: str = ""
    browse_max_depth: int = Field(8, ge=1, le=32)
    publishing_interval_ms: float = Field(500.0, gt=0)
    sampling_interval_ms: float | None = Field(None, ge=0)  # None: the publishing interval
    queue_size: int = Field(10, ge=1, le=10000)  # per item on the server, so fast changes are not merged
    batch_ms: float = Field(100.0, gt=0)
    max_batch: int = Field(5000, ge=1)
    max_buffer: int = Field(100_000, ge=1)
    timeout_s: float = Field(4.0, gt=0)
    watchdog_s: float = Field(1.0, gt=0)  # how often the connection is probed
    reconnect_min_s: float = Field(1.0, gt=0)
    reconnect_max_s: float = Field(30.0, gt=0)
    retry_initial_s: float = Field(0.5, gt=0)
    retry_max_s: float = Field(30.0, gt=0)
    drain_timeout_s: float = Field(5.0, ge=0)

    @field_validator(
        "username", "browse_root", "certificate", "private_key", "server_certificate", mode="before"
    )
    @classmethod
    def _empty_is_none(cls, v: Any) -> Any:
        return None if v == "" else v

    @model_validator(mode="after")
    def _check(self) -> OpcUaConfig:
        if not self.nodes and not self.browse_root:
            raise ValueError("either nodes or browse_root is required")
        if self.security != "none" and not (self.certificate and self.private_key):
            raise ValueError("security basic256sha256 needs certificate and private_key")
        return self


@dataclass
class OpcUaStats:
    """Counters since start (`buffered` and `connected` are gauges)."""

    received: int = 0  # data-change notifications
    submitted: int = 0  # samples committed by the sink
    batches: int = 0
    skipped: int = 0  # notifications without a numeric value
    dropped: int = 0  # samples lost: buffer overflow while storage was down, or left at stop
    unavailable: int = 0  # submissions refused (IngestUnavailable) or failed, then retried
    reconnects: int = 0
    buffered: int = 0
    connected: bool = False
    monitored: int = 0  # items the server accepted


def quality_of(status: ua.StatusCode | None) -> int:
    """OPC UA StatusCode severity → 0 good, 1 uncertain, 2 bad."""
    if status is None or status.is_good():
        return 0
    if status.is_uncertain():
        return 1
    return 2


def epoch_of(dv: ua.DataValue) -> float:
    """The source timestamp, else the server timestamp, else now, as UTC epoch seconds."""
    for d in (dv.SourceTimestamp, dv.ServerTimestamp):
        if isinstance(d, datetime):
            t = (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()
            if t > _EPOCH_FLOOR:
                return t
    return time.time()


def number_of(value: Any) -> float | None:
    """A finite float from a numeric or boolean OPC UA value; None otherwise (strings, arrays...)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        f = float(value)
        return f if math.isfinite(f) else None
    return None


class _Lost(Exception):
    """The server connection was lost."""


@register
class OpcUaConnector(Connector):
    """Monitors OPC UA variables through one subscription and submits batched samples."""

    kind = "opcua"

    def __init__(self, source: str, config: dict[str, Any]) -> None:
        super().__init__(source, config)
        self.settings = OpcUaConfig.model_validate(config)
        self.stats = OpcUaStats()
        self.ready = asyncio.Event()  # set while subscribed
        self._tags: dict[ua.NodeId, str] = {}
        self._last: dict[str, float] = {}
        self._buffer: list[RawSample] = []
        self._wake = asyncio.Event()
        self._down_logged = False
        self._storage_down_logged = False
        self._skip_logged: set[str] = set()
        self._overflow_logged = False
        self._ever_connected = False

    # ------------------------------------------------------------------ lifecycle

    async def run(self, sink: Sink, stop: asyncio.Event) -> None:
        """Connect, subscribe, submit batches; reconnect with backoff; return when `stop` is set."""
        flusher = asyncio.create_task(self._flush_loop(sink, stop), name=f"opcua.flush.{self.source}")
        delay = self.settings.reconnect_min_s
        try:
            while not stop.is_set():
                try:
                    await self._session(stop)
                    break
                except Exception as exc:
                    self.stats.connected = False
                    self.ready.clear()
                    if not self._down_logged:
                        log.warning(
                            "OPC UA %s: %s; reconnecting with backoff",
                            self.settings.endpoint,
                            exc if isinstance(exc, _Lost) else repr(exc),
                        )
                        self._down_logged = True
                    if isinstance(exc, _Lost):
                        delay = self.settings.reconnect_min_s
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                delay = min(delay * 2, self.settings.reconnect_max_s)
        finally:
            self.stats.connected = False
            self.ready.clear()
            self._wake.set()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                # The flusher submits what is left once more (bounded by drain_timeout_s), then returns.
                await asyncio.wait_for(asyncio.shield(flusher), self.settings.drain_timeout_s + 1)
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await flusher
            if self._buffer:
                self.stats.dropped += len(self._buffer)
                log.warning("OPC UA %s: %d samples not committed at stop", self.source, len(self._buffer))
                self._buffer.clear()
                self.stats.buffered = 0

    async def _session(self, stop: asyncio.Event) -> None:
        """One connection: returns when `stop` is set, raises when the connection fails or is lost."""
        s = self.settings
        client = Client(s.endpoint, timeout=s.timeout_s, watchdog_intervall=s.watchdog_s)
        lost = asyncio.Event()

        async def on_lost(_exc: Exception) -> None:
            lost.set()

        client.connection_lost_callback = on_lost
        if s.username:
            client.set_user(s.username)
            if s.password is not None:
                client.set_password(s.password.get_secret_value())
        if s.security == "basic256sha256":
            from asyncua.crypto.security_policies import SecurityPolicyBasic256Sha256

            assert s.certificate and s.private_key
            await client.set_security(
                SecurityPolicyBasic256Sha256,
                s.certificate,
                s.private_key,
                s.private_key_password.get_secret_value() if s.private_key_password else None,
                s.server_certificate,
                ua.MessageSecurityMode.SignAndEncrypt
                if s.security_mode == "sign_and_encrypt"
                else ua.MessageSecurityMode.Sign,
            )
        await client.connect()
        try:
            targets = await self._resolve(client)
            self._tags = {node.nodeid: tag for node, tag in targets}
            sub = await client.create_subscription(s.publishing_interval_ms, self)
            sampling = (
                s.sampling_interval_ms if s.sampling_interval_ms is not None else s.publishing_interval_ms
            )
            results = await sub.subscribe_data_change(
                [node for node, _ in targets], queuesize=s.queue_size, sampling_interval=ua.Double(sampling)
            )
            ok = 0
            for (node, tag), r in zip(targets, results, strict=True):
                if isinstance(r, ua.StatusCode):
                    log.warning("OPC UA %s: cannot monitor %s (%s): %s", self.source, node.nodeid, tag, r)
                else:
                    ok += 1
            self.stats.monitored = ok
            self.stats.connected = True
            if self._ever_connected:
                self.stats.reconnects += 1
            self._ever_connected = True
            if self._down_logged:
                log.info("OPC UA %s: connection recovered, %d items monitored", s.endpoint, ok)
                self._down_logged = False
            else:
                log.info("OPC UA %s: connected, %d items monitored", s.endpoint, ok)
            self.ready.set()
            stop_w = asyncio.create_task(stop.wait())
            lost_w = asyncio.create_task(lost.wait())
            await asyncio.wait({stop_w, lost_w}, return_when=asyncio.FIRST_COMPLETED)
            stop_w.cancel()
            lost_w.cancel()
            if not stop.is_set():
                raise _Lost("connection lost")
        finally:
            self.ready.clear()
            self.stats.connected = False
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.disconnect(), s.timeout_s)

    async def _resolve(self, client: Client) -> list[tuple[Node, str]]:
        s = self.settings
        targets = [(client.get_node(n.node_id), n.tag) for n in s.nodes]
        if s.browse_root:
            targets += await self._browse(client, client.get_node(s.browse_root))
        if not targets:
            raise ValueError(f"nothing to monitor under {s.browse_root}")
        return targets

    async def _browse(self, client: Client, root: Node) -> list[tuple[Node, str]]:
        """Variables under `root` through hierarchical references other than HasProperty."""
        s = self.settings
        out: list[tuple[Node, str]] = []
        seen: set[ua.NodeId] = {root.nodeid}
        stack: list[tuple[Node, list[str]]] = [(root, [])]
        while stack:
            node, path = stack.pop()
            refs = await node.get_references(
                refs=ObjectIds.HierarchicalReferences, direction=ua.BrowseDirection.Forward
            )
            for ref in refs:
                rt = ref.ReferenceTypeId
                if rt.NamespaceIndex == 0 and rt.Identifier == ObjectIds.HasProperty:
                    continue  # EURange, EngineeringUnits...: metadata, not process values
                if ref.NodeClass not in (ua.NodeClass.Object, ua.NodeClass.Variable) or ref.NodeId in seen:
                    continue
                seen.add(ref.NodeId)
                child = client.get_node(ref.NodeId)
                child_path = [*path, ref.BrowseName.Name]
                if ref.NodeClass == ua.NodeClass.Variable:
                    tag = s.tag_prefix + ".".join(child_path)
                    if len(tag) > MAX_TAG_LENGTH:
                        log.warning(
                            "OPC UA %s: tag %r longer than %d, skipped", self.source, tag, MAX_TAG_LENGTH
                        )
                        continue
                    out.append((child, tag))
                elif len(child_path) < s.browse_max_depth:
                    stack.append((child, child_path))
        out.sort(key=lambda x: x[1])
        return out

    # ------------------------------------------------------------------ subscription handler

    def datachange_notification(self, node: Node, val: Any, data: Any) -> None:
        """asyncua callback: one monitored item changed."""
        tag = self._tags.get(node.nodeid)
        if tag is None:
            return
        self.stats.received += 1
        dv: ua.DataValue = data.monitored_item.Value
        q = quality_of(dv.StatusCode)
        v = number_of(val)
        if v is None:
            if q == 0:
                self.stats.skipped += 1
                if tag not in self._skip_logged:
                    self._skip_logged.add(tag)
                    log.warning(
                        "OPC UA %s: %s has a non-numeric value (%s), skipped", self.source, tag, type(val)
                    )
                return
            v = self._last.get(tag, 0.0)  # a bad/uncertain item without a value: keep the last one
        else:
            self._last[tag] = v
        self._buffer.append(RawSample(tag, epoch_of(dv), v, q))
        over = len(self._buffer) - self.settings.max_buffer
        if over > 0:
            del self._buffer[:over]
            self.stats.dropped += over
            if not self._overflow_logged:
                self._overflow_logged = True
                log.error("OPC UA %s: buffer full while storage is unavailable, dropping oldest", self.source)
        self.stats.buffered = len(self._buffer)
        if len(self._buffer) >= self.settings.max_batch:
            self._wake.set()

    def status_change_notification(self, status: Any) -> None:
        """asyncua callback: the subscription's status changed (a bad status ends in a reconnect)."""
        log.info("OPC UA %s: subscription status %s", self.source, status)

    # ------------------------------------------------------------------ submission

    async def _flush_loop(self, sink: Sink, stop: asyncio.Event) -> None:
        s = self.settings
        backoff = s.retry_initial_s
        while True:
            if not stop.is_set() and len(self._buffer) < s.max_batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), s.batch_ms / 1000)
            self._wake.clear()
            stopping = stop.is_set()
            if not self._buffer:
                if stopping:
                    return
                continue
            batch = self._buffer[: s.max_batch]
            del self._buffer[: len(batch)]
            try:
                if stopping:
                    await asyncio.wait_for(sink.submit_samples(self.source, batch), s.drain_timeout_s)
                else:
                    await sink.submit_samples(self.source, batch)
            except (IngestUnavailable, Exception) as exc:
                self._buffer[:0] = batch  # keep them, oldest first
                self.stats.buffered = len(self._buffer)
                self.stats.unavailable += 1
                if stopping:
                    return
                if not self._storage_down_logged:
                    self._storage_down_logged = True
                    if isinstance(exc, IngestUnavailable):
                        log.warning("OPC UA %s: ingest unavailable (%s); buffering", self.source, exc)
                    else:
                        log.error(
                            "OPC UA %s: ingest failed; buffering and retrying", self.source, exc_info=exc
                        )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, s.retry_max_s)
                continue
            self.stats.submitted += len(batch)
            self.stats.batches += 1
            self.stats.buffered = len(self._buffer)
            backoff = s.retry_initial_s
            if self._storage_down_logged:
                self._storage_down_logged = False
                self._overflow_logged = False
                log.info("OPC UA %s: ingest available again", self.source)
