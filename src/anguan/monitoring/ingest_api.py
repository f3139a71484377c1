"""HTTP batch ingest for gateways without MQTT: the same payload schema (docs/mqtt.md), per-source tokens.

`POST /api/v1/monitoring/ingest` with header `X-Source-Token: <token>` and the JSON payload as body.
The answer comes after the samples are committed (in-process pipeline) or after the broker has
acknowledged them at QoS 1 (API replicas without a pipeline forward to MQTT, where `anguan ingest`
picks them up). 200 with counts when anything was accepted; 422 when nothing was; 401 for a bad
token; 413 for an oversized body; 503 when storage is unreachable (retry: nothing was stored).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel

from anguan.connectors.base import IngestUnavailable
from anguan.core.errors import NotAuthenticated, PayloadTooLarge, Unavailable, Unprocessable, error_responses
from anguan.core.web import TransactionalRoute, get_database
from anguan.monitoring import service
from anguan.monitoring.pipeline import TRANSIENT, IngestPipeline

SUBMIT_TIMEOUT_S = 30.0

router = APIRouter(prefix="/monitoring", tags=["monitoring"], route_class=TransactionalRoute)


class IngestResult(BaseModel):
    """Counts of one HTTP batch."""

    accepted: int
    duplicates: int
    rejected: dict[str, int]
    forwarded: bool = False


@router.post(
    "/ingest",
    response_model=IngestResult,
    responses=error_responses(NotAuthenticated, PayloadTooLarge, Unprocessable, Unavailable),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object", "description": "docs/mqtt.md"}}},
        }
    },
)
async def ingest_batch(
    request: Request,
    x_source_token: Annotated[str | None, Header()] = None,
) -> IngestResult:
    """Ingest a batch of samples from a gateway authenticated by its source token."""
    settings = request.app.state.settings
    if not x_source_token or len(x_source_token) > 200:
        raise NotAuthenticated("monitoring.source_unauthorized")
    # The token is checked in a short read transaction of its own: the request must hold no
    # database session (on SQLite, no write lock) while it waits for the pipeline's commit.
    try:
        async with get_database(request).transaction(write=False) as session:
            source = await service.source_by_token(session, x_source_token)
            code = source.code if source is not None else None
    except TRANSIENT as exc:
        raise Unavailable("monitoring.ingest_unavailable") from exc
    if code is None:
        raise NotAuthenticated("monitoring.source_unauthorized")
    limit = settings.ingest.max_payload_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge("monitoring.payload_too_large", limit_kb=limit // 1024)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLarge("monitoring.payload_too_large", limit_kb=limit // 1024)
    pipeline: IngestPipeline | None = getattr(request.app.state, "pipeline", None)
    if pipeline is None:
        return await _forward(request, code, bytes(body))
    try:
        # Storage away: answer 503 after a while (the batch may still commit later; a resend is
        # then recognised as duplicate or, marked "redelivered", never counted twice).
        result = await asyncio.wait_for(pipeline.submit_payload(code, bytes(body)), SUBMIT_TIMEOUT_S)
    except (IngestUnavailable, TimeoutError) as exc:
        raise Unavailable("monitoring.ingest_unavailable") from exc
    if result.accepted == 0 and result.duplicates == 0 and result.rejected:
        reason = ", ".join(f"{k}×{v}" for k, v in sorted(result.rejected.items()))
        raise Unprocessable("monitoring.payload_rejected", reason=reason, rejected=result.rejected)
    return IngestResult(accepted=result.accepted, duplicates=result.duplicates, rejected=result.rejected)


async def _forward(request: Request, source_code: str, body: bytes) -> IngestResult:
    """No pipeline in this process: hand the payload to the broker at QoS 1 for `anguan ingest`."""
    mqtt = request.app.state.settings.mqtt
    if not mqtt.host:
        raise Unavailable("monitoring.ingest_unavailable")
    from anguan.connectors.mqtt import publish_json

    try:
        await publish_json(
            mqtt.host,
            mqtt.port,
            f"{mqtt.topic_prefix}/{source_code}",
            body,
            qos=1,
            username=mqtt.username or None,
            password=mqtt.password.get_secret_value() or None,
            tls=mqtt.tls,
            ca_file=mqtt.ca_file or None,
        )
    except Exception as exc:
        raise Unavailable("monitoring.ingest_unavailable") from exc
    return IngestResult(accepted=0, duplicates=0, rejected={}, forwarded=True)
