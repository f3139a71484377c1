"""Master-data operations REST API: interlock bypasses, reminder centre, work eligibility, the
compliance self-diagnosis and the module settings (mounted under /api/v1/basics)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import bypass_service, diagnosis, eligibility_service, reminders, settings_service
from anguan.basics.ops_schemas import (
    BypassApproveIn,
    BypassIn,
    BypassNoteIn,
    BypassOut,
    BypassRejectIn,
    BypassStatus,
    DiagnosisOut,
    DueFilter,
    EligibilityBatchIn,
    EligibilityOut,
    ReminderItem,
    ReminderSummary,
    SettingsIn,
    SettingsOut,
)
from anguan.core.db import MAX_ID
from anguan.core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    Unprocessable,
    error_responses,
)
from anguan.core.events import EventBus
from anguan.core.pagination import Page, PageParams, page_params
from anguan.core.time import utcnow
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor

router = APIRouter(prefix="/basics", tags=["basics"], route_class=TransactionalRoute)
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
LIST_ERRORS = error_responses(NotAuthenticated, Forbidden, BadRequest, Unprocessable)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
ELIGIBILITY_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Unprocessable)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX: {}}}}
T = bypass_service.TRANSITIONS


def _bus(request: Request) -> EventBus:
    bus: EventBus = request.app.state.bus
    return bus


def _tz(request: Request) -> str:
    tz: str = request.app.state.settings.site_timezone
    return tz


class TimelineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ts: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    from_state: str | None
    to_state: str | None
    evidence: dict[str, Any]


# ---------------------------------------------------------------- interlock bypasses (联锁旁路)


@router.get("/bypasses", response_model=Page[BypassOut], responses=LIST_ERRORS)
async def list_bypasses(
    status: BypassStatus | None = None,
    interlock_id: int | None = Query(None, ge=1, le=MAX_ID),
    params: PageParams = Depends(page_params),
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Page[BypassOut]:
    """Bypasses of the interlocks within the caller's scope (sort: id, status, requested_until,
    approved_until, created_at)."""
    return await bypass_service.list_bypasses(
        session, actor, params, status=status, interlock_id=interlock_id
    )


@router.get("/bypasses/export.xlsx", response_class=Response, responses={**FILE_RESPONSE, **LIST_ERRORS})
async def export_bypasses(
    request: Request,
    status: BypassStatus | None = None,
    interlock_id: int | None = Query(None, ge=1, le=MAX_ID),
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The caller's bypasses as an xlsx workbook (bilingual headers, plant-local times)."""
    data = await bypass_service.export_xlsx(
        session, actor, status=status, interlock_id=interlock_id, tz=_tz(request)
    )
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="bypasses.xlsx"', "Cache-Control": "no-store"},
    )


@router.post("/bypasses", response_model=BypassOut, status_code=201, responses=WRITE_ERRORS)
async def request_bypass(
    body: BypassIn,
    request: Request,
    actor: Actor = Depends(require(P.BYPASS_REQUEST)),
    session: AsyncSession = Depends(get_session),
) -> BypassOut:
    """Request a bypass of an in-service interlock until a future time."""
    return await bypass_service.request_bypass(session, _bus(request), actor, body, utcnow())


