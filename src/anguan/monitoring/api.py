"""Monitoring REST API: points, sources, alarms, realtime snapshot, trends, KPIs, rejected input."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import MAX_ID
from anguan.core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    error_responses,
)
from anguan.core.events import EventBus
from anguan.core.i18n import negotiate_locale
from anguan.core.pagination import Page, PageParams, page_params
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.monitoring import service
from anguan.monitoring.events import AlarmView
from anguan.monitoring.schemas import (
    AckIn,
    AlarmEventOut,
    AlarmStateFilter,
    BoardOut,
    BulkAckIn,
    BulkAckOut,
    CommentIn,
    ImportMode,
    ImportReport,
    KpiOut,
    PointIn,
    PointKind,
    PointOut,
    PointUpdate,
    Priority,
    ReasonIn,
    RejectsOut,
    ShelveIn,
    SnapshotOut,
    SourceIn,
    SourceOut,
    SourceUpdate,
    SourceWithToken,
    StatusOut,
    TrendOut,
)

router = APIRouter(prefix="/monitoring", tags=["monitoring"], route_class=TransactionalRoute)
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
LIST_ERRORS = error_responses(NotAuthenticated, Forbidden, BadRequest, Unprocessable)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX: {}}}}
Condition = Literal["HH", "H", "L", "LL", "ROC", "BAD", "STALE", "PRE"]


def _bus(request: Request) -> EventBus:
    bus: EventBus = request.app.state.bus
    return bus


def _opt_id() -> Any:
    return Query(None, ge=1, le=MAX_ID)


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _ids(raw: str) -> list[int]:
    try:
        ids = [int(x) for x in raw.split(",") if x.strip()]
    except ValueError as exc:
        raise Unprocessable("monitoring.bad_point_ids", max=service.MAX_TREND_POINTS) from exc
    if not ids or any(not 1 <= i <= MAX_ID for i in ids):
        raise Unprocessable("monitoring.bad_point_ids", max=service.MAX_TREND_POINTS)
    return ids


# ---------------------------------------------------------------- points (位号)


@router.get("/points", response_model=Page[PointOut], responses=LIST_ERRORS)
async def list_points(
    site_id: int | None = _opt_id(),
    area_id: int | None = _opt_id(),
    kind: PointKind | None = None,
    q: str | None = Query(None, max_length=64),
    enabled: bool | None = None,
    hazard_source_id: int | None = _opt_id(),
    params: PageParams = Depends(page_params),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> Page[PointOut]:
    """Points within the caller's scope (sort: tag, name, kind, area_id, console, id, updated_at);
    `hazard_source_id`: the points bound to one major hazard unit."""
    rows, total = await service.list_points(
        session,
        actor,
        params,
        site_id=site_id,
        area_id=area_id,
        kind=kind,
        q=q,
        enabled=enabled,
        hazard_source_id=hazard_source_id,
    )
    return Page(
        items=[PointOut.model_validate(p) for p in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


@router.get("/points/template.xlsx", response_class=Response, responses={**FILE_RESPONSE, **READ_ERRORS})
async def points_template(actor: Actor = Depends(require(P.MON_CONFIGURE))) -> Response:
    """The empty import template (bilingual headers, notes sheet)."""
    return _attachment(service.template_xlsx(), XLSX, "points_template.xlsx")


@router.get("/points/export.xlsx", response_class=Response, responses={**FILE_RESPONSE, **READ_ERRORS})
async def points_export(
    actor: Actor = Depends(require(P.MON_READ)), session: AsyncSession = Depends(get_session)
) -> Response:
    """The caller's points in the import layout."""
    return _attachment(await service.export_xlsx(session, actor), XLSX, "points.xlsx")


