"""Permits configuration (AQ 3064.2-2025 §5.2, §5.5.3, §5.10) and on-post supervision:

- who signs which step role (签批人), and delegations (委托签批) with their period;
- the plant calendar for the hot-work upgrade (holidays, make-up workdays, special periods);
- the guardian's phone reporting its position while the work runs: away from the work fence, the
  work is suspended with alarm 3/31 (GB 30871-2022 §4.10 f: a guardian who leaves takes the permit
  back and stops the work); a hand-over to another guardian keeps the work going (AQ §5.6).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Person
from anguan.basics.reminders import actor_of
from anguan.core.db import MAX_ID
from anguan.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound, Unprocessable, error_responses
from anguan.core.schemas import RequestModel
from anguan.core.time import utcnow
from anguan.core.timeline import TimelineEntry, add_timeline, record
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.models import User
from anguan.identity.schemas import Actor
from anguan.permits import alarms, flow, service
from anguan.permits.locating import Position, locator_from
from anguan.permits.models import CalendarDay, PermitPerson, Signer, SigningDelegation
from anguan.permits.workflow import State
from anguan.plant.models import Area

router = APIRouter(tags=["permits"], route_class=TransactionalRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
RoleCode = Literal[
    "unit",
    "power_user",
    "safety_dept",
    "plant_leader",
    "professional_dept",
    "plant_director",
    "power_supplier",
    "countersign",
    "shift_leader",
    "acceptor",
]


# ------------------------------------------------------------------------------ signers


class SignerIn(RequestModel):
    user_id: int = Field(ge=1, le=MAX_ID)
    role: RoleCode
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="only this area; none: every area")


class SignerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    user_id: int
    username: str = ""
    display_name: str = ""
    role: str
    area_id: int | None


async def _user_names(session: AsyncSession, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.username, User.display_name).where(User.id.in_(ids)))
    return {i: (u, d) for i, u, d in rows.tuples().all()}


@router.get("/permits-config/signers", response_model=list[SignerOut], responses=READ_ERRORS)
async def list_signers(
    _: Actor = Depends(require(P.PERMITS_READ)), session: AsyncSession = Depends(get_session)
) -> list[SignerOut]:
    """Who signs which step role (per area, or everywhere)."""
    rows = (await session.scalars(select(Signer).order_by(Signer.role, Signer.user_id))).all()
    names = await _user_names(session, {r.user_id for r in rows})
    return [
        SignerOut.model_validate(r).model_copy(
            update={
                "username": names.get(r.user_id, ("", ""))[0],
                "display_name": names.get(r.user_id, ("", ""))[1],
            }
        )
        for r in rows
    ]


@router.post("/permits-config/signers", response_model=SignerOut, status_code=201, responses=WRITE_ERRORS)
async def add_signer(
    body: SignerIn,
    actor: Actor = Depends(require(P.PERMITS_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> SignerOut:
    """Give a user a signing role (AQ 3064.2-2025 §5.2: the flow names its signers)."""
    user = await session.get(User, body.user_id)
    if user is None or not user.is_active:
        raise Unprocessable("permits.user_not_active", id=body.user_id)
    if body.area_id is not None and await session.get(Area, body.area_id) is None:
        raise Unprocessable("permits.area_not_found", id=body.area_id)
    exists = await session.scalar(
        select(Signer.id).where(
            Signer.user_id == body.user_id,
            Signer.role == body.role,
            Signer.area_id.is_(None) if body.area_id is None else Signer.area_id == body.area_id,
        )
    )
    if exists is not None:
        raise Conflict("permits.signer_exists")
    row = Signer(user_id=body.user_id, role=body.role, area_id=body.area_id)
    session.add(row)
    await session.flush()
    await record(
        session,
        service.who(actor),
        "permits.signer_added",
        target_type="pm_signer",
        target_id=row.id,
        detail={"user_id": body.user_id, "role": body.role},
    )
    return SignerOut.model_validate(row).model_copy(
        update={"username": user.username, "display_name": user.display_name}
    )


@router.delete("/permits-config/signers/{signer_id}", status_code=204, responses=WRITE_ERRORS)
async def remove_signer(
    signer_id: Id,
    actor: Actor = Depends(require(P.PERMITS_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Take a signing role away (signatures already given stay)."""
    row = await session.get(Signer, signer_id)
    if row is None:
        raise NotFound("permits.signer_not_found", id=signer_id)
    await session.delete(row)
    await record(
        session, service.who(actor), "permits.signer_removed", target_type="pm_signer", target_id=signer_id
    )
    return Response(status_code=204)


