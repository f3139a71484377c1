"""Special-work permits REST API, part two: the evidence files of a permit (drawn signatures, photos)
and the work alarms (表A.3) with their closed-loop handling."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import NotFound
from anguan.core.files import LocalFileStore, StoredFile
from anguan.core.schemas import RequestModel
from anguan.core.time import utcnow
from anguan.core.timeline import TimelineEntry
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.permits import alarms, service
from anguan.permits.api import READ_ERRORS, WRITE_ERRORS, Id, alarm_out
from anguan.permits.models import Permit, Signature, WorkAlarm
from anguan.permits.schemas import AlarmOut

router = APIRouter(prefix="/permits", tags=["permits"], route_class=TransactionalRoute)


@router.get(
    "/{permit_id}/signatures/{signature_id}/image",
    responses={200: {"content": {"image/png": {}}}, **READ_ERRORS},
)
async def signature_image(
    permit_id: Id,
    signature_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The drawn signature of a step, for whoever may read the permit."""
    permit = await service.get_permit(session, actor, permit_id)
    sig = await session.get(Signature, signature_id)
    stored = (
        await session.get(StoredFile, sig.image_id)
        if sig and sig.permit_id == permit.id and sig.image_id
        else None
    )
    store: LocalFileStore = request.app.state.files
    if stored is None or not store.exists(stored.key):
        raise NotFound("permits.signature_image_not_found", id=signature_id)
    return Response(
        store.get(stored.key),
        media_type="image/png" if stored.content_type == "image/png" else "application/octet-stream",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"},
    )


@router.get("/{permit_id}/photos/{file_id}", responses={200: {"content": {"image/*": {}}}, **READ_ERRORS})
async def evidence_photo(
    permit_id: Id,
    file_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """An evidence photo taken with a step of the permit, for whoever may read the permit."""
    permit = await service.get_permit(session, actor, permit_id)
    entries = (
        await session.scalars(
            select(TimelineEntry.evidence).where(
                TimelineEntry.entity_type == "permit", TimelineEntry.entity_id == str(permit.id)
            )
        )
    ).all()
    linked = {i for e in entries for i in (e or {}).get("photos", [])}
    stored = await session.get(StoredFile, file_id) if file_id in linked else None
    store: LocalFileStore = request.app.state.files
    if stored is None or not store.exists(stored.key):
        raise NotFound("permits.photo_not_found", id=file_id)
    kind = stored.content_type if stored.content_type.startswith("image/") else "application/octet-stream"
    return Response(store.get(stored.key), media_type=kind, headers={"X-Content-Type-Options": "nosniff"})


# ------------------------------------------------------------------------------ alarms


@router.get("/alarms/open", response_model=list[AlarmOut], responses=READ_ERRORS)
async def open_alarms(
    actor: Actor = Depends(require(P.PERMITS_READ)), session: AsyncSession = Depends(get_session)
) -> list[AlarmOut]:
    """Work alarms not yet handled, on the caller's permits."""
    stmt = (
        select(WorkAlarm).join(Permit, Permit.id == WorkAlarm.permit_id).where(WorkAlarm.ended_at.is_(None))
    )
    clause = await service.visible_area_clause(session, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    rows = (await session.execute(stmt.add_columns(Permit.number).order_by(WorkAlarm.started_at))).all()
    return [alarm_out(a).model_copy(update={"number": number}) for a, number in rows]


class HandleIn(RequestModel):
    result: str = Field(min_length=2, max_length=2000)


@router.post("/alarms/{alarm_id}/handle", response_model=AlarmOut, responses=WRITE_ERRORS)
async def handle_alarm(
    alarm_id: Id,
    body: HandleIn,
    actor: Actor = Depends(require(P.PERMITS_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> AlarmOut:
    """Close a work alarm with its handling record (ALARM_RESULT)."""
    alarm = await session.get(WorkAlarm, alarm_id)
    if alarm is not None and alarm.permit_id is not None:
        await service.get_permit(session, actor, alarm.permit_id)
    return alarm_out(await alarms.handle(session, service.who(actor), alarm_id, body.result, utcnow()))
