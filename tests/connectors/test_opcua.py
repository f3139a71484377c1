"""OpcUaConnector against an asyncua server started by the test on 127.0.0.1 (random port)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from asyncua import Server, ua
from asyncua.common.node import Node

from anguan.connectors.base import REGISTRY, IngestUnavailable, RawSample, SubmitResult, load_builtin
from anguan.connectors.opcua import OpcUaConfig, OpcUaConnector, quality_of

TIMEOUT = 30.0
NS_URI = "urn:anguan:test:plant"
INITIAL: dict[str, Any] = {
    "TT101": 20.5,
    "PT101": ua.Variant(3, ua.VariantType.Int32),
    "XV101": False,
    "Name": "unit one",
}

# One server for the module (starting one takes seconds): every test runs in the module's loop.
pytestmark = pytest.mark.asyncio(loop_scope="module")


class FakeSink:
    """Records sample batches; can be unavailable for a while."""

    def __init__(self) -> None:
        self.batches: list[list[RawSample]] = []
        self.available = asyncio.Event()
        self.available.set()
        self.refused = 0

    async def submit_payload(self, source: str, payload: bytes, *, redelivered: bool = False) -> SubmitResult:
        raise AssertionError("the OPC UA connector submits samples")

    async def submit_samples(self, source: str, samples: list[RawSample]) -> SubmitResult:
        assert source == "opc-1"
        if not self.available.is_set():
            self.refused += 1
            raise IngestUnavailable("database down (fake)")
        self.batches.append(list(samples))
        return SubmitResult(accepted=len(samples))

    def samples(self, tag: str | None = None) -> list[RawSample]:
        return [s for b in self.batches for s in b if tag is None or s.tag == tag]


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Plant:
    server: Server
    port: int
    idx: int
    vars: dict[str, Node]

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://127.0.0.1:{self.port}/anguan/"


async def start_plant(port: int) -> Plant:
    """A server with Plant/Unit1/{TT101, PT101, XV101 (bool), Name (string)} and a property."""
    server = Server()
    await server.init()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{port}/anguan/")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    idx = await server.register_namespace(NS_URI)
    plant = await server.nodes.objects.add_object(ua.NodeId("Plant", idx), ua.QualifiedName("Plant", idx))
    unit = await plant.add_object(ua.NodeId("Plant.Unit1", idx), ua.QualifiedName("Unit1", idx))
    v: dict[str, Node] = {
        name: await unit.add_variable(ua.NodeId(f"Plant.Unit1.{name}", idx), name, value)
        for name, value in INITIAL.items()
    }
    await v["TT101"].add_property(idx, "EURange", 100.0)  # a property: not browsed as a point
    await server.start()
    return Plant(server, port, idx, v)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_plant() -> AsyncIterator[Plant]:
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    p = await start_plant(free_port())
    yield p
    with contextlib.suppress(Exception):
        await p.server.stop()


@pytest_asyncio.fixture(loop_scope="module")
async def plant(shared_plant: Plant) -> Plant:
    """The module's server with every variable back at its initial value."""
    for name, value in INITIAL.items():
        await shared_plant.vars[name].write_value(value)
    return shared_plant


class Running:
    def __init__(self, conn: OpcUaConnector, sink: FakeSink) -> None:
        self.conn, self.sink = conn, sink
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(conn.run(sink, self.stop))

    async def ready(self) -> None:
        await wait_until(lambda: self.conn.ready.is_set() or self.task.done(), "subscription")
        if self.task.done():
            self.task.result()

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, TIMEOUT)


@pytest_asyncio.fixture(loop_scope="module")
async def running() -> AsyncIterator[Callable[..., Any]]:
    started: list[Running] = []

    async def start(conn: OpcUaConnector, sink: FakeSink) -> Running:
        r = Running(conn, sink)
        started.append(r)
        await r.ready()
        return r

    yield start
    for r in started:
        if not r.task.done():
            await r.close()