# ------------------------------------------------------------------------------ delegations


class DelegationIn(RequestModel):
    to_user_id: int = Field(ge=1, le=MAX_ID)
    role: RoleCode
    valid_from: AwareDatetime
    valid_until: AwareDatetime
    reason: str | None = Field(default=None, max_length=200)


class DelegationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    from_user_id: int
    to_user_id: int
    role: str
    valid_from: datetime
    valid_until: datetime = Field(description="end of the period [valid_from, valid_until); withdrawn: when")
    reason: str | None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = Field(default=None, description="login of who withdrew it")


DELEGATION = "pm_delegation"  # timeline entity and audit target of a delegation
WITHDRAWN = "withdrawn"


async def _withdrawals(session: AsyncSession, ids: list[int]) -> dict[int, tuple[datetime, str | None]]:
    """When and by whom delegations were withdrawn, from their timeline (the row keeps no such column:
    withdrawal ends the period at that moment)."""
    if not ids:
        return {}
    rows = await session.execute(
        select(TimelineEntry.entity_id, TimelineEntry.ts, TimelineEntry.actor_name).where(
            TimelineEntry.entity_type == DELEGATION,
            TimelineEntry.action == WITHDRAWN,
            TimelineEntry.entity_id.in_([str(i) for i in ids]),
        )
    )
    return {int(i): (ts, by) for i, ts, by in rows.tuples().all()}


def _delegation_out(row: SigningDelegation, withdrawn: tuple[datetime, str | None] | None) -> DelegationOut:
    out = DelegationOut.model_validate(row)
    if withdrawn is not None:
        out = out.model_copy(update={"withdrawn_at": withdrawn[0], "withdrawn_by": withdrawn[1]})
    return out


@router.get("/permits-config/delegations", response_model=list[DelegationOut], responses=READ_ERRORS)
async def list_delegations(
    actor: Actor = Depends(require(P.PERMITS_READ)), session: AsyncSession = Depends(get_session)
) -> list[DelegationOut]:
    """Delegations given or received by the caller (all of them for permits.manage), withdrawn ones
    with when and by whom."""
    stmt = select(SigningDelegation).order_by(
        SigningDelegation.valid_from.desc(), SigningDelegation.id.desc()
    )
    if P.PERMITS_MANAGE not in actor.permissions:
        stmt = stmt.where(
            (SigningDelegation.from_user_id == actor.user_id)
            | (SigningDelegation.to_user_id == actor.user_id)
        )
    rows = list((await session.scalars(stmt)).all())
    withdrawn = await _withdrawals(session, [r.id for r in rows])
    return [_delegation_out(r, withdrawn.get(r.id)) for r in rows]


