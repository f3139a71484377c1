"""The connector interface and registry (Home Assistant integrations style).

A connector reads a device protocol and hands what it receives to a `Sink` (the monitoring
module's ingest pipeline). `submit_*` returns only after the samples are committed; a connector
acknowledges its peer (MQTT PUBACK, for instance) only then, so nothing acknowledged is lost. When
storage is unavailable `submit_*` raises `IngestUnavailable` and the connector must not acknowledge.

Connectors import only `anguan.core`: they know nothing about points or alarms.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple, Protocol


class RawSample(NamedTuple):
    """One value as a protocol delivered it: the tag is resolved to a point by the pipeline."""

    tag: str
    t: float  # UTC epoch seconds
    value: float
    quality: int = 0  # 0 good, 1 uncertain, 2 bad


@dataclass
class SubmitResult:
    """What the pipeline made of a submission (after commit)."""

    accepted: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)  # reason → count


class IngestUnavailable(Exception):
    """Storage is unreachable: do not acknowledge; retry or let the peer redeliver."""


class Sink(Protocol):
    """The ingest pipeline as connectors see it."""

    async def submit_payload(self, source: str, payload: bytes, *, redelivered: bool = False) -> SubmitResult:
        """A JSON payload in the documented schema (docs/mqtt.md); validated by the pipeline.

        `redelivered`: the protocol says this is a redelivery (MQTT DUP): samples older than a
        point's newest are then duplicates; in a fresh message they are late data and stored."""
        ...

    async def submit_samples(self, source: str, samples: list[RawSample]) -> SubmitResult:
        """Structured samples from a protocol that has its own typing (OPC UA, Modbus)."""
        ...


class Connector(ABC):
    """A protocol client: runs until `stop` is set, handing data to the sink."""

    kind: ClassVar[str]

    def __init__(self, source: str, config: dict[str, Any]) -> None:
        self.source = source
        self.config = config

    @abstractmethod
    async def run(self, sink: Sink, stop: asyncio.Event) -> None:
        """Connect, receive, submit, acknowledge; reconnect on failure; return when `stop` is set."""


REGISTRY: dict[str, type[Connector]] = {}


def register(cls: type[Connector]) -> type[Connector]:
    """Class decorator: make a connector available under its `kind`."""
    REGISTRY[cls.kind] = cls
    return cls


def create(kind: str, source: str, config: dict[str, Any]) -> Connector:
    """Instantiate the connector registered for `kind` (KeyError when unknown)."""
    return REGISTRY[kind](source, config)


def load_builtin() -> dict[str, type[Connector]]:
    """Import the built-in protocol modules so they register themselves (explicit, no magic)."""
    from anguan.connectors import mqtt, opcua  # noqa: F401

    return REGISTRY
