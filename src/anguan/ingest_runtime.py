"""The ingest role's moving parts in one place: the pipeline, the connectors, the demo simulator.

`anguan serve` runs it in-process (the embedded default, `ingest.in_process`), `anguan ingest`
runs it alone (scale-out), and `anguan simulate` uses the simulator part on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from typing import Any

from sqlalchemy import select

from anguan.connectors import base as connectors
from anguan.core.config import Settings
from anguan.core.db import Database
from anguan.core.events import EventBus
from anguan.monitoring.models import Source
from anguan.monitoring.pipeline import IngestPipeline

log = logging.getLogger("anguan.ingest")


def mqtt_config(settings: Settings, *, client_id: str = "") -> dict[str, Any]:
    """The MQTT connector's configuration from settings (shared subscription across ingest replicas)."""
    m = settings.mqtt
    return {
        "host": m.host,
        "port": m.port,
        "username": m.username or None,
        "password": m.password.get_secret_value() or None,
        "topic_prefix": m.topic_prefix,
        "shared_group": m.shared_group,
        "client_id": client_id or m.client_id or f"anguan-ingest-{socket.gethostname()}",
        "receive_maximum": m.receive_maximum,
        "session_expiry_s": m.session_expiry_s,
        "tls": m.tls,
        "ca_file": m.ca_file or None,
    }


class IngestRuntime:
    """Pipeline + connectors (+ simulator): started and stopped together."""

    def __init__(
        self, database: Database, bus: EventBus, settings: Settings, *, simulator: bool = False
    ) -> None:
        self.settings = settings
        self.pipeline = IngestPipeline(database, bus, settings)
        self.database = database
        self.simulator = simulator
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.connectors: list[connectors.Connector] = []
        self._publisher: Any = None

    async def start(self) -> None:
        """Start the pipeline, then every configured connector, then the simulator."""
        await self.pipeline.start()
        registry = connectors.load_builtin()
        m, ing = self.settings.mqtt, self.settings.ingest
        if m.host:
            self.connectors.append(registry["mqtt"]("*", mqtt_config(self.settings)))
        if m.host and ing.partitions > 1:
            await self._partitioned(registry["mqtt"])
        with contextlib.suppress(Exception):
            async with self.database.transaction(write=False) as session:
                rows = (await session.scalars(select(Source).where(Source.enabled.is_(True)))).all()
            for s in rows:
                # MQTT sources share the one subscription above; other protocols get a client each.
                if s.kind in registry and s.kind != "mqtt":
                    self.connectors.append(registry[s.kind](s.code, dict(s.config or {})))
        for c in self.connectors:
            self._tasks.append(asyncio.create_task(self._run(c), name=f"connector.{c.kind}.{c.source}"))
        if self.simulator:
            self._tasks.append(asyncio.create_task(self._simulate(), name="simulator"))
        log.info(
            "ingest runtime: %d connector(s)%s",
            len(self.connectors),
            ", demo simulator" if self.simulator else "",
        )

    async def _partitioned(self, mqtt_cls: type[connectors.Connector]) -> None:
        """Scale-out: own partition k of the points; forward the others' samples to their owners."""
        from anguan.connectors.mqtt import MqttPublisher

        m, k = self.settings.mqtt, self.pipeline.partition
        base = mqtt_config(self.settings)
        # This replica's own queue: a plain (not shared) subscription on a persistent session, so
        # forwarded samples wait in the broker while it restarts.
        own = {
            **base,
            "topic_prefix": f"{m.partition_prefix}/{k}",
            "shared_group": "",
            "client_id": f"{base['client_id']}-p{k}",
        }
        self.connectors.append(mqtt_cls("*", own))
        publisher = MqttPublisher(
            m.host,
            m.port,
            username=m.username or None,
            password=m.password.get_secret_value() or None,
            tls=m.tls,
            ca_file=m.ca_file or None,
        )
        await publisher.connect()
        self._publisher = publisher

        async def forward(owner: int, source: str, payload: bytes) -> None:
            await publisher.publish(f"{m.partition_prefix}/{owner}/{source}", payload, qos=1)

        self.pipeline.forward = forward

    async def _run(self, connector: connectors.Connector) -> None:
        while not self._stop.is_set():
            try:
                await connector.run(self.pipeline, self._stop)
                return
            except Exception:
                log.exception("connector %s/%s crashed; restarting in 5 s", connector.kind, connector.source)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=5)

    async def _simulate(self) -> None:
        from anguan.simulator.plant_sim import PlantSimulator
        from anguan.simulator.publisher import run_realtime

        ing = self.settings.ingest
        sim = PlantSimulator(start=time.time() - max(0.0, ing.simulator_backfill_s))

        async def submit(payload: bytes) -> None:
            with contextlib.suppress(connectors.IngestUnavailable):
                await self.pipeline.submit_payload("sim", payload)

        try:
            await run_realtime(sim, submit, speed=max(1.0, ing.simulator_speed), stop=self._stop)
        except Exception:
            log.exception("simulator stopped")

    async def stop(self) -> None:
        """Stop the simulator and connectors (they stop acknowledging), then drain the pipeline."""
        self._stop.set()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(t, timeout=10)
        await self.pipeline.stop()
        if self._publisher is not None:
            with contextlib.suppress(Exception):
                await self._publisher.close()
