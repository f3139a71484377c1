"""The demo plant simulator: point catalogue, determinism, scripted incidents, payloads, MQTT round trip."""

from __future__ import annotations

import asyncio
import itertools
import math
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime

import orjson
import pytest

from anguan.monitoring import rules
from anguan.monitoring.models import Point
from anguan.monitoring.reference import GBT50493_2019 as GAS
from anguan.monitoring.reference import ISA182_EEMUA191_V1 as KPI
from anguan.monitoring.types import PRIORITIES
from anguan.plant.rules import point_in_polygon
from anguan.simulator import plant_layout as L
from anguan.simulator.plant_sim import DEFAULT_INCIDENTS, Incident, PlantSimulator, Sample
from anguan.simulator.points import DEMO_POINTS, POINTS_BY_TAG, DemoPoint
from anguan.simulator.publisher import (
    MAX_PAYLOAD_BYTES,
    build_payloads,
    run_mqtt,
    run_realtime,
    topic_for,
)
from tests.conftest import require_service

T0 = 1_780_000_000.0  # 2026-05-28 04:26:40 +08:00
CYCLE = 1800.0
AREAS = {a.code: a for a in L.AREAS}
EQUIPMENT = {e.tag for e in L.EQUIPMENT}
GB = "GB/T50493-2019"


@pytest.fixture(scope="module")
def sim() -> PlantSimulator:
    return PlantSimulator(seed=1, start=T0)


@pytest.fixture(scope="module")
def first_cycle(sim: PlantSimulator) -> dict[str, list[Sample]]:
    """The samples of every point over the first cycle plus 5 minutes either side, by tag."""
    out: dict[str, list[Sample]] = defaultdict(list)
    for s in sim.samples_between(T0 - 300, T0 + CYCLE + 300):
        out[s[0]].append(s)
    return out


# -- the point catalogue ------------------------------------------------------------------------------


def test_catalogue_is_a_plausible_plant() -> None:
    tags = [p.tag for p in DEMO_POINTS]
    assert len(tags) == len(set(tags))
    assert 60 <= len(DEMO_POINTS) <= 90
    kinds = {p.kind for p in DEMO_POINTS}
    assert {
        "level",
        "temperature",
        "pressure",
        "flow",
        "gas_combustible",
        "gas_toxic",
        "oxygen",
        "switch",
    } <= kinds
    for tank in ("T-101", "T-102", "T-103", "T-104", "T-105", "T-106"):
        assert f"LT-{tank[2:]}" in POINTS_BY_TAG


@pytest.mark.parametrize("p", DEMO_POINTS, ids=lambda p: p.tag)
def test_point_is_consistent(p: DemoPoint) -> None:
    assert point_in_polygon(p.x, p.y, AREAS[p.area_code].polygon), "drawn outside its area"
    assert p.equipment_tag is None or p.equipment_tag in EQUIPMENT
    assert p.range_lo < p.range_hi and p.period_s > 0 and p.expected_interval_s >= p.period_s
    sps = [sp for sp in (p.sp_ll, p.sp_l, p.sp_h, p.sp_hh) if sp is not None]
    assert sps == sorted(sps) and len(set(sps)) == len(sps), "LL < L < H < HH"
    assert all(p.range_lo < sp < p.range_hi for sp in sps), "set-points inside the range"
    assert {p.prio_hh, p.prio_h, p.prio_l, p.prio_ll, p.prio_diag} <= set(PRIORITIES)
    if p.suppress_tag is not None:
        assert POINTS_BY_TAG[p.suppress_tag].kind == "switch" and p.suppress_value in (0.0, 1.0)
    if sps:
        assert p.cause and p.consequence and p.operator_action
    if p.kind in ("gas_combustible", "gas_toxic"):
        assert p.sp_h is not None and p.sp_hh is not None, "two alarm levels"


