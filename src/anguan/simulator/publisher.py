"""Telemetry payloads (docs/mqtt.md) and the simulator's runners: in-process and over MQTT.

`run_realtime` hands payloads to a coroutine (the ingest pipeline's `submit_payload` bound to the
source, in `anguan serve --demo`); `run_mqtt` publishes them to a broker with paho-mqtt (MQTT v5,
QoS 1), which is also what an ingest benchmark drives at a target rate.

Simulated time runs at `speed` simulated seconds per wall second from the simulator's cursor, but
never past the wall clock: samples are never stamped in the future (the ingest refuses more than
5 minutes ahead). A simulator started in the past with speed > 1 therefore replays history as fast
as asked, then carries on in real time.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from anguan.monitoring.types import QUALITY_NAMES
from anguan.simulator.plant_sim import PlantSimulator, Sample

log = logging.getLogger(__name__)

TOPIC_PREFIX = "anguan/v1/telemetry/"
SHARED_SUBSCRIPTION = "$share/anguan/anguan/v1/telemetry/+"
DEFAULT_SOURCE = "sim"
MAX_PAYLOAD_BYTES = 256 * 1024
MAX_SAMPLES = 5000

Submit = Callable[[bytes], Awaitable[Any]]
Clock = Callable[[], float]


def topic_for(source: str = DEFAULT_SOURCE) -> str:
    """The telemetry topic of a source: anguan/v1/telemetry/{source_code}."""
    if not source or any(c in source for c in "/+#"):
        raise ValueError(f"invalid source code {source!r}")
    return TOPIC_PREFIX + source


@dataclass
class PublishStats:
    """What a runner handed over."""

    messages: int = 0
    samples: int = 0
    last_t: float | None = None  # simulated time reached


def _encode(items: list[dict[str, Any]], source: str) -> list[bytes]:
    """One message per chunk; halve a chunk that would exceed the byte limit."""
    ts = max(item["ts"] for item in items)
    data = orjson.dumps({"source": source, "ts": ts, "samples": items})
    if len(data) <= MAX_PAYLOAD_BYTES:
        return [data]
    if len(items) == 1:
        raise ValueError(f"one sample encodes to {len(data)} bytes (> {MAX_PAYLOAD_BYTES})")
    half = len(items) // 2
    return _encode(items[:half], source) + _encode(items[half:], source)


def build_payloads(
    samples: Iterable[Sample], source: str = DEFAULT_SOURCE, max_samples: int = 500
) -> list[bytes]:
    """Encode (tag, t, value, quality) samples as telemetry messages of at most max_samples each."""
    if not 1 <= max_samples <= MAX_SAMPLES:
        raise ValueError(f"max_samples must be within 1..{MAX_SAMPLES}")
    out: list[bytes] = []
    chunk: list[dict[str, Any]] = []
    for tag, t, v, q in samples:
        if not (math.isfinite(v) and math.isfinite(t)):
            raise ValueError(f"{tag}: non-finite sample ({t!r}, {v!r}) cannot be sent")
        item: dict[str, Any] = {"tag": tag, "v": v, "ts": t}
        if q:
            item["q"] = QUALITY_NAMES[q]
        chunk.append(item)
        if len(chunk) >= max_samples:
            out += _encode(chunk, source)
            chunk = []
    if chunk:
        out += _encode(chunk, source)
    return out


async def _pace(
    sim: PlantSimulator,
    emit: Submit,
    *,
    speed: float,
    stop: asyncio.Event,
    tick_s: float,
    source: str,
    max_samples: int,
    clock: Clock,
) -> PublishStats:
    """Every tick, advance the simulator to its target time and emit the payloads due."""
    if speed <= 0 or tick_s <= 0:
        raise ValueError("speed and tick_s must be positive")
    loop = asyncio.get_running_loop()
    stats = PublishStats()
    wall0, sim0 = clock(), sim.cursor
    next_tick = loop.time()
    while not stop.is_set():
        wall = clock()
        target = min(wall, sim0 + speed * (wall - wall0))
        samples = sim.step(target)
        if samples:
            for payload in build_payloads(samples, source, max_samples):
                await emit(payload)
                stats.messages += 1
            stats.samples += len(samples)
        stats.last_t = sim.cursor
        next_tick += tick_s
        delay = next_tick - loop.time()
        if delay < 0:  # fell behind (a slow consumer): skip the missed ticks, do not burst
            next_tick = loop.time()
            delay = 0.0
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
        except TimeoutError:
            pass
    return stats


async def run_realtime(
    sim: PlantSimulator,
    submit: Submit,
    *,
    speed: float = 1.0,
    stop: asyncio.Event,
    tick_s: float = 1.0,
    source: str = DEFAULT_SOURCE,
    max_samples: int = 500,
    clock: Clock = time.time,
) -> PublishStats:
    """In-process mode: every tick, `await submit(payload)` for the samples due, until `stop` is set."""
    return await _pace(
        sim,
        submit,
        speed=speed,
        stop=stop,
        tick_s=tick_s,
        source=source,
        max_samples=max_samples,
        clock=clock,
    )


async def run_mqtt(
    sim: PlantSimulator,
    host: str,
    port: int,
    *,
    topic: str | None = None,
    qos: int = 1,
    speed: float = 1.0,
    stop: asyncio.Event,
    rate_points_per_s: float | None = None,
    tick_s: float = 1.0,
    source: str = DEFAULT_SOURCE,
    max_samples: int = 500,
    username: str | None = None,
    password: str | None = None,
    client_id: str | None = None,
    max_pending: int = 1000,
    connect_timeout_s: float = 10.0,
    clock: Clock = time.time,
) -> PublishStats:
    """Publish the simulator's samples to an MQTT v5 broker until `stop` is set.

    rate_points_per_s: replay simulated time as fast as needed for that many samples per wall
    second (overrides speed; start the simulator far enough in the past, see the module docstring).
    Returns once every QoS 1 message has been acknowledged (or after 10 s).
    """
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    if rate_points_per_s is not None:
        if rate_points_per_s <= 0:
            raise ValueError("rate_points_per_s must be positive")
        speed = rate_points_per_s / sim.nominal_rate
    topic = topic or topic_for(source)
    loop = asyncio.get_running_loop()
    connected = asyncio.Event()
    room = asyncio.Event()  # set while fewer than max_pending messages await their PUBACK
    room.set()
    all_acked = asyncio.Event()
    all_acked.set()
    pending = 0
    state = {"down_logged": False}

    def acked() -> None:
        nonlocal pending
        pending -= 1
        if pending < max_pending:
            room.set()
        if pending <= 0:
            all_acked.set()

    def on_connect(client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            log.warning("MQTT %s:%s refused the connection: %s", host, port, reason_code)
            return
        if state["down_logged"]:
            log.info("MQTT %s:%s connection restored", host, port)
            state["down_logged"] = False
        loop.call_soon_threadsafe(connected.set)

    def on_disconnect(client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        loop.call_soon_threadsafe(connected.clear)
        if not state["down_logged"] and not stop.is_set():
            log.warning("MQTT %s:%s connection lost (%s); reconnecting", host, port, reason_code)
            state["down_logged"] = True

    def on_publish(client: Any, userdata: Any, mid: int, reason_code: Any, properties: Any) -> None:
        loop.call_soon_threadsafe(acked)

    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id or f"anguan-sim-{uuid.uuid4().hex[:12]}",
        protocol=MQTTProtocolVersion.MQTTv5,
    )
    if username is not None:
        client.username_pw_set(username, password)
    client.max_inflight_messages_set(100)
    client.reconnect_delay_set(1, 30)
    client.on_connect = on_connect
    client.on_disconnect = on_disconnect
    client.on_publish = on_publish
    props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    props.ContentType = "application/json"

    async def publish(payload: bytes) -> None:
        nonlocal pending
        # Back-pressure: wait while the broker acknowledges slower than we produce.
        await room.wait()
        pending += 1
        if pending >= max_pending:
            room.clear()
        all_acked.clear()
        client.publish(topic, payload, qos=qos, properties=props)

    client.connect_async(host, port, keepalive=30)
    client.loop_start()
    try:
        try:
            await asyncio.wait_for(connected.wait(), timeout=connect_timeout_s)
        except TimeoutError as exc:
            raise ConnectionError(f"MQTT broker {host}:{port} not reachable") from exc
        stats = await _pace(
            sim,
            publish,
            speed=speed,
            stop=stop,
            tick_s=tick_s,
            source=source,
            max_samples=max_samples,
            clock=clock,
        )
        if qos > 0:
            try:
                await asyncio.wait_for(all_acked.wait(), timeout=10.0)
            except TimeoutError:
                log.warning("MQTT %s:%s: %d messages still unacknowledged at stop", host, port, pending)
        return stats
    finally:
        client.disconnect()
        client.loop_stop()
