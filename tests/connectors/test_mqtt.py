"""MqttConnector against the machine's Mosquitto (127.0.0.1:1883): QoS 1, PUBACK only after commit.

Every test uses its own topic prefix, shared-subscription group and client ids, and discards the
persistent sessions it created, so runs do not see each other's messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import shutil
import socket
import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from anguan.connectors.base import REGISTRY, IngestUnavailable, RawSample, SubmitResult, load_builtin
from anguan.connectors.mqtt import MqttConfig, MqttConnector, publish_json
from tests.conftest import CI, SKIPPED, require_service

HOST, PORT = "127.0.0.1", 1883
TIMEOUT = 30.0  # generous: these are waits for events, never assertions on elapsed time


@pytest.fixture
def broker() -> None:
    require_service("mosquitto", HOST, PORT)


class FakeSink:
    """Records submissions; can block chosen messages forever, be unavailable, or reject payloads."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bytes]] = []
        self.committed: list[tuple[str, int]] = []  # (source, seq) in commit order
        self.block: Callable[[int], bool] = lambda seq: False
        self.available = asyncio.Event()
        self.available.set()
        self.refused = 0
        self.rejected: list[bytes] = []
        self.delay = 0.0

    async def submit_payload(self, source: str, payload: bytes, *, redelivered: bool = False) -> SubmitResult:
        self.calls.append((source, payload))
        if not self.available.is_set():
            self.refused += 1
            raise IngestUnavailable("database down (fake)")
        try:
            doc = orjson.loads(payload)
            seq = int(doc["seq"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            self.rejected.append(payload)
            return SubmitResult(rejected={"malformed": 1})
        if self.block(seq):
            await asyncio.Event().wait()  # never returns: the commit never happens
        if self.delay:
            await asyncio.sleep(self.delay)
        self.committed.append((source, seq))
        return SubmitResult(accepted=len(doc.get("samples", [])))

    async def submit_samples(self, source: str, samples: list[RawSample]) -> SubmitResult:
        raise AssertionError("the MQTT connector submits payloads")

    def seqs(self) -> list[int]:
        return [seq for _, seq in self.committed]


async def wait_until(cond: Callable[[], bool], what: str, limit_s: float = TIMEOUT) -> None:
    """Poll `cond` until it holds; fail after `limit_s` (a generous bound, not a measurement)."""
    try:
        async with asyncio.timeout(limit_s):
            while True:
                if cond():
                    return
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


def payload(seq: int, source: str = "s1", points: int = 3) -> bytes:
    samples = [{"tag": f"T{i}", "v": seq + i / 10} for i in range(points)]
    return orjson.dumps({"source": source, "ts": 1_700_000_000 + seq, "seq": seq, "samples": samples})


def publish_blocking(items: list[tuple[str, bytes]], port: int = PORT) -> None:
    """A separate paho client publishing at QoS 1 and waiting for every PUBACK."""
    c = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"t-pub-{uuid.uuid4().hex[:8]}", protocol=mqtt.MQTTv5
    )
    c.connect(HOST, port)
    c.loop_start()
    try:
        infos = [c.publish(topic, data, qos=1) for topic, data in items]
        for info in infos:
            info.wait_for_publish(TIMEOUT)
            assert info.is_published()
    finally:
        c.disconnect()
        c.loop_stop()


async def publish(items: list[tuple[str, bytes]], port: int = PORT) -> None:
    await asyncio.to_thread(publish_blocking, items, port)


def discard_session(client_id: str, port: int = PORT) -> None:
    """Connect with clean start and session expiry 0: the broker forgets the session."""
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 0
    with contextlib.suppress(OSError):
        c.connect(HOST, port, clean_start=True, properties=props)
        c.loop_start()
        c.disconnect()
        c.loop_stop()


class Env:
    """Names unique to one test, the connectors it started, and their cleanup."""

    def __init__(self, port: int = PORT) -> None:
        self.port = port
        tag = uuid.uuid4().hex[:10]
        self.prefix = f"anguan-test/{tag}/telemetry"
        self.group = f"g{tag}"
        self.tag = tag
        self.client_ids: set[str] = set()
        self.running: list[tuple[MqttConnector, asyncio.Event, asyncio.Task[None]]] = []

    def connector(self, name: str = "a", **over: Any) -> MqttConnector:
        cfg: dict[str, Any] = {
            "host": HOST,
            "port": self.port,
            "topic_prefix": self.prefix,
            "shared_group": self.group,
            "client_id": f"anguan-test-{self.tag}-{name}",
            "session_expiry_s": 300,
            "retry_initial_s": 0.02,
            "retry_max_s": 0.2,
        }
        cfg.update(over)
        conn = MqttConnector("mqtt-test", cfg)
        self.client_ids.add(conn.client_id)
        return conn

    async def start(self, conn: MqttConnector, sink: FakeSink) -> asyncio.Task[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(conn.run(sink, stop))
        self.running.append((conn, stop, task))
        ready = asyncio.create_task(conn.ready.wait())
        done, _ = await asyncio.wait({ready, task}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if task in done:
            task.result()
        assert conn.ready.is_set(), "connector did not subscribe"
        return task

    async def stop(self, conn: MqttConnector) -> None:
        for c, stop, task in self.running:
            if c is conn:
                stop.set()
                await asyncio.wait_for(task, TIMEOUT)

    def topic(self, source: str) -> str:
        return f"{self.prefix}/{source}"

    async def close(self) -> None:
        for _c, stop, task in self.running:
            stop.set()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, TIMEOUT)
        for cid in self.client_ids:
            await asyncio.to_thread(discard_session, cid, self.port)


@pytest.fixture
async def env(broker: None) -> AsyncIterator[Env]:
    e = Env()
    yield e
    await e.close()


async def barrier(conn: MqttConnector) -> None:
    """Wait until the broker processed every PUBACK this connector has queued so far.

    A QoS 1 PUBLISH on the same connection is sent after them and the broker handles a
    connection's packets in order, so its PUBACK proves theirs arrived.
    """
    client = conn._client
    assert client is not None
    info = client.publish(f"anguan-test/barrier/{uuid.uuid4().hex}", b"", qos=1)
    await asyncio.to_thread(info.wait_for_publish, TIMEOUT)
    assert info.is_published()


# --------------------------------------------------------------------------- configuration


def test_registered_and_config() -> None:
    load_builtin()
    assert REGISTRY["mqtt"] is MqttConnector
    cfg = MqttConfig.model_validate({"password": "s3cret", "shared_group": "", "client_id": ""})
    assert cfg.topic_filter() == "anguan/v1/telemetry/+"
    assert "s3cret" not in repr(cfg) and "s3cret" not in str(cfg.model_dump())
    assert MqttConfig().topic_filter() == "$share/anguan/anguan/v1/telemetry/+"
    assert (MqttConfig().session_expiry_s, MqttConfig().receive_maximum, MqttConfig().max_concurrency) == (
        3600,
        200,
        64,
    )
    conn = MqttConnector("line-1", {})
    assert conn.client_id.startswith("anguan-") and conn.client_id.endswith("-line-1")
    with pytest.raises(ValueError):
        MqttConfig.model_validate({"topic_prefix": "a/#"})
    with pytest.raises(ValueError):
        MqttConfig.model_validate({"nope": 1})


# --------------------------------------------------------------------------- delivery


async def test_all_messages_submitted_once_then_acked(env: Env) -> None:
    sink = FakeSink()
    conn = env.connector(max_concurrency=8)
    await env.start(conn, sink)
    n = 300
    await publish([(env.topic(f"src{i % 3}"), payload(i, f"src{i % 3}")) for i in range(n)])
    await wait_until(lambda: conn.stats.acked == n, f"{n} acks")
    assert sorted(sink.seqs()) == list(range(n))
    # The source is the last topic level.
    assert {(src, seq) for src, seq in sink.committed} == {(f"src{i % 3}", i) for i in range(n)}
    assert conn.stats.received == n and conn.stats.pending == 0 and conn.stats.rejected == 0
    # Nothing comes back after a restart with the same client id: every PUBACK reached the broker.
    await env.stop(conn)
    again = FakeSink()
    conn2 = env.connector()
    await env.start(conn2, again)
    await publish([(env.topic("src0"), payload(10_000))])
    await wait_until(lambda: 10_000 in again.seqs(), "the sentinel")
    assert again.seqs() == [10_000]
    assert conn2.stats.redelivered == 0


async def test_unacknowledged_messages_are_redelivered_after_a_crash(env: Env) -> None:
    sink = FakeSink()
    sink.block = lambda seq: seq % 2 == 1  # odd messages never commit
    conn = env.connector("crash")
    task = await env.start(conn, sink)
    n = 20
    await publish([(env.topic("s1"), payload(i)) for i in range(n)])
    await wait_until(lambda: conn.stats.received == n and conn.stats.acked == n // 2, "even messages acked")
    assert conn.stats.pending == n // 2
    await barrier(conn)  # the even PUBACKs reached the broker
    conn.abort()  # crash: no more PUBACKs, no DISCONNECT
    await asyncio.wait_for(task, TIMEOUT)
    assert conn.stats.acked == n // 2

    after = FakeSink()
    conn2 = env.connector("crash")  # same client id: the broker resumes the session
    await env.start(conn2, after)
    odd = [i for i in range(n) if i % 2 == 1]
    await wait_until(lambda: sorted(after.seqs()) == odd, "odd messages redelivered")
    await publish([(env.topic("s1"), payload(999))])
    await wait_until(lambda: 999 in after.seqs(), "the sentinel")
    assert sorted(after.seqs()) == [*odd, 999]  # acknowledged messages are not redelivered
    assert conn2.stats.redelivered == len(odd)
    await wait_until(lambda: conn2.stats.acked == len(odd) + 1, "redelivered messages acked")


async def test_graceful_stop_leaves_uncommitted_messages_to_the_broker(env: Env) -> None:
    sink = FakeSink()
    sink.block = lambda seq: seq >= 5
    conn = env.connector("stop", drain_timeout_s=0.05)
    await env.start(conn, sink)
    await publish([(env.topic("s1"), payload(i)) for i in range(10)])
    await wait_until(lambda: conn.stats.received == 10 and conn.stats.acked == 5, "5 acks")
    await env.stop(conn)
    assert conn.stats.abandoned == 5 and conn.stats.pending == 0
    after = FakeSink()
    conn2 = env.connector("stop")
    await env.start(conn2, after)
    await wait_until(lambda: sorted(after.seqs()) == [5, 6, 7, 8, 9], "redelivery after a clean stop")


async def test_shared_subscription_splits_messages(env: Env) -> None:
    a_sink, b_sink = FakeSink(), FakeSink()
    a_sink.delay = b_sink.delay = 0.001
    a, b = env.connector("a"), env.connector("b")
    assert a.settings.topic_filter().startswith(f"$share/{env.group}/")
    await env.start(a, a_sink)
    await env.start(b, b_sink)
    n = 200
    await publish([(env.topic(f"s{i % 5}"), payload(i, f"s{i % 5}")) for i in range(n)])
    await wait_until(lambda: a.stats.acked + b.stats.acked == n, f"{n} acks across both")
    counts = Counter(a_sink.seqs() + b_sink.seqs())
    assert sorted(counts) == list(range(n))
    assert max(counts.values()) == 1  # no message processed by both
    assert a_sink.committed and b_sink.committed  # both took a share
    assert a.stats.pending == b.stats.pending == 0


async def test_ingest_unavailable_nothing_acked_then_everything_delivered(env: Env) -> None:
    sink = FakeSink()
    sink.available.clear()
    conn = env.connector("unavail")
    await env.start(conn, sink)
    n = 30
    await publish([(env.topic("s1"), payload(i)) for i in range(n)])
    await wait_until(lambda: conn.stats.received == n and sink.refused >= 5, "repeated refusals")
    assert conn.stats.acked == 0 and sink.committed == []
    assert conn.stats.pending == n and conn.stats.unavailable == sink.refused
    sink.available.set()
    await wait_until(lambda: conn.stats.acked == n, "all acked once available")
    assert sorted(sink.seqs()) == list(range(n))
    assert conn.stats.pending == 0


async def test_rejected_payload_is_acknowledged(env: Env) -> None:
    sink = FakeSink()
    conn = env.connector("reject")
    await env.start(conn, sink)
    await publish([(env.topic("s1"), b"not json {"), (env.topic("s1"), payload(1))])
    await wait_until(lambda: conn.stats.acked == 2, "both acked")
    assert sink.rejected == [b"not json {"] and sink.seqs() == [1]
    assert conn.stats.rejected == 1
    await env.stop(conn)
    # The rejected payload is not redelivered: its PUBACK was sent.
    after = FakeSink()
    conn2 = env.connector("reject")
    await env.start(conn2, after)
    await publish([(env.topic("s1"), payload(2))])
    await wait_until(lambda: after.seqs() == [2], "the sentinel")
    assert after.rejected == []


async def test_receive_maximum_bounds_messages_in_flight(env: Env) -> None:
    sink = FakeSink()
    sink.block = lambda seq: True  # nothing commits
    conn = env.connector("rmax", receive_maximum=10, max_concurrency=4, drain_timeout_s=0.05)
    await env.start(conn, sink)
    await publish([(env.topic("s1"), payload(i)) for i in range(30)])
    await wait_until(lambda: conn.stats.received == 10, "10 in flight")
    # A round trip on the same connection: had the broker sent more, they would have arrived first.
    await barrier(conn)
    assert conn.stats.received == 10
    assert len(sink.calls) == 4  # max_concurrency submissions at once, the rest wait


# --------------------------------------------------------------------------- publishing helper


async def test_publish_json_waits_for_puback(env: Env) -> None:
    sink = FakeSink()
    conn = env.connector("pub")
    await env.start(conn, sink)
    await publish_json(HOST, PORT, env.topic("http"), {"seq": 7, "samples": []})
    await publish_json(HOST, PORT, env.topic("http"), payload(8))
    await wait_until(lambda: sorted(sink.seqs()) == [7, 8], "forwarded payloads")
    assert ("http", 7) in sink.committed


async def test_publish_json_unreachable_broker_raises() -> None:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionError):
        await publish_json(HOST, port, "anguan-test/x", {"samples": []}, timeout=5)


# --------------------------------------------------------------------------- broker restart


class PrivateBroker:
    """A Mosquitto of the test's own (persistence in a temporary directory), stopped and started at will."""

    def __init__(self, exe: str, directory: Path) -> None:
        self.exe = exe
        with socket.socket() as s:
            s.bind((HOST, 0))
            self.port: int = s.getsockname()[1]
        self.conf = directory / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} {HOST}\nallow_anonymous true\npersistence true\n"
            f"persistence_location {directory}/\nlog_dest stderr\n"
            # Run as whoever runs the tests (started as root, Mosquitto would switch to a user
            # that cannot write its persistence file in the temporary directory).
            f"user {getpass.getuser()}\n"
        )
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        p = subprocess.Popen(
            [self.exe, "-c", str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.procs.append(p)
        return p

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                p.wait(10)


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[PrivateBroker]:
    exe = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
    )
    if exe is None:
        if CI:
            pytest.fail("mosquitto binary not found: required under CI=true")
        SKIPPED["mosquitto binary"] = "mosquitto binary not found"
        pytest.skip("mosquitto binary not found")
    broker = PrivateBroker(exe, tmp_path)
    yield broker
    broker.close()


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
        return True
    return False


async def test_reconnects_after_broker_restart_and_keeps_unacked(own_broker: PrivateBroker) -> None:
    port = own_broker.port
    proc = own_broker.start()
    await wait_until(lambda: _listening(port), "private broker up")
    env = Env(port)
    sink = FakeSink()
    release = threading.Event()
    sink.block = lambda seq: seq == 2 and not release.is_set()
    conn = env.connector("restart", reconnect_min_s=1, reconnect_max_s=2, drain_timeout_s=0.05)
    try:
        await env.start(conn, sink)
        await publish([(env.topic("s1"), payload(i)) for i in range(3)], port)
        await wait_until(lambda: conn.stats.acked == 2 and conn.stats.pending == 1, "2 acks, 1 pending")
        await barrier(conn)
        proc.terminate()  # the broker saves its sessions on a clean shutdown
        await asyncio.to_thread(proc.wait, 10)
        await wait_until(lambda: not conn.stats.connected, "connection loss noticed")
        release.set()  # message 2's first submission stays stuck; its redelivery will commit
        own_broker.start()
        await wait_until(lambda: conn.stats.reconnects >= 1 and conn.ready.is_set(), "reconnected")
        await wait_until(lambda: 2 in sink.seqs(), "message 2 redelivered after the broker restart")
        await publish([(env.topic("s1"), payload(3))], port)
        await wait_until(lambda: 3 in sink.seqs(), "new messages after reconnect")
        assert sorted(sink.seqs()) == [0, 1, 2, 3]
        assert conn.stats.redelivered == 1
    finally:
        await env.close()