def test_point_columns_match_the_table() -> None:
    columns = set(Point.__table__.columns.keys())
    for p in DEMO_POINTS:
        cols = p.point_columns()
        assert set(cols) <= columns
        assert cols["name"] == p.name_zh
    missing = columns - set(DEMO_POINTS[0].point_columns())
    # ids resolved by the seeder, the English name (passed apart) and the bookkeeping columns
    assert "name_en" in columns
    assert missing <= {
        "id", "created_at", "updated_at", "name_en", "site_id", "area_id", "equipment_id", "hazard_source_id",
        "source_id", "source_address", "enabled", "suppress_point_id",
    }  # fmt: skip


def test_suppression_by_design_of_p101() -> None:
    """The discharge-pressure low alarm of P-101 is suppressed while P-101 is stopped."""
    pt = POINTS_BY_TAG["PT-111"]
    assert pt.sp_l is not None and pt.suppress_tag == "XS-101" and pt.suppress_value == 0.0


_COMBUSTIBLE = [p for p in DEMO_POINTS if p.kind == "gas_combustible"]
_TOXIC = [p for p in DEMO_POINTS if p.kind == "gas_toxic"]
_OXYGEN = [p for p in DEMO_POINTS if p.kind == "oxygen"]


@pytest.mark.parametrize("p", _COMBUSTIBLE, ids=lambda p: f"{GB}-item1-2:{p.tag}")
def test_combustible_setpoints_comply(p: DemoPoint) -> None:
    assert p.unit == "%LEL"
    assert p.sp_h is not None and p.sp_hh is not None
    assert rules.combustible_setpoint_problems(p.sp_h, p.sp_hh, GAS) == []


@pytest.mark.parametrize("p", _TOXIC, ids=lambda p: f"{GB}-item3:{p.tag}")
def test_toxic_setpoints_comply(p: DemoPoint) -> None:
    assert p.unit == "ppm" and p.gas_oel and p.gas_idlh
    assert p.sp_h is not None and p.sp_hh is not None
    assert rules.toxic_setpoint_problems(p.sp_h, p.sp_hh, oel=p.gas_oel, limits=GAS, idlh=p.gas_idlh) == []
    assert p.sp_hh <= p.range_hi, "the range reaches level 2, so the OEL rule applies (not the IDLH one)"


@pytest.mark.parametrize("p", _OXYGEN, ids=lambda p: f"{GB}-oxygen:{p.tag}")
def test_oxygen_setpoints_comply(p: DemoPoint) -> None:
    assert p.sp_h == GAS.oxygen_high_pct and p.sp_l == GAS.oxygen_low_pct
    assert p.sp_ll is not None and p.sp_ll < p.sp_l


# -- determinism and sampling ----------------------------------------------------------------------


def test_deterministic_per_seed() -> None:
    a = list(PlantSimulator(seed=7, start=T0).samples_between(T0, T0 + 120))
    b = list(PlantSimulator(seed=7, start=T0).samples_between(T0, T0 + 120))
    c = list(PlantSimulator(seed=8, start=T0).samples_between(T0, T0 + 120))
    assert a == b
    assert a != c


def test_any_split_gives_the_same_samples(sim: PlantSimulator) -> None:
    whole = list(sim.samples_between(T0 + 100, T0 + 400))
    parts: list[Sample] = []
    for a, b in ((100, 100.5), (100.5, 137.25), (137.25, 299.999), (299.999, 400)):
        parts += sim.samples_between(T0 + a, T0 + b)
    assert sorted(parts) == sorted(whole)


def test_samples_are_due_by_period_and_in_time_order(sim: PlantSimulator) -> None:
    samples = list(sim.samples_between(T0 + 3600, T0 + 3660))
    times = [s[1] for s in samples]
    assert times == sorted(times)
    assert all(T0 + 3600 <= t < T0 + 3660 for t in times)
    by_tag: dict[str, list[float]] = defaultdict(list)
    for tag, t, v, q in samples:
        by_tag[tag].append(t)
        assert math.isfinite(v) and q == 0
    for p in DEMO_POINTS:
        ts = by_tag[p.tag]
        assert len(ts) == pytest.approx(60 / p.period_s, abs=1)
        assert all(b - a == pytest.approx(p.period_s, abs=0.002) for a, b in itertools.pairwise(ts))