@router.post(
    "/points/import",
    response_model=ImportReport,
    responses=error_responses(NotAuthenticated, Forbidden, Unprocessable, PayloadTooLarge),
)
async def points_import(
    request: Request,
    file: UploadFile = File(...),
    mode: ImportMode = Form("validate"),
    actor: Actor = Depends(require(P.MON_CONFIGURE)),
    session: AsyncSession = Depends(get_session),
) -> ImportReport:
    """Import points from xlsx: `validate` writes nothing, `all_or_nothing` writes only a file without
    errors, `valid_only` writes the valid rows. Row problems are in the report; a broken file is a 422."""
    limit = request.app.state.settings.storage.max_upload_mb
    data = await file.read(limit * 1024 * 1024 + 1)
    if len(data) > limit * 1024 * 1024:
        raise PayloadTooLarge(limit_mb=limit)
    locale = negotiate_locale(request.headers.get("accept-language"))
    return await service.import_points(session, _bus(request), actor, data, mode, locale)


@router.post("/points", response_model=PointOut, status_code=201, responses=WRITE_ERRORS)
async def create_point(
    body: PointIn,
    request: Request,
    actor: Actor = Depends(require(P.MON_CONFIGURE)),
    session: AsyncSession = Depends(get_session),
) -> PointOut:
    """Add a point (set-points checked against the range and GB/T 50493-2019)."""
    return PointOut.model_validate(await service.create_point(session, _bus(request), actor, body))


@router.get("/points/{point_id}", response_model=PointOut, responses=READ_ERRORS)
async def get_point(
    point_id: Id, actor: Actor = Depends(require(P.MON_READ)), session: AsyncSession = Depends(get_session)
) -> PointOut:
    """One point."""
    return PointOut.model_validate(await service.get_point(session, actor, point_id))


@router.patch("/points/{point_id}", response_model=PointOut, responses=WRITE_ERRORS)
async def update_point(
    point_id: Id,
    body: PointUpdate,
    request: Request,
    actor: Actor = Depends(require(P.MON_CONFIGURE)),
    session: AsyncSession = Depends(get_session),
) -> PointOut:
    """Edit a point."""
    return PointOut.model_validate(await service.update_point(session, _bus(request), actor, point_id, body))


@router.delete("/points/{point_id}", status_code=204, responses=WRITE_ERRORS)
async def delete_point(
    point_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.MON_CONFIGURE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Delete a point without alarm history."""
    await service.delete_point(session, _bus(request), actor, point_id)
    return Response(status_code=204)


# ---------------------------------------------------------------- sources


@router.get("/sources", response_model=list[SourceOut], responses=READ_ERRORS)
async def list_sources(
    actor: Actor = Depends(require(P.MON_READ)), session: AsyncSession = Depends(get_session)
) -> list[SourceOut]:
    """Data sources (secret-looking config values masked)."""
    return await service.list_sources(session)


@router.post("/sources", response_model=SourceWithToken, status_code=201, responses=WRITE_ERRORS)
async def create_source(
    body: SourceIn,
    request: Request,
    actor: Actor = Depends(require(P.MON_CONFIGURE)),
    session: AsyncSession = Depends(get_session),
) -> SourceWithToken:
    """Register a source; an HTTP source's token is in this answer only."""
    return await service.create_source(session, _bus(request), actor, body)


@router.patch("/sources/{source_id}", response_model=SourceOut, responses=WRITE_ERRORS)
async def update_source(
    source_id: Id,
    body: SourceUpdate,
    request: Request,
    actor: Actor = Depends(require(P.MON_CONFIGURE)),
    session: AsyncSession = Depends(get_session),
) -> SourceWithToken:
    """Rename, enable/disable or reconfigure a source (a masked secret sent back is kept)."""
    return await service.update_source(session, _bus(request), actor, source_id, body)


@router.post("/sources/{source_id}/rotate-token", response_model=SourceWithToken, responses=WRITE_ERRORS)
async def rotate_source_token(
    source_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.MON_CONFIGURE)),
    session: AsyncSession = Depends(get_session),
) -> SourceWithToken:
    """Issue a new token for an HTTP source (shown once)."""
    return await service.rotate_source_token(session, _bus(request), actor, source_id)


# ---------------------------------------------------------------- alarms


