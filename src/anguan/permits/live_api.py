"""Special-work permits REST API, part four: the live context of a permit (现场实时监测).

The fixed gas detectors and the cameras bound to the work location when the permit's location was
set (`Permit.detector_ids`, `Permit.camera_ids`, see `service._derive`), with each detector's last
value and worst active alarm from monitoring and each camera's live-view address from the video
registry. The work leader, the guardian and the safety office watch it on the permit's page; a
detector over its limit also suspends the work by itself (`tasks.on_gas_alarm`, alarm 0/09).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.time import as_utc, utcnow
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.monitoring import repository as monitoring
from anguan.monitoring.models import Point
from anguan.permits import service
from anguan.permits.api import READ_ERRORS, Id
from anguan.permits.models import Permit
from anguan.video import service as video
from anguan.video.rules import distance_m
from anguan.video.schemas import CameraNearOut, CameraOut

router = APIRouter(prefix="/permits", tags=["permits"], route_class=TransactionalRoute)

# [D] a detector whose last value is older than this shows "no recent data" (the demo and the
# ingest pipeline sample every few seconds; a silent transmitter must not look healthy)
STALE_AFTER = timedelta(minutes=5)


class LiveDetector(BaseModel):
    id: int
    tag: str
    name: str
    name_en: str | None
    kind: str
    unit: str
    distance_m: float | None  # from the work point; None when bound by area
    value: float | None
    ts: datetime | None
    quality: int | None  # 0 good, 1 uncertain, 2 bad
    stale: bool  # no value, or the last one older than STALE_AFTER
    condition: str | None  # worst active alarm: HH, H, L, LL, ROC, BAD ...
    priority: str | None


class LiveContext(BaseModel):
    permit_id: int
    detector_radius_m: float
    camera_radius_m: float
    detectors: list[LiveDetector]
    cameras: list[CameraNearOut]  # the video registry's rows, with distance and whether it sees the work
    at: datetime


def _distance(permit: Permit, x: float | None, y: float | None) -> float | None:
    if permit.x is None or permit.y is None or x is None or y is None:
        return None
    return round(distance_m((permit.x, permit.y), (x, y)), 1)


@router.get("/{permit_id}/live", response_model=LiveContext, responses=READ_ERRORS)
async def live_context(
    permit_id: Id,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> LiveContext:
    """The detectors and cameras watching the work, with the detectors' last values and alarms."""
    permit = await service.get_permit(session, actor, permit_id)
    now = utcnow()
    ids = list(permit.detector_ids or [])
    points = (await session.scalars(select(Point).where(Point.id.in_(ids)))).all() if ids else []
    current = await monitoring.current_values(session, ids)
    worst = await monitoring.worst_alarms(session, ids)
    detectors = []
    for p in points:
        c = current.get(p.id)
        ts = as_utc(c.ts) if c is not None else None
        condition, priority = worst.get(p.id, (None, None))
        detectors.append(
            LiveDetector(
                id=p.id,
                tag=p.tag,
                name=p.name,
                name_en=p.name_en,
                kind=p.kind,
                unit=p.unit,
                distance_m=_distance(permit, p.x, p.y),
                value=c.value if c is not None else None,
                ts=ts,
                quality=c.quality if c is not None else None,
                stale=ts is None or now - ts > STALE_AFTER,
                condition=condition,
                priority=priority,
            )
        )
    # in alarm first, then nearest
    detectors.sort(key=lambda d: (d.condition is None, d.distance_m is None, d.distance_m or 0.0, d.tag))
    cameras = [
        CameraNearOut(
            **CameraOut.model_validate(c).model_dump(),
            distance_m=_distance(permit, c.x, c.y),
            sees=video.sees(c, permit.x, permit.y),
        )
        for c in await video.cameras_by_ids(session, list(permit.camera_ids or []))
    ]
    cameras.sort(key=lambda c: (c.distance_m is None, c.distance_m or 0.0, c.code))
    return LiveContext(
        permit_id=permit.id,
        detector_radius_m=service.DETECTOR_RADIUS_M,
        camera_radius_m=service.CAMERA_RADIUS_M,
        detectors=detectors,
        cameras=cameras,
        at=now,
    )