@router.post(
    "/permits-config/delegations", response_model=DelegationOut, status_code=201, responses=WRITE_ERRORS
)
async def delegate(
    body: DelegationIn,
    actor: Actor = Depends(require(P.PERMITS_SIGN)),
    session: AsyncSession = Depends(get_session),
) -> DelegationOut:
    """委托签批 (AQ 3064.2-2025 §5.5.3): the caller, holding a signing role, lets another user with
    signing rights (permits.sign) sign that role's steps for them within a period."""
    if body.valid_until <= body.valid_from:
        raise Unprocessable("permits.bad_period")
    if body.to_user_id == actor.user_id:
        raise Unprocessable("permits.delegate_to_self")
    held = set((await session.scalars(select(Signer.user_id).where(Signer.role == body.role))).all())
    if actor.user_id not in held:
        raise Forbidden("permits.role_not_held", role=body.role)
    target = await session.get(User, body.to_user_id)
    if target is None or not target.is_active:
        raise Unprocessable("permits.user_not_active", id=body.to_user_id)
    if P.PERMITS_SIGN not in (await actor_of(session, target.id, target.username)).permissions:
        raise Unprocessable("permits.delegate_lacks_role", role=body.role)
    row = SigningDelegation(
        from_user_id=actor.user_id,
        to_user_id=body.to_user_id,
        role=body.role,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        reason=body.reason,
    )
    session.add(row)
    await session.flush()
    await record(session, service.who(actor), "permits.delegated", target_type=DELEGATION, target_id=row.id)
    return _delegation_out(row, None)