def nodes_config(p: Plant, **over: Any) -> dict[str, Any]:
    ns = p.idx
    cfg: dict[str, Any] = {
        "endpoint": p.endpoint,
        "nodes": [
            {"node_id": f"ns={ns};s=Plant.Unit1.TT101", "tag": "TT-101"},
            {"node_id": f"ns={ns};s=Plant.Unit1.PT101", "tag": "PT-101"},
            {"node_id": f"ns={ns};s=Plant.Unit1.XV101", "tag": "XV-101"},
        ],
        "publishing_interval_ms": 50,
        "batch_ms": 20,
        "reconnect_min_s": 0.2,
        "reconnect_max_s": 0.5,
        "retry_initial_s": 0.02,
        "retry_max_s": 0.1,
        "watchdog_s": 0.3,
        "timeout_s": 2,
    }
    cfg.update(over)
    return cfg


def last(sink: FakeSink, tag: str) -> RawSample | None:
    s = sink.samples(tag)
    return s[-1] if s else None


def value(sink: FakeSink, tag: str) -> float | None:
    s = last(sink, tag)
    return None if s is None else s.value


def quality(sink: FakeSink, tag: str) -> int | None:
    s = last(sink, tag)
    return None if s is None else s.quality


# --------------------------------------------------------------------------- unit


async def test_registered_config_and_quality() -> None:
    load_builtin()
    assert REGISTRY["opcua"] is OpcUaConnector
    with pytest.raises(ValueError):
        OpcUaConfig.model_validate({"endpoint": "opc.tcp://x:4840"})  # no nodes, no browse root
    with pytest.raises(ValueError):
        OpcUaConfig.model_validate(
            {"endpoint": "opc.tcp://x:4840", "browse_root": "i=85", "security": "basic256sha256"}
        )
    cfg = OpcUaConfig.model_validate(
        {"endpoint": "opc.tcp://x:4840", "browse_root": "i=85", "password": "pw"}
    )
    assert "pw" not in repr(cfg)
    assert quality_of(ua.StatusCode(ua.StatusCodes.Good)) == 0
    assert quality_of(ua.StatusCode(ua.StatusCodes.UncertainLastUsableValue)) == 1
    assert quality_of(ua.StatusCode(ua.StatusCodes.BadSensorFailure)) == 2


# --------------------------------------------------------------------------- against a server


async def test_values_tags_timestamps_and_quality(plant: Plant, running: Any) -> None:
    sink = FakeSink()
    conn = OpcUaConnector("opc-1", nodes_config(plant))
    r = await running(conn, sink)
    assert conn.stats.monitored == 3
    # Initial values arrive as the subscription starts; booleans and integers become floats.
    await wait_until(
        lambda: {s.tag for s in sink.samples()} >= {"TT-101", "PT-101", "XV-101"}, "initial values"
    )
    assert (value(sink, "TT-101"), quality(sink, "TT-101")) == (20.5, 0)
    assert (value(sink, "PT-101"), quality(sink, "PT-101")) == (3.0, 0)
    assert (value(sink, "XV-101"), quality(sink, "XV-101")) == (0.0, 0)

    # A change with a source timestamp: that timestamp is the sample's time.
    src_ts = datetime(2026, 3, 1, 8, 30, 15, 250000, tzinfo=UTC)
    await plant.vars["TT101"].write_value(
        ua.DataValue(ua.Variant(42.25, ua.VariantType.Double), SourceTimestamp=src_ts, ServerTimestamp=src_ts)
    )
    await plant.vars["XV101"].write_value(True)
    await wait_until(lambda: value(sink, "TT-101") == 42.25, "TT-101 = 42.25")
    s = last(sink, "TT-101")
    assert s is not None and s.quality == 0 and s.t == pytest.approx(src_ts.timestamp(), abs=1e-3)
    await wait_until(lambda: value(sink, "XV-101") == 1.0, "XV-101 = 1")

    # Bad and uncertain status codes map to quality 2 and 1.
    await plant.vars["TT101"].write_value(
        ua.DataValue(
            ua.Variant(43.0, ua.VariantType.Double), StatusCode=ua.StatusCode(ua.StatusCodes.BadSensorFailure)
        )
    )
    await wait_until(lambda: quality(sink, "TT-101") == 2, "bad quality")
    bad = last(sink, "TT-101")
    assert bad is not None
    # asyncua's server keeps no value with a Bad status: the sample carries the last value, and
    # the server timestamp stands in for the missing source timestamp.
    assert bad.value == 42.25 and bad.t > src_ts.timestamp()
    await plant.vars["PT101"].write_value(
        ua.DataValue(
            ua.Variant(4, ua.VariantType.Int32),
            StatusCode=ua.StatusCode(ua.StatusCodes.UncertainLastUsableValue),
        )
    )
    await wait_until(lambda: quality(sink, "PT-101") == 1, "uncertain quality")
    assert value(sink, "PT-101") == 4.0
    assert conn.stats.submitted == len(sink.samples())
    await r.close()
    assert conn.stats.buffered == 0 and conn.stats.dropped == 0