def test_step_hands_out_each_sample_once() -> None:
    s1, s2 = PlantSimulator(seed=3, start=T0), PlantSimulator(seed=3, start=T0)
    stepped: list[Sample] = []
    for i in range(1, 31):
        stepped += s1.step(T0 + i * 2.0)
    assert s1.step(T0 + 60.0) == []
    assert stepped == list(s2.samples_between(T0, T0 + 60))


def test_values_stay_in_range_and_daily_cycle_follows_shanghai_time(sim: PlantSimulator) -> None:
    for p in DEMO_POINTS:
        for h in range(0, 24, 3):
            assert math.isfinite(sim.value_at(p.tag, T0 + h * 3600))
    # 2026-05-28: the air is warmer at 15:00 Shanghai time (07:00 UTC) than at 05:00 (21:00 UTC the day before).
    day = datetime(2026, 5, 28, tzinfo=UTC).timestamp()
    assert sim.value_at("TT-701", day + 7 * 3600 + 3 * 3600) > sim.value_at(
        "TT-701", day - 3 * 3600 + 3 * 3600
    )


# -- scripted incidents ------------------------------------------------------------------------------


def _window(sim: PlantSimulator, name: str):  # type: ignore[no-untyped-def]
    (w,) = [w for w in sim.incident_windows(T0, T0 + CYCLE) if w.name == name]
    return w


def _first_over(samples: list[Sample], sp: float, t0: float, t1: float) -> float | None:
    return next((t for _, t, v, q in samples if t0 <= t < t1 and q == 0 and v > sp), None)


def test_incident_windows_repeat_every_cycle(sim: PlantSimulator) -> None:
    windows = sim.incident_windows(T0, T0 + 3 * CYCLE)
    assert len(windows) == 3 * len(DEFAULT_INCIDENTS)
    assert [w.start for w in windows] == sorted(w.start for w in windows)
    leaks = [w for w in windows if w.kind == "gas_leak"]
    assert [w.start - T0 for w in leaks] == [60.0, 60.0 + CYCLE, 60.0 + 2 * CYCLE]
    assert all(set(w.expected) <= set(w.tags) for w in windows)


def test_gas_leak_grows_past_level1_then_level2_and_decays(sim: PlantSimulator, first_cycle) -> None:  # type: ignore[no-untyped-def]
    w = _window(sim, "gas_leak")
    assert w.expected == {"GT-102": ("H", "HH"), "GT-106": ("H",)}
    for tag in w.tags:
        p = POINTS_BY_TAG[tag]
        assert p.sp_h is not None and p.sp_hh is not None
        samples = first_cycle[tag]
        before = [v for _, t, v, _ in samples if t < w.start]
        assert max(before) < p.sp_h, f"{tag} normal before the leak"
        h_at = _first_over(samples, p.sp_h, w.start, w.end)
        hh_at = _first_over(samples, p.sp_hh, w.start, w.end)
        if "HH" in w.expected.get(tag, ()):
            assert h_at is not None and hh_at is not None and h_at < hh_at
            assert hh_at - w.start > 120, "grows over several minutes"
        elif "H" in w.expected.get(tag, ()):
            assert h_at is not None and hh_at is None, f"{tag}: a neighbour rises less"
        else:
            assert h_at is None, f"{tag}: far detectors stay below level 1"
        tail = [v for _, t, v, _ in samples if w.end - 30 <= t < w.end + 300]
        assert max(tail) < p.sp_h, f"{tag}: isolated, the vapour decays"
    near = max(v for _, t, v, _ in first_cycle["GT-101"] if w.start <= t < w.end)
    assert near > 3.0, "neighbouring detectors do see some vapour"