@router.get("/alarms", response_model=Page[AlarmView], responses=LIST_ERRORS)
async def list_alarms(
    state: AlarmStateFilter = "active",
    priority: Priority | None = None,
    site_id: int | None = _opt_id(),
    area_id: int | None = _opt_id(),
    console: str | None = Query(None, max_length=40),
    condition: Condition | None = None,
    q: str | None = Query(None, max_length=64),
    params: PageParams = Depends(page_params),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> Page[AlarmView]:
    """Alarm conditions. state: active (annunciated: active or unacknowledged, not shelved / suppressed /
    out of service), unacked, shelved, oos, all. Default order: priority, then newest activation."""
    rows, total = await service.list_alarms(
        session,
        actor,
        params,
        state=state,
        priority=priority,
        site_id=site_id,
        area_id=area_id,
        console=console,
        condition=condition,
        q=q,
    )
    return Page(items=rows, total=total, page=params.page, page_size=params.page_size)


@router.post("/alarms/ack", response_model=BulkAckOut, responses=WRITE_ERRORS)
async def ack_alarms(
    body: BulkAckIn,
    request: Request,
    actor: Actor = Depends(require(P.MON_OPERATE)),
    session: AsyncSession = Depends(get_session),
) -> BulkAckOut:
    """Acknowledge several alarms (their current occurrence); the rest are listed as skipped."""
    return await service.ack_alarms(session, _bus(request), actor, body.ids)


@router.get("/alarms/{alarm_id}", response_model=AlarmView, responses=READ_ERRORS)
async def get_alarm(
    alarm_id: Id, actor: Actor = Depends(require(P.MON_READ)), session: AsyncSession = Depends(get_session)
) -> AlarmView:
    """One alarm condition."""
    return await service.get_alarm(session, actor, alarm_id)


@router.get("/alarms/{alarm_id}/events", response_model=Page[AlarmEventOut], responses=READ_ERRORS)
async def alarm_events(
    alarm_id: Id,
    params: PageParams = Depends(page_params),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> Page[AlarmEventOut]:
    """The alarm's journal (sort: ts, id; default newest first)."""
    rows, total = await service.alarm_events(session, actor, alarm_id, params)
    return Page(items=rows, total=total, page=params.page, page_size=params.page_size)


@router.post("/alarms/{alarm_id}/ack", response_model=AlarmView, responses=WRITE_ERRORS)
async def ack_alarm(
    alarm_id: Id,
    body: AckIn,
    request: Request,
    actor: Actor = Depends(require(P.MON_OPERATE)),
    session: AsyncSession = Depends(get_session),
) -> AlarmView:
    """Acknowledge the occurrence the operator saw (409 monitoring.alarm_occurrence_changed if newer)."""
    return await service.ack_alarm(session, _bus(request), actor, alarm_id, body.occurrence)


@router.post("/alarms/{alarm_id}/shelve", response_model=AlarmView, responses=WRITE_ERRORS)
async def shelve_alarm(
    alarm_id: Id,
    body: ShelveIn,
    request: Request,
    actor: Actor = Depends(require(P.MON_SHELVE)),
    session: AsyncSession = Depends(get_session),
) -> AlarmView:
    """Shelve for a time with a reason (at most MAX_SHELVE_MINUTES)."""
    return await service.shelve_alarm(session, _bus(request), actor, alarm_id, body.reason, body.minutes)


@router.post("/alarms/{alarm_id}/unshelve", response_model=AlarmView, responses=WRITE_ERRORS)
async def unshelve_alarm(
    alarm_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.MON_SHELVE)),
    session: AsyncSession = Depends(get_session),
) -> AlarmView:
    """End a shelving early."""
    return await service.unshelve_alarm(session, _bus(request), actor, alarm_id)


@router.post("/alarms/{alarm_id}/oos", response_model=AlarmView, responses=WRITE_ERRORS)
async def take_out_of_service(
    alarm_id: Id,
    body: ReasonIn,
    request: Request,
    actor: Actor = Depends(require(P.MON_OOS)),
    session: AsyncSession = Depends(get_session),
) -> AlarmView:
    """Take an alarm out of service (maintenance) with a reason."""
    return await service.take_out_of_service(session, _bus(request), actor, alarm_id, body.reason)