async def test_browse_root_finds_variables(plant: Plant, running: Any) -> None:
    sink = FakeSink()
    cfg = nodes_config(plant, nodes=[], browse_root=f"ns={plant.idx};s=Plant", tag_prefix="P.")
    conn = OpcUaConnector("opc-1", cfg)
    await running(conn, sink)
    assert conn.stats.monitored == 4  # TT101, PT101, XV101, Name: not the EURange property
    await wait_until(
        lambda: {s.tag for s in sink.samples()} == {"P.Unit1.TT101", "P.Unit1.PT101", "P.Unit1.XV101"},
        "browsed tags",
    )
    assert conn.stats.skipped >= 1  # the string variable has no numeric value
    await plant.vars["PT101"].write_value(ua.Variant(9, ua.VariantType.Int32))
    await wait_until(lambda: value(sink, "P.Unit1.PT101") == 9.0, "browsed variable change")


async def test_ingest_unavailable_buffers_then_delivers(plant: Plant, running: Any) -> None:
    sink = FakeSink()
    conn = OpcUaConnector("opc-1", nodes_config(plant))
    await running(conn, sink)
    await wait_until(lambda: len(sink.samples("TT-101")) >= 1, "initial value")
    sink.available.clear()
    for i in range(5):
        await plant.vars["TT101"].write_value(100.0 + i)
        await wait_until(lambda i=i: conn.stats.received >= 3 + i + 1, f"notification {i}")
    await wait_until(lambda: sink.refused >= 3, "refusals")
    assert [s.value for s in sink.samples("TT-101")] == [20.5]
    assert conn.stats.buffered >= 1
    sink.available.set()
    await wait_until(
        lambda: [s.value for s in sink.samples("TT-101")][-1:] == [104.0], "buffered samples delivered"
    )
    values = [s.value for s in sink.samples("TT-101")]
    assert values == [20.5, 100.0, 101.0, 102.0, 103.0, 104.0]  # nothing lost, order kept
    assert conn.stats.dropped == 0


async def test_reconnects_after_server_restart(plant: Plant, running: Any) -> None:
    sink = FakeSink()
    conn = OpcUaConnector("opc-1", nodes_config(plant))
    await running(conn, sink)
    await wait_until(lambda: len(sink.samples("TT-101")) >= 1, "initial value")
    await plant.server.stop()
    try:
        await wait_until(lambda: not conn.stats.connected, "connection loss noticed")
    finally:
        await plant.server.start()  # the same address space, listening again on the same port
    await wait_until(lambda: conn.ready.is_set() and conn.stats.reconnects >= 1, "reconnected")
    await plant.vars["TT101"].write_value(77.0)
    await wait_until(lambda: value(sink, "TT-101") == 77.0, "value after reconnect")