def test_overfill_crosses_h_then_hh_and_trips_the_switch(sim: PlantSimulator, first_cycle) -> None:  # type: ignore[no-untyped-def]
    w = _window(sim, "overfill")
    assert w.expected == {"LT-104": ("H", "HH"), "LSHH-104": ("HH",)}
    lt = POINTS_BY_TAG["LT-104"]
    assert lt.sp_h is not None and lt.sp_hh is not None and lt.roc_limit_per_min is not None
    samples = first_cycle["LT-104"]
    assert max(v for _, t, v, _ in samples if t < w.start) < lt.sp_h
    h_at = _first_over(samples, lt.sp_h, w.start, w.end)
    hh_at = _first_over(samples, lt.sp_hh, w.start, w.end)
    assert h_at is not None and hh_at is not None and h_at < hh_at
    assert max(v for _, t, v, _ in samples if t >= w.end) < lt.sp_h
    # A level ramp, not a jump: the rate stays under the point's own rate-of-change limit.
    vals = [(t, v) for _, t, v, _ in samples]
    rates = [abs(v1 - v0) / (t1 - t0) * 60 for (t0, v0), (t1, v1) in zip(vals, vals[12:], strict=False)]
    assert max(rates) < lt.roc_limit_per_min
    switch = first_cycle["LSHH-104"]
    assert {v for _, t, v, _ in switch if not w.start <= t < w.end} == {0.0}
    assert 1.0 in {v for _, t, v, _ in switch if w.start <= t < w.end}


def test_chattering_crosses_h_at_least_three_times_in_60_s(sim: PlantSimulator, first_cycle) -> None:  # type: ignore[no-untyped-def]
    w = _window(sim, "chattering")
    (tag,) = w.tags
    p = POINTS_BY_TAG[tag]
    assert p.sp_h is not None and p.sp_hh is not None
    samples = first_cycle[tag]
    ups: list[datetime] = []
    above = False
    for _, t, v, _ in samples:
        if not above and v > p.sp_h:
            ups.append(datetime.fromtimestamp(t, UTC))
        above = v > p.sp_h if not above else v > p.sp_h - p.deadband
    assert ups and all(w.start <= u.timestamp() < w.end for u in ups)
    assert rules.is_chattering(ups, KPI)
    assert max(v for _, _, v, _ in samples) < p.sp_hh


def test_stale_window_yields_nothing(sim: PlantSimulator, first_cycle) -> None:  # type: ignore[no-untyped-def]
    w = _window(sim, "stale")
    (tag,) = w.tags
    times = [t for _, t, _, _ in first_cycle[tag]]
    assert not [t for t in times if w.start <= t < w.end]
    assert [t for t in times if w.start - 10 <= t < w.start] and [t for t in times if w.end <= t < w.end + 10]
    assert w.end - w.start >= 3 * POINTS_BY_TAG[tag].expected_interval_s, "long enough to be STALE"


def test_bad_window_yields_quality_2(sim: PlantSimulator, first_cycle) -> None:  # type: ignore[no-untyped-def]
    w = _window(sim, "bad_quality")
    (tag,) = w.tags
    inside = [(v, q) for _, t, v, q in first_cycle[tag] if w.start <= t < w.end]
    outside = [
        q for _, t, _, q in first_cycle[tag] if w.start - 300 <= t < w.start or w.end <= t < w.end + 60
    ]
    assert inside and all(q == 2 for _, q in inside)
    assert all(v < POINTS_BY_TAG[tag].range_lo for v, _ in inside), "NAMUR NE 43 under-range value"
    assert outside and set(outside) == {0}


def test_no_alarm_outside_the_incidents_unless_suppressed(sim: PlantSimulator) -> None:
    """Two hours of plant: every set-point breach lasting past its on-delay is an incident or suppressed."""
    t0, t1 = T0, T0 + 7200
    windows: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for w in sim.incident_windows(t0, t1):
        for tag in w.tags:
            windows[tag].append((w.start, w.end + 300))
    limits = {p.tag: p.setpoints().items() for p in DEMO_POINTS}
    last: dict[str, float] = {}
    since: dict[tuple[str, str], float] = {}
    for tag, t, v, q in sim.samples_between(t0, t1):
        last[tag] = v
        if q or not limits[tag] or any(a <= t < b for a, b in windows[tag]):
            continue
        p = POINTS_BY_TAG[tag]
        suppressed = p.suppress_tag is not None and last.get(p.suppress_tag) == p.suppress_value
        for cond, sp in limits[tag]:
            breach = (v > sp if cond in ("H", "HH") else v < sp) and not suppressed
            if not breach:
                since.pop((tag, cond), None)
                continue
            start = since.setdefault((tag, cond), t)
            assert t - start < max(p.on_delay_s, 0.001), f"{tag} {cond} alarm at +{t - T0:.0f} s"