@router.post("/alarms/{alarm_id}/in-service", response_model=AlarmView, responses=WRITE_ERRORS)
async def return_to_service(
    alarm_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.MON_OOS)),
    session: AsyncSession = Depends(get_session),
) -> AlarmView:
    """Put an alarm back in service."""
    return await service.return_to_service(session, _bus(request), actor, alarm_id)


@router.post("/alarms/{alarm_id}/comment", response_model=AlarmView, responses=WRITE_ERRORS)
async def comment_alarm(
    alarm_id: Id,
    body: CommentIn,
    request: Request,
    actor: Actor = Depends(require(P.MON_OPERATE)),
    session: AsyncSession = Depends(get_session),
) -> AlarmView:
    """Add a note to the alarm's journal."""
    return await service.comment_alarm(session, _bus(request), actor, alarm_id, body.text)


# ---------------------------------------------------------------- console views, trends


@router.get("/realtime/snapshot", response_model=SnapshotOut, responses=READ_ERRORS)
async def realtime_snapshot(
    site_id: int | None = _opt_id(),
    area_id: int | None = _opt_id(),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> SnapshotOut:
    """Current values and active/unacknowledged alarms, before following the realtime topics."""
    return await service.snapshot(session, actor, site_id, area_id)


@router.get("/board", response_model=BoardOut, responses=READ_ERRORS)
async def board(
    site_id: int | None = _opt_id(),
    area_id: int | None = _opt_id(),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> BoardOut:
    """Per area: points with value, set-points, worst alarm and a 30-minute sparkline."""
    return await service.board(session, actor, site_id, area_id)


@router.get(
    "/trend",
    response_model=TrendOut,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Unprocessable),
)
async def trend(
    point_ids: str = Query(..., max_length=400, description="comma-separated point ids, at most 20"),
    start: datetime = Query(...),
    end: datetime = Query(...),
    max_points: int = Query(1000, ge=2, le=5000),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> TrendOut:
    """Trend over [start, end] (at most 400 days), at most `max_points` per series with extremes kept."""
    return await service.trend(session, actor, _ids(point_ids), start, end, max_points)


@router.get(
    "/trend/export",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}, XLSX: {}}},
        **error_responses(NotAuthenticated, Forbidden, NotFound, Unprocessable),
    },
)
async def trend_export(
    point_ids: str = Query(..., max_length=400),
    start: datetime = Query(...),
    end: datetime = Query(...),
    format: Literal["csv", "xlsx"] = "csv",
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The stored rows over [start, end] as CSV (UTF-8 with BOM) or XLSX."""
    data, name = await service.trend_export(session, actor, _ids(point_ids), start, end, format)
    media = "text/csv; charset=utf-8" if format == "csv" else XLSX
    return _attachment(data, media, name)


# ---------------------------------------------------------------- KPI, data quality


@router.get(
    "/kpi", response_model=KpiOut, responses=error_responses(NotAuthenticated, Forbidden, Unprocessable)
)
async def kpi(
    start: datetime = Query(...),
    end: datetime = Query(...),
    console: str | None = Query(None, max_length=40),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> KpiOut:
    """Alarm-management KPIs per console over [start, end) (at most 31 days; buckets aligned to start)."""
    return await service.kpi_report(session, actor, start, end, console)


@router.get("/rejects", response_model=RejectsOut, responses=READ_ERRORS)
async def rejects(
    hours: int = Query(24, ge=1, le=24 * 31),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> RejectsOut:
    """Rejected input per source and reason over the last hours."""
    return await service.rejects(session, hours)


@router.get("/status", response_model=StatusOut, responses=READ_ERRORS)
async def status(
    site_id: int | None = _opt_id(),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> StatusOut:
    """Online rate over enabled points and active alarms by priority."""
    return await service.status(session, actor, site_id)