@router.get("/bypasses/{bypass_id}", response_model=BypassOut, responses=READ_ERRORS)
async def get_bypass(
    bypass_id: Id,
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> BypassOut:
    """One bypass."""
    return bypass_service.bypass_out(*await bypass_service.get_bypass(session, actor, bypass_id))


@router.get("/bypasses/{bypass_id}/timeline", response_model=list[TimelineOut], responses=READ_ERRORS)
async def bypass_timeline(
    bypass_id: Id,
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[TimelineOut]:
    """Who moved the bypass from which state to which, oldest first."""
    return [TimelineOut.model_validate(e) for e in await bypass_service.timeline(session, actor, bypass_id)]


@router.post("/bypasses/{bypass_id}/approve", response_model=BypassOut, responses=WRITE_ERRORS)
async def approve_bypass(
    bypass_id: Id,
    body: BypassApproveIn,
    request: Request,
    actor: Actor = Depends(require(*T["approve"].permissions)),
    session: AsyncSession = Depends(get_session),
) -> BypassOut:
    """Approve a requested bypass until a time (not after the requested end; not one's own)."""
    return await bypass_service.approve(session, _bus(request), actor, bypass_id, body, utcnow())


@router.post("/bypasses/{bypass_id}/reject", response_model=BypassOut, responses=WRITE_ERRORS)
async def reject_bypass(
    bypass_id: Id,
    body: BypassRejectIn,
    request: Request,
    actor: Actor = Depends(require(*T["reject"].permissions)),
    session: AsyncSession = Depends(get_session),
) -> BypassOut:
    """Refuse a requested bypass, with the reason."""
    return await bypass_service.reject(session, _bus(request), actor, bypass_id, body.note, utcnow())


@router.post("/bypasses/{bypass_id}/apply", response_model=BypassOut, responses=WRITE_ERRORS)
async def apply_bypass(
    bypass_id: Id,
    request: Request,
    body: BypassNoteIn | None = None,
    actor: Actor = Depends(require(*T["apply"].permissions)),
    session: AsyncSession = Depends(get_session),
) -> BypassOut:
    """Put an approved bypass in place (before its approval ends): the interlock is bypassed."""
    note = body.note if body else None
    return await bypass_service.apply(session, _bus(request), actor, bypass_id, note, utcnow())


@router.post("/bypasses/{bypass_id}/remove", response_model=BypassOut, responses=WRITE_ERRORS)
async def remove_bypass(
    bypass_id: Id,
    request: Request,
    body: BypassNoteIn | None = None,
    actor: Actor = Depends(require(*T["remove"].permissions)),
    session: AsyncSession = Depends(get_session),
) -> BypassOut:
    """End an active bypass: the interlock is back in service."""
    note = body.note if body else None
    return await bypass_service.remove(session, _bus(request), actor, bypass_id, note, utcnow())


@router.post("/bypasses/{bypass_id}/cancel", response_model=BypassOut, responses=WRITE_ERRORS)
async def cancel_bypass(
    bypass_id: Id,
    request: Request,
    body: BypassNoteIn | None = None,
    actor: Actor = Depends(require(*T["cancel"].permissions)),
    session: AsyncSession = Depends(get_session),
) -> BypassOut:
    """Withdraw a requested or approved bypass that was never applied."""
    note = body.note if body else None
    return await bypass_service.cancel(session, _bus(request), actor, bypass_id, note, utcnow())


# ---------------------------------------------------------------- reminder centre (提醒中心)


@router.get("/reminders", response_model=list[ReminderItem], responses=LIST_ERRORS)
async def list_reminders(
    request: Request,
    status: DueFilter = "all",
    what: str | None = Query(None, max_length=40),
    register: str | None = Query(None, max_length=40),
    within_days: int | None = Query(None, ge=0, le=3650),
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[ReminderItem]:
    """Due and expired dates of the caller's registers and overdue bypasses: expired first, then
    by days left (`within_days` keeps items due within that many days, and every expired one)."""
    now = utcnow()
    tz = _tz(request)
    return await reminders.list_reminders(
        session,
        actor,
        settings_service.plant_date(now, tz),
        status=status,
        what=what,
        register=register,
        within_days=within_days,
        now=now,
        tz=tz,
    )


@router.get("/reminders/export.xlsx", response_class=Response, responses={**FILE_RESPONSE, **LIST_ERRORS})
async def export_reminders(
    request: Request,
    status: DueFilter = "all",
    what: str | None = Query(None, max_length=40),
    register: str | None = Query(None, max_length=40),
    within_days: int | None = Query(None, ge=0, le=3650),
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The reminder list, filtered like GET /basics/reminders, as an xlsx workbook."""
    now, tz = utcnow(), _tz(request)
    items = await reminders.list_reminders(
        session,
        actor,
        settings_service.plant_date(now, tz),
        status=status,
        what=what,
        register=register,
        within_days=within_days,
        now=now,
        tz=tz,
    )
    return Response(
        reminders.export_xlsx(items),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="reminders.xlsx"', "Cache-Control": "no-store"},
    )


@router.get("/reminders/summary", response_model=ReminderSummary, responses=LIST_ERRORS)
async def reminder_summary(
    request: Request,
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> ReminderSummary:
    """Counts of due and expired reminders per register."""
    now, tz = utcnow(), _tz(request)
    return await reminders.summary(session, actor, settings_service.plant_date(now, tz), now=now, tz=tz)


# ---------------------------------------------------------------- eligibility (作业资格)


@router.get("/eligibility", response_model=EligibilityOut, responses=ELIGIBILITY_ERRORS)
async def eligibility(
    request: Request,
    work_type: str = Query(..., min_length=1, max_length=40),
    person_id: int | None = Query(None, ge=1, le=MAX_ID),
    id_number: str | None = Query(None, min_length=1, max_length=18),
    at: datetime | None = None,
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> EligibilityOut:
    """May this person do this work at `at` (default now; the plant date counts; a time without
    offset is plant-local)? Every check is listed; the first failing one gives `reason`."""
    on = settings_service.plant_date(at or utcnow(), _tz(request))
    return await eligibility_service.check(
        session, actor, work_type, on, person_id=person_id, id_number=id_number
    )


@router.post("/eligibility/batch", response_model=list[EligibilityOut], responses=LIST_ERRORS)
async def eligibility_batch(
    body: EligibilityBatchIn,
    request: Request,
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[EligibilityOut]:
    """The same answer for up to 200 people, in the order asked (unknown people: person_not_found)."""
    on = settings_service.plant_date(body.at or utcnow(), _tz(request))
    return await eligibility_service.check_batch(session, actor, body.person_ids, body.work_type, on)


# ---------------------------------------------------------------- self-diagnosis and settings


@router.get("/diagnosis", response_model=DiagnosisOut, responses=READ_ERRORS)
async def run_diagnosis(
    request: Request,
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> DiagnosisOut:
    """Compliance self-diagnosis: safety staffing, key-role qualifications, three-level induction."""
    return await diagnosis.diagnose(session, actor, settings_service.plant_date(utcnow(), _tz(request)))


@router.get("/settings", response_model=SettingsOut, responses=READ_ERRORS)
async def get_settings(
    actor: Actor = Depends(require(P.BASICS_READ)), session: AsyncSession = Depends(get_session)
) -> SettingsOut:
    """Reminder lead times and staffing thresholds in force, with the reference defaults."""
    return await settings_service.get_settings(session)


@router.put("/settings", response_model=SettingsOut, responses=WRITE_ERRORS)
async def put_settings(
    body: SettingsIn,
    actor: Actor = Depends(require(P.BASICS_CONFIGURE)),
    session: AsyncSession = Depends(get_session),
) -> SettingsOut:
    """Replace the reminder lead times and staffing thresholds (audited)."""
    return await settings_service.put_settings(session, actor, body)