def test_incidents_are_configurable() -> None:
    quiet = PlantSimulator(seed=1, start=T0, incidents=())
    assert quiet.incident_windows(T0, T0 + 7200) == []
    leak = Incident(
        "leak", "gas_leak", ("GT-107", "GT-108", "GT-109"), 0.0, 600.0, params={"x": 206.0, "y": 250.0}
    )
    s = PlantSimulator(seed=1, start=T0, incidents=[leak], cycle_s=900.0)
    (w,) = s.incident_windows(T0, T0 + 900)
    assert "H" in w.expected["GT-107"]
    assert max(v for tag, _, v, _ in s.samples_between(T0, T0 + 600) if tag == "GT-107") > 20.0


@pytest.mark.parametrize(
    "incident",
    [
        Incident("x", "stale", ("NOPE-1",), 0.0, 60.0),
        Incident("x", "stale", ("LT-101",), 1790.0, 60.0),
        Incident("x", "meteor", ("LT-101",), 0.0, 60.0),
        Incident("x", "gas_leak", ("LT-101",), 0.0, 60.0),
        Incident("x", "overfill", ("XS-101",), 0.0, 60.0),
        Incident("x", "chattering", ("XS-101",), 0.0, 60.0),
        Incident("x", "gas_leak", ("GT-102",), 0.0, 600.0, params={"x": 126.0, "y": 244.0, "peak_lel": 40.0}),
    ],
    ids=[
        "unknown-tag",
        "beyond-cycle",
        "unknown-kind",
        "leak-on-a-level",
        "overfill-without-setpoints",
        "chatter-without-setpoint",
        "leak-peak-near-a-setpoint",
    ],
)
def test_bad_incidents_are_refused(incident: Incident) -> None:
    with pytest.raises(ValueError):
        PlantSimulator(seed=1, start=T0, incidents=[incident])


# -- payloads -------------------------------------------------------------------------------------------


def test_payload_schema_and_limits(sim: PlantSimulator) -> None:
    samples = list(sim.samples_between(T0 + 1500, T0 + 1740))  # includes the bad-quality transmitter
    payloads = build_payloads(samples, source="sim", max_samples=500)
    assert len(payloads) == math.ceil(len(samples) / 500)
    back: list[Sample] = []
    for raw in payloads:
        assert len(raw) <= MAX_PAYLOAD_BYTES
        doc = orjson.loads(raw)
        assert set(doc) == {"source", "ts", "samples"} and doc["source"] == "sim"
        assert 1 <= len(doc["samples"]) <= 500
        assert doc["ts"] == max(s["ts"] for s in doc["samples"])
        for s in doc["samples"]:
            assert set(s) <= {"tag", "v", "ts", "q"} and isinstance(s["tag"], str)
            assert isinstance(s["v"], float) and isinstance(s["ts"], float)
            assert s.get("q", "bad") == "bad", "good is the default and left out"
            back.append((s["tag"], s["ts"], s["v"], 2 if "q" in s else 0))
    assert back == samples
    assert any(q == 2 for *_, q in back)


def test_payload_size_and_count_limits() -> None:
    many = [(f"TAG-{i:05d}", T0 + i * 0.001, float(i), 0) for i in range(12_000)]
    payloads = build_payloads(many, max_samples=5000)
    assert [len(orjson.loads(p)["samples"]) for p in payloads] == [5000, 5000, 2000]
    long_tags = [("X" * 64 + str(i), T0, 1.0, 1) for i in range(5000)]
    for raw in build_payloads(long_tags, max_samples=5000):
        assert len(raw) <= MAX_PAYLOAD_BYTES
    with pytest.raises(ValueError):
        build_payloads(many, max_samples=5001)
    with pytest.raises(ValueError):
        build_payloads([("LT-101", T0, float("nan"), 0)])
    assert build_payloads([]) == []
    assert topic_for("sim") == "anguan/v1/telemetry/sim"
    with pytest.raises(ValueError):
        topic_for("a/b")


