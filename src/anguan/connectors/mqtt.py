"""MQTT connector: telemetry from a broker, acknowledged only after the database commit.

paho-mqtt 2.x, MQTT 5, QoS 1 with manual acknowledgement. The network loop runs in paho's thread;
each PUBLISH is handed to the asyncio loop (`call_soon_threadsafe`), submitted to the sink
(`submit_payload`, which returns after the commit), and only then acknowledged (PUBACK). The
session is persistent (clean start off, a session expiry interval, a stable client id), so what
was received but not acknowledged when the process died is redelivered when it comes back.

Several submissions run concurrently (`max_concurrency`; the pipeline group-commits them) and the
broker keeps up to `receive_maximum` unacknowledged messages in flight towards us. When storage is
unavailable (`IngestUnavailable`) the message is kept, not acknowledged, and resubmitted with a
backoff shared by all submissions. The client advertises `receive_maximum`, but Mosquitto 2.0.11
was measured to keep sending once acknowledgements flow (bench/ingest.py saw 600 unacknowledged
with 200 advertised): what bounds memory there is the broker's per-client queue
(`max_queued_messages` / `max_queued_bytes` in mosquitto.conf, docs/operations.md). A payload the pipeline rejects is acknowledged: the
rejection is final and redelivery would loop forever.

See docs/connectors.md for the settings, the guarantee and its limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from anguan.connectors.base import Connector, IngestUnavailable, Sink, SubmitResult, register

log = logging.getLogger("anguan.connectors.mqtt")

DEFAULT_TOPIC_PREFIX = "anguan/v1/telemetry"
_CLIENT_ID_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class MqttConfig(BaseModel):
    """Settings of one MQTT connector (one broker connection)."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(1883, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    tls: bool = False
    ca_file: str | None = None  # CA bundle; None: the system's trust store
    cert_file: str | None = None  # client certificate (mutual TLS), optional
    key_file: str | None = None
    topic_prefix: str = DEFAULT_TOPIC_PREFIX
    # MQTT 5 shared subscription group ($share/{group}/...): replicas split the messages.
    # None or "" subscribes to the plain filter (every subscriber gets every message).
    shared_group: str | None = "anguan"
    # Stable across restarts so the broker resumes the session; default anguan-{hostname}-{source}.
    client_id: str | None = None
    session_expiry_s: int = Field(3600, ge=0, le=0xFFFFFFFF)
    receive_maximum: int = Field(200, ge=1, le=65535)
    max_concurrency: int = Field(64, ge=1, le=10000)
    keepalive: int = Field(30, ge=5, le=65535)
    # Broker reconnect backoff (paho doubles the delay from min to max).
    reconnect_min_s: int = Field(1, ge=1)
    reconnect_max_s: int = Field(30, ge=1)
    # Resubmission backoff while storage is unavailable (doubles from initial to max).
    retry_initial_s: float = Field(0.5, gt=0)
    retry_max_s: float = Field(30.0, gt=0)
    # On stop: how long submissions already under way may take to commit (then they are acknowledged).
    drain_timeout_s: float = Field(5.0, ge=0)

    @field_validator(
        "username", "client_id", "shared_group", "ca_file", "cert_file", "key_file", mode="before"
    )
    @classmethod
    def _empty_is_none(cls, v: Any) -> Any:
        return None if v == "" else v

    @field_validator("password", mode="before")
    @classmethod
    def _empty_password(cls, v: Any) -> Any:
        if v == "" or (isinstance(v, SecretStr) and not v.get_secret_value()):
            return None
        return v

    @field_validator("topic_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        v = v.strip("/")
        if not v or any(c in v for c in "+#\0") or v.startswith("$"):
            raise ValueError("topic_prefix must be a plain topic without wildcards")
        return v

    @field_validator("shared_group")
    @classmethod
    def _group(cls, v: str | None) -> str | None:
        if v is not None and any(c in v for c in "/+#\0"):
            raise ValueError("shared_group must not contain '/', '+' or '#'")
        return v

    def topic_filter(self) -> str:
        """The subscription filter: `$share/{group}/{prefix}/+`, or `{prefix}/+` without a group."""
        plain = f"{self.topic_prefix}/+"
        return f"$share/{self.shared_group}/{plain}" if self.shared_group else plain


def default_client_id(source: str) -> str:
    """anguan-{hostname}-{source}, restricted to characters every broker accepts."""
    raw = f"anguan-{socket.gethostname()}-{source}"
    return _CLIENT_ID_SAFE.sub("_", raw)[:128]


@dataclass
class MqttStats:
    """Counters since start (`pending` and `connected` are gauges)."""

    received: int = 0  # PUBLISH packets handed to the asyncio side (redeliveries included)
    redelivered: int = 0  # of which carried the DUP flag
    acked: int = 0  # PUBACKs sent after a commit
    pending: int = 0  # received, not yet acknowledged nor abandoned
    abandoned: int = 0  # not acknowledged on purpose (stop, stale connection): the broker redelivers
    rejected: int = 0  # payloads the pipeline rejected at least partly (still acknowledged)
    unavailable: int = 0  # submissions refused with IngestUnavailable (then retried)
    errors: int = 0  # unexpected exceptions from the sink (then retried)
    reconnects: int = 0  # successful connections after the first
    connected: bool = False


@dataclass(slots=True)
class _Delivery:
    generation: int  # the connection it arrived on: a PUBACK is only valid on that connection
    mid: int
    qos: int
    source: str | None  # last topic level; None for an undecodable topic
    payload: bytes
    dup: bool


@register
class MqttConnector(Connector):
    """Subscribes to `{topic_prefix}/+` (shared) and submits each payload; PUBACK after commit."""

    kind = "mqtt"

    def __init__(self, source: str, config: dict[str, Any]) -> None:
        super().__init__(source, config)
        self.settings = MqttConfig.model_validate(config)
        self.client_id = self.settings.client_id or default_client_id(source)
        self.stats = MqttStats()
        self.ready = asyncio.Event()  # set once the subscription is acknowledged by the broker
        self._lock = threading.RLock()  # guards _generation/_aborted between paho's thread and the loop
        self._generation = 0
        self._aborted = False
        self._closing = False
        self._client: mqtt.Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[_Delivery] = asyncio.Queue()
        self._abort_event = asyncio.Event()
        self._storage_ok = asyncio.Event()
        self._storage_ok.set()
        self._backoff = self.settings.retry_initial_s
        self._storage_down_logged = False
        self._broker_down_logged = False
        self._ever_connected = False
        self._sub_mid: int | None = None
        self._barrier: tuple[int, asyncio.Future[None]] | None = None

    # ------------------------------------------------------------------ lifecycle

    async def run(self, sink: Sink, stop: asyncio.Event) -> None:
        """Connect, receive, submit, acknowledge after commit; return when `stop` is set."""
        self._loop = asyncio.get_running_loop()
        self._closing = False
        self._aborted = False
        self._abort_event.clear()
        self._storage_ok.set()
        self._backoff = self.settings.retry_initial_s
        client = self._make_client()
        self._client = client
        s = self.settings
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        props.SessionExpiryInterval = s.session_expiry_s
        props.ReceiveMaximum = s.receive_maximum
        client.connect_async(s.host, s.port, keepalive=s.keepalive, clean_start=False, properties=props)
        client.loop_start()  # paho's thread: connects, retries with backoff, reconnects
        sem = asyncio.Semaphore(s.max_concurrency)
        tasks: set[asyncio.Task[None]] = set()
        dispatcher = asyncio.create_task(
            self._dispatch(sink, sem, tasks), name=f"mqtt.dispatch.{self.source}"
        )
        stop_wait = asyncio.create_task(stop.wait())
        abort_wait = asyncio.create_task(self._abort_event.wait())
        try:
            await asyncio.wait({stop_wait, abort_wait, dispatcher}, return_when=asyncio.FIRST_COMPLETED)
            if dispatcher.done():
                dispatcher.result()  # a bug in the dispatcher: surface it
        finally:
            stop_wait.cancel()
            abort_wait.cancel()
            await self._shutdown(client, dispatcher, tasks)

    def abort(self) -> None:
        """Stop at once without acknowledging anything more and without a clean DISCONNECT.

        This is what a crash looks like to the broker: the session and its unacknowledged messages
        stay there for the next connection with the same client id. `run` returns shortly after.
        """
        with self._lock:
            self._aborted = True
        client = self._client
        sock = client.socket() if client is not None else None
        if isinstance(sock, socket.socket):  # ssl.SSLSocket included
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._abort_event.set()

    async def _shutdown(
        self, client: mqtt.Client, dispatcher: asyncio.Task[None], tasks: set[asyncio.Task[None]]
    ) -> None:
        self._closing = True
        self._storage_ok.set()  # wake submissions waiting out a storage backoff: they give up
        dispatcher.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await dispatcher
        if tasks and not self._aborted and self.settings.drain_timeout_s > 0:
            await asyncio.wait(set(tasks), timeout=self.settings.drain_timeout_s)
        for t in list(tasks):
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        while not self._queue.empty():  # received, never submitted: left to the broker
            self._queue.get_nowait()
            self._abandon()
        if not self._aborted:
            await self._flush_acks(client)
            client.disconnect()
        await asyncio.to_thread(client.loop_stop)
        if self._aborted:
            sock = client.socket()
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()
        self.stats.connected = False
        self.ready.clear()
        self._client = None

    async def _flush_acks(self, client: mqtt.Client, limit_s: float = 2.0) -> None:
        """Wait until the broker has processed the PUBACKs sent so far.

        A broker handles a connection's packets in order, so the UNSUBACK of a harmless UNSUBSCRIBE
        (a filter we never subscribed to) sent after them proves they arrived. Without this, a
        restart within milliseconds can take the session over before the broker has read the last
        PUBACKs of the old connection, and those messages come back as duplicates.
        """
        if not self.stats.connected or self._loop is None:
            return
        fut: asyncio.Future[None] = self._loop.create_future()
        with self._lock:  # _on_unsubscribe takes the lock: it cannot run before _barrier is set
            rc, mid = client.unsubscribe(f"{self.settings.topic_prefix}/$anguan-barrier/{uuid.uuid4().hex}")
            if rc != mqtt.MQTT_ERR_SUCCESS or mid is None:
                return
            self._barrier = (mid, fut)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(fut, limit_s)
        self._barrier = None

    # ------------------------------------------------------------------ paho side (network thread)

    def _make_client(self) -> mqtt.Client:
        s = self.settings
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        client.manual_ack_set(True)
        if s.username is not None:
            client.username_pw_set(s.username, s.password.get_secret_value() if s.password else None)
        if s.tls:
            client.tls_set(ca_certs=s.ca_file, certfile=s.cert_file, keyfile=s.key_file)
        client.reconnect_delay_set(s.reconnect_min_s, max(s.reconnect_min_s, s.reconnect_max_s))
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_unsubscribe = self._on_unsubscribe
        client.on_message = self._on_message
        return client

    def _call(self, fn: Any, *args: Any) -> None:
        """Run `fn(*args)` on the asyncio loop (from paho's thread); ignored once the loop is closed."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(fn, *args)

    def _on_connect(
        self, client: mqtt.Client, _u: Any, flags: mqtt.ConnectFlags, rc: ReasonCode, _p: Any
    ) -> None:
        s = self.settings
        if rc.is_failure:
            if not self._broker_down_logged:
                log.warning("MQTT %s:%d refused the connection of %s: %s", s.host, s.port, self.client_id, rc)
                self._broker_down_logged = True
            return
        if self._ever_connected:
            self._call(self._count_reconnect)
        self._ever_connected = True
        if self._broker_down_logged:
            log.info("MQTT %s:%d connection recovered (%s)", s.host, s.port, self.client_id)
            self._broker_down_logged = False
        else:
            log.info(
                "MQTT connected to %s:%d as %s (session present: %s), subscribing to %s",
                s.host,
                s.port,
                self.client_id,
                flags.session_present,
                s.topic_filter(),
            )
        self._call(self._set_connected, True)
        # Subscribing again on a resumed session is harmless and covers an expired one.
        _rc, self._sub_mid = client.subscribe(s.topic_filter(), options=SubscribeOptions(qos=1))

    def _on_connect_fail(self, _client: mqtt.Client, _u: Any) -> None:
        if not self._broker_down_logged:
            s = self.settings
            log.warning("MQTT %s:%d unreachable; retrying with backoff", s.host, s.port)
            self._broker_down_logged = True

    def _on_disconnect(
        self, _client: mqtt.Client, _u: Any, _flags: mqtt.DisconnectFlags, rc: ReasonCode, _p: Any
    ) -> None:
        with self._lock:
            # PUBACKs for messages of the old connection must not be sent on the next one.
            self._generation += 1
        self._call(self._set_connected, False)
        if not self._closing and not self._aborted and not self._broker_down_logged:
            s = self.settings
            log.warning("MQTT connection to %s:%d lost (%s); reconnecting with backoff", s.host, s.port, rc)
            self._broker_down_logged = True

    def _on_subscribe(self, _client: mqtt.Client, _u: Any, mid: int, rcs: list[ReasonCode], _p: Any) -> None:
        if mid != self._sub_mid:
            return
        bad = [rc for rc in rcs if rc.is_failure or rc.value < 1]
        if bad:
            log.error("MQTT subscription to %s refused or downgraded: %s", self.settings.topic_filter(), bad)
            return
        log.info("MQTT subscribed to %s (%s)", self.settings.topic_filter(), self.client_id)
        self._call(self.ready.set)

    def _on_unsubscribe(
        self, _client: mqtt.Client, _u: Any, mid: int, _rcs: list[ReasonCode], _p: Any
    ) -> None:
        with self._lock:
            barrier = self._barrier
        if barrier is not None and barrier[0] == mid:
            self._call(_settle_none, barrier[1])

    def _on_message(self, _client: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            source: str | None = msg.topic.rsplit("/", 1)[-1]
        except UnicodeDecodeError:
            source = None
        d = _Delivery(self._generation, msg.mid, msg.qos, source, bytes(msg.payload), bool(msg.dup))
        self._call(self._deliver, d)

    # ------------------------------------------------------------------ asyncio side

    def _count_reconnect(self) -> None:
        self.stats.reconnects += 1

    def _set_connected(self, up: bool) -> None:
        self.stats.connected = up
        if not up:
            self.ready.clear()

    def _deliver(self, d: _Delivery) -> None:
        if self._closing:
            return  # not acknowledged: redelivered on the next connection
        self.stats.received += 1
        self.stats.pending += 1
        if d.dup:
            self.stats.redelivered += 1
        self._queue.put_nowait(d)

    async def _dispatch(self, sink: Sink, sem: asyncio.Semaphore, tasks: set[asyncio.Task[None]]) -> None:
        while True:
            d = await self._queue.get()
            await sem.acquire()
            t = asyncio.create_task(self._handle(sink, d, sem))
            tasks.add(t)
            t.add_done_callback(tasks.discard)

    async def _handle(self, sink: Sink, d: _Delivery, sem: asyncio.Semaphore) -> None:
        done = False
        try:
            if d.source is None:
                log.warning("MQTT message on a topic that is not UTF-8: acknowledged and dropped")
                self.stats.rejected += 1
                done = True
                return
            result = await self._submit(sink, d.source, d.payload, d.dup)
            if result is None:
                return  # stopping before a commit: left to the broker
            if result.rejected:
                self.stats.rejected += 1
            done = True
        finally:
            sem.release()
            if done:
                self._ack(d)
            else:
                self._abandon()

    async def _submit(
        self, sink: Sink, source: str, payload: bytes, dup: bool = False
    ) -> SubmitResult | None:
        """Submit until committed; None when stopping first. Never gives up on a message otherwise."""
        while True:
            if not self._storage_ok.is_set():
                await self._storage_ok.wait()
            if self._closing:
                return None
            try:
                result = await sink.submit_payload(source, payload, redelivered=dup)
            except IngestUnavailable as exc:
                self.stats.unavailable += 1
                self._storage_failed(exc, unexpected=False)
                continue
            except Exception as exc:
                # A payload the pipeline cannot handle must come back as a rejection; an exception
                # is taken as transient, so the message is kept and retried, never lost.
                self.stats.errors += 1
                self._storage_failed(exc, unexpected=True)
                continue
            self._storage_recovered()
            return result

    def _storage_failed(self, exc: BaseException, *, unexpected: bool) -> None:
        if not self._storage_ok.is_set() or self._closing:
            return  # another submission already started this backoff
        self._storage_ok.clear()
        if not self._storage_down_logged:
            self._storage_down_logged = True
            if unexpected:
                log.error(
                    "ingest failed for %s; retrying without acknowledging", self.client_id, exc_info=exc
                )
            else:
                log.warning("ingest unavailable (%s); messages kept unacknowledged and retried", exc)
        assert self._loop is not None
        self._loop.call_later(self._backoff, self._storage_ok.set)
        self._backoff = min(self._backoff * 2, self.settings.retry_max_s)

    def _storage_recovered(self) -> None:
        if self._storage_down_logged:
            self._storage_down_logged = False
            log.info("ingest available again; resuming acknowledgements")
        self._backoff = self.settings.retry_initial_s

    def _ack(self, d: _Delivery) -> None:
        """PUBACK after commit, on the connection the message came in on (else the broker redelivers)."""
        self.stats.pending -= 1
        if d.qos == 0:
            self.stats.acked += 1
            return
        with self._lock:
            client = self._client
            if self._aborted or client is None or d.generation != self._generation:
                self.stats.abandoned += 1
                return
            client.ack(d.mid, d.qos)
        self.stats.acked += 1

    def _abandon(self) -> None:
        self.stats.pending -= 1
        self.stats.abandoned += 1


# ---------------------------------------------------------------------- publishing


class MqttPublisher:
    """A publishing connection that waits for the broker's PUBACK (QoS 1) before returning.

    `async with MqttPublisher(host, port) as p: await p.publish(topic, payload)`.
    """

    def __init__(
        self,
        host: str,
        port: int = 1883,
        *,
        username: str | None = None,
        password: str | SecretStr | None = None,
        tls: bool = False,
        ca_file: str | None = None,
        client_id: str = "",
        keepalive: int = 30,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.keepalive = keepalive
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id or f"anguan-pub-{uuid.uuid4().hex[:12]}",
            protocol=mqtt.MQTTv5,
        )
        if username:
            secret = password.get_secret_value() if isinstance(password, SecretStr) else password
            self._client.username_pw_set(username, secret or None)
        if tls:
            self._client.tls_set(ca_certs=ca_file)
        self._client.on_connect = self._on_connect
        self._client.on_publish = self._on_publish
        self._lock = threading.Lock()
        self._waiting: dict[int, asyncio.Future[ReasonCode]] = {}
        self._early: dict[int, ReasonCode] = {}
        self._connected: asyncio.Future[ReasonCode] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def connect(self) -> None:
        """Connect (clean session); raises ConnectionError when refused or unreachable."""
        self._loop = asyncio.get_running_loop()
        self._connected = self._loop.create_future()
        try:
            await asyncio.to_thread(self._client.connect, self.host, self.port, self.keepalive)
        except OSError as exc:
            raise ConnectionError(f"MQTT broker {self.host}:{self.port} unreachable: {exc}") from exc
        self._client.loop_start()
        try:
            rc = await asyncio.wait_for(self._connected, self.timeout)
        except TimeoutError as exc:
            await self.close()
            raise ConnectionError(f"MQTT broker {self.host}:{self.port}: no CONNACK") from exc
        if rc.is_failure:
            await self.close()
            raise ConnectionError(f"MQTT broker {self.host}:{self.port} refused the connection: {rc}")

    async def publish(
        self, topic: str, payload: bytes | str | dict[str, Any] | list[Any], qos: int = 1
    ) -> None:
        """Publish; for QoS ≥ 1 return once the broker acknowledged (raise on refusal or timeout)."""
        assert self._loop is not None, "connect() first"
        if isinstance(payload, bytes | bytearray):
            data = bytes(payload)
        elif isinstance(payload, str):
            data = payload.encode()
        else:
            data = orjson.dumps(payload)
        fut: asyncio.Future[ReasonCode] = self._loop.create_future()
        info = self._client.publish(topic, data, qos=qos)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise ConnectionError(f"MQTT publish failed: {mqtt.error_string(info.rc)}")
        with self._lock:
            early = self._early.pop(info.mid, None)
            if early is None:
                self._waiting[info.mid] = fut
        if early is not None:
            fut.set_result(early)
        try:
            rc = await asyncio.wait_for(fut, self.timeout)
        except TimeoutError as exc:
            with self._lock:
                self._waiting.pop(info.mid, None)
            raise TimeoutError(f"MQTT broker {self.host}:{self.port}: no PUBACK for {topic}") from exc
        if rc.is_failure:
            raise ConnectionError(f"MQTT broker refused the message on {topic}: {rc}")

    async def close(self) -> None:
        self._client.disconnect()
        await asyncio.to_thread(self._client.loop_stop)

    async def __aenter__(self) -> MqttPublisher:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _on_connect(self, _c: mqtt.Client, _u: Any, _f: Any, rc: ReasonCode, _p: Any) -> None:
        fut, loop = self._connected, self._loop
        if fut is not None and loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, fut, rc)

    def _on_publish(self, _c: mqtt.Client, _u: Any, mid: int, rc: ReasonCode, _p: Any) -> None:
        with self._lock:
            fut = self._waiting.pop(mid, None)
            if fut is None:
                self._early[mid] = rc
                return
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(_settle, fut, rc)


def _settle_none(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


def _settle(fut: asyncio.Future[ReasonCode], rc: ReasonCode) -> None:
    if not fut.done():
        fut.set_result(rc)


async def publish_json(
    host: str,
    port: int,
    topic: str,
    payload: bytes | str | dict[str, Any] | list[Any],
    qos: int = 1,
    **options: Any,
) -> None:
    """Publish one payload on a short-lived connection and wait for the PUBACK (QoS 1).

    `options` are MqttPublisher's (username, password, tls, ca_file, timeout). Raises
    ConnectionError or TimeoutError when the broker did not take the message.
    """
    async with MqttPublisher(host, port, **options) as pub:
        await pub.publish(topic, payload, qos)