@router.delete("/permits-config/delegations/{delegation_id}", status_code=204, responses=WRITE_ERRORS)
async def withdraw_delegation(
    delegation_id: Id,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Withdraw a delegation (撤回委托) before its end: by the delegator, or by permits.manage. The row
    stays as the record of who could sign for whom until when: its period ends now (a future one ends
    at its start, so it never takes effect), with a timeline and an audit entry keeping the period as
    given. Signatures given under it stay; from now on the delegate cannot sign under it."""
    row = await session.get(SigningDelegation, delegation_id)
    if row is None:
        raise NotFound("permits.delegation_not_found", id=delegation_id)
    if row.from_user_id != actor.user_id and P.PERMITS_MANAGE not in actor.permissions:
        raise Forbidden("permits.not_your_delegation", id=delegation_id)
    now = utcnow()
    if row.valid_until <= now:
        raise Conflict("permits.delegation_ended", id=delegation_id, until=row.valid_until.isoformat())
    given = {"valid_from": row.valid_from.isoformat(), "valid_until": row.valid_until.isoformat()}
    before = "future" if row.valid_from > now else "active"
    row.valid_until = max(now, row.valid_from)
    detail = {
        **given,
        "ended_at": row.valid_until.isoformat(),
        "to_user_id": row.to_user_id,
        "role": row.role,
    }
    await add_timeline(
        session,
        entity_type=DELEGATION,
        entity_id=row.id,
        action=WITHDRAWN,
        actor=service.who(actor),
        from_state=before,
        to_state=WITHDRAWN,
        evidence=detail,
    )
    await record(
        session,
        service.who(actor),
        "permits.delegation_withdrawn",
        target_type=DELEGATION,
        target_id=row.id,
        detail=detail,
    )
    return Response(status_code=204)


# ------------------------------------------------------------------------------ calendar


class CalendarIn(RequestModel):
    day: date
    kind: Literal["holiday", "workday", "special"]
    name: str = Field(min_length=1, max_length=120)


class CalendarOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    day: date
    kind: str
    name: str


@router.get("/permits-config/calendar", response_model=list[CalendarOut], responses=READ_ERRORS)
async def list_calendar(
    year: int = Query(ge=2000, le=2100),
    _: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[CalendarDay]:
    """The plant calendar of a year (the hot-work upgrade reads it)."""
    stmt = select(CalendarDay).where(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
    )
    return list((await session.scalars(stmt.order_by(CalendarDay.day))).all())


@router.post("/permits-config/calendar", response_model=CalendarOut, status_code=201, responses=WRITE_ERRORS)
async def add_calendar_day(
    body: CalendarIn,
    actor: Actor = Depends(require(P.PERMITS_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> CalendarDay:
    """Mark a day as a holiday, a make-up workday or a special period (重大活动)."""
    if await session.scalar(
        select(CalendarDay.id).where(CalendarDay.day == body.day, CalendarDay.kind == body.kind)
    ):
        raise Conflict("permits.calendar_day_exists")
    row = CalendarDay(day=body.day, kind=body.kind, name=body.name)
    session.add(row)
    await session.flush()
    await record(
        session, service.who(actor), "permits.calendar_changed", target_type="pm_calendar", target_id=row.id
    )
    return row


MAX_CALENDAR_RANGE_DAYS = 366


class CalendarRangeIn(RequestModel):
    from_: date = Field(alias="from", description="first day (plant date)")
    to: date = Field(description="last day, inclusive (the same as `from` for one day)")
    kind: Literal["holiday", "workday", "special"]
    name: str = Field(min_length=1, max_length=120)


class CalendarRangeOut(BaseModel):
    created: list[CalendarOut]
    skipped: list[date] = Field(
        description="days of the range already marked with this kind, left as they were"
    )


@router.post(
    "/permits-config/calendar/range", response_model=CalendarRangeOut, status_code=201, responses=WRITE_ERRORS
)
async def add_calendar_range(
    body: CalendarRangeIn,
    actor: Actor = Depends(require(P.PERMITS_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> CalendarRangeOut:
    """Mark every day of [from, to] (at most 366 days) as a holiday, a make-up workday or a special
    period, in one transaction. Days already marked with the same kind are left as they are and listed
    in `skipped` (the day already counts for the hot-work upgrade); when every day is, 409
    `permits.calendar_day_exists` with the days, and nothing changes."""
    n = (body.to - body.from_).days + 1
    if n < 1 or n > MAX_CALENDAR_RANGE_DAYS:
        raise Unprocessable(
            "permits.calendar_range_invalid",
            first=body.from_.isoformat(),
            last=body.to.isoformat(),
            max=MAX_CALENDAR_RANGE_DAYS,
        )
    days = [body.from_ + timedelta(days=i) for i in range(n)]
    marked = set(
        (
            await session.scalars(
                select(CalendarDay.day).where(
                    CalendarDay.kind == body.kind, CalendarDay.day >= body.from_, CalendarDay.day <= body.to
                )
            )
        ).all()
    )
    skipped = [d for d in days if d in marked]
    if len(skipped) == n:
        raise Conflict("permits.calendar_day_exists", days=[d.isoformat() for d in skipped])
    rows = [CalendarDay(day=d, kind=body.kind, name=body.name) for d in days if d not in marked]
    session.add_all(rows)
    await session.flush()
    await record(
        session,
        service.who(actor),
        "permits.calendar_changed",
        target_type="pm_calendar",
        target_id=rows[0].id,
        detail={
            "from": body.from_.isoformat(),
            "to": body.to.isoformat(),
            "kind": body.kind,
            "name": body.name,
            "ids": [r.id for r in rows],
            "skipped": [d.isoformat() for d in skipped],
        },
    )
    return CalendarRangeOut(created=[CalendarOut.model_validate(r) for r in rows], skipped=skipped)


@router.delete("/permits-config/calendar/{day_id}", status_code=204, responses=WRITE_ERRORS)
async def remove_calendar_day(
    day_id: Id,
    actor: Actor = Depends(require(P.PERMITS_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Remove a calendar mark."""
    row = await session.get(CalendarDay, day_id)
    if row is None:
        raise NotFound("permits.calendar_day_not_found", id=day_id)
    await session.delete(row)
    await record(
        session, service.who(actor), "permits.calendar_changed", target_type="pm_calendar", target_id=day_id
    )
    return Response(status_code=204)


# ------------------------------------------------------------------------------ guardian on post


class GuardianPositionIn(RequestModel):
    x: float | None = Field(default=None, ge=-100000, le=100000)
    y: float | None = Field(default=None, ge=-100000, le=100000)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class GuardianPositionOut(BaseModel):
    on_site: bool | None
    state: str
    alarm_raised: bool


async def _my_guardian_row(session: AsyncSession, actor: Actor, permit_id: int) -> PermitPerson:
    person = await session.scalar(select(Person.id).where(Person.user_id == actor.user_id))
    row = (
        await session.scalars(
            select(PermitPerson).where(
                PermitPerson.permit_id == permit_id,
                PermitPerson.person_id == person,
                PermitPerson.role == "guardian",
                PermitPerson.active.is_(True),
            )
        )
    ).first()
    if person is None or row is None:
        raise Forbidden("permits.not_the_guardian")
    return row


@router.post(
    "/permits/{permit_id}/guardian-position", response_model=GuardianPositionOut, responses=WRITE_ERRORS
)
async def guardian_position(
    permit_id: Id,
    body: GuardianPositionIn,
    request: Request,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> GuardianPositionOut:
    """The guardian's phone reports where it is while the work runs; away from the work fence the work
    is suspended and alarm 3/31 raised (GB 30871-2022 §4.10 f; AQ 3064.2-2025 §5.9.6)."""
    permit = await service.get_permit(session, actor, permit_id)
    await _my_guardian_row(session, actor, permit_id)
    position = Position(x=body.x, y=body.y, lat=body.lat, lon=body.lon)
    if position.empty:
        raise Unprocessable("permits.position_required")
    on_site = await locator_from(request.app.state).on_site(session, actor.user_id, permit, position)
    raised = False
    if on_site is False and permit.state == State.IN_PROGRESS:
        bus = request.app.state.bus
        await flow.suspend(session, permit, utcnow(), f"监护人离岗 {actor.username}", bus)
        raised = bool(
            await alarms.raise_alarms(session, bus, permit, ["3/31"], utcnow(), {"guardian": actor.username})
        )
    return GuardianPositionOut(on_site=on_site, state=permit.state, alarm_raised=raised)


class HandOverIn(RequestModel):
    to_person_id: int = Field(ge=1, le=MAX_ID)
    note: str | None = Field(default=None, max_length=500)


@router.post("/permits/{permit_id}/guardian-handover", status_code=204, responses=WRITE_ERRORS)
async def guardian_handover(
    permit_id: Id,
    body: HandOverIn,
    request: Request,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """监护人交接 (AQ 3064.2-2025 §5.6): the guardian hands the permit to another person before leaving;
    the work goes on under the new guardian, the old one stays on record."""
    permit = await service.get_permit(session, actor, permit_id)
    if permit.state not in (State.ISSUED, State.IN_PROGRESS, State.PAUSED):
        raise Conflict("permits.bad_state", state=permit.state)
    mine = await _my_guardian_row(session, actor, permit_id)
    person = await session.get(Person, body.to_person_id)
    if person is None or person.status != "active":
        raise Unprocessable("permits.person_not_active", id=body.to_person_id)
    if person.id == mine.person_id:
        raise Unprocessable("permits.handover_to_self")
    mine.active = False
    existing = (
        await session.scalars(
            select(PermitPerson).where(
                PermitPerson.permit_id == permit_id,
                PermitPerson.person_id == person.id,
                PermitPerson.role == "guardian",
            )
        )
    ).first()
    if existing is not None:
        existing.active = True
    else:
        session.add(PermitPerson(permit_id=permit_id, person_id=person.id, role="guardian", active=True))
    await add_timeline(
        session,
        entity_type="permit",
        entity_id=permit_id,
        action="guardian_handover",
        actor=service.who(actor),
        from_state=permit.state,
        to_state=permit.state,
        evidence={"from_person": mine.person_id, "to_person": person.id, "note": body.note},
    )
    await record(
        session, service.who(actor), "permits.guardian_handover", target_type="pm_permit", target_id=permit_id
    )
    # the open pages of this permit (the work leader's, the safety office's) show the new guardian
    request.app.state.bus.emit(
        session,
        flow.PermitChanged(
            permit_id=permit.id,
            number=permit.number,
            work_type=permit.work_type,
            action="guardian_handover",
            state=permit.state,
            previous=permit.state,
            site_id=permit.site_id,
            area_id=permit.area_id,
        ),
        durable=True,
    )
    return Response(status_code=204)