def _decode(payloads: list[bytes]) -> list[Sample]:
    out: list[Sample] = []
    for raw in payloads:
        for s in orjson.loads(raw)["samples"]:
            out.append((s["tag"], s["ts"], s["v"], {"uncertain": 1, "bad": 2}.get(s.get("q", ""), 0)))
    return out


async def test_run_realtime_hands_every_sample_to_submit() -> None:
    start = time.time() - 120.0
    sim = PlantSimulator(seed=5, start=start)
    got: list[bytes] = []
    stop = asyncio.Event()

    async def submit(payload: bytes) -> None:
        got.append(payload)
        if orjson.loads(payload)["ts"] >= start + 60:
            stop.set()

    stats = await asyncio.wait_for(run_realtime(sim, submit, speed=2000.0, stop=stop, tick_s=0.01), 20)
    assert stats.messages == len(got) and stats.last_t is not None and stats.last_t >= start + 60
    received = _decode(got)
    assert stats.samples == len(received)
    assert received == list(PlantSimulator(seed=5, start=start).samples_between(start, stats.last_t))
    assert max(t for _, t, _, _ in received) <= time.time(), "never stamped in the future"


async def test_mqtt_round_trip_through_mosquitto() -> None:
    """Publish with run_mqtt (rate mode, QoS 1) and read every sample back through the broker."""
    require_service("mosquitto", "127.0.0.1", 1883)
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

    loop = asyncio.get_running_loop()
    topic = f"anguan/v1/telemetry/test-{uuid.uuid4().hex[:10]}"
    start = time.time() - 60.0
    received: list[bytes] = []
    want = {"messages": math.inf}
    subscribed, half_way, complete = threading.Event(), asyncio.Event(), asyncio.Event()
    lock = threading.Lock()

    def on_connect(client, userdata, flags, reason_code, properties):  # type: ignore[no-untyped-def]
        client.subscribe(topic, qos=1)

    def on_subscribe(client, userdata, mid, reason_codes, properties):  # type: ignore[no-untyped-def]
        subscribed.set()

    def on_message(client, userdata, msg):  # type: ignore[no-untyped-def]
        with lock:
            received.append(msg.payload)
            n = len(received)
        if orjson.loads(msg.payload)["ts"] >= start + 30:
            loop.call_soon_threadsafe(half_way.set)
        if n >= want["messages"]:
            loop.call_soon_threadsafe(complete.set)

    sub = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"test-sub-{uuid.uuid4().hex[:8]}",
        protocol=MQTTProtocolVersion.MQTTv5,
    )
    sub.on_connect, sub.on_subscribe, sub.on_message = on_connect, on_subscribe, on_message
    sub.connect("127.0.0.1", 1883)
    sub.loop_start()
    try:
        assert await asyncio.to_thread(subscribed.wait, 10)
        sim = PlantSimulator(seed=11, start=start)
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_mqtt(sim, "127.0.0.1", 1883, topic=topic, stop=stop, rate_points_per_s=2500.0, tick_s=0.05)
        )
        await asyncio.wait_for(half_way.wait(), 20)
        stop.set()
        stats = await asyncio.wait_for(task, 20)
        assert stats.messages > 0 and stats.last_t is not None
        with lock:
            want["messages"] = stats.messages
            if len(received) >= stats.messages:
                complete.set()
        await asyncio.wait_for(complete.wait(), 20)
        with lock:
            payloads = list(received)
        assert len(payloads) == stats.messages
        expected = PlantSimulator(seed=11, start=start).samples_between(start, stats.last_t)
        assert sorted(_decode(payloads)) == sorted(expected)
    finally:
        sub.disconnect()
        sub.loop_stop()
